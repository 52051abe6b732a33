// SPDX-License-Identifier: Apache-2.0

package models

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/gobackend"
	"github.com/gomlx/compute/shapes"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/medgo-lab/medgo/mlkit/data"
	"github.com/medgo-lab/medgo/mlkit/internal/textout"
)

// SummaryTable lists a model's layers with their output shapes and trainable parameters, like
// Keras' model.summary().
type SummaryTable struct {
	Kind         string      // the model family
	Input        []int       // one example's shape
	Layers       []LayerInfo // in build order; output dimensions start with the batch axis
	Trainable    int         // trainable parameters
	NonTrainable int         // other model state, such as batch-norm moving averages
}

// Total is the number of parameters, trainable or not.
func (s *SummaryTable) Total() int { return s.Trainable + s.NonTrainable }

// Validate checks m against one example's shape and the vocabulary size (0 for non-token data)
// when m implements Validator, and returns nil otherwise.
func Validate(m Model, exampleShape []int, vocabSize int) (err error) {
	if m == nil {
		return fmt.Errorf("models: no model given; use e.g. models.MLP(64).Done()")
	}
	defer recoverError(&err, m.Kind()+": checking the configuration")
	if v, ok := m.(Validator); ok {
		return v.Validate(exampleShape, vocabSize)
	}
	return nil
}

// TryBuild calls m.Build and returns the errors that graph building reports by panicking (bad
// shapes, unknown options) as an error.
func TryBuild(m Model, b *Builder, in Inputs, outputs int) (out *graph.Node, err error) {
	if m == nil {
		return nil, fmt.Errorf("models: no model given; use e.g. models.MLP(64).Done()")
	}
	defer recoverError(&err, m.Kind()+": building the network")
	out = m.Build(b, in, outputs)
	if out == nil {
		return nil, fmt.Errorf("%s: Build returned no output", m.Kind())
	}
	if d := out.Shape().Dimensions; len(d) != 2 || d[1] != outputs {
		return nil, fmt.Errorf("%s: the network's output has shape %v; expected [batch, %d]", m.Kind(), d, outputs)
	}
	return out, nil
}

// recoverError turns a panic into an error prefixed with what was being done.
func recoverError(err *error, doing string) {
	if r := recover(); r != nil {
		if e, ok := r.(error); ok {
			*err = fmt.Errorf("%s: %w", doing, firstLine(e))
		} else {
			*err = fmt.Errorf("%s: %v", doing, r)
		}
	}
}

// firstLine drops the stack trace that graph-building errors carry in their message.
func firstLine(e error) error {
	msg := e.Error()
	if i := strings.Index(msg, "\n"); i >= 0 {
		return fmt.Errorf("%s", msg[:i])
	}
	return e
}

// SummaryFor lists m's layers as train's Fit builds them for the dataset d (pass the training
// split): the example shape, the vocabulary and the output width all come from d, the output
// width by OutputsFor(d.Task, d.NumClasses(), d.NumTargets()) as in training, so the parameter
// counts are those of the trained network. Use it rather than Summary, whose output width is
// easy to get wrong (2 for a binary task, whose head has 1 unit).
func SummaryFor(m Model, d *data.Dataset) (*SummaryTable, error) {
	if d == nil {
		return nil, fmt.Errorf("models: SummaryFor needs a dataset, e.g. models.SummaryFor(model, split.Train)")
	}
	vocab := 0
	if d.Vocab != nil {
		vocab = d.Vocab.Size()
	}
	outputs := OutputsFor(d.Task, d.NumClasses(), d.NumTargets())
	if outputs <= 0 {
		return nil, fmt.Errorf("models: dataset %q has task %s with %d classes and %d targets, which gives no output width", d.Name, d.Task, d.NumClasses(), d.NumTargets())
	}
	return Summary(m, d.Shape, vocab, outputs)
}

