// SPDX-License-Identifier: Apache-2.0

package medimg

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/suyashkumar/dicom"
	"github.com/suyashkumar/dicom/pkg/tag"
)

var testSalt = []byte("0123456789abcdef-test-salt")

// deidCheck de-identifies in and checks, on the re-read output, that no listed attribute
// keeps its original value, private tags are gone, pixel bytes are identical and the
// original file is byte-for-byte unchanged.
func deidCheck(t *testing.T, d *Deidentifier, in, out string) *DeidReport {
	t.Helper()
	before, err := os.ReadFile(in)
	if err != nil {
		t.Fatal(err)
	}
	orig, err := parseDICOM(in, false)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := d.DeidentifyFile(in, out)
	if err != nil {
		t.Fatal(err)
	}
	after, _ := os.ReadFile(in)
	if !bytes.Equal(before, after) {
		t.Fatalf("%s: the original changed", in)
	}
	got, err := parseDICOM(out, false)
	if err != nil {
		t.Fatalf("re-reading %s: %v", out, err)
	}
	origVals := map[tag.Tag][]string{}
	for e := range orig.FlatIterator() {
		if s := stringsOf(e); len(s) > 0 && strings.Join(s, "") != "" {
			origVals[e.Tag] = append(origVals[e.Tag], strings.Join(s, "\\"))
		}
	}
	rules := map[tag.Tag]ProfileRule{}
	for _, r := range BasicProfile {
		rules[r.Tag] = r
	}
	for e := range got.FlatIterator() {
		if tag.IsPrivate(e.Tag.Group) {
			t.Errorf("%s: private %v survived", out, e.Tag)
		}
		r, ok := rules[e.Tag]
		if !ok {
			continue
		}
		v := strings.Join(stringsOf(e), "\\")
		switch r.Action {
		case ActionRemove:
			t.Errorf("%s: %s should be removed, holds %q", out, r.Keyword, v)
		case ActionZero:
			if strings.Trim(v, " \x00") != "" {
				t.Errorf("%s: %s should be empty, holds %q", out, r.Keyword, v)
			}
		}
		for _, o := range origVals[e.Tag] {
			if v != "" && strings.TrimRight(v, " \x00") == strings.TrimRight(o, " \x00") {
				t.Errorf("%s: %s still holds its original value", out, r.Keyword)
			}
		}
	}
	pe, _ := orig.FindElementByTag(tag.PixelData)
	ge, _ := got.FindElementByTag(tag.PixelData)
	if pe != nil {
		if ge == nil || !bytes.Equal(dicom.MustGetPixelDataInfo(pe.Value).UnprocessedValueData, dicom.MustGetPixelDataInfo(ge.Value).UnprocessedValueData) {
			t.Errorf("%s: pixel data bytes changed", out)
		}
	}
	return rep
}

func TestDeidentify(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "in.dcm")
	synthSlice{patientID: "MRN-42", series: "1.2.3", instance: 1, orient: axial, pixels: []int16{1, 2, 3, 4, 5, 6}}.write(t, in)
	d, err := NewDeidentifier(testSalt).Done()
	if err != nil {
		t.Fatal(err)
	}
	rep := deidCheck(t, d, in, filepath.Join(dir, "out.dcm"))
	if rep.PrivateRemoved != 2 || rep.DateShiftDays >= 0 || len(rep.Changes) == 0 {
		t.Errorf("report %+v", rep)
	}
	m, err := ReadDICOMHeader(filepath.Join(dir, "out.dcm"))
	if err != nil {
		t.Fatal(err)
	}
	// Consistent: the same salt maps the same patient and UIDs identically.
	if m.PatientID != d.Pseudonym("MRN-42") || m.StudyInstanceUID != d.MapUID("1.2.826.0.1.3680043.2.1125.1") {
		t.Errorf("pseudonym %q, study UID %q", m.PatientID, m.StudyInstanceUID)
	}
	d2, _ := NewDeidentifier(append(append([]byte(nil), testSalt...), 'x')).Done()
	if d2.MapUID("1.2.3") == d.MapUID("1.2.3") || len(d.MapUID("1.2.3")) > 64 {
		t.Error("UID mapping must depend on the salt and stay a valid UID")
	}
	// Dates move by the patient's offset: 2024-02-29 shifted, intervals kept.
	out, _ := parseDICOM(filepath.Join(dir, "out.dcm"), true)
	sd, sr := getString(&out, tag.StudyDate), getString(&out, tag.SeriesDate)
	if sd == "20240229" || sd == "" || sr == "" {
		t.Errorf("study date %q series date %q", sd, sr)
	}
	im1, _ := ReadDICOM(in)
	im2, _ := ReadDICOM(filepath.Join(dir, "out.dcm"))
	if im2 == nil || !equalF(im1.Pixels, im2.Pixels) {
		t.Error("pixels differ after de-identification")
	}
	// Never over the input, never over an existing file.
	if _, err := d.DeidentifyFile(in, in); err == nil {
		t.Error("writing over the input must be refused")
	}
	if _, err := d.DeidentifyFile(in, filepath.Join(dir, "out.dcm")); err == nil {
		t.Error("an existing output must be refused")
	}
	if _, err := NewDeidentifier([]byte("short")).Done(); err == nil {
		t.Error("a short salt must be refused")
	}
}

// TestDeidentifyPydicomSamples runs the same checks on real scanner files when pydicom's
// samples are installed.
func TestDeidentifyPydicomSamples(t *testing.T) {
	py := referencePython(t, "pydicom", "python3-pydicom")
	dir := strings.TrimSpace(runScript(t, py, "import pydicom, os; print(os.path.join(os.path.dirname(pydicom.__file__), 'data', 'test_files'))"))
	d, _ := NewDeidentifier(testSalt).Done()
	out := t.TempDir()
	for _, name := range []string{"CT_small.dcm", "MR_small.dcm", "MR_small_bigendian.dcm", "rtdose.dcm"} {
		rep := deidCheck(t, d, filepath.Join(dir, name), filepath.Join(out, name))
		t.Logf("%s: %d attributes changed, %d private removed, dates shifted %d days", name, len(rep.Changes), rep.PrivateRemoved, rep.DateShiftDays)
		// An independent reader must accept the copy and see the same pixels.
		check := `
import sys, numpy as np, pydicom
a, b = pydicom.dcmread(sys.argv[1]), pydicom.dcmread(sys.argv[2])
print(bool(np.array_equal(a.pixel_array, b.pixel_array)), str(b.PatientName) != str(a.PatientName), b.PatientIdentityRemoved)`
		if got := strings.TrimSpace(runScript(t, py, check, filepath.Join(dir, name), filepath.Join(out, name))); got != "True True YES" {
			t.Errorf("%s: pydicom on the de-identified copy: %q; want \"True True YES\"", name, got)
		}
	}
}
