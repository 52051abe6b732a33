// SPDX-License-Identifier: Apache-2.0

package medimg

import (
	"bytes"
	"compress/flate"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/suyashkumar/dicom/pkg/tag"
	"github.com/suyashkumar/dicom/pkg/uid"
)

// The DICOM library reserves each element's declared value length before reading it, so a
// 300-byte corrupt file declaring a 4 GiB string takes 4 GiB of memory. checkLengths walks
// the element structure first, the way the library will parse it, and refuses any length
// that runs past the end of the data, so that memory never exceeds what the file can fill.

// maxDICOMNesting bounds sequence nesting; real files nest a few levels.
const maxDICOMNesting = 64

// maxInflatedDICOM bounds a deflated data set once inflated.
const maxInflatedDICOM = 1 << 30

var errDICOMLength = errors.New("declared length runs past the end of the file")

type dicomWalker struct {
	b        []byte
	pos      int
	order    binary.ByteOrder
	implicit bool
}

// checkLengths reports the first element whose declared length cannot fit in b.
func checkLengths(b []byte) error {
	if len(b) >= 132 && string(b[128:132]) == "DICM" {
		w := &dicomWalker{b: b, pos: 132, order: binary.LittleEndian}
		ts := ""
		for w.pos+4 <= len(b) && w.order.Uint16(b[w.pos:]) == 0x0002 {
			start := w.pos
			t, vr, vl, err := w.header()
			if err != nil {
				return err
			}
			if vl == tag.VLUndefinedLength || int64(vl) > int64(len(b)-w.pos) {
				return fmt.Errorf("file meta element %v: %w", t, errDICOMLength)
			}
			if t == tag.TransferSyntaxUID {
				ts = strings.TrimRight(string(b[w.pos:w.pos+int(vl)]), "\x00 ")
			}
			_ = vr
			w.pos += int(vl)
			if w.pos <= start {
				break
			}
		}
		return walkDataset(b, w.pos, ts)
	}
	// No preamble: the library tries each syntax in this order on the first 100 bytes and
	// keeps the first under which one element reads; each try reserves that element's
	// declared length, so every try must be safe, and the chosen one is walked in full.
	syntaxes := []struct {
		order    binary.ByteOrder
		implicit bool
	}{{binary.LittleEndian, true}, {binary.BigEndian, false}, {binary.LittleEndian, false}}
	chosen := -1
	for i, s := range syntaxes {
		w := &dicomWalker{b: b[:min(len(b), 100)], order: s.order, implicit: s.implicit}
		t, _, vl, err := w.header()
		if err != nil {
			continue
		}
		if vl != tag.VLUndefinedLength && int64(vl) > int64(len(b)-w.pos) {
			return fmt.Errorf("no Part 10 header (128-byte preamble, \"DICM\", transfer syntax), so the syntax must be guessed, and read as %s the first element %v declares %d bytes with %d left (%w); re-save it as a Part 10 file, e.g. with pydicom's save_as(..., write_like_original=False) or dcmconv",
				syntaxName(syntaxUID(s.order, s.implicit)), t, vl, len(b)-w.pos, errDICOMLength)
		}
		if chosen < 0 && (vl == tag.VLUndefinedLength || int(vl) <= len(w.b)-w.pos) {
			chosen = i
		}
	}
	if chosen < 0 {
		return nil // the library refuses it without reserving more than the file
	}
	w := &dicomWalker{b: b, order: syntaxes[chosen].order, implicit: syntaxes[chosen].implicit}
	return w.elements(len(b), 0)
}

func syntaxUID(order binary.ByteOrder, implicit bool) string {
	switch {
	case implicit:
		return uid.ImplicitVRLittleEndian
	case order == binary.BigEndian:
		return uid.ExplicitVRBigEndian
	default:
		return uid.ExplicitVRLittleEndian
	}
}

func walkDataset(b []byte, pos int, ts string) error {
	w := &dicomWalker{b: b, pos: pos, order: binary.LittleEndian, implicit: true}
	if ts != "" {
		order, implicit, err := uid.ParseTransferSyntaxUID(ts)
		if err == nil {
			w.order, w.implicit = order, implicit
		}
	}
	if ts == uid.DeflatedExplicitVRLittleEndian {
		raw, err := io.ReadAll(io.LimitReader(flate.NewReader(bytes.NewReader(b[pos:])), maxInflatedDICOM+1))
		if err != nil && len(raw) == 0 {
			return nil // the library reports the broken stream itself
		}
		if len(raw) > maxInflatedDICOM {
			return fmt.Errorf("deflated data set inflates beyond %d MiB", maxInflatedDICOM>>20)
		}
		w.b, w.pos = raw, 0
	}
	return w.elements(len(w.b), 0)
}

