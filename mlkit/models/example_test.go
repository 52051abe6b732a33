// SPDX-License-Identifier: Apache-2.0

package models_test

import (
	"fmt"

	"github.com/medgo-lab/medgo/mlkit/data"
	"github.com/medgo-lab/medgo/mlkit/models"
)

// A model's layers, output shapes and parameters, for 30 features and a binary task.
func ExampleSummary() {
	m := models.MLP(16, 8).Dropout(0.2).Done()
	st, err := models.Summary(m, []int{30}, 0, models.OutputsFor(data.Binary, 2, 1))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Print(st)
	// Output:
	// Model: mlp, input (None, 30)
	// ========================================
	// Layer               Output shape  Params
	// ----------------------------------------
	// dense_0 (16, relu)  (None, 16)       496
	// dropout (0.2)       (None, 16)         0
	// dense_1 (8, relu)   (None, 8)        136
	// dropout (0.2)       (None, 8)          0
	// output (1)          (None, 1)          9
	// ========================================
	// Total params: 641
	// Trainable params: 641
	// Non-trainable params: 0
}

// The classic Keras MNIST network has 225,034 trainable parameters.
func ExampleSeedCNN() {
	st, err := models.Summary(models.SeedCNN(), []int{28, 28, 1}, 0, 10)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(st.Trainable)
	for _, l := range st.Layers[:2] {
		fmt.Println(l.Name, l.Output[1:], l.Params)
	}
	// Output:
	// 225034
	// conv2d_0 (32, 3×3, relu) [26 26 32] 320
	// max_pool_0 (2) [13 13 32] 0
}

// Configurations are validated against the data before anything is built.
func ExampleValidate() {
	err := models.Validate(models.Transformer().Dim(30).Heads(4).Done(), []int{60}, 8)
	fmt.Println(err)
	// Output:
	// Transformer: model width 30 is not a multiple of the 4 heads; e.g. Dim(32)
}

// A configuration is saved as JSON and read back into the same model.
func ExampleMarshal() {
	raw, _ := models.Marshal(models.GRU(32).Bidirectional().Done())
	fmt.Println(string(raw))
	m, err := models.Unmarshal(raw)
	fmt.Println(m.Kind(), err)
	// Output:
	// {
	//   "kind": "rnn",
	//   "config": {
	//     "cell": "gru",
	//     "units": 32,
	//     "layers": 1,
	//     "bidirectional": true,
	//     "pooling": "last",
	//     "activation": "relu"
	//   }
	// }
	// rnn <nil>
}

// The width of the output layer for each task.
func ExampleOutputsFor() {
	fmt.Println(models.OutputsFor(data.Binary, 2, 1))
	fmt.Println(models.OutputsFor(data.MultiClass, 3, 1))
	fmt.Println(models.OutputsFor(data.Ordinal, 5, 1))
	fmt.Println(models.OutputsFor(data.MultiLabel, 0, 12))
	// Output:
	// 1
	// 3
	// 4
	// 12
}
