package eval

import (
	"errors"
	"fmt"
	"math"
)

// ErrEmpty is returned (wrapped) when a metric gets no examples.
var ErrEmpty = errors.New("eval: no examples")

// ErrUndefined is returned (wrapped) when a metric is undefined for the given data,
// for instance an AUC when all labels belong to one class.
var ErrUndefined = errors.New("eval: metric undefined")

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
	for i, y := range labels {
		if y < 0 || y >= k {
			return 0, fmt.Errorf("eval: label %d at index %d is out of range; with %d probability columns labels must be in 0..%d", y, i, k, k-1)
		}
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
