// SPDX-License-Identifier: Apache-2.0

package medimg

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// niftiSpec describes a small synthetic NIfTI-1 file for tests.
// dims are the lengths dim[1..]; dim[0] is their count.
type niftiSpec struct {
	dims         []int16
	datatype     int16
	bitpix       int16
	pixdim       [8]float32
	slope, inter float32
	qcode, scode int16
	quat, qoff   [3]float32
	srow         [3][4]float32
	data         []byte
	magic        string
	bigEndian    bool
	voxOffset    float32
}

func (s niftiSpec) bytes() []byte {
	var o binary.ByteOrder = binary.LittleEndian
	if s.bigEndian {
		o = binary.BigEndian
	}
	h := make([]byte, 352)
	o.PutUint32(h[0:], 348)
	o.PutUint16(h[40:], uint16(len(s.dims)))
	for i, d := range s.dims {
		o.PutUint16(h[42+2*i:], uint16(d))
	}
	o.PutUint16(h[70:], uint16(s.datatype))
	o.PutUint16(h[72:], uint16(s.bitpix))
	for i, p := range s.pixdim {
		o.PutUint32(h[76+4*i:], math.Float32bits(p))
	}
	vo := s.voxOffset
	if vo == 0 {
		vo = 352
	}
	o.PutUint32(h[108:], math.Float32bits(vo))
	o.PutUint32(h[112:], math.Float32bits(s.slope))
	o.PutUint32(h[116:], math.Float32bits(s.inter))
	o.PutUint16(h[252:], uint16(s.qcode))
	o.PutUint16(h[254:], uint16(s.scode))
	for i := range 3 {
		o.PutUint32(h[256+4*i:], math.Float32bits(s.quat[i]))
		o.PutUint32(h[268+4*i:], math.Float32bits(s.qoff[i]))
		for j := range 4 {
			o.PutUint32(h[280+16*i+4*j:], math.Float32bits(s.srow[i][j]))
		}
	}
	m := s.magic
	if m == "" {
		m = "n+1"
	}
	copy(h[344:], m)
	return append(h, s.data...)
}

func int16s(o binary.ByteOrder, v ...int16) []byte {
	b := make([]byte, 2*len(v))
	for i, x := range v {
		o.PutUint16(b[2*i:], uint16(x))
	}
	return b
}

func decode(t *testing.T, b []byte) (*NIfTI, error) {
	t.Helper()
	return DecodeNIfTI(bytes.NewReader(b), int64(len(b)), "test.nii")
}

func TestNIfTIScalingAndTypes(t *testing.T) {
	le := binary.LittleEndian
	base := niftiSpec{dims: []int16{2, 2}, datatype: 4, bitpix: 16, pixdim: [8]float32{1, 2, 3, 4}, data: int16s(le, -3, 0, 5, 100)}
	img, err := decode(t, base.bytes())
	if err != nil {
		t.Fatal(err)
	}
	if want := []float32{-3, 0, 5, 100}; !equalF(img.Data, want) {
		t.Errorf("slope 0 must mean no scaling: got %v, want %v", img.Data, want)
	}
	// Method 1 (no sform/qform): a plain pixdim scaling.
	if img.Affine[0][0] != 2 || img.Affine[1][1] != 3 || img.Affine[2][2] != 4 || img.Affine[0][3] != 0 {
		t.Errorf("fallback affine %v; want diag(2,3,4)", img.Affine)
	}
	s := base
	s.slope, s.inter = 0.5, 10
	img, err = decode(t, s.bytes())
	if err != nil {
		t.Fatal(err)
	}
	if want := []float32{8.5, 10, 12.5, 60}; !equalF(img.Data, want) {
		t.Errorf("scaled: got %v, want %v", img.Data, want)
	}
	// Big-endian files are recognised from sizeof_hdr.
	s = base
	s.bigEndian, s.data = true, int16s(binary.BigEndian, -3, 0, 5, 100)
	if img, err = decode(t, s.bytes()); err != nil || !equalF(img.Data, []float32{-3, 0, 5, 100}) {
		t.Errorf("big-endian: %v %v", img, err)
	}
	// gzip.
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(base.bytes())
	zw.Close()
	if img, err = decode(t, gz.Bytes()); err != nil || !equalF(img.Data, []float32{-3, 0, 5, 100}) {
		t.Errorf("gzip: %v %v", img, err)
	}
}

