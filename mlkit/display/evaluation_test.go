// SPDX-License-Identifier: Apache-2.0

package display

import (
	"bytes"
	"strings"
	"testing"

	"github.com/medgo-lab/medgo/mlkit/eval"
	"github.com/medgo-lab/medgo/mlkit/train"
)

// TestEvaluation: each kind of evaluation is shown as its task's report, with plots.
func TestEvaluation(t *testing.T) {
	reg, err := eval.Regress([]float64{1, 2, 3, 4, 5}, []float64{1.1, 1.8, 3.2, 4.1, 4.7})
	if err != nil {
		t.Fatal(err)
	}
	ml, err := eval.ClassifyMultiLabel([][]float64{{1, 0}, {0, 1}, {1, 1}, {0, 0}}, [][]float64{{0.9, 0.2}, {0.3, 0.7}, {0.6, 0.8}, {0.2, 0.1}}, []string{"a", "b"})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		ev   *train.Evaluation
		want []string // in the notebook's HTML
	}{
		{"classification", &train.Evaluation{Run: "r", Classification: testReport(t)}, []string{"<table", "<img"}},
		{"multi-label", &train.Evaluation{Run: "r", MultiLabel: ml}, []string{"<table", "<img", "macro"}},
		{"regression", &train.Evaluation{Run: "r", Regression: reg}, []string{"<table", "<img", "RMSE"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			nb := &fakeNotebook{}
			withNotebook(t, nb, func(*bytes.Buffer) {
				if err := Evaluation(c.ev); err != nil {
					t.Fatal(err)
				}
			})
			page := strings.Join(nb.htmls, "")
			for _, w := range c.want {
				if !strings.Contains(page, w) {
					t.Errorf("the notebook got no %q in:\n%.400s", w, page)
				}
			}
		})
	}
	withNotebook(t, nil, func(out *bytes.Buffer) {
		if err := Evaluation(nil); err == nil || !strings.Contains(err.Error(), "run.Evaluate()") {
			t.Errorf("nil evaluation: err %v", err)
		}
		if err := Evaluation(&train.Evaluation{Run: "empty"}); err == nil || !strings.Contains(err.Error(), `run "empty" holds no report`) {
			t.Errorf("empty evaluation: err %v", err)
		}
	})
}
