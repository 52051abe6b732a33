// SPDX-License-Identifier: Apache-2.0

package train_test

import (
	"fmt"
	"os"

	"github.com/medgo-lab/medgo/mlkit/data"
	"github.com/medgo-lab/medgo/mlkit/models"
	"github.com/medgo-lab/medgo/mlkit/train"
)

// Train a small MLP, then reopen the run as a later notebook cell would.
func Example() {
	dir, _ := os.MkdirTemp("", "runs")
	defer os.RemoveAll(dir)
	// A toy task: the label is whether x0 + x1 > 0.
	d := &data.Dataset{Name: "toy", Task: data.Binary, Shape: []int{2}, Classes: []string{"no", "yes"}}
	for i := 0; i < 64; i++ {
		x0, x1 := float32(i%8)-3.5, float32(i/8)-3.5
		d.X = append(d.X, x0, x1)
		d.Y = append(d.Y, map[bool]float32{true: 1, false: 0}[x0+x1 > 0])
	}
	split := &data.Split{Train: d, Val: d, Test: d}
	run, err := train.New("toy", models.MLP(8).Done()).Epochs(3).Dir(dir).Quiet().Done().Fit(split)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("epochs trained:", len(run.History.Epochs))

	again, err := train.Open(run.Dir)
	if err != nil {
		fmt.Println(err)
		return
	}
	pred, err := again.Predict(again.Split().Test)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("test examples predicted:", len(pred.Probs), "with", len(pred.Probs[0]), "class probabilities each")
	fmt.Println("classes:", again.Classes)
	// Output:
	// epochs trained: 3
	// test examples predicted: 64 with 2 class probabilities each
	// classes: [no yes]
}
