// SPDX-License-Identifier: Apache-2.0

package chem

import (
	"math"
	"strings"
	"testing"

	"github.com/medgo-lab/medgo/mlkit/data"
)

func TestMorganFeatures(t *testing.T) {
	s := &data.Sequences{Name: "toy", Texts: []string{"CCO", "c1ccccc1O", "CC(=O)O"}, Y: []float32{0, 1, 0},
		Task: data.Binary, Classes: []string{"no", "yes"}}
	d, err := MorganFeatures(2, 1024).Dataset(s)
	if err != nil {
		t.Fatal(err)
	}
	if d.Len() != 3 || d.Shape[0] != 1024 || d.Task != data.Binary || d.Labels()[1] != 1 {
		t.Fatalf("data set %d×%v task %v labels %v", d.Len(), d.Shape, d.Task, d.Labels())
	}
	// Each row's on-bits are exactly the molecule's fingerprint.
	for i, smi := range s.Texts {
		m, _ := ParseSMILES(smi)
		fp := m.Morgan(2, 1024)
		for k := range 1024 {
			if (d.Example(i)[k] == 1) != fp.Bit(k) {
				t.Fatalf("%s bit %d: data set %v, fingerprint %v", smi, k, d.Example(i)[k], fp.Bit(k))
			}
		}
	}
	counts, err := (&MorganFeaturizer{Radius: 2, Bits: 1024, Counts: true}).Dataset(s)
	if err != nil {
		t.Fatal(err)
	}
	// Ethanol's two carbons share no environment at radius 0, but benzene's six aromatic
	// carbons (five CH, one C-O) repeat: some count above 1 must appear for phenol.
	maxv := float32(0)
	for _, v := range counts.Example(1) {
		maxv = max(maxv, v)
	}
	if !(maxv > float32(math.Log1p(1))) {
		t.Errorf("phenol's largest count feature %v; expected a repeated environment", maxv)
	}
	for _, c := range []struct {
		f    *MorganFeaturizer
		s    *data.Sequences
		want string
	}{
		{MorganFeatures(2, 0), s, "fingerprint length"},
		{MorganFeatures(9, 64), s, "radius"},
		{MorganFeatures(2, 64), &data.Sequences{Name: "bad", Texts: []string{"CC", "C1CC"}, Y: []float32{0, 1}}, "row 1"},
	} {
		if _, err := c.f.Dataset(c.s); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("error %v, want %q", err, c.want)
		}
	}
}
