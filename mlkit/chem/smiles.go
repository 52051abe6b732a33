// SPDX-License-Identifier: Apache-2.0

package chem

import (
	"fmt"
	"strings"
)

// BondOrder is the order of a bond as written or perceived.
type BondOrder uint8

// Bond orders. Aromatic bonds are kept as such after parsing; Kekulé orders used for
// hydrogen counts and aromaticity perception are stored separately (Bond.Kekule).
const (
	Single BondOrder = iota + 1
	Double
	Triple
	Quadruple
	Aromatic
)

func (o BondOrder) String() string {
	switch o {
	case Single:
		return "single"
	case Double:
		return "double"
	case Triple:
		return "triple"
	case Quadruple:
		return "quadruple"
	case Aromatic:
		return "aromatic"
	}
	return fmt.Sprintf("BondOrder(%d)", uint8(o))
}

// Atom is one atom of a parsed SMILES.
type Atom struct {
	Element   string // element symbol with capital first letter ("C", "Cl"), or "*"
	Z         int    // atomic number; 0 for "*"
	Isotope   int    // mass number; 0 = unspecified
	Charge    int    // formal charge
	Bracket   bool   // written in brackets: HCount is explicit and ImplicitH is 0
	HCount    int    // hydrogens written inside brackets ([NH2+] = 2)
	ImplicitH int    // hydrogens implied by the organic-subset valence rules
	Written   bool   // written aromatic (lowercase) in the input
	Aromatic  bool   // aromatic after Hückel perception (see Perceive)
	Chirality string // "@", "@@", "@TH1", ... kept as written, not interpreted
	Class     int    // atom class (":n" in brackets)
	Pos       int    // byte offset of the atom in the SMILES
}

// TotalH is the number of hydrogens attached to the atom that are not atoms of the graph.
func (a Atom) TotalH() int { return a.HCount + a.ImplicitH }

// Bond joins atoms A and B (indices into Mol.Atoms).
type Bond struct {
	A, B   int
	Order  BondOrder // as written (or implied: aromatic between two aromatic atoms)
	Kekule BondOrder // Single/Double/Triple/Quadruple after kekulization
	Dir    byte      // '/' or '\\' when written so (the bond is single); 0 otherwise
	Ring   bool      // the bond lies on a cycle
	Arom   bool      // aromatic after Hückel perception
	Pos    int       // byte offset of the bond symbol, or of the second atom or ring digit
}

// Other returns the atom at the other end of the bond from atom i.
func (b Bond) Other(i int) int {
	if b.A == i {
		return b.B
	}
	return b.A
}

// SyntaxError is an invalid SMILES: Pos is the byte offset (0-based) where the problem
// was found.
type SyntaxError struct {
	SMILES string
	Pos    int
	Msg    string
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("smiles %q: %s", e.SMILES, e.Msg)
}

type parser struct {
	s     string
	i     int
	mol   *Mol
	rings map[int]*openRing
}

type openRing struct {
	atom  int
	order BondOrder // 0 = not written
	dir   byte
	pos   int
}

// ParseSMILES parses a SMILES string (OpenSMILES grammar) into a molecular graph, then
// kekulizes aromatic systems, assigns implicit hydrogens, perceives rings and re-perceives
// aromaticity with the Hückel rule (see Perceive). It returns a *SyntaxError for invalid
// syntax and a *ChemistryError for aromatic systems that admit no Kekulé structure or
// aromatic atoms outside rings: the two kinds of input RDKit also rejects.
func ParseSMILES(s string) (*Mol, error) {
	m, err := parseGraph(s)
	if err != nil {
		return nil, err
	}
	if err := m.perceive(); err != nil {
		return nil, err
	}
	return m, nil
}

func parseGraph(s string) (*Mol, error) {
	p := &parser{s: s, mol: &Mol{SMILES: s}, rings: map[int]*openRing{}}
	if err := p.parse(); err != nil {
		return nil, err
	}
	return p.mol, nil
}

func (p *parser) errf(pos int, format string, args ...any) error {
	return &SyntaxError{SMILES: p.s, Pos: pos, Msg: fmt.Sprintf(format, args...)}
}

