// SPDX-License-Identifier: Apache-2.0

package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"testing"
)

func TestCompareVersions(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want int
	}{
		{"1.26.8", "1.26.8", 0}, {"1.26.8", "1.26", 1}, {"1.26", "1.26.0", 0},
		{"1.25.9", "1.26", -1}, {"1.27", "1.26.8", 1}, {"1.9", "1.10", -1},
	} {
		if got := compareVersions(tc.a, tc.b); got != tc.want {
			t.Errorf("compareVersions(%q, %q) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
	}
}

func TestDispatchUnknownCommand(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := dispatch([]string{"frobnicate"}, &out, &errOut); code != 2 {
		t.Fatalf("exit code %d, want 2", code)
	}
	if !strings.Contains(errOut.String(), `unknown command "frobnicate"`) || !strings.Contains(errOut.String(), "install") {
		t.Fatalf("stderr should name the command and list the commands, got:\n%s", errOut.String())
	}
}

// repoRoot is the checkout root: the tests run in kernel/.
func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	if ok, _ := isMedGoRoot(root); !ok {
		t.Fatalf("%s is not the MedGo checkout", root)
	}
	return root
}

// requireJupyter skips without Jupyter, except in CI, where its absence is a failure.
func requireJupyter(t *testing.T) {
	t.Helper()
	if _, err := findJupyter(); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI must have Jupyter (.ci/run installs it): %v", err)
		}
		t.Skipf("Jupyter not installed: %v", err)
	}
}

// installTemp installs the kernel into a fresh JUPYTER_DATA_DIR and returns it.
func installTemp(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	t.Setenv("JUPYTER_DATA_DIR", dir)
	var out bytes.Buffer
	if err := install(repoRoot(t), installOptions{}, &out); err != nil {
		t.Fatalf("install: %v\n%s", err, out.String())
	}
	return dir
}

func TestInstallKernelSpec(t *testing.T) {
	root := repoRoot(t)
	dir := installTemp(t)
	// Idempotent: a second install succeeds and leaves the same spec.
	first, err := os.ReadFile(filepath.Join(dir, "kernels", KernelName, "kernel.json"))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := install(root, installOptions{}, &out); err != nil {
		t.Fatalf("second install: %v", err)
	}
	second, _ := os.ReadFile(filepath.Join(dir, "kernels", KernelName, "kernel.json"))
	if !bytes.Equal(first, second) {
		t.Errorf("installing twice changed kernel.json:\n%s\nvs\n%s", first, second)
	}
	var spec kernelSpec
	if err := json.Unmarshal(first, &spec); err != nil {
		t.Fatal(err)
	}
	if spec.DisplayName != DisplayName || spec.Language != "go" {
		t.Errorf("display name %q language %q", spec.DisplayName, spec.Language)
	}
	if len(spec.Argv) < 3 || spec.Argv[0] != filepath.Join(root, "bin", "medgo") || spec.Argv[1] != kernelCommand ||
		spec.Argv[2] != filepath.Join(root, "bin", "gonb") || !slices.Contains(spec.Argv, "--go_work="+root) || !slices.Contains(spec.Argv, "{connection_file}") {
		t.Errorf("argv %v should run this checkout's gonb under its medgo kernel with -go_work=%s", spec.Argv, root)
	}
	if spec.Env["GOPROXY"] != "off" {
		t.Errorf("GOPROXY = %q: cells must not look modules up on the network", spec.Env["GOPROXY"])
	}
	if spec.Env["GOEXPERIMENT"] == "simd" && runtime.GOARCH == "amd64" && spec.Env["GODEBUG"] != slowExpWorkaround {
		t.Errorf("GODEBUG = %q with GOEXPERIMENT=simd on amd64; want %q (math.Exp is slow otherwise)", spec.Env["GODEBUG"], slowExpWorkaround)
	}
	path := filepath.SplitList(spec.Env["PATH"])
	if len(path) < 2 || path[0] != filepath.Join(root, "bin") {
		t.Errorf("PATH %q should start with %s", spec.Env["PATH"], filepath.Join(root, "bin"))
	}
	for _, tool := range []string{"gonb", "goimports", "gopls", "go"} {
		found := false
		for _, d := range path {
			if _, err := os.Stat(filepath.Join(d, tool)); err == nil {
				found = true
			}
		}
		if !found {
			t.Errorf("%s is not on the kernel's PATH %q", tool, spec.Env["PATH"])
		}
	}
}

func TestDoctorKernelCheck(t *testing.T) {
	root := repoRoot(t)
	dir := installTemp(t)
	byName := func() map[string]check {
		m := map[string]check{}
		for _, c := range doctor(root) {
			m[c.Name] = c
		}
		return m
	}
	c := byName()["kernel "+KernelName]
	if !c.OK {
		t.Fatalf("after install the kernel check fails: %+v", c)
	}
	if err := os.RemoveAll(filepath.Join(dir, "kernels", KernelName)); err != nil {
		t.Fatal(err)
	}
	c = byName()["kernel "+KernelName]
	if c.OK || !c.Required || !strings.Contains(c.Fix, "medgo install") {
		t.Fatalf("without the kernelspec the check should fail with the fix 'medgo install': %+v", c)
	}
	var out bytes.Buffer
	t.Chdir(root)
	if code := cmdDoctor(nil, &out, &out); code == 0 {
		t.Fatalf("doctor exit code 0 with the kernel missing:\n%s", out.String())
	}
	if !strings.Contains(out.String(), "✗ kernel medgo") {
		t.Fatalf("doctor output should mark the kernel ✗:\n%s", out.String())
	}
}

