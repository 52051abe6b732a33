// SPDX-License-Identifier: Apache-2.0

package chem

import "fmt"

func orderValue(o BondOrder) int {
	switch o {
	case Double:
		return 2
	case Triple:
		return 3
	case Quadruple:
		return 4
	}
	return 1 // single, and aromatic before kekulization
}

// perceive runs the chemistry steps after parsing: structure, kekulization, implicit
// hydrogens, SSSR and Hückel aromaticity.
func (m *Mol) perceive() error {
	m.structure()
	for i, a := range m.Atoms {
		if a.Written && !m.InRing(i) {
			return &ChemistryError{m.SMILES, a.Pos, fmt.Sprintf("aromatic atom %s at %d is not in a ring", a.Element, a.Pos)}
		}
	}
	if err := m.kekulize(); err != nil {
		return err
	}
	for i := range m.Atoms {
		a := &m.Atoms[i]
		if a.Bracket || a.Z == 0 {
			continue
		}
		v := m.valence(i)
		a.ImplicitH = 0
		for _, t := range organicValences[a.Z] {
			if t >= v {
				a.ImplicitH = t - v
				break
			}
		}
	}
	m.chargeSeparate()
	m.aromaticity()
	return nil
}

// chargeSeparate rewrites the five-valent nitrogen of nitro groups and N-oxides written
// without charges (CN(=O)=O, n(=O)) into the charge-separated form ([N+](=O)[O-],
// [n+][O-]) that describes the same molecule with an octet on N. RDKit normalizes them the
// same way when it reads SMILES, so descriptors (TPSA), aromaticity, scaffolds and
// fingerprints are equal for both spellings. Hydrogen counts were set before and do not
// change. Only exact valence 5 from written bonds and hydrogens qualifies: O=N([O-])C,
// whose N reaches 5 only through an implicit hydrogen, is left for CheckValence to flag.
func (m *Mol) chargeSeparate() {
	for i := range m.Atoms {
		a := &m.Atoms[i]
		if a.Z != 7 || a.Charge != 0 || m.valence(i)+a.HCount != 5 {
			continue
		}
		for _, bi := range m.adj[i] {
			b := &m.Bonds[bi]
			o := b.Other(i)
			if b.Kekule == Double && m.Atoms[o].Z == 8 && m.Atoms[o].Charge == 0 && len(m.adj[o]) == 1 {
				b.Order, b.Kekule = Single, Single
				a.Charge = 1
				m.Atoms[o].Charge = -1
				break
			}
		}
	}
}

// valence is the sum of Kekulé bond orders of atom i (hydrogen counts excluded).
func (m *Mol) valence(i int) int {
	v := 0
	for _, bi := range m.adj[i] {
		v += orderValue(m.Bonds[bi].Kekule)
	}
	return v
}

// needsPi reports whether an atom written aromatic must take one double bond in the
// Kekulé structure. OpenSMILES 3.5: count aromatic bonds as single, add the written
// hydrogens; if the lowest allowed valence at or above that leaves room, one unit of it
// is the atom's π bond (c in benzene, n in pyridine, [n+] in pyridinium), otherwise the
// atom gives a lone pair or nothing ([nH], o, s, n with three connections).
func (m *Mol) needsPi(i int) bool {
	a := m.Atoms[i]
	v := a.HCount
	for _, bi := range m.adj[i] {
		v += orderValue(m.Bonds[bi].Order)
	}
	vals := organicValences[a.Z]
	if a.Bracket {
		vals = effectiveValences(a.Z, a.Charge)
	}
	for _, t := range vals {
		if t >= v {
			return t-v >= 1
		}
	}
	return false
}

