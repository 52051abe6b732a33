// SPDX-License-Identifier: Apache-2.0

package explain

import (
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/medgo-lab/medgo/mlkit/data"
)

// completenessError is the mean and largest |Σ attributions − (F(x) − F(baseline))|, and the
// mean |F(x) − F(baseline)|.
func completenessError(at *Attributions) (mean, worst, scale float64) {
	for i := range at.Len() {
		d := math.Abs(at.Delta(i))
		mean += d / float64(at.Len())
		worst = max(worst, d)
		scale += math.Abs(at.Score[i]-at.BaselineScore[i]) / float64(at.Len())
	}
	return
}

// The completeness axiom: attributions add up to F(x) − F(baseline), up to an integration
// error that shrinks as the steps grow.
func TestIntegratedGradientsCompleteness(t *testing.T) {
	for _, tc := range []struct {
		name string
		f    *fixture
	}{{"mlp", binaryRun}, {"cnn", imageRun}, {"multiclass", multiClassRun}, {"regression", regressionRun}} {
		t.Run(tc.name, func(t *testing.T) {
			run, split := tc.f.get(t)
			idx := []int{0, 1, 2, 3, 4, 5, 6, 7}
			prev, first := math.Inf(1), 0.0
			for _, steps := range []int{2, 16, 128} {
				at, err := IntegratedGradients(run, split.Test, idx, -1, steps)
				if err != nil {
					t.Fatal(err)
				}
				mean, worst, scale := completenessError(at)
				t.Logf("%d steps: mean |delta| %.2g, worst %.2g (mean |F(x) − F(x')| %.2g)", steps, mean, worst, scale)
				// The gradient of a ReLU (and max-pooling) network jumps where units switch, so
				// the trapezoid error is O(1/steps): allow 8/steps of the score difference,
				// plus float32 rounding.
				tol := 8*scale/float64(steps) + 1e-3*(1+scale)
				if worst > tol {
					t.Errorf("%d steps: completeness error %.3g above %.3g", steps, worst, tol)
				}
				if mean > prev+1e-4 {
					t.Errorf("%d steps: error %.3g grew from %.3g with fewer steps", steps, mean, prev)
				}
				prev = mean
				if steps == 2 {
					first = mean
				} else if steps == 128 && mean > first/10 {
					t.Errorf("128 steps: error %.3g is not a tenth of the 2-step error %.3g", mean, first)
				}
				// F(x) is the explained class's logit.
				pred, _ := run.Predict(split.Test.Subset(idx))
				for e := range idx {
					if run.Task == data.Binary {
						p := pred.Probs[e][at.Class[e]]
						if want := math.Log(p / (1 - p)); math.Abs(at.Score[e]-want) > 1e-3*(1+math.Abs(want)) {
							t.Fatalf("F(x) = %v, want the class logit %v", at.Score[e], want)
						}
					}
				}
			}
		})
	}
}

func TestIntegratedGradientsFindTheUsefulFeature(t *testing.T) {
	run, split := binaryRun.get(t)
	idx := make([]int, 32)
	for i := range idx {
		idx[i] = i
	}
	at, err := IntegratedGradients(run, split.Test, idx, -1, 32)
	if err != nil {
		t.Fatal(err)
	}
	sm := at.Saliency(run)
	if sm.Layout != LayoutFeatures || !slices.Equal(sm.Shape, []int{5}) {
		t.Fatalf("layout %q, shape %v", sm.Layout, sm.Shape)
	}
	mean := sm.Mean()
	if top := slices.Index(mean, slices.Max(mean)); top != 2 {
		t.Errorf("most attributed feature %d, want 2 (glucose); mean map %v", top, mean)
	}
	if frac := massIn(sm.Mean(), func(p int) bool { return p == 2 }); frac < 0.5 {
		t.Errorf("glucose gets %.2f of the attribution, want most", frac)
	}
	// Signals (channels reduced) and images keep their layouts.
	srun, ssplit := signalRun.get(t)
	sat, err := IntegratedGradients(srun, ssplit.Test, []int{0, 1}, -1, 8)
	if err != nil {
		t.Fatal(err)
	}
	if sm := sat.Saliency(srun); sm.Layout != LayoutSequence || !slices.Equal(sm.Shape, []int{16}) || len(sat.Values[0]) != 32 {
		t.Errorf("signal: layout %q, shape %v, %d values", sm.Layout, sm.Shape, len(sat.Values[0]))
	}
}

func TestIntegratedGradientsBaseline(t *testing.T) {
	run, split := binaryRun.get(t)
	x := split.Test.Example(0)
	// From the example itself, nothing changes: no attribution at all.
	at, err := IntegratedGradients(run, split.Test, []int{0}, 1, 4, Baseline(x))
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range at.Values[0] {
		if v != 0 {
			t.Fatalf("attributions from the example itself: %v", at.Values[0])
		}
	}
	if at.Score[0] != at.BaselineScore[0] {
		t.Errorf("F(x) %v != F(baseline) %v", at.Score[0], at.BaselineScore[0])
	}
	// Another baseline; the probability as target.
	base := []float32{1, 1, -1, 1, 1}
	at, err = IntegratedGradients(run, split.Test, []int{0, 1, 2}, -1, 64, Baseline(base), IGFromProbability())
	if err != nil {
		t.Fatal(err)
	}
	if at.Target != TargetProbability || !slices.Equal(at.Baseline, base) {
		t.Errorf("target %q baseline %v", at.Target, at.Baseline)
	}
	if mean, _, scale := completenessError(at); mean > 0.05*scale+1e-3 {
		t.Errorf("probability completeness error %.3g (scale %.3g)", mean, scale)
	}
}

func TestIntegratedGradientsRejectBadInput(t *testing.T) {
	run, split := binaryRun.get(t)
	for _, tc := range []struct {
		name string
		err  func() error
		want string
	}{
		{"no steps", func() error { _, err := IntegratedGradients(run, split.Test, []int{0}, -1, 0); return err }, "steps"},
		{"short baseline", func() error {
			_, err := IntegratedGradients(run, split.Test, []int{0}, -1, 8, Baseline([]float32{0}))
			return err
		}, "baseline"},
		{"NaN baseline", func() error {
			_, err := IntegratedGradients(run, split.Test, []int{0}, -1, 8, Baseline([]float32{0, 0, float32(math.NaN()), 0, 0}))
			return err
		}, "finite"},
		{"bad class", func() error { _, err := IntegratedGradients(run, split.Test, []int{0}, 2, 8); return err }, "out of range"},
		{"bad index", func() error { _, err := IntegratedGradients(run, split.Test, []int{9999}, -1, 8); return err }, "out of range"},
	} {
		err := tc.err()
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: got %v, want an error about %q", tc.name, err, tc.want)
		}
	}
	trun, tsplit := transformerRuns["mean"].get(t)
	if _, err := IntegratedGradients(trun, tsplit.Test, []int{0}, -1, 8); err == nil || !strings.Contains(err.Error(), "token") {
		t.Errorf("tokens: got %v", err)
	}
}
