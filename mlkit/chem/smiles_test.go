// SPDX-License-Identifier: Apache-2.0

package chem

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func mustParse(t *testing.T, s string) *Mol {
	t.Helper()
	m, err := ParseSMILES(s)
	if err != nil {
		t.Fatalf("ParseSMILES(%q): %v", s, err)
	}
	return m
}

func TestParseCounts(t *testing.T) {
	cases := []struct {
		smiles                 string
		heavy, bonds, arom, rg int
		symRings               int
		h                      int // total hydrogens
	}{
		{"C", 1, 0, 0, 0, 0, 4},
		{"CCO", 3, 2, 0, 0, 0, 6},
		{"c1ccccc1", 6, 6, 6, 1, 1, 6},
		{"C1=CC=CC=C1", 6, 6, 6, 1, 1, 6}, // Kekulé benzene is re-perceived aromatic
		{"c1ccc2ccccc2c1", 10, 11, 10, 2, 2, 8},
		{"c1cc[nH]c1", 5, 5, 5, 1, 1, 5},
		{"Cn1cccc1", 6, 6, 5, 1, 1, 7},
		{"O=c1cccc[nH]1", 7, 7, 6, 1, 1, 5},           // 2-pyridone is aromatic by Hückel counting
		{"O=C1C=CC(=O)C=C1", 8, 8, 0, 1, 1, 4},        // benzoquinone is not
		{"C1CC1", 3, 3, 0, 1, 1, 6},                   // cyclopropane
		{"C12CC3CC(CC(C3)C1)C2", 10, 12, 0, 3, 4, 16}, // adamantane: SSSR 3, symmetrized 4
		{"C1CN2CCC1CC2", 8, 9, 0, 2, 3, 13},           // quinuclidine
		{"[Na+].CC(=O)[O-]", 5, 3, 0, 0, 0, 3},
		{"[2H]C([H])([H])Cl", 2, 2, 0, 0, 0, 3}, // [2H] keeps its bond; plain [H] bonds are not counted
		{"c1ccc2c(c1)ccc1ccccc12", 14, 16, 14, 3, 3, 10},
		{"c1cc2cccc3c2c(c1)CC3", 12, 14, 10, 3, 3, 10}, // acenaphthene: 5-ring is sp3
		{"C%10CC%10", 3, 3, 0, 1, 1, 6},
		{"F/C=C/F", 4, 3, 0, 0, 0, 2},
		{"N[C@@H](C)C(=O)O", 6, 5, 0, 0, 0, 7},
	}
	for _, c := range cases {
		m := mustParse(t, c.smiles)
		h := 0
		for i := range m.Atoms {
			if m.Atoms[i].Z > 1 {
				h += m.hydrogens(i)
			}
		}
		if m.NumHeavyAtoms() != c.heavy || m.NumBonds() != c.bonds || m.NumAromaticAtoms() != c.arom ||
			m.NumRings() != c.rg || m.NumSymmetricRings() != c.symRings || h != c.h {
			t.Errorf("%s: heavy %d bonds %d arom %d rings %d sym %d H %d; want %d %d %d %d %d %d", c.smiles,
				m.NumHeavyAtoms(), m.NumBonds(), m.NumAromaticAtoms(), m.NumRings(), m.NumSymmetricRings(), h,
				c.heavy, c.bonds, c.arom, c.rg, c.symRings, c.h)
		}
	}
}

func TestAtomFields(t *testing.T) {
	m := mustParse(t, "[13CH3:7][C@@H](/N=N/[O-])[NH3+]")
	a := m.Atoms[0]
	if a.Isotope != 13 || a.HCount != 3 || a.Class != 7 || !a.Bracket || a.Element != "C" {
		t.Errorf("atom 0 = %+v", a)
	}
	if m.Atoms[1].Chirality != "@@" {
		t.Errorf("chirality %q", m.Atoms[1].Chirality)
	}
	if m.Atoms[4].Charge != -1 || m.Atoms[5].Charge != 1 {
		t.Errorf("charges %d %d", m.Atoms[4].Charge, m.Atoms[5].Charge)
	}
	dirs := 0
	for _, b := range m.Bonds {
		if b.Dir != 0 {
			dirs++
			if b.Order != Single {
				t.Errorf("directional bond has order %v", b.Order)
			}
		}
	}
	if dirs != 2 {
		t.Errorf("%d directional bonds, want 2", dirs)
	}
	if m := mustParse(t, "C[Fe++]C"); m.Atoms[1].Charge != 2 {
		t.Errorf("[Fe++] charge %d", m.Atoms[1].Charge)
	}
}

