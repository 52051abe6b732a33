// SPDX-License-Identifier: Apache-2.0

package explain_test

import (
	"fmt"
	"math/rand"
	"os"

	"github.com/medgo-lab/medgo/mlkit/data"
	"github.com/medgo-lab/medgo/mlkit/explain"
	"github.com/medgo-lab/medgo/mlkit/models"
	"github.com/medgo-lab/medgo/mlkit/train"
)

// patients makes a small tabular data set in which only glucose decides the label.
func patients(n int, seed int64) *data.Dataset {
	rng := rand.New(rand.NewSource(seed))
	d := &data.Dataset{Name: "patients", Task: data.Binary, Shape: []int{3},
		Features: []string{"age", "glucose", "pulse"}, Classes: []string{"healthy", "diabetic"}}
	for range n {
		age, glucose, pulse := rng.NormFloat64(), rng.NormFloat64(), rng.NormFloat64()
		d.X = append(d.X, float32(age), float32(glucose), float32(pulse))
		label := 0
		if glucose > 0 {
			label = 1
		}
		d.Y = append(d.Y, float32(label))
	}
	return d
}

// trainPatients trains a small MLP on patients in a temporary run directory.
func trainPatients(dir string) (*train.Run, error) {
	split := &data.Split{Train: patients(400, 1), Val: patients(100, 2), Test: patients(200, 3)}
	return train.New("patients", models.MLP(8).Done()).Epochs(15).Adam(3e-3).Dir(dir).Quiet().Done().Fit(split)
}

func ExamplePermutationImportance() {
	dir, _ := os.MkdirTemp("", "explain-example")
	defer os.RemoveAll(dir)
	run, err := trainPatients(dir)
	if err != nil {
		fmt.Println(err)
		return
	}
	imp, err := explain.PermutationImportance(run, run.Split().Test, "auc", 5, 1)
	if err != nil {
		fmt.Println(err)
		return
	}
	// display.FeatureImportance(imp.Features, imp.Mean, imp.Std, 10) draws it.
	fmt.Println("most important:", imp.Top(1)[0])
	fmt.Println("shuffling it costs more than 0.3 AUC:", imp.Mean[0] > 0.3)
	// Output:
	// most important: glucose
	// shuffling it costs more than 0.3 AUC: true
}

func ExampleSaliency() {
	dir, _ := os.MkdirTemp("", "explain-example")
	defer os.RemoveAll(dir)
	run, err := trainPatients(dir)
	if err != nil {
		fmt.Println(err)
		return
	}
	test := run.Split().Test
	// Explain the predicted class of the first two test patients.
	sal, err := explain.Saliency(run, test, []int{0, 1}, -1)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(sal.Layout, sal.Shape, sal.Target)
	for i := range sal.Len() {
		fmt.Printf("patient %d: most salient feature %s\n", sal.Index[i], test.Features[sal.Top(i, 1)[0]])
	}
	// For images, display.Saliency(test.Example(i), test.Shape, sal.Map(i), sal.Shape) draws
	// the image, the map and the overlay.

	_, err = explain.Saliency(run, test, []int{0}, 5)
	fmt.Println(err)
	// Output:
	// features [3] logit
	// patient 0: most salient feature glucose
	// patient 1: most salient feature glucose
	// explain: class 5 is out of range; run "patients" has 2 classes [healthy diabetic]: pass 0..1, or -1 for the predicted one
}

func ExampleAttention() {
	dir, _ := os.MkdirTemp("", "explain-example")
	defer os.RemoveAll(dir)
	// Short DNA sequences as token ids padded to 6, with a mask; the label says whether the
	// sequence contains "TA".
	vocab := data.NewVocabulary("A", "C", "G", "T")
	seqs := &data.Dataset{Name: "motifs", Task: data.Binary, Shape: []int{6}, Vocab: vocab, Classes: []string{"no", "yes"}}
	for _, s := range []string{"CAT", "GTAC", "GGCA", "TATAG", "ACGTCG", "CTTA", "AAC", "TAGGCT"} {
		label := 0
		for p := range 6 {
			id, m := 0, 0
			if p < len(s) {
				id, _ = vocab.ID(s[p : p+1])
				m = 1
				if p > 0 && s[p-1:p+1] == "TA" {
					label = 1
				}
			}
			seqs.X = append(seqs.X, float32(id))
			seqs.Mask = append(seqs.Mask, float32(m))
		}
		seqs.Y = append(seqs.Y, float32(label))
	}
	m := models.Transformer().Dim(8).Heads(2).Blocks(2).Dropout(0).Done()
	run, err := train.New("motifs", m).Epochs(1).Dir(dir).Quiet().Done().Fit(&data.Split{Train: seqs})
	if err != nil {
		fmt.Println(err)
		return
	}
	att, err := explain.Attention(run, seqs, []int{0})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%d layers × %d heads over %d positions\n", att.Layers, att.Heads, att.Length)
	fmt.Println("tokens:", att.Labels(0))
	// display.Attention(rollout, att.Labels(0), att.Labels(0)) draws it.
	rollout := att.Rollout(0)
	fmt.Printf("rollout: %d×%d\n", len(rollout), len(rollout[0]))
	// Output:
	// 2 layers × 2 heads over 6 positions
	// tokens: [C A T]
	// rollout: 3×3
}

func ExampleAttentionMaps_Rollout() {
	// One example, two layers of one head, in which every token attends only to the first.
	toFirst := explain.Matrix{{1, 0, 0}, {1, 0, 0}, {1, 0, 0}}
	att := &explain.AttentionMaps{
		Index: []int{0}, Layers: 2, Heads: 1, Length: 3,
		Weights: [][][]explain.Matrix{{{toFirst}, {toFirst}}},
		Mask:    [][]float32{{1, 1, 1}},
		Tokens:  [][]string{{"a", "b", "c"}},
	}
	// Each layer keeps half of every token through the residual connection.
	for _, row := range att.Rollout(0) {
		fmt.Println(row)
	}
	fmt.Printf("received: %.3f\n", att.Received(0, -1))
	// Output:
	// [1 0 0]
	// [0.75 0.25 0]
	// [0.75 0 0.25]
	// received: [0.833 0.083 0.083]
}
