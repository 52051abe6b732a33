// SPDX-License-Identifier: Apache-2.0

package textout

import (
	"fmt"
	"io"
	"math"
	"strings"
	"sync"
	"time"
)

// Status is the state of a Progress when it is shown.
type Status struct {
	Done, Total int64         // Total <= 0 when unknown
	Elapsed     time.Duration // since the first update
	Left        time.Duration // estimated time left, from the rate so far; 0 when not known
	Fraction    float64       // Done/Total in [0, 1]; 0 when Total is unknown
	Final       bool          // the last state, shown by Finish
}

// Known reports whether the total is known, so that a fraction and a bar can be shown.
func (s Status) Known() bool { return s.Total > 0 }

// Line is the standard one-line rendering, e.g.
// "training [#####...............] 25/100  25% 0:05<0:15": title, a 20-column bar, the
// count, the percentage, the elapsed time and, while running, the estimated time left.
// Without a known total it is "title 25 0:05".
func (s Status) Line(title string) string {
	var b strings.Builder
	if title != "" {
		b.WriteString(title + " ")
	}
	if !s.Known() {
		fmt.Fprintf(&b, "%d %s", s.Done, Duration(s.Elapsed))
		return b.String()
	}
	fmt.Fprintf(&b, "%s %d/%d %3.0f%% %s", Bar(s.Fraction, 20), s.Done, s.Total, 100*s.Fraction, Duration(s.Elapsed))
	if s.Done > 0 && s.Done < s.Total {
		b.WriteString("<" + Duration(s.Left))
	}
	return b.String()
}

// Bar draws fraction (clamped to [0, 1]) as "[###.......]" with width inner columns.
func Bar(fraction float64, width int) string {
	n := int(math.Min(math.Max(fraction, 0), 1) * float64(width))
	return "[" + strings.Repeat("#", n) + strings.Repeat(".", width-n) + "]"
}

// Duration writes d as m:ss, or h:mm:ss from an hour on, rounded to the second.
func Duration(d time.Duration) string {
	s := int(d.Round(time.Second) / time.Second)
	if s >= 3600 {
		return fmt.Sprintf("%d:%02d:%02d", s/3600, s/60%60, s%60)
	}
	return fmt.Sprintf("%d:%02d", s/60, s%60)
}

// Progress reports the progress of a loop in one place. Updates are throttled to one per
// Interval, so calling Update on every step is cheap; Show and Finish always show.
//
// Where the state goes is up to the caller, since each surface wants its own form:
//   - Display set (a notebook): Display receives HTML(status) each time, to replace one
//     output in place; the final call has final set, so that the caller can turn the
//     transient block into a lasting output.
//   - otherwise, with Text set, Text(status) goes to Out: rewriting one line with \r when
//     InPlace (a terminal; shorter lines are blanked to the previous length, and Finish ends
//     the line), or as one line per shown state (a file or pipe, where \r would pile up).
//
// A Progress is safe for concurrent use.
type Progress struct {
	Out      io.Writer
	InPlace  bool
	Interval time.Duration // minimum time between shown states of Update
	Text     func(Status) string
	HTML     func(Status) string
	Display  func(html string, final bool)
	Now      func() time.Time // the clock (tests replace it); nil is time.Now

	mu       sync.Mutex
	total    int64
	done     int64
	start    time.Time
	last     time.Time
	shown    bool
	finished bool
	lineLen  int // display width of the last in-place line, to blank what a shorter one leaves
}

// NewProgress returns a Progress for total steps (total <= 0 when unknown) that shows
// nothing until Out and Text, or Display and HTML, are set.
func NewProgress(total int64) *Progress {
	return &Progress{total: total}
}

func (p *Progress) now() time.Time {
	if p.Now != nil {
		return p.Now()
	}
	return time.Now()
}

// Update records that done steps are complete and shows the state if Interval has passed
// since it was last shown (or it never was). It reports whether it showed.
func (p *Progress) Update(done int64) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.emit(done, false, false)
}

// Show records done steps and shows the state now, whatever the time since the last one.
func (p *Progress) Show(done int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.emit(done, true, false)
}

// Finish shows the final state; later calls are ignored.
func (p *Progress) Finish(done int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.emit(done, true, true)
	p.finished = true
}

// Finished reports whether Finish was called.
func (p *Progress) Finished() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.finished
}

// Status returns the current state: the steps last recorded, with the times as of the last
// time it was shown (so that a line rendered from it matches what was shown).
func (p *Progress) Status() Status {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.status(false)
}

func (p *Progress) status(final bool) Status {
	s := Status{Done: p.done, Total: p.total, Elapsed: p.last.Sub(p.start), Final: final}
	if s.Known() {
		s.Fraction = math.Min(math.Max(float64(p.done)/float64(p.total), 0), 1)
		if p.done > 0 && p.done < p.total {
			s.Left = time.Duration(float64(s.Elapsed) / float64(p.done) * float64(p.total-p.done))
		}
	}
	return s
}

func (p *Progress) emit(done int64, force, final bool) bool {
	if p.finished {
		return false
	}
	now := p.now()
	if p.start.IsZero() {
		p.start = now
	}
	p.done = done
	if p.shown && !force && now.Sub(p.last) < p.Interval {
		return false
	}
	p.last, p.shown = now, true
	s := p.status(final)
	switch {
	case p.Display != nil:
		if p.HTML != nil {
			p.Display(p.HTML(s), final)
		}
	case p.Text != nil && p.Out != nil:
		line := p.Text(s)
		if !p.InPlace {
			fmt.Fprintln(p.Out, line)
			break
		}
		w := Width(line)
		pad := strings.Repeat(" ", max(0, p.lineLen-w))
		p.lineLen = w
		end := ""
		if final {
			end = "\n"
		}
		fmt.Fprintf(p.Out, "\r%s%s%s", line, pad, end)
	}
	return true
}
