// SPDX-License-Identifier: Apache-2.0

package display_test

import (
	"bytes"
	"fmt"
	"image/png"
	"os"

	"github.com/medgo-lab/medgo/mlkit/display"
	"github.com/medgo-lab/medgo/mlkit/eval"
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
	fig, err := display.ROC(roc)
	if err != nil {
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
	fig, err := display.TrainingCurves(map[string][]float64{
		"loss":     {0.9, 0.5, 0.4},
		"val_loss": {1.0, 0.6, 0.55},
	})
	if err != nil {
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
	fig, err := display.ImageGrid(pixels, []int{2, 2}, []string{"checker", "ramp"})
	if err != nil {
		fmt.Println(err)
		return
	}
	svg, err := fig.SVG()
	fmt.Println(err == nil && bytes.Contains(svg, []byte("<svg")))
	// Output:
	// true
}
