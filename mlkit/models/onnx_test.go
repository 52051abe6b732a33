// SPDX-License-Identifier: Apache-2.0

//go:build onnx && cgo

package models

import (
	"math"
	"math/rand/v2"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/gomlx/compute"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/ml/train/optimizer"
	"github.com/medgo-lab/medgo/mlkit/backend"
	"github.com/medgo-lab/medgo/mlkit/data"
)

// These tests run each model family on ONNX Runtime and on the pure-Go backend from the same
// variables and compare outputs, loss and gradients: ORT computes float32 with different
// kernels (fused, reordered sums), so agreement is to a tolerance, not bit for bit.

var (
	ortOnce    sync.Once
	ortBackend compute.Backend
	ortErr     error
)

func onnxBackend(t testing.TB) compute.Backend {
	t.Helper()
	lib, _, ok := backend.ONNXRuntimeLib()
	if !ok {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI with -tags onnx must provision ONNX Runtime (%s)", backend.ONNXRuntimeLibEnv)
		}
		t.Skipf("no ONNX Runtime library: set %s or run medgo install", backend.ONNXRuntimeLibEnv)
	}
	ortOnce.Do(func() { ortBackend, ortErr = compute.NewWithConfig(backend.ONNXConfig(lib)) })
	if ortErr != nil {
		t.Fatal(ortErr)
	}
	return ortBackend
}

// ortTol is the relative tolerance (closeTo) for float32 results of the two backends.
const ortTol = 1e-4

type ortCase struct {
	name    string
	m       Model
	task    data.Task
	outputs int
	bt      batch
}

func ortCases() []ortCase {
	r := rand.New(rand.NewPCG(9, 9))
	vec := func(n, d int) *tensors.Tensor {
		x := make([]float32, n*d)
		for i := range x {
			x[i] = float32(r.NormFloat64())
		}
		return tensors.FromFlatDataAndDimensions(x, n, d)
	}
	nan := float32(math.NaN())
	labels := func(rows int, v ...float32) *tensors.Tensor {
		return tensors.FromFlatDataAndDimensions(v, rows, len(v)/rows)
	}
	img := imageBatch(4, 28, 28)
	return []ortCase{
		{"mlp binary", MLP(16, 8).Done(), data.Binary, 1, batch{x: vec(6, 10), y: labels(6, 0, 1, 1, 0, 1, 0)}},
		{"mlp multi-label, NaN masked", MLP(16).Done(), data.MultiLabel, 3,
			batch{x: vec(4, 10), y: labels(4, 1, nan, 0, 0, 1, nan, nan, nan, 1, 1, 0, 0)}},
		{"mlp regression, NaN masked", MLP(8).Done(), data.Regression, 2,
			batch{x: vec(4, 5), y: labels(4, 0.5, nan, -1, 2, nan, 3, 0, 0)}},
		{"mlp ordinal head", MLP(16).Done(), data.Ordinal, 3, batch{x: vec(6, 10), y: labels(6, 0, 1, 2, 3, 3, 1)}},
		{"seed cnn", SeedCNN(), data.MultiClass, 10, batch{x: img.x, y: labels(4, 3, 1, 7, 0)}},
		{"cnn1d", CNN1D(8).Done(), data.Binary, 1, signalBatch(4, 32, 2)},
		{"lstm", LSTM(8).Embedding(8).Done(), data.Binary, 1, tokenBatch(4, 12, 10)},
		{"gru", GRU(8).Embedding(8).Done(), data.Binary, 1, tokenBatch(4, 12, 10)},
		{"strided cnn", CNN(4, 8).Kernel(3).Stride(2).Done(), data.Binary, 1, imageBatch(4, 28, 28)},
		{"strided cnn1d", CNN1D(8).Stride(2).Done(), data.Binary, 1, signalBatch(4, 32, 2)},
		{"transformer", Transformer().Dim(16).Heads(2).Blocks(1).FeedForward(32).Done(), data.Binary, 1, tokenBatch(4, 12, 10)},
		{"gnn", GNN(8).Layers(2).Done(), data.Binary, 1, signalBatch(4, 6, 10)}, // [atoms 6, features 4 + atoms 6]
	}
}

