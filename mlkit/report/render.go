// SPDX-License-Identifier: Apache-2.0

package report

import (
	"encoding/json"
	"fmt"
	"html"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/medgo-lab/medgo/mlkit/display"
	"github.com/medgo-lab/medgo/mlkit/internal/textout"
)

// slug turns a figure title into a file name: lower-case letters, digits and dashes.
func slug(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
	}
	out := strings.TrimSuffix(b.String(), "-")
	if out == "" {
		return "figure"
	}
	return out
}

// Markdown renders the report as GitHub-flavoured Markdown. Figures are referenced as
// FiguresDir/NAME.png, the files Save writes beside report.md.
func (r *Report) Markdown() string {
	var b strings.Builder
	for _, bl := range r.blocks {
		switch {
		case bl.heading != "":
			b.WriteString(bl.heading + "\n\n")
		case bl.caveat != "":
			b.WriteString("> **" + bl.caveat + "**\n\n")
		case bl.text != "":
			b.WriteString(bl.text + "\n\n")
		case bl.list != nil:
			for _, l := range bl.list {
				b.WriteString("- " + l + "\n")
			}
			b.WriteString("\n")
		case bl.table != nil:
			if bl.caption != "" {
				b.WriteString("*" + bl.caption + "*\n\n")
			}
			t := *bl.table
			if isKeyValue(t.Header) {
				t.Header = []string{"item", "value"}
			}
			b.WriteString(t.Markdown() + "\n")
		case bl.code != "":
			b.WriteString("```json\n" + bl.code + "\n```\n\n")
		case bl.figure != nil:
			fmt.Fprintf(&b, "![%s](%s/%s.png)\n\n", bl.figure.title, FiguresDir, bl.figure.name)
		}
	}
	return b.String()
}

func isKeyValue(header []string) bool {
	return len(header) == 2 && header[0] == "" && header[1] == ""
}

var (
	boldMark = regexp.MustCompile(`\*\*([^*]+)\*\*`)
	codeMark = regexp.MustCompile("`([^`]+)`")
)

// inline renders the two marks report text uses, after escaping it.
func inline(s string) string {
	s = html.EscapeString(s)
	s = boldMark.ReplaceAllString(s, "<b>$1</b>")
	return codeMark.ReplaceAllString(s, "<code>$1</code>")
}

var tableStyle = textout.HTMLStyle{
	Style:        "border-collapse:collapse;margin:6px 0 14px 0",
	CaptionStyle: "text-align:left;font-style:italic;padding-bottom:4px",
	Cell:         "border-bottom:1px solid #ddd;padding:3px 10px",
	Head:         "border-bottom:2px solid #999",
	AlignHead:    true,
	Lines:        true,
}

// Fragment renders the report as an HTML fragment (no <html> or <body>), figures embedded
// as PNG data, for a notebook cell.
func (r *Report) Fragment() string {
	var b strings.Builder
	b.WriteString(`<div class="medgo-model-report" style="max-width:60em;font-family:sans-serif;line-height:1.4">` + "\n")
	for _, bl := range r.blocks {
		switch {
		case bl.heading != "":
			level := len(bl.heading) - len(strings.TrimLeft(bl.heading, "#"))
			fmt.Fprintf(&b, "<h%d>%s</h%d>\n", level, inline(strings.TrimSpace(strings.TrimLeft(bl.heading, "#"))), level)
		case bl.caveat != "":
			b.WriteString(`<p style="border-left:4px solid #c0392b;background:#fdecea;padding:8px 12px"><b>` + inline(bl.caveat) + "</b></p>\n")
		case bl.text != "":
			b.WriteString("<p>" + inline(bl.text) + "</p>\n")
		case bl.list != nil:
			b.WriteString("<ul>\n")
			for _, l := range bl.list {
				b.WriteString("<li>" + inline(l) + "</li>\n")
			}
			b.WriteString("</ul>\n")
		case bl.table != nil:
			t := *bl.table
			if isKeyValue(t.Header) {
				t.Header = []string{"item", "value"}
			}
			b.WriteString(t.HTML(tableStyle, bl.caption))
		case bl.code != "":
			b.WriteString(`<pre style="background:#f6f6f6;padding:8px;overflow-x:auto">` + html.EscapeString(bl.code) + "</pre>\n")
		case bl.figure != nil:
			fmt.Fprintf(&b, `<img src="%s" alt="%s" style="width:%dpx;max-width:100%%;margin:4px 8px 4px 0">`+"\n",
				display.PNGDataURI(bl.figure.png), html.EscapeString(bl.figure.title), bl.figure.width*3/4)
		}
	}
	b.WriteString("</div>\n")
	return b.String()
}

// HTML renders the report as one self-contained HTML page: no scripts and no external
// resources, so it can be mailed or archived as is.
func (r *Report) HTML() string {
	title := r.Name
	if len(r.blocks) > 0 && r.blocks[0].heading != "" {
		title = strings.TrimSpace(strings.TrimLeft(r.blocks[0].heading, "#"))
	}
	return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + html.EscapeString(title) +
		"</title></head>\n<body style=\"margin:2em\">\n" + r.Fragment() + "</body></html>\n"
}

// Show displays the report in a notebook; elsewhere it writes it as an HTML file (see
// display.ShowHTML).
func (r *Report) Show() error { return display.ShowHTML(r.Fragment()) }

// Save writes the report into its run's directory: report.html (self-contained),
// report.md with its figures in report-figures/, and card.json with what the author said,
// so that `medgo report RUN` writes the same report later. Each file is written to a
// temporary name first and then renamed, so an interrupted Save leaves the previous report
// whole. These files are the report's own: Save replaces them, and nothing else in the run.
func (r *Report) Save() error {
	figDir := filepath.Join(r.Dir, FiguresDir)
	if err := os.MkdirAll(figDir, 0o755); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	for _, bl := range r.blocks {
		if bl.figure != nil {
			if err := writeAtomic(filepath.Join(figDir, bl.figure.name+".png"), bl.figure.png); err != nil {
				return err
			}
		}
	}
	card, err := json.MarshalIndent(r.Card, "", "  ")
	if err != nil {
		return fmt.Errorf("report: encoding the card: %w", err)
	}
	for _, f := range []struct {
		name string
		data []byte
	}{
		{CardFile, append(card, '\n')},
		{MarkdownFile, []byte(r.Markdown())},
		{HTMLFile, []byte(r.HTML())},
	} {
		if err := writeAtomic(filepath.Join(r.Dir, f.name), f.data); err != nil {
			return err
		}
	}
	return nil
}

// Path is where Save writes the HTML report.
func (r *Report) Path() string { return filepath.Join(r.Dir, HTMLFile) }

func writeAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("report: %w", err)
	}
	_, err = tmp.Write(data)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("report: writing %s: %w", path, err)
	}
	return nil
}
