// SPDX-License-Identifier: Apache-2.0

//go:build onnx && !cgo

package backend

// compute-onnx loads ONNX Runtime through cgo: with CGO_ENABLED=0 a build tagged "onnx" still
// builds, on the pure-Go backend, and Config's reason says why ONNX Runtime is missing.
func init() {
	onnxUnavailable = "built with -tags onnx but CGO_ENABLED=0, and ONNX Runtime needs cgo"
}
