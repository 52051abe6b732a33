// SPDX-License-Identifier: Apache-2.0

package display_test

import (
	"math"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/medgo-lab/medgo/mlkit/chem"
	"github.com/medgo-lab/medgo/mlkit/display"
)

// atomSpan matches one shaded atom: its colour, alpha, index, element and text.
var atomSpan = regexp.MustCompile(`<span style="background:rgba\((\d+),\d+,\d+,([0-9.]+)\);[^"]*" title="atom (\d+) \(([A-Za-z*]+)\): [^"]*">([^<]*)</span>`)

func TestMoleculeHTML(t *testing.T) {
	// A bracket atom, a two-letter element, an aromatic ring, a ring digit and a branch.
	m, err := chem.ParseSMILES("Clc1ccc([NH3+])cc1C(=O)O")
	if err != nil {
		t.Fatal(err)
	}
	values := make([]float64, len(m.Atoms))
	for i, a := range m.Atoms {
		switch a.Element {
		case "N":
			values[i] = 2
		case "Cl":
			values[i] = -1
		}
	}
	out, err := display.MoleculeHTML("4-chloro <test>", m, values)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "4-chloro &lt;test&gt;") {
		t.Errorf("the title is missing or not escaped:\n%s", out)
	}
	spans := atomSpan.FindAllStringSubmatch(out, -1)
	if len(spans) != len(m.Atoms) {
		t.Fatalf("%d shaded atoms; want one per atom (%d):\n%s", len(spans), len(m.Atoms), out)
	}
	text := atomSpan.ReplaceAllString(out, "$5")
	if !strings.Contains(text, "Clc1ccc([NH3+])cc1C(=O)O") {
		t.Errorf("the SMILES text is not kept in order:\n%s", text)
	}
	for k, sp := range spans {
		red, alpha, idx, el, txt := sp[1], sp[2], sp[3], sp[4], sp[5]
		if idx != strconv.Itoa(k) {
			t.Errorf("span %d names atom %s; want atom %d (spans in atom order)", k, idx, k)
		}
		a := m.Atoms[k]
		if el != a.Element {
			t.Errorf("span %d: element %s, want %s", k, el, a.Element)
		}
		switch a.Element {
		case "N":
			if txt != "[NH3+]" || red != "200" || alpha != "0.850" {
				t.Errorf("the nitrogen is shown as %q in colour %s alpha %s; want the whole bracket atom in full red (200, 0.850)", txt, red, alpha)
			}
		case "Cl":
			if txt != "Cl" || red != "31" || alpha != "0.425" {
				t.Errorf("the chlorine is shown as %q in colour %s alpha %s; want \"Cl\" in half-strength blue (31, 0.425)", txt, red, alpha)
			}
		default:
			if alpha != "0.000" || len(txt) != 1 {
				t.Errorf("atom %d (%s) is shown as %q with alpha %s; want one unshaded character", k, a.Element, txt, alpha)
			}
		}
	}
}

func TestMoleculeHTMLFragmentAndErrors(t *testing.T) {
	m, err := chem.ParseSMILES("[Na+].CC(=O)[O-]")
	if err != nil {
		t.Fatal(err)
	}
	frag := m.LargestFragment()
	values := []float64{0.1, 0.2, 0.3, 0.4}
	if len(frag.Atoms) != len(values) {
		t.Fatalf("the acetate has %d atoms; want 4", len(frag.Atoms))
	}
	out, err := display.MoleculeHTML("", frag, values)
	if err != nil {
		t.Fatal(err)
	}
	spans := atomSpan.FindAllStringSubmatch(out, -1)
	if len(spans) != 4 || spans[3][5] != "[O-]" || !strings.Contains(out, "[Na+].") || strings.Contains(out, "font-weight:bold") {
		t.Errorf("the sodium should stay unshaded, the acetate's 4 atoms shaded, and no title shown:\n%s", out)
	}
	if _, err := display.MoleculeHTML("", m, values); err == nil || !strings.Contains(err.Error(), "4 values for the 5 atoms") {
		t.Errorf("a value count that does not match the atoms gave error %v", err)
	}
	if _, err := display.MoleculeHTML("", frag, []float64{0, 0, 0, math.Inf(1)}); err == nil || !strings.Contains(err.Error(), "finite") {
		t.Errorf("an infinite value gave error %v", err)
	}
	if _, err := display.MoleculeHTML("", nil, nil); err == nil {
		t.Error("a nil molecule gave no error")
	}
}
