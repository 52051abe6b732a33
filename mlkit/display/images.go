// SPDX-License-Identifier: Apache-2.0

package display

import (
	"fmt"
	"image"
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
)

// MaxGridImages is the most images ImageGrid draws at once.
const MaxGridImages = 100

// imageShape validates one image's shape, [height, width] or [height, width, channels]
// with 1 (grey) or 3 (RGB) channels.
func imageShape(shape []int) (h, w, c int, err error) {
	switch len(shape) {
	case 2:
		h, w, c = shape[0], shape[1], 1
	case 3:
		h, w, c = shape[0], shape[1], shape[2]
	default:
		return 0, 0, 0, fmt.Errorf("display: image shape %v has %d dimensions; pass [height, width] or [height, width, channels]", shape, len(shape))
	}
	if h <= 0 || w <= 0 {
		return 0, 0, 0, fmt.Errorf("display: image shape %v has an empty dimension", shape)
	}
	if c != 1 && c != 3 {
		return 0, 0, 0, fmt.Errorf("display: image shape %v has %d channels; pass 1 (grey) or 3 (RGB) channels, last", shape, c)
	}
	return h, w, c, nil
}

func to8(v float32) uint8 {
	f := float64(v)
	if math.IsNaN(f) {
		return 0
	}
	return uint8(math.Round(math.Min(math.Max(f, 0), 1) * 255))
}

// ToImage converts one image of float32 values in [0, 1] (values outside are clipped),
// with shape [height, width] or [height, width, channels] (1 or 3 channels, row-major,
// channels last), to an image.Image.
func ToImage(data []float32, shape []int) (image.Image, error) {
	h, w, c, err := imageShape(shape)
	if err != nil {
		return nil, err
	}
	if len(data) != h*w*c {
		return nil, fmt.Errorf("display: image data has %d values but shape %v needs %d", len(data), shape, h*w*c)
	}
	return toImage(data, h, w, c), nil
}

func toImage(data []float32, h, w, c int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			i := (y*w + x) * c
			if c == 1 {
				v := to8(data[i])
				img.SetRGBA(x, y, color.RGBA{R: v, G: v, B: v, A: 255})
			} else {
				img.SetRGBA(x, y, color.RGBA{R: to8(data[i]), G: to8(data[i+1]), B: to8(data[i+2]), A: 255})
			}
		}
	}
	return img
}

// upscale enlarges small images by an integer factor with nearest-neighbour sampling,
// so that pixels stay sharp instead of being blurred by the renderer.
func upscale(img image.Image, target int) image.Image {
	b := img.Bounds()
	f := target / max(b.Dx(), b.Dy())
	if f <= 1 {
		return img
	}
	out := image.NewRGBA(image.Rect(0, 0, b.Dx()*f, b.Dy()*f))
	for y := range b.Dy() * f {
		for x := range b.Dx() * f {
			out.Set(x, y, img.At(b.Min.X+x/f, b.Min.Y+y/f))
		}
	}
	return out
}

// imagePlot shows img filling the data area, without axes.
func imagePlot(img image.Image, title string) *plot.Plot {
	p := plot.New()
	p.Title.Text = title
	b := img.Bounds()
	p.Add(plotter.NewImage(upscale(img, 256), 0, 0, float64(b.Dx()), float64(b.Dy())))
	p.HideAxes()
	p.X.Padding, p.Y.Padding = 0, 0
	return p
}

// ImageGrid shows several images in a grid with optional titles. data holds the images
// one after another, each with the given shape ([height, width] for grey, or [height,
// width, channels] with 1 or 3 channels last — the layout of a data.Dataset image
// example), with values in [0, 1]. titles may be nil, or hold one title per image.
func ImageGrid(data []float32, shape []int, titles []string) *Figure {
	h, w, c, err := imageShape(shape)
	if err != nil {
		return failed(err)
	}
	size := h * w * c
	if len(data) == 0 || len(data)%size != 0 {
		return failed(fmt.Errorf("display: ImageGrid got %d values, not a positive multiple of one image's %d values (shape %v)", len(data), size, shape))
	}
	n := len(data) / size
	if n > MaxGridImages {
		return failed(fmt.Errorf("display: ImageGrid got %d images; it shows at most %d: pass a slice of the data", n, MaxGridImages))
	}
	if titles != nil && len(titles) != n {
		return failed(fmt.Errorf("display: ImageGrid got %d titles for %d images; pass one title per image (or nil)", len(titles), n))
	}
	plots := make([]*plot.Plot, n)
	for i := range n {
		title := ""
		if titles != nil {
			title = titles[i]
		}
		plots[i] = imagePlot(toImage(data[i*size:(i+1)*size], h, w, c), title)
	}
	cols := gridCols(n, 8)
	if n <= 6 {
		cols = n
	}
	rows := (n + cols - 1) / cols
	tile := 160
	if cols <= 3 {
		tile = 220
	}
	titleH := 0
	if titles != nil {
		titleH = 22
	}
	// Tiles are separated by about 14 px; size the figure so that images keep their aspect.
	return newFigure(plots, cols).Size(cols*(tile+14)+6, rows*(tile*h/w+titleH+14)+6)
}

