// SPDX-License-Identifier: Apache-2.0

package data

import (
	"fmt"
	"html"
	"math"
	"strconv"
	"strings"

	"github.com/medgo-lab/medgo/mlkit/internal/textout"
)

// Summary describes a Dataset: its size, shape and task, the examples per class (or per
// target), and the range of its features.
type Summary struct {
	Name      string
	Task      Task
	Len       int
	Shape     []int
	VocabSize int          // for token sequences, else 0
	MeanLen   float64      // for masked sequences: mean number of real positions
	Classes   []ClassCount // classification: examples per class
	Targets   []TargetStat // multi-label and regression: one per target
	Features  []FeatureStat
	Problem   string // set when the Dataset is inconsistent (see Dataset.Validate); nothing else is computed
}

// ClassCount is the number of examples of one class.
type ClassCount struct {
	Name  string
	Count int
}

// TargetStat summarizes one target column: for multi-label targets, Positives counts the
// 1s; Missing counts NaN; Min, Max and Mean cover the present values.
type TargetStat struct {
	Name                string
	Positives, Missing  int
	Min, Max, Mean, Std float64
}

// FeatureStat is the range of one feature, or of all values of image and sequence
// examples (Name "all values" / "token ids"). Missing counts NaN.
type FeatureStat struct {
	Name                string
	Min, Max, Mean, Std float64
	Missing             int
}

// maxSummaryFeatures is how many tabular features a Summary lists one by one.
const maxSummaryFeatures = 64

// Summary describes d.
func (d *Dataset) Summary() *Summary {
	s := &Summary{Name: nameOf(d), Task: d.Task, Len: d.Len(), Shape: d.Shape}
	if d.Vocab != nil {
		s.VocabSize = d.Vocab.Size()
	}
	if err := d.Validate(); err != nil {
		s.Problem = err.Error()
		return s
	}
	if d.Mask != nil && s.Len > 0 {
		sum := 0.0
		for _, m := range d.Mask {
			sum += float64(m)
		}
		s.MeanLen = sum / float64(s.Len)
	}
	if d.Task.IsClassification() {
		counts := d.ClassCounts()
		for c, n := range counts {
			name := strconv.Itoa(c)
			if c < len(d.Classes) {
				name = d.Classes[c]
			}
			s.Classes = append(s.Classes, ClassCount{name, n})
		}
	} else {
		t := d.NumTargets()
		for j := 0; j < t; j++ {
			name := "target"
			if j < len(d.Targets) {
				name = d.Targets[j]
			}
			st := stats(d.Y, j, t)
			ts := TargetStat{Name: name, Missing: st.Missing, Min: st.Min, Max: st.Max, Mean: st.Mean, Std: st.Std}
			if d.Task == MultiLabel {
				for i := j; i < len(d.Y); i += t {
					if d.Y[i] == 1 {
						ts.Positives++
					}
				}
			}
			s.Targets = append(s.Targets, ts)
		}
	}
	size := d.ExampleSize()
	switch {
	case size == 0:
	case d.Vocab != nil:
		st := stats(d.X, 0, 1)
		st.Name = "token ids"
		s.Features = []FeatureStat{st}
	case len(d.Shape) == 1 && size <= maxSummaryFeatures:
		for j := 0; j < size; j++ {
			st := stats(d.X, j, size)
			st.Name = "feature " + strconv.Itoa(j)
			if j < len(d.Features) {
				st.Name = d.Features[j]
			}
			s.Features = append(s.Features, st)
		}
	default:
		st := stats(d.X, 0, 1)
		st.Name = "all values"
		s.Features = []FeatureStat{st}
	}
	return s
}

// stats summarizes values[off], values[off+step], ...
func stats(values []float32, off, step int) FeatureStat {
	st := FeatureStat{Min: math.Inf(1), Max: math.Inf(-1)}
	var n int
	var sum, sq float64
	for i := off; i < len(values); i += step {
		v := float64(values[i])
		if math.IsNaN(v) {
			st.Missing++
			continue
		}
		n++
		sum += v
		sq += v * v
		st.Min, st.Max = min(st.Min, v), max(st.Max, v)
	}
	if n == 0 {
		st.Min, st.Max, st.Mean, st.Std = math.NaN(), math.NaN(), math.NaN(), math.NaN()
		return st
	}
	st.Mean = sum / float64(n)
	st.Std = math.Sqrt(max(sq/float64(n)-st.Mean*st.Mean, 0))
	return st
}

// table is a small text/HTML table; num marks the right-aligned (numeric) columns.
type table struct {
	head []string
	rows [][]string
	num  []bool
}

// summaryStyle is a bare table that the book's stylesheet and the notebook front end style.
var summaryStyle = textout.HTMLStyle{AlignHead: true, Lines: true}

func (t *table) out() *textout.Table {
	return &textout.Table{Header: t.head, Rows: t.rows, Right: t.num}
}

// text writes the table aligned by display width: class and feature names such as "µm" or
// "≥ 50" would shift the columns after them if measured in bytes.
func (t *table) text(b *strings.Builder) { b.WriteString(t.out().Text()) }

func (t *table) html(b *strings.Builder) { b.WriteString(t.out().HTML(summaryStyle, "")) }

func num(v float64) string {
	if math.IsNaN(v) {
		return "-"
	}
	return strconv.FormatFloat(v, 'g', 4, 64)
}

func pct(n, total int) string {
	if total == 0 {
		return "-"
	}
	return fmt.Sprintf("%.1f%%", 100*float64(n)/float64(total))
}

