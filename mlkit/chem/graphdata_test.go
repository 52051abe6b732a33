// SPDX-License-Identifier: Apache-2.0

package chem

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/medgo-lab/medgo/mlkit/data"
)

// atomRow returns the NumAtomFeatures features of atom i of example i of d.
func atomRow(d *data.Dataset, ex, atom int) []float32 {
	w := d.Shape[1]
	return d.Example(ex)[atom*w : atom*w+NumAtomFeatures]
}

// onFeatures names the features set in row.
func onFeatures(row []float32) []string {
	names := AtomFeatureNames()
	var on []string
	for j, v := range row {
		if v != 0 {
			on = append(on, names[j])
		}
	}
	return on
}

func TestAtomFeatureNames(t *testing.T) {
	names := AtomFeatureNames()
	if len(names) != NumAtomFeatures {
		t.Fatalf("%d feature names, NumAtomFeatures is %d", len(names), NumAtomFeatures)
	}
	for col, want := range map[int]string{colAtom: "atom", colElement: "element=C", colDegree: "degree=0",
		colCharge: "charge<=-1", colAromatic: "aromatic", colHydrogen: "hydrogens=0", colRing: "in ring"} {
		if names[col] != want {
			t.Errorf("column %d is %q, want %q", col, names[col], want)
		}
	}
}

func TestGraphsFeatures(t *testing.T) {
	// Atoms of pyridinium acetate and a nitrile: aromatic N+, carboxylate O-, sp C.
	d, err := Graphs([]string{"c1cc[nH+]cc1.CC(=O)[O-]", "C#N", "[Se]Cl"}).Done()
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(d.Shape, []int{10, NumAtomFeatures + 10}) || d.Len() != 3 {
		t.Fatalf("shape %v with %d examples, want [10 %d] with 3", d.Shape, d.Len(), NumAtomFeatures+10)
	}
	for _, tc := range []struct {
		ex, atom int
		want     []string
	}{
		{0, 0, []string{"atom", "element=C", "degree=2", "charge=0", "aromatic", "hydrogens=1", "in ring"}},
		{0, 3, []string{"atom", "element=N", "degree=2", "charge>=+1", "aromatic", "hydrogens=1", "in ring"}},
		{0, 6, []string{"atom", "element=C", "degree=1", "charge=0", "hydrogens=3"}},
		{0, 9, []string{"atom", "element=O", "degree=1", "charge<=-1", "hydrogens=0"}},
		{1, 0, []string{"atom", "element=C", "degree=1", "charge=0", "hydrogens=1"}},
		{2, 0, []string{"atom", "element=Se", "degree=1", "charge=0", "hydrogens=0"}},
		{2, 2, nil}, // padding
	} {
		if got := onFeatures(atomRow(d, tc.ex, tc.atom)); !slices.Equal(got, tc.want) {
			t.Errorf("example %d atom %d: %q, want %q", tc.ex, tc.atom, got, tc.want)
		}
	}
	atoms, bonds := GraphAtoms(d.Example(0), 10)
	if atoms != 10 {
		t.Errorf("%d atoms, want 10", atoms)
	}
	for _, b := range []struct{ i, j, code int }{{0, 1, BondAromatic}, {5, 0, BondAromatic}, {6, 7, BondSingle}, {7, 8, BondDouble}, {7, 9, BondSingle}, {0, 6, 0}} {
		if bonds[b.i][b.j] != b.code || bonds[b.j][b.i] != b.code {
			t.Errorf("bond %d-%d: codes %d/%d, want %d", b.i, b.j, bonds[b.i][b.j], bonds[b.j][b.i], b.code)
		}
	}
	atoms, bonds = GraphAtoms(d.Example(1), 10)
	if atoms != 2 || bonds[0][1] != BondTriple || bonds[1][0] != BondTriple {
		t.Errorf("C#N: %d atoms, bond code %d", atoms, bonds[0][1])
	}
	// Unlabelled sets predict: one zero target per molecule.
	if d.Task != data.Binary || len(d.Y) != 3 || d.Validate() != nil {
		t.Errorf("unlabelled set: task %v, %d targets, %v", d.Task, len(d.Y), d.Validate())
	}
	// Padding rows are all zero, features and bonds.
	ex := d.Example(2)
	for _, v := range ex[2*d.Shape[1]:] {
		if v != 0 {
			t.Fatal("a padding row of [Se]Cl is not zero")
		}
	}
	// Kekulé and aromatic spellings give the same example.
	a, _ := Graphs([]string{"C1=CC=CC=C1O"}).Done()
	b, _ := Graphs([]string{"c1ccccc1O"}).Done()
	if !slices.Equal(a.X, b.X) {
		t.Error("Kekulé and aromatic benzene rings differ")
	}
}

