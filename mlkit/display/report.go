// SPDX-License-Identifier: Apache-2.0

package display

import (
	"fmt"
	"html"
	"io"
	"strings"

	"github.com/medgo-lab/medgo/mlkit/eval"
	"github.com/medgo-lab/medgo/mlkit/train"
)

// ReportFigures returns the plots of a classification report: ROC and precision–recall
// curves (when defined), the confusion matrix and the reliability diagram. The operating
// point of a binary report is marked on its ROC curve.
func ReportFigures(r *eval.Report) ([]*Figure, error) {
	if r == nil {
		return nil, fmt.Errorf("display: ReportFigures got a nil report; build one with eval.Classify")
	}
	var figs []*Figure
	if len(r.ROC) > 0 {
		f := ROC(r.ROC...)
		if err := f.Err(); err != nil {
			return nil, err
		}
		if op := r.Operating; op != nil && r.Binary {
			markPoint(f.Plot(0, 0), 1-op.Specificity, op.Sensitivity, fmt.Sprintf("threshold %.3g", op.Threshold))
		}
		figs = append(figs, f)
	}
	if len(r.PR) > 0 {
		f := PR(r.PR...)
		if err := f.Err(); err != nil {
			return nil, err
		}
		figs = append(figs, f)
	}
	f := ConfusionMatrix(r.Confusion)
	if err := f.Err(); err != nil {
		return nil, err
	}
	figs = append(figs, f)
	if r.Calibration != nil {
		f := Calibration(r.Calibration)
		if err := f.Err(); err != nil {
			return nil, err
		}
		figs = append(figs, f)
	}
	return figs, nil
}

// figuresHTML renders figures as inline PNG images, side by side where space allows.
func figuresHTML(figs []*Figure) (string, error) {
	var b strings.Builder
	b.WriteString(`<div style="display:flex;flex-wrap:wrap;gap:8px;align-items:flex-start">`)
	for _, f := range figs {
		data, err := f.PNG()
		if err != nil {
			return "", err
		}
		w, _ := f.Dims()
		fmt.Fprintf(&b, `<img src="%s" alt="%s" style="width:%dpx;max-width:100%%">`, PNGDataURI(data), html.EscapeString(f.Title()), w*3/4)
	}
	b.WriteString("</div>\n")
	return b.String(), nil
}

// ReportHTML renders a classification report as one self-contained HTML fragment: the
// tables of r.HTML() followed by the figures as embedded PNG images (no scripts, no
// external resources). It can be saved to a file as is.
func ReportHTML(r *eval.Report) (string, error) {
	figs, err := ReportFigures(r)
	if err != nil {
		return "", err
	}
	imgs, err := figuresHTML(figs)
	if err != nil {
		return "", err
	}
	return r.HTML() + imgs, nil
}

// Report shows a classification report: tables and plots in a notebook; outside one,
// the text report on Out followed by the paths of the plots written under FigureDir.
func Report(r *eval.Report) error {
	if r == nil {
		return report(fmt.Errorf("display: Report got a nil report; build one with eval.Classify"))
	}
	if nb := currentNotebook(); nb != nil {
		page, err := ReportHTML(r)
		if err != nil {
			return report(err)
		}
		nb.html(page)
		return report(notebookErr(nb))
	}
	if _, err := io.WriteString(Out, r.String()); err != nil {
		return report(err)
	}
	figs, err := ReportFigures(r)
	if err != nil {
		return report(err)
	}
	for _, f := range figs {
		if err := show(f, false); err != nil {
			return report(err)
		}
	}
	return nil
}

// RegressionReport shows a regression report with its predicted-vs-true scatter plot:
// HTML in a notebook, text and a PNG file elsewhere.
func RegressionReport(r *eval.RegressionReport) error {
	if r == nil {
		return report(fmt.Errorf("display: RegressionReport got a nil report; build one with eval.Regress"))
	}
	fig := PredictedVsTrue(r.Truth, r.Pred)
	if err := fig.Err(); err != nil {
		return report(err)
	}
	if nb := currentNotebook(); nb != nil {
		imgs, err := figuresHTML([]*Figure{fig})
		if err != nil {
			return report(err)
		}
		nb.html(r.HTML() + imgs)
		return report(notebookErr(nb))
	}
	if _, err := io.WriteString(Out, r.String()); err != nil {
		return report(err)
	}
	return report(show(fig, false))
}

// Evaluation shows a run's test evaluation (train.Run.Evaluate) as the report for its task:
// Report for classification, MultiLabelReport for multi-label tasks, RegressionReport for
// regression, each with its plots.
//
//	display.Evaluation(mlkit.Must(run.Evaluate()))
func Evaluation(e *train.Evaluation) error {
	switch {
	case e == nil:
		return report(fmt.Errorf("display: Evaluation got a nil evaluation; make one with run.Evaluate()"))
	case e.Classification != nil:
		return Report(e.Classification)
	case e.MultiLabel != nil:
		return MultiLabelReport(e.MultiLabel)
	case e.Regression != nil:
		return RegressionReport(e.Regression)
	}
	return report(fmt.Errorf("display: the evaluation of run %q holds no report; make it with run.Evaluate()", e.Run))
}
