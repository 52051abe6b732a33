// SPDX-License-Identifier: Apache-2.0

package display

import (
	"cmp"
	"fmt"
	"image/color"
	"math"
	"slices"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/medgo-lab/medgo/mlkit/eval"
)

func curveLabel(label string, i int) string {
	if label == "" {
		return fmt.Sprintf("curve %d", i+1)
	}
	return label
}

// ROC plots ROC curves (sensitivity against 1 - specificity) with the chance diagonal.
// The legend gives each curve's AUC.
func ROC(curves ...*eval.ROCCurve) *Figure {
	if len(curves) == 0 {
		return failed(fmt.Errorf("display: ROC needs at least one curve; get one from eval.ROC or the ROC field of an eval.Report"))
	}
	p := newPlot("ROC curve", "1 - specificity (false positive rate)", "sensitivity (true positive rate)")
	unitAxes(p)
	diag, _ := newLine([]float64{0, 1}, []float64{0, 1}, chanceColor, true)
	diag.Width = vg.Points(1)
	p.Add(diag)
	for i, c := range curves {
		if c == nil {
			return failed(fmt.Errorf("display: ROC curve %d is nil", i))
		}
		l, err := newLine(c.FPR, c.TPR, seriesColor(i), false)
		if err != nil {
			return failed(fmt.Errorf("display: ROC curve %d (%s): %w", i, c.Label, err))
		}
		p.Add(l)
		p.Legend.Add(fmt.Sprintf("%s (AUC %.3f)", curveLabel(c.Label, i), c.AUC), l)
	}
	p.Legend.Add("chance", diag)
	return newFigure([]*plot.Plot{p}, 1).Size(560, 500)
}

// markPoint adds a labelled dot at (x, y).
func markPoint(p *plot.Plot, x, y float64, label string) {
	s, err := plotter.NewScatter(plotter.XYs{{X: x, Y: y}})
	if err != nil {
		return
	}
	s.GlyphStyle.Shape = draw.CircleGlyph{}
	s.GlyphStyle.Radius = vg.Points(4)
	s.GlyphStyle.Color = color.Black
	p.Add(s)
	p.Legend.Add(label, s)
}

// PR plots precision–recall curves as steps (the area under the steps is the average
// precision given in the legend). With one curve, the prevalence baseline is drawn too.
func PR(curves ...*eval.PRCurve) *Figure {
	if len(curves) == 0 {
		return failed(fmt.Errorf("display: PR needs at least one curve; get one from eval.PR or the PR field of an eval.Report"))
	}
	p := newPlot("Precision-recall curve", "recall (sensitivity)", "precision (PPV)")
	unitAxes(p)
	p.Legend.Left = true
	for i, c := range curves {
		if c == nil {
			return failed(fmt.Errorf("display: PR curve %d is nil", i))
		}
		l, err := newLine(c.Recall, c.Precision, seriesColor(i), false)
		if err != nil {
			return failed(fmt.Errorf("display: PR curve %d (%s): %w", i, c.Label, err))
		}
		l.StepStyle = plotter.PreStep
		p.Add(l)
		p.Legend.Add(fmt.Sprintf("%s (AP %.3f)", curveLabel(c.Label, i), c.AP), l)
	}
	if len(curves) == 1 {
		prev := curves[0].Prevalence()
		base, _ := newLine([]float64{0, 1}, []float64{prev, prev}, chanceColor, true)
		base.Width = vg.Points(1)
		p.Add(base)
		p.Legend.Add(fmt.Sprintf("prevalence %.3f", prev), base)
	}
	return newFigure([]*plot.Plot{p}, 1).Size(560, 500)
}

