// SPDX-License-Identifier: Apache-2.0

package main

// medgo report: a trained run's model report (mlkit/report), written into the run's
// directory. The report is made by a small program built in a notebook's workspace, the
// way a cell would call report.Write: medgo itself stays free of mlkit, and the report is
// the one the installed mlkit writes.

import (
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// reportProgram writes the report of the run directory it is given; it prints the HTML
// report's path.
const reportProgram = `package main

import (
	"fmt"
	"os"

	"github.com/medgo-lab/medgo/mlkit/report"
)

func main() {
	rep, err := report.Write(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Println(rep.Path())
}
`

func cmdReport(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("report", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: medgo report RUN   (write a trained run's model report: report.html and report.md in its directory)")
		fmt.Fprintln(stderr, "RUN is a run directory or a run's name, looked up in $MEDGO_RUNS, ./runs, and the checkout's out/runs, out/quick/runs and notebooks/runs.")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return 2
	}
	root, err := findRoot()
	if err != nil {
		fmt.Fprintln(stderr, "medgo report:", err)
		return 1
	}
	dir, err := findRun(root, fs.Arg(0))
	if err != nil {
		fmt.Fprintln(stderr, "medgo report:", err)
		return 1
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		fmt.Fprintln(stderr, "medgo report: the go command is needed to build the report; install Go and run make setup")
		return 1
	}
	path, err := writeReport(root, goBin, dir)
	if err != nil {
		fmt.Fprintln(stderr, "medgo report:", err)
		return 1
	}
	fmt.Fprintf(stdout, "Wrote the model report of %s:\n  %s\n  %s\n", dir, path, filepath.Join(filepath.Dir(path), "report.md"))
	return 0
}

// findRun resolves a run's name or directory to its absolute directory.
func findRun(root, run string) (string, error) {
	var looked []string
	try := func(dir string) (string, bool) {
		abs, err := filepath.Abs(dir)
		if err != nil {
			return "", false
		}
		looked = append(looked, abs)
		if _, err := os.Stat(filepath.Join(abs, "model.json")); err == nil {
			return abs, true
		}
		return "", false
	}
	if d, ok := try(run); ok {
		return d, nil
	}
	if !strings.ContainsRune(run, os.PathSeparator) {
		var dirs []string
		if d := os.Getenv("MEDGO_RUNS"); d != "" {
			dirs = append(dirs, d)
		}
		dirs = append(dirs, "runs", filepath.Join(root, "out", "runs"), filepath.Join(root, "out", "quick", "runs"), filepath.Join(root, "notebooks", "runs"))
		for _, base := range dirs {
			if d, ok := try(filepath.Join(base, run)); ok {
				return d, nil
			}
		}
	}
	return "", fmt.Errorf("no run %q: none of these holds a model.json:\n  %s\ntrain it first (train.New(%q, model)...Fit(split)), or pass the run's directory", run, strings.Join(looked, "\n  "), run)
}

// writeReport builds and runs reportProgram in a notebook's workspace with the kernel's
// environment, and returns the path of the HTML report.
func writeReport(root, goBin, runDir string) (string, error) {
	ws, err := newCellWorkspace(root, goBin, kernelEnv(root, goBin), "medgo_report", reportProgram)
	if err != nil {
		return "", err
	}
	defer ws.remove()
	out, err := ws.run("build", "-o", "report", ".")
	if err != nil {
		return "", err
	}
	cmd := exec.Command(filepath.Join(ws.dir, "report"), runDir)
	cmd.Env = ws.env
	var stderr strings.Builder
	cmd.Stderr = &stderr
	raw, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("writing the report of %s: %s%s", runDir, strings.TrimSpace(stderr.String()), strings.TrimSpace(out))
	}
	return strings.TrimSpace(string(raw)), nil
}
