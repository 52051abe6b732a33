// SPDX-License-Identifier: Apache-2.0

package models

import (
	"reflect"
	"strings"
	"testing"

	"github.com/gomlx/gomlx/core/graph"
)

func TestMarshalRoundTrip(t *testing.T) {
	for _, m := range []Model{
		MLP(32, 16).Activation("gelu").Dropout(0.2).Done(),
		SeedCNN(),
		CNN(8, 16, 32).Padding("same").BatchNorm().BatchNormMomentum(0.9).BlockDropout(0.1).GlobalAvgPool().Done(),
		CNN1D(16).Kernel(7).Stride(2).Embedding(8).AddBlock(ConvBlock{Filters: 4, Kernel: 3, Pool: 3}).Done(),
		LSTM(32).Layers(2).Bidirectional().Embedding(16).Pooling("mean").Dense(8).Dropout(0.3).Done(),
		GRU(8).Done(),
		Transformer().Dim(32).Heads(8).Blocks(3).FeedForward(64).Positions("learned").MaxLength(128).PostNorm().Pooling("cls").Activation("relu").Done(),
	} {
		raw, err := Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		back, err := Unmarshal(raw)
		if err != nil {
			t.Fatalf("%s: %v\n%s", m.Kind(), err, raw)
		}
		if !reflect.DeepEqual(m, back) {
			t.Errorf("%s: round trip changed the configuration:\n%+v\n%+v\n%s", m.Kind(), m, back, raw)
		}
	}
	if _, err := Unmarshal([]byte(`{"kind":"resnet","config":{}}`)); err == nil || !strings.Contains(err.Error(), "cnn") {
		t.Errorf("unknown kind: error %v should list the known kinds", err)
	}
}

func TestValidate(t *testing.T) {
	cases := []struct {
		name  string
		model Model
		shape []int
		vocab int
		want  string // part of the error; empty for a valid configuration
	}{
		{"seed cnn on mnist", SeedCNN(), []int{28, 28, 1}, 0, ""},
		{"cnn on grey images without channel axis", CNN().Done(), []int{28, 28}, 0, ""},
		{"cnn too deep for the image", CNN(8, 8, 8).Done(), []int{10, 10, 1}, 0, "block 2"},
		{"cnn kernel larger than image", CNN(8).Kernel(5).Done(), []int{4, 4}, 0, "does not fit"},
		{"cnn on tokens", CNN().Done(), []int{60}, 5, "vocabulary"},
		{"cnn on vectors", CNN().Done(), []int{30}, 0, "[height, width]"},
		{"cnn unknown padding", CNN().Padding("full").Done(), []int{28, 28, 1}, 0, "padding"},
		{"cnn bad activation", CNN().Activation("softsign").Done(), []int{28, 28, 1}, 0, "activation"},
		{"cnn1d on signals", CNN1D().Done(), []int{96}, 0, ""},
		{"cnn1d on tokens", CNN1D().Done(), []int{60}, 8, ""},
		{"cnn1d on images", CNN1D().Done(), []int{28, 28, 3}, 0, "[length]"},
		{"cnn1d zero filters", CNN1D(0).Done(), []int{96}, 0, "filters"},
		{"lstm on tokens", LSTM(32).Done(), []int{60}, 8, ""},
		{"gru on multichannel signals", GRU(8).Bidirectional().Done(), []int{140, 3}, 0, ""},
		{"lstm zero units", LSTM(-1).Done(), []int{60}, 8, "units"},
		{"lstm zero layers", LSTM(8).Layers(0).Done(), []int{60}, 8, "layers"},
		{"lstm bad pooling", LSTM(8).Pooling("max").Done(), []int{60}, 8, "pooling"},
		{"gru on images", GRU(8).Done(), []int{28, 28, 1}, 0, "[length]"},
		{"lstm tokens with channels", LSTM(8).Done(), []int{60, 4}, 8, "token"},
		{"transformer default", Transformer().Done(), []int{60}, 8, ""},
		{"transformer width not multiple of heads", Transformer().Dim(10).Heads(4).Done(), []int{60}, 8, "multiple"},
		{"transformer short learned table", Transformer().Positions("learned").MaxLength(32).Done(), []int{60}, 8, "MaxLength"},
		{"transformer unknown positions", Transformer().Positions("rotary").Done(), []int{60}, 8, "positions"},
		{"transformer dropout 1", Transformer().Dropout(1).Done(), []int{60}, 8, "dropout"},
		{"mlp negative width", MLP(-3).Done(), []int{30}, 0, "width"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := Validate(c.model, c.shape, c.vocab)
			switch {
			case c.want == "" && err != nil:
				t.Errorf("unexpected error: %v", err)
			case c.want != "" && err == nil:
				t.Errorf("no error; expected one mentioning %q", c.want)
			case c.want != "" && !strings.Contains(err.Error(), c.want):
				t.Errorf("error %q does not mention %q", err, c.want)
			}
			// Summary reports the same problem as an error, and builds valid models.
			_, serr := Summary(c.model, c.shape, c.vocab, 3)
			if (serr == nil) != (c.want == "") {
				t.Errorf("Summary error %v, Validate error %v", serr, err)
			}
		})
	}
}

