// SPDX-License-Identifier: Apache-2.0

package medimg

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"os"
	"strings"
)

// NIfTIHeader holds the NIfTI-1 or NIfTI-2 header fields MedGo uses, widened to the
// NIfTI-2 types so both versions read the same.
type NIfTIHeader struct {
	Version     int // 1 or 2
	Dim         [8]int64
	Datatype    int
	Bitpix      int
	Pixdim      [8]float64
	VoxOffset   int64
	SclSlope    float64
	SclInter    float64
	QformCode   int
	SformCode   int
	Quatern     [3]float64 // b, c, d
	QOffset     [3]float64
	Srow        [3][4]float64
	XYZTUnits   int
	IntentCode  int
	Description string
	ByteOrder   binary.ByteOrder
}

// NIfTI is an image read from a .nii or .nii.gz file. Data holds the scaled voxel values
// in the file's order, the first index fastest: Data[i + nx*(j + ny*(k + nz*t))].
type NIfTI struct {
	Path   string
	Header NIfTIHeader
	Shape  []int // dim[1..dim[0]]
	Data   []float32
	// Affine maps voxel indices (i, j, k, 1) to RAS+ world coordinates in mm, row-major.
	Affine [4][4]float64
}

// Spacing is the voxel size along the first three axes, from the affine's columns, so it
// stays right after Reorient and Resample.
func (n *NIfTI) Spacing() [3]float64 {
	var s [3]float64
	for c := range 3 {
		s[c] = math.Sqrt(n.Affine[0][c]*n.Affine[0][c] + n.Affine[1][c]*n.Affine[1][c] + n.Affine[2][c]*n.Affine[2][c])
	}
	return s
}

// ReadNIfTI reads a NIfTI-1 or NIfTI-2 single file (.nii), gzip-compressed or not (the
// gzip magic is checked, not the extension). Split .hdr/.img pairs are refused.
func ReadNIfTI(path string) (*NIfTI, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("medimg: opening NIfTI file: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("medimg: %s: %w", path, err)
	}
	return DecodeNIfTI(f, st.Size(), path)
}

// Largest voxel count accepted from a gzip stream, whose real size is only known once it
// has been read: 2^31 values (8 GiB as float32) is beyond any single image MedGo handles.
const maxGzipVoxels = 1 << 31

