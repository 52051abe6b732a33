// SPDX-License-Identifier: Apache-2.0

package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/medgo-lab/medgo/mlkit/backend"
)

// check is one line of medgo doctor's checklist.
type check struct {
	Name     string
	OK       bool
	Required bool   // a failed required check makes doctor exit non-zero
	Detail   string // what was found
	Fix      string // what to do when not OK
}

// bundledData lists the files each bundled data set needs, relative to the data directory.
var bundledData = []struct{ name, files string }{
	{"MNIST", "mnist/train-images-idx3-ubyte.gz mnist/train-labels-idx1-ubyte.gz mnist/t10k-images-idx3-ubyte.gz mnist/t10k-labels-idx1-ubyte.gz"},
	{"BreastMNIST", "medmnist/breastmnist.npz"},
	{"RetinaMNIST", "medmnist/retinamnist.npz"},
	{"ECG200", "ucr/ECG200_TRAIN.txt ucr/ECG200_TEST.txt"},
	{"ECG5000", "ucr/ECG5000_TRAIN.txt"},
	{"BBBP", "moleculenet/BBBP.csv"},
	{"ESOL", "moleculenet/delaney-processed.csv"},
	{"Tox21", "moleculenet/tox21.csv"},
	{"ClinTox", "moleculenet/clintox.csv"},
	{"Splice", "uci/splice.data"},
	{"Promoters", "uci/promoters.data"},
	{"WDBC", "uci/wdbc.data"},
}

func cmdDoctor(args []string, stdout, stderr io.Writer) int {
	root, err := findRoot()
	if err != nil {
		fmt.Fprintln(stderr, "medgo doctor:", err)
		return 1
	}
	checks := doctor(root)
	failed := false
	for _, c := range checks {
		mark := "✓"
		if !c.OK {
			mark = "✗"
			if !c.Required {
				mark = "!"
			}
		}
		fmt.Fprintf(stdout, "%s %-22s %s\n", mark, c.Name, c.Detail)
		if !c.OK {
			fmt.Fprintf(stdout, "    fix: %s\n", strings.ReplaceAll(c.Fix, "\n", "\n         "))
			failed = failed || c.Required
		}
	}
	if failed {
		fmt.Fprintln(stdout, "\nSome required checks failed (✗); apply the fixes above, or run: make tutorials")
		return 1
	}
	fmt.Fprintln(stdout, "\nAll required checks passed.")
	return 0
}

func doctor(root string) []check {
	var checks []check
	add := func(c check) { checks = append(checks, c) }

	// Go.
	goBin, err := exec.LookPath("go")
	if err != nil {
		add(check{Name: "Go", Required: true, Detail: "go not on PATH", Fix: "install Go from https://go.dev/dl/ and put its bin directory on PATH"})
	} else if err := checkGoVersion(root, goBin); err != nil {
		add(check{Name: "Go", Required: true, Detail: err.Error(), Fix: "install the Go version go.mod names (or newer)"})
	} else {
		v, _ := goVersion(goBin)
		add(check{Name: "Go", OK: true, Required: true, Detail: fmt.Sprintf("go%s at %s", v, goBin)})
	}

	// Jupyter.
	pj, err := findJupyter()
	if err != nil {
		add(check{Name: "Jupyter", Required: true, Detail: "not found", Fix: strings.TrimPrefix(errNoJupyter.Error(), "no Python with Jupyter (nbclient, nbconvert, jupyter_client) found; on Debian/Ubuntu run:\n  ")})
	} else {
		add(check{Name: "Jupyter", OK: true, Required: true, Detail: fmt.Sprintf("%s (python %s)", pj.Jupyter, pj.Python)})
	}

	// Kernel tools.
	var missing []string
	for _, tool := range []string{"gonb", "goimports", "gopls"} {
		if st, err := os.Stat(filepath.Join(root, "bin", tool)); err != nil || st.Mode()&0o111 == 0 {
			missing = append(missing, tool)
		}
	}
	if len(missing) > 0 {
		add(check{Name: "kernel tools", Required: true, Detail: "missing in bin/: " + strings.Join(missing, ", "), Fix: "medgo install"})
	} else {
		add(check{Name: "kernel tools", OK: true, Required: true, Detail: "gonb, goimports, gopls in " + filepath.Join(root, "bin")})
	}

	// Kernelspec.
	add(kernelCheck(root))

	// The module cache holds everything a cell's offline workspace needs.
	if goBin != "" {
		add(cellWorkspaceDoctorCheck(root, goBin))
	}

	// Engine: what the installed kernel builds cells with and runs them on.
	add(engineCheck())
	add(onnxRuntimeCheck())

	// Data.
	dir, source := dataDir(root)
	if dir == "" {
		add(check{Name: "data directory", Detail: "none: data sets are downloaded into the cache on first use",
			Fix: "set MEDGO_DATA to a directory laid out like shared/data to work offline"})
	} else {
		var present, absent []string
		for _, ds := range bundledData {
			ok := true
			for _, f := range strings.Fields(ds.files) {
				if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
					ok = false
				}
			}
			if ok {
				present = append(present, ds.name)
			} else {
				absent = append(absent, ds.name)
			}
		}
		detail := fmt.Sprintf("%s (%s): %s", dir, source, strings.Join(present, ", "))
		if len(present) == 0 {
			detail = fmt.Sprintf("%s (%s): no bundled data sets", dir, source)
		}
		c := check{Name: "data directory", OK: len(absent) == 0, Detail: detail}
		if len(absent) > 0 {
			c.Fix = "missing " + strings.Join(absent, ", ") + ": they will be downloaded into the cache on first use, or copy them into " + dir
		}
		add(c)
	}
	return checks
}

