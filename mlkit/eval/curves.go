// SPDX-License-Identifier: Apache-2.0

package eval

import (
	"cmp"
	"fmt"
	"math"
	"slices"
)

// ROCCurve is a receiver operating characteristic curve.
//
// Points are ordered by decreasing threshold: point i counts an example positive when its
// score is >= Thresholds[i]. The first point is (0, 0) with threshold +Inf and the last
// is (1, 1); there is one point per distinct score, so tied scores move the curve
// diagonally.
type ROCCurve struct {
	Label      string    // what the curve is about, e.g. the positive class name
	FPR        []float64 // false positive rate, 1 - specificity
	TPR        []float64 // true positive rate, sensitivity
	Thresholds []float64
	AUC        float64 // area under the curve (trapezoid rule)
	Positives  int
	Negatives  int
}

// PRCurve is a precision–recall curve.
//
// Points are ordered by decreasing threshold: the first is (recall 0, precision 1) with
// threshold +Inf, then one point per distinct score. AP is the step-wise average
// precision, the sum over points of (R[i]-R[i-1])·P[i], as in scikit-learn (no
// interpolation).
type PRCurve struct {
	Label      string
	Precision  []float64
	Recall     []float64
	Thresholds []float64
	AP         float64
	Positives  int
	Negatives  int
}

// Prevalence is the fraction of positive examples: the precision of a random ranking,
// the baseline of the PR curve.
func (c *PRCurve) Prevalence() float64 {
	return safeDiv(float64(c.Positives), float64(c.Positives+c.Negatives))
}

// rankCounts holds cumulative true and false positives at each distinct threshold,
// in decreasing score order.
type rankCounts struct {
	thresholds []float64
	tps, fps   []int
	pos, neg   int
}

// countByThreshold sorts the examples by decreasing score and accumulates true and
// false positives at each distinct score.
func countByThreshold(labels []int, scores []float64) rankCounts {
	return accumulate(sortedByScore(scores), labels, scores, nil)
}

// sortedByScore returns the example indices ordered by decreasing score.
func sortedByScore(scores []float64) []int {
	order := make([]int, len(scores))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return cmp.Compare(scores[b], scores[a]) })
	return order
}

// accumulate walks examples in order (decreasing score) and records cumulative true and
// false positives at each distinct score. Example i counts w[i] times (once when w is
// nil), which is how bootstrap resamples are evaluated without re-sorting.
func accumulate(order []int, labels []int, scores []float64, w []int) rankCounts {
	var rc rankCounts
	tp, fp, prevTP, prevFP := 0, 0, 0, 0
	for i, j := range order {
		c := 1
		if w != nil {
			c = w[j]
		}
		if labels[j] == 1 {
			tp += c
		} else {
			fp += c
		}
		if i+1 < len(order) && scores[order[i+1]] == scores[j] {
			continue
		}
		if tp == prevTP && fp == prevFP {
			continue // only examples of weight 0 at this score
		}
		prevTP, prevFP = tp, fp
		rc.thresholds = append(rc.thresholds, scores[j])
		rc.tps = append(rc.tps, tp)
		rc.fps = append(rc.fps, fp)
	}
	rc.pos, rc.neg = tp, fp
	return rc
}

func (rc rankCounts) auc() float64 {
	area := 0.0
	prevTP, prevFP := 0, 0
	for i := range rc.tps {
		// Trapezoid in count units; normalised once at the end.
		area += float64(rc.fps[i]-prevFP) * float64(rc.tps[i]+prevTP) / 2
		prevTP, prevFP = rc.tps[i], rc.fps[i]
	}
	return area / (float64(rc.pos) * float64(rc.neg))
}

func (rc rankCounts) ap() float64 {
	ap := 0.0
	prevTP := 0
	for i := range rc.tps {
		if rc.tps[i] == prevTP {
			continue
		}
		precision := float64(rc.tps[i]) / float64(rc.tps[i]+rc.fps[i])
		ap += float64(rc.tps[i]-prevTP) / float64(rc.pos) * precision
		prevTP = rc.tps[i]
	}
	return ap
}

func undefinedAUC(pos, neg int) error {
	if pos == 0 {
		return fmt.Errorf("%w: AUC needs both classes but all %d labels are 0 (negative); evaluate on data that contains positives", ErrUndefined, neg)
	}
	return fmt.Errorf("%w: AUC needs both classes but all %d labels are 1 (positive); evaluate on data that contains negatives", ErrUndefined, pos)
}

