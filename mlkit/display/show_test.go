// SPDX-License-Identifier: Apache-2.0

package display

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/medgo-lab/medgo/mlkit/eval"
)

// fakeNotebook records what would be sent to GoNB.
type fakeNotebook struct {
	htmls   []string
	pngs    [][]byte
	updates []string // "id: html"
	metrics []string // "name=value"
	ids     int
}

func (f *fakeNotebook) html(s string)             { f.htmls = append(f.htmls, s) }
func (f *fakeNotebook) png(data []byte)           { f.pngs = append(f.pngs, data) }
func (f *fakeNotebook) update(id, html string)    { f.updates = append(f.updates, id+": "+html) }
func (f *fakeNotebook) metric(name, value string) { f.metrics = append(f.metrics, name+"="+value) }
func (f *fakeNotebook) uniqueID() string          { f.ids++; return fmt.Sprint(f.ids) }
func (f *fakeNotebook) err() error                { return nil }

// withNotebook runs fn with a fake notebook (nb != nil) or as a plain program writing to
// a buffer and a temporary FigureDir.
func withNotebook(t *testing.T, nb *fakeNotebook, fn func(out *bytes.Buffer)) {
	t.Helper()
	var buf bytes.Buffer
	oldOut, oldDir := Out, FigureDir
	Out, FigureDir = &buf, t.TempDir()
	if nb != nil {
		testNotebook = nb
	}
	defer func() { Out, FigureDir, testNotebook = oldOut, oldDir, nil }()
	fn(&buf)
}

func testReport(t *testing.T) *eval.Report {
	r, err := eval.ClassifyBinary(testLabels, testScores, []string{"healthy", "disease"}, eval.WithTargetSensitivity(0.9))
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestShowOutsideNotebook(t *testing.T) {
	roc, _ := eval.ROC(testLabels, testScores)
	fig := ROC(roc)
	withNotebook(t, nil, func(out *bytes.Buffer) {
		if InNotebook() {
			t.Fatal("InNotebook() = true in a test")
		}
		if err := Show(fig); err != nil {
			t.Fatal(err)
		}
		if err := ShowSVG(fig); err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSpace(out.String()), "\n")
		if len(lines) != 2 {
			t.Fatalf("output %q, want two lines with file paths", out.String())
		}
		for i, ext := range []string{".png", ".svg"} {
			path := lines[i][strings.LastIndex(lines[i], " ")+1:]
			if !strings.HasPrefix(lines[i], "ROC curve: ") || filepath.Ext(path) != ext {
				t.Errorf("line %q: want \"ROC curve: <path>%s\"", lines[i], ext)
			}
			if st, err := os.Stat(path); err != nil || st.Size() == 0 {
				t.Errorf("figure file %s: %v", path, err)
			}
		}
		if err := Show(nil); err == nil {
			t.Error("Show(nil): want an error")
		}
	})
}

func TestShowInNotebook(t *testing.T) {
	roc, _ := eval.ROC(testLabels, testScores)
	fig := ROC(roc)
	nb := &fakeNotebook{}
	withNotebook(t, nb, func(out *bytes.Buffer) {
		if !InNotebook() {
			t.Fatal("InNotebook() = false with a notebook")
		}
		if err := Show(fig); err != nil {
			t.Fatal(err)
		}
		if err := ShowSVG(fig); err != nil {
			t.Fatal(err)
		}
		if err := ShowHTML("<b>hi</b>"); err != nil {
			t.Fatal(err)
		}
		if err := ShowTable([]string{"model", "auc"}, [][]string{{"<mlp>", "0.9"}}); err != nil {
			t.Fatal(err)
		}
		if err := Report(testReport(t)); err != nil {
			t.Fatal(err)
		}
	})
	if len(nb.pngs) != 1 || !bytes.HasPrefix(nb.pngs[0], []byte("\x89PNG")) {
		t.Errorf("notebook got %d PNGs", len(nb.pngs))
	}
	if len(nb.htmls) != 4 || !strings.Contains(nb.htmls[0], "<svg") || nb.htmls[1] != "<b>hi</b>" ||
		!strings.Contains(nb.htmls[2], "&lt;mlp&gt;") {
		t.Fatalf("notebook HTML outputs: %d", len(nb.htmls))
	}
	page := nb.htmls[3]
	if strings.Count(page, "<img src=\"data:image/png;base64,") != 4 || !strings.Contains(page, "AUC (ROC)") || strings.Contains(page, "<script") {
		t.Errorf("report HTML has %d images, want 4 (ROC, PR, confusion, calibration), and the metrics table without scripts", strings.Count(page, "<img"))
	}
}

