// SPDX-License-Identifier: Apache-2.0

package eval

import (
	"errors"
	"fmt"
	"html"
	"maps"
	"math"
	"strconv"
	"strings"
)

// TaskMetrics is the evaluation of one task (label column) of a multi-label classifier,
// on the examples whose label for it is not missing.
type TaskMetrics struct {
	Task      string
	N         int // examples with a label for this task
	Positives int
	Missing   int // examples whose label is NaN

	AUC float64 // NaN when the task lacks a class
	AP  float64 // NaN when the task has no positives

	// At the report's threshold; NaN when the task has no positives (sensitivity) or no
	// negatives (specificity).
	Sensitivity, Specificity float64

	// Bootstrap intervals of AUC and AP with WithCI or WithBootstrap, from the same
	// resamples of examples as the report's CI. Nil without them, for a task left out of the
	// macro averages, and when more than half of the resamples lose one of the task's
	// classes (a note then names the task).
	AUCCI, APCI *CI
}

// MultiLabelReport is the evaluation of a multi-label classifier, built by
// ClassifyMultiLabel: one probability per task and example, with missing labels masked
// per task.
//
// Macro averages are unweighted means over the tasks with both classes among their labels;
// the others are named in Excluded (and in Notes), so that a macro AUC over fewer tasks
// than expected is visible. Micro averages pool every labelled (example, task) cell into one
// ranking, so tasks with many labels weigh more and scores are compared across tasks.
type MultiLabelReport struct {
	Tasks     []string
	N         int // examples (rows)
	Cells     int // labelled cells, that is N × tasks minus the missing labels
	Threshold float64

	PerTask []TaskMetrics

	// ROC holds each task's ROC curve on its labelled examples, in the order of Tasks
	// (Label set to the task's name); nil for a task without both classes.
	ROC []*ROCCurve

	MacroAUC, MacroAP float64 // NaN when no task has both classes
	MicroAUC, MicroAP float64 // NaN when the pooled labels lack a class (AUC) or positives (AP)

	// Excluded lists the tasks left out of the macro averages because their labels have
	// one class only (or none at all).
	Excluded []string

	// CI holds bootstrap confidence intervals keyed like Headline (nil without WithCI).
	CI map[string]CI

	Notes []string

	headline map[string]float64
}

// Headline returns the report's main numbers keyed for results tables: n (examples),
// cells (labelled cells), macro_auc, macro_ap, micro_auc, micro_ap. Undefined values are
// NaN.
func (r *MultiLabelReport) Headline() map[string]float64 { return maps.Clone(r.headline) }

// HeadlineKeys returns the keys of Headline in display order.
func (r *MultiLabelReport) HeadlineKeys() []string {
	return append([]string{"n", "cells"}, multiLabelRankingKeys...)
}

// multiLabelRankingKeys are the Headline keys that get confidence intervals and rows in the
// metrics table (the counts are in the title).
var multiLabelRankingKeys = []string{"macro_auc", "macro_ap", "micro_auc", "micro_ap"}

// The multi-label keys live with the multi-label report; registering them keeps MetricName
// (and so every metrics table) readable for them.
func init() {
	maps.Copy(metricNames, map[string]string{
		"cells":     "labelled cells",
		"macro_auc": "macro AUC (ROC)",
		"macro_ap":  "macro average precision",
		"micro_auc": "micro AUC (ROC)",
		"micro_ap":  "micro average precision",
	})
}

