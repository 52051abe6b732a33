// SPDX-License-Identifier: Apache-2.0

// Package backend decides which GoMLX compute backend mlkit uses.
//
// The rule, in order:
//
//  1. MEDGO_BACKEND, then GOMLX_BACKEND, when set ("go", or "xla:cpu" in builds with XLA support).
//  2. XLA, when mlkit was built with XLA support and its PJRT plugin is already installed.
//  3. Otherwise the pure-Go backend, which runs everywhere without downloads.
//
// Nothing is ever downloaded while selecting a backend.
package backend

import (
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

var (
	mu      sync.Mutex
	current compute.Backend
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
	return DefaultConfig, "pure-Go backend (no XLA plugin installed)"
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

// Describe is a one-line description of the backend in use, for progress output.
func Describe() string {
	b, err := Get()
	if err != nil {
		return "no backend: " + err.Error()
	}
	_, reason := Config()
	return fmt.Sprintf("%s (%s)", b.Name(), reason)
}
