// SPDX-License-Identifier: Apache-2.0

package data

import (
	"archive/zip"
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"codeberg.org/sbinet/npyio/npy"
)

// npyHeader is a validated NumPy header.
type npyHeader struct {
	kind    byte // 'b', 'i', 'u', 'f'
	size    int  // bytes per element
	little  bool
	fortran bool
	shape   []int
	n       int // number of elements
}

func (h *npyHeader) dtypeName() string {
	switch h.kind {
	case 'b':
		return "bool"
	case 'f':
		return "float" + strconv.Itoa(8*h.size)
	case 'u':
		return "uint" + strconv.Itoa(8*h.size)
	}
	return "int" + strconv.Itoa(8*h.size)
}

// descr is the header's dtype in the form npyio expects.
func (h *npyHeader) descr() string {
	order := "<"
	switch {
	case h.size == 1:
		order = "|"
	case !h.little:
		order = ">"
	}
	return order + string(h.kind) + strconv.Itoa(h.size)
}

// maxNPYHeader bounds the header length a file may declare.
const maxNPYHeader = 1 << 20

// readNPYHeader reads and validates the preamble and header of a .npy stream. available
// is the number of bytes the stream holds in all (or -1 when unknown); the declared data
// must fit in it, so no allocation is made for data that is not there.
//
// npyio also reads headers (npy.NewReader fills Reader.Header), but as of v0.14.0 it is not
// fit for files from outside: it panics on a header without its closing newline or with its
// keys in another order, rejects format 3.0, allocates whatever length a 2.x header
// declares, does not check for duplicate or unknown keys, and its errors name neither the
// file nor what was expected. So the header is checked here, and npyio decodes the data
// after it (readNPYData) from a canonical header written from the checked one.
func readNPYHeader(r io.Reader, name string, available int64) (*npyHeader, error) {
	var pre [8]byte
	if _, err := io.ReadFull(r, pre[:]); err != nil {
		return nil, fmt.Errorf("%s: reading the NumPy preamble: %v; expected a .npy file", name, noEOF(err))
	}
	if !bytes.Equal(pre[:6], npy.Magic[:]) {
		return nil, fmt.Errorf("%s: not a .npy file: it does not start with \\x93NUMPY", name)
	}
	var hlen int
	switch pre[6] {
	case 1:
		var v uint16
		if err := binary.Read(r, binary.LittleEndian, &v); err != nil {
			return nil, fmt.Errorf("%s: reading the header length: %v", name, noEOF(err))
		}
		hlen = int(v)
	case 2, 3:
		var v uint32
		if err := binary.Read(r, binary.LittleEndian, &v); err != nil {
			return nil, fmt.Errorf("%s: reading the header length: %v", name, noEOF(err))
		}
		if v > maxNPYHeader {
			return nil, fmt.Errorf("%s: the header declares %d bytes; at most %d are accepted", name, v, maxNPYHeader)
		}
		hlen = int(v)
	default:
		return nil, fmt.Errorf("%s: NumPy format version %d.%d is not supported; expected 1.x, 2.x or 3.x", name, pre[6], pre[7])
	}
	pre6 := 10
	if pre[6] > 1 {
		pre6 = 12
	}
	if available >= 0 && int64(pre6+hlen) > available {
		return nil, fmt.Errorf("%s: the header declares %d bytes but the file holds %d in all", name, hlen, available)
	}
	text := make([]byte, hlen)
	if _, err := io.ReadFull(r, text); err != nil {
		return nil, fmt.Errorf("%s: reading the %d-byte header: %v", name, hlen, noEOF(err))
	}
	h, err := parseNPYDict(string(text))
	if err != nil {
		return nil, fmt.Errorf("%s: bad NumPy header %q: %v", name, clip(string(text), 120), err)
	}
	if available >= 0 {
		dataBytes := available - int64(pre6+hlen)
		if int64(h.n)*int64(h.size) > dataBytes {
			return nil, fmt.Errorf("%s: the header declares shape %v of %s (%d bytes) but only %d bytes of data follow (truncated?)", name, h.shape, h.dtypeName(), int64(h.n)*int64(h.size), dataBytes)
		}
	}
	return h, nil
}

func clip(s string, n int) string {
	if len(s) > n {
		return s[:n] + "..."
	}
	return s
}

