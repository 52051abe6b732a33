// SPDX-License-Identifier: Apache-2.0

package medimg

import (
	"strings"
	"testing"

	"github.com/medgo-lab/medgo/mlkit/data"
)

// brightQuadrant finds where the bright voxels of a plane are: which half vertically
// (top/bottom) and horizontally (left/right) of the drawn image.
func brightQuadrant(t *testing.T, p *Planes, n int) string {
	t.Helper()
	s := p.Size
	img := p.Pixels[n*s*s : (n+1)*s*s]
	var ys, xs, cnt float64
	for y := range s {
		for x := range s {
			if img[y*s+x] > 0.9 {
				ys, xs, cnt = ys+float64(y), xs+float64(x), cnt+1
			}
		}
	}
	if cnt == 0 {
		t.Fatalf("%s: no bright voxel drawn", p.Titles[n])
	}
	v, h := "bottom", "right"
	if ys/cnt < float64(s)/2 {
		v = "top"
	}
	if xs/cnt < float64(s)/2 {
		h = "left"
	}
	return v + "-" + h
}

// TestNIfTIPlanesOrientation: structures at the patient's right, front and top must appear
// where a radiologist expects them in each plane.
func TestNIfTIPlanesOrientation(t *testing.T) {
	nx, ny, nz := 8, 10, 6
	img := &NIfTI{Path: "block.nii", Shape: []int{nx, ny, nz}, Data: make([]float32, nx*ny*nz)}
	img.Affine = [4][4]float64{{2, 0, 0, 0}, {0, 1, 0, 0}, {0, 0, 3, 0}, {0, 0, 0, 1}} // RAS+, 2×1×3 mm
	// Three bright bars, each seen by one plane through the centre: right-anterior (along
	// the feet-head axis), right-superior (along y) and anterior-superior (along x).
	for k := range nz {
		for j := range ny {
			for i := range nx {
				r, a, s := i >= nx-2, j >= ny-2, k >= nz-2
				if (r && a) || (r && s) || (a && s) {
					img.Data[i+nx*(j+ny*k)] = 100
				}
			}
		}
	}
	p, err := img.Planes(0, 0, 64)
	if err != nil {
		t.Fatal(err)
	}
	// Axial: anterior top, patient's right on the viewer's left. Coronal: superior top,
	// right on the left. Sagittal: superior top, anterior on the left.
	for n, want := range []string{"top-left", "top-left", "top-left"} {
		if got := brightQuadrant(t, p, n); got != want {
			t.Errorf("%s: bright bar drawn %s, want %s", p.Titles[n], got, want)
		}
	}
	if !strings.HasPrefix(p.Titles[0], "axial") || !strings.HasPrefix(p.Titles[2], "sagittal") {
		t.Errorf("titles %v", p.Titles)
	}
	// Physical extents: x 16 mm, y 10 mm, z 18 mm; the largest (z) spans the canvas.
	if want := 18.0 / 64; p.MMPix != want {
		t.Errorf("mm per pixel %g, want %g", p.MMPix, want)
	}
}

func TestPlanesErrors(t *testing.T) {
	v := &Volume{Data: make([]float32, 8), Shape: [3]int{2, 2, 2}, Spacing: [3]float64{1, 0, 1}}
	for _, c := range []struct {
		size int
		want string
	}{{64, "non-positive axis 1"}, {4, "out of range"}} {
		if _, err := v.Planes(0, 0, c.size); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("size %d: error %v, want %q", c.size, err, c.want)
		}
	}
}

// TestSampleFileFetched: without the Python packages the samples come from the data
// sources, and every one of them is known there.
func TestSampleFileFetched(t *testing.T) {
	prev := pythonPackages
	pythonPackages = t.TempDir()
	defer func() { pythonPackages = prev }()
	cache := t.TempDir()
	prevF := data.SetFetcher(&data.Fetcher{CacheDir: cache, Offline: true})
	defer data.SetFetcher(prevF)
	for _, name := range SampleNames() {
		_, err := SampleFile(name)
		// Offline with an empty cache: each must fail by naming the file it would download,
		// not as an unknown data path.
		if err == nil || !strings.Contains(err.Error(), "samples/") || strings.Contains(err.Error(), "unknown") {
			t.Errorf("%s: %v", name, err)
		}
	}
	if _, err := SampleFile("brain.dcm"); err == nil || !strings.Contains(err.Error(), "CT_small.dcm") {
		t.Errorf("unknown sample: %v", err)
	}
}
