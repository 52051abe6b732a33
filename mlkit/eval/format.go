// SPDX-License-Identifier: Apache-2.0

package eval

import (
	"fmt"
	"math"
	"strings"

	"github.com/medgo-lab/medgo/mlkit/internal/textout"
)

// fmtFloat formats a metric with three decimals, and NaN as "n/a".
func fmtFloat(v float64) string {
	switch {
	case math.IsNaN(v):
		return "n/a"
	case math.IsInf(v, 1):
		return "+Inf"
	case math.IsInf(v, -1):
		return "-Inf"
	}
	return fmt.Sprintf("%.3f", v)
}

// fmtNum formats a free-range number (threshold, error in target units) with 4 significant digits.
func fmtNum(v float64) string {
	if math.IsNaN(v) {
		return "n/a"
	}
	return fmt.Sprintf("%.4g", v)
}

// writeTextTable writes an aligned plain-text table: first column left-aligned, others
// right-aligned, by display width so that "≥" and "µ" in labels keep the columns straight.
func writeTextTable(b *strings.Builder, header []string, rows [][]string) {
	t := textout.Table{Header: header, Rows: rows, Right: textout.FirstLeft(len(header))}
	b.WriteString(t.Text())
}

// htmlStyle is the look of report tables: inline styles, so that a report pasted anywhere
// (notebook output, saved page) keeps it.
var htmlStyle = textout.HTMLStyle{
	Style:        "border-collapse:collapse;font-family:sans-serif;font-size:13px;margin:4px 0 12px 0",
	CaptionStyle: "text-align:left;font-weight:bold;padding:2px 0",
	Cell:         "border:1px solid #ccc;padding:3px 8px",
	Head:         "background:#f3f3f3",
}

// writeHTMLTable writes an HTML table with escaped cells; numbers are right-aligned.
func writeHTMLTable(b *strings.Builder, caption string, header []string, rows [][]string) {
	t := textout.Table{Header: header, Rows: rows, Right: textout.FirstLeft(len(header))}
	b.WriteString(t.HTML(htmlStyle, caption))
}
