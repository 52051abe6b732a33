// SPDX-License-Identifier: Apache-2.0

package train

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/medgo-lab/medgo/mlkit/data"
	"github.com/medgo-lab/medgo/mlkit/models"
)

// Trainers made from one Config must not share settings, and the caller's class-weight slice
// must not reach them.
func TestConfigDoneReturnsIndependentTrainers(t *testing.T) {
	weights := []float64{1, 2}
	base := New("x", models.MLP(8).Done()).ClassWeights(weights...)
	first := base.Epochs(3).Done()
	second := base.Epochs(5).ClassWeights(4, 4).Done()
	weights[0] = 9
	if s := first.settings; s.Epochs != 3 || s.ClassWeights[0] != 1 || s.ClassWeights[1] != 2 {
		t.Errorf("first trainer changed: epochs %d, class weights %v; want 3, [1 2]", s.Epochs, s.ClassWeights)
	}
	if s := second.settings; s.Epochs != 5 || s.ClassWeights[0] != 4 {
		t.Errorf("second trainer: epochs %d, class weights %v; want 5, [4 4]", s.Epochs, s.ClassWeights)
	}
	shifted := base.Augment(data.AugmentOptions{MaxShift: 1}).Done()
	base.Augment(data.AugmentOptions{MaxShift: 3})
	if a := shifted.settings.Augment; a == nil || a.MaxShift != 1 {
		t.Errorf("a later Augment on the same Config reached a finished Trainer: %+v; want MaxShift 1", a)
	}
}

// A builder passed to New without Done is itself a Model; options given to it afterwards must
// not change the run's model.
func TestNewTakesACopyOfABuilder(t *testing.T) {
	b := models.MLP(8)
	tr := New("x", b).Done()
	b.Dropout(0.5)
	raw, err := models.Marshal(tr.model)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(raw), `"dropout": 0`) || strings.Contains(string(raw), "0.5") {
		t.Errorf("the trainer's model changed with its builder:\n%s", raw)
	}
}

// An invalid model option is reported by Fit, before training, naming the option.
func TestFitReportsInvalidModelOption(t *testing.T) {
	dir := t.TempDir()
	_, err := New("x", models.MLP(8).Dropout(1.5).Done()).Dir(dir).Quiet().Done().Fit(&data.Split{Train: synthetic(16, 1)})
	if err == nil || !strings.Contains(err.Error(), "Dropout(1.5)") || !strings.Contains(err.Error(), "[0, 1)") {
		t.Fatalf("error %v, want the Dropout(1.5) option and its range", err)
	}
	if _, serr := os.Stat(filepath.Join(dir, "x")); !errors.Is(serr, os.ErrNotExist) {
		t.Errorf("the run directory was created before the error: %v", serr)
	}
}

func regression(n int, seed int64) *data.Dataset {
	d := synthetic(n, seed)
	d.Task, d.Classes, d.Targets = data.Regression, nil, []string{"y"}
	for i := range d.Y {
		d.Y[i] = d.X[4*i] + d.X[4*i+1]
	}
	return d
}

func multiLabel(n int, seed int64) *data.Dataset {
	d := synthetic(n, seed)
	d.Task, d.Classes, d.Targets = data.MultiLabel, nil, []string{"a", "b"}
	y := make([]float32, 0, 2*n)
	for i := range n {
		y = append(y, d.Y[i], 1-d.Y[i])
	}
	d.Y = y
	return d
}

