// SPDX-License-Identifier: Apache-2.0

package main

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// Report is everything one benchmark invocation measured, with the machine it ran on.
type Report struct {
	Command    string
	Started    time.Time
	Elapsed    time.Duration
	CPU        string
	Cores      int
	GOMAXPROCS int
	Memory     string
	LoadStart  string
	LoadEnd    string
	Go         string
	Experiment string // GOEXPERIMENT at build time
	GoMLX      string
	Compute    string
	Backend    string

	CNNConfig   CNNConfig
	SeqConfig   SeqConfig
	CNN         *CNNResult
	LSTM, GRU   *RNNResult
	Transformer *TransformerResult
	Torch       *TorchResult // PyTorch with one thread per core
	Torch1      *TorchResult // PyTorch with one thread (when there are several cores)
	Cells       *CellResult
	Profile     string // go tool pprof -top output, when profiled

	// Errors holds the sections that failed, by name, in order.
	Errors []SectionError
	// Hangs holds the sections whose graph execution hung on mlkit's backend and that were
	// measured again on the fallback backend.
	Hangs []SectionError
}

// SectionError is a benchmark section that could not be measured.
type SectionError struct {
	Section string
	Err     string
}

// Target is one performance goal and how this run fared.
type Target struct {
	Goal     string
	Measured string
	Status   string // "✓", "✗" or "–" (not measured)
}

// Limits of the performance goals.
const (
	minCNNSpeedRatio = 0.25               // seed CNN training, MedGo over PyTorch examples/s
	maxLengthRatio   = 4.0                // recurrent step time at the longest over the shortest length
	maxWarmCell      = time.Second        // median re-run of a cell importing mlkit
	maxFirstCell     = 5 * time.Second    // first cell in a fresh kernel after medgo install
	maxPeakRSS       = int64(1e9)         // bytes, while training the seed CNN
	notMeasured      = "–"                // target status when the figure is missing
	passMark, fail   = "\u2713", "\u2717" // ✓, ✗
)

func mark(ok bool) string {
	if ok {
		return passMark
	}
	return fail
}

// Targets evaluates the performance goals against the figures of this run.
func (r *Report) Targets() []Target {
	var ts []Target
	cnn := Target{Goal: fmt.Sprintf("Seed CNN training ≥ %.2f× PyTorch (examples/s)", minCNNSpeedRatio), Status: notMeasured}
	switch {
	case r.CNN == nil:
		cnn.Measured = "not measured"
	case r.Torch == nil || r.Torch.CNN == nil:
		cnn.Measured = "PyTorch not available"
		if r.Torch != nil && r.Torch.Unavailable != "" {
			cnn.Measured = "PyTorch: not available"
		}
	default:
		best := r.bestTorchCNN()
		ratio := r.CNN.TrainPerSec / best.TrainPerSec
		cnn.Measured = fmt.Sprintf("%.2f× (%.0f vs %.0f examples/s, PyTorch's best with %d thread%s)", ratio,
			r.CNN.TrainPerSec, best.TrainPerSec, best.threads, plural(best.threads))
		cnn.Status = mark(ratio >= minCNNSpeedRatio)
	}
	ts = append(ts, cnn)
	for _, rnn := range []struct {
		name string
		res  *RNNResult
	}{{"LSTM", r.LSTM}, {"GRU", r.GRU}} {
		t := Target{Status: notMeasured, Measured: "not measured"}
		lo, hi := "the shortest", "the longest length"
		if l := r.SeqConfig.Lengths; len(l) > 1 {
			lo, hi = fmt.Sprintf("T=%d", l[0]), fmt.Sprintf("T=%d", l[len(l)-1])
		}
		t.Goal = fmt.Sprintf("%s step time at %s ≤ %.0f× %s", rnn.name, hi, maxLengthRatio, lo)
		if rnn.res != nil && len(rnn.res.Timing) > 1 {
			ratio := rnn.res.Ratio()
			t.Measured = fmt.Sprintf("%.2f× (%s vs %s)", ratio, ms(rnn.res.Timing[len(rnn.res.Timing)-1].Step.Median), ms(rnn.res.Timing[0].Step.Median))
			t.Status = mark(ratio <= maxLengthRatio)
		}
		ts = append(ts, t)
	}
	warm := Target{Goal: fmt.Sprintf("Warm re-run of a cell importing mlkit ≤ %s (median)", maxWarmCell), Status: notMeasured, Measured: "not measured"}
	first := Target{Goal: fmt.Sprintf("First cell after medgo install ≤ %s", maxFirstCell), Status: notMeasured, Measured: "not measured"}
	if c := r.Cells; c != nil {
		warm.Measured = seconds(c.WarmMedian()) + fmt.Sprintf(" (median of %d)", len(c.Reruns))
		warm.Status = mark(c.WarmMedian() <= maxWarmCell)
		first.Measured = seconds(c.First) + " (kernel start before it: " + seconds(c.KernelStart) + ")"
		first.Status = mark(c.First <= maxFirstCell)
	}
	ts = append(ts, warm, first)
	rss := Target{Goal: "Peak RSS while training the seed CNN ≤ 1 GB", Status: notMeasured, Measured: "not measured"}
	if r.CNN != nil && r.CNN.PeakRSS > 0 {
		rss.Measured = formatBytes(r.CNN.PeakRSS)
		rss.Status = mark(r.CNN.PeakRSS <= maxPeakRSS)
	}
	ts = append(ts, rss)
	return ts
}

