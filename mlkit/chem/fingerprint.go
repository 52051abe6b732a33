// SPDX-License-Identifier: Apache-2.0

package chem

import (
	"encoding/binary"
	"hash/fnv"
	"math/bits"
	"slices"
	"sort"
)

// Fingerprint is a folded bit vector.
type Fingerprint []uint64

// NewFingerprint returns an all-zero fingerprint of n bits.
func NewFingerprint(n int) Fingerprint { return make(Fingerprint, (n+63)/64) }

// Set sets bit i.
func (f Fingerprint) Set(i int) { f[i/64] |= 1 << (i % 64) }

// Bit reports bit i.
func (f Fingerprint) Bit(i int) bool { return f[i/64]&(1<<(i%64)) != 0 }

// OnBits is the number of set bits.
func (f Fingerprint) OnBits() int {
	n := 0
	for _, w := range f {
		n += bits.OnesCount64(w)
	}
	return n
}

// Tanimoto is |a∧b| / |a∨b| (1 for two empty fingerprints). Both must have one length.
func Tanimoto(a, b Fingerprint) float64 {
	var and, or int
	for i := range a {
		and += bits.OnesCount64(a[i] & b[i])
		or += bits.OnesCount64(a[i] | b[i])
	}
	if or == 0 {
		return 1
	}
	return float64(and) / float64(or)
}

// MorganCounts returns the extended-connectivity (ECFP) features of Rogers & Hahn
// (J. Chem. Inf. Model. 50:742, 2010) up to the given radius, as identifier → number of
// atoms whose environment has that identifier. Atom invariants are those of the paper
// (the Daylight invariants): atomic number, degree (plain [H] atoms not counted), hydrogen count, formal
// charge, isotope and ring membership. Each iteration hashes an atom's identifier with
// the sorted (bond order, neighbour identifier) list; an environment covering exactly the
// same bonds as one already seen is dropped, as the paper prescribes, so the number of
// identifiers counts distinct substructures. The identifiers are this package's own hash
// (FNV-1a), so bit positions differ from RDKit's; the features they stand for are the
// same, which the RDKit comparison test checks through the number of distinct features.
func (m *Mol) MorganCounts(radius int) map[uint32]int {
	n := len(m.Atoms)
	ids := make([]uint32, n)
	heavy := func(i int) int {
		d := 0
		for _, j := range m.Neighbors(i) {
			if !m.plainH(j) {
				d++
			}
		}
		return d
	}
	hash := func(vals ...uint32) uint32 {
		h := fnv.New32a()
		var b [4]byte
		for _, v := range vals {
			binary.LittleEndian.PutUint32(b[:], v)
			h.Write(b[:])
		}
		return h.Sum32()
	}
	out := map[uint32]int{}
	ring := func(i int) uint32 {
		if m.InRing(i) {
			return 1
		}
		return 0
	}
	var atoms []int // plain hydrogens written as atoms ([H]) only stand for a count
	for i, a := range m.Atoms {
		if m.plainH(i) {
			continue
		}
		atoms = append(atoms, i)
		ids[i] = hash(uint32(a.Z), uint32(heavy(i)), uint32(m.hydrogens(i)), uint32(int32(a.Charge)), uint32(a.Isotope), ring(i))
		out[ids[i]]++
	}
	words := (len(m.Bonds) + 63) / 64
	env := make([][]uint64, n)
	for _, i := range atoms {
		env[i] = make([]uint64, words)
	}
	seen := map[string]bool{}
	key := func(b []uint64) string {
		bs := make([]byte, 8*len(b))
		for k, w := range b {
			binary.LittleEndian.PutUint64(bs[8*k:], w)
		}
		return string(bs)
	}
	// The empty bond set is radius 0's: an atom without heavy neighbours adds nothing later.
	seen[key(make([]uint64, words))] = true
	bondCode := func(b Bond) uint32 {
		if b.Arom {
			return 4
		}
		return uint32(orderValue(b.Kekule))
	}
	for r := 1; r <= radius; r++ {
		next := make([]uint32, n)
		nextEnv := make([][]uint64, n)
		type cand struct {
			atom int
			id   uint32
			env  string
		}
		var cands []cand
		for _, i := range atoms {
			type nb struct{ bond, id uint32 }
			var nbs []nb
			e := slices.Clone(env[i])
			for _, bi := range m.adj[i] {
				b := m.Bonds[bi]
				j := b.Other(i)
				if m.plainH(j) {
					continue
				}
				nbs = append(nbs, nb{bondCode(b), ids[j]})
				e[bi/64] |= 1 << (bi % 64)
				for w := range e {
					e[w] |= env[j][w]
				}
			}
			sort.Slice(nbs, func(a, b int) bool {
				if nbs[a].bond != nbs[b].bond {
					return nbs[a].bond < nbs[b].bond
				}
				return nbs[a].id < nbs[b].id
			})
			vals := []uint32{uint32(r), ids[i]}
			for _, x := range nbs {
				vals = append(vals, x.bond, x.id)
			}
			next[i] = hash(vals...)
			nextEnv[i] = e
			cands = append(cands, cand{i, next[i], key(e)})
		}
		// Among environments with the same bond set, keep the one with the smallest
		// identifier, so the choice does not depend on atom order.
		sort.Slice(cands, func(a, b int) bool { return cands[a].id < cands[b].id })
		for _, c := range cands {
			if seen[c.env] {
				continue
			}
			seen[c.env] = true
			out[c.id]++
		}
		ids, env = next, nextEnv
	}
	return out
}

// Morgan folds MorganCounts(radius) into an nBits-bit fingerprint (identifier mod nBits),
// the usual ECFP4 being Morgan(2, 2048).
func (m *Mol) Morgan(radius, nBits int) Fingerprint {
	f := NewFingerprint(nBits)
	for id := range m.MorganCounts(radius) {
		f.Set(int(id % uint32(nBits)))
	}
	return f
}
