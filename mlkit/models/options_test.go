// SPDX-License-Identifier: Apache-2.0

package models

import (
	"errors"
	"strings"
	"testing"

	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/gobackend"
	"github.com/gomlx/compute/shapes"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/medgo-lab/medgo/mlkit/data"
)

func mustJSON(t *testing.T, m Model) string {
	t.Helper()
	raw, err := Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return string(raw)
}

// Two models made from one builder must not share their configuration: before Done copied,
// the second chain's options also changed the first model.
func TestDoneReturnsIndependentModels(t *testing.T) {
	cases := []struct {
		name string
		// pair makes two models from one builder; fresh makes the first one on its own.
		pair  func() (first, second Model)
		fresh func() Model
	}{
		{"MLP dropout",
			func() (Model, Model) { b := MLP(32); return b.Dropout(0.1).Done(), b.Dropout(0.5).Done() },
			func() Model { return MLP(32).Dropout(0.1).Done() }},
		{"Linear activation",
			func() (Model, Model) { b := Linear(); return b.Done(), b.Activation("tanh").Done() },
			func() Model { return Linear().Done() }},
		{"CNN kernel (in the shared blocks)",
			func() (Model, Model) { b := CNN(8, 16); return b.Kernel(3).Done(), b.Kernel(5).Done() },
			func() Model { return CNN(8, 16).Kernel(3).Done() }},
		{"CNN added block",
			func() (Model, Model) {
				b := CNN(8)
				return b.Done(), b.AddBlock(ConvBlock{Filters: 4, Kernel: 3}).Done()
			},
			func() Model { return CNN(8).Done() }},
		{"CNN1D dense head",
			func() (Model, Model) { b := CNN1D(8); return b.Dense(16).Done(), b.Dense(32, 8).Done() },
			func() Model { return CNN1D(8).Dense(16).Done() }},
		{"LSTM layers",
			func() (Model, Model) { b := LSTM(16); return b.Layers(1).Done(), b.Layers(3).Done() },
			func() Model { return LSTM(16).Layers(1).Done() }},
		{"GRU dense",
			func() (Model, Model) { b := GRU(16); return b.Dense(8).Done(), b.Dense(4).Done() },
			func() Model { return GRU(16).Dense(8).Done() }},
		{"Transformer heads",
			func() (Model, Model) { b := Transformer().Dim(32); return b.Heads(2).Done(), b.Heads(8).Done() },
			func() Model { return Transformer().Dim(32).Heads(2).Done() }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			first, second := tc.pair()
			got, want, other := mustJSON(t, first), mustJSON(t, tc.fresh()), mustJSON(t, second)
			if got != want {
				t.Errorf("the first model changed when the builder was reused:\n%s\nwant\n%s", got, want)
			}
			if got == other {
				t.Errorf("both models have the same configuration:\n%s", got)
			}
		})
	}
}

// Slices (hidden widths, blocks, dense widths) must be copied, both from the caller's
// arguments and between a builder and the models it made.
func TestBuilderSlicesAreNotShared(t *testing.T) {
	t.Run("MLP arguments", func(t *testing.T) {
		widths := []int{32, 16}
		m := MLP(widths...).Done()
		widths[0] = 7
		if h := m.(*MLPConfig).Hidden; h[0] != 32 {
			t.Errorf("changing the caller's slice changed the model: hidden %v", h)
		}
	})
	t.Run("MLP model and builder", func(t *testing.T) {
		b := MLP(32)
		m := b.Done().(*MLPConfig)
		m.Hidden[0] = 7
		if b.Hidden[0] != 32 {
			t.Errorf("changing the model changed the builder: hidden %v", b.Hidden)
		}
	})
	t.Run("CNN dense arguments", func(t *testing.T) {
		units := []int{64}
		m := CNN(8).Dense(units...).Done()
		units[0] = 1
		if h := m.(*CNNConfig).Hidden; h[0] != 64 {
			t.Errorf("changing the caller's slice changed the model: dense %v", h)
		}
	})
	t.Run("CNN blocks", func(t *testing.T) {
		b := CNN(8)
		m := b.Done().(*CNNConfig)
		b.Pool(3).BatchNorm()
		if bl := m.Blocks[0]; bl.Pool != 2 || bl.BatchNorm {
			t.Errorf("options given to the builder after Done changed the model's block: %+v", bl)
		}
	})
	t.Run("RNN dense", func(t *testing.T) {
		units := []int{8}
		b := LSTM(16).Dense(units...)
		m := b.Done().(*RNNConfig)
		units[0], b.Hidden[0] = 1, 2
		if m.Hidden[0] != 8 {
			t.Errorf("the model's dense widths changed to %v", m.Hidden)
		}
	})
}