// forwardAndGrads returns outputs, loss and the loss's gradients with respect to every trainable
// variable (in the store's order), computed in inference mode (no dropout) on be.
func forwardAndGrads(t *testing.T, be compute.Backend, store *model.Store, c ortCase) ([][]float32, error) {
	t.Helper()
	exec, err := model.NewExec(be, store, func(scope *model.Scope, in []*graph.Node) []*graph.Node {
		b := NewBuilder(scope, false)
		b.VocabSize = c.bt.vocab
		inputs := Inputs{X: in[0]}
		if len(in) > 2 {
			inputs.Mask = in[2]
		}
		out := c.m.Build(b, inputs, c.outputs)
		loss := Loss(c.task, out, in[1], nil)
		return append([]*graph.Node{out, loss}, scope.BuildTrainableVariablesGradientsGraph(loss)...)
	})
	if err != nil {
		return nil, err
	}
	// A tensor, once on a backend, belongs to it: each backend gets host copies of the batch.
	args := []any{hostCopy(t, c.bt.x), hostCopy(t, c.bt.y)}
	if c.bt.mask != nil {
		args = append(args, hostCopy(t, c.bt.mask))
	}
	res, err := exec.Exec(args...)
	if err != nil {
		return nil, err
	}
	flat := make([][]float32, len(res))
	for i, r := range res {
		flat[i] = tensors.MustCopyFlatData[float32](r)
	}
	return flat, nil
}

func hostCopy(t *testing.T, x *tensors.Tensor) *tensors.Tensor {
	t.Helper()
	c, err := x.LocalClone()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// localClone copies store's variables into a new store as host tensors, so the second backend
// starts from exactly the values the first one initialized.
func localClone(t *testing.T, store *model.Store) *model.Store {
	t.Helper()
	c, err := store.Clone()
	if err != nil {
		t.Fatal(err)
	}
	for v := range c.IterVariables() {
		v.MustSetValue(hostCopy(t, v.MustValue()))
	}
	return c
}

func TestONNXMatchesPureGo(t *testing.T) {
	ort := onnxBackend(t)
	for _, c := range ortCases() {
		t.Run(c.name, func(t *testing.T) {
			store := newStore(t)
			want, err := forwardAndGrads(t, goBackend(), store, c)
			if err != nil {
				t.Fatalf("pure Go: %v", err)
			}
			got, err := forwardAndGrads(t, ort, localClone(t, store), c)
			if err != nil {
				t.Fatalf("ONNX Runtime: %v", backend.ExplainFor(err, ort))
			}
			if len(got) != len(want) {
				t.Fatalf("%d results, want %d", len(got), len(want))
			}
			worst := 0.0
			for i := range want {
				what := "gradient"
				switch i {
				case 0:
					what = "output"
				case 1:
					what = "loss"
				}
				for j := range want[i] {
					g, w := float64(got[i][j]), float64(want[i][j])
					d := math.Abs(g-w) / (1 + math.Abs(w))
					worst = max(worst, d)
					if !(d <= ortTol) {
						t.Errorf("%s %d[%d]: ONNX Runtime %v, pure Go %v", what, i, j, g, w)
						break
					}
				}
			}
			t.Logf("%d tensors compared; worst relative difference %.2g (tolerance %g)", len(want), worst, ortTol)
		})
	}
}

// TestONNXSeedCNNStepTime times one Adam training step of the seed CNN (batch 32, MNIST-sized)
// on both backends, after a compiling first step; the figures go to the test log.
func TestONNXSeedCNNStepTime(t *testing.T) {
	ort := onnxBackend(t)
	for _, be := range []compute.Backend{goBackend(), ort} {
		bt := mnistLikeBatch(32) // fresh tensors: one batch cannot serve two backends
		store := newStore(t)
		opt := optimizer.Adam().LearningRate(1e-3).Done()
		m := SeedCNN()
		exec, err := model.NewExec(be, store, func(scope *model.Scope, in []*graph.Node) *graph.Node {
			g := in[0].Graph()
			store.SetTraining(g, true)
			loss := Loss(data.MultiClass, m.Build(NewBuilder(scope, true), Inputs{X: in[0]}, 10), in[1], nil)
			opt.UpdateGraph(scope, g, loss)
			return loss
		})
		if err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		if _, err := exec.Exec(bt.x, bt.y); err != nil {
			t.Fatalf("%s: %v", be.Name(), backend.ExplainFor(err, be))
		}
		first := time.Since(start)
		const steps = 5
		start = time.Now()
		var loss float32
		for range steps {
			out, err := exec.Exec(bt.x, bt.y)
			if err != nil {
				t.Fatalf("%s: %v", be.Name(), err)
			}
			loss = tensors.MustCopyFlatData[float32](out[0])[0]
		}
		t.Logf("%s: seed CNN train step (batch 32) %.1f ms (mean of %d; first step with compile %.0f ms; loss %.3f)",
			be.Name(), float64(time.Since(start).Microseconds())/1000/steps, steps, float64(first.Milliseconds()), loss)
	}
}
