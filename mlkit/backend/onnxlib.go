// SPDX-License-Identifier: Apache-2.0

package backend

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
)

// Where the ONNX Runtime shared library is looked for. These live in an untagged file because
// medgo install (which provisions the library) and medgo doctor need them in every build,
// while only builds tagged "onnx" can load it.

// ONNXRuntimeLibEnv names the ONNX Runtime shared library to use; medgo install writes it into
// the kernelspec once it has provisioned the library.
const ONNXRuntimeLibEnv = "MEDGO_ONNXRUNTIME_LIB"

// ONNXRuntimeVersion is the ONNX Runtime release MedGo provisions (from the npm package
// onnxruntime-node of that version).
const ONNXRuntimeVersion = "1.30.0"

// ONNXRuntimeLinuxAMD64SHA256 is the SHA-256 of that release's linux/amd64 library as
// onnxruntime-node ships it (bin/napi-v6/linux/x64/libonnxruntime.so.1, 45,828,512 bytes):
// medgo install and the Docker image both refuse a library that does not match.
const ONNXRuntimeLinuxAMD64SHA256 = "ffb75a925ba05e47b235bb66e3e3911714a80b328a9c9425539feb204aa32a23"

// ONNXRuntimeLibName is the library's file name on this platform, as onnxruntime-node ships
// it; "" where it ships none MedGo knows how to use.
func ONNXRuntimeLibName() string {
	switch runtime.GOOS + "/" + runtime.GOARCH {
	case "linux/amd64", "linux/arm64":
		return "libonnxruntime.so.1"
	case "darwin/arm64":
		return "libonnxruntime.1.dylib"
	}
	return ""
}

// ONNXRuntimeCacheDir is the directory medgo install provisions the library into by default:
// the user cache directory's medgo/onnxruntime-<version>.
func ONNXRuntimeCacheDir() (string, error) {
	dir, err := os.UserCacheDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, "medgo", "onnxruntime-"+ONNXRuntimeVersion), nil
}

// ONNXRuntimeLib returns the library to load and where the name came from: the file
// MEDGO_ONNXRUNTIME_LIB names, else the provisioned copy in ONNXRuntimeCacheDir. ok is false
// when neither holds a regular file. The library's checksum is verified when it is provisioned
// (medgo install), not here: selecting a backend must stay cheap.
func ONNXRuntimeLib() (path, source string, ok bool) {
	if v := strings.TrimSpace(os.Getenv(ONNXRuntimeLibEnv)); v != "" {
		return v, ONNXRuntimeLibEnv, isRegularFile(v)
	}
	dir, err := ONNXRuntimeCacheDir()
	if err != nil || ONNXRuntimeLibName() == "" {
		return "", "", false
	}
	p := filepath.Join(dir, ONNXRuntimeLibName())
	return p, "provisioned by medgo install", isRegularFile(p)
}

func isRegularFile(p string) bool {
	st, err := os.Stat(p)
	if err != nil {
		return false
	}
	return st.Mode().IsRegular()
}

// ONNXConfig is the backend configuration string that runs ONNX Runtime's CPU provider from
// the library at lib, for MEDGO_BACKEND or GOMLX_BACKEND.
func ONNXConfig(lib string) string { return "onnx:cpu," + lib }
