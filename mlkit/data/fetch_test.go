// SPDX-License-Identifier: Apache-2.0

package data

import (
	"archive/zip"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// mirrorServer serves files by path and counts requests.
type mirrorServer struct {
	*httptest.Server
	files    map[string][]byte                                       // path → body
	handlers map[string]func(w http.ResponseWriter, r *http.Request) // path → custom handler
	requests atomic.Int32
}

func newMirror(t *testing.T) *mirrorServer {
	m := &mirrorServer{files: map[string][]byte{}, handlers: map[string]func(http.ResponseWriter, *http.Request){}}
	m.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		m.requests.Add(1)
		if h := m.handlers[r.URL.Path]; h != nil {
			h(w, r)
			return
		}
		body, ok := m.files[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		_, _ = w.Write(body)
	}))
	t.Cleanup(m.Close)
	return m
}

// fetcher returns a Fetcher that downloads every canonical URL from the mirror.
func (m *mirrorServer) fetcher(t *testing.T) *Fetcher {
	return &Fetcher{
		CacheDir: t.TempDir(),
		Client:   m.Client(),
		Mirrors: map[string]string{
			mnistURL: m.URL + "/mnist/", medMNISTURL: m.URL + "/medmnist/", ucrURL: m.URL + "/ucr/",
			moleculeNetURL: m.URL + "/moleculenet/", uciURL: m.URL + "/uci/",
			pydicomURL: m.URL + "/pydicom/", nibabelURL: m.URL + "/nibabel/",
		},
		Retries: 2,
		Backoff: time.Millisecond,
	}
}

// syntheticWDBC builds a file with the structure of wdbc.data (357 B, 212 M, 30 features).
func syntheticWDBC(seed uint64) []byte {
	rng := rand.New(rand.NewPCG(seed, 1))
	var b bytes.Buffer
	for i := 0; i < 569; i++ {
		diag := "B"
		if i < 212 {
			diag = "M"
		}
		fmt.Fprintf(&b, "%d,%s", 100000+i, diag)
		for j := 0; j < 30; j++ {
			fmt.Fprintf(&b, ",%.4f", rng.Float64()*10)
		}
		b.WriteString("\n")
	}
	return b.Bytes()
}

func countM(b []byte) int { return bytes.Count(b, []byte(",M,")) }

func TestSyntheticWDBCStructure(t *testing.T) {
	if got := countM(syntheticWDBC(1)); got != 212 {
		t.Fatalf("synthetic WDBC has %d malignant rows, want 212", got)
	}
}

// cacheFiles lists every file under dir.
func cacheFiles(t *testing.T, dir string) []string {
	var out []string
	_ = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(dir, p)
			out = append(out, rel)
		}
		return nil
	})
	return out
}

func TestFetchDownload(t *testing.T) {
	m := newMirror(t)
	body := syntheticWDBC(1)
	m.files["/uci/breast-cancer-wisconsin/wdbc.data"] = body
	f := m.fetcher(t)
	var progress bytes.Buffer
	f.Progress = &progress
	p, err := f.Path("uci/wdbc.data")
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(f.CacheDir, "uci", "wdbc.data"); p != want {
		t.Errorf("path %s, want %s", p, want)
	}
	got, _ := os.ReadFile(p)
	if !bytes.Equal(got, body) {
		t.Error("cached file differs from the served one")
	}
	if s := progress.String(); !strings.Contains(s, "wdbc.data") || !strings.Contains(s, "100.0%") {
		t.Errorf("progress output %q", s)
	}
	// A second call uses the cache: no new request.
	before := m.requests.Load()
	if _, err := f.Path("uci/wdbc.data"); err != nil {
		t.Fatal(err)
	}
	if m.requests.Load() != before {
		t.Error("cached file downloaded again")
	}
	if files := cacheFiles(t, f.CacheDir); len(files) != 1 {
		t.Errorf("cache holds %v; want only the data file", files)
	}
	// The data directory wins over the cache.
	dataDir := t.TempDir()
	_ = os.MkdirAll(filepath.Join(dataDir, "uci"), 0o755)
	_ = os.WriteFile(filepath.Join(dataDir, "uci", "wdbc.data"), body, 0o644)
	f.DataDir = dataDir
	if p, _ := f.Path("uci/wdbc.data"); p != filepath.Join(dataDir, "uci", "wdbc.data") {
		t.Errorf("data directory not searched first: %s", p)
	}
}