func (s *Summary) headline() string {
	h := fmt.Sprintf("%s: %d examples, shape %v, %v", s.Name, s.Len, s.Shape, s.Task)
	if s.VocabSize > 0 {
		h += fmt.Sprintf(", vocabulary of %d tokens", s.VocabSize)
	}
	if s.MeanLen > 0 {
		h += fmt.Sprintf(", mean length %.1f", s.MeanLen)
	}
	if s.Problem != "" {
		h += "; inconsistent: " + s.Problem
	}
	return h
}

func (s *Summary) tables() []*table {
	var out []*table
	if len(s.Classes) > 0 {
		t := &table{head: []string{"class", "count", "share"}, num: []bool{false, true, true}}
		for _, c := range s.Classes {
			t.rows = append(t.rows, []string{c.Name, strconv.Itoa(c.Count), pct(c.Count, s.Len)})
		}
		out = append(out, t)
	}
	if len(s.Targets) > 0 {
		t := &table{head: []string{"target", "positives", "missing", "min", "max", "mean"}, num: []bool{false, true, true, true, true, true}}
		for _, ts := range s.Targets {
			pos := "-"
			if s.Task == MultiLabel {
				pos = strconv.Itoa(ts.Positives)
			}
			t.rows = append(t.rows, []string{ts.Name, pos, strconv.Itoa(ts.Missing), num(ts.Min), num(ts.Max), num(ts.Mean)})
		}
		out = append(out, t)
	}
	if len(s.Features) > 0 {
		t := &table{head: []string{"feature", "min", "max", "mean", "std", "missing"}, num: []bool{false, true, true, true, true, true}}
		for _, f := range s.Features {
			t.rows = append(t.rows, []string{f.Name, num(f.Min), num(f.Max), num(f.Mean), num(f.Std), strconv.Itoa(f.Missing)})
		}
		out = append(out, t)
	}
	return out
}

// String renders the summary as plain-text tables.
func (s *Summary) String() string {
	var b strings.Builder
	b.WriteString(s.headline() + "\n")
	for _, t := range s.tables() {
		b.WriteString("\n")
		t.text(&b)
	}
	return b.String()
}

// HTML renders the summary as plain HTML tables (no scripts, no external styles).
func (s *Summary) HTML() string {
	var b strings.Builder
	b.WriteString(`<div class="medgo-summary">` + "\n<p>" + html.EscapeString(s.headline()) + "</p>\n")
	for _, t := range s.tables() {
		t.html(&b)
	}
	b.WriteString("</div>\n")
	return b.String()
}

// SplitSummary describes the parts of a Split side by side.
type SplitSummary struct {
	Parts     []string   // "train", "val", "test" for the parts present
	Summaries []*Summary // one per part
}

// Summary describes every part of the split.
func (s *Split) Summary() *SplitSummary {
	out := &SplitSummary{}
	for i, d := range []*Dataset{s.Train, s.Val, s.Test} {
		if d != nil {
			out.Parts = append(out.Parts, []string{"train", "val", "test"}[i])
			out.Summaries = append(out.Summaries, d.Summary())
		}
	}
	return out
}

func (s *SplitSummary) table() *table {
	t := &table{head: []string{""}, num: []bool{false}}
	for _, p := range s.Parts {
		t.head = append(t.head, p)
		t.num = append(t.num, true)
	}
	row := func(name string, cell func(*Summary) string) {
		r := []string{name}
		for _, ps := range s.Summaries {
			r = append(r, cell(ps))
		}
		t.rows = append(t.rows, r)
	}
	row("examples", func(ps *Summary) string { return strconv.Itoa(ps.Len) })
	if len(s.Summaries) == 0 {
		return t
	}
	first := s.Summaries[0]
	for c := range first.Classes {
		row(first.Classes[c].Name, func(ps *Summary) string {
			if c >= len(ps.Classes) {
				return "0"
			}
			return fmt.Sprintf("%d (%s)", ps.Classes[c].Count, pct(ps.Classes[c].Count, ps.Len))
		})
	}
	for j := range first.Targets {
		row(first.Targets[j].Name, func(ps *Summary) string {
			if j >= len(ps.Targets) {
				return "-"
			}
			ts := ps.Targets[j]
			if ps.Task == MultiLabel {
				return fmt.Sprintf("%d+ / %d?", ts.Positives, ts.Missing)
			}
			return "mean " + num(ts.Mean)
		})
	}
	return t
}

func (s *SplitSummary) headline() string {
	if len(s.Summaries) == 0 {
		return "empty split"
	}
	f := s.Summaries[0]
	return fmt.Sprintf("%s: shape %v, %v", f.Name, f.Shape, f.Task)
}

// String renders the split summary as a plain-text table.
func (s *SplitSummary) String() string {
	var b strings.Builder
	b.WriteString(s.headline() + "\n\n")
	s.table().text(&b)
	if l := s.legend(); l != "" {
		b.WriteString(l + "\n")
	}
	return b.String()
}

// legend explains the notation of the table's cells, when it has any.
func (s *SplitSummary) legend() string {
	if len(s.Summaries) == 0 || s.Summaries[0].Task != MultiLabel || len(s.Summaries[0].Targets) == 0 {
		return ""
	}
	return "P+ / M?: P examples with the label positive, M with it missing (NaN: not measured); the rest are negative."
}

// HTML renders the split summary as a plain HTML table.
func (s *SplitSummary) HTML() string {
	var b strings.Builder
	b.WriteString(`<div class="medgo-summary">` + "\n<p>" + html.EscapeString(s.headline()) + "</p>\n")
	s.table().html(&b)
	if l := s.legend(); l != "" {
		b.WriteString(`<p class="medgo-legend">` + html.EscapeString(l) + "</p>\n")
	}
	b.WriteString("</div>\n")
	return b.String()
}
