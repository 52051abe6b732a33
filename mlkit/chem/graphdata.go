// SPDX-License-Identifier: Apache-2.0

package chem

import (
	"fmt"
	"math"
	"slices"

	"github.com/medgo-lab/medgo/mlkit/data"
)

// Graph data sets: each molecule becomes one fixed-size float32 example of shape
// [MaxAtoms, NumAtomFeatures+MaxAtoms]. Row i describes atom i: its NumAtomFeatures atom
// features (see AtomFeatureNames), then row i of the bond matrix, whose entry j is the bond
// code (BondSingle ... BondAromatic) of the bond between atoms i and j, 0 for none. Rows past
// the molecule's atoms are all zero; the first feature, "atom", is 1 on real atoms and so is
// the atom mask. models.GNN reads this layout.

// NumAtomFeatures is the number of atom features at the start of each row of a graph example.
const NumAtomFeatures = 31

// Bond codes in the bond matrix of a graph example. A bond perceived aromatic is
// BondAromatic whatever its Kekulé order; other bonds have their Kekulé order (a quadruple
// bond counts as triple).
const (
	BondSingle   = 1
	BondDouble   = 2
	BondTriple   = 3
	BondAromatic = 4
)

// graphElements are the elements with their own one-hot column; every other element and
// the "*" wildcard share the "other" column.
var graphElements = []string{"C", "N", "O", "S", "F", "Cl", "Br", "I", "P", "B", "Si", "Se", "H"}

// AtomFeatureNames names the NumAtomFeatures atom features, in column order: "atom" (1 for a
// real atom, 0 for padding: the atom mask), one-hot element (C N O S F Cl Br I P B Si Se H and
// "other"), one-hot degree (graph neighbours 0 to 4, and "5+"), one-hot formal charge (≤ −1,
// 0, ≥ +1), "aromatic", one-hot hydrogen count (implicit, bracket and hydrogen-atom
// neighbours: 0 to 3, and "4+"), and "in ring".
func AtomFeatureNames() []string {
	names := []string{"atom"}
	for _, e := range graphElements {
		names = append(names, "element="+e)
	}
	names = append(names, "element=other")
	for d := range 5 {
		names = append(names, fmt.Sprintf("degree=%d", d))
	}
	names = append(names, "degree=5+", "charge<=-1", "charge=0", "charge>=+1", "aromatic")
	for h := range 4 {
		names = append(names, fmt.Sprintf("hydrogens=%d", h))
	}
	return append(names, "hydrogens=4+", "in ring")
}

// Column offsets of the one-hot groups in a row of atom features.
const (
	colAtom     = 0
	colElement  = 1
	colDegree   = colElement + 14 // 13 elements and other
	colCharge   = colDegree + 6
	colAromatic = colCharge + 3
	colHydrogen = colAromatic + 1
	colRing     = colHydrogen + 5
)

// GraphsBuilder turns molecules into a graph data set; finish with Done.
//
//	d, err := chem.Graphs(smiles).Labels(data.Binary, y).Classes("inactive", "active").Done()
//	d, err := chem.GraphsOf(seqs).LargestFragment().MaxAtoms(64).Done()
type GraphsBuilder struct {
	name     string
	smiles   []string
	ids      []string
	y        []float32
	task     data.Task
	labelled bool
	classes  []string
	targets  []string
	graphSettings
}

// graphSettings are the featurization options shared by GraphsBuilder and
// GraphSplitBuilder.
type graphSettings struct {
	maxAtoms int // 0: the largest molecule
	largest  bool
}

// Graphs starts a graph data set of the given SMILES. Without Labels, every target is 0
// (a set to predict on). The slice is copied.
func Graphs(smiles []string) *GraphsBuilder {
	return &GraphsBuilder{name: "graphs", smiles: slices.Clone(smiles)}
}

// GraphsOf starts a graph data set of a SMILES data set such as data.LoadMoleculeNet
// returns, keeping its name, task, target values, classes and target names; its IDs name
// the molecules in errors.
func GraphsOf(s *data.Sequences) *GraphsBuilder {
	return &GraphsBuilder{name: s.Name, smiles: slices.Clone(s.Texts), ids: slices.Clone(s.IDs),
		y: slices.Clone(s.Y), task: s.Task, labelled: true,
		classes: slices.Clone(s.Classes), targets: slices.Clone(s.Targets)}
}

// Name sets the data set's name (default "graphs", or the Sequences' name).
func (g *GraphsBuilder) Name(name string) *GraphsBuilder { g.name = name; return g }

// Labels sets the task and the targets: one value per molecule for classification (the
// class index), NumTargets per molecule otherwise (see Targets). The slice is copied.
func (g *GraphsBuilder) Labels(task data.Task, y []float32) *GraphsBuilder {
	g.task, g.y, g.labelled = task, slices.Clone(y), true
	return g
}

