// SPDX-License-Identifier: Apache-2.0

package train_test

import (
	"fmt"
	"os"

	"github.com/medgo-lab/medgo/mlkit/data"
	"github.com/medgo-lab/medgo/mlkit/models"
	"github.com/medgo-lab/medgo/mlkit/train"
)

// toyData is a small binary task: the label is whether x0 + x1 > 0.
func toyData() *data.Dataset {
	d := &data.Dataset{Name: "toy", Task: data.Binary, Shape: []int{2}, Classes: []string{"no", "yes"}}
	for i := 0; i < 64; i++ {
		x0, x1 := float32(i%8)-3.5, float32(i/8)-3.5
		d.X = append(d.X, x0, x1)
		d.Y = append(d.Y, map[bool]float32{true: 1, false: 0}[x0+x1 > 0])
	}
	return d
}

// Cross-validate a linear model in one cell, then reopen the result in a later one.
func ExampleCrossValidate() {
	dir, _ := os.MkdirTemp("", "runs")
	defer os.RemoveAll(dir)
	d := toyData()
	folds, _ := data.Folds(d, 4).Stratified().Seed(1).Done()

	// cell: cross-validate (running it again reopens the folds, or resumes an interrupted one)
	res, err := train.CrossValidate("toy-cv", models.Linear().Done(), folds).
		Configure(func(c *train.Config) *train.Config { return c.Epochs(5).Adam(0.05).BatchSize(8) }).
		Prepare(func(s *data.Split) *data.Split { return data.FitStandardizer(s.Train).ApplySplit(s) }).
		Dir(dir).Quiet().Done().Fit(d)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("folds:", len(res.Folds), "out-of-fold predictions:", len(res.OutOfFold.Probs))

	// cell: evaluate (a new process: reopen by name or directory)
	again, err := train.OpenCV(res.Dir)
	if err != nil {
		fmt.Println(err)
		return
	}
	h := again.Headline()
	fmt.Println("mean AUC above 0.9:", h["auc"] > 0.9, "pooled AUC within its CI:", h["pooled_auc_lower"] <= h["pooled_auc"] && h["pooled_auc"] <= h["pooled_auc_upper"])
	// Output:
	// folds: 4 out-of-fold predictions: 64
	// mean AUC above 0.9: true pooled AUC within its CI: true
}

// Choose between two configurations by nested cross-validation.
func ExampleNestedCrossValidate() {
	dir, _ := os.MkdirTemp("", "runs")
	defer os.RemoveAll(dir)
	d := toyData()
	folds, _ := data.Folds(d, 3).Stratified().Seed(1).Done()
	epochs := func(n int) func(*train.Config) *train.Config {
		return func(c *train.Config) *train.Config { return c.Epochs(n).Adam(0.05).BatchSize(8) }
	}
	res, err := train.NestedCrossValidate("toy-ncv", folds,
		train.Candidate{Name: "one-epoch", Model: models.Linear().Done(), Configure: epochs(1)},
		train.Candidate{Name: "eight-epochs", Model: models.Linear().Done(), Configure: epochs(8)},
	).InnerFolds(2).Select("brier").Dir(dir).Quiet().Done().Fit(d)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, f := range res.Folds {
		fmt.Printf("fold %d chose %s\n", f.Index+1, f.Chosen)
	}
	// Output:
	// fold 1 chose eight-epochs
	// fold 2 chose eight-epochs
	// fold 3 chose eight-epochs
}
