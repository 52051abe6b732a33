// SPDX-License-Identifier: Apache-2.0

package eval

import (
	"fmt"
	"html"
	"math"
	"strings"
	"unicode/utf8"
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

// writeTextTable writes an aligned plain-text table: first column left-aligned, others right-aligned.
func writeTextTable(b *strings.Builder, header []string, rows [][]string) {
	widths := make([]int, len(header))
	for _, row := range append([][]string{header}, rows...) {
		for j, cell := range row {
			if j < len(widths) {
				widths[j] = max(widths[j], utf8.RuneCountInString(cell))
			}
		}
	}
	line := func(row []string) {
		for j, cell := range row {
			if j >= len(widths) {
				break
			}
			pad := strings.Repeat(" ", widths[j]-utf8.RuneCountInString(cell))
			if j == 0 {
				b.WriteString(cell + pad)
			} else {
				b.WriteString("  " + pad + cell)
			}
		}
		b.WriteString("\n")
	}
	line(header)
	for _, row := range rows {
		line(row)
	}
}

const tableStyle = `border-collapse:collapse;font-family:sans-serif;font-size:13px;margin:4px 0 12px 0`
const cellStyle = `border:1px solid #ccc;padding:3px 8px`

// writeHTMLTable writes an HTML table with escaped cells; numbers are right-aligned.
func writeHTMLTable(b *strings.Builder, caption string, header []string, rows [][]string) {
	fmt.Fprintf(b, "<table style=\"%s\">", tableStyle)
	if caption != "" {
		fmt.Fprintf(b, "<caption style=\"text-align:left;font-weight:bold;padding:2px 0\">%s</caption>", html.EscapeString(caption))
	}
	b.WriteString("<thead><tr>")
	for _, h := range header {
		fmt.Fprintf(b, "<th style=\"%s;background:#f3f3f3\">%s</th>", cellStyle, html.EscapeString(h))
	}
	b.WriteString("</tr></thead><tbody>")
	for _, row := range rows {
		b.WriteString("<tr>")
		for j, cell := range row {
			align := "right"
			if j == 0 {
				align = "left"
			}
			fmt.Fprintf(b, "<td style=\"%s;text-align:%s\">%s</td>", cellStyle, align, html.EscapeString(cell))
		}
		b.WriteString("</tr>")
	}
	b.WriteString("</tbody></table>\n")
}
