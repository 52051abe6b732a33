// SPDX-License-Identifier: Apache-2.0

package main

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

//go:embed torch_bench.py
var torchScript string

// TorchTiming is one timing from the PyTorch script, in seconds.
type TorchTiming struct {
	Median float64 `json:"median_s"`
	Mean   float64 `json:"mean_s"`
	Min    float64 `json:"min_s"`
	Length int     `json:"length,omitempty"`
}

// TorchResult is what the PyTorch script measured; Unavailable says why there is none.
type TorchResult struct {
	Unavailable string `json:"-"`
	ImportError string `json:"import_error"`
	Version     string `json:"torch"`
	Threads     int    `json:"threads"`
	CNN         *struct {
		Train       TorchTiming `json:"train"`
		TrainPerSec float64     `json:"train_per_sec"`
		Eval        TorchTiming `json:"eval"`
		EvalPerSec  float64     `json:"eval_per_sec"`
	} `json:"cnn"`
	LSTM []TorchTiming `json:"lstm"`
	GRU  []TorchTiming `json:"gru"`
}

// Step returns the median step time of a recurrent cell at a length, or 0.
func (t *TorchResult) Step(cell string, length int) time.Duration {
	if t == nil {
		return 0
	}
	list := t.LSTM
	if cell == "gru" {
		list = t.GRU
	}
	for _, s := range list {
		if s.Length == length {
			return time.Duration(s.Median * float64(time.Second))
		}
	}
	return 0
}

// torchInstalled reports, without importing it (which takes seconds), whether python has
// torch, and otherwise why not.
func torchInstalled(python string) error {
	if _, err := os.Stat(python); err != nil {
		return fmt.Errorf("%s not found", python)
	}
	out, err := exec.Command(python, "-c", "import importlib.util, sys; sys.exit(importlib.util.find_spec('torch') is None)").CombinedOutput()
	if err != nil {
		msg := strings.TrimSpace(string(out))
		if msg == "" {
			msg = "no module named torch"
		}
		return fmt.Errorf("%s under %s; install the Debian package python3-torch (make bench does when it can)", msg, python)
	}
	return nil
}

// runTorch runs the PyTorch script with the same sizes as the Go measurements. When PyTorch is
// missing it returns a result whose Unavailable says why, and no error.
func runTorch(python string, threads int, cnn *CNNConfig, seq *SeqConfig) (*TorchResult, error) {
	if err := torchInstalled(python); err != nil {
		return &TorchResult{Unavailable: err.Error()}, nil
	}
	cfg := map[string]any{"threads": threads}
	if cnn != nil {
		cfg["cnn"] = map[string]any{"batch": cnn.Batch, "warmup": cnn.Warmup, "steps": cnn.Steps,
			"eval_batch": cnn.EvalBatch, "eval_n": cnn.EvalN}
	}
	if seq != nil {
		cfg["rnn"] = map[string]any{"batch": seq.Batch, "hidden": seq.Hidden, "lengths": seq.Lengths,
			"vocab": seq.Vocab, "classes": seq.Classes, "embed": 32, "warmup": seq.Warmup, "steps": seq.Steps}
	}
	arg, err := json.Marshal(cfg)
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "medgo-bench-torch-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	script := filepath.Join(dir, "torch_bench.py")
	if err := os.WriteFile(script, []byte(torchScript), 0o644); err != nil {
		return nil, err
	}
	cmd := exec.Command(python, script, string(arg))
	n := fmt.Sprint(threads) // also for the BLAS and OpenMP pools, so that none has more threads
	cmd.Env = append(os.Environ(), "OMP_NUM_THREADS="+n, "OPENBLAS_NUM_THREADS="+n, "MKL_NUM_THREADS="+n)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("PyTorch benchmark failed: %v\n%s", err, tail(stderr.String(), 2000))
	}
	lines := strings.Split(strings.TrimSpace(stdout.String()), "\n")
	var res TorchResult
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &res); err != nil {
		return nil, fmt.Errorf("reading the PyTorch benchmark's result: %v\n%s", err, tail(stdout.String(), 2000))
	}
	if res.ImportError != "" {
		return &TorchResult{Unavailable: "import torch failed under " + python + ": " + res.ImportError}, nil
	}
	return &res, nil
}

// tail returns the last n bytes of s.
func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "…" + s[len(s)-n:]
}
