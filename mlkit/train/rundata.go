// SPDX-License-Identifier: Apache-2.0

package train

import (
	"bufio"
	"bytes"
	"cmp"
	"compress/gzip"
	"encoding/binary"
	"encoding/gob"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"slices"

	"github.com/medgo-lab/medgo/mlkit/data"
)

// The data file (data.gob) keeps the split a run was trained on. Splits are large (MNIST is
// 55 million float32 values), so the file is written once, when a run starts, and its header
// alone tells a later Fit whether the data changed, without reading the values.
//
// Format 2, written by this version:
//
//	magic   "\x89MGDATA\n" (8 bytes)
//	header  uint32 big-endian length, then that many bytes of JSON (dataHeader)
//	body    one gzip stream:
//	          uint32 length, then the gob of the data.Split with its X, Y and Mask values removed
//	          per part (train, val, test): one byte, 1 when present; then, when present,
//	          the X, Y and Mask columns
//	column  int64 count (-1 for a nil slice), one kind byte, then the values:
//	          columnRaw:       count little-endian float32 values
//	          columnPalette8:  uint32 palette size, that many float32 bit patterns (little
//	                           endian, in increasing order of value), then count 1-byte indices
//	          columnPalette16: the same with 2-byte little-endian indices
//
// Format 1, written before: the gob of runData, uncompressed. It is told apart by the first
// byte: a gob stream starts with a message length, whose first byte is below 0x80 or at least
// 0xf8, never 0x89. Open reads both formats; a format 1 file is left as it is.
//
// Palettes are what make the file small: images, labels, masks and token ids take few distinct
// values (MNIST pixels take 256), so each value becomes a 1- or 2-byte index that gzip then
// compresses well. Continuous features are stored as raw float32, still gzip-compressed.
const dataMagic = "\x89MGDATA\n"

const (
	columnRaw byte = iota
	columnPalette8
	columnPalette16
)

// dataHeader is the readable head of a format 2 data file: enough to compare a stored split
// with a new one and to say how they differ.
type dataHeader struct {
	Format      int          `json:"format"`
	Fingerprint uint64       `json:"fingerprint"`
	Outputs     int          `json:"outputs"`
	Train       *partSummary `json:"train"`
	Val         *partSummary `json:"val,omitempty"`
	Test        *partSummary `json:"test,omitempty"`
}

// partSummary describes one part of a split.
type partSummary struct {
	Examples  int      `json:"examples"`
	Shape     []int    `json:"shape"`
	Task      string   `json:"task"`
	Classes   []string `json:"classes,omitempty"`
	Targets   []string `json:"targets,omitempty"`
	VocabSize int      `json:"vocab_size,omitempty"`
	Mask      bool     `json:"mask,omitempty"`
}

func summarizeSplit(split *data.Split, outputs int, fingerprint uint64) *dataHeader {
	part := func(d *data.Dataset) *partSummary {
		if d == nil {
			return nil
		}
		p := &partSummary{Examples: d.Len(), Shape: slices.Clone(d.Shape), Task: d.Task.String(),
			Classes: d.Classes, Targets: d.Targets, Mask: d.Mask != nil}
		if d.Vocab != nil {
			p.VocabSize = d.Vocab.Size()
		}
		return p
	}
	return &dataHeader{Format: 2, Fingerprint: fingerprint, Outputs: outputs,
		Train: part(split.Train), Val: part(split.Val), Test: part(split.Test)}
}

func saveRunData(path string, rd *runData) error {
	head, err := json.Marshal(summarizeSplit(&rd.Split, rd.Outputs, rd.Fingerprint))
	if err != nil {
		return fmt.Errorf("run data %s: %w", path, err)
	}
	// The metadata (names, classes, vocabulary) goes through gob so that new Dataset fields
	// are kept without changing this format; the values are written as columns below.
	var meta bytes.Buffer
	if err := gob.NewEncoder(&meta).Encode(withoutValues(&rd.Split)); err != nil {
		return fmt.Errorf("run data %s: encoding the split's metadata: %w", path, err)
	}
	return writeAtomic(path, func(w io.Writer) error {
		ew := &errWriter{w: w}
		ew.Write([]byte(dataMagic))
		ew.uint32(uint32(len(head)))
		ew.Write(head)
		if ew.err != nil {
			return ew.err
		}
		zw, err := gzip.NewWriterLevel(w, gzip.DefaultCompression)
		if err != nil {
			return err
		}
		zew := &errWriter{w: zw}
		zew.uint32(uint32(meta.Len()))
		zew.Write(meta.Bytes())
		for _, d := range []*data.Dataset{rd.Split.Train, rd.Split.Val, rd.Split.Test} {
			if d == nil {
				zew.Write([]byte{0})
				continue
			}
			zew.Write([]byte{1})
			for _, col := range [][]float32{d.X, d.Y, d.Mask} {
				writeColumn(zew, col)
			}
		}
		if zew.err != nil {
			return zew.err
		}
		return zw.Close()
	})
}

