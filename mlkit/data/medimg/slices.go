// SPDX-License-Identifier: Apache-2.0

package medimg

import (
	"fmt"
	"math"

	"github.com/medgo-lab/medgo/mlkit/data"
)

// SliceBuilder turns a 3-D volume into a data.Dataset of 2-D slices, each of Shape
// [h, w, 1]; configure it and finish with Done.
type SliceBuilder struct {
	name             string
	dims             [3]int
	at               func(i0, i1, i2 int) float32
	axis             int
	mode             int // 0 automatic, 1 window, 2 min-max, 3 none
	cropH, cropW     int
	resizeH, resizeW int
	center           float64
	width            float64
	invert           bool
	task             data.Task
	classes          []string
	y                []float32
	err              error
}

// SlicesFromVolume slices a DICOM series. Axes are the Volume's: 0 slices (the default),
// 1 rows, 2 columns. By default the series' first stored window is applied, or min-max
// scaling over the whole volume when it has none.
func SlicesFromVolume(v *Volume) *SliceBuilder {
	r, c := v.Shape[1], v.Shape[2]
	b := &SliceBuilder{name: "dicom-series", dims: v.Shape, invert: v.Inverted,
		at: func(i0, i1, i2 int) float32 { return v.Data[(i0*r+i1)*c+i2] }}
	if len(v.Meta.WindowCenter) > 0 && len(v.Meta.WindowWidth) > 0 && v.Meta.WindowWidth[0] >= 1 {
		b.center, b.width = v.Meta.WindowCenter[0], v.Meta.WindowWidth[0]
	}
	if len(v.Data) != v.Shape[0]*r*c {
		b.err = fmt.Errorf("medimg: SlicesFromVolume: %d values for shape %v", len(v.Data), v.Shape)
	}
	return b
}

// SlicesFromNIfTI slices a 3-D NIfTI image (reorient it first for anatomical axes: after
// Reorient, axis 2 gives axial slices). Axes are voxel axes i, j, k; the default is 2.
// A slice along axis a has h, w = the remaining axes in order (for a = 2: h = i, w = j).
// By default values are min-max scaled over the whole volume.
func SlicesFromNIfTI(n *NIfTI) *SliceBuilder {
	d, rest := spatial(n.Shape)
	b := &SliceBuilder{name: "nifti", dims: d, axis: 2,
		at: func(i0, i1, i2 int) float32 { return n.Data[i0+d[0]*(i1+d[1]*i2)] }}
	if rest != 1 {
		b.err = fmt.Errorf("medimg: SlicesFromNIfTI: %s has shape %v; expected a 3-D image (pick one volume of a 4-D series first)", n.Path, n.Shape)
	}
	return b
}

// Name sets the data set's name.
func (b *SliceBuilder) Name(name string) *SliceBuilder { b.name = name; return b }

// Axis chooses the axis slices are taken across (0, 1 or 2).
func (b *SliceBuilder) Axis(a int) *SliceBuilder {
	if a < 0 || a > 2 {
		b.err = fmt.Errorf("medimg: slice axis %d; expected 0, 1 or 2", a)
	}
	b.axis = a
	return b
}

// Window maps values to [0,1] with a DICOM window (see Window), e.g. CT lung -600/1500.
func (b *SliceBuilder) Window(center, width float64) *SliceBuilder {
	b.mode, b.center, b.width = 1, center, width
	return b
}

// MinMax scales values to [0,1] by the whole volume's minimum and maximum (not per
// slice, so intensities stay comparable between slices).
func (b *SliceBuilder) MinMax() *SliceBuilder { b.mode = 2; return b }

// Raw keeps modality values (HU for CT) unscaled.
func (b *SliceBuilder) Raw() *SliceBuilder { b.mode = 3; return b }

// Labels gives one target per slice. Without it Y holds each slice's index along the
// axis (Task Regression, target "slice"), so predictions can be traced back.
func (b *SliceBuilder) Labels(task data.Task, classes []string, y []float32) *SliceBuilder {
	b.task, b.classes, b.y = task, classes, y
	return b
}

// Crop keeps the central h × w pixels of each slice (before any Resize), e.g. to drop the
// air around a head; a slice smaller than that is an error.
func (b *SliceBuilder) Crop(h, w int) *SliceBuilder {
	if h < 1 || w < 1 {
		b.err = fmt.Errorf("medimg: crop %d×%d; expected a positive height and width", h, w)
	}
	b.cropH, b.cropW = h, w
	return b
}

