// SPDX-License-Identifier: Apache-2.0

package display

import (
	"fmt"
	"image/color"
	"math"
	"path/filepath"
	"slices"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/medgo-lab/medgo/mlkit/eval"
	"github.com/medgo-lab/medgo/mlkit/train"
)

// bandColor shades the ±1 SD band: the series colour, faint enough to show the points.
var bandColor = color.NRGBA{R: 31, G: 100, B: 180, A: 45}

// ciYErrs holds asymmetric vertical error bars (distances to the interval's ends).
type ciYErrs struct {
	plotter.XYs
	low, high []float64
}

func (e ciYErrs) YError(i int) (float64, float64) { return e.low[i], e.high[i] }

// cvMetrics are the metric keys a CVResult can plot: its Keys without the count n.
func cvMetrics(r *train.CVResult) []string {
	var out []string
	for _, k := range r.Keys {
		if k != "n" {
			out = append(out, k)
		}
	}
	return out
}

// cvDefaultMetric is what a cross-validation was about: the metric a nested one selected
// by, else AUC for classification and RMSE for regression (whichever the result has).
func cvDefaultMetric(r *train.CVResult, metrics []string) string {
	for _, k := range []string{r.Select, "auc", "rmse"} {
		if k != "" && slices.Contains(metrics, k) {
			return k
		}
	}
	return metrics[0]
}

