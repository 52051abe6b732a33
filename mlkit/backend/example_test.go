// SPDX-License-Identifier: Apache-2.0

// The example shows the default build; with -tags onnx the choice depends on whether ONNX
// Runtime is provisioned on the machine (onnx_test.go covers that build).

//go:build !onnx

package backend_test

import (
	"fmt"
	"os"

	"github.com/medgo-lab/medgo/mlkit/backend"
)

// With neither MEDGO_BACKEND nor GOMLX_BACKEND set, and no XLA plugin, mlkit runs on the pure-Go backend.
func ExampleConfig() {
	os.Unsetenv(backend.EnvVar)
	os.Unsetenv("GOMLX_BACKEND")
	config, reason := backend.Config()
	fmt.Println(config, "—", reason)
	// Output: go:ops_sequential — pure-Go backend (no XLA plugin installed)
}
