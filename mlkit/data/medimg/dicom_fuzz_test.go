// SPDX-License-Identifier: Apache-2.0

package medimg

import (
	"io"
	"log"
	"os"
	"path/filepath"
	"testing"
)

// FuzzDICOM: arbitrary bytes given as a DICOM file never panic or hang the reader; an
// accepted file holds exactly the pixels its header describes. The seeds are a synthetic
// CT slice and, when pydicom is installed, two of its sample files.
func FuzzDICOM(f *testing.F) {
	dir := f.TempDir()
	seed := filepath.Join(dir, "seed.dcm")
	synthSlice{patientID: "P1", series: "1.2.3", instance: 1, orient: [6]float64{1, 0, 0, 0, 1, 0},
		pixels: []int16{-1000, 0, 40, 400, 1000, 3071}}.write(&testing.T{}, seed)
	if b, err := os.ReadFile(seed); err == nil {
		f.Add(b)
	}
	for _, name := range []string{"CT_small.dcm", "MR_small_bigendian.dcm"} {
		if b, err := os.ReadFile(filepath.Join("/usr/lib/python3/dist-packages/pydicom/data/test_files", name)); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte("not a DICOM file"))
	// The DICOM library reports some malformed sequences with log.Println; thousands of
	// such lines fill the fuzz worker's output pipe and stall it.
	log.SetOutput(io.Discard)
	f.Fuzz(func(t *testing.T, b []byte) {
		path := filepath.Join(t.TempDir(), "fuzz.dcm")
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := ReadDICOMHeader(path); err != nil {
			return
		}
		im, err := ReadDICOM(path)
		if err != nil {
			return
		}
		n := 1
		for _, d := range im.Shape() {
			n *= d
		}
		if n != len(im.Pixels) {
			t.Fatalf("shape %v but %d pixels", im.Shape(), len(im.Pixels))
		}
	})
}
