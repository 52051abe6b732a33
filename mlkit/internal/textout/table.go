// SPDX-License-Identifier: Apache-2.0

package textout

import (
	"fmt"
	"html"
	"strings"
	"unicode"

	"golang.org/x/text/width"
)

// Width is the number of terminal columns s takes: one per rune, two for East-Asian wide
// and fullwidth runes, none for combining marks and other zero-width runes. Counting bytes
// or runes instead misaligns columns holding "µ" (two bytes), a decomposed "é" (two runes,
// one column) or CJK text (one rune, two columns).
func Width(s string) int {
	n := 0
	for _, r := range s {
		n += runeWidth(r)
	}
	return n
}

func runeWidth(r rune) int {
	switch {
	case unicode.In(r, unicode.Mn, unicode.Me, unicode.Cf):
		return 0
	case r < 0x20 || r == 0x7f:
		return 0
	}
	switch width.LookupRune(r).Kind() {
	case width.EastAsianWide, width.EastAsianFullwidth:
		return 2
	}
	return 1
}

// Pad pads s with spaces to w columns, before s when right is set, after it otherwise.
func Pad(s string, w int, right bool) string {
	pad := strings.Repeat(" ", max(0, w-Width(s)))
	if right {
		return pad + s
	}
	return s + pad
}

// FirstLeft returns the alignment of n columns whose first names the row and the others
// hold numbers: every column but the first is right-aligned.
func FirstLeft(n int) []bool {
	right := make([]bool, n)
	for i := 1; i < n; i++ {
		right[i] = true
	}
	return right
}

// Table is a table of text cells under a header. Rows may be shorter than the header
// (missing cells are empty); cells past the header are ignored.
type Table struct {
	Header []string
	Rows   [][]string
	Right  []bool // right-aligned columns (numbers); missing entries are left-aligned
	Min    []int  // minimum column widths, e.g. to keep fixed-width number columns; may be short
}

func (t *Table) right(j int) bool { return j < len(t.Right) && t.Right[j] }

func cell(r []string, j int) string {
	if j < len(r) {
		return r[j]
	}
	return ""
}

// Widths returns the display width of each column: its widest cell, header included.
func (t *Table) Widths() []int {
	w := make([]int, len(t.Header))
	for j, h := range t.Header {
		w[j] = Width(h)
		if j < len(t.Min) {
			w[j] = max(w[j], t.Min[j])
		}
	}
	for _, r := range t.Rows {
		for j := range w {
			w[j] = max(w[j], Width(cell(r, j)))
		}
	}
	return w
}

// Lines renders the header and then each row as one line (without newline), columns two
// spaces apart. A left-aligned last column is not padded, so lines carry no trailing spaces.
func (t *Table) Lines() []string {
	w := t.Widths()
	line := func(r []string) string {
		var b strings.Builder
		for j := range t.Header {
			if j > 0 {
				b.WriteString("  ")
			}
			c := cell(r, j)
			if j == len(t.Header)-1 && !t.right(j) {
				b.WriteString(c)
			} else {
				b.WriteString(Pad(c, w[j], t.right(j)))
			}
		}
		return b.String()
	}
	lines := make([]string, 0, 1+len(t.Rows))
	lines = append(lines, line(t.Header))
	for _, r := range t.Rows {
		lines = append(lines, line(r))
	}
	return lines
}

// Text renders the table as aligned plain text, one line per row after the header.
func (t *Table) Text() string {
	return strings.Join(t.Lines(), "\n") + "\n"
}

// Markdown renders the table in GitHub-flavoured Markdown, each column aligned as in Text.
// Pipes and newlines inside cells are escaped so that a cell never splits the row.
func (t *Table) Markdown() string {
	esc := strings.NewReplacer("|", `\|`, "\r\n", " ", "\n", " ")
	var b strings.Builder
	row := func(r []string) {
		b.WriteString("|")
		for j := range t.Header {
			b.WriteString(" " + esc.Replace(cell(r, j)) + " |")
		}
		b.WriteString("\n")
	}
	row(t.Header)
	b.WriteString("|")
	for j := range t.Header {
		if t.right(j) {
			b.WriteString("---:|")
		} else {
			b.WriteString("---|")
		}
	}
	b.WriteString("\n")
	for _, r := range t.Rows {
		row(r)
	}
	return b.String()
}

// HTMLStyle is the markup of an HTML table. Its fields keep the markup each output already
// had (inline styles for self-contained tables, bare tables that the book's CSS styles), so
// saved notebooks and the pages built from them look as before.
type HTMLStyle struct {
	Class        string // class attribute of <table>, "" for none
	Style        string // style attribute of <table>, "" for none
	CaptionStyle string // style attribute of <caption>, "" for none
	Cell         string // inline style of every th and td, before the alignment
	Head         string // more inline style for th
	AlignHead    bool   // th carry text-align too (otherwise browsers centre them)
	Lines        bool   // a newline after each section and row, for readable source
}

// HTML renders the table as an HTML table: every cell escaped, each column aligned as in
// Text. caption (escaped) is left out when empty. foot rows go in a <tfoot>; a foot row
// with fewer cells than the header lets its first cell span the missing columns (as in
// "Total params | 1,234").
func (t *Table) HTML(s HTMLStyle, caption string, foot ...[]string) string {
	var b strings.Builder
	nl := ""
	if s.Lines {
		nl = "\n"
	}
	b.WriteString("<table" + attr("class", s.Class) + attr("style", s.Style) + ">" + nl)
	if caption != "" {
		b.WriteString("<caption" + attr("style", s.CaptionStyle) + ">" + html.EscapeString(caption) + "</caption>" + nl)
	}
	style := func(j int, head bool) string {
		var parts []string
		if s.Cell != "" {
			parts = append(parts, s.Cell)
		}
		if head && s.Head != "" {
			parts = append(parts, s.Head)
		}
		if !head || s.AlignHead {
			parts = append(parts, "text-align:"+align(t.right(j)))
		}
		return attr("style", strings.Join(parts, ";"))
	}
	b.WriteString("<thead><tr>")
	for j, h := range t.Header {
		b.WriteString("<th" + style(j, true) + ">" + html.EscapeString(h) + "</th>")
	}
	b.WriteString("</tr></thead>" + nl + "<tbody>" + nl)
	for _, r := range t.Rows {
		b.WriteString("<tr>")
		for j := range t.Header {
			b.WriteString("<td" + style(j, false) + ">" + html.EscapeString(cell(r, j)) + "</td>")
		}
		b.WriteString("</tr>" + nl)
	}
	b.WriteString("</tbody>" + nl)
	if len(foot) > 0 {
		b.WriteString("<tfoot>" + nl)
		for _, r := range foot {
			b.WriteString("<tr>")
			span := len(t.Header) - len(r) + 1
			j := 0
			for i, c := range r {
				colspan := ""
				if i == 0 && span > 1 {
					colspan = fmt.Sprintf(" colspan=\"%d\"", span)
				}
				b.WriteString("<td" + colspan + style(j, false) + ">" + html.EscapeString(c) + "</td>")
				if i == 0 {
					j += max(span, 1)
				} else {
					j++
				}
			}
			b.WriteString("</tr>" + nl)
		}
		b.WriteString("</tfoot>" + nl)
	}
	b.WriteString("</table>\n")
	return b.String()
}

func attr(name, value string) string {
	if value == "" {
		return ""
	}
	return " " + name + "=\"" + html.EscapeString(value) + "\""
}

func align(right bool) string {
	if right {
		return "right"
	}
	return "left"
}
