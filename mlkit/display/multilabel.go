// SPDX-License-Identifier: Apache-2.0

package display

import (
	"fmt"
	"io"
	"math"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/medgo-lab/medgo/mlkit/eval"
)

// multiLabelMetrics are the per-task metrics MultiLabelForest draws, with the report's
// macro key for each.
var multiLabelMetrics = map[string]string{"auc": "macro_auc", "ap": "macro_ap"}

// MultiLabelForest draws one metric of a multi-label report per task, as a forest plot: the
// macro average at the top (with its interval when the report has one), then a row per task
// in the report's order with its value, and its bootstrap interval when the report was
// built with eval.WithCI; a dashed vertical line marks the macro average. Tasks left out of
// the macro average (one class among their labels) are listed as undefined. metric is "auc"
// or "ap" ("" for auc).
func MultiLabelForest(r *eval.MultiLabelReport, metric string) *Figure {
	if r == nil {
		return failed(fmt.Errorf("display: MultiLabelForest got a nil report; build one with eval.ClassifyMultiLabel"))
	}
	if len(r.PerTask) == 0 {
		return failed(fmt.Errorf("display: MultiLabelForest: the report has no tasks; build it with eval.ClassifyMultiLabel"))
	}
	if metric == "" {
		metric = "auc"
	}
	macroKey, ok := multiLabelMetrics[metric]
	if !ok {
		return failed(fmt.Errorf("display: MultiLabelForest: no per-task metric %q; pass \"auc\" or \"ap\" (\"\" for auc)", metric))
	}
	name := eval.MetricName(metric)
	macro := r.MacroAUC
	if metric == "ap" {
		macro = r.MacroAP
	}
	n := len(r.PerTask) + 1
	names := make([]string, n)
	var points, hollow plotter.XYs
	var errs ciErrs
	lo, hi := math.Inf(1), math.Inf(-1)
	extend := func(vs ...float64) {
		for _, v := range vs {
			if isFinite(v) {
				lo, hi = math.Min(lo, v), math.Max(hi, v)
			}
		}
	}
	add := func(row int, label string, v float64, ci *eval.CI) {
		y := float64(n - 1 - row) // first row at the top
		switch {
		case !isFinite(v):
			label += ": undefined (one class)"
		case ci != nil && isFinite(ci.Lower) && isFinite(ci.Upper):
			pt := plotter.XY{X: v, Y: y}
			errs.XYs = append(errs.XYs, pt)
			errs.low = append(errs.low, math.Max(0, v-ci.Lower))
			errs.high = append(errs.high, math.Max(0, ci.Upper-v))
			points = append(points, pt)
			extend(ci.Lower, ci.Upper)
		default:
			hollow = append(hollow, plotter.XY{X: v, Y: y})
		}
		extend(v)
		names[n-1-row] = label
	}
	var macroCI *eval.CI
	if c, found := r.CI[macroKey]; found {
		macroCI = &c
	}
	add(0, fmt.Sprintf("macro average (%d of %d tasks)", len(r.PerTask)-len(r.Excluded), len(r.PerTask)), macro, macroCI)
	for i, m := range r.PerTask {
		v, ci := m.AUC, m.AUCCI
		if metric == "ap" {
			v, ci = m.AP, m.APCI
		}
		if !isFinite(m.AUC) {
			// Out of the macro average: an AP without an AUC would look comparable but is not.
			v = math.NaN()
		}
		add(i+1, fmt.Sprintf("%s (n=%d, %d positive)", m.Task, m.N, m.Positives), v, ci)
	}
	if math.IsInf(lo, 1) {
		return failed(fmt.Errorf("display: MultiLabelForest: %s is undefined for every task (each has one class among its labels); evaluate on data with positives and negatives for some task", name))
	}

	xLabel := name
	if len(errs.XYs) > 0 {
		level := 0.95
		if macroCI != nil && macroCI.Level > 0 {
			level = macroCI.Level
		} else {
			for _, m := range r.PerTask {
				if m.AUCCI != nil && m.AUCCI.Level > 0 {
					level = m.AUCCI.Level
					break
				}
			}
		}
		xLabel = fmt.Sprintf("%s (%g%% CI)", name, level*100)
	}
	p := newPlot("Per task: "+name, xLabel, "")
	entries := 0
	if isFinite(macro) {
		ref, err := newLine([]float64{macro, macro}, []float64{-0.5, float64(n) - 0.5}, chanceColor, true)
		if err != nil {
			return failed(fmt.Errorf("display: MultiLabelForest: macro line: %w", err))
		}
		ref.Width = vg.Points(1)
		p.Add(ref)
		p.Legend.Add(fmt.Sprintf("macro %s %.3f", name, macro), ref)
		entries++
	}
	if len(errs.XYs) > 0 {
		eb, err := plotter.NewXErrorBars(errs)
		if err != nil {
			return failed(fmt.Errorf("display: MultiLabelForest: confidence intervals: %w", err))
		}
		eb.LineStyle.Width, eb.LineStyle.Color = vg.Points(1.5), seriesColor(0)
		p.Add(eb)
	}
	for _, s := range []struct {
		pts    plotter.XYs
		hollow bool
		label  string
	}{{points, false, "estimate and CI"}, {hollow, true, "estimate (no interval)"}} {
		if len(s.pts) == 0 {
			continue
		}
		sc, err := plotter.NewScatter(s.pts)
		if err != nil {
			return failed(fmt.Errorf("display: MultiLabelForest: points: %w", err))
		}
		sc.GlyphStyle.Color, sc.GlyphStyle.Radius, sc.GlyphStyle.Shape = seriesColor(0), vg.Points(4), draw.CircleGlyph{}
		if s.hollow {
			sc.GlyphStyle.Shape = draw.RingGlyph{}
		}
		p.Add(sc)
		p.Legend.Add(s.label, sc)
		entries++
	}
	p.NominalY(names...)
	p.Y.Min, p.Y.Max = -0.5, float64(n)-0.5+0.5*float64(entries)
	pad := math.Max(0.05*(hi-lo), 0.02)
	p.X.Min, p.X.Max = lo-pad, hi+pad
	// The legend goes in the room left above the first row.
	p.Legend.Top, p.Legend.Left = true, true
	return newFigure([]*plot.Plot{p}, 1).Size(680, 120+30*n+17*entries)
}

