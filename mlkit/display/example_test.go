// SPDX-License-Identifier: Apache-2.0

package display_test

import (
	"bytes"
	"fmt"
	"image/png"
	"math"
	"os"

	"github.com/medgo-lab/medgo/mlkit/data"
	"github.com/medgo-lab/medgo/mlkit/display"
	"github.com/medgo-lab/medgo/mlkit/eval"
	"github.com/medgo-lab/medgo/mlkit/train"
)

func ExampleROC() {
	labels := []int{1, 1, 0, 1, 1, 0, 1, 0, 0, 0}
	scores := []float64{0.9, 0.8, 0.7, 0.6, 0.55, 0.5, 0.4, 0.3, 0.2, 0.1}
	roc, err := eval.ROC(labels, scores)
	if err != nil {
		fmt.Println(err)
		return
	}
	roc.Label = "pneumonia"
	fig := display.ROC(roc)
	if err := fig.Err(); err != nil {
		fmt.Println(err)
		return
	}
	data, err := fig.PNG()
	if err != nil {
		fmt.Println(err)
		return
	}
	img, _ := png.Decode(bytes.NewReader(data))
	fmt.Println(fig.Title(), img.Bounds().Dx(), "x", img.Bounds().Dy())
	// Output:
	// ROC curve 560 x 500
}

func ExampleShow() {
	fig := display.TrainingCurves(map[string][]float64{
		"loss":     {0.9, 0.5, 0.4},
		"val_loss": {1.0, 0.6, 0.55},
	})
	if err := fig.Err(); err != nil {
		fmt.Println(err)
		return
	}
	// In a GoNB notebook this shows the plot in the cell; elsewhere it writes a PNG
	// file and prints its path.
	display.Show(fig)
}

func ExampleReport() {
	labels := []int{1, 1, 0, 1, 1, 0, 1, 0, 0, 0}
	probs := []float64{0.9, 0.8, 0.7, 0.6, 0.55, 0.5, 0.4, 0.3, 0.2, 0.1}
	r, err := eval.ClassifyBinary(labels, probs, []string{"normal", "pneumonia"}, eval.WithCI())
	if err != nil {
		fmt.Println(err)
		return
	}
	// Tables plus ROC, PR, confusion matrix and reliability plots.
	display.Report(r)
}

func ExampleShowTable() {
	display.Out = os.Stdout // the default: text tables go to standard output outside notebooks
	display.ShowTable([]string{"model", "AUC", "sensitivity"}, [][]string{
		{"logistic regression", "0.812", "0.950"},
		{"MLP", "0.847", "0.951"},
	})
	// Output:
	// model                  AUC  sensitivity
	// logistic regression  0.812        0.950
	// MLP                  0.847        0.951
}

func ExampleNewProgress() {
	p := display.NewProgress(3, "training")
	p.Out = os.Stdout // default: standard error
	for step := 1; step <= 3; step++ {
		p.UpdateFields(step, display.Field{Name: "loss", Value: 1 / float64(step)})
	}
	p.Done()
	// Output:
	// training [######..............] 1/3  33% 0:00<0:00 loss=1
	// training [####################] 3/3 100% 0:00 loss=0.3333
}

func ExampleImageGrid() {
	// Two 2×2 grey images, one after the other, values in [0, 1].
	pixels := []float32{0, 1, 1, 0, 0.2, 0.4, 0.6, 0.8}
	fig := display.ImageGrid(pixels, []int{2, 2}, []string{"checker", "ramp"})
	if err := fig.Err(); err != nil {
		fmt.Println(err)
		return
	}
	svg, err := fig.SVG()
	fmt.Println(err == nil && bytes.Contains(svg, []byte("<svg")))
	// Output:
	// true
}

func ExampleCrossValidation() {
	// A finished 3-fold cross-validation, as train.CrossValidate(...).Done().Fit(d) or
	// train.OpenCV(name) return it (here with the per-fold AUCs only).
	res := &train.CVResult{
		Name: "wdbc-cv", Task: data.Binary, Keys: []string{"n", "auc"},
		Folds: []train.CVFold{
			{Index: 0, Run: "runs/wdbc-cv/fold-1", Metrics: map[string]float64{"n": 190, "auc": 0.97}},
			{Index: 1, Run: "runs/wdbc-cv/fold-2", Metrics: map[string]float64{"n": 190, "auc": 0.94}},
			{Index: 2, Run: "runs/wdbc-cv/fold-3", Metrics: map[string]float64{"n": 189, "auc": 0.99}},
		},
		Mean: map[string]float64{"auc": 0.9667},
		SD:   map[string]float64{"auc": 0.0252},
	}
	fig := display.CrossValidation(res, "auc")
	if err := fig.Err(); err != nil {
		fmt.Println(err)
		return
	}
	p := fig.Plot(0, 0)
	fmt.Println(fig.Title())
	fmt.Println(p.X.Label.Text, "/", p.Y.Label.Text)

	// A metric the folds did not record: the figure carries the error, and Show would return it.
	fmt.Println(display.CrossValidation(res, "sensitivity").Err())
	// Output:
	// Cross-validation wdbc-cv: AUC (ROC)
	// held-out fold / AUC (ROC)
	// display: CrossValidation: cross-validation "wdbc-cv" (binary) has no metric "sensitivity"; pass one of auc, or "" for auc
}

