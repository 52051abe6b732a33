// SPDX-License-Identifier: Apache-2.0

package eval

// Micro and support-weighted averages of the per-class metrics, next to the macro ones in
// confusion.go. They answer different questions: macro treats every class alike (a rare
// disease counts as much as the common one), weighted follows the case mix, and micro
// pools every decision (for single-label data it equals accuracy). The names follow
// scikit-learn's average="micro" and average="weighted".

// micro pools the per-class counts: num and den give, for class k, the numerator and the
// denominator of the ratio to pool.
func (c *ConfusionMatrix) micro(num, den func(int) float64) float64 {
	var n, d float64
	for k := range c.Counts {
		n += num(k)
		d += den(k)
	}
	return safeDiv(n, d)
}

func (c *ConfusionMatrix) tpf(k int) float64 { return float64(c.TP(k)) }

// MicroPrecision is ΣTP / Σ(TP+FP) over classes. With one label per example every
// prediction is a true positive of one class or a false positive of another, so it
// equals accuracy; it is here so that reports can name it as other tools do.
func (c *ConfusionMatrix) MicroPrecision() float64 {
	return c.micro(c.tpf, func(k int) float64 { return float64(c.TP(k) + c.FP(k)) })
}

// MicroRecall is ΣTP / Σ(TP+FN) over classes; with one label per example it equals accuracy.
func (c *ConfusionMatrix) MicroRecall() float64 {
	return c.micro(c.tpf, func(k int) float64 { return float64(c.Support(k)) })
}

// MicroF1 is the F1 of the pooled counts, 2ΣTP / (2ΣTP + ΣFP + ΣFN); with one label per
// example it equals accuracy.
func (c *ConfusionMatrix) MicroF1() float64 { return c.MicroFBeta(1) }

// MicroFBeta is the F-beta score of the pooled counts (see FBeta). It panics on a
// negative, NaN or infinite β.
func (c *ConfusionMatrix) MicroFBeta(beta float64) float64 {
	checkBeta(beta)
	b2 := beta * beta
	var tp, fp, fn float64
	for k := range c.Counts {
		tp += float64(c.TP(k))
		fp += float64(c.FP(k))
		fn += float64(c.FN(k))
	}
	return safeDiv((1+b2)*tp, (1+b2)*tp+b2*fn+fp)
}

// weighted averages f over classes with the class supports as weights; undefined
// (NaN) values count as 0, as in the macro averages, so that a class the model never
// predicts lowers the score instead of vanishing from it.
func (c *ConfusionMatrix) weighted(f func(int) float64) float64 {
	var sum, total float64
	for k := range c.Counts {
		s := float64(c.Support(k))
		if s == 0 {
			continue // weight 0; its metric may be NaN, and 0·NaN would poison the sum
		}
		if v := f(k); v == v {
			sum += s * v
		}
		total += s
	}
	return safeDiv(sum, total)
}

// WeightedPrecision is the mean of the per-class precisions weighted by class support
// (undefined ones count as 0).
func (c *ConfusionMatrix) WeightedPrecision() float64 { return c.weighted(c.Precision) }

// WeightedRecall is the mean of the per-class recalls weighted by class support; with
// one label per example it equals accuracy.
func (c *ConfusionMatrix) WeightedRecall() float64 { return c.weighted(c.Recall) }

// WeightedF1 is the mean of the per-class F1 scores weighted by class support
// (undefined ones count as 0).
func (c *ConfusionMatrix) WeightedF1() float64 { return c.weighted(c.F1) }

// MacroFBeta is the unweighted mean of the per-class F-beta scores (undefined ones count
// as 0). It panics on a negative, NaN or infinite β.
func (c *ConfusionMatrix) MacroFBeta(beta float64) float64 {
	checkBeta(beta)
	return c.macro(func(k int) float64 { return c.FBeta(k, beta) })
}

// WeightedFBeta is the support-weighted mean of the per-class F-beta scores (undefined
// ones count as 0). It panics on a negative, NaN or infinite β.
func (c *ConfusionMatrix) WeightedFBeta(beta float64) float64 {
	checkBeta(beta)
	return c.weighted(func(k int) float64 { return c.FBeta(k, beta) })
}
