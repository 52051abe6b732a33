// SPDX-License-Identifier: Apache-2.0

package models

import (
	"math/rand/v2"
	"testing"

	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/layers"
	"github.com/gomlx/gomlx/ml/layers/activation"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/ml/train/optimizer"
	"github.com/medgo-lab/medgo/mlkit/data"
)

// gomlxSeedCNN is SeedCNN written with GoMLX's own convolution and pooling layers, to compare
// training speed with the im2col version.
type gomlxSeedCNN struct{}

func (gomlxSeedCNN) Kind() string { return "gomlx-seed-cnn" }
func (gomlxSeedCNN) Build(b *Builder, in Inputs, outputs int) *graph.Node {
	x := in.X
	for i, f := range []int{32, 64} {
		x = layers.Convolution(b.Scope.In("conv_%d", i), x).Channels(f).KernelSize(3).NoPadding().Done()
		x = graph.MaxPool(activation.Relu(x)).Window(2).Done()
	}
	x = graph.Reshape(x, x.Shape().Dimensions[0], -1)
	x = activation.Relu(dense(b.Scope.In("dense"), x, 128))
	x = Dropout(b, x, 0.5)
	return dense(b.Scope.In("output"), x, outputs)
}

func benchTrainStep(bench *testing.B, m Model, task data.Task, outputs int, bt batch) {
	store := model.NewStore()
	opt := optimizer.Adam().LearningRate(1e-3).Done()
	exec, err := model.NewExec(testBackend(), store, func(scope *model.Scope, in []*graph.Node) *graph.Node {
		g := in[0].Graph()
		store.SetTraining(g, true)
		b := NewBuilder(scope, true)
		b.VocabSize = bt.vocab
		inputs := Inputs{X: in[0]}
		if len(in) > 2 {
			inputs.Mask = in[2]
		}
		loss := Loss(task, m.Build(b, inputs, outputs), in[1], nil)
		opt.UpdateGraph(scope, g, loss)
		return loss
	})
	if err != nil {
		bench.Fatal(err)
	}
	args := []any{bt.x, bt.y}
	if bt.mask != nil {
		args = append(args, bt.mask)
	}
	if _, err := exec.Exec(args...); err != nil { // Compile outside the timing.
		bench.Fatal(err)
	}
	bench.ResetTimer()
	for range bench.N {
		if _, err := exec.Exec(args...); err != nil {
			bench.Fatal(err)
		}
	}
}

func mnistLikeBatch(n int) batch {
	r := rand.New(rand.NewPCG(1, 1))
	x := make([]float32, n*28*28)
	for i := range x {
		x[i] = r.Float32()
	}
	y := make([]float32, n)
	for i := range y {
		y[i] = float32(i % 10)
	}
	return batch{x: tensors.FromFlatDataAndDimensions(x, n, 28, 28, 1), y: tensors.FromFlatDataAndDimensions(y, n, 1)}
}

// Training steps of the seed CNN on a batch of 64 MNIST-sized images.
func BenchmarkSeedCNNStep(b *testing.B) {
	benchTrainStep(b, SeedCNN(), data.MultiClass, 10, mnistLikeBatch(64))
}

func BenchmarkSeedCNNStepGoMLXLayers(b *testing.B) {
	benchTrainStep(b, gomlxSeedCNN{}, data.MultiClass, 10, mnistLikeBatch(64))
}

// Training steps of recurrent and attention models on 32 token sequences of length 60.
func BenchmarkLSTMStep(b *testing.B) {
	benchTrainStep(b, LSTM(64).Done(), data.MultiClass, 3, tokenBatch(32, 60, 8))
}

func BenchmarkBiGRUStep(b *testing.B) {
	benchTrainStep(b, GRU(64).Bidirectional().Done(), data.MultiClass, 3, tokenBatch(32, 60, 8))
}

func BenchmarkTransformerStep(b *testing.B) {
	benchTrainStep(b, Transformer().Done(), data.MultiClass, 3, tokenBatch(32, 60, 8))
}

func BenchmarkCNN1DStep(b *testing.B) {
	benchTrainStep(b, CNN1D().Done(), data.Binary, 1, signalBatch(32, 96, 1))
}
