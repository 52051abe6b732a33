// SPDX-License-Identifier: Apache-2.0

package eval

import (
	"errors"
	"fmt"
	"math"
)

// LikelihoodRatios returns the positive and negative likelihood ratios of binary
// predictions (0/1, class 1 positive):
//
//	LR+ = sensitivity / (1 - specificity)    how much a positive result raises the odds
//	LR- = (1 - sensitivity) / specificity    how much a negative result lowers them
//
// They do not depend on prevalence, which is why clinicians use them to carry a test's
// performance over to a population with a different pre-test probability (post-test odds
// = pre-test odds × LR).
//
// A ratio whose denominator is zero is NaN: LR+ when there are no false positives, LR-
// when there are no true negatives, both when there are no positive labels. The other
// ratio is still returned, together with an error wrapping ErrUndefined that names the
// undefined one. This follows scikit-learn's class_likelihood_ratios, which sets the same
// ratios to NaN with a warning; returning an error as well keeps an infinite or 0/0 ratio
// from passing silently into a table.
func LikelihoodRatios(labels, preds []int) (lrPlus, lrMinus float64, err error) {
	if err := checkLen("labels", len(labels), "predictions", len(preds)); err != nil {
		return math.NaN(), math.NaN(), err
	}
	if _, err := checkBinaryLabels(labels); err != nil {
		return math.NaN(), math.NaN(), err
	}
	if err := checkClassIndices("prediction", preds, 2, "binary predictions are 0 or 1"); err != nil {
		return math.NaN(), math.NaN(), err
	}
	var tp, fp, tn, fn int
	for i, y := range labels {
		switch {
		case y == 1 && preds[i] == 1:
			tp++
		case y == 1:
			fn++
		case preds[i] == 1:
			fp++
		default:
			tn++
		}
	}
	return likelihoodRatios(tp, fp, tn, fn)
}

// LikelihoodRatios returns LR+ and LR- at this operating point; see the function
// LikelihoodRatios for the definitions and when they are undefined (NaN, with an error
// wrapping ErrUndefined).
func (o OperatingPoint) LikelihoodRatios() (lrPlus, lrMinus float64, err error) {
	return likelihoodRatios(o.TP, o.FP, o.TN, o.FN)
}

func likelihoodRatios(tp, fp, tn, fn int) (float64, float64, error) {
	pos, neg := float64(tp+fn), float64(tn+fp)
	if tp+fn == 0 {
		return math.NaN(), math.NaN(), fmt.Errorf("%w: likelihood ratios need positive labels (sensitivity is undefined) but all %d labels are 0; evaluate on data that contains positives", ErrUndefined, tn+fp)
	}
	if tn+fp == 0 {
		return math.NaN(), math.NaN(), fmt.Errorf("%w: likelihood ratios need negative labels (specificity is undefined) but all %d labels are 1; evaluate on data that contains negatives", ErrUndefined, tp+fn)
	}
	lrPlus, lrMinus := math.NaN(), math.NaN()
	var errs []error
	// Computed from counts, as tp·neg / (fp·pos), so that no rounded rate is divided.
	if fp == 0 {
		errs = append(errs, fmt.Errorf("%w: LR+ is undefined because there are no false positives (specificity 1, so LR+ = sensitivity/0)", ErrUndefined))
	} else {
		lrPlus = float64(tp) * neg / (float64(fp) * pos)
	}
	if tn == 0 {
		errs = append(errs, fmt.Errorf("%w: LR- is undefined because there are no true negatives (specificity 0)", ErrUndefined))
	} else {
		lrMinus = float64(fn) * neg / (float64(tn) * pos)
	}
	return lrPlus, lrMinus, errors.Join(errs...)
}

// MCC is the Matthews correlation coefficient of labels against predictions, binary or
// multi-class (Gorodkin's R_K statistic, which for two classes is the usual
// (TP·TN - FP·FN) / sqrt((TP+FP)(TP+FN)(TN+FP)(TN+FN))). It ranges from -1 to 1, 0 being
// chance level, and unlike accuracy it stays informative when classes are imbalanced.
//
// Labels and predictions must be class indices below MaxClasses (see NewConfusionMatrix).
// When every label is the same class the coefficient is 0/0 and MCC returns an error
// wrapping ErrUndefined; scikit-learn's matthews_corrcoef returns 0 there without a
// warning, which would report a perfect classifier on one-class data as chance level.
// When the labels have two or more classes but every prediction is the same, MCC is 0 as
// in scikit-learn: a constant prediction carries no information about the label.
func MCC(labels, preds []int) (float64, error) {
	cm, err := NewConfusionMatrix(labels, preds, nil)
	if err != nil {
		return math.NaN(), err
	}
	m := cm.MCC()
	if math.IsNaN(m) {
		return m, fmt.Errorf("%w: MCC needs at least two classes in the labels but all %d labels are class %d; evaluate on data with more than one class", ErrUndefined, len(labels), labels[0])
	}
	return m, nil
}

