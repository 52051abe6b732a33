// SPDX-License-Identifier: Apache-2.0

package models

import (
	"fmt"

	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/medgo-lab/medgo/mlkit/data"
)

// OutputsFor is the width of the output layer a model needs for a task:
//
//   - Binary: 1 logit (for class 1);
//   - MultiClass: numClasses logits;
//   - Ordinal: numClasses-1 cumulative logits (see OrdinalProbabilities);
//   - MultiLabel: numTargets logits, one per label;
//   - Regression: numTargets values.
func OutputsFor(task data.Task, numClasses, numTargets int) int {
	switch task {
	case data.Binary:
		return 1
	case data.MultiClass:
		return numClasses
	case data.Ordinal:
		return max(numClasses-1, 1)
	case data.MultiLabel, data.Regression:
		return max(numTargets, 1)
	}
	return 0
}

// Loss returns the mean loss of a batch, a scalar:
//
//   - Binary: sigmoid cross-entropy of outputs [B, 1] (logits) with labels [B, 1] of 0 or 1.
//   - MultiClass: softmax cross-entropy of outputs [B, K] with labels [B, 1] holding class
//     indices (as float32).
//   - Ordinal: the sum over thresholds k of the sigmoid cross-entropy of "class > k", for the
//     K-1 cumulative logits of OrdinalProbabilities, with labels [B, 1] holding class indices.
//   - MultiLabel: sigmoid cross-entropy of outputs [B, T] with labels [B, T] of 0 or 1, where NaN
//     marks a missing label: it is left out, and the mean is over the labels present.
//   - Regression: squared error of outputs [B, T] against labels [B, T]; NaN targets are left
//     out likewise.
//
// weights, when not nil, holds one weight per example ([B] or [B, 1]), for instance class
// weights: each example's loss is scaled by its weight and the result is divided by the number
// of examples (or of labels present), as Keras does with sample weights. nil weighs all
// examples alike.
//
// Loss panics, as graph-building functions do, when the shapes do not match; TryBuild-style
// callers recover it.
func Loss(task data.Task, outputs, labels *graph.Node, weights *graph.Node) *graph.Node {
	g := outputs.Graph()
	if outputs.DType() != dtypes.Float32 {
		outputs = graph.ConvertDType(outputs, dtypes.Float32)
	}
	if labels.DType() != dtypes.Float32 {
		labels = graph.ConvertDType(labels, dtypes.Float32)
	}
	if outputs.Rank() != 2 {
		panic(fmt.Errorf("loss: outputs must be [batch, outputs], got %v", outputs.Shape().Dimensions))
	}
	batch, width := outputs.Shape().Dimensions[0], outputs.Shape().Dimensions[1]
	if labels.Rank() == 1 {
		labels = graph.InsertAxes(labels, -1)
	}
	if labels.Rank() != 2 || labels.Shape().Dimensions[0] != batch {
		panic(fmt.Errorf("loss: labels have shape %v; expected [%d, targets] to match outputs %v", labels.Shape().Dimensions, batch, outputs.Shape().Dimensions))
	}
	labels = graph.StopGradient(labels)
	var w *graph.Node // [B, 1]
	if weights != nil {
		if weights.DType() != dtypes.Float32 {
			weights = graph.ConvertDType(weights, dtypes.Float32)
		}
		if weights.Shape().Size() != batch {
			panic(fmt.Errorf("loss: weights have shape %v; expected one weight per example, [%d]", weights.Shape().Dimensions, batch))
		}
		w = graph.StopGradient(graph.Reshape(weights, batch, 1))
	}
	classIndex := func() {
		if labels.Shape().Dimensions[1] != 1 {
			panic(fmt.Errorf("loss: %s labels must be one class index per example, [%d, 1]; got %v", task, batch, labels.Shape().Dimensions))
		}
	}
	var per *graph.Node // per-example or per-label losses, [B, 1] or [B, T]
	var present *graph.Node
	switch task {
	case data.Binary:
		classIndex()
		if width != 1 {
			panic(fmt.Errorf("loss: binary classification needs 1 output (a logit), got %d; use models.OutputsFor", width))
		}
		per = sigmoidCrossEntropy(outputs, labels)
	case data.MultiClass:
		classIndex()
		if width < 2 {
			panic(fmt.Errorf("loss: multi-class classification needs one output per class (2 or more), got %d", width))
		}
		onehot := graph.OneHot(graph.ConvertDType(graph.Squeeze(labels, 1), dtypes.Int32), width, dtypes.Float32)
		logp := graph.LogSoftmax(outputs, -1)
		per = graph.Neg(graph.ReduceAndKeep(graph.Mul(onehot, logp), graph.ReduceSum, -1))
	case data.Ordinal:
		classIndex()
		logits := ordinalLogits(outputs) // [B, K-1]
		thresholds := graph.Iota(g, logits.Shape(), 1)
		above := graph.ConvertDType(graph.GreaterThan(labels, thresholds), dtypes.Float32)
		per = graph.ReduceAndKeep(sigmoidCrossEntropy(logits, above), graph.ReduceSum, -1)
	case data.MultiLabel, data.Regression:
		if labels.Shape().Dimensions[1] != width {
			panic(fmt.Errorf("loss: %s needs one output per target; outputs have %d columns, labels %d", task, width, labels.Shape().Dimensions[1]))
		}
		present = isPresent(labels)
		clean := graph.Where(present, labels, graph.ZerosLike(labels))
		if task == data.MultiLabel {
			per = sigmoidCrossEntropy(outputs, clean)
		} else {
			per = graph.Square(graph.Sub(outputs, clean))
		}
		per = graph.Where(present, per, graph.ZerosLike(per))
	default:
		panic(fmt.Errorf("loss: unknown task %v", task))
	}
	if w != nil {
		per = graph.Mul(per, w)
	}
	if present == nil {
		return graph.ReduceAllMean(per)
	}
	count := graph.ReduceAllSum(graph.ConvertDType(present, dtypes.Float32))
	return graph.Div(graph.ReduceAllSum(per), graph.MaxScalar(count, 1))
}

