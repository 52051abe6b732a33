// SPDX-License-Identifier: Apache-2.0

package models

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/gomlx/compute/shapes"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/layers"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/ml/model/initializer"
	"github.com/medgo-lab/medgo/mlkit/data"
)

func TestSeedCNNParams(t *testing.T) {
	st, err := Summary(SeedCNN(), []int{28, 28, 1}, 0, 10)
	if err != nil {
		t.Fatal(err)
	}
	if st.Trainable != 225034 || st.NonTrainable != 0 {
		t.Errorf("SeedCNN: %d trainable and %d other parameters; Keras has 225,034 and 0", st.Trainable, st.NonTrainable)
	}
	want := []struct {
		prefix string
		shape  []int
		params int
	}{
		{"conv2d_0", []int{1, 26, 26, 32}, 320},
		{"max_pool_0", []int{1, 13, 13, 32}, 0},
		{"conv2d_1", []int{1, 11, 11, 64}, 18496},
		{"max_pool_1", []int{1, 5, 5, 64}, 0},
		{"flatten", []int{1, 1600}, 0},
		{"dense_0", []int{1, 128}, 204928},
		{"dropout", []int{1, 128}, 0},
		{"output", []int{1, 10}, 1290},
	}
	if len(st.Layers) != len(want) {
		t.Fatalf("SeedCNN has %d layers, want %d:\n%s", len(st.Layers), len(want), st)
	}
	for i, w := range want {
		l := st.Layers[i]
		if !strings.HasPrefix(l.Name, w.prefix) || fmt.Sprint(l.Output) != fmt.Sprint(w.shape) || l.Params != w.params {
			t.Errorf("layer %d: got %s %v %d, want %s %v %d", i, l.Name, l.Output, l.Params, w.prefix, w.shape, w.params)
		}
	}
	if s := st.String(); !strings.Contains(s, "Total params: 225,034") || !strings.Contains(s, "(None, 1600)") {
		t.Errorf("summary text lacks the totals or shapes:\n%s", s)
	}
	if h := st.HTML(); !strings.Contains(h, "<table") || !strings.Contains(h, "225,034") {
		t.Errorf("summary HTML lacks the table or totals:\n%s", h)
	}
}

