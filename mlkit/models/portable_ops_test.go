// SPDX-License-Identifier: Apache-2.0

package models

import (
	"math"
	"testing"

	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/medgo-lab/medgo/mlkit/data"
)

// The loss avoids IsNaN and IsFinite so that it runs on backends without them (ONNX Runtime).
// These tests pin that the portable formulations give the same values and gradients as the
// GoMLX ops they replace, on the pure-Go backend, which has both.

// evalPair runs f on x and returns f(x) and d(sum f(x))/dx, flattened.
func evalPair(t *testing.T, x [][]float32, f func(x *graph.Node) *graph.Node) (val, grad []float32) {
	t.Helper()
	exec, err := graph.NewExec(goBackend(), func(x *graph.Node) []*graph.Node {
		y := f(x)
		return []*graph.Node{y, graph.Gradient(graph.ReduceAllSum(y), x)[0]}
	})
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Exec(x)
	if err != nil {
		t.Fatal(err)
	}
	return tensors.MustCopyFlatData[float32](out[0]), tensors.MustCopyFlatData[float32](out[1])
}

func sameFloats(t *testing.T, what string, got, want []float32, tol float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d values, want %d", what, len(got), len(want))
	}
	for i := range got {
		g, w := float64(got[i]), float64(want[i])
		if math.IsNaN(g) || math.IsInf(g, 0) || !closeTo(g, w, tol) {
			t.Errorf("%s[%d] = %v, want %v", what, i, g, w)
		}
	}
}

func TestStableSoftplusMatchesGraphSoftplus(t *testing.T) {
	x := [][]float32{
		{-1e4, -100, -30, -5, -1, -1e-3, 0},
		{1e-3, 0.5, 1, 5, 30, 100, 1e4},
	}
	newVal, newGrad := evalPair(t, x, stableSoftplus)
	oldVal, oldGrad := evalPair(t, x, graph.Softplus)
	// Identical op sequences for finite inputs: the results agree to the last bit or nearly.
	sameFloats(t, "softplus", newVal, oldVal, 1e-7)
	sameFloats(t, "softplus gradient", newGrad, oldGrad, 1e-7)
	// And both are the sigmoid, as the derivative of softplus should be.
	for i, v := range append(x[0], x[1]...) {
		if want := sigmoid(float64(v)); !closeTo(float64(newGrad[i]), want, 1e-6) {
			t.Errorf("softplus'(%v) = %v, want %v", v, newGrad[i], want)
		}
	}
}

func TestIsPresentMatchesNotIsNaN(t *testing.T) {
	nan := float32(math.NaN())
	inf := float32(math.Inf(1))
	x := [][]float32{{0, nan, 1, -inf}, {nan, inf, -2, nan}}
	exec, err := graph.NewExec(goBackend(), func(x *graph.Node) []*graph.Node {
		return []*graph.Node{isPresent(x), graph.LogicalNot(graph.IsNaN(x))}
	})
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Exec(x)
	if err != nil {
		t.Fatal(err)
	}
	got, want := tensors.MustCopyFlatData[bool](out[0]), tensors.MustCopyFlatData[bool](out[1])
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("present[%d] = %v, want %v", i, got[i], want[i])
		}
	}
}

// oldMaskedLoss is Loss for MultiLabel/Regression as written with graph.IsNaN, the reference.
func oldMaskedLoss(task data.Task, outputs, labels *graph.Node) *graph.Node {
	present := graph.LogicalNot(graph.IsNaN(labels))
	clean := graph.Where(present, labels, graph.ZerosLike(labels))
	var per *graph.Node
	if task == data.MultiLabel {
		per = sigmoidCrossEntropy(outputs, clean)
	} else {
		per = graph.Square(graph.Sub(outputs, clean))
	}
	per = graph.Where(present, per, graph.ZerosLike(per))
	count := graph.ReduceAllSum(graph.ConvertDType(present, dtypes.Float32))
	return graph.Div(graph.ReduceAllSum(per), graph.MaxScalar(count, 1))
}

// oldOrdinalLoss is Loss for Ordinal as written with graph.Softplus, the reference.
func oldOrdinalLoss(outputs, labels *graph.Node) *graph.Node {
	k := outputs.Shape().Dimensions[1]
	cols := make([]*graph.Node, k)
	for i := range k {
		o := graph.SliceAxis(outputs, 1, graph.AxisRange(i, i+1))
		if i == 0 {
			cols[i] = o
		} else {
			cols[i] = graph.Sub(cols[i-1], graph.Softplus(o))
		}
	}
	logits := graph.Concatenate(cols, 1)
	above := graph.ConvertDType(graph.GreaterThan(labels, graph.Iota(outputs.Graph(), logits.Shape(), 1)), dtypes.Float32)
	return graph.ReduceAllMean(graph.ReduceAndKeep(sigmoidCrossEntropy(logits, above), graph.ReduceSum, -1))
}

func TestPortableLossMatchesOld(t *testing.T) {
	nan := float32(math.NaN())
	cases := []struct {
		name            string
		task            data.Task
		outputs, labels [][]float32
		old             func(o, y *graph.Node) *graph.Node
	}{
		{"multi-label, NaN masked, large logits", data.MultiLabel,
			[][]float32{{1, -1, 80}, {0.5, 2, -90}, {-40, 0, 3}}, [][]float32{{1, nan, 0}, {0, 1, nan}, {nan, nan, 1}},
			func(o, y *graph.Node) *graph.Node { return oldMaskedLoss(data.MultiLabel, o, y) }},
		{"regression, NaN masked", data.Regression,
			[][]float32{{1, 2}, {3, 4}, {-5, 6}}, [][]float32{{1.5, nan}, {2, 4}, {nan, nan}},
			func(o, y *graph.Node) *graph.Node { return oldMaskedLoss(data.Regression, o, y) }},
		{"ordinal, large |x|", data.Ordinal,
			[][]float32{{0.5, -1, 2}, {30, 60, -70}, {-50, -100, 100}, {0, 0, 0}}, [][]float32{{2}, {3}, {0}, {1}},
			oldOrdinalLoss},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			exec, err := graph.NewExec(goBackend(), func(o, y *graph.Node) []*graph.Node {
				l, ref := Loss(c.task, o, y, nil), c.old(o, y)
				return []*graph.Node{l, graph.Gradient(l, o)[0], ref, graph.Gradient(ref, o)[0]}
			})
			if err != nil {
				t.Fatal(err)
			}
			out, err := exec.Exec(c.outputs, c.labels)
			if err != nil {
				t.Fatal(err)
			}
			f := func(i int) []float32 { return tensors.MustCopyFlatData[float32](out[i]) }
			sameFloats(t, "loss", f(0), f(2), 1e-7)
			sameFloats(t, "gradient", f(1), f(3), 1e-7)
			if c.task != data.Ordinal {
				for i, y := range append(append(c.labels[0], c.labels[1]...), c.labels[2]...) {
					if math.IsNaN(float64(y)) && f(1)[i] != 0 {
						t.Errorf("masked label %d got gradient %v, want 0", i, f(1)[i])
					}
				}
			}
		})
	}
}
