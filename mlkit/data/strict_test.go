// SPDX-License-Identifier: Apache-2.0

package data

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"math"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// wantErr fails unless err mentions every one of want.
func wantErr(t *testing.T, err error, want ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error; want one mentioning %q", want)
	}
	for _, w := range want {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error %q does not mention %q", err, w)
		}
	}
}

// npyArray builds a .npy file of the given dtype and shape from little-endian data.
func npyArray(descr string, shape []int, data []byte) []byte {
	return append(npyHeaderOnly("{'descr': '"+descr+"', 'fortran_order': False, 'shape': ("+shapeTuple(shape)+"), }"), data...)
}

func f64s(v ...float64) []byte {
	var b []byte
	for _, x := range v {
		b = binary.LittleEndian.AppendUint64(b, math.Float64bits(x))
	}
	return b
}

func i64s(v ...int64) []byte {
	var b []byte
	for _, x := range v {
		b = binary.LittleEndian.AppendUint64(b, uint64(x))
	}
	return b
}

// Item 1: a junk label in a class column, without and with stated classes.
func TestSequencesAndCSVClasses(t *testing.T) {
	seqs := func(classes ...string) func(p string) ([]int, []string, error) {
		return func(p string) ([]int, []string, error) {
			l := SequencesCSV(p, "smiles").Target("active")
			if classes != nil {
				l.Classes(classes...)
			}
			s, err := l.Done()
			if err != nil {
				return nil, nil, err
			}
			return s.Labels(), s.Classes, nil
		}
	}
	table := func(classes ...string) func(p string) ([]int, []string, error) {
		return func(p string) ([]int, []string, error) {
			c := CSV(p).Target("active").Drop("smiles")
			if classes != nil {
				c.Classes(classes...)
			}
			d, err := c.Done()
			if err != nil {
				return nil, nil, err
			}
			return d.Labels(), d.Classes, nil
		}
	}
	const header = "smiles,x,active\n"
	for _, tc := range []struct {
		name    string
		rows    string
		load    func(p string) ([]int, []string, error)
		labels  []int
		classes []string
		err     []string // the error must mention all of these
	}{
		{"inferred 0/1 still works", "C,1,1\nCC,2,0\n", seqs(), []int{1, 0}, []string{"0", "1"}, nil},
		{"yes among 0/1 inferred", "C,1,1\nCC,2,0\nCCN,3,yes\nCCC,4,1\n", seqs(), nil, nil, []string{"line 4", `"yes"`, "Classes("}},
		{"one number among text", "C,1,a\nCC,2,b\nCCN,3,a\nCCC,4,7\n", seqs(), nil, nil, []string{"line 5", `"7"`}},
		{"stated 0/1 rejects 2", "C,1,1\nCC,2,0\nCCN,3,2\n", seqs("0", "1"), nil, nil, []string{"line 4", `"2"`, `"0", "1"`, "Classes("}},
		{"stated 0/1 rejects yes", "C,1,1\nCCN,3,yes\n", seqs("0", "1"), nil, nil, []string{"line 3", `"yes"`}},
		{"stated 0/1 accepts 1.0", "C,1,1.0\nCC,2,0\n", seqs("0", "1"), []int{1, 0}, []string{"0", "1"}, nil},
		{"stated text order", "C,1,active\nCC,2,inactive\n", seqs("inactive", "active"), []int{1, 0}, []string{"inactive", "active"}, nil},
		{"stated classes may be absent", "C,1,0\nCC,2,0\n", seqs("0", "1", "2"), []int{0, 0}, []string{"0", "1", "2"}, nil},
		{"stated duplicate classes", "C,1,0\n", seqs("0", "0"), nil, nil, []string{"distinct"}},
		{"CSV yes among 0/1", "C,1,1\nCC,2,0\nCCN,3,yes\n", table(), nil, nil, []string{"line 4", `"yes"`, "Classes("}},
		{"CSV stated rejects 2", "C,1,1\nCC,2,0\nCCN,3,2\n", table("0", "1"), nil, nil, []string{"line 4", `"2"`, `"0", "1"`}},
		{"CSV stated order", "C,1,M\nCC,2,B\n", table("B", "M"), []int{1, 0}, []string{"B", "M"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := writeFile(t, "mols.csv", []byte(header+tc.rows))
			labels, classes, err := tc.load(p)
			if tc.err != nil {
				wantErr(t, err, append(tc.err, "mols.csv")...)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(labels, tc.labels) || !slices.Equal(classes, tc.classes) {
				t.Errorf("labels %v classes %v, want %v %v", labels, classes, tc.labels, tc.classes)
			}
		})
	}
}

// Items 2 and 10: IDX pairs are checked like the bundled MNIST files.
func TestLoadIDXChecks(t *testing.T) {
	pixels := []byte{0, 255, 51, 102, 1, 2, 3, 4}
	f32 := make([]byte, 8*4)
	for i := range 8 {
		binary.BigEndian.PutUint32(f32[4*i:], math.Float32bits(0.5))
	}
	for _, tc := range []struct {
		name           string
		images, labels []byte
		expect         []Expect
		err            []string
		classes        int
	}{
		{"uint8", idxBytes(0x08, []uint32{2, 2, 2}, pixels), idxBytes(0x08, []uint32{2}, []byte{1, 0}), nil, nil, 2},
		{"int8 images", idxBytes(0x09, []uint32{2, 2, 2}, pixels), idxBytes(0x08, []uint32{2}, []byte{1, 0}), nil, []string{"img.idx", "0x09", "int8", "0x08"}, 0},
		{"float images", idxBytes(0x0D, []uint32{2, 2, 2}, f32), idxBytes(0x08, []uint32{2}, []byte{1, 0}), nil, []string{"0x0d", "0x08"}, 0},
		{"float labels", idxBytes(0x08, []uint32{2, 2, 2}, pixels), idxBytes(0x0D, []uint32{2}, f32[:8]), nil, []string{"lab.idx", "0x0d", "integer"}, 0},
		{"flat images", idxBytes(0x08, []uint32{2, 4}, pixels), idxBytes(0x08, []uint32{2}, []byte{1, 0}), nil, []string{"shape [2 4]"}, 0},
		{"stated classes", idxBytes(0x08, []uint32{2, 2, 2}, pixels), idxBytes(0x08, []uint32{2}, []byte{1, 0}), []Expect{{NumClasses: 10}}, nil, 10},
		{"label beyond stated", idxBytes(0x08, []uint32{2, 2, 2}, pixels), idxBytes(0x08, []uint32{2}, []byte{1, 10}), []Expect{{NumClasses: 10}}, []string{"example 1 has label 10", "0..9"}, 0},
		{"inferred empty classes", idxBytes(0x08, []uint32{2, 2, 2}, pixels), idxBytes(0x08, []uint32{2}, []byte{0, 8}), nil, []string{"no example has class 1, 2, 3, 4, 5, 6, 7", "NumClasses"}, 0},
		{"count", idxBytes(0x08, []uint32{2, 2, 2}, pixels), idxBytes(0x08, []uint32{2}, []byte{1, 0}), []Expect{{Len: 3}}, []string{"2 examples; expected 3"}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, err := LoadIDX(writeFile(t, "img.idx", tc.images), writeFile(t, "lab.idx", tc.labels), tc.expect...)
			if tc.err != nil {
				wantErr(t, err, tc.err...)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if d.NumClasses() != tc.classes || !slices.Equal(d.Shape, []int{2, 2, 1}) || slices.Max(d.X) != 1 || slices.Min(d.X) != 0 {
				t.Errorf("%d classes, shape %v, pixels %v", d.NumClasses(), d.Shape, d.X)
			}
		})
	}
}

// Item 3: image range, dtype and labels of arrays in a .npz.
func TestLoadNPZChecks(t *testing.T) {
	img := func(descr string, data []byte, shape ...int) []byte { return npyArray(descr, shape, data) }
	labels := func(v ...int64) []byte { return npyArray("<i8", []int{len(v)}, i64s(v...)) }
	grey255 := img("<f8", f64s(0, 255, 3, 4, 5, 6, 7, 8), 2, 2, 2, 1)
	unit := img("<f8", f64s(0, 1, 0.5, 0.25, 0, 1, 0.5, 0.25), 2, 2, 2, 1)
	for _, tc := range []struct {
		name   string
		x, y   []byte
		expect []Expect
		err    []string
		check  func(t *testing.T, d *Dataset)
	}{
		{"float 0-255 images", grey255, labels(0, 1), nil, []string{"unscaled 0-255", "255", "x / 255", "d.npz"}, nil},
		{"float 0-255 flagged images", img("<f8", f64s(0, 255, 3, 4, 5, 6, 7, 8), 2, 2, 2), labels(0, 1), []Expect{{Images: true}}, []string{"unscaled 0-255"}, nil},
		{"negative float pixels", img("<f8", f64s(-1, 0, 0, 0, 0, 0, 0, 0), 2, 2, 2, 1), labels(0, 1), nil, []string{"from -1 to 0", "[0,1]"}, nil},
		{"int64 images", img("<i8", i64s(0, 255, 3, 4, 5, 6, 7, 8), 2, 2, 2, 1), labels(0, 1), nil, []string{"int64", "uint8"}, nil},
		{"float images in [0,1]", unit, labels(0, 1), nil, nil, func(t *testing.T, d *Dataset) {
			if d.X[1] != 1 || d.X[2] != 0.5 || !slices.Equal(d.Shape, []int{2, 2, 1}) {
				t.Errorf("pixels %v shape %v", d.X, d.Shape)
			}
		}},
		{"uint8 images scaled", img("|u1", []byte{0, 255, 51, 0, 0, 0, 0, 0}, 2, 2, 2, 1), labels(0, 1), nil, nil, func(t *testing.T, d *Dataset) {
			if d.X[1] != 1 || d.X[2] != 0.2 {
				t.Errorf("pixels %v", d.X)
			}
		}},
		{"tabular floats are not images", img("<f8", f64s(10, 200, 30, 40), 2, 2), labels(0, 1), nil, nil, nil},
		{"dtype", unit, labels(0, 1), []Expect{{DType: "uint8"}}, []string{"features are float64; expected uint8"}, nil},
		{"inferred 9 classes, 7 empty", unit, labels(0, 8), nil, []string{"labels go up to 8", "7 of 9 classes empty", "NumClasses"}, nil},
		{"1-based labels", unit, labels(1, 2), nil, []string{"no example has class 0"}, nil},
		{"label beyond stated", unit, labels(0, 3), []Expect{{NumClasses: 3}}, []string{"example 1 has label 3", "0..2"}, nil},
		{"stated classes", unit, labels(0, 1), []Expect{{Classes: []string{"a", "b", "c"}}}, nil, func(t *testing.T, d *Dataset) {
			if d.Task != MultiClass || !slices.Equal(d.Classes, []string{"a", "b", "c"}) {
				t.Errorf("task %v classes %v", d.Task, d.Classes)
			}
		}},
		{"regression", img("<f8", f64s(1, 2), 2, 1), labels(20, 85), []Expect{{Regression: true}}, nil, func(t *testing.T, d *Dataset) {
			if d.Task != Regression || d.Y[1] != 85 || d.Classes != nil {
				t.Errorf("task %v y %v classes %v", d.Task, d.Y, d.Classes)
			}
		}},
		{"two expects", unit, labels(0, 1), []Expect{{}, {}}, []string{"at most one"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := writeFile(t, "d.npz", zipOf(t, map[string][]byte{"x.npy": tc.x, "y.npy": tc.y}))
			d, err := LoadNPZ(p, "x", "y", tc.expect...)
			if tc.err != nil {
				wantErr(t, err, tc.err...)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if tc.check != nil {
				tc.check(t, d)
			}
		})
	}
}

// Item 4: a truncated or foreign .npz names the file, its size and the remedy.
func TestNPZTruncated(t *testing.T) {
	good := zipOf(t, map[string][]byte{"x.npy": npyArray("<f8", []int{2, 1}, f64s(1, 2)), "y.npy": npyArray("<i8", []int{2}, i64s(0, 1))})
	for _, tc := range []struct {
		name string
		body []byte
		want []string
	}{
		{"truncated", good[:len(good)/2], []string{"truncated", "bytes", "download", "Delete"}},
		{"not a zip", []byte("<html>Moved</html>"), []string{"does not start like a zip", "18 bytes"}},
		{"empty", nil, []string{"empty", "0 bytes"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := writeFile(t, "scans.npz", tc.body)
			_, err := LoadNPZ(p, "x", "y")
			wantErr(t, err, append(tc.want, p)...)
			_, err = LoadMedMNISTFile(p)
			wantErr(t, err, append(tc.want, p)...)
		})
	}
}

// Item 5: byte-order marks and CRLF line ends in every text reader.
func TestTextBOMAndCRLF(t *testing.T) {
	const bom = "\ufeff"
	for _, tc := range []struct {
		name, file, body string
		load             func(p string) (int, error) // returns the first label
		label            int
	}{
		{"UCR", "X_TRAIN.txt", bom + "-1 0.5 0.25\r\n1 0.1 0.2\r\n", func(p string) (int, error) {
			s, err := LoadUCRFiles(p, "")
			if err != nil {
				return 0, err
			}
			return s.Train.Label(0), nil
		}, 0},
		{"CSV without header", "t.csv", bom + "1,2,1\r\n3,4,0\r\n", func(p string) (int, error) {
			d, err := CSV(p).NoHeader().Done()
			if err != nil {
				return 0, err
			}
			return d.Label(0), nil
		}, 1},
		{"sequences CSV", "s.csv", bom + "smiles,y\r\nCCO,1\r\nCC,0\r\n", func(p string) (int, error) {
			s, err := LoadSequencesCSV(p, "smiles", "y")
			if err != nil {
				return 0, err
			}
			return s.Labels()[0], nil
		}, 1},
		{"UCI DNA", "promoters.data", bom + "+,S10,\t\tacgt\r\n-,S11,\t\tttga\r\n", func(p string) (int, error) {
			s, err := loadPromotersFile(p)
			if err != nil {
				return 0, err
			}
			return s.Labels()[0], nil
		}, 1},
		{"WDBC", "wdbc.data", bom + strings.ReplaceAll(string(syntheticWDBC(4)), "\n", "\r\n"), func(p string) (int, error) {
			f, err := os.Open(p)
			if err != nil {
				return 0, err
			}
			defer f.Close()
			d, err := parseWDBC(f, p)
			if err != nil {
				return 0, err
			}
			return d.Label(0), checkWDBCCounts(p, d)
		}, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			label, err := tc.load(writeFile(t, tc.file, []byte(tc.body)))
			if err != nil {
				t.Fatal(err)
			}
			if label != tc.label {
				t.Errorf("first label %d, want %d", label, tc.label)
			}
		})
	}
}

// Item 6: long lines load; beyond the limit the error names the file, line and limit.
func TestLongLines(t *testing.T) {
	long := strings.Repeat("A", 2<<20)
	readers := []struct {
		name, file, body string
		load             func(p string) error
	}{
		{"UCR", "L_TRAIN.txt", "1 1 2\n2" + strings.Repeat(" 1", 1<<20) + "\n", func(p string) error { _, err := LoadUCRFiles(p, ""); return err }},
		{"UCI DNA", "promoters.data", "+,a,ACGT\n-,b," + long + "\n", func(p string) error { _, err := loadPromotersFile(p); return err }},
		{"WDBC", "wdbc.data", "1,M" + strings.Repeat(",1", 30) + "\n2,B," + long + "\n", func(p string) error {
			f, _ := os.Open(p)
			defer f.Close()
			_, err := parseWDBC(f, p)
			return err
		}},
	}
	for _, tc := range readers {
		t.Run(tc.name, func(t *testing.T) {
			p := writeFile(t, tc.file, []byte(tc.body))
			// Within the limit the line is read, and any error is about its content.
			if err := tc.load(p); err != nil && strings.Contains(err.Error(), "too long") {
				t.Errorf("2 MB line: %v", err)
			}
			defer func(old int) { maxLineBytes = old }(maxLineBytes)
			maxLineBytes = 1 << 20
			wantErr(t, tc.load(p), p, "line 2", "longer than 1.0 MB")
		})
	}
}

// Item 7: a path that exists but is no data file is an error, and nothing is downloaded.
func TestFetchNotAFile(t *testing.T) {
	m := newMirror(t)
	m.files["/uci/breast-cancer-wisconsin/wdbc.data"] = syntheticWDBC(5)
	for _, tc := range []struct {
		name  string
		make  func(p string) error
		want  string
		cache bool // put it in the cache instead of the data directory
	}{
		{"directory", func(p string) error { return os.Mkdir(p, 0o755) }, "is a directory", false},
		{"directory in cache", func(p string) error { return os.Mkdir(p, 0o755) }, "is a directory", true},
		{"symlink loop", func(p string) error { return os.Symlink(p, p) }, "symbolic link", false},
		{"dangling symlink", func(p string) error { return os.Symlink(p+".gone", p) }, "cannot be followed", false},
		{"device", func(p string) error { return os.Symlink(os.DevNull, p) }, "a device", false},
		{"unreadable", func(p string) error {
			if os.Geteuid() == 0 {
				return errors.ErrUnsupported
			}
			if err := os.WriteFile(p, syntheticWDBC(5), 0o644); err != nil {
				return err
			}
			return os.Chmod(p, 0)
		}, "cannot be read", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := m.fetcher(t)
			f.DataDir = t.TempDir()
			dir := f.DataDir
			if tc.cache {
				dir = f.CacheDir
			}
			p := filepath.Join(dir, "uci", "wdbc.data")
			_ = os.MkdirAll(filepath.Dir(p), 0o755)
			if err := tc.make(p); errors.Is(err, errors.ErrUnsupported) {
				t.Skip("running as root: permissions do not apply")
			} else if err != nil {
				t.Fatal(err)
			}
			before := m.requests.Load()
			_, err := f.Path("uci/wdbc.data")
			wantErr(t, err, p, tc.want, "nothing was downloaded")
			if m.requests.Load() != before {
				t.Error("a download was started")
			}
		})
	}
}

