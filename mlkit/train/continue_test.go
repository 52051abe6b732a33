// SPDX-License-Identifier: Apache-2.0

package train

import (
	"bytes"
	"encoding/gob"
	"errors"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/medgo-lab/medgo/mlkit/data"
	"github.com/medgo-lab/medgo/mlkit/models"
)

func smallSplit() *data.Split {
	return &data.Split{Train: synthetic(128, 1), Val: synthetic(32, 2), Test: synthetic(32, 3)}
}

// fitCounting fits cfg and returns the run and how many epochs this Fit trained.
func fitCounting(t *testing.T, cfg *Config, split *data.Split) (*Run, int, error) {
	t.Helper()
	tr := cfg.Quiet().Done()
	trained := 0
	tr.OnEpoch = func(*History) { trained++ }
	run, err := tr.Fit(split)
	return run, trained, err
}

// snapshot reads every file Fit writes in a run directory.
func snapshot(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	for _, f := range runFiles {
		b, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil {
			t.Fatalf("snapshot of %s: %v", dir, err)
		}
		files[f] = b
	}
	return files
}

func sameFiles(t *testing.T, what string, got, want map[string][]byte) {
	t.Helper()
	for f, b := range want {
		if !bytes.Equal(got[f], b) {
			t.Errorf("%s: %s changed (%d bytes before, %d after)", what, f, len(b), len(got[f]))
		}
	}
}

// sameEpochs compares what training produced in two epochs (not the time it took).
func sameEpochs(a, b Epoch) bool {
	a.Seconds, b.Seconds = 0, 0
	return reflect.DeepEqual(a, b)
}

