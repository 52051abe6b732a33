// SPDX-License-Identifier: Apache-2.0

package display_test

import (
	"fmt"
	"strings"

	"github.com/medgo-lab/medgo/mlkit/chem"
	"github.com/medgo-lab/medgo/mlkit/display"
)

func ExampleMoleculeHTML() {
	// Paracetamol, with made-up per-atom values: the amide nitrogen for, the hydroxyl against.
	m, err := chem.ParseSMILES("CC(=O)Nc1ccc(O)cc1")
	if err != nil {
		fmt.Println(err)
		return
	}
	values := make([]float64, len(m.Atoms))
	values[3], values[8] = 0.9, -0.3
	page, err := display.MoleculeHTML("paracetamol", m, values)
	if err != nil {
		fmt.Println(err)
		return
	}
	// In a notebook: display.ShowHTML(page).
	fmt.Println(strings.Count(page, "<span"), "atoms shaded")
	fmt.Println(strings.Contains(page, `title="atom 3 (N): +0.9"`))
	// Output:
	// 11 atoms shaded
	// true
}
