// SPDX-License-Identifier: Apache-2.0

package explain

import (
	"fmt"
	"math"
	"math/rand"
	"slices"
	"sort"

	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"

	"github.com/medgo-lab/medgo/mlkit/data"
	"github.com/medgo-lab/medgo/mlkit/models"
	"github.com/medgo-lab/medgo/mlkit/train"
)

// What a saliency map differentiates (SaliencyMaps.Target).
const (
	TargetLogit       = "logit"       // the class's raw output (the default)
	TargetProbability = "probability" // the class's predicted probability
	TargetValue       = "value"       // a regression output
)

// How the maps are laid out (SaliencyMaps.Layout).
const (
	LayoutImage    = "image"    // [height, width]: channels reduced
	LayoutSequence = "sequence" // [length]: channels reduced, one value per time step
	LayoutFeatures = "features" // [features]: one value per input feature
	LayoutVolume   = "volume"   // inputs of rank 4 or more: the last axis reduced
)

// SaliencyMaps holds gradient saliency maps for some examples of a data set.
//
// Maps[i] is example Index[i]'s map, row-major with shape Shape: [height, width] for images,
// [length] for signals and sequences, [features] for feature vectors. Each value is the
// absolute gradient of the explained score with respect to that input, the largest over the
// input's channels. Maps are not normalised; display.Saliency(img, InputShape, Maps[i], Shape)
// scales them itself, and Normalized gives them on [0, 1].
type SaliencyMaps struct {
	Index      []int       // the examples' indices in the data set
	Class      []int       // the class (or target) explained for each example
	Score      []float64   // the model's probability of that class (its output, for regression)
	Target     string      // what was differentiated: TargetLogit, TargetProbability or TargetValue
	Layout     string      // LayoutImage, LayoutSequence, LayoutFeatures or LayoutVolume
	Shape      []int       // one map's shape
	InputShape []int       // one example's shape
	Maps       [][]float32 // one map per example, len(Maps[i]) = product of Shape
	// Gradients holds, per example, the absolute gradient for every input value (InputShape,
	// before channels are reduced), averaged over the SmoothGrad copies.
	Gradients [][]float32
	// Samples is the number of noisy copies averaged per example (1 without SmoothGrad).
	Samples int
}

// Len is the number of examples.
func (s *SaliencyMaps) Len() int { return len(s.Maps) }

// Map returns example i's map (i counts within this result, not the data set).
func (s *SaliencyMaps) Map(i int) []float32 { return s.Maps[i] }

// Normalized returns example i's map divided by its largest value, so that it lies in [0, 1]
// (all zeros when the gradient vanished everywhere).
func (s *SaliencyMaps) Normalized(i int) []float32 {
	m := s.Maps[i]
	hi := float32(0)
	for _, v := range m {
		hi = max(hi, v)
	}
	out := make([]float32, len(m))
	if hi > 0 {
		for k, v := range m {
			out[k] = v / hi
		}
	}
	return out
}

// Mean returns the average of the normalized maps of all examples: where the model looks in
// general rather than for one example.
func (s *SaliencyMaps) Mean() []float32 {
	if len(s.Maps) == 0 {
		return nil
	}
	out := make([]float32, len(s.Maps[0]))
	for i := range s.Maps {
		for k, v := range s.Normalized(i) {
			out[k] += v / float32(len(s.Maps))
		}
	}
	return out
}

// Top returns the flat positions (indices into Map(i)) of example i's k most salient inputs,
// most salient first.
func (s *SaliencyMaps) Top(i, k int) []int {
	m := s.Maps[i]
	pos := make([]int, len(m))
	for j := range pos {
		pos[j] = j
	}
	sort.SliceStable(pos, func(a, b int) bool { return m[pos[a]] > m[pos[b]] })
	return pos[:min(max(k, 0), len(pos))]
}

// SaliencyOption changes how Saliency computes its maps.
type SaliencyOption func(*saliencyConfig)

type saliencyConfig struct {
	samples int
	sigma   float64
	prob    bool
	seed    int64
	err     error
}

// SmoothGrad averages the maps of n noisy copies of each example (Smilkov et al., 2017), which
// removes much of the speckle of plain gradients. sigma is the standard deviation of the
// Gaussian noise as a fraction of the example's value range (max − min); 0.1 to 0.2 is usual.
// The noise is repeatable: see NoiseSeed.
func SmoothGrad(n int, sigma float64) SaliencyOption {
	return func(c *saliencyConfig) {
		if n < 1 {
			c.err = fmt.Errorf("explain: SmoothGrad with %d copies; use 1 or more, e.g. SmoothGrad(25, 0.15)", n)
			return
		}
		if !(sigma >= 0) || math.IsInf(sigma, 0) {
			c.err = fmt.Errorf("explain: SmoothGrad noise level %v; use a non-negative fraction of the value range, e.g. 0.15", sigma)
			return
		}
		c.samples, c.sigma = n, sigma
	}
}