// ClassifyMultiLabel evaluates a multi-label classifier: probs[i][k] is the predicted
// probability that example i has label k, and labels[i][k] is 1 (has it), 0 (does not) or
// NaN (unknown: the cell is left out of task k's metrics and of the micro averages, not
// counted as a negative). tasks names the label columns (nil means "0", "1", ...).
//
// Each task is called positive when its probability is >= 0.5 (see WithThreshold; one
// threshold for all tasks). WithCI and WithBootstrap add bootstrap confidence intervals for
// the macro and micro AUC and AP; examples (rows) are resampled, not cells, so that the
// correlation of one patient's labels across tasks stays in the interval. A resample in which
// a task of the macro average lacks a class leaves the macro values undefined for it (counted
// in CI.Skipped) rather than averaging over other tasks. WithTargetSensitivity is an error:
// it would need a threshold per task. WithBins is ignored.
//
// Every row of labels and probs must have one value per task; labels must be 0, 1 or NaN
// and probabilities in [0, 1] (never NaN: missing is said in labels). Invalid input is an
// error naming the row, the column and the task.
func ClassifyMultiLabel(labels [][]float64, probs [][]float64, tasks []string, opts ...Option) (*MultiLabelReport, error) {
	k, err := checkMultiLabel(labels, probs, tasks)
	if err != nil {
		return nil, err
	}
	if tasks == nil {
		tasks = defaultClassNames(k)
	}
	o := newOptions(opts)
	if o.targetSens != 0 {
		return nil, fmt.Errorf("eval: WithTargetSensitivity does not apply to multi-label classification: it would choose one threshold per task; pass one WithThreshold for all tasks, or evaluate a task alone with ClassifyBinary")
	}
	if err := o.check(true); err != nil {
		return nil, err
	}
	r := &MultiLabelReport{Tasks: tasks, N: len(labels), Threshold: 0.5}
	if !math.IsNaN(o.threshold) {
		r.Threshold = o.threshold
	}

	d := newMultiLabelData(labels, probs)
	r.Cells = len(d.pooled.labels)
	if r.Cells == 0 {
		return nil, fmt.Errorf("%w: every label is NaN (missing) in %d rows × %d tasks; pass at least one known label", ErrEmpty, len(labels), k)
	}
	var aucSum, apSum float64
	for t, cells := range d.tasks {
		m := TaskMetrics{Task: tasks[t], N: len(cells.labels), Missing: len(labels) - len(cells.labels)}
		m.AUC, m.AP, m.Sensitivity, m.Specificity = math.NaN(), math.NaN(), math.NaN(), math.NaN()
		if m.N > 0 {
			op, _ := AtThreshold(cells.labels, cells.scores, r.Threshold)
			m.Positives = op.TP + op.FN
			m.Sensitivity, m.Specificity = op.Sensitivity, op.Specificity
			m.AP, _ = AveragePrecision(cells.labels, cells.scores)
		}
		var roc *ROCCurve
		if auc, err := AUC(cells.labels, cells.scores); err == nil {
			m.AUC = auc
			aucSum += m.AUC
			apSum += m.AP
			d.included = append(d.included, t)
			if roc, err = ROC(cells.labels, cells.scores); err == nil {
				roc.Label = tasks[t]
			}
		} else {
			r.Excluded = append(r.Excluded, tasks[t])
		}
		r.PerTask = append(r.PerTask, m)
		r.ROC = append(r.ROC, roc)
	}
	r.MacroAUC = safeDiv(aucSum, float64(len(d.included)))
	r.MacroAP = safeDiv(apSum, float64(len(d.included)))
	r.MicroAUC, r.MicroAP = math.NaN(), math.NaN()
	if auc, err := AUC(d.pooled.labels, d.pooled.scores); err == nil {
		r.MicroAUC = auc
	} else {
		r.Notes = append(r.Notes, "micro "+strings.TrimPrefix(err.Error(), ErrUndefined.Error()+": "))
	}
	if ap, err := AveragePrecision(d.pooled.labels, d.pooled.scores); err == nil {
		r.MicroAP = ap
	}

	if len(r.Excluded) > 0 {
		quoted := make([]string, len(r.Excluded))
		for i, name := range r.Excluded {
			quoted[i] = strconv.Quote(name)
		}
		r.Notes = append(r.Notes, fmt.Sprintf("macro AUC and AP average %d of %d tasks: %s %s only one class (or no labels) once missing labels are removed",
			len(d.included), k, strings.Join(quoted, ", "), pluralVerb(len(quoted), "has", "have")))
	}
	r.headline = map[string]float64{
		"n": float64(r.N), "cells": float64(r.Cells),
		"macro_auc": r.MacroAUC, "macro_ap": r.MacroAP, "micro_auc": r.MicroAUC, "micro_ap": r.MicroAP,
	}

	if o.bootstrap != nil {
		// Metrics undefined on all the examples get no interval, rather than failing the
		// whole report (as in Classify).
		var undefined []string
		for _, key := range multiLabelRankingKeys {
			if math.IsNaN(r.headline[key]) {
				undefined = append(undefined, key)
			}
		}
		if len(undefined) > 0 {
			r.Notes = append(r.Notes, fmt.Sprintf("no confidence interval for %s: undefined on these data", strings.Join(undefined, ", ")))
		}
		cis, err := BootstrapMetrics(len(labels), func(idx []int) (map[string]float64, error) {
			m := d.metrics(multiplicities(len(labels), idx))
			for _, key := range undefined {
				delete(m, key)
			}
			return m, nil
		}, *o.bootstrap)
		if err != nil {
			if errors.Is(err, ErrUndefined) {
				return nil, fmt.Errorf("%w (multi-label: rows are resampled, so a task of the macro average with few positives or negatives can lose its only ones)", err)
			}
			return nil, err
		}
		r.CI = cis
		r.taskIntervals(d, *o.bootstrap)
	}
	return r, nil
}