// DecodeNIfTI reads a NIfTI image from r, which holds size bytes (the compressed size for
// gzip); name is used in errors. Memory for the voxels is reserved only once the header's
// claimed size is known to fit in what the input holds: checked against size for a plain
// file, and for gzip by reading the stream before converting it.
func DecodeNIfTI(r io.Reader, size int64, name string) (*NIfTI, error) {
	br := bufio.NewReader(r)
	var src io.Reader = br
	gz := false
	if magic, err := br.Peek(2); err == nil && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("medimg: %s: bad gzip stream: %v; expected a .nii.gz file", name, err)
		}
		defer zr.Close()
		src, gz = zr, true
	}
	hdrBuf := make([]byte, 540)
	n, err := io.ReadFull(src, hdrBuf[:348])
	if err != nil {
		return nil, fmt.Errorf("medimg: %s: %d bytes; a NIfTI header needs at least 348: %v", name, n, err)
	}
	h, err := parseNIfTIHeader(hdrBuf, src, name)
	if err != nil {
		return nil, err
	}
	hdrLen := int64(348)
	if h.Version == 2 {
		hdrLen = 540
	}
	// Shape: dim[0] axes, each ≥ 1 (a 0 length would hide an empty image).
	nd := int(h.Dim[0])
	if nd < 1 || nd > 7 {
		return nil, fmt.Errorf("medimg: %s: dim[0] = %d; expected 1..7 axes", name, h.Dim[0])
	}
	shape := make([]int, nd)
	voxels := int64(1)
	for i := range nd {
		d := h.Dim[i+1]
		if d < 1 {
			return nil, fmt.Errorf("medimg: %s: dim[%d] = %d; expected a positive length", name, i+1, d)
		}
		if voxels > math.MaxInt64/d/8 {
			return nil, fmt.Errorf("medimg: %s: dims %v overflow; the header is corrupt", name, h.Dim[1:nd+1])
		}
		voxels *= d
		shape[i] = int(d)
	}
	bpv, ok := niftiTypes[h.Datatype]
	if !ok {
		return nil, fmt.Errorf("medimg: %s: datatype %d (%s) is not supported; MedGo reads uint8, int8, int16, uint16, int32, uint32, int64, uint64, float32 and float64", name, h.Datatype, niftiTypeName(h.Datatype))
	}
	if h.Bitpix != 0 && h.Bitpix != 8*bpv.size {
		return nil, fmt.Errorf("medimg: %s: bitpix %d contradicts datatype %s (%d bits)", name, h.Bitpix, bpv.name, 8*bpv.size)
	}
	if h.VoxOffset < hdrLen {
		// NIfTI allows vox_offset 0 only for split files; a single file has data after the header.
		return nil, fmt.Errorf("medimg: %s: vox_offset %d lies inside the %d-byte header", name, h.VoxOffset, hdrLen)
	}
	need := voxels * int64(bpv.size)
	if gz {
		if voxels > maxGzipVoxels {
			return nil, fmt.Errorf("medimg: %s: the header claims %d voxels; at most %d are read from gzip", name, voxels, int64(maxGzipVoxels))
		}
	} else if size >= 0 && h.VoxOffset+need > size {
		return nil, fmt.Errorf("medimg: %s: the header claims %d voxels of %s at offset %d (%d bytes) but the file holds %d bytes", name, voxels, bpv.name, h.VoxOffset, h.VoxOffset+need, size)
	}
	if _, err := io.CopyN(io.Discard, src, h.VoxOffset-hdrLen); err != nil {
		return nil, fmt.Errorf("medimg: %s: skipping to vox_offset %d: %v", name, h.VoxOffset, err)
	}
	// bytes.Buffer grows with the data actually read, so a lying gzip header costs no
	// more memory than the stream really holds.
	var buf bytes.Buffer
	got, err := io.Copy(&buf, io.LimitReader(src, need))
	if err != nil {
		return nil, fmt.Errorf("medimg: %s: reading voxels: %v", name, err)
	}
	if got < need {
		return nil, fmt.Errorf("medimg: %s: the header claims %d voxels of %s (%d bytes) but only %d bytes follow vox_offset", name, voxels, bpv.name, need, got)
	}
	raw := buf.Bytes()
	slope, inter := h.SclSlope, h.SclInter
	// NIfTI-1 §scl_slope: slope 0 means "no scaling"; a non-finite value is treated the same.
	if slope == 0 || math.IsNaN(slope) || math.IsInf(slope, 0) {
		slope, inter = 1, 0
	} else if math.IsNaN(inter) || math.IsInf(inter, 0) {
		inter = 0
	}
	data := make([]float32, voxels)
	for i := range data {
		v := bpv.read(raw[i*bpv.size:], h.ByteOrder)
		data[i] = float32(v*slope + inter)
	}
	img := &NIfTI{Path: name, Header: h, Shape: shape, Data: data}
	img.Affine = h.BestAffine()
	return img, nil
}

type niftiType struct {
	name string
	size int
	read func([]byte, binary.ByteOrder) float64
}

var niftiTypes = map[int]niftiType{
	2:    {"uint8", 1, func(b []byte, _ binary.ByteOrder) float64 { return float64(b[0]) }},
	256:  {"int8", 1, func(b []byte, _ binary.ByteOrder) float64 { return float64(int8(b[0])) }},
	4:    {"int16", 2, func(b []byte, o binary.ByteOrder) float64 { return float64(int16(o.Uint16(b))) }},
	512:  {"uint16", 2, func(b []byte, o binary.ByteOrder) float64 { return float64(o.Uint16(b)) }},
	8:    {"int32", 4, func(b []byte, o binary.ByteOrder) float64 { return float64(int32(o.Uint32(b))) }},
	768:  {"uint32", 4, func(b []byte, o binary.ByteOrder) float64 { return float64(o.Uint32(b)) }},
	1024: {"int64", 8, func(b []byte, o binary.ByteOrder) float64 { return float64(int64(o.Uint64(b))) }},
	1280: {"uint64", 8, func(b []byte, o binary.ByteOrder) float64 { return float64(o.Uint64(b)) }},
	16:   {"float32", 4, func(b []byte, o binary.ByteOrder) float64 { return float64(math.Float32frombits(o.Uint32(b))) }},
	64:   {"float64", 8, func(b []byte, o binary.ByteOrder) float64 { return math.Float64frombits(o.Uint64(b)) }},
}

