// SPDX-License-Identifier: Apache-2.0

package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"slices"
	"strings"
	"time"

	"github.com/gomlx/compute"

	"github.com/medgo-lab/medgo/mlkit/backend"
	"github.com/medgo-lab/medgo/mlkit/data"
)

// Engines the Go sections can run on, by --engines name.
const (
	engineGo   = "go"
	engineONNX = "onnx"
)

var allEngines = []string{engineGo, engineONNX}

// engineTitle is an engine's name in the report.
func engineTitle(name string) string {
	switch name {
	case engineGo:
		return "pure Go"
	case engineONNX:
		return "ONNX Runtime"
	}
	return name
}

// EngineRun is what the Go sections measured on one engine, in a process of its own.
type EngineRun struct {
	Engine      string // engineGo or engineONNX
	Config      string // the MEDGO_BACKEND the process ran with
	Backend     string // backend.Describe() in that process
	Unavailable string // why the engine could not run; the figures are then nil

	CNN         *CNNResult
	LSTM, GRU   *RNNResult
	Transformer *TransformerResult
	Profile     string // go tool pprof -top output, when profiled

	// Errors holds the sections that failed, by name, in order.
	Errors []SectionError
	// Hangs holds the sections whose graph execution hung and that were measured again on
	// the fallback backend.
	Hangs []SectionError
}

// Title is the engine's name in the report.
func (e *EngineRun) Title() string { return engineTitle(e.Engine) }

// childEnv is set in an engine's process to the file its EngineRun is written to.
const childEnv = "MEDGO_BENCH_ENGINE_RUN"

// engineConfig is the MEDGO_BACKEND value that runs an engine, or why it cannot run here.
func engineConfig(name string) (config, unavailable string) {
	switch name {
	case engineGo:
		return backend.DefaultConfig, ""
	case engineONNX:
		if !slices.Contains(compute.List(), "onnx") {
			return "", "this benchmark was built without ONNX Runtime (cgo and -tags onnx); make bench builds it with bin/medgo env's settings"
		}
		lib, _, ok := backend.ONNXRuntimeLib()
		if !ok {
			return "", "no ONNX Runtime library provisioned: run bin/medgo install, or set " + backend.ONNXRuntimeLibEnv
		}
		return backend.ONNXConfig(lib), ""
	}
	return "", fmt.Sprintf("unknown engine %q", name)
}

// runEngine measures the Go sections on one engine in a new process of this program, so that
// each engine has a fresh process (memory, thread pools, backend) and both are measured in the
// same run of the benchmark.
func runEngine(name string, args []string, progress func(string, ...any)) *EngineRun {
	res := &EngineRun{Engine: name}
	config, why := engineConfig(name)
	if why != "" {
		res.Unavailable = why
		return res
	}
	res.Config = config
	exe, err := os.Executable()
	if err != nil {
		res.Unavailable = "cannot find this program to start it again: " + err.Error()
		return res
	}
	out, err := os.CreateTemp("", "medgo-bench-"+name+"-*.json")
	if err != nil {
		res.Unavailable = err.Error()
		return res
	}
	out.Close()
	defer os.Remove(out.Name())
	cmd := exec.Command(exe, args...)
	cmd.Env = append(os.Environ(), childEnv+"="+out.Name(), backend.EnvVar+"="+config)
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	progress("%s: measuring in a new process (%s=%s) …", engineTitle(name), backend.EnvVar, config)
	runErr := cmd.Run()
	raw, err := os.ReadFile(out.Name())
	if err == nil && len(raw) > 0 {
		err = json.Unmarshal(raw, res)
	} else if err == nil {
		err = errors.New("it wrote no results")
	}
	if err != nil {
		res.Errors = append(res.Errors, SectionError{Section: engineTitle(name), Err: fmt.Sprintf("the engine's process failed (%v): %v", runErr, err)})
	}
	return res
}

// childMain is an engine's process: the Go sections of opt on the backend MEDGO_BACKEND names,
// written as JSON to the file childEnv names.
func childMain(path string, args []string) int {
	opt, err := parseFlags(args, os.Stderr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		return 2
	}
	progress := func(format string, a ...any) { fmt.Fprintf(os.Stderr, "bench: "+format+"\n", a...) }
	res := &EngineRun{Engine: opt.engineName(), Config: os.Getenv(backend.EnvVar)}
	if _, err := backend.Get(); err != nil {
		res.Unavailable = err.Error()
	} else {
		res.Backend = backend.Describe()
		profile := opt.cpuProfile
		if profile != "" {
			profile = strings.TrimSuffix(profile, filepath.Ext(profile)) + "-" + res.Engine + filepath.Ext(profile)
		}
		goSections(res, opt, profile, progress)
	}
	raw, err := json.Marshal(res)
	if err == nil {
		err = os.WriteFile(path, raw, 0o644)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		return 1
	}
	return 0
}

