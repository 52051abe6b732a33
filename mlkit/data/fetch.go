// SPDX-License-Identifier: Apache-2.0

package data

import (
	"archive/zip"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/medgo-lab/medgo/mlkit/internal/textout"
)

// Environment variables read by NewFetcher.
const (
	// DataDirEnv names a local data directory laid out like the bundled one
	// (mnist/, medmnist/, ucr/, moleculenet/, uci/). It is searched first.
	DataDirEnv = "MEDGO_DATA"
	// CacheDirEnv names the download cache; the default is os.UserCacheDir()/medgo.
	CacheDirEnv = "MEDGO_CACHE"
	// OfflineEnv, when set to a true value ("1", "true", "yes"), forbids downloads.
	OfflineEnv = "MEDGO_OFFLINE"
)

// maxDownloadBytes bounds one download or one extracted archive member.
const maxDownloadBytes = 2 << 30

// Fetcher finds data files. For a file's relative path (for example "uci/wdbc.data") it
// looks in DataDir, then in CacheDir, and otherwise downloads the file from its canonical
// URL into CacheDir: atomically (a temporary file in the same folder, synced, then renamed),
// with retries, a progress line on Progress, and a check of the result (the pinned SHA-256
// where the publisher's bytes are known, the structure otherwise).
//
// The zero value has no data or cache directory; NewFetcher fills one from the environment.
// A Fetcher is safe for concurrent use once configured.
type Fetcher struct {
	DataDir  string       // local data directory, searched first ("" = none)
	CacheDir string       // download cache ("" = downloads fail)
	Offline  bool         // never download
	Client   *http.Client // nil = a client with a 10-minute timeout
	// Mirrors rewrites canonical URLs: a URL that starts with a key is fetched from the
	// value followed by the rest of the URL. Use it for a local mirror or in tests.
	Mirrors  map[string]string
	Progress io.Writer     // download progress; nil = silent
	Retries  int           // extra attempts after a failed download (5xx, 429, a transfer cut short); none when no connection can be made
	Backoff  time.Duration // wait before the first retry, doubled after each one
}

// NewFetcher returns a Fetcher configured from the environment: MEDGO_DATA, MEDGO_CACHE
// (default os.UserCacheDir()/medgo), MEDGO_OFFLINE; progress goes to standard error,
// with 3 retries starting at a 1-second backoff.
func NewFetcher() *Fetcher {
	f := &Fetcher{
		DataDir:  strings.TrimSpace(os.Getenv(DataDirEnv)),
		CacheDir: strings.TrimSpace(os.Getenv(CacheDirEnv)),
		Progress: os.Stderr,
		Retries:  3,
		Backoff:  time.Second,
	}
	if f.CacheDir == "" {
		if dir, err := os.UserCacheDir(); err == nil {
			f.CacheDir = filepath.Join(dir, "medgo")
		}
	}
	switch strings.ToLower(strings.TrimSpace(os.Getenv(OfflineEnv))) {
	case "1", "true", "yes", "on":
		f.Offline = true
	}
	return f
}

var (
	fetcherMu     sync.RWMutex
	customFetcher *Fetcher
)

// SetFetcher makes the loaders (LoadMNIST, LoadWDBC, ...) use f and returns the previous
// setting. With nil they go back to NewFetcher, which reads the environment at each load.
func SetFetcher(f *Fetcher) (previous *Fetcher) {
	fetcherMu.Lock()
	defer fetcherMu.Unlock()
	previous, customFetcher = customFetcher, f
	return previous
}

func currentFetcher() *Fetcher {
	fetcherMu.RLock()
	defer fetcherMu.RUnlock()
	if customFetcher != nil {
		return customFetcher
	}
	return NewFetcher()
}

// Fetch returns the local path of a known data file (see Sources), downloading it if needed
// with the current Fetcher (see SetFetcher).
func Fetch(relPath string) (string, error) { return currentFetcher().Path(relPath) }

// HTTPError is a download answered with an HTTP status other than 200.
type HTTPError struct {
	URL        string
	StatusCode int
	Status     string
}