// Calibration draws reliability diagrams: the observed frequency in each bin against the
// mean predicted probability, the diagonal of perfect calibration, and grey bars with the
// share of examples in each bin (of the first curve). The legend gives each curve's ECE.
func Calibration(curves ...*eval.ReliabilityCurve) *Figure {
	if len(curves) == 0 {
		return failed(fmt.Errorf("display: Calibration needs at least one curve; get one from eval.Reliability or the Calibration field of an eval.Report"))
	}
	p := newPlot("Reliability diagram", "mean predicted probability", "observed frequency")
	unitAxes(p)
	p.Legend.Left, p.Legend.Top = true, true
	if c := curves[0]; c != nil {
		total := 0
		for _, n := range c.Count {
			total += n
		}
		var rings []plotter.XYer
		for b, n := range c.Count {
			if n == 0 {
				continue
			}
			h := float64(n) / float64(total)
			x0, x1 := c.Edges[b], c.Edges[b+1]
			rings = append(rings, plotter.XYs{{X: x0, Y: 0}, {X: x1, Y: 0}, {X: x1, Y: h}, {X: x0, Y: h}})
		}
		if len(rings) > 0 {
			bars, err := plotter.NewPolygon(rings...)
			if err != nil {
				return failed(fmt.Errorf("display: calibration bars: %w", err))
			}
			bars.Color = color.Gray{Y: 215}
			bars.LineStyle.Color = color.Gray{Y: 180}
			bars.LineStyle.Width = vg.Points(0.5)
			p.Add(bars)
			p.Legend.Add("share of examples", bars)
		}
	}
	diag, _ := newLine([]float64{0, 1}, []float64{0, 1}, chanceColor, true)
	diag.Width = vg.Points(1)
	p.Add(diag)
	p.Legend.Add("perfect calibration", diag)
	for i, c := range curves {
		if c == nil {
			return failed(fmt.Errorf("display: calibration curve %d is nil", i))
		}
		l, pts, err := plotter.NewLinePoints(finitePoints(c.MeanPredicted, c.Observed))
		if err != nil {
			return failed(fmt.Errorf("display: calibration curve %d (%s): %w", i, c.Label, err))
		}
		l.Color, l.Width = seriesColor(i), vg.Points(1.5)
		pts.Color, pts.Shape, pts.Radius = seriesColor(i), draw.CircleGlyph{}, vg.Points(3)
		p.Add(l, pts)
		p.Legend.Add(fmt.Sprintf("%s (ECE %.3f)", curveLabel(c.Label, i), c.ECE), l, pts)
	}
	return newFigure([]*plot.Plot{p}, 1).Size(560, 500)
}

func finitePoints(xs, ys []float64) plotter.XYs {
	pts := make(plotter.XYs, 0, len(xs))
	for i := range xs {
		if isFinite(xs[i]) && isFinite(ys[i]) {
			pts = append(pts, plotter.XY{X: xs[i], Y: ys[i]})
		}
	}
	return pts
}

// TrainingCurves plots a training history: one panel per metric, with the training values
// (key "loss", or "train_loss") and the validation values (key "val_loss") per epoch.
// NaN values (e.g. epochs without validation) are skipped.
func TrainingCurves(history map[string][]float64) *Figure {
	type panel struct {
		name       string
		train, val []float64
	}
	panels := map[string]*panel{}
	for key, values := range history {
		name, isVal := key, false
		switch {
		case strings.HasPrefix(key, "val_"):
			name, isVal = strings.TrimPrefix(key, "val_"), true
		case strings.HasPrefix(key, "train_"):
			name = strings.TrimPrefix(key, "train_")
		}
		pn, ok := panels[name]
		if !ok {
			pn = &panel{name: name}
			panels[name] = pn
		}
		if isVal {
			pn.val = values
		} else {
			pn.train = values
		}
	}
	if len(panels) == 0 {
		return failed(fmt.Errorf("display: TrainingCurves got an empty history; pass metric names mapped to one value per epoch, e.g. {\"loss\": ..., \"val_loss\": ...}"))
	}
	names := make([]string, 0, len(panels))
	for n := range panels {
		names = append(names, n)
	}
	slices.SortFunc(names, func(a, b string) int {
		if (a == "loss") != (b == "loss") {
			if a == "loss" {
				return -1
			}
			return 1
		}
		return cmp.Compare(a, b)
	})
	var plots []*plot.Plot
	for _, n := range names {
		pn := panels[n]
		p := newPlot(n, "epoch", n)
		// Keep the legend away from the curves: top right for falling curves (losses),
		// bottom right for rising ones (accuracy, AUC).
		p.Legend.Top = !rising(pn.train, pn.val)
		for i, s := range []struct {
			label  string
			values []float64
		}{{"train", pn.train}, {"validation", pn.val}} {
			if len(s.values) == 0 {
				continue
			}
			epochs := make([]float64, len(s.values))
			for e := range epochs {
				epochs[e] = float64(e + 1)
			}
			l, pts, err := plotter.NewLinePoints(finitePoints(epochs, s.values))
			if err != nil {
				return failed(fmt.Errorf("display: training curve %q (%s): %w", n, s.label, err))
			}
			l.Color, l.Width = seriesColor(i), vg.Points(1.5)
			if i == 1 {
				l.Dashes = []vg.Length{vg.Points(4), vg.Points(2)}
			}
			pts.Color, pts.Shape, pts.Radius = seriesColor(i), draw.CircleGlyph{}, vg.Points(2)
			p.Add(l, pts)
			p.Legend.Add(s.label, l)
		}
		plots = append(plots, p)
	}
	cols := min(len(plots), 3)
	rows := (len(plots) + cols - 1) / cols
	return newFigure(plots, cols).Size(min(420*cols, 1260), 340*rows)
}