func TestSyntaxErrors(t *testing.T) {
	cases := []struct{ smiles, want string }{
		{"CCC1CC", "unclosed ring 1 opened at position 3"},
		{"CC(C)C)C", "unexpected ')' at 6"},
		{"C[Xx]", "unknown element 'Xx' at 2"},
		{"CXC", "unknown element 'X' at 1"},
		{"C(", "unclosed branch"},
		{"C=", "no atom after it"},
		{"1CC", "unexpected ring-closure digit at 0"},
		{"C..C", "unexpected '.' at 2"},
		{"[CH3", "expected ']'"},
		{"C%1C", "expected two digits after '%' at 1"},
		{"C=1CC-1", "different from its opening"},
		{"C11", "closes on the atom that opened it"},
		{"", "empty SMILES"},
	}
	for _, c := range cases {
		_, err := ParseSMILES(c.smiles)
		var se *SyntaxError
		if !errors.As(err, &se) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("ParseSMILES(%q) = %v, want SyntaxError containing %q", c.smiles, err, c.want)
		}
	}
	for _, s := range []string{"c1ccccc1c", "c1cccc1", "c1ccnc1"} {
		_, err := ParseSMILES(s)
		var ce *ChemistryError
		if !errors.As(err, &ce) {
			t.Errorf("ParseSMILES(%q) = %v, want ChemistryError", s, err)
		}
	}
}

func TestLargestFragment(t *testing.T) {
	m := mustParse(t, "[Na+].[Cl-].OC(=O)c1ccccc1.O")
	if len(m.Fragments()) != 4 {
		t.Fatalf("%d fragments", len(m.Fragments()))
	}
	f := m.LargestFragment()
	if f.NumHeavyAtoms() != 9 || f.NumAromaticAtoms() != 6 || f.NumRings() != 1 {
		t.Errorf("largest fragment: heavy %d arom %d rings %d", f.NumHeavyAtoms(), f.NumAromaticAtoms(), f.NumRings())
	}
}

func TestCheckValence(t *testing.T) {
	for s, bad := range map[string]bool{"CC(C)(C)(C)C": true, "CN(=O)=O": false, "C[N+](=O)[O-]": false,
		"NC(N)=[NH2]": true, "O=N([O-])C": true, "CCl": false} {
		m := mustParse(t, s)
		if err := m.CheckValence(); (err != nil) != bad {
			t.Errorf("CheckValence(%s) = %v, want error %t", s, err, bad)
		}
	}
}

func TestScaffold(t *testing.T) {
	key := func(s string) string {
		k, err := ScaffoldKey(s)
		if err != nil {
			t.Fatal(err)
		}
		return k
	}
	same := [][2]string{
		{"CC(=O)c1ccccc1", "c1ccccc1CCCN"},               // side chains go, carbonyl on a side chain too
		{"O=C1CCCCC1C", "O=C1CCCCC1CC"},                  // exocyclic C=O on a ring stays
		{"Cn1cccc1", "c1cc[nH]c1"},                       // lost substituent → [nH]
		{"OC(c1ccccc1)c1ccncc1", "c1cnccc1C(O)c1ccccc1"}, // atom order does not matter
		{"C1CC2CCC1C2", "C2CC1CCC2C1"},                   // norbornane written two ways
	}
	for _, p := range same {
		if a, b := key(p[0]), key(p[1]); a != b {
			t.Errorf("scaffolds of %s and %s differ: %s %s", p[0], p[1], a, b)
		}
	}
	differ := [][2]string{
		{"O=C1CCCCC1", "C1CCCCC1"},
		{"C1CCC2CCCCC2C1", "C1CCC(C1)C1CCCC1"}, // decalin vs bicyclopentyl (same WL colours without ring labels)
		{"c1ccccc1", "c1ccncc1"},
		{"c1nc[nH]n1", "c1nnc[nH]1"}, // 1H- and 4H-1,2,4-triazole stay apart, as in RDKit
	}
	for _, p := range differ {
		if a, b := key(p[0]), key(p[1]); a == b {
			t.Errorf("scaffolds of %s and %s should differ", p[0], p[1])
		}
	}
	if k := key("CCCCO"); k != "" {
		t.Errorf("acyclic scaffold key %q, want empty", k)
	}
	sc := mustParse(t, "CCOC(=O)c1ccc(cc1)C(=O)NC1CC1").MurckoScaffold()
	if sc.NumHeavyAtoms() != 12 { // benzene + C(=O)N + cyclopropane
		t.Errorf("scaffold has %d atoms, want 12", sc.NumHeavyAtoms())
	}
}