// Item 8: without a connection the error comes at once; a 5xx is still retried.
func TestFetchNoConnectionIsPrompt(t *testing.T) {
	closed := httptest.NewServer(http.NotFoundHandler())
	closedURL := closed.URL
	closed.Close()
	failingDial := func(err error) (*http.Client, *atomic.Int32) {
		var n atomic.Int32
		return &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			n.Add(1)
			return nil, err
		}}}, &n
	}
	for _, tc := range []struct {
		name   string
		client func() (*http.Client, *atomic.Int32)
		url    string
	}{
		{"connection refused", func() (*http.Client, *atomic.Int32) { return http.DefaultClient, nil }, closedURL},
		{"network unreachable", func() (*http.Client, *atomic.Int32) {
			return failingDial(&net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", syscall.ENETUNREACH)})
		}, "http://example.org"},
		{"DNS failure", func() (*http.Client, *atomic.Int32) {
			return failingDial(&net.OpError{Op: "dial", Net: "tcp", Err: &net.DNSError{Err: "server misbehaving", Name: "example.org", IsTemporary: true}})
		}, "http://example.org"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			client, dials := tc.client()
			f := &Fetcher{CacheDir: t.TempDir(), Client: client, Mirrors: map[string]string{uciURL: tc.url + "/"}, Retries: 3, Backoff: time.Second}
			start := time.Now()
			_, err := f.Path("uci/promoters.data")
			if elapsed := time.Since(start); elapsed > 2*time.Second {
				t.Errorf("took %v; want the error at once", elapsed)
			}
			wantErr(t, err, "promoters.data", "cannot be reached", OfflineEnv)
			if dials != nil && dials.Load() != 1 {
				t.Errorf("%d connection attempts, want 1", dials.Load())
			}
		})
	}
	m := newMirror(t)
	m.handlers["/uci/molecular-biology/promoter-gene-sequences/promoters.data"] = func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "busy", http.StatusServiceUnavailable)
	}
	f := m.fetcher(t)
	f.Retries = 3
	if _, err := f.Path("uci/promoters.data"); err == nil || m.requests.Load() != 4 {
		t.Errorf("503: %d requests (want 4, retried), error %v", m.requests.Load(), err)
	}
}

