// SPDX-License-Identifier: Apache-2.0

package models

import (
	"math"
	"testing"

	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/medgo-lab/medgo/mlkit/data"
)

func softplus(x float64) float64 { return math.Log1p(math.Exp(-math.Abs(x))) + math.Max(x, 0) }
func sigmoid(x float64) float64  { return 1 / (1 + math.Exp(-x)) }

// bce is the binary cross-entropy of logit z with target y.
func bce(z, y float64) float64 { return y*softplus(-z) + (1-y)*softplus(z) }

// runLoss evaluates Loss (and its gradient with respect to the outputs) on the pure-Go backend.
func runLoss(t *testing.T, task data.Task, outputs, labels [][]float32, weights []float32) (loss float64, grad []float32) {
	t.Helper()
	fn := func(o, y *graph.Node) []*graph.Node {
		l := Loss(task, o, y, nil)
		return []*graph.Node{l, graph.Gradient(l, o)[0]}
	}
	var out []*tensors.Tensor
	var err error
	if weights == nil {
		exec, e := graph.NewExec(testBackend(), fn)
		if e != nil {
			t.Fatal(e)
		}
		out, err = exec.Exec(outputs, labels)
	} else {
		exec, e := graph.NewExec(testBackend(), func(o, y, w *graph.Node) []*graph.Node {
			l := Loss(task, o, y, w)
			return []*graph.Node{l, graph.Gradient(l, o)[0]}
		})
		if e != nil {
			t.Fatal(e)
		}
		out, err = exec.Exec(outputs, labels, weights)
	}
	if err != nil {
		t.Fatal(err)
	}
	return float64(tensors.MustCopyFlatData[float32](out[0])[0]), tensors.MustCopyFlatData[float32](out[1])
}

func TestLoss(t *testing.T) {
	nan := float32(math.NaN())
	ordinal := func(o []float64) []float64 { // logits of P(class > k)
		z := []float64{o[0]}
		for _, v := range o[1:] {
			z = append(z, z[len(z)-1]-softplus(v))
		}
		return z
	}
	oz := ordinal([]float64{0.5, -1, 2})
	cases := []struct {
		name    string
		task    data.Task
		outputs [][]float32
		labels  [][]float32
		weights []float32
		want    float64
	}{
		{"binary", data.Binary, [][]float32{{2}, {-1}, {0}, {3}}, [][]float32{{1}, {0}, {1}, {0}}, nil,
			(bce(2, 1) + bce(-1, 0) + bce(0, 1) + bce(3, 0)) / 4},
		{"binary weighted", data.Binary, [][]float32{{2}, {-1}, {0}, {3}}, [][]float32{{1}, {0}, {1}, {0}}, []float32{1, 2, 0.5, 1},
			(bce(2, 1) + 2*bce(-1, 0) + 0.5*bce(0, 1) + bce(3, 0)) / 4},
		{"binary extreme logits stay finite", data.Binary, [][]float32{{100}, {-100}}, [][]float32{{0}, {1}}, nil, 100},
		{"multi-class", data.MultiClass, [][]float32{{1, 2, 3}, {0, 0, 0}}, [][]float32{{2}, {0}}, nil,
			((math.Log(math.Exp(1)+math.Exp(2)+math.Exp(3)) - 3) + math.Log(3)) / 2},
		{"multi-label with missing labels", data.MultiLabel, [][]float32{{1, -1}, {0.5, 2}}, [][]float32{{1, nan}, {0, 1}}, nil,
			(bce(1, 1) + bce(0.5, 0) + bce(2, 1)) / 3},
		{"multi-label weighted", data.MultiLabel, [][]float32{{1, -1}, {0.5, 2}}, [][]float32{{1, nan}, {0, 1}}, []float32{2, 1},
			(2*bce(1, 1) + bce(0.5, 0) + bce(2, 1)) / 3},
		{"regression with missing targets", data.Regression, [][]float32{{1, 2}, {3, 4}}, [][]float32{{1.5, nan}, {2, 4}}, nil,
			(0.25 + 1 + 0) / 3},
		{"ordinal", data.Ordinal, [][]float32{{0.5, -1, 2}}, [][]float32{{2}}, nil,
			bce(oz[0], 1) + bce(oz[1], 1) + bce(oz[2], 0)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, grad := runLoss(t, c.task, c.outputs, c.labels, c.weights)
			if !closeTo(got, c.want, 1e-5) {
				t.Errorf("loss %v, want %v", got, c.want)
			}
			for i, g := range grad {
				if math.IsNaN(float64(g)) || math.IsInf(float64(g), 0) {
					t.Fatalf("gradient [%d] is %v", i, g)
				}
			}
			if c.task == data.MultiLabel && grad[1] != 0 {
				t.Errorf("the missing label's output got gradient %v, want 0", grad[1])
			}
		})
	}
}

func TestLossRejectsBadShapes(t *testing.T) {
	cases := []struct {
		name            string
		task            data.Task
		outputs, labels [][]float32
	}{
		{"binary with 2 outputs", data.Binary, [][]float32{{1, 2}}, [][]float32{{1}}},
		{"multi-label column mismatch", data.MultiLabel, [][]float32{{1, 2}}, [][]float32{{1, 0, 1}}},
		{"multi-class with one-hot labels", data.MultiClass, [][]float32{{1, 2, 3}}, [][]float32{{0, 0, 1}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			exec, err := graph.NewExec(testBackend(), func(o, y *graph.Node) *graph.Node { return Loss(c.task, o, y, nil) })
			if err != nil {
				t.Fatal(err)
			}
			if _, err := exec.Exec(c.outputs, c.labels); err == nil {
				t.Error("no error for mismatched shapes")
			}
		})
	}
}

