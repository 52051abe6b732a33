// SPDX-License-Identifier: Apache-2.0

package explain

import (
	"fmt"
	"math"
	"slices"

	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"

	"github.com/medgo-lab/medgo/mlkit/data"
	"github.com/medgo-lab/medgo/mlkit/models"
	"github.com/medgo-lab/medgo/mlkit/train"
)

// MaxIGSteps is the most integration steps IntegratedGradients accepts; each step is one
// gradient evaluation per example.
const MaxIGSteps = 10_000

// Attributions holds integrated-gradients attributions for some examples of a data set.
//
// Values[i] is example Index[i]'s signed attribution for every input value (InputShape,
// row-major): positive values speak for the explained class, negative ones against it. By the
// completeness property they add up to Score[i] − BaselineScore[i], up to the integration
// error that Delta reports.
type Attributions struct {
	Index         []int       // the examples' indices in the data set
	Class         []int       // the class (or target) explained for each example
	Target        string      // TargetLogit, TargetProbability or TargetValue
	Layout        string      // how Saliency lays out the maps (see SaliencyMaps)
	InputShape    []int       // one example's shape
	Baseline      []float32   // the baseline example
	Steps         int         // integration steps
	Values        [][]float32 // one attribution per input value, per example
	Score         []float64   // the explained score F(x) of each example
	BaselineScore []float64   // F(baseline) for each example's class
}

// Len is the number of examples.
func (a *Attributions) Len() int { return len(a.Values) }

// Sum is the total attribution of example i.
func (a *Attributions) Sum(i int) float64 {
	s := 0.0
	for _, v := range a.Values[i] {
		s += float64(v)
	}
	return s
}

// Delta is example i's completeness error: Sum(i) − (Score[i] − BaselineScore[i]). It shrinks
// as Steps grows; a large value says to use more steps.
func (a *Attributions) Delta(i int) float64 {
	return a.Sum(i) - (a.Score[i] - a.BaselineScore[i])
}

// Saliency returns the attributions as maps display.Saliency and display.Overlay can show:
// the absolute attributions, summed over each input's channels, laid out like Saliency's maps.
// Its Gradients field holds the absolute attribution of every input value.
func (a *Attributions) Saliency(run *train.Run) *SaliencyMaps {
	layout, mapShape, channels := saliencyLayout(run.Model, a.InputShape)
	sm := &SaliencyMaps{Index: slices.Clone(a.Index), Class: slices.Clone(a.Class), Target: a.Target,
		Layout: layout, Shape: mapShape, InputShape: slices.Clone(a.InputShape), Samples: 1}
	sm.Score = slices.Clone(a.Score)
	for _, v := range a.Values {
		abs := make([]float32, len(v))
		for k, x := range v {
			abs[k] = float32(math.Abs(float64(x)))
		}
		m := make([]float32, len(v)/channels)
		for p := range m {
			for c := range channels {
				m[p] += abs[p*channels+c]
			}
		}
		sm.Gradients = append(sm.Gradients, abs)
		sm.Maps = append(sm.Maps, m)
	}
	return sm
}

// IGOption changes how IntegratedGradients computes its attributions.
type IGOption func(*igConfig)

type igConfig struct {
	baseline []float32
	prob     bool
}

// Baseline sets the reference input the path starts from, one example of the data set's shape
// (row-major). The default is all zeros, which after standardization is the average patient;
// a black image or a flat signal are other usual choices.
func Baseline(x []float32) IGOption {
	return func(c *igConfig) { c.baseline = slices.Clone(x) }
}

// IGFromProbability attributes the class probability instead of the class logit.
func IGFromProbability() IGOption { return func(c *igConfig) { c.prob = true } }

