// SPDX-License-Identifier: Apache-2.0

package display

import (
	"fmt"
	"image/color"
	"math"
	"slices"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/medgo-lab/medgo/mlkit/eval"
)

// disparityColor marks groups whose gap to overall has an interval excluding 0.
var disparityColor = color.RGBA{R: 200, G: 40, B: 45, A: 255}

// ciErrs holds asymmetric horizontal error bars: the distances from each point to the
// lower and upper ends of its interval.
type ciErrs struct {
	plotter.XYs
	low, high []float64
}

func (e ciErrs) XError(i int) (float64, float64) { return e.low[i], e.high[i] }

// SubgroupForest draws a forest plot of one metric of a subgroup analysis: a row per
// group (all examples first) with the point estimate and its confidence interval, and a
// dashed vertical line at the overall value. Groups whose gap to overall has an interval
// excluding 0 are drawn in red; groups too small for an interval get a hollow point and
// no bar. metric is one of r.Metrics ("" for the first).
func SubgroupForest(r *eval.SubgroupReport, metric string) *Figure {
	if r == nil {
		return failed(fmt.Errorf("display: SubgroupForest got a nil report; get one from eval.Subgroups"))
	}
	if len(r.Metrics) == 0 {
		return failed(fmt.Errorf("display: SubgroupForest: the report has no metrics; build it with eval.Subgroups"))
	}
	if metric == "" {
		metric = r.Metrics[0]
	}
	if !slices.Contains(r.Metrics, metric) {
		return failed(fmt.Errorf("display: SubgroupForest: the report has no metric %q; it has %v", metric, r.Metrics))
	}
	rows := append([]eval.Subgroup{r.Overall}, r.Groups...)
	n := len(rows)
	names := make([]string, n)
	var withCI, flagged, small plotter.XYs
	var errs ciErrs
	lo, hi := math.Inf(1), math.Inf(-1)
	extend := func(v float64) {
		if isFinite(v) {
			lo, hi = math.Min(lo, v), math.Max(hi, v)
		}
	}
	for i, g := range rows {
		y := float64(n - 1 - i) // first row at the top
		sm := g.Metrics[metric]
		label := fmt.Sprintf("%s (n=%d)", g.Name, g.N)
		switch {
		case !isFinite(sm.Value):
			label += ": undefined"
		case sm.CI != nil:
			pt := plotter.XY{X: sm.Value, Y: y}
			errs.XYs = append(errs.XYs, pt)
			errs.low = append(errs.low, math.Max(0, sm.Value-sm.CI.Lower))
			errs.high = append(errs.high, math.Max(0, sm.CI.Upper-sm.Value))
			if sm.Disparity {
				flagged = append(flagged, pt)
			} else {
				withCI = append(withCI, pt)
			}
			extend(sm.CI.Lower)
			extend(sm.CI.Upper)
		default:
			small = append(small, plotter.XY{X: sm.Value, Y: y})
			label += ": too few cases"
		}
		extend(sm.Value)
		names[n-1-i] = label
	}
	if math.IsInf(lo, 1) {
		return failed(fmt.Errorf("display: SubgroupForest: %s is undefined in every group; choose another metric", metric))
	}

	level := r.Level
	if level == 0 {
		level = 0.95
	}
	p := newPlot("Subgroups: "+eval.MetricName(metric), fmt.Sprintf("%s (%g%% CI)", eval.MetricName(metric), level*100), "")
	overall := r.Overall.Metrics[metric].Value
	if isFinite(overall) {
		ref, err := newLine([]float64{overall, overall}, []float64{-0.5, float64(n) - 0.5}, chanceColor, true)
		if err != nil {
			return failed(fmt.Errorf("display: overall line: %w", err))
		}
		ref.Width = vg.Points(1)
		p.Add(ref)
		p.Legend.Add(fmt.Sprintf("overall %.3f", overall), ref)
	}
	if len(errs.XYs) > 0 {
		eb, err := plotter.NewXErrorBars(errs)
		if err != nil {
			return failed(fmt.Errorf("display: confidence intervals: %w", err))
		}
		eb.LineStyle.Width = vg.Points(1.5)
		eb.LineStyle.Color = seriesColor(0)
		p.Add(eb)
	}
	for _, s := range []struct {
		pts    plotter.XYs
		c      color.Color
		hollow bool
		label  string
	}{
		{withCI, seriesColor(0), false, "estimate and CI"},
		{flagged, disparityColor, false, "gap to overall excludes 0"},
		{small, seriesColor(0), true, "too few cases for a CI"},
	} {
		if len(s.pts) == 0 {
			continue
		}
		sc, err := plotter.NewScatter(s.pts)
		if err != nil {
			return failed(fmt.Errorf("display: forest points: %w", err))
		}
		sc.GlyphStyle.Color, sc.GlyphStyle.Radius = s.c, vg.Points(4)
		sc.GlyphStyle.Shape = draw.CircleGlyph{}
		if s.hollow {
			sc.GlyphStyle.Shape = draw.RingGlyph{}
		}
		p.Add(sc)
		p.Legend.Add(s.label, sc)
	}
	p.NominalY(names...)
	// Room above the first row for the legend (about half a row per entry), so that it
	// covers no interval.
	entries := 1 + min(len(withCI), 1) + min(len(flagged), 1) + min(len(small), 1)
	p.Y.Min, p.Y.Max = -0.5, float64(n)-0.5+0.5*float64(entries)
	if isFinite(overall) {
		extend(overall)
	}
	pad := math.Max(0.05*(hi-lo), 0.02)
	p.X.Min, p.X.Max = lo-pad, hi+pad
	p.Legend.Top, p.Legend.Left = false, true
	return newFigure([]*plot.Plot{p}, 1).Size(680, 120+34*n+17*entries)
}

