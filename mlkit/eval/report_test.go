// SPDX-License-Identifier: Apache-2.0

package eval

import (
	"math"
	"strings"
	"testing"
)

var (
	tenLabels = []int{1, 1, 0, 1, 1, 0, 1, 0, 0, 0}
	tenScores = []float64{0.9, 0.8, 0.7, 0.6, 0.55, 0.5, 0.4, 0.3, 0.2, 0.1}
)

func TestClassifyBinary(t *testing.T) {
	tests := []struct {
		name                  string
		opts                  []Option
		thr, sens, spec, acc  float64
		counts                [2][2]int
		wantCI                bool
		wantInText, wantInHTM string
	}{
		// At 0.5: TP 4 (0.9, 0.8, 0.6, 0.55), FP 2 (0.7, 0.5), TN 3, FN 1.
		{"default threshold", nil, 0.5, 0.8, 0.6, 0.7, [2][2]int{{3, 2}, {1, 4}}, false, "threshold 0.5", "<table"},
		{"fixed threshold", []Option{WithThreshold(0.75)}, 0.75, 0.4, 1, 0.7, [2][2]int{{5, 0}, {3, 2}}, false, "threshold 0.75", "<table"},
		{"target sensitivity", []Option{WithTargetSensitivity(0.8)}, 0.55, 0.8, 0.8, 0.8, [2][2]int{{4, 1}, {1, 4}}, false, "sensitivity ≥ 0.8", "<table"},
		{"with CI", []Option{WithBootstrap(BootstrapConfig{Resamples: 300, Seed: 1})}, 0.5, 0.8, 0.6, 0.7, [2][2]int{{3, 2}, {1, 4}}, true, "95% CI", "95% CI"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := ClassifyBinary(tenLabels, tenScores, []string{"healthy", "disease"}, tc.opts...)
			if err != nil {
				t.Fatal(err)
			}
			if !r.Binary || r.N != 10 || r.Threshold != tc.thr {
				t.Errorf("binary %v, N %d, threshold %v", r.Binary, r.N, r.Threshold)
			}
			if !near(r.AUC, 0.84, tol) || !near(r.Sensitivity, tc.sens, tol) || !near(r.Specificity, tc.spec, tol) || !near(r.Accuracy, tc.acc, tol) {
				t.Errorf("AUC %v, sensitivity %v, specificity %v, accuracy %v", r.AUC, r.Sensitivity, r.Specificity, r.Accuracy)
			}
			for i := range 2 {
				for j := range 2 {
					if r.Confusion.Counts[i][j] != tc.counts[i][j] {
						t.Errorf("confusion %v, want %v", r.Confusion.Counts, tc.counts)
					}
				}
			}
			ap, _ := AveragePrecision(tenLabels, tenScores)
			brier, _ := Brier(tenLabels, tenScores)
			ece, _ := ECE(tenLabels, tenScores, 10)
			if !near(r.AP, ap, tol) || !near(r.Brier, brier, tol) || !near(r.ECE, ece, tol) {
				t.Errorf("AP %v, Brier %v, ECE %v; want %v, %v, %v", r.AP, r.Brier, r.ECE, ap, brier, ece)
			}
			h := r.Headline()
			for _, k := range r.HeadlineKeys() {
				if _, ok := h[k]; !ok {
					t.Errorf("Headline lacks %q", k)
				}
			}
			if h["auc"] != r.AUC || h["sensitivity"] != r.Sensitivity || h["n"] != 10 || h["npv"] != r.NPV {
				t.Errorf("Headline %v disagrees with the fields", h)
			}
			if len(r.ROC) != 1 || r.ROC[0].Label != "disease" || len(r.PR) != 1 || r.Calibration == nil || r.Operating == nil {
				t.Errorf("curves: %d ROC, %d PR, calibration %v, operating %v", len(r.ROC), len(r.PR), r.Calibration, r.Operating)
			}
			if (r.CI != nil) != tc.wantCI {
				t.Fatalf("CI = %v, want present: %v", r.CI, tc.wantCI)
			}
			if tc.wantCI {
				ci, ok := r.CI["auc"]
				if !ok || ci.Lower > r.AUC || ci.Upper < r.AUC || ci.Estimate != r.AUC {
					t.Errorf("AUC CI %v does not surround %v", ci, r.AUC)
				}
				if _, ok := r.CI["n"]; ok {
					t.Error("CI has an interval for n")
				}
			}
			text, page := r.String(), r.HTML()
			for _, want := range []string{"AUC (ROC)", "0.840", "healthy", "disease", tc.wantInText} {
				if !strings.Contains(text, want) {
					t.Errorf("String() lacks %q:\n%s", want, text)
				}
			}
			if !strings.Contains(page, tc.wantInHTM) || strings.Contains(page, "<script") {
				t.Errorf("HTML() lacks %q or has a script:\n%s", tc.wantInHTM, page)
			}
		})
	}
}

