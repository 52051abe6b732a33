// SPDX-License-Identifier: Apache-2.0

package train

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"math"
	"math/rand"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"syscall"
	"time"
	"unsafe"

	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/ml/train/optimizer"

	"github.com/medgo-lab/medgo/mlkit/backend"
	"github.com/medgo-lab/medgo/mlkit/data"
	"github.com/medgo-lab/medgo/mlkit/eval"
	"github.com/medgo-lab/medgo/mlkit/models"
)

// Trainer fits one model in one run directory. Create it with New(...).Done().
type Trainer struct {
	settings Settings
	model    models.Model
	dir      string
	resume   bool
	quiet    bool
	err      error
	// monitorBy is Config.monitorBy: which option chose the monitor, "" for the default.
	monitorBy string

	// OnEpoch, when set, is called after every epoch with the history so far.
	OnEpoch func(h *History)
}

// ErrInterrupted is returned (wrapped) by Fit when training was interrupted by a signal; the
// latest checkpoint was saved and running Fit again resumes from it.
var ErrInterrupted = errors.New("training interrupted")

// Fit trains on split.Train, validates on split.Val (when present) after every epoch, keeps
// the best weights by the monitored metric, and returns the Run.
//
// A run is identified by its name, and Fit never discards one. When the run directory already
// holds a run, Fit compares it with this configuration:
//
//   - the same configuration: an unfinished run resumes from its latest checkpoint, a finished
//     one is reopened (nothing is trained or written);
//   - only Epochs or the early-stopping patience changed: the run continues from its latest
//     checkpoint and keeps its history, e.g. 3 epochs done and now Epochs(4) trains epoch 4
//     only. With a constant or plateau schedule the result is the same as a fresh run with the
//     new settings. When the new settings ask for no more than is done (fewer epochs, or an
//     early stop the history already reached), the run is reopened as it is, with its
//     stored settings;
//   - anything else (the model, the data, the task, the optimizer, learning rate, batch size,
//     schedule, augmentation, seed, class weights or monitor, or Epochs under a cosine
//     schedule, whose learning rate at every epoch depends on the total): Fit returns an error wrapping
//     ErrRunChanged that names the differences, and leaves the run untouched. Use a new run
//     name, or Restart to start over.
func (t *Trainer) Fit(split *data.Split) (run *Run, err error) {
	if t.err != nil {
		return nil, t.err
	}
	defer catch(&err, "training run %q", t.settings.Name)
	if err := t.checkData(split); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(t.dir, 0o755); err != nil {
		return nil, fmt.Errorf("run %q: creating %s: %w", t.settings.Name, t.dir, err)
	}
	unlock, err := lockRun(t.dir)
	if err != nil {
		return nil, err
	}
	defer unlock()

	tr := split.Train
	outputs := models.OutputsFor(tr.Task, tr.NumClasses(), tr.NumTargets())
	s := t.settings
	if s.Balanced {
		s.ClassWeights = balancedWeights(tr)
	}
	modelJSON, err := models.Marshal(t.model)
	if err != nil {
		return nil, err
	}
	normModel := normalizeModel(modelJSON)
	settingsJSON, _ := json.MarshalIndent(s, "", "  ")
	fingerprint := fingerprintSplit(split)
	header := summarizeSplit(split, outputs, fingerprint)

	if !t.resume {
		prev, err := setAside(t.dir)
		if err != nil {
			return nil, err
		}
		if prev != "" && !t.quiet {
			fmt.Printf("Restarting run %s: the previous run was moved to %s\n", s.Name, prev)
		}
	}

	run = &Run{Name: s.Name, Dir: t.dir, Model: t.model, Settings: s}
	run.setData(split, outputs)
	run.History = &History{Monitor: s.Monitor}

	startEpoch := 0
	var ck *checkpointFile
	var stored *storedRun
	if hasTraining(t.dir) {
		if stored, err = readStored(t.dir, s.Name); err != nil {
			return nil, err
		}
		h := stored.history
		if what := stored.incompatible(s, normModel, header); len(what) > 0 {
			return nil, &changedError{name: s.Name, dir: t.dir, epochs: len(h.Epochs), what: what}
		}
		if !h.Finished {
			// An interrupted run: the latest checkpoint says how far it got.
			if ck, err = loadCheckpoint(filepath.Join(t.dir, latestFile)); err != nil && !errors.Is(err, os.ErrNotExist) {
				return nil, err
			}
			if err := alignHistory(h, ck, t.dir); err != nil {
				return nil, err
			}
		}
		done := len(h.Epochs)
		target := s.Epochs
		if stop := earlyStopEpoch(h, s.Patience); stop > 0 && stop < target {
			target = stop
		}
		if done > target || (done == target && h.Finished) {
			return t.reopen(stored, split, ck, target)
		}
		if s.Schedule == "cosine" && s.Epochs != stored.settings.Epochs {
			return nil, &changedError{name: s.Name, dir: t.dir, epochs: done, what: []string{fmt.Sprintf(
				"a cosine schedule over %d epochs (now %d): the learning rate of every epoch depends on the number of epochs, so the %d done would not match",
				stored.settings.Epochs, s.Epochs, done)}}
		}
		if ck == nil && done > 0 {
			// A finished run that continues: its latest weights and optimizer state.
			if ck, err = loadCheckpoint(filepath.Join(t.dir, latestFile)); err != nil {
				return nil, fmt.Errorf("run %q in %s cannot continue: %w; reopen it as it is with train.Open, or call .Restart()", s.Name, t.dir, err)
			}
			if err := alignHistory(h, ck, t.dir); err != nil {
				return nil, err
			}
		}
		if h.Finished || h.Stopped != "" {
			// Saved before settings.json, so that a crash in between leaves an unfinished run
			// that the next Fit resumes, whichever epochs it asks for.
			h.Finished, h.Stopped = false, ""
			if err := h.save(filepath.Join(t.dir, historyFile)); err != nil {
				return nil, err
			}
		}
		run.History, startEpoch = h, len(h.Epochs)
	}
	// A resumed or continued run keeps its model.json (the same model) and data file (the
	// same data, by fingerprint): only what changed is written.
	if stored == nil || string(stored.modelJSON) != string(normModel) {
		if err := writeAtomic(filepath.Join(t.dir, modelFile), writeBytes(modelJSON)); err != nil {
			return nil, err
		}
	}
	if stored == nil || string(stored.settingsJSON) != string(settingsJSON) {
		if err := writeAtomic(filepath.Join(t.dir, settingsFile), writeBytes(settingsJSON)); err != nil {
			return nil, err
		}
	}
	if !sameDataFile(filepath.Join(t.dir, dataFile), stored, header) {
		if err := saveRunData(filepath.Join(t.dir, dataFile), &runData{Split: *split, Outputs: outputs, Fingerprint: fingerprint}); err != nil {
			return nil, err
		}
	}
	if err := run.initStore(ck); err != nil {
		return nil, err
	}
	if err := t.loop(run, startEpoch); err != nil {
		return run, err
	}
	return run, nil
}

