// SPDX-License-Identifier: Apache-2.0

package eval

import (
	"fmt"
	"html"
	"maps"
	"math"
	"strings"
)

// RegressionReport is the evaluation of a regressor, built by Regress.
type RegressionReport struct {
	N        int
	RMSE     float64
	MAE      float64
	R2       float64 // NaN when all true values are equal
	Bias     float64 // mean of pred - truth: positive means over-estimation
	MaxError float64 // largest |pred - truth|

	Truth, Pred []float64 // the inputs, for plots

	CI    map[string]CI // keyed like Headline (nil without WithCI)
	Notes []string

	headline map[string]float64
}

// Headline returns the report's numbers keyed for results tables: n, rmse, mae, r2, bias,
// max_error.
func (r *RegressionReport) Headline() map[string]float64 { return maps.Clone(r.headline) }

// HeadlineKeys returns the keys of Headline in display order.
func (r *RegressionReport) HeadlineKeys() []string {
	return []string{"n", "rmse", "mae", "r2", "bias", "max_error"}
}

// Regress evaluates predictions of a continuous target. WithCI adds bootstrap
// confidence intervals; classification options are ignored.
func Regress(truth, pred []float64, opts ...Option) (*RegressionReport, error) {
	if err := checkRegression(truth, pred); err != nil {
		return nil, err
	}
	o := newOptions(opts)
	r := &RegressionReport{N: len(truth), Truth: truth, Pred: pred}
	r.headline = regressionMetrics(truth, pred)
	h := r.headline
	r.RMSE, r.MAE, r.R2, r.Bias, r.MaxError = h["rmse"], h["mae"], h["r2"], h["bias"], h["max_error"]
	if math.IsNaN(r.R2) {
		r.Notes = append(r.Notes, "R² undefined: all true values are equal")
	}
	if o.bootstrap != nil {
		cis, err := BootstrapMetrics(len(truth), func(idx []int) (map[string]float64, error) {
			t, p := make([]float64, len(idx)), make([]float64, len(idx))
			for i, j := range idx {
				t[i], p[i] = truth[j], pred[j]
			}
			return regressionMetrics(t, p), nil
		}, *o.bootstrap)
		if err != nil {
			return nil, err
		}
		delete(cis, "n")
		r.CI = cis
	}
	return r, nil
}

func regressionMetrics(truth, pred []float64) map[string]float64 {
	rmse, _ := RMSE(truth, pred)
	mae, _ := MAE(truth, pred)
	r2, _ := R2(truth, pred)
	var bias, maxErr float64
	for i := range truth {
		d := pred[i] - truth[i]
		bias += d
		maxErr = max(maxErr, math.Abs(d))
	}
	return map[string]float64{
		"n": float64(len(truth)), "rmse": rmse, "mae": mae, "r2": r2,
		"bias": bias / float64(len(truth)), "max_error": maxErr,
	}
}

func (r *RegressionReport) title() string {
	return fmt.Sprintf("Regression: %d examples", r.N)
}

// String renders the report as a plain text table.
func (r *RegressionReport) String() string {
	var b strings.Builder
	b.WriteString(r.title() + "\n\n")
	h, rows := metricsTable(r.HeadlineKeys(), r.headline, r.CI, 0)
	writeTextTable(&b, h, rows)
	for _, n := range r.Notes {
		b.WriteString("note: " + n + "\n")
	}
	return b.String()
}

// HTML renders the report as a self-contained HTML table (inline styles, no scripts).
func (r *RegressionReport) HTML() string {
	var b strings.Builder
	b.WriteString(`<div class="medgo-eval-report">`)
	fmt.Fprintf(&b, "<p style=\"font-family:sans-serif;font-weight:bold\">%s</p>\n", html.EscapeString(r.title()))
	h, rows := metricsTable(r.HeadlineKeys(), r.headline, r.CI, 0)
	writeHTMLTable(&b, "Metrics", h, rows)
	for _, n := range r.Notes {
		fmt.Fprintf(&b, "<p style=\"font-family:sans-serif;font-size:12px;color:#555\">%s</p>", html.EscapeString(n))
	}
	b.WriteString("</div>\n")
	return b.String()
}
