// SPDX-License-Identifier: Apache-2.0

package data

import (
	"bufio"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
)

// idxTypes maps the IDX type byte to the element type name and size.
var idxTypes = map[byte]struct {
	name string
	size int
}{
	0x08: {"uint8", 1},
	0x09: {"int8", 1},
	0x0B: {"int16", 2},
	0x0C: {"int32", 4},
	0x0D: {"float32", 4},
	0x0E: {"float64", 8},
}

// idxRaw is an IDX array before conversion.
type idxRaw struct {
	dtype byte
	shape []int
	raw   []byte // big-endian elements
}

// openMaybeGzip opens path and returns a reader of its content, gunzipped when the file
// starts with the gzip magic number.
func openMaybeGzip(path string) (io.Reader, func() error, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	br := bufio.NewReaderSize(f, 1<<16)
	magic, _ := br.Peek(2)
	if len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			_ = f.Close()
			return nil, nil, fmt.Errorf("%s: starts like a gzip file but is not one: %w", path, err)
		}
		return bufio.NewReaderSize(zr, 1<<16), f.Close, nil
	}
	return br, f.Close, nil
}

// readIDXRaw reads an IDX stream (LeCun's format: two zero bytes, a type byte, the number
// of dimensions, the dimensions as big-endian uint32, then the elements). Memory grows with
// the data actually present, so a header declaring a huge shape cannot force a large
// allocation.
func readIDXRaw(r io.Reader, name string) (*idxRaw, error) {
	var head [4]byte
	if _, err := io.ReadFull(r, head[:]); err != nil {
		return nil, fmt.Errorf("%s: reading the IDX magic number: %w; expected an IDX file (MNIST format)", name, noEOF(err))
	}
	if head[0] != 0 || head[1] != 0 {
		return nil, fmt.Errorf("%s: bad IDX magic number % x; an IDX file starts with two zero bytes, a type byte and the number of dimensions", name, head)
	}
	t, ok := idxTypes[head[2]]
	if !ok {
		return nil, fmt.Errorf("%s: unknown IDX element type 0x%02x; expected 0x08 (uint8), 0x09, 0x0B, 0x0C, 0x0D or 0x0E", name, head[2])
	}
	ndim := int(head[3])
	if ndim < 1 || ndim > 8 {
		return nil, fmt.Errorf("%s: IDX header declares %d dimensions; expected 1 to 8", name, ndim)
	}
	shape := make([]int, ndim)
	for i := range shape {
		var d uint32
		if err := binary.Read(r, binary.BigEndian, &d); err != nil {
			return nil, fmt.Errorf("%s: reading IDX dimension %d of %d: %w", name, i+1, ndim, noEOF(err))
		}
		shape[i] = int(d)
	}
	n, err := numElements(shape)
	if err != nil {
		return nil, fmt.Errorf("%s: IDX header: %v", name, err)
	}
	want := n * t.size
	raw, err := readBounded(r, want)
	if err != nil {
		return nil, fmt.Errorf("%s: IDX header declares shape %v of %s (%d bytes of data) but %v", name, shape, t.name, want, err)
	}
	return &idxRaw{dtype: head[2], shape: shape, raw: raw}, nil
}

// readBounded reads exactly want bytes and checks that nothing follows. The buffer grows
// as data arrives (at most doubling), so memory tracks the bytes actually read.
func readBounded(r io.Reader, want int) ([]byte, error) {
	const first = 1 << 20
	buf := make([]byte, min(want, first))
	got, err := io.ReadFull(r, buf)
	for err == nil && len(buf) < want {
		grow := min(want-len(buf), len(buf))
		buf = append(buf, make([]byte, grow)...)
		var m int
		m, err = io.ReadFull(r, buf[len(buf)-grow:])
		got = len(buf) - grow + m
	}
	if err != nil {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, fmt.Errorf("the file ends after %d bytes of data (truncated?)", got)
		}
		return nil, err
	}
	var one [1]byte
	if m, _ := io.ReadFull(r, one[:]); m > 0 {
		return nil, fmt.Errorf("more bytes follow the declared data; the header does not match the content")
	}
	return buf, nil
}

func noEOF(err error) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return errors.New("the file is too short")
	}
	return err
}