// elements walks elements until end (a byte offset) or a delimiter.
func (w *dicomWalker) elements(end, depth int) error {
	for w.pos+8 <= end {
		t, err := w.peekTag()
		if err != nil {
			return nil
		}
		if err := w.element(depth); err != nil {
			return err
		}
		if t == tag.SequenceDelimitationItem || t == tag.ItemDelimitationItem {
			return nil
		}
	}
	return nil
}

func (w *dicomWalker) peekTag() (tag.Tag, error) {
	if w.pos+4 > len(w.b) {
		return tag.Tag{}, io.ErrUnexpectedEOF
	}
	return tag.Tag{Group: w.order.Uint16(w.b[w.pos:]), Element: w.order.Uint16(w.b[w.pos+2:])}, nil
}

// header reads tag, VR and length as the library does: items and delimiters are always
// implicit, and in implicit syntaxes the VR comes from the dictionary.
func (w *dicomWalker) header() (tag.Tag, string, uint32, error) {
	t, err := w.peekTag()
	if err != nil {
		return t, "", 0, err
	}
	w.pos += 4
	implicit := w.implicit || t.Group == 0xFFFE
	var vr string
	if implicit {
		vr = tag.UnknownVR
		if info, err := tag.Find(t); err == nil {
			vr = info.VRs[0]
			if t == tag.PixelData || t == tag.OverlayData {
				vr = "OW"
			}
		}
		if w.pos+4 > len(w.b) {
			return t, vr, 0, io.ErrUnexpectedEOF
		}
		vl := w.order.Uint32(w.b[w.pos:])
		w.pos += 4
		return t, vr, vl, nil
	}
	if w.pos+4 > len(w.b) {
		return t, "", 0, io.ErrUnexpectedEOF
	}
	vr = string(w.b[w.pos : w.pos+2])
	w.pos += 2
	switch vr {
	case "NA", "OB", "OD", "OF", "OL", "OW", "SQ", "UN", "UC", "UR", "UT":
		if w.pos+6 > len(w.b) {
			return t, vr, 0, io.ErrUnexpectedEOF
		}
		vl := w.order.Uint32(w.b[w.pos+2:])
		w.pos += 6
		return t, vr, vl, nil
	default:
		vl := uint32(w.order.Uint16(w.b[w.pos:]))
		w.pos += 2
		if vl == 0xFFFF {
			vl = tag.VLUndefinedLength
		}
		return t, vr, vl, nil
	}
}

func (w *dicomWalker) element(depth int) error {
	if depth > maxDICOMNesting {
		return fmt.Errorf("sequences nested deeper than %d levels", maxDICOMNesting)
	}
	t, vr, vl, err := w.header()
	if err != nil {
		return nil // truncation: the library reports it without reserving memory
	}
	kind := tag.GetVRKind(t, vr)
	if vl == tag.VLUndefinedLength {
		switch {
		case kind == tag.VRSequence || kind == tag.VRItem || kind == tag.VRUnknown:
			return w.elements(len(w.b), depth+1)
		case kind == tag.VRPixelData:
			return w.fragments()
		case kind == tag.VRBytes:
			return nil // scanned for a delimiter by the library, nothing reserved up front
		default:
			// Strings, dates and numbers have no undefined length: the library would
			// reserve 4 GiB for it.
			return fmt.Errorf("element %v (%s) has an undefined length, which only sequences and binary data may have", t, vr)
		}
	}
	if int64(vl) > int64(len(w.b)-w.pos) {
		return fmt.Errorf("element %v (%s) declares %d bytes with %d left: %w", t, vr, vl, len(w.b)-w.pos, errDICOMLength)
	}
	end := w.pos + int(vl)
	if kind == tag.VRSequence || kind == tag.VRItem {
		if err := w.elements(end, depth+1); err != nil {
			return err
		}
	}
	w.pos = end
	return nil
}

// fragments walks encapsulated pixel data: items of raw bytes up to a sequence delimiter.
func (w *dicomWalker) fragments() error {
	for w.pos+8 <= len(w.b) {
		t, err := w.peekTag()
		if err != nil {
			return nil
		}
		vl := w.order.Uint32(w.b[w.pos+4:])
		w.pos += 8
		if t == tag.SequenceDelimitationItem {
			return nil
		}
		if vl == tag.VLUndefinedLength || int64(vl) > int64(len(w.b)-w.pos) {
			return fmt.Errorf("pixel data fragment declares %d bytes with %d left: %w", vl, len(w.b)-w.pos, errDICOMLength)
		}
		w.pos += int(vl)
	}
	return nil
}
