// SPDX-License-Identifier: Apache-2.0

package chem_test

import (
	"fmt"
	"strings"

	"github.com/medgo-lab/medgo/mlkit/chem"
	"github.com/medgo-lab/medgo/mlkit/data"
)

func ExampleGraphs() {
	smiles := []string{"CC(=O)Nc1ccc(O)cc1", "C#N", "[Na+].CC(=O)[O-]"} // paracetamol, HCN, sodium acetate
	d, err := chem.Graphs(smiles).LargestFragment().
		Labels(data.Binary, []float32{1, 0, 0}).Classes("inactive", "active").Done()
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("examples:", d.Len(), "shape:", d.Shape, "bytes each:", 4*d.ExampleSize())

	// Row 4 of paracetamol is the first aromatic carbon: its features, then its bonds.
	names := chem.AtomFeatureNames()
	row := d.Example(0)[4*d.Shape[1]:]
	var on []string
	for j, v := range row[:chem.NumAtomFeatures] {
		if v != 0 {
			on = append(on, names[j])
		}
	}
	fmt.Println(strings.Join(on, " "))
	atoms, bonds := chem.GraphAtoms(d.Example(0), d.Shape[0])
	fmt.Println("atoms:", atoms, "bonds of atom 4:", bonds[4])
	// Output:
	// examples: 3 shape: [11 42] bytes each: 1848
	// atom element=C degree=3 charge=0 aromatic hydrogens=0 in ring
	// atoms: 11 bonds of atom 4: [0 0 0 1 0 4 0 0 0 0 4]
}
