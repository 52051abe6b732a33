// SPDX-License-Identifier: Apache-2.0

package models

import (
	"fmt"
	"slices"
	"strings"

	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/ml/layers/activation"
)

// ConvBlock is one block of a CNN: a convolution, optional batch normalization, the activation,
// optional max pooling and optional dropout.
type ConvBlock struct {
	Filters   int     `json:"filters"`
	Kernel    int     `json:"kernel"`            // window size along every spatial axis
	Stride    int     `json:"stride,omitempty"`  // 0 or 1: every position
	Padding   string  `json:"padding,omitempty"` // "valid" (default) or "same"
	BatchNorm bool    `json:"batch_norm,omitempty"`
	Pool      int     `json:"pool,omitempty"`    // max pooling window and stride; 0 or 1: none
	Dropout   float64 `json:"dropout,omitempty"` // dropout rate after the block while training
}

// CNNConfig is a convolutional network: convolution blocks, then flattening or global average
// pooling, then dense layers and the output layer.
//
// SpatialDims 2 takes images, [height, width] or [height, width, channels] per example.
// SpatialDims 1 takes signals, [length] or [length, channels], or token sequences [length] when
// the data has a vocabulary (tokens are one-hot encoded, or embedded with Embedding).
type CNNConfig struct {
	SpatialDims int         `json:"spatial_dims"`
	Blocks      []ConvBlock `json:"blocks"`
	ActivationN string      `json:"activation"`
	GlobalPool  bool        `json:"global_pool,omitempty"`
	Hidden      []int       `json:"dense"`
	DropoutRate float64     `json:"dropout,omitempty"`
	EmbedDim    int         `json:"embed_dim,omitempty"`
	Momentum    float64     `json:"batch_norm_momentum,omitempty"` // 0: 0.99

	opts optionErrors // invalid option values, reported by Validate; not part of the JSON
}

func init() { Register("cnn", func() Model { return &CNNConfig{} }) }

// CNN returns a 2-D convolutional network for images with one block per filter count (default
// 32, 64). Each block is a 3×3 convolution with "valid" padding, ReLU and 2×2 max pooling; the
// head flattens the feature maps and adds a dense layer of 128 units with dropout 0.5.
func CNN(filters ...int) *CNNConfig {
	if len(filters) == 0 {
		filters = []int{32, 64}
	}
	c := &CNNConfig{SpatialDims: 2, ActivationN: "relu", Hidden: []int{128}, DropoutRate: 0.5}
	for _, f := range filters {
		c.Blocks = append(c.Blocks, ConvBlock{Filters: f, Kernel: 3, Padding: "valid", Pool: 2})
	}
	c.opts.set("new", call("CNN", ints(filters)...), checkFilters(filters, "CNN(32, 64)"))
	return c
}

func checkFilters(filters []int, example string) string {
	for i, f := range filters {
		if f <= 0 {
			return fmt.Sprintf("block %d has %d filters; filter counts must be 1 or more, e.g. %s", i, f, example)
		}
	}
	return ""
}

// CNN1D returns a 1-D convolutional network for signals and token sequences with one block per
// filter count (default 32, 64). Each block is a convolution of width 5 with "same" padding,
// ReLU and max pooling by 2; the head averages over the remaining positions (padding excluded)
// and adds a dense layer of 64 units.
func CNN1D(filters ...int) *CNNConfig {
	if len(filters) == 0 {
		filters = []int{32, 64}
	}
	c := &CNNConfig{SpatialDims: 1, ActivationN: "relu", Hidden: []int{64}, GlobalPool: true}
	for _, f := range filters {
		c.Blocks = append(c.Blocks, ConvBlock{Filters: f, Kernel: 5, Padding: "same", Pool: 2})
	}
	c.opts.set("new", call("CNN1D", ints(filters)...), checkFilters(filters, "CNN1D(32, 64)"))
	return c
}

