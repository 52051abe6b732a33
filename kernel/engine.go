// SPDX-License-Identifier: Apache-2.0

package main

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"sort"
	"strings"

	"github.com/medgo-lab/medgo/mlkit/backend"
)

// The engine notebook cells run on is decided once, at install time, and written into the
// kernelspec's environment: ONNX Runtime when its library is provisioned (and verified) and
// cgo can build, else the pure-Go backend. medgo env prints the same settings for the
// Makefile's tests and the bench, so that all of them build and run the way cells do.

// onnxGoFlags are the go build flags of cells (and tests, and the bench) on ONNX Runtime: the
// onnx tag, and Go's own linker. A cgo package otherwise makes every link go through the C
// linker, and an edited cell took 3.0–3.2 s to build instead of 1.7 s (go build of a cell
// importing mlkit, warm cache, 2 cores).
const onnxGoFlags = "-tags=onnx -ldflags=-linkmode=internal"

// engineEnvKeys are the kernel settings that decide how mlkit code is built and which
// backend it runs on; medgo env prints them and RESULTS.md records them.
var engineEnvKeys = []string{"CGO_ENABLED", "GOFLAGS", backend.ONNXRuntimeLibEnv, "GOMLX_BACKEND", "MEDGO_BACKEND", "GOMLX_NO_AUTO_INSTALL", "GOEXPERIMENT", "GODEBUG"}

// onnxRuntimeUsable returns the verified ONNX Runtime library cells can load, or why there is
// none and how to fix it.
func onnxRuntimeUsable() (lib string, why string) {
	asset, known := ortAssets[runtime.GOOS+"/"+runtime.GOARCH]
	if !known {
		return "", "no ONNX Runtime library is pinned for " + runtime.GOOS + "/" + runtime.GOARCH
	}
	lib, source, ok := backend.ONNXRuntimeLib()
	if !ok {
		return "", "no ONNX Runtime library provisioned: run bin/medgo install (it needs npm), or set " + backend.ONNXRuntimeLibEnv
	}
	if err := verifyORTFile(lib, asset); err != nil {
		return "", fmt.Sprintf("ONNX Runtime library %s (%s): %v; run bin/medgo install to replace it", lib, source, err)
	}
	if cCompiler() == "" {
		return "", noCCompiler
	}
	return lib, ""
}

// noCCompiler says why ONNX Runtime cannot be used without a C compiler, and the fix.
const noCCompiler = "no C compiler for cgo, which ONNX Runtime's backend needs (Debian/Ubuntu: apt-get install -y gcc libc6-dev)"

// cCompiler is the C compiler cgo would use ("go env CC", else cc), or "" when there is none.
func cCompiler() string {
	cc := "cc"
	if out, err := exec.Command("go", "env", "CC").Output(); err == nil && strings.TrimSpace(string(out)) != "" {
		cc = strings.Fields(string(out))[0]
	}
	p, err := exec.LookPath(cc)
	if err != nil {
		return ""
	}
	return p
}

// useONNXRuntime turns env (kernelEnv's) into the ONNX Runtime engine's: cgo on, the onnx
// build flags, the library, and no GOMLX_BACKEND (which would win over it; MEDGO_BACKEND in
// the user's environment still does).
func useONNXRuntime(env map[string]string, lib string) {
	env["CGO_ENABLED"] = "1"
	env["GOFLAGS"] = onnxGoFlags
	env[backend.ONNXRuntimeLibEnv] = lib
	delete(env, "GOMLX_BACKEND")
}

// engineName says which engine a kernel environment gives cells.
func engineName(env map[string]string) string {
	if strings.Contains(env["GOFLAGS"], "-tags=onnx") && env[backend.ONNXRuntimeLibEnv] != "" {
		return "ONNX Runtime " + backend.ONNXRuntimeVersion
	}
	return "pure Go"
}

// buildEnv is os.Environ with env's build settings (engineEnvKeys), for the pre-build and for
// medgo env: packages built this way are the ones cells link.
func buildEnv(env map[string]string) []string {
	over := map[string]string{}
	for _, k := range engineEnvKeys {
		if v, ok := env[k]; ok {
			over[k] = v
		}
	}
	return mergeEnv(os.Environ(), over)
}

// cmdEnv prints the installed kernel's engine settings as shell assignments, for
// eval "$(bin/medgo env)" in the Makefile and scripts.
func cmdEnv(args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 {
		fmt.Fprintln(stderr, "usage: medgo env   (prints the kernel's build and backend settings as shell exports)")
		return 2
	}
	spec, path, err := installedKernelSpec()
	if err != nil {
		fmt.Fprintf(stderr, "medgo env: no installed kernel (%v); run bin/medgo install\n", err)
		return 1
	}
	keys := make([]string, 0, len(engineEnvKeys))
	for _, k := range engineEnvKeys {
		if _, ok := spec.Env[k]; ok {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	fmt.Fprintf(stdout, "# engine: %s (from %s)\n", engineName(spec.Env), path)
	for _, k := range keys {
		fmt.Fprintf(stdout, "export %s=%s\n", k, shellQuote(spec.Env[k]))
	}
	// Settings the kernel leaves unset must not leak in from the caller's environment either.
	for _, k := range []string{"GOMLX_BACKEND", "CGO_ENABLED", "GOFLAGS", backend.ONNXRuntimeLibEnv} {
		if _, ok := spec.Env[k]; !ok {
			fmt.Fprintf(stdout, "unset %s\n", k)
		}
	}
	return 0
}

func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }
