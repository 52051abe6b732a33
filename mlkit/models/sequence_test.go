// SPDX-License-Identifier: Apache-2.0

package models

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/medgo-lab/medgo/mlkit/data"
)

func TestSequenceModelsTrain(t *testing.T) {
	cases := []struct {
		name  string
		model Model
		bt    batch
		lr    float64
	}{
		{"lstm tokens", LSTM(16).Done(), tokenBatch(16, 8, 6), 0.02},
		{"gru bidirectional mean", GRU(12).Bidirectional().Pooling("mean").Done(), tokenBatch(16, 8, 6), 0.02},
		{"lstm 2 layers dropout", LSTM(8).Layers(2).Dropout(0.1).Dense(8).Done(), tokenBatch(16, 8, 6), 0.02},
		{"gru signals", GRU(8).Done(), signalBatch(16, 12, 2), 0.02},
		{"transformer tokens", Transformer().Dim(16).Heads(2).Blocks(1).Done(), tokenBatch(16, 8, 6), 0.02},
		// Post-norm transformers need a smaller learning rate.
		{"transformer cls learned post-norm", Transformer().Dim(16).Heads(4).Blocks(2).Pooling("cls").Positions("learned").PostNorm().Dropout(0).Done(), tokenBatch(16, 8, 6), 0.005},
		{"transformer signals", Transformer().Dim(8).Heads(2).Blocks(1).Done(), signalBatch(16, 12, 2), 0.02},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			losses := fit(t, newStore(t), c.model, data.Binary, 1, c.bt, 40, c.lr)
			assertDecreases(t, c.name, losses, 0.7)
		})
	}
}

// TestMaskedEqualsUnpadded checks that a padded batch with its mask gives, for each example,
// the output of that example alone without padding.
func TestMaskedEqualsUnpadded(t *testing.T) {
	const vocab, padded = 7, 8
	lengths := []int{5, 3, 8}
	r := rand.New(rand.NewPCG(11, 12))
	tokens := make([][]float32, len(lengths))
	for i, n := range lengths {
		for range n {
			tokens[i] = append(tokens[i], float32(2+r.IntN(vocab-2)))
		}
	}
	signals := make([][]float32, len(lengths)) // 2 channels
	for i, n := range lengths {
		for range 2 * n {
			signals[i] = append(signals[i], r.Float32()*2-1)
		}
	}
	cases := []struct {
		name   string
		model  Model
		tokens bool
	}{
		{"lstm last", LSTM(6).Done(), true},
		{"gru bidirectional mean", GRU(5).Bidirectional().Pooling("mean").Done(), true},
		{"lstm 2 layers bidirectional", LSTM(4).Layers(2).Bidirectional().Done(), true},
		{"gru signals bidirectional", GRU(4).Bidirectional().Done(), false},
		{"transformer mean sinusoidal", Transformer().Dim(8).Heads(2).Blocks(2).Done(), true},
		{"transformer cls learned post-norm", Transformer().Dim(8).Heads(2).Blocks(1).Pooling("cls").Positions("learned").MaxLength(padded).PostNorm().Done(), true},
		{"transformer signals", Transformer().Dim(8).Heads(4).Blocks(1).Done(), false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			store := newStore(t)
			channels, vocabSize, rows := 2, 0, signals
			if c.tokens {
				channels, vocabSize, rows = 1, vocab, tokens
			}
			const outputs = 3
			x := make([]float32, len(lengths)*padded*channels)
			mask := make([]float32, len(lengths)*padded)
			for i, row := range rows {
				copy(x[i*padded*channels:], row)
				for p := range lengths[i] {
					mask[i*padded+p] = 1
				}
			}
			dims := []int{len(lengths), padded, channels}
			if c.tokens {
				dims = dims[:2]
			}
			all := forward(t, store, c.model, vocabSize, outputs,
				tensors.FromFlatDataAndDimensions(x, dims...), tensors.FromFlatDataAndDimensions(mask, len(lengths), padded))
			for i, row := range rows {
				single := []int{1, lengths[i], channels}
				if c.tokens {
					single = single[:2]
				}
				alone := forward(t, store, c.model, vocabSize, outputs, tensors.FromFlatDataAndDimensions(row, single...), nil)
				for k := range outputs {
					if got := all[i*outputs+k]; !closeTo(float64(got), float64(alone[k]), 1e-5) {
						t.Errorf("example %d (length %d of %d), output %d: padded %v, alone %v", i, lengths[i], padded, k, got, alone[k])
					}
				}
			}
		})
	}
}

