// SPDX-License-Identifier: Apache-2.0

package medimg

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/suyashkumar/dicom"
	"github.com/suyashkumar/dicom/pkg/tag"
	"github.com/suyashkumar/dicom/pkg/uid"
)

// Metadata is what MedGo takes from a DICOM header. Lengths are in millimetres, positions
// in the patient coordinate system (LPS) of PS3.3 C.7.6.2.
type Metadata struct {
	Modality          string
	PatientID         string
	StudyInstanceUID  string
	SeriesInstanceUID string
	SOPInstanceUID    string
	TransferSyntaxUID string
	InstanceNumber    int

	Rows, Columns   int
	Frames          int // Number of Frames; 1 when absent
	SamplesPerPixel int
	BitsAllocated   int
	BitsStored      int
	Signed          bool   // Pixel Representation 1: two's complement
	Photometric     string // MONOCHROME1, MONOCHROME2, RGB, ...
	PlanarConfig    int    // colour only: 0 = RGBRGB..., 1 = RRR...GGG...BBB

	PixelSpacing     [2]float64 // between rows, between columns; zero when absent
	SliceThickness   float64
	ImagePosition    [3]float64 // of the first transmitted pixel
	ImageOrientation [6]float64 // row direction cosines, then column direction cosines
	HasPosition      bool       // Image Position and Orientation (Patient) were both present

	RescaleSlope     float64 // 1 when absent
	RescaleIntercept float64
	WindowCenter     []float64 // one per stored window; may be empty
	WindowWidth      []float64
}

// Image is one DICOM file's pixels in modality units (after Rescale Slope/Intercept:
// Hounsfield units for CT), as float32 in the order frames × rows × columns × samples.
//
// MONOCHROME1 images (where a high value is shown dark) are NOT inverted: Pixels keep the
// modality values, so that they compare with other readers and stay physical quantities.
// Inverted is set instead, and Window honours it when mapping to display units.
type Image struct {
	Path     string
	Meta     Metadata
	Pixels   []float32
	Inverted bool
}

// Shape is the pixel array's shape: [frames, rows, columns, samples].
func (im *Image) Shape() []int {
	return []int{im.Meta.Frames, im.Meta.Rows, im.Meta.Columns, im.Meta.SamplesPerPixel}
}

// Transfer syntaxes whose pixel data are stored uncompressed: MedGo decodes those itself.
var nativeSyntaxes = map[string]binary.ByteOrder{
	uid.ImplicitVRLittleEndian: binary.LittleEndian,
	uid.ExplicitVRLittleEndian: binary.LittleEndian,
	uid.ExplicitVRBigEndian:    binary.BigEndian,
	"1.2.840.10008.1.2.1.99":   binary.LittleEndian, // deflated: inflated by the parser
}

// ReadDICOM reads one DICOM file with its pixel data.
func ReadDICOM(path string) (*Image, error) {
	ds, err := parseDICOM(path, false)
	if err != nil {
		return nil, err
	}
	return imageFromDataset(path, ds)
}

// ReadDICOMHeader reads one DICOM file's metadata without decoding its pixels.
func ReadDICOMHeader(path string) (*Metadata, error) {
	ds, err := parseDICOM(path, true)
	if err != nil {
		return nil, err
	}
	m, err := metadataFromDataset(path, ds)
	if err != nil {
		return nil, err
	}
	return &m, nil
}

// ReadDICOMDir reads every DICOM file in dir (not its subfolders), sorted by file name.
// Files that are not DICOM (no "DICM" preamble, such as DICOMDIR's companions, README or
// .txt) are skipped; a DICOM file that cannot be read is an error naming it.
func ReadDICOMDir(dir string) ([]*Image, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("medimg: reading DICOM folder %s: %w", dir, err)
	}
	var out []*Image
	for _, e := range entries {
		if e.IsDir() || strings.EqualFold(e.Name(), "DICOMDIR") {
			continue
		}
		p := filepath.Join(dir, e.Name())
		if !hasDICMPreamble(p) {
			continue
		}
		im, err := ReadDICOM(p)
		if err != nil {
			return nil, err
		}
		out = append(out, im)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("medimg: %s holds no DICOM files (none starts with the 128-byte preamble and \"DICM\"); expected a folder of .dcm files", dir)
	}
	return out, nil
}

func hasDICMPreamble(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	var b [132]byte
	if _, err := f.ReadAt(b[:], 0); err != nil {
		return false
	}
	return string(b[128:132]) == "DICM"
}