// Classes names the classes of a classification task.
func (g *GraphsBuilder) Classes(names ...string) *GraphsBuilder {
	g.classes = slices.Clone(names)
	return g
}

// Targets names the target columns of a multi-label or regression task.
func (g *GraphsBuilder) Targets(names ...string) *GraphsBuilder {
	g.targets = slices.Clone(names)
	return g
}

// MaxAtoms sets the number of atom rows of every example (1 or more). A molecule with more
// atoms is an error naming it. By default (or with 0) it is the number of atoms of the
// largest molecule.
func (g *GraphsBuilder) MaxAtoms(n int) *GraphsBuilder { g.maxAtoms = n; return g }

// LargestFragment keeps only the largest fragment of each molecule (see
// Mol.LargestFragment), which strips the counter-ions of salts.
func (g *GraphsBuilder) LargestFragment() *GraphsBuilder { g.largest = true; return g }

// Done parses the molecules and builds the data set: X holds Len() examples of shape
// [MaxAtoms, NumAtomFeatures+MaxAtoms] (see AtomFeatureNames and the Bond codes), 4 ×
// MaxAtoms × (31 + MaxAtoms) bytes each. For BBBP (2,050 molecules, the largest with 132
// atoms) that is 86 KB a molecule and 176 MB in all; at MaxAtoms(64) it would be 24 KB and
// 50 MB, but the molecules with more atoms (about 1% of BBBP) must be left out first.
func (g *GraphsBuilder) Done() (*data.Dataset, error) {
	if err := g.check(); err != nil {
		return nil, err
	}
	mols, err := g.parse(g.smiles, g.ids, g.name)
	if err != nil {
		return nil, err
	}
	n, err := g.size(g.name, mols, g.smiles, g.ids)
	if err != nil {
		return nil, err
	}
	return g.dataset(mols, n)
}

func (g *GraphsBuilder) check() error {
	if g.maxAtoms < 0 {
		return fmt.Errorf("chem: %s: MaxAtoms(%d); use 1 or more, or leave it unset for the largest molecule", g.name, g.maxAtoms)
	}
	if len(g.smiles) == 0 {
		return fmt.Errorf("chem: %s: no molecules", g.name)
	}
	if !g.labelled {
		return nil
	}
	t := 1
	if !g.task.IsClassification() && len(g.targets) > 0 {
		t = len(g.targets)
	}
	if len(g.y) != len(g.smiles)*t {
		return fmt.Errorf("chem: %s: %d target values for %d molecules; expected %d (%d per molecule)", g.name, len(g.y), len(g.smiles), len(g.smiles)*t, t)
	}
	return nil
}

func (g *GraphsBuilder) dataset(mols []*Mol, n int) (*data.Dataset, error) {
	d := &data.Dataset{Name: g.name, Task: g.task, Shape: []int{n, NumAtomFeatures + n},
		Classes: slices.Clone(g.classes), Targets: slices.Clone(g.targets)}
	if g.labelled {
		d.Y = slices.Clone(g.y)
	} else {
		d.Task = data.Binary
		d.Y = make([]float32, len(mols))
	}
	d.X = make([]float32, len(mols)*d.ExampleSize())
	for i, m := range mols {
		encodeGraph(m, n, d.Example(i))
	}
	if err := d.Validate(); err != nil {
		return nil, fmt.Errorf("chem: %w", err)
	}
	return d, nil
}

// parse reads every SMILES, naming the molecule in errors.
func (s graphSettings) parse(smiles, ids []string, set string) ([]*Mol, error) {
	mols := make([]*Mol, len(smiles))
	for i, text := range smiles {
		m, err := ParseSMILES(text)
		if err != nil {
			return nil, fmt.Errorf("chem: %s: %s: %w", set, molName(i, ids), err)
		}
		if s.largest {
			m = m.LargestFragment()
		}
		mols[i] = m
	}
	return mols, nil
}

// size is MaxAtoms, or the size of the largest molecule, checking every molecule fits.
func (s graphSettings) size(set string, mols []*Mol, smiles, ids []string) (int, error) {
	largest := 0
	for _, m := range mols {
		largest = max(largest, len(m.Atoms))
	}
	if s.maxAtoms == 0 {
		return max(largest, 1), nil
	}
	for i, m := range mols {
		if len(m.Atoms) > s.maxAtoms {
			return 0, fmt.Errorf("chem: %s: %s %q has %d atoms, more than MaxAtoms(%d); raise MaxAtoms (the largest molecule has %d) or leave the molecule out",
				set, molName(i, ids), smiles[i], len(m.Atoms), s.maxAtoms, largest)
		}
	}
	return s.maxAtoms, nil
}

func molName(i int, ids []string) string {
	if i < len(ids) && ids[i] != "" {
		return fmt.Sprintf("molecule %d (%s)", i, ids[i])
	}
	return fmt.Sprintf("molecule %d", i)
}

