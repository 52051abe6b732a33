// SPDX-License-Identifier: Apache-2.0

package main

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"image/png"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

const bookFixtures = "testdata/book"

func buildFixtureBook(t *testing.T) string {
	t.Helper()
	out := filepath.Join(t.TempDir(), "book")
	n, err := buildBook(bookFixtures, out)
	if err != nil {
		t.Fatal(err)
	}
	if n != 2 {
		t.Fatalf("buildBook rendered %d notebooks, want the 2 fixtures", n)
	}
	return out
}

func readPage(t *testing.T, dir, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		t.Fatalf("the book has no %s: %v", name, err)
	}
	return string(b)
}

func TestBookPages(t *testing.T) {
	out := buildFixtureBook(t)
	page := readPage(t, out, "01-sepsis-screen.html")
	css := readPage(t, out, bookCSSFile)

	for _, want := range []struct{ what, text string }{
		{"Go keyword func highlighted", `<span class="kd">func</span>`},
		{"Go keyword return highlighted", `<span class="k">return</span>`},
		{"Go type highlighted", `<span class="kt">float64</span>`},
		{"kernel line %% marked as preprocessor", `<span class="cp">%%`},
		{"markdown heading", `<h1 id="sepsis-screening-from-vital-signs">Sepsis screening from <em>vital signs</em></h1>`},
		{"markdown table with alignment", `<th style="text-align:center">Unit</th>`},
		{"markdown list", "<ol>\n<li>Load and split the cases.</li>"},
		{"block quote", "<blockquote>\n<p>Screening scores"},
		{"inline math kept as text", `<span class="math">(0, 1)</span>`},
		{"HTML output as it is", `<b>sepsis-mlp</b> on Go Backend`},
		{"stream output escaped", "<pre class=\"output stream stdout\">Validation AUC: 0.874\n"},
		{"stderr output", `<pre class="output stream stderr">threshold 1.5 is outside (0, 1)`},
		{"error output escaped, colour codes removed", "<pre class=\"output error\">panic: eval: threshold 1.5 &lt;not&gt; in (0, 1)\ngoroutine 1"},
		{"failed cell marked", `<section class="cell code failed" id="cell-5">`},
		{"execution count", `<div class="prompt">In [2]:</div>`},
		{"unexecuted cell", `<div class="prompt">In [ ]:</div>`},
		{"next link", `<a class="next" rel="next" href="02-vitals-summary.html">`},
		{"index link", `<a class="up" href="index.html">`},
		{"style sheet link", `<link rel="stylesheet" href="book.css">`},
		{"summary with status and metrics", "error in cell 5 (In [3])</span> · 41.0s · Go Backend (pure-Go backend (no XLA plugin installed)) · auc=0.874, sensitivity=0.91"},
		{"external image turned into a link", `<a href="https://example.org/logo.png" class="external-image">hospital logo (image)</a>`},
	} {
		if !strings.Contains(page, want.text) {
			t.Errorf("%s: page lacks %q", want.what, want.text)
		}
	}

	// The PNG output is embedded as a data URI that decodes to the fixture's 2×2 image.
	m := regexp.MustCompile(`<img src="data:image/png;base64,([A-Za-z0-9+/=]+)"`).FindStringSubmatch(page)
	if m == nil {
		t.Fatal("the PNG output is not embedded as a data URI")
	}
	raw, err := base64.StdEncoding.DecodeString(m[1])
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(raw))
	if err != nil || img.Bounds().Dx() != 2 || img.Bounds().Dy() != 2 {
		t.Fatalf("embedded PNG does not decode to the 2×2 fixture image: %v", err)
	}

	second := readPage(t, out, "02-vitals-summary.html")
	for _, want := range []string{`<svg xmlns=`, `<rect width="20"`, `<pre class="output text">counts: 120 cases</pre>`,
		`<a class="prev" rel="prev" href="01-sepsis-screen.html">`, `<div class="output html"><div class="medgo-summary"><p>120 cases</p></div></div>`, "<li>one figure per <strong>vital sign</strong></li>"} {
		if !strings.Contains(second, want) {
			t.Errorf("02-vitals-summary.html lacks %q", want)
		}
	}
	if strings.Contains(second, "<?xml") || strings.Contains(second, `class="next"`+" rel") {
		t.Error("the last page should have no XML prologue inside HTML and no next link")
	}

	// Classes used in pages are defined once, in book.css.
	for _, class := range []string{".chroma .kd", ".chroma .k", ".chroma .cp", "pre.error"} {
		if n := strings.Count(css, class+" {"); n != 1 {
			t.Errorf("book.css defines %q %d times, want once", class, n)
		}
	}
	if strings.Contains(page, ".chroma .kd") {
		t.Error("chroma's CSS belongs in book.css, not in every page")
	}
}