func TestScaffoldSplit(t *testing.T) {
	smiles := []string{
		"c1ccccc1C", "c1ccccc1CC", "c1ccccc1O", "c1ccccc1N", // benzene ×4
		"C1CCCCC1C", "C1CCCCC1O", // cyclohexane ×2
		"c1ccncc1C", "c1ccncc1O", // pyridine ×2
		"CCO", "CCCC", // acyclic ×2
		"not a smiles",
	}
	train, val, test, err := ScaffoldSplit(smiles, 0.6, 0.2, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(train)+len(val)+len(test) != len(smiles) {
		t.Fatalf("sizes %d+%d+%d", len(train), len(val), len(test))
	}
	group := map[int]string{}
	for i, s := range smiles {
		k, err := ScaffoldKey(s)
		if err != nil {
			k = "bad" + s
		}
		group[i] = k
	}
	where := map[string]string{}
	for name, set := range map[string][]int{"train": train, "val": val, "test": test} {
		for _, i := range set {
			if w, ok := where[group[i]]; ok && w != name {
				t.Errorf("scaffold of %s in %s and %s", smiles[i], w, name)
			}
			where[group[i]] = name
		}
	}
	// The largest group (benzene, 4) goes to train first.
	if where[group[0]] != "train" || len(train) > 6 {
		t.Errorf("train = %v", train)
	}
	// A different seed only reorders equal-size groups; the sizes of sets may change but
	// never the no-shared-scaffold property.
	for seed := int64(1); seed < 5; seed++ {
		a, b, c, _ := ScaffoldSplit(smiles, 0.6, 0.2, seed)
		if len(a)+len(b)+len(c) != len(smiles) {
			t.Errorf("seed %d lost molecules", seed)
		}
	}
	if _, _, _, err := ScaffoldSplit(smiles, 0.9, 0.2, 0); err == nil {
		t.Error("fractions above 1 accepted")
	}
}

func TestDescriptors(t *testing.T) {
	m := mustParse(t, "CC(=O)Oc1ccccc1C(=O)O") // aspirin
	if w := m.MolWt(); w < 180.1 || w > 180.2 {
		t.Errorf("aspirin MolWt %.3f, want 180.159", w)
	}
	if tp := m.TPSA(); tp < 63.59 || tp > 63.61 { // 2×17.07 + 9.23 + 20.23 (Ertl 2000)
		t.Errorf("aspirin TPSA %.2f, want 63.60", tp)
	}
	if d, a := m.NumHDonors(), m.NumHAcceptors(); d != 1 || a != 4 {
		t.Errorf("aspirin donors %d acceptors %d", d, a)
	}
	if r := m.NumRotatableBonds(); r != 3 {
		t.Errorf("aspirin rotatable bonds %d, want 3", r)
	}
	n := mustParse(t, "CN(=O)=O")
	c := mustParse(t, "C[N+](=O)[O-]")
	if n.TPSA() != c.TPSA() {
		t.Errorf("nitro TPSA %.2f vs charge-separated %.2f", n.TPSA(), c.TPSA())
	}
}

// FuzzSMILESGraph checks that parsing never panics and that a parsed graph is consistent:
// bond ends are valid distinct atoms, ring bonds lie on an SSSR ring's perimeter or are
// cycle bonds, SSSR size is edges − nodes + components.
func FuzzSMILESGraph(f *testing.F) {
	for _, s := range []string{"CCO", "c1ccccc1", "C1CC2CCC1C2", "[Na+].[Cl-]", "C(=O)(O)[C@@H](N)C",
		"c1ccc2c(c1)[nH]c1ccccc12", "C%12CC%12", "F/C=C\\F", "[13CH4:2]", "C1CC(", "c1cccc1", "O=[N+]([O-])c1ccccc1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if len(s) > 200 {
			return
		}
		m, err := ParseSMILES(s)
		if err != nil {
			var se *SyntaxError
			var ce *ChemistryError
			if !errors.As(err, &se) && !errors.As(err, &ce) {
				t.Fatalf("%q: error of unexpected type %T", s, err)
			}
			return
		}
		seen := map[[2]int]bool{}
		for _, b := range m.Bonds {
			if b.A < 0 || b.B < 0 || b.A >= len(m.Atoms) || b.B >= len(m.Atoms) || b.A == b.B {
				t.Fatalf("%q: bad bond %+v", s, b)
			}
			k := [2]int{min(b.A, b.B), max(b.A, b.B)}
			if seen[k] {
				t.Fatalf("%q: duplicate bond %v", s, k)
			}
			seen[k] = true
		}
		if want := len(m.Bonds) - len(m.Atoms) + len(m.Fragments()); m.NumRings() != want {
			t.Fatalf("%q: %d SSSR rings, want %d", s, m.NumRings(), want)
		}
		onRing := map[int]bool{}
		for _, r := range m.Rings() {
			for i := range r {
				bi := m.bondBetween(r[i], r[(i+1)%len(r)])
				if bi < 0 {
					t.Fatalf("%q: ring %v not closed by bonds", s, r)
				}
				onRing[bi] = true
			}
		}
		for bi, b := range m.Bonds {
			if b.Ring != onRing[bi] {
				t.Fatalf("%q: bond %d ring flag %t but on SSSR ring %t", s, bi, b.Ring, onRing[bi])
			}
			if b.Arom && !b.Ring {
				t.Fatalf("%q: aromatic bond %d outside rings", s, bi)
			}
		}
		for i, a := range m.Atoms {
			if a.Aromatic && !m.InRing(i) {
				t.Fatalf("%q: aromatic atom %d outside rings", s, i)
			}
		}
		_ = m.LargestFragment()
		_ = m.MurckoScaffold().CanonicalKey()
		_ = m.TPSA() + m.MolWt()
	})
}

