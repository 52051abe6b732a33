// SPDX-License-Identifier: Apache-2.0

package medimg

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/medgo-lab/medgo/mlkit/data"
)

// samples are the scanner files that pydicom 2.3.1 and nibabel 5.0.0 ship as test data
// (MIT licence): where the Debian/Ubuntu packages (python3-pydicom, python3-nibabel)
// install them, and the data paths they are downloaded to otherwise. They carry no
// diagnostic labels.
var samples = map[string]struct {
	osPath string   // under /usr/lib/python3/dist-packages
	files  []string // data source paths (several for a series folder)
}{
	"CT_small.dcm":     {"pydicom/data/test_files/CT_small.dcm", []string{"samples/pydicom/CT_small.dcm"}},
	"MR_small.dcm":     {"pydicom/data/test_files/MR_small.dcm", []string{"samples/pydicom/MR_small.dcm"}},
	"CT2":              {"pydicom/data/test_files/dicomdirtests/77654033/CT2", []string{"samples/pydicom/CT2/17106", "samples/pydicom/CT2/17136", "samples/pydicom/CT2/17166", "samples/pydicom/CT2/17196"}},
	"anatomical.nii":   {"nibabel/tests/data/anatomical.nii", []string{"samples/nibabel/anatomical.nii"}},
	"example4d.nii.gz": {"nibabel/tests/data/example4d.nii.gz", []string{"samples/nibabel/example4d.nii.gz"}},
}

// pythonPackages is where Debian and Ubuntu install Python packages.
var pythonPackages = "/usr/lib/python3/dist-packages"

// SampleNames lists the sample files SampleFile knows.
func SampleNames() []string {
	names := make([]string, 0, len(samples))
	for n := range samples {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// SampleFile returns the local path of a sample scanner file: "CT_small.dcm" (a CT slice),
// "MR_small.dcm" (an MR slice), "CT2" (a folder holding a four-slice CT series),
// "anatomical.nii" (a 3-D MR head) or "example4d.nii.gz" (a 4-D functional MR run).
//
// It reads the copy that the python3-pydicom or python3-nibabel package installed, and
// otherwise the data directory, the cache, or a download from the projects' repositories at
// those releases, checked against pinned SHA-256 sums (see data.Fetch).
func SampleFile(name string) (string, error) {
	s, ok := samples[name]
	if !ok {
		return "", fmt.Errorf("medimg: no sample file %q; the samples are %s", name, strings.Join(SampleNames(), ", "))
	}
	local := filepath.Join(pythonPackages, s.osPath)
	if _, err := os.Stat(local); err == nil {
		return local, nil
	}
	var path string
	for _, f := range s.files {
		p, err := data.Fetch(f)
		if err != nil {
			return "", fmt.Errorf("medimg: sample %s is not installed at %s (apt-get install python3-pydicom python3-nibabel provides it) and could not be fetched: %w", name, local, err)
		}
		path = p
	}
	if len(s.files) > 1 {
		return filepath.Dir(path), nil
	}
	return path, nil
}
