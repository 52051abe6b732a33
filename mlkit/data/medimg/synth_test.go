// SPDX-License-Identifier: Apache-2.0

package medimg

import (
	"encoding/binary"
	"fmt"
	"os"
	"testing"

	"github.com/suyashkumar/dicom"
	"github.com/suyashkumar/dicom/pkg/tag"
	"github.com/suyashkumar/dicom/pkg/uid"
)

// synthSlice describes a small CT slice written with the DICOM library, so the tests do
// not depend on sample files.
type synthSlice struct {
	patientID string
	series    string
	instance  int
	position  [3]float64
	orient    [6]float64
	pixels    []int16 // 2×3, signed
	photo     string
	syntax    string // transfer syntax; Explicit VR Little Endian when empty
}

func (s synthSlice) write(t *testing.T, path string) {
	t.Helper()
	ds := fmt.Sprintf
	raw := make([]byte, 2*len(s.pixels))
	for i, p := range s.pixels {
		binary.LittleEndian.PutUint16(raw[2*i:], uint16(p))
	}
	photo := s.photo
	if photo == "" {
		photo = "MONOCHROME2"
	}
	ts := s.syntax
	if ts == "" {
		ts = uid.ExplicitVRLittleEndian
	}
	sop := ds("1.2.826.0.1.3680043.2.1125.%d", 1000+s.instance)
	elems := []struct {
		t tag.Tag
		v any
	}{
		{tag.MediaStorageSOPClassUID, []string{"1.2.840.10008.5.1.4.1.1.2"}},
		{tag.MediaStorageSOPInstanceUID, []string{sop}},
		{tag.TransferSyntaxUID, []string{ts}},
		{tag.SOPClassUID, []string{"1.2.840.10008.5.1.4.1.1.2"}},
		{tag.SOPInstanceUID, []string{sop}},
		{tag.StudyDate, []string{"20240229"}},
		{tag.SeriesDate, []string{"20240301"}},
		{tag.AccessionNumber, []string{"ACC12345"}},
		{tag.Modality, []string{"CT"}},
		{tag.InstitutionName, []string{"St Example Hospital"}},
		{tag.ReferringPhysicianName, []string{"Dr^Who"}},
		{tag.StudyDescription, []string{"CT chest for Jane Doe"}},
		{tag.PatientName, []string{"Doe^Jane"}},
		{tag.PatientID, []string{s.patientID}},
		{tag.PatientBirthDate, []string{"19700101"}},
		{tag.PatientSex, []string{"F"}},
		{tag.PatientAge, []string{"054Y"}},
		{tag.SliceThickness, []string{"2.5"}},
		{tag.StudyInstanceUID, []string{"1.2.826.0.1.3680043.2.1125.1"}},
		{tag.SeriesInstanceUID, []string{s.series}},
		{tag.StudyID, []string{"S1"}},
		{tag.InstanceNumber, []string{ds("%d", s.instance)}},
		{tag.ImagePositionPatient, []string{ds("%g", s.position[0]), ds("%g", s.position[1]), ds("%g", s.position[2])}},
		{tag.ImageOrientationPatient, []string{ds("%g", s.orient[0]), ds("%g", s.orient[1]), ds("%g", s.orient[2]), ds("%g", s.orient[3]), ds("%g", s.orient[4]), ds("%g", s.orient[5])}},
		{tag.FrameOfReferenceUID, []string{"1.2.826.0.1.3680043.2.1125.2"}},
		{tag.SamplesPerPixel, []int{1}},
		{tag.PhotometricInterpretation, []string{photo}},
		{tag.Rows, []int{2}},
		{tag.Columns, []int{3}},
		{tag.PixelSpacing, []string{"0.5", "0.75"}},
		{tag.BitsAllocated, []int{16}},
		{tag.BitsStored, []int{12}},
		{tag.HighBit, []int{11}},
		{tag.PixelRepresentation, []int{1}},
		{tag.WindowCenter, []string{"40"}},
		{tag.WindowWidth, []string{"400"}},
		{tag.RescaleIntercept, []string{"-1024"}},
		{tag.RescaleSlope, []string{"1"}},
		{tag.PixelData, dicom.PixelDataInfo{IntentionallyUnprocessed: true, UnprocessedValueData: raw}},
	}
	var set dicom.Dataset
	for _, e := range elems {
		el, err := dicom.NewElement(e.t, e.v)
		if err != nil {
			t.Fatalf("%v: %v", e.t, err)
		}
		set.Elements = append(set.Elements, el)
	}
	// A private creator and value, as vendors add them (often with names inside).
	for _, p := range []struct {
		t tag.Tag
		v string
	}{{tag.Tag{Group: 0x0009, Element: 0x0010}, "ACME"}, {tag.Tag{Group: 0x0009, Element: 0x1001}, "Jane Doe private"}} {
		v, _ := dicom.NewValue([]string{p.v})
		set.Elements = append(set.Elements, &dicom.Element{Tag: p.t, RawValueRepresentation: "LO", ValueRepresentation: tag.VRString, Value: v})
	}
	sortElements(set.Elements)
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := dicom.Write(f, set, dicom.SkipVRVerification()); err != nil {
		t.Fatal(err)
	}
}

func sortElements(e []*dicom.Element) {
	for i := 1; i < len(e); i++ {
		for j := i; j > 0 && e[j].Tag.Compare(e[j-1].Tag) < 0; j-- {
			e[j], e[j-1] = e[j-1], e[j]
		}
	}
}
