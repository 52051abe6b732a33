// SPDX-License-Identifier: Apache-2.0

package explain

import (
	"math"
	"math/rand"
	"slices"
	"strings"
	"testing"

	"github.com/gomlx/gomlx/core/tensors"

	"github.com/medgo-lab/medgo/mlkit/data"
	"github.com/medgo-lab/medgo/mlkit/models"
	"github.com/medgo-lab/medgo/mlkit/train"
)

var cnn1DRun = &fixture{make: func() (*train.Run, *data.Split, error) {
	split := &data.Split{Train: signals(512, 1), Val: signals(128, 2), Test: signals(128, 3)}
	return fit("signals-cnn1d", models.CNN1D(8).Pool(0).Dense(8).Done(), split, 10)
}}

// lesions makes n noisy 8×8×1 images; class 1 images hold a bright 2×2 lesion at a random
// place, recorded in at (top-left corner; -1 for class 0).
func lesions(n int, seed int64) (*data.Dataset, []int) {
	rng := rand.New(rand.NewSource(seed))
	d := &data.Dataset{Name: "lesions", Task: data.Binary, Shape: []int{imageSide, imageSide, 1}, Classes: []string{"clear", "lesion"}}
	var at []int
	for range n {
		img := make([]float32, imageSide*imageSide)
		for p := range img {
			img[p] = float32(0.3 * rng.NormFloat64())
		}
		pos := -1
		if rng.Intn(2) == 1 {
			y, x := rng.Intn(imageSide-1), rng.Intn(imageSide-1)
			pos = y*imageSide + x
			for _, q := range []int{pos, pos + 1, pos + imageSide, pos + imageSide + 1} {
				img[q] += 2
			}
		}
		d.X = append(d.X, img...)
		d.Y = append(d.Y, float32(map[bool]int{true: 1, false: 0}[pos >= 0]))
		at = append(at, pos)
	}
	return d, at
}

var lesionRun = &fixture{make: func() (*train.Run, *data.Split, error) {
	tr, _ := lesions(512, 1)
	te, _ := lesions(128, 3)
	split := &data.Split{Train: tr, Test: te}
	return fit("lesions", models.CNN(8).Padding("same").Pool(0).GlobalAvgPool().Dense().Dropout(0).Done(), split, 10)
}}

func checkUnitMaps(t *testing.T, maps [][]float32, size int) {
	t.Helper()
	for i, m := range maps {
		if len(m) != size {
			t.Fatalf("map %d has %d values, want %d", i, len(m), size)
		}
		hi := float32(0)
		for _, v := range m {
			if v < 0 || v > 1 || math.IsNaN(float64(v)) {
				t.Fatalf("map %d has value %v outside [0, 1]", i, v)
			}
			hi = max(hi, v)
		}
		if hi != 0 && math.Abs(float64(hi)-1) > 1e-6 {
			t.Errorf("map %d peaks at %v, want 1 (or all zeros)", i, hi)
		}
	}
}

func TestGradCAMOnImages(t *testing.T) {
	run, split := imageRun.get(t)
	idx := make([]int, 32)
	for i := range idx {
		idx[i] = i
	}
	cm, err := GradCAM(run, split.Test, idx, -1)
	if err != nil {
		t.Fatal(err)
	}
	if cm.Layout != LayoutImage || !slices.Equal(cm.Shape, []int{imageSide, imageSide}) || cm.Len() != len(idx) {
		t.Fatalf("layout %q, shape %v, %d maps", cm.Layout, cm.Shape, cm.Len())
	}
	// CNN(8) with a 3×3 valid convolution: 6×6×8 feature maps before pooling.
	if !slices.Equal(cm.FeatureShape, []int{6, 6, 8}) || len(cm.Coarse[0]) != 36 || len(cm.Weights[0]) != 8 {
		t.Fatalf("feature shape %v, coarse %d, weights %d", cm.FeatureShape, len(cm.Coarse[0]), len(cm.Weights[0]))
	}
	checkUnitMaps(t, cm.Maps, imageSide*imageSide)
	// The predicted class's probability is the run's.
	pred, _ := run.Predict(split.Test.Subset(idx))
	for e := range idx {
		if math.Abs(cm.Score[e]-pred.Probs[e][cm.Class[e]]) > 1e-6 {
			t.Fatalf("score %v, predicted %v", cm.Score[e], pred.Probs[e][cm.Class[e]])
		}
	}
	// Explaining the other class gives another (here: complementary) map.
	other, err := GradCAM(run, split.Test, []int{0}, 1-cm.Class[0])
	if err != nil {
		t.Fatal(err)
	}
	for k, w := range other.Weights[0] {
		if math.Abs(float64(w+cm.Weights[0][k])) > 1e-5 {
			t.Fatalf("binary Grad-CAM weights of the two classes should be opposite: %v vs %v", other.Weights[0], cm.Weights[0])
		}
	}
}

