// SPDX-License-Identifier: Apache-2.0

package explain

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/gomlx/gomlx/core/graph"

	"github.com/medgo-lab/medgo/mlkit/data"
	"github.com/medgo-lab/medgo/mlkit/models"
)

func firstN(n int) []int {
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	return idx
}

func TestSaliencyConcentratesOnTheDecisiveRegion(t *testing.T) {
	run, split := imageRun.get(t)
	pred, err := run.Predict(split.Test)
	if err != nil {
		t.Fatal(err)
	}
	right := 0
	for i, l := range pred.Labels() {
		if l == split.Test.Label(i) {
			right++
		}
	}
	acc := float64(right) / float64(split.Test.Len())
	t.Logf("image CNN test accuracy %.3f", acc)
	if acc < 0.8 {
		t.Fatalf("the image model did not learn the task (accuracy %.3f); the saliency test needs one that did", acc)
	}
	region := func(p int) bool { return inRegion(p/imageSide, p%imageSide) }
	area := float64(regionSize*regionSize) / float64(imageSide*imageSide)
	for _, tc := range []struct {
		name    string
		class   int
		opts    []SaliencyOption
		target  string
		samples int
	}{
		{"logit, predicted class", -1, nil, TargetLogit, 1},
		{"logit, class 1", 1, nil, TargetLogit, 1},
		{"probability", -1, []SaliencyOption{FromProbability()}, TargetProbability, 1},
		{"smoothgrad", -1, []SaliencyOption{SmoothGrad(8, 0.15), NoiseSeed(5)}, TargetLogit, 8},
	} {
		t.Run(tc.name, func(t *testing.T) {
			idx := firstN(20)
			sal, err := Saliency(run, split.Test, idx, tc.class, tc.opts...)
			if err != nil {
				t.Fatal(err)
			}
			if sal.Layout != LayoutImage || !slices.Equal(sal.Shape, []int{8, 8}) || sal.Len() != 20 || sal.Target != tc.target || sal.Samples != tc.samples {
				t.Fatalf("layout %q shape %v, %d maps, target %q, %d samples", sal.Layout, sal.Shape, sal.Len(), sal.Target, sal.Samples)
			}
			for i := range idx {
				want := tc.class
				if want == -1 {
					want = pred.Labels()[i]
				}
				if sal.Class[i] != want || math.Abs(sal.Score[i]-pred.Probs[i][want]) > 1e-5 {
					t.Errorf("example %d: class %d score %v; want %d and %v", i, sal.Class[i], sal.Score[i], want, pred.Probs[i][want])
				}
				if len(sal.Map(i)) != 64 || len(sal.Gradients[i]) != 64 {
					t.Fatalf("example %d: map of %d values, gradient of %d; want 64", i, len(sal.Map(i)), len(sal.Gradients[i]))
				}
				if hi := slices.Max(sal.Normalized(i)); hi != 1 {
					t.Errorf("example %d: normalized map peaks at %v, not 1", i, hi)
				}
			}
			// The region's pixels are the most salient ones, each several times more salient
			// than a pixel outside (noise the model learned to ignore).
			mean := &SaliencyMaps{Maps: [][]float32{sal.Mean()}}
			for _, p := range mean.Top(0, regionSize*regionSize) {
				if !region(p) {
					t.Errorf("pixel (%d, %d), outside the region, is among the %d most salient", p/imageSide, p%imageSide, regionSize*regionSize)
				}
			}
			share := massIn(mean.Map(0), region)
			enrichment := share / area / ((1 - share) / (1 - area))
			t.Logf("%.2f of the saliency lies in the decisive region (%.2f of the area): %.1f× more per pixel", share, area, enrichment)
			if enrichment < 3 {
				t.Errorf("a pixel of the region is only %.1f× as salient as one outside; want at least 3×", enrichment)
			}
			inTop := 0
			for i := range idx {
				if top := sal.Top(i, 1)[0]; region(top) {
					inTop++
				}
			}
			if inTop < 16 {
				t.Errorf("the most salient pixel is in the region for only %d of 20 examples", inTop)
			}
		})
	}
}