// A monitor the run cannot compute is an error before training starts. Without validation data
// an asked-for validation metric used to become train_loss without a word.
func TestMonitorThatCannotBeComputedIsAnError(t *testing.T) {
	binary := synthetic(32, 1)
	noVal := &data.Split{Train: binary}
	emptyVal := &data.Split{Train: binary, Val: binary.Head(0)}
	withVal := &data.Split{Train: binary, Val: synthetic(16, 2)}
	regr := &data.Split{Train: regression(32, 1), Val: regression(16, 2)}
	multi := &data.Split{Train: multiLabel(32, 1), Val: multiLabel(16, 2)}
	m := models.MLP(8).Done()
	cases := []struct {
		name  string
		cfg   *Config
		split *data.Split
		want  []string // parts of the error; none: no error
	}{
		{"early stopping on val_auc without validation", New("x", m).EarlyStopping("val_auc", 3), noVal,
			[]string{"EarlyStopping monitors val_auc", "no validation data", "Val part", "data.StratifiedSplit", `EarlyStopping("train_loss", 3)`}},
		{"monitor val_loss without validation", New("x", m).Monitor("val_loss"), noVal,
			[]string{"Monitor monitors val_loss", "no validation data", `Monitor("train_loss")`}},
		{"empty validation part", New("x", m).Monitor("val_accuracy"), emptyVal, []string{"no validation data"}},
		{"val_auc for regression", New("x", m).EarlyStopping("val_auc", 3), regr,
			[]string{"val_auc", "regression", "train_loss, val_loss, val_rmse"}},
		{"val_rmse for classification", New("x", m).Monitor("val_rmse"), withVal,
			[]string{"val_rmse", "binary", "val_accuracy, val_auc"}},
		{"val_accuracy for multi-label", New("x", m).Monitor("val_accuracy"), multi,
			[]string{"val_accuracy", "train_loss, val_loss, val_auc"}},
		{"unknown metric", New("x", m).EarlyStopping("val_f1", 3), withVal,
			[]string{"val_f1", "train_loss, val_accuracy, val_auc, val_loss, val_rmse"}},
		// What still works.
		{"default monitor without validation", New("x", m), noVal, nil},
		{"train_loss without validation", New("x", m).EarlyStopping("train_loss", 3), noVal, nil},
		{"val_auc with validation", New("x", m).EarlyStopping("val_auc", 3), withVal, nil},
		{"val_rmse for regression", New("x", m).Monitor("val_rmse"), regr, nil},
		{"val_auc for multi-label", New("x", m).Monitor("val_auc"), multi, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			tr := tc.cfg.Dir(dir).Quiet().Done()
			if tc.want == nil {
				// Only the checks: training itself is covered elsewhere.
				if err := tr.err; err != nil {
					t.Fatal(err)
				}
				if err := tr.checkData(tc.split); err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				return
			}
			_, err := tr.Fit(tc.split)
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
			if _, serr := os.Stat(filepath.Join(dir, "x")); !errors.Is(serr, os.ErrNotExist) {
				t.Errorf("training started (the run directory exists): %v", serr)
			}
		})
	}
}

// The documented fallback of the default monitor stays: no validation part, train_loss.
func TestDefaultMonitorWithoutValidationUsesTrainLoss(t *testing.T) {
	run, err := New("plain", models.MLP(4).Done()).Epochs(1).Dir(t.TempDir()).Quiet().Done().Fit(&data.Split{Train: synthetic(64, 1)})
	if err != nil {
		t.Fatal(err)
	}
	if run.History.Monitor != "train_loss" {
		t.Errorf("monitor %q, want train_loss", run.History.Monitor)
	}
}

// SummaryFor on the training data counts exactly the trainable variables of the trained model,
// for a binary task (one output unit) and a multi-class one.
func TestSummaryForMatchesTrainedModel(t *testing.T) {
	multi := synthetic(64, 3)
	multi.Task, multi.Classes = data.MultiClass, []string{"a", "b", "c"}
	for i := range multi.Len() {
		multi.Y[i] = float32(i % 3)
	}
	for _, tc := range []struct {
		name  string
		model models.Model
		d     *data.Dataset
	}{
		{"binary MLP", models.MLP(16, 8).Done(), synthetic(64, 1)},
		{"multi-class MLP", models.MLP(16).Done(), multi},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st, err := models.SummaryFor(tc.model, tc.d)
			if err != nil {
				t.Fatal(err)
			}
			run, err := New("s", tc.model).Epochs(1).Dir(t.TempDir()).Quiet().Done().Fit(&data.Split{Train: tc.d})
			if err != nil {
				t.Fatal(err)
			}
			trained := 0
			for v := range run.Store().IterVariables() {
				if v.Trainable && strings.HasPrefix(v.Scope(), "/model") {
					trained += v.Shape().Size()
				}
			}
			if trained == 0 || st.Trainable != trained {
				t.Errorf("SummaryFor: %d trainable parameters; the trained model has %d", st.Trainable, trained)
			}
		})
	}
}