// alignHistory cuts the history back to the latest checkpoint (ck nil: none yet). The history
// is written before the checkpoint, so after a kill it may be one epoch ahead: that epoch is
// trained again. A history behind its checkpoint means the directory was changed by hand.
func alignHistory(h *History, ck *checkpointFile, dir string) error {
	epoch := 0
	if ck != nil {
		epoch = ck.Epoch
	}
	if len(h.Epochs) < epoch {
		return fmt.Errorf("run in %s: %s has %d epochs but %s was saved after epoch %d; the directory is inconsistent — call .Restart() (the files are moved aside) or use a new run name",
			dir, historyFile, len(h.Epochs), latestFile, epoch)
	}
	if len(h.Epochs) > epoch {
		h.Epochs, h.Finished, h.Stopped = h.Epochs[:epoch], false, ""
	}
	h.BestEpoch = 0
	for _, e := range h.Epochs {
		if e.Best {
			h.BestEpoch = e.Epoch
		}
	}
	return nil
}

// sameDataFile reports whether path already holds this split, so it need not be written again.
func sameDataFile(path string, stored *storedRun, header *dataHeader) bool {
	h := (*dataHeader)(nil)
	if stored != nil {
		h = stored.data
	} else if _, err := os.Stat(path); err == nil {
		// A run killed before its first epoch: its data file may be complete and current.
		// An old-format file is replaced: nothing was trained on it yet.
		if h, _ = readDataHeader(path); h != nil && h.Format != 2 {
			h = nil
		}
	}
	return h != nil && h.Fingerprint == header.Fingerprint && len(dataChanges(h, header)) == 0
}

