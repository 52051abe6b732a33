// SPDX-License-Identifier: Apache-2.0

package models

import (
	"fmt"
	"math"
	"strings"

	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/ml/layers/activation"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/ml/model/initializer"
)

// TransformerConfig is a transformer encoder: token embedding (or a linear projection of float
// features), position encoding, blocks of multi-head self-attention and feed-forward layers
// with residual connections and layer normalization, pooling, and the output layer.
//
// Padded positions (Inputs.Mask 0) are never attended to and are left out of mean pooling, so a
// padded sequence gives the same result as the unpadded one. The attention weights of every
// block, [batch, heads, query, key], are recorded with Builder.RecordAttention.
type TransformerConfig struct {
	DimModel    int     `json:"dim"`
	NumHeads    int     `json:"heads"`
	NumBlocks   int     `json:"blocks"`
	FFDim       int     `json:"ff_dim,omitempty"` // 0: 2·dim
	DropoutRate float64 `json:"dropout"`
	PositionsN  string  `json:"positions"`            // "sinusoidal", "learned" or "none"
	MaxLen      int     `json:"max_length,omitempty"` // rows of the learned position table; 0: the input length
	PostNormOn  bool    `json:"post_norm,omitempty"`
	PoolingN    string  `json:"pooling"`    // "mean" or "cls"
	ActivationN string  `json:"activation"` // of the feed-forward layers

	opts optionErrors // invalid option values, reported by Validate; not part of the JSON
}

func init() { Register("transformer", func() Model { return &TransformerConfig{} }) }

// Transformer returns a small encoder: model width 64, 4 heads, 2 blocks, feed-forward width
// 128 with GELU, dropout 0.1, sinusoidal positions, pre-norm blocks and mean pooling.
func Transformer() *TransformerConfig {
	return &TransformerConfig{DimModel: 64, NumHeads: 4, NumBlocks: 2, DropoutRate: 0.1,
		PositionsN: "sinusoidal", PoolingN: "mean", ActivationN: "gelu"}
}

// Dim sets the model width (embedding size), 1 or more; it must be a multiple of the number
// of heads (checked by Validate, since Heads may come later in the chain).
func (c *TransformerConfig) Dim(d int) *TransformerConfig {
	c.DimModel = d
	c.opts.set("Dim", call("Dim", d), checkAtLeast("the model width", d, 1, "Dim(64)"))
	return c
}

// Heads sets the number of attention heads, 1 or more.
func (c *TransformerConfig) Heads(n int) *TransformerConfig {
	c.NumHeads = n
	c.opts.set("Heads", call("Heads", n), checkAtLeast("the number of heads", n, 1, "Heads(4)"))
	return c
}

// Blocks sets the number of encoder blocks (0 or more; 2 is usual).
func (c *TransformerConfig) Blocks(n int) *TransformerConfig {
	c.NumBlocks = n
	c.opts.set("Blocks", call("Blocks", n), checkAtLeast("the number of blocks", n, 0, "Blocks(2)"))
	return c
}

// FeedForward sets the width of the feed-forward layers, 1 or more (default twice the model
// width).
func (c *TransformerConfig) FeedForward(width int) *TransformerConfig {
	c.FFDim = width
	c.opts.set("FeedForward", call("FeedForward", width), checkAtLeast("the feed-forward width", width, 1, "FeedForward(128)"))
	return c
}

// Dropout sets the dropout rate used after attention, feed-forward and pooling while training,
// in [0, 1).
func (c *TransformerConfig) Dropout(rate float64) *TransformerConfig {
	c.DropoutRate = rate
	c.opts.set("Dropout", call("Dropout", rate), checkRate(rate))
	return c
}

// Positions chooses the position encoding: "sinusoidal" (fixed), "learned" (a trained table)
// or "none".
func (c *TransformerConfig) Positions(kind string) *TransformerConfig {
	c.PositionsN = kind
	c.opts.set("Positions", call("Positions", kind), checkChoice("positions", kind, true, "sinusoidal", "learned", "none"))
	return c
}

