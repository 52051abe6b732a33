// Package train fits mlkit models to data sets and keeps the result in a run directory.
//
// A run directory (runs/NAME by default) holds everything a later notebook cell needs:
// the prepared splits, the model configuration, the best and latest checkpoints and the
// per-epoch history. Because each GoNB cell is a new process, the evaluate cell reopens the
// run instead of keeping variables alive:
//
//	// cell: train
//	run, err := train.New("wdbc-mlp", models.MLP(32).Done()).Epochs(40).Done().Fit(split)
//
//	// cell: evaluate
//	run, err := train.Open("wdbc-mlp")
//	pred, err := run.Predict(run.Split().Test)
//
// Fit stops early on a validation metric and restores the best weights, resumes an
// interrupted run from its latest checkpoint, stops with a clear error (keeping the last good
// checkpoint) when the loss becomes NaN or infinite, and repeats exactly with the same seed
// on the pure-Go backend.
package train
