// SPDX-License-Identifier: Apache-2.0

package display

import (
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
)

var (
	plotBackground = color.White
	gridColor      = color.Gray{Y: 225}
	chanceColor    = color.Gray{Y: 140}
	barColor       = color.RGBA{R: 70, G: 120, B: 180, A: 255}
)

// seriesColors are distinguishable line colours, used in order.
var seriesColors = []color.Color{
	color.RGBA{R: 31, G: 100, B: 180, A: 255},  // blue
	color.RGBA{R: 230, G: 110, B: 20, A: 255},  // orange
	color.RGBA{R: 40, G: 150, B: 60, A: 255},   // green
	color.RGBA{R: 200, G: 40, B: 45, A: 255},   // red
	color.RGBA{R: 130, G: 90, B: 180, A: 255},  // purple
	color.RGBA{R: 140, G: 85, B: 70, A: 255},   // brown
	color.RGBA{R: 220, G: 110, B: 180, A: 255}, // pink
	color.RGBA{R: 100, G: 100, B: 100, A: 255}, // grey
	color.RGBA{R: 170, G: 170, B: 30, A: 255},  // olive
	color.RGBA{R: 20, G: 170, B: 190, A: 255},  // cyan
}

func seriesColor(i int) color.Color { return seriesColors[i%len(seriesColors)] }

// newPlot returns a plot with a title, axis labels and a light grid.
func newPlot(title, xLabel, yLabel string) *plot.Plot {
	p := plot.New()
	p.Title.Text = title
	p.X.Label.Text = xLabel
	p.Y.Label.Text = yLabel
	g := plotter.NewGrid()
	g.Vertical.Color, g.Horizontal.Color = gridColor, gridColor
	g.Vertical.Width, g.Horizontal.Width = vg.Points(0.5), vg.Points(0.5)
	p.Add(g)
	return p
}

// newLine returns a solid (or dashed) line through the finite points of xs, ys.
func newLine(xs, ys []float64, c color.Color, dashed bool) (*plotter.Line, error) {
	pts := make(plotter.XYs, 0, len(xs))
	for i := range xs {
		if isFinite(xs[i]) && isFinite(ys[i]) {
			pts = append(pts, plotter.XY{X: xs[i], Y: ys[i]})
		}
	}
	l, err := plotter.NewLine(pts)
	if err != nil {
		return nil, err
	}
	l.Color = c
	l.Width = vg.Points(1.5)
	if dashed {
		l.Dashes = []vg.Length{vg.Points(4), vg.Points(3)}
	}
	return l, nil
}

func isFinite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// unitAxes fixes both axes to [0, 1].
func unitAxes(p *plot.Plot) {
	p.X.Min, p.X.Max, p.Y.Min, p.Y.Max = 0, 1, 0, 1
}

// gradient maps [0, 1] to colours by linear interpolation between stops.
type gradient []color.RGBA

func (g gradient) at(v float64) color.RGBA {
	if math.IsNaN(v) {
		v = 0
	}
	v = math.Min(math.Max(v, 0), 1)
	pos := v * float64(len(g)-1)
	i := min(int(pos), len(g)-2)
	t := pos - float64(i)
	a, b := g[i], g[i+1]
	mix := func(x, y uint8) uint8 { return uint8(math.Round(float64(x) + t*(float64(y)-float64(x)))) }
	return color.RGBA{R: mix(a.R, b.R), G: mix(a.G, b.G), B: mix(a.B, b.B), A: 255}
}

// Colors returns n colours sampled evenly, as a gonum palette.Palette.
func (g gradient) palette(n int) colorList {
	out := make(colorList, n)
	for i := range out {
		out[i] = g.at(float64(i) / float64(n-1))
	}
	return out
}

type colorList []color.Color

func (c colorList) Colors() []color.Color { return c }

var (
	// blues: white to dark blue, for counts and weights.
	blues = gradient{{R: 247, G: 251, B: 255, A: 255}, {R: 160, G: 200, B: 225, A: 255}, {R: 50, G: 120, B: 190, A: 255}, {R: 8, G: 48, B: 107, A: 255}}
	// heatColors: black through purple, red and orange to pale yellow, for saliency.
	heatColors = gradient{{R: 0, G: 0, B: 4, A: 255}, {R: 87, G: 16, B: 110, A: 255}, {R: 188, G: 55, B: 84, A: 255}, {R: 249, G: 142, B: 9, A: 255}, {R: 252, G: 255, B: 164, A: 255}}
)
