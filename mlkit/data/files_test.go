// SPDX-License-Identifier: Apache-2.0

package data

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"codeberg.org/sbinet/npyio"
	"codeberg.org/sbinet/npyio/npz"
)

func writeFile(t *testing.T, name string, body []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, body, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestCSV(t *testing.T) {
	for _, tc := range []struct {
		name     string
		body     string
		load     func(p string) *CSVLoader
		task     Task
		classes  []string
		targets  []string
		features []string
		y        []float32
		x0       []float32
	}{
		{"text classes, last column", "a,b,diagnosis\n1,2,M\n3,4,B\n5,6,M\n", CSV, Binary,
			[]string{"B", "M"}, nil, []string{"a", "b"}, []float32{1, 0, 1}, []float32{1, 2}},
		{"positive class", "a,b,diagnosis\n1,2,M\n3,4,B\n", func(p string) *CSVLoader { return CSV(p).Positive("B") }, Binary,
			[]string{"M", "B"}, nil, []string{"a", "b"}, []float32{0, 1}, []float32{1, 2}},
		{"target and drop", "id,y,a\n7,0,1.5\n8,2,2.5\n", func(p string) *CSVLoader { return CSV(p).Target("y").Drop("id") }, MultiClass,
			[]string{"0", "1", "2"}, nil, []string{"a"}, []float32{0, 2}, []float32{1.5}},
		{"minus one and one", "x,y\n1,-1\n2,1\n", CSV, Binary,
			[]string{"-1", "1"}, nil, []string{"x"}, []float32{0, 1}, []float32{1}},
		{"regression", "x,y\n1,0.5\n2,1.25\n", CSV, Regression,
			nil, []string{"y"}, []string{"x"}, []float32{0.5, 1.25}, []float32{1}},
		{"multi-label with blanks", "x,t1,t2\n1,0,1\n2,,0\n", func(p string) *CSVLoader { return CSV(p).Target("t1", "t2") }, MultiLabel,
			nil, []string{"t1", "t2"}, []string{"x"}, []float32{0, 1, float32(math.NaN()), 0}, []float32{1}},
		{"no header, semicolons, fill", "1;NA;1\n2;3;0\n", func(p string) *CSVLoader { return CSV(p).NoHeader().Comma(';').FillMissing(-1) }, Binary,
			[]string{"0", "1"}, nil, []string{"col1", "col2"}, []float32{1, 0}, []float32{1, -1}},
		{"forced regression", "x,y\n1,1\n2,2\n", func(p string) *CSVLoader { return CSV(p).Task(Regression) }, Regression,
			nil, []string{"y"}, []string{"x"}, []float32{1, 2}, []float32{1}},
		{"CRLF and quotes", "\"a\",y\r\n\"1\",0\r\n2,1\r\n", CSV, Binary,
			[]string{"0", "1"}, nil, []string{"a"}, []float32{0, 1}, []float32{1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := writeFile(t, "data.csv", []byte(tc.body))
			d, err := tc.load(p).Done()
			if err != nil {
				t.Fatal(err)
			}
			if d.Task != tc.task || !slices.Equal(d.Classes, tc.classes) || !slices.Equal(d.Targets, tc.targets) || !slices.Equal(d.Features, tc.features) {
				t.Errorf("task %v classes %v targets %v features %v", d.Task, d.Classes, d.Targets, d.Features)
			}
			if len(d.Y) != len(tc.y) {
				t.Fatalf("y %v, want %v", d.Y, tc.y)
			}
			for i := range tc.y {
				if d.Y[i] != tc.y[i] && !(math.IsNaN(float64(d.Y[i])) && math.IsNaN(float64(tc.y[i]))) {
					t.Errorf("y %v, want %v", d.Y, tc.y)
				}
			}
			if !slices.Equal(d.Example(0), tc.x0) || d.Name != "data" {
				t.Errorf("first example %v, want %v", d.Example(0), tc.x0)
			}
		})
	}
	for _, tc := range []struct {
		name, body string
		load       func(p string) *CSVLoader
		want       string
	}{
		{"empty", "", CSV, "empty"},
		{"header only", "a,b\n", CSV, "no data rows"},
		{"ragged", "a,b\n1,2\n3\n", CSV, "line 3"},
		{"text feature", "a,b\n1,0\nx,1\n", CSV, `line 3, column "a": "x" is not a number`},
		{"missing feature", "a,b\n1,0\n,1\n", CSV, `line 3, column "a": missing value`},
		{"missing target", "a,b\n1,0\n2,\n", CSV, "missing target"},
		{"unknown column", "a,b\n1,0\n", func(p string) *CSVLoader { return CSV(p).Target("c") }, `no column "c"`},
		{"no features", "a,b\n1,0\n", func(p string) *CSVLoader { return CSV(p).Drop("a") }, "no feature columns"},
		{"positive not found", "a,b\n1,x\n2,y\n", func(p string) *CSVLoader { return CSV(p).Positive("z") }, "does not occur"},
	} {
		p := writeFile(t, "bad.csv", []byte(tc.body))
		_, err := tc.load(p).Done()
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "bad.csv") {
			t.Errorf("%s: error %v, want one naming the file and %q", tc.name, err, tc.want)
		}
	}
	if _, err := LoadCSV(filepath.Join(t.TempDir(), "missing.csv")); err == nil {
		t.Error("missing file accepted")
	}
}

