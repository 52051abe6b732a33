// SPDX-License-Identifier: Apache-2.0

package data

import (
	"math"
	"slices"
	"testing"
	"time"
)

func TestLoadWDBC(t *testing.T) {
	needData(t)
	d, err := LoadWDBC()
	if err != nil {
		t.Fatal(err)
	}
	if d.Len() != 569 || !slices.Equal(d.Shape, []int{30}) || d.Task != Binary {
		t.Fatalf("got %d examples of shape %v, task %v; want 569 of [30], binary", d.Len(), d.Shape, d.Task)
	}
	if !slices.Equal(d.Classes, []string{"benign", "malignant"}) {
		t.Errorf("classes %v", d.Classes)
	}
	if got := d.ClassCounts(); !slices.Equal(got, []int{357, 212}) {
		t.Errorf("class counts %v, want [357 212]", got)
	}
	if len(d.Features) != 30 || d.Features[0] != "radius_mean" || d.Features[10] != "radius_se" || d.Features[29] != "fractal_dimension_worst" {
		t.Errorf("features %v", d.Features)
	}
	// First record: 842302,M,17.99,10.38,...
	if d.Label(0) != 1 || d.X[0] != 17.99 || d.X[1] != 10.38 {
		t.Errorf("first example: label %d, features %v", d.Label(0), d.X[:2])
	}
	if err := d.Validate(); err != nil {
		t.Error(err)
	}
}

func TestLoadMNIST(t *testing.T) {
	needData(t)
	start := time.Now()
	s, err := LoadMNIST()
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("LoadMNIST took %v", time.Since(start))
	if s.Train.Len() != 60000 || s.Test.Len() != 10000 || s.Val != nil {
		t.Fatalf("sizes %d/%d", s.Train.Len(), s.Test.Len())
	}
	if !slices.Equal(s.Train.Shape, []int{28, 28, 1}) || s.Train.Task != MultiClass || len(s.Train.Classes) != 10 {
		t.Errorf("shape %v task %v classes %v", s.Train.Shape, s.Train.Task, s.Train.Classes)
	}
	lo, hi := slices.Min(s.Train.X), slices.Max(s.Train.X)
	if lo != 0 || hi != 1 {
		t.Errorf("pixel range [%v, %v], want [0, 1]", lo, hi)
	}
	// The first training digit of MNIST is a 5, the first test digit a 7.
	if s.Train.Label(0) != 5 || s.Test.Label(0) != 7 {
		t.Errorf("first labels %d, %d; want 5, 7", s.Train.Label(0), s.Test.Label(0))
	}
	counts := s.Train.ClassCounts()
	if counts[1] != 6742 || counts[5] != 5421 {
		t.Errorf("class counts %v", counts)
	}
}

func TestLoadMedMNIST(t *testing.T) {
	needData(t)
	for _, tc := range []struct {
		name     string
		task     Task
		channels int
		sizes    [3]int
		classes  []string
	}{
		{"breastmnist", Binary, 1, [3]int{546, 78, 156}, []string{"malignant", "normal/benign"}},
		{"RetinaMNIST", Ordinal, 3, [3]int{1080, 120, 400}, []string{"grade 0", "grade 1", "grade 2", "grade 3", "grade 4"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := LoadMedMNIST(tc.name)
			if err != nil {
				t.Fatal(err)
			}
			for i, d := range []*Dataset{s.Train, s.Val, s.Test} {
				if d.Len() != tc.sizes[i] {
					t.Errorf("part %d has %d images, want %d", i, d.Len(), tc.sizes[i])
				}
				if !slices.Equal(d.Shape, []int{28, 28, tc.channels}) || d.Task != tc.task || !slices.Equal(d.Classes, tc.classes) {
					t.Errorf("part %d: shape %v task %v classes %v", i, d.Shape, d.Task, d.Classes)
				}
				if err := d.Validate(); err != nil {
					t.Error(err)
				}
				if lo, hi := slices.Min(d.X), slices.Max(d.X); lo < 0 || hi > 1 || hi <= 0.5 {
					t.Errorf("part %d: pixel range [%v, %v]", i, lo, hi)
				}
			}
			for c, n := range s.Train.ClassCounts() {
				if n == 0 {
					t.Errorf("class %d has no training images", c)
				}
			}
		})
	}
	if _, err := LoadMedMNIST("nosuchmnist"); err == nil {
		t.Error("unknown name: no error")
	}
}

