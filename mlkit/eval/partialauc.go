// SPDX-License-Identifier: Apache-2.0

package eval

import (
	"fmt"
	"math"
	"sort"
)

// weightedROC returns the ROC points (from (0, 0), one per distinct score, in decreasing
// score order) with each example counting its weight, and the weighted totals of
// positives and negatives. Tied scores are one point, so ties move the curve diagonally
// and count one half in the area, as in AUC.
func weightedROC(labels []int, scores, weights []float64) (fpr, tpr []float64, pos, neg float64) {
	order := sortedByScore(scores)
	fps := []float64{0}
	tps := []float64{0}
	var tp, fp float64
	for i, j := range order {
		if labels[j] == 1 {
			tp += weight(weights, j)
		} else {
			fp += weight(weights, j)
		}
		if i+1 < len(order) && scores[order[i+1]] == scores[j] {
			continue
		}
		tps = append(tps, tp)
		fps = append(fps, fp)
	}
	fpr = make([]float64, len(fps))
	tpr = make([]float64, len(tps))
	for i := range fps {
		fpr[i], tpr[i] = fps[i]/fp, tps[i]/tp
	}
	return fpr, tpr, tp, fp
}

func trapezoid(x, y []float64) float64 {
	a := 0.0
	for i := 1; i < len(x); i++ {
		a += (x[i] - x[i-1]) * (y[i] + y[i-1]) / 2
	}
	return a
}

// checkWeightedRanking validates a weighted binary ranking metric's input and reports
// a class whose total weight is zero as undefined.
func checkWeightedRanking(labels []int, scores, weights []float64) error {
	if _, err := checkBinary(labels, scores); err != nil {
		return err
	}
	if err := checkWeights(weights, len(labels)); err != nil {
		return err
	}
	var pos, neg float64
	for i, y := range labels {
		if y == 1 {
			pos += weight(weights, i)
		} else {
			neg += weight(weights, i)
		}
	}
	switch {
	case pos == 0 && neg == 0:
		return fmt.Errorf("%w: all weights are 0", ErrUndefined)
	case pos == 0:
		return fmt.Errorf("%w: AUC needs both classes but the positives (label 1) have total weight 0; evaluate on data that contains weighted positives", ErrUndefined)
	case neg == 0:
		return fmt.Errorf("%w: AUC needs both classes but the negatives (label 0) have total weight 0; evaluate on data that contains weighted negatives", ErrUndefined)
	}
	return nil
}

// SampleWeightedAUC is the area under the ROC curve with one non-negative weight per
// example: the weighted probability that a positive scores above a negative, ties
// counting one half, as sklearn's roc_auc_score with sample_weight. nil weights give AUC.
// A class with total weight 0 is an error wrapping ErrUndefined.
func SampleWeightedAUC(labels []int, scores, weights []float64) (float64, error) {
	if err := checkWeightedRanking(labels, scores, weights); err != nil {
		return math.NaN(), err
	}
	fpr, tpr, _, _ := weightedROC(labels, scores, weights)
	return trapezoid(fpr, tpr), nil
}

// PartialAUC is the area under the ROC curve for false-positive rates 0..maxFPR only,
// the high-specificity region that matters when false alarms are costly (screening),
// standardised by McClish's correction (McClish, Med Decis Making 1989):
//
//	0.5 · (1 + (A - maxFPR²/2) / (maxFPR - maxFPR²/2))
//
// where A is the raw partial area. The standardised value is 0.5 for a chance-level
// curve and 1 for a perfect one whatever maxFPR is, so it reads like an AUC; the raw area
// A would range from maxFPR²/2 to maxFPR. It is what scikit-learn's
// roc_auc_score(max_fpr=...) returns: the curve is cut at maxFPR by linear interpolation
// between the two points around it. maxFPR must be in (0, 1]; maxFPR = 1 gives AUC.
// One class only is an error wrapping ErrUndefined.
//
// A curve worse than chance inside the region can standardise below 0.5 (and, for a
// curve below the diagonal, below 0); the value is returned as computed.
func PartialAUC(labels []int, scores []float64, maxFPR float64) (float64, error) {
	return SampleWeightedPartialAUC(labels, scores, nil, maxFPR)
}

// SampleWeightedPartialAUC is PartialAUC with one non-negative weight per example
// (nil: unweighted).
func SampleWeightedPartialAUC(labels []int, scores, weights []float64, maxFPR float64) (float64, error) {
	if !(maxFPR > 0 && maxFPR <= 1) {
		return math.NaN(), fmt.Errorf("eval: maxFPR is %v; the largest false-positive rate of a partial AUC must be in (0, 1], e.g. 0.1 for specificity of 90%% and above", maxFPR)
	}
	if err := checkWeightedRanking(labels, scores, weights); err != nil {
		return math.NaN(), err
	}
	fpr, tpr, _, _ := weightedROC(labels, scores, weights)
	if maxFPR == 1 {
		return trapezoid(fpr, tpr), nil
	}
	// First point past maxFPR: fpr[0] = 0 < maxFPR and the last fpr is 1 > maxFPR, so
	// 1 <= stop < len(fpr) and the segment [stop-1, stop] straddles maxFPR.
	stop := sort.Search(len(fpr), func(i int) bool { return fpr[i] > maxFPR })
	x0, x1, y0, y1 := fpr[stop-1], fpr[stop], tpr[stop-1], tpr[stop]
	yCut := y0 + (y1-y0)*(maxFPR-x0)/(x1-x0)
	area := trapezoid(fpr[:stop], tpr[:stop]) + (maxFPR-x0)*(y0+yCut)/2
	minArea := maxFPR * maxFPR / 2
	return 0.5 * (1 + (area-minArea)/(maxFPR-minArea)), nil
}