// reopen returns a run that needs no more training, as it is on disk, with its best weights.
// The split given to Fit is used, not the data file: it has the same values (the fingerprints
// match), and reading a large split back would take longer than the whole reopen otherwise.
func (t *Trainer) reopen(stored *storedRun, split *data.Split, latest *checkpointFile, target int) (*Run, error) {
	s := stored.settings
	h := stored.history
	run := &Run{Name: s.Name, Dir: t.dir, Model: t.model, Settings: s, History: h}
	run.setData(split, stored.data.Outputs)
	ck, err := loadCheckpoint(filepath.Join(t.dir, bestFile))
	if errors.Is(err, os.ErrNotExist) {
		// No epoch improved the monitored metric (it was NaN throughout): the latest weights.
		ck = latest
		if ck == nil {
			ck, err = loadCheckpoint(filepath.Join(t.dir, latestFile))
		} else {
			err = nil
		}
	}
	if err != nil {
		return nil, fmt.Errorf("run %q in %s has no usable checkpoint (%v); call .Restart() to train it again", s.Name, t.dir, err)
	}
	if err := run.initStore(ck); err != nil {
		return nil, err
	}
	if len(h.Epochs) > target && !t.quiet {
		// Not an error (the run is intact and usable), but not what was asked for either.
		fmt.Printf("Run %s already has %d epochs, more than these settings train (%d); reopened as it is. "+
			"To train only %d, use a new run name or .Restart().\n", s.Name, len(h.Epochs), target, target)
	}
	return run, nil
}

func writeBytes(b []byte) func(w io.Writer) error {
	return func(w io.Writer) error { _, err := w.Write(b); return err }
}

