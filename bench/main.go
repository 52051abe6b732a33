// SPDX-License-Identifier: Apache-2.0

package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"
)

const modulePath = "github.com/medgo-lab/medgo"

// options are the command-line settings.
type options struct {
	sections   map[string]bool
	cnn        CNNConfig
	seq        SeqConfig
	python     string
	threads    int
	reruns     int
	install    bool
	write      bool
	out        string
	cpuProfile string
	engines    []string // engines the Go sections run on, each in its own process
	busy       int      // CPU-bound processes kept running while measuring, to see behaviour under load
	cells      []string // recurrent cells to time
}

var allSections = []string{"cnn", "rnn", "transformer", "torch", "cells"}

func main() {
	if path := os.Getenv(childEnv); path != "" {
		os.Exit(childMain(path, os.Args[1:]))
	}
	if os.Getenv(busyEnv) != "" {
		spin()
	}
	os.Exit(cmdMain(os.Args[1:], os.Stdout, os.Stderr))
}

func cmdMain(args []string, stdout, stderr io.Writer) int {
	opt, err := parseFlags(args, stderr)
	if err != nil {
		if err == flag.ErrHelp {
			return 0
		}
		fmt.Fprintln(stderr, "bench:", err)
		return 2
	}
	root, err := findRoot()
	if err != nil {
		fmt.Fprintln(stderr, "bench:", err)
		return 1
	}
	r := newReport(args, opt)
	progress := func(format string, a ...any) { fmt.Fprintf(stderr, "bench: "+format+"\n", a...) }
	stop, err := startBusy(opt.busy)
	if err != nil {
		fmt.Fprintln(stderr, "bench:", err)
		return 1
	}
	r.Busy = opt.busy
	runSections(r, opt, args, root, progress)
	stop()
	r.LoadEnd = loadAvg()
	r.Elapsed = time.Since(r.Started)
	if err := r.WriteMarkdown(stdout); err != nil {
		fmt.Fprintln(stderr, "bench:", err)
		return 1
	}
	if opt.write {
		path := opt.out
		if path == "" {
			path = filepath.Join(root, "bench", "RESULTS.md")
		}
		f, err := os.Create(path)
		if err == nil {
			err = r.WriteMarkdown(f)
			if cerr := f.Close(); err == nil {
				err = cerr
			}
		}
		if err != nil {
			fmt.Fprintln(stderr, "bench: writing the results:", err)
			return 1
		}
		progress("results written to %s", path)
	}
	if len(r.AllErrors()) > 0 {
		return 1
	}
	return 0
}