func (e *HTTPError) Error() string {
	hint := ""
	switch {
	case e.StatusCode == http.StatusNotFound || e.StatusCode == http.StatusGone:
		hint = " (the file is not at that address; it may have moved)"
	case e.StatusCode == http.StatusForbidden || e.StatusCode == http.StatusUnauthorized:
		hint = " (the server refused access)"
	case e.StatusCode == http.StatusTooManyRequests:
		hint = " (rate limited; try again later)"
	case e.StatusCode >= 500:
		hint = " (server error; try again later)"
	}
	return fmt.Sprintf("GET %s: HTTP %s%s", e.URL, e.Status, hint)
}

// FetchError says which data file could not be made available, from where it was to be
// downloaded, and where to put it by hand.
type FetchError struct {
	Path   string // relative path, e.g. "uci/wdbc.data"
	URL    string // the URL that was (or would have been) downloaded
	Manual string // where to save the file by hand
	Err    error  // the cause
}

func (e *FetchError) Error() string {
	return fmt.Sprintf("data file %s is not available: %v; to provide it by hand, get %s and save it as %s",
		e.Path, e.Err, e.URL, e.Manual)
}

func (e *FetchError) Unwrap() error { return e.Err }

// errTruncated marks a body shorter than its Content-Length; such downloads are retried.
var errTruncated = errors.New("download truncated")

// Path returns the local path of the known data file relPath (for example
// "mnist/train-images-idx3-ubyte.gz"), downloading it into the cache when it is neither in
// DataDir nor in CacheDir. Sources lists the known files.
func (f *Fetcher) Path(relPath string) (string, error) {
	src, ok := sourceByPath(relPath)
	if !ok {
		return "", fmt.Errorf("data: %q is not a known data file; known files are listed by data.Sources()", relPath)
	}
	return f.resolve(src)
}

func (f *Fetcher) resolve(src Source) (string, error) {
	rel := filepath.FromSlash(src.Path)
	manual := f.manualPath(src)
	fail := func(err error) (string, error) {
		return "", &FetchError{Path: src.Path, URL: src.URL, Manual: manual, Err: err}
	}
	for _, dir := range []string{f.DataDir, f.CacheDir} {
		if dir == "" {
			continue
		}
		p := filepath.Join(dir, rel)
		ok, err := localFile(p)
		if err != nil {
			return fail(fmt.Errorf("%w; nothing was downloaded, so that what is there is not replaced", err))
		}
		if ok {
			return p, nil
		}
	}
	where := f.searchedDirs()
	if f.Offline {
		return fail(fmt.Errorf("not found in %s and downloads are turned off (Fetcher.Offline or %s)", where, OfflineEnv))
	}
	if f.CacheDir == "" {
		return fail(fmt.Errorf("not found in %s and there is no cache directory to download into (set %s)", where, CacheDirEnv))
	}
	p, err := f.download(src)
	if err != nil {
		if noConnection(err) {
			err = fmt.Errorf("%w (the server cannot be reached: no network, a name that does not resolve, or a refused connection; set %s=1 to work offline)", err, OfflineEnv)
		}
		return fail(fmt.Errorf("not found in %s, and the download failed: %w", where, err))
	}
	return p, nil
}

func (f *Fetcher) searchedDirs() string {
	var dirs []string
	if f.DataDir != "" {
		dirs = append(dirs, "the data directory "+f.DataDir)
	} else {
		dirs = append(dirs, "a data directory ("+DataDirEnv+" is not set)")
	}
	if f.CacheDir != "" {
		dirs = append(dirs, "the cache "+f.CacheDir)
	}
	return strings.Join(dirs, " or ")
}

func (f *Fetcher) manualPath(src Source) string {
	rel := filepath.FromSlash(src.Path)
	var p string
	switch {
	case f.DataDir != "":
		p = filepath.Join(f.DataDir, rel)
	default:
		p = filepath.Join("$"+DataDirEnv, rel)
	}
	switch {
	case strings.HasSuffix(src.URL, ".gz") && !strings.HasSuffix(src.Path, ".gz"):
		p += " (uncompressed)"
	case strings.HasSuffix(src.URL, ".zip"):
		p += fmt.Sprintf(" (the member %s of the zip archive)", path.Base(src.Path))
	}
	return p
}