// engineName is the engine an engine's process runs, from its MEDGO_BACKEND.
func (opt *options) engineName() string {
	if strings.HasPrefix(os.Getenv(backend.EnvVar), "onnx") {
		return engineONNX
	}
	return engineGo
}

// goSections runs the selected Go sections on the process's backend, recording failures.
func goSections(r *EngineRun, opt *options, cpuProfile string, progress func(string, ...any)) {
	fail := func(section string, err error) {
		progress("%s failed: %v", section, err)
		r.Errors = append(r.Errors, SectionError{Section: section, Err: err.Error()})
	}
	var profile *os.File
	if cpuProfile != "" {
		f, err := os.Create(cpuProfile)
		if err == nil {
			err = pprof.StartCPUProfile(f)
		}
		if err != nil {
			fail("cpuprofile", err)
		} else {
			profile = f
		}
	}
	// section runs one Go section; when a graph execution hangs, it notes the hang and runs the
	// section again on a fresh backend that executes operations one at a time.
	section := func(name string, f func() error) {
		err := f()
		if errors.Is(err, errHung) && !errors.Is(err, errSkipped) && fallbackBackend() == nil {
			r.Hangs = append(r.Hangs, SectionError{Section: name, Err: err.Error()})
			progress("%s hung; measuring it again with the backend %q", name, fallbackConfig)
			if err = useFallbackBackend(); err == nil {
				err = f()
			}
		}
		if err != nil {
			fail(name, err)
		}
	}
	title := engineTitle(r.Engine)
	if opt.sections["cnn"] {
		progress("%s: seed CNN on MNIST …", title)
		resetPeakRSS()
		split, err := data.LoadMNIST()
		if err != nil {
			fail("seed CNN", err)
		} else {
			section("seed CNN", func() (err error) {
				if r.CNN, err = benchCNN(split, opt.cnn); err == nil {
					progress("%s: seed CNN: %.0f training examples/s, %.0f inference examples/s, peak RSS %s",
						title, r.CNN.TrainPerSec, r.CNN.EvalPerSec, formatBytes(r.CNN.PeakRSS))
				}
				return err
			})
		}
		runtime.GC()
	}
	if opt.sections["rnn"] {
		for _, cell := range opt.cells {
			progress("%s: %s at lengths %v …", title, cell, opt.seq.Lengths)
			section(strings.ToUpper(cell), func() error {
				res, err := benchRNN(cell, opt.seq)
				if err != nil {
					return err
				}
				if cell == "lstm" {
					r.LSTM = res
				} else {
					r.GRU = res
				}
				progress("%s: %s: T=%d step %s", title, cell, opt.seq.Lengths[len(opt.seq.Lengths)-1], ms(res.Timing[len(res.Timing)-1].Step.Median))
				return nil
			})
		}
	}
	if opt.sections["transformer"] {
		progress("%s: transformer encoder …", title)
		section("transformer", func() (err error) {
			r.Transformer, err = benchTransformer(opt.seq)
			return err
		})
	}
	if profile != nil {
		pprof.StopCPUProfile()
		profile.Close()
		top, err := profileTop(cpuProfile)
		if err != nil {
			fail("cpuprofile", err)
		}
		r.Profile = top
	}
}

// busyEnv makes this program a CPU-bound process for --busy.
const busyEnv = "MEDGO_BENCH_BUSY"

// spin keeps one core busy until the process is killed.
func spin() {
	x := 1.0
	for {
		x = x*1.0000001 + 1e-9
		if x > 1e300 {
			x = 1
		}
	}
}

// startBusy starts n CPU-bound processes of this program and returns what stops them, which
// says how much CPU time they used.
func startBusy(n int) (stop func() time.Duration, err error) {
	var cmds []*exec.Cmd
	stop = func() time.Duration {
		var used time.Duration
		for _, c := range cmds {
			c.Process.Kill()
			c.Wait()
			used += c.ProcessState.UserTime()
		}
		return used
	}
	if n == 0 {
		return stop, nil
	}
	exe, err := os.Executable()
	if err != nil {
		return stop, fmt.Errorf("--busy: %w", err)
	}
	for range n {
		c := exec.Command(exe)
		c.Env = append(os.Environ(), busyEnv+"=1", "GOMAXPROCS=1")
		if err := c.Start(); err != nil {
			stop()
			return func() time.Duration { return 0 }, fmt.Errorf("--busy: starting a CPU-bound process: %w", err)
		}
		cmds = append(cmds, c)
	}
	return stop, nil
}
