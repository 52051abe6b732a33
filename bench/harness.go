// SPDX-License-Identifier: Apache-2.0

package main

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gomlx/compute"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/ml/train/optimizer"
	"github.com/medgo-lab/medgo/mlkit/backend"
	"github.com/medgo-lab/medgo/mlkit/data"
	"github.com/medgo-lab/medgo/mlkit/models"
)

// Timing summarizes repeated calls of one step.
type Timing struct {
	First  time.Duration // the first call, which builds and compiles the graph
	Steps  int           // measured calls, after the warm-up
	Median time.Duration // median measured call
	Mean   time.Duration // mean measured call
	Min    time.Duration // fastest measured call
}

// measure calls step warm times (the first call's time is kept as First), then steps more
// times, timing each.
func measure(warm, steps int, step func(i int) error) (Timing, error) {
	t, err := measureInterleaved(warm, steps, []func(int) error{step})
	if err != nil {
		return Timing{}, err
	}
	return t[0], nil
}

// measureInterleaved warms up every step function in turn, then times them in rounds, one call
// of each per round, so that they all see the same changes in the machine's load.
func measureInterleaved(warm, steps int, fns []func(i int) error) ([]Timing, error) {
	if steps < 1 {
		return nil, fmt.Errorf("measure: %d measured steps; need at least 1", steps)
	}
	ts := make([]Timing, len(fns))
	times := make([][]time.Duration, len(fns))
	for k, step := range fns {
		for i := range warm {
			start := time.Now()
			if err := step(i); err != nil {
				return nil, err
			}
			if i == 0 {
				ts[k].First = time.Since(start)
			}
		}
	}
	for i := range steps {
		for k, step := range fns {
			start := time.Now()
			if err := step(warm + i); err != nil {
				return nil, err
			}
			times[k] = append(times[k], time.Since(start))
		}
	}
	for k := range fns {
		ts[k].summarize(times[k])
	}
	return ts, nil
}

// summarize fills the statistics of the measured times.
func (t *Timing) summarize(times []time.Duration) {
	times = slices.Clone(times)
	slices.Sort(times)
	n := len(times)
	var total time.Duration
	for _, d := range times {
		total += d
	}
	t.Steps = n
	t.Median = times[n/2]
	if n%2 == 0 {
		t.Median = (times[n/2-1] + times[n/2]) / 2
	}
	t.Mean = total / time.Duration(n)
	t.Min = times[0]
}

// harness holds one model with its variables and the executors that train and evaluate it,
// built as mlkit/train builds them: the model under scope "model", models.Loss and Adam.
type harness struct {
	backend compute.Backend
	store   *model.Store
	m       models.Model
	task    data.Task
	outputs int
	vocab   int
}

func newHarness(m models.Model, task data.Task, outputs, vocab int) (*harness, error) {
	b := fallbackBackend()
	if b == nil {
		var err error
		if b, err = backend.Get(); err != nil {
			return nil, err
		}
	}
	store := model.NewStore()
	if err := store.SetRNGStateFromSeed(1); err != nil {
		return nil, err
	}
	return &harness{backend: b, store: store, m: m, task: task, outputs: outputs, vocab: vocab}, nil
}

func (h *harness) build(scope *model.Scope, x *graph.Node, training bool) *graph.Node {
	h.store.SetTraining(x.Graph(), training)
	b := models.NewBuilder(scope.At("model"), training)
	b.VocabSize = h.vocab
	return h.m.Build(b, models.Inputs{X: x}, h.outputs)
}

// trainStep returns an executor of one training step: inputs x and y, output the loss.
func (h *harness) trainStep() (*model.Exec, error) {
	opt := optimizer.Adam().LearningRate(1e-3).Done()
	return model.NewExec(h.backend, h.store, func(scope *model.Scope, in []*graph.Node) []*graph.Node {
		loss := models.Loss(h.task, h.build(scope, in[0], true), in[1], nil)
		opt.UpdateGraph(scope, loss.Graph(), loss)
		return []*graph.Node{loss}
	})
}

