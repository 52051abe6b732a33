// SPDX-License-Identifier: Apache-2.0

package data

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
)

// tabular builds a small classification data set with features[i] per example.
func tabular(features [][]float32, labels []int, classes ...string) *Dataset {
	d := &Dataset{Name: "t", Task: MultiClass, Shape: []int{len(features[0])}, Classes: classes}
	if len(classes) == 2 {
		d.Task = Binary
	}
	for i, f := range features {
		d.X = append(d.X, f...)
		d.Y = append(d.Y, float32(labels[i]))
	}
	return d
}

func near(a, b, tol float64) bool { return math.Abs(a-b) <= tol }

func TestStandardizer(t *testing.T) {
	train := tabular([][]float32{{1, 10, 5}, {3, 20, 5}, {5, 30, 5}}, []int{0, 1, 0}, "a", "b")
	test := tabular([][]float32{{7, 0, 6}}, []int{1}, "a", "b")
	st := FitStandardizer(train)
	for _, tc := range []struct {
		name string
		got  []float32
		want []float64
	}{
		{"mean", st.Mean, []float64{3, 20, 5}},
		{"std", st.Std, []float64{math.Sqrt(8.0 / 3), math.Sqrt(200.0 / 3), 1}}, // constant feature → 1
	} {
		for j := range tc.want {
			if !near(float64(tc.got[j]), tc.want[j], 1e-5) {
				t.Errorf("%s[%d] = %v, want %v", tc.name, j, tc.got[j], tc.want[j])
			}
		}
	}
	z := st.Apply(train)
	for j := 0; j < 3; j++ {
		var sum float64
		for i := 0; i < 3; i++ {
			sum += float64(z.X[i*3+j])
		}
		if !near(sum, 0, 1e-5) {
			t.Errorf("feature %d has mean %v after standardizing", j, sum/3)
		}
	}
	if z.X[2] != 0 {
		t.Errorf("constant feature became %v, want 0", z.X[2])
	}
	if train.X[0] != 1 {
		t.Error("Apply modified its input")
	}
	// The test set is scaled with the training statistics.
	zt := st.Apply(test)
	if !near(float64(zt.X[0]), (7-3)/math.Sqrt(8.0/3), 1e-5) || zt.X[2] != 1 {
		t.Errorf("test set standardized to %v", zt.X)
	}
	if _, err := st.Transform(&Dataset{Shape: []int{2}, X: []float32{1, 2}, Y: []float32{0}}); err == nil {
		t.Error("size mismatch accepted")
	}
	// NaN values are ignored when fitting and kept when applying.
	nan := float32(math.NaN())
	withNaN := tabular([][]float32{{1}, {nan}, {3}}, []int{0, 0, 1}, "a", "b")
	st2 := FitStandardizer(withNaN)
	if st2.Mean[0] != 2 || st2.Std[0] != 1 {
		t.Errorf("NaN-aware fit: mean %v std %v, want 2 and 1", st2.Mean[0], st2.Std[0])
	}
	if out := st2.Apply(withNaN); !math.IsNaN(float64(out.X[1])) {
		t.Error("NaN not kept")
	}
}

func TestMinMax(t *testing.T) {
	train := tabular([][]float32{{0, 5}, {10, 5}, {5, 5}}, []int{0, 1, 0}, "a", "b")
	m := FitMinMax(train)
	got := m.Apply(train).X
	want := []float32{0, 0, 1, 0, 0.5, 0}
	if !slices.Equal(got, want) {
		t.Errorf("min-max scaled %v, want %v", got, want)
	}
	test := tabular([][]float32{{20, 7}}, []int{0}, "a", "b")
	if got := m.Apply(test).X; got[0] != 2 || got[1] != 0 {
		t.Errorf("test values scaled to %v; want 2 (not clipped) and 0 (constant feature)", got)
	}
}

func TestClassWeightsAndOneHot(t *testing.T) {
	for _, tc := range []struct {
		name   string
		labels []int
		k      int
		want   []float64
	}{
		{"balanced", []int{0, 1, 0, 1}, 2, []float64{1, 1}},
		{"imbalanced", []int{0, 0, 0, 1}, 2, []float64{4.0 / 6, 2}},
		{"absent class", []int{0, 0, 2, 2}, 3, []float64{4.0 / 6, 0, 4.0 / 6}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := &Dataset{Task: MultiClass, Shape: []int{1}, Classes: make([]string, tc.k)}
			for _, l := range tc.labels {
				d.X = append(d.X, 0)
				d.Y = append(d.Y, float32(l))
			}
			got := ClassWeights(d)
			for c := range tc.want {
				if !near(got[c], tc.want[c], 1e-9) {
					t.Errorf("weights %v, want %v", got, tc.want)
					break
				}
			}
			oh := OneHot(d)
			if len(oh) != len(tc.labels)*tc.k {
				t.Fatalf("one-hot has %d values", len(oh))
			}
			for i, l := range tc.labels {
				for c := 0; c < tc.k; c++ {
					want := float32(0)
					if c == l {
						want = 1
					}
					if oh[i*tc.k+c] != want {
						t.Errorf("one-hot row %d = %v", i, oh[i*tc.k:(i+1)*tc.k])
					}
				}
			}
		})
	}
	if ClassWeights(&Dataset{Task: Regression, Shape: []int{1}}) != nil || OneHot(&Dataset{Task: Regression, Shape: []int{1}}) != nil {
		t.Error("regression should give nil weights and one-hot")
	}
}

