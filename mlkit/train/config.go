// SPDX-License-Identifier: Apache-2.0

package train

import (
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/medgo-lab/medgo/mlkit/data"
	"github.com/medgo-lab/medgo/mlkit/models"
)

// Settings are a run's training settings, saved as settings.json in its directory.
type Settings struct {
	Name         string    `json:"name"`
	Epochs       int       `json:"epochs"`
	BatchSize    int       `json:"batch_size"`
	Optimizer    string    `json:"optimizer"` // adam, adamw, sgd
	LearningRate float64   `json:"learning_rate"`
	WeightDecay  float64   `json:"weight_decay,omitempty"`
	Momentum     float64   `json:"momentum,omitempty"`
	Schedule     string    `json:"schedule"` // constant, cosine, plateau
	WarmupEpochs int       `json:"warmup_epochs,omitempty"`
	PlateauDecay float64   `json:"plateau_factor,omitempty"`
	PlateauWait  int       `json:"plateau_patience,omitempty"`
	ClassWeights []float64 `json:"class_weights,omitempty"`
	Balanced     bool      `json:"balanced_class_weights,omitempty"`
	Monitor      string    `json:"monitor"`  // val_loss, val_accuracy, val_auc, val_rmse
	Patience     int       `json:"patience"` // early stopping patience in epochs; 0 = never stop early
	Seed         int64     `json:"seed"`
	// Augment, when set, transforms the training images afresh each epoch (see Config.Augment).
	Augment *data.AugmentOptions `json:"augment,omitempty"`
}

// Config builds a Trainer. Start with New; every option has a default that works.
type Config struct {
	s      Settings
	dir    string
	resume bool
	quiet  bool
	model  models.Model
	err    error

	// monitorBy names the option that chose the monitor (EarlyStopping or Monitor), "" for the
	// default. Only the default val_loss falls back to train_loss without validation data; a
	// monitor asked for by name must be computable (see Trainer.checkMonitor).
	monitorBy string
}

// New starts a configuration for training model m in the run named name.
//
// Defaults: 10 epochs, batch size 32, Adam with learning rate 1e-3 and a constant schedule,
// keep the weights with the best validation loss (the lowest training loss when the split has
// no validation part), seed 1. Runs live in $MEDGO_RUNS, else
// ./runs, and are identified by name: a later Fit under the same name resumes, continues or
// reopens that run, and never discards it (see Trainer.Fit and Restart).
func New(name string, m models.Model) *Config {
	if b, ok := m.(interface{ Done() models.Model }); ok {
		// A builder passed without Done (models.MLP(32).Dropout(0.1) is itself a Model): take
		// the independent copy Done makes, so that later options given to the same builder
		// cannot change this run's model.
		m = b.Done()
	}
	c := &Config{
		s: Settings{Name: name, Epochs: 10, BatchSize: 32, Optimizer: "adam", LearningRate: 1e-3,
			Schedule: "constant", Monitor: "val_loss", Seed: 1},
		resume: true,
		model:  m,
	}
	if !validName.MatchString(name) {
		c.err = fmt.Errorf("run name %q: use letters, digits, '-', '_' or '.', e.g. \"wdbc-mlp\"", name)
	}
	if m == nil {
		c.err = fmt.Errorf("run %q: the model is nil; pass one such as models.MLP(32).Done()", name)
	}
	return c
}

