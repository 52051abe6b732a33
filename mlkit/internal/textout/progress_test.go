// SPDX-License-Identifier: Apache-2.0

package textout

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

// fakeClock returns a clock for Progress.Now and a function that moves it on.
func fakeClock() (func() time.Time, func(time.Duration)) {
	now := time.Unix(0, 0)
	return func() time.Time { return now }, func(d time.Duration) { now = now.Add(d) }
}

// TestProgressLine pins the standard line at 0%, 50% and 100%, as display.Progress printed
// it before it moved here: the bar, the count, the percentage, the elapsed time and the
// time left while running.
func TestProgressLine(t *testing.T) {
	for _, tc := range []struct {
		done int64
		at   time.Duration
		want string
	}{
		{0, 0, "train [....................] 0/100   0% 0:00"},
		{50, 10 * time.Second, "train [##########..........] 50/100  50% 0:10<0:10"},
		{100, 20 * time.Second, "train [####################] 100/100 100% 0:20"},
	} {
		s := Status{Done: tc.done, Total: 100, Elapsed: tc.at, Fraction: float64(tc.done) / 100, Left: tc.at}
		if got := s.Line("train"); got != tc.want {
			t.Errorf("Line at %d%% = %q, want %q", tc.done, got, tc.want)
		}
	}
	if got, want := (Status{Done: 7, Elapsed: 65 * time.Minute}).Line(""), "7 1:05:00"; got != want {
		t.Errorf("Line with no total = %q, want %q", got, want)
	}
}

func newTextProgress(out *bytes.Buffer, inPlace bool) (*Progress, func(time.Duration)) {
	now, advance := fakeClock()
	p := NewProgress(100)
	p.Out, p.InPlace, p.Interval, p.Now = out, inPlace, time.Second, now
	p.Text = func(s Status) string { return s.Line("train") }
	return p, advance
}

// TestProgressInPlace checks the terminal form: one line rewritten with \r at 0%, 50% and
// 100%, ended by a newline, with the time left estimated from the rate so far.
func TestProgressInPlace(t *testing.T) {
	var out bytes.Buffer
	p, advance := newTextProgress(&out, true)
	p.Update(0)
	advance(10 * time.Second)
	p.Update(50)
	advance(10 * time.Second)
	p.Finish(100)
	p.Update(3) // ignored after Finish
	want := "\rtrain [....................] 0/100   0% 0:00" +
		"\rtrain [##########..........] 50/100  50% 0:10<0:10" +
		"\rtrain [####################] 100/100 100% 0:20    \n" // blanks what is left of the longer line before
	if got := out.String(); got != want {
		t.Errorf("in-place output\n%q\nwant\n%q", got, want)
	}
}

// TestProgressLines checks the file/pipe form: whole lines, throttled to one per Interval,
// plus the final state.
func TestProgressLines(t *testing.T) {
	var out bytes.Buffer
	p, advance := newTextProgress(&out, false)
	for i := int64(0); i <= 100; i++ {
		p.Update(i)
		advance(100 * time.Millisecond) // 10 s in all, one line a second
	}
	p.Finish(100)
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if len(lines) != 12 || strings.Contains(out.String(), "\r") {
		t.Fatalf("%d lines, want 12 (one a second and the final one), without \\r:\n%s", len(lines), out.String())
	}
	if lines[5] != "train [##########..........] 50/100  50% 0:05<0:05" {
		t.Errorf("line at 50%% = %q", lines[5])
	}
	if last := lines[len(lines)-1]; last != "train [####################] 100/100 100% 0:10" {
		t.Errorf("final line = %q", last)
	}
}

// TestProgressDisplay checks the notebook hook: HTML replaced in place, throttled, and a
// final call marked as such.
func TestProgressDisplay(t *testing.T) {
	now, advance := fakeClock()
	p := NewProgress(10)
	p.Now, p.Interval = now, time.Second
	p.HTML = func(s Status) string { return s.Line("") }
	var shown []string
	p.Display = func(h string, final bool) {
		if final {
			h += " (final)"
		}
		shown = append(shown, h)
	}
	p.Update(1)
	p.Update(2) // throttled
	advance(time.Second)
	p.Update(5)
	p.Show(6) // not throttled
	p.Finish(10)
	want := []string{
		"[##..................] 1/10  10% 0:00<0:00",
		"[##########..........] 5/10  50% 0:01<0:01",
		"[############........] 6/10  60% 0:01<0:01",
		"[####################] 10/10 100% 0:01 (final)",
	}
	if strings.Join(shown, "\n") != strings.Join(want, "\n") {
		t.Errorf("displayed\n%s\nwant\n%s", strings.Join(shown, "\n"), strings.Join(want, "\n"))
	}
}