// With global average pooling straight into the output layer, Grad-CAM is CAM (Zhou et al.,
// 2016): the channel weights are the output layer's weights over the number of positions, and
// the maps find the lesions.
func TestGradCAMFindsLesions(t *testing.T) {
	run, split := lesionRun.get(t)
	_, at := lesions(128, 3)
	var idx []int
	for i, p := range at {
		if p >= 0 && len(idx) < 32 {
			idx = append(idx, i)
		}
	}
	cm, err := GradCAM(run, split.Test, idx, 1)
	if err != nil {
		t.Fatal(err)
	}
	checkUnitMaps(t, cm.Maps, imageSide*imageSide)
	w := tensors.MustCopyFlatData[float32](run.Store().GetVariable("/model/output/weights").MustValue())
	positions := float32(imageSide * imageSide)
	for k, v := range cm.Weights[0] {
		if math.Abs(float64(v*positions-w[k])) > 1e-4 {
			t.Fatalf("channel %d: Grad-CAM weight × positions = %v, output weight %v", k, v*positions, w[k])
		}
	}
	found, frac := 0, 0.0
	for e, i := range idx {
		p := at[i]
		lesion := func(q int) bool { return q == p || q == p+1 || q == p+imageSide || q == p+imageSide+1 }
		frac += massIn(cm.Maps[e], lesion) / float64(len(idx))
		if lesion(cm.Top(e, 1)[0]) {
			found++
		}
	}
	t.Logf("Grad-CAM: mass on the lesion %.2f (uniform %.2f), peak on the lesion in %d of %d", frac, 4/positions, found, len(idx))
	if frac < 0.2 || found < len(idx)*3/4 {
		t.Errorf("Grad-CAM puts %.2f of its mass on the lesion and peaks there in %d of %d images; want ≥ 0.2 and ≥ 3/4", frac, found, len(idx))
	}
}

func TestGradCAMOnSignals(t *testing.T) {
	run, split := cnn1DRun.get(t)
	cm, err := GradCAM(run, split.Test, []int{0, 1, 2, 3, 4, 5, 6, 7}, -1)
	if err != nil {
		t.Fatal(err)
	}
	if cm.Layout != LayoutSequence || !slices.Equal(cm.Shape, []int{16}) || !slices.Equal(cm.FeatureShape, []int{16, 8}) {
		t.Fatalf("layout %q, shape %v, feature shape %v", cm.Layout, cm.Shape, cm.FeatureShape)
	}
	checkUnitMaps(t, cm.Maps, 16)
}

func TestGradCAMRejectsBadInput(t *testing.T) {
	run, split := binaryRun.get(t)
	if _, err := GradCAM(run, split.Test, []int{0}, -1); err == nil || !strings.Contains(err.Error(), "convolutional") {
		t.Errorf("MLP: got %v, want an error asking for a convolutional network", err)
	}
	img, isplit := imageRun.get(t)
	if _, err := GradCAM(img, isplit.Test, []int{-1}, -1); err == nil {
		t.Error("index -1 accepted")
	}
	if _, err := GradCAM(img, isplit.Test, []int{0}, 5); err == nil {
		t.Error("class 5 accepted")
	}
	if _, err := GradCAM(img, split.Test, []int{0}, -1); err == nil {
		t.Error("tabular data accepted by an image run")
	}
	if _, err := GradCAM(nil, isplit.Test, []int{0}, -1); err == nil {
		t.Error("nil run accepted")
	}
}

func TestUpsample(t *testing.T) {
	m := []float32{0, 1, 2, 3}
	if got := upsample(m, []int{2, 2}, []int{2, 2}); !slices.Equal(got, m) {
		t.Errorf("same size: %v", got)
	}
	got := upsample([]float32{0, 1}, []int{2}, []int{4})
	if want := []float32{0, 0.25, 0.75, 1}; !slices.Equal(got, want) {
		t.Errorf("1-D: %v, want %v", got, want)
	}
	got = upsample([]float32{0, 1, 2, 3}, []int{2, 2}, []int{4, 4})
	if got[0] != 0 || got[15] != 3 || math.Abs(float64(got[5])-0.75) > 1e-6 {
		t.Errorf("2-D: %v", got)
	}
}