// idxBytes builds an IDX file.
func idxBytes(typ byte, dims []uint32, data []byte) []byte {
	var b bytes.Buffer
	b.Write([]byte{0, 0, typ, byte(len(dims))})
	for _, d := range dims {
		_ = binary.Write(&b, binary.BigEndian, d)
	}
	b.Write(data)
	return b.Bytes()
}

func TestIDX(t *testing.T) {
	images := idxBytes(0x08, []uint32{3, 2, 2}, []byte{0, 255, 51, 102, 1, 2, 3, 4, 5, 6, 7, 8})
	labels := idxBytes(0x08, []uint32{3}, []byte{2, 0, 1})
	var zipped bytes.Buffer
	zw := gzip.NewWriter(&zipped)
	_, _ = zw.Write(images)
	_ = zw.Close()
	d, err := LoadIDX(writeFile(t, "img.idx.gz", zipped.Bytes()), writeFile(t, "lab.idx", labels))
	if err != nil {
		t.Fatal(err)
	}
	if d.Len() != 3 || !slices.Equal(d.Shape, []int{2, 2, 1}) || d.Task != MultiClass || len(d.Classes) != 3 || d.Label(0) != 2 {
		t.Fatalf("IDX: %d of %v, %v, classes %v", d.Len(), d.Shape, d.Task, d.Classes)
	}
	if !slices.Equal(d.Example(0), []float32{0, 1, 0.2, 0.4}) {
		t.Errorf("pixels %v, want scaled to [0,1]", d.Example(0))
	}
	// Big-endian float32 and int16 elements.
	f := make([]byte, 8)
	binary.BigEndian.PutUint32(f, math.Float32bits(1.5))
	binary.BigEndian.PutUint32(f[4:], math.Float32bits(-2))
	a, err := ReadIDX(writeFile(t, "f.idx", idxBytes(0x0D, []uint32{2}, f)))
	if err != nil || !slices.Equal(a.Data, []float32{1.5, -2}) || a.DType != "float32" {
		t.Errorf("float IDX: %v %v", a, err)
	}
	s, err := ReadIDX(writeFile(t, "s.idx", idxBytes(0x0B, []uint32{1}, []byte{0xff, 0xfe})))
	if err != nil || s.Data[0] != -2 {
		t.Errorf("int16 IDX: %v %v", s, err)
	}
	for _, tc := range []struct {
		name string
		body []byte
		want string
	}{
		{"empty", nil, "too short"},
		{"bad magic", []byte{1, 2, 8, 1, 0, 0, 0, 1, 0}, "magic"},
		{"bad type", []byte{0, 0, 7, 1, 0, 0, 0, 1, 0}, "element type"},
		{"no dims", []byte{0, 0, 8, 0}, "dimensions"},
		{"truncated", idxBytes(0x08, []uint32{10}, []byte{1, 2, 3}), "ends after 3 bytes"},
		{"extra bytes", idxBytes(0x08, []uint32{1}, []byte{1, 2}), "more bytes follow"},
		{"huge declaration", idxBytes(0x08, []uint32{0xffffffff, 0xffffffff, 0xffffffff}, []byte{1}), "more than"},
		{"large but absent", idxBytes(0x0E, []uint32{60000, 28, 28}, []byte{1, 2}), "ends after 2 bytes"},
	} {
		p := writeFile(t, "bad.idx", tc.body)
		if _, err := ReadIDX(p); err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "bad.idx") {
			t.Errorf("%s: error %v, want %q", tc.name, err, tc.want)
		}
	}
	if _, err := LoadIDX(writeFile(t, "i.idx", images), writeFile(t, "l.idx", idxBytes(0x08, []uint32{2}, []byte{0, 1}))); err == nil {
		t.Error("2 labels for 3 images accepted")
	}
}

