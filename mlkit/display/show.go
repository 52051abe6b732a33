// SPDX-License-Identifier: Apache-2.0

package display

import (
	"encoding/base64"
	"fmt"
	"html"
	"io"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"github.com/janpfeifer/gonb/gonbui"
	"github.com/janpfeifer/gonb/gonbui/protocol"

	"github.com/medgo-lab/medgo/mlkit/eval"
	"github.com/medgo-lab/medgo/mlkit/internal/textout"
)

// Out receives text output (tables, reports, the paths of written files) when not
// running in a notebook. It defaults to standard output.
var Out io.Writer = os.Stdout

// FigureDir is where Show, ShowHTML and Report write files when not running in a
// notebook. Empty means a new temporary directory, created on first use.
var FigureDir = ""

// notebook is the display surface of a GoNB notebook; tests replace it.
type notebook interface {
	html(s string)
	png(data []byte)
	update(id, html string)
	metric(name, value string)
	uniqueID() string
	err() error
}

type gonbNotebook struct{}

// Displays wait for GoNB to acknowledge them (gonbui.Sync): output still in the pipe when the
// cell's program exits could otherwise be lost.
func (gonbNotebook) html(s string)          { gonbui.DisplayHTML(s); gonbui.Sync() }
func (gonbNotebook) png(data []byte)        { gonbui.DisplayPng(data); gonbui.Sync() }
func (gonbNotebook) update(id, html string) { gonbui.UpdateHTML(id, html) }
func (gonbNotebook) uniqueID() string       { return gonbui.UniqueId() }

// metric sends a recorded figure as data of MetricMIME, with an empty HTML part: front ends
// render the richest type they know, so they show nothing rather than a "no renderer" note.
func (gonbNotebook) metric(name, value string) {
	gonbui.SendData(&protocol.DisplayData{Data: map[protocol.MIMEType]any{
		protocol.MIMETextHTML: "",
		MetricMIME:            map[string]string{name: value},
	}})
	gonbui.Sync()
}
func (gonbNotebook) err() error { return gonbui.Error() }

// testNotebook, when set, replaces GoNB in tests.
var testNotebook notebook

func currentNotebook() notebook {
	if testNotebook != nil {
		return testNotebook
	}
	if gonbui.IsNotebook {
		return gonbNotebook{}
	}
	return nil
}

// InNotebook reports whether the program runs inside a GoNB notebook cell.
func InNotebook() bool { return currentNotebook() != nil }

func notebookErr(nb notebook) error {
	if err := nb.err(); err != nil {
		return fmt.Errorf("display: sending output to the notebook: %w", err)
	}
	return nil
}

var (
	fileMu     sync.Mutex
	tempDir    string
	fileNumber int
)

// outputFile returns a new file path under FigureDir with the given stem and extension.
func outputFile(stem, ext string) (string, error) {
	fileMu.Lock()
	defer fileMu.Unlock()
	dir := FigureDir
	if dir == "" {
		if tempDir == "" {
			d, err := os.MkdirTemp("", "medgo-display-")
			if err != nil {
				return "", fmt.Errorf("display: creating a directory for figures: %w (set display.FigureDir to a writable directory)", err)
			}
			tempDir = d
		}
		dir = tempDir
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("display: creating FigureDir %q: %w", dir, err)
	}
	fileNumber++
	return filepath.Join(dir, fmt.Sprintf("%03d-%s%s", fileNumber, slug(stem), ext)), nil
}

// slug turns a title into a short file-name part.
func slug(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
		if b.Len() >= 40 {
			break
		}
	}
	out := strings.Trim(b.String(), "-")
	if out == "" {
		return "figure"
	}
	return out
}

// Show displays a figure: as a PNG image in a notebook, otherwise it writes a PNG file
// under FigureDir and prints its path to Out. A figure that could not be made (see
// Figure.Err) is not drawn: its error is returned, or in a notebook stops the cell.
func Show(fig *Figure) error {
	return report(show(fig, false))
}

// ShowSVG is Show with SVG instead of PNG (sharp at any zoom, larger for dense plots).
func ShowSVG(fig *Figure) error {
	return report(show(fig, true))
}

func show(fig *Figure, svg bool) error {
	if err := fig.Err(); err != nil {
		return err
	}
	var data []byte
	var err error
	ext := ".png"
	if svg {
		data, err = fig.SVG()
		ext = ".svg"
	} else {
		data, err = fig.PNG()
	}
	if err != nil {
		return err
	}
	if nb := currentNotebook(); nb != nil {
		if svg {
			nb.html("<div>" + string(data) + "</div>")
		} else {
			nb.png(data)
		}
		return notebookErr(nb)
	}
	path, err := outputFile(fig.Title(), ext)
	if err != nil {
		return err
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		return fmt.Errorf("display: writing figure: %w", err)
	}
	name := fig.Title()
	if name == "" {
		name = "figure"
	}
	_, err = fmt.Fprintf(Out, "%s: %s\n", name, path)
	return err
}