// withoutValues is a copy of split whose parts share everything but X, Y and Mask.
func withoutValues(split *data.Split) *data.Split {
	strip := func(d *data.Dataset) *data.Dataset {
		if d == nil {
			return nil
		}
		c := *d
		c.X, c.Y, c.Mask = nil, nil, nil
		return &c
	}
	return &data.Split{Train: strip(split.Train), Val: strip(split.Val), Test: strip(split.Test)}
}

// errWriter keeps the first write error, so a long sequence of writes is checked once.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) Write(p []byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	n, err := e.w.Write(p)
	e.err = err
	return n, err
}

func (e *errWriter) uint32(v uint32) { e.Write(binary.BigEndian.AppendUint32(nil, v)) }

// chunk is how many values are converted at a time, to bound the memory used beside the split.
const chunk = 1 << 16

func writeColumn(w *errWriter, col []float32) {
	if col == nil {
		w.Write(binary.LittleEndian.AppendUint64(nil, math.MaxUint64)) // -1
		return
	}
	w.Write(binary.LittleEndian.AppendUint64(nil, uint64(len(col))))
	palette, index := paletteOf(col)
	width := 2
	if len(palette) <= 256 {
		width = 1
	}
	// A palette pays off only when it and the indices are smaller than the raw values.
	if palette == nil || 4*len(palette)+width*len(col) >= 4*len(col) {
		w.Write([]byte{columnRaw})
		buf := make([]byte, 0, 4*chunk)
		for start := 0; start < len(col); start += chunk {
			buf = buf[:0]
			for _, v := range col[start:min(start+chunk, len(col))] {
				buf = binary.LittleEndian.AppendUint32(buf, math.Float32bits(v))
			}
			w.Write(buf)
		}
		return
	}
	kind := columnPalette16
	if width == 1 {
		kind = columnPalette8
	}
	w.Write([]byte{kind})
	buf := binary.BigEndian.AppendUint32(nil, uint32(len(palette)))
	for _, bits := range palette {
		buf = binary.LittleEndian.AppendUint32(buf, bits)
	}
	w.Write(buf)
	buf = make([]byte, 0, width*chunk)
	last, lastIndex := math.Float32bits(col[0]), index[math.Float32bits(col[0])]
	for start := 0; start < len(col); start += chunk {
		buf = buf[:0]
		for _, v := range col[start:min(start+chunk, len(col))] {
			// Runs of the same value (background pixels, padding) skip the map lookup.
			if bits := math.Float32bits(v); bits != last {
				last, lastIndex = bits, index[bits]
			}
			if width == 1 {
				buf = append(buf, byte(lastIndex))
			} else {
				buf = binary.LittleEndian.AppendUint16(buf, lastIndex)
			}
		}
		w.Write(buf)
	}
}

// paletteOf returns the distinct bit patterns of col in increasing order of value and each
// pattern's index, or nil when there are more than 65536. Bit patterns, not float values, so
// that NaN (missing labels) and -0 are kept exactly and the fingerprint still matches.
func paletteOf(col []float32) ([]uint32, map[uint32]uint16) {
	seen := map[uint32]bool{}
	last, have := uint32(0), false
	for _, v := range col {
		bits := math.Float32bits(v)
		if have && bits == last {
			continue
		}
		last, have = bits, true
		if !seen[bits] {
			if len(seen) == 1<<16 {
				return nil, nil
			}
			seen[bits] = true
		}
	}
	palette := make([]uint32, 0, len(seen))
	for bits := range seen {
		palette = append(palette, bits)
	}
	// Sorted by value, nearby values get nearby indices (pixel intensities keep their order),
	// which compresses better and makes the file independent of map order.
	slices.SortFunc(palette, func(a, b uint32) int {
		if c := cmp.Compare(math.Float32frombits(a), math.Float32frombits(b)); c != 0 {
			return c
		}
		return cmp.Compare(a, b)
	})
	index := make(map[uint32]uint16, len(palette))
	for i, bits := range palette {
		index[bits] = uint16(i)
	}
	return palette, index
}

// loadRunData reads a data file in either format.
func loadRunData(path string) (*runData, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("run data %s: %w", path, err)
	}
	defer f.Close()
	br := bufio.NewReaderSize(f, 1<<16)
	if !hasDataMagic(br) {
		var rd runData
		if err := gob.NewDecoder(br).Decode(&rd); err != nil {
			return nil, fmt.Errorf("run data %s is unreadable: %w", path, err)
		}
		return &rd, nil
	}
	rd, err := readDataV2(br)
	if err != nil {
		return nil, fmt.Errorf("run data %s is unreadable: %w", path, err)
	}
	return rd, nil
}

func hasDataMagic(br *bufio.Reader) bool {
	magic, err := br.Peek(len(dataMagic))
	return err == nil && string(magic) == dataMagic
}

// readDataHeader reads what a data file says about its split. For format 2 that is the header
// alone; a format 1 file has no header, so it is read whole and summarized.
func readDataHeader(path string) (*dataHeader, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("run data %s: %w", path, err)
	}
	br := bufio.NewReader(f)
	if !hasDataMagic(br) {
		f.Close()
		rd, err := loadRunData(path)
		if err != nil {
			return nil, err
		}
		h := summarizeSplit(&rd.Split, rd.Outputs, rd.Fingerprint)
		h.Format = 1
		return h, nil
	}
	defer f.Close()
	br.Discard(len(dataMagic))
	h, err := readHeader(br)
	if err != nil {
		return nil, fmt.Errorf("run data %s is unreadable: %w", path, err)
	}
	return h, nil
}

