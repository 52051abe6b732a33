// SPDX-License-Identifier: Apache-2.0

package models

import (
	"fmt"
	"slices"

	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/ml/layers"
	"github.com/gomlx/gomlx/ml/layers/activation"
)

// MLPConfig is a multi-layer perceptron: dense layers with an activation and optional dropout.
type MLPConfig struct {
	Hidden      []int   `json:"hidden"`
	ActivationN string  `json:"activation"`
	DropoutRate float64 `json:"dropout"`

	opts optionErrors // invalid option values, reported by Validate; not part of the JSON
}

func init() { Register("mlp", func() Model { return &MLPConfig{} }) }

// MLP returns a multi-layer perceptron with the given hidden layer widths (default: one layer of
// 64), ReLU activations and no dropout. Widths must be 1 or more.
func MLP(hidden ...int) *MLPConfig {
	if len(hidden) == 0 {
		hidden = []int{64}
	}
	// A copy: the caller's slice (MLP(widths...)) may change after this call.
	c := &MLPConfig{Hidden: slices.Clone(hidden), ActivationN: "relu"}
	c.opts.set("MLP", call("MLP", ints(hidden)...), checkWidths("hidden layer", hidden, "MLP(64, 32)"))
	return c
}

// Activation sets the activation by name: relu, gelu, swish, tanh, sigmoid, leaky_relu.
func (c *MLPConfig) Activation(name string) *MLPConfig {
	c.ActivationN = name
	c.opts.set("Activation", call("Activation", name), checkActivation(name))
	return c
}

// Dropout sets the dropout rate applied after each hidden layer while training, in [0, 1).
func (c *MLPConfig) Dropout(rate float64) *MLPConfig {
	c.DropoutRate = rate
	c.opts.set("Dropout", call("Dropout", rate), checkRate(rate))
	return c
}

// Done finishes the configuration. It returns a copy that shares nothing with the builder, so
// one builder can make several models: base.Dropout(0.1).Done() keeps dropout 0.1 even after
// base.Dropout(0.5). Options given invalid values are reported, naming the option, by
// Validate, Summary and train's Fit.
func (c *MLPConfig) Done() Model { return c.clone() }

func (c *MLPConfig) clone() *MLPConfig {
	out := *c
	out.Hidden = slices.Clone(c.Hidden) // nil stays nil and empty stays empty: the JSON is unchanged
	out.opts = c.opts.clone()
	return &out
}

// Kind implements Model.
func (c *MLPConfig) Kind() string { return "mlp" }

// Validate implements Validator.
func (c *MLPConfig) Validate(exampleShape []int, _ int) error {
	if err := c.opts.err("MLP"); err != nil {
		return err
	}
	for i, h := range c.Hidden {
		if h <= 0 {
			return fmt.Errorf("MLP: hidden layer %d has width %d; widths must be positive, e.g. MLP(64, 32)", i, h)
		}
	}
	if c.DropoutRate < 0 || c.DropoutRate >= 1 {
		return fmt.Errorf("MLP: dropout rate %v is outside [0, 1)", c.DropoutRate)
	}
	_, err := activationByName(c.ActivationN)
	return err
}

// Build implements Model. Inputs of any shape are flattened per example.
func (c *MLPConfig) Build(b *Builder, in Inputs, outputs int) *graph.Node {
	if err := c.opts.err("MLP"); err != nil {
		panic(err)
	}
	act, err := activationByName(c.ActivationN)
	if err != nil {
		panic(err)
	}
	x := in.X
	if x.Rank() > 2 {
		x = graph.Reshape(x, x.Shape().Dimensions[0], -1)
	}
	for i, h := range c.Hidden {
		scope := b.Scope.In("dense_%d", i)
		x = activation.Apply(act, layers.DenseWithBias(scope, x, h))
		b.Record(fmt.Sprintf("dense_%d (%d, %s)", i, h, c.ActivationN), scope, x)
		if c.DropoutRate > 0 {
			x = Dropout(b, x, c.DropoutRate)
			b.Record(fmt.Sprintf("dropout (%g)", c.DropoutRate), nil, x)
		}
	}
	scope := b.Scope.In("output")
	x = layers.DenseWithBias(scope, x, outputs)
	b.Record(fmt.Sprintf("output (%d)", outputs), scope, x)
	return x
}

// Dropout zeroes a random fraction of x while training, scaling the rest to keep the mean.
func Dropout(b *Builder, x *graph.Node, rate float64) *graph.Node {
	if !b.Training || rate <= 0 {
		return x
	}
	g := x.Graph()
	keep := graph.GreaterThan(b.Scope.RandomUniform(g, x.Shape()), graph.Scalar(g, x.DType(), rate))
	return graph.Where(keep, graph.DivScalar(x, 1-rate), graph.ZerosLike(x))
}

func activationByName(name string) (activation.Type, error) {
	switch name {
	case "", "relu":
		return activation.TypeRelu, nil
	case "gelu":
		return activation.TypeGelu, nil
	case "swish", "silu":
		return activation.TypeSwish, nil
	case "tanh":
		return activation.TypeTanh, nil
	case "sigmoid":
		return activation.TypeSigmoid, nil
	case "leaky_relu":
		return activation.TypeLeakyRelu, nil
	case "none", "linear":
		return activation.TypeNone, nil
	}
	return activation.TypeNone, fmt.Errorf("unknown activation %q; use relu, gelu, swish, tanh, sigmoid, leaky_relu or none", name)
}

// Linear returns a model with no hidden layer: logistic regression for classification tasks,
// linear regression for regression. It is the baseline to beat.
func Linear() *MLPConfig { return &MLPConfig{Hidden: []int{}, ActivationN: "none"} }
