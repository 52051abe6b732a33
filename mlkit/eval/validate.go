// SPDX-License-Identifier: Apache-2.0

package eval

import (
	"errors"
	"fmt"
	"math"
	"strings"
)

// ErrEmpty is returned (wrapped) when a metric gets no examples.
var ErrEmpty = errors.New("eval: no examples")

// ErrUndefined is returned (wrapped) when a metric is undefined for the given data,
// for instance an AUC when all labels belong to one class.
var ErrUndefined = errors.New("eval: metric undefined")

// MaxClasses is the most classes (or kappa grades) this package sizes a table for.
// Confusion matrices and kappa tables have k×k cells, so memory grows with the square of
// the largest label: 10,000 classes already means 10^8 cells (800 MB), while a raw code
// passed as a label by mistake (a 5-digit diagnosis or lab code, say) would ask for tens
// of gigabytes and kill the process. Labels that large are almost always such codes, so
// they are an error: map them to class indices 0..k-1 first.
const MaxClasses = 10_000

// MaxBins is the most calibration bins Reliability, TopLabelReliability, ECE and WithBins
// accept. A bin estimates a frequency from the examples that fall in it, so even 1,000
// bins need about 100,000 examples to say anything (10 or 15 are usual); the cap turns a
// mistyped bin count into an error instead of an allocation of that size.
const MaxBins = 1_000

// MaxResamples is the most bootstrap resamples BootstrapConfig.Resamples may ask for.
// One result is kept per resample, and 100,000 resamples already make the Monte Carlo
// error of a percentile interval negligible (1,000 to 10,000 are usual).
const MaxResamples = 100_000

// maxBootstrapN bounds n in Bootstrap and BootstrapMetrics: there is no input slice to
// compare n with, and every concurrent resample allocates n indices.
const maxBootstrapN = 100_000_000

func checkLen(what string, n1 int, name2 string, n2 int) error {
	if n1 == 0 {
		return fmt.Errorf("%w: %s is empty; pass at least one example", ErrEmpty, what)
	}
	if n1 != n2 {
		return fmt.Errorf("eval: length mismatch: %d %s but %d %s; pass one %s per %s",
			n1, what, n2, name2, singular(name2), singular(what))
	}
	return nil
}

func singular(s string) string {
	if strings.HasSuffix(s, "ies") {
		return s[:len(s)-3] + "y" // probabilities → probability
	}
	if len(s) > 1 && s[len(s)-1] == 's' {
		return s[:len(s)-1]
	}
	return s
}

// checkBinaryLabels verifies every label is 0 or 1 and returns the number of positives.
func checkBinaryLabels(labels []int) (pos int, err error) {
	for i, y := range labels {
		switch y {
		case 0:
		case 1:
			pos++
		default:
			return 0, fmt.Errorf("eval: label %d at index %d is not 0 or 1; binary metrics expect 0 (negative) or 1 (positive) — for multi-class data use MacroAUC or Classify", y, i)
		}
	}
	return pos, nil
}

// checkClassIndices verifies that every value of xs is a class index in 0..k-1 before
// anything is sized or indexed by it. what is the singular noun ("label", "prediction")
// and why says where k comes from.
func checkClassIndices(what string, xs []int, k int, why string) error {
	for i, v := range xs {
		if v < 0 || v >= k {
			return fmt.Errorf("eval: %s %d at index %d is out of range: %ss must be class indices 0..%d (%s); map raw codes to indices first, e.g. with the dataset's class list",
				what, v, i, what, k-1, why)
		}
	}
	return nil
}

func checkFinite(what string, xs []float64) error {
	for i, x := range xs {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return fmt.Errorf("eval: %s at index %d is %v; remove or impute non-finite values first", singular(what), i, x)
		}
	}
	return nil
}

func checkProbabilities(what string, ps []float64) error {
	for i, p := range ps {
		if math.IsNaN(p) || p < 0 || p > 1 {
			return fmt.Errorf("eval: %s at index %d is %v, outside [0, 1]; pass probabilities (apply a sigmoid or softmax to logits first)", singular(what), i, p)
		}
	}
	return nil
}

// checkBinary validates labels and scores for binary ranking metrics and returns the
// number of positives.
func checkBinary(labels []int, scores []float64) (pos int, err error) {
	if err := checkLen("labels", len(labels), "scores", len(scores)); err != nil {
		return 0, err
	}
	if pos, err = checkBinaryLabels(labels); err != nil {
		return 0, err
	}
	if err := checkFinite("scores", scores); err != nil {
		return 0, err
	}
	return pos, nil
}

// checkMulti validates class labels against a matrix of per-class probabilities and
// returns the number of classes.
func checkMulti(labels []int, probs [][]float64) (int, error) {
	if err := checkLen("labels", len(labels), "probability rows", len(probs)); err != nil {
		return 0, err
	}
	k := len(probs[0])
	if k < 2 {
		return 0, fmt.Errorf("eval: probability row 0 has %d values; pass one probability per class (at least 2)", k)
	}
	for i, row := range probs {
		if len(row) != k {
			return 0, fmt.Errorf("eval: probability row %d has %d values but row 0 has %d; every row needs one value per class", i, len(row), k)
		}
		for j, p := range row {
			if math.IsNaN(p) || p < 0 || p > 1 {
				return 0, fmt.Errorf("eval: probability [%d][%d] is %v, outside [0, 1]; pass probabilities (apply softmax to logits first)", i, j, p)
			}
		}
	}
	if err := checkClassIndices("label", labels, k, fmt.Sprintf("one per probability column; probs has %d columns", k)); err != nil {
		return 0, err
	}
	return k, nil
}

// safeDiv returns a/b, or NaN when b is 0.
func safeDiv(a, b float64) float64 {
	if b == 0 {
		return math.NaN()
	}
	return a / b
}