func TestClassifyMultiClass(t *testing.T) {
	labels := []int{0, 1, 2, 0, 1, 2, 0, 2}
	probs := [][]float64{
		{0.7, 0.2, 0.1}, {0.2, 0.5, 0.3}, {0.1, 0.3, 0.6}, {0.4, 0.4, 0.2},
		{0.3, 0.3, 0.4}, {0.3, 0.3, 0.4}, {0.2, 0.5, 0.3}, {0.05, 0.05, 0.9},
	}
	r, err := Classify(labels, probs, []string{"normal", "<b>mild</b>", "severe"}, WithCI())
	if err != nil {
		t.Fatal(err)
	}
	preds := predict(probs, math.NaN())
	acc, _ := Accuracy(labels, preds)
	auc, _ := MacroAUC(labels, probs)
	brier, _ := MultiClassBrier(labels, probs)
	rel, _ := TopLabelReliability(labels, probs, 10)
	if r.Binary || !near(r.Accuracy, acc, tol) || !near(r.AUC, auc, tol) || !near(r.Brier, brier, tol) || !near(r.ECE, rel.ECE, tol) {
		t.Errorf("accuracy %v/%v, AUC %v/%v, Brier %v/%v, ECE %v/%v", r.Accuracy, acc, r.AUC, auc, r.Brier, brier, r.ECE, rel.ECE)
	}
	if !math.IsNaN(r.Sensitivity) || !math.IsNaN(r.Threshold) || len(r.ROC) != 3 || r.CI["macro_f1"].Resamples == 0 {
		t.Errorf("sensitivity %v, threshold %v, %d ROC curves, macro F1 CI %v", r.Sensitivity, r.Threshold, len(r.ROC), r.CI["macro_f1"])
	}
	if page := r.HTML(); strings.Contains(page, "<b>mild") || !strings.Contains(page, "&lt;b&gt;mild") {
		t.Error("HTML() does not escape class names")
	}

	// Class 2 absent from the labels: AUC averages the two other classes, with a note.
	r2, err := Classify([]int{0, 1, 0, 1}, [][]float64{{.8, .1, .1}, {.3, .6, .1}, {.5, .2, .3}, {.2, .2, .6}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(r2.ROC) != 2 || len(r2.Notes) == 0 || math.IsNaN(r2.AUC) {
		t.Errorf("%d ROC curves, notes %q, AUC %v", len(r2.ROC), r2.Notes, r2.AUC)
	}
}

func TestClassifyEdgeCases(t *testing.T) {
	// One class only: the report still builds, AUC is NaN and a note says why.
	r, err := ClassifyBinary([]int{0, 0, 0}, []float64{0.2, 0.6, 0.1}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !math.IsNaN(r.AUC) || !math.IsNaN(r.AP) || len(r.ROC) != 0 || len(r.Notes) == 0 || !strings.Contains(r.String(), "n/a") {
		t.Errorf("AUC %v, AP %v, %d ROC, notes %q", r.AUC, r.AP, len(r.ROC), r.Notes)
	}
	two := [][]float64{{.5, .5}, {.2, .8}}
	three := [][]float64{{.5, .3, .2}, {.2, .7, .1}}
	for name, f := range map[string]func() error{
		"empty":            func() error { _, err := Classify(nil, nil, nil); return err },
		"class names":      func() error { _, err := Classify([]int{0, 1}, two, []string{"a"}); return err },
		"ragged rows":      func() error { _, err := Classify([]int{0, 1}, [][]float64{{.5, .5}, {1}}, nil); return err },
		"label range":      func() error { _, err := Classify([]int{0, 2}, two, nil); return err },
		"threshold, multi": func() error { _, err := Classify([]int{0, 1}, three, nil, WithThreshold(0.3)); return err },
		"two threshold ops": func() error {
			_, err := Classify([]int{0, 1}, two, nil, WithThreshold(0.3), WithTargetSensitivity(0.9))
			return err
		},
		"bins": func() error { _, err := Classify([]int{0, 1}, two, nil, WithBins(0)); return err },
		"binary names": func() error {
			_, err := ClassifyBinary([]int{0, 1}, []float64{.2, .9}, []string{"a", "b", "c"})
			return err
		},
		"binary prob": func() error { _, err := ClassifyBinary([]int{0, 1}, []float64{.2, 1.9}, nil); return err },
	} {
		if err := f(); err == nil {
			t.Errorf("%s: want an error", name)
		}
	}
}

func TestClassifyCIWithUndefinedMetric(t *testing.T) {
	// A model that calls every example positive has no NPV; the other intervals must still come.
	labels := []int{0, 1, 0, 1, 1, 0, 1, 0}
	probs := []float64{0.6, 0.9, 0.7, 0.8, 0.95, 0.55, 0.85, 0.65}
	r, err := ClassifyBinary(labels, probs, nil, WithCI())
	if err != nil {
		t.Fatalf("WithCI on a model that never predicts the negative class: %v", err)
	}
	if !math.IsNaN(r.NPV) {
		t.Errorf("NPV = %v, want NaN", r.NPV)
	}
	if _, ok := r.CI["npv"]; ok {
		t.Errorf("NPV got an interval %v; it is undefined on these data", r.CI["npv"])
	}
	for _, key := range []string{"accuracy", "sensitivity", "auc", "brier"} {
		if c, ok := r.CI[key]; !ok || c.Lower > r.Headline()[key] || c.Upper < r.Headline()[key] {
			t.Errorf("CI[%q] = %v (present %v), want an interval around %v", key, c, ok, r.Headline()[key])
		}
	}
	if !strings.Contains(strings.Join(r.Notes, "\n"), "no confidence interval for npv") {
		t.Errorf("notes %q do not say that NPV has no interval", r.Notes)
	}
}

func TestRegress(t *testing.T) {
	r, err := Regress([]float64{1, 2, 3, 4}, []float64{1, 3, 2, 6}, WithCI())
	if err != nil {
		t.Fatal(err)
	}
	if !near(r.RMSE, math.Sqrt(1.5), tol) || r.MAE != 1 || !near(r.R2, -0.2, tol) || r.Bias != 0.5 || r.MaxError != 2 {
		t.Errorf("RMSE %v, MAE %v, R2 %v, bias %v, max %v", r.RMSE, r.MAE, r.R2, r.Bias, r.MaxError)
	}
	if h := r.Headline(); h["rmse"] != r.RMSE || h["n"] != 4 {
		t.Errorf("Headline %v", h)
	}
	if ci := r.CI["mae"]; ci.Lower > 1 || ci.Upper < 1 {
		t.Errorf("MAE CI %v", ci)
	}
	if s := r.String(); !strings.Contains(s, "RMSE") || !strings.Contains(s, "1.225") {
		t.Errorf("String():\n%s", s)
	}
	if h := r.HTML(); !strings.Contains(h, "<table") {
		t.Errorf("HTML():\n%s", h)
	}
	c, err := Regress([]float64{2, 2}, []float64{2, 3})
	if err != nil || !math.IsNaN(c.R2) || len(c.Notes) != 1 {
		t.Errorf("constant truth: R2 %v, notes %q, err %v", c.R2, c.Notes, err)
	}
	if _, err := Regress([]float64{1}, []float64{1, 2}); err == nil {
		t.Error("length mismatch: want an error")
	}
}

// The bootstrap evaluates resamples by weighting the examples of the full data set;
// this must equal evaluating the resampled data directly.
func TestWeightedMetricsMatchResampledData(t *testing.T) {
	labels := []int{0, 1, 2, 0, 1, 2, 0, 2, 1, 1}
	probs := [][]float64{
		{.7, .2, .1}, {.2, .5, .3}, {.1, .3, .6}, {.4, .4, .2}, {.3, .3, .4},
		{.3, .3, .4}, {.2, .5, .3}, {.05, .05, .9}, {.3, .3, .4}, {.2, .5, .3},
	}
	binLabels := []int{1, 1, 0, 1, 0, 0, 1, 0, 1, 0}
	binProbs := [][]float64{{.1, .9}, {.5, .5}, {.5, .5}, {.3, .7}, {.8, .2}, {.4, .6}, {.3, .7}, {.9, .1}, {.6, .4}, {.5, .5}}
	for _, tc := range []struct {
		name      string
		labels    []int
		probs     [][]float64
		classes   []string
		threshold float64
	}{
		{"multi-class", labels, probs, []string{"a", "b", "c"}, math.NaN()},
		{"binary with ties", binLabels, binProbs, []string{"n", "p"}, 0.5},
	} {
		t.Run(tc.name, func(t *testing.T) {
			full := newClassifyData(tc.labels, tc.probs, tc.classes, tc.threshold, 4)
			for r := range 20 {
				idx := resample(len(tc.labels), r, BootstrapConfig{Seed: 9}, nil)
				l := make([]int, len(idx))
				p := make([][]float64, len(idx))
				for i, j := range idx {
					l[i], p[i] = tc.labels[j], tc.probs[j]
				}
				want := newClassifyData(l, p, tc.classes, tc.threshold, 4).metrics(nil)
				got := full.metrics(multiplicities(len(tc.labels), idx))
				for key, v := range want {
					if !near(got[key], v, 1e-12) {
						t.Errorf("resample %d: %s = %v weighted, %v on resampled data", r, key, got[key], v)
					}
				}
			}
		})
	}
}
