// SPDX-License-Identifier: Apache-2.0

package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/medgo-lab/medgo/mlkit/backend"
)

// Pinned versions of the tools GoNB runs. gonb itself is pinned by go.mod (a tool line) and
// built from there: the module proxy refuses the version list that "go install gonb@v" needs.
const (
	goimportsModule = "golang.org/x/tools/cmd/goimports@v0.52.0"
	goplsModule     = "golang.org/x/tools/gopls@v0.23.0"
	gonbPackage     = "github.com/janpfeifer/gonb"
)

// kernelSpec is Jupyter's kernel.json.
type kernelSpec struct {
	Argv        []string `json:"argv"`
	DisplayName string   `json:"display_name"`
	Language    string   `json:"language"`
	// InterruptMode "signal": Jupyter sends SIGINT to medgo kernel, which interrupts both a
	// running cell and one still compiling (launcher.go).
	InterruptMode string            `json:"interrupt_mode"`
	Env           map[string]string `json:"env"`
	Metadata      map[string]any    `json:"metadata,omitempty"`
}

func cmdInstall(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("install", flag.ContinueOnError)
	fs.SetOutput(stderr)
	skipPrebuild := fs.Bool("skip-prebuild", false, "do not pre-build mlkit (the first cell will compile it)")
	kernelLog := fs.Bool("kernel-log", false, "let GoNB log to Jupyter's terminal (for debugging the kernel itself)")
	onnx := fs.Bool("onnx", true, "provide ONNX Runtime "+backend.ONNXRuntimeVersion+" (about 114 MB through npm) and run cells on it; "+
		"without the flag a failure only falls back to the pure-Go backend, --onnx=false always uses pure Go")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	requireONNX := false
	fs.Visit(func(f *flag.Flag) { requireONNX = requireONNX || (f.Name == "onnx" && *onnx) })
	root, err := findRoot()
	if err != nil {
		fmt.Fprintln(stderr, "medgo install:", err)
		return 1
	}
	if err := install(root, installOptions{Prebuild: !*skipPrebuild, KernelLog: *kernelLog, ONNX: *onnx, RequireONNX: requireONNX}, stdout); err != nil {
		fmt.Fprintln(stderr, "medgo install:", err)
		return 1
	}
	return 0
}

// installOptions are medgo install's choices; the zero value is a plain install without the
// pre-build.
type installOptions struct {
	Prebuild  bool // pre-build mlkit so that the first cell only links
	KernelLog bool // keep GoNB's own logging on Jupyter's terminal
	ONNX      bool // provide the ONNX Runtime library (kernel/onnx.go) and run cells on it
	// RequireONNX makes a failure to provide ONNX Runtime an error instead of a fall-back to
	// the pure-Go backend (medgo install --onnx, as make test does).
	RequireONNX bool
}

// quietKernelFlags turn GoNB's logging off. By default it writes every step (and a goroutine
// trace at each shutdown) to the terminal Jupyter runs in; what a user needs reaches the
// notebook itself.
var quietKernelFlags = []string{"-logtostderr=false", "-log_file=/dev/null", "-stderrthreshold=FATAL"}