// TestChangedEpochsOrPatienceContinues trains a run, then fits it again under the same name
// with continuable changes: only the missing epochs are trained, the earlier ones are kept as
// they were, and the result is the same as a fresh run with the new settings.
func TestChangedEpochsOrPatienceContinues(t *testing.T) {
	split := smallSplit()
	base := func(name string) *Config { return New(name, models.MLP(8).Done()).Seed(3) }
	for _, tc := range []struct {
		name          string
		first, second func(*Config) *Config
		wantEpochs    int  // history length after the second Fit
		wantTrained   int  // epochs the second Fit trained
		likeFresh     bool // the history equals a fresh run with the second configuration
	}{
		{"more epochs", func(c *Config) *Config { return c.Epochs(3) }, func(c *Config) *Config { return c.Epochs(4) }, 4, 1, true},
		{"more epochs, plateau schedule",
			func(c *Config) *Config { return c.Epochs(3).ReduceOnPlateau(0.5, 1).Monitor("val_accuracy") },
			func(c *Config) *Config { return c.Epochs(6).ReduceOnPlateau(0.5, 1).Monitor("val_accuracy") }, 6, 3, true},
		{"patience and epochs",
			func(c *Config) *Config { return c.Epochs(2).EarlyStopping("val_loss", 5) },
			func(c *Config) *Config { return c.Epochs(4).EarlyStopping("val_loss", 8) }, 4, 2, true},
		{"early-stopped, more patience",
			func(c *Config) *Config { return c.Epochs(8).EarlyStopping("val_accuracy", 1) },
			func(c *Config) *Config { return c.Epochs(8).EarlyStopping("val_accuracy", 3) }, 4, 2, true},
		{"early-stopped, more epochs reopens",
			func(c *Config) *Config { return c.Epochs(8).EarlyStopping("val_accuracy", 1) },
			func(c *Config) *Config { return c.Epochs(12).EarlyStopping("val_accuracy", 1) }, 2, 0, true},
		{"same settings reopens", func(c *Config) *Config { return c.Epochs(3) }, func(c *Config) *Config { return c.Epochs(3) }, 3, 0, true},
		{"fewer epochs reopens as it is", func(c *Config) *Config { return c.Epochs(3) }, func(c *Config) *Config { return c.Epochs(2) }, 3, 0, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			first, n, err := fitCounting(t, tc.first(base("x")).Dir(dir), split)
			if err != nil {
				t.Fatal(err)
			}
			before := first.History.Epochs
			second, n2, err := fitCounting(t, tc.second(base("x")).Dir(dir), split)
			if err != nil {
				t.Fatalf("second Fit: %v", err)
			}
			h := second.History
			if len(h.Epochs) != tc.wantEpochs || n2 != tc.wantTrained {
				t.Fatalf("after the second Fit: %d epochs, %d trained by it; want %d and %d (first Fit trained %d)",
					len(h.Epochs), n2, tc.wantEpochs, tc.wantTrained, n)
			}
			for i, e := range before {
				if !reflect.DeepEqual(h.Epochs[i], e) {
					t.Errorf("epoch %d changed: %+v, was %+v", i+1, h.Epochs[i], e)
				}
			}
			if !h.Finished {
				t.Errorf("the run is not finished")
			}
			if tc.likeFresh {
				fresh, _, err := fitCounting(t, tc.second(base("fresh")).Dir(dir), split)
				if err != nil {
					t.Fatal(err)
				}
				if len(fresh.History.Epochs) != len(h.Epochs) || fresh.History.BestEpoch != h.BestEpoch {
					t.Fatalf("fresh run: %d epochs, best %d; continued: %d, best %d",
						len(fresh.History.Epochs), fresh.History.BestEpoch, len(h.Epochs), h.BestEpoch)
				}
				for i := range h.Epochs {
					if !sameEpochs(h.Epochs[i], fresh.History.Epochs[i]) {
						t.Errorf("epoch %d: continued %+v, fresh %+v", i+1, h.Epochs[i], fresh.History.Epochs[i])
					}
				}
				p1, err1 := second.Predict(split.Test)
				p2, err2 := fresh.Predict(split.Test)
				if err1 != nil || err2 != nil {
					t.Fatal(err1, err2)
				}
				if !reflect.DeepEqual(p1.Probs, p2.Probs) {
					t.Errorf("the continued run predicts differently from a fresh run with the same settings")
				}
			}
			// What the second Fit returned is what a later cell reopens.
			again, err := Open(filepath.Join(dir, "x"))
			if err != nil {
				t.Fatal(err)
			}
			if len(again.History.Epochs) != tc.wantEpochs || again.Settings.Epochs != second.Settings.Epochs {
				t.Errorf("reopened: %d epochs, settings %d epochs; Fit returned %d epochs, settings %d",
					len(again.History.Epochs), again.Settings.Epochs, tc.wantEpochs, second.Settings.Epochs)
			}
		})
	}
}

// TestChangedRunIsRefused fits a run, then a configuration whose weights would mean
// something else under the same name: Fit must say what differs and how to proceed, and
// leave every file of the run as it was.
func TestChangedRunIsRefused(t *testing.T) {
	split := smallSplit()
	for _, tc := range []struct {
		name   string
		second *Config
		split  *data.Split
		want   string
	}{
		{"model", New("x", models.MLP(16).Done()).Epochs(3), split, "a different model: hidden [8] → [16]"},
		{"no hidden layer", New("x", models.Linear().Done()).Epochs(3), split, "hidden [8] → []"},
		{"learning rate", New("x", models.MLP(8).Done()).Epochs(3).Adam(3e-3), split, "learning rate 0.001 → 0.003"},
		{"optimizer", New("x", models.MLP(8).Done()).Epochs(3).SGD(0.001, 0.9), split, `optimizer "adam" → "sgd"`},
		{"seed", New("x", models.MLP(8).Done()).Epochs(4).Seed(2), split, "seed 1 → 2"},
		{"data values", New("x", models.MLP(8).Done()).Epochs(3),
			&data.Split{Train: synthetic(128, 9), Val: split.Val, Test: split.Test}, "different data: the same shape and sizes but different values"},
		{"data size", New("x", models.MLP(8).Done()).Epochs(3),
			&data.Split{Train: synthetic(96, 1), Val: split.Val, Test: split.Test}, "train examples 128 → 96"},
		{"task", New("x", models.MLP(8).Done()).Epochs(3), regressionOf(split), "task binary → regression"},
		{"cosine length", New("x", models.MLP(8).Done()).Epochs(5).Cosine(1), split, "cosine schedule over 3 epochs (now 5)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			first := New("x", models.MLP(8).Done()).Epochs(3)
			if tc.name == "cosine length" {
				first.Cosine(1)
			}
			if _, _, err := fitCounting(t, first.Dir(dir), split); err != nil {
				t.Fatal(err)
			}
			before := snapshot(t, filepath.Join(dir, "x"))
			_, trained, err := fitCounting(t, tc.second.Dir(dir), tc.split)
			if err == nil {
				t.Fatalf("the changed configuration was accepted (%d epochs trained)", trained)
			}
			msg := err.Error()
			for _, want := range []string{tc.want, `run "x" in ` + filepath.Join(dir, "x"), ".Restart()", "new run name", "3 trained epoch(s) are kept"} {
				if !strings.Contains(msg, want) {
					t.Errorf("error %q does not mention %q", msg, want)
				}
			}
			if !errors.Is(err, ErrRunChanged) || trained != 0 {
				t.Errorf("errors.Is(err, ErrRunChanged) = %v, %d epochs trained", errors.Is(err, ErrRunChanged), trained)
			}
			sameFiles(t, "after the refused Fit", snapshot(t, filepath.Join(dir, "x")), before)
			if prev, _ := filepath.Glob(filepath.Join(dir, "x", "previous-*")); len(prev) > 0 {
				t.Errorf("a refused Fit moved the run aside: %v", prev)
			}
		})
	}
}

