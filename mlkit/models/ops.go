// SPDX-License-Identifier: Apache-2.0

package models

import (
	"fmt"
	"math"
	"slices"

	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/ml/model/initializer"
)

// This file holds the building blocks shared by the model families. They use only plain graph
// operations whose gradients exist (and are cheap) on every backend, the pure-Go one included.

// convIm2col applies a channels-last convolution with one or more spatial axes as im2col: the
// shifted views of x for every kernel offset are concatenated on the channel axis and multiplied
// by the kernel in a single matrix product.
//
// x is [batch, spatial..., channels]. Its variables, "weights" [kernel..., channels, filters] and
// "biases" [filters], are laid out like those of GoMLX's layers.Convolution, in scope.
func convIm2col(scope *model.Scope, x *graph.Node, filters int, kernel, strides []int, same bool) *graph.Node {
	g := x.Graph()
	dims := x.Shape().Dimensions
	nsp := len(dims) - 2
	if len(kernel) != nsp || len(strides) != nsp {
		panic(fmt.Errorf("convolution: kernel %v and strides %v must have one value per spatial axis of input %v", kernel, strides, dims))
	}
	cin := dims[len(dims)-1]
	if same {
		x = padSame(x, kernel, strides)
		dims = x.Shape().Dimensions
	}
	outSpatial := make([]int, nsp)
	for i := range nsp {
		outSpatial[i] = (dims[1+i]-kernel[i])/strides[i] + 1
		if outSpatial[i] < 1 {
			panic(fmt.Errorf("convolution: kernel %v does not fit input of spatial size %v", kernel, dims[1:1+nsp]))
		}
	}
	// One view per kernel offset, in row-major order of the kernel axes, which matches the
	// layout of the [kernel..., channels, filters] weights once reshaped to a matrix.
	taps := 1
	for _, k := range kernel {
		taps *= k
	}
	strided := stridePhases(x, kernel, strides, outSpatial)
	views := make([]*graph.Node, 0, taps)
	offset := make([]int, nsp)
	for range taps {
		if strided != nil {
			views = append(views, strided.view(offset))
		} else {
			specs := make([]graph.SliceAxisSpec, len(dims))
			specs[0] = graph.AxisRange()
			specs[len(dims)-1] = graph.AxisRange()
			for i := range nsp {
				specs[1+i] = graph.AxisRange(offset[i], offset[i]+outSpatial[i])
			}
			views = append(views, graph.Slice(x, specs...))
		}
		for i := nsp - 1; i >= 0; i-- { // Next offset, last axis fastest.
			offset[i]++
			if offset[i] < kernel[i] {
				break
			}
			offset[i] = 0
		}
	}
	cols := views[0]
	if len(views) > 1 {
		cols = graph.Concatenate(views, -1)
	}
	wShape := append(append([]int{}, kernel...), cin, filters)
	w := scope.VariableWithShape("weights", shapes.Make(x.DType(), wShape...)).NodeValue(g)
	bias := scope.VariableWithShape("biases", shapes.Make(x.DType(), filters)).NodeValue(g)
	batch := dims[0]
	flat := graph.Reshape(cols, -1, taps*cin)
	y := graph.Dot(flat, graph.Reshape(w, taps*cin, filters)).Product()
	y = graph.Add(y, graph.InsertAxes(bias, 0))
	return graph.Reshape(y, append(append([]int{batch}, outSpatial...), filters)...)
}

// phases is a channels-last input split by stride: each spatial axis of length n·stride becomes
// two axes [n, stride], so that the strided view of a kernel offset is a plain (unstrided) slice.
// Strided slices would do the same, but their gradient pads with interior (dilation) padding,
// which ONNX Runtime's Pad lacks.
type phases struct {
	x       *graph.Node // [batch, n0, s0, n1, s1, ..., channels]
	strides []int
	out     []int
}

// stridePhases returns x split by stride, cropped or zero-extended so that every kernel offset's
// view of out positions fits; nil when every stride is 1.
func stridePhases(x *graph.Node, kernel, strides, out []int) *phases {
	nsp := len(strides)
	if slices.Max(strides) == 1 {
		return nil
	}
	dims := x.Shape().Dimensions
	split := []int{dims[0]}
	for i := range nsp {
		axis := 1 + i
		s := strides[i]
		// The last offset, kernel-1, reads rows (kernel-1)/s … (kernel-1)/s+out-1 of its phase.
		want := s * ((kernel[i]-1)/s + out[i])
		switch n := x.Shape().Dimensions[axis]; {
		case n > want:
			specs := make([]graph.SliceAxisSpec, len(dims))
			for j := range specs {
				specs[j] = graph.AxisRange()
			}
			specs[axis] = graph.AxisRange(0, want)
			x = graph.Slice(x, specs...)
		case n < want: // positions no view reads, there only to make the reshape exact
			zdims := append([]int{}, x.Shape().Dimensions...)
			zdims[axis] = want - n
			x = graph.Concatenate([]*graph.Node{x, graph.Zeros(x.Graph(), shapes.Make(x.DType(), zdims...))}, axis)
		}
		split = append(split, want/s, s)
	}
	split = append(split, dims[len(dims)-1])
	return &phases{x: graph.Reshape(x, split...), strides: strides, out: out}
}