func niftiTypeName(code int) string {
	switch code {
	case 0:
		return "unknown"
	case 1:
		return "binary"
	case 32:
		return "complex64"
	case 128:
		return "rgb24"
	case 1536:
		return "float128"
	case 1792:
		return "complex128"
	case 2048:
		return "complex256"
	case 2304:
		return "rgba32"
	}
	return "not a NIfTI datatype"
}

// parseNIfTIHeader decodes the header. The byte order is found from sizeof_hdr (348 for
// NIfTI-1, 540 for NIfTI-2), as the standard prescribes; for NIfTI-2 the remaining 192
// bytes are read from src.
func parseNIfTIHeader(b []byte, src io.Reader, name string) (NIfTIHeader, error) {
	var h NIfTIHeader
	le, be := binary.LittleEndian.Uint32(b), binary.BigEndian.Uint32(b)
	switch {
	case le == 348 || be == 348:
		h.Version = 1
		h.ByteOrder = binary.ByteOrder(binary.LittleEndian)
		if le != 348 {
			h.ByteOrder = binary.BigEndian
		}
	case le == 540 || be == 540:
		h.Version = 2
		h.ByteOrder = binary.ByteOrder(binary.LittleEndian)
		if le != 540 {
			h.ByteOrder = binary.BigEndian
		}
		if _, err := io.ReadFull(src, b[348:540]); err != nil {
			return h, fmt.Errorf("medimg: %s: a NIfTI-2 header needs 540 bytes: %v", name, err)
		}
	default:
		return h, fmt.Errorf("medimg: %s: not a NIfTI file: sizeof_hdr is %d; expected 348 (NIfTI-1) or 540 (NIfTI-2)", name, le)
	}
	o := h.ByteOrder
	i16 := func(off int) int { return int(int16(o.Uint16(b[off:]))) }
	i32 := func(off int) int64 { return int64(int32(o.Uint32(b[off:]))) }
	i64 := func(off int) int64 { return int64(o.Uint64(b[off:])) }
	f32 := func(off int) float64 { return float64(math.Float32frombits(o.Uint32(b[off:]))) }
	f64 := func(off int) float64 { return math.Float64frombits(o.Uint64(b[off:])) }
	cstr := func(off, n int) string {
		s := string(b[off : off+n])
		if i := strings.IndexByte(s, 0); i >= 0 {
			s = s[:i]
		}
		return s
	}
	if h.Version == 1 {
		magic := cstr(344, 4)
		if magic == "ni1" {
			return h, fmt.Errorf("medimg: %s: a NIfTI-1 header of a split .hdr/.img pair (magic \"ni1\"); MedGo reads single files: convert with `fslchfiletype NIFTI` or nibabel", name)
		}
		if magic != "n+1" {
			return h, fmt.Errorf("medimg: %s: NIfTI-1 magic is %q; expected \"n+1\" (an ANALYZE 7.5 header is not NIfTI)", name, magic)
		}
		for i := range 8 {
			h.Dim[i] = int64(i16(40 + 2*i))
			h.Pixdim[i] = f32(76 + 4*i)
		}
		h.IntentCode = i16(68)
		h.Datatype, h.Bitpix = i16(70), i16(72)
		vo := f32(108)
		if math.IsNaN(vo) || vo < 0 || vo > math.MaxInt32 {
			return h, fmt.Errorf("medimg: %s: vox_offset %g is not a valid offset", name, vo)
		}
		h.VoxOffset = int64(vo)
		h.SclSlope, h.SclInter = f32(112), f32(116)
		h.XYZTUnits = int(b[123])
		h.Description = cstr(148, 80)
		h.QformCode, h.SformCode = i16(252), i16(254)
		for i := range 3 {
			h.Quatern[i] = f32(256 + 4*i)
			h.QOffset[i] = f32(268 + 4*i)
			for j := range 4 {
				h.Srow[i][j] = f32(280 + 16*i + 4*j)
			}
		}
		return h, nil
	}
	if magic := string(b[4:12]); magic != "n+2\x00\r\n\x1a\n" {
		if strings.HasPrefix(magic, "ni2") {
			return h, fmt.Errorf("medimg: %s: a NIfTI-2 header of a split .hdr/.img pair (magic \"ni2\"); MedGo reads single files", name)
		}
		return h, fmt.Errorf("medimg: %s: NIfTI-2 magic is %q; expected \"n+2\\0\\r\\n\\032\\n\"", name, magic)
	}
	h.Datatype, h.Bitpix = i16(12), i16(14)
	for i := range 8 {
		h.Dim[i] = i64(16 + 8*i)
		h.Pixdim[i] = f64(104 + 8*i)
	}
	h.VoxOffset = i64(168)
	h.SclSlope, h.SclInter = f64(176), f64(184)
	h.Description = cstr(240, 80)
	h.QformCode, h.SformCode = int(i32(344)), int(i32(348))
	for i := range 3 {
		h.Quatern[i] = f64(352 + 8*i)
		h.QOffset[i] = f64(376 + 8*i)
		for j := range 4 {
			h.Srow[i][j] = f64(400 + 32*i + 8*j)
		}
	}
	h.XYZTUnits = int(i32(500))
	h.IntentCode = int(i32(504))
	return h, nil
}

