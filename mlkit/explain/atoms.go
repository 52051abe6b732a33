// SPDX-License-Identifier: Apache-2.0

package explain

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"

	"github.com/medgo-lab/medgo/mlkit/chem"
	"github.com/medgo-lab/medgo/mlkit/data"
	"github.com/medgo-lab/medgo/mlkit/train"
)

// AtomImportances holds per-atom integrated-gradients attributions of a graph network
// (models.GNN) for some molecules of a graph data set (chem.Graphs).
//
// Values[i] and Elements[i] have one entry per atom row of example Index[i] (the data set's
// MaxAtoms rows, real atoms and padding alike), so that row r of the example is entry r.
// Values are signed: positive for atoms whose description speaks for the explained class (or
// raises the regression output), negative for atoms that speak against it. Padding rows have
// the value 0 and the element "". Atoms lists the rows of the real atoms; for molecules built
// by chem.Graphs they are the first rows, in the order of chem.ParseSMILES's Mol.Atoms.
type AtomImportances struct {
	Index    []int      // the examples' indices in the data set
	Class    []int      // the class (or target) explained for each example
	Target   string     // TargetLogit, TargetProbability or TargetValue
	Steps    int        // integration steps
	Atoms    [][]int    // the rows of each example's real atoms, in row order
	Elements [][]string // per row: the atom's element symbol ("other" for rarer ones), "" for padding
	Values   [][]float64
	// Score is the explained score F(x) of each molecule; BaselineScore is F of the same graph
	// (same atoms and bonds) with every atom replaced by the average atom (Baseline). The values of a molecule
	// add up to Score − BaselineScore, up to the integration error that Delta reports.
	Score         []float64
	BaselineScore []float64
	// Baseline is the atom description every real atom has in the baseline: the mean of the
	// first chem.NumAtomFeatures columns over the real atoms of the run's training molecules.
	Baseline []float32
}

// Len is the number of molecules.
func (a *AtomImportances) Len() int { return len(a.Values) }

// Sum is the total importance of molecule i's atoms.
func (a *AtomImportances) Sum(i int) float64 {
	s := 0.0
	for _, v := range a.Values[i] {
		s += v
	}
	return s
}

// Delta is molecule i's completeness error: Sum(i) − (Score[i] − BaselineScore[i]). It shrinks
// as Steps grows; a large value says to use more steps.
func (a *AtomImportances) Delta(i int) float64 {
	return a.Sum(i) - (a.Score[i] - a.BaselineScore[i])
}

// AtomValues returns the importances of molecule i's real atoms only, in row order: for a
// molecule built by chem.Graphs, one value per atom of its chem.Mol, as
// display.MoleculeHTML takes them.
func (a *AtomImportances) AtomValues(i int) []float64 {
	out := make([]float64, len(a.Atoms[i]))
	for k, r := range a.Atoms[i] {
		out[k] = a.Values[i][r]
	}
	return out
}

// Top returns the rows of molecule i's k most important real atoms, the largest (most
// positive) importance first; fewer when the molecule has fewer atoms.
func (a *AtomImportances) Top(i, k int) []int {
	rows := slices.Clone(a.Atoms[i])
	v := a.Values[i]
	sort.SliceStable(rows, func(p, q int) bool { return v[rows[p]] > v[rows[q]] })
	return rows[:min(max(k, 0), len(rows))]
}