func install(root string, opts installOptions, out io.Writer) error {
	goBin, err := exec.LookPath("go")
	if err != nil {
		return fmt.Errorf("the go command is not on PATH; install Go (see go.mod for the version) and retry")
	}
	if err := checkGoVersion(root, goBin); err != nil {
		return err
	}
	bin := filepath.Join(root, "bin")
	if err := os.MkdirAll(bin, 0o755); err != nil {
		return err
	}
	step := func(what string, f func() error) error {
		start := time.Now()
		fmt.Fprintf(out, "• %s … ", what)
		if err := f(); err != nil {
			fmt.Fprintln(out, "failed")
			return fmt.Errorf("%s: %w", what, err)
		}
		fmt.Fprintf(out, "done (%.1fs)\n", time.Since(start).Seconds())
		return nil
	}
	env := kernelEnv(root, goBin)
	if err := step("downloading the Go modules go.mod requires, and the module graph's go.mod files (go mod download; go list -m all)", func() error {
		return downloadModules(root, goBin)
	}); err != nil {
		return err
	}
	// The kernelspec runs GoNB under this command (medgo kernel): build it from this checkout,
	// so that the kernel never depends on whichever medgo binary ran the install.
	if err := step("building medgo (the kernel's supervisor)", func() error {
		return runIn(root, nil, goBin, "build", "-o", filepath.Join(bin, "medgo"), "./kernel")
	}); err != nil {
		return err
	}
	if err := step("building gonb (pinned in go.mod)", func() error {
		return runIn(root, nil, goBin, "build", "-o", filepath.Join(bin, "gonb"), gonbPackage)
	}); err != nil {
		return err
	}
	for _, tool := range []struct{ name, module string }{{"goimports", goimportsModule}, {"gopls", goplsModule}} {
		if upToDate(filepath.Join(bin, tool.name), tool.module) {
			fmt.Fprintf(out, "• %s is up to date (%s)\n", tool.name, tool.module)
			continue
		}
		if err := step("building "+tool.module, func() error {
			e := append(os.Environ(), "GOBIN="+bin)
			if err := runIn(root, e, goBin, "install", tool.module); err != nil {
				return err
			}
			return os.WriteFile(filepath.Join(bin, "."+tool.name+".version"), []byte(tool.module+"\n"), 0o644)
		}); err != nil {
			return err
		}
	}
	if opts.ONNX {
		var lib string
		err := step("providing ONNX Runtime "+backend.ONNXRuntimeVersion+" (checksum-verified)", func() error {
			cache, err := ortCacheDir()
			if err != nil {
				return err
			}
			lib, err = provisionONNXRuntime(cache, io.Discard)
			return err
		})
		// The library is verified by now; cgo still needs a C compiler to load it.
		if err == nil && cCompiler() == "" {
			err = errors.New("ONNX Runtime cannot be used: " + noCCompiler)
		}
		switch {
		case err == nil:
			useONNXRuntime(env, lib)
		case opts.RequireONNX:
			return err
		default:
			fmt.Fprintf(out, "  note: %v\n  Cells will run on the pure-Go backend (4–15× slower to train); fix the above and run bin/medgo install again.\n", err)
		}
	}
	fmt.Fprintf(out, "• notebook cells will run on %s\n", engineName(env))
	if opts.Prebuild {
		// With the kernel's build settings (cgo and tags included), or the first cell would
		// compile mlkit again.
		if err := step("pre-building mlkit for notebook cells", func() error {
			return runIn(root, buildEnv(env), goBin, "build", "./mlkit/...", gonbPackage+"/gonbui")
		}); err != nil {
			return err
		}
	}
	// Last before registering: a kernel whose cells cannot build must not be offered.
	if err := step("checking that notebook cells build offline (GOPROXY=off workspace)", func() error {
		return cellWorkspaceCheck(root, goBin, env)
	}); err != nil {
		return err
	}
	spec := kernelSpec{
		Argv:          kernelArgv(bin, root, opts.KernelLog),
		DisplayName:   DisplayName,
		Language:      "go",
		InterruptMode: "signal",
		Env:           env,
		Metadata:      map[string]any{"medgo_root": root},
	}
	if err := step("registering kernelspec "+KernelName+" in "+kernelDir(), func() error {
		return writeKernelSpec(kernelDir(), spec)
	}); err != nil {
		return err
	}
	fmt.Fprintf(out, "Kernel %q (%s) is installed for %s; cells run on %s\n", KernelName, DisplayName, root, engineName(env))
	return nil
}

// kernelArgv is the kernelspec's command line: this checkout's gonb with its workspace, under
// medgo kernel.
func kernelArgv(bin, root string, kernelLog bool) []string {
	argv := []string{filepath.Join(bin, "medgo"), kernelCommand, filepath.Join(bin, "gonb")}
	if !kernelLog {
		argv = append(argv, quietKernelFlags...)
	}
	return append(argv, "--kernel", "{connection_file}", "--go_work="+root)
}

// installedKernelSpec reads the kernelspec that medgo install wrote, and says where it is. The
// error wraps fs.ErrNotExist when no kernel is installed.
func installedKernelSpec() (spec kernelSpec, path string, err error) {
	path = filepath.Join(kernelDir(), "kernel.json")
	raw, err := os.ReadFile(path)
	if err != nil {
		return spec, path, err
	}
	if err := json.Unmarshal(raw, &spec); err != nil {
		return spec, path, fmt.Errorf("%s is not valid JSON: %v", path, err)
	}
	return spec, path, nil
}

