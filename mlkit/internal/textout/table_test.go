// SPDX-License-Identifier: Apache-2.0

package textout

import (
	"strings"
	"testing"
	"unicode"
)

func TestWidth(t *testing.T) {
	for _, tc := range []struct {
		s    string
		want int
	}{
		{"abc", 3},
		{"≥", 1},
		{"µm", 2},       // two bytes, one column
		{"\u00e9", 1},   // é, composed
		{"e\u0301", 1},  // é, decomposed: the combining acute takes no column
		{"肺癌", 4},       // wide
		{"ＡＢ", 4},       // fullwidth
		{"a\u200db", 2}, // zero-width joiner
		{"", 0},
	} {
		if got := Width(tc.s); got != tc.want {
			t.Errorf("Width(%q) = %d, want %d", tc.s, got, tc.want)
		}
	}
}

// offsetOf returns the display column at which the byte offset i of line starts, counted
// independently of Width (Han and fullwidth forms two columns, nonspacing marks none), so
// that a wrong Width cannot agree with itself.
func offsetOf(line string, i int) int {
	n := 0
	for _, r := range line[:i] {
		switch {
		case unicode.Is(unicode.Mn, r):
		case unicode.Is(unicode.Han, r), r >= 0xff01 && r <= 0xff60:
			n += 2
		default:
			n++
		}
	}
	return n
}

// TestTableAlignment renders tables whose first column holds text of different byte, rune
// and column counts, and checks by display width that the next columns start (left-aligned)
// or end (right-aligned) at the same column on every line.
func TestTableAlignment(t *testing.T) {
	for _, tc := range []struct {
		name  string
		names []string
	}{
		{"ascii", []string{"a", "abc", "abcdef"}},
		{"symbols", []string{"≥ 50 years", "µmol/L", "age"}},
		{"composed é", []string{"\u00e9t\u00e9", "x", "caf\u00e9 au lait"}},
		{"decomposed é", []string{"e\u0301te\u0301", "x", "cafe\u0301 au lait"}},
		{"cjk", []string{"肺癌", "乳腺癌 (breast)", "ok"}},
		{"mixed", []string{"肺癌", "e\u0301", "µ≥", "plain ascii"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tb := Table{Header: []string{"name", "count", "unit"}, Right: []bool{false, true, false}}
			for i, n := range tc.names {
				tb.Rows = append(tb.Rows, []string{n, strings.Repeat("9", i+1), "u" + n})
			}
			lines := tb.Lines()
			if len(lines) != 1+len(tc.names) {
				t.Fatalf("%d lines, want %d", len(lines), 1+len(tc.names))
			}
			countEnd, unitStart := -1, -1
			for i, line := range lines {
				count, unit := "count", "unit"
				if i > 0 {
					count, unit = tb.Rows[i-1][1], tb.Rows[i-1][2]
				}
				// The count follows the first cell's padding; the unit is the line's tail.
				u := strings.LastIndex(line, unit)
				c := strings.LastIndex(line[:u], count)
				if u < 0 || c < 0 {
					t.Fatalf("line %q lacks %q or %q", line, count, unit)
				}
				end, start := offsetOf(line, c+len(count)), offsetOf(line, u)
				if i == 0 {
					countEnd, unitStart = end, start
					continue
				}
				if end != countEnd || start != unitStart {
					t.Errorf("line %d %q: count ends at column %d and unit starts at %d; the header's at %d and %d\n%s",
						i, line, end, start, countEnd, unitStart, strings.Join(lines, "\n"))
				}
				if strings.HasSuffix(line, " ") {
					t.Errorf("line %q has trailing spaces", line)
				}
			}
		})
	}
}

func TestTableText(t *testing.T) {
	tb := Table{Header: []string{"model", "AUC"}, Right: FirstLeft(2), Rows: [][]string{{"logistic", "0.812"}, {"MLP"}}}
	want := "model       AUC\nlogistic  0.812\nMLP            \n"
	if got := tb.Text(); got != want {
		t.Errorf("Text() = %q, want %q", got, want)
	}
	tb = Table{Header: []string{"f", "mean"}, Right: FirstLeft(2), Min: []int{0, 9}, Rows: [][]string{{"x", "0.1234"}}}
	if got, want := tb.Text(), "f       mean\nx     0.1234\n"; got != want {
		t.Errorf("Text() with Min = %q, want %q", got, want)
	}
}

func TestTableHTML(t *testing.T) {
	tb := Table{Header: []string{"name", "n"}, Right: FirstLeft(2), Rows: [][]string{{"<b>a&b</b>", "1"}}}
	got := tb.HTML(HTMLStyle{Class: "c", Style: "s", Cell: "k", Head: "h"}, "cap <x>", []string{"Total", "1"})
	want := `<table class="c" style="s"><caption>cap &lt;x&gt;</caption><thead><tr><th style="k;h">name</th><th style="k;h">n</th></tr></thead>` +
		`<tbody><tr><td style="k;text-align:left">&lt;b&gt;a&amp;b&lt;/b&gt;</td><td style="k;text-align:right">1</td></tr></tbody>` +
		`<tfoot><tr><td style="k;text-align:left">Total</td><td style="k;text-align:right">1</td></tr></tfoot></table>` + "\n"
	if got != want {
		t.Errorf("HTML() =\n%s\nwant\n%s", got, want)
	}
	tb = Table{Header: []string{"a", "b", "c"}, Right: []bool{false, false, true}}
	got = tb.HTML(HTMLStyle{AlignHead: true, Lines: true}, "", []string{"Total", "3"})
	want = "<table>\n<thead><tr><th style=\"text-align:left\">a</th><th style=\"text-align:left\">b</th><th style=\"text-align:right\">c</th></tr></thead>\n<tbody>\n</tbody>\n" +
		"<tfoot>\n<tr><td colspan=\"2\" style=\"text-align:left\">Total</td><td style=\"text-align:right\">3</td></tr>\n</tfoot>\n</table>\n"
	if got != want {
		t.Errorf("HTML() with a spanning foot =\n%s\nwant\n%s", got, want)
	}
}

func TestTableMarkdown(t *testing.T) {
	tb := Table{Header: []string{"metric", "value"}, Right: FirstLeft(2), Rows: [][]string{{"a|b", "1"}, {"two\nlines"}}}
	want := "| metric | value |\n|---|---:|\n| a\\|b | 1 |\n| two lines |  |\n"
	if got := tb.Markdown(); got != want {
		t.Errorf("Markdown() = %q, want %q", got, want)
	}
}