var validName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$`)

// Epochs sets the number of passes over the training data (default 10).
func (c *Config) Epochs(n int) *Config { c.s.Epochs = n; return c }

// BatchSize sets the number of examples per step (default 32).
func (c *Config) BatchSize(n int) *Config { c.s.BatchSize = n; return c }

// Adam selects the Adam optimizer with the given learning rate (the default, with 1e-3).
func (c *Config) Adam(learningRate float64) *Config {
	c.s.Optimizer, c.s.LearningRate = "adam", learningRate
	return c
}

// AdamW selects Adam with decoupled weight decay.
func (c *Config) AdamW(learningRate, weightDecay float64) *Config {
	c.s.Optimizer, c.s.LearningRate, c.s.WeightDecay = "adamw", learningRate, weightDecay
	return c
}

// SGD selects stochastic gradient descent with momentum (0 for plain SGD; 0.9 is usual).
func (c *Config) SGD(learningRate, momentum float64) *Config {
	c.s.Optimizer, c.s.LearningRate, c.s.Momentum = "sgd", learningRate, momentum
	return c
}

// Cosine decays the learning rate along a cosine to zero at the last epoch, after a linear
// warm-up over the first warmupEpochs.
func (c *Config) Cosine(warmupEpochs int) *Config {
	c.s.Schedule, c.s.WarmupEpochs = "cosine", warmupEpochs
	return c
}

// ReduceOnPlateau multiplies the learning rate by factor when the monitored metric has not
// improved for patience epochs.
func (c *Config) ReduceOnPlateau(factor float64, patience int) *Config {
	c.s.Schedule, c.s.PlateauDecay, c.s.PlateauWait = "plateau", factor, patience
	return c
}

// ClassWeights weights each class's examples in the loss (index = class).
func (c *Config) ClassWeights(w ...float64) *Config {
	// A copy: the caller's slice (ClassWeights(weights...)) may change after this call.
	c.s.ClassWeights, c.s.Balanced = slices.Clone(w), false
	return c
}

// BalancedClassWeights weights classes inversely to their frequency in the training split,
// n / (k · count), so rare classes count as much as common ones.
func (c *Config) BalancedClassWeights() *Config { c.s.Balanced, c.s.ClassWeights = true, nil; return c }

// EarlyStopping stops when monitor has not improved for patience epochs. The best weights are
// kept either way. The monitor is train_loss or a validation metric the task has (val_loss;
// val_accuracy and val_auc for classification, val_auc for multi-label, val_rmse for
// regression); Fit refuses a validation metric when the split has no validation part.
// For multi-label, val_auc is the mean AUC over the targets with both classes among their
// known (non-NaN) labels, as eval.MultiLabelReport.MacroAUC.
func (c *Config) EarlyStopping(monitor string, patience int) *Config {
	c.s.Monitor, c.s.Patience, c.monitorBy = monitor, patience, "EarlyStopping"
	return c
}

// Monitor selects the metric that picks the best weights, without early stopping: a validation
// metric as for EarlyStopping, or "train_loss": the epoch with the lowest training loss is kept
// (usually the last one, the weights Keras's fit returns), while the validation metrics are
// still reported.
func (c *Config) Monitor(monitor string) *Config {
	c.s.Monitor, c.monitorBy = monitor, "Monitor"
	return c
}

// Augment trains each epoch on a fresh random transformation of the training examples, as
// data.Augment draws it with a seed derived from the run's seed and the epoch, so a run is
// repeatable and a resumed run sees the same examples as one trained without a break. Unlike
// concatenating augmented copies, an epoch costs the same as without augmentation, and the
// network sees most examples transformed anew every epoch. Validation and test examples are
// never transformed. For images, shape [height, width, channels], and signals, shape
// [length, channels]; e.g. Augment(data.AugmentOptions{MaxShift: 2}) for digits, which must
// not be mirrored, or {MaxShift: 4, Scale: 0.1, Noise: 0.05} for a standardized ECG.
func (c *Config) Augment(opt data.AugmentOptions) *Config {
	c.s.Augment = &opt
	return c
}

// Seed makes initialization, shuffling and dropout repeatable (default 1).
func (c *Config) Seed(seed int64) *Config { c.s.Seed = seed; return c }

// Dir places the run directory under dir instead of $MEDGO_RUNS or ./runs.
func (c *Config) Dir(dir string) *Config { c.dir = dir; return c }

// Restart starts the run over instead of resuming, continuing or reopening it. It is the only
// way to replace a run under the same name (Fit refuses a changed model, data or setting), and
// it deletes nothing: the existing run's files (model.json, settings.json, data.gob, the
// checkpoints and history.json) are moved to RUNDIR/previous-<yyyymmdd-hhmmss>/, where
// train.Open(that directory) still reopens the old run. Remove those directories by hand when
// they are no longer needed.
func (c *Config) Restart() *Config { c.resume = false; return c }

// Quiet turns off progress output.
func (c *Config) Quiet() *Config { c.quiet = true; return c }

// Done validates the configuration and returns the Trainer. Errors are reported by Fit.
func (c *Config) Done() *Trainer {
	t := &Trainer{settings: c.s, model: c.model, resume: c.resume, quiet: c.quiet, err: c.err, monitorBy: c.monitorBy}
	// Settings is copied by value above; its slice and pointer are copied too, so that options
	// given to c after Done do not reach this Trainer.
	t.settings.ClassWeights = slices.Clone(c.s.ClassWeights)
	if c.s.Augment != nil {
		augment := *c.s.Augment
		t.settings.Augment = &augment
	}
	t.dir = filepath.Join(RunsDir(c.dir), c.s.Name)
	if t.err == nil {
		t.err = c.s.validate()
	}
	return t
}

// RunsDir is where runs are kept: dir when given, else $MEDGO_RUNS, else ./runs.
func RunsDir(dir string) string {
	if dir != "" {
		return dir
	}
	if d := os.Getenv("MEDGO_RUNS"); d != "" {
		return d
	}
	return "runs"
}

func (s *Settings) validate() error {
	bad := func(what string, v any, want string) error {
		return fmt.Errorf("run %q: %s = %v; %s", s.Name, what, v, want)
	}
	switch {
	case s.Epochs <= 0:
		return bad("epochs", s.Epochs, "use at least 1, e.g. Epochs(10)")
	case s.BatchSize <= 0:
		return bad("batch size", s.BatchSize, "use at least 1, e.g. BatchSize(32)")
	case s.LearningRate <= 0:
		return bad("learning rate", s.LearningRate, "use a positive value, e.g. 1e-3")
	case s.Optimizer != "adam" && s.Optimizer != "adamw" && s.Optimizer != "sgd":
		return bad("optimizer", s.Optimizer, "use Adam, AdamW or SGD")
	case s.Momentum < 0 || s.Momentum >= 1:
		return bad("momentum", s.Momentum, "use a value in [0, 1), e.g. 0.9")
	case s.Schedule == "plateau" && (s.PlateauDecay <= 0 || s.PlateauDecay >= 1 || s.PlateauWait <= 0):
		return bad("ReduceOnPlateau", fmt.Sprintf("factor %v, patience %d", s.PlateauDecay, s.PlateauWait), "use a factor in (0, 1) and patience ≥ 1, e.g. ReduceOnPlateau(0.5, 3)")
	case s.WarmupEpochs < 0 || s.WarmupEpochs >= s.Epochs && s.Schedule == "cosine":
		return bad("warm-up epochs", s.WarmupEpochs, fmt.Sprintf("use 0..%d (fewer than the epochs)", s.Epochs-1))
	case s.Patience < 0:
		return bad("patience", s.Patience, "use 0 (no early stopping) or more")
	}
	if s.Augment != nil {
		if err := s.Augment.Check(); err != nil {
			return fmt.Errorf("run %q: Augment: %w (or leave Augment out)", s.Name, err)
		}
	}
	if _, ok := monitors[s.Monitor]; !ok {
		return bad("monitor", s.Monitor, "use one of "+strings.Join(monitorNames(), ", ")+" (the task decides which validation metrics exist)")
	}
	for i, w := range s.ClassWeights {
		if !(w > 0) {
			return bad(fmt.Sprintf("class weight %d", i), w, "class weights must be positive")
		}
	}
	return nil
}

// monitors maps a monitored metric to whether larger is better.
var monitors = map[string]bool{"val_loss": false, "val_accuracy": true, "val_auc": true, "val_rmse": false, "train_loss": false}

func monitorNames() []string {
	names := slices.Collect(maps.Keys(monitors))
	slices.Sort(names)
	return names
}

// taskMonitors are the monitors a task can compute: train_loss, and "val_" + each metric that
// evaluate reports for the task.
func taskMonitors(task data.Task) []string {
	switch {
	case task.IsClassification():
		return []string{"train_loss", "val_loss", "val_accuracy", "val_auc"}
	case task == data.MultiLabel:
		return []string{"train_loss", "val_loss", "val_auc"}
	case task == data.Regression:
		return []string{"train_loss", "val_loss", "val_rmse"}
	}
	return []string{"train_loss", "val_loss"}
}

// checkMonitor reports, before training, a monitor that the run could not compute: one the
// task has no metric for, or a validation metric asked for by name when the split has no
// validation part. Training would otherwise pick the best epoch by something else without
// saying so (NaN values never improve; a missing validation part used to mean train_loss).
// Only the default val_loss still falls back to train_loss without validation data, as
// documented in New.
func (t *Trainer) checkMonitor(split *data.Split) error {
	s, tr := t.settings, split.Train
	option := t.monitorBy
	if option == "" {
		option = "the default monitor"
	}
	valid := taskMonitors(tr.Task)
	if !slices.Contains(valid, s.Monitor) {
		return fmt.Errorf("run %q: %s monitors %s, which a %s task does not compute; use one of %s",
			s.Name, option, s.Monitor, tr.Task, strings.Join(valid, ", "))
	}
	noVal := split.Val == nil || split.Val.Len() == 0
	if noVal && t.monitorBy != "" && strings.HasPrefix(s.Monitor, "val_") {
		return fmt.Errorf("run %q: %s monitors %s, but the split has no validation data (Split.Val is empty): "+
			"give the split a Val part (e.g. data.StratifiedSplit(d, 42, 0.7, 0.15, 0.15), or &data.Split{Train: ..., Val: ...}), "+
			"or monitor train_loss (%s(\"train_loss\"%s))",
			s.Name, option, s.Monitor, t.monitorBy, patienceArg(t.monitorBy, s.Patience))
	}
	return nil
}

// patienceArg is the rest of the EarlyStopping call suggested in checkMonitor's error.
func patienceArg(option string, patience int) string {
	if option == "EarlyStopping" {
		return fmt.Sprintf(", %d", patience)
	}
	return ""
}
