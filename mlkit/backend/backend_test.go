// SPDX-License-Identifier: Apache-2.0

package backend

import (
	"path/filepath"
	"strings"
	"testing"
)

func TestConfigOrder(t *testing.T) {
	for _, tc := range []struct {
		medgo, gomlx, want, reason string
	}{
		{"", "", DefaultConfig, "pure-Go"},
		{"", "go", "go", "GOMLX_BACKEND=go"},
		{"go:parallelism=1", "xla:cpu", "go:parallelism=1", "MEDGO_BACKEND"},
	} {
		t.Setenv(ONNXRuntimeLibEnv, filepath.Join(t.TempDir(), "none"))
		t.Setenv(EnvVar, tc.medgo)
		t.Setenv("GOMLX_BACKEND", tc.gomlx)
		got, reason := Config()
		if got != tc.want || !strings.Contains(reason, tc.reason) {
			t.Errorf("MEDGO_BACKEND=%q GOMLX_BACKEND=%q: Config() = %q (%s), want %q (%s)", tc.medgo, tc.gomlx, got, reason, tc.want, tc.reason)
		}
	}
}

func TestUnknownBackendIsAnError(t *testing.T) {
	t.Setenv(EnvVar, "tpu-of-dreams")
	mu.Lock()
	saved := current
	current = nil
	mu.Unlock()
	defer func() { mu.Lock(); current = saved; mu.Unlock() }()
	_, err := Get()
	if err == nil || !strings.Contains(err.Error(), "not available") || !strings.Contains(err.Error(), EnvVar) {
		t.Fatalf("want an error naming the backend and how to change it, got %v", err)
	}
}

func TestDefaultBackendStarts(t *testing.T) {
	t.Setenv(EnvVar, "")
	t.Setenv("GOMLX_BACKEND", "")
	// A provisioned ONNX Runtime library would be chosen in builds tagged onnx; name none.
	t.Setenv(ONNXRuntimeLibEnv, filepath.Join(t.TempDir(), "none"))
	mu.Lock()
	current = nil
	mu.Unlock()
	b, err := Get()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(strings.ToLower(b.Name()), "go") {
		t.Fatalf("default backend %q is not the pure-Go one", b.Name())
	}
}