// Item 9: local copies get the row and class-count checks of a download.
func TestLocalFilesCounted(t *testing.T) {
	needData(t)
	load := map[string]func() error{
		"uci/wdbc.data":         func() error { _, err := LoadWDBC(); return err },
		"uci/splice.data":       func() error { _, err := LoadSplice(); return err },
		"uci/promoters.data":    func() error { _, err := LoadPromoters(); return err },
		"ucr/ECG200_TRAIN.txt":  func() error { _, err := LoadUCR("ECG200"); return err },
		"ucr/ECG200_TEST.txt":   func() error { _, err := LoadUCR("ECG200"); return err },
		"ucr/ECG5000_TRAIN.txt": func() error { _, err := LoadUCR("ECG5000"); return err },
		"moleculenet/BBBP.csv":  func() error { _, err := LoadMoleculeNet("bbbp"); return err },
		"moleculenet/tox21.csv": func() error { _, err := LoadMoleculeNet("tox21"); return err },
	}
	for _, rel := range slices.Sorted(func(yield func(string) bool) {
		for k := range load {
			if !yield(k) {
				return
			}
		}
	}) {
		for _, inCache := range []bool{false, true} {
			name := rel
			if inCache {
				name += " in cache"
			}
			t.Run(name, func(t *testing.T) {
				dir := t.TempDir()
				// The other files of the data set, complete.
				for _, other := range []string{"ucr/ECG200_TRAIN.txt", "ucr/ECG200_TEST.txt"} {
					_ = os.MkdirAll(filepath.Join(dir, "ucr"), 0o755)
					_ = os.WriteFile(filepath.Join(dir, filepath.FromSlash(other)), readShared(t, other), 0o644)
				}
				// Drop the last 5 lines: the file still parses, but rows are missing.
				lines := bytes.SplitAfter(bytes.TrimRight(readShared(t, rel), "\r\n"), []byte("\n"))
				p := filepath.Join(dir, filepath.FromSlash(rel))
				_ = os.MkdirAll(filepath.Dir(p), 0o755)
				if err := os.WriteFile(p, bytes.Join(lines[:len(lines)-5], nil), 0o644); err != nil {
					t.Fatal(err)
				}
				f := &Fetcher{DataDir: dir, Offline: true}
				if inCache {
					f = &Fetcher{CacheDir: dir, Offline: true}
				}
				prev := SetFetcher(f)
				defer SetFetcher(prev)
				wantErr(t, load[rel](), p, "expected", "truncated or altered", "delete it")
			})
		}
	}
}

