// SPDX-License-Identifier: Apache-2.0

package data

import (
	"fmt"
	"math"
	"slices"
)

// Task says what a data set's targets mean, and so which head and loss a model gets.
type Task int

const (
	// Binary classification: one target, the class index 0 or 1.
	Binary Task = iota
	// MultiClass classification: one target, the class index 0..len(Classes)-1.
	MultiClass
	// MultiLabel: one 0/1 target per column of Targets; NaN marks a missing label.
	MultiLabel
	// Regression: one real value per column of Targets.
	Regression
	// Ordinal classification: like MultiClass, but the classes are ordered grades.
	Ordinal
)

var taskNames = [...]string{"binary", "multi-class", "multi-label", "regression", "ordinal"}

func (t Task) String() string {
	if int(t) >= 0 && int(t) < len(taskNames) {
		return taskNames[t]
	}
	return fmt.Sprintf("Task(%d)", int(t))
}

// IsClassification is true for tasks whose single target is a class index.
func (t Task) IsClassification() bool { return t == Binary || t == MultiClass || t == Ordinal }

// Dataset is a table of examples with their targets.
//
// X holds Len() examples of Shape each, row-major. For token sequences (DNA, SMILES) X holds
// token ids and Vocab is set; Mask then marks real tokens (1) and padding (0), one value per
// position. Y holds NumTargets() values per example.
type Dataset struct {
	Name     string
	Task     Task
	X        []float32
	Shape    []int     // one example's shape: [features], [height, width, channels] or [length, channels]
	Y        []float32 // Len() × NumTargets()
	Mask     []float32 // optional: Len() × Shape[0], for padded sequences
	Features []string  // optional: names of the features (tabular data)
	Classes  []string  // class names, for classification tasks
	Targets  []string  // target names, for multi-label and regression tasks (one per Y column)
	Vocab    *Vocabulary
}

// Split is a data set divided into training, validation and test parts.
// Val may be nil when a data set has no validation part.
type Split struct {
	Train, Val, Test *Dataset
}

// ExampleSize is the number of float32 values per example.
func (d *Dataset) ExampleSize() int {
	n := 1
	for _, s := range d.Shape {
		n *= s
	}
	return n
}

// NumTargets is the number of target values per example (1 for classification).
func (d *Dataset) NumTargets() int {
	if d.Task.IsClassification() || len(d.Targets) == 0 {
		return 1
	}
	return len(d.Targets)
}

// Len is the number of examples.
func (d *Dataset) Len() int {
	if d == nil {
		return 0
	}
	if s := d.ExampleSize(); s > 0 {
		return len(d.X) / s
	}
	return 0
}

// Example returns example i's features (a view, not a copy).
func (d *Dataset) Example(i int) []float32 {
	s := d.ExampleSize()
	return d.X[i*s : (i+1)*s]
}

// Label returns example i's class index (classification tasks).
func (d *Dataset) Label(i int) int { return int(d.Y[i*d.NumTargets()]) }

// Labels returns every example's class index (classification tasks).
func (d *Dataset) Labels() []int {
	out := make([]int, d.Len())
	for i := range out {
		out[i] = d.Label(i)
	}
	return out
}

// NumClasses is the number of classes for classification tasks, else 0.
func (d *Dataset) NumClasses() int {
	if !d.Task.IsClassification() {
		return 0
	}
	if len(d.Classes) > 0 {
		return len(d.Classes)
	}
	m := -1
	for i := 0; i < d.Len(); i++ {
		m = max(m, d.Label(i))
	}
	return m + 1
}

// ClassCounts counts the examples of each class (classification tasks).
func (d *Dataset) ClassCounts() []int {
	counts := make([]int, d.NumClasses())
	for i := 0; i < d.Len(); i++ {
		if l := d.Label(i); l >= 0 && l < len(counts) {
			counts[l]++
		}
	}
	return counts
}