func (p *parser) parse() error {
	if strings.TrimSpace(p.s) == "" {
		return p.errf(0, "empty SMILES")
	}
	prev := -1          // atom the next one bonds to
	var stack []int     // open branches: atom each branch starts from
	var order BondOrder // pending bond symbol
	var dir byte
	bondPos := -1
	expectAtom := true // at the very start or after '.', '(' or a bond symbol
	for p.i < len(p.s) {
		c := p.s[p.i]
		if c == ' ' || c == '\t' || c == '\n' || c == '\r' {
			// OpenSMILES: whitespace ends the SMILES; what follows is a title (ESOL's
			// file has SMILES with a trailing space).
			break
		}
		switch {
		case c == '(':
			if prev < 0 || expectAtom {
				return p.errf(p.i, "unexpected '(' at %d: a branch must follow an atom", p.i)
			}
			stack = append(stack, prev)
			p.i++
			expectAtom = true
		case c == ')':
			if len(stack) == 0 {
				return p.errf(p.i, "unexpected ')' at %d: no open branch", p.i)
			}
			if expectAtom {
				return p.errf(p.i, "unexpected ')' at %d: expected an atom", p.i)
			}
			prev = stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			p.i++
		case c == '.':
			if expectAtom {
				return p.errf(p.i, "unexpected '.' at %d: expected an atom", p.i)
			}
			if len(stack) > 0 {
				// OpenSMILES allows '.' inside branches, but it is vanishingly rare and its
				// meaning (which atom the branch resumes from) is easily misread; reject it.
				return p.errf(p.i, "unexpected '.' at %d inside a branch", p.i)
			}
			prev = -1
			p.i++
			expectAtom = true
		case strings.IndexByte("-=#$:/\\", c) >= 0:
			if prev < 0 {
				return p.errf(p.i, "unexpected bond '%c' at %d: no atom before it", c, p.i)
			}
			if bondPos >= 0 {
				// Repeated direction marks ("C=C\\\\C", as found in ClinTox) are accepted as
				// RDKit does: the last one counts. Any other pair of bond symbols is an error.
				if !(dir != 0 && (c == '/' || c == '\\')) {
					return p.errf(p.i, "unexpected bond '%c' at %d after another bond", c, p.i)
				}
			}
			order, dir = bondSymbol(c)
			bondPos = p.i
			p.i++
			expectAtom = true
		case c >= '0' && c <= '9' || c == '%':
			if prev < 0 || (expectAtom && bondPos < 0) {
				return p.errf(p.i, "unexpected ring-closure digit at %d: expected an atom", p.i)
			}
			pos := p.i
			num, err := p.ringNumber()
			if err != nil {
				return err
			}
			if err := p.ringClosure(prev, num, order, dir, pos); err != nil {
				return err
			}
			order, dir, bondPos = 0, 0, -1
			expectAtom = false
		default:
			pos := p.i
			a, err := p.atom()
			if err != nil {
				return err
			}
			idx := len(p.mol.Atoms)
			p.mol.Atoms = append(p.mol.Atoms, a)
			if prev >= 0 {
				bp := pos
				if bondPos >= 0 {
					bp = bondPos
				}
				p.addBond(prev, idx, order, dir, bp)
			}
			prev = idx
			order, dir, bondPos = 0, 0, -1
			expectAtom = false
		}
	}
	if p.i == 0 {
		return p.errf(0, "expected an atom at 0")
	}
	if bondPos >= 0 {
		return p.errf(bondPos, "bond at %d has no atom after it", bondPos)
	}
	if len(stack) > 0 {
		return p.errf(p.i, "unclosed branch: expected ')' at %d", p.i)
	}
	if expectAtom {
		return p.errf(p.i, "expected an atom at %d", p.i)
	}
	first := -1
	for num, r := range p.rings {
		if first < 0 || r.pos < p.rings[first].pos {
			first = num
		}
	}
	if first >= 0 {
		r := p.rings[first]
		return p.errf(r.pos, "unclosed ring %d opened at position %d", first, r.pos)
	}
	return nil
}

func bondSymbol(c byte) (BondOrder, byte) {
	switch c {
	case '-':
		return Single, 0
	case '=':
		return Double, 0
	case '#':
		return Triple, 0
	case '$':
		return Quadruple, 0
	case ':':
		return Aromatic, 0
	}
	return Single, c // '/' or '\\'
}