// view is the input seen by kernel offset off, [batch, out..., channels].
func (p *phases) view(off []int) *graph.Node {
	rank := p.x.Rank()
	specs := make([]graph.SliceAxisSpec, rank)
	specs[0] = graph.AxisRange()
	specs[rank-1] = graph.AxisRange()
	viewDims := []int{p.x.Shape().Dimensions[0]}
	for i, s := range p.strides {
		q, r := off[i]/s, off[i]%s
		specs[1+2*i] = graph.AxisRange(q, q+p.out[i])
		specs[2+2*i] = graph.AxisRange(r, r+1)
		viewDims = append(viewDims, p.out[i])
	}
	viewDims = append(viewDims, p.x.Shape().Dimensions[rank-1])
	return graph.Reshape(graph.Slice(p.x, specs...), viewDims...)
}

// samePadding returns the (start, end) padding of one axis so that a window of size k with the
// given stride produces ceil(n/stride) outputs, the convention of TensorFlow and Keras.
func samePadding(n, k, stride int) (start, end int) {
	out := (n + stride - 1) / stride
	total := max((out-1)*stride+k-n, 0)
	return total / 2, total - total/2
}

// padSame zero-pads the spatial axes of a channels-last x for "same" padding. It concatenates
// zeros rather than using Pad, which has no gradient in GoMLX.
func padSame(x *graph.Node, kernel, strides []int) *graph.Node {
	for i := range kernel {
		axis := 1 + i
		s, e := samePadding(x.Shape().Dimensions[axis], kernel[i], strides[i])
		parts := make([]*graph.Node, 0, 3)
		zeros := func(n int) *graph.Node {
			dims := append([]int{}, x.Shape().Dimensions...)
			dims[axis] = n
			return graph.Zeros(x.Graph(), shapes.Make(x.DType(), dims...))
		}
		if s > 0 {
			parts = append(parts, zeros(s))
		}
		parts = append(parts, x)
		if e > 0 {
			parts = append(parts, zeros(e))
		}
		if len(parts) > 1 {
			x = graph.Concatenate(parts, axis)
		}
	}
	return x
}

// channelVector reshapes a per-channel vector [c] to broadcast against x [..., c].
func channelVector(v, x *graph.Node) *graph.Node {
	dims := make([]int, x.Rank())
	for i := range dims {
		dims[i] = 1
	}
	dims[len(dims)-1] = v.Shape().Size()
	return graph.Reshape(v, dims...)
}

// maxPool takes the maximum over non-overlapping windows of the spatial axes of a channels-last
// x. Trailing rows or columns that do not fill a window are dropped, as with Keras' "valid"
// pooling. The gradient is that of a plain ReduceMax.
func maxPool(x *graph.Node, window int) *graph.Node {
	dims := x.Shape().Dimensions
	nsp := len(dims) - 2
	specs := make([]graph.SliceAxisSpec, len(dims))
	crop := false
	newDims := []int{dims[0]}
	reduce := make([]int, 0, nsp)
	for i := range len(dims) {
		specs[i] = graph.AxisRange()
	}
	for i := range nsp {
		n := dims[1+i] / window
		if n < 1 {
			panic(fmt.Errorf("max pooling: window %d is larger than the feature map %v", window, dims[1:1+nsp]))
		}
		if n*window != dims[1+i] {
			specs[1+i] = graph.AxisRange(0, n*window)
			crop = true
		}
		newDims = append(newDims, n, window)
		reduce = append(reduce, 2+2*i)
	}
	newDims = append(newDims, dims[len(dims)-1])
	if crop {
		x = graph.Slice(x, specs...)
	}
	return graph.ReduceMax(graph.Reshape(x, newDims...), reduce...)
}

// poolMask follows a [batch, length] mask through a 1-D window operation (a convolution or a
// pooling with the given window, stride and padding): an output position is real when any
// position of its window is real.
func poolMask(mask *graph.Node, window, stride int, same bool) *graph.Node {
	if mask == nil {
		return nil
	}
	m := graph.InsertAxes(mask, -1) // [batch, length, 1]
	if same {
		m = padSame(m, []int{window}, []int{stride})
	}
	n := m.Shape().Dimensions[1]
	out := (n-window)/stride + 1
	views := make([]*graph.Node, window)
	for k := range window {
		views[k] = graph.Slice(m, graph.AxisRange(), graph.AxisRange(k, k+(out-1)*stride+1).Stride(stride), graph.AxisRange())
	}
	r := views[0]
	for _, v := range views[1:] {
		r = graph.Max(r, v)
	}
	return graph.StopGradient(graph.Reshape(r, r.Shape().Dimensions[0], out))
}