func TestPredict(t *testing.T) {
	run := func(task data.Task, outputs [][]float32) [][]float32 {
		exec, err := graph.NewExec(testBackend(), func(o *graph.Node) *graph.Node { return Predict(task, o) })
		if err != nil {
			t.Fatal(err)
		}
		out, err := exec.Exec(outputs)
		if err != nil {
			t.Fatal(err)
		}
		return out[0].Value().([][]float32)
	}
	// Binary: P(class 1) in column 1.
	p := run(data.Binary, [][]float32{{0}, {2}})
	if !closeTo(float64(p[1][1]), sigmoid(2), 1e-6) || !closeTo(float64(p[1][0]), 1-sigmoid(2), 1e-6) || p[0][0] != 0.5 {
		t.Errorf("binary predictions %v", p)
	}
	// Multi-class: softmax.
	p = run(data.MultiClass, [][]float32{{0, math.Ln2}})
	if !closeTo(float64(p[0][0]), 1.0/3, 1e-6) || !closeTo(float64(p[0][1]), 2.0/3, 1e-6) {
		t.Errorf("multi-class predictions %v", p)
	}
	// Ordinal: class probabilities from the cumulative logits, non-negative and summing to 1,
	// even when the raw outputs would give increasing thresholds.
	for _, o := range [][]float32{{0.5, -1, 2}, {-3, 5, -5}, {4, 4, 4}} {
		p = run(data.Ordinal, [][]float32{o})
		if len(p[0]) != 4 {
			t.Fatalf("ordinal predictions for 3 outputs have %d classes, want 4", len(p[0]))
		}
		z0 := float64(o[0])
		z1 := z0 - softplus(float64(o[1]))
		z2 := z1 - softplus(float64(o[2]))
		want := []float64{1 - sigmoid(z0), sigmoid(z0) - sigmoid(z1), sigmoid(z1) - sigmoid(z2), sigmoid(z2)}
		sum := 0.0
		for k := range 4 {
			sum += float64(p[0][k])
			if p[0][k] < 0 || !closeTo(float64(p[0][k]), want[k], 1e-5) {
				t.Errorf("ordinal outputs %v: class %d probability %v, want %v", o, k, p[0][k], want[k])
			}
		}
		if !closeTo(sum, 1, 1e-5) {
			t.Errorf("ordinal outputs %v: probabilities sum to %v", o, sum)
		}
	}
	// Multi-label: sigmoid per label. Regression: unchanged.
	if p = run(data.MultiLabel, [][]float32{{0, 1}}); !closeTo(float64(p[0][1]), sigmoid(1), 1e-6) || p[0][0] != 0.5 {
		t.Errorf("multi-label predictions %v", p)
	}
	if p = run(data.Regression, [][]float32{{-1.5, 7}}); p[0][0] != -1.5 || p[0][1] != 7 {
		t.Errorf("regression predictions %v", p)
	}
}

func TestOutputsFor(t *testing.T) {
	cases := []struct {
		task             data.Task
		classes, targets int
		want             int
	}{
		{data.Binary, 2, 1, 1},
		{data.MultiClass, 10, 1, 10},
		{data.Ordinal, 5, 1, 4},
		{data.MultiLabel, 0, 12, 12},
		{data.Regression, 0, 1, 1},
		{data.Regression, 0, 3, 3},
	}
	for _, c := range cases {
		if got := OutputsFor(c.task, c.classes, c.targets); got != c.want {
			t.Errorf("OutputsFor(%v, %d, %d) = %d, want %d", c.task, c.classes, c.targets, got, c.want)
		}
	}
}

func TestTasksTrain(t *testing.T) {
	// A 4-class ordinal and a 3-target regression on the same tabular inputs.
	const n = 32
	x := make([]float32, n*4)
	yOrd := make([]float32, n)
	yReg := make([]float32, n*3)
	for i := range n {
		for j := range 4 {
			x[i*4+j] = float32((i*7+j*3)%11)/5 - 1
		}
		s := x[i*4] + x[i*4+1]
		switch {
		case s < -0.6:
			yOrd[i] = 0
		case s < 0:
			yOrd[i] = 1
		case s < 0.6:
			yOrd[i] = 2
		default:
			yOrd[i] = 3
		}
		yReg[i*3], yReg[i*3+1], yReg[i*3+2] = s, x[i*4+2], float32(math.NaN())
	}
	xt := tensors.FromFlatDataAndDimensions(x, n, 4)
	ord := fit(t, newStore(t), MLP(16).Done(), data.Ordinal, OutputsFor(data.Ordinal, 4, 1), batch{x: xt, y: tensors.FromFlatDataAndDimensions(yOrd, n, 1)}, 60, 0.02)
	assertDecreases(t, "ordinal", ord, 0.6)
	reg := fit(t, newStore(t), MLP(16).Done(), data.Regression, 3, batch{x: xt, y: tensors.FromFlatDataAndDimensions(yReg, n, 3)}, 60, 0.02)
	assertDecreases(t, "regression with a missing target", reg, 0.5)
}
