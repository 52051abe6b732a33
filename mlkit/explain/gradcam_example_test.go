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

// scans makes n noisy 8×8 images; in "lesion" images a bright 2×2 spot lies somewhere.
func scans(n int, seed int64) *data.Dataset {
	rng := rand.New(rand.NewSource(seed))
	d := &data.Dataset{Name: "scans", Task: data.Binary, Shape: []int{8, 8, 1}, Classes: []string{"clear", "lesion"}}
	for range n {
		img := make([]float32, 64)
		for p := range img {
			img[p] = float32(0.3 * rng.NormFloat64())
		}
		label := rng.Intn(2)
		if label == 1 {
			p := rng.Intn(7)*8 + rng.Intn(7)
			for _, q := range []int{p, p + 1, p + 8, p + 9} {
				img[q] += 2
			}
		}
		d.X = append(d.X, img...)
		d.Y = append(d.Y, float32(label))
	}
	return d
}

func ExampleGradCAM() {
	dir, _ := os.MkdirTemp("", "explain-example")
	defer os.RemoveAll(dir)
	split := &data.Split{Train: scans(512, 1), Test: scans(64, 2)}
	m := models.CNN(8).Padding("same").Pool(0).GlobalAvgPool().Dense().Dropout(0).Done()
	run, err := train.New("scans", m).Epochs(10).Adam(3e-3).Dir(dir).Quiet().Done().Fit(split)
	if err != nil {
		fmt.Println(err)
		return
	}
	test := run.Split().Test
	// The first test scan with a lesion; explain the "lesion" class.
	i := 0
	for test.Label(i) != 1 {
		i++
	}
	cam, err := explain.GradCAM(run, test, []int{i}, 1)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(cam.Layout, cam.Shape, "from feature maps", cam.FeatureShape)
	// The map peaks on the lesion: one of the four brightest pixels.
	x, peak := test.Example(i), cam.Top(0, 1)[0]
	brighter := 0
	for _, v := range x {
		if v > x[peak] {
			brighter++
		}
	}
	fmt.Println("peak among the 4 brightest pixels:", brighter < 4)
	// display.Saliency(x, test.Shape, cam.Map(0), cam.Shape) draws the scan and the map.

	mlp, err := trainPatients(dir)
	if err != nil {
		fmt.Println(err)
		return
	}
	_, err = explain.GradCAM(mlp, mlp.Split().Test, []int{0}, -1)
	fmt.Println(err)
	// Output:
	// image [8 8] from feature maps [8 8 8]
	// peak among the 4 brightest pixels: true
	// explain: Grad-CAM needs a convolutional network (models.CNN or models.CNN1D), but run "patients" has a "mlp" model; use explain.Saliency or explain.IntegratedGradients for it
}
