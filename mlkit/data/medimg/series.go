// SPDX-License-Identifier: Apache-2.0

package medimg

import (
	"fmt"
	"math"
	"sort"
)

// Volume is a DICOM series stacked into a 3-D array of modality values, indexed
// [slice][row][column] (Data is row-major in that order).
//
// Slices are sorted by their position along the slice normal, the cross product of the
// row and column direction cosines, so that slice k+1 lies further along the normal
// than slice k whatever order the files were named or sent in.
type Volume struct {
	Data        []float32
	Shape       [3]int     // slices, rows, columns
	Spacing     [3]float64 // between slices (from positions), between rows, between columns; mm
	Origin      [3]float64 // Image Position (Patient) of the first slice
	Orientation [6]float64 // row cosines, column cosines
	Normal      [3]float64
	Meta        Metadata // of the first slice
	Inverted    bool     // MONOCHROME1 (see Image)
	Paths       []string // one per slice, in volume order
}

// SeriesFromDir reads a folder and assembles the series with the given Series Instance
// UID. seriesUID may be empty when the folder holds a single series.
func SeriesFromDir(dir, seriesUID string) (*Volume, error) {
	ims, err := ReadDICOMDir(dir)
	if err != nil {
		return nil, err
	}
	if seriesUID == "" {
		seen := map[string]bool{}
		var uids []string
		for _, im := range ims {
			if !seen[im.Meta.SeriesInstanceUID] {
				seen[im.Meta.SeriesInstanceUID] = true
				uids = append(uids, im.Meta.SeriesInstanceUID)
			}
		}
		if len(uids) > 1 {
			return nil, fmt.Errorf("medimg: %s holds %d series (%v); pass the Series Instance UID to assemble", dir, len(uids), uids)
		}
	} else {
		var keep []*Image
		for _, im := range ims {
			if im.Meta.SeriesInstanceUID == seriesUID {
				keep = append(keep, im)
			}
		}
		if len(keep) == 0 {
			return nil, fmt.Errorf("medimg: %s holds no image of series %s", dir, seriesUID)
		}
		ims = keep
	}
	return AssembleSeries(ims)
}

