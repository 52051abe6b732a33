// SPDX-License-Identifier: Apache-2.0

package main

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/medgo-lab/medgo/mlkit/data"
)

// TestMain lets the test binary act as an engine's process, as the benchmark program does.
func TestMain(m *testing.M) {
	if path := os.Getenv(childEnv); path != "" {
		os.Exit(childMain(path, os.Args[1:]))
	}
	if os.Getenv(busyEnv) != "" {
		spin()
	}
	os.Exit(m.Run())
}

// tinyImages is a random MNIST-shaped split small enough for a unit test.
func tinyImages(n int) *data.Split {
	r := rand.New(rand.NewPCG(1, 1))
	d := &data.Dataset{Name: "tiny", Task: data.MultiClass, Shape: []int{28, 28, 1}}
	for k := range 10 {
		d.Classes = append(d.Classes, string(rune('0'+k)))
	}
	d.X = make([]float32, n*28*28)
	for i := range d.X {
		d.X[i] = r.Float32()
	}
	for i := range n {
		d.Y = append(d.Y, float32(i%10))
	}
	return &data.Split{Train: d}
}

var tinySeq = SeqConfig{Batch: 2, Hidden: 4, Lengths: []int{3, 6}, Vocab: 8, Classes: 3, Warmup: 1, Steps: 2,
	TLength: 6, TDim: 8, TBlocks: 1}

// TestHarnessTinySizes runs every Go section at tiny sizes and checks the figures and the
// report built from them.
func TestHarnessTinySizes(t *testing.T) {
	cnnCfg := CNNConfig{Batch: 4, Warmup: 1, Steps: 2, EvalBatch: 4, EvalN: 8}
	cnn, err := benchCNN(tinyImages(8), cnnCfg)
	if err != nil {
		t.Fatal(err)
	}
	if cnn.TrainPerSec <= 0 || cnn.EvalPerSec <= 0 || cnn.Train.Median <= 0 || cnn.Train.First <= 0 || cnn.Eval.Steps != 2 {
		t.Errorf("seed CNN figures should be positive: %+v", cnn)
	}
	if cnn.Loss <= 0 {
		t.Errorf("seed CNN loss %v: cross-entropy of random labels should be positive", cnn.Loss)
	}
	if cnn.PeakRSS <= 0 {
		t.Errorf("peak RSS %d: want a positive figure on Linux", cnn.PeakRSS)
	}
	var rnns []*RNNResult
	for _, cell := range []string{"lstm", "gru"} {
		res, err := benchRNN(cell, tinySeq)
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Timing) != 2 || res.Ratio() <= 0 {
			t.Fatalf("%s: want 2 timings and a positive ratio, got %+v", cell, res)
		}
		for _, st := range res.Timing {
			if st.Step.Median <= 0 || st.Step.Steps != tinySeq.Steps {
				t.Errorf("%s at %d: bad timing %+v", cell, st.Length, st.Step)
			}
		}
		rnns = append(rnns, res)
	}
	tr, err := benchTransformer(tinySeq)
	if err != nil {
		t.Fatal(err)
	}
	if tr.Step.Median <= 0 || tr.Heads <= 0 {
		t.Errorf("transformer: bad result %+v", tr)
	}

	r := &Report{Command: "go run ./bench", Started: time.Now(), CPU: cpuModel(), Cores: 1, GOMAXPROCS: 1,
		LoadStart: loadAvg(), LoadEnd: loadAvg(), CNNConfig: cnnCfg, SeqConfig: tinySeq,
		Runs: []*EngineRun{{Engine: engineGo, Backend: "go", CNN: cnn, LSTM: rnns[0], GRU: rnns[1], Transformer: tr},
			{Engine: engineONNX, Unavailable: "no library"}},
		Torch: &TorchResult{Unavailable: "import torch failed"}}
	var buf bytes.Buffer
	if err := r.WriteMarkdown(&buf); err != nil {
		t.Fatal(err)
	}
	md := buf.String()
	for _, want := range []string{"## Targets", "## Seed CNN", "## LSTM and GRU", "## Transformer encoder",
		"PyTorch: not available (import torch failed)", "| LSTM | 6 |", "| GRU | 3 |", "T=6/T=3",
		"ONNX Runtime: not measured (no library)", "|  | pure Go | PyTorch, 1 thread | PyTorch, 1 thread | pure Go/PyTorch |"} {
		if !strings.Contains(md, want) {
			t.Errorf("report lacks %q:\n%s", want, md)
		}
	}
	if strings.Contains(md, "## Notebook cells") {
		t.Error("report has a notebook section although cells were not measured")
	}
}

