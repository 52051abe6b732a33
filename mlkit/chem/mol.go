// SPDX-License-Identifier: Apache-2.0

package chem

import (
	"fmt"
	"slices"
	"sort"
)

// Mol is a molecular graph parsed from SMILES. Hydrogens are implicit counts on atoms
// unless written as bracket atoms ([H]).
type Mol struct {
	SMILES string
	Atoms  []Atom
	Bonds  []Bond

	adj   [][]int // bond indices per atom
	frag  []int   // fragment (connected component) per atom
	nfrag int
	rings [][]int // SSSR: each ring as atoms in cycle order
	relev [][]int // relevant cycles: the union of all minimum cycle bases found
}

// ChemistryError is syntactically valid SMILES that describes no sensible molecule (an
// aromatic system without a Kekulé structure, an aromatic atom outside every ring).
type ChemistryError struct {
	SMILES string
	Pos    int // byte offset of the first atom involved
	Msg    string
}

func (e *ChemistryError) Error() string { return fmt.Sprintf("smiles %q: %s", e.SMILES, e.Msg) }

// Neighbors returns the atoms bonded to atom i.
func (m *Mol) Neighbors(i int) []int {
	out := make([]int, 0, len(m.adj[i]))
	for _, b := range m.adj[i] {
		out = append(out, m.Bonds[b].Other(i))
	}
	return out
}

// BondsOf returns the indices of the bonds of atom i.
func (m *Mol) BondsOf(i int) []int { return m.adj[i] }

// Degree is the number of graph neighbours of atom i (hydrogens not in the graph excluded).
func (m *Mol) Degree(i int) int { return len(m.adj[i]) }

// InRing reports whether atom i lies on a cycle.
func (m *Mol) InRing(i int) bool {
	for _, b := range m.adj[i] {
		if m.Bonds[b].Ring {
			return true
		}
	}
	return false
}

// Rings returns a smallest set of smallest rings (a minimum cycle basis), each ring as
// atom indices in cycle order. Its size is edges − nodes + components. In bridged systems
// the choice among equal rings is arbitrary; see SymmetricRings for the unique set.
func (m *Mol) Rings() [][]int { return m.rings }

// NumRings is len(Rings()): the cyclomatic number of the graph (edges − nodes +
// components).
func (m *Mol) NumRings() int { return len(m.rings) }

// SymmetricRings returns the relevant cycles: every ring that belongs to some minimum
// cycle basis. It adds to Rings the rings that an arbitrary SSSR choice would leave out in
// bridged systems (quinuclidine has 2 SSSR rings but 3 equivalent six-membered ones,
// adamantane 3 and 4). This unique set is what RDKit's CalcNumRings counts (its
// "symmetrized SSSR"), and what aromaticity and scaffold keys use, so that they do not
// depend on atom order.
func (m *Mol) SymmetricRings() [][]int { return m.relev }

// NumSymmetricRings is len(SymmetricRings()), comparable with RDKit's CalcNumRings.
func (m *Mol) NumSymmetricRings() int { return len(m.relev) }

// NumHeavyAtoms counts atoms other than hydrogen and the "*" wildcard (as RDKit's
// GetNumHeavyAtoms counts atomic number > 1).
func (m *Mol) NumHeavyAtoms() int {
	n := 0
	for _, a := range m.Atoms {
		if a.Z > 1 {
			n++
		}
	}
	return n
}

// NumAromaticAtoms counts atoms found aromatic by perception.
func (m *Mol) NumAromaticAtoms() int {
	n := 0
	for _, a := range m.Atoms {
		if a.Aromatic {
			n++
		}
	}
	return n
}