// SeedCNN is the classic Keras MNIST network: Conv(32, 3×3, ReLU), MaxPool(2), Conv(64, 3×3,
// ReLU), MaxPool(2), Flatten, Dense(128, ReLU), Dropout(0.5), Dense(outputs). For 28×28×1 inputs
// and 10 outputs it has 225,034 trainable parameters.
func SeedCNN() Model {
	return CNN(32, 64).Kernel(3).Padding("valid").Pool(2).Dense(128).Dropout(0.5).Done()
}

// Kernel sets the convolution window size of every block, 1 or more.
func (c *CNNConfig) Kernel(size int) *CNNConfig {
	for i := range c.Blocks {
		c.Blocks[i].Kernel = size
	}
	c.opts.set("Kernel", call("Kernel", size), checkAtLeast("the kernel size", size, 1, "Kernel(3)"))
	return c
}

// Stride sets the convolution stride of every block, 1 or more.
func (c *CNNConfig) Stride(stride int) *CNNConfig {
	for i := range c.Blocks {
		c.Blocks[i].Stride = stride
	}
	c.opts.set("Stride", call("Stride", stride), checkAtLeast("the stride", stride, 1, "Stride(2)"))
	return c
}

// Padding sets the convolution padding of every block: "valid" (no padding; the output shrinks
// by kernel-1) or "same" (zero padding; the output keeps the input size at stride 1).
func (c *CNNConfig) Padding(padding string) *CNNConfig {
	for i := range c.Blocks {
		c.Blocks[i].Padding = padding
	}
	c.opts.set("Padding", call("Padding", padding), checkChoice("padding", padding, true, "valid", "same"))
	return c
}

// BatchNorm adds batch normalization after the convolution of every block.
func (c *CNNConfig) BatchNorm() *CNNConfig {
	for i := range c.Blocks {
		c.Blocks[i].BatchNorm = true
	}
	return c
}

// BatchNormMomentum sets the momentum of the batch-norm moving averages, in (0, 1) (default
// 0.99). A momentum of 0 is refused rather than read as "the default", as the stored field is.
func (c *CNNConfig) BatchNormMomentum(m float64) *CNNConfig {
	c.Momentum = m
	msg := ""
	if !(m > 0 && m < 1) {
		msg = fmt.Sprintf("the momentum is %v; it must be in (0, 1), e.g. 0.99", m)
	}
	c.opts.set("BatchNormMomentum", call("BatchNormMomentum", m), msg)
	return c
}

// Pool sets the max pooling window of every block; 0 or 1 means no pooling.
func (c *CNNConfig) Pool(window int) *CNNConfig {
	for i := range c.Blocks {
		c.Blocks[i].Pool = window
	}
	c.opts.set("Pool", call("Pool", window), checkAtLeast("the pooling window", window, 0, "Pool(2), or Pool(0) for none"))
	return c
}

// BlockDropout sets the dropout rate applied after every block while training, in [0, 1).
func (c *CNNConfig) BlockDropout(rate float64) *CNNConfig {
	for i := range c.Blocks {
		c.Blocks[i].Dropout = rate
	}
	c.opts.set("BlockDropout", call("BlockDropout", rate), checkRate(rate))
	return c
}

// AddBlock appends a block configured in full.
func (c *CNNConfig) AddBlock(block ConvBlock) *CNNConfig {
	c.Blocks = append(c.Blocks, block)
	i := len(c.Blocks) - 1
	msg := ""
	switch {
	case block.Filters <= 0:
		msg = checkAtLeast("Filters", block.Filters, 1, "32")
	case block.Kernel <= 0:
		msg = checkAtLeast("Kernel", block.Kernel, 1, "3")
	case block.Stride < 0:
		msg = checkAtLeast("Stride", block.Stride, 0, "1 (0 also means 1)")
	case block.Pool < 0:
		msg = checkAtLeast("Pool", block.Pool, 0, "2 (0: no pooling)")
	case checkRate(block.Dropout) != "":
		msg = "Dropout: " + checkRate(block.Dropout)
	default:
		if _, err := paddingSame(block.Padding); err != nil {
			msg = "Padding: " + err.Error()
		}
	}
	// Keyed by the block's index: each AddBlock call is its own option.
	c.opts.set(fmt.Sprintf("AddBlock %d", i), fmt.Sprintf("AddBlock(%+v) (block %d)", block, i), msg)
	return c
}