// parseDICOM keeps the pixel data as raw bytes (SkipProcessingPixelDataValue) so that
// MedGo decodes byte order, signedness and Bits Stored itself, and so that de-identified
// copies can carry the pixel bytes unchanged. The library can panic on malformed input;
// that is turned into an error so that one bad file never stops a notebook.
func parseDICOM(path string, skipPixels bool) (ds dicom.Dataset, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("medimg: %s: malformed DICOM (the parser failed: %v); expected a DICOM Part 10 file", path, r)
		}
	}()
	opts := []dicom.ParseOption{dicom.SkipProcessingPixelDataValue(), dicom.AllowUnknownSpecificCharacterSet()}
	if skipPixels {
		opts = []dicom.ParseOption{dicom.SkipPixelData(), dicom.AllowUnknownSpecificCharacterSet()}
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		return ds, fmt.Errorf("medimg: reading DICOM file: %w", err)
	}
	if err := checkLengths(raw); err != nil {
		return ds, fmt.Errorf("medimg: %s: corrupt DICOM: %v; expected each element's length to fit in the file's %d bytes (the file is truncated or damaged)", path, err, len(raw))
	}
	ds, err = dicom.Parse(bytes.NewReader(raw), int64(len(raw)), nil, opts...)
	if err != nil {
		return ds, fmt.Errorf("medimg: %s: not a readable DICOM file: %v; expected a DICOM Part 10 file (128-byte preamble, \"DICM\", file meta group)", path, err)
	}
	return ds, nil
}

func findElem(ds *dicom.Dataset, t tag.Tag) *dicom.Element {
	e, err := ds.FindElementByTag(t)
	if err != nil {
		return nil
	}
	return e
}

func getString(ds *dicom.Dataset, t tag.Tag) string {
	e := findElem(ds, t)
	if e == nil || e.Value == nil {
		return ""
	}
	if s, ok := e.Value.GetValue().([]string); ok && len(s) > 0 {
		return strings.TrimRight(strings.TrimSpace(s[0]), "\x00")
	}
	return ""
}

// getNumbers reads a numeric attribute whatever its VR: DS and IS arrive as text,
// US/SS/UL/SL as ints and FL/FD as floats.
func getNumbers(ds *dicom.Dataset, t tag.Tag) ([]float64, error) {
	e := findElem(ds, t)
	if e == nil || e.Value == nil {
		return nil, nil
	}
	switch v := e.Value.GetValue().(type) {
	case []int:
		out := make([]float64, len(v))
		for i, x := range v {
			out[i] = float64(x)
		}
		return out, nil
	case []float64:
		return v, nil
	case []string:
		var out []float64
		for _, s := range v {
			for _, part := range strings.Split(s, "\\") {
				part = strings.Trim(part, " \x00")
				if part == "" {
					continue
				}
				x, err := strconv.ParseFloat(part, 64)
				if err != nil {
					return nil, fmt.Errorf("%s holds %q, which is not a number", tagName(t), part)
				}
				out = append(out, x)
			}
		}
		return out, nil
	}
	return nil, nil
}

func tagName(t tag.Tag) string {
	if info, err := tag.Find(t); err == nil {
		return fmt.Sprintf("%s %s", info.Name, t)
	}
	return t.String()
}

func getInt(ds *dicom.Dataset, t tag.Tag, def int) (int, error) {
	v, err := getNumbers(ds, t)
	if err != nil {
		return 0, err
	}
	if len(v) == 0 {
		return def, nil
	}
	return int(v[0]), nil
}