// In a notebook a Show function that fails stops the cell, as mlkit.Must would: a line such
// as display.Show(display.ROC()) has no error check, and a cell that went on would let a
// headless run pass with the output missing. Nothing is displayed.
func TestShowInNotebookStopsTheCellOnError(t *testing.T) {
	for _, tc := range []struct {
		name string
		show func() error
		want string
	}{
		{"figure that could not be made", func() error { return Show(ROC().SetTitle("test set")) }, "ROC needs at least one curve"},
		{"SVG of such a figure", func() error { return ShowSVG(TrainingCurves(nil)) }, "empty history"},
		{"nil figure", func() error { return Show(nil) }, "nil figure"},
		{"table with a row too long", func() error { return ShowTable([]string{"a"}, [][]string{{"1", "2"}}) }, "table row 0 has 2 cells"},
		{"nil report", func() error { return Report(nil) }, "nil report"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			nb := &fakeNotebook{}
			withNotebook(t, nb, func(*bytes.Buffer) {
				defer func() {
					err, _ := recover().(error)
					if err == nil || !strings.Contains(err.Error(), tc.want) {
						t.Errorf("the cell went on (panic value %v); want it stopped with an error containing %q", err, tc.want)
					}
					if len(nb.pngs)+len(nb.htmls) != 0 {
						t.Errorf("displayed %d PNGs and %d HTML outputs for a failure", len(nb.pngs), len(nb.htmls))
					}
				}()
				tc.show()
			})
		})
	}
}

func TestShowTableAndResultsText(t *testing.T) {
	withNotebook(t, nil, func(out *bytes.Buffer) {
		r := testReport(t)
		reg, _ := eval.Regress([]float64{1, 2, 3}, []float64{1, 2, 4})
		if err := ShowResults([]string{"logistic", "regression"}, []map[string]float64{r.Headline(), reg.Headline()}); err != nil {
			t.Fatal(err)
		}
		text := out.String()
		lines := strings.Split(strings.TrimRight(text, "\n"), "\n")
		if len(lines) != 3 {
			t.Fatalf("results table:\n%s\nwant a header and two rows", text)
		}
		for _, want := range []string{"model", "AUC (ROC)", "RMSE", "logistic", fmt.Sprintf("%.3f", r.AUC), "12"} {
			if !strings.Contains(text, want) {
				t.Errorf("results table lacks %q:\n%s", want, text)
			}
		}
		// Columns line up: every line has the same length.
		for _, l := range lines[1:] {
			if len([]rune(l)) != len([]rune(lines[0])) {
				t.Errorf("misaligned table:\n%s", text)
				break
			}
		}
		if err := ShowTable([]string{"a"}, [][]string{{"1", "2"}}); err == nil {
			t.Error("row longer than the header: want an error")
		}
		if err := ShowResults([]string{"a"}, nil); err == nil {
			t.Error("names without metrics: want an error")
		}
	})
}

func TestReportOutsideNotebook(t *testing.T) {
	withNotebook(t, nil, func(out *bytes.Buffer) {
		if err := Report(testReport(t)); err != nil {
			t.Fatal(err)
		}
		text := out.String()
		if !strings.Contains(text, "Binary classification") || strings.Count(text, ".png\n") != 4 {
			t.Errorf("report output:\n%s\nwant the text report and 4 figure paths", text)
		}
		out.Reset()
		reg, _ := eval.Regress([]float64{1, 2, 3}, []float64{1, 2, 4})
		if err := RegressionReport(reg); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(out.String(), "RMSE") || !strings.Contains(out.String(), "predicted-vs-true.png") {
			t.Errorf("regression report output:\n%s", out.String())
		}
		out.Reset()
		if err := ShowHTML("<p>x</p>"); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(out.String(), ".html") {
			t.Errorf("ShowHTML output %q, want an .html path", out.String())
		}
	})
	if err := Report(nil); err == nil {
		t.Error("Report(nil): want an error")
	}
}

