// SPDX-License-Identifier: Apache-2.0

package main

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// A full-run figure quoted in a notebook's prose carries the name of the metric it quotes in
// an HTML comment right after it, which Jupyter and the book do not show:
//
//	test AUC **0.904**<!-- auc --> (95% CI ...)
//
// quotedFigure finds them; bold or italic marks may stand between number and comment.
var quotedFigure = regexp.MustCompile(`(-?\d+(?:\.\d+)?)[*_]*<!--\s*([A-Za-z0-9_.\-]+)\s*-->`)

// bareDecimal is a number with three or more decimals, which is how recorded figures are
// quoted; one that equals a recorded metric of its notebook must be annotated.
var bareDecimal = regexp.MustCompile(`(?:^|[^\w.\-])(\d*\.\d{3,})(?:[^\d]|$)`)

// decimals is the number of digits after the point of a number as written.
func decimals(s string) int {
	if _, frac, ok := strings.Cut(s, "."); ok {
		return len(frac)
	}
	return 0
}

// agrees reports whether quoted, rounded as written, can be the recorded value, which
// RESULTS.md keeps to four significant digits (display.Record's %.4g): both roundings are
// allowed for.
func agrees(quoted, recorded string) bool {
	q, err1 := strconv.ParseFloat(quoted, 64)
	r, err2 := strconv.ParseFloat(recorded, 64)
	if err1 != nil || err2 != nil {
		return false
	}
	tol := 0.5*math.Pow(10, -float64(decimals(quoted))) + 1e-12
	if r != 0 { // four significant digits: 1 stands for 0.99995..1.00005, 0.9035 for 0.90345..0.90355
		tol += 0.5 * math.Pow(10, math.Floor(math.Log10(math.Abs(r)))-3)
	}
	return math.Abs(q-r) <= tol
}

// proseProblems checks one notebook's markdown against its recorded metrics.
func proseProblems(markdown []string, metrics map[string]string) []string {
	var out []string
	for i, md := range markdown {
		for _, m := range quotedFigure.FindAllStringSubmatch(md, -1) {
			quoted, key := m[1], m[2]
			recorded, ok := metrics[key]
			switch {
			case !ok:
				out = append(out, fmt.Sprintf("markdown cell %d quotes %s as %q, which the notebook's row in RESULTS.md does not record", i+1, quoted, key))
			case !agrees(quoted, recorded):
				out = append(out, fmt.Sprintf("markdown cell %d says %s = %s, but the full run recorded %s", i+1, key, quoted, recorded))
			}
		}
		plain := quotedFigure.ReplaceAllString(md, "")
		for _, m := range bareDecimal.FindAllStringSubmatch(plain, -1) {
			for key, recorded := range metrics {
				if decimals(m[1]) <= 4 && agrees(m[1], recorded) {
					out = append(out, fmt.Sprintf("markdown cell %d quotes %s, the recorded %s = %s, without naming it: write %s<!-- %s -->", i+1, m[1], key, recorded, m[1], key))
					break
				}
			}
		}
	}
	return out
}

// TestProseAgreesWithResults: the figures a notebook's text quotes from its full run are the
// ones notebooks/RESULTS.md recorded, so that text and results cannot drift apart.
func TestProseAgreesWithResults(t *testing.T) {
	text, err := os.ReadFile(filepath.Join("..", "notebooks", "RESULTS.md"))
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := parseResults(string(text))
	recorded := map[string]map[string]string{}
	for _, r := range rows {
		recorded[r.Notebook] = r.Metrics
	}
	paths, _ := filepath.Glob(filepath.Join("..", "notebooks", "*.ipynb"))
	if len(paths) == 0 {
		t.Fatal("no notebooks found")
	}
	annotated := 0
	for _, p := range paths {
		nb, err := loadIpynb(p)
		if err != nil {
			t.Fatal(err)
		}
		var markdown []string
		for _, c := range nb.Cells {
			if c.CellType == "markdown" {
				md := joinText(c.Source)
				markdown = append(markdown, md)
				annotated += len(quotedFigure.FindAllString(md, -1))
			}
		}
		name := strings.TrimSuffix(filepath.Base(p), ".ipynb")
		for _, problem := range proseProblems(markdown, recorded[name]) {
			t.Errorf("%s: %s", name, problem)
		}
	}
	t.Logf("%d quoted figures checked against RESULTS.md", annotated)
}

func TestProseProblems(t *testing.T) {
	metrics := map[string]string{"auc": "0.9035", "accuracy": "0.8782"}
	for _, c := range []struct {
		md   string
		want string // "" for no problem
	}{
		{"test AUC **0.904**<!-- auc --> and accuracy 0.878<!--accuracy-->", ""},
		{"test AUC 0.903<!-- auc -->", ""}, // 0.9035 may have been 0.90349
		{"test AUC 0.91<!-- auc -->", "says auc = 0.91, but the full run recorded 0.9035"},
		{"test AUC 0.904<!-- AUC -->", `quotes 0.904 as "AUC", which the notebook's row`},
		{"accuracy 0.878 in the full run", "quotes 0.878, the recorded accuracy = 0.8782, without naming it"},
		{"the published ResNet-18 reached 0.901", ""},
		{"a threshold of 0.5 and 90% sensitivity", ""},
	} {
		got := strings.Join(proseProblems([]string{c.md}, metrics), "; ")
		if c.want == "" && got != "" || !strings.Contains(got, c.want) {
			t.Errorf("%q: problems %q, want %q", c.md, got, c.want)
		}
	}
}
