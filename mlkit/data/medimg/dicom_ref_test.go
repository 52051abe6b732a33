// SPDX-License-Identifier: Apache-2.0

package medimg

import (
	"encoding/json"
	"fmt"
	"math"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// pydicomScript lists pydicom's bundled test files and, for each one pydicom decodes,
// writes pixel_array after apply_modality_lut as float64 so MedGo can be compared with it.
const pydicomScript = `
import glob, json, os, sys, warnings
warnings.simplefilter("ignore")
import numpy as np, pydicom
from pydicom.pixel_data_handlers.util import apply_modality_lut
out = sys.argv[1]
d = os.path.join(os.path.dirname(pydicom.__file__), "data", "test_files")
for i, p in enumerate(sorted(glob.glob(os.path.join(d, "**", "*"), recursive=True))):
    if not os.path.isfile(p):
        continue
    r = {"path": p}
    try:
        ds = pydicom.dcmread(p)
        arr = apply_modality_lut(ds.pixel_array, ds).astype("<f8")
        r["shape"] = list(arr.shape)
        f = os.path.join(out, "%d.f64" % i)
        arr.tofile(f)
        r["data"] = f
        ps = ds.get("PixelSpacing")
        if ps is not None:
            r["spacing"] = [float(x) for x in ps]
    except Exception as e:
        r["error"] = type(e).__name__ + ": " + str(e)[:200]
    print(json.dumps(r))
`

type pydicomRecord struct {
	Path    string    `json:"path"`
	Shape   []int     `json:"shape"`
	Data    string    `json:"data"`
	Spacing []float64 `json:"spacing"`
	Error   string    `json:"error"`
}

// TestAgainstPydicom reads every file of pydicom's test set. A file pydicom decodes and
// MedGo reads must match it; a file MedGo refuses must be refused with an error (never a
// panic), and the reasons are reported grouped.
func TestAgainstPydicom(t *testing.T) {
	py := referencePython(t, "pydicom", "python3-pydicom")
	dir := t.TempDir()
	var recs []pydicomRecord
	for _, line := range strings.Split(strings.TrimSpace(runScript(t, py, pydicomScript, dir)), "\n") {
		var r pydicomRecord
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatalf("reference output %q: %v", line, err)
		}
		recs = append(recs, r)
	}
	if len(recs) < 10 {
		t.Fatalf("found only %d pydicom test files; expected its bundled test set", len(recs))
	}
	var read, matched, refused, bothRefuse, onlyMedGo int
	matchedNames := map[string]bool{}
	reasons := map[string][]string{}
	worst := 0.0
	for _, r := range recs {
		name := filepath.Base(r.Path)
		var im *Image
		var err error
		func() {
			defer func() {
				if p := recover(); p != nil {
					t.Errorf("%s: panic: %v", name, p)
					err = fmt.Errorf("panic")
				}
			}()
			im, err = ReadDICOM(r.Path)
		}()
		if err != nil {
			refused++
			if r.Error != "" {
				bothRefuse++
			} else {
				t.Logf("%s: pydicom decoded it (shape %v), MedGo refused: %v", name, r.Shape, err)
			}
			reasons[reasonOf(err)] = append(reasons[reasonOf(err)], name)
			if !strings.Contains(err.Error(), name) {
				t.Errorf("%s: the error does not name the file: %v", name, err)
			}
			continue
		}
		read++
		if r.Error != "" {
			onlyMedGo++
			t.Logf("%s: MedGo read it, pydicom did not (%s)", name, r.Error)
			continue
		}
		want := readF64(t, r.Data)
		if len(want) != len(im.Pixels) {
			t.Errorf("%s: MedGo has %d values (shape %v), pydicom %d (shape %v)", name, len(im.Pixels), im.Shape(), len(want), r.Shape)
			continue
		}
		d := maxRelDiff(im.Pixels, want)
		worst = math.Max(worst, d)
		if d > 1e-4 {
			t.Errorf("%s: max relative difference from pydicom %.3g", name, d)
			continue
		}
		if len(r.Spacing) == 2 && (math.Abs(r.Spacing[0]-im.Meta.PixelSpacing[0]) > 1e-4 || math.Abs(r.Spacing[1]-im.Meta.PixelSpacing[1]) > 1e-4) {
			t.Errorf("%s: pixel spacing %v, pydicom %v", name, im.Meta.PixelSpacing, r.Spacing)
			continue
		}
		matched++
		matchedNames[name] = true
	}
	keys := make([]string, 0, len(reasons))
	for k := range reasons {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	t.Logf("pydicom test files: %d; MedGo read %d, matched %d (max relative difference %.3g), read only by MedGo %d; refused %d (%d also refused by pydicom)",
		len(recs), read, matched, worst, onlyMedGo, refused, bothRefuse)
	for _, k := range keys {
		t.Logf("  refused %2d× %s: %s", len(reasons[k]), k, strings.Join(reasons[k], " "))
	}
	// CT with rescale to HU, MR, big-endian, multi-frame, RGB deflate must all match (the Debian set has no MONOCHROME1 file).
	for _, must := range []string{"CT_small.dcm", "MR_small.dcm", "MR_small_bigendian.dcm", "MR_small_implicit.dcm", "rtdose.dcm", "rtdose_expb.dcm", "ExplVR_BigEnd.dcm", "SC_rgb_small_odd.dcm", "image_dfl.dcm"} {
		if !matchedNames[must] {
			t.Errorf("%s did not match pydicom", must)
		}
	}
	if matched < 5 {
		t.Errorf("only %d files matched pydicom; expected at least CT_small, MR_small and the big-endian and multi-frame files", matched)
	}
}

// reasonOf groups errors by their kind for the report.
func reasonOf(err error) string {
	s := err.Error()
	for _, k := range []string{"compressed with transfer syntax", "no Pixel Data", "Photometric Interpretation", "which is not a number", "not a readable DICOM", "malformed DICOM", "Bits Allocated", "Modality LUT", "Pixel Data holds", "Samples per Pixel", "Rows"} {
		if i := strings.Index(s, k); i >= 0 {
			if k == "compressed with transfer syntax" {
				rest := s[i+len(k):]
				if j := strings.Index(rest, "), which"); j >= 0 {
					return k + rest[:j+1]
				}
			}
			return k
		}
	}
	return s
}
