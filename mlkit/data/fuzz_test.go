package data

import (
	"bytes"
	"math"
	"testing"
)

// checkDataset fails unless d is internally consistent.
func checkDataset(t *testing.T, d *Dataset) {
	t.Helper()
	if err := d.Validate(); err != nil {
		t.Fatalf("loader returned an inconsistent dataset: %v", err)
	}
	_ = d.Summary().String()
}

func FuzzIDX(f *testing.F) {
	f.Add(idxBytes(0x08, []uint32{2, 2}, []byte{1, 2, 3, 4}))
	f.Add(idxBytes(0x0D, []uint32{1}, []byte{0x3f, 0x80, 0, 0}))
	f.Add(idxBytes(0x08, []uint32{0xffffffff, 0xffffffff}, nil))
	f.Fuzz(func(t *testing.T, b []byte) {
		raw, err := readIDXRaw(bytes.NewReader(b), "fuzz.idx")
		if err != nil {
			return
		}
		a := raw.toArray()
		n, err := numElements(a.Shape)
		if err != nil || n != len(a.Data) {
			t.Fatalf("shape %v does not match %d values", a.Shape, len(a.Data))
		}
		if len(a.Shape) >= 1 && a.Shape[0] > 0 && a.Shape[0] <= len(a.Data) {
			y := &Array{Shape: []int{a.Shape[0]}, Data: make([]float32, a.Shape[0])}
			if d, err := FromArrays("fuzz", a, y); err == nil {
				checkDataset(t, d)
			}
		}
	})
}

func FuzzNPY(f *testing.F) {
	f.Add(npyHeaderOnly("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }\x00\x00\x80\x3f"))
	f.Add(npyHeaderOnly("{'descr': '|u1', 'fortran_order': True, 'shape': (2, 2), }"))
	f.Add([]byte("PK\x03\x04"))
	f.Fuzz(func(t *testing.T, b []byte) {
		if bytes.HasPrefix(b, []byte("PK")) {
			z, err := newNPZ(bytes.NewReader(b), int64(len(b)), "fuzz.npz")
			if err != nil {
				return
			}
			for _, k := range z.keys {
				_, _ = z.read(k)
			}
			return
		}
		a, err := readNPY(bytes.NewReader(b), "fuzz.npy", int64(len(b)))
		if err != nil {
			return
		}
		n, err := numElements(a.Shape)
		if err != nil || n != len(a.Data) {
			t.Fatalf("shape %v does not match %d values", a.Shape, len(a.Data))
		}
	})
}

func FuzzCSV(f *testing.F) {
	f.Add([]byte("a,b,y\n1,2,M\n3,4,B\n"), false)
	f.Add([]byte("x,t1,t2\n1,0,1\n2,,0\n"), true)
	f.Add([]byte("1;2\n3;NA\n"), false)
	f.Fuzz(func(t *testing.T, b []byte, multi bool) {
		c := CSV("fuzz.csv").FillMissing(0)
		if multi {
			c.Target("t1", "t2")
		}
		if d, err := c.parse(bytes.NewReader(b), "fuzz.csv"); err == nil {
			checkDataset(t, d)
		}
		if s, err := parseSequenceCSV(bytes.NewReader(b), "fuzz.csv", molSpec{smiles: "a", targets: []string{"y"}, task: -1}); err == nil {
			if err := s.Validate(); err != nil {
				t.Fatal(err)
			}
		}
	})
}

func FuzzUCR(f *testing.F) {
	f.Add([]byte("-1 0.5 0.25\n1 0.1 0.2\n"))
	f.Add([]byte("1,2,3\n2,4,5\n"))
	f.Add([]byte("1\t1e40\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		tab, err := parseUCR(bytes.NewReader(b), "fuzz.txt")
		if err != nil {
			return
		}
		if tab.length < 1 || len(tab.x) != len(tab.labels)*tab.length {
			t.Fatalf("%d values for %d series of %d", len(tab.x), len(tab.labels), tab.length)
		}
		for _, v := range tab.x {
			if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
				t.Fatalf("non-finite value %v accepted", v)
			}
		}
	})
}

func FuzzSMILES(f *testing.F) {
	for _, s := range []string{"CCO", "C[C@@H](N)C(=O)O", "c1ccccc1%12", "[NH4+].[Cl-]", "C[", "ClBr"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		toks, err := tokenizeSMILES(s)
		if err != nil {
			return
		}
		joined := ""
		for _, tok := range toks {
			if tok == "" {
				t.Fatal("empty token")
			}
			joined += tok
		}
		if joined != trimSpace(s) {
			t.Fatalf("tokens %q do not rebuild %q", toks, s)
		}
		seqs := &Sequences{Task: Binary, Texts: []string{s}, Y: []float32{1}}
		tok := SMILESTokenizer().MaxLen(8).Done()
		d, err := tok.Fit(seqs)
		if err != nil {
			t.Fatal(err)
		}
		checkDataset(t, d)
	})
}

func trimSpace(s string) string { return string(bytes.TrimSpace([]byte(s))) }

func FuzzDNA(f *testing.F) {
	f.Add("ACGTNDSR", 1, 0)
	f.Add("acgtacgt", 3, 1)
	f.Add("AXG", 2, 3)
	f.Fuzz(func(t *testing.T, s string, k, amb int) {
		tok := DNATokenizer().KMer(k).Ambiguity(Ambiguity(amb)).Done()
		seqs := &Sequences{Task: Binary, Texts: []string{s}, Y: []float32{0}}
		if d, err := tok.Fit(seqs); err == nil {
			checkDataset(t, d)
			if d.Vocab == nil || d.Shape[0] < 1 {
				t.Fatal("no vocabulary or empty shape")
			}
		}
		if d, err := DNAOneHot(seqs, 0); err == nil {
			checkDataset(t, d)
		}
	})
}
