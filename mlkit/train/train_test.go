// SPDX-License-Identifier: Apache-2.0

package train

import (
	"errors"
	"math"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/medgo-lab/medgo/mlkit/data"
	"github.com/medgo-lab/medgo/mlkit/eval"
	"github.com/medgo-lab/medgo/mlkit/models"
)

// needSharedData skips the test when the real data set file (relative to the data directory)
// is not available, pointing MEDGO_DATA at the shared data beside the checkout when it is.
func needSharedData(t *testing.T, file, name string) {
	t.Helper()
	if os.Getenv("MEDGO_DATA") == "" {
		if _, err := os.Stat(filepath.Join("../../../shared/data", file)); err != nil {
			t.Skipf("%s not available: set MEDGO_DATA to the data directory", name)
		}
		t.Setenv("MEDGO_DATA", "../../../shared/data")
	}
}

// wdbcSplit loads WDBC (skipping when the data directory is not available) and standardizes it.
func wdbcSplit(t *testing.T) *data.Split {
	t.Helper()
	needSharedData(t, "uci/wdbc.data", "WDBC")
	d, err := data.LoadWDBC()
	if err != nil {
		t.Fatal(err)
	}
	split, err := data.StratifiedSplit(d, 42, 0.7, 0.15, 0.15)
	if err != nil {
		t.Fatal(err)
	}
	std := data.FitStandardizer(split.Train)
	return &data.Split{Train: std.Apply(split.Train), Val: std.Apply(split.Val), Test: std.Apply(split.Test)}
}

// synthetic is a small binary problem: the label is whether the features sum above zero.
func synthetic(n int, seed int64) *data.Dataset {
	rng := rand.New(rand.NewSource(seed))
	d := &data.Dataset{Name: "synthetic", Task: data.Binary, Shape: []int{4}, Classes: []string{"neg", "pos"}}
	for i := 0; i < n; i++ {
		var s float32
		for j := 0; j < 4; j++ {
			v := float32(rng.NormFloat64())
			d.X = append(d.X, v)
			s += v
		}
		if s > 0 {
			d.Y = append(d.Y, 1)
		} else {
			d.Y = append(d.Y, 0)
		}
	}
	return d
}

func TestFitWDBCReachesBar(t *testing.T) {
	split := wdbcSplit(t)
	dir := t.TempDir()
	run, err := New("wdbc", models.MLP(32).Dropout(0.1).Done()).Epochs(40).EarlyStopping("val_auc", 10).
		Dir(dir).Quiet().Done().Fit(split)
	if err != nil {
		t.Fatal(err)
	}
	pred, err := run.Predict(split.Test)
	if err != nil {
		t.Fatal(err)
	}
	acc, _ := eval.Accuracy(split.Test.Labels(), pred.Labels())
	auc, _ := eval.AUC(split.Test.Labels(), pred.Scores(1))
	t.Logf("WDBC MLP: test accuracy %.3f, AUC %.3f after %d epochs (best %d)", acc, auc, len(run.History.Epochs), run.History.BestEpoch)
	if acc < 0.95 {
		t.Errorf("test accuracy %.3f < 0.95", acc)
	}
	if auc < 0.98 {
		t.Errorf("test AUC %.3f < 0.98", auc)
	}
	// The run directory reopens with the same weights: identical predictions.
	reopened, err := Open(filepath.Join(dir, "wdbc"))
	if err != nil {
		t.Fatal(err)
	}
	again, err := reopened.Predict(reopened.Split().Test)
	if err != nil {
		t.Fatal(err)
	}
	for i := range pred.Probs {
		if math.Abs(pred.Probs[i][1]-again.Probs[i][1]) > 1e-6 {
			t.Fatalf("example %d: %v before, %v after reopening", i, pred.Probs[i], again.Probs[i])
		}
	}
	if reopened.History.BestEpoch != run.History.BestEpoch || !reopened.History.Finished {
		t.Errorf("history not kept: best %d vs %d, finished %v", reopened.History.BestEpoch, run.History.BestEpoch, reopened.History.Finished)
	}
}

func TestFitIsRepeatableAndResumes(t *testing.T) {
	split := &data.Split{Train: synthetic(256, 1), Val: synthetic(64, 2)}
	dir := t.TempDir()
	fit := func(name string, epochs int) *Run {
		t.Helper()
		run, err := New(name, models.MLP(16).Done()).Epochs(epochs).Seed(7).Dir(dir).Quiet().Done().Fit(split)
		if err != nil {
			t.Fatal(err)
		}
		return run
	}
	a, b := fit("a", 4), fit("b", 4)
	for i := range a.History.Epochs {
		if a.History.Epochs[i].TrainLoss != b.History.Epochs[i].TrainLoss {
			t.Fatalf("epoch %d: train loss %v vs %v with the same seed", i+1, a.History.Epochs[i].TrainLoss, b.History.Epochs[i].TrainLoss)
		}
	}
	first, last := a.History.Epochs[0].TrainLoss, a.History.Epochs[3].TrainLoss
	if !(last < first) {
		t.Errorf("loss did not decrease: %v → %v", first, last)
	}

	// Interrupt after epoch 2 with SIGINT (what Jupyter's interrupt sends), then run the same
	// Fit again: it must resume from the checkpoint and end exactly where an uninterrupted run does.
	trainer := New("c", models.MLP(16).Done()).Epochs(4).Seed(7).Dir(dir).Quiet().Done()
	trainer.OnEpoch = func(h *History) {
		if len(h.Epochs) == 2 {
			syscall.Kill(os.Getpid(), syscall.SIGINT)
		}
	}
	_, err := trainer.Fit(split)
	if !errors.Is(err, ErrInterrupted) {
		t.Fatalf("want an interruption error, got %v", err)
	}
	// The signal arrives asynchronously, so the epoch in progress may still finish.
	ck, err := loadCheckpoint(filepath.Join(dir, "c", latestFile))
	if err != nil || ck.Epoch < 2 || ck.Epoch > 3 {
		t.Fatalf("after the interrupt latest.ckpt should hold epoch 2 or 3 of 4: err %v", err)
	}
	trainer.OnEpoch = nil
	resumed, err := trainer.Fit(split)
	if err != nil {
		t.Fatal(err)
	}
	if len(resumed.History.Epochs) != 4 || !resumed.History.Finished {
		t.Fatalf("resumed run has %d epochs, finished %v", len(resumed.History.Epochs), resumed.History.Finished)
	}
	for i := 2; i < 4; i++ {
		if got, want := resumed.History.Epochs[i].TrainLoss, a.History.Epochs[i].TrainLoss; got != want {
			t.Errorf("epoch %d after resuming: train loss %v, uninterrupted run %v", i+1, got, want)
		}
	}
}

