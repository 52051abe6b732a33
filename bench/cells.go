// SPDX-License-Identifier: Apache-2.0

package main

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

//go:embed cells.py
var cellsScript string

// cellMarker is printed by the benchmark cell, so a run that printed nothing is caught.
const cellMarker = "medgo-bench-cell"

// benchCell is a typical first notebook cell: it imports mlkit and its training packages and
// uses them.
const benchCell = `import (
	"fmt"

	"github.com/medgo-lab/medgo/mlkit"
	"github.com/medgo-lab/medgo/mlkit/data"
	"github.com/medgo-lab/medgo/mlkit/models"
	"github.com/medgo-lab/medgo/mlkit/train"
)

%%
m := models.SeedCNN()
fmt.Println("` + cellMarker + `", m.Kind(), data.MultiClass, mlkit.Quick(), train.RunsDir("") != "")
`

// CellResult is the latency of notebook cells run through the Jupyter client.
type CellResult struct {
	Install     time.Duration // medgo install, when the benchmark ran it
	Installed   bool
	KernelStart time.Duration   // start_new_kernel until the kernel is ready
	First       time.Duration   // the first cell in the fresh kernel
	Reruns      []time.Duration // the same cell again, in order
	Edited      []time.Duration // the cell with one more line each time, so it is compiled again
	Cell        string
}

// WarmMedian is the median re-run.
func (c *CellResult) WarmMedian() time.Duration { return median(c.Reruns) }

// EditedMedian is the median run of an edited cell.
func (c *CellResult) EditedMedian() time.Duration { return median(c.Edited) }

func median(d []time.Duration) time.Duration {
	if len(d) == 0 {
		return 0
	}
	s := slices.Clone(d)
	slices.Sort(s)
	if len(s)%2 == 0 {
		return (s[len(s)/2-1] + s[len(s)/2]) / 2
	}
	return s[len(s)/2]
}

// benchCells runs `medgo install` (when install is set) into a fresh Jupyter data directory,
// then, through python's jupyter_client, starts a fresh "medgo" kernel, runs benchCell once,
// re-runs it reruns times unchanged and reruns times edited. Without install it uses the kernelspec already installed.
func benchCells(root, python string, reruns int, install bool) (*CellResult, error) {
	if out, err := exec.Command(python, "-c", "import jupyter_client").CombinedOutput(); err != nil {
		return nil, fmt.Errorf("%s cannot import jupyter_client (%v: %s); run make setup", python, err, strings.TrimSpace(string(out)))
	}
	dir, err := os.MkdirTemp("", "medgo-bench-cells-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	env := os.Environ()
	res := &CellResult{Cell: benchCell}
	if install {
		medgo := filepath.Join(root, "bin", "medgo")
		if _, err := os.Stat(medgo); err != nil {
			medgo = filepath.Join(dir, "medgo")
			if out, err := goCmd(root, "build", "-o", medgo, "./kernel"); err != nil {
				return nil, fmt.Errorf("building the medgo command: %v\n%s", err, out)
			}
		}
		env = append(env, "JUPYTER_DATA_DIR="+filepath.Join(dir, "jupyter"))
		cmd := exec.Command(medgo, "install")
		cmd.Dir, cmd.Env = root, env
		start := time.Now()
		if out, err := cmd.CombinedOutput(); err != nil {
			return nil, fmt.Errorf("medgo install: %v\n%s", err, tail(string(out), 2000))
		}
		res.Install, res.Installed = time.Since(start), true
	}
	script, cell := filepath.Join(dir, "cells.py"), filepath.Join(dir, "cell.go")
	if err := os.WriteFile(script, []byte(cellsScript), 0o644); err != nil {
		return nil, err
	}
	if err := os.WriteFile(cell, []byte(benchCell), 0o644); err != nil {
		return nil, err
	}
	work := filepath.Join(dir, "work")
	if err := os.Mkdir(work, 0o755); err != nil {
		return nil, err
	}
	cmd := exec.Command(python, script, "medgo", cell, fmt.Sprint(reruns), cellMarker)
	cmd.Dir, cmd.Env = work, append(env, "MEDGO_RUNS="+filepath.Join(dir, "runs"))
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("driving the kernel: %v\n%s", err, tail(stderr.String(), 3000))
	}
	lines := strings.Split(strings.TrimSpace(stdout.String()), "\n")
	var out struct {
		Start  float64   `json:"start_s"`
		Runs   []float64 `json:"runs"`
		Edited []float64 `json:"edited"`
		Errors []string  `json:"errors"`
	}
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &out); err != nil {
		return nil, fmt.Errorf("reading the cell timings: %v\n%s", err, tail(stdout.String(), 2000))
	}
	if len(out.Errors) > 0 {
		return nil, errors.New("the benchmark cell failed: " + strings.Join(out.Errors, "\n"))
	}
	if len(out.Runs) != 1+reruns || len(out.Edited) != reruns {
		return nil, fmt.Errorf("the kernel ran the cell %d+%d times, want %d+%d", len(out.Runs), len(out.Edited), 1+reruns, reruns)
	}
	sec := func(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }
	res.KernelStart = sec(out.Start)
	res.First = sec(out.Runs[0])
	for _, r := range out.Runs[1:] {
		res.Reruns = append(res.Reruns, sec(r))
	}
	for _, r := range out.Edited {
		res.Edited = append(res.Edited, sec(r))
	}
	return res, nil
}

// goCmd runs the go command in dir and returns its combined output.
func goCmd(dir string, args ...string) (string, error) {
	cmd := exec.Command("go", args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	return string(out), err
}