// plainH reports whether atom i is a hydrogen that only stands for an implicit one
// ([H] bonded to one heavy atom, no isotope or charge): RDKit folds such atoms into
// their neighbour's hydrogen count when it reads SMILES, so they are left out of
// NumBonds.
func (m *Mol) plainH(i int) bool {
	a := m.Atoms[i]
	if a.Z != 1 || a.Isotope != 0 || a.Charge != 0 || a.HCount != 0 || len(m.adj[i]) != 1 {
		return false
	}
	b := m.Bonds[m.adj[i][0]]
	// A hydrogen carrying a double-bond direction mark ([H]/N=C) is kept by RDKit.
	return m.Atoms[b.Other(i)].Z != 1 && b.Dir == 0
}

// NumBonds counts the bonds, leaving out bonds to plain hydrogen atoms (see plainH) so
// that the count means the same as RDKit's GetNumBonds after reading SMILES.
func (m *Mol) NumBonds() int {
	n := 0
	for _, b := range m.Bonds {
		if !m.plainH(b.A) && !m.plainH(b.B) {
			n++
		}
	}
	return n
}

// Fragments returns the atoms of each dot-disconnected fragment (connected component),
// in order of first appearance.
func (m *Mol) Fragments() [][]int {
	out := make([][]int, m.nfrag)
	for i, f := range m.frag {
		out[f] = append(out[f], i)
	}
	return out
}

// LargestFragment returns the fragment with the most heavy atoms (the first one on ties)
// as a new molecule, e.g. the parent of a salt "[Na+].CC(=O)[O-]". Hydrogens and
// aromaticity are copied, since perception is local to a component; rings and adjacency
// are rebuilt for the new atom indices.
func (m *Mol) LargestFragment() *Mol {
	frags := m.Fragments()
	if len(frags) <= 1 {
		return m
	}
	best, bestN := 0, -1
	for f, atoms := range frags {
		n := 0
		for _, i := range atoms {
			if m.Atoms[i].Z > 1 {
				n++
			}
		}
		if n > bestN {
			best, bestN = f, n
		}
	}
	return m.subgraph(frags[best])
}

// subgraph copies the atoms listed (and the bonds among them) into a new molecule,
// keeping written and perceived atom and bond properties, and recomputing the graph
// structure (adjacency, fragments, rings).
func (m *Mol) subgraph(atoms []int) *Mol {
	idx := make(map[int]int, len(atoms))
	out := &Mol{SMILES: m.SMILES}
	for _, i := range atoms {
		idx[i] = len(out.Atoms)
		out.Atoms = append(out.Atoms, m.Atoms[i])
	}
	for _, b := range m.Bonds {
		ia, oka := idx[b.A]
		ib, okb := idx[b.B]
		if oka && okb {
			b.A, b.B = ia, ib
			out.Bonds = append(out.Bonds, b)
		}
	}
	out.structure()
	return out
}

// structure computes adjacency, fragments, ring bonds and the SSSR.
func (m *Mol) structure() {
	m.adj = make([][]int, len(m.Atoms))
	for bi, b := range m.Bonds {
		m.adj[b.A] = append(m.adj[b.A], bi)
		m.adj[b.B] = append(m.adj[b.B], bi)
	}
	m.fragments()
	m.ringBonds()
	m.sssr()
}

func (m *Mol) fragments() {
	m.frag = make([]int, len(m.Atoms))
	for i := range m.frag {
		m.frag[i] = -1
	}
	m.nfrag = 0
	for s := range m.Atoms {
		if m.frag[s] >= 0 {
			continue
		}
		stack := []int{s}
		m.frag[s] = m.nfrag
		for len(stack) > 0 {
			v := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			for _, w := range m.Neighbors(v) {
				if m.frag[w] < 0 {
					m.frag[w] = m.nfrag
					stack = append(stack, w)
				}
			}
		}
		m.nfrag++
	}
}