// FromProbability differentiates the class probability instead of the class logit. Its maps
// also show evidence against the other classes (a region that raises a competitor's logit
// lowers this class's probability), and they fade where the model is confident, since the
// softmax or sigmoid is then flat.
func FromProbability() SaliencyOption { return func(c *saliencyConfig) { c.prob = true } }

// NoiseSeed sets the seed of the SmoothGrad noise (default 1).
func NoiseSeed(seed int64) SaliencyOption { return func(c *saliencyConfig) { c.seed = seed } }

// Saliency computes gradient saliency maps (Simonyan et al., 2014) of the run's model for the
// examples idx of d.
//
// class selects what is explained: a class index (binary, multi-class and ordinal tasks), a
// label index (multi-label) or a target index (regression); -1 explains each example's
// predicted class (its most probable label, for multi-label tasks; the only target, for
// regression with one target).
//
// By default the map is the gradient of the class's logit, not of its probability: the logit
// does not saturate, so confidently classified examples, often the ones worth explaining, still
// get clear maps, and it reflects evidence for the class alone. FromProbability switches to
// the probability. Ordinal models have no per-class logit (their outputs are cumulative), so
// for them the probability is always used. Target in the result says which was used.
//
// Inputs must be real-valued (images, signals, feature vectors): token ids have no gradient,
// so for token sequences use Attention instead.
func Saliency(run *train.Run, d *data.Dataset, idx []int, class int, opts ...SaliencyOption) (sm *SaliencyMaps, err error) {
	defer catch(&err, "saliency")
	if err := checkRun(run); err != nil {
		return nil, err
	}
	if err := checkData(run, d); err != nil {
		return nil, err
	}
	if err := checkIndices(d, idx); err != nil {
		return nil, err
	}
	cfg := saliencyConfig{samples: 1, seed: 1}
	for _, o := range opts {
		o(&cfg)
	}
	if cfg.err != nil {
		return nil, cfg.err
	}
	if run.VocabSize > 0 || d.Vocab != nil {
		return nil, fmt.Errorf("explain: %s takes token ids, which have no gradient, so there is no saliency map; use explain.Attention for transformers, or one-hot encode the sequence (e.g. DNA as [length, 4]) and train on that", runName(run))
	}

	pred, err := run.Predict(d.Subset(idx))
	if err != nil {
		return nil, graphError("saliency", runName(run), err)
	}
	task := run.Task
	target := TargetLogit
	switch {
	case task == data.Regression:
		target = TargetValue
	case task == data.Ordinal || cfg.prob:
		target = TargetProbability
	}
	classes, scores, err := explainedClasses(run, pred, class)
	if err != nil {
		return nil, err
	}
	// Weights that select the explained score from each row of the graph's output.
	width := run.Outputs
	if target == TargetProbability {
		width = len(pred.Probs[0])
	}
	weightRow := func(k int) []float32 {
		w := make([]float32, width)
		if task == data.Binary && target == TargetLogit {
			// One logit z for class 1; class 0's logit is -z.
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
		score := graph.ReduceAllSum(graph.Mul(out, w))
		return []*graph.Node{graph.Gradient(score, x)[0]}
	})
	if err != nil {
		return nil, graphError("saliency", runName(run), err)
	}
	defer exec.Finalize()

	// One row per (example, noisy copy).
	rng := rand.New(rand.NewSource(cfg.seed))
	size := d.ExampleSize()
	var xs, ws, ms [][]float32
	var jobs []int
	for e, i := range idx {
		x := d.Example(i)
		scale := 0.0
		if cfg.sigma > 0 {
			lo, hi := slices.Min(x), slices.Max(x)
			scale = cfg.sigma * float64(hi-lo)
		}
		for range cfg.samples {
			row := slices.Clone(x)
			if scale > 0 {
				for k := range row {
					row[k] += float32(rng.NormFloat64() * scale)
				}
			}
			xs = append(xs, row)
			ws = append(ws, weightRow(classes[e]))
			if hasMask {
				ms = append(ms, maskRow(d, i))
			}
			jobs = append(jobs, e)
		}
	}
	grads := make([][]float32, len(idx))
	for e := range grads {
		grads[e] = make([]float32, size)
	}
	b := min(batchSize, len(xs))
	for start := 0; start < len(xs); start += b {
		end := min(start+b, len(xs))
		args := []any{
			rowsTensor(padRows(slices.Clone(xs[start:end]), b), d.Shape),
			rowsTensor(padRows(slices.Clone(ws[start:end]), b), []int{width}),
		}
		if hasMask {
			args = append(args, rowsTensor(padRows(slices.Clone(ms[start:end]), b), []int{d.Shape[0]}))
		}
		outs, err := exec.Exec(args...)
		if err != nil {
			return nil, graphError("saliency", runName(run), err)
		}
		flat := tensors.MustCopyFlatData[float32](outs[0])
		for _, o := range outs {
			o.FinalizeAll()
		}
		for r := start; r < end; r++ {
			g, dst := flat[(r-start)*size:(r-start+1)*size], grads[jobs[r]]
			for k, v := range g {
				dst[k] += float32(math.Abs(float64(v))) / float32(cfg.samples)
			}
		}
	}

	layout, mapShape, channels := saliencyLayout(run.Model, d.Shape)
	sm = &SaliencyMaps{
		Index: slices.Clone(idx), Class: classes, Score: scores, Target: target, Layout: layout,
		Shape: mapShape, InputShape: slices.Clone(d.Shape), Gradients: grads, Samples: cfg.samples,
	}
	for _, g := range grads {
		m := make([]float32, len(g)/channels)
		for p := range m {
			m[p] = slices.Max(g[p*channels : (p+1)*channels])
		}
		sm.Maps = append(sm.Maps, m)
	}
	return sm, nil
}

