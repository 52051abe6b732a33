// SPDX-License-Identifier: Apache-2.0

package medimg

import (
	"encoding/json"
	"fmt"
	"math"
	"path/filepath"
	"strings"
	"testing"
)

// nibabelScript lists nibabel's bundled .nii/.nii.gz test files and writes, for each,
// get_fdata() in Fortran order (first index fastest, as MedGo stores it), the affine and
// the same for as_closest_canonical.
const nibabelScript = `
import glob, json, os, sys, warnings
warnings.simplefilter("ignore")
import numpy as np, nibabel as nib
out = sys.argv[1]
d = os.path.join(os.path.dirname(nib.__file__), "tests", "data")
for i, p in enumerate(sorted(glob.glob(os.path.join(d, "*.nii")) + glob.glob(os.path.join(d, "*.nii.gz")))):
    r = {"path": p}
    try:
        img = nib.load(p)
        if not isinstance(img, (nib.Nifti1Image, nib.Nifti2Image)):
            # CIFTI and other NIfTI-based formats: read the plain NIfTI underneath.
            try:
                img = nib.Nifti2Image.from_filename(p)
            except Exception:
                img = nib.Nifti1Image.from_filename(p)
        h = img.header
        r["sform"] = int(h["sform_code"]); r["qform"] = int(h["qform_code"])
        r["shape"] = list(img.shape)
        r["affine"] = img.affine.tolist()
        f = os.path.join(out, "%d.f64" % i)
        np.asarray(img.get_fdata(), dtype="<f8").ravel(order="F").tofile(f)
        r["data"] = f
        c = nib.as_closest_canonical(img)
        r["canon_affine"] = c.affine.tolist()
        r["canon_shape"] = list(c.shape)
        f = os.path.join(out, "%d.canon.f64" % i)
        np.asarray(c.get_fdata(), dtype="<f8").ravel(order="F").tofile(f)
        r["canon"] = f
    except Exception as e:
        r["error"] = type(e).__name__ + ": " + str(e)[:200]
    print(json.dumps(r))
`

type nibabelRecord struct {
	Path        string        `json:"path"`
	Sform       int           `json:"sform"`
	Qform       int           `json:"qform"`
	Shape       []int         `json:"shape"`
	Affine      [4][4]float64 `json:"affine"`
	Data        string        `json:"data"`
	CanonAffine [4][4]float64 `json:"canon_affine"`
	CanonShape  []int         `json:"canon_shape"`
	Canon       string        `json:"canon"`
	Error       string        `json:"error"`
}

func affineDiff(a, b [4][4]float64) float64 {
	d := 0.0
	for i := range 4 {
		for j := range 4 {
			d = math.Max(d, math.Abs(a[i][j]-b[i][j]))
		}
	}
	return d
}

// TestAgainstNibabel compares every NIfTI file bundled with nibabel: voxel values,
// affine and the canonical (RAS+) reorientation.
func TestAgainstNibabel(t *testing.T) {
	py := referencePython(t, "nibabel", "python3-nibabel")
	dir := t.TempDir()
	var recs []nibabelRecord
	for _, line := range strings.Split(strings.TrimSpace(runScript(t, py, nibabelScript, dir)), "\n") {
		var r nibabelRecord
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatalf("reference output %q: %v", line, err)
		}
		recs = append(recs, r)
	}
	var matched, refused int
	worstData, worstAff := 0.0, 0.0
	for _, r := range recs {
		name := filepath.Base(r.Path)
		var img *NIfTI
		var err error
		func() {
			defer func() {
				if p := recover(); p != nil {
					t.Errorf("%s: panic: %v", name, p)
					err = fmt.Errorf("panic")
				}
			}()
			img, err = ReadNIfTI(r.Path)
		}()
		if err != nil {
			refused++
			t.Logf("%s: refused: %v (nibabel: %s)", name, err, or(r.Error, "read it"))
			continue
		}
		if r.Error != "" {
			t.Logf("%s: MedGo read it, nibabel did not (%s)", name, r.Error)
			continue
		}
		want := readF64(t, r.Data)
		if fmt.Sprint(img.Shape) != fmt.Sprint(r.Shape) || len(want) != len(img.Data) {
			t.Errorf("%s: shape %v, nibabel %v", name, img.Shape, r.Shape)
			continue
		}
		d := maxRelDiff(img.Data, want)
		worstData = math.Max(worstData, d)
		if d > 1e-4 {
			t.Errorf("%s: max relative difference from nibabel %.3g", name, d)
		}
		if r.Sform == 0 && r.Qform == 0 {
			// nibabel centres and x-flips here; MedGo uses the NIfTI-1 method 1 (see BestAffine).
			t.Logf("%s: no sform/qform: affine comparison skipped (documented difference)", name)
			matched++
			continue
		}
		ad := affineDiff(img.Affine, r.Affine)
		worstAff = math.Max(worstAff, ad)
		if ad > 1e-4 {
			t.Errorf("%s: affine %v, nibabel %v", name, img.Affine, r.Affine)
			continue
		}
		c, err := img.Reorient()
		if err != nil {
			t.Errorf("%s: Reorient: %v", name, err)
			continue
		}
		cw := readF64(t, r.Canon)
		if fmt.Sprint(c.Shape) != fmt.Sprint(r.CanonShape) || maxRelDiff(c.Data, cw) > 1e-4 || affineDiff(c.Affine, r.CanonAffine) > 1e-4 {
			t.Errorf("%s: canonical shape %v affine %v, nibabel %v %v", name, c.Shape, c.Affine, r.CanonShape, r.CanonAffine)
			continue
		}
		matched++
	}
	t.Logf("nibabel NIfTI test files: %d; matched %d (data max relative difference %.3g, affine max difference %.3g); refused %d", len(recs), matched, worstData, worstAff, refused)
	if matched < 3 {
		t.Errorf("only %d files matched nibabel; expected anatomical.nii, example4d.nii.gz and example_nifti2.nii.gz at least", matched)
	}
}

func or(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