func npyBytes(t *testing.T, v any) []byte {
	var b bytes.Buffer
	if err := npyio.Write(&b, v); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestNPY(t *testing.T) {
	for _, tc := range []struct {
		name  string
		value any
		want  []float32
		dtype string
	}{
		{"float64", []float64{1.5, -2, 3}, []float32{1.5, -2, 3}, "float64"},
		{"float32", []float32{0.25, 8}, []float32{0.25, 8}, "float32"},
		{"int64", []int64{-3, 7}, []float32{-3, 7}, "int64"},
		{"uint8", []uint8{0, 255}, []float32{0, 255}, "uint8"},
		{"int16", []int16{-300}, []float32{-300}, "int16"},
		{"bool", []bool{true, false}, []float32{1, 0}, "bool"},
	} {
		a, err := ReadNPY(writeFile(t, "a.npy", npyBytes(t, tc.value)))
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if !slices.Equal(a.Data, tc.want) || a.DType != tc.dtype || !slices.Equal(a.Shape, []int{len(tc.want)}) {
			t.Errorf("%s: %v %v %v", tc.name, a.Data, a.DType, a.Shape)
		}
	}
	// Big-endian data and Fortran order, written by hand.
	hdr := "{'descr': '>i2', 'fortran_order': True, 'shape': (2, 3), }"
	var b bytes.Buffer
	b.WriteString("\x93NUMPY\x01\x00")
	_ = binary.Write(&b, binary.LittleEndian, uint16(len(hdr)+1))
	b.WriteString(hdr + "\n")
	for _, v := range []int16{1, 4, 2, 5, 3, 6} { // column-major [[1 2 3] [4 5 6]]
		_ = binary.Write(&b, binary.BigEndian, v)
	}
	a, err := ReadNPY(writeFile(t, "f.npy", b.Bytes()))
	if err != nil || !slices.Equal(a.Data, []float32{1, 2, 3, 4, 5, 6}) || !slices.Equal(a.Shape, []int{2, 3}) {
		t.Errorf("Fortran big-endian: %v %v", a, err)
	}
	for _, tc := range []struct {
		name string
		body []byte
		want string
	}{
		{"not npy", []byte("hello world!"), "not a .npy file"},
		{"short", []byte("\x93NU"), "preamble"},
		{"version", []byte("\x93NUMPY\x09\x00\x00\x00"), "version 9"},
		{"object dtype", npyHeaderOnly("{'descr': '|O', 'fortran_order': False, 'shape': (1,), }"), "not supported"},
		{"structured", npyHeaderOnly("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,), }"), "structured"},
		{"missing key", npyHeaderOnly("{'descr': '<f4', 'shape': (1,), }"), "missing key"},
		{"huge shape", npyHeaderOnly("{'descr': '<f8', 'fortran_order': False, 'shape': (100000000000, 100000000000), }"), "more than"},
		{"absent data", npyHeaderOnly("{'descr': '<f8', 'fortran_order': False, 'shape': (1000000,), }"), "only 0 bytes of data follow"},
	} {
		p := writeFile(t, "bad.npy", tc.body)
		if _, err := ReadNPY(p); err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "bad.npy") {
			t.Errorf("%s: error %v, want %q", tc.name, err, tc.want)
		}
	}
}

