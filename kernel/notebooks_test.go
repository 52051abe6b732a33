// SPDX-License-Identifier: Apache-2.0

package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// notebookExpectation is what an executed bundled notebook must show in quick mode. Each
// notebook states it in its metadata ("medgo": {"quick": {...}}), beside the cells it describes.
type notebookExpectation struct {
	Text    []string           `json:"text"`    // regular expressions that some output's text must match
	MIME    []string           `json:"mime"`    // MIME types some output must carry (alternatives "a|b")
	Metrics map[string]float64 `json:"metrics"` // recorded metric → minimum value (prefix "max:" in the name for a maximum)
}

func readExpectation(t *testing.T, path string) (notebookExpectation, bool) {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var nb struct {
		Metadata struct {
			MedGo struct {
				Quick *notebookExpectation `json:"quick"`
			} `json:"medgo"`
		} `json:"metadata"`
	}
	if err := json.Unmarshal(raw, &nb); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	if nb.Metadata.MedGo.Quick == nil {
		return notebookExpectation{}, false
	}
	return *nb.Metadata.MedGo.Quick, true
}

// outputsOf returns every output's text (streams, text/plain, text/html) and MIME types.
func outputsOf(t *testing.T, path string) (text string, mimes map[string]bool, errs []string) {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var nb struct {
		Cells []struct {
			Outputs []map[string]any `json:"outputs"`
		} `json:"cells"`
	}
	if err := json.Unmarshal(raw, &nb); err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	mimes = map[string]bool{}
	for i, c := range nb.Cells {
		for _, o := range c.Outputs {
			if o["output_type"] == "error" {
				errs = append(errs, fmt.Sprintf("cell %d: %s", i+1, joinText(o["evalue"])))
			}
			if o["name"] == "stderr" && strings.Contains(joinText(o["text"]), "panic:") {
				errs = append(errs, joinText(o["text"]))
			}
			b.WriteString(joinText(o["text"]))
			if data, ok := o["data"].(map[string]any); ok {
				for mime, v := range data {
					mimes[mime] = true
					if strings.HasPrefix(mime, "text/") {
						b.WriteString(joinText(v))
					}
				}
			}
		}
	}
	return b.String(), mimes, errs
}

// TestBundledNotebooks executes every notebook in notebooks/ in quick mode through the real
// Jupyter client and checks what each one shows.
func TestBundledNotebooks(t *testing.T) {
	requireJupyter(t)
	if os.Getenv("MEDGO_DATA") == "" {
		if _, err := os.Stat("../../shared/data/SOURCES.md"); err != nil {
			t.Skip("no data directory: set MEDGO_DATA (make test does)")
		}
		abs, _ := filepath.Abs("../../shared/data")
		t.Setenv("MEDGO_DATA", abs)
	}
	installTemp(t)
	notebooks, _ := filepath.Glob("../notebooks/*.ipynb")
	if len(notebooks) == 0 {
		t.Fatal("no bundled notebooks found in ../notebooks")
	}
	out := t.TempDir()
	t.Setenv("MEDGO_RUNS", filepath.Join(out, "runs"))
	var progress bytes.Buffer
	results, err := runNotebooks(notebooks, runOptions{OutDir: out, CellTimeout: 20 * time.Minute, Quick: true, Kernel: KernelName}, &progress)
	if err != nil {
		t.Fatal(err)
	}
	var table bytes.Buffer
	printTable(&table, results)
	t.Logf("quick run:\n%s", table.String())
	for _, r := range results {
		t.Run(r.Notebook, func(t *testing.T) { checkNotebook(t, r, filepath.Join("..", "notebooks")) })
	}
}

// checkNotebook fails t unless the executed notebook r ran without error and shows what its
// source in dir (the notebook's metadata) expects in quick mode.
func checkNotebook(t *testing.T, r NotebookResult, dir string) {
	t.Helper()
	if !r.OK() {
		t.Fatalf("failed in %s:\n%s", r.cellName(), r.ErrorText)
	}
	want, ok := readExpectation(t, filepath.Join(dir, r.Notebook+".ipynb"))
	if !ok || len(want.Text)+len(want.MIME)+len(want.Metrics) == 0 {
		t.Fatalf("notebook %s states no quick-mode expectations: add metadata \"medgo\": {\"quick\": {\"text\", \"mime\", \"metrics\"}}", r.Notebook)
	}
	text, mimes, errs := outputsOf(t, r.Executed)
	if len(errs) > 0 {
		t.Errorf("error outputs: %v", errs)
	}
	for _, re := range want.Text {
		if !regexp.MustCompile(re).MatchString(text) {
			t.Errorf("no output matches %q", re)
		}
	}
	for _, group := range want.MIME {
		found := false
		for _, m := range strings.Split(group, "|") {
			found = found || mimes[m]
		}
		if !found {
			t.Errorf("no output of type %s (have %v)", group, mimes)
		}
	}
	for key, bound := range want.Metrics {
		name, isMax := strings.CutPrefix(key, "max:")
		got, ok := r.Measurements[name]
		if !ok {
			t.Errorf("metric %s was not recorded (have %v)", name, r.Measurements)
			continue
		}
		v, err := strconv.ParseFloat(got, 64)
		switch {
		case err != nil || math.IsNaN(v) || math.IsInf(v, 0):
			t.Errorf("metric %s = %q is not a finite number", name, got)
		case isMax && !(v <= bound): // written so that NaN fails too
			t.Errorf("metric %s = %v, want ≤ %v", name, v, bound)
		case !isMax && !(v >= bound):
			t.Errorf("metric %s = %v, want ≥ %v", name, v, bound)
		}
	}
	if _, err := os.Stat(r.HTML); err != nil {
		t.Errorf("no HTML rendering: %v", err)
	}
}