// timing formats a median step time with the fastest step.
func timing(t Timing) string {
	return fmt.Sprintf("%s (%s)", ms(t.Median), ms(t.Min))
}

// torchTiming formats a PyTorch step time like timing.
func torchTiming(t TorchTiming) string {
	sec := func(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }
	return fmt.Sprintf("%s (%s)", ms(sec(t.Median)), ms(sec(t.Min)))
}

func ms(d time.Duration) string {
	return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond))
}

func seconds(d time.Duration) string {
	return fmt.Sprintf("%.2f s", d.Seconds())
}

// torchCNN is one PyTorch run's seed-CNN figures.
type torchCNN struct {
	TrainPerSec, EvalPerSec, StepS float64
	threads                        int
}

func (r *Report) torchRuns() []*TorchResult {
	var runs []*TorchResult
	for _, t := range []*TorchResult{r.Torch, r.Torch1} {
		if t != nil && t.Unavailable == "" {
			runs = append(runs, t)
		}
	}
	return runs
}

// bestTorchCNN is the PyTorch run that trained the seed CNN fastest (zero without one).
func (r *Report) bestTorchCNN() torchCNN {
	var best torchCNN
	for _, t := range r.torchRuns() {
		if t.CNN != nil && t.CNN.TrainPerSec > best.TrainPerSec {
			best = torchCNN{t.CNN.TrainPerSec, t.CNN.EvalPerSec, t.CNN.Train.Median, t.Threads}
		}
	}
	return best
}

// bestTorchEval is PyTorch's fastest seed-CNN inference, examples/s (0 without one).
func (r *Report) bestTorchEval() float64 {
	best := 0.0
	for _, t := range r.torchRuns() {
		if t.CNN != nil {
			best = max(best, t.CNN.EvalPerSec)
		}
	}
	return best
}