// TestConvMatchesGoMLX checks the im2col convolution against GoMLX's layers.Convolution with
// the same weights: outputs and kernel gradients always, input gradients at stride 1. (At larger
// strides GoMLX's input gradient disagrees with finite differences on the pure-Go backend, so
// there the input gradient is checked against a central difference along a random direction.)
func TestConvMatchesGoMLX(t *testing.T) {
	cases := []struct {
		name         string
		input        []int
		kernel, strd int
		same         bool
		gomlxOutput  bool // GoMLX pads like Keras (it does not for "same" at stride > 1)
		gomlxInGrad  bool // GoMLX's input gradient is right (stride 1, even padding)
	}{
		{"2d 3x3 valid", []int{2, 7, 6, 3}, 3, 1, false, true, true},
		{"2d 3x3 same", []int{2, 7, 6, 3}, 3, 1, true, true, true},
		{"2d 2x2 stride 2 valid", []int{2, 7, 6, 3}, 2, 2, false, true, false},
		{"2d 3x3 stride 2 same", []int{1, 7, 6, 2}, 3, 2, true, false, false},
		{"2d 4x4 same (uneven padding)", []int{1, 6, 6, 2}, 4, 1, true, true, false},
		{"1d 5 same", []int{2, 11, 2}, 5, 1, true, true, true},
		{"1d 3 stride 2 valid", []int{2, 11, 2}, 3, 2, false, true, false},
	}
	r := rand.New(rand.NewPCG(9, 9))
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			size := 1
			for _, d := range c.input {
				size *= d
			}
			xs, dir := make([]float64, size), make([]float64, size)
			for i := range xs {
				xs[i], dir[i] = r.Float64()*2-1, r.Float64()*2-1
			}
			store := newStore(t)
			const filters = 4
			// GoMLX's Convolve is the reference: on the pure-Go backend, since ONNX Runtime lacks its
			// strided gradient (TestONNXMatchesPureGo checks mlkit's convolutions there).
			exec, err := model.NewExec(goBackend(), store, func(scope *model.Scope, x *graph.Node) []*graph.Node {
				scope = scope.WithInitializer(initializer.RandomUniformFn(scope, -1, 1))
				nsp := x.Rank() - 2
				conv := layers.Convolution(scope.In("layer"), x).Channels(filters).KernelSize(c.kernel).Strides(c.strd)
				if c.same {
					conv = conv.PadSame()
				}
				ref := conv.Done()
				kernel, strides := make([]int, nsp), make([]int, nsp)
				for i := range kernel {
					kernel[i], strides[i] = c.kernel, c.strd
				}
				// Same scope path, so the same variables.
				mine := convIm2col(scope.Shared("layer").At("conv"), x, filters, kernel, strides, c.same)
				w := store.GetVariable("/layer/conv/weights").NodeValue(x.Graph())
				lossRef := graph.ReduceAllSum(graph.Mul(ref, ref))
				lossMine := graph.ReduceAllSum(graph.Mul(mine, mine))
				gRef := graph.Gradient(lossRef, x, w)
				gMine := graph.Gradient(lossMine, x, w)
				return []*graph.Node{ref, mine, gRef[1], gMine[1], gRef[0], gMine[0], lossMine}
			})
			if err != nil {
				t.Fatal(err)
			}
			run := func(xs []float64) []*tensors.Tensor {
				out, err := exec.Exec(tensors.FromFlatDataAndDimensions(xs, c.input...))
				if err != nil {
					t.Fatal(err)
				}
				return out
			}
			out := run(xs)
			if !out[0].Shape().Equal(out[1].Shape()) {
				t.Fatalf("shapes differ: GoMLX %s, im2col %s", out[0].Shape(), out[1].Shape())
			}
			for k, what := range []string{"output", "kernel gradient", "input gradient"} {
				if !c.gomlxOutput || k == 2 && !c.gomlxInGrad {
					continue
				}
				a := tensors.MustCopyFlatData[float64](out[2*k])
				b := tensors.MustCopyFlatData[float64](out[2*k+1])
				for i := range a {
					if !closeTo(b[i], a[i], 1e-9) {
						t.Fatalf("%s [%d]: im2col %v, GoMLX %v", what, i, b[i], a[i])
					}
				}
			}
			// Output against a direct convolution with Keras' padding.
			weights := tensors.MustCopyFlatData[float64](store.GetVariable("/layer/conv/weights").MustValue())
			biases := tensors.MustCopyFlatData[float64](store.GetVariable("/layer/conv/biases").MustValue())
			want := directConv(xs, c.input, weights, biases, filters, c.kernel, c.strd, c.same)
			got := tensors.MustCopyFlatData[float64](out[1])
			if len(got) != len(want) {
				t.Fatalf("im2col gives %d values, direct convolution %d", len(got), len(want))
			}
			for i := range want {
				if !closeTo(got[i], want[i], 1e-9) {
					t.Fatalf("output [%d]: im2col %v, direct convolution %v", i, got[i], want[i])
				}
			}
			// Directional derivative of the im2col loss against a central difference.
			grad := tensors.MustCopyFlatData[float64](out[5])
			const eps = 1e-5
			plus, minus := make([]float64, size), make([]float64, size)
			analytic := 0.0
			for i := range xs {
				plus[i], minus[i] = xs[i]+eps*dir[i], xs[i]-eps*dir[i]
				analytic += grad[i] * dir[i]
			}
			lp := tensors.MustCopyFlatData[float64](run(plus)[6])[0]
			lm := tensors.MustCopyFlatData[float64](run(minus)[6])[0]
			if numeric := (lp - lm) / (2 * eps); !closeTo(analytic, numeric, 1e-6) {
				t.Errorf("input gradient along a random direction: %v, finite difference %v", analytic, numeric)
			}
		})
	}
}

