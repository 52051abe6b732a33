// SPDX-License-Identifier: Apache-2.0

package main

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
)

// Report is everything one benchmark invocation measured, with the machine it ran on.
type Report struct {
	Command     string
	Started     time.Time
	Elapsed     time.Duration
	CPU         string
	Cores       int
	GOMAXPROCS  int
	Memory      string
	LoadStart   string
	LoadEnd     string
	Go          string
	Experiment  string // GOEXPERIMENT at build time
	GoMLX       string
	Compute     string
	ComputeONNX string

	Busy      int // CPU-bound processes kept running on purpose while measuring (--busy)
	CNNConfig CNNConfig
	SeqConfig SeqConfig
	// Runs are the Go sections, once per engine, in the order measured.
	Runs   []*EngineRun
	Torch  *TorchResult // PyTorch with one thread per core
	Torch1 *TorchResult // PyTorch with one thread (when there are several cores)
	Cells  *CellResult

	// Errors holds the sections outside the engines' runs (PyTorch, cells) that failed.
	Errors []SectionError
}

// SectionError is a benchmark section that could not be measured.
type SectionError struct {
	Section string
	Err     string
}

// Run is the measured run of an engine, or nil when it was not measured.
func (r *Report) Run(engine string) *EngineRun {
	for _, e := range r.Runs {
		if e.Engine == engine && e.Unavailable == "" {
			return e
		}
	}
	return nil
}

// measured are the engines' runs that have figures, in order.
func (r *Report) measured() []*EngineRun {
	var out []*EngineRun
	for _, e := range r.Runs {
		if e.Unavailable == "" {
			out = append(out, e)
		}
	}
	return out
}

// AllErrors are the failed sections of every engine and of the rest, engines first.
func (r *Report) AllErrors() []SectionError {
	var out []SectionError
	for _, e := range r.Runs {
		for _, err := range e.Errors {
			out = append(out, SectionError{Section: e.Title() + ", " + err.Section, Err: err.Err})
		}
	}
	return append(out, r.Errors...)
}

// Target is one performance goal and how this run fared.
type Target struct {
	Goal     string
	Measured string
	Status   string // "✓", "✗" or "–" (not measured)
}

// Limits of the performance goals. Ratios compare MedGo with PyTorch's faster thread setting,
// measured in the same run on the same machine.
const (
	minCNNTrainRatio   = 1.0                // ONNX Runtime seed CNN training over PyTorch, examples/s
	floorCNNTrainRatio = 0.8                // ... and the level it must never fall below
	minCNNEvalRatio    = 1.2                // ONNX Runtime seed CNN inference over PyTorch, examples/s
	maxRNNStepRatio    = 1.0                // ONNX Runtime LSTM/GRU step over PyTorch's
	minTransformerGain = 5.0                // pure-Go transformer step over ONNX Runtime's
	maxFirstStep       = 3 * time.Second    // first (compiling) training step on ONNX Runtime
	minGoCNNRatio      = 0.25               // pure-Go seed CNN training over PyTorch, examples/s
	maxLengthRatio     = 4.0                // pure-Go recurrent step at the longest over the shortest length
	maxWarmCell        = time.Second        // median re-run of a cell importing mlkit
	maxFirstCell       = 5 * time.Second    // first cell in a fresh kernel after medgo install
	maxPeakRSS         = int64(1e9)         // bytes, while training the seed CNN
	notMeasured        = "–"                // target status when the figure is missing
	passMark, fail     = "\u2713", "\u2717" // ✓, ✗
)

func mark(ok bool) string {
	if ok {
		return passMark
	}
	return fail
}

// notMeasuredOn says why an engine's figure is missing.
func (r *Report) notMeasuredOn(engine string) string {
	for _, e := range r.Runs {
		if e.Engine == engine && e.Unavailable != "" {
			return e.Title() + " not measured: " + e.Unavailable
		}
	}
	return "not measured"
}

// torchMissing says why a PyTorch figure is missing.
func (r *Report) torchMissing() string {
	if r.Torch != nil && r.Torch.Unavailable != "" {
		return "PyTorch: not available"
	}
	return "PyTorch not available"
}

