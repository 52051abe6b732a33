// SPDX-License-Identifier: Apache-2.0

package explain

import (
	"fmt"
	"slices"
	"strconv"

	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"

	"github.com/medgo-lab/medgo/mlkit/data"
	"github.com/medgo-lab/medgo/mlkit/models"
	"github.com/medgo-lab/medgo/mlkit/train"
)

// Matrix is a dense row-major matrix: m[row][column]. Attention matrices have one row per
// query position and one column per key position; display.Attention draws them.
type Matrix [][]float64

// CLSToken labels the learned classification token of transformers with "cls" pooling.
const CLSToken = "[CLS]"

// AttentionMaps holds the attention weights a transformer computed for some examples.
//
// Weights[i][l][h] is the full Length×Length matrix of example Index[i], layer (encoder block)
// l, head h, padding included: row q holds how much query position q attended to each key
// position, and sums to 1. Padded keys get no weight. The helper methods (Head, Mean, Rollout,
// Received, Labels) drop padded positions, so their results line up with Labels(i).
type AttentionMaps struct {
	Index   []int // the examples' indices in the data set
	Layers  int   // attention layers (encoder blocks)
	Heads   int   // heads per layer
	Length  int   // positions per example, the classification token included
	CLS     bool  // position 0 is the learned classification token ("cls" pooling)
	Weights [][][]Matrix
	// Mask marks, per example, the real positions (1) and the padding (0); the classification
	// token counts as real.
	Mask [][]float32
	// Tokens labels every position of every example: CLSToken, the token from the data set's
	// vocabulary (the padding token included), or the position number for real-valued sequences.
	Tokens [][]string
}

// Len is the number of examples.
func (a *AttentionMaps) Len() int { return len(a.Weights) }

// Real returns the real (unpadded) positions of example i.
func (a *AttentionMaps) Real(i int) []int {
	var pos []int
	for p, m := range a.Mask[i] {
		if m != 0 {
			pos = append(pos, p)
		}
	}
	return pos
}

// Labels returns the labels of example i's real positions, in order: the row and column
// labels of Head, Mean and Rollout, and the labels of Received.
func (a *AttentionMaps) Labels(i int) []string {
	var out []string
	for _, p := range a.Real(i) {
		out = append(out, a.Tokens[i][p])
	}
	return out
}

// trim keeps the rows and columns of m at the real positions of example i.
func (a *AttentionMaps) trim(i int, m Matrix) Matrix {
	real := a.Real(i)
	out := make(Matrix, len(real))
	for r, q := range real {
		out[r] = make([]float64, len(real))
		for c, k := range real {
			out[r][c] = m[q][k]
		}
	}
	return out
}

// Head returns the attention of one head of one layer of example i over its real positions.
func (a *AttentionMaps) Head(i, layer, head int) Matrix {
	return a.trim(i, a.Weights[i][layer][head])
}

// Mean returns the attention of one layer of example i averaged over its heads, over the real
// positions.
func (a *AttentionMaps) Mean(i, layer int) Matrix {
	sum := make(Matrix, a.Length)
	for q := range sum {
		sum[q] = make([]float64, a.Length)
	}
	for _, h := range a.Weights[i][layer] {
		for q, row := range h {
			for k, v := range row {
				sum[q][k] += v / float64(a.Heads)
			}
		}
	}
	return a.trim(i, sum)
}

// Rollout returns the attention rollout of example i (Abnar & Zuidema, 2020): how much each real
// position's final representation draws on each input position, through every layer. Each
// layer's head-averaged attention is mixed half and half with the identity, for the residual
// connection, its rows renormalized, and the layers multiplied from the first to the last.
// For "cls" pooling, row 0 shows what the classification token, and so the prediction, draws on.
func (a *AttentionMaps) Rollout(i int) Matrix {
	var r Matrix
	for l := range a.Layers {
		m := a.Mean(i, l)
		for q, row := range m {
			row[q] += 1
			sum := 0.0
			for _, v := range row {
				sum += v
			}
			for k := range row {
				row[k] /= sum
			}
		}
		if r == nil {
			r = m
			continue
		}
		r = matMul(m, r)
	}
	return r
}

// matMul returns a·b for square matrices of the same size.
func matMul(a, b Matrix) Matrix {
	n := len(a)
	out := make(Matrix, n)
	for i := range out {
		out[i] = make([]float64, n)
		for k := range n {
			if a[i][k] == 0 {
				continue
			}
			for j := range n {
				out[i][j] += a[i][k] * b[k][j]
			}
		}
	}
	return out
}

// Received returns the attention each real position of example i receives: the mean over
// real query positions of its column in layer's head-averaged map, or in the rollout when
// layer is -1. The values sum to 1.
func (a *AttentionMaps) Received(i, layer int) []float64 {
	var m Matrix
	if layer == -1 {
		m = a.Rollout(i)
	} else {
		m = a.Mean(i, layer)
	}
	out := make([]float64, len(m))
	for _, row := range m {
		for k, v := range row {
			out[k] += v / float64(len(m))
		}
	}
	return out
}