func (p *parser) ringNumber() (int, error) {
	if p.s[p.i] != '%' {
		n := int(p.s[p.i] - '0')
		p.i++
		return n, nil
	}
	start := p.i
	if p.i+2 >= len(p.s) || !isDigit(p.s[p.i+1]) || !isDigit(p.s[p.i+2]) {
		return 0, p.errf(start, "expected two digits after '%%' at %d", start)
	}
	n := int(p.s[p.i+1]-'0')*10 + int(p.s[p.i+2]-'0')
	p.i += 3
	return n, nil
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func (p *parser) ringClosure(atom, num int, order BondOrder, dir byte, pos int) error {
	r, ok := p.rings[num]
	if !ok {
		p.rings[num] = &openRing{atom: atom, order: order, dir: dir, pos: pos}
		return nil
	}
	delete(p.rings, num)
	if r.atom == atom {
		return p.errf(pos, "ring %d at %d closes on the atom that opened it", num, pos)
	}
	if r.order != 0 && order != 0 && r.order != order {
		return p.errf(pos, "ring %d at %d closes with a bond (%v) different from its opening (%v) at %d", num, pos, order, r.order, r.pos)
	}
	if order == 0 {
		order, dir = r.order, r.dir
	}
	if p.mol.bondBetween(r.atom, atom) >= 0 {
		return p.errf(pos, "ring %d at %d duplicates an existing bond", num, pos)
	}
	p.addBond(r.atom, atom, order, dir, pos)
	return nil
}

func (p *parser) addBond(a, b int, order BondOrder, dir byte, pos int) {
	if order == 0 {
		// An unwritten bond is aromatic between two aromatic atoms, single otherwise
		// (OpenSMILES 3.2).
		order = Single
		if p.mol.Atoms[a].Written && p.mol.Atoms[b].Written {
			order = Aromatic
		}
	}
	p.mol.Bonds = append(p.mol.Bonds, Bond{A: a, B: b, Order: order, Dir: dir, Pos: pos})
}

// atom parses an organic-subset atom or a bracket atom at p.i.
func (p *parser) atom() (Atom, error) {
	start := p.i
	c := p.s[p.i]
	if c == '[' {
		return p.bracketAtom()
	}
	a := Atom{Pos: start}
	switch c {
	case '*':
		a.Element = "*"
		p.i++
		return a, nil
	case 'B', 'C':
		if p.i+1 < len(p.s) && (c == 'B' && p.s[p.i+1] == 'r' || c == 'C' && p.s[p.i+1] == 'l') {
			a.Element = p.s[p.i : p.i+2]
			p.i += 2
		} else {
			a.Element = string(c)
			p.i++
		}
	case 'N', 'O', 'P', 'S', 'F', 'I':
		a.Element = string(c)
		p.i++
	case 'b', 'c', 'n', 'o', 'p', 's':
		a.Element = strings.ToUpper(string(c))
		a.Written = true
		p.i++
	default:
		if c >= 'A' && c <= 'Z' {
			end := p.i + 1
			if end < len(p.s) && p.s[end] >= 'a' && p.s[end] <= 'z' {
				end++
			}
			return a, p.errf(start, "unknown element '%s' at %d: outside brackets only B C N O P S F Cl Br I and b c n o p s are allowed", p.s[start:end], start)
		}
		return a, p.errf(start, "unexpected '%c' at %d: expected an atom", c, start)
	}
	a.Z = symbolToZ[a.Element]
	return a, nil
}

var aromaticBracket = map[string]string{"b": "B", "c": "C", "n": "N", "o": "O", "p": "P", "s": "S", "se": "Se", "as": "As", "te": "Te", "si": "Si"}

func (p *parser) bracketAtom() (Atom, error) {
	start := p.i
	a := Atom{Pos: start, Bracket: true}
	p.i++ // '['
	for p.i < len(p.s) && isDigit(p.s[p.i]) {
		a.Isotope = a.Isotope*10 + int(p.s[p.i]-'0')
		if a.Isotope > 999 {
			return a, p.errf(p.i, "isotope too large at %d", p.i)
		}
		p.i++
	}
	if p.i >= len(p.s) {
		return a, p.errf(p.i, "unclosed bracket atom opened at %d", start)
	}
	symPos := p.i
	c := p.s[p.i]
	switch {
	case c == '*':
		a.Element = "*"
		p.i++
	case c >= 'a' && c <= 'z':
		if p.i+1 < len(p.s) {
			if e, ok := aromaticBracket[p.s[p.i:p.i+2]]; ok {
				a.Element, a.Written = e, true
				p.i += 2
				break
			}
		}
		e, ok := aromaticBracket[string(c)]
		if !ok || len(e) != 1 {
			return a, p.errf(symPos, "unknown element '%c' at %d", c, symPos)
		}
		a.Element, a.Written = e, true
		p.i++
	case c >= 'A' && c <= 'Z':
		if p.i+1 < len(p.s) && p.s[p.i+1] >= 'a' && p.s[p.i+1] <= 'z' {
			two := p.s[p.i : p.i+2]
			if _, ok := symbolToZ[two]; ok {
				a.Element = two
				p.i += 2
				break
			}
			if _, ok := symbolToZ[string(c)]; !ok {
				return a, p.errf(symPos, "unknown element '%s' at %d", two, symPos)
			}
		}
		if _, ok := symbolToZ[string(c)]; !ok {
			end := p.i + 1
			if end < len(p.s) && p.s[end] >= 'a' && p.s[end] <= 'z' {
				end++
			}
			return a, p.errf(symPos, "unknown element '%s' at %d", p.s[symPos:end], symPos)
		}
		a.Element = string(c)
		p.i++
	default:
		return a, p.errf(symPos, "expected an element symbol at %d", symPos)
	}
	a.Z = symbolToZ[a.Element]
	// Chirality: kept as written.
	if p.i < len(p.s) && p.s[p.i] == '@' {
		cs := p.i
		p.i++
		if p.i < len(p.s) && p.s[p.i] == '@' {
			p.i++
		} else if p.i+1 < len(p.s) {
			switch p.s[p.i : p.i+2] {
			case "TH", "AL", "SP", "TB", "OH":
				p.i += 2
				ds := p.i
				for p.i < len(p.s) && isDigit(p.s[p.i]) {
					p.i++
				}
				if ds == p.i {
					return a, p.errf(p.i, "expected a number after chirality class at %d", p.i)
				}
			}
		}
		a.Chirality = p.s[cs:p.i]
	}
	if p.i < len(p.s) && p.s[p.i] == 'H' {
		p.i++
		a.HCount = 1
		if p.i < len(p.s) && isDigit(p.s[p.i]) {
			a.HCount = int(p.s[p.i] - '0')
			p.i++
		}
	}
	if p.i < len(p.s) && (p.s[p.i] == '+' || p.s[p.i] == '-') {
		sign := 1
		if p.s[p.i] == '-' {
			sign = -1
		}
		sc := p.s[p.i]
		p.i++
		n := 1
		if p.i < len(p.s) && isDigit(p.s[p.i]) {
			n = 0
			for p.i < len(p.s) && isDigit(p.s[p.i]) && n < 100 {
				n = n*10 + int(p.s[p.i]-'0')
				p.i++
			}
			if n > 15 {
				return a, p.errf(p.i, "charge too large at %d", p.i)
			}
		} else {
			for p.i < len(p.s) && p.s[p.i] == sc {
				n++
				p.i++
			}
		}
		a.Charge = sign * n
	}
	if p.i < len(p.s) && p.s[p.i] == ':' {
		p.i++
		ds := p.i
		for p.i < len(p.s) && isDigit(p.s[p.i]) && p.i-ds < 9 {
			a.Class = a.Class*10 + int(p.s[p.i]-'0')
			p.i++
		}
		if ds == p.i {
			return a, p.errf(p.i, "expected an atom class number at %d", p.i)
		}
	}
	if p.i >= len(p.s) {
		return a, p.errf(p.i, "unclosed bracket atom opened at %d: expected ']'", start)
	}
	if p.s[p.i] != ']' {
		return a, p.errf(p.i, "unexpected '%c' at %d in bracket atom: expected ']'", p.s[p.i], p.i)
	}
	p.i++
	return a, nil
}
