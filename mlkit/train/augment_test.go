// SPDX-License-Identifier: Apache-2.0

package train

import (
	"math"
	"math/rand"
	"slices"
	"strings"
	"testing"

	"github.com/medgo-lab/medgo/mlkit/data"
	"github.com/medgo-lab/medgo/mlkit/models"
)

// blobImages are 8×8 one-channel images with a bright 2×2 blob; the label is whether the blob
// lies in the left or the right half.
func blobImages(n int, seed int64) *data.Dataset {
	rng := rand.New(rand.NewSource(seed))
	d := &data.Dataset{Name: "blobs", Task: data.Binary, Shape: []int{8, 8, 1}, Classes: []string{"left", "right"}}
	for range n {
		img := make([]float32, 64)
		y, x := 1+rng.Intn(5), 1+rng.Intn(5)
		for dy := range 2 {
			for dx := range 2 {
				img[(y+dy)*8+x+dx] = 1
			}
		}
		d.X = append(d.X, img...)
		d.Y = append(d.Y, float32(map[bool]int{true: 1, false: 0}[x >= 4]))
	}
	return d
}

// signals are one-channel series of 32 samples with a bump of width 4; the label is whether
// the bump comes in the first or the second half.
func signals(n int, seed int64) *data.Dataset {
	rng := rand.New(rand.NewSource(seed))
	d := &data.Dataset{Name: "bumps", Task: data.Binary, Shape: []int{32, 1}, Classes: []string{"early", "late"}}
	for range n {
		sig := make([]float32, 32)
		at := 2 + rng.Intn(24)
		for k := range 4 {
			sig[at+k] = 1
		}
		d.X = append(d.X, sig...)
		d.Y = append(d.Y, float32(map[bool]int{true: 1, false: 0}[at >= 14]))
	}
	return d
}

// Each epoch trains on its own draw: two epochs differ, the same epoch is drawn alike again
// (so a resumed run sees what an uninterrupted one saw), labels stay, and the data set given
// to Fit is left as it was; for images and for signals.
func TestAugmentDrawsFreshExamplesEachEpoch(t *testing.T) {
	for _, tc := range []struct {
		name string
		tr   *data.Dataset
		opt  data.AugmentOptions
	}{
		{"images shifted", blobImages(64, 1), data.AugmentOptions{MaxShift: 1}},
		{"signals shifted", signals(64, 1), data.AugmentOptions{MaxShift: 3}},
		{"signals scaled with noise", signals(64, 1), data.AugmentOptions{Scale: 0.2, Noise: 0.05}},
	} {
		t.Run(tc.name, func(t *testing.T) { testFreshDraws(t, tc.tr, tc.opt) })
	}
}

func testFreshDraws(t *testing.T, tr *data.Dataset, opt data.AugmentOptions) {
	original := slices.Clone(tr.X)
	s := Settings{Name: "x", Seed: 3, Augment: &opt}
	draw := func(epoch int) *data.Dataset {
		t.Helper()
		d, err := epochData(tr, s, epoch)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	first, second, again := draw(0), draw(1), draw(0)
	switch {
	case slices.Equal(first.X, original):
		t.Errorf("epoch 1 trains on the original examples; Augment had no effect")
	case slices.Equal(first.X, second.X):
		t.Errorf("epochs 1 and 2 train on the same transformed examples; each epoch needs a fresh draw")
	case !slices.Equal(first.X, again.X):
		t.Errorf("epoch 1 drawn twice gives different examples; a resumed run would not repeat an uninterrupted one")
	case !slices.Equal(first.Y, tr.Y):
		t.Errorf("labels changed under augmentation")
	case !slices.Equal(tr.X, original):
		t.Errorf("the training data passed to Fit was modified")
	}
	s.Augment = nil
	if d, err := epochData(tr, s, 0); err != nil || d != tr {
		t.Errorf("without Augment, epoch data is %p (err %v), want the training set itself %p", d, err, tr)
	}
}

// Augmented training is repeatable for a seed, and the transformed images reach the steps:
// its losses differ from those of the same run without augmentation.
func TestFitWithAugmentIsRepeatable(t *testing.T) {
	split := &data.Split{Train: blobImages(128, 1), Val: blobImages(32, 2)}
	dir := t.TempDir()
	losses := func(name string, augment bool) []float64 {
		t.Helper()
		c := New(name, models.CNN(4).Dense(8).Done()).Epochs(3).Seed(5).Dir(dir).Quiet()
		if augment {
			c = c.Augment(data.AugmentOptions{MaxShift: 1})
		}
		run, err := c.Done().Fit(split)
		if err != nil {
			t.Fatal(err)
		}
		return run.History.Series("train_loss")
	}
	a, b, plain := losses("a", true), losses("b", true), losses("plain", false)
	if !slices.Equal(a, b) {
		t.Errorf("two augmented runs with the same seed: losses %v and %v", a, b)
	}
	if slices.Equal(a, plain) {
		t.Errorf("augmented and plain runs have the same losses %v; the transformed images did not reach training", a)
	}
}

// Augment refuses what it cannot do before training: non-image data, no transformation chosen,
// a negative shift.
func TestAugmentRejectsBadInput(t *testing.T) {
	for _, tc := range []struct {
		name  string
		train *data.Dataset
		opt   data.AugmentOptions
		want  string
	}{
		{"features", synthetic(16, 1), data.AugmentOptions{MaxShift: 1}, "Augment cannot transform the training data: synthetic: examples have shape [4]"},
		{"nothing chosen", blobImages(16, 1), data.AugmentOptions{}, "choose a transformation"},
		{"negative shift", blobImages(16, 1), data.AugmentOptions{MaxShift: -1}, "MaxShift -1 must not be negative"},
		{"scale of 1", blobImages(16, 1), data.AugmentOptions{Scale: 1}, "Scale 1 must be in [0, 1)"},
		{"NaN noise", blobImages(16, 1), data.AugmentOptions{Noise: math.NaN()}, "Noise NaN must be a finite standard deviation"},
		{"signals reversed in time", signals(16, 1), data.AugmentOptions{FlipHorizontal: true}, "FlipHorizontal would reverse signals in time"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := New("x", models.MLP(4).Done()).Augment(tc.opt).Dir(t.TempDir()).Quiet().Done().Fit(&data.Split{Train: tc.train})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want one containing %q", err, tc.want)
			}
		})
	}
}
