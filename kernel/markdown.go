// SPDX-License-Identifier: Apache-2.0

package main

// The Markdown of notebook cells, rendered by goldmark (CommonMark with GitHub's tables,
// strikethrough, task lists and bare-URL links) and adjusted to keep the book self-contained:
//
//   - raw HTML is shown as text, except a few inline tags without attributes (<br>, <sub>, ...);
//     HTML comments are dropped, as Jupyter hides them;
//   - links keep web, mail, anchor and relative targets; other schemes (javascript:, data:)
//     point to "#";
//   - images from the network become links to them; attachment: images are embedded as data URIs;
//   - fenced code in a language chroma knows is highlighted with the book's classes;
//   - $math$ and $$math$$ are shown as text: the book has no script to typeset TeX;
//   - heading ids are unique across a page.

import (
	"bytes"
	"fmt"
	"html"
	"regexp"
	"strings"

	"github.com/alecthomas/chroma/v2/lexers"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// bookMarkdown converts cell Markdown to HTML. Raw HTML stays off (goldmark's default).
var bookMarkdown = goldmark.New(
	goldmark.WithExtensions(extension.GFM, bookMath{}),
	goldmark.WithParserOptions(
		parser.WithAutoHeadingID(),
		parser.WithASTTransformers(util.Prioritized(bookLinks{}, 100)),
	),
	// A lower priority registers later and so replaces goldmark's HTML renderer for these nodes.
	goldmark.WithRendererOptions(renderer.WithNodeRenderers(util.Prioritized(bookRenderer{}, 100))),
)

// attachmentsKey holds a cell's attachments (name → data URI) in the parser context.
var attachmentsKey = parser.NewContextKey()

// pageMarkdown renders the Markdown of one page; its heading ids are unique on the page.
type pageMarkdown struct {
	ids headingIDs
}

func newPageMarkdown() *pageMarkdown { return &pageMarkdown{ids: headingIDs{}} }

// render converts src to HTML; attachments maps a cell attachment's name to its data URI.
func (m *pageMarkdown) render(src string, attachments map[string]string) string {
	ctx := parser.NewContext(parser.WithIDs(m.ids))
	ctx.Set(attachmentsKey, attachments)
	var b strings.Builder
	if err := bookMarkdown.Convert([]byte(src), &b, parser.WithContext(ctx)); err != nil {
		// Writing to a strings.Builder does not fail; show the source rather than nothing.
		return "<pre>" + html.EscapeString(src) + "</pre>\n"
	}
	return b.String()
}

// renderMarkdown renders a Markdown document on a page of its own.
func renderMarkdown(src string) string { return newPageMarkdown().render(src, nil) }

// markdownTitle is the plain text of the first heading in src, or "".
func markdownTitle(src string) string {
	source := []byte(src)
	doc := bookMarkdown.Parser().Parse(text.NewReader(source))
	title := ""
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if _, ok := n.(*ast.Heading); !ok || !entering {
			return ast.WalkContinue, nil
		}
		var b strings.Builder
		if err := bookMarkdown.Renderer().Render(&b, source, n); err == nil {
			title = plainText(b.String())
		}
		return ast.WalkStop, nil
	})
	return title
}

// plainText removes the markup from rendered HTML.
func plainText(h string) string {
	return strings.TrimSpace(html.UnescapeString(htmlTag.ReplaceAllString(h, "")))
}

// headingIDs gives headings ids made by slug, numbered from -1 on when taken.
type headingIDs map[string]bool

func (ids headingIDs) Generate(value []byte, _ ast.NodeKind) []byte {
	id := slug(string(value))
	for n := 1; ids[id]; n++ {
		id = fmt.Sprintf("%s-%d", slug(string(value)), n)
	}
	ids[id] = true
	return []byte(id)
}

func (ids headingIDs) Put(value []byte) { ids[string(value)] = true }

// slug makes a heading's id: lower-case letters and digits joined by hyphens.
func slug(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r > 127 && (r < 0x2000 || r > 0x2bff) {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			dash = false
		} else {
			dash = true
		}
	}
	if b.Len() == 0 {
		return "section"
	}
	return b.String()
}