// AssembleSeries stacks single-frame grey images of one series into a Volume. All slices
// must share size, orientation and pixel spacing, and no two may sit at the same
// position; the slice spacing is the median gap, and gaps that differ from it by more
// than 1% (a missing slice) are an error rather than a silently distorted volume.
func AssembleSeries(ims []*Image) (*Volume, error) {
	if len(ims) == 0 {
		return nil, fmt.Errorf("medimg: AssembleSeries: no images; expected the slices of one series")
	}
	first := ims[0].Meta
	for _, im := range ims {
		m := im.Meta
		switch {
		case !m.HasPosition:
			return nil, fmt.Errorf("medimg: %s: no Image Position/Orientation (Patient); slices cannot be ordered in space", im.Path)
		case m.Frames != 1 || m.SamplesPerPixel != 1:
			return nil, fmt.Errorf("medimg: %s: %d frames × %d samples; a series is assembled from single-frame grey slices", im.Path, m.Frames, m.SamplesPerPixel)
		case m.SeriesInstanceUID != first.SeriesInstanceUID:
			return nil, fmt.Errorf("medimg: %s: series %s differs from %s; expected one series", im.Path, m.SeriesInstanceUID, first.SeriesInstanceUID)
		case m.Rows != first.Rows || m.Columns != first.Columns:
			return nil, fmt.Errorf("medimg: %s: %d×%d differs from the first slice's %d×%d", im.Path, m.Rows, m.Columns, first.Rows, first.Columns)
		}
		for i := range 6 {
			if math.Abs(m.ImageOrientation[i]-first.ImageOrientation[i]) > 1e-4 {
				return nil, fmt.Errorf("medimg: %s: orientation %v differs from the first slice's %v; expected one stack", im.Path, m.ImageOrientation, first.ImageOrientation)
			}
		}
		if math.Abs(m.PixelSpacing[0]-first.PixelSpacing[0]) > 1e-4 || math.Abs(m.PixelSpacing[1]-first.PixelSpacing[1]) > 1e-4 {
			return nil, fmt.Errorf("medimg: %s: pixel spacing %v differs from the first slice's %v", im.Path, m.PixelSpacing, first.PixelSpacing)
		}
	}
	o := first.ImageOrientation
	n := [3]float64{o[1]*o[5] - o[2]*o[4], o[2]*o[3] - o[0]*o[5], o[0]*o[4] - o[1]*o[3]}
	along := func(im *Image) float64 {
		p := im.Meta.ImagePosition
		return p[0]*n[0] + p[1]*n[1] + p[2]*n[2]
	}
	sorted := append([]*Image(nil), ims...)
	sort.SliceStable(sorted, func(i, j int) bool { return along(sorted[i]) < along(sorted[j]) })
	spacing := first.SliceThickness
	if len(sorted) > 1 {
		gaps := make([]float64, len(sorted)-1)
		for i := range gaps {
			gaps[i] = along(sorted[i+1]) - along(sorted[i])
			if gaps[i] < 1e-6 {
				return nil, fmt.Errorf("medimg: %s and %s sit at the same position along the slice normal; expected one slice per position", sorted[i].Path, sorted[i+1].Path)
			}
		}
		med := append([]float64(nil), gaps...)
		sort.Float64s(med)
		spacing = med[len(med)/2]
		for i, g := range gaps {
			if math.Abs(g-spacing) > 0.01*spacing {
				return nil, fmt.Errorf("medimg: the gap between %s and %s is %.4g mm but the series' spacing is %.4g mm; a slice may be missing", sorted[i].Path, sorted[i+1].Path, g, spacing)
			}
		}
	}
	per := first.Rows * first.Columns
	v := &Volume{
		Data:        make([]float32, 0, per*len(sorted)),
		Shape:       [3]int{len(sorted), first.Rows, first.Columns},
		Spacing:     [3]float64{spacing, first.PixelSpacing[0], first.PixelSpacing[1]},
		Origin:      sorted[0].Meta.ImagePosition,
		Orientation: o,
		Normal:      n,
		Meta:        sorted[0].Meta,
		Inverted:    sorted[0].Inverted,
	}
	for _, im := range sorted {
		v.Data = append(v.Data, im.Pixels...)
		v.Paths = append(v.Paths, im.Path)
	}
	return v, nil
}

// Window maps modality values to display units in [0,1] with the linear VOI function of
// PS3.3 C.11.2.1.2.1 (centre c, width w ≥ 1): values at or below c-0.5-(w-1)/2 give 0,
// above c-0.5+(w-1)/2 give 1. invert flips the result, as MONOCHROME1 images need for
// display (pass Image.Inverted).
func Window(values []float32, center, width float64, invert bool) ([]float32, error) {
	if width < 1 || math.IsNaN(width) || math.IsNaN(center) {
		return nil, fmt.Errorf("medimg: window width %g (centre %g) is invalid; DICOM requires width ≥ 1 (e.g. CT soft tissue: centre 40, width 400)", width, center)
	}
	lo := center - 0.5 - (width-1)/2
	hi := center - 0.5 + (width-1)/2
	out := make([]float32, len(values))
	for i, x := range values {
		xv := float64(x)
		var y float64
		switch {
		case xv <= lo:
			y = 0
		case xv > hi:
			y = 1
		default:
			y = (xv-(center-0.5))/(width-1) + 0.5
		}
		if invert {
			y = 1 - y
		}
		out[i] = float32(y)
	}
	return out, nil
}

// DefaultWindow gives the first window stored in the file, or else one spanning the
// pixels' range, so that an image can always be shown.
func (im *Image) DefaultWindow() (center, width float64) {
	if len(im.Meta.WindowCenter) > 0 && len(im.Meta.WindowWidth) > 0 && im.Meta.WindowWidth[0] >= 1 {
		return im.Meta.WindowCenter[0], im.Meta.WindowWidth[0]
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, x := range im.Pixels {
		lo, hi = math.Min(lo, float64(x)), math.Max(hi, float64(x))
	}
	if len(im.Pixels) == 0 {
		return 0, 1
	}
	return (lo + hi + 1) / 2, math.Max(hi-lo+1, 1)
}
