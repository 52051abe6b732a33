// SPDX-License-Identifier: Apache-2.0

package main

// Results recording: a full (not quick) "medgo run" of the bundled notebooks records in
// notebooks/RESULTS.md what each notebook measured, with the machine and toolchain it ran on.
// Rows of notebooks that were not part of the run are kept with the date of their own run, so a
// notebook can be rerun alone without losing the others' figures.

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"time"
)

// defaultResultsFile is where a full run records its results, relative to the checkout.
const defaultResultsFile = "notebooks/RESULTS.md"

// resultRow is one notebook's line in a results table: the book's index and RESULTS.md.
type resultRow struct {
	Notebook string
	Title    string // first heading of the notebook, when known
	Status   string // "ok", or what went wrong and in which cell
	OK       bool
	Wall     time.Duration
	Metrics  map[string]string // headline figures recorded with display.Record
	Backend  string            // compute backend(s) the training progress reported; "" if none
	Date     time.Time         // when the run that produced the row was made; zero if unknown
}

// rowFromResult turns a medgo run result into a table row, reading the backend off the
// executed notebook.
func rowFromResult(r NotebookResult) resultRow {
	row := resultRow{Notebook: r.Notebook, Status: r.Status, OK: r.OK(), Wall: r.Wall, Metrics: r.Measurements}
	if !r.OK() && r.FailedCell > 0 {
		row.Status = fmt.Sprintf("%s in %s", r.Status, r.cellName())
	}
	if r.Executed != "" {
		if nb, err := loadIpynb(r.Executed); err == nil {
			row.Backend = backendOf(nb)
			row.Title = notebookTitle(nb)
		}
	}
	return row
}

// runInfo says when, where and how the notebooks were run.
type runInfo struct {
	Date    time.Time
	Machine string // CPU model and count, and GPUs when nvidia-smi lists any
	Go      string // Go version, with GOEXPERIMENT when set
	Kernel  string // the kernel's settings that change speed: backend, GOEXPERIMENT, GODEBUG
	Engine  string // the kernel's engine, "ONNX Runtime 1.30.0" or "pure Go"; not written out
	Command string
}

// resultsFile decides where medgo run records its results: the path given with --results
// (none when it is empty), else notebooks/RESULTS.md in the checkout, but only for a full run
// of notebooks that live in the checkout's notebooks directory, so that quick runs and runs of
// other notebooks never touch it.
func resultsFile(fs *flag.FlagSet, value, root string, quick bool) string {
	explicit := false
	fs.Visit(func(f *flag.Flag) { explicit = explicit || f.Name == "results" })
	if explicit {
		return value
	}
	if quick || value == "" {
		return ""
	}
	dir := filepath.Join(root, "notebooks")
	for _, nb := range fs.Args() {
		abs, err := filepath.Abs(nb)
		if err != nil || filepath.Dir(abs) != dir {
			return ""
		}
	}
	return filepath.Join(root, value)
}

// writeResults records the results of a run in the Markdown file at path. Rows already in the
// file for notebooks outside this run are kept while the notebook still exists (keep reports
// that), so that rerunning one notebook updates its row only.
func writeResults(path string, results []NotebookResult, command string, keep func(notebook string) bool) error {
	info := currentRunInfo(command)
	rows := make([]resultRow, 0, len(results))
	ran := map[string]bool{}
	var failures []string
	for _, r := range results {
		row := rowFromResult(r)
		row.Date = info.Date
		if row.Backend == "" && row.OK && len(row.Metrics) > 0 && info.Engine != "" {
			// Quiet training shows no progress to read the backend from; the cells ran on the
			// kernel's engine all the same.
			row.Backend = info.Engine + " (the kernel's engine; no training progress shown)"
		}
		rows = append(rows, row)
		ran[r.Notebook] = true
		if !r.OK() {
			failures = append(failures, fmt.Sprintf("%s: %s", r.Notebook, firstLine(r.ErrorText)))
		}
	}
	if old, err := os.ReadFile(path); err == nil {
		oldRows, oldFailures := parseResults(string(old))
		for _, row := range oldRows {
			if !ran[row.Notebook] && keep(row.Notebook) {
				rows = append(rows, row)
				failures = append(failures, oldFailures[row.Notebook]...)
			}
		}
	}
	sort.Slice(rows, func(i, j int) bool { return rows[i].Notebook < rows[j].Notebook })
	sort.Strings(failures)
	text := formatResults(rows, info, failures)
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, []byte(text), 0o644); err != nil {
		return fmt.Errorf("cannot record the results in %s: %w (pass --results PATH for another file, or --results= to skip)", path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("cannot record the results in %s: %w", path, err)
	}
	return nil
}

// resultsDateFormat is how a row's run date is written.
const resultsDateFormat = "2006-01-02 15:04"