// ---- links and images ----

var urlScheme = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9+.\-]*:`)

// safeURL reports whether a link may keep its target: a web page, a mail address, an anchor
// or a relative path. Entities and escapes are resolved first, as a browser would.
func safeURL(u []byte) bool {
	s := string(util.URLEscape(u, true))
	if !urlScheme.MatchString(s) {
		return true
	}
	scheme := strings.ToLower(s[:strings.IndexByte(s, ':')])
	return scheme == "http" || scheme == "https" || scheme == "mailto"
}

func isExternal(u []byte) bool {
	s := strings.ToLower(string(u))
	return strings.HasPrefix(s, "http://") || strings.HasPrefix(s, "https://") || strings.HasPrefix(s, "//")
}

// bookLinks rewrites link and image targets after parsing (see the top of this file).
type bookLinks struct{}

func (bookLinks) Transform(doc *ast.Document, reader text.Reader, pc parser.Context) {
	attachments, _ := pc.Get(attachmentsKey).(map[string]string)
	src := reader.Source()
	var old, repl []ast.Node
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Link:
			if !safeURL(n.Destination) {
				n.Destination = []byte("#")
			}
		case *ast.AutoLink:
			if !safeURL(n.URL(src)) {
				link := ast.NewLink()
				link.Destination = []byte("#")
				link.AppendChild(link, ast.NewString(n.Label(src)))
				old, repl = append(old, n), append(repl, link)
			}
		case *ast.Image:
			if name, ok := bytes.CutPrefix(n.Destination, []byte("attachment:")); ok {
				if uri, ok := attachments[string(name)]; ok {
					n.Destination = []byte(uri)
				}
			}
			switch {
			case isExternal(n.Destination):
				// The book loads nothing from the network: the image becomes a link to it.
				link := ast.NewLink()
				link.Destination, link.Title = n.Destination, n.Title
				link.SetAttributeString("class", []byte("external-image"))
				if n.FirstChild() == nil {
					link.AppendChild(link, ast.NewString(n.Destination))
				}
				for c := n.FirstChild(); c != nil; c = n.FirstChild() {
					link.AppendChild(link, c)
				}
				link.AppendChild(link, ast.NewString([]byte(" (image)")))
				old, repl = append(old, n), append(repl, link)
			case urlScheme.Match(n.Destination) && !bytes.HasPrefix(bytes.ToLower(n.Destination), []byte("data:image/")):
				n.Destination = []byte("#")
			}
			return ast.WalkSkipChildren, nil
		}
		return ast.WalkContinue, nil
	})
	for i, n := range old {
		n.Parent().ReplaceChild(n.Parent(), n, repl[i])
	}
}

// ---- rendering ----

// bookRenderer renders code blocks, raw HTML and math the book's way.
type bookRenderer struct{}

func (bookRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(ast.KindFencedCodeBlock, renderFencedCode)
	reg.Register(ast.KindRawHTML, renderRawHTML)
	reg.Register(ast.KindHTMLBlock, renderHTMLBlock)
	reg.Register(kindMath, renderMath)
}

func nodeLines(n ast.Node, src []byte) []byte {
	var b bytes.Buffer
	for i := 0; i < n.Lines().Len(); i++ {
		seg := n.Lines().At(i)
		b.Write(seg.Value(src))
	}
	return b.Bytes()
}

func renderFencedCode(w util.BufWriter, src []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkContinue, nil
	}
	n := node.(*ast.FencedCodeBlock)
	code := string(nodeLines(n, src))
	if lang := strings.ToLower(string(n.Language(src))); lang != "" && lexers.Get(lang) != nil {
		_, _ = w.WriteString(highlightCode(lang, code))
	} else {
		_, _ = fmt.Fprintf(w, "<pre><code>%s</code></pre>\n", html.EscapeString(code))
	}
	return ast.WalkSkipChildren, nil
}

// inlineTag is raw HTML that the book keeps: a few formatting tags without attributes.
var inlineTag = regexp.MustCompile(`^</?(?i:br|sub|sup|b|i|em|strong|kbd|u|small|mark|code|s|del)[ \t]*/?>$`)

func renderRawHTML(w util.BufWriter, src []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkSkipChildren, nil
	}
	n := node.(*ast.RawHTML)
	var raw []byte
	for i := 0; i < n.Segments.Len(); i++ {
		seg := n.Segments.At(i)
		raw = append(raw, seg.Value(src)...)
	}
	switch {
	case bytes.HasPrefix(raw, []byte("<!--")):
	case inlineTag.Match(raw):
		_, _ = w.Write(bytes.ToLower(bytes.ReplaceAll(raw, []byte(" "), nil)))
	default:
		_, _ = w.Write(util.EscapeHTML(raw))
	}
	return ast.WalkSkipChildren, nil
}

func renderHTMLBlock(w util.BufWriter, src []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	n := node.(*ast.HTMLBlock)
	if !entering || n.HTMLBlockType == ast.HTMLBlockType2 { // a comment
		return ast.WalkSkipChildren, nil
	}
	raw := nodeLines(n, src)
	if n.HasClosure() {
		raw = append(raw, n.ClosureLine.Value(src)...)
	}
	_, _ = fmt.Fprintf(w, "<p>%s</p>\n", util.EscapeHTML(bytes.TrimRight(raw, "\n")))
	return ast.WalkSkipChildren, nil
}

// ---- math ----

var kindMath = ast.NewNodeKind("Math")

// mathNode is $tex$ (inline) or $$tex$$ (display).
type mathNode struct {
	ast.BaseInline
	tex     []byte
	display bool
}

func (n *mathNode) Kind() ast.NodeKind { return kindMath }

func (n *mathNode) Dump(src []byte, level int) {
	ast.DumpHelper(n, src, level, map[string]string{"TeX": string(n.tex)}, nil)
}

// bookMath adds $…$ and $$…$$ to the parser.
type bookMath struct{}

func (bookMath) Extend(m goldmark.Markdown) {
	m.Parser().AddOptions(parser.WithInlineParsers(util.Prioritized(mathParser{}, 100)))
}

type mathParser struct{}

func (mathParser) Trigger() []byte { return []byte{'$'} }

func isBlankByte(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// Parse reads $tex$ within a line, where tex neither starts nor ends with a space and the
// closing $ is not followed by a digit (so "$5 and $10" stays text), or $$tex$$ across lines.
func (mathParser) Parse(_ ast.Node, block text.Reader, _ parser.Context) ast.Node {
	line, _ := block.PeekLine()
	if bytes.HasPrefix(line, []byte("$$")) {
		l, pos := block.Position()
		block.Advance(2)
		var tex []byte
		for {
			line, _ := block.PeekLine()
			if line == nil {
				block.SetPosition(l, pos)
				return nil
			}
			if end := bytes.Index(line, []byte("$$")); end >= 0 {
				tex = append(tex, line[:end]...)
				block.Advance(end + 2)
				if len(bytes.TrimSpace(tex)) == 0 {
					block.SetPosition(l, pos)
					return nil
				}
				return &mathNode{tex: bytes.TrimSpace(tex), display: true}
			}
			tex = append(tex, line...)
			block.AdvanceLine()
		}
	}
	if len(line) < 2 || isBlankByte(line[1]) {
		return nil
	}
	for i := 1; i < len(line); i++ {
		switch line[i] {
		case '\\':
			i++
		case '$':
			if i > 1 && !isBlankByte(line[i-1]) && (i+1 >= len(line) || line[i+1] < '0' || line[i+1] > '9') {
				block.Advance(i + 1)
				return &mathNode{tex: line[1:i]}
			}
		}
	}
	return nil
}

func renderMath(w util.BufWriter, _ []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if entering {
		n := node.(*mathNode)
		class := "math"
		if n.display {
			class += " display"
		}
		_, _ = fmt.Fprintf(w, "<span class=\"%s\">%s</span>", class, util.EscapeHTML(n.tex))
	}
	return ast.WalkSkipChildren, nil
}