// encodeGraph writes molecule m into out, one example of shape [n, NumAtomFeatures+n];
// out starts zeroed.
func encodeGraph(m *Mol, n int, out []float32) {
	w := NumAtomFeatures + n
	for i, a := range m.Atoms {
		row := out[i*w : (i+1)*w]
		row[colAtom] = 1
		e := slices.Index(graphElements, a.Element)
		if e < 0 {
			e = len(graphElements)
		}
		row[colElement+e] = 1
		row[colDegree+min(m.Degree(i), 5)] = 1
		row[colCharge+min(max(a.Charge, -1), 1)+1] = 1
		if a.Aromatic {
			row[colAromatic] = 1
		}
		row[colHydrogen+min(m.hydrogens(i), 4)] = 1
		if m.InRing(i) {
			row[colRing] = 1
		}
	}
	for _, b := range m.Bonds {
		code := float32(bondCode(b))
		out[b.A*w+NumAtomFeatures+b.B] = code
		out[b.B*w+NumAtomFeatures+b.A] = code
	}
}

func bondCode(b Bond) int {
	if b.Arom {
		return BondAromatic
	}
	switch b.Kekule {
	case Double:
		return BondDouble
	case Triple, Quadruple:
		return BondTriple
	}
	return BondSingle
}

// GraphSplitBuilder turns the parts of a split SMILES data set into graph data sets of one
// shape; finish with Done.
//
//	parts, _ := chem.ScaffoldSplitSequences(seqs, 0.8, 0.1, 0)
//	split, err := chem.GraphSplit(parts).LargestFragment().Done()
type GraphSplitBuilder struct {
	split *data.SequenceSplit
	graphSettings
}

// GraphSplit starts graph data sets of every part of a split (see GraphsOf).
func GraphSplit(sp *data.SequenceSplit) *GraphSplitBuilder { return &GraphSplitBuilder{split: sp} }

// MaxAtoms sets the number of atom rows of every example, as GraphsBuilder.MaxAtoms does; by
// default it is the size of the largest molecule of all parts, so that the parts share one
// example shape.
func (g *GraphSplitBuilder) MaxAtoms(n int) *GraphSplitBuilder { g.maxAtoms = n; return g }

// LargestFragment keeps only the largest fragment of each molecule.
func (g *GraphSplitBuilder) LargestFragment() *GraphSplitBuilder { g.largest = true; return g }

// Done builds the graph data sets of the split's parts (Val stays nil when the split has
// none).
func (g *GraphSplitBuilder) Done() (*data.Split, error) {
	if g.split == nil || g.split.Train == nil || g.split.Test == nil {
		return nil, fmt.Errorf("chem: GraphSplit needs a split with training and test parts, e.g. from chem.ScaffoldSplitSequences")
	}
	if g.maxAtoms < 0 {
		return nil, fmt.Errorf("chem: MaxAtoms(%d); use 1 or more, or leave it unset for the largest molecule", g.maxAtoms)
	}
	parts := []*data.Sequences{g.split.Train, g.split.Val, g.split.Test}
	partNames := []string{"training", "validation", "test"}
	builders := make([]*GraphsBuilder, 3)
	mols := make([][]*Mol, 3)
	n := g.maxAtoms
	for p, s := range parts {
		if s == nil {
			continue
		}
		b := GraphsOf(s)
		b.graphSettings = g.graphSettings
		if err := b.check(); err != nil {
			return nil, err
		}
		set := fmt.Sprintf("%s (%s part)", b.name, partNames[p])
		ms, err := b.parse(b.smiles, b.ids, set)
		if err != nil {
			return nil, err
		}
		size, err := b.size(set, ms, b.smiles, b.ids)
		if err != nil {
			return nil, err
		}
		if g.maxAtoms == 0 {
			n = max(n, size)
		}
		builders[p], mols[p] = b, ms
	}
	out := make([]*data.Dataset, 3)
	for p, b := range builders {
		if b != nil {
			d, err := b.dataset(mols[p], n)
			if err != nil {
				return nil, err
			}
			out[p] = d
		}
	}
	return &data.Split{Train: out[0], Val: out[1], Test: out[2]}, nil
}

// GraphAtoms returns the number of real atoms of a graph example (the rows whose "atom"
// feature is set) and its bond matrix as bond codes, for inspecting a data set built by
// Graphs: example is one Dataset.Example of shape [n, NumAtomFeatures+n].
func GraphAtoms(example []float32, n int) (atoms int, bonds [][]int) {
	w := NumAtomFeatures + n
	bonds = make([][]int, n)
	for i := range n {
		row := example[i*w : (i+1)*w]
		if row[colAtom] != 0 {
			atoms++
		}
		bonds[i] = make([]int, n)
		for j := range n {
			bonds[i][j] = int(math.Round(float64(row[NumAtomFeatures+j])))
		}
	}
	return atoms, bonds
}