// rising reports whether the first non-empty series ends higher than it starts.
func rising(series ...[]float64) bool {
	for _, s := range series {
		pts := finitePoints(s, s)
		if len(pts) >= 2 {
			return pts[len(pts)-1].Y > pts[0].Y
		}
	}
	return false
}

// Signals plots one or more signals (e.g. ECG leads), one panel each, in a grid. names
// titles the panels (nil for "channel 1", ...). With sampleRate > 0 (in Hz) the time axis
// is in seconds, otherwise in samples.
func Signals(traces [][]float64, names []string, sampleRate float64) *Figure {
	if len(traces) == 0 {
		return failed(fmt.Errorf("display: Signals got no traces; pass one []float64 per channel"))
	}
	if names != nil && len(names) != len(traces) {
		return failed(fmt.Errorf("display: Signals got %d names for %d traces; pass one name per trace (or nil)", len(names), len(traces)))
	}
	xLabel := "sample"
	if sampleRate > 0 {
		xLabel = "time (s)"
	}
	plots := make([]*plot.Plot, len(traces))
	for i, tr := range traces {
		if len(tr) == 0 {
			return failed(fmt.Errorf("display: trace %d is empty", i))
		}
		name := fmt.Sprintf("channel %d", i+1)
		if names != nil {
			name = names[i]
		}
		xs := make([]float64, len(tr))
		for j := range xs {
			xs[j] = float64(j)
			if sampleRate > 0 {
				xs[j] /= sampleRate
			}
		}
		p := newPlot(name, xLabel, "")
		l, err := newLine(xs, tr, seriesColor(0), false)
		if err != nil {
			return failed(fmt.Errorf("display: trace %d (%s): %w", i, name, err))
		}
		l.Width = vg.Points(0.8)
		p.Add(l)
		plots[i] = p
	}
	cols := 1
	switch n := len(traces); {
	case n > 8:
		cols = 3
	case n > 4:
		cols = 2
	}
	rows := (len(traces) + cols - 1) / cols
	return newFigure(plots, cols).Size(min(900+150*(cols-1), 1300), 60+170*rows)
}

// Channels splits one example stored as [length, channels] in row-major order (the
// layout of a data.Dataset sequence example) into one trace per channel, for Signals.
func Channels(x []float32, length, channels int) ([][]float64, error) {
	if length <= 0 || channels <= 0 || len(x) != length*channels {
		return nil, fmt.Errorf("display: Channels got %d values for length %d × %d channels; pass exactly length×channels values", len(x), length, channels)
	}
	out := make([][]float64, channels)
	for c := range out {
		out[c] = make([]float64, length)
		for t := range length {
			out[c][t] = float64(x[t*channels+c])
		}
	}
	return out, nil
}

// Bars draws a horizontal bar chart, first name at the top.
func Bars(names []string, values []float64, title string) *Figure {
	return bars(names, values, nil, title, "value")
}