func TestElementTables(t *testing.T) {
	if len(atomicWeights) != len(elementSymbols) || len(elementSymbols) != 119 {
		t.Fatalf("%d weights for %d symbols", len(atomicWeights), len(elementSymbols))
	}
	for z, s := range map[int]string{1: "H", 6: "C", 26: "Fe", 53: "I", 78: "Pt", 92: "U", 118: "Og"} {
		if elementSymbols[z] != s {
			t.Errorf("symbol %d = %s, want %s", z, elementSymbols[z], s)
		}
	}
	for z, w := range map[int]float64{1: 1.008, 6: 12.011, 7: 14.007, 8: 15.999, 17: 35.45, 35: 79.904} {
		if atomicWeights[z] != w {
			t.Errorf("weight of %s = %g, want %g", elementSymbols[z], atomicWeights[z], w)
		}
	}
}

func TestWhitespaceEndsSMILES(t *testing.T) {
	m := mustParse(t, "CCO ethanol")
	if m.NumHeavyAtoms() != 3 {
		t.Errorf("%d atoms", m.NumHeavyAtoms())
	}
	if _, err := ParseSMILES(" CCO"); err == nil {
		t.Error("leading space accepted")
	}
}

func TestMorgan(t *testing.T) {
	a := mustParse(t, "OCC").MorganCounts(2)
	b := mustParse(t, "CCO").MorganCounts(2)
	if len(a) != len(b) {
		t.Fatalf("atom order changes features: %d vs %d", len(a), len(b))
	}
	for id, n := range a {
		if b[id] != n {
			t.Errorf("feature %x: %d vs %d", id, n, b[id])
		}
	}
	// Ethanol: 3 atom types at radius 0; at radius 1 the two end atoms cover one bond each
	// and the middle C both; at radius 2 both ends cover both bonds, duplicating the middle
	// C's radius-1 set, so they are dropped: 6 features, as RDKit counts.
	if len(a) != 6 {
		t.Errorf("ethanol has %d features, want 6", len(a))
	}
	f := mustParse(t, "c1ccccc1").Morgan(2, 2048)
	if f.OnBits() != 3 || Tanimoto(f, f) != 1 {
		t.Errorf("benzene: %d bits", f.OnBits())
	}
}

// TestPathologicalInputsAreFast guards the bounded searches (kekulization, cycle bases,
// fused-ring unions) against inputs a fuzzer or a careless generator produces.
func TestPathologicalInputsAreFast(t *testing.T) {
	ins := []string{
		"c1" + strings.Repeat("c2c3c4c5c6c7c8c9", 4) + "c1",
		strings.Repeat("c123456789", 10),
		strings.Repeat("c1ccc2ccccc2c1", 10),
		strings.Repeat("c12c34c56c78", 8) + "c1",
		strings.Repeat("C1CC2CC3CC4CC5CC", 6) + "5C4C3C2C1",
		"c1ccccc" + strings.Repeat("c2ccccc2", 30) + "1",
	}
	for _, s := range ins {
		start := time.Now()
		ParseSMILES(s)
		if d := time.Since(start); d > time.Second {
			t.Errorf("%q took %v", s, d)
		}
	}
}