// predictStep returns an executor of inference: input x, output the predictions.
func (h *harness) predictStep() (*model.Exec, error) {
	return model.NewExec(h.backend, h.store, func(scope *model.Scope, in []*graph.Node) []*graph.Node {
		return []*graph.Node{models.Predict(h.task, h.build(scope, in[0], false))}
	})
}

// fallbackConfig is the backend the Go sections switch to after a graph execution hangs: the
// pure-Go backend running one operation at a time, so that only matrix products use its worker
// pool.
const fallbackConfig = "go:ops_sequential"

var (
	fallbackMu sync.Mutex
	fallback   compute.Backend // set by useFallbackBackend
)

// fallbackBackend is the backend in use after a hang, or nil.
func fallbackBackend() compute.Backend {
	fallbackMu.Lock()
	defer fallbackMu.Unlock()
	return fallback
}

// useFallbackBackend creates the fallback backend; later harnesses use it, and graph executions
// run again.
func useFallbackBackend() error {
	b, err := compute.NewWithConfig(fallbackConfig)
	if err != nil {
		return fmt.Errorf("creating the backend %q: %w", fallbackConfig, err)
	}
	fallbackMu.Lock()
	fallback = b
	fallbackMu.Unlock()
	backendHung.Store(false)
	return nil
}

// stepTimeout bounds one graph execution. A step that takes longer is reported as hung, and
// the backend is not used again in this process (its workers may be deadlocked).
var stepTimeout = 2 * time.Minute

// errHung marks a graph execution that did not finish within stepTimeout; errSkipped one that
// was not started because an earlier one hung.
var (
	errHung    = errors.New("hung")
	errSkipped = errors.New("skipped")
)

// backendHung is set once a step has hung; later Go sections are skipped.
var backendHung atomic.Bool

// run executes e and returns the first output's first value, releasing every output.
func run(e *model.Exec, args ...any) (float32, error) {
	if backendHung.Load() {
		return 0, fmt.Errorf("%w: a graph execution %w earlier in this run and the backend may be deadlocked", errSkipped, errHung)
	}
	type result struct {
		v   float32
		err error
	}
	done := make(chan result, 1)
	go func() {
		var r result
		defer func() {
			if p := recover(); p != nil {
				r.err = fmt.Errorf("graph failed: %v", p)
			}
			done <- r
		}()
		outs, err := e.Exec(args...)
		if err != nil {
			r.err = err
			return
		}
		r.v = tensors.MustCopyFlatData[float32](outs[0])[0]
		for _, o := range outs {
			o.FinalizeAll()
		}
	}()
	timer := time.NewTimer(stepTimeout)
	defer timer.Stop()
	select {
	case r := <-done:
		return r.v, r.err
	case <-timer.C:
		backendHung.Store(true)
		return 0, fmt.Errorf("a graph execution %w: no result after %s (the pure-Go backend's worker pool deadlocks when "+
			"every worker runs an operation that waits for workers, such as a large matrix product; %q avoids it)",
			errHung, stepTimeout, fallbackConfig)
	}
}

// gather copies the examples idx of d into batch tensors, as mlkit/train does for every step.
func gather(d *data.Dataset, idx []int) (x, y *tensors.Tensor) {
	s, t := d.ExampleSize(), d.NumTargets()
	xs := make([]float32, 0, len(idx)*s)
	ys := make([]float32, 0, len(idx)*t)
	for _, i := range idx {
		xs = append(xs, d.X[i*s:(i+1)*s]...)
		ys = append(ys, d.Y[i*t:(i+1)*t]...)
	}
	return tensors.FromFlatDataAndDimensions(xs, append([]int{len(idx)}, d.Shape...)...),
		tensors.FromFlatDataAndDimensions(ys, len(idx), t)
}

// CNNConfig sizes the seed-CNN measurement.
type CNNConfig struct {
	Batch     int // training batch
	Warmup    int // training steps before timing (the first compiles)
	Steps     int // timed training steps
	EvalBatch int // inference batch
	EvalN     int // examples timed for inference (rounded down to whole batches)
}

