// SPDX-License-Identifier: Apache-2.0

package models

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/gomlx/compute"
	"github.com/gomlx/compute/gobackend"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/ml/train/optimizer"
	"github.com/medgo-lab/medgo/mlkit/backend"
	"github.com/medgo-lab/medgo/mlkit/data"
)

// testBackend is the backend the project chose (backend.Get: ONNX Runtime in builds tagged onnx
// where its library is provisioned, else pure Go), so that these tests check the engine users
// run on.
func testBackend() compute.Backend {
	b, err := backend.Get()
	if err != nil {
		panic(err)
	}
	return b
}

// goBackend is the pure-Go backend, for references another backend is compared with.
func goBackend() compute.Backend { return gobackend.GetBackend() }

// newStore returns an empty store with a fixed random seed.
func newStore(t *testing.T) *model.Store {
	t.Helper()
	store := model.NewStore()
	if err := store.SetRNGStateFromSeed(7); err != nil {
		t.Fatal(err)
	}
	return store
}

// batch is a test batch: inputs, an optional mask and labels.
type batch struct {
	x, mask, y *tensors.Tensor
	vocab      int
}

// forward runs m (in inference mode) on x and mask with the variables of store.
func forward(t *testing.T, store *model.Store, m Model, vocab, outputs int, x, mask *tensors.Tensor) []float32 {
	t.Helper()
	exec, err := model.NewExec(testBackend(), store, func(scope *model.Scope, in []*graph.Node) *graph.Node {
		b := NewBuilder(scope, false)
		b.VocabSize = vocab
		inputs := Inputs{X: in[0]}
		if len(in) > 1 {
			inputs.Mask = in[1]
		}
		return m.Build(b, inputs, outputs)
	})
	if err != nil {
		t.Fatal(err)
	}
	args := []any{x}
	if mask != nil {
		args = append(args, mask)
	}
	out, err := exec.Exec(args...)
	if err != nil {
		t.Fatalf("forward %s: %v", m.Kind(), err)
	}
	return tensors.MustCopyFlatData[float32](out[0])
}

// fit runs Adam steps of m on one batch and returns the loss of each step.
func fit(t *testing.T, store *model.Store, m Model, task data.Task, outputs int, bt batch, steps int, lr float64) []float64 {
	t.Helper()
	opt := optimizer.Adam().LearningRate(lr).Done()
	exec, err := model.NewExec(testBackend(), store, func(scope *model.Scope, in []*graph.Node) *graph.Node {
		g := in[0].Graph()
		store.SetTraining(g, true)
		b := NewBuilder(scope, true)
		b.VocabSize = bt.vocab
		inputs := Inputs{X: in[0]}
		y := in[1]
		if len(in) > 2 {
			inputs.Mask = in[2]
		}
		out := m.Build(b, inputs, outputs)
		loss := Loss(task, out, y, nil)
		opt.UpdateGraph(scope, g, loss)
		return loss
	})
	if err != nil {
		t.Fatal(err)
	}
	args := []any{bt.x, bt.y}
	if bt.mask != nil {
		args = append(args, bt.mask)
	}
	losses := make([]float64, steps)
	for i := range steps {
		out, err := exec.Exec(args...)
		if err != nil {
			t.Fatalf("training step %d of %s: %v", i, m.Kind(), err)
		}
		losses[i] = float64(tensors.MustCopyFlatData[float32](out[0])[0])
		if math.IsNaN(losses[i]) {
			t.Fatalf("training step %d of %s: loss is NaN", i, m.Kind())
		}
	}
	return losses
}

// imageBatch is a binary task on n images [h, w, 1]: class 1 has a bright top half.
func imageBatch(n, h, w int) batch {
	r := rand.New(rand.NewPCG(1, 2))
	x := make([]float32, n*h*w)
	y := make([]float32, n)
	for i := range n {
		y[i] = float32(i % 2)
		for p := range h * w {
			v := r.Float32() * 0.5
			if y[i] == 1 && p < h*w/2 {
				v += 0.5
			}
			x[i*h*w+p] = v
		}
	}
	return batch{x: tensors.FromFlatDataAndDimensions(x, n, h, w, 1), y: tensors.FromFlatDataAndDimensions(y, n, 1)}
}

// tokenBatch is a binary task on n token sequences of the given length over tokens 2..vocab-1,
// right-padded with 0 to random lengths ≥ 3: class 1 contains token 2.
func tokenBatch(n, length, vocab int) batch {
	r := rand.New(rand.NewPCG(3, 4))
	x := make([]float32, n*length)
	mask := make([]float32, n*length)
	y := make([]float32, n)
	for i := range n {
		real := 3 + r.IntN(length-2)
		has := i%2 == 1
		for p := range real {
			tok := 3 + r.IntN(vocab-3)
			x[i*length+p] = float32(tok)
			mask[i*length+p] = 1
		}
		if has {
			x[i*length+r.IntN(real)] = 2
		}
		y[i] = float32(i % 2)
	}
	return batch{
		x:     tensors.FromFlatDataAndDimensions(x, n, length),
		mask:  tensors.FromFlatDataAndDimensions(mask, n, length),
		y:     tensors.FromFlatDataAndDimensions(y, n, 1),
		vocab: vocab,
	}
}

// signalBatch is a binary task on n float signals [length, channels]: class 1 has a bump.
func signalBatch(n, length, channels int) batch {
	r := rand.New(rand.NewPCG(5, 6))
	x := make([]float32, n*length*channels)
	y := make([]float32, n)
	for i := range n {
		y[i] = float32(i % 2)
		at := r.IntN(length - 4)
		for p := range length {
			for c := range channels {
				v := float32(r.NormFloat64() * 0.3)
				if y[i] == 1 && p >= at && p < at+4 {
					v += 1.5
				}
				x[(i*length+p)*channels+c] = v
			}
		}
	}
	return batch{x: tensors.FromFlatDataAndDimensions(x, n, length, channels), y: tensors.FromFlatDataAndDimensions(y, n, 1)}
}

func assertDecreases(t *testing.T, name string, losses []float64, factor float64) {
	t.Helper()
	first, last := losses[0], losses[len(losses)-1]
	if !(last < first*factor) {
		t.Errorf("%s: loss went from %.4f to %.4f in %d steps; expected below %.4f", name, first, last, len(losses), first*factor)
	}
}

func closeTo(a, b, tol float64) bool { return math.Abs(a-b) <= tol*(1+math.Abs(b)) }

func sqrt(x float64) float64 { return math.Sqrt(x) }
