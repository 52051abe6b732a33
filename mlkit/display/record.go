// SPDX-License-Identifier: Apache-2.0

package display

import (
	"fmt"
	"regexp"
)

var recordName = regexp.MustCompile(`^[A-Za-z0-9_.\-]+$`)

// Record prints a headline figure as a line "medgo:metric NAME=VALUE". medgo run collects these
// lines from the executed notebook into its results table (and notebooks/RESULTS.md), so a
// notebook's figures can be compared run to run without reading its plots.
func Record(name string, value float64) {
	if !recordName.MatchString(name) {
		fmt.Fprintf(Out, "display.Record: metric name %q must use letters, digits, '_', '-' or '.'\n", name)
		return
	}
	fmt.Printf("medgo:metric %s=%.4g\n", name, value)
}
