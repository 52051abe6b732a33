// SPDX-License-Identifier: Apache-2.0

package display

import (
	"bytes"
	"image"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/medgo-lab/medgo/mlkit/eval"
)

var (
	testLabels = []int{1, 1, 0, 1, 1, 0, 1, 0, 0, 0, 1, 0}
	testScores = []float64{0.9, 0.8, 0.7, 0.6, 0.55, 0.5, 0.4, 0.3, 0.2, 0.1, 0.65, 0.35}
)

// checkFigure renders f as PNG and SVG and checks both are valid and of the right size.
// With MEDGO_FIGURE_DUMP set to a directory, the PNGs are also written there for viewing.
func checkFigure(t *testing.T, name string, f *Figure) {
	t.Helper()
	data, err := f.PNG()
	if err != nil {
		t.Fatalf("%s: PNG: %v", name, err)
	}
	if !bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")) {
		t.Fatalf("%s: PNG output lacks the PNG signature", name)
	}
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("%s: decoding PNG: %v", name, err)
	}
	w, h := f.Dims()
	if b := img.Bounds(); b.Dx() != w || b.Dy() != h || w <= 0 || h <= 0 {
		t.Errorf("%s: PNG is %dx%d, want %dx%d", name, b.Dx(), b.Dy(), w, h)
	}
	if uniform(img) {
		t.Errorf("%s: PNG is a single colour: nothing was drawn", name)
	}
	svg, err := f.SVG()
	if err != nil {
		t.Fatalf("%s: SVG: %v", name, err)
	}
	if !bytes.Contains(svg, []byte("<svg")) {
		t.Errorf("%s: SVG output lacks <svg", name)
	}
	if dir := os.Getenv("MEDGO_FIGURE_DUMP"); dir != "" {
		if err := os.WriteFile(filepath.Join(dir, name+".png"), data, 0o644); err != nil {
			t.Log(err)
		}
	}
}

// uniform reports whether every pixel of img has the same colour.
func uniform(img image.Image) bool {
	b := img.Bounds()
	r0, g0, b0, a0 := img.At(b.Min.X, b.Min.Y).RGBA()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			if r, g, bb, a := img.At(x, y).RGBA(); r != r0 || g != g0 || bb != b0 || a != a0 {
				return false
			}
		}
	}
	return true
}