// TestTargets checks the goals' verdicts on given figures.
func TestTargets(t *testing.T) {
	seq := SeqConfig{Lengths: []int{50, 100, 200}}
	rnn := func(cell string, t50, t200, first time.Duration) *RNNResult {
		return &RNNResult{Cell: cell, Timing: []SeqTiming{{Length: 50, Step: Timing{Median: t50, First: first}}, {Length: 200, Step: Timing{Median: t200, First: first}}}}
	}
	torch := func(perSec float64, step50, step200 float64) *TorchResult {
		tr := &TorchResult{Version: "x", Threads: 2,
			LSTM: []TorchTiming{{Length: 50, Median: step50}, {Length: 200, Median: step200}},
			GRU:  []TorchTiming{{Length: 50, Median: step50}, {Length: 200, Median: step200}}}
		tr.CNN = &struct {
			Train       TorchTiming `json:"train"`
			TrainPerSec float64     `json:"train_per_sec"`
			Eval        TorchTiming `json:"eval"`
			EvalPerSec  float64     `json:"eval_per_sec"`
		}{TrainPerSec: perSec, EvalPerSec: 2 * perSec}
		return tr
	}
	ms := time.Millisecond
	tf := func(step time.Duration) *TransformerResult {
		return &TransformerResult{Step: Timing{Median: step, First: time.Second}}
	}
	cells := func(first time.Duration, reruns ...time.Duration) *CellResult {
		return &CellResult{First: first, Reruns: reruns}
	}
	met := Report{SeqConfig: seq, Torch: torch(1000, 0.050, 0.200),
		Runs: []*EngineRun{
			{Engine: engineGo, CNN: &CNNResult{TrainPerSec: 300, PeakRSS: 500 << 20},
				LSTM: rnn("lstm", 10*ms, 40*ms, time.Second), GRU: rnn("gru", 10*ms, 35*ms, time.Second), Transformer: tf(500 * ms)},
			{Engine: engineONNX, CNN: &CNNResult{TrainPerSec: 1000, EvalPerSec: 2400, PeakRSS: 600 << 20, Train: Timing{First: time.Second}},
				LSTM: rnn("lstm", 50*ms, 200*ms, 3*time.Second), GRU: rnn("gru", 20*ms, 90*ms, 2*time.Second), Transformer: tf(100 * ms)},
		},
		Cells: cells(4*time.Second, time.Second, 900*ms, 2*time.Second)}
	missed := Report{SeqConfig: seq, Torch: torch(1000, 0.050, 0.200),
		Runs: []*EngineRun{
			{Engine: engineGo, CNN: &CNNResult{TrainPerSec: 200, PeakRSS: 500 << 20},
				LSTM: rnn("lstm", 10*ms, 41*ms, time.Second), GRU: rnn("gru", 10*ms, 100*ms, time.Second), Transformer: tf(400 * ms)},
			{Engine: engineONNX, CNN: &CNNResult{TrainPerSec: 999, EvalPerSec: 2399, PeakRSS: 2 << 30, Train: Timing{First: time.Second}},
				LSTM: rnn("lstm", 51*ms, 100*ms, 4*time.Second), GRU: rnn("gru", 20*ms, 201*ms, time.Second), Transformer: tf(100 * ms), // 4× only
			},
		},
		Cells: cells(6*time.Second, 2*time.Second, 900*ms, 1100*ms)}
	slowCompile := met
	slowCompile.Runs = []*EngineRun{met.Runs[0], {Engine: engineONNX, CNN: met.Runs[1].CNN, LSTM: met.Runs[1].LSTM,
		GRU: rnn("gru", 20*ms, 90*ms, 3*time.Second+ms), Transformer: met.Runs[1].Transformer}}
	all := func(s string) []string { return slices.Repeat([]string{s}, 12) }
	cases := []struct {
		name string
		r    Report
		want []string // status per target, in order
	}{
		{"nothing measured", Report{SeqConfig: seq}, all("–")},
		{"all met", met, all("✓")},
		{"all missed", missed, all("✗")},
		{"one slow compilation", slowCompile, []string{"✓", "✓", "✓", "✓", "✓", "✗", "✓", "✓", "✓", "✓", "✓", "✓"}},
		{"ONNX Runtime unavailable", Report{SeqConfig: seq, Torch: met.Torch, Runs: []*EngineRun{met.Runs[0], {Engine: engineONNX, Unavailable: "no library"}}},
			[]string{"–", "–", "–", "–", "–", "–", "✓", "✓", "✓", "–", "–", "✓"}},
		{"PyTorch unavailable", Report{SeqConfig: seq, Runs: met.Runs, Torch: &TorchResult{Unavailable: "no torch"}},
			[]string{"–", "–", "–", "–", "✓", "✓", "–", "✓", "✓", "–", "–", "✓"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := c.r.Targets()
			if len(got) != len(c.want) {
				t.Fatalf("%d targets, want %d", len(got), len(c.want))
			}
			for i, tg := range got {
				if tg.Status != c.want[i] {
					t.Errorf("%s: %s (%s), want %s", tg.Goal, tg.Status, tg.Measured, c.want[i])
				}
			}
		})
	}
	if m := missed.Targets()[0].Measured; strings.Contains(m, "floor") {
		t.Errorf("0.999× is above the 0.8× floor, but the target says %q", m)
	}
	low := met
	low.Runs = []*EngineRun{met.Runs[0], {Engine: engineONNX, CNN: &CNNResult{TrainPerSec: 700}}}
	if m := low.Targets()[0].Measured; !strings.Contains(m, "below the 0.8× floor") {
		t.Errorf("0.7× should be reported below the floor: %q", m)
	}
	if m := met.Targets()[0+5].Measured; !strings.Contains(m, "slowest 3.00 s (LSTM T=50)") {
		t.Errorf("first-step target should name the slowest model: %q", m)
	}
}