// Item 10: LoadMedMNISTFile checks a MedMNIST-style archive at any path.
func TestLoadMedMNISTFile(t *testing.T) {
	grey := func(n int, v byte) []byte { return npyArray("|u1", []int{n, 2, 2}, bytes.Repeat([]byte{v}, 4*n)) }
	lab := func(v ...int64) []byte { return npyArray("<i8", []int{len(v), 1}, i64s(v...)) }
	archive := func(train, val, test []byte, ytrain, yval, ytest []byte) []byte {
		return zipOf(t, map[string][]byte{
			"train_images.npy": train, "val_images.npy": val, "test_images.npy": test,
			"train_labels.npy": ytrain, "val_labels.npy": yval, "test_labels.npy": ytest,
		})
	}
	ok := archive(grey(3, 255), grey(1, 0), grey(1, 51), lab(0, 1, 2), lab(1), lab(2))
	for _, tc := range []struct {
		name, file string
		body       []byte
		expect     []Expect
		err        []string
		classes    []string
	}{
		{"inferred", "scans.npz", ok, nil, nil, []string{"0", "1", "2"}},
		{"stated", "scans.npz", ok, []Expect{{Classes: []string{"a", "b", "c"}}}, nil, []string{"a", "b", "c"}},
		{"label beyond stated", "scans.npz", ok, []Expect{{NumClasses: 2}}, []string{"train_labels", "label 2", "0..1"}, nil},
		{"known set, 9 of 11 classes empty", "organamnist_64.npz", archive(grey(2, 1), grey(1, 0), grey(1, 0), lab(0, 1), lab(1), lab(0)), nil,
			[]string{"no training image has class 2", `"femur-right"`}, nil},
		{"known set sizes", "BreastMNIST.npz", archive(grey(3, 1), grey(1, 0), grey(1, 0), lab(0, 1, 0), lab(1), lab(0)), nil, []string{"train has 3 images", "546"}, nil},
		{"unscaled floats", "scans.npz", archive(npyArray("<f8", []int{3, 2, 2}, f64s(0, 128, 255, 0, 0, 0, 0, 0, 0, 0, 0, 0)), grey(1, 0), grey(1, 0), lab(0, 1, 2), lab(1), lab(2)), nil,
			[]string{"train_images", "unscaled 0-255"}, nil},
		{"split shapes differ", "scans.npz", archive(grey(3, 1), npyArray("|u1", []int{1, 3, 3}, make([]byte, 9)), grey(1, 0), lab(0, 1, 2), lab(1), lab(2)), nil,
			[]string{"val_images have shape [1 3 3]", "same size"}, nil},
		{"labels of another split", "scans.npz", archive(grey(3, 1), grey(1, 0), grey(1, 0), lab(0, 1, 2), lab(1, 0), lab(2)), nil,
			[]string{"val_labels have shape [2 1]"}, nil},
		{"stated count", "scans.npz", ok, []Expect{{Len: 4}}, []string{"3 images; expected 4"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := writeFile(t, tc.file, tc.body)
			s, err := LoadMedMNISTFile(p, tc.expect...)
			if tc.err != nil {
				wantErr(t, err, append(tc.err, p)...)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(s.Train.Classes, tc.classes) || s.Train.Len() != 3 || s.Test.X[0] != 0.2 || !slices.Equal(s.Val.Shape, []int{2, 2, 1}) {
				t.Errorf("classes %v, %d training images, test pixel %v, shape %v", s.Train.Classes, s.Train.Len(), s.Test.X[0], s.Val.Shape)
			}
		})
	}
	t.Run("real breastmnist", func(t *testing.T) {
		needData(t)
		s, err := LoadMedMNISTFile(filepath.Join(testDataDir, "medmnist", "breastmnist.npz"))
		if err != nil {
			t.Fatal(err)
		}
		if s.Train.Len() != 546 || s.Train.Task != Binary || s.Train.Classes[0] != "malignant" {
			t.Errorf("%d images, %v, classes %v", s.Train.Len(), s.Train.Task, s.Train.Classes)
		}
	})
}
