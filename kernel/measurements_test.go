// SPDX-License-Identifier: Apache-2.0

package main

import (
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestReadMeasurements reads figures both as display.Record sends them from a notebook (data
// of metricMIME beside empty HTML) and as text lines (outside notebooks, and in notebooks
// executed before metricMIME), and checks that the book shows nothing of the former.
func TestReadMeasurements(t *testing.T) {
	executed := filepath.Join(t.TempDir(), "nb.ipynb")
	nb := `{"cells": [
 {"cell_type": "code", "execution_count": 1, "source": "", "metadata": {}, "outputs": [
  {"output_type": "display_data", "metadata": {}, "data": {"text/html": "", "application/vnd.medgo.metric+json": {"test_auc": "0.9712"}}},
  {"output_type": "display_data", "metadata": {}, "data": {"text/html": "", "application/vnd.medgo.metric+json": {"n": 569}}},
  {"output_type": "stream", "name": "stdout", "text": ["accuracy 0.95\n", "medgo:metric old_accuracy=0.95\n"]}
 ]}
]}`
	if err := os.WriteFile(executed, []byte(nb), 0o644); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"test_auc": "0.9712", "n": "569", "old_accuracy": "0.95"}
	if got := readMeasurements(executed); !maps.Equal(got, want) {
		t.Errorf("readMeasurements = %v, want %v", got, want)
	}
	parsed, err := loadIpynb(executed)
	if err != nil {
		t.Fatal(err)
	}
	if got := renderOutput(parsed.Cells[0].Outputs[0], nil); got != "" {
		t.Errorf("the book renders a recorded figure as %q; want nothing", got)
	}
	if got := renderOutput(parsed.Cells[0].Outputs[2], nil); !strings.Contains(got, "accuracy 0.95") {
		t.Errorf("the book lost the cell's text: %q", got)
	}
}
