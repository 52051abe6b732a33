// SPDX-License-Identifier: Apache-2.0

package chem

import (
	"fmt"
	"hash/fnv"
	"math/rand"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/medgo-lab/medgo/mlkit/data"
)

// MurckoScaffold returns the Bemis–Murcko framework of the molecule (Bemis & Murcko,
// J. Med. Chem. 39:2887, 1996): the ring systems and the linkers between them, found by
// removing non-ring atoms of degree at most one until none is left. Then, as RDKit's
// MurckoScaffold.GetScaffoldForMol does (checked on its output: O=C1CCCCC1C gives
// O=C1CCCCC1, C1CC1=NO gives N=C1CC1, but CC(=O)c1ccccc1 gives c1ccccc1), every atom
// joined by a double bond to a kept ring or linker atom is added back, alone. Atoms keep
// their element, charge and perceived aromaticity; a molecule without rings has an empty
// scaffold (zero atoms), and the scaffold of a salt holds the rings of every fragment.
func (m *Mol) MurckoScaffold() *Mol {
	n := len(m.Atoms)
	keep := make([]bool, n)
	deg := make([]int, n)
	for i := range keep {
		keep[i] = true
		deg[i] = len(m.adj[i])
	}
	var queue []int
	for i := 0; i < n; i++ {
		if deg[i] <= 1 && !m.InRing(i) {
			queue = append(queue, i)
		}
	}
	for len(queue) > 0 {
		v := queue[0]
		queue = queue[1:]
		if !keep[v] {
			continue
		}
		keep[v] = false
		for _, w := range m.Neighbors(v) {
			if keep[w] {
				deg[w]--
				if deg[w] <= 1 && !m.InRing(w) {
					queue = append(queue, w)
				}
			}
		}
	}
	var atoms []int
	extra := map[int]bool{}
	for i := 0; i < n; i++ {
		if !keep[i] {
			continue
		}
		atoms = append(atoms, i)
		for _, bi := range m.adj[i] {
			b := m.Bonds[bi]
			if o := b.Other(i); !keep[o] && b.Order == Double {
				extra[o] = true
			}
		}
	}
	for o := range extra {
		atoms = append(atoms, o)
	}
	sort.Ints(atoms)
	s := m.subgraph(atoms)
	// Kept flags such as Aromatic come from the whole molecule; the ring list of the
	// scaffold is recomputed by subgraph. Each removed bond becomes hydrogens on the kept
	// atom (a methylated aromatic n becomes [nH]), as in RDKit's scaffold, so tautomers of
	// a scaffold stay apart.
	in := map[int]bool{}
	for _, a := range atoms {
		in[a] = true
	}
	for k, a := range atoms {
		for _, bi := range m.adj[a] {
			b := m.Bonds[bi]
			if o := b.Other(a); !in[o] {
				at := &s.Atoms[k]
				if normalValences[at.Z] == nil {
					continue // metals take no hydrogens for lost ligands
				}
				if at.Bracket {
					at.HCount += orderValue(b.Kekule)
				} else {
					at.ImplicitH += orderValue(b.Kekule)
				}
			}
		}
	}
	return s
}

// CanonicalKey returns a string that is equal for isomorphic molecular graphs, with atoms
// labelled by element, formal charge, aromaticity and hydrogen count (isotopes and stereo
// marks are ignored, as in DeepChem's non-isomeric scaffold SMILES). It refines
// atom colours by their neighbourhoods (Weisfeiler–Lehman) starting from labels that
// include the smallest ring size and ring count of each atom, which separates the classic
// look-alikes (decalin and bicyclopentyl), and hashes the final multiset of colours. Equal
// keys for different graphs are possible in principle (WL-equivalent graphs) but not seen
// in the MoleculeNet sets, see the RDKit comparison test.
func (m *Mol) CanonicalKey() string {
	n := len(m.Atoms)
	if n == 0 {
		return ""
	}
	minRing := make([]int, n)
	nRing := make([]int, n)
	for _, r := range m.relev {
		for _, a := range r {
			nRing[a]++
			if minRing[a] == 0 || len(r) < minRing[a] {
				minRing[a] = len(r)
			}
		}
	}
	col := make([]uint64, n)
	for i, a := range m.Atoms {
		col[i] = hashString(fmt.Sprintf("%d|%d|%t|%d|%d|%d", a.Z, a.Charge, a.Aromatic, m.hydrogens(i), minRing[i], nRing[i]))
	}
	bondLabel := func(b Bond) string {
		if b.Arom {
			return "a"
		}
		return strconv.Itoa(orderValue(b.Kekule))
	}
	distinct := func(c []uint64) int {
		s := map[uint64]bool{}
		for _, x := range c {
			s[x] = true
		}
		return len(s)
	}
	classes := distinct(col)
	for iter := 0; iter < n; iter++ {
		next := make([]uint64, n)
		for i := range m.Atoms {
			parts := make([]string, 0, len(m.adj[i]))
			for _, bi := range m.adj[i] {
				b := m.Bonds[bi]
				parts = append(parts, bondLabel(b)+":"+strconv.FormatUint(col[b.Other(i)], 16))
			}
			sort.Strings(parts)
			next[i] = hashString(strconv.FormatUint(col[i], 16) + "(" + strings.Join(parts, ",") + ")")
		}
		col = next
		c := distinct(col)
		if c == classes && iter > 0 {
			break
		}
		classes = c
	}
	sorted := slices.Clone(col)
	slices.Sort(sorted)
	var sb strings.Builder
	for _, c := range sorted {
		fmt.Fprintf(&sb, ".%x", c)
	}
	return fmt.Sprintf("%d-%d-%016x", n, len(m.Bonds), hashString(sb.String()))
}