func TestFetchFailures(t *testing.T) {
	wdbc := syntheticWDBC(2)
	for _, tc := range []struct {
		name     string
		serve    func(m *mirrorServer)
		wantErr  string
		requests int32 // expected number of requests (with 2 retries)
	}{
		{"404", func(m *mirrorServer) {}, "404", 1},
		{"structure", func(m *mirrorServer) {
			// One malignant diagnosis turned benign: the class counts no longer match.
			m.files["/uci/breast-cancer-wisconsin/wdbc.data"] = bytes.Replace(wdbc, []byte(",M,"), []byte(",B,"), 1)
		}, "class counts", 1},
		{"not a data file", func(m *mirrorServer) {
			m.files["/uci/breast-cancer-wisconsin/wdbc.data"] = []byte("<html>moved</html>\n")
		}, "expected 32", 1},
		{"truncated", func(m *mirrorServer) {
			m.handlers["/uci/breast-cancer-wisconsin/wdbc.data"] = func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Length", strconv.Itoa(len(wdbc)))
				_, _ = w.Write(wdbc[:len(wdbc)/2])
			}
		}, "truncated", 3},
		{"server error", func(m *mirrorServer) {
			m.handlers["/uci/breast-cancer-wisconsin/wdbc.data"] = func(w http.ResponseWriter, r *http.Request) {
				http.Error(w, "busy", http.StatusServiceUnavailable)
			}
		}, "503", 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := newMirror(t)
			tc.serve(m)
			f := m.fetcher(t)
			_, err := f.Path("uci/wdbc.data")
			if err == nil {
				t.Fatal("no error")
			}
			var fe *FetchError
			if !errors.As(err, &fe) || fe.Path != "uci/wdbc.data" || !strings.Contains(fe.URL, "wdbc.data") {
				t.Errorf("error %v is not a FetchError naming the file and URL", err)
			}
			if !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("error %q does not mention %q", err, tc.wantErr)
			}
			if got := m.requests.Load(); got != tc.requests {
				t.Errorf("%d requests, want %d", got, tc.requests)
			}
			if files := cacheFiles(t, f.CacheDir); len(files) != 0 {
				t.Errorf("failed download left %v in the cache", files)
			}
		})
	}
}

func TestFetchRetrySucceeds(t *testing.T) {
	m := newMirror(t)
	wdbc := syntheticWDBC(3)
	var calls atomic.Int32
	m.handlers["/uci/breast-cancer-wisconsin/wdbc.data"] = func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 1 {
			http.Error(w, "try later", http.StatusBadGateway)
			return
		}
		_, _ = w.Write(wdbc)
	}
	f := m.fetcher(t)
	if _, err := f.Path("uci/wdbc.data"); err != nil {
		t.Fatal(err)
	}
	if calls.Load() != 2 {
		t.Errorf("%d calls, want 2", calls.Load())
	}
}

func TestFetchOffline(t *testing.T) {
	dataDir := t.TempDir()
	f := &Fetcher{DataDir: dataDir, CacheDir: t.TempDir(), Offline: true}
	_, err := f.Path("uci/wdbc.data")
	if err == nil {
		t.Fatal("no error offline")
	}
	msg := err.Error()
	for _, want := range []string{"uci/wdbc.data", uciURL + "breast-cancer-wisconsin/wdbc.data", filepath.Join(dataDir, "uci", "wdbc.data"), OfflineEnv} {
		if !strings.Contains(msg, want) {
			t.Errorf("offline error %q does not mention %q", msg, want)
		}
	}
	// An unreachable server: the error names the file, its URL and where to put it.
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close()
	f = &Fetcher{CacheDir: t.TempDir(), Mirrors: map[string]string{uciURL: url + "/"}, Retries: 1, Backoff: time.Millisecond}
	_, err = f.Path("uci/promoters.data")
	if err == nil {
		t.Fatal("no error from an unreachable server")
	}
	for _, want := range []string{"uci/promoters.data", "promoters.data", "$" + DataDirEnv} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
	if _, err := f.Path("nothing/here.csv"); err == nil || !strings.Contains(err.Error(), "not a known data file") {
		t.Errorf("unknown file: %v", err)
	}
}

func gz(b []byte) []byte {
	var out bytes.Buffer
	w := gzip.NewWriter(&out)
	_, _ = w.Write(b)
	_ = w.Close()
	return out.Bytes()
}