// kekulize assigns single and double bonds to the aromatic bonds: the atoms that need a
// π bond must be matched in pairs along aromatic bonds (a perfect matching). The search is
// exhaustive backtracking, choosing at each step the unmatched atom with fewest free
// partners, which resolves ordinary ring systems without backtracking at all; a step limit
// keeps pathological input bounded.
func (m *Mol) kekulize() error {
	need := make([]bool, len(m.Atoms))
	for bi := range m.Bonds {
		b := &m.Bonds[bi]
		b.Kekule = b.Order
		if b.Order == Aromatic {
			b.Kekule = Single
		}
	}
	var needy []int
	for i, a := range m.Atoms {
		if a.Written && m.needsPi(i) {
			need[i] = true
			needy = append(needy, i)
		}
	}
	if len(needy) == 0 {
		return nil
	}
	// A connected group of needy atoms with an odd count has no perfect matching; finding
	// that by search would take exponential time, so check parity first.
	comp := make([]int, len(m.Atoms))
	for i := range comp {
		comp[i] = -1
	}
	for _, s := range needy {
		if comp[s] >= 0 {
			continue
		}
		comp[s] = s
		size, stack := 1, []int{s}
		for len(stack) > 0 {
			v := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			for _, bi := range m.adj[v] {
				w := m.Bonds[bi].Other(v)
				if m.Bonds[bi].Order == Aromatic && need[w] && comp[w] < 0 {
					comp[w] = s
					size++
					stack = append(stack, w)
				}
			}
		}
		if size%2 == 1 {
			a := m.Atoms[s]
			return &ChemistryError{m.SMILES, a.Pos, fmt.Sprintf("cannot kekulize the aromatic system of %s at %d (odd number of atoms needing a double bond)", a.Element, a.Pos)}
		}
	}
	mate := make([]int, len(m.Atoms)) // bond index of the double bond, -1 if none
	for i := range mate {
		mate[i] = -1
	}
	free := func(i int) []int {
		var out []int
		for _, bi := range m.adj[i] {
			b := m.Bonds[bi]
			if b.Order != Aromatic {
				continue
			}
			j := b.Other(i)
			if need[j] && mate[j] < 0 {
				out = append(out, bi)
			}
		}
		return out
	}
	steps := 0
	var solve func() bool
	solve = func() bool {
		steps++
		if steps > 20000 {
			return false
		}
		best, bestN := -1, 1<<30
		for _, i := range needy {
			if mate[i] >= 0 {
				continue
			}
			n := len(free(i))
			if n < bestN {
				best, bestN = i, n
			}
			if n == 0 {
				return false
			}
		}
		if best < 0 {
			return true
		}
		for _, bi := range free(best) {
			j := m.Bonds[bi].Other(best)
			mate[best], mate[j] = bi, bi
			if solve() {
				return true
			}
			mate[best], mate[j] = -1, -1
		}
		return false
	}
	if !solve() {
		first := needy[0]
		for _, i := range needy {
			if mate[i] < 0 {
				first = i
				break
			}
		}
		a := m.Atoms[first]
		return &ChemistryError{m.SMILES, a.Pos, fmt.Sprintf("cannot kekulize the aromatic system of %s at %d (no alternating single/double bond assignment)", a.Element, a.Pos)}
	}
	for _, i := range needy {
		m.Bonds[mate[i]].Kekule = Double
	}
	return nil
}

// piElectrons is the number of π electrons atom i offers to a ring it lies in, or -1 when
// it cannot be part of an aromatic ring (sp3 atoms, more than three connections, triple or
// cumulated bonds). The counting follows the Hückel treatment used in cheminformatics: an
// atom in a cyclic double bond gives 1; a carbon with an exocyclic double bond to a more
// electronegative atom gives 0 (2-pyridone, tropone); a neutral N or P with three single
// connections, or O, S, Se with two, gives its lone pair (2); a carbanion gives 2; a
// carbocation or three-connected boron gives 0 (empty p orbital).
func (m *Mol) piElectrons(i int) int {
	a := m.Atoms[i]
	if !m.InRing(i) {
		return -1
	}
	deg := len(m.adj[i]) + a.TotalH()
	if deg > 3 {
		return -1
	}
	doubles, exo := 0, -1
	cyclicDouble := false
	for _, bi := range m.adj[i] {
		b := m.Bonds[bi]
		switch b.Kekule {
		case Triple, Quadruple:
			return -1
		case Double:
			doubles++
			if b.Ring {
				cyclicDouble = true
			} else {
				exo = b.Other(i)
			}
		}
	}
	if doubles > 1 {
		return -1
	}
	if doubles == 1 {
		if cyclicDouble {
			return 1
		}
		o := m.Atoms[exo]
		if electronegative(o.Z) && !electronegative(a.Z) {
			return 0
		}
		return -1
	}
	switch a.Z {
	case 6:
		switch a.Charge {
		case -1:
			return 2
		case 1:
			return 0
		}
	case 7, 15:
		if a.Charge == 0 && deg == 3 {
			return 2
		}
		if a.Charge == -1 && deg == 2 {
			return 2
		}
	case 8, 16, 34, 52:
		if a.Charge == 0 && deg == 2 {
			return 2
		}
	case 5:
		if a.Charge == 0 && deg == 3 {
			return 0
		}
	}
	return -1
}

