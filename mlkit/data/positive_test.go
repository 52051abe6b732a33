// SPDX-License-Identifier: Apache-2.0

package data

import (
	"slices"
	"strings"
	"testing"
)

func TestWithPositive(t *testing.T) {
	breast := &Dataset{Name: "breast", Task: Binary, Shape: []int{1}, X: []float32{10, 20, 30},
		Y: []float32{0, 1, 0}, Classes: []string{"malignant", "normal/benign"}}
	for _, tc := range []struct {
		name     string
		d        *Dataset
		class    string
		wantErr  string
		labels   []int
		classes  []string
		sameData bool // the data set itself comes back
	}{
		{"swap", breast, "malignant", "", []int{1, 0, 1}, []string{"normal/benign", "malignant"}, false},
		{"already positive", breast, "normal/benign", "", []int{0, 1, 0}, []string{"malignant", "normal/benign"}, true},
		{"unknown class", breast, "cancer", `no such class; the classes are "malignant" (0) and "normal/benign" (1)`, nil, nil, false},
		{"not binary", &Dataset{Name: "grades", Task: Ordinal, Shape: []int{1}, X: []float32{1}, Y: []float32{2}}, "grade 4", "needs a binary data set", nil, nil, false},
		{"no class names", &Dataset{Name: "unnamed", Task: Binary, Shape: []int{1}, X: []float32{1}, Y: []float32{1}}, "1", "needs the two class names", nil, nil, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.d.WithPositive(tc.class)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error %v, want one containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got.Labels(), tc.labels) || !slices.Equal(got.Classes, tc.classes) {
				t.Errorf("labels %v classes %q, want %v %q", got.Labels(), got.Classes, tc.labels, tc.classes)
			}
			if (got == tc.d) != tc.sameData {
				t.Errorf("returned the data set itself: %v, want %v", got == tc.d, tc.sameData)
			}
			if !slices.Equal(breast.Labels(), []int{0, 1, 0}) || breast.Classes[0] != "malignant" {
				t.Errorf("the original data set changed: labels %v classes %q", breast.Labels(), breast.Classes)
			}
		})
	}
	s, err := (&Split{Train: breast, Test: breast}).WithPositive("malignant")
	if err != nil {
		t.Fatal(err)
	}
	if s.Val != nil || s.Train.Classes[1] != "malignant" || s.Test.Label(0) != 1 {
		t.Errorf("Split.WithPositive: %+v", s)
	}
}
