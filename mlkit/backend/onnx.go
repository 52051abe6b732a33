// SPDX-License-Identifier: Apache-2.0

//go:build onnx && cgo

package backend

import (
	onnxbackend "github.com/gomlx/compute-onnx"
)

// Builds tagged "onnx" (CGO_ENABLED=1 go build -tags onnx) can run on ONNX Runtime: it is chosen
// when its shared library is provisioned (see ONNXRuntimeLib). compute-onnx would otherwise
// download a library on first use; MedGo never downloads while selecting a backend, and loads
// only the checksum-verified copy medgo install provisions.
func init() {
	onnxbackend.EnableAutoInstall(false)
	onnxConfig = func() (string, string, bool) {
		lib, source, ok := ONNXRuntimeLib()
		if !ok {
			return "", "", false
		}
		// "cpu" is explicit: the provisioned library has only the CPU execution provider, and
		// without it compute-onnx picks CUDA whenever it sees an NVIDIA GPU.
		return ONNXConfig(lib), "ONNX Runtime library " + lib + " (" + source + ")", true
	}
}
