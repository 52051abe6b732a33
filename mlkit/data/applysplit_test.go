// SPDX-License-Identifier: Apache-2.0

package data

import "testing"

func TestStandardizerApplySplit(t *testing.T) {
	train := &Dataset{Name: "t", Task: Regression, Shape: []int{1}, X: []float32{1, 3}, Y: []float32{0, 0}, Targets: []string{"y"}}
	test := &Dataset{Name: "t", Task: Regression, Shape: []int{1}, X: []float32{5}, Y: []float32{0}, Targets: []string{"y"}}
	st := FitStandardizer(train)
	out := st.ApplySplit(&Split{Train: train, Test: test})
	if out.Val != nil {
		t.Fatal("a nil part must stay nil")
	}
	// Train mean 2, std 1: 1→-1, 3→1, and test 5→3 with the train statistics.
	if out.Train.X[0] != -1 || out.Train.X[1] != 1 || out.Test.X[0] != 3 {
		t.Fatalf("got train %v test %v", out.Train.X, out.Test.X)
	}
	if train.X[0] != 1 {
		t.Fatal("ApplySplit must not modify its input")
	}
}
