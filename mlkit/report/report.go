// SPDX-License-Identifier: Apache-2.0

package report

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"time"

	"github.com/medgo-lab/medgo/mlkit/data"
	"github.com/medgo-lab/medgo/mlkit/train"
)

// Files a report writes into its run's directory.
const (
	CardFile     = "card.json"      // what the author said: kept so the report can be written again
	HTMLFile     = "report.html"    // self-contained: figures embedded
	MarkdownFile = "report.md"      // figures as PNG files in FiguresDir
	FiguresDir   = "report-figures" // beside report.md
)

// Card is what only the model's author can say about it. A report keeps it in the run's
// card.json; later reports of the run (medgo report, report.New without options) read it.
type Card struct {
	Title       string   `json:"title,omitempty"`
	IntendedUse string   `json:"intended_use,omitempty"`
	Limits      []string `json:"limits,omitempty"`

	// Source describes the data when the loaders do not know it (a user's own file), or
	// corrects what they know.
	Source *data.Provenance `json:"source,omitempty"`

	// GroupName names the attribute of Groups ("sex", "site"); Groups holds one value per
	// test example, in the test part's order.
	GroupName string   `json:"group_name,omitempty"`
	Groups    []string `json:"groups,omitempty"`

	// Threshold is a binary model's decision threshold (0 means 0.5).
	Threshold float64 `json:"threshold,omitempty"`
}

// Builder configures a report. Start with New; every option is optional.
type Builder struct {
	run    string
	card   Card
	set    map[string]bool
	limits []string
	err    error
}

// New starts the report of a run, by name (under $MEDGO_RUNS or ./runs) or directory. It
// starts from the card a previous report saved beside the run, if any; options replace its
// fields.
func New(run string) *Builder { return &Builder{run: run, set: map[string]bool{}} }

// Title sets the report's title (default: "Model report: " and the run's name).
func (b *Builder) Title(title string) *Builder { b.card.Title = title; b.set["title"] = true; return b }

// IntendedUse says who would use the model, on whom, and for what decision.
func (b *Builder) IntendedUse(use string) *Builder {
	b.card.IntendedUse = use
	b.set["use"] = true
	return b
}

// Limit adds a known limit to the ones the report finds itself (call it once per limit).
func (b *Builder) Limit(limit string) *Builder {
	b.limits = append(b.limits, limit)
	b.set["limits"] = true
	return b
}

// Source describes where the data come from, for data the loaders do not know.
func (b *Builder) Source(p data.Provenance) *Builder {
	b.card.Source = &p
	b.set["source"] = true
	return b
}

// Groups adds a subgroup table (binary tasks): name is the attribute ("sex", "age band",
// "site"), groups its value for each example of the run's test part, in order.
func (b *Builder) Groups(name string, groups []string) *Builder {
	b.card.GroupName, b.card.Groups = name, groups
	b.set["groups"] = true
	return b
}

// Threshold sets a binary model's decision threshold, e.g. one chosen on validation data
// (default 0.5).
func (b *Builder) Threshold(t float64) *Builder {
	if !(t > 0 && t < 1) {
		b.err = fmt.Errorf("report: threshold %g is not a probability in (0, 1); pass e.g. the Threshold of eval.YoudenThreshold on validation data", t)
	}
	b.card.Threshold = t
	b.set["threshold"] = true
	return b
}

// Done opens the run with its best weights, predicts its test part and assembles the
// report. It needs the run to have a test part.
func (b *Builder) Done() (rep *Report, err error) {
	if b.err != nil {
		return nil, b.err
	}
	run, err := train.Open(b.run)
	if err != nil {
		return nil, fmt.Errorf("report: %w", err)
	}
	card, err := readCard(run.Dir)
	if err != nil {
		return nil, err
	}
	if b.set["title"] {
		card.Title = b.card.Title
	}
	if b.set["use"] {
		card.IntendedUse = b.card.IntendedUse
	}
	if b.set["limits"] {
		card.Limits = b.limits
	}
	if b.set["source"] {
		card.Source = b.card.Source
	}
	if b.set["groups"] {
		card.GroupName, card.Groups = b.card.GroupName, b.card.Groups
	}
	if b.set["threshold"] {
		card.Threshold = b.card.Threshold
	}
	return build(run, card, time.Now())
}

// Write writes the report of a run with what its card says (see New) and returns it: the
// one call behind `medgo report RUN`.
func Write(run string) (*Report, error) {
	rep, err := New(run).Done()
	if err != nil {
		return nil, err
	}
	return rep, rep.Save()
}

func readCard(dir string) (Card, error) {
	var c Card
	raw, err := os.ReadFile(filepath.Join(dir, CardFile))
	if errors.Is(err, os.ErrNotExist) {
		return c, nil
	}
	if err != nil {
		return c, fmt.Errorf("report: %w", err)
	}
	if err := json.Unmarshal(raw, &c); err != nil {
		return c, fmt.Errorf("report: %s is not a valid card (%v); fix the JSON, or move the file away to start a new card", filepath.Join(dir, CardFile), err)
	}
	if c.Threshold != 0 && !(c.Threshold > 0 && c.Threshold < 1) || math.IsNaN(c.Threshold) {
		return c, fmt.Errorf("report: %s: threshold %g is not a probability in (0, 1)", filepath.Join(dir, CardFile), c.Threshold)
	}
	return c, nil
}
