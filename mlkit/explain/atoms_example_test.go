// SPDX-License-Identifier: Apache-2.0

package explain_test

import (
	"fmt"
	"math"
	"os"

	"github.com/medgo-lab/medgo/mlkit/chem"
	"github.com/medgo-lab/medgo/mlkit/data"
	"github.com/medgo-lab/medgo/mlkit/explain"
	"github.com/medgo-lab/medgo/mlkit/models"
	"github.com/medgo-lab/medgo/mlkit/train"
)

// amines are small molecules labelled by whether they hold nitrogen, and two to explain.
var (
	amines = []string{"CCN", "CCO", "c1ccccc1N", "c1ccccc1O", "CC(C)C#N", "CC(C)CCl", "C1CCCCC1NC", "C1CCCCC1OC",
		"CCC(=O)N", "CCC(=O)O", "c1ccncc1", "c1ccccc1", "OCCN", "OCCF", "CCCCN(C)C", "CCCCC(C)C"}
	aminesTest = []string{"OCCCN", "Clc1ccc(CN)cc1"}
)

// trainAmines trains a small graph network on amines, in a temporary run directory.
func trainAmines(dir string) (*train.Run, *data.Dataset, error) {
	y := make([]float32, len(amines))
	for i := range y {
		y[i] = float32(1 - i%2) // even rows hold nitrogen
	}
	parts := &data.SequenceSplit{
		Train: &data.Sequences{Name: "amines", Task: data.Binary, Texts: amines, Y: y, Classes: []string{"no N", "N"}},
		Test:  &data.Sequences{Name: "amines", Task: data.Binary, Texts: aminesTest, Y: []float32{1, 1}, Classes: []string{"no N", "N"}},
	}
	split, err := chem.GraphSplit(parts).Done()
	if err != nil {
		return nil, nil, err
	}
	split.Val = split.Train
	run, err := train.New("amines", models.GNN(16).Layers(2).Done()).Epochs(40).BatchSize(8).Adam(0.01).Seed(1).
		Dir(dir).Quiet().Done().Fit(split)
	return run, split.Test, err
}

func ExampleAtomImportance() {
	dir, _ := os.MkdirTemp("", "explain-example")
	defer os.RemoveAll(dir)
	run, test, err := trainAmines(dir)
	if err != nil {
		fmt.Println(err)
		return
	}
	// Attribute the "N" logit of both test molecules to their atoms, in 63 steps.
	ai, err := explain.AtomImportance(run, test, []int{0, 1}, 1, 63)
	if err != nil {
		fmt.Println(err)
		return
	}
	for i := range ai.Len() {
		top := ai.Top(i, 1)[0]
		fmt.Printf("%s: %d atoms, the most important is atom %d, %s\n", aminesTest[i], len(ai.Atoms[i]), top, ai.Elements[i][top])
	}
	// display.MoleculeHTML(title, mol, ai.AtomValues(i)) shades the SMILES by these values.

	// Output:
	// OCCCN: 5 atoms, the most important is atom 4, N
	// Clc1ccc(CN)cc1: 9 atoms, the most important is atom 6, N
}

func ExampleAtomImportances_Delta() {
	dir, _ := os.MkdirTemp("", "explain-example")
	defer os.RemoveAll(dir)
	run, test, err := trainAmines(dir)
	if err != nil {
		fmt.Println(err)
		return
	}
	ai, err := explain.AtomImportance(run, test, []int{0}, 1, 255)
	if err != nil {
		fmt.Println(err)
		return
	}
	// Completeness: the atoms' values add up to F(molecule) − F(the same graph of average
	// atoms), up to the integration error Delta.
	gap := ai.Score[0] - ai.BaselineScore[0]
	fmt.Println("error below 5% of the gap:", math.Abs(ai.Delta(0)) < 0.05*math.Abs(gap))
	fmt.Println("sum equals the gap plus Delta:", math.Abs(ai.Sum(0)-gap-ai.Delta(0)) < 1e-9)
	// Output:
	// error below 5% of the gap: true
	// sum equals the gap plus Delta: true
}

func ExampleAtomImportances_AtomValues() {
	dir, _ := os.MkdirTemp("", "explain-example")
	defer os.RemoveAll(dir)
	run, test, err := trainAmines(dir)
	if err != nil {
		fmt.Println(err)
		return
	}
	ai, err := explain.AtomImportance(run, test, []int{0}, 1, 63)
	if err != nil {
		fmt.Println(err)
		return
	}
	// Values has one entry per row of the example (padding included: the test graphs are as
	// wide as the largest training molecule); AtomValues keeps the real atoms.
	mol, _ := chem.ParseSMILES(aminesTest[0])
	fmt.Println(len(ai.Values[0]), "rows,", len(ai.AtomValues(0)), "atoms; the molecule has", len(mol.Atoms))
	// Output:
	// 9 rows, 5 atoms; the molecule has 5
}
