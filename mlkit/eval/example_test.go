// SPDX-License-Identifier: Apache-2.0

package eval_test

import (
	"fmt"

	"github.com/medgo-lab/medgo/mlkit/eval"
)

func ExampleAUC() {
	labels := []int{1, 1, 1, 0, 0, 0}
	scores := []float64{0.9, 0.5, 0.5, 0.5, 0.2, 0.1} // a tie across the classes counts one half
	auc, err := eval.AUC(labels, scores)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("AUC %.4f\n", auc)

	_, err = eval.AUC([]int{0, 0}, []float64{0.1, 0.2})
	fmt.Println(err)
	// Output:
	// AUC 0.8889
	// eval: metric undefined: AUC needs both classes but all 2 labels are 0 (negative); evaluate on data that contains positives
}

func ExampleThresholdForSensitivity() {
	labels := []int{1, 1, 0, 1, 1, 0, 1, 0, 0, 0}
	scores := []float64{0.9, 0.8, 0.7, 0.6, 0.55, 0.5, 0.4, 0.3, 0.2, 0.1}
	op, err := eval.ThresholdForSensitivity(labels, scores, 0.8)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(op)
	// Output:
	// threshold 0.550: sensitivity 0.800, specificity 0.800, PPV 0.800, NPV 0.800 (TP 4, FP 1, TN 4, FN 1)
}

func ExampleQuadraticWeightedKappa() {
	grader := []int{0, 1, 2, 4, 3, 2}
	model := []int{0, 1, 3, 4, 2, 2}
	k, _ := eval.QuadraticWeightedKappa(grader, model)
	fmt.Printf("quadratic weighted kappa %.3f\n", k)
	// Output:
	// quadratic weighted kappa 0.900
}

func ExampleBootstrapScores() {
	labels := []int{1, 1, 0, 1, 1, 0, 1, 0, 0, 0, 1, 0}
	scores := []float64{0.9, 0.8, 0.7, 0.6, 0.55, 0.5, 0.4, 0.3, 0.2, 0.1, 0.65, 0.35}
	ci, err := eval.BootstrapScores(labels, scores, eval.AUC, eval.BootstrapConfig{Seed: 1, Strata: labels})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("AUC %.3f, interval contains it: %v, %d resamples\n", ci.Estimate, ci.Lower <= ci.Estimate && ci.Estimate <= ci.Upper, ci.Resamples)
	// Output:
	// AUC 0.861, interval contains it: true, 1000 resamples
}

func ExampleClassifyBinary() {
	labels := []int{1, 1, 0, 1, 1, 0, 1, 0, 0, 0}
	probs := []float64{0.9, 0.8, 0.7, 0.6, 0.55, 0.5, 0.4, 0.3, 0.2, 0.1}
	r, err := eval.ClassifyBinary(labels, probs, []string{"healthy", "disease"})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Print(r)
	// Output:
	// Binary classification: 10 examples, positive class "disease", threshold 0.5
	//
	// metric                value
	// accuracy              0.700
	// balanced accuracy     0.700
	// sensitivity (recall)  0.800
	// specificity           0.600
	// PPV (precision)       0.667
	// NPV                   0.750
	// F1                    0.727
	// AUC (ROC)             0.840
	// average precision     0.853
	// Brier score           0.165
	// ECE (10 bins)         0.265
	//
	// class          support  precision  recall  specificity     F1
	// healthy              5      0.750   0.600        0.800  0.667
	// disease              5      0.667   0.800        0.600  0.727
	// macro average       10      0.708   0.700        0.700  0.697
	//
	// Confusion matrix (rows: true class, columns: predicted class)
	// true \ predicted  healthy  disease
	// healthy                 3        2
	// disease                 1        4
}

func ExampleRegress() {
	r, err := eval.Regress([]float64{1, 2, 3, 4}, []float64{1, 3, 2, 6})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("RMSE %.3f, MAE %.3f, R² %.2f\n", r.RMSE, r.MAE, r.R2)
	// Output:
	// RMSE 1.225, MAE 1.000, R² -0.20
}

func ExampleWithPositive() {
	// BreastMNIST's class 0 is "malignant": the network's probability of class 1 is that of a
	// normal or benign scan. The report about finding cancer names malignant as positive.
	labels := []int{0, 0, 1, 1, 1, 0, 1, 1}
	pNormal := []float64{0.2, 0.6, 0.9, 0.7, 0.4, 0.1, 0.8, 0.95}
	r, err := eval.ClassifyBinary(labels, pNormal, []string{"malignant", "normal, benign"}, eval.WithPositive("malignant"))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("positive class %q: sensitivity %.3f, specificity %.3f, AUC %.3f\n", r.Classes[1], r.Sensitivity, r.Specificity, r.AUC)
	// Output:
	// positive class "malignant": sensitivity 0.667, specificity 0.800, AUC 0.933
}

func ExampleCI_Valid() {
	r, err := eval.ClassifyBinary([]int{0, 1, 0, 1, 1, 0}, []float64{0.2, 0.9, 0.4, 0.7, 0.6, 0.1}, nil, eval.WithCI())
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(r.CI["auc"].Valid(), r.CI["AUC"].Valid()) // a mistyped key gives the zero CI
	fmt.Println(r.CI["AUC"])
	// Output:
	// true false
	// no interval (this CI is empty: its metric key is missing from the report's CI map, or the report was built without eval.WithCI)
}