func npyHeaderOnly(dict string) []byte {
	var b bytes.Buffer
	b.WriteString("\x93NUMPY\x01\x00")
	_ = binary.Write(&b, binary.LittleEndian, uint16(len(dict)+1))
	b.WriteString(dict + "\n")
	return b.Bytes()
}

func TestNPYAndNPZDatasets(t *testing.T) {
	dir := t.TempDir()
	x := []float64{1, 2, 3, 4, 5, 6}
	xp, yp := filepath.Join(dir, "x.npy"), filepath.Join(dir, "y.npy")
	_ = os.WriteFile(xp, npyBytes(t, x), 0o644)
	_ = os.WriteFile(yp, npyBytes(t, []int64{0, 1, 1}), 0o644)
	// x is read as 6 values of shape [6]; the feature array needs examples on the first axis.
	if _, err := LoadNPY(xp, yp); err == nil || !strings.Contains(err.Error(), "6 examples") {
		t.Errorf("mismatched examples: %v", err)
	}
	zp := filepath.Join(dir, "d.npz")
	if err := npz.Write(zp, map[string]any{"x": []float32{1, 2, 3}, "y": []float64{0.5, 1.5, 2.5}}); err != nil {
		t.Fatal(err)
	}
	d, err := LoadNPZ(zp, "x", "y")
	if err != nil {
		t.Fatal(err)
	}
	if d.Task != Regression || d.Len() != 3 || !slices.Equal(d.Shape, []int{1}) || d.Y[2] != 2.5 {
		t.Errorf("npz: %v %d %v", d.Task, d.Len(), d.Shape)
	}
	if _, err := LoadNPZ(zp, "x", "labels"); err == nil || !strings.Contains(err.Error(), `no array "labels"`) {
		t.Errorf("missing key: %v", err)
	}
	all, err := ReadNPZ(zp)
	if err != nil || len(all) != 2 || all["x"].Data[1] != 2 {
		t.Errorf("ReadNPZ: %v %v", all, err)
	}
}

func TestFromArrays(t *testing.T) {
	x := &Array{Shape: []int{4, 2}, Data: []float32{1, 2, 3, 4, 5, 6, 7, 8}, DType: "float32"}
	for _, tc := range []struct {
		name    string
		y       *Array
		task    Task
		classes []string
		targets int
		y0      float32
	}{
		{"binary", &Array{Shape: []int{4}, Data: []float32{0, 1, 1, 0}}, Binary, []string{"0", "1"}, 1, 0},
		{"multi-class column", &Array{Shape: []int{4, 1}, Data: []float32{0, 3, 1, 2}}, MultiClass, []string{"0", "1", "2", "3"}, 1, 0},
		{"signed labels", &Array{Shape: []int{4}, Data: []float32{-1, 1, 1, -1}}, Binary, []string{"-1", "1"}, 1, 0},
		{"regression", &Array{Shape: []int{4}, Data: []float32{0.5, 1, 2, 3}}, Regression, nil, 1, 0.5},
		{"multi-label", &Array{Shape: []int{4, 2}, Data: []float32{0, 1, 1, 1, 0, 0, float32(math.NaN()), 1}}, MultiLabel, nil, 2, 0},
		{"multi-target regression", &Array{Shape: []int{4, 2}, Data: []float32{0, 2, 1, 1, 0, 0, 3, 1}}, Regression, nil, 2, 0},
	} {
		d, err := FromArrays("t", x, tc.y)
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if d.Task != tc.task || !slices.Equal(d.Classes, tc.classes) || d.NumTargets() != tc.targets || d.Y[0] != tc.y0 {
			t.Errorf("%s: task %v classes %v targets %d y0 %v", tc.name, d.Task, d.Classes, d.NumTargets(), d.Y[0])
		}
	}
	if _, err := FromArrays("t", x, &Array{Shape: []int{3}, Data: []float32{0, 1, 0}}); err == nil {
		t.Error("3 targets for 4 examples accepted")
	}
}

