// SPDX-License-Identifier: Apache-2.0

package explain_test

import (
	"fmt"
	"os"

	"github.com/medgo-lab/medgo/mlkit/data"
	"github.com/medgo-lab/medgo/mlkit/eval"
	"github.com/medgo-lab/medgo/mlkit/explain"
	"github.com/medgo-lab/medgo/mlkit/models"
	"github.com/medgo-lab/medgo/mlkit/train"
)

func ExampleMCDropout() {
	dir, _ := os.MkdirTemp("", "explain-example")
	defer os.RemoveAll(dir)
	split := &data.Split{Train: patients(400, 1), Val: patients(100, 2), Test: patients(200, 3)}
	run, err := train.New("patients-dropout", models.MLP(32).Dropout(0.3).Done()).Epochs(15).Adam(3e-3).
		Dir(dir).Quiet().Done().Fit(split)
	if err != nil {
		fmt.Println(err)
		return
	}
	test := run.Split().Test
	// 30 stochastic passes with dropout on, seeded.
	u, err := explain.MCDropout(run, test, 30, 1)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(u.Method, u.Passes, "passes over", u.Len(), "patients")
	// Refer the least certain patients (highest predictive entropy) to a clinician.
	curve, err := eval.SelectiveBinary(test.Labels(), u.Labels(), u.Entropy)
	if err != nil {
		fmt.Println(err)
		return
	}
	all, kept := len(curve.Accuracy)-1, curve.At(0.8)
	fmt.Println("accuracy rises when 20% are referred:", curve.Accuracy[kept] > curve.Accuracy[all])
	// Output:
	// mc-dropout 30 passes over 200 patients
	// accuracy rises when 20% are referred: true
}

func ExampleTestTimeAugmentation() {
	dir, _ := os.MkdirTemp("", "explain-example")
	defer os.RemoveAll(dir)
	split := &data.Split{Train: scans(256, 1), Test: scans(32, 2)}
	m := models.CNN(8).Padding("same").Pool(0).GlobalAvgPool().Dense().Dropout(0).Done()
	run, err := train.New("scans", m).Epochs(5).Adam(3e-3).Dir(dir).Quiet().Done().Fit(split)
	if err != nil {
		fmt.Println(err)
		return
	}
	// The original, mirrored and shifted scans.
	augs := []explain.Augmentation{explain.Identity(), explain.FlipHorizontal(), explain.Shift(1, 0), explain.Shift(0, 1)}
	u, err := explain.TestTimeAugmentation(run, run.Split().Test, augs)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(u.Method, "over", u.Passes, "versions of", u.Len(), "scans")
	fmt.Println("one value of spread per scan:", len(u.Spread()) == u.Len())
	// Output:
	// test-time augmentation over 4 versions of 32 scans
	// one value of spread per scan: true
}
