// SPDX-License-Identifier: Apache-2.0

package models

import (
	"fmt"
	"strings"

	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/ml/layers/activation"
)

// gnnBondTypes is the number of bond types (relations) a GNN passes messages along: the
// codes 1 (single), 2 (double), 3 (triple) and 4 (aromatic) of chem's graph examples.
const gnnBondTypes = 4

// GNNConfig is a graph neural network for molecules: an atom embedding, message-passing
// layers and a readout over the atoms, then a dense head.
//
// Each example is one molecule as chem.Graphs writes it, [atoms, F+atoms]: row i holds atom
// i's F features (the first is 1 for a real atom, 0 for padding) and then row i of the bond
// matrix, whose entries are bond codes 1–4 (single, double, triple, aromatic; 0: no bond). F
// is read from the shape. Each layer is a relational GIN update (Xu et al. 2019;
// Schlichtkrull et al. 2018):
//
//	h'_i = MLP((1+ε)·h_i + Σ_type Σ_j A_type[i,j]·h_j·W_type)
//
// with a learned ε per layer, one weight matrix per bond type and a two-layer MLP (ReLU, then
// layer normalization and ReLU, which keeps atom states of one scale however many layers).
// Padding atoms are masked out everywhere: they send no messages, their states are zero and
// the readout skips them, so the output depends neither on the atom order nor on how far a
// molecule is padded (within float32 rounding). Inputs.Mask, when given ([batch, atoms]),
// masks atoms further.
type GNNConfig struct {
	Hidden      int     `json:"hidden"`
	NumLayers   int     `json:"layers"`
	DropoutRate float64 `json:"dropout"`
	ReadoutN    string  `json:"readout"` // "sum", "mean" or "max"

	opts optionErrors // invalid option values, reported by Validate; not part of the JSON
}

func init() { Register("gnn", func() Model { return &GNNConfig{} }) }

// GNN returns a graph network with atom states of the given width (1 or more): 3
// message-passing layers, no dropout and a sum readout.
func GNN(hidden int) *GNNConfig {
	c := &GNNConfig{Hidden: hidden, NumLayers: 3, ReadoutN: "sum"}
	c.opts.set("GNN", call("GNN", hidden), checkAtLeast("the hidden width", hidden, 1, "GNN(64)"))
	return c
}

// Layers sets the number of message-passing layers, 0 or more (3 by default); an atom sees
// the atoms up to that many bonds away.
func (c *GNNConfig) Layers(n int) *GNNConfig {
	c.NumLayers = n
	c.opts.set("Layers", call("Layers", n), checkAtLeast("the number of layers", n, 0, "Layers(3)"))
	return c
}

// Dropout sets the dropout rate applied after each layer and in the head while training, in
// [0, 1).
func (c *GNNConfig) Dropout(rate float64) *GNNConfig {
	c.DropoutRate = rate
	c.opts.set("Dropout", call("Dropout", rate), checkRate(rate))
	return c
}

// Readout chooses how atom states become one vector per molecule: "sum" (the default, which
// keeps counts: how many nitrogens), "mean" or "max", always over the real atoms only.
func (c *GNNConfig) Readout(r string) *GNNConfig {
	c.ReadoutN = r
	c.opts.set("Readout", call("Readout", r), checkChoice("readout", r, true, "sum", "mean", "max"))
	return c
}

// Done finishes the configuration. It returns a copy that shares nothing with the builder, so
// one builder can make several models. Options given invalid values are reported, naming the
// option, by Validate, Summary and train's Fit.
func (c *GNNConfig) Done() Model { return c.clone() }

func (c *GNNConfig) clone() *GNNConfig {
	out := *c // no slices or maps among the settings
	out.opts = c.opts.clone()
	return &out
}

// Kind implements Model.
func (c *GNNConfig) Kind() string { return "gnn" }

// Validate implements Validator.
func (c *GNNConfig) Validate(exampleShape []int, vocabSize int) error {
	if err := c.opts.err("GNN"); err != nil {
		return err
	}
	switch {
	case c.Hidden <= 0:
		return fmt.Errorf("GNN: hidden width %d; use a positive width, e.g. GNN(64)", c.Hidden)
	case c.NumLayers < 0:
		return fmt.Errorf("GNN: %d layers; the count cannot be negative (3 is usual)", c.NumLayers)
	case c.DropoutRate < 0 || c.DropoutRate >= 1:
		return fmt.Errorf("GNN: dropout rate %v is outside [0, 1)", c.DropoutRate)
	}
	switch strings.ToLower(c.ReadoutN) {
	case "", "sum", "mean", "max":
	default:
		return fmt.Errorf("GNN: unknown readout %q; use \"sum\", \"mean\" or \"max\"", c.ReadoutN)
	}
	if vocabSize > 0 {
		return fmt.Errorf("GNN: the data are token ids (vocabulary of %d); a GNN takes molecular graphs, e.g. from chem.Graphs", vocabSize)
	}
	return checkGraphShape(exampleShape)
}

func checkGraphShape(shape []int) error {
	if len(shape) != 2 || shape[0] < 1 || shape[1] <= shape[0] {
		return fmt.Errorf("GNN: example shape %v is not a molecular graph [atoms, features+atoms] with at least one feature; build the data set with chem.Graphs", shape)
	}
	return nil
}