// MaxLength sets the number of rows of the learned position table (1 or more), so that the
// same model can take sequences of any length up to n.
func (c *TransformerConfig) MaxLength(n int) *TransformerConfig {
	c.MaxLen = n
	c.opts.set("MaxLength", call("MaxLength", n), checkAtLeast("the maximum length", n, 1, "MaxLength(128)"))
	return c
}

// PostNorm normalizes after each residual connection, as in the original transformer, instead of
// before each sub-layer (pre-norm, the default, which trains more stably).
func (c *TransformerConfig) PostNorm() *TransformerConfig { c.PostNormOn = true; return c }

// Pooling chooses what the head sees: "mean" (the average over real positions) or "cls" (a
// learned classification token prepended to the sequence).
func (c *TransformerConfig) Pooling(p string) *TransformerConfig {
	c.PoolingN = p
	c.opts.set("Pooling", call("Pooling", p), checkChoice("pooling", p, true, "mean", "cls"))
	return c
}

// Activation sets the activation of the feed-forward layers (default gelu).
func (c *TransformerConfig) Activation(name string) *TransformerConfig {
	c.ActivationN = name
	c.opts.set("Activation", call("Activation", name), checkActivation(name))
	return c
}

// Done finishes the configuration. It returns a copy that shares nothing with the builder, so
// one builder can make several models. Options given invalid values are reported, naming the
// option, by Validate, Summary and train's Fit.
func (c *TransformerConfig) Done() Model { return c.clone() }

func (c *TransformerConfig) clone() *TransformerConfig {
	out := *c // no slices or maps among the settings
	out.opts = c.opts.clone()
	return &out
}

// Kind implements Model.
func (c *TransformerConfig) Kind() string { return "transformer" }

func (c *TransformerConfig) ffDim() int {
	if c.FFDim > 0 {
		return c.FFDim
	}
	return 2 * c.DimModel
}

// Validate implements Validator.
func (c *TransformerConfig) Validate(exampleShape []int, vocabSize int) error {
	if err := c.opts.err("Transformer"); err != nil {
		return err
	}
	switch {
	case c.DimModel <= 0:
		return fmt.Errorf("Transformer: model width %d; use a positive width, e.g. Dim(64)", c.DimModel)
	case c.NumHeads <= 0:
		return fmt.Errorf("Transformer: %d heads; use 1 or more", c.NumHeads)
	case c.DimModel%c.NumHeads != 0:
		return fmt.Errorf("Transformer: model width %d is not a multiple of the %d heads; e.g. Dim(%d)", c.DimModel, c.NumHeads, (c.DimModel/c.NumHeads+1)*c.NumHeads)
	case c.NumBlocks < 0:
		return fmt.Errorf("Transformer: %d blocks; the count cannot be negative (2 is usual)", c.NumBlocks)
	case c.FFDim < 0:
		return fmt.Errorf("Transformer: feed-forward width %d is negative", c.FFDim)
	case c.DropoutRate < 0 || c.DropoutRate >= 1:
		return fmt.Errorf("Transformer: dropout rate %v is outside [0, 1)", c.DropoutRate)
	case c.MaxLen < 0:
		return fmt.Errorf("Transformer: maximum length %d is negative", c.MaxLen)
	}
	switch strings.ToLower(c.PositionsN) {
	case "", "sinusoidal", "learned", "none":
	default:
		return fmt.Errorf("Transformer: unknown positions %q; use \"sinusoidal\", \"learned\" or \"none\"", c.PositionsN)
	}
	switch strings.ToLower(c.PoolingN) {
	case "", "mean", "cls":
	default:
		return fmt.Errorf("Transformer: unknown pooling %q; use \"mean\" or \"cls\"", c.PoolingN)
	}
	if _, err := activationByName(c.ActivationN); err != nil {
		return fmt.Errorf("Transformer: %w", err)
	}
	if err := checkSequenceShape("Transformer", exampleShape, vocabSize); err != nil {
		return err
	}
	if strings.ToLower(c.PositionsN) == "learned" && c.MaxLen > 0 && exampleShape[0] > c.MaxLen {
		return fmt.Errorf("Transformer: sequences of length %d are longer than the learned position table (%d rows); raise MaxLength", exampleShape[0], c.MaxLen)
	}
	return nil
}