func TestUCRFiles(t *testing.T) {
	train := writeFile(t, "X_TRAIN.txt", []byte("2 0.1 0.2 0.3\n\n 1,0.4,0.5,0.6\n2\t0.7\t0.8\t0.9\n"))
	test := writeFile(t, "X_TEST.txt", []byte("3 1 2 3\n"))
	s, err := LoadUCRFiles(train, test)
	if err != nil {
		t.Fatal(err)
	}
	if s.Train.Len() != 3 || !slices.Equal(s.Train.Shape, []int{3, 1}) || !slices.Equal(s.Train.Classes, []string{"1", "2", "3"}) {
		t.Fatalf("train %d of %v, classes %v", s.Train.Len(), s.Train.Shape, s.Train.Classes)
	}
	if !slices.Equal(s.Train.Labels(), []int{1, 0, 1}) || s.Test.Label(0) != 2 || s.Train.X[3] != 0.4 {
		t.Errorf("labels %v / %d", s.Train.Labels(), s.Test.Label(0))
	}
	for _, tc := range []struct{ body, want string }{
		{"1 0.1 0.2\n1 0.3\n", "line 2: series has 1 values; expected 2"},
		{"x 0.1\n", `line 1: class label "x"`},
		{"1 0.1 NaN\n", "line 1: value 2"},
		{"1\n", "expected a class label followed by the series"},
		{"", "no series"},
	} {
		p := writeFile(t, "BAD_TRAIN.txt", []byte(tc.body))
		if _, err := LoadUCRFiles(p, ""); err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "BAD_TRAIN.txt") {
			t.Errorf("%q: error %v, want %q", tc.body, err, tc.want)
		}
	}
	other := writeFile(t, "Y_TEST.txt", []byte("1 1 2\n"))
	if _, err := LoadUCRFiles(train, other); err == nil || !strings.Contains(err.Error(), "same length") {
		t.Errorf("length mismatch: %v", err)
	}
}

func TestSequencesCSV(t *testing.T) {
	p := writeFile(t, "mols.csv", []byte("smiles,active,name\nCCO,1,ethanol\nc1ccccc1,0,benzene\n"))
	s, err := LoadSequencesCSV(p, "smiles", "active")
	if err != nil {
		t.Fatal(err)
	}
	if s.Task != Binary || s.Len() != 2 || s.Texts[1] != "c1ccccc1" || s.Y[0] != 1 || s.Name != "mols" {
		t.Errorf("sequences %+v", s)
	}
	p = writeFile(t, "dna.csv", []byte("seq,kind\nACGT,exon\nTTGA,intron\nGGCC,exon\n"))
	s, err = LoadSequencesCSV(p, "seq", "kind")
	if err != nil || !slices.Equal(s.Classes, []string{"exon", "intron"}) || !slices.Equal(s.Labels(), []int{0, 1, 0}) {
		t.Errorf("text classes: %v %v", s, err)
	}
	if _, err := LoadSequencesCSV(p, "sequence", "kind"); err == nil || !strings.Contains(err.Error(), `no column "sequence"`) {
		t.Errorf("missing column: %v", err)
	}
	p = writeFile(t, "gap.csv", []byte("seq,kind\nACGT,exon\n,intron\n"))
	if _, err := LoadSequencesCSV(p, "seq", "kind"); err == nil || !strings.Contains(err.Error(), "line 3") {
		t.Errorf("empty sequence: %v", err)
	}
}