// parseNPYDict parses the header dictionary, e.g.
// {'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }.
func parseNPYDict(s string) (*npyHeader, error) {
	s = strings.TrimRight(s, " \n\x00")
	if !strings.HasPrefix(s, "{") || !strings.HasSuffix(s, "}") {
		return nil, errors.New("expected a dictionary in braces")
	}
	body := s[1 : len(s)-1]
	h := &npyHeader{}
	seen := map[string]bool{}
	for {
		body = strings.TrimLeft(body, " ,")
		if body == "" {
			break
		}
		key, rest, ok := pyString(body)
		if !ok {
			return nil, fmt.Errorf("expected a quoted key at %q", clip(body, 30))
		}
		rest = strings.TrimLeft(rest, " ")
		if !strings.HasPrefix(rest, ":") {
			return nil, fmt.Errorf("expected ':' after key %q", key)
		}
		rest = strings.TrimLeft(rest[1:], " ")
		if seen[key] {
			return nil, fmt.Errorf("key %q appears twice", key)
		}
		seen[key] = true
		switch key {
		case "descr":
			v, r2, ok := pyString(rest)
			if !ok {
				return nil, errors.New("'descr' must be a quoted dtype such as '<f4'; structured dtypes are not supported")
			}
			if err := h.setDescr(v); err != nil {
				return nil, err
			}
			rest = r2
		case "fortran_order":
			switch {
			case strings.HasPrefix(rest, "True"):
				h.fortran, rest = true, rest[4:]
			case strings.HasPrefix(rest, "False"):
				h.fortran, rest = false, rest[5:]
			default:
				return nil, errors.New("'fortran_order' must be True or False")
			}
		case "shape":
			end := strings.IndexByte(rest, ')')
			if !strings.HasPrefix(rest, "(") || end < 0 {
				return nil, errors.New("'shape' must be a tuple of integers")
			}
			for _, tok := range strings.Split(rest[1:end], ",") {
				tok = strings.TrimSpace(tok)
				if tok == "" {
					continue
				}
				v, err := strconv.Atoi(strings.TrimSuffix(tok, "L"))
				if err != nil || v < 0 {
					return nil, fmt.Errorf("shape entry %q is not a non-negative integer", tok)
				}
				h.shape = append(h.shape, v)
			}
			rest = rest[end+1:]
		default:
			return nil, fmt.Errorf("unexpected key %q; expected 'descr', 'fortran_order' and 'shape'", key)
		}
		body = rest
	}
	for _, k := range []string{"descr", "fortran_order", "shape"} {
		if !seen[k] {
			return nil, fmt.Errorf("missing key %q", k)
		}
	}
	n, err := numElements(h.shape)
	if err != nil {
		return nil, err
	}
	h.n = n
	return h, nil
}

// pyString parses a quoted Python string at the start of s.
func pyString(s string) (val, rest string, ok bool) {
	if len(s) < 2 || (s[0] != '\'' && s[0] != '"') {
		return "", s, false
	}
	end := strings.IndexByte(s[1:], s[0])
	if end < 0 {
		return "", s, false
	}
	return s[1 : 1+end], s[end+2:], true
}

func (h *npyHeader) setDescr(d string) error {
	if d == "" {
		return errors.New("empty dtype")
	}
	h.little = true
	switch d[0] {
	case '<', '|', '=':
		d = d[1:]
	case '>':
		h.little = false
		d = d[1:]
	}
	if len(d) < 2 {
		return fmt.Errorf("dtype %q is not supported", d)
	}
	size, err := strconv.Atoi(d[1:])
	if err != nil {
		return fmt.Errorf("dtype %q is not supported; expected bool, integers or float32/float64", d)
	}
	h.kind, h.size = d[0], size
	switch {
	case h.kind == 'b' && size == 1:
	case (h.kind == 'i' || h.kind == 'u') && (size == 1 || size == 2 || size == 4 || size == 8):
	case h.kind == 'f' && (size == 4 || size == 8):
	default:
		return fmt.Errorf("dtype %q is not supported; expected bool (b1), integers (i1..i8, u1..u8) or floats (f4, f8)", d)
	}
	if size == 1 {
		h.little = true
	}
	return nil
}

