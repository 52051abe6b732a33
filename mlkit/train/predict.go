// SPDX-License-Identifier: Apache-2.0

package train

import (
	"fmt"
	"math"
	"slices"

	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"

	"github.com/medgo-lab/medgo/mlkit/data"
	"github.com/medgo-lab/medgo/mlkit/models"
)

// Predictions are a model's outputs for each example of a data set.
type Predictions struct {
	Task    data.Task
	Classes []string
	// Probs holds, per example, one probability per class (binary, multi-class, ordinal) or
	// per target (multi-label). Nil for regression.
	Probs [][]float64
	// Values holds, per example, one value per target (regression). Nil otherwise.
	Values [][]float64
}

// Labels returns the most probable class of each example.
func (p *Predictions) Labels() []int {
	out := make([]int, len(p.Probs))
	for i, row := range p.Probs {
		best := 0
		for k, v := range row {
			if v > row[best] {
				best = k
			}
		}
		out[i] = best
	}
	return out
}

// Scores returns, per example, the probability of class k (for binary tasks, k = 1 is the
// positive class), or of target k for multi-label tasks.
func (p *Predictions) Scores(k int) []float64 {
	out := make([]float64, len(p.Probs))
	for i, row := range p.Probs {
		if k < len(row) {
			out[i] = row[k]
		} else {
			out[i] = math.NaN()
		}
	}
	return out
}

// Column returns target k's value for each example (regression).
func (p *Predictions) Column(k int) []float64 {
	out := make([]float64, len(p.Values))
	for i, row := range p.Values {
		out[i] = row[k]
	}
	return out
}

const predictBatch = 256

// Predict runs the model on every example of d.
func (r *Run) Predict(d *data.Dataset) (p *Predictions, err error) {
	defer catch(&err, "predict with run %q", r.Name)
	if err := r.checkCompatible(d); err != nil {
		return nil, err
	}
	if r.predict == nil {
		r.predict, err = model.NewExec(r.backend, r.store, r.predictGraph)
		if err != nil {
			return nil, err
		}
	}
	p = &Predictions{Task: r.Task, Classes: r.Classes}
	err = inBatches(d, false, func(args []any) error {
		outs, err := r.predict.Exec(args...)
		if err != nil {
			return err
		}
		defer finalize(outs)
		rows := tensorRows(outs[0])
		if r.Task == data.Regression {
			p.Values = append(p.Values, rows...)
		} else {
			p.Probs = append(p.Probs, rows...)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

// predictGraph is the graph of Predict (and of an ONNX export): inputs x and, for token
// models, the mask; output Predict's probabilities or values, with training-only layers off.
func (r *Run) predictGraph(scope *model.Scope, in []*graph.Node) []*graph.Node {
	r.store.SetTraining(in[0].Graph(), false)
	var mask *graph.Node
	if len(in) > 1 {
		mask = in[1]
	}
	out := r.BuildOutputs(scope, models.Inputs{X: in[0], Mask: mask})
	return []*graph.Node{models.Predict(r.Task, out)}
}

// inBatches calls f with the graph arguments for consecutive batches of d: x, then y and
// unit weights when withTargets, then the mask when d has one.
func inBatches(d *data.Dataset, withTargets bool, f func(args []any) error) error {
	n := d.Len()
	for start := 0; start < n; start += predictBatch {
		idx := make([]int, 0, predictBatch)
		for i := start; i < min(n, start+predictBatch); i++ {
			idx = append(idx, i)
		}
		x, mask, y := batchTensors(d, idx)
		args := []any{x}
		if withTargets {
			w := make([]float32, len(idx))
			for i := range w {
				w[i] = 1
			}
			args = append(args, y, tensors.FromFlatDataAndDimensions(w, len(idx)))
		}
		if mask != nil {
			args = append(args, mask)
		}
		if err := f(args); err != nil {
			return err
		}
	}
	return nil
}

// tensorRows converts a [batch, width] float32 tensor to rows of float64.
func tensorRows(t *tensors.Tensor) [][]float64 {
	flat := tensors.MustCopyFlatData[float32](t)
	width := t.Shape().Dimensions[1]
	rows := make([][]float64, len(flat)/width)
	for i := range rows {
		rows[i] = make([]float64, width)
		for k := range rows[i] {
			rows[i][k] = float64(flat[i*width+k])
		}
	}
	return rows
}

func finalize(ts []*tensors.Tensor) {
	for _, t := range ts {
		t.FinalizeAll()
	}
}

// checkCompatible says what is wrong when d does not fit the run's model.
func (r *Run) checkCompatible(d *data.Dataset) error {
	if d == nil || d.Len() == 0 {
		return fmt.Errorf("run %q: the data set is empty", r.Name)
	}
	if err := d.Validate(); err != nil {
		return err
	}
	if !slices.Equal(d.Shape, r.Shape) {
		return fmt.Errorf("run %q was trained on examples of shape %v, but %s has shape %v; prepare it the same way (e.g. the same tokenizer, window or image size)", r.Name, r.Shape, d.Name, d.Shape)
	}
	if (d.Mask != nil) != (r.split.Train.Mask != nil) {
		return fmt.Errorf("run %q: %s has mask=%v but the training data had mask=%v; tokenize it with the run's tokenizer", r.Name, d.Name, d.Mask != nil, r.split.Train.Mask != nil)
	}
	return nil
}

// batchTensors builds the x, mask (nil without one) and y tensors for the given examples.
func batchTensors(d *data.Dataset, idx []int) (x, mask, y *tensors.Tensor) {
	s, t := d.ExampleSize(), d.NumTargets()
	xs := make([]float32, 0, len(idx)*s)
	ys := make([]float32, 0, len(idx)*t)
	var ms []float32
	if d.Mask != nil {
		ms = make([]float32, 0, len(idx)*d.Shape[0])
	}
	for _, i := range idx {
		xs = append(xs, d.X[i*s:(i+1)*s]...)
		ys = append(ys, d.Y[i*t:(i+1)*t]...)
		if ms != nil {
			ms = append(ms, d.Mask[i*d.Shape[0]:(i+1)*d.Shape[0]]...)
		}
	}
	x = tensors.FromFlatDataAndDimensions(xs, append([]int{len(idx)}, d.Shape...)...)
	y = tensors.FromFlatDataAndDimensions(ys, len(idx), t)
	if ms != nil {
		mask = tensors.FromFlatDataAndDimensions(ms, len(idx), d.Shape[0])
	}
	return
}

// catch turns a panic from graph building into an error with context.
func catch(err *error, format string, args ...any) {
	if r := recover(); r != nil {
		*err = fmt.Errorf("%s: %v", fmt.Sprintf(format, args...), r)
	}
}