// CrossValidation plots one metric of a cross-validation: each fold's value on its held-out
// part as a point, the mean over folds as a line inside a band of ±1 standard deviation,
// and, when the result has it, the pooled out-of-fold value with its bootstrap confidence
// interval, drawn apart at the right. For a nested cross-validation each fold's point is
// coloured by the candidate that fold chose.
//
// metric is one of the result's Keys other than n (accuracy, balanced_accuracy, auc, brier
// for classification; rmse, mae, r2 for regression); "" means the metric a nested
// cross-validation selected by, else auc (classification) or rmse (regression).
//
// The spread of the points is the fold-to-fold variation of the estimate; the pooled
// interval is about all the examples at once, so the two answer different questions and
// need not agree.
func CrossValidation(r *train.CVResult, metric string) *Figure {
	if r == nil {
		return failed(fmt.Errorf("display: CrossValidation got a nil result; pass the *train.CVResult returned by train.CrossValidate(...).Done().Fit(d) or train.OpenCV(name)"))
	}
	metrics := cvMetrics(r)
	if len(r.Folds) == 0 || len(metrics) == 0 {
		return failed(fmt.Errorf("display: CrossValidation: cross-validation %q has %d folds and %d metrics; pass a finished result from train.CrossValidate or train.OpenCV", r.Name, len(r.Folds), len(metrics)))
	}
	if metric == "" {
		metric = cvDefaultMetric(r, metrics)
	}
	if !slices.Contains(metrics, metric) {
		return failed(fmt.Errorf("display: CrossValidation: cross-validation %q (%s) has no metric %q; pass one of %s, or \"\" for %s",
			r.Name, r.Task, metric, strings.Join(metrics, ", "), cvDefaultMetric(r, metrics)))
	}
	name := eval.MetricName(metric)
	nFolds := len(r.Folds)

	lo, hi := math.Inf(1), math.Inf(-1)
	extend := func(vs ...float64) {
		for _, v := range vs {
			if isFinite(v) {
				lo, hi = math.Min(lo, v), math.Max(hi, v)
			}
		}
	}
	labels := make([]string, nFolds, nFolds+1)
	// Points by the candidate the fold chose ("" outside nested cross-validation), so that
	// each choice gets one colour and one legend entry.
	byChoice := map[string]plotter.XYs{}
	var undefined []string
	for i, f := range r.Folds {
		labels[i] = foldLabel(f)
		v := f.Metrics[metric]
		if !isFinite(v) {
			undefined = append(undefined, labels[i])
			labels[i] += " (n/a)"
			continue
		}
		byChoice[f.Chosen] = append(byChoice[f.Chosen], plotter.XY{X: float64(i), Y: v})
		extend(v)
	}
	if len(byChoice) == 0 {
		return failed(fmt.Errorf("display: CrossValidation: %s is undefined in every fold of %q (for example AUC when held-out folds have one class); choose another of %s",
			name, r.Name, strings.Join(metrics, ", ")))
	}

	kind := "Cross-validation"
	if r.Candidates != nil {
		kind = "Nested cross-validation"
	}
	p := newPlot(fmt.Sprintf("%s %s: %s", kind, r.Name, name), "held-out fold", name)
	entries := 0

	mean, sd := r.Mean[metric], r.SD[metric]
	if isFinite(mean) {
		x0, x1 := -0.4, float64(nFolds)-0.6
		var thumbs []plot.Thumbnailer
		if isFinite(sd) && sd > 0 {
			band, err := plotter.NewPolygon(plotter.XYs{{X: x0, Y: mean - sd}, {X: x1, Y: mean - sd}, {X: x1, Y: mean + sd}, {X: x0, Y: mean + sd}})
			if err != nil {
				return failed(fmt.Errorf("display: CrossValidation: SD band: %w", err))
			}
			band.Color, band.LineStyle.Width = bandColor, 0
			p.Add(band)
			thumbs = append(thumbs, band)
			extend(mean-sd, mean+sd)
		}
		line, err := newLine([]float64{x0, x1}, []float64{mean, mean}, seriesColor(0), false)
		if err != nil {
			return failed(fmt.Errorf("display: CrossValidation: mean line: %w", err))
		}
		line.Width = vg.Points(1)
		p.Add(line)
		label := fmt.Sprintf("mean %.3f", mean)
		if isFinite(sd) {
			label = fmt.Sprintf("mean ± SD %.3f ± %.3f", mean, sd)
		}
		p.Legend.Add(label, append(thumbs, line)...)
		entries++
		extend(mean)
	}

	// One scatter per choice, in the order of the candidates, so that colours stay the same
	// from one plot of a result to the next.
	choices := []string{""}
	if r.Candidates != nil {
		choices = r.Candidates
	}
	for ci, c := range choices {
		pts := byChoice[c]
		if len(pts) == 0 {
			continue
		}
		sc, err := plotter.NewScatter(pts)
		if err != nil {
			return failed(fmt.Errorf("display: CrossValidation: fold points: %w", err))
		}
		sc.GlyphStyle.Shape, sc.GlyphStyle.Radius = draw.CircleGlyph{}, vg.Points(4)
		sc.GlyphStyle.Color = seriesColor(0)
		label := "fold (held-out part)"
		if r.Candidates != nil {
			sc.GlyphStyle.Color = seriesColor(1 + ci)
			label = fmt.Sprintf("fold that chose %s", c)
		}
		p.Add(sc)
		p.Legend.Add(label, sc)
		entries++
	}

	if v, ci, ok := cvPooled(r, metric); ok {
		labels = append(labels, "pooled")
		x := float64(nFolds)
		label := fmt.Sprintf("pooled out-of-fold %.3f", v)
		if ci != nil {
			eb, err := plotter.NewYErrorBars(ciYErrs{XYs: plotter.XYs{{X: x, Y: v}},
				low: []float64{math.Max(0, v-ci.Lower)}, high: []float64{math.Max(0, ci.Upper-v)}})
			if err != nil {
				return failed(fmt.Errorf("display: CrossValidation: pooled interval: %w", err))
			}
			eb.LineStyle.Width, eb.LineStyle.Color = vg.Points(1.5), color.Black
			p.Add(eb)
			label += fmt.Sprintf(" (%g%% CI %.3f–%.3f)", ci.Level*100, ci.Lower, ci.Upper)
			extend(ci.Lower, ci.Upper)
		}
		sc, err := plotter.NewScatter(plotter.XYs{{X: x, Y: v}})
		if err != nil {
			return failed(fmt.Errorf("display: CrossValidation: pooled point: %w", err))
		}
		sc.GlyphStyle.Shape, sc.GlyphStyle.Radius, sc.GlyphStyle.Color = draw.BoxGlyph{}, vg.Points(4), color.Black
		p.Add(sc)
		p.Legend.Add(label, sc)
		entries++
		extend(v)
	}
	if len(undefined) > 0 {
		p.Title.Text += fmt.Sprintf(" (undefined in %s)", strings.Join(undefined, ", "))
	}

	p.NominalX(labels...)
	p.X.Min, p.X.Max = -0.6, float64(len(labels))-0.4
	span := math.Max(hi-lo, 0.02)
	pad := 0.08 * span
	p.Y.Min = lo - pad
	// Room above the highest point for the legend (top right), about 8% of the range per
	// entry, so that it covers no point.
	p.Y.Max = hi + pad + 0.08*span*float64(entries)
	p.Legend.Top = true
	width := min(max(560, 160+70*len(labels)), 1200)
	return newFigure([]*plot.Plot{p}, 1).Size(width, 480)
}

// foldLabel names a fold as its run directory does (fold-K, or repeat-R-fold-K).
func foldLabel(f train.CVFold) string {
	if f.Run != "" {
		return filepath.Base(f.Run)
	}
	if f.Repeat > 0 {
		return fmt.Sprintf("repeat-%d-fold-%d", f.Repeat+1, f.Index+1)
	}
	return fmt.Sprintf("fold-%d", f.Index+1)
}

// cvPooled returns the pooled out-of-fold value of metric and its interval (nil without
// one); ok is false when the result has no pooled evaluation or the value is undefined.
func cvPooled(r *train.CVResult, metric string) (v float64, ci *eval.CI, ok bool) {
	var cis map[string]eval.CI
	switch {
	case r.Pooled != nil:
		v, cis = r.Pooled.Headline()[metric], r.Pooled.CI
	case r.PooledRegression != nil:
		v, cis = r.PooledRegression.Headline()[metric], r.PooledRegression.CI
	default:
		return 0, nil, false
	}
	if !isFinite(v) {
		return 0, nil, false
	}
	if c, found := cis[metric]; found && isFinite(c.Lower) && isFinite(c.Upper) {
		if c.Level == 0 {
			c.Level = 0.95
		}
		ci = &c
	}
	return v, ci, true
}
