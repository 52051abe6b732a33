// SPDX-License-Identifier: Apache-2.0

package data

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
)

// Standardizer rescales each feature to zero mean and unit variance with statistics
// fitted on a training set; apply the same Standardizer to validation and test data so
// that nothing about them leaks into the preprocessing.
type Standardizer struct {
	Mean []float32 // per feature (per value of an example)
	Std  []float32 // per feature; 1 for features that are constant in the training set
}

// FitStandardizer computes each feature's mean and standard deviation over train. NaN
// values are ignored; features that do not vary (or are all NaN) get a standard deviation
// of 1, so they come out as 0 rather than as a division by zero.
func FitStandardizer(train *Dataset) *Standardizer {
	s := train.ExampleSize()
	n := train.Len()
	sum := make([]float64, s)
	cnt := make([]int, s)
	for i := 0; i < n; i++ {
		for j, v := range train.X[i*s : (i+1)*s] {
			if !math.IsNaN(float64(v)) {
				sum[j] += float64(v)
				cnt[j]++
			}
		}
	}
	mean := make([]float64, s)
	for j := range mean {
		if cnt[j] > 0 {
			mean[j] = sum[j] / float64(cnt[j])
		}
	}
	ss := make([]float64, s)
	for i := 0; i < n; i++ {
		for j, v := range train.X[i*s : (i+1)*s] {
			if !math.IsNaN(float64(v)) {
				d := float64(v) - mean[j]
				ss[j] += d * d
			}
		}
	}
	st := &Standardizer{Mean: make([]float32, s), Std: make([]float32, s)}
	for j := range ss {
		st.Mean[j] = float32(mean[j])
		sd := 0.0
		if cnt[j] > 0 {
			sd = math.Sqrt(ss[j] / float64(cnt[j]))
		}
		if sd < 1e-12 || math.IsNaN(sd) {
			sd = 1
		}
		st.Std[j] = float32(sd)
	}
	return st
}

// Transform returns a standardized copy of d, or an error when d's examples do not have
// the size the Standardizer was fitted on.
func (st *Standardizer) Transform(d *Dataset) (*Dataset, error) {
	if d.ExampleSize() != len(st.Mean) {
		return nil, fmt.Errorf("%s: examples have %d values (shape %v) but the standardizer was fitted on %d", nameOf(d), d.ExampleSize(), d.Shape, len(st.Mean))
	}
	return mapFeatures(d, func(j int, v float32) float32 { return (v - st.Mean[j]) / st.Std[j] }), nil
}

// Apply returns a standardized copy of d. d must have examples of the size the
// Standardizer was fitted on; Apply panics otherwise (use Transform to get an error).
func (st *Standardizer) Apply(d *Dataset) *Dataset {
	out, err := st.Transform(d)
	if err != nil {
		panic(err)
	}
	return out
}

// MinMaxScaler rescales each feature linearly so that the training set's range maps to
// [0,1]. Values outside the training range (in test data) map outside [0,1]; they are not
// clipped.
type MinMaxScaler struct {
	Min []float32
	Max []float32
}

// FitMinMax computes each feature's range over train, ignoring NaN. Constant features
// map to 0.
func FitMinMax(train *Dataset) *MinMaxScaler {
	s := train.ExampleSize()
	m := &MinMaxScaler{Min: make([]float32, s), Max: make([]float32, s)}
	for j := range m.Min {
		m.Min[j], m.Max[j] = float32(math.Inf(1)), float32(math.Inf(-1))
	}
	for i := 0; i < train.Len(); i++ {
		for j, v := range train.X[i*s : (i+1)*s] {
			if !math.IsNaN(float64(v)) {
				m.Min[j] = min(m.Min[j], v)
				m.Max[j] = max(m.Max[j], v)
			}
		}
	}
	for j := range m.Min {
		if math.IsInf(float64(m.Min[j]), 1) { // no values
			m.Min[j], m.Max[j] = 0, 0
		}
	}
	return m
}

// Transform returns a rescaled copy of d, or an error when d's examples do not have the
// size the scaler was fitted on.
func (m *MinMaxScaler) Transform(d *Dataset) (*Dataset, error) {
	if d.ExampleSize() != len(m.Min) {
		return nil, fmt.Errorf("%s: examples have %d values (shape %v) but the scaler was fitted on %d", nameOf(d), d.ExampleSize(), d.Shape, len(m.Min))
	}
	return mapFeatures(d, func(j int, v float32) float32 {
		r := m.Max[j] - m.Min[j]
		if r <= 0 {
			return 0
		}
		return (v - m.Min[j]) / r
	}), nil
}

// Apply returns a rescaled copy of d; it panics when d's example size differs from the
// training set's (use Transform to get an error).
func (m *MinMaxScaler) Apply(d *Dataset) *Dataset {
	out, err := m.Transform(d)
	if err != nil {
		panic(err)
	}
	return out
}

func nameOf(d *Dataset) string {
	if d.Name == "" {
		return "dataset"
	}
	return d.Name
}

// mapFeatures returns a copy of d with f applied to every feature value (j is the index
// within the example). NaN stays NaN.
func mapFeatures(d *Dataset, f func(j int, v float32) float32) *Dataset {
	out := d.clone()
	s := d.ExampleSize()
	for i, v := range d.X {
		out.X[i] = f(i%s, v)
	}
	return out
}