func TestSmoothGradIsRepeatable(t *testing.T) {
	run, split := imageRun.get(t)
	a, err := Saliency(run, split.Test, []int{3, 4}, -1, SmoothGrad(4, 0.2), NoiseSeed(9))
	if err != nil {
		t.Fatal(err)
	}
	b, err := Saliency(run, split.Test, []int{3, 4}, -1, SmoothGrad(4, 0.2), NoiseSeed(9))
	if err != nil {
		t.Fatal(err)
	}
	plain, err := Saliency(run, split.Test, []int{3, 4}, -1)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 2 {
		if !slices.Equal(a.Map(i), b.Map(i)) {
			t.Errorf("example %d: same seed, different maps", i)
		}
		if slices.Equal(a.Map(i), plain.Map(i)) {
			t.Errorf("example %d: SmoothGrad map equals the plain gradient", i)
		}
	}
}

func TestSaliencyLayouts(t *testing.T) {
	for _, tc := range []struct {
		name    string
		fix     *fixture
		layout  string
		shape   []int
		decides func(p int) bool
	}{
		{"signal [16 2]: one value per step", signalRun, LayoutSequence, []int{16}, func(p int) bool { return p >= 5 && p <= 7 }},
		{"features [5]", binaryRun, LayoutFeatures, []int{5}, func(p int) bool { return p == 2 }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			run, split := tc.fix.get(t)
			sal, err := Saliency(run, split.Test, firstN(16), -1)
			if err != nil {
				t.Fatal(err)
			}
			if sal.Layout != tc.layout || !slices.Equal(sal.Shape, tc.shape) {
				t.Fatalf("layout %q shape %v; want %q %v", sal.Layout, sal.Shape, tc.layout, tc.shape)
			}
			// The map is the largest absolute gradient over the channels of each position.
			channels := len(sal.Gradients[0]) / len(sal.Map(0))
			for p, v := range sal.Map(0) {
				if want := slices.Max(sal.Gradients[0][p*channels : (p+1)*channels]); v != want {
					t.Fatalf("position %d: map %v, largest channel gradient %v", p, v, want)
				}
			}
			share := massIn(sal.Mean(), tc.decides)
			t.Logf("%.2f of the saliency lies on the decisive positions", share)
			if share < 0.5 {
				t.Errorf("only %.2f of the saliency lies on the positions that decide the label", share)
			}
		})
	}
}

func TestSaliencyRegression(t *testing.T) {
	run, split := regressionRun.get(t)
	sal, err := Saliency(run, split.Test, []int{0, 1, 2}, -1)
	if err != nil {
		t.Fatal(err)
	}
	pred, err := run.Predict(split.Test.Head(3))
	if err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		if sal.Target != TargetValue || sal.Class[i] != 0 || math.Abs(sal.Score[i]-pred.Values[i][0]) > 1e-5 {
			t.Errorf("example %d: target %q class %d score %v; want value, 0, %v", i, sal.Target, sal.Class[i], sal.Score[i], pred.Values[i][0])
		}
		if top := sal.Top(i, 1)[0]; top != 2 {
			t.Errorf("example %d: most salient feature %d; want 2 (glucose)", i, top)
		}
	}
}

