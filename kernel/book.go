// SPDX-License-Identifier: Apache-2.0

package main

// medgo book: a static HTML book of the executed notebooks that medgo run writes.
//
// The book is one directory: index.html (the results table), one page per notebook and
// book.css (the page style and the syntax-highlighting classes). It loads nothing from the
// network and runs no scripts, so it can be opened from disk or served by any static server.

import (
	"encoding/base64"
	"encoding/json"
	"flag"
	"fmt"
	"html"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/alecthomas/chroma/v2"
	chromahtml "github.com/alecthomas/chroma/v2/formatters/html"
	"github.com/alecthomas/chroma/v2/lexers"
	"github.com/alecthomas/chroma/v2/styles"
	"github.com/microcosm-cc/bluemonday"
	"github.com/microcosm-cc/bluemonday/css"
)

// bookStyle is the chroma style whose classes book.css defines.
const bookStyle = "github"

// bookCSSFile is the style sheet every page links to.
const bookCSSFile = "book.css"

type bookOptions struct {
	In, Out string
}

func cmdBook(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("book", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var opts bookOptions
	fs.StringVar(&opts.In, "in", "", "directory of executed notebooks written by medgo run (default: <checkout>/out)")
	fs.StringVar(&opts.Out, "out", "", "directory to write the HTML book to (default: <in>/book)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: medgo book [--in DIR] [--out DIR]   (build a static HTML book of the executed notebooks)")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "medgo book: unexpected argument %q; the notebooks are read from --in DIR\n", fs.Arg(0))
		return 2
	}
	if opts.In == "" {
		root, err := findRoot()
		if err != nil {
			fmt.Fprintln(stderr, "medgo book:", err, "(or pass --in DIR)")
			return 1
		}
		opts.In = filepath.Join(root, "out")
	}
	if opts.Out == "" {
		opts.Out = filepath.Join(opts.In, "book")
	}
	n, err := buildBook(opts.In, opts.Out)
	if err != nil {
		fmt.Fprintln(stderr, "medgo book:", err)
		return 1
	}
	noun := "notebooks"
	if n == 1 {
		noun = "notebook"
	}
	fmt.Fprintf(stdout, "Wrote a book of %d %s: %s\n", n, noun, filepath.Join(opts.Out, "index.html"))
	return 0
}

// bookPage is one notebook of the book.
type bookPage struct {
	File string // the page's file name, NAME.html
	Row  resultRow
	NB   *ipynb
}

// buildBook renders every .ipynb in dir in into the directory out and returns how many.
func buildBook(in, out string) (int, error) {
	paths, err := filepath.Glob(filepath.Join(in, "*.ipynb"))
	if err != nil {
		return 0, err
	}
	sort.Strings(paths)
	if len(paths) == 0 {
		return 0, fmt.Errorf("no executed notebooks (*.ipynb) in %s; run medgo run first, or pass --in DIR", in)
	}
	var pages []bookPage
	for _, p := range paths {
		nb, err := loadIpynb(p)
		if err != nil {
			return 0, err
		}
		name := strings.TrimSuffix(filepath.Base(p), ".ipynb")
		row := summarizeNotebook(name, nb)
		row.Metrics = readMeasurements(p)
		pages = append(pages, bookPage{File: name + ".html", Row: row, NB: nb})
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return 0, err
	}
	css, err := bookCSS()
	if err != nil {
		return 0, err
	}
	if err := os.WriteFile(filepath.Join(out, bookCSSFile), []byte(css), 0o644); err != nil {
		return 0, err
	}
	for i, pg := range pages {
		var prev, next *bookPage
		if i > 0 {
			prev = &pages[i-1]
		}
		if i+1 < len(pages) {
			next = &pages[i+1]
		}
		if err := os.WriteFile(filepath.Join(out, pg.File), []byte(renderPage(pg, prev, next)), 0o644); err != nil {
			return 0, err
		}
	}
	if err := os.WriteFile(filepath.Join(out, "index.html"), []byte(renderIndex(pages)), 0o644); err != nil {
		return 0, err
	}
	return len(pages), nil
}

