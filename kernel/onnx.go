// SPDX-License-Identifier: Apache-2.0

package main

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
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

// ONNX Runtime's shared library for mlkit's optional "onnx" backend comes from the npm package
// onnxruntime-node, which ships prebuilt CPU libraries for the common platforms in one tarball.
// npm verifies the tarball against the registry's sha512 integrity; on top of that the library
// itself is checked against the size and, where known, the SHA-256 pinned here, so a changed
// upstream file is refused rather than loaded into the kernel.

// ortPackage is the npm package (and exact version) the library is taken from.
const ortPackage = "onnxruntime-node@" + backend.ONNXRuntimeVersion

// ortAsset is one platform's library inside the npm tarball.
type ortAsset struct {
	member string // path inside the .tgz
	size   int64
	sha256 string // hex; "" where no independently known hash is pinned (size is still checked)
}

// ortAssets are onnxruntime-node 1.30.0's libraries by GOOS/GOARCH. The linux/amd64 hash was
// checked against an independent download; the other sizes were read from the same tarball's
// listing, so for those platforms only the size (and npm's tarball integrity) is verified.
var ortAssets = map[string]ortAsset{
	"linux/amd64":  {"package/bin/napi-v6/linux/x64/libonnxruntime.so.1", 45828512, backend.ONNXRuntimeLinuxAMD64SHA256},
	"linux/arm64":  {"package/bin/napi-v6/linux/arm64/libonnxruntime.so.1", 25135496, ""},
	"darwin/arm64": {"package/bin/napi-v6/darwin/arm64/libonnxruntime.1.dylib", 44589928, ""},
}

// npmCommand is the npm executable; a variable so tests can stand in for a machine without npm.
var npmCommand = "npm"

// npmTimeout bounds npm pack: the tarball is about 114 MB.
const npmTimeout = 15 * time.Minute

// ortCacheDir is the default directory provisionONNXRuntime keeps the library in.
func ortCacheDir() (string, error) { return backend.ONNXRuntimeCacheDir() }

// provisionONNXRuntime returns the path of a verified ONNX Runtime shared library:
//
//  1. the file MEDGO_ONNXRUNTIME_LIB names, which must match the pin (it is never replaced);
//  2. else the copy in cacheDir, when present and matching;
//  3. else one extracted from `npm pack onnxruntime-node@<version>` into cacheDir, verified
//     before it is moved into place, so a partial or wrong file never carries the final name.
func provisionONNXRuntime(cacheDir string, out io.Writer) (libPath string, err error) {
	key := runtime.GOOS + "/" + runtime.GOARCH
	asset, ok := ortAssets[key]
	if !ok {
		return "", fmt.Errorf("no ONNX Runtime library is provisioned for %s (onnxruntime-node ships linux/amd64, linux/arm64 and darwin/arm64 ones MedGo uses); the pure-Go backend needs none", key)
	}
	if p := strings.TrimSpace(os.Getenv(backend.ONNXRuntimeLibEnv)); p != "" {
		if err := verifyORTFile(p, asset); err != nil {
			return "", fmt.Errorf("%s=%s: %w", backend.ONNXRuntimeLibEnv, p, err)
		}
		fmt.Fprintf(out, "using ONNX Runtime library %s (%s)\n", p, backend.ONNXRuntimeLibEnv)
		return p, nil
	}
	target := filepath.Join(cacheDir, filepath.Base(asset.member))
	if _, err := os.Stat(target); err == nil {
		if err := verifyORTFile(target, asset); err == nil {
			fmt.Fprintf(out, "ONNX Runtime library %s is up to date\n", target)
			return target, nil
		} else {
			fmt.Fprintf(out, "replacing %s: %v\n", target, err)
		}
	}
	npm, err := exec.LookPath(npmCommand)
	if err != nil {
		return "", fmt.Errorf("npm is needed to fetch ONNX Runtime (%s) and is not on PATH; install it (Debian/Ubuntu: apt-get install -y npm) or set %s to a libonnxruntime of version %s",
			ortPackage, backend.ONNXRuntimeLibEnv, backend.ONNXRuntimeVersion)
	}
	if err := os.MkdirAll(cacheDir, 0o755); err != nil {
		return "", err
	}
	tmp, err := os.MkdirTemp("", "medgo-npm-pack-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(tmp)
	fmt.Fprintf(out, "fetching %s with npm (about 114 MB) … ", ortPackage)
	ctx, cancel := context.WithTimeout(context.Background(), npmTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, npm, "pack", "--silent", ortPackage)
	cmd.Dir = tmp
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		fmt.Fprintln(out, "failed")
		return "", fmt.Errorf("npm pack %s: %v: %s", ortPackage, err, strings.TrimSpace(stderr.String()))
	}
	fmt.Fprintln(out, "done")
	lines := strings.Fields(stdout.String())
	if len(lines) == 0 {
		return "", fmt.Errorf("npm pack %s printed no tarball name", ortPackage)
	}
	tgz := filepath.Join(tmp, lines[len(lines)-1])
	if err := extractORT(tgz, asset, target); err != nil {
		return "", err
	}
	fmt.Fprintf(out, "ONNX Runtime library written to %s\n", target)
	return target, nil
}