// TestCommandWritesResults runs the command on one small section and checks the file it writes.
func TestCommandWritesResults(t *testing.T) {
	out := filepath.Join(t.TempDir(), "RESULTS.md")
	var stdout, stderr bytes.Buffer
	code := cmdMain([]string{"--sections=transformer", "--seq-batch=2", "--transformer-length=5", "--transformer-dim=4",
		"--transformer-blocks=1", "--seq-steps=1", "--write", "--out", out}, &stdout, &stderr)
	if code != 0 {
		t.Fatalf("exit code %d\n%s", code, stderr.String())
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"## Transformer encoder", "--sections=transformer", "Load average", "GoMLX v", "- pure Go: "} {
		if !strings.Contains(string(b), want) {
			t.Errorf("results lack %q:\n%s", want, b)
		}
	}
	if stdout.String() != string(b) {
		t.Error("the written results differ from the printed report")
	}
}

func TestFlagErrors(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--sections=cnn,gpu"}, `unknown section "gpu"`},
		{[]string{"--lengths=200,50"}, "increasing positive integers"},
		{[]string{"--cnn-steps=0"}, "--cnn-steps=0: must be at least 1"},
		{[]string{"--seq-warmup=0"}, "must be at least 1"},
		{[]string{"extra"}, `unexpected argument "extra"`},
		{[]string{"--engines=go,xla"}, `unknown engine "xla"`},
	} {
		_, err := parseFlags(c.args, &bytes.Buffer{})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: error %v, want one containing %q", c.args, err, c.want)
		}
	}
	opt, err := parseFlags(nil, &bytes.Buffer{})
	if err != nil {
		t.Fatal(err)
	}
	if opt.cnn.Batch != 64 || opt.seq.Batch != 32 || opt.seq.Hidden != 64 || len(opt.seq.Lengths) != 3 || !opt.sections["cells"] {
		t.Errorf("defaults: %+v", opt)
	}
}

// TestTorchTiny runs the PyTorch script at tiny sizes when PyTorch is installed.
func TestTorchTiny(t *testing.T) {
	const python = "/usr/bin/python3"
	if err := torchInstalled(python); err != nil {
		t.Skip(err)
	}
	res, err := runTorch(python, 1, &CNNConfig{Batch: 4, Warmup: 1, Steps: 2, EvalBatch: 4, EvalN: 8}, &tinySeq)
	if err != nil {
		t.Fatal(err)
	}
	if res.Unavailable != "" || res.CNN == nil || res.CNN.TrainPerSec <= 0 || res.CNN.EvalPerSec <= 0 {
		t.Fatalf("bad PyTorch CNN result: %+v", res)
	}
	for _, cell := range []string{"lstm", "gru"} {
		for _, n := range tinySeq.Lengths {
			if res.Step(cell, n) <= 0 {
				t.Errorf("no PyTorch %s step time at length %d", cell, n)
			}
		}
	}
}

