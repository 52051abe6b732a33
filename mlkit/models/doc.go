// SPDX-License-Identifier: Apache-2.0

// Package models holds mlkit's network builders: MLP, CNN (2-D and 1-D), RNN (LSTM, GRU),
// a transformer encoder and a graph neural network for molecules, plus the heads and losses for
// each data.Task and a Summary of layers, output shapes and trainable parameters.
//
// A model is a small configuration value (it marshals to JSON), built with a one-line
// default and refined with options that end in Done:
//
//	m := models.MLP(64, 32).Dropout(0.2).Done()
//	m := models.SeedCNN() // the classic Keras MNIST network
//	m := models.CNN1D(32, 64).BatchNorm().Done()
//	m := models.LSTM(64).Layers(2).Bidirectional().Done()
//	m := models.Transformer().Dim(64).Heads(4).Blocks(2).Pooling("cls").Done()
//	m := models.GNN(64).Layers(3).Readout("mean").Done() // on chem.Graphs data
//
// Done returns an independent copy, so one builder can make several models
// (base := models.MLP(32); a, b := base.Dropout(0.1).Done(), base.Dropout(0.5).Done() differ).
// An option given an invalid value, such as Dropout(1.5), is recorded when it is called and
// reported with the option, the value and the allowed range by Validate, so by SummaryFor and
// train's Fit before anything is built.
//
// Build turns the configuration into a GoMLX graph; TryBuild does the same and returns
// graph-building failures as errors. Validate checks a configuration against the shape of one
// example before anything is built, and SummaryFor lists the layers for a dataset, with the
// output width training uses, without compiling anything.
// Training and evaluation live in the train package; models only describe networks, and Loss,
// OutputsFor and Predict give each task its output width, loss and probabilities.
//
// Every layer is made of plain graph operations whose gradients work on the pure-Go backend:
// convolutions are computed as im2col (one matrix product per layer), batch normalization
// keeps its moving averages in non-trainable variables, and recurrent layers unroll the time
// loop with static slices arranged so that training cost stays linear in the sequence length.
// Sequence models honour Inputs.Mask: padded positions change neither the recurrent state nor
// the attention, so padding a sequence does not change its output.
//
// GNN takes the molecular graphs of chem.Graphs ([atoms, features+atoms]: atom features, then a
// bond matrix of bond codes) and passes messages along bonds with one weight matrix per bond
// type (single, double, triple, aromatic), GIN-style: h' = MLP((1+ε)·h + Σ_type A_type·h·W_type).
// Padding atoms, marked by the first atom feature, neither send nor receive and are left out of
// the sum, mean or max readout, so the output depends neither on the atom order nor on the
// padding.
//
// On the pure-Go backend, a graph must not read variables that reach none of its outputs: fetch
// recorded attention weights together with the model output.
package models
