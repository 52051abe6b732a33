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