func TestLoadUCR(t *testing.T) {
	needData(t)
	s, err := LoadUCR("ECG200")
	if err != nil {
		t.Fatal(err)
	}
	if s.Train.Len() != 100 || s.Test.Len() != 100 || !slices.Equal(s.Train.Shape, []int{96, 1}) || s.Train.Task != Binary {
		t.Fatalf("ECG200: %d/%d of %v, %v", s.Train.Len(), s.Test.Len(), s.Train.Shape, s.Train.Task)
	}
	if !slices.Equal(s.Train.Classes, []string{"myocardial infarction", "normal"}) {
		t.Errorf("classes %v", s.Train.Classes)
	}
	if got := s.Train.ClassCounts(); !slices.Equal(got, []int{31, 69}) {
		t.Errorf("train counts %v, want [31 69]", got)
	}
	if got := s.Test.ClassCounts(); !slices.Equal(got, []int{36, 64}) {
		t.Errorf("test counts %v, want [36 64]", got)
	}
	// First training line: -1 then 0.50205548 ...
	if s.Train.Label(0) != 0 || math.Abs(float64(s.Train.X[0])-0.50205548) > 1e-6 {
		t.Errorf("first series: label %d, x0 %v", s.Train.Label(0), s.Train.X[0])
	}

	s, err = LoadUCR("ecg5000")
	if err != nil {
		t.Fatal(err)
	}
	if s.Test != nil || s.Train.Len() != 500 || !slices.Equal(s.Train.Shape, []int{140, 1}) || s.Train.Task != MultiClass {
		t.Fatalf("ECG5000: %d of %v, test %v", s.Train.Len(), s.Train.Shape, s.Test)
	}
	if got := s.Train.ClassCounts(); !slices.Equal(got, []int{292, 177, 10, 19, 2}) {
		t.Errorf("counts %v", got)
	}
	if _, err := LoadUCR("../etc"); err == nil {
		t.Error("bad name accepted")
	}
}

func TestLoadMoleculeNet(t *testing.T) {
	needData(t)
	for _, tc := range []struct {
		name    string
		n       int
		task    Task
		targets int
	}{
		{"bbbp", 2050, Binary, 1},
		{"ESOL", 1128, Regression, 1},
		{"tox21", 7831, MultiLabel, 12},
		{"clintox", 1484, MultiLabel, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, err := LoadMoleculeNet(tc.name)
			if err != nil {
				t.Fatal(err)
			}
			if m.Len() != tc.n || m.Task != tc.task || m.NumTargets() != tc.targets || len(m.Y) != tc.n*tc.targets {
				t.Fatalf("%d molecules, task %v, %d targets", m.Len(), m.Task, m.NumTargets())
			}
			for i, s := range m.Texts {
				if s == "" || s != trimmed(s) {
					t.Fatalf("SMILES %d is %q", i, s)
				}
			}
			// Every SMILES of the four data sets tokenizes.
			tok := SMILESTokenizer().Done()
			if _, err := tok.Fit(m); err != nil {
				t.Fatal(err)
			}
		})
	}
	bbbp, _ := LoadMoleculeNet("bbbp")
	counts := [2]int{}
	for _, l := range bbbp.Labels() {
		counts[l]++
	}
	if counts != [2]int{483, 1567} || bbbp.IDs[0] != "Propanolol" {
		t.Errorf("BBBP counts %v, first id %q", counts, bbbp.IDs[0])
	}
	tox, _ := LoadMoleculeNet("tox21")
	missing := 0
	for _, y := range tox.Y {
		if math.IsNaN(float64(y)) {
			missing++
		}
	}
	// The first row has blanks for NR-Aromatase and NR-ER.
	if missing == 0 || !math.IsNaN(float64(tox.Y[3])) || tox.Y[2] != 1 {
		t.Errorf("tox21: %d missing labels; first row %v", missing, tox.Y[:12])
	}
	esol, _ := LoadMoleculeNet("esol")
	if esol.Y[0] != -0.77 || esol.Texts[0] != "OCC3OC(OCC2OC(OC(C#N)c1ccccc1)C(O)C(O)C2O)C(O)C(O)C3O" {
		t.Errorf("esol first row %v %q", esol.Y[0], esol.Texts[0])
	}
}

func trimmed(s string) string {
	for len(s) > 0 && (s[0] == ' ' || s[len(s)-1] == ' ') {
		if s[0] == ' ' {
			s = s[1:]
		} else {
			s = s[:len(s)-1]
		}
	}
	return s
}

func TestLoadSpliceAndPromoters(t *testing.T) {
	needData(t)
	s, err := LoadSplice()
	if err != nil {
		t.Fatal(err)
	}
	counts := make([]int, 3)
	for _, l := range s.Labels() {
		counts[l]++
	}
	if s.Len() != 3190 || !slices.Equal(counts, []int{767, 768, 1655}) || s.Task != MultiClass {
		t.Fatalf("splice: %d sequences, counts %v", s.Len(), counts)
	}
	ambiguous := 0
	for _, seq := range s.Texts {
		if len(seq) != 60 {
			t.Fatalf("sequence of length %d", len(seq))
		}
		for _, c := range seq {
			if c != 'A' && c != 'C' && c != 'G' && c != 'T' {
				ambiguous++
				break
			}
		}
	}
	if ambiguous != 15 {
		t.Errorf("%d sequences with ambiguity codes, want 15", ambiguous)
	}
	p, err := LoadPromoters()
	if err != nil {
		t.Fatal(err)
	}
	if p.Len() != 106 || len(p.Texts[0]) != 57 || p.Task != Binary || p.Y[0] != 1 || p.IDs[0] != "S10" {
		t.Fatalf("promoters: %d of %d nt, first label %v id %q", p.Len(), len(p.Texts[0]), p.Y[0], p.IDs[0])
	}
	if p.Texts[0][:6] != "TACTAG" {
		t.Errorf("sequences are not upper-cased: %q", p.Texts[0][:6])
	}
}