// regressionOf is split with the same values relabelled as a regression task.
func regressionOf(split *data.Split) *data.Split {
	relabel := func(d *data.Dataset) *data.Dataset {
		c := *d
		c.Task, c.Classes, c.Targets = data.Regression, nil, []string{"y"}
		return &c
	}
	return &data.Split{Train: relabel(split.Train), Val: relabel(split.Val), Test: relabel(split.Test)}
}

// TestRestartKeepsPreviousRun restarts a run with another model: it trains from scratch, and
// the old run is still there, whole and reopenable, in RUNDIR/previous-<time>.
func TestRestartKeepsPreviousRun(t *testing.T) {
	split := smallSplit()
	dir := t.TempDir()
	runDir := filepath.Join(dir, "x")
	old, _, err := fitCounting(t, New("x", models.MLP(8).Done()).Epochs(3).Dir(dir), split)
	if err != nil {
		t.Fatal(err)
	}
	before := snapshot(t, runDir)
	restarted, trained, err := fitCounting(t, New("x", models.MLP(16).Done()).Epochs(2).Dir(dir).Restart(), split)
	if err != nil {
		t.Fatal(err)
	}
	if trained != 2 || len(restarted.History.Epochs) != 2 || restarted.History.Epochs[0].TrainLoss == old.History.Epochs[0].TrainLoss {
		t.Fatalf("restart trained %d epochs, history %d; want a fresh 2-epoch run", trained, len(restarted.History.Epochs))
	}
	prev, _ := filepath.Glob(filepath.Join(runDir, "previous-*"))
	if len(prev) != 1 {
		t.Fatalf("want one previous-* directory in %s, found %v", runDir, prev)
	}
	sameFiles(t, "the previous run", snapshot(t, prev[0]), before)
	reopened, err := Open(prev[0])
	if err != nil {
		t.Fatalf("reopening the previous run: %v", err)
	}
	if !reflect.DeepEqual(reopened.History.Epochs, old.History.Epochs) {
		t.Errorf("the previous run's history changed")
	}
	if current, err := Open(runDir); err != nil || len(current.History.Epochs) != 2 {
		t.Fatalf("reopening the restarted run: %v", err)
	}
	// A second restart in the same second gets its own directory.
	if _, _, err := fitCounting(t, New("x", models.MLP(16).Done()).Epochs(1).Dir(dir).Restart(), split); err != nil {
		t.Fatal(err)
	}
	if prev, _ = filepath.Glob(filepath.Join(runDir, "previous-*")); len(prev) != 2 {
		t.Fatalf("after two restarts: %v", prev)
	}
}

