// SPDX-License-Identifier: Apache-2.0

package main

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"flag"
	"fmt"
	"html"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
)

//go:embed runner.py
var runnerScript []byte

// runReport is what runner.py prints for one notebook.
type runReport struct {
	Status    string  `json:"status"`
	Error     string  `json:"error"`
	ErrorCell int     `json:"error_cell"`
	Seconds   float64 `json:"seconds"`
	Cells     []struct {
		Index   int      `json:"index"`
		Type    string   `json:"type"`
		Seconds *float64 `json:"seconds"`
	} `json:"cells"`
}

// NotebookResult is one row of medgo run's table.
type NotebookResult struct {
	Notebook     string
	Status       string // "ok", "error", "timeout", "dead kernel"
	Wall         time.Duration
	SlowestCell  int // 1-based position in the notebook; 0 when none ran
	SlowestTime  time.Duration
	FailedCell   int    // 1-based; 0 when none failed
	FailedIn     int    // the failed cell's execution count, Jupyter's In [n]; 0 when unknown
	ErrorText    string // the Go error (compile error or panic), trimmed
	Executed     string // path of the executed .ipynb
	HTML         string // path of the .html rendering
	Measurements map[string]string
}

// cellName names the failed cell as the notebook shows it: its position and its In [n] label.
func (r NotebookResult) cellName() string {
	if r.FailedIn > 0 {
		return fmt.Sprintf("cell %d (In [%d])", r.FailedCell, r.FailedIn)
	}
	return fmt.Sprintf("cell %d", r.FailedCell)
}

// OK reports whether the notebook ran without error.
func (r NotebookResult) OK() bool { return r.Status == "ok" }

type runOptions struct {
	OutDir      string
	CellTimeout time.Duration
	Quick       bool
	Kernel      string
}

func cmdRun(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	fs.SetOutput(stderr)
	opts := runOptions{Kernel: KernelName}
	fs.StringVar(&opts.OutDir, "out", "", "directory for executed notebooks and HTML, with trained runs in its runs/ unless MEDGO_RUNS is set (default: <checkout>/out, or <checkout>/out/quick with --quick)")
	fs.DurationVar(&opts.CellTimeout, "timeout", 30*time.Minute, "time limit for one cell")
	fs.BoolVar(&opts.Quick, "quick", false, "set "+QuickEnv+"=1: notebooks use small subsets and few epochs")
	resultsPath := fs.String("results", defaultResultsFile, "Markdown results file; by default notebooks/RESULTS.md in the checkout, updated by full (not --quick) runs of bundled notebooks; a given path is always written; empty: do not write")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: medgo run [flags] [NOTEBOOK.ipynb ...]   (default: every notebook in notebooks/)")
		fmt.Fprintln(stderr, "Executed notebooks and their HTML go to out/ (quick runs: out/quick/), trained runs to its runs/ (MEDGO_RUNS overrides).")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	root, err := findRoot()
	if err != nil {
		fmt.Fprintln(stderr, "medgo run:", err)
		return 1
	}
	if opts.OutDir == "" {
		opts.OutDir = defaultOutDir(root, opts.Quick)
	}
	notebooks := fs.Args()
	if len(notebooks) == 0 {
		notebooks, _ = filepath.Glob(filepath.Join(root, "notebooks", "*.ipynb"))
		sort.Strings(notebooks)
		if len(notebooks) == 0 {
			fmt.Fprintln(stderr, "medgo run: no notebooks in", filepath.Join(root, "notebooks"))
			return 1
		}
	}
	// A kernel installed from another checkout would run these notebooks against that
	// checkout's mlkit, and one whose gonb is gone fails every notebook in its first cell.
	if c := kernelCheck(root); !c.OK {
		fmt.Fprintf(stderr, "medgo run: kernel %q: %s\n  fix: %s\n", KernelName, c.Detail, c.Fix)
		return 1
	}
	results, err := runNotebooks(notebooks, opts, stdout)
	if err != nil {
		fmt.Fprintln(stderr, "medgo run:", err)
		return 1
	}
	printTable(stdout, results)
	fmt.Fprintln(stdout, "Trained runs are in", runsDir(opts))
	if path := resultsFile(fs, *resultsPath, root, opts.Quick); path != "" {
		stillBundled := func(notebook string) bool {
			_, err := os.Stat(filepath.Join(root, "notebooks", notebook+".ipynb"))
			return err == nil
		}
		if err := writeResults(path, results, shellJoin(append([]string{"medgo", "run"}, args...)), stillBundled); err != nil {
			fmt.Fprintln(stderr, "medgo run:", err)
			return 1
		}
		fmt.Fprintln(stdout, "Results recorded in", path)
	}
	for _, r := range results {
		if !r.OK() {
			return 1
		}
	}
	return 0
}