// The JSON of models is compared with stored runs (train's normalizeModel), so copying and the
// recorded option errors must not change it. The expected texts were written by the code before
// this change.
func TestMarshalUnchangedByCopying(t *testing.T) {
	for _, tc := range []struct {
		model Model
		want  string
	}{
		{MLP(32).Dropout(0.1).Done(), "{\n  \"kind\": \"mlp\",\n  \"config\": {\n    \"hidden\": [\n      32\n    ],\n    \"activation\": \"relu\",\n    \"dropout\": 0.1\n  }\n}"},
		{Linear().Done(), "{\n  \"kind\": \"mlp\",\n  \"config\": {\n    \"hidden\": [],\n    \"activation\": \"none\",\n    \"dropout\": 0\n  }\n}"},
		{SeedCNN(), "{\n  \"kind\": \"cnn\",\n  \"config\": {\n    \"spatial_dims\": 2,\n    \"blocks\": [\n      {\n        \"filters\": 32,\n        \"kernel\": 3,\n        \"padding\": \"valid\",\n        \"pool\": 2\n      },\n      {\n        \"filters\": 64,\n        \"kernel\": 3,\n        \"padding\": \"valid\",\n        \"pool\": 2\n      }\n    ],\n    \"activation\": \"relu\",\n    \"dense\": [\n      128\n    ],\n    \"dropout\": 0.5\n  }\n}"},
		{CNN1D(16).Dense().BatchNorm().Done(), "{\n  \"kind\": \"cnn\",\n  \"config\": {\n    \"spatial_dims\": 1,\n    \"blocks\": [\n      {\n        \"filters\": 16,\n        \"kernel\": 5,\n        \"padding\": \"same\",\n        \"batch_norm\": true,\n        \"pool\": 2\n      }\n    ],\n    \"activation\": \"relu\",\n    \"global_pool\": true,\n    \"dense\": null\n  }\n}"},
		{LSTM(16).Bidirectional().Dense(8).Done(), "{\n  \"kind\": \"rnn\",\n  \"config\": {\n    \"cell\": \"lstm\",\n    \"units\": 16,\n    \"layers\": 1,\n    \"bidirectional\": true,\n    \"pooling\": \"last\",\n    \"dense\": [\n      8\n    ],\n    \"activation\": \"relu\"\n  }\n}"},
		{Transformer().Dim(32).Positions("learned").Pooling("cls").Done(), "{\n  \"kind\": \"transformer\",\n  \"config\": {\n    \"dim\": 32,\n    \"heads\": 4,\n    \"blocks\": 2,\n    \"dropout\": 0.1,\n    \"positions\": \"learned\",\n    \"pooling\": \"cls\",\n    \"activation\": \"gelu\"\n  }\n}"},
	} {
		if got := mustJSON(t, tc.model); got != tc.want {
			t.Errorf("%s: JSON changed:\n%s\nwant\n%s", tc.model.Kind(), got, tc.want)
		}
	}
}

// exampleFor is a valid input for each model family, so that only the options can fail.
func exampleFor(m Model) (shape []int, vocab int) {
	switch c := m.(type) {
	case *CNNConfig:
		if c.SpatialDims == 1 {
			return []int{16}, 0
		}
		return []int{12, 12, 1}, 0
	case *RNNConfig:
		return []int{6, 2}, 0
	case *TransformerConfig:
		return []int{6}, 5
	}
	return []int{4}, 0
}

