// SPDX-License-Identifier: Apache-2.0

package medimg

import (
	"encoding/binary"
	"math"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/medgo-lab/medgo/internal/reference"
)

// referencePython makes sure the system Python imports module (from debPackage, installed
// when missing) and returns it; see internal/reference for why CI fails instead of skipping.
func referencePython(t *testing.T, module, debPackage string) string {
	t.Helper()
	reference.Need(t, reference.Module{Import: module + ", numpy", Package: debPackage})
	return reference.SystemPython
}

// runScript runs a reference script and returns its standard output.
func runScript(t *testing.T, py, script string, args ...string) string {
	t.Helper()
	cmd := exec.Command(py, append([]string{"-c", script}, args...)...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("reference script failed: %v\n%s", err, stderr.String())
	}
	return string(out)
}

// readF64 reads the little-endian float64 file a reference script wrote.
func readF64(t *testing.T, path string) []float64 {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]float64, len(b)/8)
	for i := range out {
		out[i] = math.Float64frombits(binary.LittleEndian.Uint64(b[8*i:]))
	}
	return out
}

// maxRelDiff is the largest absolute difference scaled by the reference's magnitude (at
// least 1), the comparison the issue asks for.
func maxRelDiff(got []float32, want []float64) float64 {
	scale := 1.0
	for _, w := range want {
		if !math.IsInf(w, 0) && !math.IsNaN(w) {
			scale = math.Max(scale, math.Abs(w))
		}
	}
	d := 0.0
	for i, w := range want {
		g := float64(got[i])
		switch {
		case math.IsNaN(w) || math.IsNaN(g):
			// NaN (a masked voxel) must stay NaN, and nothing else may become NaN.
			if math.IsNaN(w) != math.IsNaN(g) {
				return math.Inf(1)
			}
		case math.IsInf(w, 0) || math.IsInf(g, 0):
			if w != g {
				return math.Inf(1)
			}
		default:
			d = math.Max(d, math.Abs(g-w))
		}
	}
	return d / scale
}
