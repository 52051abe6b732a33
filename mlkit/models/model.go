// SPDX-License-Identifier: Apache-2.0

package models

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/ml/model"
)

// Inputs are the graph inputs of one batch.
type Inputs struct {
	X    *graph.Node // [batch, example shape...]; token ids as float32 for sequence models
	Mask *graph.Node // optional [batch, length]: 1 for real positions, 0 for padding
}

// Model describes a network. Implementations are configuration structs that marshal to JSON,
// so a trained model can be rebuilt from its run directory in another cell.
type Model interface {
	// Kind names the model family; it selects the type when a saved model is read back.
	Kind() string
	// Build adds the network to the graph and returns its output, [batch, outputs]:
	// logits for classification, values for regression.
	Build(b *Builder, in Inputs, outputs int) *graph.Node
}

// Validator is implemented by models that can check their configuration against an input shape.
type Validator interface {
	Validate(exampleShape []int, vocabSize int) error
}

// Builder carries what a Model needs while building: the variable scope, whether the graph
// is for training, and recorders for the layer summary and attention weights.
type Builder struct {
	Scope     *model.Scope
	Training  bool
	VocabSize int // for token inputs: the vocabulary size, 0 otherwise

	layers    []LayerInfo
	claims    []string
	attention []*graph.Node

	// BatchNormInference keeps batch normalization in inference mode (moving averages, never
	// updated) even when Training is set: with it, Training turns on dropout alone, as
	// Monte-Carlo dropout needs.
	BatchNormInference bool
	featureMap         *graph.Node
}

// LayerInfo is one row of a model Summary.
type LayerInfo struct {
	Name   string
	Output []int // output dimensions, batch first
	Params int   // trainable parameters created by this layer
}

// NewBuilder returns a Builder over the given scope.
func NewBuilder(scope *model.Scope, training bool) *Builder {
	return &Builder{Scope: scope, Training: training}
}

// Record notes a layer's output for the Summary. The parameters counted are the trainable
// variables under scope that no earlier Record has claimed.
func (b *Builder) Record(name string, scope *model.Scope, out *graph.Node) {
	b.RecordShape(name, scope, out.Shape().Dimensions)
}

// RecordShape is Record for a layer whose output is not a single node, such as the per-step
// outputs of a recurrent layer: output holds the dimensions to show, batch first.
func (b *Builder) RecordShape(name string, scope *model.Scope, output []int) {
	params := 0
	if scope != nil {
		prefix := scope.Scope()
		for v := range b.Scope.Store().IterVariables() {
			if v.Trainable && (v.Scope() == prefix || strings.HasPrefix(v.Scope(), prefix+"/")) && !b.claimed(v.Scope()+"/"+v.Name()) {
				params += v.Shape().Size()
				b.claim(v.Scope() + "/" + v.Name())
			}
		}
	}
	b.layers = append(b.layers, LayerInfo{Name: name, Output: append([]int{}, output...), Params: params})
}

func (b *Builder) claimed(path string) bool {
	for _, l := range b.claims {
		if l == path {
			return true
		}
	}
	return false
}

func (b *Builder) claim(path string) { b.claims = append(b.claims, path) }

// RecordAttention keeps attention weights ([batch, heads, query, key]) so they can be fetched
// for display after the graph runs. Fetch them together with the model output: on the pure-Go
// backend a graph whose variables do not all reach an output fails to run.
func (b *Builder) RecordAttention(weights *graph.Node) { b.attention = append(b.attention, weights) }

// Attention returns the attention weights recorded while building, one per attention layer.
func (b *Builder) Attention() []*graph.Node { return b.attention }

// Layers returns the layers recorded while building.
func (b *Builder) Layers() []LayerInfo { return b.layers }

var registry = map[string]func() Model{}

// Register makes a model kind readable by Unmarshal. Each model family registers itself.
func Register(kind string, zero func() Model) { registry[kind] = zero }

type envelope struct {
	Kind   string          `json:"kind"`
	Config json.RawMessage `json:"config"`
}

// Marshal encodes a model's configuration with its kind.
func Marshal(m Model) ([]byte, error) {
	cfg, err := json.Marshal(m)
	if err != nil {
		return nil, fmt.Errorf("models: encoding %s configuration: %w", m.Kind(), err)
	}
	return json.MarshalIndent(envelope{Kind: m.Kind(), Config: cfg}, "", "  ")
}

// Unmarshal decodes a configuration written by Marshal.
func Unmarshal(raw []byte) (Model, error) {
	var env envelope
	if err := json.Unmarshal(raw, &env); err != nil {
		return nil, fmt.Errorf("models: reading model configuration: %w (expected {\"kind\":..., \"config\":...})", err)
	}
	zero, ok := registry[env.Kind]
	if !ok {
		kinds := make([]string, 0, len(registry))
		for k := range registry {
			kinds = append(kinds, k)
		}
		sort.Strings(kinds)
		return nil, fmt.Errorf("models: unknown model kind %q; known kinds: %s", env.Kind, strings.Join(kinds, ", "))
	}
	m := zero()
	if err := json.Unmarshal(env.Config, m); err != nil {
		return nil, fmt.Errorf("models: reading %s configuration: %w", env.Kind, err)
	}
	return m, nil
}

// RecordFeatureMap keeps the feature maps of a convolutional model's last convolution block
// ([batch, positions..., channels], after the activation) for Grad-CAM. Each call replaces the
// previous one, so the last block recorded wins. Fetch it together with the model output, as
// for RecordAttention.
func (b *Builder) RecordFeatureMap(x *graph.Node) { b.featureMap = x }

// FeatureMap returns the feature maps recorded by RecordFeatureMap, or nil for models without
// convolutions.
func (b *Builder) FeatureMap() *graph.Node { return b.featureMap }

// forBatchNorm is the builder batch normalization sees: b, or under BatchNormInference a copy
// not in training mode.
func (b *Builder) forBatchNorm() *Builder {
	if !b.Training || !b.BatchNormInference {
		return b
	}
	c := *b
	c.Training = false
	return &c
}