// taskIntervals sets the AUC and AP intervals of the tasks in the macro averages. Each task
// is bootstrapped on its own, so that a rare task whose resamples often lack a positive
// loses only its own interval, not the report's; the resamples are the same as the macro
// ones (same seed and count), since resample r depends only on them.
func (r *MultiLabelReport) taskIntervals(d *multiLabelData, cfg BootstrapConfig) {
	var unstable []string
	for _, t := range d.included {
		cells := &d.tasks[t]
		cis, err := BootstrapMetrics(r.N, func(idx []int) (map[string]float64, error) {
			rc := cells.counts(multiplicities(r.N, idx))
			if rc.pos == 0 || rc.neg == 0 {
				return map[string]float64{"auc": math.NaN(), "ap": math.NaN()}, nil
			}
			return map[string]float64{"auc": rc.auc(), "ap": rc.ap()}, nil
		}, cfg)
		if err != nil {
			unstable = append(unstable, strconv.Quote(r.Tasks[t]))
			continue
		}
		auc, ap := cis["auc"], cis["ap"]
		r.PerTask[t].AUCCI, r.PerTask[t].APCI = &auc, &ap
	}
	if len(unstable) > 0 {
		r.Notes = append(r.Notes, fmt.Sprintf("no per-task interval for %s: more than half of the bootstrap resamples lack one of %s classes",
			strings.Join(unstable, ", "), pluralVerb(len(unstable), "its", "their")))
	}
}

