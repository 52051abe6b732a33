// SPDX-License-Identifier: Apache-2.0

package medimg

import (
	"testing"

	"github.com/medgo-lab/medgo/mlkit/data"
)

func TestSlicesFromNIfTI(t *testing.T) {
	n := &NIfTI{Path: "v", Shape: []int{2, 3, 4}}
	for v := range 24 {
		n.Data = append(n.Data, float32(v))
	}
	ds, err := SlicesFromNIfTI(n).Done()
	if err != nil {
		t.Fatal(err)
	}
	if ds.Len() != 4 || ds.Shape[0] != 2 || ds.Shape[1] != 3 || ds.Shape[2] != 1 {
		t.Fatalf("len %d shape %v", ds.Len(), ds.Shape)
	}
	// Slice k=1, (i=1, j=2) is voxel 1 + 2*(2 + 3*1) = 11, min-max over 0..23.
	if got := ds.Example(1)[1*3+2]; got != float32(11)/23 {
		t.Errorf("got %g", got)
	}
	ds, err = SlicesFromNIfTI(n).Axis(0).Raw().Labels(data.Binary, []string{"no", "yes"}, []float32{0, 1}).Done()
	if err != nil || ds.Len() != 2 || ds.Shape[0] != 3 || ds.Shape[1] != 4 || ds.Example(1)[0] != 1 {
		t.Fatalf("%v %v", ds, err)
	}
	if _, err := SlicesFromNIfTI(n).Labels(data.Binary, nil, []float32{1}).Done(); err == nil {
		t.Error("a label count that is not one per slice must be refused")
	}
}

func TestSlicesFromVolumeWindow(t *testing.T) {
	v := &Volume{Shape: [3]int{2, 1, 2}, Data: []float32{-1000, 40, 1000, 40}}
	v.Meta.WindowCenter, v.Meta.WindowWidth = []float64{40}, []float64{400}
	ds, err := SlicesFromVolume(v).Done()
	if err != nil {
		t.Fatal(err)
	}
	if x := ds.X; x[0] != 0 || x[2] != 1 || x[1] < 0.5 || x[1] > 0.51 {
		t.Errorf("windowed %v", x)
	}
}

func TestSlicesCropResize(t *testing.T) {
	// A 6 × 4 × 2 ramp (each voxel's value is its x index), cut into 2 slices across z.
	img := &NIfTI{Path: "ramp", Shape: []int{6, 4, 2}, Data: make([]float32, 48)}
	for k := range 2 {
		for j := range 4 {
			for i := range 6 {
				img.Data[i+6*(j+4*k)] = float32(i)
			}
		}
	}
	plain, err := SlicesFromNIfTI(img).Axis(2).Raw().Done()
	if err != nil {
		t.Fatal(err)
	}
	h, w := plain.Shape[0], plain.Shape[1]
	cropped, err := SlicesFromNIfTI(img).Axis(2).Raw().Crop(h-2, w-2).Done()
	if err != nil {
		t.Fatal(err)
	}
	if cropped.Shape[0] != h-2 || cropped.Shape[1] != w-2 || cropped.Len() != 2 {
		t.Fatalf("cropped shape %v × %d, want [%d %d 1] × 2", cropped.Shape, cropped.Len(), h-2, w-2)
	}
	// The centre crop drops one pixel on every side.
	if got, want := cropped.Example(0)[0], plain.Example(0)[w+1]; got != want {
		t.Errorf("crop's first pixel %v, want the original's (1,1) = %v", got, want)
	}
	big, err := SlicesFromNIfTI(img).Axis(2).Raw().Resize(2*h, 2*w).Done()
	if err != nil {
		t.Fatal(err)
	}
	ex := big.Example(1)
	lo, hi := ex[0], ex[0]
	for _, v := range ex {
		lo, hi = min(lo, v), max(hi, v)
	}
	// Bilinear resampling stays within the original range and keeps both ends.
	pl := plain.Example(1)
	plo, phi := pl[0], pl[0]
	for _, v := range pl {
		plo, phi = min(plo, v), max(phi, v)
	}
	if lo != plo || hi != phi || big.Shape[0] != 2*h || big.Shape[1] != 2*w {
		t.Errorf("resized range %v–%v shape %v, want %v–%v and [%d %d 1]", lo, hi, big.Shape, plo, phi, 2*h, 2*w)
	}
	if _, err := SlicesFromNIfTI(img).Axis(2).Crop(h+1, 1).Done(); err == nil {
		t.Error("a crop larger than the slice was accepted")
	}
}
