// SPDX-License-Identifier: Apache-2.0

package models

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
)

// TestSoftmaxForTrainingMatchesSoftmax checks that the attention softmax used while training
// gives graph.Softmax's values and gradient, with a masked key (-1e9) as in the encoder.
func TestSoftmaxForTrainingMatchesSoftmax(t *testing.T) {
	const rows, keys = 6, 5
	rng := rand.New(rand.NewPCG(3, 4))
	scores, weights := make([]float32, rows*keys), make([]float32, rows*keys)
	for i := range scores {
		scores[i] = float32(rng.NormFloat64() * 2)
		if i%keys == keys-1 {
			scores[i] -= 1e9 // a padded key
		}
		weights[i] = float32(rng.NormFloat64())
	}
	run := func(softmax func(*graph.Node) *graph.Node) (values, grad []float32) {
		exec, err := model.NewExec(testBackend(), newStore(t), func(scope *model.Scope, x, r *graph.Node) []*graph.Node {
			w := softmax(x)
			loss := graph.ReduceAllSum(graph.Mul(w, r))
			return []*graph.Node{w, graph.Gradient(loss, x)[0]}
		})
		if err != nil {
			t.Fatal(err)
		}
		out, err := exec.Exec(tensors.FromFlatDataAndDimensions(scores, rows, keys), tensors.FromFlatDataAndDimensions(weights, rows, keys))
		if err != nil {
			t.Fatal(err)
		}
		return tensors.MustCopyFlatData[float32](out[0]), tensors.MustCopyFlatData[float32](out[1])
	}
	wantV, wantG := run(func(x *graph.Node) *graph.Node { return graph.Softmax(x, -1) })
	gotV, gotG := run(softmaxForTraining)
	for i := range wantV {
		if math.Abs(float64(gotV[i]-wantV[i])) > 1e-6 {
			t.Errorf("value[%d] = %v, want %v", i, gotV[i], wantV[i])
		}
		if math.Abs(float64(gotG[i]-wantG[i])) > 1e-5 {
			t.Errorf("gradient[%d] = %v, want %v", i, gotG[i], wantG[i])
		}
	}
	if wantG[keys-1] != 0 || gotG[keys-1] != 0 {
		t.Errorf("the masked key got gradient %v (graph.Softmax: %v), want 0", gotG[keys-1], wantG[keys-1])
	}
}