func parseFlags(args []string, stderr io.Writer) (*options, error) {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: go run ./bench [flags]\n\nMeasures mlkit's training speed on the pure-Go backend and on ONNX Runtime against PyTorch on the same CPU, and notebook cell latency.\n\nFlags:")
		fs.PrintDefaults()
	}
	opt := &options{}
	sections := fs.String("sections", strings.Join(allSections, ","), "sections to run, comma separated: "+strings.Join(allSections, ", "))
	fs.IntVar(&opt.cnn.Batch, "cnn-batch", 64, "seed CNN training batch")
	fs.IntVar(&opt.cnn.Warmup, "cnn-warmup", 3, "seed CNN training steps before timing")
	fs.IntVar(&opt.cnn.Steps, "cnn-steps", 20, "seed CNN timed training steps")
	fs.IntVar(&opt.cnn.EvalBatch, "eval-batch", 256, "seed CNN inference batch")
	fs.IntVar(&opt.cnn.EvalN, "eval-n", 2048, "seed CNN examples timed for inference")
	fs.IntVar(&opt.seq.Batch, "seq-batch", 32, "batch of the sequence models")
	fs.IntVar(&opt.seq.Hidden, "hidden", 64, "LSTM and GRU units")
	lengths := fs.String("lengths", "50,100,200", "LSTM and GRU sequence lengths, increasing")
	cells := fs.String("rnn-cells", "lstm,gru", "recurrent cells to time: lstm, gru or both")
	fs.IntVar(&opt.seq.Warmup, "seq-warmup", 2, "sequence-model training steps before timing")
	fs.IntVar(&opt.seq.Steps, "seq-steps", 10, "sequence-model timed training steps")
	fs.IntVar(&opt.seq.TLength, "transformer-length", 60, "transformer sequence length")
	fs.IntVar(&opt.seq.TDim, "transformer-dim", 64, "transformer model width")
	fs.IntVar(&opt.seq.TBlocks, "transformer-blocks", 2, "transformer encoder blocks")
	fs.StringVar(&opt.python, "python", "/usr/bin/python3", "Python with jupyter_client (cells) and torch (PyTorch comparison)")
	fs.IntVar(&opt.threads, "threads", runtime.NumCPU(), "PyTorch threads (torch.set_num_threads)")
	fs.IntVar(&opt.reruns, "reruns", 5, "warm re-runs of the notebook cell")
	fs.BoolVar(&opt.install, "install", true, "run medgo install (into a temporary Jupyter data directory) before timing the first cell")
	fs.BoolVar(&opt.write, "write", false, "write the results to bench/RESULTS.md")
	fs.StringVar(&opt.out, "out", "", "with --write: the file to write instead of bench/RESULTS.md")
	engines := fs.String("engines", strings.Join(allEngines, ","), "engines the Go sections run on, each in a process of its own: "+strings.Join(allEngines, ", "))
	fs.IntVar(&opt.busy, "busy", 0, "keep this many CPU-bound processes running while measuring (load the machine on purpose, e.g. 1 on 2 cores)")
	fs.DurationVar(&stepTimeout, "step-timeout", stepTimeout, "longest a single training step may take before it is reported as hung")
	fs.StringVar(&opt.cpuProfile, "cpuprofile", "", "write a CPU profile of the Go sections to this file and add its top functions to the report")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected argument %q; every setting is a flag (see -h)", fs.Arg(0))
	}
	opt.seq.Vocab, opt.seq.Classes = 8, 3
	opt.sections = map[string]bool{}
	for s := range strings.SplitSeq(*sections, ",") {
		s = strings.TrimSpace(s)
		if s == "" {
			continue
		}
		if !contains(allSections, s) {
			return nil, fmt.Errorf("--sections: unknown section %q; choose among %s", s, strings.Join(allSections, ", "))
		}
		opt.sections[s] = true
	}
	for e := range strings.SplitSeq(*engines, ",") {
		e = strings.TrimSpace(e)
		if !contains(allEngines, e) {
			return nil, fmt.Errorf("--engines: unknown engine %q; choose among %s", e, strings.Join(allEngines, ", "))
		}
		opt.engines = append(opt.engines, e)
	}
	for c := range strings.SplitSeq(*cells, ",") {
		c = strings.TrimSpace(c)
		if c != "lstm" && c != "gru" {
			return nil, fmt.Errorf("--rnn-cells: unknown cell %q; choose lstm, gru or lstm,gru", c)
		}
		opt.cells = append(opt.cells, c)
	}
	prev := 0
	for s := range strings.SplitSeq(*lengths, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n <= prev {
			return nil, fmt.Errorf("--lengths %q: want increasing positive integers such as 50,100,200", *lengths)
		}
		opt.seq.Lengths = append(opt.seq.Lengths, n)
		prev = n
	}
	for name, v := range map[string]int{"cnn-batch": opt.cnn.Batch, "cnn-steps": opt.cnn.Steps, "eval-batch": opt.cnn.EvalBatch,
		"eval-n": opt.cnn.EvalN, "seq-batch": opt.seq.Batch, "hidden": opt.seq.Hidden, "seq-steps": opt.seq.Steps,
		"transformer-length": opt.seq.TLength, "transformer-dim": opt.seq.TDim, "transformer-blocks": opt.seq.TBlocks,
		"threads": opt.threads, "reruns": opt.reruns, "busy": opt.busy + 1} {
		if v < 1 {
			return nil, fmt.Errorf("--%s=%d: must be at least 1", name, v)
		}
	}
	if opt.cnn.Warmup < 1 || opt.seq.Warmup < 1 {
		return nil, fmt.Errorf("--cnn-warmup and --seq-warmup must be at least 1 (the first step compiles the graph)")
	}
	return opt, nil
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func newReport(args []string, opt *options) *Report {
	cmd := "go run ./bench"
	if len(args) > 0 {
		cmd += " " + strings.Join(args, " ")
	}
	if exp := goExperiment(); exp != "" {
		cmd = "GOEXPERIMENT=" + exp + " " + cmd
	}
	if dbg := os.Getenv("GODEBUG"); dbg != "" {
		cmd = "GODEBUG=" + dbg + " " + cmd // cpu.fma=off changes exp's speed (see kernel/install.go)
	}
	if os.Getenv("MAKELEVEL") != "" {
		cmd = "make bench → " + cmd
	}
	return &Report{
		Command: cmd, Started: time.Now(), CPU: cpuModel(), Cores: runtime.NumCPU(), GOMAXPROCS: runtime.GOMAXPROCS(0),
		Memory: memTotal(), LoadStart: loadAvg(), Go: runtime.Version(), Experiment: goExperiment(),
		GoMLX: moduleVersion("github.com/gomlx/gomlx"), Compute: moduleVersion("github.com/gomlx/compute"),
		ComputeONNX: moduleVersion("github.com/gomlx/compute-onnx"),
		CNNConfig:   opt.cnn, SeqConfig: opt.seq,
	}
}