// labelled returns n examples whose feature is their index, with the given class counts.
func labelled(counts ...int) *Dataset {
	d := &Dataset{Name: "s", Task: MultiClass, Shape: []int{1}}
	for c, n := range counts {
		d.Classes = append(d.Classes, string(rune('a'+c)))
		for i := 0; i < n; i++ {
			d.X = append(d.X, float32(len(d.Y)))
			d.Y = append(d.Y, float32(c))
		}
	}
	return d
}

func TestStratifiedSplit(t *testing.T) {
	for _, tc := range []struct {
		name      string
		counts    []int
		fractions []float64
	}{
		{"three-way", []int{700, 300}, []float64{0.7, 0.15, 0.15}},
		{"two-way", []int{357, 212}, []float64{0.8, 0.2}},
		{"rare class", []int{292, 177, 10, 19, 2}, []float64{0.6, 0.2, 0.2}},
		{"tiny", []int{3, 2}, []float64{0.6, 0.4}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := labelled(tc.counts...)
			s, err := StratifiedSplit(d, 7, tc.fractions...)
			if err != nil {
				t.Fatal(err)
			}
			parts := []*Dataset{s.Train, s.Test}
			if len(tc.fractions) == 3 {
				parts = []*Dataset{s.Train, s.Val, s.Test}
			} else if s.Val != nil {
				t.Error("two fractions gave a validation part")
			}
			seen := map[float32]bool{}
			for p, part := range parts {
				if want := float64(d.Len()) * tc.fractions[p]; !near(float64(part.Len()), want, 1) {
					t.Errorf("part %d has %d examples, want about %.1f", p, part.Len(), want)
				}
				for c, n := range part.ClassCounts() {
					if want := float64(tc.counts[c]) * tc.fractions[p]; !near(float64(n), want, 2) {
						t.Errorf("part %d has %d of class %d, want about %.1f", p, n, c, want)
					}
				}
				for i := 0; i < part.Len(); i++ {
					x := part.X[i]
					if seen[x] {
						t.Fatalf("example %v is in two parts", x)
					}
					seen[x] = true
					if d.Label(int(x)) != part.Label(i) {
						t.Fatalf("example %v lost its label", x)
					}
				}
			}
			if len(seen) != d.Len() {
				t.Errorf("%d of %d examples assigned", len(seen), d.Len())
			}
			// Reproducible for a seed; different for another.
			again, _ := StratifiedSplit(d, 7, tc.fractions...)
			if !slices.Equal(again.Train.X, s.Train.X) {
				t.Error("same seed, different split")
			}
			other, _ := StratifiedSplit(d, 8, tc.fractions...)
			if d.Len() > 20 && slices.Equal(other.Train.X, s.Train.X) {
				t.Error("different seeds, same split")
			}
		})
	}
	for _, tc := range []struct {
		name      string
		fractions []float64
		want      string
	}{
		{"one fraction", []float64{1}, "expected 2"},
		{"four fractions", []float64{0.25, 0.25, 0.25, 0.25}, "expected 2"},
		{"bad sum", []float64{0.5, 0.2}, "sum to"},
		{"negative", []float64{1.2, -0.2}, "between 0 and 1"},
	} {
		if _, err := StratifiedSplit(labelled(5, 5), 1, tc.fractions...); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want %q", tc.name, err, tc.want)
		}
	}
	if _, err := StratifiedSplit(labelled(1, 1), 1, 0.5, 0.25, 0.25); err == nil {
		t.Error("2 examples into 3 parts accepted")
	}
	// Regression: a plain random split.
	r := &Dataset{Task: Regression, Shape: []int{1}, X: make([]float32, 100), Y: make([]float32, 100), Targets: []string{"y"}}
	if s, err := StratifiedSplit(r, 1, 0.9, 0.1); err != nil || s.Train.Len() != 90 || s.Test.Len() != 10 {
		t.Errorf("regression split: %v", err)
	}
}