// Summary builds m for one example of the given shape on a fresh variable store, without
// compiling or running anything, and lists its layers. vocabSize is the vocabulary size for
// token inputs (0 otherwise) and outputs the width of the output layer (see OutputsFor).
//
// Prefer SummaryFor, which takes all three from the training data as Fit does; Summary stays
// for models not yet paired with data.
func Summary(m Model, exampleShape []int, vocabSize, outputs int) (st *SummaryTable, err error) {
	if err := Validate(m, exampleShape, vocabSize); err != nil {
		return nil, err
	}
	if outputs <= 0 {
		return nil, fmt.Errorf("%s: summary for %d outputs; the output layer needs at least one unit (see models.OutputsFor)", m.Kind(), outputs)
	}
	for _, d := range exampleShape {
		if d <= 0 {
			return nil, fmt.Errorf("%s: example shape %v has a non-positive dimension", m.Kind(), exampleShape)
		}
	}
	defer recoverError(&err, m.Kind()+": building the summary")
	g := graph.NewGraph(gobackend.GetBackend(), "summary")
	defer g.Finalize()
	store := model.NewStore()
	b := NewBuilder(store.RootScope(), false)
	b.VocabSize = vocabSize
	dims := append([]int{1}, exampleShape...)
	in := Inputs{X: graph.Parameter(g, "x", shapes.Make(dtypes.Float32, dims...))}
	if vocabSize > 0 && len(exampleShape) > 0 {
		in.Mask = graph.Parameter(g, "mask", shapes.Make(dtypes.Float32, 1, exampleShape[0]))
	}
	if _, err := TryBuild(m, b, in, outputs); err != nil {
		return nil, err
	}
	st = &SummaryTable{Kind: m.Kind(), Input: append([]int{}, exampleShape...), Layers: b.Layers()}
	for v := range store.IterVariables() {
		if v.Trainable {
			st.Trainable += v.Shape().Size()
		} else {
			st.NonTrainable += v.Shape().Size()
		}
	}
	return st, nil
}

// shapeString writes dimensions Keras-style, with None for the batch axis.
func shapeString(dims []int) string {
	parts := make([]string, len(dims))
	for i, d := range dims {
		if i == 0 {
			parts[i] = "None"
		} else {
			parts[i] = strconv.Itoa(d)
		}
	}
	return "(" + strings.Join(parts, ", ") + ")"
}

// thousands formats n with comma separators: 225034 → "225,034".
func thousands(n int) string {
	s := strconv.Itoa(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// table lists the layers: name, output shape and parameters (right-aligned).
func (s *SummaryTable) table() *textout.Table {
	t := &textout.Table{Header: []string{"Layer", "Output shape", "Params"}, Right: []bool{false, false, true}}
	for _, l := range s.Layers {
		t.Rows = append(t.Rows, []string{l.Name, shapeString(l.Output), thousands(l.Params)})
	}
	return t
}

// String renders the summary as a text table, Keras-style: rules above and below, and one
// under the header, as wide as the columns.
func (s *SummaryTable) String() string {
	t := s.table()
	width := 2 * (len(t.Header) - 1)
	for _, w := range t.Widths() {
		width += w
	}
	lines := t.Lines()
	var b strings.Builder
	fmt.Fprintf(&b, "Model: %s, input %s\n", s.Kind, shapeString(append([]int{0}, s.Input...)))
	b.WriteString(strings.Repeat("=", width) + "\n")
	b.WriteString(lines[0] + "\n")
	b.WriteString(strings.Repeat("-", width) + "\n")
	for _, l := range lines[1:] {
		b.WriteString(l + "\n")
	}
	b.WriteString(strings.Repeat("=", width) + "\n")
	fmt.Fprintf(&b, "Total params: %s\n", thousands(s.Total()))
	fmt.Fprintf(&b, "Trainable params: %s\n", thousands(s.Trainable))
	fmt.Fprintf(&b, "Non-trainable params: %s\n", thousands(s.NonTrainable))
	return b.String()
}

// summaryStyle is a bare table with the medgo-summary class, left to the page's stylesheet.
var summaryStyle = textout.HTMLStyle{Class: "medgo-summary", AlignHead: true, Lines: true}

// HTML renders the summary as an HTML table, for notebooks; the totals go in its footer.
func (s *SummaryTable) HTML() string {
	return s.table().HTML(summaryStyle, fmt.Sprintf("Model: %s, input %s", s.Kind, shapeString(append([]int{0}, s.Input...))),
		[]string{"Total params", thousands(s.Total())},
		[]string{"Trainable params", thousands(s.Trainable)},
		[]string{"Non-trainable params", thousands(s.NonTrainable)})
}