// summarizeNotebook reads the status, wall time, title and backend off an executed notebook.
// The wall time spans the first cell's start to the last cell's reply, as recorded by the
// Jupyter client; it leaves out the kernel's start-up.
func summarizeNotebook(name string, nb *ipynb) resultRow {
	row := resultRow{Notebook: name, Title: notebookTitle(nb), Backend: backendOf(nb)}
	var first, last time.Time
	code, executed, firstUnrun := 0, 0, 0
	for i, c := range nb.Cells {
		if c.CellType != "code" {
			continue
		}
		if start, ok := cellTime(c, "iopub.execute_input", "iopub.status.busy"); ok && (first.IsZero() || start.Before(first)) {
			first = start
		}
		if end, ok := cellTime(c, "shell.execute_reply", "iopub.status.idle"); ok && end.After(last) {
			last = end
		}
		for _, o := range c.Outputs {
			if o.OutputType == "error" && row.Status == "" {
				row.Status = fmt.Sprintf("error in cell %d", i+1)
				if c.ExecutionCount != nil {
					row.Status += fmt.Sprintf(" (In [%d])", *c.ExecutionCount)
				}
			}
		}
		if strings.TrimSpace(joinText(c.Source)) == "" {
			continue
		}
		code++
		if c.ExecutionCount != nil {
			executed++
		} else if firstUnrun == 0 {
			firstUnrun = i + 1
		}
	}
	if !first.IsZero() && last.After(first) {
		row.Wall = last.Sub(first)
	}
	switch {
	case row.Status != "":
	case code > 0 && executed == 0:
		row.Status = "not executed"
	case executed < code:
		row.Status = fmt.Sprintf("incomplete: cell %d did not run", firstUnrun)
	default:
		row.Status, row.OK = "ok", true
	}
	return row
}

func cellTime(c ipynbCell, keys ...string) (time.Time, bool) {
	for _, k := range keys {
		if s, ok := c.Metadata.Execution[k].(string); ok {
			if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
				return t, true
			}
		}
	}
	return time.Time{}, false
}

// notebookTitle is the text of the first heading in the notebook's markdown, or "".
func notebookTitle(nb *ipynb) string {
	for _, c := range nb.Cells {
		if c.CellType != "markdown" {
			continue
		}
		if t := markdownTitle(joinText(c.Source)); t != "" {
			return t
		}
	}
	return ""
}

// Training progress names the backend: "<b>RUN</b> on BACKEND<br>" in a notebook and
// "Training RUN on BACKEND" on a terminal (mlkit/train).
var (
	backendHTML = regexp.MustCompile(`<b>[^<]*</b> on ([^<]+)<br>`)
	backendText = regexp.MustCompile(`(?m)^Training \S+ on (.+?)\s*$`)
)

// backendOf lists the compute backends the notebook's training progress reports, in order of
// first appearance, or "" when the notebook trained nothing.
func backendOf(nb *ipynb) string {
	var found []string
	add := func(b string) {
		b = strings.TrimSpace(html.UnescapeString(b))
		for _, f := range found {
			if f == b {
				return
			}
		}
		found = append(found, b)
	}
	for _, c := range nb.Cells {
		for _, o := range c.Outputs {
			for _, m := range backendHTML.FindAllStringSubmatch(joinText(o.Data["text/html"]), -1) {
				add(m[1])
			}
			for _, text := range []string{joinText(o.Text), joinText(o.Data["text/plain"])} {
				for _, m := range backendText.FindAllStringSubmatch(text, -1) {
					add(m[1])
				}
			}
		}
	}
	return strings.Join(found, "; ")
}

// ---- pages ----

// bookCSP is the Content-Security-Policy of every page, the browser's own guarantee that the
// book runs no scripts even if something got past sanitizeHTML: nothing is allowed by
// default, and no script, plugin, frame, worker, form submission or <base> ever. A page needs
// only book.css (style-src-elem), the style attributes of Markdown tables and display outputs
// (style-src-attr) and images, which are data URIs or files next to the page (img-src).
// 'self' covers a served book; file: a book opened from disk, where browsers differ on
// whether 'self' matches (Firefox gives a file: page an origin that matches nothing).
// style-src is the fallback for browsers without the -elem/-attr split. A meta policy
// cannot set frame-ancestors or sandbox; those need HTTP headers.
const bookCSP = "default-src 'none'; script-src 'none'; object-src 'none'; frame-src 'none'; child-src 'none'; " +
	"worker-src 'none'; base-uri 'none'; form-action 'none'; img-src 'self' file: data:; " +
	"style-src 'self' file: 'unsafe-inline'; style-src-elem 'self' file:; style-src-attr 'unsafe-inline'"

