// SPDX-License-Identifier: Apache-2.0

package data

import (
	"archive/zip"
	"bytes"
	"fmt"
	"math"
	"strings"
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
	f.Add(idxBytes(0x09, []uint32{2, 2, 2}, []byte{0xff, 0x80, 1, 2, 3, 4, 5, 6})) // int8 "pixels"
	f.Add(idxBytes(0x0D, []uint32{1, 1, 1}, []byte{0x43, 0x7f, 0, 0}))             // float32 255
	f.Fuzz(func(t *testing.T, b []byte) {
		raw, err := readIDXRaw(bytes.NewReader(b), "fuzz.idx")
		if err != nil {
			return
		}
		// As images with one label each: only unsigned bytes are accepted, scaled to [0,1].
		if len(raw.shape) >= 3 {
			lab := &idxRaw{dtype: 0x08, shape: []int{raw.shape[0]}, raw: make([]byte, raw.shape[0])}
			if d, err := idxDataset(raw, lab, "fuzz-images.idx", "fuzz-labels.idx", Expect{NumClasses: 2}); err == nil {
				checkDataset(t, d)
				if raw.dtype != 0x08 {
					t.Fatalf("IDX type 0x%02x accepted as images", raw.dtype)
				}
				for _, v := range d.X {
					if v < 0 || v > 1 {
						t.Fatalf("pixel %v outside [0,1]", v)
					}
				}
			} else if raw.dtype != 0x08 && !strings.Contains(err.Error(), fmt.Sprintf("0x%02x", raw.dtype)) {
				t.Fatalf("error %q does not name the type 0x%02x", err, raw.dtype)
			}
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
	npz := testNPZ(f, map[string][]byte{"x.npy": npyArray("<f8", []int{2, 1}, f64s(1, 2))})
	f.Add(npz[:len(npz)*2/3]) // truncated: the zip index at the end is gone
	f.Add(npyArray("<f8", []int{1, 1, 1, 1}, f64s(255)))
	f.Fuzz(func(t *testing.T, b []byte) {
		if bytes.HasPrefix(b, []byte("PK")) {
			z, err := newNPZ(bytes.NewReader(b), int64(len(b)), "fuzz.npz")
			if err != nil {
				if !strings.Contains(err.Error(), fmt.Sprintf("%d bytes", len(b))) || !strings.Contains(err.Error(), "fuzz.npz") {
					t.Fatalf("error %q does not name the file and its size", err)
				}
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
		// As image features: accepted pixels always end up in [0,1].
		if len(a.Shape) >= 3 && a.Shape[0] > 0 {
			y := &Array{Shape: []int{a.Shape[0]}, Data: make([]float32, a.Shape[0]), DType: "int64"}
			if d, err := arraysDataset("fuzz", "fuzz.npy", a, y, Expect{Images: true, NumClasses: 2}); err == nil {
				checkDataset(t, d)
				for _, v := range d.X {
					if !(v >= 0 && v <= 1) {
						t.Fatalf("pixel %v outside [0,1] accepted", v)
					}
				}
			}
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
	f.Add([]byte("\ufeffa,b,y\r\n1,2,1\r\n3,4,0\r\n"), false) // BOM and CRLF
	f.Add([]byte("a,b,y\n1,2,1\n3,4,0\n5,6,yes\n"), false)    // a junk label
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
		// With stated classes, every accepted label is one of them.
		stated := molSpec{smiles: "a", targets: []string{"y"}, task: -1, values: []string{"0", "1"}}
		if s, err := parseSequenceCSV(bytes.NewReader(b), "fuzz.csv", stated); err == nil {
			if err := s.Validate(); err != nil || len(s.Classes) != 2 {
				t.Fatalf("classes %v: %v", s.Classes, err)
			}
		}
	})
}

func FuzzUCR(f *testing.F) {
	f.Add([]byte("-1 0.5 0.25\n1 0.1 0.2\n"))
	f.Add([]byte("1,2,3\n2,4,5\n"))
	f.Add([]byte("1\t1e40\n"))
	f.Add([]byte("\ufeff-1 0.5 0.25\r\n1 0.1 0.2\r\n")) // BOM and CRLF, as Windows tools write
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

// testNPZ zips members into .npz bytes for fuzz seeds.
func testNPZ(f *testing.F, members map[string][]byte) []byte {
	var out bytes.Buffer
	w := zip.NewWriter(&out)
	for name, body := range members {
		m, err := w.Create(name)
		if err != nil {
			f.Fatal(err)
		}
		_, _ = m.Write(body)
	}
	if err := w.Close(); err != nil {
		f.Fatal(err)
	}
	return out.Bytes()
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
