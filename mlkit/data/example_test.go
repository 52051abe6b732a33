// SPDX-License-Identifier: Apache-2.0

package data_test

import (
	"archive/zip"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/medgo-lab/medgo/mlkit/data"
)

// tumours is a small synthetic tabular data set: two features, two classes.
func tumours() *data.Dataset {
	d := &data.Dataset{
		Name: "tumours", Task: data.Binary, Shape: []int{2},
		Features: []string{"radius", "texture"}, Classes: []string{"benign", "malignant"},
	}
	for i := 0; i < 20; i++ {
		label := 0
		if i%4 == 0 {
			label = 1
		}
		d.X = append(d.X, float32(10+i), float32(20+2*label))
		d.Y = append(d.Y, float32(label))
	}
	return d
}

func ExampleLoadWDBC() {
	d, err := data.LoadWDBC()
	if err != nil {
		fmt.Println(err)
		return
	}
	split, err := data.StratifiedSplit(d, 42, 0.7, 0.15, 0.15)
	if err != nil {
		fmt.Println(err)
		return
	}
	scaler := data.FitStandardizer(split.Train) // fitted on training data only
	train, test := scaler.Apply(split.Train), scaler.Apply(split.Test)
	fmt.Println(train.Len(), test.Len())
	fmt.Println(split.Summary())
}

func ExampleStratifiedSplit() {
	split, err := data.StratifiedSplit(tumours(), 1, 0.6, 0.2, 0.2)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, part := range []*data.Dataset{split.Train, split.Val, split.Test} {
		fmt.Println(part.Len(), part.ClassCounts())
	}
	// Output:
	// 12 [9 3]
	// 4 [3 1]
	// 4 [3 1]
}

func ExampleFitStandardizer() {
	train := &data.Dataset{Task: data.Regression, Shape: []int{1}, X: []float32{1, 2, 3}, Y: []float32{0, 0, 0}, Targets: []string{"y"}}
	test := &data.Dataset{Task: data.Regression, Shape: []int{1}, X: []float32{5}, Y: []float32{0}, Targets: []string{"y"}}
	s := data.FitStandardizer(train)
	fmt.Printf("mean %.2f, std %.2f\n", s.Mean[0], s.Std[0])
	fmt.Printf("%.2f\n", s.Apply(test).X)
	// Output:
	// mean 2.00, std 0.82
	// [3.67]
}

func ExampleClassWeights() {
	fmt.Printf("%.2f\n", data.ClassWeights(tumours()))
	// Output: [0.67 2.00]
}

func ExampleOneHot() {
	d := &data.Dataset{Task: data.MultiClass, Shape: []int{1}, X: []float32{0, 0}, Y: []float32{2, 0}, Classes: []string{"a", "b", "c"}}
	fmt.Println(data.OneHot(d))
	// Output: [0 0 1 1 0 0]
}

func ExampleDataset_Summary() {
	fmt.Print(tumours().Summary())
	// Output:
	// tumours: 20 examples, shape [2], binary
	//
	// class      count  share
	// benign        15  75.0%
	// malignant      5  25.0%
	//
	// feature  min  max  mean    std  missing
	// radius    10   29  19.5  5.766        0
	// texture   20   22  20.5  0.866        0
}

func ExampleSMILESTokenizer() {
	tok := data.SMILESTokenizer().Done()
	tokens, err := tok.Tokenize("CC(=O)Oc1ccccc1C(=O)[O-].[Na+]") // sodium aspirin
	fmt.Println(tokens, err)
	// Output: [C C ( = O ) O c 1 c c c c c 1 C ( = O ) [O-] . [Na+]] <nil>
}

func ExampleTokenizer_Fit() {
	train := &data.Sequences{Name: "dna", Task: data.Binary, Classes: []string{"-", "+"},
		Texts: []string{"ACGTAC", "TTGACA"}, Y: []float32{0, 1}}
	test := &data.Sequences{Name: "dna", Task: data.Binary, Classes: []string{"-", "+"},
		Texts: []string{"ACGN"}, Y: []float32{1}}
	tok := data.DNATokenizer().KMer(3).Done()
	d, err := tok.Fit(train) // vocabulary from training sequences only
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(d.Shape, tok.Vocab.Size())
	e, _ := tok.Transform(test) // "CGN" was never seen: <unk> (id 1)
	fmt.Println(e.X, e.Mask)
	// Output:
	// [4] 10
	// [3 1 0 0] [1 1 0 0]
}

func ExampleDNAOneHot() {
	s := &data.Sequences{Task: data.Binary, Texts: []string{"AR"}, Y: []float32{1}} // R = A or G
	d, _ := data.DNAOneHot(s, 2)
	fmt.Println(d.Shape, d.X)
	// Output: [2 4] [1 0 0 0 0.5 0 0.5 0]
}

func ExampleSlidingWindows() {
	ecg := &data.Dataset{Task: data.Binary, Shape: []int{6, 1}, X: []float32{1, 2, 3, 4, 5, 6}, Y: []float32{1}, Classes: []string{"normal", "abnormal"}}
	w, _ := data.SlidingWindows(ecg, 4, 2)
	for i := 0; i < w.Len(); i++ {
		fmt.Println(w.Example(i), w.Classes[w.Label(i)])
	}
	// Output:
	// [1 2 3 4] abnormal
	// [3 4 5 6] abnormal
}

func ExampleAugment() {
	img := &data.Dataset{Task: data.Binary, Shape: []int{2, 2, 1}, X: []float32{1, 2, 3, 4}, Y: []float32{0}}
	for seed := int64(1); seed <= 3; seed++ {
		out, _ := data.Augment(img, data.AugmentOptions{FlipHorizontal: true}, seed)
		fmt.Println(out.X)
	}
	// Output:
	// [2 1 4 3]
	// [2 1 4 3]
	// [1 2 3 4]

}