// Targets evaluates the performance goals against the figures of this run.
func (r *Report) Targets() []Target {
	var ts []Target
	ort, goRun := r.Run(engineONNX), r.Run(engineGo)
	torchCNN := r.bestTorchCNN()
	lengths := r.SeqConfig.Lengths
	lo, hi := 0, 0
	if len(lengths) > 0 {
		lo, hi = lengths[0], lengths[len(lengths)-1]
	}

	cnn := Target{Goal: fmt.Sprintf("ONNX Runtime: seed CNN training ≥ %.1f× PyTorch (examples/s), never below %.1f×", minCNNTrainRatio, floorCNNTrainRatio), Status: notMeasured}
	eval := Target{Goal: fmt.Sprintf("ONNX Runtime: seed CNN inference ≥ %.1f× PyTorch (examples/s)", minCNNEvalRatio), Status: notMeasured}
	switch {
	case ort == nil || ort.CNN == nil:
		cnn.Measured, eval.Measured = r.notMeasuredOn(engineONNX), r.notMeasuredOn(engineONNX)
	case torchCNN.TrainPerSec <= 0:
		cnn.Measured, eval.Measured = r.torchMissing(), r.torchMissing()
	default:
		ratio := ort.CNN.TrainPerSec / torchCNN.TrainPerSec
		cnn.Measured = fmt.Sprintf("%.2f× (%.0f vs %.0f examples/s, PyTorch's best with %d thread%s)", ratio,
			ort.CNN.TrainPerSec, torchCNN.TrainPerSec, torchCNN.threads, plural(torchCNN.threads))
		if ratio < floorCNNTrainRatio {
			cnn.Measured += fmt.Sprintf("; below the %.1f× floor", floorCNNTrainRatio)
		}
		cnn.Status = mark(ratio >= minCNNTrainRatio)
		evalRatio := ort.CNN.EvalPerSec / r.bestTorchEval()
		eval.Measured = fmt.Sprintf("%.2f× (%.0f vs %.0f examples/s)", evalRatio, ort.CNN.EvalPerSec, r.bestTorchEval())
		eval.Status = mark(evalRatio >= minCNNEvalRatio)
	}
	ts = append(ts, cnn, eval)

	for _, cell := range []string{"lstm", "gru"} {
		t := Target{Goal: fmt.Sprintf("ONNX Runtime: %s step at T=%d and T=%d no slower than PyTorch's best", strings.ToUpper(cell), lo, hi), Status: notMeasured}
		res := ort.rnn(cell)
		switch {
		case res == nil:
			t.Measured = r.notMeasuredOn(engineONNX)
		default:
			var parts []string
			ok, complete := true, true
			for _, n := range []int{lo, hi} {
				ours, theirs := res.step(n), r.bestTorchStep(cell, n)
				if ours <= 0 || theirs <= 0 {
					complete = false
					continue
				}
				ratio := ours.Seconds() / theirs.Seconds()
				ok = ok && ratio <= maxRNNStepRatio
				parts = append(parts, fmt.Sprintf("T=%d %.2f× (%s vs %s)", n, ratio, ms(ours), ms(theirs)))
			}
			if !complete {
				t.Measured = r.torchMissing()
				break
			}
			t.Measured = strings.Join(parts, "; ")
			t.Status = mark(ok)
		}
		ts = append(ts, t)
	}

	tr := Target{Goal: fmt.Sprintf("ONNX Runtime: transformer step ≥ %.0f× faster than pure Go", minTransformerGain), Status: notMeasured, Measured: "not measured"}
	switch {
	case ort == nil || ort.Transformer == nil:
		tr.Measured = r.notMeasuredOn(engineONNX)
	case goRun == nil || goRun.Transformer == nil:
		tr.Measured = r.notMeasuredOn(engineGo)
	default:
		gain := goRun.Transformer.Step.Median.Seconds() / ort.Transformer.Step.Median.Seconds()
		tr.Measured = fmt.Sprintf("%.1f× (%s vs %s)", gain, ms(ort.Transformer.Step.Median), ms(goRun.Transformer.Step.Median))
		tr.Status = mark(gain >= minTransformerGain)
	}
	ts = append(ts, tr)

	first := Target{Goal: fmt.Sprintf("ONNX Runtime: first training step ≤ %s for every model", maxFirstStep), Status: notMeasured, Measured: r.notMeasuredOn(engineONNX)}
	if ort != nil {
		if name, d := ort.slowestFirstStep(); d > 0 {
			first.Measured = fmt.Sprintf("slowest %s (%s)", seconds(d), name)
			first.Status = mark(d <= maxFirstStep)
		}
	}
	ts = append(ts, first)

	goCNN := Target{Goal: fmt.Sprintf("Pure Go: seed CNN training ≥ %.2f× PyTorch (examples/s)", minGoCNNRatio), Status: notMeasured}
	switch {
	case goRun == nil || goRun.CNN == nil:
		goCNN.Measured = r.notMeasuredOn(engineGo)
	case torchCNN.TrainPerSec <= 0:
		goCNN.Measured = r.torchMissing()
	default:
		ratio := goRun.CNN.TrainPerSec / torchCNN.TrainPerSec
		goCNN.Measured = fmt.Sprintf("%.2f× (%.0f vs %.0f examples/s)", ratio, goRun.CNN.TrainPerSec, torchCNN.TrainPerSec)
		goCNN.Status = mark(ratio >= minGoCNNRatio)
	}
	ts = append(ts, goCNN)
	for _, cell := range []string{"lstm", "gru"} {
		t := Target{Goal: fmt.Sprintf("Pure Go: %s step time at T=%d ≤ %.0f× T=%d", strings.ToUpper(cell), hi, maxLengthRatio, lo), Status: notMeasured, Measured: r.notMeasuredOn(engineGo)}
		if res := goRun.rnn(cell); res != nil && len(res.Timing) > 1 {
			ratio := res.Ratio()
			t.Measured = fmt.Sprintf("%.2f× (%s vs %s)", ratio, ms(res.Timing[len(res.Timing)-1].Step.Median), ms(res.Timing[0].Step.Median))
			t.Status = mark(ratio <= maxLengthRatio)
		}
		ts = append(ts, t)
	}

	warm := Target{Goal: fmt.Sprintf("Warm re-run of a cell importing mlkit ≤ %s (median)", maxWarmCell), Status: notMeasured, Measured: "not measured"}
	firstCell := Target{Goal: fmt.Sprintf("First cell after medgo install ≤ %s", maxFirstCell), Status: notMeasured, Measured: "not measured"}
	if c := r.Cells; c != nil {
		warm.Measured = seconds(c.WarmMedian()) + fmt.Sprintf(" (median of %d)", len(c.Reruns))
		warm.Status = mark(c.WarmMedian() <= maxWarmCell)
		firstCell.Measured = seconds(c.First) + " (kernel start before it: " + seconds(c.KernelStart) + ")"
		firstCell.Status = mark(c.First <= maxFirstCell)
	}
	ts = append(ts, warm, firstCell)

	rss := Target{Goal: "Peak RSS while training the seed CNN ≤ 1 GB, on every engine", Status: notMeasured, Measured: "not measured"}
	var parts []string
	ok := true
	for _, e := range r.measured() {
		if e.CNN != nil && e.CNN.PeakRSS > 0 {
			parts = append(parts, e.Title()+" "+formatBytes(e.CNN.PeakRSS))
			ok = ok && e.CNN.PeakRSS <= maxPeakRSS
		}
	}
	if len(parts) > 0 {
		rss.Measured, rss.Status = strings.Join(parts, ", "), mark(ok)
	}
	return append(ts, rss)
}

