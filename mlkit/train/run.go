// SPDX-License-Identifier: Apache-2.0

package train

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"

	"github.com/gomlx/compute"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/ml/model"

	"github.com/medgo-lab/medgo/mlkit/backend"
	"github.com/medgo-lab/medgo/mlkit/data"
	"github.com/medgo-lab/medgo/mlkit/models"
)

// Files in a run directory.
const (
	modelFile    = "model.json"
	settingsFile = "settings.json"
	dataFile     = "data.gob"
	bestFile     = "best.ckpt"
	latestFile   = "latest.ckpt"
	historyFile  = "history.json"
	lockFile     = "run.lock"
)

// Run is a trained (or training) model with its data and history, kept in a directory.
type Run struct {
	Name     string
	Dir      string
	Model    models.Model
	Settings Settings
	History  *History

	// What the model was trained on.
	Task      data.Task
	Shape     []int    // one example's shape
	Classes   []string // classification tasks
	Targets   []string // multi-label and regression tasks
	VocabSize int      // token inputs
	Outputs   int      // width of the model's output layer

	split   *data.Split
	store   *model.Store
	backend compute.Backend
	predict *model.Exec
}

// runData is what data.gob holds: the prepared splits, so later cells evaluate on exactly
// the examples the run was trained and validated with. See rundata.go for the file format.
type runData struct {
	Split       data.Split
	Outputs     int
	Fingerprint uint64
}

// Open reopens a run by name (under $MEDGO_RUNS or ./runs) or by directory path, with its
// best weights. It is what an evaluation cell calls after a training cell.
func Open(nameOrDir string) (*Run, error) {
	dir := nameOrDir
	if _, err := os.Stat(filepath.Join(dir, modelFile)); err != nil {
		dir = filepath.Join(RunsDir(""), nameOrDir)
	}
	if _, err := os.Stat(filepath.Join(dir, modelFile)); err != nil {
		return nil, fmt.Errorf("no run %q: %s does not exist; train it first with train.New(%q, model)...Fit(split), or pass the run directory", nameOrDir, filepath.Join(dir, modelFile), nameOrDir)
	}
	r, err := readRun(dir)
	if err != nil {
		return nil, err
	}
	ck, err := loadCheckpoint(filepath.Join(dir, bestFile))
	if errors.Is(err, os.ErrNotExist) {
		ck, err = loadCheckpoint(filepath.Join(dir, latestFile))
	}
	if err != nil {
		return nil, fmt.Errorf("run %q has no usable checkpoint (%v); train it again", r.Name, err)
	}
	if err := r.initStore(ck); err != nil {
		return nil, err
	}
	return r, nil
}

// readRun reads a run directory's model, settings, data and history (no weights).
func readRun(dir string) (*Run, error) {
	raw, err := os.ReadFile(filepath.Join(dir, modelFile))
	if err != nil {
		return nil, err
	}
	m, err := models.Unmarshal(raw)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Join(dir, modelFile), err)
	}
	r := &Run{Dir: dir, Model: m}
	raw, err = os.ReadFile(filepath.Join(dir, settingsFile))
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(raw, &r.Settings); err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Join(dir, settingsFile), err)
	}
	r.Name = r.Settings.Name
	rd, err := loadRunData(filepath.Join(dir, dataFile))
	if err != nil {
		return nil, err
	}
	r.setData(&rd.Split, rd.Outputs)
	if h, err := loadHistory(filepath.Join(dir, historyFile)); err == nil {
		r.History = h
	} else {
		r.History = &History{Monitor: r.Settings.Monitor}
	}
	return r, nil
}

func (r *Run) setData(split *data.Split, outputs int) {
	tr := split.Train
	r.split = split
	r.Task, r.Shape, r.Classes, r.Targets = tr.Task, slices.Clone(tr.Shape), tr.Classes, tr.Targets
	if tr.Vocab != nil {
		r.VocabSize = tr.Vocab.Size()
	}
	r.Outputs = outputs
}

// initStore creates the variable store, with values from a checkpoint when given.
func (r *Run) initStore(ck *checkpointFile) error {
	b, err := backend.Get()
	if err != nil {
		return err
	}
	r.backend = b
	r.store = model.NewStore()
	if err := r.store.SetRNGStateFromSeed(r.Settings.Seed); err != nil {
		return err
	}
	if ck != nil {
		r.store.SetLoader(newLoader(ck))
	}
	return nil
}

// Split returns the prepared data the run was trained on: Train, Val and Test as given to Fit.
func (r *Run) Split() *data.Split { return r.split }

// Store is the run's variable store (for packages that build their own graphs, like explain).
func (r *Run) Store() *model.Store { return r.store }

// Backend is the compute backend the run uses.
func (r *Run) Backend() compute.Backend { return r.backend }

// BuildOutputs adds the model to a graph under the run's variable scope and returns its raw
// outputs (logits or values), with training-only layers (dropout) off.
func (r *Run) BuildOutputs(scope *model.Scope, in models.Inputs) *graph.Node {
	b := models.NewBuilder(scope.At("model"), false)
	b.VocabSize = r.VocabSize
	return r.Model.Build(b, in, r.Outputs)
}

// BuildAttention is like BuildOutputs and also returns the attention weights the model
// recorded (transformer encoders: [batch, heads, query, key] per block).
func (r *Run) BuildAttention(scope *model.Scope, in models.Inputs) (*graph.Node, []*graph.Node) {
	b := models.NewBuilder(scope.At("model"), false)
	b.VocabSize = r.VocabSize
	out := r.Model.Build(b, in, r.Outputs)
	return out, b.Attention()
}
