// SPDX-License-Identifier: Apache-2.0

package eval_test

import (
	"fmt"

	"github.com/medgo-lab/medgo/mlkit/eval"
)

func ExampleDecisionCurveAnalysis() {
	labels := []int{1, 1, 0, 1, 0, 0, 0, 1, 0, 0}
	probs := []float64{0.9, 0.8, 0.7, 0.6, 0.4, 0.3, 0.3, 0.2, 0.1, 0.05}
	grid, err := eval.ThresholdGrid(0.1, 0.5, 0.1)
	if err != nil {
		fmt.Println(err)
		return
	}
	c, err := eval.DecisionCurveAnalysis(labels, probs, grid)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("prevalence %.2f\n", c.Prevalence())
	for i, pt := range c.Thresholds {
		fmt.Printf("pt %.1f: model %+.3f, treat all %+.3f, treat none %.0f\n", pt, c.Model[i], c.TreatAll[i], c.TreatNone[i])
	}
	// Output:
	// prevalence 0.40
	// pt 0.1: model +0.344, treat all +0.333, treat none 0
	// pt 0.2: model +0.300, treat all +0.250, treat none 0
	// pt 0.3: model +0.129, treat all +0.143, treat none 0
	// pt 0.4: model +0.167, treat all +0.000, treat none 0
	// pt 0.5: model +0.200, treat all -0.200, treat none 0
}