// Dense sets the widths of the dense layers of the head (none for an empty list), each 1 or
// more.
func (c *CNNConfig) Dense(units ...int) *CNNConfig {
	c.Hidden = slices.Clone(units) // the caller's slice may change after this call
	c.opts.set("Dense", call("Dense", ints(units)...), checkWidths("dense layer", units, "Dense(128)"))
	return c
}

// Dropout sets the dropout rate after each dense layer of the head while training, in [0, 1).
func (c *CNNConfig) Dropout(rate float64) *CNNConfig {
	c.DropoutRate = rate
	c.opts.set("Dropout", call("Dropout", rate), checkRate(rate))
	return c
}

// GlobalAvgPool averages each feature map over its positions instead of flattening.
func (c *CNNConfig) GlobalAvgPool() *CNNConfig { c.GlobalPool = true; return c }

// Flatten flattens the feature maps into the head instead of averaging them.
func (c *CNNConfig) Flatten() *CNNConfig { c.GlobalPool = false; return c }

// Activation sets the activation by name: relu, gelu, swish, tanh, sigmoid, leaky_relu.
func (c *CNNConfig) Activation(name string) *CNNConfig {
	c.ActivationN = name
	c.opts.set("Activation", call("Activation", name), checkActivation(name))
	return c
}

// Embedding embeds token inputs (1-D only) in dim dimensions (1 or more) instead of one-hot
// encoding them.
func (c *CNNConfig) Embedding(dim int) *CNNConfig {
	c.EmbedDim = dim
	c.opts.set("Embedding", call("Embedding", dim), checkAtLeast("the embedding size", dim, 1, "Embedding(16)"))
	return c
}

// Done finishes the configuration. It returns a copy that shares nothing with the builder
// (blocks and dense widths included), so one builder can make several models. Options given
// invalid values are reported, naming the option, by Validate, Summary and train's Fit.
func (c *CNNConfig) Done() Model { return c.clone() }

func (c *CNNConfig) clone() *CNNConfig {
	out := *c
	out.Blocks = slices.Clone(c.Blocks) // ConvBlock holds no references: a shallow copy is deep
	out.Hidden = slices.Clone(c.Hidden) // nil stays nil: the JSON is unchanged
	out.opts = c.opts.clone()
	return &out
}

// Kind implements Model.
func (c *CNNConfig) Kind() string { return "cnn" }

func (c *CNNConfig) name() string {
	if c.SpatialDims == 1 {
		return "CNN1D"
	}
	return "CNN"
}