// TestReopenFinishedRunWritesNothing fits a finished run again: nothing is trained and no
// file is rewritten, and only the best checkpoint is read (the latest one is not needed).
func TestReopenFinishedRunWritesNothing(t *testing.T) {
	split := smallSplit()
	dir := t.TempDir()
	runDir := filepath.Join(dir, "x")
	cfg := func() *Config { return New("x", models.MLP(8).Done()).Epochs(3).Dir(dir) }
	first, _, err := fitCounting(t, cfg(), split)
	if err != nil {
		t.Fatal(err)
	}
	// Backdated, so that any rewrite shows in the modification times whatever their resolution.
	past := time.Now().Add(-time.Hour).Truncate(time.Second)
	for _, f := range runFiles {
		if err := os.Chtimes(filepath.Join(runDir, f), past, past); err != nil {
			t.Fatal(err)
		}
	}
	// Reopening needs only best.ckpt: a damaged latest.ckpt shows that it is not read.
	if err := os.WriteFile(filepath.Join(runDir, latestFile), []byte("not read when reopening"), 0o644); err != nil {
		t.Fatal(err)
	}
	os.Chtimes(filepath.Join(runDir, latestFile), past, past)
	before := snapshot(t, runDir)
	run, trained, err := fitCounting(t, cfg(), split)
	if err != nil {
		t.Fatal(err)
	}
	if trained != 0 || !reflect.DeepEqual(run.History.Epochs, first.History.Epochs) {
		t.Fatalf("reopening trained %d epochs", trained)
	}
	sameFiles(t, "reopening", snapshot(t, runDir), before)
	for _, f := range runFiles {
		if fi, err := os.Stat(filepath.Join(runDir, f)); err != nil || !fi.ModTime().Equal(past) {
			t.Errorf("%s was rewritten by reopening: %v", f, err)
		}
	}
	p1, err1 := first.Predict(split.Test)
	p2, err2 := run.Predict(split.Test)
	if err1 != nil || err2 != nil || !reflect.DeepEqual(p1.Probs, p2.Probs) {
		t.Errorf("the reopened run predicts differently (%v, %v)", err1, err2)
	}
}

func mnistSample(t *testing.T) *data.Split {
	t.Helper()
	needSharedData(t, "mnist/t10k-images-idx3-ubyte.gz", "MNIST")
	s, err := data.LoadMNIST()
	if err != nil {
		t.Fatal(err)
	}
	idx := func(from, to int) []int {
		out := make([]int, 0, to-from)
		for i := from; i < to; i++ {
			out = append(out, i)
		}
		return out
	}
	return &data.Split{Train: s.Test.Subset(idx(0, 3000)), Val: s.Test.Subset(idx(3000, 4000)), Test: s.Test.Subset(idx(4000, 5000))}
}

// TestDataFileIsCompact compares the data file with the plain gob earlier versions wrote.
func TestDataFileIsCompact(t *testing.T) {
	for _, tc := range []struct {
		name     string
		split    func(t *testing.T) *data.Split
		maxRatio float64
	}{
		{"MNIST images", mnistSample, 0.2},    // 256 pixel values: 1-byte palette indices
		{"WDBC standardized", wdbcSplit, 0.8}, // continuous: raw float32, gzip
		{"synthetic normal", func(*testing.T) *data.Split { return smallSplit() }, 0.8},
	} {
		t.Run(tc.name, func(t *testing.T) {
			split := tc.split(t)
			rd := &runData{Split: *split, Outputs: 10, Fingerprint: fingerprintSplit(split)}
			path := filepath.Join(t.TempDir(), dataFile)
			if err := saveRunData(path, rd); err != nil {
				t.Fatal(err)
			}
			var old bytes.Buffer
			if err := gob.NewEncoder(&old).Encode(rd); err != nil {
				t.Fatal(err)
			}
			fi, err := os.Stat(path)
			if err != nil {
				t.Fatal(err)
			}
			ratio := float64(fi.Size()) / float64(old.Len())
			t.Logf("%s: %d bytes, plain gob %d (%.3f)", tc.name, fi.Size(), old.Len(), ratio)
			if ratio > tc.maxRatio {
				t.Errorf("data file is %.3f of the plain gob, want at most %.2f", ratio, tc.maxRatio)
			}
			back, err := loadRunData(path)
			if err != nil {
				t.Fatal(err)
			}
			sameSplit(t, &back.Split, split)
			if back.Fingerprint != rd.Fingerprint || fingerprintSplit(&back.Split) != rd.Fingerprint || back.Outputs != 10 {
				t.Errorf("fingerprint or outputs not kept")
			}
		})
	}
}

