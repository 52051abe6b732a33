// SPDX-License-Identifier: Apache-2.0

package display

import (
	"fmt"
	"html"
	"math"
	"strings"

	"github.com/medgo-lab/medgo/mlkit/chem"
)

// MoleculeHTML renders a molecule's SMILES with each atom's characters shaded by a signed
// per-atom value, such as explain.AtomImportance gives (AtomImportances.AtomValues): red for
// positive values (for the explained class), blue for negative ones, the stronger the
// larger the value's magnitude; hovering over an atom shows its element, index and value.
// Bonds, branches and ring digits stay unshaded.
//
// m is the molecule as the values index it: chem.ParseSMILES's result, or its
// LargestFragment when the graph data set was built with LargestFragment (the other
// fragments then stay unshaded). importance holds one value per atom of m, in the order of
// m.Atoms. The colour scale is the molecule's own (its largest magnitude is full colour):
// compare atoms within a molecule, not across molecules. title, when not empty, is shown
// above the SMILES. Pass the result to ShowHTML.
func MoleculeHTML(title string, m *chem.Mol, importance []float64) (string, error) {
	if m == nil {
		return "", fmt.Errorf("display: MoleculeHTML got a nil molecule; parse the SMILES with chem.ParseSMILES first")
	}
	if len(importance) != len(m.Atoms) {
		return "", fmt.Errorf("display: MoleculeHTML got %d values for the %d atoms of %q; pass one value per atom of the molecule (AtomImportances.AtomValues), and take LargestFragment of the molecule if the graphs were built with it", len(importance), len(m.Atoms), m.SMILES)
	}
	scale := 0.0
	for i, v := range importance {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return "", fmt.Errorf("display: MoleculeHTML: the value of atom %d (%s) of %q is %v; pass finite values", i, m.Atoms[i].Element, m.SMILES, v)
		}
		scale = max(scale, math.Abs(v))
	}
	s := m.SMILES
	// atomAt[p] is the atom whose text starts at byte p, or -1.
	atomAt := make([]int, len(s)+1)
	for p := range atomAt {
		atomAt[p] = -1
	}
	for i, a := range m.Atoms {
		if a.Pos < 0 || a.Pos >= len(s) {
			return "", fmt.Errorf("display: MoleculeHTML: atom %d (%s) is at offset %d, outside %q; pass the molecule parsed from that SMILES", i, a.Element, a.Pos, s)
		}
		atomAt[a.Pos] = i
	}

	var b strings.Builder
	b.WriteString(`<div style="margin:0.4em 0">`)
	if title != "" {
		fmt.Fprintf(&b, `<div style="font-weight:bold;margin-bottom:0.2em">%s</div>`, html.EscapeString(title))
	}
	b.WriteString(`<div style="font-family:monospace;font-size:1.15em;line-height:1.7;word-break:break-all">`)
	for p := 0; p < len(s); {
		i := atomAt[p]
		if i < 0 {
			b.WriteString(html.EscapeString(s[p : p+1]))
			p++
			continue
		}
		end := p + atomTextLen(s[p:], m.Atoms[i])
		v := importance[i]
		alpha := 0.0
		if scale > 0 {
			alpha = 0.85 * math.Abs(v) / scale
		}
		bg := fmt.Sprintf("rgba(200,40,45,%.3f)", alpha)
		if v < 0 {
			bg = fmt.Sprintf("rgba(31,100,180,%.3f)", alpha)
		}
		fmt.Fprintf(&b, `<span style="background:%s;padding:0 1px;border-radius:2px" title="atom %d (%s): %+.3g">%s</span>`,
			bg, i, html.EscapeString(m.Atoms[i].Element), v, html.EscapeString(s[p:end]))
		p = end
	}
	b.WriteString(`</div>`)
	fmt.Fprintf(&b, `<div style="font-size:0.85em;color:#555">red: for, blue: against; full colour = %.3g</div></div>`, scale)
	return b.String(), nil
}

// atomTextLen is the number of bytes of the atom written at the start of s: a bracket atom up
// to its closing bracket, "Cl" and "Br" two, other organic-subset atoms one.
func atomTextLen(s string, a chem.Atom) int {
	if s[0] == '[' {
		if k := strings.IndexByte(s, ']'); k > 0 {
			return k + 1
		}
		return len(s)
	}
	if len(a.Element) == 2 && len(s) >= 2 && strings.EqualFold(s[:2], a.Element) {
		return 2
	}
	return 1
}