// DecisionCurve plots decision curves (Vickers & Elkin, 2006): the net benefit of each
// model against the threshold probability, with the strategies of treating everyone
// (from the first curve's labels) and treating no one (net benefit 0). The vertical axis
// runs from a little below 0 to the highest net benefit: the region of negative benefit
// matters little, and treating everyone falls steeply there.
func DecisionCurve(curves ...*eval.DecisionCurve) *Figure {
	if len(curves) == 0 {
		return failed(fmt.Errorf("display: DecisionCurve needs at least one curve; get one from eval.DecisionCurveAnalysis"))
	}
	for i, c := range curves {
		if c == nil {
			return failed(fmt.Errorf("display: decision curve %d is nil", i))
		}
		if len(c.Thresholds) == 0 || len(c.Model) != len(c.Thresholds) || len(c.TreatAll) != len(c.Thresholds) {
			return failed(fmt.Errorf("display: decision curve %d (%s) has %d thresholds, %d model and %d treat-all values; pass a curve from eval.DecisionCurveAnalysis",
				i, c.Label, len(c.Thresholds), len(c.Model), len(c.TreatAll)))
		}
		if !slices.ContainsFunc(c.Model, isFinite) {
			return failed(fmt.Errorf("display: decision curve %d (%s) has no finite net benefit to plot", i, c.Label))
		}
	}
	p := newPlot("Decision curve", "threshold probability", "net benefit")
	first := curves[0]
	x0, x1 := first.Thresholds[0], first.Thresholds[len(first.Thresholds)-1]
	top, bottom := 0.0, 0.0
	for _, c := range curves {
		x0, x1 = math.Min(x0, c.Thresholds[0]), math.Max(x1, c.Thresholds[len(c.Thresholds)-1])
		for _, v := range c.Model {
			if isFinite(v) {
				top, bottom = math.Max(top, v), math.Min(bottom, v)
			}
		}
	}
	for _, v := range first.TreatAll {
		if isFinite(v) {
			top = math.Max(top, v)
		}
	}
	top = math.Max(top, 0.01)

	none, err := newLine([]float64{x0, x1}, []float64{0, 0}, chanceColor, true)
	if err != nil {
		return failed(fmt.Errorf("display: treat-none line: %w", err))
	}
	none.Width = vg.Points(1)
	all, err := newLine(first.Thresholds, first.TreatAll, color.Gray{Y: 90}, false)
	if err != nil {
		return failed(fmt.Errorf("display: treat-all line: %w", err))
	}
	all.Width = vg.Points(1)
	p.Add(none, all)
	for i, c := range curves {
		l, err := newLine(c.Thresholds, c.Model, seriesColor(i), false)
		if err != nil {
			return failed(fmt.Errorf("display: decision curve %d (%s): %w", i, c.Label, err))
		}
		p.Add(l)
		label := c.Label
		if label == "" {
			label = "model"
			if len(curves) > 1 {
				label = curveLabel("", i)
			}
		}
		p.Legend.Add(label, l)
	}
	p.Legend.Add("treat all", all)
	p.Legend.Add("treat none", none)
	// The model and treat-all curves start high on the left and treat-all falls below zero
	// on the right, so the space under them at the bottom left stays clear.
	p.Legend.Top, p.Legend.Left = false, true
	if x1 <= x0 { // a single threshold
		x0, x1 = x0-0.01, x1+0.01
	}
	p.X.Min, p.X.Max = x0, x1
	p.Y.Max = 1.05 * top
	p.Y.Min = math.Min(-0.05*top, math.Max(bottom, -0.25*top))
	return newFigure([]*plot.Plot{p}, 1).Size(620, 480)
}

// Referral plots a selective-prediction curve (eval.Selective or eval.SelectiveBinary):
// accuracy, and sensitivity and specificity when the curve has them, on the cases the model
// keeps, against the share of cases kept when the least certain are referred first.
func Referral(c *eval.SelectiveCurve) *Figure {
	if c == nil || len(c.Coverage) == 0 || len(c.Accuracy) != len(c.Coverage) {
		return failed(fmt.Errorf("display: Referral needs a curve from eval.Selective or eval.SelectiveBinary"))
	}
	p := newPlot("Referral curve: least certain cases referred first", "share of cases kept by the model", "on the kept cases")
	series := []struct {
		name string
		y    []float64
	}{{"accuracy", c.Accuracy}, {"sensitivity", c.Sensitivity}, {"specificity", c.Specificity}}
	for i, s := range series {
		if len(s.y) != len(c.Coverage) || !slices.ContainsFunc(s.y, isFinite) {
			continue
		}
		var xs, ys []float64
		for j, v := range s.y {
			if isFinite(v) {
				xs, ys = append(xs, c.Coverage[j]), append(ys, v)
			}
		}
		l, err := newLine(xs, ys, seriesColor(i), false)
		if err != nil {
			return failed(fmt.Errorf("display: referral curve %s: %w", s.name, err))
		}
		p.Add(l)
		p.Legend.Add(s.name, l)
	}
	p.Legend.Top = false
	p.X.Min, p.X.Max = 0, 1
	return newFigure([]*plot.Plot{p}, 1).Size(620, 480)
}
