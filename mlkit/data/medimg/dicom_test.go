// SPDX-License-Identifier: Apache-2.0

package medimg

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var axial = [6]float64{1, 0, 0, 0, 1, 0}

func TestReadDICOMSigned12Bit(t *testing.T) {
	p := filepath.Join(t.TempDir(), "a.dcm")
	// 12-bit signed: -2048 and 2047 are the extremes; the top 4 bits carry junk that must
	// be masked (0x7000 | 5 → 5).
	synthSlice{patientID: "P1", series: "1.2.3", instance: 1, orient: axial, pixels: []int16{-2048, 2047, 0, 1, -1, 0x7000 | 5}}.write(t, p)
	im, err := ReadDICOM(p)
	if err != nil {
		t.Fatal(err)
	}
	want := []float32{-2048 - 1024, 2047 - 1024, -1024, -1023, -1025, 5 - 1024}
	for i := range want {
		if im.Pixels[i] != want[i] {
			t.Fatalf("pixels %v; want %v (HU after rescale)", im.Pixels, want)
		}
	}
	m := im.Meta
	if m.Modality != "CT" || m.PixelSpacing != [2]float64{0.5, 0.75} || m.SliceThickness != 2.5 || !m.Signed || m.BitsStored != 12 || m.WindowCenter[0] != 40 || m.WindowWidth[0] != 400 {
		t.Errorf("metadata %+v", m)
	}
	if s := im.Shape(); s[0] != 1 || s[1] != 2 || s[2] != 3 || s[3] != 1 {
		t.Errorf("shape %v", s)
	}
}

func TestSeriesSortedAlongNormal(t *testing.T) {
	dir := t.TempDir()
	// Oblique: rows along (cos, sin, 0), columns along z, so the normal is (sin, -cos, 0)
	// and neither x, y nor z alone orders the slices.
	c, s := math.Cos(0.3), math.Sin(0.3)
	o := [6]float64{c, s, 0, 0, 0, 1}
	n := [3]float64{s, -c, 0}
	for i, k := range []int{2, 0, 3, 1} { // written out of order
		pos := [3]float64{10 + 2*float64(k)*n[0], 20 + 2*float64(k)*n[1], 5}
		px := []int16{int16(k), 0, 0, 0, 0, 0}
		synthSlice{patientID: "P1", series: "1.2.3", instance: 10 + i, position: pos, orient: o, pixels: px}.write(t, filepath.Join(dir, "s"+string(rune('a'+i))+".dcm"))
	}
	os.WriteFile(filepath.Join(dir, "README.txt"), []byte("not DICOM"), 0o644)
	v, err := SeriesFromDir(dir, "")
	if err != nil {
		t.Fatal(err)
	}
	if v.Shape != [3]int{4, 2, 3} {
		t.Fatalf("shape %v", v.Shape)
	}
	for k := range 4 {
		if got := v.Data[k*6]; got != float32(k)-1024 {
			t.Errorf("slice %d holds the slice written as %g", k, got+1024)
		}
	}
	if math.Abs(v.Spacing[0]-2) > 1e-4 || v.Spacing[1] != 0.5 || v.Spacing[2] != 0.75 {
		t.Errorf("spacing %v; want [2 0.5 0.75]", v.Spacing)
	}
	// A missing slice is an error, not a stretched volume.
	os.Remove(v.Paths[1])
	if _, err := SeriesFromDir(dir, ""); err == nil || !strings.Contains(err.Error(), "missing") {
		t.Errorf("gap: %v", err)
	}
}

func TestWindow(t *testing.T) {
	got, err := Window([]float32{-1000, -160, 40, 239.5, 1000}, 40, 400, false)
	if err != nil {
		t.Fatal(err)
	}
	if got[0] != 0 || got[4] != 1 || math.Abs(float64(got[2])-0.50125) > 1e-4 || got[3] > 1 {
		t.Errorf("window %v", got)
	}
	inv, _ := Window([]float32{-1000, 1000}, 40, 400, true)
	if inv[0] != 1 || inv[1] != 0 {
		t.Errorf("MONOCHROME1 inversion %v", inv)
	}
	if _, err := Window(nil, 0, 0.5, false); err == nil {
		t.Error("width < 1 must be refused")
	}
}

func TestDICOMRefusals(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "junk.dcm")
	os.WriteFile(p, make([]byte, 200), 0o644)
	if _, err := ReadDICOM(p); err == nil || !strings.Contains(err.Error(), "junk.dcm") {
		t.Errorf("junk: %v", err)
	}
	if _, err := ReadDICOMDir(dir); err == nil || !strings.Contains(err.Error(), "no DICOM") {
		t.Errorf("empty folder: %v", err)
	}
}

func TestMonochrome1Flagged(t *testing.T) {
	p := filepath.Join(t.TempDir(), "m1.dcm")
	synthSlice{patientID: "P1", series: "1.2.3", instance: 1, orient: axial, pixels: []int16{0, 100, 0, 0, 0, 0}, photo: "MONOCHROME1"}.write(t, p)
	im, err := ReadDICOM(p)
	if err != nil {
		t.Fatal(err)
	}
	// Values stay modality values; only the flag says high means dark.
	if !im.Inverted || im.Pixels[1] != 100-1024 {
		t.Errorf("inverted %v, pixel %g", im.Inverted, im.Pixels[1])
	}
	shown, _ := Window(im.Pixels, -974, 200, im.Inverted)
	if shown[1] >= shown[0] {
		t.Errorf("MONOCHROME1 display: %v", shown)
	}
}

func TestCompressedSyntaxNamed(t *testing.T) {
	// The syntax check comes from the header, whatever the pixel bytes hold.
	p := filepath.Join(t.TempDir(), "j2k.dcm")
	synthSlice{patientID: "P1", series: "1.2.3", instance: 1, orient: axial, pixels: make([]int16, 6), syntax: "1.2.840.10008.1.2.4.90"}.write(t, p)
	_, err := ReadDICOM(p)
	if err == nil || !strings.Contains(err.Error(), "1.2.840.10008.1.2.4.90") || !strings.Contains(err.Error(), "JPEG 2000") {
		t.Errorf("error %v; want the syntax UID and its name", err)
	}
}

func TestDefaultWindowFromRange(t *testing.T) {
	im := &Image{Pixels: []float32{-100, 300}}
	if c, w := im.DefaultWindow(); c != 100.5 || w != 401 {
		t.Errorf("centre %g width %g", c, w)
	}
}