// toArray converts the raw big-endian elements to float32.
func (x *idxRaw) toArray() *Array {
	t := idxTypes[x.dtype]
	n := len(x.raw) / t.size
	out := make([]float32, n)
	b := x.raw
	switch x.dtype {
	case 0x08:
		for i, v := range b {
			out[i] = float32(v)
		}
	case 0x09:
		for i, v := range b {
			out[i] = float32(int8(v))
		}
	case 0x0B:
		for i := range out {
			out[i] = float32(int16(binary.BigEndian.Uint16(b[2*i:])))
		}
	case 0x0C:
		for i := range out {
			out[i] = float32(int32(binary.BigEndian.Uint32(b[4*i:])))
		}
	case 0x0D:
		for i := range out {
			out[i] = math.Float32frombits(binary.BigEndian.Uint32(b[4*i:]))
		}
	case 0x0E:
		for i := range out {
			out[i] = float32(math.Float64frombits(binary.BigEndian.Uint64(b[8*i:])))
		}
	}
	return &Array{Shape: x.shape, Data: out, DType: t.name}
}

// ReadIDX reads an IDX file (the MNIST format), gzipped or not.
func ReadIDX(path string) (*Array, error) {
	raw, err := readIDXFile(path)
	if err != nil {
		return nil, err
	}
	return raw.toArray(), nil
}

func readIDXFile(path string) (*idxRaw, error) {
	r, closeFn, err := openMaybeGzip(path)
	if err != nil {
		return nil, fmt.Errorf("reading IDX file: %w", err)
	}
	defer closeFn()
	return readIDXRaw(r, path)
}

// idxLabelTypes are the IDX element types that can hold class labels.
var idxLabelTypes = []byte{0x08, 0x09, 0x0B, 0x0C}

// LoadIDX loads a classification data set from an IDX image file and an IDX label file
// (gzipped or not), as MNIST is distributed, with the checks of the bundled MNIST loader.
// Images must be unsigned bytes (IDX type 0x08) of shape [n, h, w] or [n, h, w, c]; they
// become examples of shape [h, w, 1] (or [h, w, c]) scaled to [0,1]. Other element types
// are rejected rather than guessed at: signed or wider values are not pixels 0-255 (read
// such files with ReadIDX and build the data set with FromArrays). Labels must be integers
// (type 0x08, 0x09, 0x0B or 0x0C), one per image; classes are inferred as in LoadNPZ, or
// checked against an Expect:
//
//	d, err := data.LoadIDX("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", data.Expect{NumClasses: 10, Len: 60000})
func LoadIDX(imagesPath, labelsPath string, expect ...Expect) (*Dataset, error) {
	e, err := expectation(imagesPath, expect)
	if err != nil {
		return nil, err
	}
	img, err := readIDXFile(imagesPath)
	if err != nil {
		return nil, err
	}
	lab, err := readIDXFile(labelsPath)
	if err != nil {
		return nil, err
	}
	return idxDataset(img, lab, imagesPath, labelsPath, e)
}

// idxDataset checks an IDX image and label pair and builds the data set.
func idxDataset(img, lab *idxRaw, imagesPath, labelsPath string, e Expect) (*Dataset, error) {
	if img.dtype != 0x08 {
		return nil, fmt.Errorf("%s: IDX element type 0x%02x (%s); LoadIDX expects images of type 0x08 (uint8, pixels 0-255 as in MNIST). For other element types use ReadIDX and FromArrays", imagesPath, img.dtype, idxTypes[img.dtype].name)
	}
	if len(img.shape) != 3 && len(img.shape) != 4 {
		return nil, fmt.Errorf("%s: images have shape %v; expected [n, height, width] or [n, height, width, channels]", imagesPath, img.shape)
	}
	if !slices.Contains(idxLabelTypes, lab.dtype) {
		return nil, fmt.Errorf("%s: IDX element type 0x%02x (%s); expected integer class labels, type 0x08 (uint8) as in MNIST, or 0x09, 0x0B, 0x0C", labelsPath, lab.dtype, idxTypes[lab.dtype].name)
	}
	if len(lab.shape) != 1 || lab.shape[0] != img.shape[0] {
		return nil, fmt.Errorf("%s: labels have shape %v; expected one label per image of %s, shape [%d]", labelsPath, lab.shape, imagesPath, img.shape[0])
	}
	x, y := img.toArray(), lab.toArray()
	if len(x.Shape) == 3 {
		x.Shape = append(x.Shape, 1)
	}
	return arraysDataset(filepath.Base(imagesPath), imagesPath+" and "+labelsPath, x, y, e)
}