// ringBonds marks the bonds that are not bridges, with Tarjan's low-link (iterative so
// that long chains cannot overflow the stack).
func (m *Mol) ringBonds() {
	n := len(m.Atoms)
	disc := make([]int, n)
	low := make([]int, n)
	for i := range disc {
		disc[i] = -1
	}
	for bi := range m.Bonds {
		m.Bonds[bi].Ring = false
	}
	t := 0
	tree := make([]bool, len(m.Bonds))
	type frame struct{ v, parentBond, next int }
	for s := 0; s < n; s++ {
		if disc[s] >= 0 {
			continue
		}
		disc[s], low[s] = t, t
		t++
		stack := []frame{{s, -1, 0}}
		for len(stack) > 0 {
			f := &stack[len(stack)-1]
			if f.next < len(m.adj[f.v]) {
				bi := m.adj[f.v][f.next]
				f.next++
				if bi == f.parentBond {
					continue
				}
				w := m.Bonds[bi].Other(f.v)
				if disc[w] < 0 {
					disc[w], low[w] = t, t
					t++
					tree[bi] = true
					stack = append(stack, frame{w, bi, 0})
				} else if disc[w] < low[f.v] {
					low[f.v] = disc[w]
				}
				continue
			}
			v, pb := f.v, f.parentBond
			stack = stack[:len(stack)-1]
			if pb >= 0 {
				u := m.Bonds[pb].Other(v)
				if low[v] < low[u] {
					low[u] = low[v]
				}
				if low[v] <= disc[u] {
					m.Bonds[pb].Ring = true
				}
			}
		}
	}
	// Every bond that is not a tree edge of the search closes a cycle.
	for bi := range m.Bonds {
		if !tree[bi] {
			m.Bonds[bi].Ring = true
		}
	}
}

// sssr finds a minimum cycle basis of the ring bonds: Horton's candidate cycles (for each
// root atom r and bond x–y, the shortest path r→x, the bond and the shortest path y→r,
// when the two paths meet only at r) are sorted by length and kept when independent of the
// shorter ones over GF(2) (Horton, SIAM J. Comput. 16:358, 1987). The number kept is
// edges − nodes + components.
func (m *Mol) sssr() {
	m.rings, m.relev = nil, nil
	var ringBonds []int
	bondCol := map[int]int{}
	ringAtom := map[int]bool{}
	for bi, b := range m.Bonds {
		if b.Ring {
			bondCol[bi] = len(ringBonds)
			ringBonds = append(ringBonds, bi)
			ringAtom[b.A], ringAtom[b.B] = true, true
		}
	}
	want := len(m.Bonds) - len(m.Atoms) + m.nfrag
	if want <= 0 || len(ringBonds) == 0 {
		return
	}
	words := (len(ringBonds) + 63) / 64
	type cand struct {
		atoms []int
		bits  []uint64
	}
	var cands []cand
	seen := map[string]bool{}
	roots := make([]int, 0, len(ringAtom))
	for a := range ringAtom {
		roots = append(roots, a)
	}
	sort.Ints(roots)
	n := len(m.Atoms)
	dist := make([]int, n)
	parent := make([]int, n) // parent bond
	for _, r := range roots {
		for i := range dist {
			dist[i], parent[i] = -1, -1
		}
		dist[r] = 0
		queue := []int{r}
		for len(queue) > 0 {
			v := queue[0]
			queue = queue[1:]
			for _, bi := range m.adj[v] {
				if !m.Bonds[bi].Ring {
					continue
				}
				w := m.Bonds[bi].Other(v)
				if dist[w] < 0 {
					dist[w], parent[w] = dist[v]+1, bi
					queue = append(queue, w)
				}
			}
		}
		path := func(x int) []int {
			p := []int{x}
			for x != r {
				x = m.Bonds[parent[x]].Other(x)
				p = append(p, x)
			}
			return p
		}
		for _, bi := range ringBonds {
			b := m.Bonds[bi]
			x, y := b.A, b.B
			if dist[x] < 0 || dist[y] < 0 || parent[x] == bi || parent[y] == bi {
				continue
			}
			px, py := path(x), path(y)
			onX := map[int]bool{}
			for _, a := range px[:len(px)-1] {
				onX[a] = true
			}
			ok := true
			for _, a := range py[:len(py)-1] {
				if onX[a] {
					ok = false
					break
				}
			}
			if !ok {
				continue
			}
			cyc := make([]int, 0, len(px)+len(py)-1)
			for i := len(px) - 1; i >= 0; i-- {
				cyc = append(cyc, px[i])
			}
			cyc = append(cyc, py[:len(py)-1]...)
			bits := make([]uint64, words)
			for i := range cyc {
				e := m.bondBetween(cyc[i], cyc[(i+1)%len(cyc)])
				c := bondCol[e]
				bits[c/64] |= 1 << (c % 64)
			}
			key := fmt.Sprint(bits)
			if seen[key] {
				continue
			}
			seen[key] = true
			cands = append(cands, cand{cyc, bits})
		}
	}
	sort.SliceStable(cands, func(i, j int) bool { return len(cands[i].atoms) < len(cands[j].atoms) })
	// Gaussian elimination over GF(2): basis rows indexed by their pivot column. A cycle
	// independent of all strictly shorter ones is relevant (Vismara, Electron. J. Combin.
	// 4:R9, 1997); the relevant cycles of each length are tested against the basis as it
	// stood before that length, the SSSR grows cycle by cycle.
	reduce := func(piv map[int][]uint64, v []uint64, insert bool) bool {
		v = slices.Clone(v)
		for {
			col := -1
			for w := range v {
				if v[w] != 0 {
					for k := 0; k < 64; k++ {
						if v[w]&(1<<k) != 0 {
							col = w*64 + k
							break
						}
					}
					break
				}
			}
			if col < 0 {
				return false
			}
			row, ok := piv[col]
			if !ok {
				if insert {
					piv[col] = v
				}
				return true
			}
			for w := range v {
				v[w] ^= row[w]
			}
		}
	}
	pivots := map[int][]uint64{}
	for lo := 0; lo < len(cands); {
		hi := lo
		for hi < len(cands) && len(cands[hi].atoms) == len(cands[lo].atoms) {
			hi++
		}
		before := make(map[int][]uint64, len(pivots))
		for k, v := range pivots {
			before[k] = v
		}
		for _, c := range cands[lo:hi] {
			if reduce(before, c.bits, false) {
				m.relev = append(m.relev, c.atoms)
			}
			if len(m.rings) < want && reduce(pivots, c.bits, true) {
				m.rings = append(m.rings, c.atoms)
			}
		}
		lo = hi
	}
}

