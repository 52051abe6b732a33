// SPDX-License-Identifier: Apache-2.0

package eval

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
)

func TestSelectiveHandComputed(t *testing.T) {
	labels := []int{1, 0, 1, 1, 0, 0}
	preds := []int{1, 0, 0, 1, 1, 0}
	unc := []float64{0.1, 0.2, 0.9, 0.3, 0.8, 0.2} // cases 1 and 5 tie
	c, err := SelectiveBinary(labels, preds, unc)
	if err != nil {
		t.Fatal(err)
	}
	near := func(a, b []float64) bool {
		if len(a) != len(b) {
			return false
		}
		for i := range a {
			if math.IsNaN(a[i]) != math.IsNaN(b[i]) || !math.IsNaN(a[i]) && math.Abs(a[i]-b[i]) > 1e-12 {
				return false
			}
		}
		return true
	}
	nan := math.NaN()
	if !slices.Equal(c.Kept, []int{1, 3, 4, 5, 6}) {
		t.Errorf("Kept = %v, want [1 3 4 5 6] (ties kept together)", c.Kept)
	}
	if want := []float64{1.0 / 6, 3.0 / 6, 4.0 / 6, 5.0 / 6, 1}; !near(c.Coverage, want) {
		t.Errorf("Coverage = %v, want %v", c.Coverage, want)
	}
	if want := []float64{0.1, 0.2, 0.3, 0.8, 0.9}; !near(c.Threshold, want) {
		t.Errorf("Threshold = %v, want %v", c.Threshold, want)
	}
	if want := []float64{1, 1, 1, 0.8, 4.0 / 6}; !near(c.Accuracy, want) {
		t.Errorf("Accuracy = %v, want %v", c.Accuracy, want)
	}
	if want := []float64{1, 1, 1, 1, 2.0 / 3}; !near(c.Sensitivity, want) {
		t.Errorf("Sensitivity = %v, want %v", c.Sensitivity, want)
	}
	if want := []float64{nan, 1, 1, 2.0 / 3, 2.0 / 3}; !near(c.Specificity, want) {
		t.Errorf("Specificity = %v, want %v", c.Specificity, want)
	}
	// Coverage 1 is the plain accuracy.
	acc, _ := Accuracy(labels, preds)
	if last := c.Accuracy[len(c.Accuracy)-1]; last != acc {
		t.Errorf("accuracy at coverage 1 = %v, plain accuracy %v", last, acc)
	}
	if j := c.At(0.8); j != 2 {
		t.Errorf("At(0.8) = %d, want 2 (coverage 4/6)", j)
	}
	if j := c.At(0.5); j != 1 {
		t.Errorf("At(0.5) = %d, want 1 (coverage exactly 1/2)", j)
	}
	if j := c.At(0.01); j != 0 {
		t.Errorf("At(0.01) = %d, want 0", j)
	}
	if a, want := c.AURC(), (0.2+1.0/3)/6; math.Abs(a-want) > 1e-12 {
		t.Errorf("AURC = %v, want %v", a, want)
	}
	if s := c.String(); !strings.Contains(s, "sensitivity") || !strings.Contains(s, "100%") {
		t.Errorf("String() = %q", s)
	}
}

func TestSelectiveMultiClass(t *testing.T) {
	labels := []int{2, 0, 1, 2}
	preds := []int{2, 1, 1, 0}
	c, err := Selective(labels, preds, []float64{0.5, 0.7, 0.1, 0.9})
	if err != nil {
		t.Fatal(err)
	}
	if c.Sensitivity != nil || c.Specificity != nil {
		t.Error("Selective should not give sensitivity")
	}
	if want := []float64{1, 1, 2.0 / 3, 0.5}; !slices.Equal(c.Accuracy, want) {
		t.Errorf("Accuracy = %v, want %v", c.Accuracy, want)
	}
}

func TestSelectiveRejectsBadInput(t *testing.T) {
	if _, err := Selective(nil, nil, nil); !errors.Is(err, ErrEmpty) {
		t.Errorf("empty: %v", err)
	}
	if _, err := Selective([]int{0, 1}, []int{0}, []float64{0, 0}); err == nil {
		t.Error("length mismatch accepted")
	}
	if _, err := Selective([]int{0, 1}, []int{0, 1}, []float64{0}); err == nil {
		t.Error("uncertainty length mismatch accepted")
	}
	if _, err := Selective([]int{0, 1}, []int{0, 1}, []float64{0, math.NaN()}); err == nil {
		t.Error("NaN uncertainty accepted")
	}
	if _, err := SelectiveBinary([]int{0, 2}, []int{0, 1}, []float64{0, 1}); err == nil {
		t.Error("label 2 accepted as binary")
	}
	if _, err := SelectiveBinary([]int{0, 1}, []int{0, 3}, []float64{0, 1}); err == nil {
		t.Error("prediction 3 accepted as binary")
	}
}

func ExampleSelectiveBinary() {
	labels := []int{1, 0, 1, 1, 0, 0}
	preds := []int{1, 0, 0, 1, 1, 0}
	entropy := []float64{0.1, 0.2, 0.9, 0.3, 0.8, 0.2}
	c, _ := SelectiveBinary(labels, preds, entropy)
	j := c.At(0.7) // refer at least 30% of the cases, the least certain first
	fmt.Printf("all cases: accuracy %.2f\n", c.Accuracy[len(c.Accuracy)-1])
	fmt.Printf("keeping %d of 6: accuracy %.2f, sensitivity %.2f\n", c.Kept[j], c.Accuracy[j], c.Sensitivity[j])
	// Output:
	// all cases: accuracy 0.67
	// keeping 4 of 6: accuracy 1.00, sensitivity 1.00
}