// resize samples a h0×w0 map at h×w with bilinear interpolation.
func resize(m []float32, h0, w0, h, w int) []float64 {
	out := make([]float64, h*w)
	for y := range h {
		sy := (float64(y)+0.5)*float64(h0)/float64(h) - 0.5
		y0 := int(math.Floor(sy))
		fy := sy - float64(y0)
		for x := range w {
			sx := (float64(x)+0.5)*float64(w0)/float64(w) - 0.5
			x0 := int(math.Floor(sx))
			fx := sx - float64(x0)
			at := func(yy, xx int) float64 {
				yy = min(max(yy, 0), h0-1)
				xx = min(max(xx, 0), w0-1)
				return float64(m[yy*w0+xx])
			}
			out[y*w+x] = (1-fy)*((1-fx)*at(y0, x0)+fx*at(y0, x0+1)) + fy*((1-fx)*at(y0+1, x0)+fx*at(y0+1, x0+1))
		}
	}
	return out
}

// normalize rescales finite values to [0, 1] (min-max); NaNs become 0, and a constant
// map becomes all 0.
func normalize(v []float64) {
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, x := range v {
		if isFinite(x) {
			lo, hi = math.Min(lo, x), math.Max(hi, x)
		}
	}
	for i, x := range v {
		if !isFinite(x) || hi <= lo {
			v[i] = 0
			continue
		}
		v[i] = (x - lo) / (hi - lo)
	}
}

// Overlay blends a saliency map over an image. img has shape [height, width] or [height,
// width, channels]; heatMap has shape heatShape ([rows, cols], or nil for the image's
// height and width) and is resized to the image with bilinear interpolation and min-max
// normalised. Each pixel mixes in the heat colour with opacity alpha × heat, so regions of
// low saliency keep the image visible.
func Overlay(img []float32, shape []int, heatMap []float32, heatShape []int, alpha float64) (image.Image, error) {
	base, hm, err := saliencyInputs(img, shape, heatMap, heatShape)
	if err != nil {
		return nil, err
	}
	if !(alpha >= 0 && alpha <= 1) {
		return nil, fmt.Errorf("display: overlay alpha %v is not in [0, 1]; 0.6 is a good start", alpha)
	}
	b := base.Bounds()
	out := image.NewRGBA(b)
	for y := range b.Dy() {
		for x := range b.Dx() {
			v := hm[y*b.Dx()+x]
			a := alpha * v
			c := heatColors.at(v)
			o := base.RGBAAt(x, y)
			mix := func(p, q uint8) uint8 { return uint8(math.Round((1-a)*float64(p) + a*float64(q))) }
			out.SetRGBA(x, y, color.RGBA{R: mix(o.R, c.R), G: mix(o.G, c.G), B: mix(o.B, c.B), A: 255})
		}
	}
	return out, nil
}

func saliencyInputs(img []float32, shape []int, heatMap []float32, heatShape []int) (*image.RGBA, []float64, error) {
	h, w, c, err := imageShape(shape)
	if err != nil {
		return nil, nil, err
	}
	if len(img) != h*w*c {
		return nil, nil, fmt.Errorf("display: image data has %d values but shape %v needs %d", len(img), shape, h*w*c)
	}
	hh, hw := h, w
	if heatShape != nil {
		if len(heatShape) != 2 || heatShape[0] <= 0 || heatShape[1] <= 0 {
			return nil, nil, fmt.Errorf("display: saliency shape %v; pass [rows, cols] or nil for the image's size", heatShape)
		}
		hh, hw = heatShape[0], heatShape[1]
	}
	if len(heatMap) != hh*hw {
		return nil, nil, fmt.Errorf("display: saliency map has %d values but shape [%d %d] needs %d", len(heatMap), hh, hw, hh*hw)
	}
	hm := resize(heatMap, hh, hw, h, w)
	normalize(hm)
	return toImage(img, h, w, c), hm, nil
}

// Saliency shows an image, its saliency map and the two blended (see Overlay, with
// alpha 0.6) side by side. Shapes are as in Overlay.
func Saliency(img []float32, shape []int, heatMap []float32, heatShape []int) *Figure {
	base, hm, err := saliencyInputs(img, shape, heatMap, heatShape)
	if err != nil {
		return failed(err)
	}
	b := base.Bounds()
	heatImg := image.NewRGBA(b)
	for y := range b.Dy() {
		for x := range b.Dx() {
			heatImg.SetRGBA(x, y, heatColors.at(hm[y*b.Dx()+x]))
		}
	}
	over, err := Overlay(img, shape, heatMap, heatShape, 0.6)
	if err != nil {
		return failed(err)
	}
	plots := []*plot.Plot{imagePlot(base, "image"), imagePlot(heatImg, "saliency"), imagePlot(over, "overlay")}
	tile := 240
	return newFigure(plots, 3).Size(3*(tile+14)+6, tile*b.Dy()/b.Dx()+22+20)
}
