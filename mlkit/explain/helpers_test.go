// SPDX-License-Identifier: Apache-2.0

package explain

import (
	"fmt"
	"math"
	"math/rand"
	"os"
	"sync"
	"testing"

	"github.com/medgo-lab/medgo/mlkit/data"
	"github.com/medgo-lab/medgo/mlkit/models"
	"github.com/medgo-lab/medgo/mlkit/train"
)

var runsDir string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "explain-test-runs")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	runsDir = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// fixture trains a run once and shares it between tests.
type fixture struct {
	once  sync.Once
	run   *train.Run
	split *data.Split
	err   error
	make  func() (*train.Run, *data.Split, error)
}

func (f *fixture) get(t *testing.T) (*train.Run, *data.Split) {
	t.Helper()
	f.once.Do(func() { f.run, f.split, f.err = f.make() })
	if f.err != nil {
		t.Fatal(f.err)
	}
	return f.run, f.split
}

func fit(name string, m models.Model, split *data.Split, epochs int) (*train.Run, *data.Split, error) {
	run, err := train.New(name, m).Epochs(epochs).BatchSize(32).Adam(3e-3).Seed(3).
		Dir(runsDir).Restart().Quiet().Done().Fit(split)
	return run, split, err
}

// tabular makes n examples of 5 standard normal features where only feature 2 (glucose)
// carries the target: binary (x2 > 0), multi-class (x2 below -0.5, between, above 0.5) or
// regression (2·x2 plus a little noise). For multi-label tasks feature 4 (pulse) carries a
// second label (x4 > 0).
func tabular(n int, seed int64, task data.Task) *data.Dataset {
	rng := rand.New(rand.NewSource(seed))
	d := &data.Dataset{Name: "tabular", Task: task, Shape: []int{5},
		Features: []string{"age", "bmi", "glucose", "height", "pulse"}}
	switch task {
	case data.Binary:
		d.Classes = []string{"healthy", "diabetic"}
	case data.MultiClass:
		d.Classes = []string{"low", "normal", "high"}
	case data.MultiLabel:
		d.Targets = []string{"diabetic", "tachycardic"}
	default:
		d.Targets = []string{"hba1c"}
	}
	bit := func(b bool) float32 {
		if b {
			return 1
		}
		return 0
	}
	for range n {
		x := make([]float32, 5)
		for j := range x {
			x[j] = float32(rng.NormFloat64())
		}
		d.X = append(d.X, x...)
		switch task {
		case data.Binary:
			d.Y = append(d.Y, bit(x[2] > 0))
		case data.MultiClass:
			d.Y = append(d.Y, bit(x[2] > -0.5)+bit(x[2] > 0.5))
		case data.MultiLabel:
			d.Y = append(d.Y, bit(x[2] > 0), bit(x[4] > 0))
		default:
			d.Y = append(d.Y, 2*x[2]+float32(0.1*rng.NormFloat64()))
		}
	}
	return d
}

func tabularSplit(task data.Task) *data.Split {
	return &data.Split{Train: tabular(512, 1, task), Val: tabular(128, 2, task), Test: tabular(256, 3, task)}
}

// The region of the synthetic images that decides the label: rows 1-3, columns 4-6.
const regionTop, regionLeft, regionSize, imageSide = 1, 4, 3, 8

func inRegion(y, x int) bool {
	return y >= regionTop && y < regionTop+regionSize && x >= regionLeft && x < regionLeft+regionSize
}

// images makes n noisy 8×8×1 images whose label says whether the 3×3 region is brighter than 0
// on average; every other pixel is noise.
func images(n int, seed int64) *data.Dataset {
	rng := rand.New(rand.NewSource(seed))
	d := &data.Dataset{Name: "images", Task: data.Binary, Shape: []int{imageSide, imageSide, 1}, Classes: []string{"dark", "bright"}}
	for range n {
		var s float32
		for y := range imageSide {
			for x := range imageSide {
				v := float32(rng.NormFloat64())
				if inRegion(y, x) {
					s += v
				}
				d.X = append(d.X, v)
			}
		}
		d.Y = append(d.Y, float32(map[bool]int{true: 1, false: 0}[s > 0]))
	}
	return d
}

