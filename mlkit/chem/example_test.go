// SPDX-License-Identifier: Apache-2.0

package chem_test

import (
	"fmt"

	"github.com/medgo-lab/medgo/mlkit/chem"
)

func ExampleParseSMILES() {
	// Propranolol hydrochloride as in BBBP: the salt's chloride is a separate fragment.
	m, err := chem.ParseSMILES("[Cl].CC(C)NCC(O)COc1cccc2ccccc12")
	if err != nil {
		fmt.Println(err)
		return
	}
	p := m.LargestFragment()
	fmt.Println("fragments:", len(m.Fragments()))
	fmt.Println("heavy atoms:", p.NumHeavyAtoms(), "aromatic:", p.NumAromaticAtoms(), "rings:", p.NumRings())
	fmt.Printf("MolWt %.2f TPSA %.2f\n", p.MolWt(), p.TPSA())
	// Output:
	// fragments: 2
	// heavy atoms: 19 aromatic: 10 rings: 2
	// MolWt 259.35 TPSA 41.49
}

func ExampleParseSMILES_error() {
	_, err := chem.ParseSMILES("CC(C)C)C")
	fmt.Println(err)
	_, err = chem.ParseSMILES("C1CC")
	fmt.Println(err)
	// Output:
	// smiles "CC(C)C)C": unexpected ')' at 6: no open branch
	// smiles "C1CC": unclosed ring 1 opened at position 1
}

func ExampleMol_MurckoScaffold() {
	a, _ := chem.ScaffoldKey("CCOC(=O)c1ccc(N)cc1")        // benzocaine
	b, _ := chem.ScaffoldKey("Nc1ccc(cc1)C(=O)OCCN(CC)CC") // procaine
	c, _ := chem.ScaffoldKey("c1ccncc1")
	fmt.Println(a == b, a == c)
	// Output: true false
}

func ExampleScaffoldSplit() {
	smiles := []string{"c1ccccc1C", "c1ccccc1O", "c1ccccc1N", "C1CCCCC1O", "c1ccncc1C", "CCO"}
	// Groups: benzene {0,1,2}, then single molecules; equal sizes go in DeepChem's order
	// (later first index first), so the acyclic CCO (empty scaffold) is validation.
	train, val, test, _ := chem.ScaffoldSplit(smiles, 0.5, 0.25, 0)
	fmt.Println(train, val, test)
	// Output: [0 1 2] [5] [3 4]
}

func ExampleTanimoto() {
	a, _ := chem.ParseSMILES("CC(=O)Oc1ccccc1C(=O)O") // aspirin
	b, _ := chem.ParseSMILES("OC(=O)c1ccccc1O")       // salicylic acid
	fa, fb := a.Morgan(2, 2048), b.Morgan(2, 2048)
	fmt.Printf("%d %d bits, Tanimoto %.2f\n", fa.OnBits(), fb.OnBits(), chem.Tanimoto(fa, fb))
	// RDKit gives 24 and 18 bits, Tanimoto 0.45: the same features, folded by another hash.
	// Output: 24 19 bits, Tanimoto 0.48
}