func equalF(a, b []float32) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Abs(float64(a[i]-b[i])) > 1e-5 {
			return false
		}
	}
	return true
}

func TestNIfTIRefusals(t *testing.T) {
	le := binary.LittleEndian
	base := niftiSpec{dims: []int16{2, 2, 2}, datatype: 2, bitpix: 8, pixdim: [8]float32{1, 1, 1, 1}, data: make([]byte, 8)}
	cases := map[string]struct {
		edit func(*niftiSpec)
		want string
	}{
		"complex":   {func(s *niftiSpec) { s.datatype, s.bitpix = 32, 64 }, "complex64"},
		"rgb":       {func(s *niftiSpec) { s.datatype, s.bitpix = 128, 24 }, "rgb24"},
		"bitpix":    {func(s *niftiSpec) { s.bitpix = 16 }, "bitpix"},
		"split":     {func(s *niftiSpec) { s.magic = "ni1" }, ".hdr/.img"},
		"analyze":   {func(s *niftiSpec) { s.magic = "xxx" }, "magic"},
		"truncated": {func(s *niftiSpec) { s.data = s.data[:5] }, "file holds"},
		"huge":      {func(s *niftiSpec) { s.dims = []int16{32767, 32767, 32767} }, "file holds"},
		"zero dim":  {func(s *niftiSpec) { s.dims = []int16{2, 0, 2} }, "positive"},
		"offset":    {func(s *niftiSpec) { s.voxOffset = 100 }, "inside"},
	}
	for name, c := range cases {
		s := base
		s.data = append([]byte(nil), base.data...)
		c.edit(&s)
		_, err := decode(t, s.bytes())
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v; want one mentioning %q", name, err, c.want)
		}
	}
	_ = le
	if _, err := decode(t, []byte("short")); err == nil {
		t.Error("a 5-byte file must be refused")
	}
}

func TestQformAffine(t *testing.T) {
	// 180° about z: quaternion (0,0,1) → diag(-1,-1,1); qfac -1 flips the third column.
	s := niftiSpec{dims: []int16{2, 2, 2}, datatype: 2, bitpix: 8, pixdim: [8]float32{-1, 2, 3, 4}, qcode: 1,
		quat: [3]float32{0, 0, 1}, qoff: [3]float32{10, 20, 30}, data: make([]byte, 8)}
	img, err := decode(t, s.bytes())
	if err != nil {
		t.Fatal(err)
	}
	want := [4][4]float64{{-2, 0, 0, 10}, {0, -3, 0, 20}, {0, 0, -4, 30}, {0, 0, 0, 1}}
	if affineDiff(img.Affine, want) > 1e-6 {
		t.Errorf("qform affine %v; want %v", img.Affine, want)
	}
	// sform wins when its code is set.
	s.scode = 2
	s.srow = [3][4]float32{{0, 0, 1, -5}, {1, 0, 0, -6}, {0, 1, 0, -7}}
	img, _ = decode(t, s.bytes())
	if img.Affine[0][2] != 1 || img.Affine[1][0] != 1 || img.Affine[0][3] != -5 {
		t.Errorf("sform must take precedence: %v", img.Affine)
	}
	// Reorient that permuted grid to RAS: axes become (1, 2, 0) and the affine diagonal.
	img.Data = []float32{0, 1, 2, 3, 4, 5, 6, 7}
	c, err := img.Reorient()
	if err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		for j := range 3 {
			if (i == j) != (c.Affine[i][j] != 0) {
				t.Fatalf("reoriented affine not diagonal: %v", c.Affine)
			}
		}
	}
	// World position of every voxel is preserved.
	for k := range 2 {
		for j := range 2 {
			for i := range 2 {
				v := c.Data[i+2*j+4*k]
				oi, oj, ok := int(v)%2, int(v)/2%2, int(v)/4
				for r := range 3 {
					w1 := c.Affine[r][0]*float64(i) + c.Affine[r][1]*float64(j) + c.Affine[r][2]*float64(k) + c.Affine[r][3]
					w0 := img.Affine[r][0]*float64(oi) + img.Affine[r][1]*float64(oj) + img.Affine[r][2]*float64(ok) + img.Affine[r][3]
					if math.Abs(w1-w0) > 1e-6 {
						t.Fatalf("voxel %d moved from %v", int(v), w0)
					}
				}
			}
		}
	}
}