func readHeader(r io.Reader) (*dataHeader, error) {
	var n uint32
	if err := binary.Read(r, binary.BigEndian, &n); err != nil {
		return nil, fmt.Errorf("reading the header length: %w", err)
	}
	if n > 1<<24 {
		return nil, fmt.Errorf("header length %d is implausible", n)
	}
	raw := make([]byte, n)
	if _, err := io.ReadFull(r, raw); err != nil {
		return nil, fmt.Errorf("reading the header: %w", err)
	}
	var h dataHeader
	if err := json.Unmarshal(raw, &h); err != nil {
		return nil, fmt.Errorf("decoding the header: %w", err)
	}
	if h.Format != 2 {
		return nil, fmt.Errorf("data format %d is not known to this version of mlkit/train", h.Format)
	}
	return &h, nil
}

func readDataV2(br *bufio.Reader) (*runData, error) {
	br.Discard(len(dataMagic))
	h, err := readHeader(br)
	if err != nil {
		return nil, err
	}
	zr, err := gzip.NewReader(br)
	if err != nil {
		return nil, fmt.Errorf("opening the compressed body: %w", err)
	}
	zb := bufio.NewReaderSize(zr, 1<<16)
	var n uint32
	if err := binary.Read(zb, binary.BigEndian, &n); err != nil {
		return nil, fmt.Errorf("reading the metadata length: %w", err)
	}
	var split data.Split
	if err := gob.NewDecoder(io.LimitReader(zb, int64(n))).Decode(&split); err != nil {
		return nil, fmt.Errorf("decoding the split's metadata: %w", err)
	}
	parts := []**data.Dataset{&split.Train, &split.Val, &split.Test}
	for i, p := range parts {
		present, err := zb.ReadByte()
		if err != nil {
			return nil, fmt.Errorf("part %d: %w", i, err)
		}
		if present == 0 {
			*p = nil
			continue
		}
		if *p == nil {
			*p = &data.Dataset{} // a part with no metadata at all, which gob does not send
		}
		for _, col := range []*[]float32{&(*p).X, &(*p).Y, &(*p).Mask} {
			if *col, err = readColumn(zb); err != nil {
				return nil, fmt.Errorf("part %d: %w", i, err)
			}
		}
	}
	// Reading to the end makes gzip check its CRC: a damaged file is an error, not bad data.
	if rest, err := io.Copy(io.Discard, zb); err != nil || rest != 0 {
		return nil, fmt.Errorf("checking the end of the compressed body: %d extra bytes, %v", rest, err)
	}
	return &runData{Split: split, Outputs: h.Outputs, Fingerprint: h.Fingerprint}, nil
}

func readColumn(r *bufio.Reader) ([]float32, error) {
	var count uint64
	if err := binary.Read(r, binary.LittleEndian, &count); err != nil {
		return nil, fmt.Errorf("reading a column length: %w", err)
	}
	if count == math.MaxUint64 {
		return nil, nil
	}
	if count > 1<<40 {
		return nil, fmt.Errorf("column length %d is implausible", count)
	}
	kind, err := r.ReadByte()
	if err != nil {
		return nil, fmt.Errorf("reading a column kind: %w", err)
	}
	col := make([]float32, count)
	width := 0
	var palette []float32
	switch kind {
	case columnRaw:
		width = 4
	case columnPalette8, columnPalette16:
		width = 1
		if kind == columnPalette16 {
			width = 2
		}
		var size uint32
		if err := binary.Read(r, binary.BigEndian, &size); err != nil {
			return nil, fmt.Errorf("reading a palette size: %w", err)
		}
		if size == 0 || size > 1<<16 {
			return nil, fmt.Errorf("palette size %d is out of range", size)
		}
		raw := make([]byte, 4*size)
		if _, err := io.ReadFull(r, raw); err != nil {
			return nil, fmt.Errorf("reading a palette: %w", err)
		}
		palette = make([]float32, size)
		for i := range palette {
			palette[i] = math.Float32frombits(binary.LittleEndian.Uint32(raw[4*i:]))
		}
	default:
		return nil, fmt.Errorf("unknown column kind %d", kind)
	}
	buf := make([]byte, width*chunk)
	for start := 0; start < len(col); start += chunk {
		part := col[start:min(start+chunk, len(col))]
		b := buf[:width*len(part)]
		if _, err := io.ReadFull(r, b); err != nil {
			return nil, fmt.Errorf("reading column values: %w", err)
		}
		for i := range part {
			var k int
			switch width {
			case 4:
				part[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
				continue
			case 1:
				k = int(b[i])
			case 2:
				k = int(binary.LittleEndian.Uint16(b[2*i:]))
			}
			if k >= len(palette) {
				return nil, errors.New("a palette index is out of range")
			}
			part[i] = palette[k]
		}
	}
	return col, nil
}
