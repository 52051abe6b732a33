// SPDX-License-Identifier: Apache-2.0

package chem_test

import (
	"fmt"

	"github.com/medgo-lab/medgo/mlkit/chem"
	"github.com/medgo-lab/medgo/mlkit/data"
)

func ExampleMorganFeatures() {
	mols := &data.Sequences{Name: "toy", Texts: []string{"CCO", "c1ccccc1O"}, Y: []float32{0, 1},
		Task: data.Binary, Classes: []string{"inactive", "active"}}
	d, err := chem.MorganFeatures(2, 2048).Dataset(mols) // ECFP4, 2048 bits
	if err != nil {
		fmt.Println(err)
		return
	}
	on := 0
	for _, v := range d.Example(1) {
		if v == 1 {
			on++
		}
	}
	fmt.Println(d.Len(), d.Shape, on, "bits on for phenol")
	// Output: 2 [2048] 11 bits on for phenol
}