// rnn is the run's result for a recurrent cell; nil for a nil run or a missing result.
func (e *EngineRun) rnn(cell string) *RNNResult {
	if e == nil {
		return nil
	}
	if cell == "lstm" {
		return e.LSTM
	}
	return e.GRU
}

// slowestFirstStep is the longest first (compiling) training step of the run's models.
func (e *EngineRun) slowestFirstStep() (name string, d time.Duration) {
	consider := func(n string, t time.Duration) {
		if t > d {
			name, d = n, t
		}
	}
	if e.CNN != nil {
		consider("seed CNN", e.CNN.Train.First)
	}
	for _, res := range []*RNNResult{e.LSTM, e.GRU} {
		if res == nil {
			continue
		}
		for _, t := range res.Timing {
			consider(fmt.Sprintf("%s T=%d", strings.ToUpper(res.Cell), t.Length), t.Step.First)
		}
	}
	if e.Transformer != nil {
		consider("transformer", e.Transformer.Step.First)
	}
	return name, d
}

// step is the median step at a length, 0 when not measured.
func (r *RNNResult) step(length int) time.Duration {
	for _, t := range r.Timing {
		if t.Length == length {
			return t.Step.Median
		}
	}
	return 0
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
	runs := r.measured()
	p("# MedGo benchmark: training throughput on pure Go and ONNX Runtime, against PyTorch\n\n")
	p("Written by `go run ./bench --write` (`make bench`). Timings are medians of steps measured after\n")
	p("warm-up steps (the first step builds and compiles the graph). Each engine runs in a process of\n")
	p("its own, one after the other, then PyTorch, in the same run on the same machine: compare ratios\n")
	p("within this file, not figures across machines. The machine may be shared with other work: the\n")
	p("load averages below say how busy it was.\n\n")
	p("- Command: `%s`\n", r.Command)
	p("- Date: %s (took %s)\n", r.Started.UTC().Format("2006-01-02 15:04 MST"), r.Elapsed.Round(time.Second))
	p("- Machine: %s, %d cores (GOMAXPROCS %d)", r.CPU, r.Cores, r.GOMAXPROCS)
	if r.Memory != "" {
		p(", %s memory", r.Memory)
	}
	p("\n- Load average (1, 5, 15 min): %s at start, %s at end\n", r.LoadStart, r.LoadEnd)
	if r.Busy > 0 {
		p("- Loaded on purpose: %d CPU-bound process%s ran beside every measurement (--busy=%d)\n", r.Busy, map[bool]string{true: "", false: "es"}[r.Busy == 1], r.Busy)
	}
	exp := r.Experiment
	if exp == "" {
		exp = "none (matmul without SIMD)"
	}
	p("- Versions: %s, GOEXPERIMENT=%s, GoMLX %s, compute %s, compute-onnx %s", r.Go, exp, r.GoMLX, r.Compute, r.ComputeONNX)
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
	for _, e := range r.Runs {
		if e.Unavailable != "" {
			p("- %s: not measured (%s)\n", e.Title(), e.Unavailable)
		} else {
			p("- %s: %s\n", e.Title(), e.Backend)
		}
	}

	p("\n## Targets\n\n| Goal | Measured | |\n|---|---|---|\n")
	for _, t := range r.Targets() {
		p("| %s | %s | %s |\n", t.Goal, t.Measured, t.Status)
	}
	for _, e := range runs {
		if len(e.Hangs) == 0 {
			continue
		}
		p("\n## Hangs (%s)\n\n", e.Title())
		p("A training step hung on %s (%s); the figures of these sections were measured again\n", e.Title(), e.Backend)
		p("on a fresh pure-Go backend configured %q (operations run one at a time):\n\n", fallbackConfig)
		for _, h := range e.Hangs {
			p("- %s: %s\n", h.Section, strings.ReplaceAll(strings.TrimSpace(h.Err), "\n", "\n  "))
		}
	}
	if errs := r.AllErrors(); len(errs) > 0 {
		p("\n## Sections that failed\n\n")
		for _, e := range errs {
			p("- %s: %s\n", e.Section, strings.ReplaceAll(strings.TrimSpace(e.Err), "\n", "\n  "))
		}
	}

	// header writes a table header: the first columns, one per engine, PyTorch's two, one ratio
	// per engine, then the last columns.
	nt := r.torchThreads()
	header := func(first []string, perEngine string, torch bool, ratio string, last ...string) {
		cols := slices.Clone(first)
		for _, e := range runs {
			cols = append(cols, fmt.Sprintf(perEngine, e.Title()))
		}
		if torch {
			cols = append(cols, fmt.Sprintf("PyTorch, %d thread%s", nt, plural(nt)), "PyTorch, 1 thread")
		}
		if ratio != "" {
			for _, e := range runs {
				cols = append(cols, fmt.Sprintf(ratio, e.Title()))
			}
		}
		cols = append(cols, last...)
		p("| %s |\n|%s\n", strings.Join(cols, " | "), strings.Repeat("---|", len(cols)))
	}
	row := func(cells ...string) { p("| %s |\n", strings.Join(cells, " | ")) }

	var cnnRuns []*EngineRun
	for _, e := range runs {
		if e.CNN != nil {
			cnnRuns = append(cnnRuns, e)
		}
	}
	if len(cnnRuns) > 0 {
		cc := r.CNNConfig
		c0 := cnnRuns[0].CNN
		p("\n## Seed CNN\n\n")
		p("models.SeedCNN (225,034 parameters), %s; training batch %d, %d warm-up and %d timed steps;\n",
			c0.Data, c0.Batch, cc.Warmup, cc.Steps)
		p("inference in batches of %d over %d examples. PyTorch runs the same network on random images of the\n", c0.EvalBatch, c0.Eval.Steps*c0.EvalBatch)
		p("same shape, with one thread per core and with a single thread (on a busy machine a single thread\n")
		p("can be faster); ratios are to the faster of the two. A ratio above 1 means MedGo is faster for\n")
		p("throughputs, slower for times.\n\n")
		header([]string{""}, "%s", true, "%s/PyTorch")
		cnnCol := func(t *TorchResult, f func(t *TorchResult) string) string {
			return torchCell(t, func(t *TorchResult) string {
				if t.CNN == nil {
					return ""
				}
				return f(t)
			})
		}
		best := r.bestTorchCNN()
		line := func(label string, ours func(c *CNNResult) string, torch func(t *TorchResult) string, ratio func(c *CNNResult) string) {
			cells := []string{label}
			for _, e := range runs {
				cells = append(cells, cnnCell(e, ours))
			}
			if torch != nil {
				cells = append(cells, cnnCol(r.Torch, torch), cnnCol(r.Torch1, torch))
			} else {
				cells = append(cells, "", "")
			}
			for _, e := range runs {
				if ratio == nil {
					cells = append(cells, "")
				} else {
					cells = append(cells, cnnCell(e, ratio))
				}
			}
			row(cells...)
		}
		line("Training, examples/s", func(c *CNNResult) string { return num(c.TrainPerSec) },
			func(t *TorchResult) string { return num(t.CNN.TrainPerSec) },
			func(c *CNNResult) string { return ratioCell(c.TrainPerSec, best.TrainPerSec) })
		line("Training step, median (fastest)", func(c *CNNResult) string { return timing(c.Train) },
			func(t *TorchResult) string { return torchTiming(t.CNN.Train) },
			func(c *CNNResult) string { return ratioCell(c.Train.Median.Seconds(), best.StepS) })
		line("First step (graph compilation)", func(c *CNNResult) string { return ms(c.Train.First) }, nil, nil)
		line("Inference, examples/s", func(c *CNNResult) string { return num(c.EvalPerSec) },
			func(t *TorchResult) string { return num(t.CNN.EvalPerSec) },
			func(c *CNNResult) string { return ratioCell(c.EvalPerSec, r.bestTorchEval()) })
		line("Peak RSS (data loading and training)", func(c *CNNResult) string {
			if c.PeakRSS <= 0 {
				return ""
			}
			return formatBytes(c.PeakRSS)
		}, nil, nil)
	}

	var rnnRuns []*EngineRun
	for _, e := range runs {
		if e.LSTM != nil || e.GRU != nil {
			rnnRuns = append(rnnRuns, e)
		}
	}
	if len(rnnRuns) > 0 {
		sc := r.SeqConfig
		p("\n## LSTM and GRU\n\n")
		p("One layer of %d units after mlkit's token embedding (32), last state, %d classes; batch %d of\n", sc.Hidden, sc.Classes, sc.Batch)
		p("token sequences (vocabulary %d, no padding); %d warm-up and %d timed training steps per length.\n\n", sc.Vocab, sc.Warmup, sc.Steps)
		p("Step times are medians, with the fastest step in parentheses; the lengths are timed in interleaved\n")
		p("rounds so that a change in the machine's load affects them alike. Ratios compare medians with\n")
		p("PyTorch's faster thread setting (below 1: MedGo is faster). The first step includes compiling the graph.\n\n")
		header([]string{"Model", "T"}, "%s step", true, "%s/PyTorch", firstStepCols(runs)...)
		for _, cell := range []string{"lstm", "gru"} {
			for _, length := range sc.Lengths {
				cells := []string{strings.ToUpper(cell), fmt.Sprint(length)}
				var firsts []string
				have := false
				for _, e := range runs {
					t, ok := e.rnn(cell).timingAt(length)
					if ok {
						have = true
						cells = append(cells, timing(t.Step))
						firsts = append(firsts, seconds(t.Step.First))
					} else {
						cells = append(cells, "")
						firsts = append(firsts, "")
					}
				}
				if !have {
					continue
				}
				stepF := func(tr *TorchResult) string {
					list := tr.LSTM
					if cell == "gru" {
						list = tr.GRU
					}
					for _, s := range list {
						if s.Length == length {
							return torchTiming(s)
						}
					}
					return ""
				}
				cells = append(cells, torchCell(r.Torch, stepF), torchCell(r.Torch1, stepF))
				for _, e := range runs {
					t, ok := e.rnn(cell).timingAt(length)
					if ok {
						cells = append(cells, ratioCell(t.Step.Median.Seconds(), r.bestTorchStep(cell, length).Seconds()))
					} else {
						cells = append(cells, "")
					}
				}
				row(append(cells, firsts...)...)
			}
		}
		p("\n")
		for _, e := range rnnRuns {
			for _, rnn := range []*RNNResult{e.LSTM, e.GRU} {
				if rnn == nil || len(rnn.Timing) < 2 {
					continue
				}
				lo, hi := rnn.Timing[0], rnn.Timing[len(rnn.Timing)-1]
				p("- %s, %s: T=%d/T=%d step time %.2f from medians, %.2f from the fastest steps (linear cost would be %.1f)",
					e.Title(), strings.ToUpper(rnn.Cell), hi.Length, lo.Length, rnn.Ratio(), rnn.MinRatio(), float64(hi.Length)/float64(lo.Length))
				if a, b := r.bestTorchStep(rnn.Cell, hi.Length), r.bestTorchStep(rnn.Cell, lo.Length); a > 0 && b > 0 {
					p("; PyTorch %.2f", a.Seconds()/b.Seconds())
				}
				p("\n")
			}
		}
	}

	var trRuns []*EngineRun
	for _, e := range runs {
		if e.Transformer != nil {
			trRuns = append(trRuns, e)
		}
	}
	if len(trRuns) > 0 {
		t0 := trRuns[0].Transformer
		p("\n## Transformer encoder\n\n")
		p("models.Transformer, d=%d, %d heads, %d blocks (feed-forward, dropout, positions and pooling at\n", t0.Dim, t0.Heads, t0.Blocks)
		p("their defaults); batch %d of splice-like DNA token sequences of length %d.\n\n", r.SeqConfig.Batch, t0.Length)
		header([]string{""}, "%s", false, "")
		line := func(label string, f func(t *TransformerResult) string) {
			cells := []string{label}
			for _, e := range runs {
				if e.Transformer == nil {
					cells = append(cells, "")
				} else {
					cells = append(cells, f(e.Transformer))
				}
			}
			row(cells...)
		}
		line("Training step, median (fastest)", func(t *TransformerResult) string { return timing(t.Step) })
		line("Training, examples/s", func(t *TransformerResult) string {
			return fmt.Sprintf("%.0f", float64(r.SeqConfig.Batch)/t.Step.Median.Seconds())
		})
		line("First step (graph compilation)", func(t *TransformerResult) string { return seconds(t.Step.First) })
	}

	if c := r.Cells; c != nil {
		p("\n## Notebook cells\n\n")
		p("Through the Jupyter client (jupyter_client.start_new_kernel(kernel_name=\"medgo\"), execute_interactive),\n")
		p("timed from the request until the kernel is idle again, on the engine medgo install chose for the kernel. The cell:\n\n```go\n%s```\n\n", c.Cell)
		p("| | Time |\n|---|---|\n")
		if c.Installed {
			p("| medgo install (before the kernel starts) | %s |\n", seconds(c.Install))
		}
		p("| Kernel start | %s |\n| First cell | %s |\n", seconds(c.KernelStart), seconds(c.First))
		reruns := make([]string, len(c.Reruns))
		for i, d := range c.Reruns {
			reruns[i] = fmt.Sprintf("%.2f", d.Seconds())
		}
		p("| Re-run, median (runs: %s s) | %s |\n", strings.Join(reruns, ", "), seconds(c.WarmMedian()))
		if len(c.Edited) > 0 {
			edited := make([]string, len(c.Edited))
			for i, d := range c.Edited {
				edited[i] = fmt.Sprintf("%.2f", d.Seconds())
			}
			p("| Edited cell (one line added, compiled again), median (runs: %s s) | %s |\n", strings.Join(edited, ", "), seconds(c.EditedMedian()))
		}
	}

	for _, e := range runs {
		if e.Profile != "" {
			p("\n## CPU profile of the Go sections on %s\n\n```\n%s\n```\n", e.Title(), strings.TrimSpace(e.Profile))
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// cnnCell formats one of an engine's seed-CNN figures, or "" without them.
func cnnCell(e *EngineRun, f func(c *CNNResult) string) string {
	if e.CNN == nil {
		return ""
	}
	return f(e.CNN)
}

// firstStepCols are the recurrent table's first-step columns, one per engine.
func firstStepCols(runs []*EngineRun) []string {
	var cols []string
	for _, e := range runs {
		cols = append(cols, e.Title()+" first step")
	}
	return cols
}

// timingAt is the timing at a length; ok is false for a nil result or a missing length.
func (r *RNNResult) timingAt(length int) (SeqTiming, bool) {
	if r == nil {
		return SeqTiming{}, false
	}
	for _, t := range r.Timing {
		if t.Length == length {
			return t, true
		}
	}
	return SeqTiming{}, false
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
