// SPDX-License-Identifier: Apache-2.0

package display

import (
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/medgo-lab/medgo/mlkit/eval"
)

// subgroupReport evaluates a model that works at site "a", less well at "b" and "c",
// with a site "d" too small for intervals.
func subgroupReport(t *testing.T) *eval.SubgroupReport {
	t.Helper()
	rng := rand.New(rand.NewPCG(1, 2))
	var labels []int
	var probs []float64
	var groups []string
	for _, s := range []struct {
		name   string
		n      int
		signal float64
	}{{"a", 150, 0.5}, {"b", 120, 0.2}, {"c", 100, 0.05}, {"d", 8, 0.5}} {
		for range s.n {
			y := 0
			if rng.Float64() < 0.4 {
				y = 1
			}
			p := (1-s.signal)*rng.Float64() + s.signal*float64(y)
			labels, probs, groups = append(labels, y), append(probs, p), append(groups, s.name)
		}
	}
	r, err := eval.Subgroups(labels, probs, groups, eval.SubgroupConfig{Bootstrap: eval.BootstrapConfig{Resamples: 200, Seed: 1}})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestSubgroupForest(t *testing.T) {
	r := subgroupReport(t)
	if !r.Groups[3].Small {
		t.Fatalf("fixture: group d should be too small for intervals")
	}
	tests := []struct {
		metric, title, xLabel string
		legend                int // legend entries
	}{
		{"", "Subgroups: AUC (ROC)", "AUC (ROC) (95% CI)", 4},
		{"sensitivity", "Subgroups: sensitivity (recall)", "sensitivity (recall) (95% CI)", 4},
		{"specificity", "Subgroups: specificity", "specificity (95% CI)", 4},
	}
	for _, tc := range tests {
		t.Run(tc.title, func(t *testing.T) {
			f := SubgroupForest(r, tc.metric)
			if err := f.Err(); err != nil {
				t.Fatal(err)
			}
			if f.Title() != tc.title || f.Plot(0, 0).X.Label.Text != tc.xLabel {
				t.Errorf("title %q, x label %q; want %q, %q", f.Title(), f.Plot(0, 0).X.Label.Text, tc.title, tc.xLabel)
			}
			// One row per group plus overall, and room for the legend entries (overall line,
			// estimate, gap flag when some gap excludes 0, too few cases) above them.
			if w, h := f.Dims(); w != 680 || h != 120+34*5+17*tc.legend {
				t.Errorf("size %dx%d, want 680x%d", w, h, 120+34*5+17*tc.legend)
			}
			p := f.Plot(0, 0)
			if p.X.Min >= p.X.Max || p.Y.Min != -0.5 || p.Y.Max != 4.5+0.5*float64(tc.legend) {
				t.Errorf("axes x [%v, %v], y [%v, %v]", p.X.Min, p.X.Max, p.Y.Min, p.Y.Max)
			}
			svg, err := f.SVG()
			if err != nil {
				t.Fatal(err)
			}
			for _, want := range []string{">overall (n=378)<", ">a (n=150)<", ">d (n=8): too few cases<", ">too few cases for a CI<"} {
				if !strings.Contains(string(svg), want) {
					t.Errorf("SVG lacks the label %q", want)
				}
			}
			name := "forest_" + tc.metric
			if tc.metric == "" {
				name = "forest_auc"
			}
			checkFigure(t, name, f)
		})
	}
}

func TestSubgroupForestNoFlags(t *testing.T) {
	// One group: its gap to overall is exactly 0, so nothing is flagged or too small, and
	// the legend has two entries (overall line, estimate and CI).
	r, err := eval.Subgroups(testLabels, testScores, strings.Split("s s s s s s s s s s s s", " "), eval.SubgroupConfig{MinClassCount: 3, Bootstrap: eval.BootstrapConfig{Resamples: 100}})
	if err != nil {
		t.Fatal(err)
	}
	f := SubgroupForest(r, "accuracy")
	if err := f.Err(); err != nil {
		t.Fatal(err)
	}
	if _, h := f.Dims(); h != 120+34*2+17*2 {
		t.Errorf("height %d, want %d", h, 120+34*2+17*2)
	}
	svg, _ := f.SVG()
	if strings.Contains(string(svg), "gap to overall excludes 0") || strings.Contains(string(svg), "too few cases") {
		t.Error("legend has entries for flags or small groups that do not occur")
	}
	checkFigure(t, "forest_one_group", f)
}

func TestSubgroupForestErrors(t *testing.T) {
	r := subgroupReport(t)
	undefined, err := eval.Subgroups([]int{1, 1, 0, 0}, []float64{0.2, 0.3, 0.1, 0.4}, []string{"x", "x", "y", "y"}, eval.SubgroupConfig{Metrics: []string{"ppv"}, Threshold: 0.9})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		r      *eval.SubgroupReport
		metric string
		want   string
	}{
		{"nil report", nil, "", "nil report"},
		{"empty report", &eval.SubgroupReport{}, "", "no metrics"},
		{"metric not computed", r, "npv", `no metric "npv"`},
		{"undefined everywhere", undefined, "ppv", "undefined in every group"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := SubgroupForest(tc.r, tc.metric)
			err := f.Err()
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got error %v; want one containing %q", err, tc.want)
			}
		})
	}
}

