// SPDX-License-Identifier: Apache-2.0

package eval_test

import (
	"fmt"
	"math"

	"github.com/medgo-lab/medgo/mlkit/eval"
)

func ExampleClassifyMultiLabel() {
	nan := math.NaN() // label not recorded for this patient
	labels := [][]float64{
		{1, 0, 0}, {0, nan, 0}, {1, 1, nan}, {0, 1, 0},
		{nan, 0, 0}, {1, 0, nan}, {0, 1, 0}, {0, nan, 0},
	}
	probs := [][]float64{
		{0.9, 0.2, 0.1}, {0.3, 0.5, 0.2}, {0.6, 0.7, 0.4}, {0.4, 0.6, 0.3},
		{0.2, 0.4, 0.1}, {0.7, 0.3, 0.5}, {0.65, 0.55, 0.2}, {0.5, 0.9, 0.3},
	}
	r, err := eval.ClassifyMultiLabel(labels, probs, []string{"effusion", "edema", "fracture"})
	if err != nil {
		fmt.Println(err)
		return
	}
	// No fracture is recorded among the labelled patients: its AUC is undefined, so the
	// macro averages are over two tasks and the note says which one is left out.
	fmt.Print(r)
	// Output:
	// Multi-label classification: 8 examples, 3 tasks, 19 labelled cells (5 missing), threshold 0.5
	//
	// metric                   value
	// macro AUC (ROC)          0.958
	// macro average precision  0.958
	// micro AUC (ROC)          0.962
	// micro average precision  0.921
	//
	// task      n  positives  missing    AUC     AP  sensitivity  specificity
	// effusion  7          3        1  0.917  0.917        1.000        0.500
	// edema     6          3        2  1.000  1.000        1.000        1.000
	// fracture  6          0        2    n/a    n/a          n/a        1.000
	// note: macro AUC and AP average 2 of 3 tasks: "fracture" has only one class (or no labels) once missing labels are removed
}

func ExampleMultiLabelReport_Headline() {
	labels := [][]float64{{1, 0}, {0, 1}, {1, math.NaN()}, {0, 0}, {1, 1}, {0, 1}, {1, 0}, {0, 1}}
	probs := [][]float64{{0.8, 0.3}, {0.4, 0.6}, {0.7, 0.9}, {0.2, 0.4}, {0.6, 0.5}, {0.5, 0.7}, {0.45, 0.65}, {0.3, 0.2}}
	r, err := eval.ClassifyMultiLabel(labels, probs, []string{"a", "b"},
		eval.WithBootstrap(eval.BootstrapConfig{Resamples: 200, Seed: 1}))
	if err != nil {
		fmt.Println(err)
		return
	}
	h := r.Headline()
	ci := r.CI["macro_auc"]
	fmt.Printf("%d labelled cells, macro AUC %.3f, micro AUC %.3f\n", int(h["cells"]), h["macro_auc"], h["micro_auc"])
	fmt.Printf("interval contains it: %v, %d resamples\n", ci.Lower <= ci.Estimate && ci.Estimate <= ci.Upper, ci.Resamples+ci.Skipped)
	// Output:
	// 15 labelled cells, macro AUC 0.760, micro AUC 0.786
	// interval contains it: true, 200 resamples
}