// localFile reports whether a readable regular file is at p. Only a path where nothing at
// all exists is missing: anything else (a directory, a broken or looping symbolic link, a
// device, a file or folder that cannot be read) is an error naming what was found, because
// taking it for missing would download a copy in place of what the user put there.
func localFile(p string) (bool, error) {
	fi, err := os.Lstat(p)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("%s cannot be examined: %v; check the path and the permissions of its folders", p, err)
	}
	if fi.Mode()&fs.ModeSymlink != 0 {
		target, _ := os.Readlink(p)
		st, err := os.Stat(p)
		if err != nil {
			return false, fmt.Errorf("%s is a symbolic link to %s that cannot be followed (%v); point it at the data file or remove it", p, target, err)
		}
		fi = st
	}
	if !fi.Mode().IsRegular() {
		return false, fmt.Errorf("%s is %s, not a data file; remove it or put the data file there", p, describeMode(fi.Mode()))
	}
	r, err := os.Open(p)
	if err != nil {
		return false, fmt.Errorf("%s cannot be read: %v; fix its permissions or replace it", p, err)
	}
	_ = r.Close()
	return true, nil
}

func describeMode(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeDevice != 0:
		return "a device"
	}
	return "not a regular file (mode " + m.String() + ")"
}

// url returns the address to download, after applying Mirrors (longest prefix wins).
func (f *Fetcher) url(canonical string) string {
	best := ""
	for prefix := range f.Mirrors {
		if strings.HasPrefix(canonical, prefix) && len(prefix) > len(best) {
			best = prefix
		}
	}
	if best == "" {
		return canonical
	}
	return f.Mirrors[best] + canonical[len(best):]
}

func (f *Fetcher) download(src Source) (string, error) {
	dst := filepath.Join(f.CacheDir, filepath.FromSlash(src.Path))
	dir := filepath.Dir(dst)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("creating the cache folder: %w", err)
	}
	switch {
	case strings.HasSuffix(src.URL, ".zip"):
		zipPath := filepath.Join(dir, path.Base(src.URL))
		ok, err := localFile(zipPath)
		if err != nil {
			return "", err
		}
		if !ok {
			if err := f.downloadTo(src.URL, zipPath, "", false, nil); err != nil {
				return "", err
			}
		}
		err = atomicWrite(dst, func(w io.Writer) error { return extractZipMember(zipPath, path.Base(src.Path), w) }, src.check)
		if err != nil {
			// A bad archive is not kept: the next attempt downloads it again.
			_ = os.Remove(zipPath)
			return "", fmt.Errorf("%s from %s: %w", path.Base(src.Path), f.url(src.URL), err)
		}
	default:
		gunzip := strings.HasSuffix(src.URL, ".gz") && !strings.HasSuffix(src.Path, ".gz")
		if err := f.downloadTo(src.URL, dst, src.SHA256, gunzip, src.check); err != nil {
			return "", err
		}
	}
	return dst, nil
}

// downloadTo downloads url to dst atomically, gunzipping when asked, verifying the SHA-256
// of the downloaded bytes when want is set and running check on the result.
func (f *Fetcher) downloadTo(canonical, dst, want string, gunzip bool, check func(string) error) error {
	u := f.url(canonical)
	var lastErr error
	wait := f.Backoff
	for attempt := 0; attempt <= max(f.Retries, 0); attempt++ {
		if attempt > 0 {
			if wait > 0 {
				time.Sleep(wait)
			}
			wait *= 2
		}
		err := atomicWrite(dst, func(w io.Writer) error { return f.get(u, path.Base(dst), want, gunzip, w) }, check)
		if err == nil {
			return nil
		}
		lastErr = err
		if !retryable(err) {
			break
		}
	}
	return lastErr
}

func retryable(err error) bool {
	var he *HTTPError
	if errors.As(err, &he) {
		return he.StatusCode >= 500 || he.StatusCode == http.StatusTooManyRequests
	}
	if errors.Is(err, errTruncated) || errors.Is(err, io.ErrUnexpectedEOF) {
		return true
	}
	if noConnection(err) {
		return false
	}
	var ne net.Error
	if errors.As(err, &ne) {
		return true
	}
	var oe *net.OpError
	return errors.As(err, &oe)
}