// FeatureImportance draws the top features by importance (all when top <= 0) as
// horizontal bars, most important at the top. spread, when not nil, draws error bars of
// ± spread[i] (e.g. the standard deviation over permutation repeats).
func FeatureImportance(names []string, importance, spread []float64, top int) *Figure {
	if len(names) != len(importance) || (spread != nil && len(spread) != len(importance)) {
		return failed(fmt.Errorf("display: FeatureImportance got %d names, %d importances and %d spreads; pass one of each per feature (spread may be nil)",
			len(names), len(importance), len(spread)))
	}
	idx := make([]int, len(names))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int { return cmp.Compare(importance[b], importance[a]) })
	if top > 0 && top < len(idx) {
		idx = idx[:top]
	}
	n, v := make([]string, len(idx)), make([]float64, len(idx))
	var s []float64
	if spread != nil {
		s = make([]float64, len(idx))
	}
	for i, j := range idx {
		n[i], v[i] = names[j], importance[j]
		if s != nil {
			s[i] = spread[j]
		}
	}
	return bars(n, v, s, "Feature importance", "importance")
}

type xErrs struct {
	plotter.XYs
	errs []float64
}

func (e xErrs) XError(i int) (float64, float64) { return e.errs[i], e.errs[i] }

func bars(names []string, values, spread []float64, title, xLabel string) *Figure {
	if len(names) == 0 || len(names) != len(values) {
		return failed(fmt.Errorf("display: bar chart got %d names and %d values; pass at least one name and one value per name", len(names), len(values)))
	}
	n := len(values)
	// Reverse so the first bar is drawn at the top.
	rev := make(plotter.Values, n)
	revNames := make([]string, n)
	for i := range n {
		if !isFinite(values[i]) {
			return failed(fmt.Errorf("display: bar %q has value %v; pass finite values", names[i], values[i]))
		}
		rev[n-1-i] = values[i]
		revNames[n-1-i] = names[i]
	}
	heightPx := 90 + 26*n
	p := newPlot(title, xLabel, "")
	b, err := plotter.NewBarChart(rev, pixelsToLength(18))
	if err != nil {
		return failed(fmt.Errorf("display: bar chart: %w", err))
	}
	b.Horizontal = true
	b.Color = barColor
	b.LineStyle.Width = 0
	p.Add(b)
	if spread != nil {
		e := xErrs{errs: make([]float64, n)}
		for i := range n {
			e.XYs = append(e.XYs, plotter.XY{X: values[i], Y: float64(n - 1 - i)})
			e.errs[i] = math.Abs(spread[i])
		}
		eb, err := plotter.NewXErrorBars(e)
		if err != nil {
			return failed(fmt.Errorf("display: error bars: %w", err))
		}
		p.Add(eb)
	}
	p.NominalY(revNames...)
	// Leave room beyond the longest bar (and its error bar).
	pad := 0.05 * (p.X.Max - p.X.Min)
	p.X.Max += pad
	if p.X.Min < 0 {
		p.X.Min -= pad
	}
	return newFigure([]*plot.Plot{p}, 1).Size(640, heightPx)
}

// PredictedVsTrue draws a scatter plot of regression predictions against true values,
// with the identity line.
func PredictedVsTrue(truth, pred []float64) *Figure {
	if len(truth) == 0 || len(truth) != len(pred) {
		return failed(fmt.Errorf("display: PredictedVsTrue got %d true values and %d predictions; pass the same non-zero number of each", len(truth), len(pred)))
	}
	pts := finitePoints(truth, pred)
	if len(pts) == 0 {
		return failed(fmt.Errorf("display: PredictedVsTrue: no finite (true, predicted) pair to plot"))
	}
	p := newPlot("Predicted vs true", "true value", "predicted value")
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, pt := range pts {
		lo, hi = math.Min(lo, math.Min(pt.X, pt.Y)), math.Max(hi, math.Max(pt.X, pt.Y))
	}
	id, _ := newLine([]float64{lo, hi}, []float64{lo, hi}, chanceColor, true)
	id.Width = vg.Points(1)
	s, err := plotter.NewScatter(pts)
	if err != nil {
		return failed(fmt.Errorf("display: scatter: %w", err))
	}
	s.GlyphStyle.Color = color.RGBA{R: 31, G: 100, B: 180, A: 160}
	s.GlyphStyle.Shape = draw.CircleGlyph{}
	s.GlyphStyle.Radius = vg.Points(2)
	p.Add(id, s)
	p.Legend.Top, p.Legend.Left = true, true
	p.Legend.Add("identity", id)
	return newFigure([]*plot.Plot{p}, 1).Size(520, 500)
}