// CNNResult is the seed CNN's training and inference speed.
type CNNResult struct {
	Data        string  // what it was trained on
	Batch       int     // training batch
	Train       Timing  // one training step
	TrainPerSec float64 // training examples per second, from the median step
	Loss        float32 // loss of the last step (a sanity check)
	EvalBatch   int
	Eval        Timing  // one inference batch
	EvalPerSec  float64 // inference examples per second, from the median batch
	PeakRSS     int64   // bytes, loading the data and training included; 0 if unknown
}

// benchCNN trains models.SeedCNN on split.Train in shuffled batches and then times inference
// on split.Test (split.Train when there is no test part). The peak resident memory is reset
// first where Linux allows it and read at the end.
func benchCNN(split *data.Split, cfg CNNConfig) (*CNNResult, error) {
	tr := split.Train
	if tr == nil || tr.Len() < cfg.Batch {
		return nil, fmt.Errorf("seed CNN: need at least %d training examples", cfg.Batch)
	}
	h, err := newHarness(models.SeedCNN(), tr.Task, models.OutputsFor(tr.Task, tr.NumClasses(), tr.NumTargets()), 0)
	if err != nil {
		return nil, err
	}
	step, err := h.trainStep()
	if err != nil {
		return nil, err
	}
	perm := rand.New(rand.NewPCG(1, 2)).Perm(tr.Len())
	res := &CNNResult{Data: fmt.Sprintf("%s, %d training examples", tr.Name, tr.Len()), Batch: cfg.Batch, EvalBatch: cfg.EvalBatch}
	batches := tr.Len() / cfg.Batch
	res.Train, err = measure(cfg.Warmup, cfg.Steps, func(i int) error {
		b := i % batches
		x, y := gather(tr, perm[b*cfg.Batch:(b+1)*cfg.Batch])
		res.Loss, err = run(step, x, y)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("seed CNN training step: %w", err)
	}
	res.TrainPerSec = float64(cfg.Batch) / res.Train.Median.Seconds()

	te := split.Test
	if te == nil || te.Len() < cfg.EvalBatch {
		te = tr
	}
	n := min(cfg.EvalN, te.Len()) / cfg.EvalBatch
	if n < 1 {
		return nil, fmt.Errorf("seed CNN: need at least one inference batch of %d examples", cfg.EvalBatch)
	}
	pred, err := h.predictStep()
	if err != nil {
		return nil, err
	}
	idx := make([]int, cfg.EvalBatch)
	res.Eval, err = measure(1, n, func(i int) error {
		for k := range idx {
			idx[k] = (i%n)*cfg.EvalBatch + k
		}
		x, _ := gather(te, idx)
		_, err := run(pred, x)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("seed CNN inference: %w", err)
	}
	res.EvalPerSec = float64(cfg.EvalBatch) / res.Eval.Median.Seconds()
	res.PeakRSS = peakRSS()
	return res, nil
}

// SeqConfig sizes the sequence-model measurements.
type SeqConfig struct {
	Batch   int
	Hidden  int   // recurrent units
	Lengths []int // sequence lengths for the recurrent models
	Vocab   int   // token vocabulary (DNA-like: padding, unknown and a few letters)
	Classes int
	Warmup  int
	Steps   int

	// Transformer encoder.
	TLength int
	TDim    int
	TBlocks int
}

// SeqTiming is one model's training step at one sequence length.
type SeqTiming struct {
	Length int
	Step   Timing
}

// RNNResult is a recurrent model's training step at several sequence lengths.
type RNNResult struct {
	Cell   string // "lstm" or "gru"
	Timing []SeqTiming
}

// Ratio is the median step time at the longest length over that at the shortest.
func (r *RNNResult) Ratio() float64 {
	if len(r.Timing) < 2 {
		return 0
	}
	first, last := r.Timing[0], r.Timing[len(r.Timing)-1]
	return last.Step.Median.Seconds() / first.Step.Median.Seconds()
}

// MinRatio is Ratio computed with the fastest steps, which a busy machine disturbs least.
func (r *RNNResult) MinRatio() float64 {
	if len(r.Timing) < 2 {
		return 0
	}
	first, last := r.Timing[0], r.Timing[len(r.Timing)-1]
	return last.Step.Min.Seconds() / first.Step.Min.Seconds()
}

// tokenData makes n random token sequences of the given length over vocabulary ids
// 2..vocab-1 (as DNA letters are after padding and unknown), with class labels.
func tokenData(n, length, vocab, classes int) *data.Dataset {
	r := rand.New(rand.NewPCG(5, uint64(length)))
	d := &data.Dataset{Name: "tokens", Task: data.MultiClass, Shape: []int{length}}
	for k := range classes {
		d.Classes = append(d.Classes, fmt.Sprint(k))
	}
	d.X = make([]float32, n*length)
	d.Y = make([]float32, n)
	for i := range d.X {
		d.X[i] = float32(2 + r.IntN(vocab-2))
	}
	for i := range d.Y {
		d.Y[i] = float32(r.IntN(classes))
	}
	return d
}

// seqStep returns a function that runs one training step of m on one batch of token sequences.
func seqStep(m models.Model, length int, cfg SeqConfig) (func(int) error, error) {
	d := tokenData(cfg.Batch, length, cfg.Vocab, cfg.Classes)
	h, err := newHarness(m, d.Task, cfg.Classes, cfg.Vocab)
	if err != nil {
		return nil, err
	}
	step, err := h.trainStep()
	if err != nil {
		return nil, err
	}
	idx := make([]int, cfg.Batch)
	for i := range idx {
		idx[i] = i
	}
	x, y := gather(d, idx)
	return func(int) error {
		_, err := run(step, x, y)
		return err
	}, nil
}

// benchRNN times a one-layer LSTM or GRU (mlkit's token embedding of 32, last state, dense
// output) at each of cfg.Lengths. The lengths are timed in interleaved rounds, so that their
// ratio is not skewed by the machine's load changing between them.
func benchRNN(cell string, cfg SeqConfig) (*RNNResult, error) {
	fns := make([]func(int) error, len(cfg.Lengths))
	for k, length := range cfg.Lengths {
		m := models.LSTM(cfg.Hidden).Done()
		if cell == "gru" {
			m = models.GRU(cfg.Hidden).Done()
		}
		var err error
		if fns[k], err = seqStep(m, length, cfg); err != nil {
			return nil, fmt.Errorf("%s at length %d: %w", cell, length, err)
		}
	}
	ts, err := measureInterleaved(cfg.Warmup, cfg.Steps, fns)
	if err != nil {
		return nil, fmt.Errorf("%s at lengths %v: %w", cell, cfg.Lengths, err)
	}
	res := &RNNResult{Cell: cell}
	for k, length := range cfg.Lengths {
		res.Timing = append(res.Timing, SeqTiming{Length: length, Step: ts[k]})
	}
	return res, nil
}

// TransformerResult is the transformer encoder's training step.
type TransformerResult struct {
	Length, Dim, Blocks, Heads int
	Step                       Timing
}

// benchTransformer times mlkit's transformer encoder (default heads, feed-forward, dropout,
// positions and pooling) on token sequences of cfg.TLength.
func benchTransformer(cfg SeqConfig) (*TransformerResult, error) {
	tc := models.Transformer().Dim(cfg.TDim).Blocks(cfg.TBlocks)
	step, err := seqStep(tc.Done(), cfg.TLength, cfg)
	if err != nil {
		return nil, fmt.Errorf("transformer: %w", err)
	}
	t, err := measure(cfg.Warmup, cfg.Steps, step)
	if err != nil {
		return nil, fmt.Errorf("transformer: %w", err)
	}
	return &TransformerResult{Length: cfg.TLength, Dim: cfg.TDim, Blocks: cfg.TBlocks, Heads: tc.NumHeads, Step: t}, nil
}
