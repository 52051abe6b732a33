// SPDX-License-Identifier: Apache-2.0

package eval

import (
	"fmt"
	"math"
	"slices"
)

// maxDecisionThresholds bounds the grids ThresholdGrid builds: it sizes a slice from
// user values, so a mistyped step is an error rather than a huge allocation.
const maxDecisionThresholds = 100_000

// DecisionCurve is the decision curve of a binary classifier (Vickers & Elkin, 2006): the
// net benefit of treating the examples whose predicted risk is at or above a threshold
// probability pt, for each pt in Thresholds,
//
//	NB(pt) = TP/n − FP/n · pt/(1 − pt)
//
// where pt/(1 − pt) is the harm of an unnecessary treatment relative to the benefit of a
// necessary one that a clinician choosing the threshold pt implies. The model is useful
// at pt when its net benefit is above both TreatAll and TreatNone.
type DecisionCurve struct {
	Label      string    // what the curve is about, e.g. the model name
	Thresholds []float64 // threshold probabilities pt, increasing, in (0, 1)
	Model      []float64 // net benefit of treating the examples with probability >= pt
	TreatAll   []float64 // net benefit of treating everyone: prevalence − (1 − prevalence) · pt/(1 − pt)
	TreatNone  []float64 // net benefit of treating no one: 0
	N          int
	Positives  int
}

// Prevalence is the fraction of positive examples, the threshold probability at which
// treating everyone has net benefit 0.
func (c *DecisionCurve) Prevalence() float64 {
	return safeDiv(float64(c.Positives), float64(c.N))
}

// DefaultThresholdGrid returns the threshold probabilities DecisionCurveAnalysis uses when
// given none: 0.01, 0.02, ..., 0.99.
func DefaultThresholdGrid() []float64 {
	g, _ := ThresholdGrid(0.01, 0.99, 0.01)
	return g
}

// ThresholdGrid returns lo, lo+step, ... up to hi (included when it is on the grid, up to
// rounding), for DecisionCurveAnalysis. It needs 0 < lo <= hi < 1 and step > 0, and at
// most 100,000 points. Points are computed as lo + i·step and rounded to 12 decimals,
// so that a grid of 0.01 steps holds 0.07, not 0.07000000000000001.
func ThresholdGrid(lo, hi, step float64) ([]float64, error) {
	if !(lo > 0 && lo <= hi && hi < 1) {
		return nil, fmt.Errorf("eval: threshold range [%v, %v] is not within (0, 1) with lo <= hi; net benefit needs threshold probabilities strictly between 0 and 1, e.g. 0.01 to 0.99", lo, hi)
	}
	if !(step > 0) || math.IsInf(step, 0) {
		return nil, fmt.Errorf("eval: threshold step %v is not a positive number; pass e.g. 0.01", step)
	}
	count := math.Floor((hi-lo)/step+1e-9) + 1
	if count > maxDecisionThresholds {
		return nil, fmt.Errorf("eval: thresholds from %v to %v in steps of %v make %.0f points, more than %d; use a larger step", lo, hi, step, count, maxDecisionThresholds)
	}
	g := make([]float64, int(count))
	for i := range g {
		g[i] = math.Round((lo+float64(i)*step)*1e12) / 1e12
	}
	return g, nil
}

// checkThresholds verifies threshold probabilities for net benefit.
func checkThresholds(pts []float64) error {
	for i, pt := range pts {
		if !(pt > 0 && pt < 1) {
			return fmt.Errorf("eval: threshold probability %v at index %d is not in (0, 1); net benefit weighs false positives by pt/(1−pt), which needs 0 < pt < 1", pt, i)
		}
		if i > 0 && pt <= pts[i-1] {
			return fmt.Errorf("eval: threshold probabilities must increase, but %v at index %d follows %v; sort them and drop duplicates (or use ThresholdGrid)", pt, i, pts[i-1])
		}
	}
	return nil
}

// NetBenefit is the net benefit of treating the examples whose probability is >= pt:
// TP/n − FP/n · pt/(1 − pt) (see DecisionCurve). labels are 0/1, probs the predicted
// probabilities of class 1, and pt must be in (0, 1).
func NetBenefit(labels []int, probs []float64, pt float64) (float64, error) {
	c, err := DecisionCurveAnalysis(labels, probs, []float64{pt})
	if err != nil {
		return math.NaN(), err
	}
	return c.Model[0], nil
}

// DecisionCurveAnalysis computes the net benefit of a binary classifier, of treating
// everyone and of treating no one at each threshold probability in thresholds (which must
// increase, within (0, 1)); nil means DefaultThresholdGrid. An example counts as treated
// at pt when its probability is >= pt, as everywhere in this package.
//
// Net benefit reads probabilities as risks, so it assumes the model is calibrated (see
// Reliability); labels are 0/1 and probs must be probabilities in [0, 1]. Invalid input
// (mismatched lengths, labels other than 0/1, NaN or out-of-range probabilities, bad
// thresholds) is an error.
func DecisionCurveAnalysis(labels []int, probs []float64, thresholds []float64) (*DecisionCurve, error) {
	if err := checkLen("labels", len(labels), "probability values", len(probs)); err != nil {
		return nil, err
	}
	pos, err := checkBinaryLabels(labels)
	if err != nil {
		return nil, err
	}
	if err := checkProbabilities("probability values", probs); err != nil {
		return nil, err
	}
	if thresholds == nil {
		thresholds = DefaultThresholdGrid()
	}
	if len(thresholds) == 0 {
		return nil, fmt.Errorf("eval: no threshold probabilities; pass nil for the default 0.01..0.99 grid, or use ThresholdGrid")
	}
	if err := checkThresholds(thresholds); err != nil {
		return nil, err
	}
	// Probabilities of positives and of negatives, sorted, so that the counts at or above
	// each threshold are binary searches.
	var posP, negP []float64
	for i, y := range labels {
		if y == 1 {
			posP = append(posP, probs[i])
		} else {
			negP = append(negP, probs[i])
		}
	}
	slices.Sort(posP)
	slices.Sort(negP)
	atOrAbove := func(sorted []float64, t float64) int {
		i, _ := slices.BinarySearch(sorted, t) // first index with value >= t
		return len(sorted) - i
	}
	n := float64(len(labels))
	neg := len(labels) - pos
	c := &DecisionCurve{
		Thresholds: slices.Clone(thresholds),
		Model:      make([]float64, len(thresholds)),
		TreatAll:   make([]float64, len(thresholds)),
		TreatNone:  make([]float64, len(thresholds)),
		N:          len(labels),
		Positives:  pos,
	}
	for k, pt := range thresholds {
		odds := pt / (1 - pt)
		tp, fp := atOrAbove(posP, pt), atOrAbove(negP, pt)
		c.Model[k] = (float64(tp) - float64(fp)*odds) / n
		c.TreatAll[k] = (float64(pos) - float64(neg)*odds) / n
	}
	return c, nil
}
