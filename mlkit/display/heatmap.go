// SPDX-License-Identifier: Apache-2.0

package display

import (
	"fmt"
	"image/color"
	"math"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/medgo-lab/medgo/mlkit/eval"
)

// matrixGrid shows a row-major matrix with row 0 at the top.
type matrixGrid struct{ z [][]float64 }

func (g matrixGrid) Dims() (c, r int)   { return len(g.z[0]), len(g.z) }
func (g matrixGrid) Z(c, r int) float64 { return g.z[len(g.z)-1-r][c] }
func (g matrixGrid) X(c int) float64    { return float64(c) }
func (g matrixGrid) Y(r int) float64    { return float64(r) }

// heatmapPlot draws z (rows top to bottom) with colours spanning [lo, hi], optional cell
// labels, and named ticks.
func heatmapPlot(title string, z [][]float64, lo, hi float64, cells [][]string, rowNames, colNames []string, xLabel, yLabel string) (*plot.Plot, error) {
	rows, cols := len(z), len(z[0])
	if hi <= lo {
		hi = lo + 1
	}
	p := plot.New()
	p.Title.Text = title
	p.X.Label.Text, p.Y.Label.Text = xLabel, yLabel
	hm := plotter.NewHeatMap(matrixGrid{z}, blues.palette(64))
	hm.Min, hm.Max = lo, hi
	hm.NaN = color.Gray{Y: 200}
	p.Add(hm)
	if cells != nil {
		var xys plotter.XYs
		var labels []string
		var styles []text.Style
		base := p.X.Tick.Label
		base.XAlign, base.YAlign = draw.XCenter, draw.YCenter
		base.Font.Size = vg.Points(cellFontSize(rows, cols))
		for r := range rows {
			for c := range cols {
				xys = append(xys, plotter.XY{X: float64(c), Y: float64(rows - 1 - r)})
				labels = append(labels, cells[r][c])
				sty := base
				if (z[r][c]-lo)/(hi-lo) > 0.55 {
					sty.Color = color.White
				} else {
					sty.Color = color.Black
				}
				styles = append(styles, sty)
			}
		}
		l, err := plotter.NewLabels(plotter.XYLabels{XYs: xys, Labels: labels})
		if err != nil {
			return nil, err
		}
		l.TextStyle = styles
		p.Add(l)
	}
	ticks := func(names []string, reverse bool) plot.ConstantTicks {
		t := make(plot.ConstantTicks, len(names))
		for i, n := range names {
			pos := float64(i)
			if reverse {
				pos = float64(len(names) - 1 - i)
			}
			t[i] = plot.Tick{Value: pos, Label: n}
		}
		return t
	}
	p.X.Tick.Marker = ticks(colNames, false)
	p.Y.Tick.Marker = ticks(rowNames, true)
	p.X.Padding, p.Y.Padding = 0, 0
	if longest(colNames) > 3 && cols > 4 || longest(colNames) > 10 {
		p.X.Tick.Label.Rotation = math.Pi / 2
		p.X.Tick.Label.XAlign, p.X.Tick.Label.YAlign = draw.XRight, draw.YCenter
	}
	return p, nil
}

func cellFontSize(rows, cols int) float64 {
	n := max(rows, cols)
	switch {
	case n <= 4:
		return 12
	case n <= 8:
		return 10
	}
	return 8
}

func longest(names []string) int {
	m := 0
	for _, n := range names {
		m = max(m, len([]rune(n)))
	}
	return m
}

func heatmapSize(rows, cols int, rowNames, colNames []string) (int, int) {
	cell := 60
	if max(rows, cols) > 8 {
		cell = 36
	}
	w := 140 + 7*longest(rowNames) + cell*cols
	h := 120 + cell*rows
	if longest(colNames) > 3 && cols > 4 || longest(colNames) > 10 {
		h += 7 * longest(colNames)
	}
	return min(max(w, 360), 1400), min(max(h, 300), 1400)
}

