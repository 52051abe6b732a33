// SPDX-License-Identifier: Apache-2.0

package display

import (
	"bytes"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/medgo-lab/medgo/mlkit/eval"
)

var mlTasks = []string{"effusion", "edema", "nodule", "fracture"}

// multiLabelReport evaluates a classifier on four findings: a common, a less common and a
// rare one, and "fracture", never positive among its labels, so left out of the macro
// averages. A fifth of the labels are missing.
func multiLabelReport(t *testing.T, opts ...eval.Option) *eval.MultiLabelReport {
	t.Helper()
	rng := rand.New(rand.NewPCG(5, 6))
	prevalence := []float64{0.3, 0.15, 0.06, 0}
	signal := []float64{0.3, 0.2, 0.3, 0}
	labels := make([][]float64, 300)
	probs := make([][]float64, 300)
	for i := range labels {
		labels[i] = make([]float64, len(mlTasks))
		probs[i] = make([]float64, len(mlTasks))
		for k := range mlTasks {
			y := 0.0
			if rng.Float64() < prevalence[k] {
				y = 1
			}
			probs[i][k] = (1-signal[k])*rng.Float64() + signal[k]*y
			labels[i][k] = y
			if rng.Float64() < 0.2 {
				labels[i][k] = math.NaN()
			}
		}
	}
	r, err := eval.ClassifyMultiLabel(labels, probs, mlTasks, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

var mlBootstrap = eval.WithBootstrap(eval.BootstrapConfig{Resamples: 200, Seed: 1})

// The report keeps what the plots need: a ROC curve per task with both classes, and per-task
// intervals around the per-task values when bootstrapped.
func TestMultiLabelReportCurvesAndIntervals(t *testing.T) {
	plain := multiLabelReport(t)
	withCI := multiLabelReport(t, mlBootstrap)
	for _, r := range []*eval.MultiLabelReport{plain, withCI} {
		if len(r.ROC) != len(mlTasks) {
			t.Fatalf("%d ROC curves for %d tasks", len(r.ROC), len(mlTasks))
		}
		for k, m := range r.PerTask {
			c := r.ROC[k]
			if m.Task == "fracture" {
				if c != nil || m.AUCCI != nil || m.APCI != nil {
					t.Errorf("fracture (one class) has a curve %v or intervals %v, %v", c, m.AUCCI, m.APCI)
				}
				continue
			}
			if c == nil || c.Label != m.Task || math.Abs(c.AUC-m.AUC) > 1e-12 || c.Positives != m.Positives || c.Positives+c.Negatives != m.N {
				t.Errorf("task %s: curve %+v does not match AUC %v, %d positives of %d", m.Task, c, m.AUC, m.Positives, m.N)
			}
		}
	}
	for _, m := range plain.PerTask {
		if m.AUCCI != nil || m.APCI != nil {
			t.Errorf("task %s has intervals without bootstrapping", m.Task)
		}
	}
	for _, m := range withCI.PerTask[:3] {
		for _, c := range []struct {
			name string
			ci   *eval.CI
			v    float64
		}{{"AUC", m.AUCCI, m.AUC}, {"AP", m.APCI, m.AP}} {
			if c.ci == nil || c.ci.Estimate != c.v || !(c.ci.Lower <= c.v && c.v <= c.ci.Upper) || c.ci.Lower == c.ci.Upper || c.ci.Resamples+c.ci.Skipped != 200 {
				t.Errorf("task %s: %s interval %+v around %v", m.Task, c.name, c.ci, c.v)
			}
		}
	}
	// The rare task's interval is wider than the common one's: it rests on fewer examples.
	w := func(c *eval.CI) float64 { return c.Upper - c.Lower }
	if w(withCI.PerTask[2].AUCCI) <= w(withCI.PerTask[0].AUCCI) {
		t.Errorf("rare task's AUC interval %v is not wider than the common task's %v", withCI.PerTask[2].AUCCI, withCI.PerTask[0].AUCCI)
	}
}

func TestMultiLabelForest(t *testing.T) {
	plain := multiLabelReport(t)
	withCI := multiLabelReport(t, mlBootstrap)
	tests := []struct {
		name, metric string
		r            *eval.MultiLabelReport
		key, xLabel  string
		ci           bool
	}{
		{"AUC by default", "", withCI, "auc", "AUC (ROC) (95% CI)", true},
		{"average precision", "ap", withCI, "ap", "average precision (95% CI)", true},
		{"without intervals", "auc", plain, "auc", "AUC (ROC)", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := MultiLabelForest(tc.r, tc.metric)
			if err := f.Err(); err != nil {
				t.Fatal(err)
			}
			p := f.Plot(0, 0)
			if f.Title() != "Per task: "+eval.MetricName(tc.key) || p.X.Label.Text != tc.xLabel {
				t.Errorf("title %q, x label %q; want %q, %q", f.Title(), p.X.Label.Text, "Per task: "+eval.MetricName(tc.key), tc.xLabel)
			}
			rows := len(mlTasks) + 1
			macro, macroCI := tc.r.MacroAUC, tc.r.CI["macro_auc"]
			if tc.key == "ap" {
				macro, macroCI = tc.r.MacroAP, tc.r.CI["macro_ap"]
			}
			// The macro average is the top row, the tasks follow in order.
			if !hasGlyphAt(p, macro, float64(rows-1)) {
				t.Errorf("no macro point at %v on the top row", macro)
			}
			if tc.ci && (!hasGlyphAt(p, macroCI.Lower, float64(rows-1)) || !hasGlyphAt(p, macroCI.Upper, float64(rows-1))) {
				t.Errorf("no macro interval %v–%v", macroCI.Lower, macroCI.Upper)
			}
			for k, m := range tc.r.PerTask[:3] {
				y := float64(rows - 2 - k)
				v, ci := m.AUC, m.AUCCI
				if tc.key == "ap" {
					v, ci = m.AP, m.APCI
				}
				if !hasGlyphAt(p, v, y) {
					t.Errorf("task %s: no point at %v on row %v", m.Task, v, y)
				}
				if hasCaps := ci != nil && hasGlyphAt(p, ci.Lower, y) && hasGlyphAt(p, ci.Upper, y); hasCaps != tc.ci {
					t.Errorf("task %s: interval drawn %v, want %v", m.Task, hasCaps, tc.ci)
				}
			}
			svg, err := f.SVG()
			if err != nil {
				t.Fatal(err)
			}
			want := []string{"macro average (3 of 4 tasks)", fmt.Sprintf("macro %s %.3f", eval.MetricName(tc.key), macro),
				fmt.Sprintf("nodule (n=%d, %d positive)", tc.r.PerTask[2].N, tc.r.PerTask[2].Positives),
				fmt.Sprintf("fracture (n=%d, 0 positive): undefined (one class)", tc.r.PerTask[3].N)}
			for _, w := range want {
				if !strings.Contains(string(svg), ">"+w+"<") {
					t.Errorf("SVG lacks %q", w)
				}
			}
			if _, h := f.Dims(); h < 120+30*rows {
				t.Errorf("height %d leaves less than 30 px per row", h)
			}
			checkFigure(t, "multilabel_forest_"+strings.ReplaceAll(tc.name, " ", "_"), f)
		})
	}
}

func TestMultiLabelROC(t *testing.T) {
	r := multiLabelReport(t)
	f := MultiLabelROC(r)
	if err := f.Err(); err != nil {
		t.Fatal(err)
	}
	// Three panels with curves; fracture has none and the title says so.
	if f.Rows()*f.Cols() < 3 || f.Plot(0, 0) == nil {
		t.Fatalf("grid %dx%d", f.Rows(), f.Cols())
	}
	if want := "ROC curve per task (none for fracture: one class only)"; f.Title() != want {
		t.Errorf("title %q, want %q", f.Title(), want)
	}
	var titles []string
	for row := range f.Rows() {
		for col := range f.Cols() {
			if p := f.Plot(row, col); p != nil {
				titles = append(titles, p.Title.Text)
				if p.X.Min != 0 || p.X.Max != 1 || p.Y.Min != 0 || p.Y.Max != 1 || p.Y.Label.Text != "sensitivity" {
					t.Errorf("panel %q: axes [%v, %v] × [%v, %v], y label %q", p.Title.Text, p.X.Min, p.X.Max, p.Y.Min, p.Y.Max, p.Y.Label.Text)
				}
			}
		}
	}
	var want []string
	for _, m := range r.PerTask[:3] {
		want = append(want, fmt.Sprintf("%s (AUC %.3f)", m.Task, m.AUC))
	}
	if strings.Join(titles, "|") != strings.Join(want, "|") {
		t.Errorf("panels %q, want %q", titles, want)
	}
	checkFigure(t, "multilabel_roc", f)
}

func TestMultiLabelErrors(t *testing.T) {
	r := multiLabelReport(t)
	oneClass, err := eval.ClassifyMultiLabel([][]float64{{0, 1}, {0, 1}, {0, math.NaN()}}, [][]float64{{0.2, 0.9}, {0.4, 0.3}, {0.1, 0.5}}, []string{"a", "b"})
	if err != nil {
		t.Fatal(err)
	}
	handMade := &eval.MultiLabelReport{Tasks: []string{"a"}, PerTask: []eval.TaskMetrics{{Task: "a", AUC: 0.8}}, MacroAUC: 0.8}
	tests := []struct {
		name string
		fig  func() *Figure
		want string
	}{
		{"forest nil", func() *Figure { return MultiLabelForest(nil, "") }, "nil report"},
		{"forest empty", func() *Figure { return MultiLabelForest(&eval.MultiLabelReport{}, "") }, "no tasks"},
		{"forest unknown metric", func() *Figure { return MultiLabelForest(r, "brier") }, `no per-task metric "brier"; pass "auc" or "ap"`},
		{"forest one class everywhere", func() *Figure { return MultiLabelForest(oneClass, "auc") }, "undefined for every task"},
		{"ROC nil", func() *Figure { return MultiLabelROC(nil) }, "nil report"},
		{"ROC without curves", func() *Figure { return MultiLabelROC(handMade) }, "0 ROC curves for 1 tasks"},
		{"ROC one class everywhere", func() *Figure { return MultiLabelROC(oneClass) }, "no task has both classes"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.fig().Err()
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got error %v; want one containing %q", err, tc.want)
			}
		})
	}
}