// Build implements Model.
func (c *GNNConfig) Build(b *Builder, in Inputs, outputs int) *graph.Node {
	if err := c.opts.err("GNN"); err != nil {
		panic(err)
	}
	if c.Hidden <= 0 {
		panic(fmt.Errorf("GNN: hidden width %d must be positive", c.Hidden))
	}
	x := in.X
	if x.DType() != dtypes.Float32 {
		x = graph.ConvertDType(x, dtypes.Float32)
	}
	if x.Rank() != 3 {
		panic(fmt.Errorf("GNN: input must be [batch, atoms, features+atoms], got %v", x.Shape().Dimensions))
	}
	dims := x.Shape().Dimensions
	batch, n, width := dims[0], dims[1], dims[2]
	if err := checkGraphShape(dims[1:]); err != nil {
		panic(err)
	}
	nf := width - n
	g := x.Graph()
	feats := graph.SliceAxis(x, 2, graph.AxisRange(0, nf))
	codes := graph.StopGradient(graph.SliceAxis(x, 2, graph.AxisRange(nf, width)))

	// The atom mask: the first feature, times Inputs.Mask when given.
	mask := graph.StopGradient(graph.Reshape(graph.SliceAxis(feats, 2, graph.AxisRange(0, 1)), batch, n))
	mask = graph.Where(graph.GreaterThan(mask, graph.ZerosLike(mask)), graph.OnesLike(mask), graph.ZerosLike(mask))
	if in.Mask != nil {
		m := graph.StopGradient(in.Mask)
		if m.DType() != dtypes.Float32 {
			m = graph.ConvertDType(m, dtypes.Float32)
		}
		mask = graph.Mul(mask, graph.Reshape(m, batch, n))
	}
	atomMask := graph.InsertAxes(mask, -1) // [batch, atoms, 1]

	// One 0/1 adjacency per bond type, side by side: [batch, atoms, types·atoms], with the rows
	// and columns of masked atoms cleared so that they can neither send nor receive.
	pair := graph.Mul(atomMask, graph.InsertAxes(mask, 1)) // [batch, atoms, atoms]
	adj := make([]*graph.Node, gnnBondTypes)
	for t := range gnnBondTypes {
		is := graph.Equal(codes, graph.Scalar(g, dtypes.Float32, float64(t+1)))
		adj[t] = graph.Where(is, pair, graph.ZerosLike(pair))
	}
	adjacency := graph.StopGradient(graph.Concatenate(adj, 2))

	hidden := c.Hidden
	scope := b.Scope.In("atom_embedding")
	h := graph.Mul(activation.Relu(dense(scope, feats, hidden)), atomMask)
	b.Record(fmt.Sprintf("atom_embedding (%d→%d)", nf, hidden), scope, h)
	for l := range c.NumLayers {
		scope := b.Scope.In("gin_%d", l)
		eps := scope.VariableWithValue("eps", float32(0)).NodeValue(g)
		w := scope.VariableWithShape("bond_weights", shapes.Make(dtypes.Float32, hidden, gnnBondTypes*hidden)).NodeValue(g)
		// h·W_type for every type, laid out [batch, types·atoms, hidden] to match adjacency.
		hw := graph.Reshape(graph.Dot(graph.Reshape(h, batch*n, hidden), w).Product(), batch, n, gnnBondTypes, hidden)
		hw = graph.Reshape(graph.TransposeAllDims(hw, 0, 2, 1, 3), batch, gnnBondTypes*n, hidden)
		messages := graph.Einsum("bik,bkh->bih", adjacency, hw)
		m := graph.Add(graph.Mul(h, graph.OnePlus(eps)), messages)
		m = activation.Relu(dense(scope.In("mlp_0"), m, hidden))
		h = graph.Mul(activation.Relu(layerNorm(scope.In("norm"), dense(scope.In("mlp_1"), m, hidden))), atomMask)
		h = Dropout(b, h, c.DropoutRate)
		b.Record(fmt.Sprintf("gin_%d (%d, %d bond types)", l, hidden, gnnBondTypes), scope, h)
	}

	var pooled *graph.Node
	readout := strings.ToLower(c.ReadoutN)
	switch readout {
	case "", "sum":
		readout = "sum"
		pooled = graph.ReduceSum(h, 1)
	case "mean":
		pooled = maskedMean(h, mask)
	case "max":
		// Atom states are ReLU outputs, ≥ 0, and masked atoms are exactly 0: the maximum over
		// all rows is the maximum over the real atoms (0 for a molecule with none).
		pooled = graph.ReduceMax(h, 1)
	default:
		panic(fmt.Errorf("GNN: unknown readout %q", c.ReadoutN))
	}
	b.Record(fmt.Sprintf("readout (%s)", readout), nil, pooled)

	scope = b.Scope.In("head")
	x = activation.Relu(dense(scope, pooled, hidden))
	b.Record(fmt.Sprintf("head (%d, relu)", hidden), scope, x)
	x = Dropout(b, x, c.DropoutRate)
	scope = b.Scope.In("output")
	x = dense(scope, x, outputs)
	b.Record(fmt.Sprintf("output (%d)", outputs), scope, x)
	return x
}