func TestSaliencyRejectsBadInput(t *testing.T) {
	run, split := imageRun.get(t)
	tok, tokSplit := transformerRuns["mean"].get(t)
	tab, tabSplit := binaryRun.get(t)
	for _, tc := range []struct {
		name    string
		err     func() error
		wantMsg string
	}{
		{"class out of range", func() error {
			_, err := Saliency(run, split.Test, []int{0}, 2)
			return err
		}, "class 2 is out of range"},
		{"index out of range", func() error {
			_, err := Saliency(run, split.Test, []int{0, 500}, -1)
			return err
		}, "example index 500 (position 1 of idx) is out of range"},
		{"no examples", func() error {
			_, err := Saliency(run, split.Test, nil, -1)
			return err
		}, "no examples chosen"},
		{"tokens", func() error {
			_, err := Saliency(tok, tokSplit.Test, []int{0}, -1)
			return err
		}, "token ids, which have no gradient"},
		{"wrong shape", func() error {
			_, err := Saliency(tab, split.Test, []int{0}, -1)
			return err
		}, "has shape [8 8 1]"},
		{"bad smoothgrad", func() error {
			_, err := Saliency(tab, tabSplit.Test, []int{0}, -1, SmoothGrad(0, 0.1))
			return err
		}, "SmoothGrad with 0 copies"},
		{"bad noise", func() error {
			_, err := Saliency(tab, tabSplit.Test, []int{0}, -1, SmoothGrad(3, -1))
			return err
		}, "noise level -1"},
		{"mask mismatch", func() error {
			masked := *tabSplit.Test
			masked.Mask = make([]float32, masked.Len()*5)
			_, err := Saliency(tab, &masked, []int{0}, -1)
			return err
		}, "has mask=true"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.err()
			if err == nil || !strings.Contains(err.Error(), tc.wantMsg) {
				t.Fatalf("error %v; want one containing %q", err, tc.wantMsg)
			}
		})
	}
}

func TestSaliencyLayoutRules(t *testing.T) {
	// saliencyLayout is pure; check the shapes that no trained fixture covers.
	tab := &data.Dataset{Shape: []int{4, 4, 4, 2}}
	layout, shape, ch := saliencyLayout(mustModel(t, `{"kind":"mlp","config":{"hidden":[4]}}`), tab.Shape)
	if layout != LayoutVolume || !slices.Equal(shape, []int{4, 4, 4}) || ch != 2 {
		t.Errorf("rank 4: %q %v %d", layout, shape, ch)
	}
	layout, shape, ch = saliencyLayout(mustModel(t, `{"kind":"cnn","config":{"spatial_dims":2}}`), []int{6, 7})
	if layout != LayoutImage || !slices.Equal(shape, []int{6, 7}) || ch != 1 {
		t.Errorf("2-D CNN on [6 7]: %q %v %d", layout, shape, ch)
	}
	layout, shape, ch = saliencyLayout(mustModel(t, `{"kind":"cnn","config":{"spatial_dims":1}}`), []int{30})
	if layout != LayoutSequence || !slices.Equal(shape, []int{30}) || ch != 1 {
		t.Errorf("1-D CNN on [30]: %q %v %d", layout, shape, ch)
	}
}

// panicky is a model whose graph building fails, as a misconfigured model's would.
type panicky struct{ kind string }

func (p panicky) Kind() string { return p.kind }
func (p panicky) Build(b *models.Builder, in models.Inputs, outputs int) *graph.Node {
	panic(fmt.Errorf("boom: layer misconfigured"))
}

func TestGraphBuildingPanicsBecomeErrors(t *testing.T) {
	run, split := binaryRun.get(t)
	tok, tokSplit := transformerRuns["mean"].get(t)
	for _, tc := range []struct {
		name string
		call func() error
	}{
		{"saliency", func() error {
			bad := *run
			bad.Model = panicky{"mlp"}
			_, err := Saliency(&bad, split.Test, []int{0}, -1)
			return err
		}},
		{"attention", func() error {
			bad := *tok
			bad.Model = panicky{"transformer"}
			_, err := Attention(&bad, tokSplit.Test, []int{0})
			return err
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var err error
			func() {
				defer func() {
					if r := recover(); r != nil {
						t.Fatalf("panicked: %v", r)
					}
				}()
				err = tc.call()
			}()
			if err == nil || !strings.Contains(err.Error(), "boom: layer misconfigured") {
				t.Fatalf("error %v; want one carrying the model's message", err)
			}
			t.Log(err)
		})
	}
}