func TestLabCommandDefaults(t *testing.T) {
	root := repoRoot(t)
	installTemp(t)
	requireJupyter(t)
	cmd, url, err := labCommand(root, "127.0.0.1", 8899, "", false, true)
	if err != nil {
		t.Fatal(err)
	}
	args := strings.Join(cmd.Args, " ")
	if !strings.Contains(args, "--ip=127.0.0.1") || !strings.Contains(args, "--port=8899") {
		t.Errorf("args %q should bind 127.0.0.1:8899", args)
	}
	token, ok := strings.CutPrefix(url[strings.Index(url, "?"):], "?token=")
	if !ok || len(token) < 32 {
		t.Errorf("a token must be generated: url %q", url)
	}
	if strings.Contains(args, "token") || strings.Contains(args, token) {
		t.Errorf("the token must not be on the command line (ps shows it): %q", args)
	}
	if !slices.Contains(cmd.Env, "JUPYTER_TOKEN="+token) {
		t.Errorf("the token should reach Jupyter as JUPYTER_TOKEN in its environment")
	}
	if cmd.Dir != filepath.Join(root, "notebooks") {
		t.Errorf("Jupyter should start in notebooks/, got %q", cmd.Dir)
	}
	if _, _, err := labCommand(root, "not-an-ip", 8899, "", false, true); err == nil {
		t.Error("an invalid --ip should be refused")
	}
	cmd, url, _ = labCommand(root, "127.0.0.1", 8899, "", true, true)
	if strings.Contains(url, "token") || !slices.Contains(cmd.Args, "--NotebookApp.token=") && !slices.Contains(cmd.Args, "--ServerApp.token=") {
		t.Errorf("--no-token-i-understand should set an empty token: url %q args %q", url, cmd.Args)
	}
}

func TestBrokenNotebooksFailWithCellNumber(t *testing.T) {
	requireJupyter(t)
	installTemp(t)
	out := t.TempDir()
	results, err := runNotebooks([]string{"testdata/broken-compile.ipynb", "testdata/broken-panic.ipynb"},
		runOptions{OutDir: out, CellTimeout: 300e9, Kernel: KernelName}, &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range []struct {
		cell int
		text string
	}{{3, `cannot use "not a number"`}, {2, "panic: deliberate failure in this cell"}} {
		r := results[i]
		if r.OK() || r.FailedCell != want.cell || !strings.Contains(r.ErrorText, want.text) {
			t.Errorf("%s: status %q, failed cell %d (want %d), error text:\n%s\n(want it to contain %q)",
				r.Notebook, r.Status, r.FailedCell, want.cell, r.ErrorText, want.text)
		}
	}
	var table bytes.Buffer
	printTable(&table, results)
	if !strings.Contains(table.String(), "error in cell 3") || !strings.Contains(table.String(), "error in cell 2") {
		t.Errorf("the table should name the failing cells:\n%s", table.String())
	}
}

// A kernel's start, cell and shutdown leave Jupyter's terminal clean: GoNB's own logging (its
// steps, a goroutine trace at each shutdown) is off unless medgo install --kernel-log asks.
func TestKernelLogsNothingToJupytersTerminal(t *testing.T) {
	requireJupyter(t)
	root := repoRoot(t)
	installTemp(t)
	pj, _ := findJupyter()
	dir := t.TempDir()
	nb := `{"cells": [{"cell_type": "code", "execution_count": null, "metadata": {}, "outputs": [],
  "source": ["%%\n", "fmt.Println(\"hello from a cell\")"]}],
 "metadata": {"kernelspec": {"display_name": "Go (MedGo)", "language": "go", "name": "medgo"}},
 "nbformat": 4, "nbformat_minor": 5}`
	if err := os.WriteFile(filepath.Join(dir, "hello.ipynb"), []byte(nb), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(pj.Jupyter, "nbconvert", "--to", "notebook", "--execute", "--output", "done.ipynb", "hello.ipynb")
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("nbconvert: %v\n%s", err, stderr.String())
	}
	done, _ := os.ReadFile(filepath.Join(dir, "done.ipynb"))
	if !strings.Contains(string(done), "hello from a cell") {
		t.Fatalf("the cell's output is missing:\n%s", done)
	}
	klogLine := regexp.MustCompile(`(?m)^[IWEF]\d{4} \d\d:\d\d:\d\d`)
	if klogLine.MatchString(stderr.String()) || strings.Contains(stderr.String(), "goroutine ") {
		t.Errorf("GoNB logged to Jupyter's terminal:\n%s", tail(stderr.String(), 3000))
	}
	if argv := kernelArgv(filepath.Join(root, "bin"), root, true); slices.Contains(argv, quietKernelFlags[0]) {
		t.Errorf("--kernel-log should keep GoNB's logging: %v", argv)
	}
}
