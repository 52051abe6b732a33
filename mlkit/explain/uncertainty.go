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

// MaxPasses is the most stochastic forward passes (or augmentations) Uncertainty accepts.
const MaxPasses = 10_000

// How an Uncertainty was estimated (Uncertainty.Method).
const (
	MethodMCDropout = "mc-dropout"
	MethodTTA       = "test-time augmentation"
)

// Uncertainty holds the spread of a model's predictions over several stochastic forward passes
// (Monte-Carlo dropout) or augmented copies of the inputs (test-time augmentation), for every
// example of a data set.
type Uncertainty struct {
	Method  string    // MethodMCDropout or MethodTTA
	Task    data.Task // the run's task
	Classes []string  // the run's class names
	Passes  int       // forward passes (or augmentations) averaged
	// Mean holds, per example, the mean over passes of each class probability (laid out like
	// train.Predictions.Probs), or of each target value for regression.
	Mean [][]float64
	// SD holds the standard deviation over passes of the same values (0 with one pass).
	SD [][]float64
	// Entropy is the predictive entropy of Mean in nats (the sum of the labels' Bernoulli
	// entropies for multi-label tasks); nil for regression. Higher is less certain.
	Entropy []float64
	// MutualInfo is Entropy minus the mean entropy of the single passes: the part of the
	// uncertainty due to disagreement between passes (the model's own doubt), ≥ 0. Nil for
	// regression.
	MutualInfo []float64
}

// Len is the number of examples.
func (u *Uncertainty) Len() int { return len(u.Mean) }

// Predictions returns the mean predictions, to evaluate with mlkit/eval like run.Predict's.
func (u *Uncertainty) Predictions() *train.Predictions {
	p := &train.Predictions{Task: u.Task, Classes: u.Classes}
	if u.Task == data.Regression {
		p.Values = u.Mean
	} else {
		p.Probs = u.Mean
	}
	return p
}

// Labels returns the most probable class of each example under the mean prediction.
func (u *Uncertainty) Labels() []int { return u.Predictions().Labels() }

// Spread returns, per example, the standard deviation over passes of the predicted class's
// probability (of target 0's value, for regression).
func (u *Uncertainty) Spread() []float64 {
	out := make([]float64, len(u.SD))
	if u.Task == data.Regression {
		for i, s := range u.SD {
			out[i] = s[0]
		}
		return out
	}
	for i, l := range u.Labels() {
		out[i] = u.SD[i][l]
	}
	return out
}

// MCDropout predicts every example of d passes times with dropout on (batch normalization stays
// in inference mode) and returns the per-example mean, spread and entropy of the predictions
// (Gal & Ghahramani, 2016). The dropout masks are drawn from seed, so a call repeats exactly;
// the run's own random state is restored afterwards. A model without dropout (rate 0 in every
// layer) gives the deterministic prediction with zero spread; 20 to 100 passes are usual.
func MCDropout(run *train.Run, d *data.Dataset, passes int, seed int64) (u *Uncertainty, err error) {
	defer catch(&err, "Monte-Carlo dropout")
	if err := checkRun(run); err != nil {
		return nil, err
	}
	if err := checkData(run, d); err != nil {
		return nil, err
	}
	if passes < 1 || passes > MaxPasses {
		return nil, fmt.Errorf("explain: Monte-Carlo dropout with %d passes; use 1..%d, e.g. 30", passes, MaxPasses)
	}
	store := run.Store()
	rngVar := store.GetVariable(model.JoinPath("/", model.RNGStateVariableName))
	if rngVar != nil && rngVar.HasValue() {
		saved, err := rngVar.MustValue().LocalClone()
		if err != nil {
			return nil, fmt.Errorf("explain: Monte-Carlo dropout: saving the run's random state: %w", err)
		}
		defer func() {
			if e := rngVar.SetValue(saved); e != nil && err == nil {
				err = fmt.Errorf("explain: Monte-Carlo dropout: restoring the run's random state: %w", e)
			}
		}()
	}
	if err := store.SetRNGStateFromSeed(seed); err != nil {
		return nil, fmt.Errorf("explain: Monte-Carlo dropout: seeding: %w", err)
	}

	hasMask := d.Mask != nil
	exec, err := model.NewExec(run.Backend(), store, func(scope *model.Scope, in []*graph.Node) []*graph.Node {
		x := in[0]
		store.SetTraining(x.Graph(), false)
		var mask *graph.Node
		if hasMask {
			mask = in[1]
		}
		b := models.NewBuilder(scope.At("model"), true)
		b.BatchNormInference = true
		b.VocabSize = run.VocabSize
		out := run.Model.Build(b, models.Inputs{X: x, Mask: mask}, run.Outputs)
		return []*graph.Node{models.Predict(run.Task, out)}
	})
	if err != nil {
		return nil, graphError("Monte-Carlo dropout", runName(run), err)
	}
	defer exec.Finalize()

	n := d.Len()
	bs := min(batchSize, n)
	samples := make([][][]float64, passes)
	for t := range passes {
		for start := 0; start < n; start += bs {
			end := min(start+bs, n)
			var xs, ms [][]float32
			for i := start; i < end; i++ {
				xs = append(xs, d.Example(i))
				if hasMask {
					ms = append(ms, maskRow(d, i))
				}
			}
			args := []any{rowsTensor(padRows(xs, bs), d.Shape)}
			if hasMask {
				args = append(args, rowsTensor(padRows(ms, bs), []int{d.Shape[0]}))
			}
			outs, err := exec.Exec(args...)
			if err != nil {
				return nil, graphError("Monte-Carlo dropout", runName(run), err)
			}
			flat := tensors.MustCopyFlatData[float32](outs[0])
			width := outs[0].Shape().Dimensions[1]
			for _, o := range outs {
				o.FinalizeAll()
			}
			for r := range end - start {
				row := make([]float64, width)
				for k := range row {
					row[k] = float64(flat[r*width+k])
				}
				samples[t] = append(samples[t], row)
			}
		}
	}
	return summarize(MethodMCDropout, run.Task, run.Classes, samples), nil
}