// report is where display's Show functions hand back their errors. In a notebook it stops
// the cell with err, as mlkit.Must would: notebook lines ignore the returned error, and a
// cell that carried on past a figure or report it could not show would pass a headless run
// with the output missing. Elsewhere it prints err to standard error and returns it.
func report(err error) error {
	if err == nil {
		return nil
	}
	if InNotebook() {
		panic(err)
	}
	fmt.Fprintln(os.Stderr, err)
	return err
}

// ShowHTML displays HTML in a notebook; otherwise it writes it to an .html file under
// FigureDir and prints the path to Out.
func ShowHTML(htmlText string) error {
	return report(showHTML(htmlText, "output"))
}

func showHTML(htmlText, name string) error {
	if nb := currentNotebook(); nb != nil {
		nb.html(htmlText)
		return notebookErr(nb)
	}
	path, err := outputFile(name, ".html")
	if err != nil {
		return err
	}
	page := "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>" + html.EscapeString(name) + "</title></head><body>\n" + htmlText + "\n</body></html>\n"
	if err := os.WriteFile(path, []byte(page), 0o644); err != nil {
		return fmt.Errorf("display: writing HTML: %w", err)
	}
	_, err = fmt.Fprintf(Out, "%s (HTML): %s\n", name, path)
	return err
}

// ShowTable displays a table: as an HTML table in a notebook, as aligned text on Out
// otherwise. Rows may be shorter than the header.
func ShowTable(header []string, rows [][]string) error {
	for i, r := range rows {
		if len(r) > len(header) {
			return report(fmt.Errorf("display: table row %d has %d cells but the header has %d; pass at most one cell per column", i, len(r), len(header)))
		}
	}
	if nb := currentNotebook(); nb != nil {
		nb.html(TableHTML(header, rows))
		return report(notebookErr(nb))
	}
	_, err := io.WriteString(Out, TableText(header, rows))
	return report(err)
}

// TableText renders a table as aligned plain text: the first column left-aligned, the
// others right-aligned, aligned by display width (so "µ", "≥" and CJK text line up).
func TableText(header []string, rows [][]string) string {
	t := textout.Table{Header: header, Rows: rows, Right: textout.FirstLeft(len(header))}
	return t.Text()
}

// tableStyle is the self-contained look of display's tables: inline styles, since a
// notebook output carries no stylesheet.
var tableStyle = textout.HTMLStyle{
	Style: "border-collapse:collapse;font-family:sans-serif;font-size:13px",
	Cell:  "border:1px solid #ccc;padding:3px 8px",
	Head:  "background:#f3f3f3",
}

// TableHTML renders a table as a self-contained HTML table (escaped, inline styles).
func TableHTML(header []string, rows [][]string) string {
	t := textout.Table{Header: header, Rows: rows, Right: textout.FirstLeft(len(header))}
	return t.HTML(tableStyle, "")
}

// ShowResults displays a results table with one row per model (or run) and one column
// per metric, from Headline maps of eval reports. Columns follow the first model's
// metrics in eval's order, then any others alphabetically; missing values show as "".
func ShowResults(names []string, headlines []map[string]float64) error {
	header, rows, err := resultsTable(names, headlines)
	if err != nil {
		return report(err)
	}
	return ShowTable(header, rows)
}

var metricOrder = []string{"n", "accuracy", "balanced_accuracy", "sensitivity", "specificity", "ppv", "npv", "f1",
	"macro_precision", "macro_recall", "macro_specificity", "macro_f1", "auc", "ap", "brier", "ece",
	"rmse", "mae", "r2", "bias", "max_error"}

func resultsTable(names []string, headlines []map[string]float64) ([]string, [][]string, error) {
	if len(names) != len(headlines) || len(names) == 0 {
		return nil, nil, fmt.Errorf("display: ShowResults got %d names and %d metric maps; pass one name per map, at least one", len(names), len(headlines))
	}
	seen := map[string]bool{}
	var keys, extra []string
	for _, k := range metricOrder {
		for _, h := range headlines {
			if _, ok := h[k]; ok && !seen[k] {
				seen[k] = true
				keys = append(keys, k)
			}
		}
	}
	for _, h := range headlines {
		for k := range h {
			if !seen[k] {
				seen[k] = true
				extra = append(extra, k)
			}
		}
	}
	sort.Strings(extra)
	keys = append(keys, extra...)
	header := []string{"model"}
	for _, k := range keys {
		header = append(header, eval.MetricName(k))
	}
	rows := make([][]string, len(names))
	for i, h := range headlines {
		rows[i] = []string{names[i]}
		for _, k := range keys {
			v, ok := h[k]
			switch {
			case !ok:
				rows[i] = append(rows[i], "")
			case k == "n":
				rows[i] = append(rows[i], fmt.Sprintf("%.0f", v))
			default:
				rows[i] = append(rows[i], formatValue(v))
			}
		}
	}
	return header, rows, nil
}

func formatValue(v float64) string {
	switch {
	case math.IsNaN(v):
		return "n/a"
	case math.Abs(v) < 1000:
		return fmt.Sprintf("%.3f", v)
	}
	return fmt.Sprintf("%.4g", v)
}

// PNGDataURI returns PNG bytes as a data: URI, for embedding in HTML <img> tags.
func PNGDataURI(png []byte) string {
	return "data:image/png;base64," + base64.StdEncoding.EncodeToString(png)
}