// Resize samples each slice (after Crop) at h × w pixels with bilinear interpolation, e.g.
// 28 × 28 to feed a network trained on MedMNIST-sized images.
func (b *SliceBuilder) Resize(h, w int) *SliceBuilder {
	if h < 1 || w < 1 || h > 4096 || w > 4096 {
		b.err = fmt.Errorf("medimg: resize to %d×%d; expected 1 to 4096 pixels each way", h, w)
	}
	b.resizeH, b.resizeW = h, w
	return b
}

// reshape crops and resizes n slices of h × w, as configured.
func (b *SliceBuilder) reshape(x []float32, n, h, w int) ([]float32, int, int, error) {
	if b.cropH > 0 {
		if b.cropH > h || b.cropW > w {
			return nil, 0, 0, fmt.Errorf("medimg: %s: crop %d×%d is larger than the %d×%d slices", b.name, b.cropH, b.cropW, h, w)
		}
		top, left := (h-b.cropH)/2, (w-b.cropW)/2
		out := make([]float32, 0, n*b.cropH*b.cropW)
		for s := range n {
			for i := top; i < top+b.cropH; i++ {
				row := x[(s*h+i)*w:]
				out = append(out, row[left:left+b.cropW]...)
			}
		}
		x, h, w = out, b.cropH, b.cropW
	}
	if b.resizeH > 0 && (b.resizeH != h || b.resizeW != w) {
		H, W := b.resizeH, b.resizeW
		out := make([]float32, n*H*W)
		for s := range n {
			src := x[s*h*w : (s+1)*h*w]
			for y := range H {
				sy := math.Max(0, (float64(y)+0.5)*float64(h)/float64(H)-0.5)
				y0 := min(int(sy), h-1)
				y1, fy := min(y0+1, h-1), sy-float64(y0)
				for c := range W {
					sx := math.Max(0, (float64(c)+0.5)*float64(w)/float64(W)-0.5)
					x0 := min(int(sx), w-1)
					x1, fx := min(x0+1, w-1), sx-float64(x0)
					top := (1-fx)*float64(src[y0*w+x0]) + fx*float64(src[y0*w+x1])
					bot := (1-fx)*float64(src[y1*w+x0]) + fx*float64(src[y1*w+x1])
					out[(s*H+y)*W+c] = float32((1-fy)*top + fy*bot)
				}
			}
		}
		x, h, w = out, H, W
	}
	return x, h, w, nil
}

// Done builds the data set.
func (b *SliceBuilder) Done() (*data.Dataset, error) {
	if b.err != nil {
		return nil, b.err
	}
	var rem [2]int
	k := 0
	for a := range 3 {
		if a != b.axis {
			rem[k] = a
			k++
		}
	}
	n, h, w := b.dims[b.axis], b.dims[rem[0]], b.dims[rem[1]]
	x := make([]float32, 0, n*h*w)
	var idx [3]int
	for s := range n {
		for i := range h {
			for j := range w {
				idx[b.axis], idx[rem[0]], idx[rem[1]] = s, i, j
				x = append(x, b.at(idx[0], idx[1], idx[2]))
			}
		}
	}
	mode := b.mode
	if mode == 0 {
		mode = 2
		if b.width >= 1 {
			mode = 1
		}
	}
	switch mode {
	case 1:
		var err error
		if x, err = Window(x, b.center, b.width, b.invert); err != nil {
			return nil, err
		}
	case 2:
		lo, hi := math.Inf(1), math.Inf(-1)
		for _, v := range x {
			if !math.IsNaN(float64(v)) {
				lo, hi = math.Min(lo, float64(v)), math.Max(hi, float64(v))
			}
		}
		scale := 0.0
		if hi > lo {
			scale = 1 / (hi - lo)
		}
		for i, v := range x {
			x[i] = float32((float64(v) - lo) * scale)
		}
	}
	x, h, w, err := b.reshape(x, n, h, w)
	if err != nil {
		return nil, err
	}
	d := &data.Dataset{Name: b.name, X: x, Shape: []int{h, w, 1}, Task: b.task, Classes: b.classes}
	if b.y == nil {
		d.Task, d.Targets = data.Regression, []string{"slice"}
		d.Y = make([]float32, n)
		for i := range d.Y {
			d.Y[i] = float32(i)
		}
	} else {
		if len(b.y) != n {
			return nil, fmt.Errorf("medimg: %s: %d labels for %d slices along axis %d; expected one per slice", b.name, len(b.y), n, b.axis)
		}
		d.Y = append([]float32(nil), b.y...)
	}
	if err := d.Validate(); err != nil {
		return nil, err
	}
	return d, nil
}