func ExampleCSV() {
	dir, _ := os.MkdirTemp("", "medgo")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "patients.csv")
	_ = os.WriteFile(path, []byte("id,age,bmi,outcome\n1,54,27.1,sick\n2,61,31.0,well\n3,47,22.5,sick\n"), 0o644)
	d, err := data.CSV(path).Target("outcome").Drop("id").Positive("sick").Done()
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(d.Features, d.Classes, d.Task, d.Labels())
	// Output: [age bmi] [well sick] binary [1 0 1]
}

func ExampleFetcher() {
	// Read from a local copy first, download into a project cache otherwise.
	f := data.NewFetcher()
	f.DataDir = "/srv/medgo-data"
	f.CacheDir = filepath.Join(os.TempDir(), "medgo-cache")
	f.Retries, f.Backoff = 5, 2*time.Second
	previous := data.SetFetcher(f)
	defer data.SetFetcher(previous)
	if _, err := data.LoadMedMNIST("breastmnist"); err != nil {
		fmt.Println(err)
	}
}

func ExampleLoadIDX() {
	dir, _ := os.MkdirTemp("", "medgo")
	defer os.RemoveAll(dir)
	// Two 2×2 grey images and their labels in the IDX format of MNIST: zero bytes, the type
	// (0x08 = unsigned byte), the number of dimensions, each dimension, then the data.
	images := []byte{0, 0, 0x08, 3, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 2, 0, 255, 0, 255, 51, 51, 51, 51}
	labels := []byte{0, 0, 0x08, 1, 0, 0, 0, 2, 7, 3}
	_ = os.WriteFile(filepath.Join(dir, "images.idx"), images, 0o644)
	_ = os.WriteFile(filepath.Join(dir, "labels.idx"), labels, 0o644)
	d, err := data.LoadIDX(filepath.Join(dir, "images.idx"), filepath.Join(dir, "labels.idx"), data.Expect{NumClasses: 10})
	fmt.Println(d.Shape, d.Labels(), d.NumClasses(), d.Example(1), err)
	// A label outside the stated classes is an error.
	_, err = data.LoadIDX(filepath.Join(dir, "images.idx"), filepath.Join(dir, "labels.idx"), data.Expect{NumClasses: 5})
	fmt.Println(err != nil)
	// Output:
	// [2 2 1] [7 3] 10 [0.2 0.2 0.2 0.2] <nil>
	// true
}

// npyFile is a minimal NumPy .npy writer for the examples.
func npyFile(descr, shape string, data []byte) []byte {
	header := fmt.Sprintf("{'descr': '%s', 'fortran_order': False, 'shape': (%s), }\n", descr, shape)
	out := append([]byte("\x93NUMPY\x01\x00"), byte(len(header)), byte(len(header)>>8))
	return append(append(out, header...), data...)
}

func ExampleLoadMedMNISTFile() {
	dir, _ := os.MkdirTemp("", "medgo")
	defer os.RemoveAll(dir)
	// A MedMNIST-style archive: three splits of 1×1 grey uint8 images, labels [n, 1].
	path := filepath.Join(dir, "wounds.npz")
	f, _ := os.Create(path)
	z := zip.NewWriter(f)
	for name, body := range map[string][]byte{
		"train_images.npy": npyFile("|u1", "3, 1, 1", []byte{0, 255, 51}),
		"train_labels.npy": npyFile("|u1", "3, 1", []byte{0, 1, 2}),
		"val_images.npy":   npyFile("|u1", "1, 1, 1", []byte{255}),
		"val_labels.npy":   npyFile("|u1", "1, 1", []byte{1}),
		"test_images.npy":  npyFile("|u1", "1, 1, 1", []byte{0}),
		"test_labels.npy":  npyFile("|u1", "1, 1", []byte{2}),
	} {
		w, _ := z.Create(name)
		_, _ = w.Write(body)
	}
	_ = z.Close()
	_ = f.Close()
	s, err := data.LoadMedMNISTFile(path, data.Expect{Classes: []string{"healing", "infected", "necrotic"}})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(s.Train.Task, s.Train.Classes, s.Train.Shape, s.Train.X, s.Test.Labels())
	// Output: multi-class [healing infected necrotic] [1 1 1] [0 1 0.2] [2]
}

func ExampleSequencesCSV() {
	dir, _ := os.MkdirTemp("", "medgo")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "mols.csv")
	_ = os.WriteFile(path, []byte("smiles,active\nCCO,0\nc1ccccc1,1\nCCN,2\n"), 0o644)
	// Inference would make a third class of the "2"; stating the classes catches it.
	_, err := data.SequencesCSV(path, "smiles").Target("active").Classes("0", "1").Done()
	fmt.Println(strings.Replace(err.Error(), path, "mols.csv", 1))
	// Output: mols.csv line 4, column "active": label "2" is not one of the stated classes "0", "1"; correct the row, or add the class to Classes(...)
}

// BreastMNIST codes "malignant" as class 0; binary metrics are about class 1.
func ExampleDataset_WithPositive() {
	d := &data.Dataset{Name: "breast", Task: data.Binary, Shape: []int{1}, X: []float32{0.2, 0.7},
		Y: []float32{0, 1}, Classes: []string{"malignant", "normal/benign"}}
	m, err := d.WithPositive("malignant")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(m.Classes, m.Labels())
	// Output: [normal/benign malignant] [1 0]
}