func metadataFromDataset(path string, ds dicom.Dataset) (Metadata, error) {
	m := Metadata{
		Modality:          getString(&ds, tag.Modality),
		PatientID:         getString(&ds, tag.PatientID),
		StudyInstanceUID:  getString(&ds, tag.StudyInstanceUID),
		SeriesInstanceUID: getString(&ds, tag.SeriesInstanceUID),
		SOPInstanceUID:    getString(&ds, tag.SOPInstanceUID),
		TransferSyntaxUID: getString(&ds, tag.TransferSyntaxUID),
		Photometric:       strings.ToUpper(getString(&ds, tag.PhotometricInterpretation)),
		RescaleSlope:      1,
	}
	fail := func(err error) (Metadata, error) {
		return m, fmt.Errorf("medimg: %s: %v", path, err)
	}
	var err error
	ints := []struct {
		dst *int
		t   tag.Tag
		def int
	}{
		{&m.InstanceNumber, tag.InstanceNumber, 0},
		{&m.Rows, tag.Rows, 0}, {&m.Columns, tag.Columns, 0},
		{&m.Frames, tag.NumberOfFrames, 1}, {&m.SamplesPerPixel, tag.SamplesPerPixel, 1},
		{&m.BitsAllocated, tag.BitsAllocated, 0}, {&m.BitsStored, tag.BitsStored, 0},
		{&m.PlanarConfig, tag.PlanarConfiguration, 0},
	}
	for _, x := range ints {
		if *x.dst, err = getInt(&ds, x.t, x.def); err != nil {
			return fail(err)
		}
	}
	if m.Frames < 1 {
		m.Frames = 1
	}
	if m.BitsStored == 0 {
		m.BitsStored = m.BitsAllocated
	}
	rep, err := getInt(&ds, tag.PixelRepresentation, 0)
	if err != nil {
		return fail(err)
	}
	m.Signed = rep == 1
	if v, err := getNumbers(&ds, tag.PixelSpacing); err != nil {
		return fail(err)
	} else if len(v) >= 2 {
		m.PixelSpacing = [2]float64{v[0], v[1]}
	}
	if v, err := getNumbers(&ds, tag.SliceThickness); err != nil {
		return fail(err)
	} else if len(v) >= 1 {
		m.SliceThickness = v[0]
	}
	pos, err := getNumbers(&ds, tag.ImagePositionPatient)
	if err != nil {
		return fail(err)
	}
	ori, err := getNumbers(&ds, tag.ImageOrientationPatient)
	if err != nil {
		return fail(err)
	}
	if len(pos) >= 3 && len(ori) >= 6 {
		copy(m.ImagePosition[:], pos)
		copy(m.ImageOrientation[:], ori)
		m.HasPosition = true
	}
	if v, err := getNumbers(&ds, tag.RescaleSlope); err != nil {
		return fail(err)
	} else if len(v) >= 1 {
		m.RescaleSlope = v[0]
	}
	if v, err := getNumbers(&ds, tag.RescaleIntercept); err != nil {
		return fail(err)
	} else if len(v) >= 1 {
		m.RescaleIntercept = v[0]
	}
	if m.WindowCenter, err = getNumbers(&ds, tag.WindowCenter); err != nil {
		return fail(err)
	}
	if m.WindowWidth, err = getNumbers(&ds, tag.WindowWidth); err != nil {
		return fail(err)
	}
	return m, nil
}

// syntaxName names a transfer syntax for error messages.
func syntaxName(ts string) string {
	if info, err := uid.Lookup(ts); err == nil {
		return info.Name
	}
	return "unknown transfer syntax"
}

func imageFromDataset(path string, ds dicom.Dataset) (*Image, error) {
	m, err := metadataFromDataset(path, ds)
	if err != nil {
		return nil, err
	}
	e := findElem(&ds, tag.PixelData)
	if e == nil {
		return nil, fmt.Errorf("medimg: %s: no Pixel Data (7FE0,0010); expected an image (this may be a structured report, presentation state or Float Pixel Data, which MedGo does not read)", path)
	}
	info, ok := e.Value.GetValue().(dicom.PixelDataInfo)
	if !ok {
		return nil, fmt.Errorf("medimg: %s: Pixel Data (7FE0,0010) could not be read", path)
	}
	order, native := nativeSyntaxes[m.TransferSyntaxUID]
	if info.IsEncapsulated || !native {
		return nil, fmt.Errorf("medimg: %s: pixel data are compressed with transfer syntax %s (%s), which MedGo cannot decode; expected uncompressed pixels (Implicit/Explicit VR Little Endian or Explicit VR Big Endian): convert first, e.g. `gdcmconv --raw in.dcm out.dcm` or `dcmdjpeg`",
			path, m.TransferSyntaxUID, syntaxName(m.TransferSyntaxUID))
	}
	if findElem(&ds, tag.ModalityLUTSequence) != nil {
		return nil, fmt.Errorf("medimg: %s: a Modality LUT Sequence (0028,3000) is present; MedGo applies only Rescale Slope/Intercept and refuses rather than return values in the wrong units", path)
	}
	pix, err := decodeNative(m, info.UnprocessedValueData, order)
	if err != nil {
		return nil, fmt.Errorf("medimg: %s: %v", path, err)
	}
	return &Image{Path: path, Meta: m, Pixels: pix, Inverted: m.Photometric == "MONOCHROME1"}, nil
}

