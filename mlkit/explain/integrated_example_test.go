// SPDX-License-Identifier: Apache-2.0

package explain_test

import (
	"fmt"
	"math"
	"os"

	"github.com/medgo-lab/medgo/mlkit/explain"
)

func ExampleIntegratedGradients() {
	dir, _ := os.MkdirTemp("", "explain-example")
	defer os.RemoveAll(dir)
	run, err := trainPatients(dir)
	if err != nil {
		fmt.Println(err)
		return
	}
	test := run.Split().Test
	// Attribute the "diabetic" logit of two patients, from the average patient (zeros: the
	// features are standardized) in 64 steps.
	ig, err := explain.IntegratedGradients(run, test, []int{0, 1}, 1, 64)
	if err != nil {
		fmt.Println(err)
		return
	}
	for i := range ig.Len() {
		top := 0
		for k, v := range ig.Values[i] {
			if math.Abs(float64(v)) > math.Abs(float64(ig.Values[i][top])) {
				top = k
			}
		}
		// Completeness: the attributions add up to F(x) − F(baseline).
		fmt.Printf("patient %d: largest attribution %s; completeness error below 1%%: %v\n",
			ig.Index[i], test.Features[top], math.Abs(ig.Delta(i)) < 0.01*math.Abs(ig.Score[i]-ig.BaselineScore[i]))
	}
	// ig.Saliency(run) gives maps that display.Saliency and display.Overlay show.

	// Output:
	// patient 0: largest attribution glucose; completeness error below 1%: true
	// patient 1: largest attribution glucose; completeness error below 1%: true
}