// MultiLabelROC draws each task's ROC curve in its own panel (title: task and AUC), with the
// chance diagonal, in a grid of up to four columns. Tasks without both classes have no
// curve; the figure's title names them.
func MultiLabelROC(r *eval.MultiLabelReport) *Figure {
	if r == nil {
		return failed(fmt.Errorf("display: MultiLabelROC got a nil report; build one with eval.ClassifyMultiLabel"))
	}
	if len(r.ROC) != len(r.Tasks) {
		return failed(fmt.Errorf("display: MultiLabelROC: the report has %d ROC curves for %d tasks; build it with eval.ClassifyMultiLabel, which keeps one per task", len(r.ROC), len(r.Tasks)))
	}
	var plots []*plot.Plot
	var missing []string
	for t, c := range r.ROC {
		if c == nil {
			missing = append(missing, r.Tasks[t])
			continue
		}
		p := newPlot(fmt.Sprintf("%s (AUC %.3f)", r.Tasks[t], c.AUC), "1 - specificity", "sensitivity")
		unitAxes(p)
		diag, err := newLine([]float64{0, 1}, []float64{0, 1}, chanceColor, true)
		if err != nil {
			return failed(fmt.Errorf("display: MultiLabelROC: chance line: %w", err))
		}
		diag.Width = vg.Points(1)
		l, err := newLine(c.FPR, c.TPR, seriesColor(0), false)
		if err != nil {
			return failed(fmt.Errorf("display: MultiLabelROC: task %q: %w", r.Tasks[t], err))
		}
		p.Add(diag, l)
		plots = append(plots, p)
	}
	if len(plots) == 0 {
		return failed(fmt.Errorf("display: MultiLabelROC: no task has both classes among its labels, so there is no ROC curve to draw (tasks: %s)", strings.Join(r.Tasks, ", ")))
	}
	cols := gridCols(len(plots), 4)
	rows := (len(plots) + cols - 1) / cols
	title := "ROC curve per task"
	if len(missing) > 0 {
		title += fmt.Sprintf(" (none for %s: one class only)", strings.Join(missing, ", "))
	}
	return newFigure(plots, cols).SetTitle(title).Size(40+280*cols, 50+270*rows)
}

// MultiLabelFigures returns the plots of a multi-label report: the per-task AUC forest plot
// and the per-task ROC curves.
func MultiLabelFigures(r *eval.MultiLabelReport) ([]*Figure, error) {
	forest := MultiLabelForest(r, "auc")
	if err := forest.Err(); err != nil {
		return nil, err
	}
	roc := MultiLabelROC(r)
	if err := roc.Err(); err != nil {
		return nil, err
	}
	return []*Figure{forest, roc}, nil
}

// MultiLabelReport shows a multi-label report, as Report does a classification report: its
// tables and MultiLabelFigures as one HTML output in a notebook; outside one, the text
// report on Out followed by the paths of the plots written under FigureDir. When no plot
// can be drawn (no task has both classes) the tables are still shown and the error says why.
func MultiLabelReport(r *eval.MultiLabelReport) error {
	if r == nil {
		return report(fmt.Errorf("display: MultiLabelReport got a nil report; build one with eval.ClassifyMultiLabel"))
	}
	figs, figErr := MultiLabelFigures(r)
	if nb := currentNotebook(); nb != nil {
		imgs, err := figuresHTML(figs)
		if err != nil {
			return report(err)
		}
		nb.html(r.HTML() + imgs)
		if err := notebookErr(nb); err != nil {
			return report(err)
		}
		return report(figErr)
	}
	if _, err := io.WriteString(Out, r.String()); err != nil {
		return report(err)
	}
	for _, f := range figs {
		if err := show(f, false); err != nil {
			return report(err)
		}
	}
	return report(figErr)
}
