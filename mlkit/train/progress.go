// SPDX-License-Identifier: Apache-2.0

package train

import (
	"fmt"
	"html"
	"io"
	"math"
	"os"
	"strings"
	"time"

	"github.com/janpfeifer/gonb/gonbui"

	"github.com/medgo-lab/medgo/mlkit/internal/textout"
)

// progress shows training progress: in a notebook, one HTML output updated in place; in a
// terminal, one line per epoch (and a throttled in-place line while an epoch runs).
type progress struct {
	quiet    bool
	notebook bool
	id       string
	name     string
	epochs   int
	backend  string
	out      io.Writer
	box      *textout.Progress // the notebook box: throttled in-place HTML updates
	status   string            // the box's last line: the step in progress or the outcome
	steps    int64             // steps shown so far, for the box's throttle
	lines    []string
	started  time.Time
}

func newProgress(quiet bool, name string, epochs int, backendName string) *progress {
	p := &progress{quiet: quiet, notebook: gonbui.IsNotebook, name: name, epochs: epochs, backend: backendName,
		out: os.Stdout, started: time.Now()}
	if quiet {
		return p
	}
	if p.notebook {
		p.id = gonbui.UniqueId()
		p.box = textout.NewProgress(0)
		p.box.Interval = 500 * time.Millisecond
		p.box.HTML = func(textout.Status) string { return p.html(p.status) }
		p.box.Display = func(h string, final bool) {
			gonbui.UpdateHTML(p.id, h)
			if final {
				gonbui.Sync() // the final state must reach the notebook before the cell ends
			}
		}
		p.status = "starting…"
		p.box.Show(0)
	} else {
		fmt.Fprintf(p.out, "Training %s on %s\n", name, backendName)
	}
	return p
}

// step shows the epoch in progress in the notebook box, at most every 500 ms. A terminal
// gets only the per-epoch lines, which stay readable in logs.
func (p *progress) step(epoch int, fraction, loss float64) {
	if p.quiet || !p.notebook {
		return
	}
	// The status is only read when the box is shown, so a throttled step leaves no trace.
	p.status = fmt.Sprintf("epoch %d/%d %3.0f%%  loss %.4f", epoch+1, p.epochs, 100*fraction, loss)
	p.steps++
	p.box.Update(p.steps)
}

func (p *progress) epoch(h *History) {
	if p.quiet {
		return
	}
	e := h.Epochs[len(h.Epochs)-1]
	line := fmt.Sprintf("epoch %3d/%d  train loss %.4f", e.Epoch, p.epochs, e.TrainLoss)
	for _, k := range []string{"loss", "accuracy", "auc", "rmse"} {
		if v, ok := e.Val[k]; ok && !math.IsNaN(v) {
			line += fmt.Sprintf("  val %s %.4f", k, v)
		}
	}
	line += fmt.Sprintf("  (%.1fs)", e.Seconds)
	if e.Best {
		line += "  *best"
	}
	p.lines = append(p.lines, line)
	if p.notebook {
		p.status = ""
		p.box.Show(p.steps)
	} else {
		fmt.Fprintln(p.out, line)
	}
}

func (p *progress) finish(h *History) {
	if p.quiet {
		return
	}
	msg := fmt.Sprintf("done in %.1fs", time.Since(p.started).Seconds())
	if b, ok := h.Best(); ok {
		msg += fmt.Sprintf("; best epoch %d by %s", b.Epoch, h.Monitor)
	}
	if h.Stopped != "" {
		msg += "; " + h.Stopped
	}
	if p.notebook {
		p.status = msg
		p.box.Finish(p.steps)
	} else {
		fmt.Fprintln(p.out, msg)
	}
}

func (p *progress) close() {}

// html renders the progress box: the title, the last few epochs and the current status.
func (p *progress) html(status string) string {
	var b strings.Builder
	fmt.Fprintf(&b, `<div style="font-family:monospace;font-size:90%%"><b>%s</b> on %s<br>`, html.EscapeString(p.name), html.EscapeString(p.backend))
	shown := p.lines
	if len(shown) > 8 {
		fmt.Fprintf(&b, "… %d earlier epochs<br>", len(shown)-8)
		shown = shown[len(shown)-8:]
	}
	for _, l := range shown {
		b.WriteString(html.EscapeString(l) + "<br>")
	}
	if status != "" {
		b.WriteString("<i>" + html.EscapeString(status) + "</i>")
	}
	b.WriteString("</div>")
	return b.String()
}
