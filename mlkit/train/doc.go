// SPDX-License-Identifier: Apache-2.0

// Package train fits mlkit models to data sets and keeps the result in a run directory.
//
// A run directory (runs/NAME by default) holds everything a later notebook cell needs:
// the prepared splits, the model configuration, the best and latest checkpoints and the
// per-epoch history. Because each GoNB cell is a new process, later cells reopen the run
// instead of keeping variables alive. In a notebook, declare the run as a function: its first
// call trains, and every later call with the same configuration reopens the finished run
// without training (Fit compares the configuration and the data's fingerprint):
//
//	// cell: train
//	func mlpRun() *train.Run {
//		return mlkit.Must(train.New("wdbc-mlp", models.MLP(32).Done()).Epochs(40).Done().Fit(prepare()))
//	}
//	%%
//	display.Show(display.TrainingCurves(mlpRun().History.Curves()))
//
//	// cell: evaluate
//	ev := mlkit.Must(mlpRun().Evaluate())
//
// Open reopens a run by name or directory when its configuration is not at hand:
//
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
//     augmentation, seed, class weights or monitor fails with an error (ErrRunChanged) that
//     names what differs, e.g. "hidden [32] → [64]", and leaves the run untouched. Give the new
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
//
// # Ensembles
//
// Average combines trained runs into an Ensemble that predicts the mean of their class
// probabilities (soft voting) or values, and evaluates like a run:
//
//	ens, err := train.OpenAverage("cnn-seed1", "cnn-seed2", "cnn-seed3")
//	ev, err := ens.Evaluate()         // on the test part the runs share
//	val, err := ens.EvaluateOn(ens.Runs[0].Split().Val) // to choose between ensembles
//
// explain.TestTimeAugmentation takes an ensemble as it takes a run.
//
// # Cross-validation
//
// CrossValidate trains one ordinary run per fold of data.Folds, under a parent directory:
//
//	// cell: cross-validate
//	folds, err := data.Folds(d, 5).Stratified().Seed(42).Done()
//	res, err := train.CrossValidate("wdbc-cv", models.MLP(32).Done(), folds).
//		Configure(func(c *train.Config) *train.Config { return c.Epochs(40).EarlyStopping("val_auc", 5) }).
//		Prepare(func(s *data.Split) *data.Split { return data.FitStandardizer(s.Train).ApplySplit(s) }).
//		Done().Fit(d)
//
//	// cell: evaluate
//	res, err := train.OpenCV("wdbc-cv") // res.String(), res.HTML(), res.Headline()
//
// Fold K is the run RUNDIR/NAME/fold-K (train.Open("wdbc-cv/fold-2") reopens its model), with
// the fold's held-out examples as its Test part. Its Val part, for early stopping and the best
// epoch, is a seeded (Config.Seed), stratified fifth of the fold's training part (ValFraction;
// whole groups with Groups), never the held-out fold. Because every fold is a run, running the
// cell again reopens finished folds and resumes an interrupted one; RUNDIR/NAME/cv.json records
// the folds and their held-out predictions, which is all OpenCV reads. The result has each
// fold's metrics (eval: accuracy, balanced accuracy, AUC — macro one-vs-rest for more than two
// classes — and Brier score; RMSE, MAE and R² for regression), their mean ± SD, and the pooled
// out-of-fold predictions (one per example, in the data set's order; the mean over repetitions
// with Repeats) evaluated with 95% bootstrap intervals.
//
// NestedCrossValidate chooses among Candidates (model and options) honestly: on each outer
// training part, inner folds compare the candidates by a metric (Select), and the best is
// trained on that part and tested once on the outer fold. Each fold reports its choice; the
// estimate is that of the whole selection procedure. Multi-label tasks are not supported yet.
package train