// loop runs the epochs from startEpoch on.
func (t *Trainer) loop(run *Run, startEpoch int) error {
	s, split, store := run.Settings, run.split, run.store
	tr, val := split.Train, split.Val
	monitor := s.Monitor
	if val == nil || val.Len() == 0 {
		// Only the default val_loss gets here without validation data (checkMonitor refuses a
		// validation metric asked for by name): the documented fallback to the training loss.
		val = nil
		monitor = "train_loss"
	}
	run.History.Monitor = monitor
	run.History.Backend = backend.Describe()
	run.History.Examples = tr.Len()
	hasMask := tr.Mask != nil

	opt := t.optimizer()
	build := func(scope *model.Scope, in []*graph.Node, training bool) (out, loss *graph.Node) {
		g := in[0].Graph()
		store.SetTraining(g, training)
		x, y, w := in[0], in[1], in[2]
		var mask *graph.Node
		if hasMask {
			mask = in[3]
		}
		b := models.NewBuilder(scope.At("model"), training)
		b.VocabSize = run.VocabSize
		out = run.Model.Build(b, models.Inputs{X: x, Mask: mask}, run.Outputs)
		loss = models.Loss(run.Task, out, y, w)
		return out, loss
	}
	step, err := model.NewExec(run.backend, store, func(scope *model.Scope, in []*graph.Node) []*graph.Node {
		_, loss := build(scope, in, true)
		opt.UpdateGraph(scope, loss.Graph(), loss)
		return []*graph.Node{loss}
	})
	if err != nil {
		return err
	}
	evalExec, err := model.NewExec(run.backend, store, func(scope *model.Scope, in []*graph.Node) []*graph.Node {
		out, loss := build(scope, in, false)
		return []*graph.Node{loss, models.Predict(run.Task, out)}
	})
	if err != nil {
		return err
	}
	if err := initializeOnHost(run, store, build, tr, hasMask); err != nil {
		return err
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	prog := newProgress(t.quiet, s.Name, s.Epochs, run.History.Backend)
	defer prog.close()

	better := monitors[monitor]
	best := math.Inf(1)
	if better {
		best = math.Inf(-1)
	}
	if b, ok := run.History.Best(); ok {
		best = monitorValue(b, monitor)
	}
	lr := s.LearningRate
	if n := len(run.History.Epochs); n > 0 {
		lr = run.History.Epochs[n-1].LearningRate
	}
	// Replay the counters over the epochs already done, exactly as the loop below updates
	// them, so a resumed or continued run decays the learning rate and stops early at the same
	// epochs as one trained without a break.
	sinceBest, sincePlateau := 0, 0
	for _, e := range run.History.Epochs {
		if s.Schedule == "plateau" && sincePlateau >= s.PlateauWait {
			sincePlateau = 0
		}
		if e.Best {
			sinceBest, sincePlateau = 0, 0
		} else {
			sinceBest++
			sincePlateau++
		}
	}
	weights := exampleWeights(tr, s.ClassWeights)
	batch := min(s.BatchSize, tr.Len())
	lrSet := false

	if s.Patience > 0 && sinceBest >= s.Patience {
		// Killed after the epoch that met the stopping rule, before recording that it did.
		run.History.Stopped = fmt.Sprintf("early stopping: %s did not improve for %d epochs", monitor, s.Patience)
		startEpoch = s.Epochs
	}
	for epoch := startEpoch; epoch < s.Epochs; epoch++ {
		start := time.Now()
		lr = t.learningRate(epoch, lr, sincePlateau)
		if s.Schedule == "plateau" && sincePlateau >= s.PlateauWait {
			sincePlateau = 0
		}
		if lrSet, err = setLearningRate(store, lr); err != nil {
			return err
		}
		if l, ok := store.Loader().(*checkpointLoader); ok && !lrSet {
			// Resuming: the optimizer creates its learning-rate variable in the first step,
			// from the checkpoint, which holds the previous epoch's rate. Under a decaying
			// schedule that first step would use a stale rate, unlike an uninterrupted run.
			l.setScalar(optimizer.ParamLearningRate, lr)
		}
		rng := rand.New(rand.NewSource(s.Seed*1000003 + int64(epoch)))
		perm := rng.Perm(tr.Len())
		epochTrain, err := epochData(tr, s, epoch)
		if err != nil {
			return err
		}
		var sum float64
		steps := 0
		for b := 0; b+batch <= len(perm); b += batch {
			if ctx.Err() != nil {
				return t.interrupted(run, epoch)
			}
			idx := perm[b : b+batch]
			loss, err := runStep(step, epochTrain, idx, weights, hasMask)
			if err != nil {
				return err
			}
			if math.IsNaN(loss) || math.IsInf(loss, 0) {
				run.History.Stopped = fmt.Sprintf("loss became %v at epoch %d, step %d", loss, epoch+1, steps+1)
				_ = run.History.save(filepath.Join(run.Dir, historyFile))
				return fmt.Errorf("run %q: the loss became %v at epoch %d, step %d; training stopped and the last good checkpoint (%s) was kept. "+
					"Lower the learning rate (now %.2g; a changed setting needs .Restart() or a new run name), standardize the features, or check the data for NaN/Inf values",
					s.Name, loss, epoch+1, steps+1, filepath.Join(run.Dir, latestFile), lr)
			}
			sum += loss
			steps++
			if !lrSet {
				// The optimizer creates its learning-rate variable in the first step.
				if lrSet, err = setLearningRate(store, lr); err != nil {
					return err
				}
			}
			prog.step(epoch, float64(b+batch)/float64(len(perm)), sum/float64(steps))
		}
		e := Epoch{Epoch: epoch + 1, TrainLoss: sum / float64(max(steps, 1)), LearningRate: lr}
		if val != nil {
			e.Val, err = evaluate(evalExec, val, run.Task)
			if err != nil {
				return err
			}
		}
		e.Seconds = time.Since(start).Seconds()
		v := monitorValue(e, monitor)
		improved := (better && v > best) || (!better && v < best) || (math.IsNaN(best) && !math.IsNaN(v))
		if improved {
			best, e.Best, sinceBest, sincePlateau = v, true, 0, 0
			run.History.BestEpoch = e.Epoch
		} else {
			sinceBest++
			sincePlateau++
		}
		run.History.Epochs = append(run.History.Epochs, e)
		if improved {
			if err := saveCheckpoint(filepath.Join(run.Dir, bestFile), store, e.Epoch); err != nil {
				return err
			}
		}
		// The history goes first: after a crash it may be one epoch ahead of latest.ckpt (and is
		// cut back on resume), never behind it.
		if err := run.History.save(filepath.Join(run.Dir, historyFile)); err != nil {
			return err
		}
		if err := saveCheckpoint(filepath.Join(run.Dir, latestFile), store, e.Epoch); err != nil {
			return err
		}
		prog.epoch(run.History)
		if t.OnEpoch != nil {
			t.OnEpoch(run.History)
		}
		if s.Patience > 0 && sinceBest >= s.Patience {
			run.History.Stopped = fmt.Sprintf("early stopping: %s did not improve for %d epochs", monitor, s.Patience)
			break
		}
	}
	run.History.Finished = true
	if err := run.History.save(filepath.Join(run.Dir, historyFile)); err != nil {
		return err
	}
	// Keep the best weights in memory, as on disk.
	if ck, err := loadCheckpoint(filepath.Join(run.Dir, bestFile)); err == nil {
		if err := restoreInto(store, ck); err != nil {
			return err
		}
	}
	prog.finish(run.History)
	return nil
}

// epochData is the training data of one epoch: tr itself, or with Settings.Augment a
// transformation of it drawn afresh for the epoch, from a seed of its own (apart from the
// shuffle's seed*1000003+epoch) fixed by the run's seed and the epoch.
func epochData(tr *data.Dataset, s Settings, epoch int) (*data.Dataset, error) {
	if s.Augment == nil {
		return tr, nil
	}
	const offset = 7919 << 20
	d, err := data.Augment(tr, *s.Augment, s.Seed*1000003+int64(epoch)+offset)
	if err != nil {
		return nil, fmt.Errorf("run %q, epoch %d: %w", s.Name, epoch+1, err)
	}
	return d, nil
}

func (t *Trainer) interrupted(run *Run, epoch int) error {
	_ = run.History.save(filepath.Join(run.Dir, historyFile))
	return fmt.Errorf("run %q: %w during epoch %d; the checkpoint of epoch %d is in %s — run the cell again to resume",
		run.Name, ErrInterrupted, epoch+1, epoch, run.Dir)
}

// initializeOnHost creates the model's variables and gives them their initial values on the
// pure-Go backend when another engine trains. Initializers draw from the store's random state
// with backend operations, which differ between engines: without this the same seed would
// start ONNX Runtime and pure Go from different weights, and a figure recorded on one engine
// could not be reproduced on the other. One inference pass over one training example creates
// the variables (or loads them from a checkpoint); their values are then kept as host tensors,
// which any backend takes. Variables only the training graph makes (the optimizer's moments)
// start at zero on every engine.
func initializeOnHost(run *Run, store *model.Store, build func(*model.Scope, []*graph.Node, bool) (*graph.Node, *graph.Node), tr *data.Dataset, hasMask bool) error {
	if backend.IsPureGo(run.backend) || tr.Len() == 0 {
		return nil
	}
	host, err := backend.Host()
	if err != nil {
		return err
	}
	exec, err := model.NewExec(host, store, func(scope *model.Scope, in []*graph.Node) []*graph.Node {
		_, loss := build(scope, in, false)
		return []*graph.Node{loss}
	})
	if err != nil {
		return err
	}
	x, mask, y := batchTensors(tr, []int{0})
	args := []any{x, y, tensors.FromFlatDataAndDimensions([]float32{1}, 1)}
	if hasMask {
		args = append(args, mask)
	}
	outs, err := exec.Exec(args...)
	if err != nil {
		return fmt.Errorf("initializing the model's variables on the pure-Go backend: %w", err)
	}
	finalize(outs)
	for v := range store.IterVariables() {
		if !v.HasValue() {
			continue
		}
		local, err := v.MustValue().LocalClone()
		if err != nil {
			return fmt.Errorf("copying variable %s to the host: %w", v, err)
		}
		v.MustSetValue(local)
	}
	return nil
}

func runStep(step *model.Exec, d *data.Dataset, idx []int, weights []float32, hasMask bool) (float64, error) {
	x, mask, y := batchTensors(d, idx)
	w := make([]float32, len(idx))
	for i, j := range idx {
		w[i] = weights[j]
	}
	args := []any{x, y, tensors.FromFlatDataAndDimensions(w, len(idx))}
	if hasMask {
		args = append(args, mask)
	}
	outs, err := step.Exec(args...)
	if err != nil {
		return 0, err
	}
	loss := tensors.MustCopyFlatData[float32](outs[0])[0]
	outs[0].FinalizeAll()
	return float64(loss), nil
}

// evaluate computes the validation loss and metrics.
func evaluate(exec *model.Exec, d *data.Dataset, task data.Task) (map[string]float64, error) {
	n := d.Len()
	var lossSum float64
	var probs [][]float64
	err := inBatches(d, true, func(args []any) error {
		outs, err := exec.Exec(args...)
		if err != nil {
			return err
		}
		defer finalize(outs)
		rows := tensorRows(outs[1])
		lossSum += float64(tensors.MustCopyFlatData[float32](outs[0])[0]) * float64(len(rows))
		probs = append(probs, rows...)
		return nil
	})
	if err != nil {
		return nil, err
	}
	m := map[string]float64{"loss": lossSum / float64(n)}
	p := &Predictions{Task: task, Probs: probs}
	switch {
	case task.IsClassification():
		labels := d.Labels()
		if acc, err := eval.Accuracy(labels, p.Labels()); err == nil {
			m["accuracy"] = acc
		}
		var auc float64
		var err error
		if task == data.Binary {
			auc, err = eval.AUC(labels, p.Scores(1))
		} else {
			auc, err = eval.MacroAUC(labels, probs)
		}
		if err == nil {
			m["auc"] = auc
		}
	case task == data.Regression:
		truth := make([]float64, 0, n)
		pred := make([]float64, 0, n)
		T := d.NumTargets()
		for i := 0; i < n; i++ {
			for k := 0; k < T; k++ {
				if y := d.Y[i*T+k]; !math.IsNaN(float64(y)) {
					truth = append(truth, float64(y))
					pred = append(pred, probs[i][k])
				}
			}
		}
		if rmse, err := eval.RMSE(truth, pred); err == nil {
			m["rmse"] = rmse
		}
	case task == data.MultiLabel:
		T := d.NumTargets()
		var sum float64
		var count int
		for k := 0; k < T; k++ {
			var labels []int
			var scores []float64
			for i := 0; i < n; i++ {
				if y := d.Y[i*T+k]; !math.IsNaN(float64(y)) {
					labels = append(labels, int(y))
					scores = append(scores, probs[i][k])
				}
			}
			if auc, err := eval.AUC(labels, scores); err == nil {
				sum += auc
				count++
			}
		}
		if count > 0 {
			m["auc"] = sum / float64(count)
		}
	}
	return m, nil
}

func monitorValue(e Epoch, monitor string) float64 {
	if monitor == "train_loss" {
		return e.TrainLoss
	}
	if v, ok := e.Val[monitor[len("val_"):]]; ok {
		return v
	}
	return math.NaN()
}

// learningRate is the rate for epoch under the configured schedule.
func (t *Trainer) learningRate(epoch int, current float64, sincePlateau int) float64 {
	s := t.settings
	switch s.Schedule {
	case "cosine":
		if epoch < s.WarmupEpochs {
			return s.LearningRate * float64(epoch+1) / float64(s.WarmupEpochs+1)
		}
		progress := float64(epoch-s.WarmupEpochs) / float64(max(1, s.Epochs-s.WarmupEpochs))
		return s.LearningRate * 0.5 * (1 + math.Cos(math.Pi*progress))
	case "plateau":
		if sincePlateau >= s.PlateauWait {
			return current * s.PlateauDecay
		}
		return current
	}
	return s.LearningRate
}

func (t *Trainer) optimizer() optimizer.Interface {
	s := t.settings
	switch s.Optimizer {
	case "sgd":
		return &momentumSGD{learningRate: s.LearningRate, momentum: s.Momentum}
	case "adamw":
		return optimizer.Adam().LearningRate(s.LearningRate).WeightDecay(s.WeightDecay).Done()
	}
	return optimizer.Adam().LearningRate(s.LearningRate).Done()
}

// setLearningRate updates the optimizer's learning-rate variable, once it exists.
func setLearningRate(store *model.Store, lr float64) (found bool, err error) {
	for v := range store.IterVariables() {
		if v.Name() == optimizer.ParamLearningRate && !v.Trainable {
			return true, v.SetValue(tensors.FromScalarAndDimensions(float32(lr)))
		}
	}
	return false, nil
}

// checkData reports problems with the split before the first step.
func (t *Trainer) checkData(split *data.Split) error {
	name := t.settings.Name
	if split == nil || split.Train == nil || split.Train.Len() == 0 {
		return fmt.Errorf("run %q: no training data; pass a data.Split with a non-empty Train part", name)
	}
	if err := t.checkMonitor(split); err != nil {
		return err
	}
	tr := split.Train
	for _, part := range []struct {
		name string
		d    *data.Dataset
	}{{"train", split.Train}, {"validation", split.Val}, {"test", split.Test}} {
		if part.d == nil {
			continue
		}
		if err := part.d.Validate(); err != nil {
			return fmt.Errorf("run %q, %s split: %w", name, part.name, err)
		}
		if !slices.Equal(part.d.Shape, tr.Shape) || part.d.Task != tr.Task || part.d.NumTargets() != tr.NumTargets() {
			return fmt.Errorf("run %q: the %s split has shape %v, task %s, %d targets but train has %v, %s, %d; prepare all splits the same way",
				name, part.name, part.d.Shape, part.d.Task, part.d.NumTargets(), tr.Shape, tr.Task, tr.NumTargets())
		}
		if tr.Task.IsClassification() {
			k := tr.NumClasses()
			for i := 0; i < part.d.Len(); i++ {
				if l := part.d.Label(i); l < 0 || l >= k {
					return fmt.Errorf("run %q: %s example %d has label %d, but the training data has %d classes (%v)", name, part.name, i, l, k, tr.Classes)
				}
			}
		}
	}
	if tr.Task.IsClassification() && tr.NumClasses() < 2 {
		return fmt.Errorf("run %q: the training data has %d class(es); classification needs at least 2", name, tr.NumClasses())
	}
	if t.settings.Augment != nil {
		if _, err := t.settings.Augment.CheckFor(tr); err != nil {
			return fmt.Errorf("run %q: Augment cannot transform the training data: %w", name, err)
		}
	}
	if len(t.settings.ClassWeights) > 0 && len(t.settings.ClassWeights) != tr.NumClasses() {
		return fmt.Errorf("run %q: %d class weights given for %d classes (%v)", name, len(t.settings.ClassWeights), tr.NumClasses(), tr.Classes)
	}
	if v, ok := t.model.(models.Validator); ok {
		vocab := 0
		if tr.Vocab != nil {
			vocab = tr.Vocab.Size()
		}
		if err := v.Validate(tr.Shape, vocab); err != nil {
			return fmt.Errorf("run %q: %w", name, err)
		}
	}
	return nil
}

func exampleWeights(d *data.Dataset, classWeights []float64) []float32 {
	w := make([]float32, d.Len())
	for i := range w {
		w[i] = 1
		if len(classWeights) > 0 && d.Task.IsClassification() {
			w[i] = float32(classWeights[d.Label(i)])
		}
	}
	return w
}

func balancedWeights(d *data.Dataset) []float64 {
	if !d.Task.IsClassification() {
		return nil
	}
	counts := d.ClassCounts()
	w := make([]float64, len(counts))
	for k, c := range counts {
		if c > 0 {
			w[k] = float64(d.Len()) / float64(len(counts)*c)
		} else {
			w[k] = 1
		}
	}
	return w
}

// fingerprintSplit hashes the examples and targets, so a run resumes only on the same data.
func fingerprintSplit(split *data.Split) uint64 {
	h := fnv.New64a()
	for _, d := range []*data.Dataset{split.Train, split.Val, split.Test} {
		if d == nil {
			h.Write([]byte{0})
			continue
		}
		for _, f := range [][]float32{d.X, d.Y, d.Mask} {
			if len(f) > 0 {
				h.Write(unsafe.Slice((*byte)(unsafe.Pointer(&f[0])), len(f)*4))
			}
			h.Write([]byte{1})
		}
	}
	return h.Sum64()
}
