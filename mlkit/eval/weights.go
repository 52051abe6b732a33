// SPDX-License-Identifier: Apache-2.0

package eval

import (
	"fmt"
	"math"
)

// Sample weights let one example count more than another: inverse-probability weights
// for a study sample that over-represents cases, weights that undo a case–control
// design, or frequency weights for deduplicated records. They follow scikit-learn's
// sample_weight: non-negative, and a metric is the weighted version of its unweighted
// formula (a weight of 2 is the same as the example appearing twice).

// checkWeights accepts nil (unweighted) or one finite, non-negative weight per example
// with a positive total.
func checkWeights(weights []float64, n int) error {
	if weights == nil {
		return nil
	}
	if len(weights) != n {
		return fmt.Errorf("eval: length mismatch: %d weights but %d labels; pass one weight per example, or nil for unweighted", len(weights), n)
	}
	total := 0.0
	for i, w := range weights {
		if math.IsNaN(w) || math.IsInf(w, 0) || w < 0 {
			return fmt.Errorf("eval: weight at index %d is %v; sample weights must be finite and >= 0", i, w)
		}
		total += w
	}
	if total == 0 {
		return fmt.Errorf("%w: all %d sample weights are 0; at least one example must count", ErrUndefined, n)
	}
	return nil
}

// weight returns the weight of example i, 1 when unweighted.
func weight(weights []float64, i int) float64 {
	if weights == nil {
		return 1
	}
	return weights[i]
}

// weightedMean is Σ wᵢ·f(i) / Σ wᵢ over n examples. An example of weight 0 is skipped
// rather than multiplied, so that its loss, however large, cannot turn into NaN.
func weightedMean(n int, weights []float64, f func(i int) float64) float64 {
	var sum, total float64
	for i := range n {
		w := weight(weights, i)
		if w == 0 {
			continue
		}
		sum += w * f(i)
		total += w
	}
	return sum / total
}

// SampleWeightedAccuracy is the weighted fraction of correct predictions,
// Σ wᵢ·[labels[i] = preds[i]] / Σ wᵢ, as sklearn's accuracy_score with sample_weight.
// nil weights give Accuracy.
func SampleWeightedAccuracy(labels, preds []int, weights []float64) (float64, error) {
	if err := checkLen("labels", len(labels), "predictions", len(preds)); err != nil {
		return math.NaN(), err
	}
	if err := checkWeights(weights, len(labels)); err != nil {
		return math.NaN(), err
	}
	return weightedMean(len(labels), weights, func(i int) float64 {
		if labels[i] == preds[i] {
			return 1
		}
		return 0
	}), nil
}

// SampleWeightedBrier is the weighted Brier score, Σ wᵢ·(pᵢ - yᵢ)² / Σ wᵢ, as sklearn's
// brier_score_loss with sample_weight. nil weights give Brier.
func SampleWeightedBrier(labels []int, probs, weights []float64) (float64, error) {
	if _, err := checkBinary(labels, probs); err != nil {
		return math.NaN(), err
	}
	if err := checkProbabilities("probabilities", probs); err != nil {
		return math.NaN(), err
	}
	if err := checkWeights(weights, len(labels)); err != nil {
		return math.NaN(), err
	}
	return weightedMean(len(labels), weights, func(i int) float64 {
		d := probs[i] - float64(labels[i])
		return d * d
	}), nil
}
