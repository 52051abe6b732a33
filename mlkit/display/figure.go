// SPDX-License-Identifier: Apache-2.0

package display

import (
	"bytes"
	"fmt"
	"image"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"
)

// DPI is the resolution of PNG output: Figure sizes are in pixels at this resolution.
const DPI = 96

// Default figure sizes in pixels.
const (
	DefaultWidth  = 640
	DefaultHeight = 480
)

// Figure is a plot, or a grid of plots, ready to render as PNG or SVG.
//
// Build one with the plotting functions of this package (ROC, Signals, ImageGrid, ...),
// adjust it with Size and SetTitle, and render it with PNG, SVG or Save, or display it
// with Show. Experts can reach the underlying gonum plots with Plot.
//
// A plotting function given data it cannot draw still returns a Figure, one that carries
// the reason: Err reports it, the setters pass it along, and Show, PNG, SVG and Save
// return it instead of drawing. So a notebook line needs no error check of its own,
//
//	display.Show(display.ROC(report.ROC...).SetTitle("test set"))
//
// and the error still reaches the user (in a notebook, Show stops the cell with it).
type Figure struct {
	title         string
	width, height int            // pixels
	grid          [][]*plot.Plot // rows of plots; nil cells are left empty
	err           error          // why the figure could not be made; nil for a drawable figure
}

// failed is the figure a plotting function returns when it cannot draw its data.
func failed(err error) *Figure { return &Figure{err: err} }

// Err returns why the figure could not be made, or nil.
func (f *Figure) Err() error {
	if f == nil {
		return fmt.Errorf("display: nil figure; make one with a plotting function such as display.ROC")
	}
	return f.err
}

// newFigure lays plots out in rows of cols (the last row may be shorter).
func newFigure(plots []*plot.Plot, cols int) *Figure {
	if cols < 1 {
		cols = 1
	}
	f := &Figure{width: DefaultWidth, height: DefaultHeight}
	for i := 0; i < len(plots); i += cols {
		row := make([]*plot.Plot, cols)
		copy(row, plots[i:min(i+cols, len(plots))])
		f.grid = append(f.grid, row)
	}
	return f
}

// Size sets the figure's size in pixels (at DPI) and returns the figure.
func (f *Figure) Size(width, height int) *Figure {
	if width > 0 {
		f.width = width
	}
	if height > 0 {
		f.height = height
	}
	return f
}

// Dims returns the figure's size in pixels.
func (f *Figure) Dims() (width, height int) { return f.width, f.height }

// SetTitle sets a title drawn above all plots and returns the figure.
func (f *Figure) SetTitle(title string) *Figure {
	f.title = title
	return f
}

// AxisLabels sets the x- and y-axis labels of every plot in the figure (an empty string keeps
// a label as it is) and returns the figure, e.g. to name a signal's units:
//
//	display.Show(fig.AxisLabels("time (s)", "voltage (mV)"))
//
// For one panel of a grid, set Plot(row, col).X.Label.Text directly.
func (f *Figure) AxisLabels(x, y string) *Figure {
	for _, row := range f.grid {
		for _, p := range row {
			if p == nil {
				continue
			}
			if x != "" {
				p.X.Label.Text = x
			}
			if y != "" {
				p.Y.Label.Text = y
			}
		}
	}
	return f
}

// Title returns the figure's overall title, or the title of its only plot.
func (f *Figure) Title() string {
	if f.title == "" && len(f.grid) == 1 && len(f.grid[0]) == 1 && f.grid[0][0] != nil {
		return f.grid[0][0].Title.Text
	}
	return f.title
}

// Rows returns the number of plot rows.
func (f *Figure) Rows() int { return len(f.grid) }

// Cols returns the number of plot columns.
func (f *Figure) Cols() int {
	if len(f.grid) == 0 {
		return 0
	}
	return len(f.grid[0])
}

