// SPDX-License-Identifier: Apache-2.0

package explain

import (
	"math"
	"math/rand"
	"slices"
	"strings"
	"testing"

	"github.com/medgo-lab/medgo/mlkit/chem"
	"github.com/medgo-lab/medgo/mlkit/data"
	"github.com/medgo-lab/medgo/mlkit/models"
	"github.com/medgo-lab/medgo/mlkit/train"
)

// nitrogenMolecules is a task whose answer is known: is there a nitrogen in the molecule?
// Every molecule is a nitrogen-free core with one substituent; half of the substituents
// bring one or two nitrogens (amine, nitrile, amide, nitro, pyridine, pyrrolidine ...), the
// other half oxygen, halogens or carbon only. The cores already hold oxygen, sulfur and
// rings, so an atom's element is the only thing that tells the classes apart.
func nitrogenMolecules() (smiles []string, y []float32) {
	cores := []string{"c1ccccc1", "CC", "C1CCCCC1", "CC(C)", "OCC", "C=CC", "c1ccsc1", "c1ccoc1", "CCCC", "ClCC", "CC(=O)C", "C1CCOC1"}
	withN := []string{"N", "C#N", "NC", "C(=O)N", "[N+](=O)[O-]", "CN(C)C", "c1ccncc1", "N1CCCC1"}
	withoutN := []string{"O", "Cl", "C(=O)O", "OC", "F", "C(C)(C)C", "c1ccccc1", "C1CCCC1"}
	for _, c := range cores {
		for k := range withN {
			smiles = append(smiles, c+withN[k], c+withoutN[k])
			y = append(y, 1, 0)
		}
	}
	return smiles, y
}

var nitrogenRun = &fixture{make: func() (*train.Run, *data.Split, error) {
	smiles, y := nitrogenMolecules()
	d, err := chem.Graphs(smiles).Labels(data.Binary, y).Classes("no N", "N").Name("nitrogen").Done()
	if err != nil {
		return nil, nil, err
	}
	idx := rand.New(rand.NewSource(5)).Perm(d.Len())
	cut := d.Len() * 3 / 4
	split := &data.Split{Train: d.Subset(idx[:cut]), Test: d.Subset(idx[cut:])}
	split.Val = split.Test
	run, err := train.New("gnn-nitrogen", models.GNN(16).Layers(2).Done()).Epochs(20).BatchSize(16).
		Adam(0.01).Seed(3).Dir(runsDir).Restart().Quiet().Done().Fit(split)
	return run, split, err
}}

// TestAtomImportanceFindsNitrogen checks that on the nitrogen task the most important atom of
// a molecule with nitrogen is a nitrogen, far more often than a random ranking of its atoms
// would make it.
func TestAtomImportanceFindsNitrogen(t *testing.T) {
	run, split := nitrogenRun.get(t)
	test := split.Test
	pred, err := run.Predict(test)
	if err != nil {
		t.Fatal(err)
	}
	correct := 0
	var positives []int
	for i, l := range pred.Labels() {
		if l == test.Label(i) {
			correct++
		}
		if test.Label(i) == 1 {
			positives = append(positives, i)
		}
	}
	if acc := float64(correct) / float64(test.Len()); acc < 0.85 {
		t.Fatalf("the GNN reaches test accuracy %.3f on the nitrogen task; want at least 0.85 before its explanations mean anything", acc)
	}
	ai, err := AtomImportance(run, test, positives, 1, 31)
	if err != nil {
		t.Fatal(err)
	}
	if ai.Len() != len(positives) || ai.Target != TargetLogit || ai.Steps != 31 {
		t.Fatalf("got %d molecules, target %q, %d steps; want %d, %q, 31", ai.Len(), ai.Target, ai.Steps, len(positives), TargetLogit)
	}
	hits, chance := 0, 0.0
	for e := range ai.Len() {
		top := ai.Top(e, 1)
		if len(top) != 1 {
			t.Fatalf("molecule %d: Top(…, 1) returned %v", e, top)
		}
		if ai.Elements[e][top[0]] == "N" {
			hits++
		}
		nN := 0
		for _, r := range ai.Atoms[e] {
			if ai.Elements[e][r] == "N" {
				nN++
			}
		}
		if nN == 0 {
			t.Fatalf("molecule %d is labelled as holding nitrogen but its elements are %v", e, ai.Elements[e])
		}
		chance += float64(nN) / float64(len(ai.Atoms[e])) / float64(ai.Len())
	}
	rate := float64(hits) / float64(ai.Len())
	t.Logf("top atom is a nitrogen in %d of %d molecules with nitrogen (%.2f; a random ranking gives %.2f)", hits, ai.Len(), rate, chance)
	if rate < 0.8 || rate < chance+0.4 {
		t.Errorf("the top atom is a nitrogen in %.2f of the molecules with nitrogen; want at least 0.8 (a random ranking gives %.2f)", rate, chance)
	}
}