// signals makes n two-channel signals of 16 steps whose label says whether channel 0 sums
// above 0 over steps 5-7.
func signals(n int, seed int64) *data.Dataset {
	rng := rand.New(rand.NewSource(seed))
	d := &data.Dataset{Name: "signals", Task: data.Binary, Shape: []int{16, 2}, Classes: []string{"normal", "event"}}
	for range n {
		var s float32
		for step := range 16 {
			for c := range 2 {
				v := float32(rng.NormFloat64())
				if c == 0 && step >= 5 && step <= 7 {
					s += v
				}
				d.X = append(d.X, v)
			}
		}
		d.Y = append(d.Y, float32(map[bool]int{true: 1, false: 0}[s > 0]))
	}
	return d
}

// tokens makes n sequences of 3 to 8 tokens from {A, B, C, D}, padded to 8 with a mask; the
// label says whether the sequence contains an A.
func tokens(n int, seed int64) *data.Dataset {
	rng := rand.New(rand.NewSource(seed))
	v := data.NewVocabulary("A", "B", "C", "D")
	const length = 8
	d := &data.Dataset{Name: "tokens", Task: data.Binary, Shape: []int{length}, Classes: []string{"no A", "A"}, Vocab: v}
	for range n {
		l := 3 + rng.Intn(length-2)
		hasA := false
		for p := range length {
			if p >= l {
				d.X = append(d.X, 0)
				d.Mask = append(d.Mask, 0)
				continue
			}
			id := 2 + rng.Intn(4)
			hasA = hasA || id == 2
			d.X = append(d.X, float32(id))
			d.Mask = append(d.Mask, 1)
		}
		d.Y = append(d.Y, float32(map[bool]int{true: 1, false: 0}[hasA]))
	}
	return d
}

var (
	binaryRun = &fixture{make: func() (*train.Run, *data.Split, error) {
		return fit("tabular-binary", models.MLP(16).Done(), tabularSplit(data.Binary), 15)
	}}
	multiClassRun = &fixture{make: func() (*train.Run, *data.Split, error) {
		return fit("tabular-multiclass", models.MLP(16).Done(), tabularSplit(data.MultiClass), 15)
	}}
	multiLabelRun = &fixture{make: func() (*train.Run, *data.Split, error) {
		return fit("tabular-multilabel", models.MLP(16).Done(), tabularSplit(data.MultiLabel), 15)
	}}
	regressionRun = &fixture{make: func() (*train.Run, *data.Split, error) {
		return fit("tabular-regression", models.MLP(16).Done(), tabularSplit(data.Regression), 15)
	}}
	imageRun = &fixture{make: func() (*train.Run, *data.Split, error) {
		split := &data.Split{Train: images(768, 1), Val: images(128, 2), Test: images(128, 3)}
		return fit("images", models.CNN(8).Dense(16).Dropout(0).Done(), split, 12)
	}}
	signalRun = &fixture{make: func() (*train.Run, *data.Split, error) {
		split := &data.Split{Train: signals(512, 1), Val: signals(128, 2), Test: signals(128, 3)}
		return fit("signals", models.MLP(16).Done(), split, 15)
	}}
	transformerRuns = map[string]*fixture{}
)

func init() {
	for _, pooling := range []string{"mean", "cls"} {
		transformerRuns[pooling] = &fixture{make: func() (*train.Run, *data.Split, error) {
			split := &data.Split{Train: tokens(256, 1), Val: tokens(64, 2), Test: tokens(64, 3)}
			m := models.Transformer().Dim(16).Heads(2).Blocks(2).FeedForward(32).Dropout(0).Pooling(pooling).Done()
			return fit("transformer-"+pooling, m, split, 3)
		}}
	}
	transformerRuns["signal"] = &fixture{make: func() (*train.Run, *data.Split, error) {
		split := &data.Split{Train: signals(128, 1), Test: signals(32, 3)}
		m := models.Transformer().Dim(8).Heads(2).Blocks(2).Dropout(0).Done()
		return fit("transformer-signal", m, split, 1)
	}}
}

// massIn is the fraction of a map's total that lies where keep is true.
func massIn(m []float32, keep func(p int) bool) float64 {
	in, all := 0.0, 0.0
	for p, v := range m {
		all += float64(v)
		if keep(p) {
			in += float64(v)
		}
	}
	if all == 0 {
		return math.NaN()
	}
	return in / all
}
