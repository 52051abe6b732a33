// SPDX-License-Identifier: Apache-2.0

// Package reference runs the reference implementations MedGo's tests compare with: Python
// libraries from the operating system's packages (scikit-learn, RDKit, pydicom, nibabel),
// installed when missing. The references run on the same inputs while a test runs, so no
// output of theirs is ever committed and the two cannot drift apart.
//
// In CI (CI set) a reference that cannot be had is a test failure, because a silently skipped
// comparison would let results drift; on a developer's machine it is a skip that says why.
package reference

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"
)

// SystemPython is the interpreter the OS packages install into; the first python3 on PATH
// may be another one without them.
const SystemPython = "/usr/bin/python3"

// Module is a Python module and the Debian package that provides it.
type Module struct {
	Import  string // what `import` names, e.g. "sklearn"
	Package string // the Debian package, e.g. "python3-sklearn"
	Version string // a required version prefix ("1.2"), or "" for any
}

// Sklearn is scikit-learn 1.2, Debian 12's: documented agreements and differences are with
// that release, and later ones changed defaults (log_loss's eps, for one).
var Sklearn = Module{Import: "sklearn", Package: "python3-sklearn", Version: "1.2"}

var (
	mu      sync.Mutex
	results = map[Module]error{}
)

// Need makes sure SystemPython can import m, installing its package when it cannot, and
// fails or skips t when that is impossible.
func Need(t testing.TB, m Module) {
	t.Helper()
	mu.Lock()
	err, done := results[m]
	if !done {
		err = ensure(m)
		results[m] = err
	}
	mu.Unlock()
	if err == nil {
		return
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("reference %s unavailable in CI: %v", m.Import, err)
	}
	t.Skipf("reference %s unavailable: %v", m.Import, err)
}

func imports(m Module) bool {
	return exec.Command(SystemPython, "-c", "import "+m.Import).Run() == nil
}

func checkVersion(m Module) error {
	if m.Version == "" {
		return nil
	}
	out, err := exec.Command(SystemPython, "-c", "import "+m.Import+"; print("+m.Import+".__version__)").Output()
	if err != nil {
		return fmt.Errorf("reading the %s version: %v", m.Import, err)
	}
	if v := strings.TrimSpace(string(out)); !strings.HasPrefix(v, m.Version) {
		return fmt.Errorf("%s has %s %s but the reference is %s (Debian's %s)", SystemPython, m.Import, v, m.Version, m.Package)
	}
	return nil
}

func ensure(m Module) error {
	if imports(m) {
		return checkVersion(m)
	}
	if _, err := os.Stat(SystemPython); err != nil {
		return fmt.Errorf("%s not found; install python3 and %s", SystemPython, m.Package)
	}
	if os.Geteuid() != 0 {
		return fmt.Errorf("%s is not importable by %s and installing it needs root; run: sudo apt-get install -y %s", m.Import, SystemPython, m.Package)
	}
	// Another process may hold the dpkg lock for a moment (unattended upgrades, a parallel
	// test binary installing another reference), so retry for about two minutes.
	deadline := time.Now().Add(2 * time.Minute)
	updated := false
	for {
		cmd := exec.Command("apt-get", "install", "-y", "--no-install-recommends", m.Package)
		cmd.Env = append(os.Environ(), "DEBIAN_FRONTEND=noninteractive")
		out, err := cmd.CombinedOutput()
		if err == nil && imports(m) {
			return checkVersion(m)
		}
		msg := string(out)
		switch {
		case strings.Contains(msg, "Could not get lock") || strings.Contains(msg, "Unable to acquire") || strings.Contains(msg, "is held by"):
			if time.Now().After(deadline) {
				return fmt.Errorf("apt-get install %s: dpkg lock still held after 2 minutes: %s", m.Package, tail(msg))
			}
			time.Sleep(5 * time.Second)
		case !updated && (strings.Contains(msg, "Unable to locate") || strings.Contains(msg, "404")):
			// Stale or missing package lists: refresh once, then try again.
			updated = true
			_ = exec.Command("apt-get", "update").Run()
		default:
			return fmt.Errorf("apt-get install -y %s failed (%v): %s", m.Package, err, tail(msg))
		}
	}
}

func tail(s string) string {
	s = strings.TrimSpace(s)
	if len(s) > 600 {
		s = "..." + s[len(s)-600:]
	}
	return s
}

// RunJSON runs a Python script with SystemPython after JSONPrelude: the script reads the
// variable inp (in, as JSON) and prints one JSON value with emit, which is decoded into out.
func RunJSON(t testing.TB, script string, in, out any) {
	t.Helper()
	body, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(SystemPython, "-c", JSONPrelude+script)
	cmd.Stdin = bytes.NewReader(body)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("python reference failed: %v\n%s", err, stderr.String())
	}
	if err := json.Unmarshal(stdout.Bytes(), out); err != nil {
		t.Fatalf("decoding python output %q: %v", stdout.String(), err)
	}
}

// JSONPrelude reads the input into inp and defines emit, which prints NaN and infinities as
// null (json.dumps would write the non-JSON tokens NaN and Infinity), and call, which records
// whether the reference warned or raised, so tests can check that a warning goes with an
// undefined result.
const JSONPrelude = `
import json, math, sys, warnings
import numpy as np
warnings.simplefilter("always")
inp = json.load(sys.stdin)
def clean(v):
    if isinstance(v, (list, tuple, np.ndarray)):
        return [clean(x) for x in v]
    if isinstance(v, dict):
        return {k: clean(x) for k, x in v.items()}
    if isinstance(v, (float, np.floating)):
        v = float(v)
        return None if math.isnan(v) or math.isinf(v) else v
    if isinstance(v, np.integer):
        return int(v)
    return v
def emit(v):
    print(json.dumps(clean(v)))
def call(f, *a, **kw):
    # Returns {"value": ..., "warned": bool, "error": str or None}.
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        try:
            v = f(*a, **kw)
            return {"value": v, "warned": len(w) > 0, "error": None}
        except Exception as e:
            return {"value": None, "warned": len(w) > 0, "error": str(e)}
`