// MCC is the Matthews correlation coefficient of the matrix (see the function MCC): NaN
// when only one class occurs in the labels, 0 when only one class is predicted.
func (c *ConfusionMatrix) MCC() float64 {
	k := len(c.Counts)
	t := make([]float64, k) // true counts per class
	p := make([]float64, k) // predicted counts per class
	var n, correct float64
	for i, row := range c.Counts {
		for j, v := range row {
			t[i] += float64(v)
			p[j] += float64(v)
			n += float64(v)
		}
		correct += float64(row[i])
	}
	var tp, pp, tt float64
	for i := range k {
		tp += t[i] * p[i]
		pp += p[i] * p[i]
		tt += t[i] * t[i]
	}
	covTP := correct*n - tp
	covPP := n*n - pp
	covTT := n*n - tt
	switch {
	case covTT == 0:
		return math.NaN()
	case covPP == 0:
		return 0
	}
	return covTP / math.Sqrt(covTT*covPP)
}

// checkBeta panics on a β that no F-score can use; β comes from code, not data, so a bad
// one is a programming error like an out-of-range class.
func checkBeta(beta float64) {
	if !(beta >= 0) || math.IsInf(beta, 0) {
		panic(fmt.Sprintf("eval: F-beta needs a finite beta >= 0, got %v; beta 1 is F1, 2 weighs recall (sensitivity) higher, 0.5 weighs precision higher", beta))
	}
}

// FBeta of class k: (1+β²)·TP / ((1+β²)·TP + β²·FN + FP), the weighted harmonic mean of
// precision and recall in which recall counts β times as much. β = 1 is F1, β = 2 suits
// screening (missing a case costs more than a false alarm), β = 0 is the precision. NaN
// when the denominator is zero, like F1. It panics when β is negative, NaN or infinite.
func (c *ConfusionMatrix) FBeta(k int, beta float64) float64 {
	checkBeta(beta)
	b2 := beta * beta
	tp := float64(c.TP(k))
	return safeDiv((1+b2)*tp, (1+b2)*tp+b2*float64(c.FN(k))+float64(c.FP(k)))
}

// FBeta is the F-beta score of binary predictions (0/1) for the positive class 1; see
// ConfusionMatrix.FBeta. β must be finite and >= 0. When there are no positive labels
// and nothing is predicted positive the score is 0/0 and FBeta returns an error wrapping
// ErrUndefined (scikit-learn returns 0 with an UndefinedMetricWarning).
func FBeta(labels, preds []int, beta float64) (float64, error) {
	if !(beta >= 0) || math.IsInf(beta, 0) {
		return math.NaN(), fmt.Errorf("eval: F-beta needs a finite beta >= 0, got %v; beta 1 is F1, 2 weighs recall higher, 0.5 weighs precision higher", beta)
	}
	if err := checkLen("labels", len(labels), "predictions", len(preds)); err != nil {
		return math.NaN(), err
	}
	if _, err := checkBinaryLabels(labels); err != nil {
		return math.NaN(), err
	}
	if err := checkClassIndices("prediction", preds, 2, "binary predictions are 0 or 1"); err != nil {
		return math.NaN(), err
	}
	cm, err := NewConfusionMatrix(labels, preds, []string{"0", "1"})
	if err != nil {
		return math.NaN(), err
	}
	f := cm.FBeta(1, beta)
	if math.IsNaN(f) {
		if beta == 0 {
			return f, fmt.Errorf("%w: F-beta with beta 0 is the precision, undefined because nothing is predicted positive", ErrUndefined)
		}
		return f, fmt.Errorf("%w: F-beta is undefined because there are no positive labels and nothing is predicted positive", ErrUndefined)
	}
	return f, nil
}
