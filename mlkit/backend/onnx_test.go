// SPDX-License-Identifier: Apache-2.0

//go:build onnx && cgo

package backend

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gomlx/gomlx/core/graph"
)

// These tests need the ONNX Runtime library: MEDGO_ONNXRUNTIME_LIB naming it, or the copy
// medgo install provisions. Without one they skip, except in CI.
func requireORT(t *testing.T) string {
	t.Helper()
	lib, _, ok := ONNXRuntimeLib()
	if !ok {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI with -tags onnx must provision ONNX Runtime (%s)", ONNXRuntimeLibEnv)
		}
		t.Skipf("no ONNX Runtime library: set %s or run medgo install", ONNXRuntimeLibEnv)
	}
	return lib
}

// restart makes the next Get create a backend from the current environment.
func restart(t *testing.T) {
	mu.Lock()
	saved := current
	current = nil
	mu.Unlock()
	t.Cleanup(func() { mu.Lock(); current = saved; mu.Unlock() })
}

func TestONNXChosenWhenProvisioned(t *testing.T) {
	lib := requireORT(t)
	t.Setenv(ONNXRuntimeLibEnv, lib)
	t.Setenv(EnvVar, "")
	t.Setenv("GOMLX_BACKEND", "")
	config, reason := Config()
	if xlaConfig != nil {
		if _, ok := xlaConfig(); ok {
			t.Skip("an XLA plugin is installed and comes first")
		}
	}
	if config != ONNXConfig(lib) || !strings.Contains(reason, "ONNX Runtime") {
		t.Fatalf("Config() = %q (%s), want %q", config, reason, ONNXConfig(lib))
	}
	// The environment still wins.
	t.Setenv(EnvVar, "go")
	if c, _ := Config(); c != "go" {
		t.Fatalf("MEDGO_BACKEND=go gave %q", c)
	}
	// An unprovisioned library falls back to pure Go, saying why.
	t.Setenv(EnvVar, "")
	t.Setenv(ONNXRuntimeLibEnv, filepath.Join(t.TempDir(), "none"))
	if c, r := Config(); c != DefaultConfig || !strings.Contains(r, ONNXRuntimeLibEnv) {
		t.Fatalf("without a library: Config() = %q (%s)", c, r)
	}
}

func TestONNXMissingOpIsAnErrorWithWorkaround(t *testing.T) {
	lib := requireORT(t)
	t.Setenv(ONNXRuntimeLibEnv, lib)
	t.Setenv(EnvVar, "")
	t.Setenv("GOMLX_BACKEND", "")
	restart(t)
	b, err := Get()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.Name(), "onnx") {
		t.Skipf("backend %s chosen, not ONNX Runtime", b.Name())
	}
	exec, err := graph.NewExec(b, func(x *graph.Node) *graph.Node { return graph.IsNaN(x) })
	if err != nil {
		t.Fatal(err)
	}
	_, err = exec.Exec([]float32{1, 2}) // Exec returns graph-building panics as errors
	err = Explain(err)
	if err == nil || !strings.Contains(err.Error(), "IsNaN") || !strings.Contains(err.Error(), EnvVar+"=go") {
		t.Fatalf("want an error naming IsNaN and %s=go, got %v", EnvVar, err)
	}
	t.Log(err)
}