// ConfusionMatrix draws a confusion matrix as a heat map with the count in each cell,
// true classes in rows and predicted classes in columns. Colours show the fraction of
// each true class (row), so that rare classes stay visible.
func ConfusionMatrix(cm *eval.ConfusionMatrix) *Figure {
	if cm == nil || len(cm.Counts) == 0 {
		return failed(fmt.Errorf("display: ConfusionMatrix got an empty matrix; build one with eval.NewConfusionMatrix or take it from an eval.Report"))
	}
	k := len(cm.Counts)
	z := make([][]float64, k)
	cells := make([][]string, k)
	for i, row := range cm.Counts {
		if len(row) != k {
			return failed(fmt.Errorf("display: confusion matrix row %d has %d counts; want %d", i, len(row), k))
		}
		total := 0
		for _, v := range row {
			total += v
		}
		z[i] = make([]float64, k)
		cells[i] = make([]string, k)
		for j, v := range row {
			z[i][j] = math.NaN()
			if total > 0 {
				z[i][j] = float64(v) / float64(total)
			}
			cells[i][j] = strconv.Itoa(v)
		}
	}
	classes := cm.Classes
	if len(classes) != k {
		classes = make([]string, k)
		for i := range classes {
			classes[i] = strconv.Itoa(i)
		}
	}
	p, err := heatmapPlot("Confusion matrix", z, 0, 1, cells, classes, classes, "predicted class", "true class")
	if err != nil {
		return failed(fmt.Errorf("display: confusion matrix: %w", err))
	}
	w, h := heatmapSize(k, k, classes, classes)
	return newFigure([]*plot.Plot{p}, 1).Size(w, h)
}

// Attention draws an attention (or any) matrix as a heat map: weights[i][j] is how much
// row token i attends to column token j. Cells show their values when the matrix is
// at most 12×12.
func Attention(weights [][]float64, rowTokens, colTokens []string) *Figure {
	if len(weights) == 0 || len(weights[0]) == 0 {
		return failed(fmt.Errorf("display: Attention got an empty matrix; pass one row of weights per query token"))
	}
	rows, cols := len(weights), len(weights[0])
	if len(rowTokens) != rows || len(colTokens) != cols {
		return failed(fmt.Errorf("display: Attention got a %d×%d matrix with %d row tokens and %d column tokens; pass one token per row and per column",
			rows, cols, len(rowTokens), len(colTokens)))
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	for i, row := range weights {
		if len(row) != cols {
			return failed(fmt.Errorf("display: attention row %d has %d weights but row 0 has %d", i, len(row), cols))
		}
		for _, v := range row {
			if !isFinite(v) {
				return failed(fmt.Errorf("display: attention row %d has the non-finite weight %v", i, v))
			}
			lo, hi = math.Min(lo, v), math.Max(hi, v)
		}
	}
	lo = math.Min(lo, 0)
	var cells [][]string
	if rows <= 12 && cols <= 12 {
		cells = make([][]string, rows)
		for i, row := range weights {
			for _, v := range row {
				cells[i] = append(cells[i], strconv.FormatFloat(v, 'f', 2, 64))
			}
		}
	}
	p, err := heatmapPlot("Attention", weights, lo, hi, cells, rowTokens, colTokens, "key", "query")
	if err != nil {
		return failed(fmt.Errorf("display: attention: %w", err))
	}
	w, h := heatmapSize(rows, cols, rowTokens, colTokens)
	return newFigure([]*plot.Plot{p}, 1).Size(w, h)
}

// Matrix reshapes row-major float32 data (e.g. a tensor's flat values) into rows × cols
// float64 rows, for Attention.
func Matrix(data []float32, rows, cols int) ([][]float64, error) {
	if rows <= 0 || cols <= 0 || len(data) != rows*cols {
		return nil, fmt.Errorf("display: Matrix got %d values for %d×%d; pass exactly rows×cols values", len(data), rows, cols)
	}
	out := make([][]float64, rows)
	for i := range out {
		out[i] = make([]float64, cols)
		for j := range cols {
			out[i][j] = float64(data[i*cols+j])
		}
	}
	return out, nil
}