// Every validated option: a bad value is reported with the model, the call and the allowed
// values. Several of these were accepted before (LSTM(0) became 64 units, Stride(0) and
// BatchNormMomentum(0) silently meant the defaults, FeedForward(0) and MaxLength(0) too).
func TestInvalidOptionsAreReported(t *testing.T) {
	cases := []struct {
		name  string
		model Model
		want  []string // parts of the error
	}{
		{"MLP zero width", MLP(32, 0).Done(), []string{"MLP:", "MLP(32, 0)", "width 0", "1 or more"}},
		{"MLP dropout above 1", MLP(32).Dropout(1.5).Done(), []string{"MLP:", "Dropout(1.5)", "[0, 1)"}},
		{"MLP negative dropout", MLP(32).Dropout(-0.1).Done(), []string{"Dropout(-0.1)", "[0, 1)"}},
		{"MLP dropout of 1", MLP(32).Dropout(1).Done(), []string{"Dropout(1)", "[0, 1)"}},
		{"MLP activation", MLP(32).Activation("softsign").Done(), []string{`Activation("softsign")`, "relu"}},
		{"CNN zero filters", CNN(8, 0).Done(), []string{"CNN:", "CNN(8, 0)", "0 filters", "1 or more"}},
		{"CNN1D negative filters", CNN1D(-4).Done(), []string{"CNN1D:", "CNN1D(-4)", "-4 filters"}},
		{"CNN kernel 0", CNN(8).Kernel(0).Done(), []string{"Kernel(0)", "kernel size is 0", "1 or more"}},
		{"CNN negative kernel", CNN1D(8).Kernel(-3).Done(), []string{"Kernel(-3)", "1 or more"}},
		{"CNN stride 0", CNN(8).Stride(0).Done(), []string{"Stride(0)", "1 or more"}},
		{"CNN padding", CNN(8).Padding("full").Done(), []string{`Padding("full")`, `"valid" or "same"`}},
		{"CNN momentum 0", CNN(8).BatchNorm().BatchNormMomentum(0).Done(), []string{"BatchNormMomentum(0)", "(0, 1)"}},
		{"CNN momentum 1", CNN(8).BatchNormMomentum(1).Done(), []string{"BatchNormMomentum(1)", "(0, 1)"}},
		{"CNN pool", CNN(8).Pool(-1).Done(), []string{"Pool(-1)", "0 or more"}},
		{"CNN block dropout", CNN(8).BlockDropout(1).Done(), []string{"BlockDropout(1)", "[0, 1)"}},
		{"CNN added block", CNN(8).AddBlock(ConvBlock{Filters: 0, Kernel: 3}).Done(), []string{"AddBlock(", "(block 1)", "Filters is 0"}},
		{"CNN added block padding", CNN(8).AddBlock(ConvBlock{Filters: 4, Kernel: 3, Padding: "full"}).Done(), []string{"(block 1)", "padding"}},
		{"CNN dense", CNN(8).Dense(0).Done(), []string{"Dense(0)", "width 0"}},
		{"CNN dropout", CNN(8).Dropout(2).Done(), []string{"Dropout(2)", "[0, 1)"}},
		{"CNN1D embedding", CNN1D(8).Embedding(0).Done(), []string{"Embedding(0)", "1 or more"}},
		{"CNN activation", CNN(8).Activation("x").Done(), []string{`Activation("x")`}},
		{"LSTM zero units", LSTM(0).Done(), []string{"LSTM:", "LSTM(0)", "units is 0", "LSTM(64)"}},
		{"GRU negative units", GRU(-3).Done(), []string{"GRU:", "GRU(-3)", "1 or more"}},
		{"RNN layers", LSTM(8).Layers(0).Done(), []string{"Layers(0)", "1 or more"}},
		{"RNN embedding", GRU(8).Embedding(-1).Done(), []string{"Embedding(-1)", "1 or more"}},
		{"RNN pooling", LSTM(8).Pooling("max").Done(), []string{`Pooling("max")`, `"last" or "mean"`}},
		{"RNN dense", LSTM(8).Dense(4, 0).Done(), []string{"Dense(4, 0)", "dense layer 1 has width 0"}},
		{"RNN dropout", LSTM(8).Dropout(1).Done(), []string{"Dropout(1)", "[0, 1)"}},
		{"RNN activation", GRU(8).Activation("nope").Done(), []string{`Activation("nope")`}},
		{"Transformer dim", Transformer().Dim(0).Done(), []string{"Transformer:", "Dim(0)", "1 or more"}},
		{"Transformer heads", Transformer().Heads(0).Done(), []string{"Heads(0)", "1 or more"}},
		{"Transformer blocks", Transformer().Blocks(-1).Done(), []string{"Blocks(-1)", "0 or more"}},
		{"Transformer feed-forward", Transformer().FeedForward(0).Done(), []string{"FeedForward(0)", "1 or more"}},
		{"Transformer dropout", Transformer().Dropout(1).Done(), []string{"Dropout(1)", "[0, 1)"}},
		{"Transformer positions", Transformer().Positions("rotary").Done(), []string{`Positions("rotary")`, `"learned"`}},
		{"Transformer max length", Transformer().Positions("learned").MaxLength(0).Done(), []string{"MaxLength(0)", "1 or more"}},
		{"Transformer pooling", Transformer().Pooling("max").Done(), []string{`Pooling("max")`, `"mean" or "cls"`}},
		{"Transformer activation", Transformer().Activation("x").Done(), []string{`Activation("x")`}},
		{"two bad options", MLP(32).Dropout(2).Activation("x").Done(), []string{"Dropout(2)", `Activation("x")`}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			shape, vocab := exampleFor(tc.model)
			err := Validate(tc.model, shape, vocab)
			if err == nil {
				t.Fatalf("no error for an invalid option")
			}
			var oe *OptionError
			if !errors.As(err, &oe) {
				t.Errorf("error %q is not an *OptionError", err)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
			// The same error reaches a notebook through Summary, never as a panic.
			if _, serr := Summary(tc.model, shape, vocab, 1); serr == nil || serr.Error() != err.Error() {
				t.Errorf("Summary: %v, want %v", serr, err)
			}
		})
	}
}

