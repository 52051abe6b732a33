// SPDX-License-Identifier: Apache-2.0

package eval

import (
	"fmt"
	"math"
)

// OperatingPoint is the performance of a binary classifier at one decision threshold:
// an example is called positive when its score is >= Threshold.
type OperatingPoint struct {
	Threshold   float64
	Sensitivity float64 // TP/(TP+FN)
	Specificity float64 // TN/(TN+FP)
	PPV         float64 // positive predictive value, TP/(TP+FP); NaN when nothing is called positive
	NPV         float64 // negative predictive value, TN/(TN+FN); NaN when nothing is called negative
	TP, FP      int
	TN, FN      int
}

func (o OperatingPoint) String() string {
	return fmt.Sprintf("threshold %s: sensitivity %s, specificity %s, PPV %s, NPV %s (TP %d, FP %d, TN %d, FN %d)",
		fmtFloat(o.Threshold), fmtFloat(o.Sensitivity), fmtFloat(o.Specificity), fmtFloat(o.PPV), fmtFloat(o.NPV),
		o.TP, o.FP, o.TN, o.FN)
}

func newOperatingPoint(threshold float64, tp, fp, pos, neg int) OperatingPoint {
	fn, tn := pos-tp, neg-fp
	return OperatingPoint{
		Threshold:   threshold,
		Sensitivity: safeDiv(float64(tp), float64(pos)),
		Specificity: safeDiv(float64(tn), float64(neg)),
		PPV:         safeDiv(float64(tp), float64(tp+fp)),
		NPV:         safeDiv(float64(tn), float64(tn+fn)),
		TP:          tp, FP: fp, TN: tn, FN: fn,
	}
}

// AtThreshold evaluates binary labels (0/1) and scores at a fixed threshold.
func AtThreshold(labels []int, scores []float64, threshold float64) (OperatingPoint, error) {
	pos, err := checkBinary(labels, scores)
	if err != nil {
		return OperatingPoint{}, err
	}
	if math.IsNaN(threshold) {
		return OperatingPoint{}, fmt.Errorf("eval: threshold is NaN; pass a number (e.g. 0.5 for probabilities)")
	}
	tp, fp := 0, 0
	for i, s := range scores {
		if s >= threshold {
			if labels[i] == 1 {
				tp++
			} else {
				fp++
			}
		}
	}
	return newOperatingPoint(threshold, tp, fp, pos, len(labels)-pos), nil
}

func checkTarget(what string, target float64) error {
	if !(target > 0 && target <= 1) {
		return fmt.Errorf("eval: target %s %v is not in (0, 1]; pass e.g. 0.95", what, target)
	}
	return nil
}

// ThresholdForSensitivity returns the highest threshold whose sensitivity reaches target
// (e.g. 0.95), which gives the best specificity among the thresholds that do, with the
// sensitivity and specificity achieved on these data. Candidate thresholds are the
// distinct scores. It needs at least one positive.
func ThresholdForSensitivity(labels []int, scores []float64, target float64) (OperatingPoint, error) {
	if err := checkTarget("sensitivity", target); err != nil {
		return OperatingPoint{}, err
	}
	pos, err := checkBinary(labels, scores)
	if err != nil {
		return OperatingPoint{}, err
	}
	if pos == 0 {
		return OperatingPoint{}, fmt.Errorf("%w: sensitivity needs positives but all %d labels are 0", ErrUndefined, len(labels))
	}
	rc := countByThreshold(labels, scores)
	for i := range rc.tps {
		// Compare counts, not ratios, so that e.g. 19/20 meets 0.95 exactly.
		if float64(rc.tps[i]) >= target*float64(pos)-1e-9 {
			return newOperatingPoint(rc.thresholds[i], rc.tps[i], rc.fps[i], pos, rc.neg), nil
		}
	}
	last := len(rc.tps) - 1 // unreachable: the lowest threshold has sensitivity 1
	return newOperatingPoint(rc.thresholds[last], rc.tps[last], rc.fps[last], pos, rc.neg), nil
}

// ThresholdForSpecificity returns the lowest threshold whose specificity reaches target,
// which gives the best sensitivity among the thresholds that do. When only calling
// nothing positive reaches the target, the threshold is just above the highest score.
// It needs at least one negative.
func ThresholdForSpecificity(labels []int, scores []float64, target float64) (OperatingPoint, error) {
	if err := checkTarget("specificity", target); err != nil {
		return OperatingPoint{}, err
	}
	pos, err := checkBinary(labels, scores)
	if err != nil {
		return OperatingPoint{}, err
	}
	neg := len(labels) - pos
	if neg == 0 {
		return OperatingPoint{}, fmt.Errorf("%w: specificity needs negatives but all %d labels are 1", ErrUndefined, len(labels))
	}
	rc := countByThreshold(labels, scores)
	best := newOperatingPoint(math.Nextafter(rc.thresholds[0], math.Inf(1)), 0, 0, pos, neg)
	for i := range rc.tps {
		if float64(neg-rc.fps[i]) < target*float64(neg)-1e-9 {
			break
		}
		best = newOperatingPoint(rc.thresholds[i], rc.tps[i], rc.fps[i], pos, neg)
	}
	return best, nil
}

// YoudenThreshold returns the threshold maximising Youden's J = sensitivity +
// specificity - 1 (the highest such threshold on ties). It needs both classes.
func YoudenThreshold(labels []int, scores []float64) (OperatingPoint, error) {
	pos, err := checkBinary(labels, scores)
	if err != nil {
		return OperatingPoint{}, err
	}
	neg := len(labels) - pos
	if pos == 0 || neg == 0 {
		return OperatingPoint{}, fmt.Errorf("%w: Youden's J needs both classes (%d positives, %d negatives)", ErrUndefined, pos, neg)
	}
	rc := countByThreshold(labels, scores)
	var best OperatingPoint
	bestJ := math.Inf(-1)
	for i := range rc.tps {
		op := newOperatingPoint(rc.thresholds[i], rc.tps[i], rc.fps[i], pos, neg)
		if j := op.Sensitivity + op.Specificity - 1; j > bestJ+1e-12 {
			best, bestJ = op, j
		}
	}
	return best, nil
}
