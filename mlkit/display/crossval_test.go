// SPDX-License-Identifier: Apache-2.0

package display

import (
	"fmt"
	"math"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"

	"gonum.org/v1/plot"

	"github.com/medgo-lab/medgo/mlkit/data"
	"github.com/medgo-lab/medgo/mlkit/eval"
	"github.com/medgo-lab/medgo/mlkit/train"
)

// cvFixture builds the result a 5-fold cross-validation of a noisy binary classifier would
// give, without training anything: example i is held out in fold i%5, and each fold's
// metrics are eval's on its held-out examples, as train computes them. With candidates,
// the folds alternate between them as a nested cross-validation's choices.
func cvFixture(t *testing.T, n int, candidates []string) *train.CVResult {
	t.Helper()
	rng := rand.New(rand.NewPCG(3, 4))
	labels := make([]int, n)
	probs := make([][]float64, n)
	for i := range labels {
		if rng.Float64() < 0.4 {
			labels[i] = 1
		}
		p := 0.6*rng.Float64() + 0.35*float64(labels[i])
		probs[i] = []float64{1 - p, p}
	}
	const k = 5
	r := &train.CVResult{Name: "toy-cv", Dir: "/runs/toy-cv", Task: data.Binary, Labels: labels,
		Keys: []string{"n", "accuracy", "balanced_accuracy", "auc", "brier"}, Mean: map[string]float64{}, SD: map[string]float64{}}
	if candidates != nil {
		r.Candidates, r.Select = candidates, "auc"
	}
	for f := range k {
		var fl []int
		var fp [][]float64
		var test []int
		for i := f; i < n; i += k {
			fl, fp, test = append(fl, labels[i]), append(fp, probs[i]), append(test, i)
		}
		rep, err := eval.Classify(fl, fp, nil)
		if err != nil {
			t.Fatal(err)
		}
		fold := train.CVFold{Index: f, Run: filepath.Join(r.Dir, fmt.Sprintf("fold-%d", f+1)), Test: test, Metrics: rep.Headline()}
		if candidates != nil {
			fold.Chosen = candidates[f%len(candidates)]
		}
		r.Folds = append(r.Folds, fold)
	}
	for _, key := range r.Keys {
		var vals []float64
		for _, f := range r.Folds {
			vals = append(vals, f.Metrics[key])
		}
		r.Mean[key], r.SD[key] = testMeanSD(vals)
	}
	pooled, err := eval.Classify(labels, probs, nil, eval.WithBootstrap(eval.BootstrapConfig{Resamples: 200, Seed: 1}))
	if err != nil {
		t.Fatal(err)
	}
	r.Pooled = pooled
	return r
}

func testMeanSD(v []float64) (mean, sd float64) {
	for _, x := range v {
		mean += x
	}
	mean /= float64(len(v))
	for _, x := range v {
		sd += (x - mean) * (x - mean)
	}
	return mean, math.Sqrt(sd / float64(len(v)-1))
}

// hasGlyphAt reports whether some glyph of p (a scatter point or an error bar's cap) is
// drawn at data coordinates (x, y).
func hasGlyphAt(p *plot.Plot, x, y float64) bool {
	nx, ny := p.X.Norm(x), p.Y.Norm(y)
	for _, b := range p.GlyphBoxes(p) {
		if math.Abs(b.X-nx) < 1e-9 && math.Abs(b.Y-ny) < 1e-9 {
			return true
		}
	}
	return false
}