// sigmoidCrossEntropy is the elementwise binary cross-entropy of logits z with targets y,
// computed stably as max(z, 0) - z·y + log(1 + exp(-|z|)).
func sigmoidCrossEntropy(z, y *graph.Node) *graph.Node {
	return graph.Add(
		graph.Sub(graph.Max(z, graph.ZerosLike(z)), graph.Mul(z, y)),
		graph.Log1p(graph.Exp(graph.Neg(graph.Abs(z)))))
}

// isPresent marks the labels that are not NaN. It uses x == x (false only for NaN) rather than
// graph.IsNaN because some backends lack an IsNaN op (ONNX Runtime has none), while Equal is
// available everywhere and follows IEEE semantics.
func isPresent(labels *graph.Node) *graph.Node {
	return graph.Equal(labels, labels)
}

// stableSoftplus is log(1 + exp(x)), computed stably as max(x, 0) + log(1 + exp(-|x|)). It replaces
// graph.Softplus, whose LogAddExp guards infinities with IsFinite, an op some backends (ONNX
// Runtime) lack; for finite x both give the same values and gradients, and ±Inf cannot reach
// here from finite model outputs.
func stableSoftplus(x *graph.Node) *graph.Node {
	return graph.Add(graph.Max(x, graph.ZerosLike(x)), graph.Log1p(graph.Exp(graph.Neg(graph.Abs(x)))))
}

// ordinalLogits turns the K-1 raw ordinal outputs o into the decreasing logits of P(class > k):
// z₀ = o₀ and zₖ = zₖ₋₁ - softplus(oₖ). Decreasing logits make the cumulative probabilities
// consistent (P(class > k) never grows with k), so class probabilities are never negative.
func ordinalLogits(outputs *graph.Node) *graph.Node {
	k := outputs.Shape().Dimensions[1]
	cols := make([]*graph.Node, k)
	for i := range k {
		o := graph.SliceAxis(outputs, 1, graph.AxisRange(i, i+1))
		if i == 0 {
			cols[i] = o
		} else {
			cols[i] = graph.Sub(cols[i-1], stableSoftplus(o))
		}
	}
	if k == 1 {
		return cols[0]
	}
	return graph.Concatenate(cols, 1)
}

// OrdinalProbabilities turns the K-1 outputs of an ordinal model into class probabilities
// [B, K]. The model is cumulative (CORAL-style): output k gives, after ordering, the logit of
// P(class > k); class k's probability is P(class > k-1) - P(class > k).
func OrdinalProbabilities(outputs *graph.Node) *graph.Node {
	above := graph.Sigmoid(ordinalLogits(outputs)) // [B, K-1], decreasing along axis 1
	ones := graph.OnesLike(graph.SliceAxis(above, 1, graph.AxisRange(0, 1)))
	zeros := graph.ZerosLike(ones)
	upper := graph.Concatenate([]*graph.Node{ones, above}, 1)  // P(class > k-1), k = 0..K-1
	lower := graph.Concatenate([]*graph.Node{above, zeros}, 1) // P(class > k)
	return graph.Max(graph.Sub(upper, lower), graph.ZerosLike(upper))
}

// Predict turns a model's outputs into predictions:
//
//   - Binary: [B, 2] probabilities, P(class 1) in column 1;
//   - MultiClass: [B, K] softmax probabilities;
//   - Ordinal: [B, K] class probabilities (see OrdinalProbabilities);
//   - MultiLabel: [B, T] sigmoid probabilities, one per label;
//   - Regression: the outputs unchanged.
func Predict(task data.Task, outputs *graph.Node) *graph.Node {
	if outputs.DType() != dtypes.Float32 {
		outputs = graph.ConvertDType(outputs, dtypes.Float32)
	}
	switch task {
	case data.Binary:
		p := graph.Sigmoid(outputs)
		if outputs.Shape().Dimensions[1] != 1 {
			panic(fmt.Errorf("predict: binary classification needs 1 output, got %d", outputs.Shape().Dimensions[1]))
		}
		return graph.Concatenate([]*graph.Node{graph.OneMinus(p), p}, 1)
	case data.MultiClass:
		return graph.Softmax(outputs, -1)
	case data.Ordinal:
		return OrdinalProbabilities(outputs)
	case data.MultiLabel:
		return graph.Sigmoid(outputs)
	case data.Regression:
		return outputs
	}
	panic(fmt.Errorf("predict: unknown task %v", task))
}