// AtomImportance attributes a graph network's output to the atoms of the molecules idx of d,
// a graph data set built like the run's training data (chem.Graphs or chem.GraphSplit).
//
// It runs IntegratedGradients once per molecule, from a baseline that keeps the molecule's
// graph (which rows are atoms, and every bond) and gives every atom the same description: the
// average atom of the run's training molecules (their mean atom-feature row: so much carbon,
// so much nitrogen, so often aromatic ...), or of d's molecules when the run has no training
// data. Along the path the network always sees the same graph while each atom turns from the
// average atom into itself, and an atom's importance is the sum of the attributions of its own
// features: how much being this atom, rather than an average one, moves the output. Padding
// rows are equal in the molecule and the baseline, so their importance is exactly 0. (A
// baseline of blank atoms, all features 0, lies far from any molecule and makes the path so
// steep that the integral needs hundreds of steps.)
//
// class and steps are as for IntegratedGradients: a class (or target) index, or -1 for each
// molecule's predicted class; the logit is explained for classifiers (the probability for
// ordinal models), the value for regression. The gradients run in batches of 32, so steps =
// 31 costs one batch per molecule and 63 two; check Delta, and use more steps when it is a
// large part of Score − BaselineScore.
func AtomImportance(run *train.Run, d *data.Dataset, idx []int, class, steps int) (ai *AtomImportances, err error) {
	if err := checkRun(run); err != nil {
		return nil, err
	}
	if k := run.Model.Kind(); k != "gnn" {
		return nil, fmt.Errorf("explain: atom importance needs a graph network, but %s is a %q model; train models.GNN on a data set from chem.Graphs, or use IntegratedGradients for other inputs", runName(run), k)
	}
	if err := checkData(run, d); err != nil {
		return nil, err
	}
	if err := checkIndices(d, idx); err != nil {
		return nil, err
	}
	if steps < 1 || steps > MaxIGSteps {
		return nil, fmt.Errorf("explain: atom importance with %d integration steps; use 1..%d, e.g. 31 (one batch per molecule)", steps, MaxIGSteps)
	}
	if len(d.Shape) != 2 || d.Shape[1]-d.Shape[0] != chem.NumAtomFeatures {
		return nil, fmt.Errorf("explain: %s has examples of shape %v, not chem's graph layout [atoms, %d+atoms]; build it with chem.Graphs or chem.GraphSplit", dataName(d), d.Shape, chem.NumAtomFeatures)
	}
	n, w := d.Shape[0], d.Shape[1]
	nf := chem.NumAtomFeatures
	elements := elementColumns()

	ref := d
	if s := run.Split(); s != nil && s.Train != nil && slices.Equal(s.Train.Shape, d.Shape) {
		ref = s.Train
	}
	avg, err := meanAtom(ref)
	if err != nil {
		return nil, err
	}
	ai = &AtomImportances{Index: slices.Clone(idx), Steps: steps, Baseline: avg}
	for _, i := range idx {
		x := d.Example(i)
		base := slices.Clone(x)
		for r := range n {
			if x[r*w] > 0 { // keep the atom flag (column 0) and the bonds
				copy(base[r*w+1:r*w+nf], avg[1:])
			}
		}
		at, err := IntegratedGradients(run, d, []int{i}, class, steps, Baseline(base))
		if err != nil {
			return nil, fmt.Errorf("explain: atom importance of example %d of %s: %w", i, dataName(d), err)
		}
		vals := make([]float64, n)
		elems := make([]string, n)
		var atoms []int
		for r := range n {
			row := x[r*w : r*w+nf]
			if row[0] <= 0 {
				continue // padding: x equals the baseline there, so its attributions are 0
			}
			atoms = append(atoms, r)
			s := 0.0
			for _, v := range at.Values[0][r*w : r*w+nf] {
				s += float64(v)
			}
			vals[r] = s
			elems[r] = "other"
			for c, name := range elements {
				if row[c] > 0.5 {
					elems[r] = name
					break
				}
			}
		}
		for r, v := range vals {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, fmt.Errorf("explain: atom importance of example %d of %s: atom row %d got %v; the model's gradient is not finite there, check the run's training history for divergence", i, dataName(d), r, v)
			}
		}
		ai.Class = append(ai.Class, at.Class[0])
		ai.Target = at.Target
		ai.Atoms = append(ai.Atoms, atoms)
		ai.Elements = append(ai.Elements, elems)
		ai.Values = append(ai.Values, vals)
		ai.Score = append(ai.Score, at.Score[0])
		ai.BaselineScore = append(ai.BaselineScore, at.BaselineScore[0])
	}
	return ai, nil
}

// meanAtom is the mean atom-feature row over the real atoms of a graph data set.
func meanAtom(d *data.Dataset) ([]float32, error) {
	n, w := d.Shape[0], d.Shape[1]
	nf := chem.NumAtomFeatures
	sum := make([]float64, nf)
	count := 0
	for i := range d.Len() {
		x := d.Example(i)
		for r := range n {
			if row := x[r*w : r*w+nf]; row[0] > 0 {
				count++
				for c, v := range row {
					sum[c] += float64(v)
				}
			}
		}
	}
	if count == 0 {
		return nil, fmt.Errorf("explain: %s has no real atoms (every row's \"atom\" feature is 0); build it with chem.Graphs", dataName(d))
	}
	avg := make([]float32, nf)
	for c, v := range sum {
		avg[c] = float32(v / float64(count))
	}
	return avg, nil
}

// elementColumns maps the one-hot element columns of chem's atom features to element
// symbols ("other" is left out: it is the fallback).
func elementColumns() map[int]string {
	out := map[int]string{}
	for c, name := range chem.AtomFeatureNames() {
		if e, ok := strings.CutPrefix(name, "element="); ok && e != "other" {
			out[c] = e
		}
	}
	return out
}