// batchNorm normalizes x over every axis but the last, with a learned scale ("gamma") and offset
// ("beta"). While training it uses the batch statistics and updates the moving averages
// ("moving_mean", "moving_variance", not trainable) with the given momentum; otherwise it uses
// the moving averages. It is built from plain operations, so it runs on every backend.
func batchNorm(b *Builder, scope *model.Scope, x *graph.Node, momentum, epsilon float64) *graph.Node {
	g := x.Graph()
	dtype := x.DType()
	c := x.Shape().Dimensions[x.Rank()-1]
	gamma := scope.VariableWithValue("gamma", onesF32(c)).NodeValue(g)
	beta := scope.VariableWithValue("beta", make([]float32, c)).NodeValue(g)
	movMeanVar := scope.VariableWithValue("moving_mean", make([]float32, c)).SetTrainable(false)
	movVarVar := scope.VariableWithValue("moving_variance", onesF32(c)).SetTrainable(false)
	axes := make([]int, x.Rank()-1)
	for i := range axes {
		axes[i] = i
	}
	var mean, variance *graph.Node
	if b.Training {
		mean = graph.ReduceMean(x, axes...)
		variance = graph.ReduceMean(graph.Square(graph.Sub(x, channelVector(mean, x))), axes...)
		mom := graph.Scalar(g, dtype, momentum)
		oneMinus := graph.Scalar(g, dtype, 1-momentum)
		movMean := movMeanVar.NodeValue(g)
		movVar := movVarVar.NodeValue(g)
		movMeanVar.SetNodeValue(graph.StopGradient(graph.Add(graph.Mul(movMean, mom), graph.Mul(mean, oneMinus))))
		movVarVar.SetNodeValue(graph.StopGradient(graph.Add(graph.Mul(movVar, mom), graph.Mul(variance, oneMinus))))
	} else {
		mean = movMeanVar.NodeValue(g)
		variance = movVarVar.NodeValue(g)
	}
	inv := graph.Mul(gamma, invSqrt(graph.AddScalar(variance, epsilon)))
	return graph.Add(graph.Mul(graph.Sub(x, channelVector(mean, x)), channelVector(inv, x)), channelVector(beta, x))
}

// layerNorm normalizes x over its last axis, with a learned scale ("gamma") and offset ("beta").
func layerNorm(scope *model.Scope, x *graph.Node) *graph.Node {
	g := x.Graph()
	c := x.Shape().Dimensions[x.Rank()-1]
	gamma := scope.VariableWithValue("gamma", onesF32(c)).NodeValue(g)
	beta := scope.VariableWithValue("beta", make([]float32, c)).NodeValue(g)
	mean := graph.ReduceAndKeep(x, graph.ReduceMean, -1)
	centered := graph.Sub(x, mean)
	variance := graph.ReduceAndKeep(graph.Square(centered), graph.ReduceMean, -1)
	normed := graph.Mul(centered, invSqrt(graph.AddScalar(variance, 1e-5)))
	return graph.Add(graph.Mul(normed, channelVector(gamma, x)), channelVector(beta, x))
}

// dense is a fully connected layer over the last axis of x: variables "weights" [in, units] and
// "biases" [units] in scope.
func dense(scope *model.Scope, x *graph.Node, units int) *graph.Node {
	g := x.Graph()
	dims := x.Shape().Dimensions
	in := dims[len(dims)-1]
	w := scope.VariableWithShape("weights", shapes.Make(x.DType(), in, units)).NodeValue(g)
	bias := scope.VariableWithShape("biases", shapes.Make(x.DType(), units)).NodeValue(g)
	flat := x
	if x.Rank() != 2 {
		flat = graph.Reshape(x, -1, in)
	}
	y := graph.Add(graph.Dot(flat, w).Product(), graph.InsertAxes(bias, 0))
	if x.Rank() != 2 {
		out := append(append([]int{}, dims[:len(dims)-1]...), units)
		y = graph.Reshape(y, out...)
	}
	return y
}

// glorot returns scope with a Glorot (Xavier) uniform initializer, suited to tanh and sigmoid
// units.
func glorot(scope *model.Scope) *model.Scope {
	return scope.WithInitializer(initializer.GlorotUniformFn(scope))
}