// noConnection is true for errors that mean no connection could be made at all: no
// network, a name that does not resolve, a refused or unroutable connection. Retrying them
// only delays the error (by the whole backoff: 7 s with the defaults), while a server that
// answers with a 5xx or breaks off a transfer may well succeed on the next attempt.
func noConnection(err error) bool {
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		return true
	}
	for _, errno := range []syscall.Errno{syscall.ECONNREFUSED, syscall.ENETUNREACH, syscall.EHOSTUNREACH, syscall.ENETDOWN} {
		if errors.Is(err, errno) {
			return true
		}
	}
	var oe *net.OpError
	return errors.As(err, &oe) && oe.Op == "dial"
}

// get streams url into w, gunzipping when asked.
func (f *Fetcher) get(u, name, wantSHA string, gunzip bool, w io.Writer) error {
	client := f.Client
	if client == nil {
		client = &http.Client{Timeout: 10 * time.Minute}
	}
	req, err := http.NewRequestWithContext(context.Background(), http.MethodGet, u, nil)
	if err != nil {
		return fmt.Errorf("bad download URL %q: %w", u, err)
	}
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("GET %s: %w", u, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return &HTTPError{URL: u, StatusCode: resp.StatusCode, Status: resp.Status}
	}
	if resp.ContentLength > maxDownloadBytes {
		return fmt.Errorf("GET %s: the server announces %d bytes, more than the %d allowed for a data file", u, resp.ContentLength, int64(maxDownloadBytes))
	}
	h := sha256.New()
	var body io.Reader = io.LimitReader(resp.Body, maxDownloadBytes+1)
	var prog *downloadProgress
	if f.Progress != nil {
		prog = newDownloadProgress(f.Progress, name, resp.ContentLength)
		body = io.TeeReader(body, prog)
	}
	body = io.TeeReader(body, h)
	counted := &countingReader{r: body}
	var n int64
	if gunzip {
		zr, err := gzip.NewReader(counted)
		if err != nil {
			return fmt.Errorf("GET %s: %w", u, truncationOr(err, counted.n, resp.ContentLength, "not a gzip stream"))
		}
		n, err = io.Copy(w, io.LimitReader(zr, maxDownloadBytes+1))
		if err != nil {
			return fmt.Errorf("GET %s: %w", u, truncationOr(err, counted.n, resp.ContentLength, "corrupt gzip stream"))
		}
		// Read any trailing bytes so that the hash and length checks see the whole body.
		if _, err := io.Copy(io.Discard, counted); err != nil {
			return fmt.Errorf("GET %s: %w", u, truncationOr(err, counted.n, resp.ContentLength, "reading"))
		}
	} else {
		n, err = io.Copy(w, counted)
		if err != nil {
			return fmt.Errorf("GET %s: %w", u, truncationOr(err, counted.n, resp.ContentLength, "reading"))
		}
	}
	if prog != nil {
		prog.finish()
	}
	if n > maxDownloadBytes || counted.n > maxDownloadBytes {
		return fmt.Errorf("GET %s: more than %d bytes; this is not the expected data file", u, int64(maxDownloadBytes))
	}
	if resp.ContentLength >= 0 && counted.n != resp.ContentLength {
		return fmt.Errorf("GET %s: %w: received %d of %d bytes", u, errTruncated, counted.n, resp.ContentLength)
	}
	if wantSHA != "" {
		if got := hex.EncodeToString(h.Sum(nil)); got != wantSHA {
			return fmt.Errorf("GET %s: SHA-256 of the download is %s, expected %s: the file is corrupt or was changed upstream", u, got, wantSHA)
		}
	}
	return nil
}