// A valid value given after an invalid one replaces it, as it replaces the value.
func TestValidOptionClearsEarlierError(t *testing.T) {
	for _, m := range []Model{
		MLP(32).Dropout(1.5).Dropout(0.2).Done(),
		CNN(8).Kernel(0).Kernel(3).Done(),
		LSTM(8).Pooling("max").Pooling("mean").Done(),
		Transformer().Heads(0).Heads(4).Done(),
	} {
		shape, vocab := exampleFor(m)
		if err := Validate(m, shape, vocab); err != nil {
			t.Errorf("%s: %v", m.Kind(), err)
		}
	}
	// The builder's later options do not reach a model already made, errors included.
	b := MLP(32)
	good := b.Done()
	b.Dropout(3)
	if err := Validate(good, []int{4}, 0); err != nil {
		t.Errorf("an option given after Done made the earlier model invalid: %v", err)
	}
}

// Build, for callers that skip Validate, panics with the option error, which TryBuild returns.
func TestInvalidOptionFailsTryBuild(t *testing.T) {
	g := graph.NewGraph(gobackend.GetBackend(), "options")
	defer g.Finalize()
	b := NewBuilder(model.NewStore().RootScope(), false)
	x := graph.Parameter(g, "x", shapes.Make(dtypes.Float32, 2, 4))
	_, err := TryBuild(MLP(32).Dropout(1.5).Done(), b, Inputs{X: x}, 1)
	if err == nil || !strings.Contains(err.Error(), "Dropout(1.5)") {
		t.Fatalf("TryBuild: %v, want the Dropout(1.5) error", err)
	}
}

// SummaryFor takes the output width from the task as training does: a binary head has one unit,
// not one per class.
func TestSummaryForUsesTheTrainingOutputWidth(t *testing.T) {
	binary := &data.Dataset{Task: data.Binary, Shape: []int{28, 28, 1}, Classes: []string{"benign", "malignant"}}
	st, err := SummaryFor(SeedCNN(), binary)
	if err != nil {
		t.Fatal(err)
	}
	// 224,002 with two output units, as Summary(..., 2) reported in notebook 02.
	if st.Trainable != 223873 {
		t.Errorf("binary SeedCNN: %d trainable parameters, want 223,873", st.Trainable)
	}
	multi := &data.Dataset{Task: data.MultiClass, Shape: []int{28, 28, 1}, Classes: strings.Split("0123456789", "")}
	if st, err = SummaryFor(SeedCNN(), multi); err != nil || st.Trainable != 225034 {
		t.Errorf("10-class SeedCNN: %v, %v; want 225,034 parameters", st, err)
	}
	if _, err := SummaryFor(SeedCNN(), nil); err == nil {
		t.Error("no error without a dataset")
	}
}