// TestAtomImportanceProperties checks completeness, exact zeros on padding, the element
// symbols, the sign flip between the two classes of a binary model, and that permuting a
// molecule's atom rows (padding included) permutes the importances.
func TestAtomImportanceProperties(t *testing.T) {
	run, split := nitrogenRun.get(t)
	test := split.Test
	n, w := test.Shape[0], test.Shape[1]

	// Example 0 of the new set is test example 0; example 1 is it with its rows shuffled, so
	// that padding rows sit between real atoms.
	perm := rand.New(rand.NewSource(11)).Perm(n) // new row r holds old row perm[r]
	inv := make([]int, n)
	for r, o := range perm {
		inv[o] = r
	}
	orig := test.Example(0)
	shuffled := make([]float32, len(orig))
	for r, o := range perm {
		row := shuffled[r*w : (r+1)*w]
		copy(row[:chem.NumAtomFeatures], orig[o*w:o*w+chem.NumAtomFeatures])
		for c, oc := range perm {
			row[chem.NumAtomFeatures+c] = orig[o*w+chem.NumAtomFeatures+oc]
		}
	}
	d := test.Subset([]int{0, 0})
	copy(d.Example(1), shuffled)

	ai, err := AtomImportance(run, d, []int{0, 1}, 1, 127)
	if err != nil {
		t.Fatal(err)
	}
	atoms, _ := chem.GraphAtoms(orig, n)
	mol, err := chem.ParseSMILES(testSMILES(t, split, 0))
	if err != nil {
		t.Fatal(err)
	}
	if len(ai.Atoms[0]) != atoms || len(mol.Atoms) != atoms {
		t.Fatalf("%d real atoms found; the example has %d and its SMILES %d", len(ai.Atoms[0]), atoms, len(mol.Atoms))
	}
	for k, a := range mol.Atoms {
		if got := ai.Elements[0][k]; got != a.Element {
			t.Errorf("atom %d: element %q, want %q", k, got, a.Element)
		}
	}
	for e := range 2 {
		real := map[int]bool{}
		for _, r := range ai.Atoms[e] {
			real[r] = true
		}
		for r, v := range ai.Values[e] {
			if !real[r] && (v != 0 || ai.Elements[e][r] != "") {
				t.Errorf("molecule %d: padding row %d has importance %v and element %q; want exactly 0 and \"\"", e, r, v, ai.Elements[e][r])
			}
		}
		gap := ai.Score[e] - ai.BaselineScore[e]
		if math.Abs(gap) < 0.5 {
			t.Errorf("molecule %d: F(x) − F(baseline) = %.3f; a trained model should tell the molecule from blank atoms", e, gap)
		}
		if d := ai.Delta(e); math.Abs(d) > 0.05*math.Abs(gap) {
			t.Errorf("molecule %d: completeness error %.4f exceeds 5%% of F(x) − F(baseline) = %.4f", e, d, gap)
		}
	}
	scale := 0.0
	for _, v := range ai.Values[0] {
		scale = max(scale, math.Abs(v))
	}
	for r := range n {
		a, b := ai.Values[0][r], ai.Values[1][inv[r]]
		if math.Abs(a-b) > 1e-3*scale+1e-6 || ai.Elements[0][r] != ai.Elements[1][inv[r]] {
			t.Errorf("row %d: importance %v (%s) but %v (%s) at its shuffled row %d", r, a, ai.Elements[0][r], b, ai.Elements[1][inv[r]], inv[r])
		}
	}
	if math.Abs(ai.Score[0]-ai.Score[1]) > 1e-4*math.Max(1, math.Abs(ai.Score[0])) {
		t.Errorf("shuffling the atom rows changed the score from %v to %v", ai.Score[0], ai.Score[1])
	}

	// For a binary model class 0's logit is minus class 1's: every importance flips sign.
	neg, err := AtomImportance(run, d, []int{0}, 0, 127)
	if err != nil {
		t.Fatal(err)
	}
	if neg.Class[0] != 0 || ai.Class[0] != 1 {
		t.Fatalf("explained classes %d and %d; want 0 and 1", neg.Class[0], ai.Class[0])
	}
	for r, v := range neg.Values[0] {
		if math.Abs(v+ai.Values[0][r]) > 1e-4*scale+1e-6 {
			t.Errorf("row %d: class 0 importance %v is not minus class 1's %v", r, v, ai.Values[0][r])
		}
	}
	vals := ai.AtomValues(0)
	if len(vals) != atoms || vals[0] != ai.Values[0][ai.Atoms[0][0]] {
		t.Errorf("AtomValues gave %d values %v; want the %d real atoms' values", len(vals), vals, atoms)
	}
	top := ai.Top(0, 100)
	if len(top) != atoms || !slices.IsSortedFunc(top, func(a, b int) int {
		return -cmpFloat(ai.Values[0][a], ai.Values[0][b])
	}) {
		t.Errorf("Top(0, 100) = %v; want all %d real atoms, most important first", top, atoms)
	}
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// testSMILES finds the SMILES of test example i of the nitrogen split by matching its graph.
func testSMILES(t *testing.T, split *data.Split, i int) string {
	t.Helper()
	smiles, _ := nitrogenMolecules()
	want := split.Test.Example(i)
	for _, s := range smiles {
		g, err := chem.Graphs([]string{s}).MaxAtoms(split.Test.Shape[0]).Done()
		if err != nil {
			t.Fatal(err)
		}
		if slices.Equal(g.Example(0), want) {
			return s
		}
	}
	t.Fatal("test example 0 matches none of the nitrogen task's molecules")
	return ""
}

func TestAtomImportanceErrors(t *testing.T) {
	run, split := nitrogenRun.get(t)
	mlp, tab := binaryRun.get(t)
	for _, c := range []struct {
		name string
		err  func() error
		want string
	}{
		{"not a GNN", func() error {
			_, err := AtomImportance(mlp, tab.Test, []int{0}, 1, 31)
			return err
		}, "needs a graph network"},
		{"nil run", func() error { _, err := AtomImportance(nil, split.Test, []int{0}, 1, 31); return err }, "run is nil"},
		{"index", func() error { _, err := AtomImportance(run, split.Test, []int{split.Test.Len()}, 1, 31); return err }, "out of range"},
		{"steps", func() error { _, err := AtomImportance(run, split.Test, []int{0}, 1, 0); return err }, "integration steps"},
		{"class", func() error { _, err := AtomImportance(run, split.Test, []int{0}, 2, 31); return err }, "class 2 is out of range"},
	} {
		err := c.err()
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got error %v; want one containing %q", c.name, err, c.want)
		}
	}
}
