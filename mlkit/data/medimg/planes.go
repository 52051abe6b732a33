// SPDX-License-Identifier: Apache-2.0

package medimg

import (
	"fmt"
	"math"
)

// Planes are the three orthogonal planes through a volume, ready for
// display.ImageGrid(p.Pixels, []int{p.Size, p.Size, 1}, p.Titles).
//
// They are drawn in the radiological convention that scanners' viewers use: axial with
// anterior at the top and the patient's right on the viewer's left, coronal with superior
// at the top and the patient's right on the left, sagittal with superior at the top and
// anterior on the left. Each plane is resampled so that a pixel covers the same number of
// millimetres in both directions and in all three planes (so anisotropic voxels, say
// 0.7 × 0.7 × 5 mm, are not squashed), and centred on a black Size × Size canvas.
type Planes struct {
	Pixels []float32 // three Size×Size images one after another, display units in [0,1]
	Size   int
	Titles []string
	Voxel  [3]int  // the voxel the planes pass through: slice, row, column
	MMPix  float64 // millimetres per displayed pixel
}

// Planes returns the three planes through the middle of a DICOM series, windowed with
// centre and width (width 0: the volume's full range), on a size × size canvas each.
//
// The names axial/coronal/sagittal assume an axial acquisition (slice normal along the
// patient's feet–head axis); other series get neutral titles instead.
func (v *Volume) Planes(center, width float64, size int) (*Planes, error) {
	if v == nil || len(v.Data) != v.Shape[0]*v.Shape[1]*v.Shape[2] || len(v.Data) == 0 {
		return nil, fmt.Errorf("medimg: Planes needs a volume whose Data holds Shape's %v values", v.Shape)
	}
	axial := math.Abs(v.Normal[2]) > 0.9 && math.Abs(v.Orientation[0]) > 0.9 && math.Abs(v.Orientation[4]) > 0.9
	return planesOf(v.Data, v.Shape, v.Spacing, center, width, v.Inverted, size, axial, "DICOM series")
}

// Planes returns the three planes through the middle of a NIfTI image (its first volume
// when it has a fourth dimension), reoriented to RAS+ first, windowed with centre and
// width (width 0: the image's full range), on a size × size canvas each.
func (n *NIfTI) Planes(center, width float64, size int) (*Planes, error) {
	ras, err := n.Reorient()
	if err != nil {
		return nil, err
	}
	if len(ras.Shape) < 3 {
		return nil, fmt.Errorf("medimg: %s: Planes needs a 3-D image; this one has shape %v", n.Path, n.Shape)
	}
	nx, ny, nz := ras.Shape[0], ras.Shape[1], ras.Shape[2]
	sp := ras.Spacing()
	// RAS+ stores x (towards the patient's right) fastest. Flip x and y so that the array
	// reads like an axial DICOM series: [superior-going slice][posterior-going row][left-going column].
	vol := make([]float32, nx*ny*nz)
	for k := range nz {
		for j := range ny {
			for i := range nx {
				vol[(k*ny+(ny-1-j))*nx+(nx-1-i)] = ras.Data[i+nx*(j+ny*k)]
			}
		}
	}
	return planesOf(vol, [3]int{nz, ny, nx}, [3]float64{sp[2], sp[1], sp[0]}, center, width, false, size, true, n.Path)
}

func planesOf(vol []float32, shape [3]int, spacing [3]float64, center, width float64, invert bool, size int, named bool, what string) (*Planes, error) {
	if size < 16 || size > 2048 {
		return nil, fmt.Errorf("medimg: %s: plane size %d is out of range; pass 16 to 2048 pixels (256 is typical)", what, size)
	}
	for a, s := range spacing {
		if !(s > 0) || math.IsInf(s, 0) {
			return nil, fmt.Errorf("medimg: %s: spacing %v has a non-positive axis %d; Planes needs positive voxel sizes in mm", what, spacing, a)
		}
	}
	shown, err := toDisplay(vol, center, width, invert)
	if err != nil {
		return nil, fmt.Errorf("medimg: %s: %w", what, err)
	}
	at := [3]int{shape[0] / 2, shape[1] / 2, shape[2] / 2}
	extent := [3]float64{}
	for a := range 3 {
		extent[a] = float64(shape[a]) * spacing[a]
	}
	mmpix := math.Max(extent[0], math.Max(extent[1], extent[2])) / float64(size)
	voxel := func(k, r, c int) float32 { return shown[(k*shape[1]+r)*shape[2]+c] }

	// Each plane: its vertical and horizontal volume axes, whether its vertical axis is
	// drawn bottom-up (slices go towards the head, which belongs at the top), and a lookup.
	type plane struct {
		title   string
		vAxis   int
		hAxis   int
		flipV   bool
		valueAt func(vi, hi int) float32
	}
	planes := []plane{
		{"axial", 1, 2, false, func(r, c int) float32 { return voxel(at[0], r, c) }},
		{"coronal", 0, 2, true, func(k, c int) float32 { return voxel(k, at[1], c) }},
		{"sagittal", 0, 1, true, func(k, r int) float32 { return voxel(k, r, at[2]) }},
	}
	if !named {
		planes[0].title, planes[1].title, planes[2].title = "slice plane", "rows × slices", "columns × slices"
	}
	p := &Planes{Pixels: make([]float32, 3*size*size), Size: size, Voxel: at, MMPix: mmpix}
	for n, pl := range planes {
		h := max(1, int(math.Round(extent[pl.vAxis]/mmpix)))
		w := max(1, int(math.Round(extent[pl.hAxis]/mmpix)))
		h, w = min(h, size), min(w, size)
		top, left := (size-h)/2, (size-w)/2
		canvas := p.Pixels[n*size*size : (n+1)*size*size]
		for y := range h {
			vi := min(shape[pl.vAxis]-1, int((float64(y)+0.5)*float64(shape[pl.vAxis])/float64(h)))
			if pl.flipV {
				vi = shape[pl.vAxis] - 1 - vi
			}
			for x := range w {
				hi := min(shape[pl.hAxis]-1, int((float64(x)+0.5)*float64(shape[pl.hAxis])/float64(w)))
				canvas[(top+y)*size+left+x] = pl.valueAt(vi, hi)
			}
		}
		p.Titles = append(p.Titles, fmt.Sprintf("%s (%d×%d voxels)", pl.title, shape[pl.vAxis], shape[pl.hAxis]))
	}
	return p, nil
}

// toDisplay windows values to [0,1]; width 0 spans their finite range.
func toDisplay(vol []float32, center, width float64, invert bool) ([]float32, error) {
	if width == 0 {
		lo, hi := math.Inf(1), math.Inf(-1)
		for _, x := range vol {
			if f := float64(x); !math.IsNaN(f) && !math.IsInf(f, 0) {
				lo, hi = math.Min(lo, f), math.Max(hi, f)
			}
		}
		if lo > hi {
			return nil, fmt.Errorf("no finite values to show")
		}
		center, width = (lo+hi+1)/2, math.Max(hi-lo+1, 1)
	}
	return Window(vol, center, width, invert)
}
