// SPDX-License-Identifier: Apache-2.0

package chem

// elementSymbols lists the element symbols by atomic number (index 0 is the "*" wildcard).
var elementSymbols = []string{"*",
	"H", "He", "Li", "Be", "B", "C", "N", "O", "F", "Ne",
	"Na", "Mg", "Al", "Si", "P", "S", "Cl", "Ar", "K", "Ca",
	"Sc", "Ti", "V", "Cr", "Mn", "Fe", "Co", "Ni", "Cu", "Zn",
	"Ga", "Ge", "As", "Se", "Br", "Kr", "Rb", "Sr", "Y", "Zr",
	"Nb", "Mo", "Tc", "Ru", "Rh", "Pd", "Ag", "Cd", "In", "Sn",
	"Sb", "Te", "I", "Xe", "Cs", "Ba", "La", "Ce", "Pr", "Nd",
	"Pm", "Sm", "Eu", "Gd", "Tb", "Dy", "Ho", "Er", "Tm", "Yb",
	"Lu", "Hf", "Ta", "W", "Re", "Os", "Ir", "Pt", "Au", "Hg",
	"Tl", "Pb", "Bi", "Po", "At", "Rn", "Fr", "Ra", "Ac", "Th",
	"Pa", "U", "Np", "Pu", "Am", "Cm", "Bk", "Cf", "Es", "Fm",
	"Md", "No", "Lr", "Rf", "Db", "Sg", "Bh", "Hs", "Mt", "Ds",
	"Rg", "Cn", "Nh", "Fl", "Mc", "Lv", "Ts", "Og",
}

// atomicWeights are standard atomic weights (g/mol) by atomic number: the IUPAC
// "conventional" abridged values (IUPAC CIAAW, Standard Atomic Weights 2021, Pure Appl.
// Chem. 2022) where an interval is published, and for elements without stable isotopes the
// mass number of the longest-lived isotope. Index 0 ("*") weighs 0, as a wildcard has no
// defined mass.
var atomicWeights = []float64{0,
	1.008, 4.0026, 6.94, 9.0122, 10.81, 12.011, 14.007, 15.999, 18.998, 20.180,
	22.990, 24.305, 26.982, 28.085, 30.974, 32.06, 35.45, 39.95, 39.098, 40.078,
	44.956, 47.867, 50.942, 51.996, 54.938, 55.845, 58.933, 58.693, 63.546, 65.38,
	69.723, 72.630, 74.922, 78.971, 79.904, 83.798, 85.468, 87.62, 88.906, 91.224,
	92.906, 95.95, 98, 101.07, 102.91, 106.42, 107.87, 112.41, 114.82, 118.71,
	121.76, 127.60, 126.90, 131.29, 132.91, 137.33, 138.91, 140.12, 140.91, 144.24,
	145, 150.36, 151.96, 157.25, 158.93, 162.50, 164.93, 167.26, 168.93, 173.05,
	174.97, 178.49, 180.95, 183.84, 186.21, 190.23, 192.22, 195.08, 196.97, 200.59,
	204.38, 207.2, 208.98, 209, 210, 222, 223, 226, 227, 232.04,
	231.04, 238.03, 237, 244, 243, 247, 247, 251, 252, 257,
	258, 259, 262, 267, 270, 269, 270, 270, 278, 281,
	281, 285, 286, 289, 289, 293, 293, 294,
}

var symbolToZ = func() map[string]int {
	m := make(map[string]int, len(elementSymbols))
	for z, s := range elementSymbols {
		m[s] = z
	}
	return m
}()

// normalValences are the valences used for implicit hydrogens of the OpenSMILES organic
// subset (spec section 3.1.5) and, by isoelectronic shift (atomic number minus formal
// charge), for charged atoms: N+ behaves like C, O+ like N, C- like N. Elements of groups
// 13-17 from period 3 on take the same lists as their period-2 homologues extended with the
// hypervalent states the spec allows for P and S. nil means "any valence" (metals).
var normalValences = map[int][]int{
	1: {1}, 2: {0}, 5: {3}, 6: {4}, 7: {3, 5}, 8: {2}, 9: {1}, 10: {0},
	13: {3}, 14: {4}, 15: {3, 5}, 16: {2, 4, 6}, 17: {1, 3, 5, 7}, 18: {0},
	31: {3}, 32: {4}, 33: {3, 5}, 34: {2, 4, 6}, 35: {1, 3, 5, 7}, 36: {0},
	50: {2, 4}, 51: {3, 5}, 52: {2, 4, 6}, 53: {1, 3, 5, 7}, 54: {0, 2, 4, 6, 8},
}

// organicValences are the OpenSMILES organic-subset valences (section 3.1.5), used for
// the implicit hydrogens of atoms written without brackets.
var organicValences = map[int][]int{
	5: {3}, 6: {4}, 7: {3, 5}, 8: {2}, 15: {3, 5}, 16: {2, 4, 6}, 9: {1}, 17: {1}, 35: {1}, 53: {1},
}

// effectiveValences returns the valence list of an atom of atomic number z with formal
// charge q by the isoelectronic rule, or nil when no rule applies (metals, noble gases
// shifted out of their block).
func effectiveValences(z, q int) []int {
	if q == 0 {
		return normalValences[z]
	}
	ez := z - q
	// The shift only makes sense within the p block of one period.
	if period(ez) != period(z) || !pBlock(z) {
		return nil
	}
	return normalValences[ez]
}

func period(z int) int {
	switch {
	case z <= 2:
		return 1
	case z <= 10:
		return 2
	case z <= 18:
		return 3
	case z <= 36:
		return 4
	case z <= 54:
		return 5
	}
	return 6
}

func pBlock(z int) bool {
	return (z >= 5 && z <= 10) || (z >= 13 && z <= 18) || (z >= 31 && z <= 36) || (z >= 49 && z <= 54)
}
