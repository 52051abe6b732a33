// SPDX-License-Identifier: Apache-2.0

package medimg

import (
	"encoding/binary"
	"math"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// referencePython finds a python3 that imports module, installing the Debian package when
// it is missing and we are root. The reference readers are only test tools: in CI their
// absence fails the test, elsewhere it skips with the reason.
func referencePython(t *testing.T, module, debPackage string) string {
	t.Helper()
	try := func() string {
		for _, py := range []string{"/usr/bin/python3", "python3"} {
			if exec.Command(py, "-c", "import "+module+", numpy").Run() == nil {
				return py
			}
		}
		return ""
	}
	if py := try(); py != "" {
		return py
	}
	var why string
	if os.Geteuid() != 0 {
		why = "not root, cannot apt-get install " + debPackage
	} else {
		// apt may be held by another process for a moment: retry for about two minutes.
		deadline := time.Now().Add(2 * time.Minute)
		for {
			out, err := exec.Command("apt-get", "install", "-y", debPackage).CombinedOutput()
			if err == nil {
				break
			}
			why = "apt-get install " + debPackage + ": " + lastLine(string(out))
			if time.Now().After(deadline) || !strings.Contains(string(out), "lock") {
				break
			}
			time.Sleep(5 * time.Second)
		}
		if py := try(); py != "" {
			return py
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("reference reader %s is missing in CI: %s", module, why)
	}
	t.Skipf("reference reader %s unavailable: %s", module, why)
	return ""
}

func lastLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.LastIndexByte(s, '\n'); i >= 0 {
		return s[i+1:]
	}
	return s
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
