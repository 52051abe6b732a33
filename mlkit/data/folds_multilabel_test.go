// SPDX-License-Identifier: Apache-2.0

package data

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// toxMatrix draws n examples with one 0/1 label per prevalence (NaN with probability
// missing), as Tox21's twelve assays look: rare positives, many unrecorded cells.
func toxMatrix(seed uint64, n int, prevalence []float64, missing float64) [][]float64 {
	rng := rand.New(rand.NewPCG(seed, 7))
	out := make([][]float64, n)
	for i := range out {
		out[i] = make([]float64, len(prevalence))
		for t, p := range prevalence {
			switch u := rng.Float64(); {
			case u < missing:
				out[i][t] = math.NaN()
			case rng.Float64() < p:
				out[i][t] = 1
			}
		}
	}
	return out
}

// worstPositiveGap is, over labels and folds, the largest distance between a fold's number of
// positives of a label and the label's positives divided by k.
func worstPositiveGap(labels [][]float64, folds [][]int) float64 {
	k := float64(len(folds))
	worst := 0.0
	for t := range labels[0] {
		total := 0.0
		for _, row := range labels {
			if row[t] == 1 {
				total++
			}
		}
		for _, f := range folds {
			c := 0.0
			for _, i := range f {
				if labels[i][t] == 1 {
					c++
				}
			}
			worst = math.Max(worst, math.Abs(c-total/k))
		}
	}
	return worst
}

// TestMultiLabelFolds checks iterative stratification on Tox21-like labels: the folds are a
// partition with sizes within one (ungrouped) and no group in two folds, every fold gets
// within one positive (ungrouped) of its share of every label, and the spread is smaller than
// plain shuffled folds give on the same labels.
func TestMultiLabelFolds(t *testing.T) {
	prev := []float64{0.03, 0.04, 0.05, 0.08, 0.12, 0.2, 0.35}
	for _, c := range []struct {
		name    string
		n, k    int
		grouped bool
		maxGap  float64 // the worst positives-per-fold gap allowed
	}{
		{"5-fold", 1000, 5, false, 1},
		{"10-fold", 777, 10, false, 1},
		{"5-fold by patient", 900, 5, true, 3}, // a patient carries up to three positives
	} {
		t.Run(c.name, func(t *testing.T) {
			var oursWorst, plainWorst float64
			for seed := range uint64(10) {
				labels := toxMatrix(seed, c.n, prev, 0.15)
				var groups []string
				if c.grouped {
					groups = make([]string, c.n)
					for i := range groups {
						groups[i] = fmt.Sprintf("p%d", i/3) // three samples per patient
					}
				}
				b := FoldsOf(c.n, c.k).StratifyMultiLabel(labels).Seed(int64(seed))
				plain := FoldsOf(c.n, c.k).Seed(int64(seed))
				if groups != nil {
					b, plain = b.Groups(groups), plain.Groups(groups)
				}
				folds, err := b.Done()
				if err != nil {
					t.Fatal(err)
				}
				checkPartition(t, folds, c.n, c.k, 1, groups)
				if !c.grouped {
					if s := sortedSizes(vals(folds)); s[len(s)-1]-s[0] > 1 {
						t.Errorf("seed %d: fold sizes %v differ by more than one", seed, s)
					}
				}
				plainFolds, err := plain.Done()
				if err != nil {
					t.Fatal(err)
				}
				gap := worstPositiveGap(labels, vals(folds))
				if gap > c.maxGap {
					t.Errorf("seed %d: a fold is %.2f positives from its share of a label, want <= %g", seed, gap, c.maxGap)
				}
				oursWorst = math.Max(oursWorst, gap)
				plainWorst = math.Max(plainWorst, worstPositiveGap(labels, vals(plainFolds)))
			}
			if oursWorst >= plainWorst {
				t.Errorf("worst gap %.2f positives with stratification, %.2f without: stratification does not help", oursWorst, plainWorst)
			}
			t.Logf("worst positives-per-fold gap over 10 seeds: %.2f stratified, %.2f shuffled", oursWorst, plainWorst)
		})
	}
}