// cellWorkspaceDoctorCheck runs install's offline-workspace check on the installed kernel's
// environment (or, with no kernel installed, the one install would write).
func cellWorkspaceDoctorCheck(root, goBin string) check {
	c := check{Name: "cell workspace", Required: true}
	env := kernelEnv(root, goBin)
	if spec, _, err := installedKernelSpec(); err == nil && spec.Env != nil {
		env = spec.Env
	}
	if err := cellWorkspaceCheck(root, goBin, env); err != nil {
		c.Detail, _, _ = strings.Cut(err.Error(), "\n")
		c.Fix = "cd " + root + " && go mod download && bin/medgo install"
		return c
	}
	c.OK = true
	c.Detail = "every mlkit package resolves in a GoNB-like workspace with GOPROXY=off"
	return c
}

// engineCheck says which backend notebook cells run on, from the installed kernel's settings.
func engineCheck() check {
	// Not required: the pure-Go backend works everywhere, only slower, so it shows ✗ with the
	// fix without failing doctor.
	c := check{Name: "engine"}
	spec, _, err := installedKernelSpec()
	if err != nil {
		c.Detail, c.Fix = "no kernel installed", "bin/medgo install"
		return c
	}
	name := engineName(spec.Env)
	c.OK = true
	switch {
	case os.Getenv(backend.EnvVar) != "":
		c.Detail = fmt.Sprintf("%s in the kernel, overridden by %s=%s in this environment", name, backend.EnvVar, os.Getenv(backend.EnvVar))
	case strings.HasPrefix(name, "ONNX"):
		c.Detail = fmt.Sprintf("%s (cells built with CGO_ENABLED=1 GOFLAGS=%q); %s=go switches a session to pure Go", name, spec.Env["GOFLAGS"], backend.EnvVar)
	default:
		_, why := onnxRuntimeUsable()
		if why == "" {
			why = "ONNX Runtime is provisioned but the kernel was installed without it"
		}
		c.Detail = "pure-Go backend (" + spec.Env["GOMLX_BACKEND"] + "): " + why
		c.Fix = "bin/medgo install   (provides ONNX Runtime, 4–15× faster training; needs npm and a C compiler)"
		c.OK = false
	}
	return c
}

// onnxRuntimeCheck reports the optional ONNX Runtime library (for builds tagged onnx).
func onnxRuntimeCheck() check {
	c := check{Name: "ONNX Runtime", Fix: "bin/medgo install --onnx   (or set " + backend.ONNXRuntimeLibEnv + " to libonnxruntime " + backend.ONNXRuntimeVersion + ")"}
	lib, source, ok := backend.ONNXRuntimeLib()
	if !ok {
		c.Detail = "not provided (optional: the pure-Go backend needs nothing)"
		return c
	}
	asset, known := ortAssets[runtime.GOOS+"/"+runtime.GOARCH]
	if !known {
		c.Detail = "no pinned library for " + runtime.GOOS + "/" + runtime.GOARCH
		return c
	}
	if err := verifyORTFile(lib, asset); err != nil {
		c.Detail = fmt.Sprintf("%s (%s): %v", lib, source, err)
		return c
	}
	c.OK = true
	c.Detail = fmt.Sprintf("%s %s (%s), checksum verified", backend.ONNXRuntimeVersion, lib, source)
	return c
}

func kernelCheck(root string) check {
	c := check{Name: "kernel " + KernelName, Required: true}
	spec, path, err := installedKernelSpec()
	if errors.Is(err, fs.ErrNotExist) {
		c.Detail = "not installed in " + kernelDir()
		c.Fix = "medgo install   (or: make tutorials)"
		return c
	}
	if err != nil {
		c.Detail = err.Error()
		c.Fix = "medgo install   (rewrites it)"
		return c
	}
	want := "--go_work=" + root
	bin := filepath.Join(root, "bin")
	pointsHere := len(spec.Argv) > 2 && spec.Argv[0] == filepath.Join(bin, "medgo") &&
		spec.Argv[1] == kernelCommand && spec.Argv[2] == filepath.Join(bin, "gonb")
	hasWork := false
	for _, a := range spec.Argv {
		hasWork = hasWork || a == want
	}
	if !pointsHere || !hasWork {
		c.Detail = fmt.Sprintf("%s points at another checkout (%s)", path, strings.Join(spec.Argv, " "))
		c.Fix = "medgo install   (run it in this checkout: " + root + ")"
		return c
	}
	for _, exe := range []string{spec.Argv[0], spec.Argv[2]} {
		if _, err := os.Stat(exe); err != nil {
			c.Detail = exe + " is missing"
			c.Fix = "medgo install"
			return c
		}
	}
	c.OK = true
	c.Detail = fmt.Sprintf("%q in %s → %s", DisplayName, kernelDir(), root)
	return c
}
