// SPDX-License-Identifier: Apache-2.0

package eval

import (
	"fmt"
	"math"
)

// KappaWeights chooses how Cohen's kappa weighs disagreements between grades i and j.
type KappaWeights int

const (
	// Unweighted counts every disagreement alike (plain Cohen's kappa).
	Unweighted KappaWeights = iota
	// Linear weighs a disagreement by |i-j|.
	Linear
	// Quadratic weighs a disagreement by (i-j)², the usual choice for ordinal grades
	// (e.g. diabetic retinopathy 0–4).
	Quadratic
)

func (w KappaWeights) String() string {
	switch w {
	case Unweighted:
		return "unweighted"
	case Linear:
		return "linear"
	case Quadratic:
		return "quadratic"
	}
	return fmt.Sprintf("KappaWeights(%d)", int(w))
}

// CohenKappa measures agreement between two raters (or labels and predictions) beyond
// chance: 1 - Σ w·O / Σ w·E, with O the observed joint distribution and E the product of
// the marginals. Grades are the integers 0..K-1 and the weights use their values.
// It is NaN when agreement by chance is certain (both raters always give the same single
// grade), where kappa is undefined.
//
// Grades must be in 0..MaxClasses-1: K is the largest grade + 1 and the tables have K×K
// cells, so larger values (typically unmapped raw codes) and negative ones are an error
// naming the rater, the index and the value.
func CohenKappa(rater1, rater2 []int, weights KappaWeights) (float64, error) {
	if err := checkLen("ratings of rater 1", len(rater1), "ratings of rater 2", len(rater2)); err != nil {
		return math.NaN(), err
	}
	if weights < Unweighted || weights > Quadratic {
		return math.NaN(), fmt.Errorf("eval: unknown kappa weights %d; use Unweighted, Linear or Quadratic", int(weights))
	}
	k := 0
	for i := range rater1 {
		for r, v := range [2]int{rater1[i], rater2[i]} {
			// Check before sizing: the tables below have K×K cells, so a raw code (or 1<<40)
			// would crash the process instead of failing here.
			if v < 0 || v >= MaxClasses {
				return math.NaN(), fmt.Errorf("eval: grade %d of rater %d at index %d is out of range: grades must be integers 0..%d (kappa builds a K×K table over grades 0..K-1, K at most MaxClasses = %d); map raw codes to ordinal grades 0..K-1 first",
					v, r+1, i, MaxClasses-1, MaxClasses)
			}
			k = max(k, v+1)
		}
	}
	obs := make([]float64, k*k)
	m1 := make([]float64, k)
	m2 := make([]float64, k)
	for i := range rater1 {
		obs[rater1[i]*k+rater2[i]]++
		m1[rater1[i]]++
		m2[rater2[i]]++
	}
	n := float64(len(rater1))
	var num, den float64
	for i := range k {
		for j := range k {
			var w float64
			switch weights {
			case Unweighted:
				if i != j {
					w = 1
				}
			case Linear:
				w = math.Abs(float64(i - j))
			case Quadratic:
				w = float64((i - j) * (i - j))
			}
			num += w * obs[i*k+j] / n
			den += w * m1[i] * m2[j] / (n * n)
		}
	}
	if den == 0 {
		return math.NaN(), nil
	}
	return 1 - num/den, nil
}

// QuadraticWeightedKappa is CohenKappa with quadratic weights.
func QuadraticWeightedKappa(rater1, rater2 []int) (float64, error) {
	return CohenKappa(rater1, rater2, Quadratic)
}