func TestMultiLabelFoldsSeeded(t *testing.T) {
	labels := toxMatrix(1, 300, []float64{0.05, 0.3}, 0.1)
	a, _ := FoldsOf(300, 5).StratifyMultiLabel(labels).Seed(4).Done()
	b, _ := FoldsOf(300, 5).StratifyMultiLabel(labels).Seed(4).Done()
	c, _ := FoldsOf(300, 5).StratifyMultiLabel(labels).Seed(5).Done()
	if fmt.Sprint(vals(a)) != fmt.Sprint(vals(b)) {
		t.Error("the same seed gave different folds")
	}
	if fmt.Sprint(vals(a)) == fmt.Sprint(vals(c)) {
		t.Error("seeds 4 and 5 gave the same folds")
	}
}

// TestMultiLabelFoldsOnDataset: Stratified on a multi-label data set stratifies by its
// targets, with the targets named in errors.
func TestMultiLabelFoldsOnDataset(t *testing.T) {
	labels := toxMatrix(2, 200, []float64{0.1, 0.25}, 0.1)
	d := &Dataset{Name: "tox", Task: MultiLabel, Shape: []int{1}, Targets: []string{"NR-AR", "SR-MMP"}}
	for i, row := range labels {
		d.X = append(d.X, float32(i))
		for _, y := range row {
			d.Y = append(d.Y, float32(y))
		}
	}
	got, err := Folds(d, 4).Stratified().Seed(3).Done()
	if err != nil {
		t.Fatal(err)
	}
	want, err := FoldsOf(200, 4).StratifyMultiLabel(labels).Seed(3).Done()
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(vals(got)) != fmt.Sprint(vals(want)) {
		t.Error("Stratified on a multi-label Dataset differs from StratifyMultiLabel on its TargetMatrix")
	}
	// Three positives of NR-AR cannot reach four folds.
	for i := range d.Len() {
		if d.Y[2*i] == 1 {
			d.Y[2*i] = 0
		}
	}
	d.Y[0], d.Y[2], d.Y[4] = 1, 1, 1
	_, err = Folds(d, 4).Stratified().Done()
	if err == nil || !strings.Contains(err.Error(), `label 0 ("NR-AR") has only 3 positive examples`) {
		t.Errorf("rare target: err %v", err)
	}
}

func TestMultiLabelFoldsErrors(t *testing.T) {
	nan := math.NaN()
	ok := toxMatrix(3, 20, []float64{0.5}, 0)
	for _, c := range []struct {
		name string
		b    *FoldsBuilder
		want string
	}{
		{"rows", FoldsOf(4, 2).StratifyMultiLabel([][]float64{{0}, {1}}), "2 multi-label rows for 4 examples"},
		{"ragged", FoldsOf(3, 2).StratifyMultiLabel([][]float64{{0, 1}, {1}, {0, 1}}), "row 1 has 1 values but row 0 has 2"},
		{"not 0/1", FoldsOf(4, 2).StratifyMultiLabel([][]float64{{0}, {2}, {1}, {nan}}), "values must be 0, 1 or NaN"},
		{"too few positives", FoldsOf(6, 3).StratifyMultiLabel([][]float64{{1}, {1}, {0}, {0}, {0}, {nan}}), "only 2 positive examples, fewer than k = 3"},
		{"too few positive groups", FoldsOf(6, 2).StratifyMultiLabel([][]float64{{1}, {1}, {0}, {0}, {0}, {0}}).Groups([]string{"a", "a", "b", "c", "d", "e"}), "only 1 positive groups"},
		{"both stratifications", FoldsOf(20, 2).StratifyBy(make([]int, 20)).StratifyMultiLabel(ok), "both StratifyBy and StratifyMultiLabel"},
	} {
		_, err := c.b.Done()
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err %v, want one containing %q", c.name, err, c.want)
		}
	}
}