// parseResults reads back the table rows and failure lines of a results file that
// formatResults wrote. Lines it does not recognise are ignored: the file is regenerated anyway.
func parseResults(text string) (rows []resultRow, failures map[string][]string) {
	failures = map[string][]string{}
	inFailures := false
	for _, line := range strings.Split(text, "\n") {
		switch {
		case line == "Failures:":
			inFailures = true
		case inFailures && strings.HasPrefix(line, "- "):
			if name, _, ok := strings.Cut(line[2:], ": "); ok {
				failures[name] = append(failures[name], line[2:])
			}
		case inFailures && line != "":
			inFailures = false
		}
		cells := tableCells(line)
		if len(cells) != 6 || cells[0] == "Notebook" || strings.HasPrefix(cells[0], ":-") {
			continue
		}
		row := resultRow{Notebook: cells[0], Status: cells[1], OK: cells[1] == "ok", Wall: parseWall(cells[2]),
			Metrics: parseMetrics(cells[3])}
		if cells[4] != "–" {
			row.Backend = cells[4]
		}
		if d, err := time.Parse(resultsDateFormat, cells[5]); err == nil {
			row.Date = d
		}
		rows = append(rows, row)
	}
	return rows, failures
}

// tableCells splits a Markdown table line into its cells, undoing mdCell's escaping; nil when
// the line is not a table row.
func tableCells(line string) []string {
	if !strings.HasPrefix(line, "| ") || !strings.HasSuffix(line, " |") {
		return nil
	}
	var cells []string
	var cell strings.Builder
	body := line[1 : len(line)-1]
	for i := 0; i < len(body); i++ {
		switch {
		case body[i] == '\\' && i+1 < len(body) && body[i+1] == '|':
			cell.WriteByte('|')
			i++
		case body[i] == '|':
			cells = append(cells, strings.TrimSpace(cell.String()))
			cell.Reset()
		default:
			cell.WriteByte(body[i])
		}
	}
	return append(cells, strings.TrimSpace(cell.String()))
}

// parseMetrics reads metricsText's "NAME=VALUE, NAME=VALUE" back.
func parseMetrics(s string) map[string]string {
	if s == "–" || s == "" {
		return nil
	}
	m := map[string]string{}
	for _, part := range strings.Split(s, ", ") {
		if k, v, ok := strings.Cut(part, "="); ok {
			m[k] = v
		}
	}
	return m
}

// parseWall reads formatWall's text back; 0 for "–" or anything else.
func parseWall(s string) time.Duration {
	if strings.HasSuffix(s, "s") && !strings.ContainsAny(s, "hm") {
		if f, err := strconv.ParseFloat(strings.TrimSuffix(s, "s"), 64); err == nil {
			return time.Duration(f * float64(time.Second))
		}
		return 0
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0
	}
	return d
}

// formatResults renders the results as a Markdown document: a table with one row per
// notebook, the total wall time, the failures' first lines, and how the latest run was made.
func formatResults(rows []resultRow, info runInfo, failures []string) string {
	var b strings.Builder
	b.WriteString("# Notebook results\n\n")
	b.WriteString("<!-- Generated by medgo run: a full run of bundled notebooks updates their rows. -->\n\n")
	b.WriteString("| Notebook | Status | Wall time | Headline metrics | Backend | Run (UTC) |\n")
	b.WriteString("|:--|:--|--:|:--|:--|:--|\n")
	var total time.Duration
	for _, r := range rows {
		date := "–"
		if !r.Date.IsZero() {
			date = r.Date.UTC().Format(resultsDateFormat)
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s |\n", mdCell(r.Notebook), mdCell(r.Status), formatWall(r.Wall),
			mdCell(metricsText(r.Metrics, ", ")), mdCell(orDash(r.Backend)), date)
		total += r.Wall
	}
	fmt.Fprintf(&b, "\nTotal wall time: %s for %d notebooks.\n", formatWall(total), len(rows))
	if len(failures) > 0 {
		b.WriteString("\nFailures:\n\n")
		for _, f := range failures {
			fmt.Fprintf(&b, "- %s\n", f)
		}
	}
	fmt.Fprintf(&b, "\nLatest run:\n\n")
	fmt.Fprintf(&b, "- Date: %s\n", info.Date.UTC().Format("2006-01-02 15:04 UTC"))
	fmt.Fprintf(&b, "- Machine: %s\n", info.Machine)
	fmt.Fprintf(&b, "- Go: %s\n", info.Go)
	if info.Kernel != "" {
		fmt.Fprintf(&b, "- Kernel environment: %s\n", info.Kernel)
	}
	fmt.Fprintf(&b, "- Command: `%s`\n", info.Command)
	return b.String()
}

