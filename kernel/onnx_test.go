// SPDX-License-Identifier: Apache-2.0

package main

import (
	"crypto/sha256"
	"encoding/hex"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/medgo-lab/medgo/mlkit/backend"
)

// withFakeAsset replaces this platform's pin with one for content, so the checks can be
// exercised without the 46 MB library.
func withFakeAsset(t *testing.T, content []byte) ortAsset {
	t.Helper()
	key := runtime.GOOS + "/" + runtime.GOARCH
	saved, had := ortAssets[key]
	sum := sha256.Sum256(content)
	member := "package/bin/libonnxruntime.so.1"
	if had {
		member = saved.member
	}
	a := ortAsset{member: member, size: int64(len(content)), sha256: hex.EncodeToString(sum[:])}
	ortAssets[key] = a
	t.Cleanup(func() {
		if had {
			ortAssets[key] = saved
		} else {
			delete(ortAssets, key)
		}
	})
	return a
}

func TestProvisionUsesEnvNamedLibrary(t *testing.T) {
	content := []byte("not really ONNX Runtime, but matching the pin")
	withFakeAsset(t, content)
	lib := filepath.Join(t.TempDir(), "libonnxruntime.so.1")
	if err := os.WriteFile(lib, content, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv(backend.ONNXRuntimeLibEnv, lib)
	npmCommand = "medgo-no-such-npm" // must not be needed
	defer func() { npmCommand = "npm" }()
	got, err := provisionONNXRuntime(t.TempDir(), io.Discard)
	if err != nil || got != lib {
		t.Fatalf("provisionONNXRuntime = %q, %v; want %q", got, err, lib)
	}
}

func TestProvisionRefusesChecksumMismatch(t *testing.T) {
	a := withFakeAsset(t, []byte("the expected library bytes"))
	wrong := []byte("the expected library byteZ") // same size, different hash
	lib := filepath.Join(t.TempDir(), "libonnxruntime.so.1")
	if err := os.WriteFile(lib, wrong, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv(backend.ONNXRuntimeLibEnv, lib)
	_, err := provisionONNXRuntime(t.TempDir(), io.Discard)
	sum := sha256.Sum256(wrong)
	if err == nil || !strings.Contains(err.Error(), a.sha256) || !strings.Contains(err.Error(), hex.EncodeToString(sum[:])) {
		t.Fatalf("want an error giving the expected and found SHA-256, got %v", err)
	}

	// Extraction refuses a mismatching member too, and leaves nothing under the final name.
	target := filepath.Join(t.TempDir(), "libonnxruntime.so.1")
	if err := writeVerified(strings.NewReader(string(wrong)), a, target); err == nil || !strings.Contains(err.Error(), "expected") {
		t.Fatalf("writeVerified accepted a mismatching library: %v", err)
	}
	if entries, _ := os.ReadDir(filepath.Dir(target)); len(entries) != 0 {
		t.Fatalf("a refused library left files behind: %v", entries)
	}
}

func TestProvisionWithoutNpmSaysHow(t *testing.T) {
	withFakeAsset(t, []byte("x"))
	t.Setenv(backend.ONNXRuntimeLibEnv, "")
	npmCommand = "medgo-no-such-npm"
	defer func() { npmCommand = "npm" }()
	_, err := provisionONNXRuntime(t.TempDir(), io.Discard)
	if err == nil || !strings.Contains(err.Error(), "apt-get install -y npm") || !strings.Contains(err.Error(), backend.ONNXRuntimeLibEnv) {
		t.Fatalf("want an error naming the apt command and %s, got %v", backend.ONNXRuntimeLibEnv, err)
	}
}

// TestProvisionDownloadsWithNpm fetches the real package (about 114 MB): it proves the pinned
// member path, size and hash still match what the registry serves, and that a corrupt cached
// copy is replaced.
func TestProvisionDownloadsWithNpm(t *testing.T) {
	if testing.Short() {
		t.Skip("downloads 114 MB")
	}
	if _, ok := ortAssets[runtime.GOOS+"/"+runtime.GOARCH]; !ok {
		t.Skip("no ONNX Runtime library pinned for this platform")
	}
	if _, err := exec.LookPath("npm"); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI must have npm: %v", err)
		}
		t.Skip("npm not installed")
	}
	t.Setenv(backend.ONNXRuntimeLibEnv, "")
	cache := t.TempDir()
	asset := ortAssets[runtime.GOOS+"/"+runtime.GOARCH]
	stale := filepath.Join(cache, filepath.Base(asset.member))
	if err := os.WriteFile(stale, []byte("truncated"), 0o755); err != nil {
		t.Fatal(err)
	}
	var log strings.Builder
	lib, err := provisionONNXRuntime(cache, &log)
	t.Log(log.String())
	if err != nil {
		t.Fatal(err)
	}
	if lib != stale {
		t.Errorf("library at %s, want %s", lib, stale)
	}
	if err := verifyORTFile(lib, asset); err != nil {
		t.Fatal(err)
	}
	if filepath.Base(lib) != backend.ONNXRuntimeLibName() {
		t.Errorf("provisioned %s, but mlkit/backend looks for %s", filepath.Base(lib), backend.ONNXRuntimeLibName())
	}
	// A second call finds the verified copy and does not download again.
	npmCommand = "medgo-no-such-npm"
	defer func() { npmCommand = "npm" }()
	if again, err := provisionONNXRuntime(cache, io.Discard); err != nil || again != lib {
		t.Fatalf("second provisioning = %q, %v", again, err)
	}
}