// WithPositive returns the binary data set with the named class as its positive class, class
// 1, which every binary metric (sensitivity, PPV, the ROC curve) is about. When the class is
// already class 1, d itself is returned; otherwise the labels and class names are swapped in a
// copy (X and Mask are shared, not copied). BreastMNIST, for example, codes "malignant" as
// class 0: breast.WithPositive("malignant") makes it class 1.
func (d *Dataset) WithPositive(class string) (*Dataset, error) {
	if d.Task != Binary {
		return nil, fmt.Errorf("%s: WithPositive(%q) needs a binary data set, but its task is %s", d.Name, class, d.Task)
	}
	if len(d.Classes) != 2 {
		return nil, fmt.Errorf("%s: WithPositive(%q) needs the two class names, but the data set has %d; set Classes (negative, positive)", d.Name, class, len(d.Classes))
	}
	switch class {
	case d.Classes[1]:
		return d, nil
	case d.Classes[0]:
	default:
		return nil, fmt.Errorf("%s: WithPositive(%q): no such class; the classes are %q (0) and %q (1)", d.Name, class, d.Classes[0], d.Classes[1])
	}
	out := *d
	out.Y = make([]float32, len(d.Y))
	for i, y := range d.Y {
		out.Y[i] = 1 - y
	}
	out.Classes = []string{d.Classes[1], d.Classes[0]}
	return &out, nil
}

// WithPositive applies Dataset.WithPositive to every part of the split.
func (s *Split) WithPositive(class string) (*Split, error) {
	out := &Split{}
	for _, part := range []struct {
		from *Dataset
		to   **Dataset
	}{{s.Train, &out.Train}, {s.Val, &out.Val}, {s.Test, &out.Test}} {
		if part.from == nil {
			continue
		}
		d, err := part.from.WithPositive(class)
		if err != nil {
			return nil, err
		}
		*part.to = d
	}
	return out, nil
}

// Subset returns a new Dataset with the given examples, in the given order. Data is copied.
func (d *Dataset) Subset(idx []int) *Dataset {
	s, t := d.ExampleSize(), d.NumTargets()
	out := *d
	out.Shape = slices.Clone(d.Shape)
	out.X = make([]float32, 0, len(idx)*s)
	out.Y = make([]float32, 0, len(idx)*t)
	if d.Mask != nil {
		out.Mask = make([]float32, 0, len(idx)*d.Shape[0])
	}
	for _, i := range idx {
		out.X = append(out.X, d.X[i*s:(i+1)*s]...)
		out.Y = append(out.Y, d.Y[i*t:(i+1)*t]...)
		if d.Mask != nil {
			out.Mask = append(out.Mask, d.Mask[i*d.Shape[0]:(i+1)*d.Shape[0]]...)
		}
	}
	return &out
}

// Head returns the first n examples (or all, when there are fewer).
func (d *Dataset) Head(n int) *Dataset { return d.Subset(firstIndices(n, d.Len())) }

// firstIndices is 0, 1, ..., min(n, size)-1: the examples Head keeps.
func firstIndices(n, size int) []int {
	idx := make([]int, max(min(n, size), 0))
	for i := range idx {
		idx[i] = i
	}
	return idx
}

// Validate checks that the Dataset is internally consistent and says what is wrong if not.
func (d *Dataset) Validate() error {
	name := d.Name
	if name == "" {
		name = "dataset"
	}
	s := d.ExampleSize()
	if len(d.Shape) == 0 || s <= 0 {
		return fmt.Errorf("%s: example shape %v is empty; set Shape to the dimensions of one example, e.g. [30]", name, d.Shape)
	}
	if len(d.X)%s != 0 {
		return fmt.Errorf("%s: %d feature values is not a multiple of the example size %d (shape %v)", name, len(d.X), s, d.Shape)
	}
	n, t := len(d.X)/s, d.NumTargets()
	if len(d.Y) != n*t {
		return fmt.Errorf("%s: %d examples need %d target values (%d per example), found %d", name, n, n*t, t, len(d.Y))
	}
	if d.Mask != nil && len(d.Mask) != n*d.Shape[0] {
		return fmt.Errorf("%s: mask has %d values, expected %d (examples × sequence length %d)", name, len(d.Mask), n*d.Shape[0], d.Shape[0])
	}
	if d.Task.IsClassification() {
		k := d.NumClasses()
		for i := 0; i < n; i++ {
			y := d.Y[i]
			if y != float32(math.Trunc(float64(y))) || y < 0 || (len(d.Classes) > 0 && int(y) >= k) {
				return fmt.Errorf("%s: example %d has label %v; expected a class index in 0..%d (%v)", name, i, y, k-1, d.Classes)
			}
		}
	}
	return nil
}
