// SPDX-License-Identifier: Apache-2.0

// Package backend decides which GoMLX compute backend mlkit uses.
//
// The rule, in order:
//
//  1. MEDGO_BACKEND, then GOMLX_BACKEND, when set ("go", or "xla:cpu" in builds with XLA support).
//  2. XLA, when mlkit was built with XLA support and its PJRT plugin is already installed.
//  3. ONNX Runtime, when mlkit was built with -tags onnx and its shared library is provisioned
//     (MEDGO_ONNXRUNTIME_LIB, or the copy medgo install puts in the user cache directory).
//  4. Otherwise the pure-Go backend, which runs everywhere without downloads.
//
// Nothing is ever downloaded while selecting a backend.
package backend

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"

	"github.com/gomlx/compute"
	_ "github.com/gomlx/compute/gobackend" // The pure-Go backend is always available.
)

// EnvVar is MedGo's own environment variable for choosing a backend; it wins over GOMLX_BACKEND.
const EnvVar = "MEDGO_BACKEND"

// DefaultConfig is the pure-Go backend running one graph operation at a time; each operation
// (a matrix product, a convolution's patches) still uses every core. Running independent
// operations in parallel can deadlock the backend's worker pool on small machines (seen with a
// transformer's training step on 2 cores), and gains little there.
const DefaultConfig = "go:ops_sequential"

// xlaConfig is set by xla.go in builds tagged "xla" when a PJRT plugin was found; empty otherwise.
var xlaConfig func() (config string, ok bool)

// onnxConfig is set by onnx.go in builds tagged "onnx"; it reports the ONNX Runtime
// configuration when the library is provisioned.
var onnxConfig func() (config, reason string, ok bool)

// onnxUnavailable is set by onnx_nocgo.go: why a build tagged "onnx" has no ONNX Runtime.
var onnxUnavailable string

var (
	mu      sync.Mutex
	current compute.Backend
	host    compute.Backend
	ort     compute.Backend
)

// Config returns the backend configuration string mlkit will use and a short reason for the choice.
func Config() (config, reason string) {
	if v := strings.TrimSpace(os.Getenv(EnvVar)); v != "" {
		return v, "chosen by " + EnvVar + "=" + v
	}
	if v := strings.TrimSpace(os.Getenv(compute.ConfigEnvVar)); v != "" {
		return v, "chosen by " + compute.ConfigEnvVar + "=" + v
	}
	if xlaConfig != nil {
		if c, ok := xlaConfig(); ok {
			return c, "XLA PJRT plugin found"
		}
	}
	if onnxConfig != nil {
		if c, r, ok := onnxConfig(); ok {
			return c, r
		}
	}
	return DefaultConfig, "pure-Go backend (" + defaultReason() + ")"
}

// defaultReason says why no accelerated backend was chosen, for Config's reason. Untagged
// builds keep the wording results and books already record.
func defaultReason() string {
	why := "no XLA plugin installed"
	if onnxUnavailable != "" {
		why += "; " + onnxUnavailable
	}
	if onnxConfig != nil {
		why += "; no ONNX Runtime library provisioned: run medgo install or set " + ONNXRuntimeLibEnv
	}
	return why
}

// Get returns the process-wide backend, creating it on first use.
//
// It never panics: an unknown or unavailable backend is returned as an error that says what
// was asked for, what is available and how to change it.
func Get() (b compute.Backend, err error) {
	mu.Lock()
	defer mu.Unlock()
	if current != nil {
		return current, nil
	}
	config, reason := Config()
	name, _, _ := strings.Cut(config, ":")
	available := compute.List()
	found := false
	for _, a := range available {
		if a == name {
			found = true
		}
	}
	if !found {
		return nil, fmt.Errorf("backend %q (%s) is not available in this build; available: %s; "+
			"unset %s/%s or set it to \"go\" for the pure-Go backend",
			config, reason, strings.Join(available, ", "), EnvVar, compute.ConfigEnvVar)
	}
	defer func() {
		if r := recover(); r != nil {
			b, err = nil, fmt.Errorf("backend %q (%s) failed to start: %v; set %s=go to use the pure-Go backend",
				config, reason, r, EnvVar)
		}
	}()
	b, err = compute.NewWithConfig(config)
	if err != nil {
		return nil, fmt.Errorf("backend %q (%s) failed to start: %w; set %s=go to use the pure-Go backend",
			config, reason, err, EnvVar)
	}
	current = b
	return b, nil
}