// pageHead opens a page. The policy comes first in <head>, before anything it governs.
func pageHead(b *strings.Builder, title string) {
	b.WriteString("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n")
	b.WriteString("<meta http-equiv=\"Content-Security-Policy\" content=\"" + bookCSP + "\">\n<meta charset=\"utf-8\">\n")
	b.WriteString("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
	fmt.Fprintf(b, "<title>%s</title>\n<link rel=\"stylesheet\" href=\"%s\">\n</head>\n<body>\n", html.EscapeString(title), bookCSSFile)
}

func pageLink(pg *bookPage) string {
	return html.EscapeString(url.PathEscape(pg.File))
}

func navBar(b *strings.Builder, class string, prev, next *bookPage) {
	fmt.Fprintf(b, "<nav class=\"%s\">", class)
	if prev != nil {
		fmt.Fprintf(b, "<a class=\"prev\" rel=\"prev\" href=\"%s\">← %s</a>", pageLink(prev), html.EscapeString(prev.Row.Notebook))
	} else {
		b.WriteString("<span class=\"prev\"></span>")
	}
	b.WriteString("<a class=\"up\" href=\"index.html\">Contents</a>")
	if next != nil {
		fmt.Fprintf(b, "<a class=\"next\" rel=\"next\" href=\"%s\">%s →</a>", pageLink(next), html.EscapeString(next.Row.Notebook))
	} else {
		b.WriteString("<span class=\"next\"></span>")
	}
	b.WriteString("</nav>\n")
}

func statusClass(r resultRow) string {
	if r.OK {
		return "ok"
	}
	return "failed"
}

// renderIndex is the book's first page: the results table with a link to every notebook.
func renderIndex(pages []bookPage) string {
	var b strings.Builder
	pageHead(&b, "MedGo notebooks")
	b.WriteString("<main>\n<h1>MedGo notebooks</h1>\n")
	b.WriteString("<p>The notebooks as <code>medgo run</code> executed them. Wall time runs from the first cell's start to the last cell's end.</p>\n")
	b.WriteString("<table class=\"results\">\n<thead><tr><th>Notebook</th><th>Status</th><th class=\"num\">Wall time</th><th>Headline metrics</th><th>Backend</th></tr></thead>\n<tbody>\n")
	for i := range pages {
		r := pages[i].Row
		fmt.Fprintf(&b, "<tr><td><a href=\"%s\">%s</a>", pageLink(&pages[i]), html.EscapeString(r.Notebook))
		if r.Title != "" {
			fmt.Fprintf(&b, "<br><span class=\"title\">%s</span>", html.EscapeString(r.Title))
		}
		fmt.Fprintf(&b, "</td><td class=\"%s\">%s</td><td class=\"num\">%s</td><td>%s</td><td>%s</td></tr>\n",
			statusClass(r), html.EscapeString(r.Status), formatWall(r.Wall),
			strings.ReplaceAll(html.EscapeString(metricsText(r.Metrics, "\n")), "\n", "<br>"),
			html.EscapeString(orDash(r.Backend)))
	}
	b.WriteString("</tbody>\n</table>\n</main>\n</body>\n</html>\n")
	return b.String()
}

// renderPage renders one notebook: markdown cells, highlighted code and the outputs.
func renderPage(pg bookPage, prev, next *bookPage) string {
	var b strings.Builder
	title := pg.Row.Notebook
	if pg.Row.Title != "" {
		title = pg.Row.Title + " · " + pg.Row.Notebook
	}
	pageHead(&b, title)
	navBar(&b, "top", prev, next)
	b.WriteString("<main>\n")
	fmt.Fprintf(&b, "<p class=\"summary\"><span class=\"%s\">%s</span> · %s", statusClass(pg.Row), html.EscapeString(pg.Row.Status), formatWall(pg.Row.Wall))
	if pg.Row.Backend != "" {
		fmt.Fprintf(&b, " · %s", html.EscapeString(pg.Row.Backend))
	}
	if len(pg.Row.Metrics) > 0 {
		fmt.Fprintf(&b, " · %s", html.EscapeString(metricsText(pg.Row.Metrics, ", ")))
	}
	b.WriteString("</p>\n")
	md := newPageMarkdown()
	for i, c := range pg.NB.Cells {
		src := joinText(c.Source)
		switch c.CellType {
		case "markdown":
			fmt.Fprintf(&b, "<section class=\"cell markdown\" id=\"cell-%d\">\n%s</section>\n", i+1, md.render(src, attachmentURIs(c.Attachments)))
		case "code":
			failed := false
			for _, o := range c.Outputs {
				failed = failed || o.OutputType == "error"
			}
			class := "cell code"
			if failed {
				class += " failed"
			}
			prompt := "In [ ]:"
			if c.ExecutionCount != nil {
				prompt = fmt.Sprintf("In [%d]:", *c.ExecutionCount)
			}
			fmt.Fprintf(&b, "<section class=\"%s\" id=\"cell-%d\">\n<div class=\"prompt\">%s</div>\n%s", class, i+1, prompt, highlightCode("go", src))
			if len(c.Outputs) > 0 {
				b.WriteString("<div class=\"outputs\">\n")
				for _, o := range c.Outputs {
					b.WriteString(renderOutput(o, md))
				}
				b.WriteString("</div>\n")
			}
			b.WriteString("</section>\n")
		default: // raw cells are shown as they are
			fmt.Fprintf(&b, "<section class=\"cell raw\" id=\"cell-%d\"><pre>%s</pre></section>\n", i+1, html.EscapeString(src))
		}
	}
	b.WriteString("</main>\n")
	navBar(&b, "bottom", prev, next)
	b.WriteString("</body>\n</html>\n")
	return b.String()
}

func attachmentURIs(att map[string]map[string]any) map[string]string {
	uris := map[string]string{}
	for name, data := range att {
		for mime, v := range data {
			if uri, ok := imageURI(mime, joinText(v)); ok {
				uris[name] = uri
			}
		}
	}
	return uris
}

// imageURI makes a data URI of a base64 image output; it refuses data that is not base64.
func imageURI(mime, b64 string) (string, bool) {
	switch mime {
	case "image/png", "image/jpeg", "image/gif", "image/webp":
	default:
		return "", false
	}
	b64 = strings.Join(strings.Fields(b64), "")
	if _, err := base64.StdEncoding.DecodeString(b64); err != nil || b64 == "" {
		return "", false
	}
	return "data:" + mime + ";base64," + b64, true
}

// outputOrder is the order in which a display's MIME types are preferred, richest first.
var outputOrder = []string{"text/html", "image/svg+xml", "image/png", "image/jpeg", "image/gif", "image/webp",
	"text/markdown", "text/latex", "application/json", "text/plain"}

func renderOutput(o ipynbOutput, md *pageMarkdown) string {
	switch o.OutputType {
	case "stream":
		name := o.Name
		if name != "stderr" {
			name = "stdout"
		}
		return fmt.Sprintf("<pre class=\"output stream %s\">%s</pre>\n", name, html.EscapeString(terminalText(joinText(o.Text))))
	case "error":
		text := strings.Join(o.Traceback, "\n")
		if strings.TrimSpace(ansiEscape.ReplaceAllString(text, "")) == "" {
			text = o.EName + ": " + o.EValue
		}
		return fmt.Sprintf("<pre class=\"output error\">%s</pre>\n", html.EscapeString(terminalText(text)))
	case "display_data", "execute_result", "update_display_data":
		if _, ok := o.Data[metricMIME]; ok {
			return "" // a recorded figure: nothing for the reader
		}
		for _, mime := range outputOrder {
			v, ok := o.Data[mime]
			if !ok {
				continue
			}
			switch mime {
			case "text/html":
				return "<div class=\"output html\">" + sanitizeHTML(joinText(v)) + "</div>\n"
			case "image/svg+xml":
				return "<div class=\"output image\">" + sanitizeHTML(joinText(v)) + "</div>\n"
			case "text/markdown":
				return "<div class=\"output markdown\">" + md.render(joinText(v), nil) + "</div>\n"
			case "application/json":
				j, _ := json.MarshalIndent(v, "", "  ")
				return fmt.Sprintf("<pre class=\"output json\">%s</pre>\n", html.EscapeString(string(j)))
			case "text/latex", "text/plain":
				return fmt.Sprintf("<pre class=\"output text\">%s</pre>\n", html.EscapeString(terminalText(joinText(v))))
			default:
				if uri, ok := imageURI(mime, joinText(v)); ok {
					return fmt.Sprintf("<div class=\"output image\"><img src=\"%s\" alt=\"%s output\"></div>\n", uri, mime)
				}
				return fmt.Sprintf("<pre class=\"output error\">[%s output that is not valid base64]</pre>\n", mime)
			}
		}
	}
	return ""
}

// terminalText is what a terminal would show: colour codes removed and lines rewritten by a
// carriage return (progress bars) reduced to their last state.
func terminalText(s string) string {
	s = ansiEscape.ReplaceAllString(strings.ReplaceAll(s, "\r\n", "\n"), "")
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		if strings.Contains(l, "\r") {
			parts := strings.Split(l, "\r")
			l = ""
			for j := len(parts) - 1; j >= 0 && l == ""; j-- {
				l = parts[j]
			}
			lines[i] = l
		}
	}
	return strings.Join(lines, "\n")
}