func TestFigures(t *testing.T) {
	roc, err := eval.ROC(testLabels, testScores)
	if err != nil {
		t.Fatal(err)
	}
	roc.Label = "disease"
	pr, _ := eval.PR(testLabels, testScores)
	rel, _ := eval.Reliability(testLabels, testScores, 5)
	preds := make([]int, len(testScores))
	for i, s := range testScores {
		if s >= 0.5 {
			preds[i] = 1
		}
	}
	cm, _ := eval.NewConfusionMatrix(testLabels, preds, []string{"healthy", "disease"})
	cm5, _ := eval.NewConfusionMatrix([]int{0, 1, 2, 3, 4, 4, 3, 2}, []int{0, 1, 2, 3, 4, 3, 3, 1}, []string{"none", "mild", "moderate", "severe", "proliferative"})

	ecg := make([][]float64, 12)
	for c := range ecg {
		ecg[c] = make([]float64, 500)
		for i := range ecg[c] {
			ecg[c][i] = math.Sin(float64(i)/10+float64(c)) + 0.2*math.Sin(float64(i)/1.7)
		}
	}
	imgs := make([]float32, 6*16*16)
	for i := range imgs {
		imgs[i] = float32(i%16) / 15
	}
	rgb := make([]float32, 2*8*12*3)
	for i := range rgb {
		rgb[i] = float32(i%7) / 6
	}
	img := make([]float32, 32*32)
	sal := make([]float32, 8*8)
	for i := range img {
		img[i] = float32((i/32+i%32)%8) / 8
	}
	for i := range sal {
		sal[i] = float32(i)
	}
	tokens := []string{"[CLS]", "C", "C", "O", "N", "[SEP]"}
	att := make([][]float64, len(tokens))
	for i := range att {
		att[i] = make([]float64, len(tokens))
		for j := range att[i] {
			att[i][j] = 1 / (1 + math.Abs(float64(i-j)))
		}
	}

	build := map[string]func() *Figure{
		"roc":         func() *Figure { return ROC(roc) },
		"roc_two":     func() *Figure { return ROC(roc, roc) },
		"pr":          func() *Figure { return PR(pr) },
		"calibration": func() *Figure { return Calibration(rel) },
		"confusion":   func() *Figure { return ConfusionMatrix(cm) },
		"confusion_5": func() *Figure { return ConfusionMatrix(cm5) },
		"training": func() *Figure {
			return TrainingCurves(map[string][]float64{"loss": {1, .6, .4, .35}, "val_loss": {1.1, .7, .5, .52}, "auc": {.6, .7, .8, .85}, "val_auc": {.55, .68, math.NaN(), .8}})
		},
		"signals":        func() *Figure { return Signals(ecg[:1], []string{"lead II"}, 500) },
		"signals_12":     func() *Figure { return Signals(ecg, nil, 0) },
		"image_grid":     func() *Figure { return ImageGrid(imgs, []int{16, 16}, []string{"a", "b", "c", "d", "e", "f"}) },
		"image_grid_rgb": func() *Figure { return ImageGrid(rgb, []int{8, 12, 3}, nil) },
		"saliency":       func() *Figure { return Saliency(img, []int{32, 32, 1}, sal, []int{8, 8}) },
		"attention":      func() *Figure { return Attention(att, tokens, tokens) },
		"bars": func() *Figure {
			return Bars([]string{"age", "bmi", "glucose"}, []float64{0.3, -0.1, 0.5}, "Coefficients")
		},
		"importance": func() *Figure {
			return FeatureImportance([]string{"age", "bmi", "glucose", "bp"}, []float64{0.1, 0.05, 0.3, 0.02}, []float64{0.01, 0.02, 0.03, 0.01}, 3)
		},
		"predicted_vs_true": func() *Figure { return PredictedVsTrue([]float64{1, 2, 3, 4}, []float64{1.1, 2.3, 2.7, 4.2}) },
	}
	for name, f := range build {
		t.Run(name, func(t *testing.T) {
			fig := f()
			if err := fig.Err(); err != nil {
				t.Fatal(err)
			}
			checkFigure(t, name, fig)
		})
	}
}

func TestFigureErrors(t *testing.T) {
	for name, f := range map[string]func() *Figure{
		"ROC without curves":       func() *Figure { return ROC() },
		"PR nil curve":             func() *Figure { return PR(nil) },
		"empty history":            func() *Figure { return TrainingCurves(nil) },
		"signals names":            func() *Figure { return Signals([][]float64{{1, 2}}, []string{"a", "b"}, 0) },
		"image shape":              func() *Figure { return ImageGrid(make([]float32, 10), []int{3, 3}, nil) },
		"image channels":           func() *Figure { return ImageGrid(make([]float32, 8), []int{2, 2, 2}, nil) },
		"image titles":             func() *Figure { return ImageGrid(make([]float32, 8), []int{2, 2}, []string{"x"}) },
		"too many images":          func() *Figure { return ImageGrid(make([]float32, MaxGridImages+1), []int{1, 1}, nil) },
		"saliency size":            func() *Figure { return Saliency(make([]float32, 4), []int{2, 2}, make([]float32, 3), nil) },
		"attention tokens":         func() *Figure { return Attention([][]float64{{1, 0}}, []string{"a"}, []string{"a"}) },
		"attention NaN":            func() *Figure { return Attention([][]float64{{math.NaN()}}, []string{"a"}, []string{"a"}) },
		"bars mismatch":            func() *Figure { return Bars([]string{"a"}, []float64{1, 2}, "") },
		"importance spread":        func() *Figure { return FeatureImportance([]string{"a"}, []float64{1}, []float64{1, 2}, 0) },
		"confusion nil":            func() *Figure { return ConfusionMatrix(nil) },
		"predicted vs true length": func() *Figure { return PredictedVsTrue([]float64{1}, nil) },
	} {
		fig := f()
		err := fig.Err()
		if err == nil {
			t.Errorf("%s: want an error, got a figure %v", name, fig)
			continue
		}
		// The setters keep the error, and everything that would draw the figure returns it
		// instead, so a one-line display.Show(display.X(...).SetTitle(...)) still reports it.
		chained := fig.SetTitle("t").Size(100, 100).AxisLabels("x", "y")
		if chained.Err() != err {
			t.Errorf("%s: after the setters Err() = %v, want %v", name, chained.Err(), err)
		}
		if _, perr := fig.PNG(); perr != err {
			t.Errorf("%s: PNG error %v, want %v", name, perr, err)
		}
		if _, serr := fig.SVG(); serr != err {
			t.Errorf("%s: SVG error %v, want %v", name, serr, err)
		}
		if serr := fig.Save(filepath.Join(t.TempDir(), "a.png")); serr != err {
			t.Errorf("%s: Save error %v, want %v", name, serr, err)
		}
	}
}

