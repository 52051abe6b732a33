// SPDX-License-Identifier: Apache-2.0

package eval

import (
	"errors"
	"math"
	"strings"
	"testing"
)

// dcaLabels and dcaProbs: n = 10, 4 positives (prevalence 0.4).
var (
	dcaLabels = []int{1, 1, 0, 1, 0, 0, 0, 1, 0, 0}
	dcaProbs  = []float64{0.9, 0.8, 0.7, 0.6, 0.4, 0.3, 0.3, 0.2, 0.1, 0.05}
)

func TestDecisionCurveByHand(t *testing.T) {
	// Treated at pt: probability >= pt. NB = TP/n − FP/n · pt/(1−pt); treat all:
	// 0.4 − 0.6 · pt/(1−pt).
	tests := []struct {
		pt, model, all float64
	}{
		// pt 0.1: treated 0.9 0.8 0.7 0.6 0.4 0.3 0.3 0.2 0.1 → TP 4, FP 5;
		// NB = 0.4 − 0.5·(0.1/0.9) = 0.4 − 0.0555… = 0.344444; all: 0.4 − 0.6/9 = 0.333333.
		{0.1, 0.4 - 0.5/9, 0.4 - 0.6/9},
		// pt 0.25: treated 0.9 0.8 0.7 0.6 0.4 0.3 0.3 → TP 3, FP 4;
		// NB = 0.3 − 0.4·(1/3) = 0.166667; all: 0.4 − 0.6/3 = 0.2.
		{0.25, 0.3 - 0.4/3, 0.2},
		// pt 0.3 (ties at 0.3 are treated): TP 3, FP 4; NB = 0.3 − 0.4·(3/7) = 0.128571;
		// all: 0.4 − 0.6·3/7 = 0.142857.
		{0.3, 0.3 - 0.4*3.0/7, 0.4 - 0.6*3.0/7},
		// pt 0.4 = prevalence: TP 3, FP 2 (0.7, 0.4); NB = 0.3 − 0.2·(2/3) = 0.166667;
		// all: 0.4 − 0.6·(2/3) = 0.
		{0.4, 0.3 - 0.2*2.0/3, 0},
		// pt 0.5: TP 3, FP 1; NB = 0.3 − 0.1·1 = 0.2; all: 0.4 − 0.6 = −0.2.
		{0.5, 0.2, -0.2},
		// pt 0.8: TP 2 (0.9, 0.8), FP 0; NB = 0.2; all: 0.4 − 0.6·4 = −2.
		{0.8, 0.2, -2},
		// pt 0.95: nothing treated; NB = 0; all: 0.4 − 0.6·19 = −11.
		{0.95, 0, -11},
	}
	pts := make([]float64, len(tests))
	for i, tc := range tests {
		pts[i] = tc.pt
	}
	c, err := DecisionCurveAnalysis(dcaLabels, dcaProbs, pts)
	if err != nil {
		t.Fatal(err)
	}
	if c.N != 10 || c.Positives != 4 || c.Prevalence() != 0.4 {
		t.Errorf("N %d, positives %d, prevalence %v", c.N, c.Positives, c.Prevalence())
	}
	for i, tc := range tests {
		if !near(c.Model[i], tc.model, 1e-12) || !near(c.TreatAll[i], tc.all, 1e-12) || c.TreatNone[i] != 0 {
			t.Errorf("pt %v: model %v, all %v, none %v; want %v, %v, 0", tc.pt, c.Model[i], c.TreatAll[i], c.TreatNone[i], tc.model, tc.all)
		}
		nb, err := NetBenefit(dcaLabels, dcaProbs, tc.pt)
		if err != nil || nb != c.Model[i] {
			t.Errorf("NetBenefit(%v) = %v, %v; want %v", tc.pt, nb, err, c.Model[i])
		}
	}
}