func (m *Mol) bondBetween(a, b int) int {
	if m.adj == nil {
		for bi, bd := range m.Bonds {
			if bd.A == a && bd.B == b || bd.A == b && bd.B == a {
				return bi
			}
		}
		return -1
	}
	for _, bi := range m.adj[a] {
		if m.Bonds[bi].Other(a) == b {
			return bi
		}
	}
	return -1
}

// CheckValence reports atoms whose bond orders plus hydrogens exceed the valences a
// strict toolkit allows (RDKit's: N 3, halogens other than I 1, the rest as in
// effectiveValences, shifted by charge), such as =[NH2] with a third bond. Five-valent
// nitro and N-oxide groups never reach this check: ParseSMILES has already rewritten them
// into charge-separated form (see chargeSeparate). ParseSMILES accepts these atoms, since SMILES syntax does not forbid
// them, so callers that want chemically sensible input check here; elements without a
// valence rule (metals) are not checked.
func (m *Mol) CheckValence() error {
	for i, a := range m.Atoms {
		z := a.Z - a.Charge
		vals := effectiveValences(a.Z, a.Charge)
		if period(z) == period(a.Z) && pBlock(a.Z) {
			switch z {
			case 7:
				vals = []int{3}
			case 9, 17, 35:
				vals = []int{1}
			}
		}
		if len(vals) == 0 {
			continue
		}
		v := m.valence(i) + a.TotalH()
		if v > vals[len(vals)-1] {
			return &ChemistryError{m.SMILES, a.Pos, fmt.Sprintf("%s at %d has valence %d, more than %d", a.Element, a.Pos, v, vals[len(vals)-1])}
		}
	}
	return nil
}