// runSections runs the selected sections in order: the Go sections once per engine, each in a
// process of its own, then PyTorch and the notebook cells, recording failures in the report.
func runSections(r *Report, opt *options, args []string, root string, progress func(string, ...any)) {
	fail := func(section string, err error) {
		progress("%s failed: %v", section, err)
		r.Errors = append(r.Errors, SectionError{Section: section, Err: err.Error()})
	}
	if opt.sections["cnn"] || opt.sections["rnn"] || opt.sections["transformer"] {
		for _, e := range opt.engines {
			run := runEngine(e, args, progress)
			if run.Unavailable != "" {
				progress("%s: not measured (%s)", engineTitle(e), run.Unavailable)
			}
			r.Runs = append(r.Runs, run)
		}
	}
	if opt.sections["torch"] {
		progress("PyTorch (%s, %d threads) …", opt.python, opt.threads)
		var cnn *CNNConfig
		var seq *SeqConfig
		if opt.sections["cnn"] {
			cnn = &opt.cnn
		}
		if opt.sections["rnn"] {
			seq = &opt.seq
		}
		var err error
		if r.Torch, err = runTorch(opt.python, opt.threads, cnn, seq); err != nil {
			fail("PyTorch", err)
		} else if r.Torch.Unavailable != "" {
			progress("PyTorch: not available (%s)", r.Torch.Unavailable)
		} else if opt.threads > 1 {
			progress("PyTorch with 1 thread …")
			if r.Torch1, err = runTorch(opt.python, 1, cnn, seq); err != nil {
				fail("PyTorch (1 thread)", err)
			}
		}
	}
	if opt.sections["cells"] {
		progress("notebook cells through the Jupyter client …")
		var err error
		if r.Cells, err = benchCells(root, opt.python, opt.reruns, opt.install); err != nil {
			fail("notebook cells", err)
		}
	}
}

// profileTop lists the functions that used the most CPU in a profile written by this program.
func profileTop(path string) (string, error) {
	args := []string{"tool", "pprof", "-top", "-nodecount=25"}
	if exe, err := os.Executable(); err == nil {
		args = append(args, exe)
	}
	out, err := exec.Command("go", append(args, path)...).CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("go tool pprof: %v\n%s", err, tail(string(out), 1000))
	}
	return string(out), nil
}

// findRoot is the MedGo checkout at or above the working directory.
func findRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for d := dir; ; d = filepath.Dir(d) {
		if moduleOf(filepath.Join(d, "go.mod")) == modulePath {
			return d, nil
		}
		if filepath.Dir(d) == d {
			return "", fmt.Errorf("no MedGo checkout at or above %s (looked for go.mod declaring %s); run the benchmark inside the checkout", dir, modulePath)
		}
	}
}

func moduleOf(goMod string) string {
	f, err := os.Open(goMod)
	if err != nil {
		return ""
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		if f := strings.Fields(s.Text()); len(f) == 2 && f[0] == "module" {
			return f[1]
		}
	}
	return ""
}