func TestDecisionCurveProperties(t *testing.T) {
	tests := []struct {
		name   string
		labels []int
		probs  []float64
	}{
		{"fixed vector", dcaLabels, dcaProbs},
		{"ten", tenLabels, tenScores},
		{"prevalence 0.25", []int{1, 0, 0, 0, 1, 0, 0, 0}, []float64{0.7, 0.2, 0.6, 0.1, 0.4, 0.3, 0.05, 0.5}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := DecisionCurveAnalysis(tc.labels, tc.probs, nil)
			if err != nil {
				t.Fatal(err)
			}
			if len(c.Thresholds) != 99 || c.Thresholds[0] != 0.01 || c.Thresholds[98] != 0.99 || c.Thresholds[6] != 0.07 {
				t.Errorf("default grid: %d points, %v … %v, [6] = %v", len(c.Thresholds), c.Thresholds[0], c.Thresholds[98], c.Thresholds[6])
			}
			prev := c.Prevalence()
			// Treat all has net benefit 0 at pt = prevalence.
			at, err := DecisionCurveAnalysis(tc.labels, tc.probs, []float64{prev})
			if err != nil {
				t.Fatal(err)
			}
			if !near(at.TreatAll[0], 0, 1e-12) {
				t.Errorf("treat all at pt = prevalence %v: %v, want 0", prev, at.TreatAll[0])
			}
			for i, pt := range c.Thresholds {
				// Net benefit never exceeds the prevalence (TP/n <= prevalence, harms >= 0),
				// and treat all is the model that treats everyone.
				if c.Model[i] > prev+1e-12 || c.TreatAll[i] > prev+1e-12 {
					t.Errorf("pt %v: net benefit %v / %v above prevalence %v", pt, c.Model[i], c.TreatAll[i], prev)
				}
				if i > 0 && c.TreatAll[i] >= c.TreatAll[i-1] {
					t.Errorf("treat all does not fall with pt at %v", pt)
				}
			}
		})
	}
	// Below every score the model treats everyone: the same as treat all.
	c, _ := DecisionCurveAnalysis(dcaLabels, dcaProbs, []float64{0.01})
	if c.Model[0] != c.TreatAll[0] {
		t.Errorf("pt below all scores: model %v, treat all %v", c.Model[0], c.TreatAll[0])
	}
}

func TestThresholdGrid(t *testing.T) {
	tests := []struct {
		lo, hi, step float64
		want         []float64
		err          string
	}{
		{0.1, 0.5, 0.1, []float64{0.1, 0.2, 0.3, 0.4, 0.5}, ""},
		{0.05, 0.2, 0.05, []float64{0.05, 0.1, 0.15, 0.2}, ""},
		{0.3, 0.3, 0.1, []float64{0.3}, ""},
		{0.1, 0.35, 0.1, []float64{0.1, 0.2, 0.3}, ""},
		{0, 0.5, 0.1, nil, "not within (0, 1)"},
		{0.1, 1, 0.1, nil, "not within (0, 1)"},
		{0.5, 0.1, 0.1, nil, "lo <= hi"},
		{0.1, 0.5, 0, nil, "step 0 is not a positive number"},
		{0.1, 0.5, math.NaN(), nil, "step NaN"},
		{0.01, 0.99, 1e-9, nil, "more than 100000"},
	}
	for _, tc := range tests {
		g, err := ThresholdGrid(tc.lo, tc.hi, tc.step)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("ThresholdGrid(%v, %v, %v) error %v, want %q", tc.lo, tc.hi, tc.step, err, tc.err)
			}
			continue
		}
		if err != nil || len(g) != len(tc.want) {
			t.Errorf("ThresholdGrid(%v, %v, %v) = %v, %v; want %v", tc.lo, tc.hi, tc.step, g, err, tc.want)
			continue
		}
		for i := range g {
			if g[i] != tc.want[i] {
				t.Errorf("ThresholdGrid(%v, %v, %v)[%d] = %v, want %v", tc.lo, tc.hi, tc.step, i, g[i], tc.want[i])
			}
		}
	}
}

func TestDecisionCurveErrors(t *testing.T) {
	nan := []float64{0.9, math.NaN(), 0.1}
	tests := []struct {
		name       string
		labels     []int
		probs, pts []float64
		want       string
		empty      bool
	}{
		{"no examples", nil, nil, nil, "labels is empty", true},
		{"lengths", []int{1, 0}, []float64{0.5}, nil, "2 labels but 1 probability values", false},
		{"NaN probability", []int{1, 0, 0}, nan, nil, "probability value at index 1 is NaN", false},
		{"probability above 1", []int{1, 0}, []float64{1.2, 0.1}, nil, "outside [0, 1]", false},
		{"label 3", []int{1, 3}, []float64{0.5, 0.1}, nil, "label 3 at index 1", false},
		{"empty grid", []int{1, 0}, []float64{0.5, 0.1}, []float64{}, "no threshold probabilities", false},
		{"pt 0", []int{1, 0}, []float64{0.5, 0.1}, []float64{0, 0.5}, "0 at index 0 is not in (0, 1)", false},
		{"pt 1", []int{1, 0}, []float64{0.5, 0.1}, []float64{0.5, 1}, "1 at index 1 is not in (0, 1)", false},
		{"pt NaN", []int{1, 0}, []float64{0.5, 0.1}, []float64{math.NaN()}, "NaN at index 0", false},
		{"not increasing", []int{1, 0}, []float64{0.5, 0.1}, []float64{0.2, 0.2}, "must increase", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := DecisionCurveAnalysis(tc.labels, tc.probs, tc.pts)
			if err == nil || c != nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, error %v; want error containing %q", c, err, tc.want)
			}
			if errors.Is(err, ErrEmpty) != tc.empty {
				t.Errorf("errors.Is(err, ErrEmpty) = %v, want %v", !tc.empty, tc.empty)
			}
		})
	}
	if _, err := NetBenefit(dcaLabels, dcaProbs, 1); err == nil {
		t.Error("NetBenefit at pt 1 gave no error")
	}
}