func TestGraphsOptionsAndErrors(t *testing.T) {
	smiles := []string{"CCO", "[Na+].[Cl-]", "CC(=O)[O-].[Na+]"}
	d, err := Graphs(smiles).MaxAtoms(6).Labels(data.Binary, []float32{0, 1, 1}).Classes("a", "b").Name("salts").Done()
	if err != nil {
		t.Fatal(err)
	}
	if d.Name != "salts" || !slices.Equal(d.Shape, []int{6, NumAtomFeatures + 6}) || !slices.Equal(d.Y, []float32{0, 1, 1}) || !slices.Equal(d.Classes, []string{"a", "b"}) {
		t.Errorf("name %q shape %v y %v classes %v", d.Name, d.Shape, d.Y, d.Classes)
	}
	if err := d.Validate(); err != nil {
		t.Error(err)
	}
	lf, err := Graphs(smiles).LargestFragment().Done()
	if err != nil {
		t.Fatal(err)
	}
	if lf.Shape[0] != 4 {
		t.Errorf("LargestFragment: %d atom rows, want 4 (acetate)", lf.Shape[0])
	}
	if atoms, _ := GraphAtoms(lf.Example(1), 4); atoms != 1 {
		t.Errorf("LargestFragment of NaCl: %d atoms, want 1", atoms)
	}

	for _, tc := range []struct {
		b    *GraphsBuilder
		want []string
	}{
		{Graphs(smiles).MaxAtoms(3), []string{"molecule 2", `"CC(=O)[O-].[Na+]"`, "5 atoms", "MaxAtoms(3)", "largest molecule has 5"}},
		{GraphsOf(&data.Sequences{Name: "set", Texts: []string{"CC", "C1CC"}, IDs: []string{"ethane", "broken"}, Y: []float32{0, 1}}), []string{"set", "molecule 1 (broken)", "unclosed ring"}},
		{Graphs(smiles).Labels(data.Binary, []float32{1}), []string{"1 target values for 3 molecules"}},
		{Graphs(smiles).MaxAtoms(-1), []string{"MaxAtoms(-1)"}},
		{Graphs(nil), []string{"no molecules"}},
		{Graphs(smiles).Labels(data.Binary, []float32{0, 1, 2}).Classes("a", "b"), []string{"example 2 has label 2"}},
	} {
		_, err := tc.b.Done()
		for _, w := range tc.want {
			if err == nil || !strings.Contains(err.Error(), w) {
				t.Errorf("error %v; want it to contain %s", err, w)
			}
		}
	}
}

func TestGraphSplit(t *testing.T) {
	s := &data.Sequences{Name: "mols", Task: data.Regression, Targets: []string{"logS"},
		Texts: []string{"CCO", "c1ccccc1", "CCCCCCCCCC", "CN", "O"}, Y: []float32{1, 2, 3, 4, 5}}
	sp := &data.SequenceSplit{Train: s.Subset([]int{0, 1}), Test: s.Subset([]int{2, 3, 4})}
	out, err := GraphSplit(sp).Done()
	if err != nil {
		t.Fatal(err)
	}
	if out.Val != nil || !slices.Equal(out.Train.Shape, []int{10, NumAtomFeatures + 10}) || !slices.Equal(out.Test.Shape, out.Train.Shape) {
		t.Fatalf("shapes %v %v (val %v); want both [10 %d], the largest molecule of all parts", out.Train.Shape, out.Test.Shape, out.Val, NumAtomFeatures+10)
	}
	if out.Test.Task != data.Regression || !slices.Equal(out.Test.Y, []float32{3, 4, 5}) || !slices.Equal(out.Test.Targets, []string{"logS"}) {
		t.Errorf("test part: task %v y %v targets %v", out.Test.Task, out.Test.Y, out.Test.Targets)
	}
	sp.Val = s.Subset([]int{4})
	out, err = GraphSplit(sp).MaxAtoms(12).Done()
	if err != nil {
		t.Fatal(err)
	}
	if out.Val == nil || out.Val.Shape[0] != 12 || out.Train.Shape[0] != 12 {
		t.Errorf("MaxAtoms(12): shapes %v %v", out.Train.Shape, out.Val)
	}
	if _, err := GraphSplit(sp).MaxAtoms(7).Done(); err == nil || !strings.Contains(err.Error(), `mols (test part): molecule 0 "CCCCCCCCCC" has 10 atoms`) {
		t.Errorf("MaxAtoms(7) with a 10-atom test molecule: %v", err)
	}
	if _, err := GraphSplit(nil).Done(); err == nil {
		t.Error("nil split accepted")
	}
}

// TestGraphsBBBP featurizes all of BBBP when the data directory is there.
func TestGraphsBBBP(t *testing.T) {
	dir := os.Getenv(data.DataDirEnv)
	if dir == "" {
		dir = filepath.Join("..", "..", "..", "shared", "data")
	}
	if _, err := os.Stat(filepath.Join(dir, "moleculenet", "BBBP.csv")); err != nil {
		t.Skip("no moleculenet/BBBP.csv in the data directory; set " + data.DataDirEnv)
	}
	prev := data.SetFetcher(&data.Fetcher{DataDir: dir, Offline: true})
	defer data.SetFetcher(prev)
	s, err := data.LoadMoleculeNet("bbbp")
	if err != nil {
		t.Fatal(err)
	}
	d, err := GraphsOf(s).Done()
	if err != nil {
		t.Fatal(err)
	}
	// The size Done's documentation states.
	if d.Len() != 2050 || !slices.Equal(d.Shape, []int{132, NumAtomFeatures + 132}) || len(d.X)*4 != 176_431_200 {
		t.Errorf("BBBP: %d molecules of shape %v, %d bytes", d.Len(), d.Shape, len(d.X)*4)
	}
	if err := d.Validate(); err != nil {
		t.Error(err)
	}
	if !slices.Equal(d.ClassCounts(), []int{483, 1567}) {
		t.Errorf("class counts %v", d.ClassCounts())
	}
}