func TestReportFiguresMultiClass(t *testing.T) {
	labels := []int{0, 1, 2, 0, 1, 2}
	probs := [][]float64{{.7, .2, .1}, {.2, .5, .3}, {.1, .3, .6}, {.4, .4, .2}, {.3, .3, .4}, {.3, .3, .4}}
	r, err := eval.Classify(labels, probs, []string{"a", "b", "c"})
	if err != nil {
		t.Fatal(err)
	}
	figs, err := ReportFigures(r)
	if err != nil {
		t.Fatal(err)
	}
	if len(figs) != 4 {
		t.Fatalf("%d figures, want 4", len(figs))
	}
	for i, f := range figs {
		checkFigure(t, fmt.Sprintf("report_multiclass_%d", i), f)
	}
}

func TestProgressText(t *testing.T) {
	clock := time.Unix(0, 0)
	var buf bytes.Buffer
	p := NewProgress(100, "train")
	p.Out, p.Interval = &buf, 5*time.Second
	p.now = func() time.Time { return clock }
	for step := 1; step <= 100; step++ {
		clock = clock.Add(time.Second / 4) // 25 s in all
		p.Update(step, map[string]float64{"loss": 1 / float64(step), "auc": 0.5})
	}
	p.Done()
	p.Update(3, nil) // ignored after Done
	lines := strings.Split(strings.TrimRight(buf.String(), "\n"), "\n")
	// First update, then one line per 5 s of the 25 s, then the final line.
	if len(lines) < 5 || len(lines) > 7 {
		t.Fatalf("%d lines, want about 6 (one every 5 s):\n%s", len(lines), buf.String())
	}
	if !strings.HasPrefix(lines[0], "train [") || !strings.Contains(lines[0], " 1/100 ") {
		t.Errorf("first line %q", lines[0])
	}
	last := lines[len(lines)-1]
	for _, want := range []string{"[####################]", "100/100", "100%", "0:25", "auc=0.5 loss=0.01"} {
		if !strings.Contains(last, want) {
			t.Errorf("final line %q lacks %q", last, want)
		}
	}
	if strings.Contains(buf.String(), "\r") {
		t.Error("non-terminal output contains \\r")
	}
}

func TestProgressTerminal(t *testing.T) {
	clock := time.Unix(0, 0)
	var buf bytes.Buffer
	yes := true
	p := NewProgress(0, "") // unknown total
	p.Out, p.terminal, p.Refresh = &buf, &yes, 100*time.Millisecond
	p.now = func() time.Time { return clock }
	for step := 1; step <= 50; step++ {
		clock = clock.Add(10 * time.Millisecond)
		p.UpdateFields(step, Field{"loss", 0.5})
	}
	p.Done()
	out := buf.String()
	if n := strings.Count(out, "\r"); n < 4 || n > 7 {
		t.Errorf("%d in-place updates, want about 6 (every 100 ms over 0.5 s): %q", n, out)
	}
	if strings.Count(out, "\n") != 1 || !strings.HasSuffix(out, "50 0:00 loss=0.5\n") {
		t.Errorf("terminal output %q, want one final newline after the last state", out)
	}
}

func TestProgressNotebook(t *testing.T) {
	nb := &fakeNotebook{}
	withNotebook(t, nb, func(*bytes.Buffer) {
		clock := time.Unix(0, 0)
		p := NewProgress(1000, "epoch 1")
		p.now = func() time.Time { return clock }
		for step := 1; step <= 1000; step++ {
			clock = clock.Add(time.Millisecond)
			p.Update(step, map[string]float64{"loss": 0.25})
		}
		p.Done()
	})
	// 1 s of updates every 100 ms: about 10 in-place updates of one block, not 1000 outputs.
	if n := len(nb.updates); n < 9 || n > 13 {
		t.Errorf("%d updates, want about 11", n)
	}
	id := nb.updates[0][:strings.Index(nb.updates[0], ":")]
	for _, u := range nb.updates {
		if !strings.HasPrefix(u, id+": ") {
			t.Fatalf("update %q does not reuse the display id %q", u, id)
		}
	}
	if last := nb.updates[len(nb.updates)-1]; last != id+": " {
		t.Errorf("last update %q, want the transient block cleared", last)
	}
	if len(nb.htmls) != 1 || !strings.Contains(nb.htmls[0], `<progress value="1000" max="1000"`) || !strings.Contains(nb.htmls[0], "loss <b>0.25</b>") {
		t.Errorf("final HTML %q", nb.htmls)
	}
}