// multiLabelExample is a small chest X-ray style evaluation: three findings, NaN where a
// finding was not recorded.
func multiLabelExample() (*eval.MultiLabelReport, error) {
	nan := math.NaN()
	labels := [][]float64{
		{1, 0, 0}, {0, nan, 0}, {1, 1, nan}, {0, 1, 0}, {nan, 0, 1},
		{1, 0, nan}, {0, 1, 0}, {0, nan, 1}, {1, 0, 0}, {0, 1, 0},
	}
	probs := [][]float64{
		{0.9, 0.2, 0.1}, {0.3, 0.5, 0.2}, {0.6, 0.7, 0.4}, {0.4, 0.6, 0.3}, {0.2, 0.4, 0.6},
		{0.7, 0.3, 0.5}, {0.65, 0.55, 0.2}, {0.5, 0.9, 0.7}, {0.8, 0.1, 0.3}, {0.1, 0.8, 0.4},
	}
	return eval.ClassifyMultiLabel(labels, probs, []string{"effusion", "edema", "nodule"})
}

func ExampleMultiLabelForest() {
	r, err := multiLabelExample()
	if err != nil {
		fmt.Println(err)
		return
	}
	fig := display.MultiLabelForest(r, "auc")
	if err := fig.Err(); err != nil {
		fmt.Println(err)
		return
	}
	// One row per task under the macro average; with eval.WithCI each row gets its interval.
	fmt.Println(fig.Title(), "|", fig.Plot(0, 0).X.Label.Text)
	// Output:
	// Per task: AUC (ROC) | AUC (ROC)
}

func ExampleMultiLabelROC() {
	r, err := multiLabelExample()
	if err != nil {
		fmt.Println(err)
		return
	}
	fig := display.MultiLabelROC(r)
	if err := fig.Err(); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%d×%d panels\n", fig.Rows(), fig.Cols())
	for row := range fig.Rows() {
		for col := range fig.Cols() {
			if p := fig.Plot(row, col); p != nil {
				fmt.Println(p.Title.Text)
			}
		}
	}
	// Output:
	// 2×2 panels
	// effusion (AUC 0.950)
	// edema (AUC 1.000)
	// nodule (AUC 1.000)
}

func ExampleMultiLabelFigures() {
	r, err := multiLabelExample()
	if err != nil {
		fmt.Println(err)
		return
	}
	figs, err := display.MultiLabelFigures(r)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, f := range figs {
		fmt.Println(f.Title())
	}
	// Output:
	// Per task: AUC (ROC)
	// ROC curve per task
}

func ExampleMultiLabelReport() {
	r, err := multiLabelExample()
	if err != nil {
		fmt.Println(err)
		return
	}
	// In a notebook: the report's tables with the per-task forest plot and ROC curves.
	// Elsewhere: the text report, then the paths of the two PNG files.
	display.MultiLabelReport(r)
}

func ExampleFigure_AxisLabels() {
	// Two leads of an ECG at 250 Hz; the default y label says nothing of the units.
	lead := func(phase float64) []float64 {
		out := make([]float64, 500)
		for i := range out {
			out[i] = math.Sin(2*math.Pi*1.2*float64(i)/250 + phase)
		}
		return out
	}
	fig := display.Signals([][]float64{lead(0), lead(0.3)}, []string{"lead I", "lead II"}, 250)
	if err := fig.Err(); err != nil {
		fmt.Println(err)
		return
	}
	fig.AxisLabels("", "voltage (mV)") // "" keeps the time axis's own label
	for row := range fig.Rows() {
		for col := range fig.Cols() {
			if p := fig.Plot(row, col); p != nil {
				fmt.Printf("%s: %s / %s\n", p.Title.Text, p.X.Label.Text, p.Y.Label.Text)
			}
		}
	}
	// Output:
	// lead I: time (s) / voltage (mV)
	// lead II: time (s) / voltage (mV)
}

func ExampleEvaluation() {
	// In a notebook: the test report of a trained run, with its plots, in one line.
	//
	//	display.Evaluation(mlkit.Must(mlkit.Must(train.Open("quickstart-wdbc")).Evaluate()))
	//
	// Here with an evaluation built by hand: outside a notebook the text report goes to
	// display.Out and the plots to files under display.FigureDir.
	r, err := eval.ClassifyBinary([]int{1, 0, 1, 1, 0, 0}, []float64{0.9, 0.3, 0.6, 0.4, 0.2, 0.7}, []string{"benign", "malignant"})
	if err != nil {
		fmt.Println(err)
		return
	}
	display.Evaluation(&train.Evaluation{Run: "example", Classification: r})
}
