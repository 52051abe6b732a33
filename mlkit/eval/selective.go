// SPDX-License-Identifier: Apache-2.0

package eval

import (
	"fmt"
	"math"
	"sort"
	"strings"
)

// SelectiveCurve is a selective-prediction (referral) curve: how well a model does on the
// cases it keeps when the least certain ones are referred to a clinician.
//
// Point j keeps the Kept[j] most certain cases (Coverage[j] = Kept[j]/n, ascending, ending at
// 1) and refers the rest. Cases of equal uncertainty are kept or referred together, so there is
// one point per distinct uncertainty value. Threshold[j] is the largest uncertainty kept.
type SelectiveCurve struct {
	Coverage  []float64
	Kept      []int
	Threshold []float64
	Accuracy  []float64 // accuracy on the kept cases
	// Sensitivity and Specificity on the kept cases (SelectiveBinary only; nil otherwise):
	// NaN where no positive (negative) case is kept.
	Sensitivity []float64
	Specificity []float64
}

// Selective computes the selective-prediction curve of predictions preds of labels when cases
// are referred in order of decreasing uncertainty (any score where higher means less certain:
// predictive entropy, the spread of Monte-Carlo dropout, 1 − the top probability). At coverage
// 1 its accuracy is the plain accuracy. Uncertainties must be finite.
func Selective(labels, preds []int, uncertainty []float64) (*SelectiveCurve, error) {
	return selective(labels, preds, uncertainty, false)
}

// SelectiveBinary is Selective for binary labels and predictions (0 or 1) and also gives the
// sensitivity and specificity on the kept cases.
func SelectiveBinary(labels, preds []int, uncertainty []float64) (*SelectiveCurve, error) {
	return selective(labels, preds, uncertainty, true)
}

func selective(labels, preds []int, uncertainty []float64, binary bool) (*SelectiveCurve, error) {
	if err := checkLen("labels", len(labels), "predictions", len(preds)); err != nil {
		return nil, err
	}
	if err := checkLen("labels", len(labels), "uncertainties", len(uncertainty)); err != nil {
		return nil, err
	}
	if err := checkFinite("uncertainties", uncertainty); err != nil {
		return nil, err
	}
	if binary {
		if _, err := checkBinaryLabels(labels); err != nil {
			return nil, err
		}
		if err := checkClassIndices("prediction", preds, 2, "binary predictions are 0 or 1"); err != nil {
			return nil, err
		}
	}
	n := len(labels)
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return uncertainty[order[a]] < uncertainty[order[b]] })
	c := &SelectiveCurve{}
	correct, tp, pos, tn, neg := 0, 0, 0, 0, 0
	for k, i := range order {
		if labels[i] == preds[i] {
			correct++
		}
		if labels[i] == 1 {
			pos++
			if preds[i] == 1 {
				tp++
			}
		} else {
			neg++
			if preds[i] == 0 {
				tn++
			}
		}
		if k+1 < n && uncertainty[order[k+1]] == uncertainty[i] {
			continue // keep ties together
		}
		kept := k + 1
		c.Kept = append(c.Kept, kept)
		c.Coverage = append(c.Coverage, float64(kept)/float64(n))
		c.Threshold = append(c.Threshold, uncertainty[i])
		c.Accuracy = append(c.Accuracy, float64(correct)/float64(kept))
		if binary {
			c.Sensitivity = append(c.Sensitivity, safeDiv(float64(tp), float64(pos)))
			c.Specificity = append(c.Specificity, safeDiv(float64(tn), float64(neg)))
		}
	}
	return c, nil
}

// At returns the index of the point with the largest coverage not above coverage (the first
// point when every point covers more), so c.Accuracy[c.At(0.8)] is the accuracy when at least
// 20% of the cases are referred.
func (c *SelectiveCurve) At(coverage float64) int {
	j := sort.SearchFloat64s(c.Coverage, coverage+1e-12) - 1
	return max(j, 0)
}

// AURC is the area under the risk–coverage curve, Σ_j (Coverage[j] − Coverage[j−1]) ·
// (1 − Accuracy[j]): lower is better, and lower than the plain error rate when uncertainty
// tells the model's mistakes from its successes.
func (c *SelectiveCurve) AURC() float64 {
	a, prev := 0.0, 0.0
	for j, cov := range c.Coverage {
		a += (cov - prev) * (1 - c.Accuracy[j])
		prev = cov
	}
	return a
}

// String prints the curve at coverages 100%, 90%, ..., 50% as a small table.
func (c *SelectiveCurve) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%-9s %-8s %-9s", "coverage", "kept", "accuracy")
	if c.Sensitivity != nil {
		fmt.Fprintf(&b, " %-11s %-11s", "sensitivity", "specificity")
	}
	b.WriteString("\n")
	for _, cov := range []float64{1, 0.9, 0.8, 0.7, 0.6, 0.5} {
		j := c.At(cov)
		fmt.Fprintf(&b, "%-9s %-8d %-9.3f", fmt.Sprintf("%.0f%%", 100*c.Coverage[j]), c.Kept[j], c.Accuracy[j])
		if c.Sensitivity != nil {
			fmt.Fprintf(&b, " %-11s %-11s", selectiveRate(c.Sensitivity[j]), selectiveRate(c.Specificity[j]))
		}
		b.WriteString("\n")
	}
	return b.String()
}

func selectiveRate(v float64) string {
	if math.IsNaN(v) {
		return "n/a"
	}
	return fmt.Sprintf("%.3f", v)
}