// sanitizeHTML makes a display's markup (text/html and image/svg+xml outputs) safe to put in a
// page: it keeps what notebook displays legitimately contain and drops everything else (see
// displayPolicy). It works on the HTML tokenizer's view of the markup, so entities, case and
// whitespace tricks are decoded before anything is judged. XML prologues, doctypes and
// comments go too.
func sanitizeHTML(h string) string {
	return displayPolicy.Sanitize(h)
}

// displayPolicy is built once: bluemonday policies are safe for concurrent use.
var displayPolicy = newDisplayPolicy()

// Attribute values the display policy accepts. bluemonday matches them against the decoded
// value, unanchored, so every pattern is anchored.
var (
	// A link: http, https or mailto, or a relative URL (no scheme: nothing before a ':' that
	// comes ahead of the first '/', '?' or '#'). bluemonday also parses it and checks the scheme.
	linkURL = regexp.MustCompile(`^(?:(?i:https?|mailto):|[^:/?#]*(?:[/?#].*)?$)`)
	// An image: a base64 data URI, or a path relative to the book (no scheme, no host), so
	// that a display never makes the book load something from the network.
	imageSrc = regexp.MustCompile(`^(?:data:image/(?:png|jpeg|gif|webp|svg\+xml);base64,[A-Za-z0-9+/=\s]+|(?:\.\.?/)*[\w%~-][\w%~./-]*)$`)
	// An SVG <image>: base64 raster data only (gonum's vgsvg labels its PNGs image/jpg).
	svgImageHref = regexp.MustCompile(`^data:image/(?:png|jpe?g|gif|webp);base64,[A-Za-z0-9+/=\s]+$`)
	// A reference to an element of the same document (<use>, url(#id) paint and clip paths).
	fragmentRef = regexp.MustCompile(`^#[A-Za-z_][\w.:-]*$`)
	elementID   = regexp.MustCompile(`^[A-Za-z_][\w.:-]*$`)
	number      = regexp.MustCompile(`^[-+]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$`)
	// Lengths and coordinate lists (x, width, viewBox, points, path data, transforms,
	// stroke-dasharray): numbers, units, path commands and transform functions. None of
	// these attributes takes a URL, and without ':', '/' or '#' none could be written anyway.
	svgGeometry = regexp.MustCompile(`^[A-Za-z0-9.,%+\-\s()]*$`)
	// A paint: a colour, none, currentColor, or a gradient of the same document.
	svgPaint = regexp.MustCompile(`^(?:#[0-9A-Fa-f]{3,8}|[A-Za-z]+|(?i:rgba?|hsla?)\([0-9.,%\s]+\)|url\(#[A-Za-z_][\w.:-]*\))$`)
	svgClip  = regexp.MustCompile(`^(?:none|url\(#[A-Za-z_][\w.:-]*\))$`)
	svgFont  = regexp.MustCompile(`^[\w\s,'"-]+$`)
	svgWord  = regexp.MustCompile(`^[A-Za-z-]+$`)
)

