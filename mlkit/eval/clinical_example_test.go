// SPDX-License-Identifier: Apache-2.0

package eval_test

import (
	"errors"
	"fmt"

	"github.com/medgo-lab/medgo/mlkit/eval"
)

func ExampleLikelihoodRatios() {
	labels := []int{1, 1, 1, 1, 1, 0, 0, 0, 0, 0}
	preds := []int{1, 1, 1, 1, 0, 1, 0, 0, 0, 0} // sensitivity 0.8, specificity 0.8
	lrPlus, lrMinus, err := eval.LikelihoodRatios(labels, preds)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("LR+ %.2f, LR- %.2f\n", lrPlus, lrMinus)

	// No false positives: LR+ is undefined, LR- is still returned.
	_, lrMinus, err = eval.LikelihoodRatios([]int{1, 1, 0, 0}, []int{1, 0, 0, 0})
	fmt.Printf("LR- %.2f, undefined: %v\n", lrMinus, errors.Is(err, eval.ErrUndefined))
	// Output:
	// LR+ 4.00, LR- 0.25
	// LR- 0.50, undefined: true
}

func ExampleMCC() {
	labels := []int{0, 0, 0, 0, 0, 0, 0, 0, 1, 1}
	preds := []int{0, 0, 0, 0, 0, 0, 0, 0, 0, 1}
	acc, _ := eval.Accuracy(labels, preds)
	mcc, _ := eval.MCC(labels, preds)
	fmt.Printf("accuracy %.2f, MCC %.3f\n", acc, mcc)
	// Output:
	// accuracy 0.90, MCC 0.667
}

func ExampleFBeta() {
	labels := []int{1, 1, 1, 1, 0, 0, 0, 0}
	preds := []int{1, 1, 0, 0, 1, 0, 0, 0} // precision 0.67, recall 0.5
	for _, beta := range []float64{0.5, 1, 2} {
		f, _ := eval.FBeta(labels, preds, beta)
		fmt.Printf("F%v %.3f\n", beta, f)
	}
	// Output:
	// F0.5 0.625
	// F1 0.571
	// F2 0.526
}

func ExampleLogLoss() {
	labels := []int{1, 0, 1, 0}
	ll, _ := eval.LogLoss(labels, []float64{0.9, 0.1, 0.8, 0.3})
	fmt.Printf("log loss %.4f\n", ll)
	// A probability of 0 for a true positive is clipped to LogLossEpsilon, not +Inf.
	ll, _ = eval.LogLoss([]int{1}, []float64{0})
	fmt.Printf("confidently wrong %.2f\n", ll)
	// Output:
	// log loss 0.1976
	// confidently wrong 36.04
}

func ExamplePartialAUC() {
	labels := []int{1, 1, 0, 1, 0, 1, 0, 0, 1, 0}
	scores := []float64{0.95, 0.9, 0.85, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2}
	full, _ := eval.AUC(labels, scores)
	p, _ := eval.PartialAUC(labels, scores, 0.2) // specificity 80% and above, McClish-standardised
	fmt.Printf("AUC %.3f, partial AUC (FPR <= 0.2) %.3f\n", full, p)
	// Output:
	// AUC 0.720, partial AUC (FPR <= 0.2) 0.667
}

func ExampleSampleWeightedAUC() {
	labels := []int{1, 0, 1, 0, 0}
	scores := []float64{0.9, 0.8, 0.4, 0.3, 0.1}
	weights := []float64{1, 1, 3, 1, 1} // the third example stands for three patients
	plain, _ := eval.AUC(labels, scores)
	w, _ := eval.SampleWeightedAUC(labels, scores, weights)
	fmt.Printf("AUC %.3f, weighted %.3f\n", plain, w)
	// Output:
	// AUC 0.833, weighted 0.750
}

func ExampleConfusionMatrix_WeightedF1() {
	labels := []int{0, 0, 0, 0, 0, 0, 1, 1, 2, 2}
	preds := []int{0, 0, 0, 0, 0, 1, 1, 0, 2, 1}
	cm, _ := eval.NewConfusionMatrix(labels, preds, nil)
	fmt.Printf("macro %.3f, weighted %.3f, micro %.3f\n", cm.MacroF1(), cm.WeightedF1(), cm.MicroF1())
	// Output:
	// macro 0.633, weighted 0.713, micro 0.700
}
