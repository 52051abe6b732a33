// SPDX-License-Identifier: Apache-2.0

package models

import (
	"math"
	"math/rand"
	"testing"

	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
)

// The gradient of training-mode batch norm through the batch statistics, against the closed
// form dx = γ/σ · (dy − mean(dy) − x̂·mean(dy·x̂)) per channel over batch and space.
func TestBatchNormGradient(t *testing.T) {
	const n, h, w, c = 4, 3, 3, 2
	rng := rand.New(rand.NewSource(1))
	xs, rs := make([]float32, n*h*w*c), make([]float32, n*h*w*c)
	for i := range xs {
		xs[i] = float32(rng.NormFloat64()*2 + 1)
		rs[i] = float32(rng.NormFloat64())
	}
	store := newStore(t)
	exec, err := model.NewExec(testBackend(), store, func(scope *model.Scope, x, r *graph.Node) *graph.Node {
		y := batchNorm(NewBuilder(scope, true), scope.In("bn"), x, 0.9, 1e-3)
		return graph.Gradient(graph.ReduceAllSum(graph.Mul(y, r)), x)[0]
	})
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Exec(tensors.FromFlatDataAndDimensions(xs, n, h, w, c), tensors.FromFlatDataAndDimensions(rs, n, h, w, c))
	if err != nil {
		t.Fatal(err)
	}
	got := tensors.MustCopyFlatData[float32](out[0])
	m := float64(n * h * w)
	for ch := range c {
		var mean, sq float64
		for i := ch; i < len(xs); i += c {
			mean += float64(xs[i]) / m
		}
		for i := ch; i < len(xs); i += c {
			sq += (float64(xs[i]) - mean) * (float64(xs[i]) - mean) / m
		}
		sigma := math.Sqrt(sq + 1e-3)
		var meanDy, meanDyXhat float64
		for i := ch; i < len(xs); i += c {
			xhat := (float64(xs[i]) - mean) / sigma
			meanDy += float64(rs[i]) / m
			meanDyXhat += float64(rs[i]) * xhat / m
		}
		for i := ch; i < len(xs); i += c {
			xhat := (float64(xs[i]) - mean) / sigma
			want := (float64(rs[i]) - meanDy - xhat*meanDyXhat) / sigma
			if math.Abs(float64(got[i])-want) > 1e-4 {
				t.Fatalf("channel %d, element %d: gradient %v, want %v", ch, i, got[i], want)
			}
		}
	}
}
