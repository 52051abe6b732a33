// SPDX-License-Identifier: Apache-2.0

package train

import (
	"math"
	"strings"
	"testing"

	"github.com/medgo-lab/medgo/mlkit/data"
	"github.com/medgo-lab/medgo/mlkit/eval"
	"github.com/medgo-lab/medgo/mlkit/models"
)

// fitSeeds trains one small network per seed on split.
func fitSeeds(t *testing.T, name string, split *data.Split, seeds ...int64) []*Run {
	t.Helper()
	var runs []*Run
	dir := t.TempDir()
	for _, seed := range seeds {
		run, err := New(name+string(rune('a'+seed)), models.MLP(8).Done()).Seed(seed).Epochs(2).Dir(dir).Quiet().Done().Fit(split)
		if err != nil {
			t.Fatal(err)
		}
		runs = append(runs, run)
	}
	return runs
}

// TestEnsembleAveragesItsRuns checks Predict against the mean of the members' own predictions,
// and Evaluate against eval on those means, for a classifier and a regressor.
func TestEnsembleAveragesItsRuns(t *testing.T) {
	for _, c := range []struct {
		name   string
		split  *data.Split
		values func(*Predictions) [][]float64
	}{
		{"binary", smallSplit(), func(p *Predictions) [][]float64 { return p.Probs }},
		{"regression", regressionOf(smallSplit()), func(p *Predictions) [][]float64 { return p.Values }},
	} {
		t.Run(c.name, func(t *testing.T) {
			runs := fitSeeds(t, c.name, c.split, 1, 2, 3)
			test := c.split.Test
			want := make([][]float64, test.Len())
			for _, r := range runs {
				p, err := r.Predict(test)
				if err != nil {
					t.Fatal(err)
				}
				for i, row := range c.values(p) {
					if want[i] == nil {
						want[i] = make([]float64, len(row))
					}
					for k, v := range row {
						want[i][k] += v / 3
					}
				}
			}
			ens := Average(runs...)
			got, err := ens.Predict(test)
			if err != nil {
				t.Fatal(err)
			}
			one, err := runs[0].Predict(test)
			if err != nil {
				t.Fatal(err)
			}
			differs := false
			for i := range want {
				for k := range want[i] {
					if g := c.values(got)[i][k]; math.Abs(g-want[i][k]) > 1e-12 || math.IsNaN(g) {
						t.Fatalf("example %d, output %d: ensemble %v, mean of the runs %v", i, k, g, want[i][k])
					}
					differs = differs || c.values(one)[i][k] != want[i][k]
				}
			}
			if !differs {
				t.Fatal("the three runs predict the same values, so the test cannot tell an average from one run")
			}
			ev, err := ens.Evaluate()
			if err != nil {
				t.Fatal(err)
			}
			var wantHead map[string]float64
			if c.name == "binary" {
				r, err := eval.Classify(test.Labels(), want, test.Classes, eval.WithCI())
				if err != nil {
					t.Fatal(err)
				}
				wantHead = r.Headline()
			} else {
				truth := make([]float64, test.Len())
				col := make([]float64, test.Len())
				for i := range truth {
					truth[i], col[i] = float64(test.Y[i]), want[i][0]
				}
				r, err := eval.Regress(truth, col, eval.WithCI())
				if err != nil {
					t.Fatal(err)
				}
				wantHead = r.Headline()
			}
			for key, w := range wantHead {
				if g := ev.Headline()[key]; math.Abs(g-w) > 1e-12 || math.IsNaN(g) != math.IsNaN(w) {
					t.Errorf("%s: Evaluate %v, eval on the mean %v", key, g, w)
				}
			}
			if ev.Run != ens.Name() || !strings.Contains(ens.Name(), " + ") {
				t.Errorf("evaluation named %q, ensemble %q", ev.Run, ens.Name())
			}
			if tt := ens.TrainingTime(); tt != TrainingTime(runs...) {
				t.Errorf("training time %v, want the runs' sum %v", tt, TrainingTime(runs...))
			}
		})
	}
}

// TestEnsembleRejectsBadMembers: runs that cannot be averaged are errors that name them.
func TestEnsembleRejectsBadMembers(t *testing.T) {
	split := smallSplit()
	binary := fitSeeds(t, "bin", split, 1, 2)
	regressor := fitSeeds(t, "reg", regressionOf(split), 1)[0]
	renamed := *binary[1]
	renamed.Classes = []string{"yes", "no"}
	otherTest := &data.Split{Train: split.Train, Val: split.Val, Test: synthetic(32, 9)}
	moved := fitSeeds(t, "moved", otherTest, 1)[0]
	for _, c := range []struct {
		name string
		ens  *Ensemble
		call func(*Ensemble) error
		want string
	}{
		{"empty", Average(), func(e *Ensemble) error { _, err := e.Predict(split.Test); return err }, "no runs"},
		{"nil run", Average(binary[0], nil), func(e *Ensemble) error { _, err := e.Predict(split.Test); return err }, "run 2 of the ensemble is nil"},
		{"tasks differ", Average(binary[0], regressor), func(e *Ensemble) error { _, err := e.Evaluate(); return err }, "has task"},
		{"classes differ", Average(binary[0], &renamed), func(e *Ensemble) error { _, err := e.Predict(split.Test); return err }, "same classes"},
		{"test parts differ", Average(binary[0], moved), func(e *Ensemble) error { _, err := e.Evaluate(); return err }, "different examples"},
		{"wrong shape", Average(binary...), func(e *Ensemble) error {
			d := *split.Test
			d.Shape = []int{d.Shape[0] / 2, 2}
			_, err := e.Predict(&d)
			return err
		}, "shape"},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := c.call(c.ens)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v; want one containing %q", err, c.want)
			}
		})
	}
	if _, err := OpenAverage("no-such-run-anywhere"); err == nil {
		t.Error("OpenAverage of a missing run: no error")
	}
}