// Augmentation transforms a data set for test-time augmentation: it returns a copy with every
// example changed the same way (or randomly, from a fixed seed), labels unchanged.
type Augmentation func(d *data.Dataset) (*data.Dataset, error)

// Identity is the augmentation that leaves the examples as they are; include it to count the
// original inputs among the test-time augmentations.
func Identity() Augmentation {
	return func(d *data.Dataset) (*data.Dataset, error) { return d, nil }
}

// FlipHorizontal mirrors every image left to right. Leave it out when laterality matters.
func FlipHorizontal() Augmentation {
	return func(d *data.Dataset) (*data.Dataset, error) {
		return transformImages(d, "FlipHorizontal", func(y, x, h, w int) (int, int) { return y, w - 1 - x })
	}
}

// Shift moves every image dy pixels down and dx pixels right (negative: up, left); uncovered
// pixels are 0.
func Shift(dy, dx int) Augmentation {
	return func(d *data.Dataset) (*data.Dataset, error) {
		return transformImages(d, "Shift", func(y, x, h, w int) (int, int) { return y - dy, x - dx })
	}
}

// RandomAugment applies data.Augment with the given options and seed: a random flip and shift
// per image, the same for every call.
func RandomAugment(opt data.AugmentOptions, seed int64) Augmentation {
	return func(d *data.Dataset) (*data.Dataset, error) { return data.Augment(d, opt, seed) }
}

// transformImages copies d with each output pixel (y, x) taken from source pixel src(y, x), or
// 0 when that lies outside the image.
func transformImages(d *data.Dataset, name string, src func(y, x, h, w int) (int, int)) (*data.Dataset, error) {
	if len(d.Shape) != 2 && len(d.Shape) != 3 {
		return nil, fmt.Errorf("explain: %s needs images of shape [height, width] or [height, width, channels], but %s has shape %v", name, dataName(d), d.Shape)
	}
	h, w, c := d.Shape[0], d.Shape[1], 1
	if len(d.Shape) == 3 {
		c = d.Shape[2]
	}
	out := *d
	out.X = make([]float32, len(d.X))
	size := h * w * c
	for i := range d.Len() {
		s, t := d.X[i*size:(i+1)*size], out.X[i*size:(i+1)*size]
		for y := range h {
			for x := range w {
				sy, sx := src(y, x, h, w)
				if sy < 0 || sy >= h || sx < 0 || sx >= w {
					continue
				}
				copy(t[(y*w+x)*c:(y*w+x+1)*c], s[(sy*w+sx)*c:(sy*w+sx+1)*c])
			}
		}
	}
	return &out, nil
}