func TestTorchMissing(t *testing.T) {
	res, err := runTorch(filepath.Join(t.TempDir(), "python3"), 1, &CNNConfig{Batch: 1, Warmup: 1, Steps: 1, EvalBatch: 1, EvalN: 1}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(res.Unavailable, "not found") || res.CNN != nil {
		t.Errorf("a missing interpreter should make PyTorch unavailable, got %+v", res)
	}
}

// TestRatiosUseFasterPyTorch checks that ratios and the CNN goal compare with the faster of the
// two PyTorch runs.
func TestRatiosUseFasterPyTorch(t *testing.T) {
	torch := func(threads int, perSec float64, lstm50 float64) *TorchResult {
		tr := &TorchResult{Version: "1.13", Threads: threads, LSTM: []TorchTiming{{Length: 50, Median: lstm50}}}
		tr.CNN = &struct {
			Train       TorchTiming `json:"train"`
			TrainPerSec float64     `json:"train_per_sec"`
			Eval        TorchTiming `json:"eval"`
			EvalPerSec  float64     `json:"eval_per_sec"`
		}{Train: TorchTiming{Median: 64 / perSec}, TrainPerSec: perSec, EvalPerSec: perSec * 2}
		return tr
	}
	r := &Report{Cores: 2, SeqConfig: SeqConfig{Lengths: []int{50}},
		Runs: []*EngineRun{{Engine: engineONNX,
			CNN:  &CNNResult{Batch: 64, TrainPerSec: 100, EvalPerSec: 300, Train: Timing{Median: 640 * time.Millisecond}, Eval: Timing{Steps: 1}},
			LSTM: &RNNResult{Cell: "lstm", Timing: []SeqTiming{{Length: 50, Step: Timing{Median: 100 * time.Millisecond}}}}}},
		Torch:  torch(2, 200, 0.050),
		Torch1: torch(1, 400, 0.025),
	}
	var buf bytes.Buffer
	if err := r.WriteMarkdown(&buf); err != nil {
		t.Fatal(err)
	}
	md := buf.String()
	for _, want := range []string{
		"| Training, examples/s | 100 | 200 | 400 | 0.25 |", // 100/400
		"| Inference, examples/s | 300 | 400 | 800 | 0.38 |",
		"| LSTM | 50 | 100.0 ms (0.0 ms) | 50.0 ms (0.0 ms) | 25.0 ms (0.0 ms) | 4.00 |", // 100/25
		"0.25× (100 vs 400 examples/s, PyTorch's best with 1 thread); below the 0.8× floor",
		"T=50 4.00× (100.0 ms vs 25.0 ms)",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("report lacks %q:\n%s", want, md)
		}
	}
	if got := r.Targets()[0].Status; got != "✗" {
		t.Errorf("CNN goal at 0.25×: %s, want ✗", got)
	}
}

// TestHangFallback checks the watchdog: a step over the time limit is reported as hung, later
// steps are skipped, and the fallback backend runs them again.
func TestHangFallback(t *testing.T) {
	saved := stepTimeout
	t.Cleanup(func() {
		stepTimeout = saved
		backendHung.Store(false)
		fallbackMu.Lock()
		fallback = nil
		fallbackMu.Unlock()
	})
	cfg := tinySeq
	cfg.Lengths = []int{3}
	stepTimeout = time.Nanosecond
	_, err := benchRNN("gru", cfg)
	if !errors.Is(err, errHung) || errors.Is(err, errSkipped) {
		t.Fatalf("a step over the limit: error %v, want one that says it hung", err)
	}
	if _, err := benchRNN("gru", cfg); !errors.Is(err, errSkipped) {
		t.Fatalf("after a hang: error %v, want the step skipped", err)
	}
	stepTimeout = saved
	if err := useFallbackBackend(); err != nil {
		t.Fatal(err)
	}
	res, err := benchRNN("gru", cfg)
	if err != nil {
		t.Fatalf("on the fallback backend: %v", err)
	}
	if res.Timing[0].Step.Median <= 0 {
		t.Errorf("bad timing on the fallback backend: %+v", res.Timing[0])
	}
	r := &Report{SeqConfig: cfg, Runs: []*EngineRun{{Engine: engineGo, Backend: "go", GRU: res, Hangs: []SectionError{{Section: "GRU", Err: "a graph execution hung"}}}}}
	var buf bytes.Buffer
	if err := r.WriteMarkdown(&buf); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "## Hangs") || !strings.Contains(buf.String(), fallbackConfig) {
		t.Errorf("the report should name the hang and the fallback backend:\n%s", buf.String())
	}
}

// TestBusyLoadsTheMachine starts one CPU-bound process, checks that it uses a core, and that the
// report says the machine was loaded on purpose.
func TestBusyLoadsTheMachine(t *testing.T) {
	stop, err := startBusy(1)
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(1500 * time.Millisecond)
	used := stop()
	t.Logf("the CPU-bound process used %s of CPU in 1.5 s", used)
	// An idle process uses a few milliseconds; a spinning one most of a core, less on a busy machine.
	if used < 250*time.Millisecond {
		t.Errorf("the CPU-bound process used only %s of CPU in 1.5 s", used)
	}
	var buf bytes.Buffer
	if err := (&Report{Busy: 1}).WriteMarkdown(&buf); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "Loaded on purpose: 1 CPU-bound process ran beside every measurement") {
		t.Errorf("the report does not say the machine was loaded:\n%s", buf.String())
	}
}