func hashString(s string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(s))
	return h.Sum64()
}

// ScaffoldKey parses a SMILES and returns the canonical key of its Murcko scaffold; ""
// for a molecule without rings.
func ScaffoldKey(smiles string) (string, error) {
	m, err := ParseSMILES(smiles)
	if err != nil {
		return "", err
	}
	return m.MurckoScaffold().CanonicalKey(), nil
}

// ScaffoldSplit divides molecules by Bemis–Murcko scaffold, as DeepChem's
// ScaffoldSplitter does: molecules are grouped by scaffold, groups are taken from the
// largest down, and each group goes whole to train while train stays within
// fracTrain·n, else to validation while train+validation stay within
// (fracTrain+fracVal)·n, else to test. No scaffold is in two sets, so the sets' sizes are
// only close to the fractions. The order is deterministic; seed only breaks ties between
// groups of equal size (seed 0 orders them as DeepChem does, by their first molecule's
// index, the later first). A SMILES that does not parse forms a group of its own, so it
// never shares a scaffold with anything. It returns the indices into smiles of each set,
// ascending.
func ScaffoldSplit(smiles []string, fracTrain, fracVal float64, seed int64) (train, val, test []int, err error) {
	if fracTrain < 0 || fracVal < 0 || fracTrain+fracVal > 1 {
		return nil, nil, nil, fmt.Errorf("scaffold split: fractions %g and %g must be non-negative with sum at most 1", fracTrain, fracVal)
	}
	groups := map[string][]int{}
	for i, s := range smiles {
		k, err := ScaffoldKey(s)
		if err != nil {
			k = "invalid:" + strconv.Itoa(i)
		}
		groups[k] = append(groups[k], i)
	}
	sets := make([][]int, 0, len(groups))
	for _, g := range groups {
		sets = append(sets, g)
	}
	// DeepChem sorts by (size, first index) descending.
	sort.Slice(sets, func(i, j int) bool {
		if len(sets[i]) != len(sets[j]) {
			return len(sets[i]) > len(sets[j])
		}
		return sets[i][0] > sets[j][0]
	})
	if seed != 0 {
		r := rand.New(rand.NewSource(seed))
		for lo := 0; lo < len(sets); {
			hi := lo
			for hi < len(sets) && len(sets[hi]) == len(sets[lo]) {
				hi++
			}
			r.Shuffle(hi-lo, func(i, j int) { sets[lo+i], sets[lo+j] = sets[lo+j], sets[lo+i] })
			lo = hi
		}
	}
	n := float64(len(smiles))
	trainCut, valCut := fracTrain*n, (fracTrain+fracVal)*n
	for _, g := range sets {
		switch {
		case float64(len(train)+len(g)) <= trainCut:
			train = append(train, g...)
		case float64(len(train)+len(val)+len(g)) <= valCut:
			val = append(val, g...)
		default:
			test = append(test, g...)
		}
	}
	slices.Sort(train)
	slices.Sort(val)
	slices.Sort(test)
	return train, val, test, nil
}

// ScaffoldSplitSequences is ScaffoldSplit over a SMILES data set such as
// data.LoadMoleculeNet returns, giving its three parts (Val is nil when fracVal is 0).
// This is MoleculeNet's recommended split for BBBP, ClinTox and Tox21: test molecules have
// scaffolds never seen in training, a harder and more honest test than a random split.
func ScaffoldSplitSequences(s *data.Sequences, fracTrain, fracVal float64, seed int64) (*data.SequenceSplit, error) {
	train, val, test, err := ScaffoldSplit(s.Texts, fracTrain, fracVal, seed)
	if err != nil {
		return nil, err
	}
	sp := &data.SequenceSplit{Train: s.Subset(train), Test: s.Subset(test)}
	if fracVal > 0 {
		sp.Val = s.Subset(val)
	}
	return sp, nil
}