// kernelEnv is the environment of every notebook cell's build and run.
func kernelEnv(root, goBin string) map[string]string {
	goDir := filepath.Dir(resolve(goBin))
	path := []string{filepath.Join(root, "bin"), goDir}
	for _, d := range []string{"/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"} {
		if d != goDir {
			path = append(path, d)
		}
	}
	env := map[string]string{
		"PATH":       strings.Join(path, string(os.PathListSeparator)),
		"MEDGO_ROOT": root,
		// Every module a cell needs is pinned by the checkout's go.mod through the workspace
		// (-go_work): module look-ups ("latest") must never reach the network from a cell.
		"GOPROXY":     "off",
		"GOTOOLCHAIN": "local",
		// mlkit's default: the pure-Go backend, and no XLA download from a cell.
		"GOMLX_BACKEND":         backend.DefaultConfig,
		"GOMLX_NO_AUTO_INSTALL": "1",
	}
	if supportsSIMD(goBin) {
		env["GOEXPERIMENT"] = "simd" // the pure-Go backend's fast matmul
		if runtime.GOARCH == "amd64" {
			env["GODEBUG"] = slowExpWorkaround
		}
	}
	return env
}

// slowExpWorkaround keeps math.Exp fast in cell programs. After the SIMD matrix products,
// math.Exp's FMA code path turns slow; the backend computes exp, sigmoid and tanh with it, so
// LSTM and GRU training steps ran 1.5–2.2× slower (bench --sections rnn, with and without
// this setting). Turning FMA off for the Go runtime's own choices left the seed CNN's fastest
// training step as it was.
const slowExpWorkaround = "cpu.fma=off"

func supportsSIMD(goBin string) bool {
	cmd := exec.Command(goBin, "env", "GOEXPERIMENT")
	cmd.Env = append(os.Environ(), "GOEXPERIMENT=simd")
	return cmd.Run() == nil
}

func resolve(p string) string {
	if r, err := filepath.EvalSymlinks(p); err == nil {
		return r
	}
	return p
}

func upToDate(binary, module string) bool {
	if _, err := os.Stat(binary); err != nil {
		return false
	}
	v, err := os.ReadFile(filepath.Join(filepath.Dir(binary), "."+filepath.Base(binary)+".version"))
	return err == nil && strings.TrimSpace(string(v)) == module
}

func writeKernelSpec(dir string, spec kernelSpec) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	data, err := json.MarshalIndent(spec, "", "  ")
	if err != nil {
		return err
	}
	return writeFileAtomic(filepath.Join(dir, "kernel.json"), append(data, '\n'))
}

// writeFileAtomic writes through a temporary file and a rename, so readers never see half a file.
func writeFileAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

func checkGoVersion(root, goBin string) error {
	want, err := goModLine(filepath.Join(root, "go.mod"), "go")
	if err != nil {
		return err
	}
	have, err := goVersion(goBin)
	if err != nil {
		return err
	}
	if compareVersions(have, want) < 0 {
		return fmt.Errorf("go.mod needs Go %s but %s is Go %s; install Go %s or newer from https://go.dev/dl/", want, goBin, have, want)
	}
	return nil
}

func goVersion(goBin string) (string, error) {
	out, err := exec.Command(goBin, "env", "GOVERSION").Output()
	if err != nil {
		return "", fmt.Errorf("running %s env GOVERSION: %w", goBin, err)
	}
	return strings.TrimPrefix(strings.TrimSpace(string(out)), "go"), nil
}

// compareVersions compares dotted Go versions numerically ("1.26.8" vs "1.26").
func compareVersions(a, b string) int {
	pa, pb := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < max(len(pa), len(pb)); i++ {
		var x, y int
		if i < len(pa) {
			fmt.Sscanf(pa[i], "%d", &x)
		}
		if i < len(pb) {
			fmt.Sscanf(pb[i], "%d", &y)
		}
		if x != y {
			if x < y {
				return -1
			}
			return 1
		}
	}
	return 0
}

// runIn runs a command in dir, returning its combined output in the error when it fails.
func runIn(dir string, env []string, name string, args ...string) error {
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	if env != nil {
		cmd.Env = env
	}
	var buf bytes.Buffer
	cmd.Stdout, cmd.Stderr = &buf, &buf
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("%s %s: %w\n%s", name, strings.Join(args, " "), err, strings.TrimSpace(buf.String()))
	}
	return nil
}