// Validate implements Validator: it checks the configuration and follows the feature-map size
// through every block.
func (c *CNNConfig) Validate(exampleShape []int, vocabSize int) error {
	name := c.name()
	if err := c.opts.err(name); err != nil {
		return err
	}
	if c.SpatialDims != 1 && c.SpatialDims != 2 {
		return fmt.Errorf("%s: spatial_dims is %d; use CNN() for images (2) or CNN1D() for signals (1)", name, c.SpatialDims)
	}
	if _, err := activationByName(c.ActivationN); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	for i, h := range c.Hidden {
		if h <= 0 {
			return fmt.Errorf("%s: dense layer %d has width %d; widths must be positive, e.g. Dense(128)", name, i, h)
		}
	}
	if c.DropoutRate < 0 || c.DropoutRate >= 1 {
		return fmt.Errorf("%s: dropout rate %v is outside [0, 1)", name, c.DropoutRate)
	}
	if c.Momentum < 0 || c.Momentum >= 1 {
		return fmt.Errorf("%s: batch-norm momentum %v is outside [0, 1); 0.99 is usual", name, c.Momentum)
	}
	if c.EmbedDim < 0 {
		return fmt.Errorf("%s: embedding size %d is negative", name, c.EmbedDim)
	}
	var size []int
	if c.SpatialDims == 2 {
		if vocabSize > 0 {
			return fmt.Errorf("CNN: 2-D convolutions take images, but the data has a vocabulary of %d tokens; use CNN1D, LSTM or Transformer for token sequences", vocabSize)
		}
		if len(exampleShape) != 2 && len(exampleShape) != 3 {
			return fmt.Errorf("CNN: examples have shape %v; 2-D convolutions need [height, width] or [height, width, channels] (use CNN1D for [length, channels], MLP for feature vectors)", exampleShape)
		}
		size = []int{exampleShape[0], exampleShape[1]}
	} else {
		switch {
		case vocabSize > 0 && !(len(exampleShape) == 1 || len(exampleShape) == 2 && exampleShape[1] == 1):
			return fmt.Errorf("CNN1D: token examples have shape %v; expected [length]", exampleShape)
		case len(exampleShape) != 1 && len(exampleShape) != 2:
			return fmt.Errorf("CNN1D: examples have shape %v; 1-D convolutions need [length] or [length, channels] (use CNN for images)", exampleShape)
		}
		size = []int{exampleShape[0]}
	}
	for _, s := range exampleShape {
		if s <= 0 {
			return fmt.Errorf("%s: example shape %v has a non-positive dimension", name, exampleShape)
		}
	}
	for i, bl := range c.Blocks {
		switch {
		case bl.Filters <= 0:
			return fmt.Errorf("%s: block %d has %d filters; use a positive count, e.g. 32", name, i, bl.Filters)
		case bl.Kernel <= 0:
			return fmt.Errorf("%s: block %d has kernel size %d; use a positive size, e.g. 3", name, i, bl.Kernel)
		case bl.Stride < 0:
			return fmt.Errorf("%s: block %d has stride %d; use 1 or more", name, i, bl.Stride)
		case bl.Pool < 0:
			return fmt.Errorf("%s: block %d has pooling window %d; use 0 (none) or 2 or more", name, i, bl.Pool)
		case bl.Dropout < 0 || bl.Dropout >= 1:
			return fmt.Errorf("%s: block %d has dropout rate %v outside [0, 1)", name, i, bl.Dropout)
		}
		same, err := paddingSame(bl.Padding)
		if err != nil {
			return fmt.Errorf("%s: block %d: %w", name, i, err)
		}
		stride := max(bl.Stride, 1)
		for a := range size {
			if same {
				size[a] = (size[a] + stride - 1) / stride
			} else {
				if size[a] < bl.Kernel {
					return fmt.Errorf("%s: block %d: the kernel of size %d does not fit the %d-wide feature map; use Padding(\"same\"), a smaller kernel, fewer pooling layers or larger inputs (example shape %v)", name, i, bl.Kernel, size[a], exampleShape)
				}
				size[a] = (size[a]-bl.Kernel)/stride + 1
			}
			if bl.Pool > 1 {
				size[a] /= bl.Pool
				if size[a] < 1 {
					return fmt.Errorf("%s: block %d: max pooling by %d leaves an empty feature map; use fewer pooling layers, Padding(\"same\") or larger inputs (example shape %v)", name, i, bl.Pool, exampleShape)
				}
			}
		}
	}
	return nil
}

func paddingSame(p string) (bool, error) {
	switch strings.ToLower(p) {
	case "", "valid":
		return false, nil
	case "same":
		return true, nil
	}
	return false, fmt.Errorf("unknown padding %q; use \"valid\" or \"same\"", p)
}