// TestTimeAugmentation predicts every example of d once per augmentation and returns the
// per-example mean, spread and entropy of the predictions. model is a run or an ensemble of
// runs (train.Average), whose averaged predictions are then averaged over the augmentations.
// Augmentations that are random (RandomAugment) take their seed when built, so a call repeats
// exactly.
func TestTimeAugmentation(model train.Predictor, d *data.Dataset, augs []Augmentation) (u *Uncertainty, err error) {
	defer catch(&err, "test-time augmentation")
	name, err := checkPredictor(model, d)
	if err != nil {
		return nil, err
	}
	if len(augs) == 0 || len(augs) > MaxPasses {
		return nil, fmt.Errorf("explain: test-time augmentation with %d augmentations; pass 1..%d, e.g. []explain.Augmentation{explain.Identity(), explain.FlipHorizontal()}", len(augs), MaxPasses)
	}
	samples := make([][][]float64, len(augs))
	var task data.Task
	var classes []string
	for t, aug := range augs {
		if aug == nil {
			return nil, fmt.Errorf("explain: augmentation %d is nil", t)
		}
		ad, err := aug(d)
		if err != nil {
			return nil, fmt.Errorf("explain: augmentation %d: %w", t, err)
		}
		if ad == nil || ad.Len() != d.Len() || !slices.Equal(ad.Shape, d.Shape) {
			return nil, fmt.Errorf("explain: augmentation %d changed the number or shape of the examples; it must return one example of shape %v per input", t, d.Shape)
		}
		pred, err := model.Predict(ad)
		if err != nil {
			return nil, graphError("test-time augmentation", name, err)
		}
		task, classes = pred.Task, pred.Classes
		if task == data.Regression {
			samples[t] = pred.Values
		} else {
			samples[t] = pred.Probs
		}
	}
	return summarize(MethodTTA, task, classes, samples), nil
}

// checkPredictor says what is wrong when model cannot predict d, and names model for messages.
func checkPredictor(model train.Predictor, d *data.Dataset) (name string, err error) {
	switch m := model.(type) {
	case *train.Run:
		if err := checkRun(m); err != nil {
			return "", err
		}
		return runName(m), checkData(m, d)
	case *train.Ensemble:
		if m == nil || len(m.Runs) == 0 {
			return "", fmt.Errorf("explain: the ensemble has no runs; make one with train.Average(run1, run2)")
		}
		for _, r := range m.Runs {
			if err := checkRun(r); err != nil {
				return "", err
			}
			if err := checkData(r, d); err != nil {
				return "", err
			}
		}
		return fmt.Sprintf("ensemble %q", m.Name()), nil
	case nil:
		return "", fmt.Errorf("explain: the model is nil; pass a run (train.Open(name)) or an ensemble (train.Average(runs...))")
	}
	if d == nil || d.Len() == 0 {
		return "", fmt.Errorf("explain: the data set is empty")
	}
	return fmt.Sprintf("%T", model), nil
}

// summarize turns samples[pass][example][value] into an Uncertainty.
func summarize(method string, task data.Task, classes []string, samples [][][]float64) *Uncertainty {
	T := len(samples)
	n, k := len(samples[0]), len(samples[0][0])
	u := &Uncertainty{Method: method, Task: task, Classes: classes, Passes: T}
	classify := task != data.Regression
	for i := range n {
		mean, sd := make([]float64, k), make([]float64, k)
		for t := range T {
			for j, v := range samples[t][i] {
				mean[j] += v / float64(T)
			}
		}
		if T > 1 {
			for t := range T {
				for j, v := range samples[t][i] {
					sd[j] += (v - mean[j]) * (v - mean[j]) / float64(T-1)
				}
			}
			for j := range sd {
				sd[j] = math.Sqrt(sd[j])
			}
		}
		u.Mean, u.SD = append(u.Mean, mean), append(u.SD, sd)
		if classify {
			h := entropy(task, mean)
			avg := 0.0
			for t := range T {
				avg += entropy(task, samples[t][i]) / float64(T)
			}
			u.Entropy = append(u.Entropy, h)
			u.MutualInfo = append(u.MutualInfo, max(h-avg, 0))
		}
	}
	return u
}

// entropy of one prediction in nats: of the class distribution, or the sum of the labels'
// Bernoulli entropies for multi-label tasks.
func entropy(task data.Task, p []float64) float64 {
	h := 0.0
	term := func(q float64) float64 {
		if q <= 0 {
			return 0
		}
		return -q * math.Log(q)
	}
	for _, q := range p {
		h += term(q)
		if task == data.MultiLabel {
			h += term(1 - q)
		}
	}
	return h
}
