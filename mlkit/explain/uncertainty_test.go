// SPDX-License-Identifier: Apache-2.0

package explain

import (
	"maps"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"

	"github.com/medgo-lab/medgo/mlkit/data"
	"github.com/medgo-lab/medgo/mlkit/eval"
	"github.com/medgo-lab/medgo/mlkit/models"
	"github.com/medgo-lab/medgo/mlkit/train"
)

var (
	dropoutRun = &fixture{make: func() (*train.Run, *data.Split, error) {
		return fit("tabular-dropout", models.MLP(32).Dropout(0.3).Done(), tabularSplit(data.Binary), 15)
	}}
	batchNormRun = &fixture{make: func() (*train.Run, *data.Split, error) {
		split := &data.Split{Train: images(256, 1), Test: images(64, 3)}
		return fit("images-batchnorm", models.CNN(4).BatchNorm().BlockDropout(0.2).Dense(8).Dropout(0.2).Done(), split, 3)
	}}
)

// variableValues copies every variable of the run's store, by path.
func variableValues(run *train.Run) map[string][]float32 {
	out := map[string][]float32{}
	for v := range run.Store().IterVariables() {
		if v.HasValue() && v.DType() == dtypes.Float32 {
			out[v.Path()] = slices.Clone(tensors.MustCopyFlatData[float32](v.MustValue()))
		}
	}
	return out
}

func rngState(run *train.Run) []uint64 {
	v := run.Store().GetVariable(model.JoinPath("/", model.RNGStateVariableName))
	return slices.Clone(tensors.MustCopyFlatData[uint64](v.MustValue()))
}

func TestMCDropoutWithoutDropoutHasNoSpread(t *testing.T) {
	run, split := imageRun.get(t) // CNN(8).Dense(16).Dropout(0): no dropout anywhere
	u, err := MCDropout(run, split.Test, 5, 1)
	if err != nil {
		t.Fatal(err)
	}
	pred, err := run.Predict(split.Test)
	if err != nil {
		t.Fatal(err)
	}
	if u.Len() != split.Test.Len() || u.Passes != 5 || u.Method != MethodMCDropout {
		t.Fatalf("%d examples, %d passes, method %q", u.Len(), u.Passes, u.Method)
	}
	for i := range u.Len() {
		for k := range u.Mean[i] {
			if u.SD[i][k] != 0 {
				t.Fatalf("example %d: spread %v without dropout", i, u.SD[i])
			}
			if math.Abs(u.Mean[i][k]-pred.Probs[i][k]) > 1e-6 {
				t.Fatalf("example %d: mean %v, deterministic %v", i, u.Mean[i], pred.Probs[i])
			}
		}
		if u.MutualInfo[i] > 1e-9 {
			t.Fatalf("example %d: mutual information %v without dropout", i, u.MutualInfo[i])
		}
	}
}

func TestMCDropoutSpread(t *testing.T) {
	run, split := dropoutRun.get(t)
	before, rng := variableValues(run), rngState(run)
	pred, err := run.Predict(split.Test)
	if err != nil {
		t.Fatal(err)
	}
	u, err := MCDropout(run, split.Test, 40, 7)
	if err != nil {
		t.Fatal(err)
	}
	spread, diff := 0.0, 0.0
	positive := 0
	for i, s := range u.Spread() {
		spread += s / float64(u.Len())
		if s > 0 {
			positive++
		}
		diff += math.Abs(u.Mean[i][1]-pred.Probs[i][1]) / float64(u.Len())
	}
	t.Logf("mean spread %.3f (%d of %d > 0), mean |MC mean − deterministic| %.3f", spread, positive, u.Len(), diff)
	if positive < u.Len()/2 || spread <= 0 {
		t.Errorf("dropout 0.3 gave spread > 0 for %d of %d examples", positive, u.Len())
	}
	if diff > 0.08 {
		t.Errorf("the MC mean is %.3f away from the deterministic prediction on average", diff)
	}
	// Uncertain cases are more often wrong: referring them raises the accuracy.
	labels := split.Test.Labels()
	curve, err := eval.SelectiveBinary(labels, u.Labels(), u.Entropy)
	if err != nil {
		t.Fatal(err)
	}
	acc, _ := eval.Accuracy(labels, u.Labels())
	if last := curve.Accuracy[len(curve.Accuracy)-1]; last != acc {
		t.Errorf("accuracy at coverage 1 %v, plain %v", last, acc)
	}
	if j := curve.At(0.8); curve.Accuracy[j] < acc {
		t.Errorf("referring 20%% lowered the accuracy: %.3f < %.3f", curve.Accuracy[j], acc)
	}
	// Seeded: the same seed repeats, another differs; the run is left as it was.
	again, err := MCDropout(run, split.Test, 40, 7)
	if err != nil {
		t.Fatal(err)
	}
	other, err := MCDropout(run, split.Test, 40, 8)
	if err != nil {
		t.Fatal(err)
	}
	for i := range u.Len() {
		if !slices.Equal(u.Mean[i], again.Mean[i]) || !slices.Equal(u.SD[i], again.SD[i]) {
			t.Fatalf("example %d: seed 7 gave %v then %v", i, u.Mean[i], again.Mean[i])
		}
	}
	if slices.EqualFunc(u.Mean, other.Mean, slices.Equal) {
		t.Error("seeds 7 and 8 gave the same predictions")
	}
	if !slices.Equal(rngState(run), rng) {
		t.Error("MCDropout changed the run's random state")
	}
	for path, v := range variableValues(run) {
		if !slices.Equal(v, before[path]) {
			t.Errorf("MCDropout changed variable %s", path)
		}
	}
}