func TestMonitorTrainLossKeepsLowestTrainingLoss(t *testing.T) {
	split := &data.Split{Train: synthetic(256, 1), Val: synthetic(64, 2)}
	run, err := New("last", models.MLP(16).Done()).Epochs(4).Monitor("train_loss").Dir(t.TempDir()).Quiet().Done().Fit(split)
	if err != nil {
		t.Fatal(err)
	}
	h := run.History
	lowest := 0
	for i, e := range h.Epochs {
		if _, ok := e.Val["loss"]; !ok {
			t.Errorf("epoch %d: validation loss missing while monitoring train_loss", e.Epoch)
		}
		if e.TrainLoss < h.Epochs[lowest].TrainLoss {
			lowest = i
		}
	}
	if h.Monitor != "train_loss" || h.BestEpoch != lowest+1 {
		t.Errorf("monitor %q, best epoch %d; want train_loss and epoch %d (lowest training loss)", h.Monitor, h.BestEpoch, lowest+1)
	}
}

func TestFitRejectsBadInputBeforeTraining(t *testing.T) {
	good := synthetic(32, 1)
	badShape := synthetic(8, 2)
	badShape.Shape = []int{2, 2}
	badLabel := synthetic(8, 3)
	badLabel.Y[0] = 5
	for _, tc := range []struct {
		name  string
		split *data.Split
		cfg   *Config
		want  string
	}{
		{"no data", &data.Split{}, New("x", models.MLP().Done()), "no training data"},
		{"shape mismatch", &data.Split{Train: good, Val: badShape}, New("x", models.MLP().Done()), "prepare all splits the same way"},
		{"unknown label", &data.Split{Train: good, Test: badLabel}, New("x", models.MLP().Done()), "has label 5"},
		{"bad epochs", &data.Split{Train: good}, New("x", models.MLP().Done()).Epochs(0), "epochs = 0"},
		{"bad monitor", &data.Split{Train: good}, New("x", models.MLP().Done()).EarlyStopping("val_f7", 3), "monitor"},
		{"bad name", &data.Split{Train: good}, New("../escape", models.MLP().Done()), "run name"},
		{"bad model", &data.Split{Train: good}, New("x", models.MLP(0).Done()), "width 0"},
		{"class weights", &data.Split{Train: good}, New("x", models.MLP().Done()).ClassWeights(1, 2, 3), "3 class weights"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tc.cfg.Dir(t.TempDir()).Quiet().Done().Fit(tc.split)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want one containing %q", err, tc.want)
			}
		})
	}
}

func TestFitStopsOnNaNLoss(t *testing.T) {
	d := synthetic(64, 1)
	d.X[5] = float32(math.Inf(1))
	dir := t.TempDir()
	_, err := New("nan", models.MLP(8).Done()).Epochs(3).BatchSize(64).Dir(dir).Quiet().Done().Fit(&data.Split{Train: d})
	if err == nil || !strings.Contains(err.Error(), "loss became") {
		t.Fatalf("want a NaN/Inf loss error, got %v", err)
	}
}

func TestRunLockRefusesSecondTrainer(t *testing.T) {
	dir := t.TempDir()
	unlock, err := lockRun(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()
	if _, err := lockRun(dir); err == nil || !strings.Contains(err.Error(), "in use by another training process") {
		t.Fatalf("second lock: %v", err)
	}
}

func TestOpenMissingRun(t *testing.T) {
	t.Setenv("MEDGO_RUNS", t.TempDir())
	_, err := Open("never-trained")
	if err == nil || !strings.Contains(err.Error(), "train it first") {
		t.Fatalf("got %v", err)
	}
	if errors.Is(err, ErrInterrupted) {
		t.Fatal("wrong error kind")
	}
}

func TestTrainingTime(t *testing.T) {
	a := &Run{History: &History{Epochs: []Epoch{{Seconds: 1.2}, {Seconds: 2.4}}}}
	b := &Run{History: &History{Epochs: []Epoch{{Seconds: 0.6}}}}
	for _, tc := range []struct {
		name string
		runs []*Run
		want string
	}{
		{"one run", []*Run{a}, "4s"},
		{"an ensemble", []*Run{a, b}, "5s"},
		{"no history", []*Run{{}}, "0s"},
	} {
		if got := TrainingTime(tc.runs...).String(); got != tc.want {
			t.Errorf("%s: %s, want %s", tc.name, got, tc.want)
		}
	}
}