// svgElements are the SVG elements plots are drawn with (gonum/plot's vgsvg uses svg, g, path,
// text and image). Left out on purpose: script, style, foreignObject (HTML inside SVG) and
// the animation elements (<animate>/<set> can rewrite an attribute into a javascript: link).
// An SVG <a> gets the HTML link rules: its href is checked, xlink:href is not allowed.
var svgElements = []string{"svg", "g", "defs", "symbol", "path", "rect", "circle", "ellipse", "line", "polyline", "polygon",
	"text", "tspan", "clippath", "lineargradient", "radialgradient", "stop", "marker", "use", "image"}

// newDisplayPolicy is the allow-list for display outputs. Anything not named here is
// dropped: an element that is not allowed loses its tags (its text stays, except for the
// contents of script, style, iframe, object and the like, which go entirely) and an attribute
// that is not allowed, or whose value does not match, is removed. That rules out by
// construction every way for a display to run script (script elements, event handlers,
// javascript: and data:text/html URLs, srcdoc, plugins, frames, forms, meta refresh, <base>)
// whatever its spelling, since the checks see the decoded attribute values.
func newDisplayPolicy() *bluemonday.Policy {
	p := bluemonday.NewPolicy()

	// Text, headings, lists, code and tables: what rich outputs (tables of results, reports,
	// progress boxes) are made of.
	p.AllowElements("div", "span", "p", "br", "hr", "b", "i", "u", "s", "em", "strong", "small", "big", "sub", "sup",
		"mark", "code", "pre", "kbd", "samp", "var", "tt", "abbr", "cite", "dfn", "q", "blockquote", "del", "ins",
		"h1", "h2", "h3", "h4", "h5", "h6", "figure", "figcaption", "details", "summary", "section", "article",
		"header", "footer", "center", "caption")
	p.AllowLists()
	p.AllowAttrs("start").Matching(bluemonday.Integer).OnElements("ol")
	p.AllowTables()
	p.AllowElements("table", "thead", "tbody", "tfoot", "tr", "th", "td", "col", "colgroup")
	p.AllowAttrs("value", "max", "min", "low", "high", "optimum").Matching(number).OnElements("progress", "meter")
	p.AllowNoAttrs().OnElements("progress", "meter")

	// Styling: classes, ids, titles and language everywhere, and inline styles (see
	// allowDisplayStyles).
	p.AllowAttrs("class").Matching(bluemonday.SpaceSeparatedTokens).Globally()
	p.AllowAttrs("id").Matching(elementID).Globally()
	// Titles and alt texts are only ever shown as text, and the sanitizer escapes every value
	// it writes back, so any text will do.
	p.AllowAttrs("title").Globally()
	p.AllowAttrs("lang").Matching(regexp.MustCompile(`^[A-Za-z]{2,8}(?:-[A-Za-z0-9]{1,8})*$`)).Globally()
	p.AllowAttrs("dir").Matching(bluemonday.Direction).Globally()
	allowDisplayStyles(p)

	// Links and images. bluemonday parses every href and src and accepts only these schemes
	// (data: only for base64 images) or a relative URL; the patterns above narrow that per
	// element.
	p.RequireParseableURLs(true)
	p.AllowRelativeURLs(true)
	p.AllowURLSchemes("http", "https", "mailto")
	p.AllowDataURIImages()
	p.AllowAttrs("href").Matching(linkURL).OnElements("a")
	p.AllowAttrs("src").Matching(imageSrc).OnElements("img")
	p.AllowAttrs("alt").OnElements("img")
	p.AllowAttrs("width", "height").Matching(bluemonday.NumberOrPercent).OnElements("img")

	// Inline SVG plots. The tokenizer lowercases names (viewBox, clipPath), which the HTML
	// parser of a browser puts back when it reads them inside <svg>.
	p.AllowNoAttrs().OnElements(svgElements...)
	p.AllowAttrs("xmlns").Matching(regexp.MustCompile(`^http://www\.w3\.org/2000/svg$`)).OnElements("svg")
	p.AllowAttrs("xmlns:xlink").Matching(regexp.MustCompile(`^http://www\.w3\.org/1999/xlink$`)).OnElements("svg")
	p.AllowAttrs("version").Matching(number).OnElements("svg")
	p.AllowAttrs("preserveaspectratio").Matching(regexp.MustCompile(`^[A-Za-z\s]+$`)).OnElements("svg", "symbol", "image", "marker")
	p.AllowAttrs("x", "y", "x1", "y1", "x2", "y2", "cx", "cy", "r", "rx", "ry", "fx", "fy", "dx", "dy", "width", "height",
		"viewbox", "d", "points", "transform", "gradienttransform", "offset", "opacity", "fill-opacity", "stroke-opacity",
		"stop-opacity", "stroke-width", "stroke-dasharray", "stroke-dashoffset", "stroke-miterlimit", "font-size",
		"refx", "refy", "markerwidth", "markerheight", "rotate", "textlength").Matching(svgGeometry).OnElements(svgElements...)
	p.AllowAttrs("fill", "stroke", "stop-color", "color").Matching(svgPaint).OnElements(svgElements...)
	p.AllowAttrs("clip-path", "marker-start", "marker-mid", "marker-end").Matching(svgClip).OnElements(svgElements...)
	p.AllowAttrs("font-family").Matching(svgFont).OnElements(svgElements...)
	p.AllowAttrs("font-weight", "font-style", "font-variant", "text-anchor", "dominant-baseline", "alignment-baseline",
		"fill-rule", "clip-rule", "stroke-linecap", "stroke-linejoin", "shape-rendering", "text-rendering",
		"vector-effect", "visibility", "gradientunits", "clippathunits", "markerunits", "spreadmethod",
		"orient").Matching(svgWord).OnElements(svgElements...)
	p.AllowAttrs("href", "xlink:href").Matching(fragmentRef).OnElements("use")
	p.AllowAttrs("href", "xlink:href").Matching(svgImageHref).OnElements("image")
	return p
}

