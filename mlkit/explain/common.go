// SPDX-License-Identifier: Apache-2.0

package explain

import (
	"fmt"
	"slices"
	"strings"

	"github.com/gomlx/gomlx/core/tensors"

	"github.com/medgo-lab/medgo/mlkit/data"
	"github.com/medgo-lab/medgo/mlkit/train"
)

// batchSize is the number of rows sent to the model at once.
const batchSize = 32

// catch turns a panic raised while building or running a graph into an error that says which
// computation failed and what to check.
func catch(err *error, what string) {
	if r := recover(); r != nil {
		*err = fmt.Errorf("explain: %s failed while building or running the model graph: %v; check that the data set was prepared like the run's training data (same shape, tokenizer and scaling)", what, r)
	}
}

// graphError turns an error from building or running a model graph into one that gives the
// cause without the graph library's internal names, and what to check.
func graphError(what, name string, err error) error {
	msg := err.Error()
	if _, cause, ok := strings.Cut(msg, "panicked: "); ok {
		msg = cause
	}
	return fmt.Errorf("explain: %s with %s failed: %s; check that the data set was prepared like the run's training data (same shape, tokenizer and scaling) and that the run directory holds the model it was trained with", what, name, msg)
}

// runName names a run in messages.
func runName(run *train.Run) string {
	if run.Name != "" {
		return fmt.Sprintf("run %q", run.Name)
	}
	return "the run"
}

// checkRun says what is wrong with a run that cannot be explained.
func checkRun(run *train.Run) error {
	if run == nil {
		return fmt.Errorf("explain: the run is nil; train one with train.New(...).Done().Fit(split) or reopen it with train.Open(name)")
	}
	if run.Store() == nil || run.Backend() == nil || run.Model == nil {
		return fmt.Errorf("explain: %s has no weights loaded; reopen it with train.Open(%q) or train it with Fit", runName(run), run.Name)
	}
	return nil
}

// checkData says what is wrong when d cannot be given to run's model.
func checkData(run *train.Run, d *data.Dataset) error {
	if d == nil || d.Len() == 0 {
		return fmt.Errorf("explain: %s: the data set is empty; pass one of the run's splits, e.g. run.Split().Test", runName(run))
	}
	if err := d.Validate(); err != nil {
		return fmt.Errorf("explain: %w", err)
	}
	if !slices.Equal(d.Shape, run.Shape) {
		return fmt.Errorf("explain: %s was trained on examples of shape %v, but %s has shape %v; prepare it the same way (same features, window, image size or tokenizer)", runName(run), run.Shape, dataName(d), d.Shape)
	}
	if s := run.Split(); s != nil && s.Train != nil && (d.Mask != nil) != (s.Train.Mask != nil) {
		return fmt.Errorf("explain: %s: %s has mask=%v but the training data had mask=%v; tokenize it with the run's tokenizer", runName(run), dataName(d), d.Mask != nil, s.Train.Mask != nil)
	}
	return nil
}

// checkIndices says what is wrong with the example indices idx of d.
func checkIndices(d *data.Dataset, idx []int) error {
	if len(idx) == 0 {
		return fmt.Errorf("explain: no examples chosen; pass the indices of the examples of %s to explain, e.g. []int{0, 1, 2}", dataName(d))
	}
	n := d.Len()
	for k, i := range idx {
		if i < 0 || i >= n {
			return fmt.Errorf("explain: example index %d (position %d of idx) is out of range; %s has %d examples (0..%d)", i, k, dataName(d), n, n-1)
		}
	}
	return nil
}

func dataName(d *data.Dataset) string {
	if d.Name != "" {
		return fmt.Sprintf("data set %q", d.Name)
	}
	return "the data set"
}

// rows builds the [len(xs), shape...] input tensor from examples given as flat rows.
func rowsTensor(xs [][]float32, shape []int) *tensors.Tensor {
	size := 1
	for _, s := range shape {
		size *= s
	}
	flat := make([]float32, 0, len(xs)*size)
	for _, x := range xs {
		flat = append(flat, x...)
	}
	return tensors.FromFlatDataAndDimensions(flat, append([]int{len(xs)}, shape...)...)
}

// maskRow returns example i's mask (a view), or nil when d has none.
func maskRow(d *data.Dataset, i int) []float32 {
	if d.Mask == nil {
		return nil
	}
	l := d.Shape[0]
	return d.Mask[i*l : (i+1)*l]
}

// padRows pads rows to exactly n by repeating the first one, so that every batch has the same
// shape and the graph is compiled once.
func padRows(rows [][]float32, n int) [][]float32 {
	for len(rows) < n {
		rows = append(rows, rows[0])
	}
	return rows
}