func TestMCDropoutKeepsBatchNormInInferenceMode(t *testing.T) {
	run, split := batchNormRun.get(t)
	before := variableValues(run)
	u, err := MCDropout(run, split.Test, 10, 1)
	if err != nil {
		t.Fatal(err)
	}
	if slices.Max(u.Spread()) <= 0 {
		t.Error("no spread with block dropout 0.2")
	}
	for path, v := range variableValues(run) {
		if !slices.Equal(v, before[path]) {
			t.Errorf("MCDropout changed variable %s (batch-norm statistics must stay as trained)", path)
		}
	}
	if len(before) == 0 || !slices.ContainsFunc(slices.Collect(maps.Keys(before)), func(p string) bool { return strings.Contains(p, "batch_norm/moving_mean") }) {
		t.Errorf("no batch-norm statistics among the variables %v", slices.Collect(maps.Keys(before)))
	}
}

func TestTestTimeAugmentation(t *testing.T) {
	run, split := imageRun.get(t)
	pred, err := run.Predict(split.Test)
	if err != nil {
		t.Fatal(err)
	}
	u, err := TestTimeAugmentation(run, split.Test, []Augmentation{Identity()})
	if err != nil {
		t.Fatal(err)
	}
	for i := range u.Len() {
		if !slices.Equal(u.Mean[i], pred.Probs[i]) || u.SD[i][1] != 0 {
			t.Fatalf("identity only: mean %v sd %v, predicted %v", u.Mean[i], u.SD[i], pred.Probs[i])
		}
	}
	augs := []Augmentation{Identity(), FlipHorizontal(), Shift(1, 0), Shift(0, -1),
		RandomAugment(data.AugmentOptions{FlipHorizontal: true, MaxShift: 1}, 3)}
	u, err = TestTimeAugmentation(run, split.Test, augs)
	if err != nil {
		t.Fatal(err)
	}
	again, _ := TestTimeAugmentation(run, split.Test, augs)
	if u.Passes != 5 || u.Method != MethodTTA || slices.Max(u.Spread()) <= 0 {
		t.Errorf("passes %d, method %q, largest spread %v", u.Passes, u.Method, slices.Max(u.Spread()))
	}
	if !slices.EqualFunc(u.Mean, again.Mean, slices.Equal) {
		t.Error("test-time augmentation is not repeatable")
	}
	for i := range u.Len() {
		s := 0.0
		for _, p := range u.Mean[i] {
			s += p
		}
		if math.Abs(s-1) > 1e-5 || u.Entropy[i] < 0 || u.Entropy[i] > math.Ln2+1e-9 {
			t.Fatalf("example %d: mean %v entropy %v", i, u.Mean[i], u.Entropy[i])
		}
	}
	// An image set with user-visible pixel positions.
	img := &data.Dataset{Task: data.Binary, Shape: []int{2, 3, 1}, X: []float32{1, 2, 3, 4, 5, 6}, Y: []float32{0}}
	flip, _ := FlipHorizontal()(img)
	down, _ := Shift(1, 0)(img)
	left, _ := Shift(0, -1)(img)
	for name, tc := range map[string][2][]float32{
		"flip":  {flip.X, {3, 2, 1, 6, 5, 4}},
		"down":  {down.X, {0, 0, 0, 1, 2, 3}},
		"left":  {left.X, {2, 3, 0, 5, 6, 0}},
		"input": {img.X, {1, 2, 3, 4, 5, 6}},
	} {
		if !slices.Equal(tc[0], tc[1]) {
			t.Errorf("%s: %v, want %v", name, tc[0], tc[1])
		}
	}
}