func TestBookIndex(t *testing.T) {
	out := buildFixtureBook(t)
	index := readPage(t, out, "index.html")
	for _, want := range []string{
		`<a href="01-sepsis-screen.html">01-sepsis-screen</a><br><span class="title">Sepsis screening from vital signs</span>`,
		`<td class="failed">error in cell 5 (In [3])</td><td class="num">41.0s</td><td>auc=0.874<br>sensitivity=0.91</td><td>Go Backend (pure-Go backend (no XLA plugin installed))</td>`,
		`<a href="02-vitals-summary.html">02-vitals-summary</a>`,
		`<td class="ok">ok</td><td class="num">1.2s</td><td>–</td><td>–</td>`,
	} {
		if !strings.Contains(index, want) {
			t.Errorf("index.html lacks %q", want)
		}
	}
	if strings.Index(index, "01-sepsis-screen.html") > strings.Index(index, "02-vitals-summary.html") {
		t.Error("the index should list the notebooks in file-name order")
	}
}

// TestBookSelfContained checks that no page runs a script or loads anything from the network.
func TestBookSelfContained(t *testing.T) {
	out := buildFixtureBook(t)
	resource := regexp.MustCompile(`(?i)(?:src|srcset|poster|data)\s*=\s*["']?\s*(?:https?:)?//|<link[^>]+href\s*=\s*["']?\s*(?:https?:)?//|url\(\s*["']?(?:https?:)?//|@import`)
	entries, err := os.ReadDir(out)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 4 {
		t.Errorf("book has %d files, want index, book.css and 2 pages", len(entries))
	}
	for _, e := range entries {
		text := readPage(t, out, e.Name())
		if strings.Contains(strings.ToLower(text), "<script") {
			t.Errorf("%s contains a script", e.Name())
		}
		if loc := resource.FindString(text); loc != "" {
			t.Errorf("%s loads a resource from the network: %q", e.Name(), loc)
		}
	}
}