func TestMultiLabelReportShow(t *testing.T) {
	r := multiLabelReport(t, mlBootstrap)
	t.Run("outside a notebook", func(t *testing.T) {
		withNotebook(t, nil, func(out *bytes.Buffer) {
			if err := MultiLabelReport(r); err != nil {
				t.Fatal(err)
			}
			text := out.String()
			// The text report, then the two plots' files.
			if !strings.HasPrefix(text, r.String()) {
				t.Errorf("output does not start with the text report:\n%s", text)
			}
			for _, w := range []string{"Per task: AUC (ROC): ", "ROC curve per task (none for fracture: one class only): "} {
				if !strings.Contains(text, w) || !strings.Contains(text, ".png") {
					t.Errorf("output lacks the figure line %q:\n%s", w, text)
				}
			}
		})
	})
	t.Run("in a notebook", func(t *testing.T) {
		nb := &fakeNotebook{}
		withNotebook(t, nb, func(out *bytes.Buffer) {
			if err := MultiLabelReport(r); err != nil {
				t.Fatal(err)
			}
			if len(nb.htmls) != 1 || out.Len() != 0 {
				t.Fatalf("%d HTML outputs, %d bytes of text; want one HTML output only", len(nb.htmls), out.Len())
			}
			page := nb.htmls[0]
			if !strings.HasPrefix(page, r.HTML()) || strings.Count(page, `<img src="data:image/png;base64,`) != 2 {
				t.Errorf("page lacks the report tables or the two plots")
			}
		})
	})
	t.Run("tables even without plots", func(t *testing.T) {
		oneClass, err := eval.ClassifyMultiLabel([][]float64{{0}, {0}}, [][]float64{{0.2}, {0.4}}, []string{"a"})
		if err != nil {
			t.Fatal(err)
		}
		withNotebook(t, nil, func(out *bytes.Buffer) {
			err := MultiLabelReport(oneClass)
			if err == nil || !strings.Contains(err.Error(), "undefined for every task") {
				t.Errorf("error %v, want one saying why there is no plot", err)
			}
			if !strings.Contains(out.String(), oneClass.String()) {
				t.Errorf("the tables were not shown:\n%s", out.String())
			}
		})
	})
	if err := MultiLabelReport(nil); err == nil || !strings.Contains(err.Error(), "nil report") {
		t.Errorf("nil report: %v", err)
	}
}
