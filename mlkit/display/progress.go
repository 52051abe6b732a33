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
// is cheap. A Progress is safe for concurrent use.
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
	done     int
	fields   []Field
	start    time.Time
	last     time.Time // time of the last output
	shown    bool      // something was output
	finished bool
	lineLen  int    // length of the last terminal line, to blank it
	id       string // notebook display id
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
	if p.finished {
		return
	}
	now := p.now()
	if p.start.IsZero() {
		p.start = now
	}
	p.done = done
	p.fields = append(p.fields[:0], fields...)
	p.emit(now, false)
}

// Done shows the final state and ends the progress display; later updates are ignored.
func (p *Progress) Done() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.finished {
		return
	}
	now := p.now()
	if p.start.IsZero() {
		p.start = now
	}
	p.emit(now, true)
	p.finished = true
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

// emit outputs the current state if due (always when final).
func (p *Progress) emit(now time.Time, final bool) {
	nb := currentNotebook()
	term := nb == nil && p.isTerminal()
	gap := p.Interval
	if nb != nil || term {
		gap = p.Refresh
	}
	if p.shown && !final && now.Sub(p.last) < gap {
		return
	}
	p.last, p.shown = now, true
	switch {
	case nb != nil:
		if p.id == "" {
			p.id = "medgo-progress-" + nb.uniqueID()
		}
		if final {
			// Replace the transient block by a regular output, so that it stays in
			// the saved notebook.
			nb.update(p.id, "")
			nb.html(p.html())
			return
		}
		nb.update(p.id, p.html())
	case term:
		line := p.line()
		pad := max(0, p.lineLen-len([]rune(line)))
		p.lineLen = len([]rune(line))
		end := ""
		if final {
			end = "\n"
		}
		fmt.Fprintf(p.Out, "\r%s%s%s", line, strings.Repeat(" ", pad), end)
	default:
		fmt.Fprintln(p.Out, p.line())
	}
}

func formatDuration(d time.Duration) string {
	s := int(d.Round(time.Second) / time.Second)
	if s >= 3600 {
		return fmt.Sprintf("%d:%02d:%02d", s/3600, s/60%60, s%60)
	}
	return fmt.Sprintf("%d:%02d", s/60, s%60)
}

func formatField(v float64) string {
	if math.IsNaN(v) {
		return "n/a"
	}
	return fmt.Sprintf("%.4g", v)
}

func (p *Progress) timing() (elapsed, left string, frac float64, known bool) {
	el := p.last.Sub(p.start)
	elapsed = formatDuration(el)
	if p.total <= 0 {
		return elapsed, "", 0, false
	}
	frac = math.Min(math.Max(float64(p.done)/float64(p.total), 0), 1)
	if p.done > 0 && p.done < p.total {
		left = formatDuration(time.Duration(float64(el) / float64(p.done) * float64(p.total-p.done)))
	}
	return elapsed, left, frac, true
}

// Line returns the current state as one line of text, e.g.
// "training [#####...............] 25/100 25% 0:05<0:15 loss=0.4123".
func (p *Progress) Line() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.line()
}

// HTML returns the current state as an HTML block (no scripts).
func (p *Progress) HTML() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.html()
}

func (p *Progress) line() string {
	var b strings.Builder
	if p.title != "" {
		b.WriteString(p.title + " ")
	}
	elapsed, left, frac, known := p.timing()
	if known {
		const width = 20
		n := int(frac * width)
		fmt.Fprintf(&b, "[%s%s] %d/%d %3.0f%% %s", strings.Repeat("#", n), strings.Repeat(".", width-n), p.done, p.total, frac*100, elapsed)
		if left != "" {
			b.WriteString("<" + left)
		}
	} else {
		fmt.Fprintf(&b, "%d %s", p.done, elapsed)
	}
	for _, f := range p.fields {
		fmt.Fprintf(&b, " %s=%s", f.Name, formatField(f.Value))
	}
	return b.String()
}

func (p *Progress) html() string {
	var b strings.Builder
	b.WriteString(`<div style="font-family:monospace;font-size:13px;line-height:1.6">`)
	if p.title != "" {
		fmt.Fprintf(&b, "<b>%s</b> ", html.EscapeString(p.title))
	}
	elapsed, left, frac, known := p.timing()
	if known {
		fmt.Fprintf(&b, `<progress value="%d" max="%d" style="width:220px;vertical-align:middle"></progress> %d/%d (%.0f%%) · %s elapsed`,
			min(max(p.done, 0), p.total), p.total, p.done, p.total, frac*100, elapsed)
		if left != "" {
			fmt.Fprintf(&b, " · %s left", left)
		}
	} else {
		fmt.Fprintf(&b, "%d done · %s elapsed", p.done, elapsed)
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