func TestSanitizeHTML(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{`<b>ok</b>`, `<b>ok</b>`},
		{`<div>a<script>alert(1)</script>b</div>`, `<div>ab</div>`},
		{`<SCRIPT src="x.js"></SCRIPT>text`, `text`},
		{`<img src="a.png" onerror="alert(1)" alt="x">`, `<img src="a.png" alt="x">`},
		{`<a href="javascript:alert(1)">x</a>`, `x`}, // a link left without a safe href is dropped, its text kept
		{`<p>onset=early</p>`, `<p>onset=early</p>`},
	} {
		if got := sanitizeHTML(tc.in); got != tc.want {
			t.Errorf("sanitizeHTML(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestTerminalText(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"plain\n", "plain\n"},
		{"\x1b[31mred\x1b[0m", "red"},
		{"10%\r50%\r100%\ndone", "100%\ndone"},
		{"progress 3/3\r\n", "progress 3/3\n"},
	} {
		if got := terminalText(tc.in); got != tc.want {
			t.Errorf("terminalText(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestSummarizeNotebook(t *testing.T) {
	at := func(s string) map[string]any {
		return map[string]any{"iopub.execute_input": s, "shell.execute_reply": s}
	}
	one := 1
	cell := func(src string, count *int, exec map[string]any, outputs ...ipynbOutput) ipynbCell {
		c := ipynbCell{CellType: "code", Source: src, ExecutionCount: count, Outputs: outputs}
		c.Metadata.Execution = exec
		return c
	}
	for _, tc := range []struct {
		name       string
		cells      []ipynbCell
		wantStatus string
		wantOK     bool
		wantWall   time.Duration
	}{
		{"all ran", []ipynbCell{cell("a", &one, at("2026-01-01T00:00:00Z")), cell("b", &one, at("2026-01-01T00:01:30.5Z"))}, "ok", true, 90500 * time.Millisecond},
		{"never ran", []ipynbCell{cell("a", nil, nil)}, "not executed", false, 0},
		{"stopped", []ipynbCell{cell("a", &one, nil), cell("", nil, nil), cell("b", nil, nil)}, "incomplete: cell 3 did not run", false, 0},
		{"error", []ipynbCell{cell("a", &one, nil, ipynbOutput{OutputType: "error", EName: "ERROR"}), cell("b", nil, nil)}, "error in cell 1 (In [1])", false, 0},
	} {
		row := summarizeNotebook("nb", &ipynb{Cells: tc.cells})
		if row.Status != tc.wantStatus || row.OK != tc.wantOK || row.Wall != tc.wantWall {
			t.Errorf("%s: status %q ok %v wall %v, want %q %v %v", tc.name, row.Status, row.OK, row.Wall, tc.wantStatus, tc.wantOK, tc.wantWall)
		}
	}
}

func TestBackendOf(t *testing.T) {
	out := func(kind, text string) ipynbOutput {
		if kind == "html" {
			return ipynbOutput{OutputType: "display_data", Data: map[string]any{"text/html": text}}
		}
		return ipynbOutput{OutputType: "stream", Name: "stdout", Text: text}
	}
	for _, tc := range []struct {
		name    string
		outputs []ipynbOutput
		want    string
	}{
		{"notebook progress", []ipynbOutput{out("html", `<div><b>wdbc</b> on Go Backend (chosen by MEDGO_BACKEND=go)<br>epoch 1</div>`)}, "Go Backend (chosen by MEDGO_BACKEND=go)"},
		{"terminal progress", []ipynbOutput{out("text", "Training wdbc on XLA (cuda)\nepoch 1/3\n")}, "XLA (cuda)"},
		{"two runs, one backend", []ipynbOutput{out("text", "Training a on go\n"), out("text", "Training b on go\n")}, "go"},
		{"two backends", []ipynbOutput{out("text", "Training a on go\n"), out("html", "<b>b</b> on xla:cuda<br>")}, "go; xla:cuda"},
		{"escaped name", []ipynbOutput{out("html", "<b>r</b> on A &amp; B<br>")}, "A & B"},
		{"no training", []ipynbOutput{out("text", "Data on disk\n")}, ""},
	} {
		nb := &ipynb{Cells: []ipynbCell{{CellType: "code", Outputs: tc.outputs}}}
		if got := backendOf(nb); got != tc.want {
			t.Errorf("%s: backendOf = %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestBookErrors(t *testing.T) {
	empty := t.TempDir()
	if _, err := buildBook(empty, filepath.Join(empty, "book")); err == nil || !strings.Contains(err.Error(), "medgo run") || !strings.Contains(err.Error(), empty) {
		t.Errorf("an empty directory should say where it looked and to run medgo run first, got %v", err)
	}
	bad := t.TempDir()
	if err := os.WriteFile(filepath.Join(bad, "broken.ipynb"), []byte("{not json"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := buildBook(bad, filepath.Join(bad, "book")); err == nil || !strings.Contains(err.Error(), "broken.ipynb") {
		t.Errorf("a broken notebook should be named in the error, got %v", err)
	}
}

func TestCmdBook(t *testing.T) {
	out := filepath.Join(t.TempDir(), "site")
	var stdout, stderr bytes.Buffer
	if code := dispatch([]string{"book", "--in", bookFixtures, "--out", out}, &stdout, &stderr); code != 0 {
		t.Fatalf("medgo book exit %d: %s", code, stderr.String())
	}
	if !strings.Contains(stdout.String(), filepath.Join(out, "index.html")) {
		t.Errorf("medgo book should print where the index is, got %q", stdout.String())
	}
	stderr.Reset()
	if code := dispatch([]string{"book", "extra.ipynb"}, &stdout, &stderr); code != 2 || !strings.Contains(stderr.String(), "--in") {
		t.Errorf("a stray argument should fail with exit 2 and mention --in, got %d: %s", code, stderr.String())
	}
}

// TestMarkdown checks the book's Markdown: GitHub Flavored Markdown as goldmark renders it,
// with the book's rules for links, images, raw HTML, math and heading ids.
func TestMarkdown(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{"heading with id", "# Sepsis *screening*", "<h1 id=\"sepsis-screening\">Sepsis <em>screening</em></h1>\n"},
		{"setext heading", "Intro\n=====", "<h1 id=\"intro\">Intro</h1>\n"},
		{"duplicate heading ids", "## A\n## A", "<h2 id=\"a\">A</h2>\n<h2 id=\"a-1\">A</h2>\n"},
		{"escaping", "a < b & c > d", "<p>a &lt; b &amp; c &gt; d</p>\n"},
		{"code span", "use `a < b` here", "<p>use <code>a &lt; b</code> here</p>\n"},
		{"strikethrough", "~~old~~", "<p><del>old</del></p>\n"},
		{"snake_case stays", "snake_case_name", "<p>snake_case_name</p>\n"},
		{"titled link", "[WDBC](https://archive.ics.uci.edu/dataset/17 \"UCI\")", "<p><a href=\"https://archive.ics.uci.edu/dataset/17\" title=\"UCI\">WDBC</a></p>\n"},
		{"relative link", "[next](02-next.ipynb)", "<p><a href=\"02-next.ipynb\">next</a></p>\n"},
		{"reference link", "See [the paper][p].\n\n[p]: https://doi.org/10.1/x", "<p>See <a href=\"https://doi.org/10.1/x\">the paper</a>.</p>\n"},
		{"bare URL", "Data: https://physionet.org/content/x/.", "<p>Data: <a href=\"https://physionet.org/content/x/\">https://physionet.org/content/x/</a>.</p>\n"},
		{"javascript link", "[x](javascript:alert(1))", "<p><a href=\"#\">x</a></p>\n"},
		{"javascript link in capitals", "[x](JaVaScRiPt:alert(1))", "<p><a href=\"#\">x</a></p>\n"},
		{"javascript link behind an entity", "[x](&#106;avascript:alert(1))", "<p><a href=\"#\">x</a></p>\n"},
		{"javascript reference link", "[y][x]\n\n[x]: javascript:alert(1)", "<p><a href=\"#\">y</a></p>\n"},
		{"javascript autolink", "<javascript:alert(1)>", "<p><a href=\"#\">javascript:alert(1)</a></p>\n"},
		{"data link", "[x](data:text/html;base64,PGI+)", "<p><a href=\"#\">x</a></p>\n"},
		{"local image", "![ROC curve](roc.png)", "<p><img src=\"roc.png\" alt=\"ROC curve\"></p>\n"},
		{"external image", "![ROC *curve*](https://example.org/roc.png \"ROC\")", "<p><a href=\"https://example.org/roc.png\" title=\"ROC\" class=\"external-image\">ROC <em>curve</em> (image)</a></p>\n"},
		{"external image without alt", "![](//cdn.example.org/a.png)", "<p><a href=\"//cdn.example.org/a.png\" class=\"external-image\">//cdn.example.org/a.png (image)</a></p>\n"},
		{"javascript image", "![x](javascript:alert(1))", "<p><img src=\"#\" alt=\"x\"></p>\n"},
		{"allowed inline tags", "H<sub>2</sub>O<BR />", "<p>H<sub>2</sub>O<br/></p>\n"},
		{"raw HTML escaped", "a <span onclick=\"x\">b</span>", "<p>a &lt;span onclick=&quot;x&quot;&gt;b&lt;/span&gt;</p>\n"},
		{"script escaped", "<script>\nalert(1)\n</script>", "<p>&lt;script&gt;\nalert(1)\n&lt;/script&gt;</p>\n"},
		{"network image in HTML escaped", "<img src=\"https://example.org/a.png\">", "<p>&lt;img src=&quot;https://example.org/a.png&quot;&gt;</p>\n"},
		{"HTML comments hidden", "<!-- note -->\n\na <!-- c -->b", "<p>a b</p>\n"},
		{"math", "$p < 0.05$ costs $5 and $10", "<p><span class=\"math\">p &lt; 0.05</span> costs $5 and $10</p>\n"},
		{"escaped dollar", "\\$x$ and $y$", "<p>$x$ and <span class=\"math\">y</span></p>\n"},
		{"display math across lines", "$$\n\\hat y = a_1 * b_1 *\n$$", "<p><span class=\"math display\">\\hat y = a_1 * b_1 *</span></p>\n"},
		{"ordered list start", "3. c\n4. d", "<ol start=\"3\">\n<li>c</li>\n<li>d</li>\n</ol>\n"},
		{"nested list", "- a\n  - b\n- c", "<ul>\n<li>a\n<ul>\n<li>b</li>\n</ul>\n</li>\n<li>c</li>\n</ul>\n"},
		{"task list", "- [x] done\n- [ ] todo", "<ul>\n<li><input checked=\"\" disabled=\"\" type=\"checkbox\"> done</li>\n<li><input disabled=\"\" type=\"checkbox\"> todo</li>\n</ul>\n"},
		{"fenced code", "```\nx := 1 < 2\n```", "<pre><code>x := 1 &lt; 2\n</code></pre>\n"},
		{"unknown language", "```nosuchlang\n<x>\n```", "<pre><code>&lt;x&gt;\n</code></pre>\n"},
		{"table", "| a | b |\n|---|--:|\n| 1 | `x\\|y` |",
			"<table>\n<thead>\n<tr>\n<th>a</th>\n<th style=\"text-align:right\">b</th>\n</tr>\n</thead>\n<tbody>\n<tr>\n<td>1</td>\n<td style=\"text-align:right\"><code>x|y</code></td>\n</tr>\n</tbody>\n</table>\n"},
		{"not a table", "a | b\nc | d", "<p>a | b\nc | d</p>\n"},
	} {
		if got := renderMarkdown(tc.in); got != tc.want {
			t.Errorf("%s: renderMarkdown(%q)\n got %q\nwant %q", tc.name, tc.in, got, tc.want)
		}
	}
}

func TestMarkdownPageHeadingIDs(t *testing.T) {
	md := newPageMarkdown()
	first, second := md.render("# Results", nil), md.render("# Results\n## Results", nil)
	if first != "<h1 id=\"results\">Results</h1>\n" || second != "<h1 id=\"results-1\">Results</h1>\n<h2 id=\"results-2\">Results</h2>\n" {
		t.Errorf("heading ids should be unique across the cells of a page, got %q then %q", first, second)
	}
}

func TestMarkdownTitle(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"# Sepsis *screening* &amp; `triage` #", "Sepsis screening & triage"},
		{"Intro text\n\nCohort\n===", "Cohort"},
		{"```\n# a comment, not a heading\n```\n## After code", "After code"},
		{"no heading at all", ""},
	} {
		if got := markdownTitle(tc.in); got != tc.want {
			t.Errorf("markdownTitle(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestMarkdownHighlightsFencedGo(t *testing.T) {
	got := renderMarkdown("```go\nfunc main() {}\n```")
	if !strings.Contains(got, `<pre class="chroma">`) || !strings.Contains(got, `<span class="kd">func</span>`) {
		t.Errorf("a go fence should be highlighted by chroma, got %q", got)
	}
}

func TestMarkdownAttachment(t *testing.T) {
	pngData := "iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAEklEQVR4nGM4IScnV3GCAUIBACBcBMVUBFiYAAAAAElFTkSuQmCC"
	got := newPageMarkdown().render("![figure](attachment:fig.png)", attachmentURIs(map[string]map[string]any{"fig.png": {"image/png": pngData}}))
	if !strings.Contains(got, `<img src="data:image/png;base64,`+pngData+`" alt="figure">`) {
		t.Errorf("an attachment image should be embedded, got %q", got)
	}
	if _, ok := imageURI("image/png", "not base64!"); ok {
		t.Error("imageURI accepted data that is not base64")
	}
}

// hostileDisplays are display outputs that try to run script, submit or navigate away from
// the book, or load something that can: the reviewer's findings first, then the classics.
// Each must come out of sanitizeHTML inert.
var hostileDisplays = []struct{ name, in string }{
	{"iframe srcdoc", `<iframe srcdoc="&lt;script&gt;alert(1)&lt;/script&gt;"></iframe>`},
	{"iframe src", `<iframe src="javascript:alert(1)"></iframe>`},
	{"javascript link behind a decimal entity", `<a href="&#106;avascript:alert(1)">x</a>`},
	{"javascript link split by an encoded tab", `<a href="java&#x09;script:alert(1)">x</a>`},
	{"javascript link split by an encoded newline", `<a href="java&#10;script:alert(1)">x</a>`},
	{"javascript link with an encoded colon", `<a href="javascript&colon;alert(1)">x</a>`},
	{"javascript link with leading space", `<a href=" javascript:alert(1)">x</a>`},
	{"formaction on a button", `<button formaction="javascript:alert(1)">go</button>`},
	{"formaction inside a form", `<form><button formaction=javascript:alert(1)>go</button></form>`},
	{"object data javascript", `<object data="javascript:alert(1)"></object>`},
	{"object data html", `<object data="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=="></object>`},
	{"embed src", `<embed src="javascript:alert(1)">`},
	{"embed html", `<embed type="text/html" src="data:text/html,&lt;script&gt;alert(1)&lt;/script&gt;">`},
	{"meta refresh", `<meta http-equiv="refresh" content="0;url=javascript:alert(1)">`},
	{"script", `<script>alert(1)</script>`},
	{"script in capitals with src", `<SCRIPT SRC="x.js"></SCRIPT>`},
	{"img onerror", `<img src=x onerror=alert(1)>`},
	{"img javascript src", `<img src="javascript:alert(1)">`},
	{"svg onload", `<svg onload=alert(1)>`},
	{"javascript link in mixed case", `<a href="JaVaScRiPt:alert(1)">x</a>`},
	{"data html link", `<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>`},
	{"script inside svg", `<svg><script>alert(1)</script></svg>`},
	{"script href inside svg", `<svg><script href="data:,alert(1)"/></svg>`},
	{"svg link", `<svg><a xlink:href="javascript:alert(1)"><text x="1" y="1">x</text></a></svg>`},
	{"svg animate sets a link", `<svg><a><animate attributeName="href" to="javascript:alert(1)"/><text x="1" y="1">x</text></a></svg>`},
	{"svg set", `<svg><set attributeName="onmouseover" to="alert(1)"/></svg>`},
	{"svg foreignObject", `<svg><foreignObject><iframe srcdoc="&lt;script&gt;alert(1)&lt;/script&gt;"></iframe></foreignObject></svg>`},
	{"svg image javascript", `<svg><image xlink:href="javascript:alert(1)"/></svg>`},
	{"svg use of an outside document", `<svg><use href="data:image/svg+xml;base64,PHN2ZyBpZD0neCc+PC9zdmc+#x"/></svg>`},
	{"style expression", `<div style="width: expression(alert(1))">x</div>`},
	{"style url javascript", `<p style="background:url(javascript:alert(1))">x</p>`},
	{"style behavior", `<p style="behavior:url(x.htc);-moz-binding:url(x.xml#x)">x</p>`},
	{"style element", `<style>body{background:url("javascript:alert(1)")}</style><p>x</p>`},
	{"form action", `<form action="javascript:alert(1)"><input type="submit"></form>`},
	{"base href", `<base href="javascript:alert(1)//">`},
	{"link import", `<link rel="import" href="data:text/html,&lt;script&gt;alert(1)&lt;/script&gt;">`},
	{"frameset", `<frameset><frame src="javascript:alert(1)"></frameset>`},
	{"noscript breakout", `<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>`},
	{"math breakout", `<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mglyph></table></mtext></math>`},
}

// assertInert fails unless html, parsed as a browser parses a page body, has nothing that can
// run script or navigate: no script, frame, object, embed, meta, base, form, style or link
// element, no event handler, srcdoc or formaction attribute, and no javascript:, vbscript: or
// data:text/html URL anywhere once entities are decoded and the whitespace a browser drops
// from URLs is removed.
func assertInert(t *testing.T, what, out string) {
	t.Helper()
	flat := strings.Map(func(r rune) rune {
		if r <= ' ' {
			return -1
		}
		return r
	}, strings.ToLower(html.UnescapeString(out)))
	for _, bad := range []string{"javascript:", "vbscript:", "data:text/html", "expression(", "behavior:", "-moz-binding"} {
		if strings.Contains(flat, bad) {
			t.Errorf("%s: output has %q: %s", what, bad, out)
		}
	}
	body := &html.Node{Type: html.ElementNode, Data: "body", DataAtom: atom.Body}
	nodes, err := html.ParseFragment(strings.NewReader(out), body)
	if err != nil {
		t.Fatalf("%s: output does not parse: %v", what, err)
	}
	forbidden := map[string]bool{"script": true, "iframe": true, "frame": true, "frameset": true, "object": true, "embed": true,
		"applet": true, "meta": true, "base": true, "form": true, "button": true, "input": true, "style": true, "link": true,
		"foreignobject": true, "animate": true, "set": true, "math": true, "noscript": true}
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			if forbidden[strings.ToLower(n.Data)] {
				t.Errorf("%s: output has a <%s> element: %s", what, n.Data, out)
			}
			for _, a := range n.Attr {
				key := strings.ToLower(a.Key)
				if strings.HasPrefix(key, "on") || key == "srcdoc" || key == "formaction" || key == "action" || key == "http-equiv" {
					t.Errorf("%s: output has a %s attribute on <%s>: %s", what, a.Key, n.Data, out)
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	for _, n := range nodes {
		walk(n)
	}
}

func TestSanitizeHTMLHostile(t *testing.T) {
	for _, tc := range hostileDisplays {
		t.Run(tc.name, func(t *testing.T) {
			assertInert(t, tc.name, sanitizeHTML(tc.in))
		})
	}
}

// TestSanitizeHTMLKeepsDisplays checks that what notebooks legitimately display survives:
// each display carries a payload the old regex sanitizer let through, which must go while
// the markup stays.
func TestSanitizeHTMLKeepsDisplays(t *testing.T) {
	const payload = `<iframe srcdoc="&lt;script&gt;alert(1)&lt;/script&gt;"></iframe><a href="&#106;avascript:alert(1)">x</a>`
	const png = "iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAEklEQVR4nGM4IScnV3GCAUIBACBcBMVUBFiYAAAAAElFTkSuQmCC"
	// gonumSVG is the shape of what gonum/plot's vgsvg writes (mlkit/display's Figure.SVG),
	// including an image plot (heat maps, image grids), which vgsvg embeds as a data URI.
	const gonumSVG = `<?xml version="1.0"?>
<!-- Generated by SVGo and Plotinum VG -->
<svg width="480pt" height="106.5pt" viewBox="0 0 480 106.5"
	xmlns="http://www.w3.org/2000/svg"
	xmlns:xlink="http://www.w3.org/1999/xlink">
<g transform="scale(1, -1) translate(0, -106.5)">
<path d="M0,0L480,0L480,106.5L0,106.5Z" style="fill:#FFFFFF" />
<text x="206.89" y="-95.113" transform="scale(1, -1)"
	style="font-family:Liberation Serif;font-variant:normal;font-weight:normal;font-style:normal;font-size:12px">ROC &amp; PR</text>
<path d="M33.218,26.363L33.218,34.363" style="fill:none;stroke:#000000;stroke-opacity:1;stroke-width:0.5;stroke-dasharray:2,1;stroke-dashoffset:0" />
<g transform="rotate(90)"><path d="M1,1L2,2Z" style="fill:#1F77B4;fill-opacity:0.5" /></g>
<image x="2" y="-12" width="10" height="10" xlink:href="data:image/jpg;base64,` + png + `" transform="scale(1, -1)" />
</g>
</svg>
`
	for _, tc := range []struct {
		name, in string
		want     []string
	}{
		{"table with classes and inline styles (mlkit TableHTML)",
			`<table class="dataframe results" style="border-collapse:collapse;font-family:sans-serif;font-size:13px"><thead><tr><th style="border:1px solid #ccc;padding:3px 8px;background:#f3f3f3">auc</th></tr></thead>` +
				`<tbody><tr><td class="num" style="border:1px solid #ccc;padding:3px 8px;text-align:right">0.874</td></tr></tbody></table>`,
			[]string{`<table class="dataframe results" style="border-collapse: collapse; font-family: sans-serif; font-size: 13px">`,
				`<th style="border: 1px solid #ccc; padding: 3px 8px; background: #f3f3f3">auc</th>`,
				`<td class="num" style="border: 1px solid #ccc; padding: 3px 8px; text-align: right">0.874</td>`, `</tbody></table>`}},
		{"headings, lists and code",
			`<h2 id="results">Results</h2><ul><li><code>auc</code></li></ul><ol start="2"><li><pre>x := 1</pre></li></ol><p><em>a</em> <strong>b</strong> H<sub>2</sub>O<br>x<sup>2</sup></p>`,
			[]string{`<h2 id="results">Results</h2>`, `<ul><li><code>auc</code></li></ul>`, `<pre>x := 1</pre>`, `<em>a</em> <strong>b</strong> H<sub>2</sub>O<br>x<sup>2</sup>`}},
		{"gonum SVG plot", gonumSVG,
			[]string{`<svg width="480pt" height="106.5pt" viewbox="0 0 480 106.5"`, `xmlns="http://www.w3.org/2000/svg"`, `xmlns:xlink="http://www.w3.org/1999/xlink"`,
				`<g transform="scale(1, -1) translate(0, -106.5)">`,
				`<path d="M0,0L480,0L480,106.5L0,106.5Z" style="fill: #FFFFFF"/>`,
				`style="font-family: Liberation Serif; font-variant: normal; font-weight: normal; font-style: normal; font-size: 12px">ROC &amp; PR</text>`,
				`style="fill: none; stroke: #000000; stroke-opacity: 1; stroke-width: 0.5; stroke-dasharray: 2,1; stroke-dashoffset: 0"`,
				`<g transform="rotate(90)"><path d="M1,1L2,2Z" style="fill: #1F77B4; fill-opacity: 0.5"/></g>`,
				`xlink:href="data:image/jpg;base64,` + png + `"`, `</g>`, `</svg>`}},
		{"SVG shapes, gradients and references",
			`<svg viewBox="0 0 10 10"><defs><clipPath id="c1"><rect x="0" y="0" width="5" height="5"/></clipPath><linearGradient id="g1"><stop offset="0" stop-color="#fff"/></linearGradient></defs>` +
				`<circle cx="5" cy="5" r="2" fill="url(#g1)" stroke="red" stroke-width="0.5" clip-path="url(#c1)"/><line x1="0" y1="0" x2="1" y2="1"/><polyline points="0,0 1,1 2,0" fill="none"/>` +
				`<text x="1" y="9" font-family="sans-serif" font-size="3" text-anchor="middle">a<tspan dy="1">b</tspan></text><use href="#c1" x="1"/></svg>`,
			[]string{`<clippath id="c1"><rect x="0" y="0" width="5" height="5"/></clippath>`, `<lineargradient id="g1"><stop offset="0" stop-color="#fff"/></lineargradient>`,
				`<circle cx="5" cy="5" r="2" fill="url(#g1)" stroke="red" stroke-width="0.5" clip-path="url(#c1)"/>`, `<line x1="0" y1="0" x2="1" y2="1"/>`,
				`<polyline points="0,0 1,1 2,0" fill="none"/>`, `<text x="1" y="9" font-family="sans-serif" font-size="3" text-anchor="middle">a<tspan dy="1">b</tspan></text>`, `<use href="#c1" x="1"/>`}},
		{"PNG figure as a data URI (mlkit ReportHTML)",
			`<div style="display:flex;flex-wrap:wrap;gap:8px;align-items:flex-start"><img src="data:image/png;base64,` + png + `" alt="ROC curve" style="width:480px;max-width:100%"></div>`,
			[]string{`<div style="display: flex; flex-wrap: wrap; gap: 8px; align-items: flex-start">`, `<img src="data:image/png;base64,` + png + `" alt="ROC curve" style="width: 480px; max-width: 100%">`}},
		{"local image", `<img src="figures/roc.png" width="200" alt="ROC">`, []string{`<img src="figures/roc.png" width="200" alt="ROC">`}},
		{"links", `<p><a href="https://physionet.org/content/x/" title="PhysioNet">data</a> <a href="http://example.org/">http</a> <a href="mailto:team@example.org">mail</a> <a href="02-vitals-summary.html#cell-2">next</a> <a href="#top">top</a></p>`,
			[]string{`<a href="https://physionet.org/content/x/" title="PhysioNet">data</a>`, `<a href="http://example.org/">http</a>`, `<a href="mailto:team@example.org">mail</a>`,
				`<a href="02-vitals-summary.html#cell-2">next</a>`, `<a href="#top">top</a>`}},
		{"training progress (mlkit display.Progress)",
			`<div style="font-family:monospace;font-size:13px;line-height:1.6"><b>training</b> <progress value="3" max="10" style="width:220px;vertical-align:middle"></progress> 3/10 (30%)<br>loss <b>0.41</b> · <i>done</i></div>`,
			[]string{`<div style="font-family: monospace; font-size: 13px; line-height: 1.6"><b>training</b> <progress value="3" max="10" style="width: 220px; vertical-align: middle"></progress> 3/10 (30%)<br>loss <b>0.41</b> · <i>done</i></div>`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := sanitizeHTML(tc.in + payload)
			assertInert(t, tc.name, got)
			for _, w := range tc.want {
				if !strings.Contains(got, w) {
					t.Errorf("sanitized display lacks %q\n got %s", w, got)
				}
			}
		})
	}
}

// TestBookContentSecurityPolicy checks that every page opens its <head> with a
// Content-Security-Policy that forbids scripts, plugins, frames, forms and <base>, and
// allows what the book itself uses: book.css, inline style attributes and images.
func TestBookContentSecurityPolicy(t *testing.T) {
	out := buildFixtureBook(t)
	entries, err := os.ReadDir(out)
	if err != nil {
		t.Fatal(err)
	}
	meta := regexp.MustCompile(`^<head>\s*<meta http-equiv="Content-Security-Policy" content="([^"]*)">`)
	pages := 0
	for _, e := range entries {
		if filepath.Ext(e.Name()) != ".html" {
			continue
		}
		pages++
		text := readPage(t, out, e.Name())
		head := strings.Index(text, "<head>")
		if head < 0 {
			t.Errorf("%s has no <head>", e.Name())
			continue
		}
		m := meta.FindStringSubmatch(text[head:])
		if m == nil {
			t.Errorf("%s: the first element of <head> is not a Content-Security-Policy meta", e.Name())
			continue
		}
		directives := map[string][]string{}
		for _, d := range strings.Split(m[1], ";") {
			if f := strings.Fields(d); len(f) > 0 {
				directives[f[0]] = f[1:]
			}
		}
		for _, name := range []string{"default-src", "script-src", "object-src", "frame-src", "base-uri", "form-action"} {
			if got := directives[name]; len(got) != 1 || got[0] != "'none'" {
				t.Errorf("%s: CSP %s is %q, want 'none'", e.Name(), name, got)
			}
		}
		has := func(name, source string) bool {
			for _, s := range directives[name] {
				if s == source {
					return true
				}
			}
			return false
		}
		if !has("style-src", "'self'") || !has("style-src", "'unsafe-inline'") {
			t.Errorf("%s: CSP style-src %q must allow book.css ('self') and style attributes ('unsafe-inline')", e.Name(), directives["style-src"])
		}
		if !has("img-src", "data:") || !has("img-src", "'self'") {
			t.Errorf("%s: CSP img-src %q must allow data: images and the book's own", e.Name(), directives["img-src"])
		}
		for name, sources := range directives {
			for _, s := range sources {
				if s == "*" || strings.HasPrefix(s, "http") || s == "'unsafe-eval'" || (s == "'unsafe-inline'" && name != "style-src" && name != "style-src-attr") {
					t.Errorf("%s: CSP %s allows %s", e.Name(), name, s)
				}
			}
		}
	}
	if pages != 3 {
		t.Errorf("checked %d pages, want index.html and 2 notebook pages", pages)
	}
}

// TestBookHostileNotebook builds a book from a notebook whose outputs carry every hostile
// display, as HTML and as SVG, and checks the page stays inert.
func TestBookHostileNotebook(t *testing.T) {
	var outputs []map[string]any
	for _, h := range hostileDisplays {
		outputs = append(outputs,
			map[string]any{"output_type": "display_data", "metadata": map[string]any{}, "data": map[string]any{"text/html": h.in}},
			map[string]any{"output_type": "display_data", "metadata": map[string]any{}, "data": map[string]any{"image/svg+xml": `<svg xmlns="http://www.w3.org/2000/svg">` + h.in + `</svg>`}})
	}
	nb := map[string]any{"nbformat": 4, "nbformat_minor": 5, "metadata": map[string]any{}, "cells": []any{
		map[string]any{"cell_type": "code", "execution_count": 1, "metadata": map[string]any{}, "source": "x", "outputs": outputs}}}
	raw, err := json.Marshal(nb)
	if err != nil {
		t.Fatal(err)
	}
	in := t.TempDir()
	if err := os.WriteFile(filepath.Join(in, "hostile.ipynb"), raw, 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(in, "book")
	if _, err := buildBook(in, out); err != nil {
		t.Fatal(err)
	}
	page := readPage(t, out, "hostile.html")
	main := page[strings.Index(page, "<main>"):]
	assertInert(t, "hostile.html", main)
}
