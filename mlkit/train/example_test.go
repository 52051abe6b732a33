// SPDX-License-Identifier: Apache-2.0

package train_test

import (
	"fmt"
	"os"
	"path/filepath"

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

// Evaluate a trained run on its own test part in one call, with 95% bootstrap intervals.
func ExampleRun_Evaluate() {
	dir, _ := os.MkdirTemp("", "runs")
	defer os.RemoveAll(dir)
	wdbc, err := data.LoadWDBC()
	if err != nil {
		fmt.Println(err)
		return
	}
	split, err := data.StratifiedSplit(wdbc, 42, 0.7, 0.15, 0.15)
	if err != nil {
		fmt.Println(err)
		return
	}
	run, err := train.New("wdbc", models.Linear().Done()).Epochs(20).Dir(dir).Quiet().Done().Fit(data.FitStandardizer(split.Train).ApplySplit(split))
	if err != nil {
		fmt.Println(err)
		return
	}
	ev, err := run.Evaluate() // in a notebook: display.Evaluation(ev) shows it with its plots
	if err != nil {
		fmt.Println(err)
		return
	}
	auc, _ := ev.CI("auc")
	fmt.Printf("%d test examples; AUC above 0.95: %v; inside its interval: %v\n", ev.N, auc.Estimate > 0.95, auc.Lower <= auc.Estimate && auc.Estimate <= auc.Upper)
	_, err = ev.Metric("AUC")
	fmt.Println(err)
	// Output:
	// 85 test examples; AUC above 0.95: true; inside its interval: true
	// train: the evaluation of run "wdbc" has no metric "AUC"; it has accuracy, ap, auc, balanced_accuracy, brier, ece, f1, n, npv, ppv, sensitivity, specificity
}

// Train on images that are shifted afresh every epoch; the settings saved with the run say so.
func ExampleConfig_Augment() {
	dir, _ := os.MkdirTemp("", "runs")
	defer os.RemoveAll(dir)
	// A toy image task: is the bright pixel in the left or the right half of a 6×6 image?
	d := &data.Dataset{Name: "dots", Task: data.Binary, Shape: []int{6, 6, 1}, Classes: []string{"left", "right"}}
	for i := 0; i < 48; i++ {
		img := make([]float32, 36)
		x := i % 6
		img[(i/6%4+1)*6+x] = 1
		d.X = append(d.X, img...)
		d.Y = append(d.Y, map[bool]float32{true: 1, false: 0}[x >= 3])
	}
	run, err := train.New("dots", models.CNN(4).Dense(8).Done()).
		Augment(data.AugmentOptions{MaxShift: 1}).
		Epochs(2).Dir(dir).Quiet().Done().Fit(&data.Split{Train: d, Val: d})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("epochs: %d, augmentation: %+v\n", len(run.History.Epochs), *run.Settings.Augment)
	// Output:
	// epochs: 2, augmentation: {FlipHorizontal:false MaxShift:1 Scale:0 Noise:0}
}

// Average three networks that differ only in their seed, and evaluate the ensemble on the test
// part they share.
func ExampleAverage() {
	dir, _ := os.MkdirTemp("", "runs")
	defer os.RemoveAll(dir)
	wdbc, err := data.LoadWDBC()
	if err != nil {
		fmt.Println(err)
		return
	}
	split, err := data.StratifiedSplit(wdbc, 42, 0.7, 0.15, 0.15)
	if err != nil {
		fmt.Println(err)
		return
	}
	split = data.FitStandardizer(split.Train).ApplySplit(split)
	var names []string
	for seed := int64(1); seed <= 3; seed++ {
		name := fmt.Sprintf("wdbc-seed%d", seed)
		if _, err := train.New(name, models.MLP(16).Done()).Seed(seed).Epochs(10).Dir(dir).Quiet().Done().Fit(split); err != nil {
			fmt.Println(err)
			return
		}
		names = append(names, filepath.Join(dir, name))
	}
	ens, err := train.OpenAverage(names...) // or train.Average(run1, run2, run3)
	if err != nil {
		fmt.Println(err)
		return
	}
	ev, err := ens.Evaluate()
	if err != nil {
		fmt.Println(err)
		return
	}
	auc, _ := ev.Metric("auc")
	fmt.Printf("%d networks, %d test examples, AUC above 0.95: %v\n", len(ens.Runs), ev.N, auc > 0.95)
	// Output:
	// 3 networks, 85 test examples, AUC above 0.95: true
}