// bestTorchStep is PyTorch's fastest median step of a recurrent cell at a length (0 without one).
func (r *Report) bestTorchStep(cell string, length int) time.Duration {
	var best time.Duration
	for _, t := range r.torchRuns() {
		if d := t.Step(cell, length); d > 0 && (best == 0 || d < best) {
			best = d
		}
	}
	return best
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// torchCell formats one PyTorch figure of run t, or "" when t lacks it.
func torchCell(t *TorchResult, f func(t *TorchResult) string) string {
	if t == nil || t.Unavailable != "" {
		return ""
	}
	return f(t)
}

// ratioCell formats medgo/torch, or "" without a PyTorch figure.
func ratioCell(medgo, torch float64) string {
	if torch <= 0 || medgo <= 0 {
		return ""
	}
	return fmt.Sprintf("%.2f", medgo/torch)
}

// WriteMarkdown writes the report as Markdown.
func (r *Report) WriteMarkdown(w io.Writer) error {
	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	p("# MedGo benchmark: training throughput on the pure-Go backend\n\n")
	p("Written by `go run ./bench --write` (`make bench`). Timings are medians of steps measured after\n")
	p("warm-up steps (the first step builds and compiles the graph). The machine may be shared with\n")
	p("other work: the load averages below say how busy it was.\n\n")
	p("- Command: `%s`\n", r.Command)
	p("- Date: %s (took %s)\n", r.Started.UTC().Format("2006-01-02 15:04 MST"), r.Elapsed.Round(time.Second))
	p("- Machine: %s, %d cores (GOMAXPROCS %d)", r.CPU, r.Cores, r.GOMAXPROCS)
	if r.Memory != "" {
		p(", %s memory", r.Memory)
	}
	p("\n- Load average (1, 5, 15 min): %s at start, %s at end\n", r.LoadStart, r.LoadEnd)
	exp := r.Experiment
	if exp == "" {
		exp = "none (matmul without SIMD)"
	}
	p("- Versions: %s, GOEXPERIMENT=%s, GoMLX %s, compute %s, backend %s", r.Go, exp, r.GoMLX, r.Compute, r.Backend)
	switch {
	case r.Torch == nil:
		p("; PyTorch not run\n")
	case r.Torch.Unavailable != "":
		p("\n- PyTorch: not available (%s)\n", r.Torch.Unavailable)
	default:
		p(", PyTorch %s (%d thread%s", r.Torch.Version, r.Torch.Threads, plural(r.Torch.Threads))
		if r.Torch1 != nil && r.Torch1.Unavailable == "" {
			p(", and again with 1 thread")
		}
		p(")\n")
	}

	p("\n## Targets\n\n| Goal | Measured | |\n|---|---|---|\n")
	for _, t := range r.Targets() {
		p("| %s | %s | %s |\n", t.Goal, t.Measured, t.Status)
	}
	if len(r.Hangs) > 0 {
		p("\n## Hangs\n\n")
		p("A training step hung on mlkit's backend (%s); the figures of these sections were measured again\n", r.Backend)
		p("on a fresh pure-Go backend configured %q (operations run one at a time):\n\n", fallbackConfig)
		for _, e := range r.Hangs {
			p("- %s: %s\n", e.Section, strings.ReplaceAll(strings.TrimSpace(e.Err), "\n", "\n  "))
		}
	}
	if len(r.Errors) > 0 {
		p("\n## Sections that failed\n\n")
		for _, e := range r.Errors {
			p("- %s: %s\n", e.Section, strings.ReplaceAll(strings.TrimSpace(e.Err), "\n", "\n  "))
		}
	}

	if c := r.CNN; c != nil {
		cc := r.CNNConfig
		nt := r.torchThreads()
		p("\n## Seed CNN\n\n")
		p("models.SeedCNN (225,034 parameters), %s; training batch %d, %d warm-up and %d timed steps;\n",
			c.Data, c.Batch, cc.Warmup, cc.Steps)
		p("inference in batches of %d over %d examples. PyTorch runs the same network on random images of the\n", c.EvalBatch, c.Eval.Steps*c.EvalBatch)
		p("same shape, with one thread per core and with a single thread (on a busy machine a single thread\n")
		p("can be faster); the ratio is to the faster of the two. MedGo/PyTorch above 1 means MedGo is faster\n")
		p("for throughputs, slower for times.\n\n")
		p("| | MedGo | PyTorch, %d thread%s | PyTorch, 1 thread | MedGo/PyTorch |\n|---|---|---|---|---|\n", nt, plural(nt))
		cnnCol := func(t *TorchResult, f func(t *TorchResult) string) string {
			return torchCell(t, func(t *TorchResult) string {
				if t.CNN == nil {
					return ""
				}
				return f(t)
			})
		}
		trainF := func(t *TorchResult) string { return num(t.CNN.TrainPerSec) }
		stepF := func(t *TorchResult) string { return torchTiming(t.CNN.Train) }
		evalF := func(t *TorchResult) string { return num(t.CNN.EvalPerSec) }
		best := r.bestTorchCNN()
		p("| Training, examples/s | %.0f | %s | %s | %s |\n", c.TrainPerSec, cnnCol(r.Torch, trainF), cnnCol(r.Torch1, trainF),
			ratioCell(c.TrainPerSec, best.TrainPerSec))
		p("| Training step, median (fastest) | %s | %s | %s | %s |\n", timing(c.Train), cnnCol(r.Torch, stepF), cnnCol(r.Torch1, stepF),
			ratioCell(c.Train.Median.Seconds(), best.StepS))
		p("| First step (graph compilation) | %s | | | |\n", ms(c.Train.First))
		p("| Inference, examples/s | %.0f | %s | %s | %s |\n", c.EvalPerSec, cnnCol(r.Torch, evalF), cnnCol(r.Torch1, evalF),
			ratioCell(c.EvalPerSec, r.bestTorchEval()))
		if c.PeakRSS > 0 {
			p("| Peak RSS (data loading and training) | %s | | | |\n", formatBytes(c.PeakRSS))
		}
	}

	if r.LSTM != nil || r.GRU != nil {
		sc := r.SeqConfig
		p("\n## LSTM and GRU\n\n")
		p("One layer of %d units after mlkit's token embedding (32), last state, %d classes; batch %d of\n", sc.Hidden, sc.Classes, sc.Batch)
		p("token sequences (vocabulary %d, no padding); %d warm-up and %d timed training steps per length.\n\n", sc.Vocab, sc.Warmup, sc.Steps)
		nt := r.torchThreads()
		p("Step times are medians, with the fastest step in parentheses; the lengths are timed in interleaved\n")
		p("rounds so that a change in the machine's load affects them alike. MedGo/PyTorch compares medians,\n")
		p("with PyTorch's faster thread setting.\n\n")
		p("| Model | T | MedGo step | PyTorch step, %d thread%s | PyTorch step, 1 thread | MedGo/PyTorch | MedGo first step |\n", nt, plural(nt))
		p("|---|---|---|---|---|---|---|\n")
		for _, rnn := range []*RNNResult{r.LSTM, r.GRU} {
			if rnn == nil {
				continue
			}
			for _, t := range rnn.Timing {
				stepF := func(tr *TorchResult) string {
					list := tr.LSTM
					if rnn.Cell == "gru" {
						list = tr.GRU
					}
					for _, s := range list {
						if s.Length == t.Length {
							return torchTiming(s)
						}
					}
					return ""
				}
				p("| %s | %d | %s | %s | %s | %s | %s |\n", strings.ToUpper(rnn.Cell), t.Length, timing(t.Step),
					torchCell(r.Torch, stepF), torchCell(r.Torch1, stepF),
					ratioCell(t.Step.Median.Seconds(), r.bestTorchStep(rnn.Cell, t.Length).Seconds()), seconds(t.Step.First))
			}
		}
		p("\n")
		for _, rnn := range []*RNNResult{r.LSTM, r.GRU} {
			if rnn == nil || len(rnn.Timing) < 2 {
				continue
			}
			lo, hi := rnn.Timing[0], rnn.Timing[len(rnn.Timing)-1]
			p("- %s: T=%d/T=%d step time %.2f from medians, %.2f from the fastest steps (linear cost would be %.1f)",
				strings.ToUpper(rnn.Cell), hi.Length, lo.Length, rnn.Ratio(), rnn.MinRatio(), float64(hi.Length)/float64(lo.Length))
			if a, b := r.bestTorchStep(rnn.Cell, hi.Length), r.bestTorchStep(rnn.Cell, lo.Length); a > 0 && b > 0 {
				p("; PyTorch %.2f", a.Seconds()/b.Seconds())
			}
			p("\n")
		}
	}

	if t := r.Transformer; t != nil {
		p("\n## Transformer encoder\n\n")
		p("models.Transformer, d=%d, %d heads, %d blocks (feed-forward, dropout, positions and pooling at\n", t.Dim, t.Heads, t.Blocks)
		p("their defaults); batch %d of splice-like DNA token sequences of length %d.\n\n", r.SeqConfig.Batch, t.Length)
		p("| | MedGo |\n|---|---|\n")
		p("| Training step, median (fastest) | %s |\n| Training, examples/s | %.0f |\n| First step (graph compilation) | %s |\n",
			timing(t.Step), float64(r.SeqConfig.Batch)/t.Step.Median.Seconds(), seconds(t.Step.First))
	}

	if c := r.Cells; c != nil {
		p("\n## Notebook cells\n\n")
		p("Through the Jupyter client (jupyter_client.start_new_kernel(kernel_name=\"medgo\"), execute_interactive),\n")
		p("timed from the request until the kernel is idle again. The cell:\n\n```go\n%s```\n\n", c.Cell)
		p("| | Time |\n|---|---|\n")
		if c.Installed {
			p("| medgo install (before the kernel starts) | %s |\n", seconds(c.Install))
		}
		p("| Kernel start | %s |\n| First cell | %s |\n", seconds(c.KernelStart), seconds(c.First))
		runs := make([]string, len(c.Reruns))
		for i, d := range c.Reruns {
			runs[i] = fmt.Sprintf("%.2f", d.Seconds())
		}
		p("| Re-run, median (runs: %s s) | %s |\n", strings.Join(runs, ", "), seconds(c.WarmMedian()))
		if len(c.Edited) > 0 {
			edited := make([]string, len(c.Edited))
			for i, d := range c.Edited {
				edited[i] = fmt.Sprintf("%.2f", d.Seconds())
			}
			p("| Edited cell (one line added, compiled again), median (runs: %s s) | %s |\n", strings.Join(edited, ", "), seconds(c.EditedMedian()))
		}
	}

	if r.Profile != "" {
		p("\n## CPU profile of the Go sections\n\n```\n%s\n```\n", strings.TrimSpace(r.Profile))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// torchThreads is the thread count of the main PyTorch run (the cores when it did not run).
func (r *Report) torchThreads() int {
	if r.Torch != nil && r.Torch.Threads > 0 {
		return r.Torch.Threads
	}
	return r.Cores
}

func num(v float64) string {
	if v <= 0 {
		return ""
	}
	return fmt.Sprintf("%.0f", v)
}
