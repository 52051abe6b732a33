// SPDX-License-Identifier: Apache-2.0

package train

import (
	"math"
	"strings"
	"testing"

	"github.com/medgo-lab/medgo/mlkit/data"
	"github.com/medgo-lab/medgo/mlkit/eval"
	"github.com/medgo-lab/medgo/mlkit/models"
)

// TestEvaluate checks the one call against the long way (Predict on the test part, then the
// task's eval function with WithCI): the same figures and intervals for each kind of task.
func TestEvaluate(t *testing.T) {
	ml := func() *data.Split {
		return &data.Split{Train: multiLabel(128, 1), Val: multiLabel(32, 2), Test: multiLabel(48, 3)}
	}
	for _, c := range []struct {
		name   string
		split  *data.Split
		metric string // a headline metric that has an interval
		long   func(test *data.Dataset, p *Predictions) (map[string]float64, map[string]eval.CI, error)
	}{
		{"binary", smallSplit(), "auc", func(test *data.Dataset, p *Predictions) (map[string]float64, map[string]eval.CI, error) {
			r, err := eval.Classify(test.Labels(), p.Probs, test.Classes, eval.WithCI())
			if err != nil {
				return nil, nil, err
			}
			return r.Headline(), r.CI, nil
		}},
		{"multi-label", ml(), "macro_auc", func(test *data.Dataset, p *Predictions) (map[string]float64, map[string]eval.CI, error) {
			r, err := eval.ClassifyMultiLabel(test.TargetMatrix(), p.Probs, test.Targets, eval.WithCI())
			if err != nil {
				return nil, nil, err
			}
			return r.Headline(), r.CI, nil
		}},
		{"regression", regressionOf(smallSplit()), "rmse", func(test *data.Dataset, p *Predictions) (map[string]float64, map[string]eval.CI, error) {
			truth := make([]float64, test.Len())
			for i := range truth {
				truth[i] = float64(test.Y[i])
			}
			r, err := eval.Regress(truth, p.Column(0), eval.WithCI())
			if err != nil {
				return nil, nil, err
			}
			return r.Headline(), r.CI, nil
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			run, err := New("eval-"+c.name, models.MLP(8).Done()).Epochs(2).Dir(t.TempDir()).Quiet().Done().Fit(c.split)
			if err != nil {
				t.Fatal(err)
			}
			// longWay is what the one call must equal on d: Predict, then the task's eval function.
			longWay := func(d *data.Dataset) (map[string]float64, map[string]eval.CI) {
				t.Helper()
				pred, err := run.Predict(d)
				if err != nil {
					t.Fatal(err)
				}
				want, wantCI, err := c.long(d, pred)
				if err != nil {
					t.Fatal(err)
				}
				return want, wantCI
			}
			ev, err := run.Evaluate()
			if err != nil {
				t.Fatal(err)
			}
			want, wantCI := longWay(c.split.Test)
			if ev.N != c.split.Test.Len() || ev.Task != c.split.Test.Task {
				t.Errorf("N %d, task %v; want %d, %v", ev.N, ev.Task, c.split.Test.Len(), c.split.Test.Task)
			}
			got := ev.Headline()
			if len(got) != len(want) {
				t.Errorf("headline %v, want %v", got, want)
			}
			for k, v := range want {
				if g, ok := got[k]; !ok || !(g == v || math.IsNaN(g) && math.IsNaN(v)) {
					t.Errorf("%s = %v, want %v", k, g, v)
				}
			}
			ci, ok := ev.CI(c.metric)
			if !ok || ci != wantCI[c.metric] || !(ci.Lower <= ci.Estimate && ci.Estimate <= ci.Upper) {
				t.Errorf("CI(%q) = %v, %v; want %v", c.metric, ci, ok, wantCI[c.metric])
			}
			if v, err := ev.Metric(c.metric); err != nil || v != want[c.metric] {
				t.Errorf("Metric(%q) = %v, %v; want %v", c.metric, v, err, want[c.metric])
			}
			if _, err := ev.Metric("AUC "); err == nil || !strings.Contains(err.Error(), `no metric "AUC "`) || !strings.Contains(err.Error(), c.metric) {
				t.Errorf("a mistyped metric: err %v; want one naming it and listing %s", err, c.metric)
			}
			if _, ok := ev.CI("nope"); ok {
				t.Error("CI of a missing key reported as present")
			}
			// EvaluateOn is the same one call on other data: here the validation part.
			onVal, err := run.EvaluateOn(c.split.Val)
			if err != nil {
				t.Fatal(err)
			}
			wantVal, wantValCI := longWay(c.split.Val)
			if onVal.N != c.split.Val.Len() {
				t.Errorf("EvaluateOn(Val): N %d, want %d", onVal.N, c.split.Val.Len())
			}
			for k, v := range wantVal {
				if g := onVal.Headline()[k]; !(g == v || math.IsNaN(g) && math.IsNaN(v)) {
					t.Errorf("EvaluateOn(Val): %s = %v, want %v", k, g, v)
				}
			}
			if ci, ok := onVal.CI(c.metric); !ok || ci != wantValCI[c.metric] {
				t.Errorf("EvaluateOn(Val): CI(%q) = %v, %v; want %v", c.metric, ci, ok, wantValCI[c.metric])
			}
			if s, h := ev.String(), ev.HTML(); s == "" || !strings.Contains(h, "<table") {
				t.Errorf("String %q, HTML %q", s, h)
			}
		})
	}
}

func TestEvaluateWithoutTestPart(t *testing.T) {
	s := smallSplit()
	s.Test = nil
	run, err := New("no-test", models.MLP(8).Done()).Epochs(1).Dir(t.TempDir()).Quiet().Done().Fit(s)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := run.Evaluate(); err == nil || !strings.Contains(err.Error(), `run "no-test" has no test part`) {
		t.Errorf("err %v; want one saying the run has no test part", err)
	}
}

// EvaluateOn refuses, with what to pass instead, data it cannot evaluate the run on.
func TestEvaluateOnRejectsBadInput(t *testing.T) {
	run, err := New("eval-on", models.MLP(8).Done()).Epochs(1).Dir(t.TempDir()).Quiet().Done().Fit(smallSplit())
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		d    *data.Dataset
		want string
	}{
		{"nil", nil, "got no examples"},
		{"empty", &data.Dataset{Name: "empty", Task: data.Binary, Shape: []int{4}}, "got no examples"},
		{"other task", regression(8, 1), "is a regression data set"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if _, err := run.EvaluateOn(c.d); err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("err %v; want one containing %q", err, c.want)
			}
		})
	}
}
