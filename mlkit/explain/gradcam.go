// SPDX-License-Identifier: Apache-2.0

package explain

import (
	"fmt"
	"slices"

	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"

	"github.com/medgo-lab/medgo/mlkit/data"
	"github.com/medgo-lab/medgo/mlkit/models"
	"github.com/medgo-lab/medgo/mlkit/train"
)

// CAMMaps holds Grad-CAM maps. The embedded SaliencyMaps has one map per example at the input's
// resolution ([height, width] for images, [length] for signals and sequences), already on
// [0, 1], so display.Saliency(img, InputShape, Map(i), Shape) and display.Overlay show it like
// a saliency map. Its Gradients field is nil: Grad-CAM differentiates feature maps, not inputs.
type CAMMaps struct {
	SaliencyMaps
	// FeatureShape is the shape of the last convolution block's feature maps for one example,
	// channels last ([rows, cols, channels] or [positions, channels]).
	FeatureShape []int
	// Coarse holds each example's map at the feature maps' resolution (FeatureShape without
	// channels), before upsampling and normalization.
	Coarse [][]float32
	// Weights holds each example's channel weights: the spatial mean of the score's gradient
	// with respect to each feature map.
	Weights [][]float32
}

// GradCAM computes Grad-CAM maps (Selvaraju et al., 2017) of a convolutional run's model for
// the examples idx of d: with A_k the feature maps of the last convolution block (after its
// activation, before pooling) and w_k the mean over positions of the gradient of the explained
// score with respect to A_k, the map is ReLU(Σ_k w_k A_k), upsampled bilinearly to the input's
// size and divided by its largest value (all zeros when nothing speaks for the class).
//
// class is as for Saliency: a class index, or -1 for each example's predicted class. The
// score is the class logit (the probability for ordinal models). Grad-CAM needs a model built
// by models.CNN or models.CNN1D; token sequences are allowed with CNN1D, since the gradient is
// taken at the feature maps. The maps are coarse (one value per feature-map position) but
// class-specific; Saliency gives finer, noisier maps.
func GradCAM(run *train.Run, d *data.Dataset, idx []int, class int) (cm *CAMMaps, err error) {
	defer catch(&err, "Grad-CAM")
	if err := checkRun(run); err != nil {
		return nil, err
	}
	cnn, ok := run.Model.(*models.CNNConfig)
	if !ok || len(cnn.Blocks) == 0 {
		return nil, fmt.Errorf("explain: Grad-CAM needs a convolutional network (models.CNN or models.CNN1D), but %s has a %q model; use explain.Saliency or explain.IntegratedGradients for it", runName(run), run.Model.Kind())
	}
	if err := checkData(run, d); err != nil {
		return nil, err
	}
	if err := checkIndices(d, idx); err != nil {
		return nil, err
	}
	pred, err := run.Predict(d.Subset(idx))
	if err != nil {
		return nil, graphError("Grad-CAM", runName(run), err)
	}
	classes, scores, err := explainedClasses(run, pred, class)
	if err != nil {
		return nil, err
	}
	target := TargetLogit
	switch run.Task {
	case data.Regression:
		target = TargetValue
	case data.Ordinal:
		target = TargetProbability
	}
	width := run.Outputs
	if target == TargetProbability {
		width = len(pred.Probs[0])
	}
	weightRow := func(k int) []float32 {
		w := make([]float32, width)
		if run.Task == data.Binary {
			w[0] = 1
			if k == 0 {
				w[0] = -1
			}
			return w
		}
		w[k] = 1
		return w
	}

	hasMask := d.Mask != nil
	exec, err := model.NewExec(run.Backend(), run.Store(), func(scope *model.Scope, in []*graph.Node) []*graph.Node {
		x, w := in[0], in[1]
		run.Store().SetTraining(x.Graph(), false)
		var mask *graph.Node
		if hasMask {
			mask = in[2]
		}
		b := models.NewBuilder(scope.At("model"), false)
		b.VocabSize = run.VocabSize
		out := run.Model.Build(b, models.Inputs{X: x, Mask: mask}, run.Outputs)
		fm := b.FeatureMap()
		if fm == nil {
			panic(fmt.Errorf("the model recorded no convolution feature maps"))
		}
		if target == TargetProbability {
			out = models.Predict(run.Task, out)
		}
		score := graph.ReduceAllSum(graph.Mul(out, w))
		return []*graph.Node{fm, graph.Gradient(score, fm)[0], out}
	})
	if err != nil {
		return nil, graphError("Grad-CAM", runName(run), err)
	}
	defer exec.Finalize()

	var featShape []int
	var coarse, weights [][]float32
	b := min(batchSize, len(idx))
	for start := 0; start < len(idx); start += b {
		end := min(start+b, len(idx))
		var xs, ws, ms [][]float32
		for e := start; e < end; e++ {
			xs = append(xs, d.Example(idx[e]))
			ws = append(ws, weightRow(classes[e]))
			if hasMask {
				ms = append(ms, maskRow(d, idx[e]))
			}
		}
		args := []any{rowsTensor(padRows(xs, b), d.Shape), rowsTensor(padRows(ws, b), []int{width})}
		if hasMask {
			args = append(args, rowsTensor(padRows(ms, b), []int{d.Shape[0]}))
		}
		outs, err := exec.Exec(args...)
		if err != nil {
			return nil, graphError("Grad-CAM", runName(run), err)
		}
		featShape = slices.Clone(outs[0].Shape().Dimensions[1:])
		fa := tensors.MustCopyFlatData[float32](outs[0])
		fg := tensors.MustCopyFlatData[float32](outs[1])
		for _, o := range outs {
			o.FinalizeAll()
		}
		size := 1
		for _, s := range featShape {
			size *= s
		}
		k := featShape[len(featShape)-1]
		positions := size / k
		for r := 0; r < end-start; r++ {
			a, g := fa[r*size:(r+1)*size], fg[r*size:(r+1)*size]
			w := make([]float32, k)
			for p := range positions {
				for c := range k {
					w[c] += g[p*k+c] / float32(positions)
				}
			}
			cam := make([]float32, positions)
			for p := range positions {
				var s float32
				for c := range k {
					s += w[c] * a[p*k+c]
				}
				cam[p] = max(s, 0)
			}
			coarse = append(coarse, cam)
			weights = append(weights, w)
		}
	}

	mapShape := []int{d.Shape[0]}
	layout := LayoutSequence
	if cnn.SpatialDims == 2 {
		mapShape, layout = []int{d.Shape[0], d.Shape[1]}, LayoutImage
	}
	coarseShape := featShape[:len(featShape)-1]
	cm = &CAMMaps{
		SaliencyMaps: SaliencyMaps{
			Index: slices.Clone(idx), Class: classes, Score: scores, Target: target, Layout: layout,
			Shape: mapShape, InputShape: slices.Clone(d.Shape), Samples: 1,
		},
		FeatureShape: featShape, Coarse: coarse, Weights: weights,
	}
	for _, c := range coarse {
		m := upsample(c, coarseShape, mapShape)
		hi := float32(0)
		for _, v := range m {
			hi = max(hi, v)
		}
		if hi > 0 {
			for p := range m {
				m[p] /= hi
			}
		}
		cm.Maps = append(cm.Maps, m)
	}
	return cm, nil
}