func TestShuffle(t *testing.T) {
	d := labelled(50, 50)
	s := Shuffle(d, 3)
	if s.Len() != d.Len() || slices.Equal(s.X, d.X) {
		t.Fatal("not shuffled")
	}
	for i := 0; i < s.Len(); i++ {
		if d.Label(int(s.X[i])) != s.Label(i) {
			t.Fatal("labels separated from their examples")
		}
	}
	if !slices.Equal(Shuffle(d, 3).X, s.X) {
		t.Error("not reproducible")
	}
}

func TestAugment(t *testing.T) {
	// One 2×3 single-channel image with distinct pixels.
	img := &Dataset{Task: Binary, Shape: []int{2, 3, 1}, X: []float32{1, 2, 3, 4, 5, 6}, Y: []float32{1}, Classes: []string{"a", "b"}}
	flipped := []float32{3, 2, 1, 6, 5, 4}
	sawFlip, sawPlain := false, false
	for seed := int64(0); seed < 40; seed++ {
		out, err := Augment(img, AugmentOptions{FlipHorizontal: true}, seed)
		if err != nil {
			t.Fatal(err)
		}
		switch {
		case slices.Equal(out.X, flipped):
			sawFlip = true
		case slices.Equal(out.X, img.X):
			sawPlain = true
		default:
			t.Fatalf("flip-only augmentation gave %v", out.X)
		}
	}
	if !sawFlip || !sawPlain {
		t.Errorf("flips are not random: flipped %v, plain %v", sawFlip, sawPlain)
	}
	// Shifts keep pixel values and fill with zeros.
	for seed := int64(0); seed < 20; seed++ {
		out, _ := Augment(img, AugmentOptions{MaxShift: 1}, seed)
		kept := 0
		for _, v := range out.X {
			if v != 0 {
				kept++
				if !slices.Contains(img.X, v) {
					t.Fatalf("shift invented pixel %v", v)
				}
			}
		}
		if kept < 2 {
			t.Errorf("shift by at most 1 kept only %d pixels: %v", kept, out.X)
		}
	}
	a, _ := Augment(img, AugmentOptions{FlipHorizontal: true, MaxShift: 1}, 5)
	b, _ := Augment(img, AugmentOptions{FlipHorizontal: true, MaxShift: 1}, 5)
	if !slices.Equal(a.X, b.X) || a.Label(0) != 1 {
		t.Error("not reproducible for a seed, or label changed")
	}
	if _, err := Augment(labelled(2), AugmentOptions{FlipHorizontal: true}, 1); err == nil {
		t.Error("tabular data accepted")
	}
}

