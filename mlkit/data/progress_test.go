// SPDX-License-Identifier: Apache-2.0

package data

import (
	"bytes"
	"regexp"
	"strings"
	"testing"
)

// TestDownloadProgress pins the download line at 0%, 50% and 100%: one line rewritten in
// place with \r, as before the bar moved to textout, and ended with the time taken.
func TestDownloadProgress(t *testing.T) {
	var out bytes.Buffer
	p := newDownloadProgress(&out, "wdbc.data", 4096)
	p.p.Interval = 0 // show every write
	p.Write(make([]byte, 2048))
	p.Write(make([]byte, 2048))
	p.finish()
	got := regexp.MustCompile(`done in \d+\.\ds`).ReplaceAllString(out.String(), "done in T")
	want := "\rdownloading wdbc.data   0.0% (0 B of 4.0 kB)" +
		"\rdownloading wdbc.data  50.0% (2.0 kB of 4.0 kB)" +
		"\rdownloading wdbc.data 100.0% (4.0 kB of 4.0 kB)" +
		"\rdownloading wdbc.data 100.0% (4.0 kB of 4.0 kB) done in T\n"
	if got != want {
		t.Errorf("progress\n%q\nwant\n%q", got, want)
	}

	out.Reset()
	p = newDownloadProgress(&out, "x.gz", -1) // no Content-Length
	p.Write(make([]byte, 10))
	p.finish()
	if s := out.String(); !strings.HasPrefix(s, "\rdownloading x.gz 0 B") || !strings.Contains(s, "\rdownloading x.gz 10 B done in ") {
		t.Errorf("progress without a known size: %q", s)
	}
}