// upsample resizes a 1-D or 2-D map by linear (bilinear) interpolation, aligning pixel
// centres; positions beyond the outermost centres take the edge value.
func upsample(m []float32, from, to []int) []float32 {
	if len(from) == 1 {
		out := make([]float32, to[0])
		for i := range out {
			i0, i1, t := sourcePos(i, from[0], to[0])
			out[i] = m[i0]*(1-t) + m[i1]*t
		}
		return out
	}
	h, w := from[0], from[1]
	out := make([]float32, to[0]*to[1])
	for y := range to[0] {
		y0, y1, ty := sourcePos(y, h, to[0])
		for x := range to[1] {
			x0, x1, tx := sourcePos(x, w, to[1])
			top := m[y0*w+x0]*(1-tx) + m[y0*w+x1]*tx
			bottom := m[y1*w+x0]*(1-tx) + m[y1*w+x1]*tx
			out[y*to[1]+x] = top*(1-ty) + bottom*ty
		}
	}
	return out
}

// sourcePos maps output position i of n to the two input positions of m around it and the
// weight of the second.
func sourcePos(i, m, n int) (int, int, float32) {
	s := (float64(i)+0.5)*float64(m)/float64(n) - 0.5
	if s <= 0 {
		return 0, 0, 0
	}
	if s >= float64(m-1) {
		return m - 1, m - 1, 0
	}
	i0 := int(s)
	return i0, i0 + 1, float32(s - float64(i0))
}
