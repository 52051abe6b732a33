// SPDX-License-Identifier: Apache-2.0

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
//
// # Runs are never lost
//
// A run is identified by its name, and no Fit deletes one. Running a training cell again:
//
//   - with the same configuration resumes an interrupted run, or reopens a finished one
//     without training or rewriting anything;
//   - with more epochs, or another early-stopping patience, continues from the latest
//     checkpoint: 3 epochs done and now Epochs(4) trains epoch 4 only and the history keeps
//     epochs 1–3. These are the only continuable settings, because continuing with them gives
//     the same result as a fresh run with the new values (except Epochs under a cosine
//     schedule, which stretches the learning rate of every epoch, and so is not continuable).
//     Asking for no more than is done (fewer epochs, or an early stop already reached)
//     reopens the run as it is, with its stored settings and all its epochs;
//   - with a different model, data set, task, optimizer, learning rate, batch size, schedule,
//     seed, class weights or monitor fails with an error (ErrRunChanged) that names what
//     differs, e.g. "hidden [32] → [64]", and leaves the run untouched. Give the new
//     configuration its own name, or call Restart: the old run's files are then moved to
//     RUNDIR/previous-<time>/, where train.Open still reads them.
//
// A run directory whose training never completed an epoch has nothing to keep and is started
// again with the new configuration.
//
// The split is stored once, when a run starts, in data.gob: a small JSON header (fingerprint
// and shapes, so a later Fit compares data without reading it) and a gzip stream in which
// columns with few distinct values (pixels, labels, masks, token ids) are stored as 1- or
// 2-byte palette indices. Runs written before this format (plain gob) still open.
package train