// readNPYData decodes the data that follows a validated header, through npyio.
func readNPYData(r io.Reader, h *npyHeader, name string) (arr *Array, err error) {
	defer func() {
		if p := recover(); p != nil {
			arr, err = nil, fmt.Errorf("%s: decoding the NumPy data failed: %v", name, p)
		}
	}()
	// npyio reads a canonical header that we write from the validated one; the data stream
	// follows it unchanged.
	dict := fmt.Sprintf("{'descr': '%s', 'fortran_order': False, 'shape': (%s), }", h.descr(), shapeTuple(h.shape))
	pad := 64 - (10+len(dict)+1)%64
	dict += strings.Repeat(" ", pad%64) + "\n"
	var hdr bytes.Buffer
	hdr.WriteString("\x93NUMPY\x01\x00")
	_ = binary.Write(&hdr, binary.LittleEndian, uint16(len(dict)))
	hdr.WriteString(dict)
	rd, err := npy.NewReader(io.MultiReader(&hdr, bufio.NewReaderSize(r, 1<<16)))
	if err != nil {
		return nil, fmt.Errorf("%s: %v", name, err)
	}
	out := make([]float32, h.n)
	var rerr error
	switch h.descr()[1:] {
	case "b1":
		var v []bool
		if h.n > 0 {
			if rerr = rd.Read(&v); rerr == nil && len(v) != h.n {
				rerr = fmt.Errorf("read %d values", len(v))
			}
		}
		if rerr == nil {
			for i, b := range v {
				if b {
					out[i] = 1
				}
			}
		}
	case "i1":
		rerr = readConvert[int8](rd, out)
	case "u1":
		rerr = readConvert[uint8](rd, out)
	case "i2":
		rerr = readConvert[int16](rd, out)
	case "u2":
		rerr = readConvert[uint16](rd, out)
	case "i4":
		rerr = readConvert[int32](rd, out)
	case "u4":
		rerr = readConvert[uint32](rd, out)
	case "i8":
		rerr = readConvert[int64](rd, out)
	case "u8":
		rerr = readConvert[uint64](rd, out)
	case "f4":
		rerr = readConvert[float32](rd, out)
	case "f8":
		rerr = readConvert[float64](rd, out)
	}
	if rerr != nil {
		return nil, fmt.Errorf("%s: reading %d values of %s: %v (truncated?)", name, h.n, h.dtypeName(), rerr)
	}
	if h.fortran && len(h.shape) > 1 {
		out = fortranToC(out, h.shape)
	}
	return &Array{Shape: slices.Clone(h.shape), Data: out, DType: h.dtypeName()}, nil
}

func readConvert[T int8 | uint8 | int16 | uint16 | int32 | uint32 | int64 | uint64 | float32 | float64](rd *npy.Reader, out []float32) error {
	var v []T
	if len(out) == 0 {
		return nil
	}
	if err := rd.Read(&v); err != nil {
		return err
	}
	if len(v) != len(out) {
		return fmt.Errorf("read %d values, expected %d", len(v), len(out))
	}
	for i, x := range v {
		out[i] = float32(x)
	}
	return nil
}

func shapeTuple(shape []int) string {
	parts := make([]string, len(shape))
	for i, d := range shape {
		parts[i] = strconv.Itoa(d)
	}
	s := strings.Join(parts, ", ")
	if len(shape) == 1 {
		s += ","
	}
	return s
}

// fortranToC reorders column-major (first axis fastest) data into row-major order.
func fortranToC(in []float32, shape []int) []float32 {
	out := make([]float32, len(in))
	nd := len(shape)
	// strides of the Fortran layout
	fstride := make([]int, nd)
	s := 1
	for i := 0; i < nd; i++ {
		fstride[i] = s
		s *= shape[i]
	}
	idx := make([]int, nd)
	for c := range out {
		f := 0
		for i := 0; i < nd; i++ {
			f += idx[i] * fstride[i]
		}
		out[c] = in[f]
		for i := nd - 1; i >= 0; i-- {
			idx[i]++
			if idx[i] < shape[i] {
				break
			}
			idx[i] = 0
		}
	}
	return out
}

// ReadNPY reads a NumPy .npy file of booleans, integers or floats.
func ReadNPY(path string) (*Array, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("reading .npy file: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("reading .npy file: %w", err)
	}
	return readNPY(bufio.NewReaderSize(f, 1<<16), path, st.Size())
}

func readNPY(r io.Reader, name string, size int64) (*Array, error) {
	h, err := readNPYHeader(r, name, size)
	if err != nil {
		return nil, err
	}
	return readNPYData(r, h, name)
}

// maxDeflateRatio bounds the declared expansion of a compressed member (deflate cannot
// expand more than about 1032:1).
const maxDeflateRatio = 1100

// npzFile is an open .npz archive: a zip of .npy arrays.
type npzFile struct {
	name  string
	zr    *zip.Reader
	files map[string]*zip.File
	keys  []string
}

func newNPZ(r io.ReaderAt, size int64, name string) (*npzFile, error) {
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return nil, npzOpenError(r, size, name, err)
	}
	z := &npzFile{name: name, zr: zr, files: map[string]*zip.File{}}
	// Members are named KEY.npy by NumPy (and KEY by some writers).
	for _, f := range zr.File {
		key := strings.TrimSuffix(f.Name, ".npy")
		if strings.HasSuffix(f.Name, "/") || z.files[key] != nil {
			continue
		}
		z.files[key] = f
		z.keys = append(z.keys, key)
	}
	return z, nil
}