// mdCell makes text safe inside a Markdown table cell.
func mdCell(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	return strings.ReplaceAll(s, "|", `\|`)
}

func firstLine(s string) string {
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			if len(l) > 200 {
				l = l[:200] + "…"
			}
			return l
		}
	}
	return "(no error text)"
}

// metricsText lists the metrics as NAME=VALUE in name order, or "–" when there are none.
func metricsText(m map[string]string, sep string) string {
	if len(m) == 0 {
		return "–"
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + "=" + m[k]
	}
	return strings.Join(parts, sep)
}

func orDash(s string) string {
	if s == "" {
		return "–"
	}
	return s
}

// formatWall writes a duration the way a person reads it: "0.4s", "42.0s", "3m07s", "1h02m09s".
func formatWall(d time.Duration) string {
	switch {
	case d <= 0:
		return "–"
	case d < time.Minute:
		return fmt.Sprintf("%.1fs", d.Seconds())
	}
	s := int(d.Round(time.Second).Seconds())
	if s < 3600 {
		return fmt.Sprintf("%dm%02ds", s/60, s%60)
	}
	return fmt.Sprintf("%dh%02dm%02ds", s/3600, s/60%60, s%60)
}

// currentRunInfo describes this machine and toolchain, and the installed kernel as its
// kernelspec says (nothing of it when the kernelspec cannot be read).
func currentRunInfo(command string) runInfo {
	info := runInfo{Date: time.Now(), Command: command, Go: toolchainText()}
	if spec, _, err := installedKernelSpec(); err == nil {
		info.Kernel, info.Engine = kernelSettings(spec.Env), engineName(spec.Env)
	}
	cpuinfo, _ := os.ReadFile("/proc/cpuinfo")
	info.Machine = machineText(cpuModel(string(cpuinfo)), runtime.NumCPU(), gpuNames())
	return info
}

// kernelSettings lists the kernel environment's settings that change how fast cells run, as
// NAME=VALUE.
func kernelSettings(env map[string]string) string {
	var parts []string
	for _, name := range []string{"GOMLX_BACKEND", "MEDGO_BACKEND", "GOFLAGS", "GOEXPERIMENT", "GODEBUG"} {
		if v, ok := env[name]; ok {
			parts = append(parts, name+"="+v)
		}
	}
	return strings.Join(parts, " ")
}

// cpuModel is the processor name in /proc/cpuinfo ("model name", or "Model" on some ARM
// boards), or "" when it names none.
func cpuModel(cpuinfo string) string {
	sc := bufio.NewScanner(strings.NewReader(cpuinfo))
	fallback := ""
	for sc.Scan() {
		key, value, ok := strings.Cut(sc.Text(), ":")
		if !ok {
			continue
		}
		key, value = strings.TrimSpace(key), strings.Join(strings.Fields(value), " ")
		switch key {
		case "model name":
			if value != "" {
				return value
			}
		case "Model", "cpu model":
			if fallback == "" {
				fallback = value
			}
		}
	}
	return fallback
}

func machineText(cpu string, cpus int, gpus []string) string {
	if cpu == "" {
		cpu = runtime.GOOS + "/" + runtime.GOARCH
	}
	s := fmt.Sprintf("%s, %d logical CPUs", cpu, cpus)
	if len(gpus) > 0 {
		s += ", GPU: " + strings.Join(gpus, ", ")
	}
	return s
}

// gpuNames lists NVIDIA GPUs through nvidia-smi when it is installed.
func gpuNames() []string {
	smi, err := exec.LookPath("nvidia-smi")
	if err != nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, smi, "--query-gpu=name", "--format=csv,noheader").Output()
	if err != nil {
		return nil
	}
	var names []string
	for _, l := range strings.Split(string(out), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			names = append(names, l)
		}
	}
	return names
}

// toolchainText is the version of the go command that builds the notebooks' cells, with
// GOEXPERIMENT when set; the version medgo was built with when there is no go command.
func toolchainText() string {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, "go", "env", "GOVERSION", "GOEXPERIMENT").Output()
	if err != nil {
		return runtime.Version()
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	v := strings.TrimSpace(lines[0])
	if v == "" {
		v = runtime.Version()
	}
	if len(lines) > 1 && strings.TrimSpace(lines[1]) != "" {
		v += ", GOEXPERIMENT=" + strings.TrimSpace(lines[1])
	}
	return v
}

// shellJoin quotes arguments the way a POSIX shell would read them back.
func shellJoin(args []string) string {
	quoted := make([]string, len(args))
	for i, a := range args {
		if a != "" && strings.Trim(a, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_=./:,+@%") == "" {
			quoted[i] = a
		} else {
			quoted[i] = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
		}
	}
	return strings.Join(quoted, " ")
}