// defaultOutDir is where medgo run writes when --out is not given. Quick runs get a directory of
// their own, so that `make quick` or `make test` after `make tutorials` never replaces the
// executed notebooks and trained runs of a full run (which medgo book reads from out/).
func defaultOutDir(root string, quick bool) string {
	if quick {
		return filepath.Join(root, "out", "quick")
	}
	return filepath.Join(root, "out")
}

// runsDir is where the notebooks' trained runs go: $MEDGO_RUNS when set, else beside the
// executed notebooks (never into the source tree).
func runsDir(opts runOptions) string {
	if d := os.Getenv("MEDGO_RUNS"); d != "" {
		return d
	}
	return filepath.Join(opts.OutDir, "runs")
}

// runNotebooks executes each notebook in turn through the Jupyter client.
func runNotebooks(notebooks []string, opts runOptions, progress io.Writer) ([]NotebookResult, error) {
	pj, err := findJupyter()
	if err != nil {
		return nil, err
	}
	script, err := os.CreateTemp("", "medgo-runner-*.py")
	if err != nil {
		return nil, err
	}
	defer os.Remove(script.Name())
	if _, err := script.Write(runnerScript); err != nil {
		return nil, err
	}
	script.Close()
	if err := os.MkdirAll(opts.OutDir, 0o755); err != nil {
		return nil, err
	}
	var results []NotebookResult
	for _, nb := range notebooks {
		fmt.Fprintf(progress, "▶ %s\n", filepath.Base(nb))
		results = append(results, runOne(pj, script.Name(), nb, opts))
	}
	return results, nil
}

