// SPDX-License-Identifier: Apache-2.0

package explain

import (
	"math"
	"slices"
	"strings"
	"testing"
)

func TestPermutationImportanceFindsTheUsefulFeatures(t *testing.T) {
	for _, tc := range []struct {
		name    string
		fix     *fixture
		metric  string
		useful  []string // the features that carry the target, in any order
		minDrop float64  // the least importance expected of each
	}{
		{"binary auc", binaryRun, "auc", []string{"glucose"}, 0.2},
		{"binary accuracy", binaryRun, "accuracy", []string{"glucose"}, 0.2},
		{"binary default metric", binaryRun, "", []string{"glucose"}, 0.2},
		{"multi-class auc", multiClassRun, "auc", []string{"glucose"}, 0.2},
		{"multi-class accuracy", multiClassRun, "accuracy", []string{"glucose"}, 0.2},
		{"multi-label auc", multiLabelRun, "auc", []string{"glucose", "pulse"}, 0.1},
		{"multi-label accuracy", multiLabelRun, "accuracy", []string{"glucose", "pulse"}, 0.1},
		{"regression rmse", regressionRun, "rmse", []string{"glucose"}, 1.0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			run, split := tc.fix.get(t)
			im, err := PermutationImportance(run, split.Test, tc.metric, 4, 7)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("\n%s", im)
			n := len(tc.useful)
			if top := im.Top(n); !sameSet(top, tc.useful) {
				t.Fatalf("most important features %v; want %v", top, tc.useful)
			}
			for k := range n {
				if im.Mean[k] < tc.minDrop {
					t.Errorf("%s importance %.3f < %.3f", im.Features[k], im.Mean[k], tc.minDrop)
				}
			}
			for k, name := range im.Features {
				if want := slices.Index(split.Test.Features, name); im.Columns[k] != want {
					t.Errorf("%s is reported at column %d; it is column %d", name, im.Columns[k], want)
				}
			}
			for k := 1; k < len(im.Mean); k++ {
				if k >= n && im.Mean[k] > im.Mean[n-1]/5 {
					t.Errorf("%s has importance %.3f, more than a fifth of %s's %.3f", im.Features[k], im.Mean[k], im.Features[n-1], im.Mean[n-1])
				}
				if im.Mean[k] > im.Mean[k-1] {
					t.Errorf("not sorted: %v", im.Mean)
				}
			}
			cols := slices.Clone(im.Columns)
			slices.Sort(cols)
			if !slices.Equal(cols, []int{0, 1, 2, 3, 4}) || len(im.Drops) != 5 || len(im.Drops[0]) != 4 {
				t.Errorf("columns %v, drops %d×%d; want every column once, 5×4", im.Columns, len(im.Drops), len(im.Drops[0]))
			}
			for k, ds := range im.Drops {
				m, s := meanStd(ds)
				if math.Abs(m-im.Mean[k]) > 1e-12 || math.Abs(s-im.Std[k]) > 1e-12 || s < 0 {
					t.Errorf("%s: mean/std %v/%v do not match the drops %v", im.Features[k], im.Mean[k], im.Std[k], ds)
				}
			}
			// The same seed gives the same importances.
			again, err := PermutationImportance(run, split.Test, tc.metric, 4, 7)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(again.Mean, im.Mean) {
				t.Errorf("not repeatable: %v then %v", im.Mean, again.Mean)
			}
		})
	}
}

func TestPermutationImportanceRejectsBadInput(t *testing.T) {
	run, split := binaryRun.get(t)
	reg, regSplit := regressionRun.get(t)
	img, imgSplit := imageRun.get(t)
	for _, tc := range []struct {
		name    string
		err     func() error
		wantMsg string
	}{
		{"unknown metric", func() error {
			_, err := PermutationImportance(run, split.Test, "f7", 2, 1)
			return err
		}, `unknown metric "f7"`},
		{"rmse on classification", func() error {
			_, err := PermutationImportance(run, split.Test, "rmse", 2, 1)
			return err
		}, `use "auc" or "accuracy"`},
		{"auc on regression", func() error {
			_, err := PermutationImportance(reg, regSplit.Test, "auc", 2, 1)
			return err
		}, `use "rmse"`},
		{"no repeats", func() error {
			_, err := PermutationImportance(run, split.Test, "auc", 0, 1)
			return err
		}, "0 repeats"},
		{"images", func() error {
			_, err := PermutationImportance(img, imgSplit.Test, "auc", 2, 1)
			return err
		}, "tabular data"},
		{"other data", func() error {
			_, err := PermutationImportance(run, imgSplit.Test, "auc", 2, 1)
			return err
		}, "trained on examples of shape [5]"},
		{"token sequences", func() error {
			tok, tokSplit := transformerRuns["mean"].get(t)
			_, err := PermutationImportance(tok, tokSplit.Test, "auc", 2, 1)
			return err
		}, "has token sequences"},
		{"nil run", func() error {
			_, err := PermutationImportance(nil, split.Test, "auc", 2, 1)
			return err
		}, "the run is nil"},
		{"empty data", func() error {
			_, err := PermutationImportance(run, split.Test.Head(0), "auc", 2, 1)
			return err
		}, "data set is empty"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.err()
			if err == nil || !strings.Contains(err.Error(), tc.wantMsg) {
				t.Fatalf("error %v; want one containing %q", err, tc.wantMsg)
			}
		})
	}
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}