// TestTestTimeAugmentationOfEnsemble: augmenting an ensemble averages over runs and views, so
// its mean equals the mean over runs of each run's test-time augmentation.
func TestTestTimeAugmentationOfEnsemble(t *testing.T) {
	run, split := imageRun.get(t)
	small, _, err := fit("images-small", models.CNN(4).Dense(8).Done(), split, 3)
	if err != nil {
		t.Fatal(err)
	}
	augs := []Augmentation{Identity(), FlipHorizontal(), Shift(0, 1)}
	both, err := TestTimeAugmentation(train.Average(run, small), split.Test, augs)
	if err != nil {
		t.Fatal(err)
	}
	var each []*Uncertainty
	for _, r := range []*train.Run{run, small} {
		u, err := TestTimeAugmentation(r, split.Test, augs)
		if err != nil {
			t.Fatal(err)
		}
		each = append(each, u)
	}
	if both.Passes != 3 || both.Task != data.Binary || !slices.Equal(both.Classes, split.Test.Classes) {
		t.Errorf("passes %d, task %v, classes %v", both.Passes, both.Task, both.Classes)
	}
	differ := false
	for i := range both.Len() {
		for k, v := range both.Mean[i] {
			want := (each[0].Mean[i][k] + each[1].Mean[i][k]) / 2
			if math.Abs(v-want) > 1e-9 || math.IsNaN(v) {
				t.Fatalf("example %d, class %d: ensemble TTA %v, mean of the runs' TTA %v", i, k, v, want)
			}
			differ = differ || math.Abs(each[0].Mean[i][k]-each[1].Mean[i][k]) > 1e-3
		}
	}
	if !differ {
		t.Fatal("the two runs agree everywhere, so the test cannot tell an average from one run")
	}
	_, err = TestTimeAugmentation(train.Average(run, nil), split.Test, augs)
	if err == nil || !strings.Contains(err.Error(), "nil") {
		t.Errorf("ensemble with a nil run: %v", err)
	}
	_, err = TestTimeAugmentation(nil, split.Test, augs)
	if err == nil || !strings.Contains(err.Error(), "nil") {
		t.Errorf("nil model: %v", err)
	}
}

func TestUncertaintyRejectsBadInput(t *testing.T) {
	run, split := binaryRun.get(t)
	for _, tc := range []struct {
		name string
		err  func() error
		want string
	}{
		{"no passes", func() error { _, err := MCDropout(run, split.Test, 0, 1); return err }, "passes"},
		{"nil run", func() error { _, err := MCDropout(nil, split.Test, 3, 1); return err }, "nil"},
		{"no augmentations", func() error { _, err := TestTimeAugmentation(run, split.Test, nil); return err }, "augmentations"},
		{"flip tabular", func() error {
			_, err := TestTimeAugmentation(run, split.Test, []Augmentation{FlipHorizontal()})
			return err
		}, "images"},
		{"nil augmentation", func() error {
			_, err := TestTimeAugmentation(run, split.Test, []Augmentation{nil})
			return err
		}, "nil"},
		{"shape change", func() error {
			_, err := TestTimeAugmentation(run, split.Test, []Augmentation{func(d *data.Dataset) (*data.Dataset, error) { return d.Head(3), nil }})
			return err
		}, "changed"},
	} {
		err := tc.err()
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: got %v, want an error about %q", tc.name, err, tc.want)
		}
	}
}

func TestUncertaintyRegression(t *testing.T) {
	run, split := regressionRun.get(t)
	u, err := MCDropout(run, split.Test, 3, 1)
	if err != nil {
		t.Fatal(err)
	}
	if u.Entropy != nil || u.MutualInfo != nil || len(u.Mean[0]) != 1 || u.Predictions().Values == nil {
		t.Errorf("regression: entropy %v, mean %v", u.Entropy, u.Mean[0])
	}
}
