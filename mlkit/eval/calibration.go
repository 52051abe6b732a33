// SPDX-License-Identifier: Apache-2.0

package eval

import (
	"fmt"
	"math"
)

// ReliabilityCurve compares predicted probabilities with observed frequencies in
// equal-width bins over [0, 1].
//
// Bin b covers [Edges[b], Edges[b+1]); the last bin also includes 1. Empty bins have
// Count 0 and NaN means.
type ReliabilityCurve struct {
	Label         string
	Edges         []float64 // Bins()+1 edges, 0 to 1
	Count         []int     // examples per bin
	MeanPredicted []float64 // mean predicted probability (confidence) per bin
	Observed      []float64 // fraction of positives (or of correct predictions, for top-label curves) per bin
	ECE           float64   // expected calibration error: Σ_b (Count_b/N)·|Observed_b - MeanPredicted_b|
	MCE           float64   // maximum calibration error over non-empty bins
}

// Bins returns the number of bins.
func (c *ReliabilityCurve) Bins() int { return len(c.Count) }

func binOf(p float64, edges []float64) int {
	// Number of inner edges <= p: bins are closed on the left.
	n := len(edges) - 1
	b := int(p * float64(n))
	b = min(max(b, 0), n-1)
	for b > 0 && p < edges[b] {
		b--
	}
	for b < n-1 && p >= edges[b+1] {
		b++
	}
	return b
}

func newReliability(conf []float64, hit []bool, bins int) *ReliabilityCurve {
	c := &ReliabilityCurve{
		Edges:         make([]float64, bins+1),
		Count:         make([]int, bins),
		MeanPredicted: make([]float64, bins),
		Observed:      make([]float64, bins),
	}
	for i := range c.Edges {
		c.Edges[i] = float64(i) / float64(bins)
	}
	for i, p := range conf {
		b := binOf(p, c.Edges)
		c.Count[b]++
		c.MeanPredicted[b] += p
		if hit[i] {
			c.Observed[b]++
		}
	}
	n := float64(len(conf))
	for b := range bins {
		if c.Count[b] == 0 {
			c.MeanPredicted[b], c.Observed[b] = math.NaN(), math.NaN()
			continue
		}
		cnt := float64(c.Count[b])
		c.MeanPredicted[b] /= cnt
		c.Observed[b] /= cnt
		gap := math.Abs(c.Observed[b] - c.MeanPredicted[b])
		c.ECE += cnt / n * gap
		c.MCE = max(c.MCE, gap)
	}
	return c
}

// checkBins runs before any bin slice is made, so a mistyped count (1<<40) is an error
// rather than an out-of-memory crash.
func checkBins(bins int) error {
	if bins < 1 || bins > MaxBins {
		return fmt.Errorf("eval: bins is %d: the number of calibration bins must be in 1..%d (MaxBins); pass e.g. 10", bins, MaxBins)
	}
	return nil
}

// Reliability computes the reliability curve of binary labels (0/1) against predicted
// probabilities of the positive class, with the given number of equal-width bins
// (1..MaxBins).
func Reliability(labels []int, probs []float64, bins int) (*ReliabilityCurve, error) {
	if err := checkBins(bins); err != nil {
		return nil, err
	}
	if _, err := checkBinary(labels, probs); err != nil {
		return nil, err
	}
	if err := checkProbabilities("probabilities", probs); err != nil {
		return nil, err
	}
	hit := make([]bool, len(labels))
	for i, y := range labels {
		hit[i] = y == 1
	}
	return newReliability(probs, hit, bins), nil
}

// TopLabelReliability computes the multi-class reliability curve of the top label: the
// confidence of each example is its largest probability, and Observed is the fraction of
// examples whose arg-max class is correct. Labels must be in 0..len(probs[i])-1 and bins
// in 1..MaxBins.
func TopLabelReliability(labels []int, probs [][]float64, bins int) (*ReliabilityCurve, error) {
	if err := checkBins(bins); err != nil {
		return nil, err
	}
	if _, err := checkMulti(labels, probs); err != nil {
		return nil, err
	}
	conf := make([]float64, len(labels))
	hit := make([]bool, len(labels))
	for i, row := range probs {
		k := argmax(row)
		conf[i] = row[k]
		hit[i] = k == labels[i]
	}
	return newReliability(conf, hit, bins), nil
}

// ECE is the expected calibration error of binary probabilities with equal-width bins:
// Σ_b (n_b/N)·|fraction positive_b - mean probability_b|. bins must be in 1..MaxBins.
func ECE(labels []int, probs []float64, bins int) (float64, error) {
	c, err := Reliability(labels, probs, bins)
	if err != nil {
		return math.NaN(), err
	}
	return c.ECE, nil
}

// Brier is the mean squared difference between the predicted probability of the
// positive class and the 0/1 label.
func Brier(labels []int, probs []float64) (float64, error) {
	if _, err := checkBinary(labels, probs); err != nil {
		return math.NaN(), err
	}
	if err := checkProbabilities("probabilities", probs); err != nil {
		return math.NaN(), err
	}
	s := 0.0
	for i, y := range labels {
		d := probs[i] - float64(y)
		s += d * d
	}
	return s / float64(len(labels)), nil
}

// MultiClassBrier is the multi-class Brier score: the mean over examples of
// Σ_k (probs[i][k] - [labels[i] = k])². It ranges from 0 to 2; for two classes it is twice
// the binary Brier score.
func MultiClassBrier(labels []int, probs [][]float64) (float64, error) {
	if _, err := checkMulti(labels, probs); err != nil {
		return math.NaN(), err
	}
	s := 0.0
	for i, row := range probs {
		for k, p := range row {
			if k == labels[i] {
				p -= 1
			}
			s += p * p
		}
	}
	return s / float64(len(labels)), nil
}

func argmax(row []float64) int {
	best := 0
	for k, v := range row {
		if v > row[best] {
			best = k
		}
	}
	return best
}
