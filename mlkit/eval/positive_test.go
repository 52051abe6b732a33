// SPDX-License-Identifier: Apache-2.0

package eval

import (
	"maps"
	"strings"
	"testing"
)

// TestWithPositive: naming class 0 as positive gives the report of the hand-swapped labels and
// probabilities (what tutorials used to write out), and naming class 1 changes nothing.
func TestWithPositive(t *testing.T) {
	classes := []string{"malignant", "normal, benign"}
	labels := []int{0, 0, 1, 1, 1, 0, 1, 1, 0, 1, 1, 1}
	pNormal := []float64{0.2, 0.6, 0.9, 0.7, 0.4, 0.1, 0.8, 0.95, 0.3, 0.65, 0.55, 0.85}
	swappedLabels := make([]int, len(labels))
	pMalignant := make([]float64, len(labels))
	for i := range labels {
		swappedLabels[i], pMalignant[i] = 1-labels[i], 1-pNormal[i]
	}
	byHand, err := ClassifyBinary(swappedLabels, pMalignant, []string{"normal, benign", "malignant"}, WithCI())
	if err != nil {
		t.Fatal(err)
	}
	named, err := ClassifyBinary(labels, pNormal, classes, WithPositive("malignant"), WithCI())
	if err != nil {
		t.Fatal(err)
	}
	if !maps.Equal(named.Headline(), byHand.Headline()) || !maps.Equal(named.CI, byHand.CI) {
		t.Errorf("WithPositive(\"malignant\"):\n%v\nby hand:\n%v", named.Headline(), byHand.Headline())
	}
	if named.Classes[1] != "malignant" || named.Confusion.Counts[1][1] != byHand.Confusion.Counts[1][1] {
		t.Errorf("classes %q, true positives %d; want malignant second and %d", named.Classes, named.Confusion.Counts[1][1], byHand.Confusion.Counts[1][1])
	}
	plain, _ := ClassifyBinary(labels, pNormal, classes)
	same, _ := ClassifyBinary(labels, pNormal, classes, WithPositive("normal, benign"))
	if !maps.Equal(plain.Headline(), same.Headline()) {
		t.Error("naming class 1 as positive changed the report")
	}
	for _, c := range []struct {
		name string
		err  func() error
		want string
	}{
		{"unknown class", func() error {
			_, err := ClassifyBinary(labels, pNormal, classes, WithPositive("benign"))
			return err
		}, `WithPositive("benign"): no such class; the classes are "malignant" and "normal, benign"`},
		{"multi-class", func() error {
			_, err := Classify([]int{0, 1, 2}, [][]float64{{0.8, 0.1, 0.1}, {0.1, 0.8, 0.1}, {0.1, 0.1, 0.8}}, nil, WithPositive("1"))
			return err
		}, "binary classification only"},
	} {
		if err := c.err(); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err %v, want one containing %q", c.name, err, c.want)
		}
	}
}
