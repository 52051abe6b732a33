// SPDX-License-Identifier: Apache-2.0

package mlkit

import "os"

// QuickEnv is the environment variable that makes notebooks run small and fast; medgo run
// --quick sets it for tests.
const QuickEnv = "MEDGO_QUICK"

// Quick reports whether notebooks should use small subsets and few epochs.
func Quick() bool {
	v := os.Getenv(QuickEnv)
	return v != "" && v != "0" && v != "false"
}

// IfQuick returns quick in quick mode and full otherwise, e.g. epochs := mlkit.IfQuick(3, 40).
func IfQuick[T any](quick, full T) T {
	if Quick() {
		return quick
	}
	return full
}

// Must returns v, or panics with err: the shortest way to stop a notebook cell at the first
// error, with the error shown under the cell.
func Must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// Check panics with err when it is not nil.
func Check(err error) {
	if err != nil {
		panic(err)
	}
}