func zipOf(t *testing.T, members map[string][]byte) []byte {
	var out bytes.Buffer
	w := zip.NewWriter(&out)
	for name, body := range members {
		f, err := w.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = f.Write(body)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

func readShared(t *testing.T, rel string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(testDataDir, filepath.FromSlash(rel)))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestFetchRealFiles downloads the real files, as published, from a local server: the
// pinned hashes, the gzip and zip handling and the structure checks all pass.
func TestFetchRealFiles(t *testing.T) {
	needData(t)
	m := newMirror(t)
	// The sample scanner files are served from the Python packages that ship them; without
	// those packages they are left out.
	osDirs := map[string]string{pydicomURL: "/usr/lib/python3/dist-packages/pydicom/data/test_files/",
		nibabelURL: "/usr/lib/python3/dist-packages/nibabel/tests/data/"}
	local := map[string][]byte{}
	var sources []Source
	for _, s := range Sources() {
		if !strings.HasPrefix(s.Path, "samples/") {
			sources = append(sources, s)
			continue
		}
		for prefix, dir := range osDirs {
			if strings.HasPrefix(s.URL, prefix) {
				if b, err := os.ReadFile(dir + s.URL[len(prefix):]); err == nil {
					local[s.Path] = b
					m.files["/"+strings.SplitN(s.Path, "/", 3)[1]+"/"+s.URL[len(prefix):]] = b
					sources = append(sources, s)
				}
			}
		}
	}
	readLocal := func(t *testing.T, rel string) []byte {
		if b, ok := local[rel]; ok {
			return b
		}
		return readShared(t, rel)
	}
	for _, s := range sources {
		if local[s.Path] != nil {
			continue
		}
		switch {
		case strings.HasSuffix(s.URL, ".zip"):
		case strings.HasSuffix(s.URL, ".gz") && !strings.HasSuffix(s.Path, ".gz"):
			m.files["/"+strings.SplitN(s.Path, "/", 2)[0]+"/"+s.URL[len(moleculeNetURL):]] = gz(readShared(t, s.Path))
		default:
			for prefix, host := range map[string]string{mnistURL: "mnist", medMNISTURL: "medmnist", moleculeNetURL: "moleculenet", uciURL: "uci"} {
				if strings.HasPrefix(s.URL, prefix) {
					m.files["/"+host+"/"+s.URL[len(prefix):]] = readShared(t, s.Path)
				}
			}
		}
	}
	m.files["/ucr/ECG200.zip"] = zipOf(t, map[string][]byte{
		"ECG200/ECG200_TRAIN.txt": readShared(t, "ucr/ECG200_TRAIN.txt"),
		"ECG200/ECG200_TEST.txt":  readShared(t, "ucr/ECG200_TEST.txt"),
		"ECG200/ECG200_TRAIN.ts":  []byte("not used"),
	})
	m.files["/ucr/ECG5000.zip"] = zipOf(t, map[string][]byte{"ECG5000_TRAIN.txt": readShared(t, "ucr/ECG5000_TRAIN.txt")})
	f := m.fetcher(t)
	for _, s := range sources {
		if _, err := f.Path(s.Path); err != nil {
			t.Errorf("%s: %v", s.Path, err)
		}
	}
	// Every downloaded file is byte for byte the data directory's.
	for _, s := range sources {
		got, err := os.ReadFile(filepath.Join(f.CacheDir, filepath.FromSlash(s.Path)))
		if err == nil && !bytes.Equal(got, readLocal(t, s.Path)) {
			t.Errorf("%s differs from the data directory's copy", s.Path)
		}
	}
	// The zip is downloaded once for both ECG200 files.
	if n := m.requests.Load(); n != int32(len(sources)-1) {
		t.Errorf("%d requests for %d files (two share a zip)", n, len(sources))
	}
	// The loaders work from the downloaded cache.
	prev := SetFetcher(&Fetcher{CacheDir: f.CacheDir, Offline: true})
	defer SetFetcher(prev)
	if d, err := LoadWDBC(); err != nil || d.Len() != 569 {
		t.Errorf("LoadWDBC from the cache: %v", err)
	}
	if s, err := LoadUCR("ECG200"); err != nil || s.Test.Len() != 100 {
		t.Errorf("LoadUCR from the cache: %v", err)
	}

	// A corrupted copy of a pinned file fails its SHA-256 check.
	bad := bytes.Clone(readShared(t, "moleculenet/delaney-processed.csv"))
	bad[len(bad)/2] ^= 1
	m.files["/moleculenet/delaney-processed.csv"] = bad
	f2 := m.fetcher(t)
	if _, err := f2.Path("moleculenet/delaney-processed.csv"); err == nil || !strings.Contains(err.Error(), "SHA-256") {
		t.Errorf("corrupted pinned file: %v", err)
	}
	// A corrupted gzip stream is reported.
	tox := gz(readShared(t, "moleculenet/tox21.csv"))
	tox[len(tox)/2] ^= 0xff
	m.files["/moleculenet/tox21.csv.gz"] = tox
	if _, err := f2.Path("moleculenet/tox21.csv"); err == nil {
		t.Error("corrupted gzip accepted")
	}
	if files := cacheFiles(t, f2.CacheDir); len(files) != 0 {
		t.Errorf("failed downloads left %v", files)
	}
}

func TestExtractZipSafety(t *testing.T) {
	dir := t.TempDir()
	zipPath := filepath.Join(dir, "evil.zip")
	if err := os.WriteFile(zipPath, zipOf(t, map[string][]byte{"../../ECG200_TRAIN.txt": []byte("1 2 3\n")}), 0o644); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	err := extractZipMember(zipPath, "ECG200_TRAIN.txt", &out)
	if err == nil || !strings.Contains(err.Error(), "unsafe") {
		t.Errorf("unsafe member: %v", err)
	}
	if out.Len() != 0 {
		t.Error("unsafe member was extracted")
	}
	if err := extractZipMember(zipPath, "ECG5000_TRAIN.txt", &out); err == nil || !strings.Contains(err.Error(), "no member") {
		t.Errorf("missing member: %v", err)
	}
}