// Host returns the process-wide pure-Go backend (DefaultConfig), whichever backend Get chose:
// mlkit initializes variables on it so that a seed gives the same starting weights on every
// engine.
func Host() (compute.Backend, error) {
	mu.Lock()
	defer mu.Unlock()
	if current != nil && IsPureGo(current) {
		return current, nil
	}
	if host == nil {
		b, err := compute.NewWithConfig(DefaultConfig)
		if err != nil {
			return nil, fmt.Errorf("the pure-Go backend failed to start: %w", err)
		}
		host = b
	}
	return host, nil
}

// ONNX returns an ONNX Runtime backend, whichever backend Get chose: the process-wide one when
// it is ONNX Runtime, else one started from the provisioned library. Exporting a model to a
// .onnx file needs it. The error says what is missing and how to get it.
func ONNX() (compute.Backend, error) {
	mu.Lock()
	defer mu.Unlock()
	if current != nil && IsONNX(current) {
		return current, nil
	}
	if ort != nil {
		return ort, nil
	}
	if onnxConfig == nil {
		why := "this program was built without ONNX Runtime support (build tag onnx)"
		if onnxUnavailable != "" {
			why = "this program was " + onnxUnavailable
		}
		return nil, fmt.Errorf("ONNX Runtime is not available: %s; run the cell in the medgo kernel installed with ONNX Runtime (medgo install), or build with %s", why, "CGO_ENABLED=1 go build -tags onnx")
	}
	config, _, ok := onnxConfig()
	if !ok {
		return nil, fmt.Errorf("ONNX Runtime is not available: no library provisioned; run medgo install, or set %s to libonnxruntime %s", ONNXRuntimeLibEnv, ONNXRuntimeVersion)
	}
	b, err := compute.NewWithConfig(config)
	if err != nil {
		return nil, fmt.Errorf("ONNX Runtime (%s) failed to start: %w", config, err)
	}
	ort = b
	return b, nil
}

// IsONNX reports whether b is the ONNX Runtime backend.
func IsONNX(b compute.Backend) bool {
	return b != nil && strings.HasPrefix(strings.ToLower(b.Name()), "onnx")
}

// IsPureGo reports whether b is GoMLX's pure-Go backend.
func IsPureGo(b compute.Backend) bool {
	return b != nil && strings.HasPrefix(strings.ToLower(b.Name()), "go")
}

// Describe is a one-line description of the backend in use, for progress output.
func Describe() string {
	b, err := Get()
	if err != nil {
		return "no backend: " + err.Error()
	}
	_, reason := Config()
	return fmt.Sprintf("%s (%s)", b.Name(), reason)
}

// Explain adds, to an error from building or running a graph on the process-wide backend
// (Get), the way out when the cause is an operation that backend lacks; see ExplainFor.
func Explain(err error) error {
	mu.Lock()
	b := current
	mu.Unlock()
	return ExplainFor(err, b)
}

// ExplainFor adds, to an error from building or running a graph on b, the way out when the cause
// is an operation b lacks (ONNX Runtime has no IsNaN or IsFinite, and no interior padding, which
// the gradient of a strided Slice uses; mlkit's models avoid all three): b's name and MEDGO_BACKEND=go. Other errors,
// and nil, are returned unchanged. The backend's own message names the operation.
func ExplainFor(err error, b compute.Backend) error {
	if err == nil || !(errors.Is(err, compute.ErrNotImplemented) || strings.Contains(err.Error(), compute.ErrNotImplemented.Error())) {
		return err
	}
	// The pure-Go backend has every operation mlkit uses; there is nothing to switch to.
	if b == nil || IsPureGo(b) {
		return err
	}
	return fmt.Errorf("%w; the %s backend lacks an operation this model needs: set %s=go to run it on the pure-Go backend", err, b.Name(), EnvVar)
}