func sameSplit(t *testing.T, got, want *data.Split) {
	t.Helper()
	parts := func(s *data.Split) []*data.Dataset { return []*data.Dataset{s.Train, s.Val, s.Test} }
	for i, w := range parts(want) {
		g := parts(got)[i]
		if (g == nil) != (w == nil) {
			t.Fatalf("part %d: present %v, want %v", i, g != nil, w != nil)
		}
		if w == nil {
			continue
		}
		for _, c := range []struct {
			name string
			a, b []float32
		}{{"X", g.X, w.X}, {"Y", g.Y, w.Y}, {"Mask", g.Mask, w.Mask}} {
			if (c.a == nil) != (c.b == nil) || len(c.a) != len(c.b) {
				t.Fatalf("part %d %s: %d values (nil %v), want %d (nil %v)", i, c.name, len(c.a), c.a == nil, len(c.b), c.b == nil)
			}
			for j := range c.a {
				if math.Float32bits(c.a[j]) != math.Float32bits(c.b[j]) {
					t.Fatalf("part %d %s[%d] = %v, want %v", i, c.name, j, c.a[j], c.b[j])
				}
			}
		}
		gm, wm := *g, *w
		gm.X, gm.Y, gm.Mask, wm.X, wm.Y, wm.Mask = nil, nil, nil, nil, nil, nil
		if gm.Vocab != nil && wm.Vocab != nil && reflect.DeepEqual(gm.Vocab.Tokens, wm.Vocab.Tokens) {
			gm.Vocab, wm.Vocab = nil, nil // the token index is rebuilt lazily
		}
		if !reflect.DeepEqual(gm, wm) {
			t.Errorf("part %d metadata: %+v, want %+v", i, gm, wm)
		}
	}
}

// TestDataFileRoundTrip stores columns of every kind exactly: NaN labels, -0, masks, token ids
// beyond 256 distinct values, more than 65536 distinct values, empty and missing parts.
func TestDataFileRoundTrip(t *testing.T) {
	tokens := &data.Dataset{Name: "tokens", Task: data.MultiLabel, Shape: []int{8}, Targets: []string{"a", "b"},
		Vocab: data.NewVocabulary("x", "y", "z")}
	for i := 0; i < 200; i++ {
		for j := 0; j < 8; j++ {
			tokens.X = append(tokens.X, float32((i*8+j)%1000))
			tokens.Mask = append(tokens.Mask, float32((i+j)%2))
		}
		tokens.Y = append(tokens.Y, float32(i%2), float32(math.NaN()))
	}
	tokens.X[3] = float32(math.Copysign(0, -1))
	wide := synthetic(20000, 5) // 80000 distinct values: raw columns
	for _, tc := range []struct {
		name  string
		split *data.Split
	}{
		{"palette16, NaN, mask, vocabulary", &data.Split{Train: tokens, Test: tokens.Head(3)}},
		{"raw", &data.Split{Train: wide, Val: synthetic(1, 1)}},
		{"empty mask", &data.Split{Train: &data.Dataset{Task: data.Binary, Shape: []int{1}, X: []float32{1, 2}, Y: []float32{0, 1}, Mask: []float32{}}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), dataFile)
			if err := saveRunData(path, &runData{Split: *tc.split, Outputs: 2, Fingerprint: 42}); err != nil {
				t.Fatal(err)
			}
			back, err := loadRunData(path)
			if err != nil {
				t.Fatal(err)
			}
			sameSplit(t, &back.Split, tc.split)
			h, err := readDataHeader(path)
			if err != nil || h.Fingerprint != 42 || h.Format != 2 || h.Train.Examples != tc.split.Train.Len() {
				t.Fatalf("header %+v, %v", h, err)
			}
		})
	}
	// A damaged file is reported, not read as other values.
	path := filepath.Join(t.TempDir(), dataFile)
	if err := saveRunData(path, &runData{Split: data.Split{Train: wide}, Fingerprint: 1}); err != nil {
		t.Fatal(err)
	}
	raw, _ := os.ReadFile(path)
	raw[len(raw)/2] ^= 0xff
	os.WriteFile(path, raw, 0o644)
	if _, err := loadRunData(path); err == nil || !strings.Contains(err.Error(), "unreadable") {
		t.Fatalf("damaged data file: %v", err)
	}
}