// Build implements Model.
func (c *TransformerConfig) Build(b *Builder, in Inputs, outputs int) *graph.Node {
	if err := c.opts.err("Transformer"); err != nil {
		panic(err)
	}
	act, err := activationByName(c.ActivationN)
	if err != nil {
		panic(err)
	}
	if c.DimModel <= 0 || c.NumHeads <= 0 || c.DimModel%c.NumHeads != 0 {
		panic(fmt.Errorf("Transformer: model width %d must be a positive multiple of the %d heads", c.DimModel, c.NumHeads))
	}
	d := c.DimModel
	var x *graph.Node
	if b.VocabSize > 0 {
		scope := b.Scope.In("embedding")
		x = embed(scope, tokenIDs(in.X), b.VocabSize, d)
		b.Record(fmt.Sprintf("embedding (%d→%d)", b.VocabSize, d), scope, x)
	} else {
		scope := b.Scope.In("input_projection")
		x = dense(scope, sequenceFeatures(in.X), d)
		b.Record(fmt.Sprintf("input_projection (%d)", d), scope, x)
	}
	g := x.Graph()
	batch, length := x.Shape().Dimensions[0], x.Shape().Dimensions[1]
	switch strings.ToLower(c.PositionsN) {
	case "", "sinusoidal":
		x = graph.Add(x, graph.InsertAxes(sinusoidal(g, length, d), 0))
		b.Record("positions (sinusoidal)", nil, x)
	case "learned":
		rows := c.MaxLen
		if rows == 0 {
			rows = length
		}
		if length > rows {
			panic(fmt.Errorf("Transformer: sequence length %d exceeds the learned position table (%d rows); raise MaxLength", length, rows))
		}
		scope := b.Scope.In("positions")
		table := scope.WithInitializer(initializer.RandomNormalFn(scope, 0.02)).
			VariableWithShape("embeddings", shapes.Make(dtypes.Float32, rows, d)).NodeValue(g)
		if rows > length {
			table = graph.SliceAxis(table, 0, graph.AxisRange(0, length))
		}
		x = graph.Add(x, graph.InsertAxes(table, 0))
		b.Record(fmt.Sprintf("positions (learned, %d)", rows), scope, x)
	case "none":
	default:
		panic(fmt.Errorf("Transformer: unknown positions %q", c.PositionsN))
	}
	mask := in.Mask
	if mask != nil {
		mask = graph.StopGradient(mask)
		if mask.DType() != dtypes.Float32 {
			mask = graph.ConvertDType(mask, dtypes.Float32)
		}
	}
	cls := strings.ToLower(c.PoolingN) == "cls"
	if cls {
		scope := b.Scope.In("cls")
		token := scope.WithInitializer(initializer.RandomNormalFn(scope, 0.02)).
			VariableWithShape("token", shapes.Make(dtypes.Float32, 1, 1, d)).NodeValue(g)
		x = graph.Concatenate([]*graph.Node{graph.BroadcastToDims(token, batch, 1, d), x}, 1)
		if mask != nil {
			mask = graph.Concatenate([]*graph.Node{graph.Ones(g, shapes.Make(dtypes.Float32, batch, 1)), mask}, 1)
		}
		b.Record("cls token", scope, x)
	}
	x = Dropout(b, x, c.DropoutRate)
	for i := range c.NumBlocks {
		scope := b.Scope.In("block_%d", i)
		x = c.block(b, scope, x, mask, act)
		norm := "pre-norm"
		if c.PostNormOn {
			norm = "post-norm"
		}
		b.Record(fmt.Sprintf("encoder_block_%d (%d heads, ff %d, %s)", i, c.NumHeads, c.ffDim(), norm), scope, x)
	}
	if !c.PostNormOn && c.NumBlocks > 0 {
		scope := b.Scope.In("final_norm")
		x = layerNorm(scope, x)
		b.Record("layer_norm", scope, x)
	}
	if cls {
		x = graph.Squeeze(graph.SliceAxis(x, 1, graph.AxisRange(0, 1)), 1)
		b.Record("cls pooling", nil, x)
	} else {
		x = maskedMean(x, mask)
		b.Record("mean pooling", nil, x)
	}
	x = Dropout(b, x, c.DropoutRate)
	scope := b.Scope.In("output")
	x = dense(scope, x, outputs)
	b.Record(fmt.Sprintf("output (%d)", outputs), scope, x)
	return x
}