func truncationOr(err error, got, want int64, what string) error {
	if errors.Is(err, io.ErrUnexpectedEOF) || (want >= 0 && got < want) {
		if want >= 0 {
			return fmt.Errorf("%w: received %d of %d bytes (%v)", errTruncated, got, want, err)
		}
		return fmt.Errorf("%w after %d bytes (%v)", errTruncated, got, err)
	}
	return fmt.Errorf("%s: %w", what, err)
}

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// atomicWrite writes dst through a temporary file in the same folder: write, check,
// fsync, rename. On any error the temporary file is removed and dst is untouched.
func atomicWrite(dst string, write func(io.Writer) error, check func(string) error) (err error) {
	tmp, err := os.CreateTemp(filepath.Dir(dst), "."+filepath.Base(dst)+".part-*")
	if err != nil {
		return fmt.Errorf("creating a temporary file next to %s: %w", dst, err)
	}
	defer func() {
		if err != nil {
			_ = tmp.Close()
			_ = os.Remove(tmp.Name())
		}
	}()
	if err = write(tmp); err != nil {
		return err
	}
	if err = tmp.Sync(); err != nil {
		return fmt.Errorf("writing %s: %w", tmp.Name(), err)
	}
	if err = tmp.Close(); err != nil {
		return fmt.Errorf("writing %s: %w", tmp.Name(), err)
	}
	if check != nil {
		if err = check(tmp.Name()); err != nil {
			// Name the file as the user knows it, not by its temporary name.
			msg := strings.ReplaceAll(err.Error(), tmp.Name(), filepath.Base(dst))
			return fmt.Errorf("the downloaded %s does not have the expected content: %s", filepath.Base(dst), msg)
		}
	}
	if err = os.Rename(tmp.Name(), dst); err != nil {
		return fmt.Errorf("moving the download into place as %s: %w", dst, err)
	}
	if d, derr := os.Open(filepath.Dir(dst)); derr == nil {
		_ = d.Sync()
		_ = d.Close()
	}
	return nil
}

// extractZipMember copies the member whose base name is member from the zip file at
// zipPath into w. Only that member is read, and it goes only to w: nothing in the archive
// decides where anything is written.
func extractZipMember(zipPath, member string, w io.Writer) error {
	zr, err := zip.OpenReader(zipPath)
	if err != nil {
		return fmt.Errorf("opening the archive %s: %w", zipPath, err)
	}
	defer zr.Close()
	var names []string
	for _, zf := range zr.File {
		name := zf.Name
		names = append(names, name)
		if strings.HasSuffix(name, "/") || path.Base(name) != member {
			continue
		}
		if !filepath.IsLocal(filepath.FromSlash(name)) {
			return fmt.Errorf("archive %s: member %q has an unsafe path (absolute or with ..); refusing it", zipPath, name)
		}
		if zf.UncompressedSize64 > maxDownloadBytes {
			return fmt.Errorf("archive %s: member %s declares %d bytes, more than the %d allowed", zipPath, name, zf.UncompressedSize64, int64(maxDownloadBytes))
		}
		rc, err := zf.Open()
		if err != nil {
			return fmt.Errorf("archive %s: member %s: %w", zipPath, name, err)
		}
		defer rc.Close()
		n, err := io.Copy(w, io.LimitReader(rc, maxDownloadBytes+1))
		if err != nil {
			return fmt.Errorf("archive %s: member %s: %w", zipPath, name, err)
		}
		if n > maxDownloadBytes {
			return fmt.Errorf("archive %s: member %s is larger than the %d bytes allowed", zipPath, name, int64(maxDownloadBytes))
		}
		return nil
	}
	if len(names) > 10 {
		names = append(names[:10], "...")
	}
	return fmt.Errorf("archive %s has no member named %s (it holds %s)", zipPath, member, strings.Join(names, ", "))
}

// downloadProgress counts the bytes written through it and shows them on one line that is
// rewritten in place (\r), at most every 250 ms, ending with the time taken.
type downloadProgress struct {
	p    *textout.Progress
	done int64
}

func newDownloadProgress(w io.Writer, name string, total int64) *downloadProgress {
	p := textout.NewProgress(total)
	p.Out, p.InPlace, p.Interval = w, true, 250*time.Millisecond
	p.Text = func(s textout.Status) string {
		line := "downloading " + name + " " + byteSize(s.Done)
		if s.Known() {
			line = fmt.Sprintf("downloading %s %5.1f%% (%s of %s)", name, 100*float64(s.Done)/float64(s.Total), byteSize(s.Done), byteSize(s.Total))
		}
		if s.Final {
			line += fmt.Sprintf(" done in %.1fs", s.Elapsed.Seconds())
		}
		return line
	}
	p.Show(0)
	return &downloadProgress{p: p}
}

func (d *downloadProgress) Write(b []byte) (int, error) {
	d.done += int64(len(b))
	d.p.Update(d.done)
	return len(b), nil
}

func (d *downloadProgress) finish() { d.p.Finish(d.done) }

func byteSize(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f kB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}
