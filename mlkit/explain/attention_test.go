// SPDX-License-Identifier: Apache-2.0

package explain

import (
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/medgo-lab/medgo/mlkit/models"
)

func mustModel(t *testing.T, js string) models.Model {
	t.Helper()
	m, err := models.Unmarshal([]byte(js))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func rowSums(t *testing.T, what string, m Matrix) {
	t.Helper()
	for q, row := range m {
		s := 0.0
		for _, v := range row {
			if v < 0 {
				t.Fatalf("%s: row %d has the negative weight %v", what, q, v)
			}
			s += v
		}
		if math.Abs(s-1) > 1e-4 {
			t.Fatalf("%s: row %d sums to %v, not 1", what, q, s)
		}
	}
}

func TestAttentionWeightsOfATransformer(t *testing.T) {
	for _, tc := range []struct {
		fixture string
		length  int
		cls     bool
	}{
		{"mean", 8, false},    // padded tokens, mean pooling
		{"cls", 9, true},      // padded tokens, a classification token
		{"signal", 16, false}, // real-valued signals [16 2], no mask
	} {
		t.Run(tc.fixture, func(t *testing.T) {
			run, split := transformerRuns[tc.fixture].get(t)
			test := split.Test
			idx := firstN(12)
			att, err := Attention(run, test, idx)
			if err != nil {
				t.Fatal(err)
			}
			if att.Layers != 2 || att.Heads != 2 || att.Length != tc.length || att.CLS != tc.cls || att.Len() != 12 {
				t.Fatalf("layers %d heads %d length %d cls %v, %d examples; want 2, 2, %d, %v, 12", att.Layers, att.Heads, att.Length, att.CLS, att.Len(), tc.length, tc.cls)
			}
			for e, i := range idx {
				var want []string
				if test.Vocab != nil {
					want = test.Vocab.Decode(test.Example(i))
				} else {
					for p := range test.Shape[0] {
						want = append(want, strconv.Itoa(p))
					}
				}
				if tc.cls {
					want = append([]string{CLSToken}, want...)
				}
				if got := att.Labels(e); !slices.Equal(got, want) {
					t.Fatalf("example %d: labels %v; want %v", i, got, want)
				}
				real := att.Real(e)
				isReal := make([]bool, att.Length)
				for _, p := range real {
					isReal[p] = true
				}
				for l := range att.Layers {
					for h := range att.Heads {
						w := att.Weights[e][l][h]
						// Every query, padded ones included, spreads its weight over the
						// real keys only.
						for q := range att.Length {
							onReal, onPad := 0.0, 0.0
							for k, v := range w[q] {
								if isReal[k] {
									onReal += v
								} else {
									onPad += v
								}
							}
							if math.Abs(onReal-1) > 1e-4 || onPad > 1e-6 {
								t.Fatalf("example %d layer %d head %d query %d: %.6f on real keys, %.2g on padding", i, l, h, q, onReal, onPad)
							}
						}
						head := att.Head(e, l, h)
						if len(head) != len(real) {
							t.Fatalf("Head has %d rows for %d real positions", len(head), len(real))
						}
						rowSums(t, "head", head)
					}
					rowSums(t, "mean", att.Mean(e, l))
				}
				roll := att.Rollout(e)
				rowSums(t, "rollout", roll)
				for _, layer := range []int{0, 1, -1} {
					rec := att.Received(e, layer)
					s := 0.0
					for _, v := range rec {
						s += v
					}
					if len(rec) != len(real) || math.Abs(s-1) > 1e-4 {
						t.Fatalf("Received(%d, %d): %d values summing to %v; want %d summing to 1", e, layer, len(rec), s, len(real))
					}
				}
			}
		})
	}
}

func TestAttentionRejectsModelsWithoutAttention(t *testing.T) {
	run, split := binaryRun.get(t)
	_, err := Attention(run, split.Test, []int{0})
	if err == nil || !strings.Contains(err.Error(), "records no attention weights") || !strings.Contains(err.Error(), "models.Transformer") {
		t.Fatalf("error %v; want one saying the model records no attention", err)
	}
	tok, tokSplit := transformerRuns["mean"].get(t)
	if _, err := Attention(tok, tokSplit.Test, []int{-1}); err == nil || !strings.Contains(err.Error(), "example index -1") {
		t.Fatalf("negative index: %v", err)
	}
}

// handMaps builds attention maps of one example from per-layer matrices (one head each).
func handMaps(mask []float32, layers ...Matrix) *AttentionMaps {
	a := &AttentionMaps{Index: []int{0}, Layers: len(layers), Heads: 1, Length: len(mask), Mask: [][]float32{mask}}
	ex := make([][]Matrix, len(layers))
	for l, m := range layers {
		ex[l] = []Matrix{m}
	}
	a.Weights = [][][]Matrix{ex}
	a.Tokens = [][]string{make([]string, len(mask))}
	return a
}

func TestRolloutArithmetic(t *testing.T) {
	third := 1.0 / 3
	uniform := Matrix{{third, third, third}, {third, third, third}, {third, third, third}}
	firstOnly := Matrix{{1, 0, 0}, {1, 0, 0}, {1, 0, 0}}
	ident := Matrix{{1, 0, 0}, {0, 1, 0}, {0, 0, 1}}
	for _, tc := range []struct {
		name     string
		mask     []float32
		layers   []Matrix
		rollout  Matrix
		received []float64
	}{
		{"identity stays identity", []float32{1, 1, 1}, []Matrix{ident, ident}, ident, []float64{third, third, third}},
		{"one uniform layer is mixed with the residual", []float32{1, 1, 1}, []Matrix{uniform},
			Matrix{{2 * third, third / 2, third / 2}, {third / 2, 2 * third, third / 2}, {third / 2, third / 2, 2 * third}},
			[]float64{third, third, third}},
		// Everything attends to position 0: after two layers position 0 keeps all of itself,
		// and the others keep (1/2)² of themselves.
		{"attention to one token compounds", []float32{1, 1, 1}, []Matrix{firstOnly, firstOnly},
			Matrix{{1, 0, 0}, {0.75, 0.25, 0}, {0.75, 0, 0.25}},
			[]float64{2.5 / 3, 0.25 / 3, 0.25 / 3}},
		// The padded position 2 is dropped; the rows are renormalized over the real ones.
		{"padding is dropped", []float32{1, 1, 0}, []Matrix{{{0.5, 0.5, 0}, {0.5, 0.5, 0}, {0.3, 0.3, 0.4}}},
			Matrix{{0.75, 0.25}, {0.25, 0.75}}, []float64{0.5, 0.5}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := handMaps(tc.mask, tc.layers...)
			got := a.Rollout(0)
			if len(got) != len(tc.rollout) {
				t.Fatalf("rollout is %d×%d; want %d×%d", len(got), len(got), len(tc.rollout), len(tc.rollout))
			}
			for q := range got {
				for k := range got[q] {
					if math.Abs(got[q][k]-tc.rollout[q][k]) > 1e-12 {
						t.Fatalf("rollout %v; want %v", got, tc.rollout)
					}
				}
			}
			rec := a.Received(0, -1)
			for k := range rec {
				if math.Abs(rec[k]-tc.received[k]) > 1e-12 {
					t.Fatalf("received %v; want %v", rec, tc.received)
				}
			}
		})
	}
}