func TestCrossValidation(t *testing.T) {
	plain := cvFixture(t, 200, nil)
	nested := cvFixture(t, 200, []string{"mlp", "logistic"})
	noPooled := cvFixture(t, 200, nil)
	noPooled.Pooled = nil
	tests := []struct {
		name, metric string
		r            *train.CVResult
		key, title   string
		legend       []string // beyond the mean and pooled entries
		pooled       bool
	}{
		{"default metric is AUC", "", plain, "auc", "Cross-validation toy-cv: AUC (ROC)", []string{"fold (held-out part)"}, true},
		{"Brier score", "brier", plain, "brier", "Cross-validation toy-cv: Brier score", []string{"fold (held-out part)"}, true},
		{"nested marks the choices", "accuracy", nested, "accuracy", "Nested cross-validation toy-cv: accuracy",
			[]string{"fold that chose mlp", "fold that chose logistic"}, true},
		{"without a pooled evaluation", "auc", noPooled, "auc", "Cross-validation toy-cv: AUC (ROC)", []string{"fold (held-out part)"}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := CrossValidation(tc.r, tc.metric)
			if err := f.Err(); err != nil {
				t.Fatal(err)
			}
			p := f.Plot(0, 0)
			if f.Title() != tc.title || p.X.Label.Text != "held-out fold" || p.Y.Label.Text != eval.MetricName(tc.key) {
				t.Errorf("title %q, axes %q / %q; want %q, \"held-out fold\" / %q", f.Title(), p.X.Label.Text, p.Y.Label.Text, tc.title, eval.MetricName(tc.key))
			}
			// Every fold's value is a point at its fold's position.
			var vals []float64
			for i, fold := range tc.r.Folds {
				v := fold.Metrics[tc.key]
				vals = append(vals, v)
				if !hasGlyphAt(p, float64(i), v) {
					t.Errorf("no point for fold %d at %v", i+1, v)
				}
			}
			mean, sd := testMeanSD(vals)
			svg, err := f.SVG()
			if err != nil {
				t.Fatal(err)
			}
			want := append([]string{fmt.Sprintf("mean ± SD %.3f ± %.3f", mean, sd), "fold-1", "fold-5"}, tc.legend...)
			if tc.pooled {
				v := tc.r.Pooled.Headline()[tc.key]
				ci := tc.r.Pooled.CI[tc.key]
				if !hasGlyphAt(p, 5, v) {
					t.Errorf("no pooled point at (5, %v)", v)
				}
				// The interval's ends are drawn as the error bar's caps.
				if !hasGlyphAt(p, 5, ci.Lower) || !hasGlyphAt(p, 5, ci.Upper) {
					t.Errorf("no error bar from %v to %v at the pooled position", ci.Lower, ci.Upper)
				}
				want = append(want, "pooled", fmt.Sprintf("pooled out-of-fold %.3f (95%% CI %.3f–%.3f)", v, ci.Lower, ci.Upper))
			} else if strings.Contains(string(svg), ">pooled") {
				t.Error("a result without a pooled evaluation shows a pooled value")
			}
			for _, w := range want {
				if !strings.Contains(string(svg), ">"+w+"<") {
					t.Errorf("SVG lacks the text %q", w)
				}
			}
			// Every point, the band and the interval lie inside the axes.
			top := mean + sd
			bottom := mean - sd
			for _, v := range vals {
				top, bottom = math.Max(top, v), math.Min(bottom, v)
			}
			if p.Y.Min >= bottom || p.Y.Max <= top {
				t.Errorf("y axis [%v, %v] does not hold [%v, %v]", p.Y.Min, p.Y.Max, bottom, top)
			}
			checkFigure(t, "crossval_"+strings.ReplaceAll(tc.name, " ", "_"), f)
		})
	}
}

func TestCrossValidationUndefinedFold(t *testing.T) {
	r := cvFixture(t, 200, nil)
	r.Folds[2].Metrics["auc"] = math.NaN()
	f := CrossValidation(r, "auc")
	if err := f.Err(); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(f.Title(), "undefined in fold-3") {
		t.Errorf("title %q does not say that fold-3 has no AUC", f.Title())
	}
	if hasGlyphAt(f.Plot(0, 0), 2, 0) {
		t.Error("an undefined fold is drawn at 0")
	}
	checkFigure(t, "crossval_undefined_fold", f)
}

func TestCrossValidationErrors(t *testing.T) {
	r := cvFixture(t, 100, nil)
	allNaN := cvFixture(t, 100, nil)
	for _, f := range allNaN.Folds {
		f.Metrics["auc"] = math.NaN()
	}
	tests := []struct {
		name   string
		r      *train.CVResult
		metric string
		want   []string
	}{
		{"nil result", nil, "", []string{"nil result", "train.OpenCV"}},
		{"no folds", &train.CVResult{Name: "empty"}, "", []string{`"empty" has 0 folds`}},
		{"unknown metric", r, "rmse", []string{`no metric "rmse"`, "accuracy, balanced_accuracy, auc, brier", `"" for auc`}},
		{"the count is not a metric", r, "n", []string{`no metric "n"`}},
		{"undefined everywhere", allNaN, "auc", []string{"undefined in every fold", "choose another"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := CrossValidation(tc.r, tc.metric)
			err := f.Err()
			if err == nil {
				t.Fatalf("got no error; want one")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
}