func (z *npzFile) read(key string) (*Array, error) {
	f := z.files[key]
	if f == nil {
		return nil, fmt.Errorf("%s: has no array %q; it holds %s", z.name, key, strings.Join(z.keys, ", "))
	}
	name := z.name + ":" + key
	if f.Method == zip.Store && f.UncompressedSize64 != f.CompressedSize64 {
		return nil, fmt.Errorf("%s: stored member declares %d bytes but occupies %d", name, f.UncompressedSize64, f.CompressedSize64)
	}
	if f.UncompressedSize64 > f.CompressedSize64*maxDeflateRatio+1<<16 || f.UncompressedSize64 > 1<<40 {
		return nil, fmt.Errorf("%s: declares %d bytes from %d compressed, more than compression allows", name, f.UncompressedSize64, f.CompressedSize64)
	}
	rc, err := f.Open()
	if err != nil {
		return nil, fmt.Errorf("%s: %v", name, err)
	}
	defer rc.Close()
	return readNPY(rc, name, int64(f.UncompressedSize64))
}

// ReadNPZ reads every array of a NumPy .npz archive, keyed by name (without ".npy").
func ReadNPZ(path string) (map[string]*Array, error) {
	z, closeFn, err := openNPZ(path)
	if err != nil {
		return nil, err
	}
	defer closeFn()
	out := make(map[string]*Array, len(z.keys))
	for _, k := range z.keys {
		a, err := z.read(k)
		if err != nil {
			return nil, err
		}
		out[k] = a
	}
	return out, nil
}

func openNPZ(path string) (*npzFile, func() error, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, fmt.Errorf("reading .npz file: %w", err)
	}
	st, err := f.Stat()
	if err != nil {
		_ = f.Close()
		return nil, nil, fmt.Errorf("reading .npz file: %w", err)
	}
	z, err := newNPZ(f, st.Size(), path)
	if err != nil {
		_ = f.Close()
		return nil, nil, err
	}
	return z, f.Close, nil
}

// npzOpenError explains an archive that cannot be opened. The usual cause is a copy cut
// short (an interrupted download or transfer): the zip index sits at the end of the file,
// so the start can look right while the index is gone.
func npzOpenError(r io.ReaderAt, size int64, name string, err error) error {
	var head [4]byte
	n, _ := r.ReadAt(head[:], 0)
	looks := "it does not start like a zip archive either (a .npz is a zip of .npy files)"
	switch {
	case size == 0:
		looks = "it is empty"
	case n >= 2 && string(head[:2]) == "PK":
		looks = "it starts like a zip archive but its end (the zip index) is missing or damaged, so it looks truncated or corrupt"
	}
	return fmt.Errorf("%s: not a readable .npz archive (%s, %d bytes): %v; %s. Delete the file and download or copy it again", name, byteSize(size), size, err, looks)
}

// LoadNPY loads a data set from two .npy files, features (examples on the first axis) and
// targets; see FromArrays for how the task is inferred, and LoadNPZ for the checks and
// what an Expect adds.
func LoadNPY(xPath, yPath string, expect ...Expect) (*Dataset, error) {
	e, err := expectation(xPath, expect)
	if err != nil {
		return nil, err
	}
	x, err := ReadNPY(xPath)
	if err != nil {
		return nil, err
	}
	y, err := ReadNPY(yPath)
	if err != nil {
		return nil, err
	}
	return arraysDataset(strings.TrimSuffix(filepath.Base(xPath), ".npy"), xPath+" and "+yPath, x, y, e)
}

// LoadNPZ loads a data set from the arrays xKey (features) and yKey (targets) of a .npz
// archive, for example LoadNPZ("scans.npz", "x_train", "y_train"); see FromArrays for how
// the task is inferred. Images (features of shape [n, height, width, 1 or 3], or any with
// Expect.Images) must be uint8, which is scaled to [0,1], or floats already in [0,1].
// Without stated classes, integer labels 0..k-1 are classes, and a class below the largest
// label that no example has is an error (1-based labels, or a junk label): state
// Expect{NumClasses: k} when the file really lacks a class, or Expect{Regression: true}
// for integer targets that are values. With stated classes every label must be in range:
//
//	d, err := data.LoadNPZ("scans.npz", "x_train", "y_train", data.Expect{NumClasses: 9, DType: "uint8"})
func LoadNPZ(path, xKey, yKey string, expect ...Expect) (*Dataset, error) {
	e, err := expectation(path, expect)
	if err != nil {
		return nil, err
	}
	z, closeFn, err := openNPZ(path)
	if err != nil {
		return nil, err
	}
	defer closeFn()
	x, err := z.read(xKey)
	if err != nil {
		return nil, err
	}
	y, err := z.read(yKey)
	if err != nil {
		return nil, err
	}
	return arraysDataset(strings.TrimSuffix(filepath.Base(path), ".npz")+":"+xKey, path+" ("+xKey+", "+yKey+")", x, y, e)
}