// Signals, [length, channels], shift along time repeating their edge samples, scale as a
// whole, and take noise of the asked size; flips and ambiguous shapes are refused.
func TestAugmentSignals(t *testing.T) {
	// One two-channel signal of 6 samples: channel 0 counts up, channel 1 counts down.
	sig := &Dataset{Name: "sig", Task: Binary, Shape: []int{6, 2}, Y: []float32{1}, Classes: []string{"a", "b"},
		X: []float32{1, -1, 2, -2, 3, -3, 4, -4, 5, -5, 6, -6}}
	shifts := map[string]bool{}
	for seed := int64(0); seed < 60; seed++ {
		out, err := Augment(sig, AugmentOptions{MaxShift: 2}, seed)
		if err != nil {
			t.Fatal(err)
		}
		// Some shift dt in -2..2 maps sample t to sample clamp(t-dt): the channels move together.
		found := false
		for dt := -2; dt <= 2 && !found; dt++ {
			want := make([]float32, 12)
			for i := range 6 {
				st := min(max(i-dt, 0), 5)
				want[2*i], want[2*i+1] = sig.X[2*st], sig.X[2*st+1]
			}
			if slices.Equal(out.X, want) {
				found = true
				shifts[fmt.Sprint(dt)] = true
			}
		}
		if !found {
			t.Fatalf("seed %d: %v is no time shift of %v that repeats the edges", seed, out.X, sig.X)
		}
	}
	if len(shifts) != 5 {
		t.Errorf("shifts seen %v, want all of -2..2", shifts)
	}
	for seed := int64(0); seed < 20; seed++ {
		out, _ := Augment(sig, AugmentOptions{Scale: 0.1}, seed)
		f := out.X[0] / sig.X[0]
		if f < 0.9 || f > 1.1 {
			t.Fatalf("scale factor %v outside [0.9, 1.1]", f)
		}
		for j, v := range out.X {
			if math.Abs(float64(v-f*sig.X[j])) > 1e-5 {
				t.Fatalf("value %d is %v, not the whole signal scaled by %v", j, v, f)
			}
		}
	}
	long := &Dataset{Name: "flat", Task: Binary, Shape: []int{4000, 1}, X: make([]float32, 4000), Y: []float32{0}, Classes: []string{"a", "b"}}
	out, _ := Augment(long, AugmentOptions{Noise: 0.5}, 1)
	var sum, sq float64
	for _, v := range out.X {
		sum += float64(v)
		sq += float64(v) * float64(v)
	}
	mean, sd := sum/4000, math.Sqrt(sq/4000-sum*sum/4000/4000)
	if math.Abs(mean) > 0.05 || math.Abs(sd-0.5) > 0.03 {
		t.Errorf("noise of SD 0.5 gave mean %.3f, SD %.3f", mean, sd)
	}
	for _, tc := range []struct {
		name string
		d    *Dataset
		opt  AugmentOptions
		want string
	}{
		{"signal flipped", sig, AugmentOptions{FlipHorizontal: true}, "would reverse signals in time"},
		{"four dimensions", &Dataset{Name: "img", Shape: []int{2, 2, 2, 1}, X: make([]float32, 8), Y: []float32{0}}, AugmentOptions{MaxShift: 1}, "needs images, [height, width, channels], or signals"},
		{"tabular", labelled(2), AugmentOptions{Noise: 0.1}, "Augment needs images"},
		{"scale of 1", sig, AugmentOptions{Scale: 1}, "Scale 1 must be in [0, 1)"},
		{"negative noise", sig, AugmentOptions{Noise: -0.1}, "Noise -0.1 must be"},
		{"nothing", sig, AugmentOptions{}, "transforms nothing"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := Augment(tc.d, tc.opt, 1); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want one containing %q", err, tc.want)
			}
			if kind, err := tc.opt.CheckFor(tc.d); err == nil || kind != "" {
				t.Errorf("CheckFor: kind %q, error %v; want the error Augment gives", kind, err)
			}
		})
	}
	img := &Dataset{Name: "img", Shape: []int{2, 2, 1}, X: make([]float32, 4), Y: []float32{0}}
	for _, c := range []struct {
		d    *Dataset
		opt  AugmentOptions
		kind string
	}{{sig, AugmentOptions{MaxShift: 1}, "signal"}, {img, AugmentOptions{FlipHorizontal: true}, "image"}} {
		if kind, err := c.opt.CheckFor(c.d); err != nil || kind != c.kind {
			t.Errorf("CheckFor(%v) on shape %v: kind %q, error %v; want %q", c.opt, c.d.Shape, kind, err, c.kind)
		}
	}
	if !slices.Equal(sig.X, []float32{1, -1, 2, -2, 3, -3, 4, -4, 5, -5, 6, -6}) {
		t.Error("Augment modified its input")
	}
}

func TestSlidingWindows(t *testing.T) {
	d := &Dataset{Task: Binary, Shape: []int{5, 2}, Classes: []string{"a", "b"},
		X: []float32{0, 10, 1, 11, 2, 12, 3, 13, 4, 14}, Y: []float32{1}}
	for _, tc := range []struct {
		width, stride int
		want          [][]float32
	}{
		{3, 1, [][]float32{{0, 10, 1, 11, 2, 12}, {1, 11, 2, 12, 3, 13}, {2, 12, 3, 13, 4, 14}}},
		{2, 2, [][]float32{{0, 10, 1, 11}, {2, 12, 3, 13}}},
		{5, 3, [][]float32{{0, 10, 1, 11, 2, 12, 3, 13, 4, 14}}},
	} {
		w, err := SlidingWindows(d, tc.width, tc.stride)
		if err != nil {
			t.Fatal(err)
		}
		if w.Len() != len(tc.want) || !slices.Equal(w.Shape, []int{tc.width, 2}) {
			t.Fatalf("width %d stride %d: %d windows of %v", tc.width, tc.stride, w.Len(), w.Shape)
		}
		for i, want := range tc.want {
			if !slices.Equal(w.Example(i), want) || w.Label(i) != 1 {
				t.Errorf("window %d = %v, want %v", i, w.Example(i), want)
			}
		}
	}
	for _, bad := range [][2]int{{0, 1}, {6, 1}, {2, 0}} {
		if _, err := SlidingWindows(d, bad[0], bad[1]); err == nil {
			t.Errorf("width %d stride %d accepted", bad[0], bad[1])
		}
	}
}

func TestConcat(t *testing.T) {
	a, b := labelled(2, 1), labelled(1, 1)
	c, err := Concat(a, b)
	if err != nil || c.Len() != 5 || !slices.Equal(c.ClassCounts(), []int{3, 2}) {
		t.Fatalf("concat: %v, %d examples", err, c.Len())
	}
	if _, err := Concat(a, &Dataset{Shape: []int{2}}); err == nil {
		t.Error("shape mismatch accepted")
	}
}