// ROC computes the ROC curve of binary labels (0/1) against scores (higher means more
// likely positive). It returns an error wrapping ErrUndefined when only one class is present.
func ROC(labels []int, scores []float64) (*ROCCurve, error) {
	pos, err := checkBinary(labels, scores)
	if err != nil {
		return nil, err
	}
	neg := len(labels) - pos
	if pos == 0 || neg == 0 {
		return nil, undefinedAUC(pos, neg)
	}
	rc := countByThreshold(labels, scores)
	c := &ROCCurve{
		FPR:        make([]float64, 0, len(rc.tps)+1),
		TPR:        make([]float64, 0, len(rc.tps)+1),
		Thresholds: make([]float64, 0, len(rc.tps)+1),
		AUC:        rc.auc(),
		Positives:  pos,
		Negatives:  neg,
	}
	c.FPR = append(c.FPR, 0)
	c.TPR = append(c.TPR, 0)
	c.Thresholds = append(c.Thresholds, math.Inf(1))
	for i := range rc.tps {
		c.FPR = append(c.FPR, float64(rc.fps[i])/float64(neg))
		c.TPR = append(c.TPR, float64(rc.tps[i])/float64(pos))
		c.Thresholds = append(c.Thresholds, rc.thresholds[i])
	}
	return c, nil
}

// AUC is the area under the ROC curve: the probability that a random positive scores
// higher than a random negative, ties counting one half (the Mann–Whitney U statistic
// divided by positives × negatives). All-equal scores give 0.5. It returns an error
// wrapping ErrUndefined when only one class is present.
func AUC(labels []int, scores []float64) (float64, error) {
	pos, err := checkBinary(labels, scores)
	if err != nil {
		return math.NaN(), err
	}
	if pos == 0 || pos == len(labels) {
		return math.NaN(), undefinedAUC(pos, len(labels)-pos)
	}
	return countByThreshold(labels, scores).auc(), nil
}

// PR computes the precision–recall curve of binary labels (0/1) against scores. It
// returns an error wrapping ErrUndefined when there are no positives (recall is then
// undefined).
func PR(labels []int, scores []float64) (*PRCurve, error) {
	pos, err := checkBinary(labels, scores)
	if err != nil {
		return nil, err
	}
	if pos == 0 {
		return nil, fmt.Errorf("%w: precision–recall needs positives but all %d labels are 0; evaluate on data that contains positives", ErrUndefined, len(labels))
	}
	rc := countByThreshold(labels, scores)
	c := &PRCurve{
		Precision:  []float64{1},
		Recall:     []float64{0},
		Thresholds: []float64{math.Inf(1)},
		AP:         rc.ap(),
		Positives:  pos,
		Negatives:  len(labels) - pos,
	}
	for i := range rc.tps {
		c.Precision = append(c.Precision, float64(rc.tps[i])/float64(rc.tps[i]+rc.fps[i]))
		c.Recall = append(c.Recall, float64(rc.tps[i])/float64(pos))
		c.Thresholds = append(c.Thresholds, rc.thresholds[i])
	}
	return c, nil
}

// AveragePrecision is the step-wise area under the precision–recall curve:
// Σ (R[i]-R[i-1])·P[i] over distinct thresholds, without interpolation. It returns an
// error wrapping ErrUndefined when there are no positives.
func AveragePrecision(labels []int, scores []float64) (float64, error) {
	pos, err := checkBinary(labels, scores)
	if err != nil {
		return math.NaN(), err
	}
	if pos == 0 {
		return math.NaN(), fmt.Errorf("%w: average precision needs positives but all %d labels are 0; evaluate on data that contains positives", ErrUndefined, len(labels))
	}
	return countByThreshold(labels, scores).ap(), nil
}

// oneVsRest returns binary labels (1 for class k) and the scores of column k.
func oneVsRest(labels []int, probs [][]float64, k int) ([]int, []float64) {
	bl := make([]int, len(labels))
	sc := make([]float64, len(labels))
	for i, y := range labels {
		if y == k {
			bl[i] = 1
		}
		sc[i] = probs[i][k]
	}
	return bl, sc
}

// MacroAUC is the one-vs-rest multi-class AUC: the unweighted mean over classes of the
// AUC of "class k" against "any other class", scored by probs[i][k]. Every class must
// occur in labels (and not be the only one); otherwise the error names the class.
func MacroAUC(labels []int, probs [][]float64) (float64, error) {
	k, err := checkMulti(labels, probs)
	if err != nil {
		return math.NaN(), err
	}
	sum := 0.0
	for c := range k {
		bl, sc := oneVsRest(labels, probs, c)
		a, err := AUC(bl, sc)
		if err != nil {
			return math.NaN(), fmt.Errorf("eval: one-vs-rest AUC of class %d: %w", c, err)
		}
		sum += a
	}
	return sum / float64(k), nil
}

// MacroAveragePrecision is the unweighted mean over classes of the one-vs-rest average
// precision. Every class must occur in labels.
func MacroAveragePrecision(labels []int, probs [][]float64) (float64, error) {
	k, err := checkMulti(labels, probs)
	if err != nil {
		return math.NaN(), err
	}
	sum := 0.0
	for c := range k {
		bl, sc := oneVsRest(labels, probs, c)
		a, err := AveragePrecision(bl, sc)
		if err != nil {
			return math.NaN(), fmt.Errorf("eval: one-vs-rest average precision of class %d: %w", c, err)
		}
		sum += a
	}
	return sum / float64(k), nil
}