// decodeNative turns uncompressed pixel bytes into modality values. Bits above Bits
// Stored are masked off (PS3.5 8.1.1: they may hold overlays), and signed values are
// sign-extended from Bits Stored. Planar configuration 1 (RRR...GGG...BBB) is
// interleaved so that every image comes out frames × rows × columns × samples.
func decodeNative(m Metadata, raw []byte, order binary.ByteOrder) ([]float32, error) {
	if m.Rows <= 0 || m.Columns <= 0 {
		return nil, fmt.Errorf("Rows %d and Columns %d must be positive", m.Rows, m.Columns)
	}
	if m.SamplesPerPixel != 1 && m.SamplesPerPixel != 3 {
		return nil, fmt.Errorf("Samples per Pixel is %d; expected 1 (grey) or 3 (colour)", m.SamplesPerPixel)
	}
	if strings.HasSuffix(m.Photometric, "_422") || strings.HasSuffix(m.Photometric, "_420") {
		return nil, fmt.Errorf("Photometric Interpretation %s stores chroma subsampled; MedGo reads MONOCHROME1, MONOCHROME2, RGB and full-resolution YBR_FULL", m.Photometric)
	}
	if m.BitsAllocated == 1 {
		return decodeBits(m, raw)
	}
	switch m.BitsAllocated {
	case 8, 16, 32:
	default:
		return nil, fmt.Errorf("Bits Allocated is %d; MedGo reads 1, 8, 16 or 32", m.BitsAllocated)
	}
	if m.BitsStored < 1 || m.BitsStored > m.BitsAllocated {
		return nil, fmt.Errorf("Bits Stored %d is not in 1..Bits Allocated (%d)", m.BitsStored, m.BitsAllocated)
	}
	n := int64(m.Rows) * int64(m.Columns) * int64(m.SamplesPerPixel) * int64(m.Frames)
	bytesPer := int64(m.BitsAllocated / 8)
	if need := n * bytesPer; int64(len(raw)) < need {
		return nil, fmt.Errorf("Pixel Data holds %d bytes; %d frames of %d×%d×%d at %d bits need %d", len(raw), m.Frames, m.Rows, m.Columns, m.SamplesPerPixel, m.BitsAllocated, need)
	}
	mask := uint32(1)<<uint(m.BitsStored) - 1
	if m.BitsStored == 32 {
		mask = math.MaxUint32
	}
	signBit := uint32(1) << uint(m.BitsStored-1)
	out := make([]float32, n)
	slope, inter := m.RescaleSlope, m.RescaleIntercept
	for i := int64(0); i < n; i++ {
		var u uint32
		switch bytesPer {
		case 1:
			u = uint32(raw[i])
		case 2:
			u = uint32(order.Uint16(raw[2*i:]))
		case 4:
			u = order.Uint32(raw[4*i:])
		}
		u &= mask
		var v float64
		if m.Signed && u&signBit != 0 {
			v = float64(int64(u) - int64(mask) - 1)
		} else {
			v = float64(u)
		}
		out[i] = float32(v*slope + inter)
	}
	if m.SamplesPerPixel == 3 && m.PlanarConfig == 1 {
		out = interleave(out, m.Frames, m.Rows*m.Columns)
	}
	return out, nil
}

// decodeBits reads 1-bit pixels (segmentations, overlays stored as images). PS3.5 8.1.1
// packs them contiguously across rows and frames, the first pixel in each byte's lowest bit.
func decodeBits(m Metadata, raw []byte) ([]float32, error) {
	if m.SamplesPerPixel != 1 {
		return nil, fmt.Errorf("Bits Allocated 1 with %d samples per pixel; expected 1", m.SamplesPerPixel)
	}
	n := int64(m.Rows) * int64(m.Columns) * int64(m.Frames)
	if need := (n + 7) / 8; int64(len(raw)) < need {
		return nil, fmt.Errorf("Pixel Data holds %d bytes; %d frames of %d×%d at 1 bit need %d", len(raw), m.Frames, m.Rows, m.Columns, need)
	}
	out := make([]float32, n)
	for i := int64(0); i < n; i++ {
		out[i] = float32(float64((raw[i/8]>>(i%8))&1)*m.RescaleSlope + m.RescaleIntercept)
	}
	return out, nil
}

func interleave(in []float32, frames, pixels int) []float32 {
	out := make([]float32, len(in))
	for f := 0; f < frames; f++ {
		base := f * pixels * 3
		for p := 0; p < pixels; p++ {
			for s := 0; s < 3; s++ {
				out[base+p*3+s] = in[base+s*pixels+p]
			}
		}
	}
	return out
}