// unstack splits x [batch, steps, ...] into one node per step, [batch, ...] each. The slices
// form a balanced binary tree, so the backward pass costs O(steps·log steps) instead of the
// O(steps²) of slicing every step out of the full tensor.
func unstack(x *graph.Node) []*graph.Node {
	steps := x.Shape().Dimensions[1]
	out := make([]*graph.Node, 0, steps)
	var split func(x *graph.Node)
	split = func(x *graph.Node) {
		n := x.Shape().Dimensions[1]
		if n == 1 {
			out = append(out, graph.Squeeze(x, 1))
			return
		}
		half := n / 2
		split(graph.SliceAxis(x, 1, graph.AxisRange(0, half)))
		split(graph.SliceAxis(x, 1, graph.AxisRange(half, n)))
	}
	split(x)
	return out
}

// maskSteps returns the per-step masks of a [batch, steps] mask as [batch, 1] nodes, or nil.
func maskSteps(mask *graph.Node) []*graph.Node {
	if mask == nil {
		return nil
	}
	steps := mask.Shape().Dimensions[1]
	m := graph.StopGradient(mask)
	if m.DType() != dtypes.Float32 {
		m = graph.ConvertDType(m, dtypes.Float32)
	}
	out := make([]*graph.Node, steps)
	for t := range steps {
		out[t] = graph.SliceAxis(m, 1, graph.AxisRange(t, t+1))
	}
	return out
}

// maskedMean averages x [batch, steps, features] over the real steps of mask [batch, steps]
// (all steps when mask is nil).
func maskedMean(x, mask *graph.Node) *graph.Node {
	if mask == nil {
		return graph.ReduceMean(x, 1)
	}
	m := graph.InsertAxes(graph.StopGradient(mask), -1)
	if m.DType() != x.DType() {
		m = graph.ConvertDType(m, x.DType())
	}
	sum := graph.ReduceSum(graph.Mul(x, m), 1)
	count := graph.MaxScalar(graph.ReduceSum(m, 1), 1)
	return graph.Div(sum, count)
}

// tokenIDs converts token ids held as float32 ([batch, length] or [batch, length, 1]) to int32
// [batch, length].
func tokenIDs(x *graph.Node) *graph.Node {
	if x.Rank() == 3 && x.Shape().Dimensions[2] == 1 {
		x = graph.Squeeze(x, 2)
	}
	if x.Rank() != 2 {
		panic(fmt.Errorf("token input must be [batch, length], got %v", x.Shape().Dimensions))
	}
	if x.DType().IsInt() {
		return graph.ConvertDType(x, dtypes.Int32)
	}
	return graph.ConvertDType(graph.Round(x), dtypes.Int32)
}

// embed looks up token ids [batch, length] in an embedding table "embeddings" [vocab, dim].
func embed(scope *model.Scope, ids *graph.Node, vocab, dim int) *graph.Node {
	g := ids.Graph()
	table := scope.WithInitializer(initializer.RandomUniformFn(scope, -0.05, 0.05)).
		VariableWithShape("embeddings", shapes.Make(dtypes.Float32, vocab, dim)).NodeValue(g)
	// Ids past the table (which would read out of bounds) map to the unknown token, id 1, and
	// negative ids to padding, id 0.
	ids = graph.Where(graph.GreaterOrEqual(ids, graph.Scalar(g, dtypes.Int32, vocab)), graph.OnesLike(ids), ids)
	ids = graph.Max(ids, graph.ZerosLike(ids))
	return graph.Gather(table, graph.InsertAxes(ids, -1))
}

// sequenceFeatures returns a float input as [batch, length, channels]: [batch, length] becomes
// one channel.
func sequenceFeatures(x *graph.Node) *graph.Node {
	if x.DType() != dtypes.Float32 {
		x = graph.ConvertDType(x, dtypes.Float32)
	}
	if x.Rank() == 2 {
		return graph.InsertAxes(x, -1)
	}
	if x.Rank() != 3 {
		panic(fmt.Errorf("sequence input must be [batch, length] or [batch, length, channels], got %v", x.Shape().Dimensions))
	}
	return x
}

// sinusoidal returns the fixed [length, dim] position encoding of "Attention Is All You Need":
// sin on even features and cos on odd ones, with wavelengths from 2π to 10000·2π.
func sinusoidal(g *graph.Graph, length, dim int) *graph.Node {
	v := make([]float32, length*dim)
	for p := range length {
		for i := range dim {
			freq := math.Pow(10000, -float64(2*(i/2))/float64(dim))
			a := float64(p) * freq
			if i%2 == 0 {
				v[p*dim+i] = float32(math.Sin(a))
			} else {
				v[p*dim+i] = float32(math.Cos(a))
			}
		}
	}
	return graph.Reshape(graph.Const(g, v), length, dim)
}

// invSqrt is 1/√x; GoMLX's Rsqrt has no gradient.
func invSqrt(x *graph.Node) *graph.Node { return graph.Div(graph.OnesLike(x), graph.Sqrt(x)) }

func onesF32(n int) []float32 {
	v := make([]float32, n)
	for i := range v {
		v[i] = 1
	}
	return v
}
