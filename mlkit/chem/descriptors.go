// SPDX-License-Identifier: Apache-2.0

package chem

// MolWt is the average molecular weight in g/mol: the standard atomic weights of
// elementSymbols (IUPAC CIAAW 2021 conventional values) summed over atoms and their
// hydrogens. An atom with a written isotope weighs its mass number, which is within 0.01
// u of the isotope's mass for the isotopes in drug-like sets ([2H], [13C], [18F], [125I]).
func (m *Mol) MolWt() float64 {
	w := 0.0
	for _, a := range m.Atoms {
		if a.Isotope > 0 {
			w += float64(a.Isotope)
		} else if a.Z < len(atomicWeights) {
			w += atomicWeights[a.Z]
		}
		w += float64(a.TotalH()) * atomicWeights[1]
	}
	return w
}

// hydrogens is the number of hydrogens on atom i: implicit, written in brackets, and
// hydrogen atoms of the graph bonded to it.
func (m *Mol) hydrogens(i int) int {
	h := m.Atoms[i].TotalH()
	for _, j := range m.Neighbors(i) {
		if m.Atoms[j].Z == 1 {
			h++
		}
	}
	return h
}

// NumHDonors is Lipinski's donor count as he defined it (Lipinski et al., Adv. Drug Deliv.
// Rev. 23:3, 1997): the number of hydrogens on N and O atoms (RDKit's NHOHCount; RDKit's
// NumHDonors uses a SMARTS definition instead).
func (m *Mol) NumHDonors() int {
	n := 0
	for i, a := range m.Atoms {
		if a.Z == 7 || a.Z == 8 {
			n += m.hydrogens(i)
		}
	}
	return n
}

// NumHAcceptors is Lipinski's acceptor count: the number of N and O atoms (RDKit's
// NOCount; RDKit's NumHAcceptors uses a SMARTS definition instead).
func (m *Mol) NumHAcceptors() int {
	n := 0
	for _, a := range m.Atoms {
		if a.Z == 7 || a.Z == 8 {
			n++
		}
	}
	return n
}

// NumRotatableBonds counts single, non-ring bonds between two heavy atoms that each have
// another heavy neighbour and no triple bond: rotation about such a bond changes the
// shape (the common "non-strict" definition; amide C–N bonds are counted).
func (m *Mol) NumRotatableBonds() int {
	heavyDeg := func(i int) int {
		d := 0
		for _, j := range m.Neighbors(i) {
			if m.Atoms[j].Z > 1 {
				d++
			}
		}
		return d
	}
	triple := func(i int) bool {
		for _, bi := range m.adj[i] {
			if m.Bonds[bi].Kekule == Triple {
				return true
			}
		}
		return false
	}
	n := 0
	for _, b := range m.Bonds {
		if b.Ring || b.Arom || b.Kekule != Single || m.Atoms[b.A].Z <= 1 || m.Atoms[b.B].Z <= 1 {
			continue
		}
		if heavyDeg(b.A) < 2 || heavyDeg(b.B) < 2 || triple(b.A) || triple(b.B) {
			continue
		}
		n++
	}
	return n
}

// TPSA is the topological polar surface area in Å² of Ertl, Rohde & Selzer (J. Med. Chem.
// 43:3714, 2000): a sum of contributions of N and O atoms by their bonding pattern (number
// of hydrogens, of single, double, triple and aromatic bonds, charge, membership of a
// three-membered ring), from Table 1 of the paper. As in the paper's standard variant (and
// RDKit's default), S and P are not counted. For the rare N or O patterns the table lacks,
// the contribution is a rough estimate from the number of heavy neighbours and hydrogens
// (N 30.5 − 8.2·heavy + 1.5·H, O 28.5 − 8.6·heavy + 1.5·H, never below 0), which falls
// between the table's neighbouring entries.
func (m *Mol) TPSA() float64 {
	t := 0.0
	for i, a := range m.Atoms {
		if a.Z != 7 && a.Z != 8 {
			continue
		}
		t += m.tpsaContrib(i)
	}
	return t
}

func (m *Mol) tpsaContrib(i int) float64 {
	a := m.Atoms[i]
	h := m.hydrogens(i)
	var s, d, tr, ar int
	for _, bi := range m.adj[i] {
		b := m.Bonds[bi]
		if m.Atoms[b.Other(i)].Z == 1 {
			continue
		}
		switch {
		case b.Arom:
			ar++
		case b.Kekule == Double:
			d++
		case b.Kekule == Triple:
			tr++
		default:
			s++
		}
	}
	heavy := s + d + tr + ar
	ring3 := false
	for _, r := range m.rings {
		if len(r) == 3 {
			for _, x := range r {
				if x == i {
					ring3 = true
				}
			}
		}
	}
	type pat struct{ h, s, d, t, a, q int }
	p := pat{h, s, d, tr, ar, a.Charge}
	if a.Z == 7 {
		switch p {
		case pat{0, 3, 0, 0, 0, 0}:
			if ring3 {
				return 3.01
			}
			return 3.24
		case pat{0, 1, 1, 0, 0, 0}:
			return 12.36
		case pat{0, 0, 0, 1, 0, 0}:
			return 23.79
		case pat{0, 1, 2, 0, 0, 0}:
			return 11.68
		case pat{0, 0, 1, 1, 0, 0}:
			return 13.60
		case pat{1, 2, 0, 0, 0, 0}:
			if ring3 {
				return 21.94
			}
			return 12.03
		case pat{1, 0, 1, 0, 0, 0}:
			return 23.85
		case pat{2, 1, 0, 0, 0, 0}:
			return 26.02
		case pat{0, 4, 0, 0, 0, 1}:
			return 0.00
		case pat{0, 2, 1, 0, 0, 1}:
			return 3.01
		case pat{0, 1, 0, 1, 0, 1}:
			return 4.36
		case pat{1, 3, 0, 0, 0, 1}:
			return 4.44
		case pat{1, 1, 1, 0, 0, 1}:
			return 13.97
		case pat{2, 2, 0, 0, 0, 1}:
			return 16.61
		case pat{2, 0, 1, 0, 0, 1}:
			return 25.59
		case pat{3, 1, 0, 0, 0, 1}:
			return 27.64
		case pat{0, 0, 0, 0, 2, 0}:
			return 12.89
		case pat{0, 0, 0, 0, 3, 0}:
			return 4.41
		case pat{0, 1, 0, 0, 2, 0}:
			return 4.93
		case pat{0, 0, 1, 0, 2, 0}:
			return 8.39
		case pat{1, 0, 0, 0, 2, 0}:
			return 15.79
		case pat{0, 0, 0, 0, 3, 1}:
			return 4.10
		case pat{0, 1, 0, 0, 2, 1}:
			return 3.88
		case pat{1, 0, 0, 0, 2, 1}:
			return 14.14
		}
		return max(0, 30.5-8.2*float64(heavy)+1.5*float64(h))
	}
	switch p {
	case pat{0, 2, 0, 0, 0, 0}:
		if ring3 {
			return 12.53
		}
		return 9.23
	case pat{0, 0, 1, 0, 0, 0}:
		return 17.07
	case pat{1, 1, 0, 0, 0, 0}:
		return 20.23
	case pat{0, 1, 0, 0, 0, -1}:
		return 23.06
	case pat{0, 0, 0, 0, 2, 0}:
		return 13.14
	}
	return max(0, 28.5-8.6*float64(heavy)+1.5*float64(h))
}