// gradientGraphSize builds m for [2, steps] tokens with its loss and the gradients of every
// trainable variable, and returns the number of graph nodes and the total number of values
// they hold.
func gradientGraphSize(t *testing.T, m Model, steps int) (nodes, values int) {
	t.Helper()
	g := graph.NewGraph(testBackend(), "size")
	defer g.Finalize()
	store := model.NewStore()
	b := NewBuilder(store.RootScope(), true)
	b.VocabSize = 6
	x := graph.Parameter(g, "x", shapes.Make(dtypes.Float32, 2, steps))
	mask := graph.Parameter(g, "mask", shapes.Make(dtypes.Float32, 2, steps))
	y := graph.Parameter(g, "y", shapes.Make(dtypes.Float32, 2, 1))
	out, err := TryBuild(m, b, Inputs{X: x, Mask: mask}, 1)
	if err != nil {
		t.Fatal(err)
	}
	loss := Loss(data.Binary, out, y, nil)
	if grads := store.RootScope().BuildTrainableVariablesGradientsGraph(loss); len(grads) == 0 {
		t.Fatal("no gradients")
	}
	for _, n := range g.Nodes() {
		nodes++
		if n.NumOutputs() == 1 {
			values += n.Shape().Size()
		}
	}
	return nodes, values
}

// TestRecurrentGradientIsLinear checks that the training graph of the recurrent models grows
// linearly with the sequence length, in nodes and in the values they hold: going from 10 to 40
// steps must multiply both by about 4 (an O(T²) backward pass would multiply the values by 16).
func TestRecurrentGradientIsLinear(t *testing.T) {
	for _, m := range []Model{
		LSTM(16).Done(),
		GRU(16).Bidirectional().Pooling("mean").Done(),
		LSTM(8).Layers(2).Done(),
	} {
		t.Run(fmt.Sprintf("%s %+v", m.Kind(), m), func(t *testing.T) {
			n10, v10 := gradientGraphSize(t, m, 10)
			n40, v40 := gradientGraphSize(t, m, 40)
			rn, rv := float64(n40)/float64(n10), float64(v40)/float64(v10)
			t.Logf("T=10: %d nodes, %d values; T=40: %d nodes, %d values; ratios %.2f, %.2f", n10, v10, n40, v40, rn, rv)
			if rn > 4.5 || rv > 4.5 {
				t.Errorf("the gradient graph grows faster than linearly: ×%.2f nodes, ×%.2f values for ×4 steps", rn, rv)
			}
		})
	}
}

func TestAttentionRecorded(t *testing.T) {
	g := graph.NewGraph(testBackend(), "attention")
	defer g.Finalize()
	store := model.NewStore()
	b := NewBuilder(store.RootScope(), false)
	b.VocabSize = 6
	x := graph.Parameter(g, "x", shapes.Make(dtypes.Float32, 2, 5))
	m := Transformer().Dim(8).Heads(2).Blocks(3).Pooling("cls").Done()
	if _, err := TryBuild(m, b, Inputs{X: x}, 2); err != nil {
		t.Fatal(err)
	}
	att := b.Attention()
	if len(att) != 3 {
		t.Fatalf("%d attention maps recorded, want one per block (3)", len(att))
	}
	for i, a := range att {
		if got := fmt.Sprint(a.Shape().Dimensions); got != "[2 2 6 6]" {
			t.Errorf("block %d attention shape %s, want [2 2 6 6] (batch, heads, query, key with the cls token)", i, got)
		}
	}
}

func TestAttentionIgnoresPadding(t *testing.T) {
	store := newStore(t)
	m := Transformer().Dim(8).Heads(2).Blocks(1).Done()
	exec, err := model.NewExec(testBackend(), store, func(scope *model.Scope, x, mask *graph.Node) (*graph.Node, *graph.Node) {
		b := NewBuilder(scope, false)
		b.VocabSize = 6
		out := m.Build(b, Inputs{X: x, Mask: mask}, 1)
		// The output is fetched too: the pure-Go backend fails on graphs with variables that
		// reach no output.
		return b.Attention()[0], out
	})
	if err != nil {
		t.Fatal(err)
	}
	x := [][]float32{{2, 3, 4, 0}, {5, 2, 0, 0}}
	mask := [][]float32{{1, 1, 1, 0}, {1, 1, 0, 0}}
	out, err := exec.Exec(x, mask)
	if err != nil {
		t.Fatal(err)
	}
	w := tensors.MustCopyFlatData[float32](out[0]) // [2, 2, 4, 4]
	for bi := range 2 {
		for h := range 2 {
			for q := range 4 {
				sum := float32(0)
				for k := range 4 {
					v := w[((bi*2+h)*4+q)*4+k]
					sum += v
					if mask[bi][k] == 0 && v != 0 {
						t.Errorf("example %d head %d query %d gives padded key %d weight %v", bi, h, q, k, v)
					}
				}
				if !closeTo(float64(sum), 1, 1e-5) {
					t.Errorf("example %d head %d query %d: weights sum to %v", bi, h, q, sum)
				}
			}
		}
	}
}