// directConv is a plain-loop channels-last convolution (1 or 2 spatial axes) with Keras'
// "same" padding, for reference.
func directConv(x []float64, dims []int, w, bias []float64, filters, k, stride int, same bool) []float64 {
	spatial := dims[1 : len(dims)-1]
	if len(spatial) == 1 {
		spatial = []int{1, spatial[0]}
	}
	kh := k
	if len(dims) == 3 {
		kh = 1
	}
	batch, h, wd, cin := dims[0], spatial[0], spatial[1], dims[len(dims)-1]
	padT, padL, oh, ow := 0, 0, (h-kh)/stride+1, (wd-k)/stride+1
	if same {
		oh, ow = (h+stride-1)/stride, (wd+stride-1)/stride
		padT, _ = samePadding(h, kh, stride)
		padL, _ = samePadding(wd, k, stride)
	}
	var out []float64
	for b := range batch {
		for i := range oh {
			for j := range ow {
				for f := range filters {
					s := bias[f]
					for di := range kh {
						for dj := range k {
							r, c := i*stride+di-padT, j*stride+dj-padL
							if r < 0 || r >= h || c < 0 || c >= wd {
								continue
							}
							for ch := range cin {
								s += x[((b*h+r)*wd+c)*cin+ch] * w[((di*k+dj)*cin+ch)*filters+f]
							}
						}
					}
					out = append(out, s)
				}
			}
		}
	}
	return out
}

func TestMaxPoolGradient(t *testing.T) {
	// x [1, 5, 4, 2] with distinct values; a 2×2 pool keeps rows 0-3 (row 4 is dropped).
	const h, w, c = 5, 4, 2
	xs := make([]float32, h*w*c)
	perm := rand.New(rand.NewPCG(1, 1)).Perm(len(xs))
	for i, p := range perm {
		xs[i] = float32(p)
	}
	store := newStore(t)
	exec, err := model.NewExec(testBackend(), store, func(scope *model.Scope, x *graph.Node) []*graph.Node {
		y := maxPool(x, 2)
		// Weight each output by a distinct factor to see where each gradient lands.
		wts := graph.Add(graph.IotaFull(x.Graph(), shapes.Make(y.DType(), y.Shape().Dimensions...)), graph.ScalarOne(x.Graph(), y.DType()))
		loss := graph.ReduceAllSum(graph.Mul(y, wts))
		return []*graph.Node{y, graph.Gradient(loss, x)[0]}
	})
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Exec(tensors.FromFlatDataAndDimensions(xs, 1, h, w, c))
	if err != nil {
		t.Fatal(err)
	}
	if got := out[0].Shape().Dimensions; fmt.Sprint(got) != "[1 2 2 2]" {
		t.Fatalf("pooled shape %v, want [1 2 2 2]", got)
	}
	pooled := tensors.MustCopyFlatData[float32](out[0])
	grad := tensors.MustCopyFlatData[float32](out[1])
	wantGrad := make([]float32, len(xs))
	for i := range 2 {
		for j := range 2 {
			for ch := range c {
				best, at := float32(-1), 0
				for di := range 2 {
					for dj := range 2 {
						idx := ((2*i+di)*w+2*j+dj)*c + ch
						if xs[idx] > best {
							best, at = xs[idx], idx
						}
					}
				}
				o := (i*2+j)*c + ch
				if pooled[o] != best {
					t.Errorf("pooled[%d,%d,%d] = %v, want %v", i, j, ch, pooled[o], best)
				}
				wantGrad[at] = float32(o + 1)
			}
		}
	}
	for i := range grad {
		if grad[i] != wantGrad[i] {
			t.Fatalf("gradient[%d] = %v, want %v (full gradient %v)", i, grad[i], wantGrad[i], grad)
		}
	}
}