// extractORT copies asset's member of the tarball tgz to target, verifying it first.
func extractORT(tgz string, asset ortAsset, target string) error {
	f, err := os.Open(tgz)
	if err != nil {
		return err
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return fmt.Errorf("%s: %w", filepath.Base(tgz), err)
	}
	tr := tar.NewReader(zr)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return fmt.Errorf("%s has no %s: the package layout changed", filepath.Base(tgz), asset.member)
		}
		if err != nil {
			return fmt.Errorf("reading %s: %w", filepath.Base(tgz), err)
		}
		if h.Name != asset.member {
			continue
		}
		if h.Typeflag != tar.TypeReg {
			return fmt.Errorf("%s in %s is not a regular file", asset.member, filepath.Base(tgz))
		}
		return writeVerified(io.LimitReader(tr, asset.size+1), asset, target)
	}
}

// writeVerified writes r to a temporary file next to target, checks it against asset, and
// renames it into place: readers see either the old file or a complete, verified new one.
func writeVerified(r io.Reader, asset ortAsset, target string) (err error) {
	tmp, err := os.CreateTemp(filepath.Dir(target), "."+filepath.Base(target)+".*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(tmp, h), r)
	if err != nil {
		return err
	}
	if err := checkORT(n, hex.EncodeToString(h.Sum(nil)), asset); err != nil {
		return fmt.Errorf("the library in %s %w", ortPackage, err)
	}
	if err := tmp.Chmod(0o755); err != nil {
		return err
	}
	if err := tmp.Sync(); err != nil {
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), target)
}

// verifyORTFile checks an existing library file against asset.
func verifyORTFile(path string, asset ortAsset) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return err
	}
	if !st.Mode().IsRegular() {
		return fmt.Errorf("not a regular file")
	}
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return err
	}
	return checkORT(n, hex.EncodeToString(h.Sum(nil)), asset)
}

// checkORT compares a file's size and SHA-256 with the pin, saying what was expected and found.
func checkORT(size int64, sum string, asset ortAsset) error {
	if size != asset.size {
		return fmt.Errorf("is %d bytes, expected %d (ONNX Runtime %s, %s)", size, asset.size, backend.ONNXRuntimeVersion, filepath.Base(asset.member))
	}
	if asset.sha256 != "" && sum != asset.sha256 {
		return fmt.Errorf("has SHA-256 %s, expected %s (ONNX Runtime %s, %s)", sum, asset.sha256, backend.ONNXRuntimeVersion, filepath.Base(asset.member))
	}
	return nil
}