func runOne(pj pythonJupyter, script, notebook string, opts runOptions) NotebookResult {
	name := strings.TrimSuffix(filepath.Base(notebook), ".ipynb")
	res := NotebookResult{Notebook: name, Status: "error"}
	if _, err := os.Stat(notebook); err != nil {
		res.ErrorText = fmt.Sprintf("cannot read notebook: %v", err)
		return res
	}
	cmd := exec.Command(pj.Python, script, notebook, opts.OutDir, opts.Kernel, fmt.Sprint(int(opts.CellTimeout.Seconds())))
	cmd.Env = os.Environ()
	if os.Getenv("MEDGO_RUNS") == "" {
		cmd.Env = append(cmd.Env, "MEDGO_RUNS="+runsDir(opts))
	}
	if opts.Quick {
		cmd.Env = append(cmd.Env, QuickEnv+"=1")
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err := cmd.Run()
	res.Wall = time.Since(start)
	var rep runReport
	if jerr := json.Unmarshal(stdout.Bytes(), &rep); jerr != nil {
		res.ErrorText = fmt.Sprintf("the Jupyter runner failed (%v): %s", err, tail(stderr.String(), 2000))
		return res
	}
	res.Status = rep.Status
	res.Executed = filepath.Join(opts.OutDir, name+".ipynb")
	res.HTML = filepath.Join(opts.OutDir, name+".html")
	for _, c := range rep.Cells {
		if c.Seconds != nil && time.Duration(*c.Seconds*float64(time.Second)) > res.SlowestTime {
			res.SlowestTime = time.Duration(*c.Seconds * float64(time.Second))
			res.SlowestCell = c.Index + 1
		}
	}
	if !res.OK() {
		res.FailedCell = rep.ErrorCell + 1
		res.ErrorText, res.FailedIn = cellErrorText(res.Executed, rep.ErrorCell)
		if res.ErrorText == "" {
			res.ErrorText = rep.Error
		}
	}
	res.Measurements = readMeasurements(res.Executed)
	return res
}

// joinText flattens Jupyter's "string or list of strings" fields.
func joinText(v any) string {
	switch t := v.(type) {
	case string:
		return t
	case []any:
		var b strings.Builder
		for _, s := range t {
			if str, ok := s.(string); ok {
				b.WriteString(str)
			}
		}
		return b.String()
	}
	return ""
}

var (
	ansiEscape = regexp.MustCompile(`\x1b\[[0-9;]*[A-Za-z]`)
	htmlTag    = regexp.MustCompile(`(?s)<[^>]*>`)
	styleBlock = regexp.MustCompile(`(?is)<style.*?</style>`)
)

// cellErrorText collects what the failing cell printed about its error: stderr, error
// outputs and HTML error displays, with markup removed.
func cellErrorText(executed string, cell int) (text string, executionCount int) {
	nb, err := loadIpynb(executed)
	if err != nil || cell < 0 || cell >= len(nb.Cells) {
		return "", 0
	}
	if n := nb.Cells[cell].ExecutionCount; n != nil {
		executionCount = *n
	}
	var parts []string
	prevStderr := false
	for _, o := range nb.Cells[cell].Outputs {
		isStderr := o.OutputType == "stream" && o.Name == "stderr"
		switch o.OutputType {
		case "stream":
			// A stream arrives in pieces that may split a line: join consecutive pieces as written.
			if isStderr && prevStderr {
				parts[len(parts)-1] += joinText(o.Text)
			} else if isStderr {
				parts = append(parts, joinText(o.Text))
			}
		case "error":
			if len(o.Traceback) > 0 {
				parts = append(parts, strings.Join(o.Traceback, "\n"))
			} else {
				parts = append(parts, o.EName+": "+o.EValue)
			}
		case "display_data", "execute_result":
			if h, ok := o.Data["text/html"]; ok {
				h := styleBlock.ReplaceAllString(joinText(h), "")
				parts = append(parts, html.UnescapeString(htmlTag.ReplaceAllString(h, "")))
			}
		}
		prevStderr = isStderr
	}
	text = ansiEscape.ReplaceAllString(strings.Join(parts, "\n"), "")
	var lines []string
	for _, l := range strings.Split(text, "\n") {
		if l = strings.TrimRight(l, " \t\r"); strings.TrimSpace(l) != "" {
			lines = append(lines, l)
		}
	}
	text = strings.Join(lines, "\n")
	if len(text) > 2000 {
		text = text[:2000] + "…"
	}
	return text, executionCount
}

func tail(s string, n int) string {
	s = strings.TrimSpace(s)
	if len(s) > n {
		return "…" + s[len(s)-n:]
	}
	return s
}

// metricMIME is the display data type in which mlkit/display.Record sends a headline figure
// from a notebook cell: {"NAME": "VALUE"}, out of the reader's sight (display.MetricMIME).
const metricMIME = "application/vnd.medgo.metric+json"

// measurementLine is how a figure is recorded as text: a line such as
// "medgo:metric accuracy=0.971", which display.Record prints outside notebooks (and printed in
// notebooks before metricMIME; executed notebooks of that time still read).
var measurementLine = regexp.MustCompile(`(?m)^medgo:metric ([A-Za-z0-9_.\-]+)=(\S+)`)

func readMeasurements(executed string) map[string]string {
	nb, err := loadIpynb(executed)
	if err != nil {
		return nil
	}
	m := map[string]string{}
	for _, c := range nb.Cells {
		for _, o := range c.Outputs {
			if fields, ok := o.Data[metricMIME].(map[string]any); ok {
				for name, v := range fields {
					switch v := v.(type) {
					case string:
						m[name] = v
					case float64:
						m[name] = strconv.FormatFloat(v, 'g', 4, 64)
					}
				}
				continue
			}
			for _, text := range []string{joinText(o.Text), joinText(o.Data["text/plain"]), joinText(o.Data["text/html"])} {
				for _, sm := range measurementLine.FindAllStringSubmatch(text, -1) {
					m[sm[1]] = sm[2]
				}
			}
		}
	}
	return m
}

func printTable(w io.Writer, results []NotebookResult) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "\nNOTEBOOK\tSTATUS\tWALL\tSLOWEST CELL\tRESULTS")
	for _, r := range results {
		slowest := "-"
		if r.SlowestCell > 0 {
			slowest = fmt.Sprintf("cell %d (%.1fs)", r.SlowestCell, r.SlowestTime.Seconds())
		}
		status := r.Status
		if !r.OK() && r.FailedCell > 0 {
			status = fmt.Sprintf("%s in %s", r.Status, r.cellName())
		}
		fmt.Fprintf(tw, "%s\t%s\t%.1fs\t%s\t%s\n", r.Notebook, status, r.Wall.Seconds(), slowest, formatMeasurements(r.Measurements))
	}
	tw.Flush()
	for _, r := range results {
		if !r.OK() {
			fmt.Fprintf(w, "\n✗ %s failed in %s:\n%s\n", r.Notebook, r.cellName(), indent(r.ErrorText, "    "))
		}
	}
	if len(results) > 0 {
		fmt.Fprintf(w, "\nExecuted notebooks and HTML are in %s\n", filepath.Dir(results[0].Executed))
	}
}

func formatMeasurements(m map[string]string) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		parts = append(parts, k+"="+m[k])
	}
	return strings.Join(parts, " ")
}

func indent(s, prefix string) string {
	return prefix + strings.ReplaceAll(s, "\n", "\n"+prefix)
}