func TestBatchNorm(t *testing.T) {
	// 8 rows of 3 channels with known means and spreads.
	xs := make([]float32, 8*3)
	for i := range 8 {
		for c := range 3 {
			xs[i*3+c] = float32(c*10) + float32(i)*float32(c+1)
		}
	}
	store := newStore(t)
	trainExec, err := model.NewExec(testBackend(), store, func(scope *model.Scope, x *graph.Node) *graph.Node {
		b := NewBuilder(scope, true)
		return batchNorm(b, scope.In("bn"), x, 0.9, 1e-3)
	})
	if err != nil {
		t.Fatal(err)
	}
	out, err := trainExec.Exec(tensors.FromFlatDataAndDimensions(xs, 8, 3))
	if err != nil {
		t.Fatal(err)
	}
	y := tensors.MustCopyFlatData[float32](out[0])
	for c := range 3 {
		var mean, sq float64
		for i := range 8 {
			mean += float64(y[i*3+c]) / 8
		}
		for i := range 8 {
			sq += (float64(y[i*3+c]) - mean) * (float64(y[i*3+c]) - mean) / 8
		}
		if !closeTo(mean, 0, 1e-5) || !closeTo(sq, 1, 1e-3) {
			t.Errorf("channel %d after training-mode batch norm: mean %v variance %v, want 0 and 1", c, mean, sq)
		}
	}
	// Moving averages after one step from (0, 1) with momentum 0.9: 0.1·batch statistics.
	mm := tensors.MustCopyFlatData[float32](store.GetVariable("/bn/moving_mean").MustValue())
	mv := tensors.MustCopyFlatData[float32](store.GetVariable("/bn/moving_variance").MustValue())
	for c := range 3 {
		batchMean := float64(c*10) + 3.5*float64(c+1)
		batchVar := 5.25 * float64((c+1)*(c+1)) // variance of 0..7 is 5.25
		if !closeTo(float64(mm[c]), 0.1*batchMean, 1e-5) || !closeTo(float64(mv[c]), 0.9+0.1*batchVar, 1e-5) {
			t.Errorf("channel %d moving mean/variance %v/%v, want %v/%v", c, mm[c], mv[c], 0.1*batchMean, 0.9+0.1*batchVar)
		}
	}
	if v := store.GetVariable("/bn/moving_mean"); v.Trainable {
		t.Error("moving mean must not be trainable")
	}
	// Inference uses the moving averages.
	inferExec, err := model.NewExec(testBackend(), store, func(scope *model.Scope, x *graph.Node) *graph.Node {
		return batchNorm(NewBuilder(scope, false), scope.In("bn"), x, 0.9, 1e-3)
	})
	if err != nil {
		t.Fatal(err)
	}
	out, err = inferExec.Exec(tensors.FromFlatDataAndDimensions(xs, 8, 3))
	if err != nil {
		t.Fatal(err)
	}
	y = tensors.MustCopyFlatData[float32](out[0])
	for i := range 8 {
		for c := range 3 {
			want := (float64(xs[i*3+c]) - float64(mm[c])) / sqrt(float64(mv[c])+1e-3)
			if !closeTo(float64(y[i*3+c]), want, 1e-4) {
				t.Fatalf("inference batch norm [%d,%d] = %v, want %v", i, c, y[i*3+c], want)
			}
		}
	}
}

func TestCNNTrains(t *testing.T) {
	cases := []struct {
		name  string
		model Model
		bt    batch
	}{
		{"cnn 2d batch norm + dropout", CNN(4, 8).Padding("same").BatchNorm().BlockDropout(0.1).Dense(16).Dropout(0.2).Done(), imageBatch(16, 8, 8)},
		{"cnn 2d global pool", CNN(8).GlobalAvgPool().Dense(8).Done(), imageBatch(16, 8, 8)},
		{"cnn1d signals", CNN1D(4, 8).Done(), signalBatch(16, 24, 2)},
		{"cnn1d tokens", CNN1D(8).Kernel(3).Embedding(4).Done(), tokenBatch(16, 10, 6)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			losses := fit(t, newStore(t), c.model, data.Binary, 1, c.bt, 40, 0.02)
			assertDecreases(t, c.name, losses, 0.7)
		})
	}
}