// TestOldFormatRunStillOpens rewrites a run's data file as the plain gob earlier versions
// wrote: Open reads it, and Fit reopens and continues the run without rewriting it.
func TestOldFormatRunStillOpens(t *testing.T) {
	split := smallSplit()
	dir := t.TempDir()
	runDir := filepath.Join(dir, "x")
	first, _, err := fitCounting(t, New("x", models.MLP(8).Done()).Epochs(2).Dir(dir), split)
	if err != nil {
		t.Fatal(err)
	}
	var old bytes.Buffer
	rd := &runData{Split: *split, Outputs: first.Outputs, Fingerprint: fingerprintSplit(split)}
	if err := gob.NewEncoder(&old).Encode(rd); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(runDir, dataFile), old.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	run, err := Open(runDir)
	if err != nil {
		t.Fatalf("opening an old-format run: %v", err)
	}
	sameSplit(t, run.Split(), split)
	if _, err := run.Predict(run.Split().Test); err != nil {
		t.Fatal(err)
	}
	if _, trained, err := fitCounting(t, New("x", models.MLP(8).Done()).Epochs(2).Dir(dir), split); err != nil || trained != 0 {
		t.Fatalf("reopening an old-format run: %d epochs trained, %v", trained, err)
	}
	more, trained, err := fitCounting(t, New("x", models.MLP(8).Done()).Epochs(3).Dir(dir), split)
	if err != nil || trained != 1 || len(more.History.Epochs) != 3 {
		t.Fatalf("continuing an old-format run: %d epochs trained, %v", trained, err)
	}
	if now, _ := os.ReadFile(filepath.Join(runDir, dataFile)); !bytes.Equal(now, old.Bytes()) {
		t.Errorf("the old-format data file was rewritten")
	}
	if _, _, err := fitCounting(t, New("x", models.MLP(16).Done()).Epochs(3).Dir(dir), split); !errors.Is(err, ErrRunChanged) {
		t.Errorf("a changed model on an old-format run: %v", err)
	}
}

// TestRunWithoutEpochsStartsOver: a run stopped by a NaN loss in its first epoch has no
// weights to keep, so a corrected configuration trains under the same name without Restart.
func TestRunWithoutEpochsStartsOver(t *testing.T) {
	d := synthetic(64, 1)
	dir := t.TempDir()
	_, _, err := fitCounting(t, New("nan", models.MLP(8).Done()).Epochs(2).BatchSize(64).Adam(1e6).Dir(dir), &data.Split{Train: poisoned(d)})
	if err == nil || !strings.Contains(err.Error(), "loss became") {
		t.Fatalf("want a NaN loss, got %v", err)
	}
	run, trained, err := fitCounting(t, New("nan", models.MLP(8).Done()).Epochs(2).BatchSize(64).Dir(dir), &data.Split{Train: d})
	if err != nil || trained != 2 || len(run.History.Epochs) != 2 {
		t.Fatalf("after fixing the data and learning rate: %d epochs trained, %v", trained, err)
	}
}

func poisoned(d *data.Dataset) *data.Dataset {
	c := *d
	c.X = append([]float32(nil), d.X...)
	c.X[5] = float32(math.Inf(1))
	return &c
}
