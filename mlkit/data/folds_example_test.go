// SPDX-License-Identifier: Apache-2.0

package data_test

import (
	"fmt"
	"math"

	"github.com/medgo-lab/medgo/mlkit/data"
)

func ExampleFolds() {
	d := tumours() // 20 examples, 5 malignant
	folds, err := data.Folds(d, 5).Stratified().Seed(1).Done()
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, f := range folds {
		s := f.Split(d) // fit on s.Train, evaluate on s.Val
		fmt.Println(f.Index, s.Train.Len(), s.Val.Len(), s.Val.ClassCounts())
	}
	// Output:
	// 0 16 4 [3 1]
	// 1 16 4 [3 1]
	// 2 16 4 [3 1]
	// 3 16 4 [3 1]
	// 4 16 4 [3 1]
}

func ExampleFoldsBuilder_Groups() {
	d := tumours()
	// Two scans per patient: both must be on the same side of every fold.
	patients := make([]string, d.Len())
	for i := range patients {
		patients[i] = fmt.Sprintf("patient-%d", i/2)
	}
	folds, err := data.Folds(d, 5).Groups(patients).Seed(1).Done()
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, f := range folds {
		fmt.Println(f.Index, len(f.Val), patients[f.Val[0]] == patients[f.Val[1]])
	}

	_, err = data.Folds(d, 11).Groups(patients).Done()
	fmt.Println(err)
	// Output:
	// 0 4 true
	// 1 4 true
	// 2 4 true
	// 3 4 true
	// 4 4 true
	// tumours: folds: k = 11 folds but only 10 groups; a group is never split, so use k <= 10 (or more groups)
}

func ExampleFoldsBuilder_Repeats() {
	labels := []int{0, 0, 0, 0, 0, 0, 1, 1, 1, 0, 0, 1}
	folds, err := data.FoldsOf(len(labels), 3).StratifyBy(labels).Repeats(2).Seed(7).Done()
	if err != nil {
		fmt.Println(err)
		return
	}
	// 2 × 3 folds: each repetition reshuffles, and every validation part keeps the
	// 2:1 class ratio as closely as 4 examples allow.
	for _, f := range folds {
		pos := 0
		for _, i := range f.Val {
			pos += labels[i]
		}
		fmt.Printf("repeat %d fold %d: validation %v, %d positive\n", f.Repeat, f.Index, f.Val, pos)
	}
	// Output:
	// repeat 0 fold 0: validation [0 3 8 9], 1 positive
	// repeat 0 fold 1: validation [1 5 7 10], 1 positive
	// repeat 0 fold 2: validation [2 4 6 11], 2 positive
	// repeat 1 fold 0: validation [3 5 8 10], 1 positive
	// repeat 1 fold 1: validation [0 1 9 11], 1 positive
	// repeat 1 fold 2: validation [2 4 6 7], 2 positive
}

func ExampleFoldsBuilder_StratifyMultiLabel() {
	// Two findings per scan (NaN: not recorded). "nodule" is rare: shuffling alone could
	// leave a validation fold without one, and its AUC there undefined.
	nan := math.NaN()
	labels := [][]float64{
		{1, 0}, {0, 0}, {0, 1}, {0, 0}, {1, 0}, {0, nan},
		{0, 1}, {1, 0}, {0, 0}, {nan, 1}, {0, 0}, {1, 0},
	}
	folds, err := data.FoldsOf(len(labels), 3).StratifyMultiLabel(labels).Seed(1).Done()
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, f := range folds {
		effusion, nodule := 0, 0
		for _, i := range f.Val {
			if labels[i][0] == 1 {
				effusion++
			}
			if labels[i][1] == 1 {
				nodule++
			}
		}
		fmt.Println(f.Index, len(f.Val), "examples:", effusion, "effusion,", nodule, "nodule")
	}
	// Output:
	// 0 4 examples: 2 effusion, 1 nodule
	// 1 4 examples: 1 effusion, 1 nodule
	// 2 4 examples: 1 effusion, 1 nodule
}