// block is one encoder block: self-attention and feed-forward, each with a residual connection.
func (c *TransformerConfig) block(b *Builder, scope *model.Scope, x, mask *graph.Node, act activation.Type) *graph.Node {
	attend := func(h *graph.Node) *graph.Node {
		return Dropout(b, c.selfAttention(b, scope.In("attention"), h, mask), c.DropoutRate)
	}
	feedForward := func(h *graph.Node) *graph.Node {
		s := scope.In("feed_forward")
		h = activation.Apply(act, dense(s.In("hidden"), h, c.ffDim()))
		return Dropout(b, dense(s.In("output"), h, c.DimModel), c.DropoutRate)
	}
	if c.PostNormOn {
		x = layerNorm(scope.In("norm_attention"), graph.Add(x, attend(x)))
		return layerNorm(scope.In("norm_feed_forward"), graph.Add(x, feedForward(x)))
	}
	x = graph.Add(x, attend(layerNorm(scope.In("norm_attention"), x)))
	return graph.Add(x, feedForward(layerNorm(scope.In("norm_feed_forward"), x)))
}

// selfAttention is multi-head scaled dot-product self-attention over x [batch, length, dim];
// keys where mask [batch, length] is 0 get no weight.
func (c *TransformerConfig) selfAttention(b *Builder, scope *model.Scope, x, mask *graph.Node) *graph.Node {
	dims := x.Shape().Dimensions
	batch, length, d := dims[0], dims[1], dims[2]
	heads := c.NumHeads
	dh := d / heads
	split := func(name string) *graph.Node {
		return graph.Reshape(dense(scope.In("%s", name), x, d), batch, length, heads, dh)
	}
	q, k, v := split("query"), split("key"), split("value")
	scores := graph.MulScalar(graph.Einsum("bqhd,bkhd->bhqk", q, k), 1/math.Sqrt(float64(dh)))
	if mask != nil {
		// Padded keys get -1e9 added: after the softmax their weight is exactly 0.
		penalty := graph.MulScalar(graph.OneMinus(mask), -1e9)
		scores = graph.Add(scores, graph.Reshape(penalty, batch, 1, 1, length))
	}
	var weights *graph.Node
	if b.Training {
		weights = softmaxForTraining(scores)
	} else {
		weights = graph.Softmax(scores, -1)
	}
	b.RecordAttention(weights)
	out := graph.Reshape(graph.Einsum("bhqk,bkhd->bqhd", weights, v), batch, length, d)
	return dense(scope.In("output"), out, d)
}

// softmaxForTraining is graph.Softmax over the last axis with its gradient written in terms of
// the softmax output w: w·(v − Σ v·w) for the incoming gradient v. graph.Softmax adds a
// decomposed copy of itself (with an Exp op) to training graphs for its gradient, and on the
// pure-Go backend built with GOEXPERIMENT=simd that Exp runs up to 100× slower than usual (Go's
// math.Exp mixes SSE and AVX instructions, which stall after the SIMD matrix products); this
// made a transformer's training step about 5× slower. The value is graph.Softmax's, fused where
// the backend can, and y − StopGradient(y) adds exactly zero while routing the gradient.
func softmaxForTraining(scores *graph.Node) *graph.Node {
	w := graph.Softmax(graph.StopGradient(scores), -1)
	y := graph.IdentityWithCustomGradient(scores, func(_, v *graph.Node) *graph.Node {
		return graph.Mul(w, graph.Sub(v, graph.ReduceAndKeep(graph.Mul(v, w), graph.ReduceSum, -1)))
	})
	return graph.Add(w, graph.Sub(y, graph.StopGradient(y)))
}