// BestAffine applies NIfTI's precedence: sform_code > 0 → the sform rows; else
// qform_code > 0 → the quaternion, pixdim and qoffset; else the standard's "method 1",
// a plain scaling by pixdim with no offset. (nibabel differs in that last case: it
// centres the grid and flips x, as ANALYZE did; MedGo follows the NIfTI-1 text.)
func (h *NIfTIHeader) BestAffine() [4][4]float64 {
	if h.SformCode > 0 {
		return h.SformAffine()
	}
	if h.QformCode > 0 {
		return h.QformAffine()
	}
	var a [4][4]float64
	for i := range 3 {
		a[i][i] = h.Pixdim[i+1]
	}
	a[3][3] = 1
	return a
}

// SformAffine is the affine stored in srow_x, srow_y, srow_z.
func (h *NIfTIHeader) SformAffine() [4][4]float64 {
	var a [4][4]float64
	a[0], a[1], a[2] = h.Srow[0], h.Srow[1], h.Srow[2]
	a[3][3] = 1
	return a
}

// QformAffine builds the rotation from the unit quaternion (b, c, d with a ≥ 0 implied),
// scales its columns by pixdim[1..3] (the third by qfac = pixdim[0], −1 for a left-handed
// grid) and adds qoffset.
func (h *NIfTIHeader) QformAffine() [4][4]float64 {
	b, c, d := h.Quatern[0], h.Quatern[1], h.Quatern[2]
	a2 := 1 - (b*b + c*c + d*d)
	var a float64
	if a2 < 1e-7 {
		// Rounding in a stored float32 can push a² slightly negative: the rotation is
		// then by 180°, a = 0, and (b, c, d) is renormalised.
		s := 1 / math.Sqrt(b*b+c*c+d*d)
		b, c, d = b*s, c*s, d*s
	} else {
		a = math.Sqrt(a2)
	}
	r := [3][3]float64{
		{a*a + b*b - c*c - d*d, 2 * (b*c - a*d), 2 * (b*d + a*c)},
		{2 * (b*c + a*d), a*a + c*c - b*b - d*d, 2 * (c*d - a*b)},
		{2 * (b*d - a*c), 2 * (c*d + a*b), a*a + d*d - b*b - c*c},
	}
	qfac := 1.0
	if h.Pixdim[0] < 0 {
		qfac = -1
	}
	zooms := [3]float64{h.Pixdim[1], h.Pixdim[2], h.Pixdim[3] * qfac}
	var m [4][4]float64
	for i := range 3 {
		for j := range 3 {
			m[i][j] = r[i][j] * zooms[j]
		}
		m[i][3] = h.QOffset[i]
	}
	m[3][3] = 1
	return m
}