// IntegratedGradients computes integrated-gradients attributions (Sundararajan et al., 2017)
// of the run's model for the examples idx of d: for each input value x_i,
//
//	(x_i − x'_i) · ∫₀¹ ∂F(x' + α(x − x'))/∂x_i dα
//
// where x' is the baseline (zeros unless Baseline is given) and F the explained score: the
// class logit by default (IGFromProbability: the probability; always the probability for
// ordinal models, the value for regression). The integral is the trapezoid rule over steps
// equal intervals (steps+1 gradient evaluations per example; 32 to 256 are usual).
//
// class is as for Saliency: a class, label or target index, or -1 for each example's
// predicted class. Works on images, signals and feature vectors; token ids have no gradient.
func IntegratedGradients(run *train.Run, d *data.Dataset, idx []int, class, steps int, opts ...IGOption) (at *Attributions, err error) {
	defer catch(&err, "integrated gradients")
	if err := checkRun(run); err != nil {
		return nil, err
	}
	if err := checkData(run, d); err != nil {
		return nil, err
	}
	if err := checkIndices(d, idx); err != nil {
		return nil, err
	}
	if steps < 1 || steps > MaxIGSteps {
		return nil, fmt.Errorf("explain: integrated gradients with %d steps; use 1..%d, e.g. 64", steps, MaxIGSteps)
	}
	if run.VocabSize > 0 || d.Vocab != nil {
		return nil, fmt.Errorf("explain: %s takes token ids, which have no gradient, so there are no integrated gradients; use explain.Attention for transformers or explain.GradCAM for CNN1D", runName(run))
	}
	var cfg igConfig
	for _, o := range opts {
		o(&cfg)
	}
	size := d.ExampleSize()
	if cfg.baseline == nil {
		cfg.baseline = make([]float32, size)
	}
	if len(cfg.baseline) != size {
		return nil, fmt.Errorf("explain: the baseline has %d values but one example of shape %v has %d; pass one example, row-major", len(cfg.baseline), d.Shape, size)
	}
	for k, v := range cfg.baseline {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			return nil, fmt.Errorf("explain: baseline value %d is %v; use finite values", k, v)
		}
	}

	pred, err := run.Predict(d.Subset(idx))
	if err != nil {
		return nil, graphError("integrated gradients", runName(run), err)
	}
	task := run.Task
	target := TargetLogit
	switch {
	case task == data.Regression:
		target = TargetValue
	case task == data.Ordinal || cfg.prob:
		target = TargetProbability
	}
	classes, _, err := explainedClasses(run, pred, class)
	if err != nil {
		return nil, err
	}
	width := run.Outputs
	if target == TargetProbability {
		width = len(pred.Probs[0])
	}
	weightRow := func(k int) []float32 {
		w := make([]float32, width)
		if task == data.Binary && target == TargetLogit {
			w[0] = 1
			if k == 0 {
				w[0] = -1
			}
			return w
		}
		w[k] = 1
		return w
	}

	hasMask := d.Mask != nil
	exec, err := model.NewExec(run.Backend(), run.Store(), func(scope *model.Scope, in []*graph.Node) []*graph.Node {
		x, w := in[0], in[1]
		run.Store().SetTraining(x.Graph(), false)
		var mask *graph.Node
		if hasMask {
			mask = in[2]
		}
		out := run.BuildOutputs(scope, models.Inputs{X: x, Mask: mask})
		if target == TargetProbability {
			out = models.Predict(task, out)
		}
		rowScore := graph.ReduceSum(graph.Mul(out, w), 1)
		return []*graph.Node{graph.Gradient(graph.ReduceAllSum(rowScore), x)[0], rowScore}
	})
	if err != nil {
		return nil, graphError("integrated gradients", runName(run), err)
	}
	defer exec.Finalize()

	// One row per (example, point on the path); trapezoid weights 1/2 at the ends.
	type job struct {
		e      int
		weight float32
		first  bool
		last   bool
	}
	var xs, ws, ms [][]float32
	var jobs []job
	at = &Attributions{
		Index: slices.Clone(idx), Class: classes, Target: target,
		InputShape: slices.Clone(d.Shape), Baseline: cfg.baseline, Steps: steps,
		Score: make([]float64, len(idx)), BaselineScore: make([]float64, len(idx)),
	}
	layout, _, _ := saliencyLayout(run.Model, d.Shape)
	at.Layout = layout
	grads := make([][]float64, len(idx))
	for e := range grads {
		grads[e] = make([]float64, size)
	}
	run1 := func() error {
		b := batchSize
		n := len(xs)
		args := []any{
			rowsTensor(padRows(xs, b), d.Shape),
			rowsTensor(padRows(ws, b), []int{width}),
		}
		if hasMask {
			args = append(args, rowsTensor(padRows(ms, b), []int{d.Shape[0]}))
		}
		outs, err := exec.Exec(args...)
		if err != nil {
			return graphError("integrated gradients", runName(run), err)
		}
		flat := tensors.MustCopyFlatData[float32](outs[0])
		sc := tensors.MustCopyFlatData[float32](outs[1])
		for _, o := range outs {
			o.FinalizeAll()
		}
		for r := range n {
			j := jobs[r]
			g, dst := flat[r*size:(r+1)*size], grads[j.e]
			for k, v := range g {
				dst[k] += float64(j.weight) * float64(v)
			}
			if j.first {
				at.BaselineScore[j.e] = float64(sc[r])
			}
			if j.last {
				at.Score[j.e] = float64(sc[r])
			}
		}
		xs, ws, ms, jobs = nil, nil, nil, nil
		return nil
	}
	for e, i := range idx {
		x := d.Example(i)
		for s := 0; s <= steps; s++ {
			alpha := float32(s) / float32(steps)
			row := make([]float32, size)
			for k := range row {
				row[k] = cfg.baseline[k] + alpha*(x[k]-cfg.baseline[k])
			}
			wt := float32(1) / float32(steps)
			if s == 0 || s == steps {
				wt /= 2
			}
			xs = append(xs, row)
			ws = append(ws, weightRow(classes[e]))
			if hasMask {
				ms = append(ms, maskRow(d, i))
			}
			jobs = append(jobs, job{e: e, weight: wt, first: s == 0, last: s == steps})
			if len(xs) == batchSize {
				if err := run1(); err != nil {
					return nil, err
				}
			}
		}
	}
	if len(xs) > 0 {
		if err := run1(); err != nil {
			return nil, err
		}
	}
	for e, i := range idx {
		x := d.Example(i)
		v := make([]float32, size)
		for k := range v {
			v[k] = float32(float64(x[k]-cfg.baseline[k]) * grads[e][k])
		}
		at.Values = append(at.Values, v)
	}
	return at, nil
}
