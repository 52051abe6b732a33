// SPDX-License-Identifier: Apache-2.0

//go:build xla

package backend

import (
	"strings"

	"github.com/gomlx/go-xla/compute/xla"
)

// Builds tagged "xla" (go build -tags xla) can run on XLA: it is chosen when a PJRT plugin is
// already installed (GoMLX's installer puts it in /usr/local/lib/go-xla or ~/.local/lib/go-xla).
// Nothing is ever downloaded from here.
func init() {
	xla.EnableAutoInstall(false)
	xlaConfig = func() (string, bool) {
		plugins := xla.GetAvailablePlugins()
		for _, want := range []string{"cuda", "cpu"} {
			for _, p := range plugins {
				if strings.HasPrefix(p, want) {
					return "xla:" + p, true
				}
			}
		}
		return "", false
	}
}