// Attention runs the run's transformer on the examples idx of d and returns the attention
// weights of every layer and head. It fails, saying so, for models that record no attention
// (anything but a transformer).
//
// The result keeps a Length×Length matrix per example, layer and head (for 512 positions,
// 2 layers and 4 heads that is 16 MB per example), so explain a few examples at a time.
func Attention(run *train.Run, d *data.Dataset, idx []int) (am *AttentionMaps, err error) {
	defer catch(&err, "attention")
	if err := checkRun(run); err != nil {
		return nil, err
	}
	if err := checkData(run, d); err != nil {
		return nil, err
	}
	if err := checkIndices(d, idx); err != nil {
		return nil, err
	}
	noAttention := func() error {
		return fmt.Errorf("explain: %s (a %q model) records no attention weights; attention maps need a transformer, e.g. models.Transformer().Done(); for other models use explain.Saliency (real-valued inputs)", runName(run), run.Model.Kind())
	}
	if run.Model.Kind() != "transformer" {
		return nil, noAttention()
	}

	hasMask := d.Mask != nil
	recorded := 0
	exec, err := model.NewExec(run.Backend(), run.Store(), func(scope *model.Scope, in []*graph.Node) []*graph.Node {
		run.Store().SetTraining(in[0].Graph(), false)
		var mask *graph.Node
		if hasMask {
			mask = in[1]
		}
		out, attn := run.BuildAttention(scope, models.Inputs{X: in[0], Mask: mask})
		recorded = len(attn)
		// The model's output goes last, although unused: the pure-Go backend sizes its
		// execution buffers by the last output node, so every node the graph created (such
		// as the output layer's variables) must come before one of the outputs.
		return append(attn, out)
	})
	if err != nil {
		return nil, graphError("attention", runName(run), err)
	}
	defer exec.Finalize()

	am = &AttentionMaps{Index: slices.Clone(idx)}
	b := min(batchSize, len(idx))
	for start := 0; start < len(idx); start += b {
		end := min(start+b, len(idx))
		var xs, ms [][]float32
		for _, i := range idx[start:end] {
			xs = append(xs, d.Example(i))
			ms = append(ms, maskRow(d, i))
		}
		args := []any{rowsTensor(padRows(xs, b), d.Shape)}
		if hasMask {
			args = append(args, rowsTensor(padRows(ms, b), []int{d.Shape[0]}))
		}
		outs, err := exec.Exec(args...)
		if err != nil {
			return nil, graphError("attention", runName(run), err)
		}
		outs[len(outs)-1].FinalizeAll()
		outs = outs[:len(outs)-1]
		if recorded == 0 {
			return nil, noAttention()
		}
		dims := outs[0].Shape().Dimensions // [batch, heads, query, key]
		if len(dims) != 4 || dims[2] != dims[3] {
			return nil, fmt.Errorf("explain: %s recorded attention weights of shape %v; expected [batch, heads, length, length]", runName(run), dims)
		}
		am.Layers, am.Heads, am.Length = len(outs), dims[1], dims[2]
		layers := make([][]float32, len(outs))
		for l, o := range outs {
			layers[l] = tensors.MustCopyFlatData[float32](o)
			o.FinalizeAll()
		}
		L, H := am.Length, am.Heads
		for r := range end - start {
			ex := make([][]Matrix, am.Layers)
			for l := range am.Layers {
				ex[l] = make([]Matrix, H)
				for h := range H {
					m := make(Matrix, L)
					base := ((r*H + h) * L) * L
					for q := range L {
						m[q] = make([]float64, L)
						for k := range L {
							m[q][k] = float64(layers[l][base+q*L+k])
						}
					}
					ex[l][h] = m
				}
			}
			am.Weights = append(am.Weights, ex)
		}
	}
	seqLen := d.Shape[0]
	switch am.Length {
	case seqLen:
	case seqLen + 1:
		am.CLS = true
	default:
		return nil, fmt.Errorf("explain: %s attends over %d positions, but the examples have %d; the attention weights cannot be matched to tokens", runName(run), am.Length, seqLen)
	}
	for _, i := range idx {
		mask, tokens := attentionTokens(d, i)
		if am.CLS {
			mask = append([]float32{1}, mask...)
			tokens = append([]string{CLSToken}, tokens...)
		}
		am.Mask = append(am.Mask, mask)
		am.Tokens = append(am.Tokens, tokens)
	}
	return am, nil
}

// attentionTokens returns the mask and the position labels of example i of d.
func attentionTokens(d *data.Dataset, i int) ([]float32, []string) {
	l := d.Shape[0]
	mask := make([]float32, l)
	if m := maskRow(d, i); m != nil {
		copy(mask, m)
	} else {
		for p := range mask {
			mask[p] = 1
		}
	}
	tokens := make([]string, l)
	x := d.Example(i)
	per := len(x) / l
	for p := range tokens {
		if d.Vocab != nil && per == 1 {
			tokens[p] = d.Vocab.Token(int(x[p]))
		} else {
			tokens[p] = strconv.Itoa(p)
		}
	}
	return mask, tokens
}
