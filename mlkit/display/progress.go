// SPDX-License-Identifier: Apache-2.0

package display

import (
	"fmt"
	"html"
	"io"
	"math"
	"os"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/medgo-lab/medgo/mlkit/internal/textout"
)

// Field is one named value shown by Progress, e.g. {"loss", 0.41}.
type Field struct {
	Name  string
	Value float64
}

// Progress reports the progress of a loop (e.g. training steps) in one place.
//
// In a notebook it shows one HTML block that updates in place. On a terminal it rewrites
// a single line with \r. When output goes to a file or pipe it prints one line every
// Interval, plus the final line. Updates are throttled, so calling Update on every step
// is cheap. A Progress is safe for concurrent use. The throttling, timing and line
// rewriting are the shared reporter's (mlkit/internal/textout) that downloads and training
// use too; this type adds the fields and the notebook block.
//
//	p := display.NewProgress(steps, "training")
//	for step := range steps {
//		loss := trainStep()
//		p.Update(step+1, map[string]float64{"loss": loss})
//	}
//	p.Done()
type Progress struct {
	// Out receives text progress outside notebooks (default os.Stderr).
	Out io.Writer
	// Interval is the time between lines when Out is not a terminal (default 5s).
	Interval time.Duration
	// Refresh is the minimum time between in-place updates on a terminal or in a
	// notebook (default 100ms).
	Refresh time.Duration

	mu       sync.Mutex
	title    string
	total    int
	fields   []Field
	bar      *textout.Progress // made on the first update, once Out and the surface are known
	now      func() time.Time
	terminal *bool // overrides terminal detection in tests
}

// NewProgress returns a progress reporter for total steps (total <= 0 when unknown).
func NewProgress(total int, title string) *Progress {
	return &Progress{Out: os.Stderr, Interval: 5 * time.Second, Refresh: 100 * time.Millisecond,
		title: title, total: total, now: time.Now}
}

// Update records that done steps are complete, with the current values of some fields
// (shown sorted by name; nil for none), and refreshes the display if enough time passed.
func (p *Progress) Update(done int, fields map[string]float64) {
	names := make([]string, 0, len(fields))
	for n := range fields {
		names = append(names, n)
	}
	sort.Strings(names)
	fs := make([]Field, len(names))
	for i, n := range names {
		fs[i] = Field{n, fields[n]}
	}
	p.UpdateFields(done, fs...)
}

// UpdateFields is Update with fields in the given order.
func (p *Progress) UpdateFields(done int, fields ...Field) {
	p.mu.Lock()
	defer p.mu.Unlock()
	bar := p.start()
	if bar.Finished() {
		return
	}
	p.fields = append(p.fields[:0], fields...)
	bar.Update(int64(done))
}

// Done shows the final state and ends the progress display; later updates are ignored.
func (p *Progress) Done() {
	p.mu.Lock()
	defer p.mu.Unlock()
	bar := p.start()
	bar.Finish(bar.Status().Done)
}

func (p *Progress) isTerminal() bool {
	if p.terminal != nil {
		return *p.terminal
	}
	f, ok := p.Out.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// start makes the shared progress reporter on first use, for the surface in use then: a
// notebook block replaced in place, a terminal line rewritten with \r, or one line per
// Interval in a file or pipe (where \r would pile up).
func (p *Progress) start() *textout.Progress {
	if p.bar != nil {
		return p.bar
	}
	bar := textout.NewProgress(int64(p.total))
	bar.Now = p.now
	bar.Text, bar.HTML = p.line, p.html
	switch nb := currentNotebook(); {
	case nb != nil:
		id := "medgo-progress-" + nb.uniqueID()
		bar.Interval = p.Refresh
		bar.Display = func(html string, final bool) {
			if final {
				// Replace the transient block by a regular output, so that it stays in
				// the saved notebook.
				nb.update(id, "")
				nb.html(html)
				return
			}
			nb.update(id, html)
		}
	case p.isTerminal():
		bar.Out, bar.InPlace, bar.Interval = p.Out, true, p.Refresh
	default:
		bar.Out, bar.Interval = p.Out, p.Interval
	}
	p.bar = bar
	return bar
}

func formatField(v float64) string {
	if math.IsNaN(v) {
		return "n/a"
	}
	return fmt.Sprintf("%.4g", v)
}

// Line returns the current state as one line of text, e.g.
// "training [#####...............] 25/100 25% 0:05<0:15 loss=0.4123".
func (p *Progress) Line() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.line(p.status())
}

// HTML returns the current state as an HTML block (no scripts).
func (p *Progress) HTML() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.html(p.status())
}

func (p *Progress) status() textout.Status {
	if p.bar == nil {
		return textout.Status{Total: int64(p.total)}
	}
	return p.bar.Status()
}

func (p *Progress) line(s textout.Status) string {
	var b strings.Builder
	b.WriteString(s.Line(p.title))
	for _, f := range p.fields {
		fmt.Fprintf(&b, " %s=%s", f.Name, formatField(f.Value))
	}
	return b.String()
}

func (p *Progress) html(s textout.Status) string {
	var b strings.Builder
	b.WriteString(`<div style="font-family:monospace;font-size:13px;line-height:1.6">`)
	if p.title != "" {
		fmt.Fprintf(&b, "<b>%s</b> ", html.EscapeString(p.title))
	}
	elapsed := textout.Duration(s.Elapsed)
	if s.Known() {
		fmt.Fprintf(&b, `<progress value="%d" max="%d" style="width:220px;vertical-align:middle"></progress> %d/%d (%.0f%%) · %s elapsed`,
			min(max(s.Done, 0), s.Total), s.Total, s.Done, s.Total, s.Fraction*100, elapsed)
		if s.Done > 0 && s.Done < s.Total {
			fmt.Fprintf(&b, " · %s left", textout.Duration(s.Left))
		}
	} else {
		fmt.Fprintf(&b, "%d done · %s elapsed", s.Done, elapsed)
	}
	if len(p.fields) > 0 {
		b.WriteString("<br>")
		for i, f := range p.fields {
			if i > 0 {
				b.WriteString(" · ")
			}
			fmt.Fprintf(&b, "%s <b>%s</b>", html.EscapeString(f.Name), formatField(f.Value))
		}
	}
	b.WriteString("</div>")
	return b.String()
}
