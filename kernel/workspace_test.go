// SPDX-License-Identifier: Apache-2.0

package main

import (
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

func TestMLKitPackagesListsEveryPackage(t *testing.T) {
	root := repoRoot(t)
	got, err := mlkitPackages(root)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("go", "list", "./mlkit/...")
	cmd.Dir = root
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, p := range strings.Fields(string(out)) {
		if !strings.Contains(p, "/internal/") && !strings.HasSuffix(p, "/internal") {
			want = append(want, p)
		}
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Fatalf("mlkitPackages = %v\ngo list ./mlkit/... = %v", got, want)
	}
}

func TestCellCheckErrorNamesModulesAndFix(t *testing.T) {
	for _, tc := range []struct {
		command, output string
		want            []string
	}{
		{"go get", "go: github.com/medgo-lab/medgo/mlkit/train imports\n\tgithub.com/gomlx/gomlx/ml/train/optimizer: github.com/gomlx/go-xla@v0.4.1: module lookup disabled by GOPROXY=off\n" +
			"go: github.com/alecthomas/chroma/v2@v2.27.0: module lookup disabled by GOPROXY=off",
			[]string{"lacks github.com/alecthomas/chroma/v2@v2.27.0, github.com/gomlx/go-xla@v0.4.1 (go get failed)", "Fix: cd /x && go mod download && bin/medgo install"}},
		{"go list -deps .", "/x/mlkit/train/fit.go:20:2: github.com/gomlx/go-xla@v0.4.1: module lookup disabled by GOPROXY=off\n" +
			"/x/mlkit/train/fit.go:23:2: github.com/gomlx/go-xla@v0.4.1: module lookup disabled by GOPROXY=off",
			[]string{"lacks github.com/gomlx/go-xla@v0.4.1 (go list -deps . failed)", "Fix: cd /x && go mod download"}},
		{"go list -deps .", "main.go:3:2: syntax error", []string{"does not build offline (go list -deps . failed)", "syntax error"}},
	} {
		msg := cellCheckError("/x", tc.command, tc.output).Error()
		for _, w := range tc.want {
			if !strings.Contains(msg, w) {
				t.Errorf("%s: error should contain %q:\n%s", tc.command, w, msg)
			}
		}
		if strings.Count(msg, "go-xla@v0.4.1,") > 0 {
			t.Errorf("%s: a module is named twice:\n%s", tc.command, msg)
		}
	}
}

// An empty module cache is what a new machine has: the check must fail, name a module and
// the fix, rather than pass because this machine's cache is warm.
func TestCellWorkspaceCheckFailsOnEmptyModuleCache(t *testing.T) {
	root := repoRoot(t)
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go not on PATH")
	}
	t.Setenv("GOMODCACHE", t.TempDir()) // nothing is downloaded into it: GOPROXY=off
	err = cellWorkspaceCheck(root, goBin, kernelEnv(root, goBin))
	if err == nil {
		t.Fatal("the offline workspace check passed with an empty module cache")
	}
	for _, want := range []string{"module cache lacks", "@v", "go mod download && bin/medgo install"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error should contain %q:\n%v", want, err)
		}
	}

	// doctor shows the same failure as a required ✗ with the fix.
	c := cellWorkspaceDoctorCheck(root, goBin)
	if c.OK || !c.Required || !strings.Contains(c.Detail, "module cache lacks") || !strings.Contains(c.Fix, "go mod download") {
		t.Errorf("doctor's cell workspace check with an empty cache: %+v", c)
	}
}

func TestCellWorkspaceCheckPassesAfterInstall(t *testing.T) {
	root := repoRoot(t)
	installTemp(t) // install runs the check itself and fails when it does
	goBin, _ := exec.LookPath("go")
	if c := cellWorkspaceDoctorCheck(root, goBin); !c.OK {
		t.Fatalf("after install, doctor's cell workspace check fails: %+v", c)
	}
}

// The API docs read offline: go doc of an mlkit package needs no module look-up (with
// GoMLX v0.28.3 it failed, wanting a compute-onnx version the proxy does not serve).
func TestGoDocWorksOffline(t *testing.T) {
	root := repoRoot(t)
	for _, pkg := range []string{"github.com/medgo-lab/medgo/mlkit/data", "./mlkit/train"} {
		cmd := exec.Command("go", "doc", pkg)
		cmd.Dir = root
		cmd.Env = append(os.Environ(), "GOPROXY=off")
		out, err := cmd.CombinedOutput()
		if err != nil || !strings.Contains(string(out), "package ") || strings.Contains(string(out), "GOPROXY=off") {
			t.Errorf("go doc %s offline: %v\n%s", pkg, err, out)
		}
	}
}