// allowDisplayStyles lets inline style attributes through, declaration by declaration: only
// the properties below, each value checked by bluemonday's CSS handlers or the patterns
// here. No allowed property takes a URL (no background-image, list-style, cursor, content,
// filter, behavior, -moz-binding), so a style can neither load anything nor, in the old
// browsers that had them, run expression() or url(javascript:). Positioning (position,
// z-index, top...) is left out so a display cannot cover the book's own page.
func allowDisplayStyles(p *bluemonday.Policy) {
	p.AllowStyles("color", "background-color", "text-align", "vertical-align", "white-space", "text-decoration",
		"text-transform", "text-indent", "text-overflow", "letter-spacing", "word-spacing", "word-break", "overflow-wrap",
		"font", "font-family", "font-size", "font-style", "font-variant", "font-weight", "line-height",
		"border", "border-top", "border-right", "border-bottom", "border-left", "border-color", "border-style",
		"border-width", "border-radius", "border-collapse", "border-spacing", "padding", "padding-top", "padding-right",
		"padding-bottom", "padding-left", "margin", "margin-top", "margin-right", "margin-bottom", "margin-left",
		"width", "height", "max-width", "max-height", "min-width", "min-height", "display", "flex", "flex-direction",
		"flex-wrap", "flex-flow", "flex-grow", "flex-shrink", "flex-basis", "justify-content", "align-items",
		"align-content", "align-self", "column-gap", "overflow", "overflow-x", "overflow-y", "opacity", "table-layout",
		"caption-side", "empty-cells", "list-style-type", "list-style-position", "box-sizing", "float", "clear").Globally()
	// A background is a colour only: the shorthand could otherwise carry an image URL.
	p.AllowStyles("background").MatchingHandler(css.ColorHandler).Globally()
	p.AllowStyles("gap", "row-gap").MatchingHandler(func(v string) bool {
		parts := strings.Fields(v)
		for _, part := range parts {
			if !css.LengthHandler(part) {
				return false
			}
		}
		return len(parts) == 1 || len(parts) == 2
	}).Globally()
	// SVG presentation properties, as gonum's vgsvg writes them in style attributes.
	p.AllowStyles("fill", "stroke", "stop-color").MatchingHandler(func(v string) bool {
		return v == "none" || v == "currentcolor" || css.ColorHandler(v) || (strings.HasPrefix(v, "url(#") && svgPaint.MatchString(v))
	}).Globally()
	p.AllowStyles("fill-opacity", "stroke-opacity", "stop-opacity", "stroke-miterlimit").Matching(number).Globally()
	p.AllowStyles("stroke-width", "stroke-dashoffset").MatchingHandler(css.LengthHandler).Globally()
	p.AllowStyles("stroke-dasharray").Matching(regexp.MustCompile(`^(?:none|[0-9.]+(?:px|pt|%)?(?:[\s,]+[0-9.]+(?:px|pt|%)?)*)$`)).Globally()
	p.AllowStyles("stroke-linecap").MatchingEnum("butt", "round", "square").Globally()
	p.AllowStyles("stroke-linejoin").MatchingEnum("miter", "round", "bevel").Globally()
	p.AllowStyles("fill-rule", "clip-rule").MatchingEnum("nonzero", "evenodd").Globally()
	p.AllowStyles("text-anchor").MatchingEnum("start", "middle", "end").Globally()
	p.AllowStyles("dominant-baseline").MatchingEnum("auto", "middle", "central", "hanging", "alphabetic", "ideographic", "mathematical").Globally()
}

