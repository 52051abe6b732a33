// SPDX-License-Identifier: Apache-2.0

package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/medgo-lab/medgo/mlkit/backend"
)

// CleanSetupEnv turns on TestCleanSetup (make test-clean-setup sets it): the test downloads
// every module and builds every tool from nothing, a few minutes.
const CleanSetupEnv = "MEDGO_TEST_CLEAN_SETUP"

// TestCleanSetup is a new user's first run, which a warm module cache cannot fake: a copy of
// the checkout, empty GOMODCACHE, GOCACHE and JUPYTER_DATA_DIR, `make setup` there, then the
// quickstart notebook in quick mode through the real Jupyter client (bin/medgo run), checked
// against the notebook's own expectations.
func TestCleanSetup(t *testing.T) {
	if os.Getenv(CleanSetupEnv) == "" {
		t.Skipf("set %s=1 (make test-clean-setup) to set up from empty caches", CleanSetupEnv)
	}
	requireJupyter(t)
	root := repoRoot(t)
	tmp := t.TempDir()
	checkout := filepath.Join(tmp, "medgo")
	copyCheckout(t, root, checkout)

	caches := map[string]string{
		"GOMODCACHE":       filepath.Join(tmp, "gomodcache"),
		"GOCACHE":          filepath.Join(tmp, "gocache"),
		"JUPYTER_DATA_DIR": filepath.Join(tmp, "jupyter"),
		// The ONNX Runtime library (user cache) and npm's package cache start empty too.
		"XDG_CACHE_HOME":   filepath.Join(tmp, "cache"),
		"npm_config_cache": filepath.Join(tmp, "npm"),
	}
	for _, d := range caches {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	// MEDGO_DATA passes through: without it the quickstart downloads WDBC into the data cache.
	over := map[string]string{"MEDGO_RUNS": filepath.Join(tmp, "runs")}
	for k, v := range caches {
		over[k] = v
	}
	// The copy must find itself, not this checkout.
	var env []string
	for _, kv := range mergeEnv(os.Environ(), over) {
		if k, _, _ := strings.Cut(kv, "="); k != "MEDGO_ROOT" {
			env = append(env, kv)
		}
	}
	// The module cache is read-only on disk; go clean empties it before TempDir's removal.
	t.Cleanup(func() {
		cmd := exec.Command("go", "clean", "-modcache")
		cmd.Env = env
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Logf("go clean -modcache: %v\n%s", err, out)
		}
	})

	run := func(what string, dir string, name string, args ...string) string {
		t.Helper()
		start := time.Now()
		cmd := exec.Command(name, args...)
		cmd.Dir, cmd.Env = dir, env
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		err := cmd.Run()
		t.Logf("%s: %.0f s", what, time.Since(start).Seconds())
		if err != nil {
			t.Fatalf("%s (%s %s in %s) failed: %v\n%s", what, name, strings.Join(args, " "), dir, err, tail(out.String(), 6000))
		}
		return out.String()
	}
	setupLog := run("make setup from empty caches", checkout, "make", "setup")
	t.Logf("set-up output:\n%s", tail(setupLog, 3000))
	if entries, _ := os.ReadDir(caches["GOMODCACHE"]); len(entries) == 0 {
		t.Fatalf("the set-up left GOMODCACHE=%s empty: it did not use the empty cache", caches["GOMODCACHE"])
	}

	// Where npm and a C compiler exist (CI: always), the new user's cells run on ONNX Runtime.
	_, npmErr := exec.LookPath("npm")
	if (npmErr == nil && cCompiler() != "") || os.Getenv("CI") != "" {
		if !strings.Contains(setupLog, "cells run on ONNX Runtime") {
			t.Fatalf("the set-up did not put cells on ONNX Runtime:\n%s", tail(setupLog, 3000))
		}
		if lib := filepath.Join(caches["XDG_CACHE_HOME"], "medgo", "onnxruntime-"+backend.ONNXRuntimeVersion, backend.ONNXRuntimeLibName()); !fileExists(lib) {
			t.Fatalf("the set-up did not provision %s", lib)
		}
	}

	// Documentation lookups work offline from the caches the set-up filled.
	offline := env
	env = append(slices.Clone(env), "GOPROXY=off")
	if doc := run("go doc offline after the set-up", checkout, "go", "doc", "github.com/medgo-lab/medgo/mlkit/data"); !strings.Contains(doc, "package data") {
		t.Fatalf("go doc printed no package documentation:\n%s", tail(doc, 2000))
	}
	env = offline

	// What a new user's `make tutorials` does, for the quickstart in full mode (seconds).
	tutorials := run("make tutorials for the quickstart", checkout, "make", "tutorials", "NOTEBOOKS=notebooks/00-quickstart.ipynb")
	if !regexp.MustCompile(`(?m)^00-quickstart\s+ok\s`).MatchString(tutorials) {
		t.Fatalf("make tutorials did not report the quickstart ok:\n%s", tail(tutorials, 3000))
	}

	out := filepath.Join(tmp, "out")
	notebook := filepath.Join(checkout, "notebooks", "00-quickstart.ipynb")
	log := run("00-quickstart in quick mode through Jupyter", checkout,
		filepath.Join(checkout, "bin", "medgo"), "run", "--quick", "--results", "", "--out", out, notebook)
	t.Logf("medgo run:\n%s", log)
	executed := filepath.Join(out, "00-quickstart.ipynb")
	r := NotebookResult{Notebook: "00-quickstart", Status: "ok", Executed: executed,
		HTML: filepath.Join(out, "00-quickstart.html"), Measurements: readMeasurements(executed)}
	checkNotebook(t, r, filepath.Join(checkout, "notebooks"))
}

// copyCheckout copies the files git knows in root (tracked, and untracked but not ignored) to
// dst: what a clone of this work would hold, without bin/, out/ or any build output.
func copyCheckout(t *testing.T, root, dst string) {
	t.Helper()
	cmd := exec.Command("git", "ls-files", "-z", "--cached", "--others", "--exclude-standard")
	cmd.Dir = root
	list, err := cmd.Output()
	if err != nil {
		t.Fatalf("listing the checkout's files with git in %s: %v", root, err)
	}
	n := 0
	for _, rel := range strings.Split(string(list), "\x00") {
		if rel == "" {
			continue
		}
		src := filepath.Join(root, rel)
		st, err := os.Lstat(src)
		if err != nil {
			continue // deleted in the work tree but still in the index
		}
		if !st.Mode().IsRegular() {
			continue
		}
		raw, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		target := filepath.Join(dst, rel)
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(target, raw, st.Mode().Perm()); err != nil {
			t.Fatal(err)
		}
		n++
	}
	if n == 0 {
		t.Fatalf("git ls-files in %s listed no files", root)
	}
}

func fileExists(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.Mode().IsRegular()
}