func TestDecisionCurve(t *testing.T) {
	model, err := eval.DecisionCurveAnalysis(testLabels, testScores, nil)
	if err != nil {
		t.Fatal(err)
	}
	model.Label = "risk model"
	flipped := make([]float64, len(testScores))
	for i, s := range testScores {
		flipped[i] = 1 - s
	}
	bad, _ := eval.DecisionCurveAnalysis(testLabels, flipped, nil)
	one, _ := eval.DecisionCurveAnalysis(testLabels, testScores, []float64{0.3})
	tests := []struct {
		name   string
		curves []*eval.DecisionCurve
		legend []string // model curves, then treat all and treat none
	}{
		{"one model", []*eval.DecisionCurve{model}, []string{"risk model", "treat all", "treat none"}},
		{"two models", []*eval.DecisionCurve{model, bad}, []string{"risk model", "curve 2", "treat all", "treat none"}},
		{"one threshold", []*eval.DecisionCurve{one}, []string{"model", "treat all", "treat none"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := DecisionCurve(tc.curves...)
			if err := f.Err(); err != nil {
				t.Fatal(err)
			}
			p := f.Plot(0, 0)
			if f.Title() != "Decision curve" || p.X.Label.Text != "threshold probability" || p.Y.Label.Text != "net benefit" {
				t.Errorf("title %q, axes %q / %q", f.Title(), p.X.Label.Text, p.Y.Label.Text)
			}
			if w, h := f.Dims(); w != 620 || h != 480 {
				t.Errorf("size %dx%d", w, h)
			}
			svg, err := f.SVG()
			if err != nil {
				t.Fatal(err)
			}
			for _, want := range tc.legend {
				if !strings.Contains(string(svg), ">"+want+"<") {
					t.Errorf("SVG lacks the legend entry %q", want)
				}
			}
			// Treat none (0) is inside the plot, and so is the highest net benefit.
			top := slices.Max(tc.curves[0].TreatAll)
			for _, c := range tc.curves {
				top = math.Max(top, slices.Max(c.Model))
			}
			if !(p.Y.Min < 0 && p.Y.Max >= top && p.X.Min < p.X.Max) {
				t.Errorf("axes x [%v, %v], y [%v, %v]; highest net benefit %v", p.X.Min, p.X.Max, p.Y.Min, p.Y.Max, top)
			}
			checkFigure(t, "decision_"+strings.ReplaceAll(tc.name, " ", "_"), f)
		})
	}
}

func TestDecisionCurveErrors(t *testing.T) {
	short := &eval.DecisionCurve{Thresholds: []float64{0.1, 0.2}, Model: []float64{0.1}, TreatAll: []float64{0.1, 0.0}}
	allNaN := &eval.DecisionCurve{Thresholds: []float64{0.1}, Model: []float64{math.NaN()}, TreatAll: []float64{0.1}}
	tests := []struct {
		name   string
		curves []*eval.DecisionCurve
		want   string
	}{
		{"none", nil, "at least one curve"},
		{"nil curve", []*eval.DecisionCurve{nil}, "curve 0 is nil"},
		{"empty curve", []*eval.DecisionCurve{{}}, "has 0 thresholds"},
		{"mismatched", []*eval.DecisionCurve{short}, "2 thresholds, 1 model"},
		{"no finite point", []*eval.DecisionCurve{allNaN}, "no finite net benefit"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := DecisionCurve(tc.curves...)
			err := f.Err()
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got error %v; want one containing %q", err, tc.want)
			}
		})
	}
}

func TestReferral(t *testing.T) {
	c, err := eval.SelectiveBinary([]int{1, 0, 1, 0, 1, 0}, []int{1, 0, 0, 0, 1, 1}, []float64{0.1, 0.2, 0.9, 0.3, 0.2, 0.8})
	if err != nil {
		t.Fatal(err)
	}
	fig := Referral(c)
	if err := fig.Err(); err != nil {
		t.Fatal(err)
	}
	checkFigure(t, "referral", fig)
	if err := Referral(&eval.SelectiveCurve{}).Err(); err == nil {
		t.Error("an empty curve was plotted")
	}
}