// Plot returns the gonum plot at (row, col), for expert customisation, or nil when there is
// none. It panics with the reason when the figure could not be made, since there is then
// no plot to customise (check Err first to handle that case).
func (f *Figure) Plot(row, col int) *plot.Plot {
	if f.err != nil {
		panic(fmt.Errorf("display: Plot(%d, %d) of a figure that could not be made: %w", row, col, f.err))
	}
	if row < 0 || row >= len(f.grid) || col < 0 || col >= len(f.grid[row]) {
		return nil
	}
	return f.grid[row][col]
}

func pixelsToLength(px int) vg.Length { return vg.Length(float64(px) * 72 / DPI) }

// draw renders the figure onto a canvas, turning panics of the plotting library into errors.
func (f *Figure) draw(c vg.CanvasSizer) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("display: drawing figure %q failed: %v", f.Title(), r)
		}
	}()
	dc := draw.New(c)
	// White background for the whole canvas, including gaps between plots.
	w, h := c.Size()
	dc.FillPolygon(plotBackground, []vg.Point{{X: 0, Y: 0}, {X: w, Y: 0}, {X: w, Y: h}, {X: 0, Y: h}})
	if f.title != "" {
		sty := titleStyle()
		sty.Font.Size = vg.Points(14)
		height := sty.Height(f.title)
		dc.FillText(sty, vg.Point{X: w / 2, Y: h - vg.Points(4)}, f.title)
		dc = draw.Crop(dc, 0, 0, 0, -(height + vg.Points(10)))
	}
	if len(f.grid) == 0 {
		return nil
	}
	tiles := draw.Tiles{Rows: len(f.grid), Cols: len(f.grid[0]), PadX: vg.Points(10), PadY: vg.Points(10),
		PadTop: vg.Points(2), PadBottom: vg.Points(2), PadLeft: vg.Points(2), PadRight: vg.Points(6)}
	canvases := plot.Align(f.grid, tiles, dc)
	for i, row := range f.grid {
		for j, p := range row {
			if p != nil {
				p.Draw(canvases[i][j])
			}
		}
	}
	return nil
}

// Image renders the figure as an image.
func (f *Figure) Image() (image.Image, error) {
	if err := f.Err(); err != nil {
		return nil, err
	}
	c := vgimg.NewWith(vgimg.UseWH(pixelsToLength(f.width), pixelsToLength(f.height)), vgimg.UseDPI(DPI))
	if err := f.draw(c); err != nil {
		return nil, err
	}
	return c.Image(), nil
}

// PNG renders the figure as PNG bytes.
func (f *Figure) PNG() ([]byte, error) {
	img, err := f.Image()
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, fmt.Errorf("display: encoding figure %q as PNG: %w", f.Title(), err)
	}
	return buf.Bytes(), nil
}

// SVG renders the figure as SVG bytes.
func (f *Figure) SVG() ([]byte, error) {
	if err := f.Err(); err != nil {
		return nil, err
	}
	c := vgsvg.New(pixelsToLength(f.width), pixelsToLength(f.height))
	if err := f.draw(c); err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if _, err := c.WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("display: encoding figure %q as SVG: %w", f.Title(), err)
	}
	return buf.Bytes(), nil
}

// Save writes the figure to path as PNG or SVG, chosen by the file extension.
func (f *Figure) Save(path string) error {
	var data []byte
	var err error
	switch ext := strings.ToLower(filepath.Ext(path)); ext {
	case ".png":
		data, err = f.PNG()
	case ".svg":
		data, err = f.SVG()
	default:
		return fmt.Errorf("display: cannot save figure as %q: use a file name ending in .png or .svg", path)
	}
	if err != nil {
		return err
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		return fmt.Errorf("display: saving figure: %w", err)
	}
	return nil
}

func titleStyle() draw.TextStyle {
	p := plot.New()
	sty := p.Title.TextStyle
	sty.XAlign = draw.XCenter
	sty.YAlign = draw.YTop
	return sty
}

// gridCols picks a number of columns for n panels.
func gridCols(n, maxCols int) int {
	c := int(math.Ceil(math.Sqrt(float64(n))))
	return max(1, min(c, maxCols, n))
}