func pluralVerb(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// checkMultiLabel validates a multi-label problem and returns the number of tasks.
func checkMultiLabel(labels, probs [][]float64, tasks []string) (int, error) {
	if err := checkLen("label rows", len(labels), "probability rows", len(probs)); err != nil {
		return 0, err
	}
	k := len(labels[0])
	if k == 0 {
		return 0, fmt.Errorf("eval: label row 0 is empty; pass one label (0, 1 or NaN) per task")
	}
	if tasks != nil && len(tasks) != k {
		return 0, fmt.Errorf("eval: %d task names but label row 0 has %d values; pass one name per label column (or nil)", len(tasks), k)
	}
	name := func(j int) string {
		if tasks == nil {
			return strconv.Itoa(j)
		}
		return tasks[j]
	}
	for i := range labels {
		if len(labels[i]) != k {
			return 0, fmt.Errorf("eval: label row %d has %d values but row 0 has %d; every row needs one label per task (NaN for a missing one)", i, len(labels[i]), k)
		}
		if len(probs[i]) != k {
			return 0, fmt.Errorf("eval: probability row %d has %d values but there are %d tasks (label columns); every row needs one probability per task", i, len(probs[i]), k)
		}
		for j, y := range labels[i] {
			if y != 0 && y != 1 && !math.IsNaN(y) {
				return 0, fmt.Errorf("eval: label [%d][%d] (task %q) is %v; multi-label labels must be 0, 1 or NaN (missing)", i, j, name(j), y)
			}
		}
		for j, p := range probs[i] {
			if math.IsNaN(p) {
				return 0, fmt.Errorf("eval: probability [%d][%d] (task %q) is NaN; every cell needs a prediction (a missing label is marked NaN in labels, not in probs)", i, j, name(j))
			}
			if p < 0 || p > 1 {
				return 0, fmt.Errorf("eval: probability [%d][%d] (task %q) is %v, outside [0, 1]; pass probabilities (apply a sigmoid to logits first)", i, j, name(j), p)
			}
		}
	}
	return k, nil
}

// labelledCells are the labelled (example, task) cells of one task, or pooled over all
// tasks, with their scores sorted once so that bootstrap resamples are not sorted again.
type labelledCells struct {
	rows   []int // example of each cell, to weight it by the example's multiplicity
	labels []int
	scores []float64
	order  []int
}

func (c *labelledCells) add(row, label int, score float64) {
	c.rows = append(c.rows, row)
	c.labels = append(c.labels, label)
	c.scores = append(c.scores, score)
}

// counts ranks the cells with each weighted by its example's multiplicity in w.
func (c *labelledCells) counts(w []int) rankCounts {
	cw := make([]int, len(c.rows))
	for i, row := range c.rows {
		cw[i] = w[row]
	}
	return accumulate(c.order, c.labels, c.scores, cw)
}

type multiLabelData struct {
	tasks    []labelledCells
	pooled   labelledCells
	included []int // tasks in the macro averages
}

func newMultiLabelData(labels, probs [][]float64) *multiLabelData {
	d := &multiLabelData{tasks: make([]labelledCells, len(labels[0]))}
	for i, row := range labels {
		for t, y := range row {
			if math.IsNaN(y) {
				continue
			}
			d.tasks[t].add(i, int(y), probs[i][t])
			d.pooled.add(i, int(y), probs[i][t])
		}
	}
	for t := range d.tasks {
		d.tasks[t].order = sortedByScore(d.tasks[t].scores)
	}
	d.pooled.order = sortedByScore(d.pooled.scores)
	return d
}

// metrics computes the macro and micro AUC and AP with example i counted w[i] times. The
// macro values average the tasks included on all the data, and are NaN when one of them
// lacks a class in this resample, so that every interval is about the same tasks.
func (d *multiLabelData) metrics(w []int) map[string]float64 {
	var aucSum, apSum float64
	defined := true
	for _, t := range d.included {
		rc := d.tasks[t].counts(w)
		if rc.pos == 0 || rc.neg == 0 {
			defined = false
			break
		}
		aucSum += rc.auc()
		apSum += rc.ap()
	}
	m := map[string]float64{"macro_auc": math.NaN(), "macro_ap": math.NaN(), "micro_auc": math.NaN(), "micro_ap": math.NaN()}
	if defined && len(d.included) > 0 {
		m["macro_auc"] = aucSum / float64(len(d.included))
		m["macro_ap"] = apSum / float64(len(d.included))
	}
	rc := d.pooled.counts(w)
	if rc.pos > 0 && rc.neg > 0 {
		m["micro_auc"] = rc.auc()
	}
	if rc.pos > 0 {
		m["micro_ap"] = rc.ap()
	}
	return m
}

func (r *MultiLabelReport) title() string {
	return fmt.Sprintf("Multi-label classification: %d examples, %d tasks, %d labelled cells (%d missing), threshold %s",
		r.N, len(r.Tasks), r.Cells, r.N*len(r.Tasks)-r.Cells, fmtNum(r.Threshold))
}

func (r *MultiLabelReport) perTaskTable() (header []string, rows [][]string) {
	header = []string{"task", "n", "positives", "missing", "AUC", "AP", "sensitivity", "specificity"}
	for _, m := range r.PerTask {
		rows = append(rows, []string{m.Task, strconv.Itoa(m.N), strconv.Itoa(m.Positives), strconv.Itoa(m.Missing),
			fmtFloat(m.AUC), fmtFloat(m.AP), fmtFloat(m.Sensitivity), fmtFloat(m.Specificity)})
	}
	return header, rows
}

// String renders the report as plain text tables.
func (r *MultiLabelReport) String() string {
	var b strings.Builder
	b.WriteString(r.title() + "\n\n")
	h, rows := metricsTable(multiLabelRankingKeys, r.headline, r.CI, 0)
	writeTextTable(&b, h, rows)
	b.WriteString("\n")
	h, rows = r.perTaskTable()
	writeTextTable(&b, h, rows)
	for _, n := range r.Notes {
		b.WriteString("note: " + n + "\n")
	}
	return b.String()
}

// HTML renders the report as self-contained HTML tables (inline styles, no scripts).
func (r *MultiLabelReport) HTML() string {
	var b strings.Builder
	b.WriteString(`<div class="medgo-eval-report">`)
	fmt.Fprintf(&b, "<p style=\"font-family:sans-serif;font-weight:bold\">%s</p>\n", html.EscapeString(r.title()))
	h, rows := metricsTable(multiLabelRankingKeys, r.headline, r.CI, 0)
	writeHTMLTable(&b, "Metrics", h, rows)
	h, rows = r.perTaskTable()
	writeHTMLTable(&b, "Per task (missing labels removed)", h, rows)
	if len(r.Notes) > 0 {
		b.WriteString(`<ul style="font-family:sans-serif;font-size:12px;color:#555">`)
		for _, n := range r.Notes {
			fmt.Fprintf(&b, "<li>%s</li>", html.EscapeString(n))
		}
		b.WriteString("</ul>")
	}
	b.WriteString("</div>\n")
	return b.String()
}
