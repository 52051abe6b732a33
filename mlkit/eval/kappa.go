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
			if v < 0 {
				return math.NaN(), fmt.Errorf("eval: rater %d gave grade %d at index %d; grades must be integers >= 0", r+1, v, i)
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