// explainedClasses resolves the class argument for each predicted example and returns the
// model's score for it.
func explainedClasses(run *train.Run, pred *train.Predictions, class int) ([]int, []float64, error) {
	n := max(len(pred.Probs), len(pred.Values))
	classes, scores := make([]int, n), make([]float64, n)
	if run.Task == data.Regression {
		k := len(pred.Values[0])
		switch {
		case class == -1 && k > 1:
			return nil, nil, fmt.Errorf("explain: %s predicts %d targets %v; pass the index of the target to explain (0..%d) instead of -1", runName(run), k, run.Targets, k-1)
		case class == -1:
			class = 0
		case class < 0 || class >= k:
			return nil, nil, fmt.Errorf("explain: target %d is out of range; %s predicts %d target(s) %v (0..%d)", class, runName(run), k, run.Targets, k-1)
		}
		for i := range classes {
			classes[i], scores[i] = class, pred.Values[i][class]
		}
		return classes, scores, nil
	}
	k := len(pred.Probs[0])
	if class < -1 || class >= k {
		what, plural, names := "class", "classes", run.Classes
		if run.Task == data.MultiLabel {
			what, plural, names = "label", "labels", run.Targets
		}
		return nil, nil, fmt.Errorf("explain: %s %d is out of range; %s has %d %s %v: pass 0..%d, or -1 for the predicted one", what, class, runName(run), k, plural, names, k-1)
	}
	labels := pred.Labels()
	for i := range classes {
		c := class
		if c == -1 {
			c = labels[i]
		}
		classes[i], scores[i] = c, pred.Probs[i][c]
	}
	return classes, scores, nil
}

// saliencyLayout decides how a gradient of an example of the given shape becomes a map: the
// layout, the map's shape and how many trailing channel values are reduced per map value.
func saliencyLayout(m models.Model, shape []int) (layout string, mapShape []int, channels int) {
	image2D, sequence := false, false
	switch c := m.(type) {
	case *models.CNNConfig:
		image2D, sequence = c.SpatialDims == 2, c.SpatialDims == 1
	default:
		k := m.Kind()
		sequence = k == "rnn" || k == "transformer"
	}
	switch {
	case len(shape) == 1 && sequence:
		return LayoutSequence, slices.Clone(shape), 1
	case len(shape) == 1:
		return LayoutFeatures, slices.Clone(shape), 1
	case len(shape) == 2 && image2D:
		return LayoutImage, slices.Clone(shape), 1
	case len(shape) == 2:
		return LayoutSequence, []int{shape[0]}, shape[1]
	case len(shape) == 3:
		return LayoutImage, []int{shape[0], shape[1]}, shape[2]
	}
	return LayoutVolume, slices.Clone(shape[:len(shape)-1]), shape[len(shape)-1]
}