// panicky is a model whose Build fails the way graph-building code does.
type panicky struct{}

func (panicky) Kind() string { return "panicky" }
func (panicky) Build(b *Builder, in Inputs, outputs int) *graph.Node {
	return graph.Reshape(in.X, 7, 7, 7) // Wrong size: GoMLX panics.
}

// wrongWidth returns its input, whatever the number of outputs.
type wrongWidth struct{}

func (wrongWidth) Kind() string                                         { return "wrong-width" }
func (wrongWidth) Build(b *Builder, in Inputs, outputs int) *graph.Node { return in.X }

func TestSummaryReportsBuildErrors(t *testing.T) {
	if _, err := Summary(panicky{}, []int{4}, 0, 2); err == nil || !strings.Contains(err.Error(), "panicky") {
		t.Errorf("a panicking Build gave error %v; want an error naming the model", err)
	}
	if _, err := Summary(wrongWidth{}, []int{4}, 0, 2); err == nil || !strings.Contains(err.Error(), "[batch, 2]") {
		t.Errorf("a wrong output width gave error %v", err)
	}
	if _, err := Summary(MLP().Done(), []int{4}, 0, 0); err == nil {
		t.Error("zero outputs gave no error")
	}
	if err := Validate(nil, []int{4}, 0); err == nil {
		t.Error("a nil model gave no error")
	}
}

// TestSummaryCounts checks, for every family, that the layer rows add up to the trainable
// parameters and that the recurrent layers have Keras' parameter counts.
func TestSummaryCounts(t *testing.T) {
	lstm := func(in, units int) int { return 4 * (units*(in+units) + units) }
	gru := func(in, units int) int { return 3 * (units*(in+units) + 2*units) } // reset_after
	cases := []struct {
		name      string
		model     Model
		shape     []int
		vocab     int
		trainable int // -1: only check that rows add up
		other     int
	}{
		{"mlp", MLP(16, 8).Done(), []int{30}, 0, 30*16 + 16 + 16*8 + 8 + 8*2 + 2, 0},
		{"cnn batch norm", CNN(4, 8).Padding("same").BatchNorm().Dense(16).Done(), []int{12, 12, 3}, 0,
			(27*4 + 4 + 8) + (36*8 + 8 + 16) + (3*3*8*16 + 16) + (16*2 + 2), 2*4 + 2*8},
		{"cnn1d tokens one-hot", CNN1D(8).Done(), []int{20}, 5, (5*5*8 + 8) + (8*64 + 64) + (64*2 + 2), 0},
		{"lstm tokens", LSTM(16).Done(), []int{20}, 6, 6*32 + lstm(32, 16) + 16*2 + 2, 0},
		{"gru bidirectional signals", GRU(8).Bidirectional().Layers(2).Done(), []int{20, 3}, 0,
			2*gru(3, 8) + 2*gru(16, 8) + 16*2 + 2, 0},
		{"transformer", Transformer().Dim(16).Heads(2).Blocks(2).Pooling("cls").Positions("learned").Done(), []int{20}, 6,
			6*16 + 20*16 + 16 + 2*(4*(16*16+16)+2*16*2+(16*32+32)+(32*16+16)) + 2*16 + 16*2 + 2, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			st, err := Summary(c.model, c.shape, c.vocab, 2)
			if err != nil {
				t.Fatal(err)
			}
			sum := 0
			for _, l := range st.Layers {
				sum += l.Params
			}
			if sum != st.Trainable {
				t.Errorf("rows add up to %d parameters, the store holds %d trainable:\n%s", sum, st.Trainable, st)
			}
			if c.trainable >= 0 && (st.Trainable != c.trainable || st.NonTrainable != c.other) {
				t.Errorf("%d trainable and %d other parameters, want %d and %d:\n%s", st.Trainable, st.NonTrainable, c.trainable, c.other, st)
			}
			if last := st.Layers[len(st.Layers)-1]; !reflect.DeepEqual(last.Output, []int{1, 2}) {
				t.Errorf("last layer output %v, want [1 2]", last.Output)
			}
		})
	}
}
