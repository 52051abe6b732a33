// SPDX-License-Identifier: Apache-2.0

package eval

import (
	"fmt"
	"math"
)

// LogLossEpsilon is where LogLoss clips probabilities: into [ε, 1-ε] with ε the float64
// machine epsilon (2.22e-16), as scikit-learn 1.2's log_loss does with its default
// eps="auto". A confident wrong prediction (probability 0 for the true class) then costs
// -log(ε) ≈ 36.04 instead of +Inf, so one such example does not make the mean infinite,
// yet still dominates it, as it should.
const LogLossEpsilon = 0x1p-52

func clipProb(p float64) float64 { return min(max(p, LogLossEpsilon), 1-LogLossEpsilon) }

// LogLoss is the binary cross-entropy of the 0/1 labels under the predicted
// probabilities of class 1: the mean of -log(p) over positives and -log(1-p) over
// negatives, in nats. Lower is better; 0.693 (log 2) is what always predicting 0.5 scores.
//
// Probabilities are clipped into [LogLossEpsilon, 1-LogLossEpsilon] and the pair (1-p, p)
// is renormalised afterwards, exactly as scikit-learn 1.2 does, so the values agree with
// sklearn.metrics.log_loss. Unlike scikit-learn, one-class labels are not an error: the
// classes of a binary problem are known to be 0 and 1 (scikit-learn needs labels=[0, 1]
// to know it, and then gives the same value).
func LogLoss(labels []int, probs []float64) (float64, error) {
	return SampleWeightedLogLoss(labels, probs, nil)
}

// SampleWeightedLogLoss is LogLoss with one non-negative weight per example: the
// weighted mean Σ wᵢ·lossᵢ / Σ wᵢ (sklearn's sample_weight). nil weights give LogLoss.
func SampleWeightedLogLoss(labels []int, probs, weights []float64) (float64, error) {
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
		p := clipProb(probs[i])
		q := 1 - p
		if labels[i] == 1 {
			return -math.Log(p / (p + q))
		}
		return -math.Log(q / (p + q))
	}), nil
}

// MultiClassLogLoss is the multi-class cross-entropy: the mean over examples of
// -log probs[i][labels[i]], in nats. Each probability is clipped into
// [LogLossEpsilon, 1-LogLossEpsilon] and each row then renormalised to sum to 1, as in
// scikit-learn 1.2 (with labels=range(k), since here the classes are the columns).
//
// Rows must sum to 1 within 1e-3, as Classify requires: scikit-learn 1.2 silently
// renormalises any row, but a row that is far from 1 usually means per-class sigmoids or
// logits were passed where a softmax was meant, and renormalising would hide that.
func MultiClassLogLoss(labels []int, probs [][]float64) (float64, error) {
	return SampleWeightedMultiClassLogLoss(labels, probs, nil)
}

// SampleWeightedMultiClassLogLoss is MultiClassLogLoss with one non-negative weight per
// example (nil: unweighted).
func SampleWeightedMultiClassLogLoss(labels []int, probs [][]float64, weights []float64) (float64, error) {
	if _, err := checkMulti(labels, probs); err != nil {
		return math.NaN(), err
	}
	if i, s, off := rowSumOff(probs); off {
		return math.NaN(), fmt.Errorf("eval: probability row %d sums to %v, not 1; log loss needs a distribution per example (apply softmax to logits first)", i, s)
	}
	if err := checkWeights(weights, len(labels)); err != nil {
		return math.NaN(), err
	}
	return weightedMean(len(labels), weights, func(i int) float64 {
		sum := 0.0
		for _, p := range probs[i] {
			sum += clipProb(p)
		}
		return -math.Log(clipProb(probs[i][labels[i]]) / sum)
	}), nil
}