func TestFigureSizeAndSave(t *testing.T) {
	roc, _ := eval.ROC(testLabels, testScores)
	fig := ROC(roc)
	fig.Size(300, 200).SetTitle("Validation")
	if w, h := fig.Dims(); w != 300 || h != 200 || fig.Title() != "Validation" {
		t.Errorf("size %dx%d, title %q", w, h, fig.Title())
	}
	checkFigure(t, "resized", fig)
	dir := t.TempDir()
	for _, name := range []string{"a.png", "a.svg"} {
		if err := fig.Save(filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
		data, _ := os.ReadFile(filepath.Join(dir, name))
		if len(data) == 0 {
			t.Errorf("%s is empty", name)
		}
	}
	if err := fig.Save(filepath.Join(dir, "a.jpg")); err == nil || !strings.Contains(err.Error(), ".png") {
		t.Errorf("saving as .jpg: err = %v, want one naming the supported extensions", err)
	}
	if fig.Plot(0, 0) == nil || fig.Plot(1, 0) != nil || fig.Rows() != 1 || fig.Cols() != 1 {
		t.Error("Plot/Rows/Cols do not describe a single plot")
	}
}

func TestOverlay(t *testing.T) {
	img := []float32{0, 0, 1, 1} // 2×2 grey
	heatMap := []float32{0, 0, 0, 10}
	o, err := Overlay(img, []int{2, 2}, heatMap, nil, 1)
	if err != nil {
		t.Fatal(err)
	}
	// Zero saliency keeps the pixel; full saliency with alpha 1 shows the top heat colour.
	if r, g, b, _ := o.At(0, 0).RGBA(); r != 0 || g != 0 || b != 0 {
		t.Errorf("pixel (0,0) = %v, want black (unchanged)", o.At(0, 0))
	}
	top := heatColors.at(1)
	if r, g, b, _ := o.At(1, 1).RGBA(); r>>8 != uint32(top.R) || g>>8 != uint32(top.G) || b>>8 != uint32(top.B) {
		t.Errorf("pixel (1,1) = %v, want %v", o.At(1, 1), top)
	}
	if _, err := Overlay(img, []int{2, 2}, heatMap, nil, 1.5); err == nil {
		t.Error("alpha 1.5: want an error")
	}
}

func TestChannelsAndMatrix(t *testing.T) {
	x := []float32{1, 10, 2, 20, 3, 30} // length 3, 2 channels
	ch, err := Channels(x, 3, 2)
	if err != nil || len(ch) != 2 || ch[0][2] != 3 || ch[1][1] != 20 {
		t.Errorf("Channels = %v, %v", ch, err)
	}
	m, err := Matrix(x, 2, 3)
	if err != nil || m[1][0] != 20 || m[0][2] != 2 {
		t.Errorf("Matrix = %v, %v", m, err)
	}
	if _, err := Channels(x, 4, 2); err == nil {
		t.Error("Channels with a wrong length: want an error")
	}
}