// clone deep-copies the slices of d.
func (d *Dataset) clone() *Dataset {
	out := *d
	out.X = slices.Clone(d.X)
	out.Y = slices.Clone(d.Y)
	out.Mask = slices.Clone(d.Mask)
	out.Shape = slices.Clone(d.Shape)
	out.Features = slices.Clone(d.Features)
	out.Classes = slices.Clone(d.Classes)
	out.Targets = slices.Clone(d.Targets)
	return &out
}

// Shuffle returns a copy of d with its examples in a random order, reproducible for a seed.
func Shuffle(d *Dataset, seed int64) *Dataset {
	return d.Subset(newRand(seed).Perm(d.Len()))
}

func newRand(seed int64) *rand.Rand {
	return rand.New(rand.NewPCG(uint64(seed), 0x6d656467))
}

// OneHot returns the class labels of d as one-hot rows: Len() × NumClasses() values,
// row-major. It returns nil for tasks that are not classification. A label outside
// 0..NumClasses()-1 gives a row of zeros.
func OneHot(d *Dataset) []float32 {
	if !d.Task.IsClassification() {
		return nil
	}
	k := d.NumClasses()
	out := make([]float32, d.Len()*k)
	for i := 0; i < d.Len(); i++ {
		if l := d.Label(i); l >= 0 && l < k {
			out[i*k+l] = 1
		}
	}
	return out
}

// ClassWeights returns one weight per class, n / (k × count), so that every class weighs
// the same in a weighted loss ("balanced" weights, as in scikit-learn). Classes absent
// from d get weight 0. It returns nil for tasks that are not classification.
func ClassWeights(d *Dataset) []float64 {
	if !d.Task.IsClassification() {
		return nil
	}
	counts := d.ClassCounts()
	k := len(counts)
	w := make([]float64, k)
	for c, n := range counts {
		if n > 0 {
			w[c] = float64(d.Len()) / (float64(k) * float64(n))
		}
	}
	return w
}

// StratifiedSplit divides d into 2 (Train, Test) or 3 (Train, Val, Test) parts of the
// given fractions, which must be positive and sum to 1. For classification tasks each
// class is divided in the same proportions (to within one or two examples); other tasks
// are split at random. The result is reproducible for a seed, and each part is shuffled.
//
//	split, err := data.StratifiedSplit(d, 42, 0.7, 0.15, 0.15)
func StratifiedSplit(d *Dataset, seed int64, fractions ...float64) (*Split, error) {
	if err := d.Validate(); err != nil {
		return nil, err
	}
	var labels []int
	if d.Task.IsClassification() {
		labels = d.Labels()
	}
	parts, err := splitIndices(d.Len(), labels, seed, fractions, nameOf(d))
	if err != nil {
		return nil, err
	}
	s := &Split{Train: d.Subset(parts[0]), Test: d.Subset(parts[len(parts)-1])}
	if len(parts) == 3 {
		s.Val = d.Subset(parts[1])
	}
	return s, nil
}

// splitIndices assigns 0..n-1 to parts of the given fractions. With labels, examples are
// shuffled within each class, laid out class after class, and dealt to the part furthest
// behind its share (a running largest-remainder rule), so that every class and every part
// gets its share to within one or two examples.
func splitIndices(n int, labels []int, seed int64, fractions []float64, name string) ([][]int, error) {
	if len(fractions) != 2 && len(fractions) != 3 {
		return nil, fmt.Errorf("%s: %d fractions given; expected 2 (train, test) or 3 (train, validation, test), e.g. 0.8, 0.2", name, len(fractions))
	}
	total := 0.0
	for _, f := range fractions {
		if !(f > 0) || f >= 1 {
			return nil, fmt.Errorf("%s: fraction %v must be between 0 and 1 (exclusive); got %v", name, f, fractions)
		}
		total += f
	}
	if math.Abs(total-1) > 1e-6 {
		return nil, fmt.Errorf("%s: fractions %v sum to %v; they must sum to 1", name, fractions, total)
	}
	if n < len(fractions) {
		return nil, fmt.Errorf("%s: %d examples cannot be split into %d parts", name, n, len(fractions))
	}
	rng := newRand(seed)
	order := rng.Perm(n)
	if labels != nil {
		// Stable sort by class keeps the random order within each class.
		slices.SortStableFunc(order, func(a, b int) int { return labels[a] - labels[b] })
	}
	parts := make([][]int, len(fractions))
	counts := make([]int, len(fractions))
	for j, idx := range order {
		best, bestGap := 0, math.Inf(-1)
		for p, f := range fractions {
			if gap := float64(j+1)*f - float64(counts[p]); gap > bestGap+1e-9 {
				best, bestGap = p, gap
			}
		}
		counts[best]++
		parts[best] = append(parts[best], idx)
	}
	for p, part := range parts {
		if len(part) == 0 {
			return nil, fmt.Errorf("%s: part %d of the split (fraction %v) would be empty with %d examples; use larger fractions or more data", name, p+1, fractions[p], n)
		}
		rng.Shuffle(len(part), func(i, j int) { part[i], part[j] = part[j], part[i] })
	}
	return parts, nil
}

// ApplySplit standardizes every part of a split with the statistics fitted on the training
// data (nil parts stay nil).
func (st *Standardizer) ApplySplit(s *Split) *Split {
	out := &Split{}
	for _, p := range []struct{ in, out **Dataset }{{&s.Train, &out.Train}, {&s.Val, &out.Val}, {&s.Test, &out.Test}} {
		if *p.in != nil {
			*p.out = st.Apply(*p.in)
		}
	}
	return out
}