// ---- syntax highlighting ----

var codeFormatter = chromahtml.New(chromahtml.WithClasses(true))

// highlightCode renders source code as a chroma <pre> with class names (styled by book.css).
// Go cells may hold the kernel's special lines ("%%", "%env ...", "!shell"), which are not Go:
// they are marked as preprocessor lines instead of being lexed as Go.
func highlightCode(lang, src string) string {
	lexer := lexers.Get(lang)
	if lexer == nil {
		return fmt.Sprintf("<pre class=\"chroma\"><code>%s</code></pre>\n", html.EscapeString(src))
	}
	lexer = chroma.Coalesce(lexer)
	var tokens []chroma.Token
	var part strings.Builder
	flush := func() {
		if part.Len() == 0 {
			return
		}
		if it, err := lexer.Tokenise(nil, part.String()); err == nil {
			tokens = append(tokens, it.Tokens()...)
		} else {
			tokens = append(tokens, chroma.Token{Type: chroma.Text, Value: part.String()})
		}
		part.Reset()
	}
	for _, line := range strings.SplitAfter(src, "\n") {
		if lang == "go" && (strings.HasPrefix(line, "%") || strings.HasPrefix(line, "!")) {
			flush()
			tokens = append(tokens, chroma.Token{Type: chroma.CommentPreproc, Value: line})
			continue
		}
		part.WriteString(line)
	}
	flush()
	var b strings.Builder
	if err := codeFormatter.Format(&b, styles.Get(bookStyle), chroma.Literator(tokens...)); err != nil {
		return fmt.Sprintf("<pre class=\"chroma\"><code>%s</code></pre>\n", html.EscapeString(src))
	}
	b.WriteString("\n")
	return b.String()
}

