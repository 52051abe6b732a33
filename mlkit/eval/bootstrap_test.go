// SPDX-License-Identifier: Apache-2.0

package eval

import (
	"errors"
	"math"
	"slices"
	"strings"
	"testing"
)

func TestQuantile(t *testing.T) {
	v := []float64{1, 2, 3, 4}
	for _, tc := range []struct{ q, want float64 }{{0, 1}, {1, 4}, {0.5, 2.5}, {0.25, 1.75}} {
		if got := quantile(v, tc.q); !near(got, tc.want, tol) {
			t.Errorf("quantile(%v) = %v, want %v", tc.q, got, tc.want)
		}
	}
}

func TestBootstrapMean(t *testing.T) {
	// 400 coin flips with mean 0.5: the standard error is 0.025, so a 95% interval is
	// about ±1.96·0.025 = ±0.049 wide.
	labels := make([]int, 400)
	preds := make([]int, 400)
	for i := range labels {
		labels[i] = i % 2
	}
	ci, err := BootstrapPredictions(labels, preds, Accuracy, BootstrapConfig{Resamples: 2000, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	if ci.Estimate != 0.5 || ci.Lower > 0.5 || ci.Upper < 0.5 {
		t.Errorf("CI %v does not surround the estimate 0.5", ci)
	}
	if w := ci.Upper - ci.Lower; w < 0.08 || w > 0.12 {
		t.Errorf("CI width %v, want ≈ 0.098", w)
	}
	if ci.Resamples != 2000 || ci.Skipped != 0 || ci.Level != 0.95 {
		t.Errorf("resamples %d, skipped %d, level %v", ci.Resamples, ci.Skipped, ci.Level)
	}
	again, _ := BootstrapPredictions(labels, preds, Accuracy, BootstrapConfig{Resamples: 2000, Seed: 3})
	if again != ci {
		t.Errorf("same seed gave %v then %v", ci, again)
	}
	// A 50% interval is narrower.
	narrow, _ := BootstrapPredictions(labels, preds, Accuracy, BootstrapConfig{Resamples: 2000, Seed: 3, Level: 0.5})
	if narrow.Upper-narrow.Lower >= ci.Upper-ci.Lower {
		t.Errorf("50%% interval %v not narrower than 95%% interval %v", narrow, ci)
	}
}

func TestBootstrapDefaultsAndRegression(t *testing.T) {
	truth := make([]float64, 100)
	pred := make([]float64, 100)
	for i := range truth {
		truth[i] = float64(i)
		pred[i] = float64(i) + float64(i%5) - 2
	}
	ci, err := BootstrapRegression(truth, pred, MAE, BootstrapConfig{})
	if err != nil {
		t.Fatal(err)
	}
	if ci.Resamples != DefaultResamples || ci.Level != 0.95 {
		t.Errorf("defaults: %d resamples at level %v", ci.Resamples, ci.Level)
	}
	if !near(ci.Estimate, 1.2, tol) || ci.Lower > ci.Estimate || ci.Upper < ci.Estimate {
		t.Errorf("MAE CI %v, want estimate 1.2 inside", ci)
	}
	// Same seed, same interval; another seed, another one (RMSE takes many distinct values).
	a, _ := BootstrapRegression(truth, pred, RMSE, BootstrapConfig{Seed: 1})
	b, _ := BootstrapRegression(truth, pred, RMSE, BootstrapConfig{Seed: 1})
	c, _ := BootstrapRegression(truth, pred, RMSE, BootstrapConfig{Seed: 2})
	if a != b || a == c {
		t.Errorf("seed 1: %v and %v; seed 2: %v", a, b, c)
	}
}

func TestBootstrapUndefined(t *testing.T) {
	// One positive in 20: without strata, about (19/20)^20 ≈ 36% of resamples have no
	// positive and are skipped; stratified resampling always keeps it.
	labels := make([]int, 20)
	scores := make([]float64, 20)
	for i := range scores {
		scores[i] = float64(i) / 20
	}
	labels[19] = 1
	plain, err := BootstrapScores(labels, scores, AUC, BootstrapConfig{Resamples: 500})
	if err != nil {
		t.Fatal(err)
	}
	if plain.Skipped < 100 || plain.Skipped > 260 {
		t.Errorf("skipped %d of 500 resamples, want about 180", plain.Skipped)
	}
	strat, err := BootstrapScores(labels, scores, AUC, BootstrapConfig{Resamples: 500, Strata: labels})
	if err != nil {
		t.Fatal(err)
	}
	if strat.Skipped != 0 || strat.Estimate != 1 {
		t.Errorf("stratified: %v, skipped %d; want estimate 1, none skipped", strat, strat.Skipped)
	}

	// Undefined on most resamples: an error naming the metric.
	n := 10
	_, err = Bootstrap(n, func(idx []int) (float64, error) {
		if slices.Contains(idx, 0) && len(idx) == n && !isIdentity(idx) {
			return 0, errors.New("contains example 0")
		}
		return 1, nil
	}, BootstrapConfig{Resamples: 200})
	if !errors.Is(err, ErrUndefined) {
		t.Errorf("err = %v, want ErrUndefined", err)
	}

	for name, cfg := range map[string]BootstrapConfig{
		"one resample": {Resamples: 1},
		"level 1":      {Level: 1},
		"bad strata":   {Strata: []int{0}},
	} {
		if _, err := BootstrapScores(labels, scores, AUC, cfg); err == nil {
			t.Errorf("%s: want an error", name)
		}
	}
	if _, err := Bootstrap(0, func([]int) (float64, error) { return 0, nil }, BootstrapConfig{}); !errors.Is(err, ErrEmpty) {
		t.Errorf("no examples: err = %v, want ErrEmpty", err)
	}
	if ci, err := BootstrapScores([]int{1, 1}, []float64{0.1, 0.9}, AUC, BootstrapConfig{}); err == nil {
		t.Errorf("AUC of one class only: got %v, want an error", ci)
	}
}

func isIdentity(idx []int) bool {
	for i, j := range idx {
		if i != j {
			return false
		}
	}
	return true
}

func TestCIString(t *testing.T) {
	s := CI{Estimate: 0.8123, Lower: 0.7712, Upper: 0.85, Level: 0.95}.String()
	if s != "0.812 (95% CI 0.771–0.850)" {
		t.Errorf("String() = %q", s)
	}
	if s := (CI{Estimate: math.NaN(), Level: 0.9}).String(); s != "n/a (90% CI 0.000–0.000)" {
		t.Errorf("String() = %q", s)
	}
	// A missing or mistyped key gives the zero CI: it must not print as figures.
	r, err := ClassifyBinary([]int{0, 1, 0, 1, 1, 0}, []float64{0.2, 0.9, 0.4, 0.7, 0.6, 0.1}, nil, WithCI())
	if err != nil {
		t.Fatal(err)
	}
	if !r.CI["auc"].Valid() {
		t.Errorf("the AUC interval %+v is not valid", r.CI["auc"])
	}
	missing := r.CI["AUC"]
	if s := missing.String(); missing.Valid() || strings.Contains(s, "0.000") || !strings.Contains(s, "no interval") {
		t.Errorf("the CI of a mistyped key: Valid %v, String %q; want invalid and saying there is no interval", missing.Valid(), s)
	}
}
