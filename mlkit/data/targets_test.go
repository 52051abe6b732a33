// SPDX-License-Identifier: Apache-2.0

package data

import (
	"math"
	"slices"
	"strings"
	"testing"
)

// toxLike is a small multi-label set: example i has feature i (so kept rows are visible) and
// labels for targets a, b, c with NaN where unrecorded.
func toxLike() *Dataset {
	nan := float32(math.NaN())
	return &Dataset{Name: "tox", Task: MultiLabel, Shape: []int{1}, X: []float32{0, 1, 2, 3, 4},
		Features: []string{"f"}, Targets: []string{"a", "b", "c"},
		Y: []float32{
			1, nan, 0,
			nan, nan, 1,
			0, 1, nan,
			nan, 0, nan,
			1, 1, 1,
		}}
}

// sameFloats compares with NaN equal to NaN, which == and slices.Equal do not.
func sameFloats(a, b []float32) bool {
	return slices.EqualFunc(a, b, func(x, y float32) bool {
		return x == y || (math.IsNaN(float64(x)) && math.IsNaN(float64(y)))
	})
}

func TestSelectTargets(t *testing.T) {
	nan := float32(math.NaN())
	tests := []struct {
		name    string
		targets []string
		task    Task
		x, y    []float32
		classes []string
		keep    []string // Targets of the result
	}{
		{"one target drops its missing rows", []string{"a"}, Binary, []float32{0, 2, 4}, []float32{1, 0, 1}, []string{"not a", "a"}, nil},
		{"another target", []string{"c"}, Binary, []float32{0, 1, 4}, []float32{0, 1, 1}, []string{"not c", "c"}, nil},
		// Row 1 has neither a nor b and goes; row 3 has b only and stays with a = NaN.
		{"two targets in the given order", []string{"b", "a"}, MultiLabel, []float32{0, 2, 3, 4}, []float32{nan, 1, 1, 0, 0, nan, 1, 1}, nil, []string{"b", "a"}},
		{"all targets keep partly labelled rows", []string{"a", "b", "c"}, MultiLabel, []float32{0, 1, 2, 3, 4}, toxLike().Y, nil, []string{"a", "b", "c"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := toxLike()
			got, err := d.SelectTargets(tc.targets...)
			if err != nil {
				t.Fatal(err)
			}
			if got.Task != tc.task || !slices.Equal(got.X, tc.x) || !sameFloats(got.Y, tc.y) {
				t.Errorf("task %v, X %v, Y %v; want %v, %v, %v", got.Task, got.X, got.Y, tc.task, tc.x, tc.y)
			}
			if !slices.Equal(got.Classes, tc.classes) || !slices.Equal(got.Targets, tc.keep) || got.Name != "tox" || !slices.Equal(got.Features, []string{"f"}) {
				t.Errorf("classes %q, targets %q, name %q, features %q", got.Classes, got.Targets, got.Name, got.Features)
			}
			if err := got.Validate(); err != nil {
				t.Errorf("result invalid: %v", err)
			}
			if tc.task == Binary && (got.NumClasses() != 2 || !slices.Equal(got.Labels(), []int{int(tc.y[0]), int(tc.y[1]), int(tc.y[2])})) {
				t.Errorf("binary labels %v, classes %d", got.Labels(), got.NumClasses())
			}
			// The source is untouched: the result owns its data.
			if !sameFloats(d.Y, toxLike().Y) || len(d.Targets) != 3 {
				t.Errorf("source changed: Y %v, targets %v", d.Y, d.Targets)
			}
			got.Y[0], got.X[0] = 7, 7
			if !sameFloats(d.Y, toxLike().Y) || d.X[0] != 0 {
				t.Error("result shares its Y or X with the source")
			}
		})
	}
}

func TestSelectTargetsErrors(t *testing.T) {
	nan := float32(math.NaN())
	binary := tabular([][]float32{{1}, {2}}, []int{0, 1}, "no", "yes")
	binary.Name = "wdbc"
	unlabelled := toxLike()
	for i := range unlabelled.Y {
		if i%3 == 1 {
			unlabelled.Y[i] = nan
		}
	}
	tests := []struct {
		name    string
		d       *Dataset
		targets []string
		want    []string
	}{
		{"unknown target", toxLike(), []string{"a", "NR-AR"}, []string{"tox", `unknown target "NR-AR"`, `"a", "b", "c"`}},
		{"repeated target", toxLike(), []string{"b", "b"}, []string{`"b" is named twice`}},
		{"no names", toxLike(), nil, []string{"at least one target", `"a", "b", "c"`}},
		{"not multi-label", binary, []string{"a"}, []string{"wdbc", "multi-label", "binary"}},
		{"target never labelled", unlabelled, []string{"b"}, []string{`no example has a label for "b"`}},
		{"inconsistent data set", &Dataset{Task: MultiLabel, Shape: []int{1}, X: []float32{1, 2}, Targets: []string{"a", "b"}, Y: []float32{1, 0}}, []string{"a"}, []string{"need 4 target values"}},
		{"label not 0 or 1", &Dataset{Task: MultiLabel, Shape: []int{1}, X: []float32{1, 2}, Targets: []string{"a", "b"}, Y: []float32{1, 0, 0, 2}}, []string{"a", "b"}, []string{"example 1 has label 2", `target "b"`, "0, 1 or NaN"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.d.SelectTargets(tc.targets...)
			if err == nil {
				t.Fatalf("no error; got %+v", got)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
}

func TestTargetMatrix(t *testing.T) {
	nan := float32(math.NaN())
	d := &Dataset{Name: "toy", Task: MultiLabel, Shape: []int{1}, X: []float32{0, 1}, Y: []float32{1, nan, 0, 1}, Targets: []string{"a", "b"}}
	m := d.TargetMatrix()
	if len(m) != 2 || m[0][0] != 1 || !math.IsNaN(m[0][1]) || m[1][0] != 0 || m[1][1] != 1 {
		t.Errorf("TargetMatrix = %v", m)
	}
}