func electronegative(z int) bool {
	switch z {
	case 7, 8, 9, 16, 17, 34, 35, 53:
		return true
	}
	return false
}

// aromaticity marks atoms and bonds aromatic when they lie in a ring, or in a union of
// two or three rings of one fused system sharing bonds, whose atoms can all be sp2 and
// hold 4n+2 π electrons (Hückel's rule). Fused unions let azulene and similar systems be
// aromatic although neither ring alone has a Hückel count.
func (m *Mol) aromaticity() {
	for i := range m.Atoms {
		m.Atoms[i].Aromatic = false
	}
	for bi := range m.Bonds {
		m.Bonds[bi].Arom = false
	}
	if len(m.relev) == 0 {
		return
	}
	pi := make([]int, len(m.Atoms))
	for i := range m.Atoms {
		pi[i] = m.piElectrons(i)
	}
	var cand [][]int
	for _, r := range m.relev {
		ok := true
		for _, a := range r {
			if pi[a] < 0 {
				ok = false
				break
			}
		}
		if ok {
			cand = append(cand, r)
		}
	}
	ringBondSet := func(r []int) map[int]bool {
		s := map[int]bool{}
		for i := range r {
			s[m.bondBetween(r[i], r[(i+1)%len(r)])] = true
		}
		return s
	}
	bonds := make([]map[int]bool, len(cand))
	for i, r := range cand {
		bonds[i] = ringBondSet(r)
	}
	mark := func(rs []int) {
		atoms := map[int]bool{}
		for _, r := range rs {
			for _, a := range cand[r] {
				atoms[a] = true
			}
		}
		if len(rs) > 1 {
			// A fused union counts only when its perimeter (bonds in exactly one of the
			// rings) is one cycle through all its atoms: an atom inside the union (the
			// central atom of acenaphthylene) has no place in a single π circuit.
			use := map[int]int{}
			for _, r := range rs {
				for b := range bonds[r] {
					use[b]++
				}
			}
			per := map[int]int{}
			for b, n := range use {
				if n == 1 {
					per[m.Bonds[b].A]++
					per[m.Bonds[b].B]++
				}
			}
			for a := range atoms {
				if per[a] != 2 {
					return
				}
			}
		}
		e := 0
		for a := range atoms {
			e += pi[a]
		}
		if e < 2 || (e-2)%4 != 0 {
			return
		}
		for a := range atoms {
			m.Atoms[a].Aromatic = true
		}
		for _, r := range rs {
			for b := range bonds[r] {
				m.Bonds[b].Arom = true
			}
		}
	}
	shares := func(i, j int) bool {
		for b := range bonds[i] {
			if bonds[j][b] {
				return true
			}
		}
		return false
	}
	for i := range cand {
		mark([]int{i})
	}
	if len(cand) > 40 {
		return // keep pathological input bounded; single rings are still perceived
	}
	for i := range cand {
		for j := i + 1; j < len(cand); j++ {
			sij := shares(i, j)
			if sij {
				mark([]int{i, j})
			}
			for k := j + 1; k < len(cand); k++ {
				n := 0
				for _, s := range []bool{sij, shares(i, k), shares(j, k)} {
					if s {
						n++
					}
				}
				if n >= 2 {
					mark([]int{i, j, k})
				}
			}
		}
	}
}
