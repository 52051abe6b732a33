// SPDX-License-Identifier: Apache-2.0

package data

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

// The cross-validation splitters are compared with scikit-learn 1.2 as Debian packages
// it, run on the same vectors while the test runs, so no scikit-learn output is
// committed. This helper is a copy of the one in mlkit/eval's tests: test helpers cannot
// be shared between packages without a non-test package, and this one is too small to
// justify one.

const systemPython = "/usr/bin/python3"

var (
	sklearnOnce sync.Once
	sklearnErr  error
)

// needSklearn makes sure the system python3 can import sklearn, installing Debian's
// python3-sklearn when it cannot. In CI (CI set) a reference that still cannot be had is
// a failure, because a silently skipped comparison would let the metrics drift; on a
// developer machine it is a skip that says why.
func needSklearn(t testing.TB) {
	t.Helper()
	sklearnOnce.Do(func() { sklearnErr = ensureSklearn() })
	if sklearnErr == nil {
		return
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("scikit-learn reference unavailable in CI: %v", sklearnErr)
	}
	t.Skipf("scikit-learn reference unavailable: %v", sklearnErr)
}

func sklearnImports() bool {
	return exec.Command(systemPython, "-c", "import sklearn").Run() == nil
}

// checkSklearnVersion insists on 1.2: the documented agreements (and differences) are
// with that release, and later ones changed defaults (log_loss's eps, for one).
func checkSklearnVersion() error {
	out, err := exec.Command(systemPython, "-c", "import sklearn; print(sklearn.__version__)").Output()
	if err != nil {
		return fmt.Errorf("reading the sklearn version: %v", err)
	}
	if v := strings.TrimSpace(string(out)); !strings.HasPrefix(v, "1.2") {
		return fmt.Errorf("%s has scikit-learn %s but the reference is 1.2 (Debian 12's python3-sklearn)", systemPython, v)
	}
	return nil
}

func ensureSklearn() error {
	if sklearnImports() {
		return checkSklearnVersion()
	}
	if _, err := os.Stat(systemPython); err != nil {
		return fmt.Errorf("%s not found; install python3 and python3-sklearn", systemPython)
	}
	if os.Geteuid() != 0 {
		return fmt.Errorf("sklearn is not importable by %s and installing it needs root; run: sudo apt-get install -y python3-sklearn", systemPython)
	}
	// Another process may hold the dpkg lock for a moment (unattended upgrades, a
	// parallel test binary), so retry for about two minutes before giving up.
	deadline := time.Now().Add(2 * time.Minute)
	updated := false
	for {
		cmd := exec.Command("apt-get", "install", "-y", "--no-install-recommends", "python3-sklearn")
		cmd.Env = append(os.Environ(), "DEBIAN_FRONTEND=noninteractive")
		out, err := cmd.CombinedOutput()
		if err == nil && sklearnImports() {
			return checkSklearnVersion()
		}
		msg := string(out)
		switch {
		case strings.Contains(msg, "Could not get lock") || strings.Contains(msg, "Unable to acquire") || strings.Contains(msg, "is held by"):
			if time.Now().After(deadline) {
				return fmt.Errorf("apt-get install python3-sklearn: dpkg lock still held after 2 minutes: %s", tail(msg))
			}
			time.Sleep(5 * time.Second)
		case !updated && (strings.Contains(msg, "Unable to locate") || strings.Contains(msg, "404")):
			// Stale or missing package lists: refresh once, then try again.
			updated = true
			_ = exec.Command("apt-get", "update").Run()
		default:
			return fmt.Errorf("apt-get install -y python3-sklearn failed (%v): %s", err, tail(msg))
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

// sklearnRun runs a Python script that reads one JSON value from standard input (in) and
// prints one JSON value, which is decoded into out. Infinities and NaN travel as JSON
// null, so the scripts print them through a small helper.
func sklearnRun(t testing.TB, script string, in, out any) {
	t.Helper()
	needSklearn(t)
	body, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(systemPython, "-c", pyPrelude+script)
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

// pyPrelude reads the input and defines emit, which prints NaN and infinities as null
// (json.dumps would write the non-JSON tokens NaN and Infinity) and records whether
// sklearn warned, so tests can check that a warning goes with ErrUndefined.
const pyPrelude = `
import json, math, sys, warnings
import numpy as np
import sklearn
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
