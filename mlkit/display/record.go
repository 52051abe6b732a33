// SPDX-License-Identifier: Apache-2.0

package display

import (
	"fmt"
	"regexp"
)

// MetricMIME is the MIME type of the display data Record sends in a notebook: a JSON object
// mapping the metric's name to its value as text (four significant digits, as "0.9712" or
// "NaN", since JSON has no NaN). medgo run reads these outputs from the executed notebook;
// Jupyter, JupyterLab and nbconvert show only the empty HTML sent alongside, so the figure
// stays out of the reader's way.
const MetricMIME = "application/vnd.medgo.metric+json"

var recordName = regexp.MustCompile(`^[A-Za-z0-9_.\-]+$`)

// Record keeps a headline figure for medgo run, which collects the figures of an executed
// notebook into its results table (and notebooks/RESULTS.md), so that a notebook's results
// can be compared run to run without reading its plots. In a notebook the figure travels as
// display data the reader does not see (MetricMIME); elsewhere Record prints a line
// "medgo:metric NAME=VALUE" to Out. Names use letters, digits, '_', '-' and '.'.
func Record(name string, value float64) {
	if !recordName.MatchString(name) {
		fmt.Fprintf(Out, "display.Record: metric name %q must use letters, digits, '_', '-' or '.'\n", name)
		return
	}
	text := fmt.Sprintf("%.4g", value)
	if nb := currentNotebook(); nb != nil {
		nb.metric(name, text)
		return
	}
	fmt.Fprintf(Out, "medgo:metric %s=%s\n", name, text)
}