// Build implements Model.
func (c *CNNConfig) Build(b *Builder, in Inputs, outputs int) *graph.Node {
	if err := c.opts.err(c.name()); err != nil {
		panic(err)
	}
	act, err := activationByName(c.ActivationN)
	if err != nil {
		panic(err)
	}
	momentum := c.Momentum
	if momentum == 0 {
		momentum = 0.99
	}
	x := in.X
	var mask *graph.Node
	if c.SpatialDims == 2 {
		if x.DType() != dtypes.Float32 {
			x = graph.ConvertDType(x, dtypes.Float32)
		}
		if x.Rank() == 3 {
			x = graph.InsertAxes(x, -1)
		}
		if x.Rank() != 4 {
			panic(fmt.Errorf("CNN: input must be [batch, height, width] or [batch, height, width, channels], got %v", in.X.Shape().Dimensions))
		}
	} else {
		mask = in.Mask
		if b.VocabSize > 0 {
			ids := tokenIDs(x)
			scope := b.Scope.In("embedding")
			if c.EmbedDim > 0 {
				x = embed(scope, ids, b.VocabSize, c.EmbedDim)
				b.Record(fmt.Sprintf("embedding (%d→%d)", b.VocabSize, c.EmbedDim), scope, x)
			} else {
				x = graph.OneHot(ids, b.VocabSize, x.DType())
				b.Record(fmt.Sprintf("one_hot (%d)", b.VocabSize), nil, x)
			}
			if mask != nil {
				x = graph.Mul(x, graph.InsertAxes(graph.StopGradient(mask), -1))
			}
		} else {
			x = sequenceFeatures(x)
		}
	}
	for i, bl := range c.Blocks {
		same, err := paddingSame(bl.Padding)
		if err != nil {
			panic(fmt.Errorf("%s: block %d: %w", c.name(), i, err))
		}
		stride := max(bl.Stride, 1)
		kernel := make([]int, c.SpatialDims)
		strides := make([]int, c.SpatialDims)
		for a := range kernel {
			kernel[a], strides[a] = bl.Kernel, stride
		}
		scope := b.Scope.In("conv_%d", i)
		x = convIm2col(scope.In("conv"), x, bl.Filters, kernel, strides, same)
		mask = poolMask(mask, bl.Kernel, stride, same)
		window := fmt.Sprint(bl.Kernel)
		if c.SpatialDims == 2 {
			window = fmt.Sprintf("%d×%d", bl.Kernel, bl.Kernel)
		}
		if bl.BatchNorm {
			x = batchNorm(b.forBatchNorm(), scope.In("batch_norm"), x, momentum, 1e-3)
		}
		x = activation.Apply(act, x)
		if i == len(c.Blocks)-1 {
			b.RecordFeatureMap(x)
		}
		desc := fmt.Sprintf("conv%dd_%d (%d, %s, %s", c.SpatialDims, i, bl.Filters, window, c.ActivationN)
		if bl.BatchNorm {
			desc += ", batch norm"
		}
		b.Record(desc+")", scope, x)
		if bl.Pool > 1 {
			x = maxPool(x, bl.Pool)
			mask = poolMask(mask, bl.Pool, bl.Pool, false)
			b.Record(fmt.Sprintf("max_pool_%d (%d)", i, bl.Pool), nil, x)
		}
		if bl.Dropout > 0 {
			x = Dropout(b, x, bl.Dropout)
			b.Record(fmt.Sprintf("dropout (%g)", bl.Dropout), nil, x)
		}
	}
	if c.GlobalPool {
		if x.Rank() == 4 {
			x = graph.ReduceMean(x, 1, 2)
		} else {
			x = maskedMean(x, mask)
		}
		b.Record("global_avg_pool", nil, x)
	} else {
		x = graph.Reshape(x, x.Shape().Dimensions[0], -1)
		b.Record("flatten", nil, x)
	}
	for i, h := range c.Hidden {
		scope := b.Scope.In("dense_%d", i)
		x = activation.Apply(act, dense(scope, x, h))
		b.Record(fmt.Sprintf("dense_%d (%d, %s)", i, h, c.ActivationN), scope, x)
		if c.DropoutRate > 0 {
			x = Dropout(b, x, c.DropoutRate)
			b.Record(fmt.Sprintf("dropout (%g)", c.DropoutRate), nil, x)
		}
	}
	scope := b.Scope.In("output")
	x = dense(scope, x, outputs)
	b.Record(fmt.Sprintf("output (%d)", outputs), scope, x)
	return x
}