// bookCSS is the book's style sheet: the page layout and chroma's classes for bookStyle.
func bookCSS() (string, error) {
	var b strings.Builder
	b.WriteString(pageCSS)
	b.WriteString("\n/* Syntax highlighting (chroma, style " + bookStyle + ") */\n")
	if err := codeFormatter.WriteCSS(&b, styles.Get(bookStyle)); err != nil {
		return "", err
	}
	return b.String(), nil
}

const pageCSS = `/* MedGo notebook book */
body { margin: 0; font: 16px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1f2328; background: #fff; }
main { max-width: 60rem; margin: 0 auto; padding: 1rem 1.5rem 2rem; }
nav { display: flex; justify-content: space-between; gap: 1rem; max-width: 60rem; margin: 0 auto; padding: .6rem 1.5rem; font-size: .95rem; }
nav.top { border-bottom: 1px solid #d0d7de; }
nav.bottom { border-top: 1px solid #d0d7de; }
nav .prev, nav .next { flex: 1; }
nav .next { text-align: right; }
a { color: #0550ae; }
h1, h2, h3, h4 { line-height: 1.25; margin: 1.4em 0 .5em; }
pre, code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .88rem; tab-size: 4; }
:not(pre) > code { background: #eff1f3; padding: .1em .3em; border-radius: 4px; }
pre { overflow-x: auto; padding: .6rem .8rem; margin: .3rem 0; border-radius: 6px; }
blockquote { margin: .8em 0; padding: 0 1em; color: #57606a; border-left: .25em solid #d0d7de; }
table { border-collapse: collapse; margin: .8em 0; }
th, td { border: 1px solid #d0d7de; padding: .3em .6em; vertical-align: top; }
th { background: #f6f8fa; }
img, svg { max-width: 100%; height: auto; }
.math { font-family: "Latin Modern Math", "Cambria Math", serif; font-style: italic; }
.cell { margin: 1rem 0; }
.cell.code { border-left: 3px solid #d0d7de; padding-left: .8rem; }
.cell.code.failed { border-left-color: #cf222e; }
.prompt { color: #6e7781; font: .78rem ui-monospace, monospace; }
.outputs { margin-top: .3rem; }
.output { margin: .3rem 0; overflow-x: auto; }
pre.output { background: #fff; border: 1px solid #eaeef2; white-space: pre-wrap; }
pre.stderr { background: #fff8f0; border-color: #f0d0a0; }
pre.error { background: #ffebe9; border-color: #ff8182; color: #82071e; }
.summary { color: #57606a; font-size: .95rem; }
.ok { color: #1a7f37; }
.failed { color: #cf222e; font-weight: 600; }
table.results td.num, table.results th.num { text-align: right; white-space: nowrap; }
table.results .title { color: #57606a; font-size: .9rem; }
`
