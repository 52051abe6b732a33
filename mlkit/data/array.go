// SPDX-License-Identifier: Apache-2.0

package data

import (
	"fmt"
	"math"
	"slices"
	"strconv"
)

// Array is an n-dimensional array read from an IDX or NumPy file, with its values
// converted to float32 (64-bit integers beyond 2^24 lose precision). DType names the
// element type in the file: "uint8", "int8", "int16", "uint16", "int32", "uint32",
// "int64", "uint64", "float32", "float64" or "bool".
type Array struct {
	Shape []int
	Data  []float32
	DType string
}

// Len is the size of the first axis (the number of examples), or 1 for a scalar.
func (a *Array) Len() int {
	if len(a.Shape) == 0 {
		return 1
	}
	return a.Shape[0]
}

// maxElements bounds the element count a file header may declare (2^34 values); larger
// declarations are rejected before anything is allocated.
const maxElements = 1 << 34

// numElements multiplies dims, failing on negative dimensions and on products that
// overflow or exceed maxElements.
func numElements(dims []int) (int, error) {
	n := 1
	for _, d := range dims {
		if d < 0 {
			return 0, fmt.Errorf("negative dimension %d in shape %v", d, dims)
		}
		if d != 0 && n > maxElements/d {
			return 0, fmt.Errorf("shape %v declares more than %d elements", dims, int64(maxElements))
		}
		n *= d
	}
	return n, nil
}

// FromArrays builds a Dataset from a feature array x (examples on the first axis) and a
// target array y with as many examples. The task is inferred from y:
//
//   - one column of non-negative integers: classification, Binary when the largest label
//     is at most 1, else MultiClass, with classes named "0", "1", ...;
//   - one column of other integers (such as -1 and 1): classification with the sorted
//     distinct values mapped to 0..k-1 and named after the values;
//   - several columns of 0, 1 or NaN: MultiLabel;
//   - anything else: Regression, one target per column.
//
// 8-bit unsigned features (DType "uint8", as in images) are scaled to [0,1]. Change
// Task, Classes or Targets on the result to override the inference.
func FromArrays(name string, x, y *Array) (*Dataset, error) {
	if x == nil || y == nil {
		return nil, fmt.Errorf("%s: both the feature and the target arrays are needed", name)
	}
	if len(x.Shape) == 0 {
		return nil, fmt.Errorf("%s: the feature array is a scalar; expected examples along the first axis", name)
	}
	n := x.Shape[0]
	if len(y.Shape) == 0 || y.Shape[0] != n {
		return nil, fmt.Errorf("%s: the feature array has %d examples (shape %v) but the target array has shape %v; expected %d targets along the first axis", name, n, x.Shape, y.Shape, n)
	}
	if len(y.Shape) > 2 {
		return nil, fmt.Errorf("%s: the target array has shape %v; expected [examples] or [examples, targets]", name, y.Shape)
	}
	shape := slices.Clone(x.Shape[1:])
	if len(shape) == 0 {
		shape = []int{1}
	}
	if size, err := numElements(shape); err != nil || size == 0 {
		return nil, fmt.Errorf("%s: the feature array has shape %v, with no values per example; expected [examples, features...]", name, x.Shape)
	}
	if len(shape) == 2 && n > 0 && x.DType == "uint8" {
		shape = append(shape, 1) // grey images: [height, width, 1]
	}
	d := &Dataset{Name: name, Shape: shape, X: x.Data}
	if x.DType == "uint8" {
		d.X = scaleBytes(x.Data)
	}
	cols := 1
	if len(y.Shape) == 2 {
		cols = y.Shape[1]
	}
	if cols == 0 {
		return nil, fmt.Errorf("%s: the target array has shape %v with no target column", name, y.Shape)
	}
	if err := inferTargets(d, y.Data, cols); err != nil {
		return nil, err
	}
	if err := d.Validate(); err != nil {
		return nil, err
	}
	return d, nil
}

func scaleBytes(v []float32) []float32 {
	out := make([]float32, len(v))
	for i, b := range v {
		out[i] = b / 255
	}
	return out
}

// inferTargets sets d's Task, Y, Classes and Targets from raw target values, cols per example.
func inferTargets(d *Dataset, y []float32, cols int) error {
	integer, nonNeg, binary := true, true, true
	for _, v := range y {
		f := float64(v)
		if math.IsNaN(f) {
			integer = false
			continue
		}
		if f != math.Trunc(f) || math.IsInf(f, 0) {
			integer, binary = false, false
			continue
		}
		if f < 0 {
			nonNeg = false
		}
		if f != 0 && f != 1 {
			binary = false
		}
	}
	if cols > 1 {
		d.Y = y
		d.Targets = make([]string, cols)
		for j := range d.Targets {
			d.Targets[j] = "target " + strconv.Itoa(j)
		}
		d.Task = Regression
		if binary {
			d.Task = MultiLabel
		}
		return nil
	}
	if !integer {
		d.Task, d.Y, d.Targets = Regression, y, []string{"target"}
		return nil
	}
	if nonNeg {
		k := 0
		for _, v := range y {
			k = max(k, int(v)+1)
		}
		d.Y = y
		d.Task = MultiClass
		if k <= 2 {
			d.Task, k = Binary, 2
		}
		d.Classes = make([]string, k)
		for i := range d.Classes {
			d.Classes[i] = strconv.Itoa(i)
		}
		return nil
	}
	values := slices.Clone(y)
	slices.Sort(values)
	values = slices.Compact(values)
	d.Y = make([]float32, len(y))
	for i, v := range y {
		j, _ := slices.BinarySearch(values, v)
		d.Y[i] = float32(j)
	}
	d.Classes = make([]string, len(values))
	for i, v := range values {
		d.Classes[i] = strconv.FormatFloat(float64(v), 'g', -1, 32)
	}
	d.Task = MultiClass
	if len(values) <= 2 {
		d.Task = Binary
	}
	return nil
}