func TestResampleLinear(t *testing.T) {
	// Trilinear interpolation is exact on a linear field.
	img := &NIfTI{Path: "lin", Shape: []int{5, 4, 3}, Affine: [4][4]float64{{2, 0, 0, 0}, {0, 2, 0, 0}, {0, 0, 3, 0}, {0, 0, 0, 1}}}
	f := func(x, y, z float64) float32 { return float32(1 + 0.5*x - 2*y + 3*z) } // world mm
	for k := range 3 {
		for j := range 4 {
			for i := range 5 {
				img.Data = append(img.Data, f(2*float64(i), 2*float64(j), 3*float64(k)))
			}
		}
	}
	r, err := img.Resample([3]float64{1, 1.5, 1})
	if err != nil {
		t.Fatal(err)
	}
	if r.Shape[0] != 9 || r.Shape[1] != 5 || r.Shape[2] != 7 {
		t.Fatalf("shape %v; want [9 5 7]", r.Shape)
	}
	if sp := r.Spacing(); math.Abs(sp[0]-1) > 1e-9 || math.Abs(sp[1]-1.5) > 1e-9 || math.Abs(sp[2]-1) > 1e-9 {
		t.Errorf("spacing %v", sp)
	}
	for k := range 7 {
		for j := range 5 {
			for i := range 9 {
				got := r.Data[i+9*(j+5*k)]
				if want := f(float64(i), 1.5*float64(j), float64(k)); math.Abs(float64(got-want)) > 1e-4 {
					t.Fatalf("(%d,%d,%d) = %g; want %g", i, j, k, got, want)
				}
			}
		}
	}
	if _, err := img.Resample([3]float64{0, 1, 1}); err == nil {
		t.Error("zero spacing must be refused")
	}
}

func TestReadNIfTIFile(t *testing.T) {
	p := filepath.Join(t.TempDir(), "x.nii")
	s := niftiSpec{dims: []int16{3}, datatype: 16, bitpix: 32, pixdim: [8]float32{1, 1}}
	for _, v := range []float32{1.5, -2, 3} {
		s.data = binary.LittleEndian.AppendUint32(s.data, math.Float32bits(v))
	}
	if err := os.WriteFile(p, s.bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	img, err := ReadNIfTI(p)
	if err != nil || !equalF(img.Data, []float32{1.5, -2, 3}) {
		t.Fatalf("%v %v", img, err)
	}
	if _, err := ReadNIfTI(filepath.Join(t.TempDir(), "missing.nii")); err == nil {
		t.Error("a missing file must be an error")
	}
}

// FuzzNIfTI: arbitrary bytes never panic; whatever is accepted holds as many values as
// its shape says, and no more memory is taken than the input can justify.
func FuzzNIfTI(f *testing.F) {
	le := binary.LittleEndian
	f.Add(niftiSpec{dims: []int16{2, 2, 1}, datatype: 4, bitpix: 16, pixdim: [8]float32{1, 1, 1, 1}, data: int16s(le, 1, 2, 3, 4)}.bytes())
	f.Add(niftiSpec{dims: []int16{2, 2, 2}, datatype: 2, bitpix: 8, qcode: 1, quat: [3]float32{0.5, 0.5, 0.5}, data: make([]byte, 8)}.bytes())
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(niftiSpec{dims: []int16{4}, datatype: 64, bitpix: 64, data: make([]byte, 32)}.bytes())
	zw.Close()
	f.Add(gz.Bytes())
	f.Fuzz(func(t *testing.T, b []byte) {
		img, err := DecodeNIfTI(bytes.NewReader(b), int64(len(b)), "fuzz.nii")
		if err != nil {
			return
		}
		n := 1
		for _, d := range img.Shape {
			n *= d
		}
		if n != len(img.Data) {
			t.Fatalf("shape %v but %d values", img.Shape, len(img.Data))
		}
		if len(b) > 2 && !(b[0] == 0x1f && b[1] == 0x8b) && n > len(b) {
			t.Fatalf("%d voxels from a %d-byte file", n, len(b))
		}
		if _, err := img.Reorient(); err != nil {
			return
		}
	})
}
