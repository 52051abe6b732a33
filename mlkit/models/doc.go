// Package models holds mlkit's network builders: MLP, CNN (2-D and 1-D), RNN (LSTM, GRU)
// and a transformer encoder, plus the heads and losses for each data.Task and a Summary of
// layers, output shapes and trainable parameters.
//
// A model is a small configuration value (it marshals to JSON), built with a one-line
// default and refined with options that end in Done:
//
//	m := models.MLP(64, 32).Dropout(0.2).Done()
//
// Build turns the configuration into a GoMLX graph. Training and evaluation live in the
// train package; models only describe networks.
package models
