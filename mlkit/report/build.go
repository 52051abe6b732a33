// SPDX-License-Identifier: Apache-2.0

package report

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/medgo-lab/medgo/mlkit/data"
	"github.com/medgo-lab/medgo/mlkit/display"
	"github.com/medgo-lab/medgo/mlkit/eval"
	"github.com/medgo-lab/medgo/mlkit/internal/textout"
	"github.com/medgo-lab/medgo/mlkit/models"
	"github.com/medgo-lab/medgo/mlkit/train"
)

// NotAMedicalDevice is the caveat every report carries.
const NotAMedicalDevice = "Not a medical device. This model was made for research and teaching. " +
	"It has not been validated prospectively, nor approved or cleared by any regulator, and it must " +
	"not be used to make decisions about any person's care."

// Report is a run's model report, built by Builder.Done.
type Report struct {
	Name    string // the run's name
	Dir     string // the run's directory, where Save writes
	Card    Card   // what the author said, merged with the saved card
	Created time.Time

	// Headline holds the test metrics keyed as eval's reports key them, and CI their
	// bootstrap 95% intervals.
	Headline map[string]float64
	CI       map[string]eval.CI

	// Limits are the known limits: those found from the run, then the card's.
	Limits []string

	blocks []block
}

// block is one piece of the page: exactly one field is set.
type block struct {
	heading string
	text    string // a paragraph; **bold** and `code` are the only markup
	list    []string
	table   *textout.Table
	caption string // of table
	code    string // preformatted
	figure  *figure
	caveat  string // highlighted paragraph
}

type figure struct {
	name  string // file name without extension, unique in the report
	title string
	png   []byte
	width int
}

func (r *Report) heading(s string)   { r.blocks = append(r.blocks, block{heading: s}) }
func (r *Report) para(s string)      { r.blocks = append(r.blocks, block{text: s}) }
func (r *Report) bullets(l []string) { r.blocks = append(r.blocks, block{list: l}) }
func (r *Report) addTable(caption string, header []string, rows [][]string) {
	r.blocks = append(r.blocks, block{table: &textout.Table{Header: header, Rows: rows, Right: textout.FirstLeft(len(header))}, caption: caption})
}

// addFigure draws f into the report. A figure that could not be made (display.Figure.Err)
// is returned as the error, named.
func (r *Report) addFigure(name string, f *display.Figure) error {
	png, err := f.PNG()
	if err != nil {
		return fmt.Errorf("report: drawing %s: %w", name, err)
	}
	w, _ := f.Dims()
	title := f.Title()
	if title == "" {
		title = strings.ReplaceAll(name, "-", " ")
	}
	r.blocks = append(r.blocks, block{figure: &figure{name: name, title: title, png: png, width: w}})
	return nil
}

// build assembles the report of an opened run.
func build(run *train.Run, card Card, now time.Time) (rep *Report, err error) {
	defer func() {
		// Figures and graphs panic on inputs they cannot handle: a report is never worth a
		// crashed kernel.
		if p := recover(); p != nil {
			rep, err = nil, fmt.Errorf("report: run %q: %v", run.Name, p)
		}
	}()
	split := run.Split()
	if split == nil || split.Test.Len() == 0 {
		return nil, fmt.Errorf("report: run %q has no test part: a model report evaluates held-out test data; train on a data.Split with a Test part", run.Name)
	}
	test := split.Test
	if card.Groups != nil && len(card.Groups) != test.Len() {
		return nil, fmt.Errorf("report: run %q: %d group values for %d test examples; give one value per example of run.Split().Test, in its order", run.Name, len(card.Groups), test.Len())
	}
	if card.Groups != nil && run.Task != data.Binary {
		return nil, fmt.Errorf("report: run %q: subgroup tables are for binary tasks, and this run's task is %v; leave Groups out", run.Name, run.Task)
	}
	pred, err := run.Predict(test)
	if err != nil {
		return nil, fmt.Errorf("report: %w", err)
	}
	r := &Report{Name: run.Name, Dir: run.Dir, Card: card, Created: now.UTC()}
	title := card.Title
	if title == "" {
		title = "Model report: " + run.Name
	}
	r.heading("# " + title)
	engine := run.History.Backend
	if engine == "" {
		engine = "not recorded"
	}
	r.para(fmt.Sprintf("Run `%s` (directory `%s`), written %s. Engine: %s.", run.Name, run.Dir, r.Created.Format("2006-01-02 15:04 UTC"), engine))
	r.blocks = append(r.blocks, block{caveat: NotAMedicalDevice})

	r.heading("## Intended use")
	if card.IntendedUse != "" {
		r.para(card.IntendedUse)
	} else {
		r.para("Not stated. Say who would use the model, on which patients, for what decision, with `report.New(run).IntendedUse(...)`.")
	}

	prov := r.dataSection(run, card)
	r.splitsSection(split)
	if err := r.modelSection(run); err != nil {
		return nil, err
	}
	var found []string
	switch run.Task {
	case data.Binary, data.MultiClass, data.Ordinal:
		found, err = r.classification(run, test, pred, card)
	case data.MultiLabel:
		found, err = r.multiLabel(run, test, pred)
	case data.Regression:
		found, err = r.regression(run, test, pred)
	default:
		err = fmt.Errorf("report: run %q: no report for task %v", run.Name, run.Task)
	}
	if err != nil {
		return nil, err
	}

	r.Limits = append(r.Limits, fmt.Sprintf("Internal validation only: the %d test examples come from the same source and split as the training data; no external or prospective validation was done.", test.Len()))
	if prov != nil && prov.Collection != "" {
		r.Limits = append(r.Limits, "The examples are "+prov.Collection+": the model speaks for that population and setting only.")
	}
	r.Limits = append(r.Limits, found...)
	r.Limits = append(r.Limits, card.Limits...)
	r.heading("## Known limits")
	r.bullets(r.Limits)

	r.heading("## Reproduce")
	r.para(fmt.Sprintf("The run directory holds the model (`model.json`), the training settings (`settings.json`), the exact splits (`data.gob`), the history and the checkpoints. `medgo report %s` writes this report again from it; `train.Open(%q)` reopens the model in a notebook.", run.Name, run.Name))
	return r, nil
}

// dataSection describes the data and returns its provenance when known.
func (r *Report) dataSection(run *train.Run, card Card) *data.Provenance {
	tr := run.Split().Train
	r.heading("## Data")
	var prov *data.Provenance
	if card.Source != nil {
		prov = card.Source
	} else if p, ok := data.ProvenanceOf(tr.Name); ok {
		prov = &p
	}
	rows := [][]string{}
	add := func(k, v string) {
		if v != "" {
			rows = append(rows, []string{k, v})
		}
	}
	if prov != nil {
		add("data set", prov.Title)
		add("source", prov.URL)
		add("licence", prov.Licence)
		add("cite", prov.Citation)
		add("collected", prov.Collection)
	} else {
		add("data set", strings.TrimSpace(tr.Name+" (source not recorded: describe it with report.New(run).Source(data.Provenance{...}))"))
	}
	add("task", run.Task.String())
	add("example shape", fmt.Sprint(run.Shape))
	if len(run.Classes) > 0 {
		add("classes", strings.Join(run.Classes, ", "))
	}
	if len(run.Targets) > 0 {
		add("targets", strings.Join(run.Targets, ", "))
	}
	if run.VocabSize > 0 {
		add("vocabulary", strconv.Itoa(run.VocabSize)+" tokens")
	}
	r.addTable("", []string{"", ""}, rows)
	r.blocks[len(r.blocks)-1].table.Right = nil
	return prov
}

func (r *Report) splitsSection(split *data.Split) {
	r.heading("## Splits")
	parts := []struct {
		name string
		d    *data.Dataset
	}{{"train", split.Train}, {"validation", split.Val}, {"test", split.Test}}
	tr := split.Train
	header := []string{"part", "examples"}
	switch {
	case tr.Task.IsClassification():
		for _, c := range classNames(tr) {
			header = append(header, c)
		}
	case tr.Task == data.MultiLabel:
		header = append(header, "labelled cells", "positive cells")
	case tr.Task == data.Regression:
		header = append(header, "target mean", "target SD")
	}
	var rows [][]string
	for _, p := range parts {
		if p.d.Len() == 0 {
			if p.name == "validation" {
				rows = append(rows, []string{p.name, "0"})
			}
			continue
		}
		row := []string{p.name, strconv.Itoa(p.d.Len())}
		switch {
		case tr.Task.IsClassification():
			n := float64(p.d.Len())
			for _, c := range p.d.ClassCounts() {
				row = append(row, fmt.Sprintf("%d (%.0f%%)", c, 100*float64(c)/n))
			}
		case tr.Task == data.MultiLabel:
			labelled, pos := 0, 0
			for _, v := range p.d.Y {
				if !math.IsNaN(float64(v)) {
					labelled++
					if v == 1 {
						pos++
					}
				}
			}
			row = append(row, strconv.Itoa(labelled), strconv.Itoa(pos))
		case tr.Task == data.Regression:
			mean, sd := meanSD(p.d.Y)
			row = append(row, fmt.Sprintf("%.4g", mean), fmt.Sprintf("%.4g", sd))
		}
		rows = append(rows, row)
	}
	r.addTable("", header, rows)
	if split.Val.Len() > 0 {
		r.para("The weights kept are those of the epoch that scored best on the validation part; the test part is evaluated once, here.")
	} else {
		r.para("There is no validation part: the weights kept are the last epoch's (or the lowest training loss), so nothing was chosen on held-out data before the test.")
	}
}

func classNames(d *data.Dataset) []string {
	if len(d.Classes) > 0 {
		return d.Classes
	}
	names := make([]string, d.NumClasses())
	for i := range names {
		names[i] = strconv.Itoa(i)
	}
	return names
}

func meanSD(y []float32) (mean, sd float64) {
	n := 0
	for _, v := range y {
		if !math.IsNaN(float64(v)) {
			mean += float64(v)
			n++
		}
	}
	if n == 0 {
		return math.NaN(), math.NaN()
	}
	mean /= float64(n)
	for _, v := range y {
		if !math.IsNaN(float64(v)) {
			sd += (float64(v) - mean) * (float64(v) - mean)
		}
	}
	if n > 1 {
		sd = math.Sqrt(sd / float64(n-1))
	}
	return mean, sd
}

func (r *Report) modelSection(run *train.Run) error {
	r.heading("## Model and training")
	s, h := run.Settings, run.History
	rows := [][]string{{"model", run.Model.Kind()}}
	if st, err := models.Summary(run.Model, run.Shape, run.VocabSize, run.Outputs); err == nil {
		rows = append(rows, []string{"parameters", strconv.Itoa(st.Trainable) + " trainable"})
	}
	opt := fmt.Sprintf("%s, learning rate %g", s.Optimizer, s.LearningRate)
	if s.WeightDecay != 0 {
		opt += fmt.Sprintf(", weight decay %g", s.WeightDecay)
	}
	if s.Momentum != 0 {
		opt += fmt.Sprintf(", momentum %g", s.Momentum)
	}
	sched := s.Schedule
	if s.WarmupEpochs > 0 {
		sched += fmt.Sprintf(" (%d warm-up epochs)", s.WarmupEpochs)
	}
	if s.Schedule == "plateau" {
		sched += fmt.Sprintf(" (×%g after %d epochs without improvement)", s.PlateauDecay, s.PlateauWait)
	}
	rows = append(rows,
		[]string{"optimizer", opt},
		[]string{"schedule", sched},
		[]string{"batch size", strconv.Itoa(s.BatchSize)},
		[]string{"epochs", fmt.Sprintf("%d of %d run", len(h.Epochs), s.Epochs)},
	)
	if best, ok := h.Best(); ok {
		v := best.TrainLoss
		metric := "train_loss"
		if key := strings.TrimPrefix(h.Monitor, "val_"); key != h.Monitor {
			if x, ok := best.Val[key]; ok {
				v, metric = x, h.Monitor
			}
		}
		rows = append(rows, []string{"weights kept", fmt.Sprintf("epoch %d (%s %.4g)", best.Epoch, metric, v)})
	}
	if h.Stopped != "" {
		rows = append(rows, []string{"stopped", h.Stopped})
	}
	if s.Patience > 0 {
		rows = append(rows, []string{"early stopping", fmt.Sprintf("on %s, patience %d", s.Monitor, s.Patience)})
	}
	switch {
	case s.Balanced:
		rows = append(rows, []string{"class weights", "balanced"})
	case len(s.ClassWeights) > 0:
		rows = append(rows, []string{"class weights", fmt.Sprint(s.ClassWeights)})
	}
	var secs float64
	for _, e := range h.Epochs {
		secs += e.Seconds
	}
	rows = append(rows, []string{"seed", strconv.FormatInt(s.Seed, 10)},
		[]string{"training time", textout.Duration(time.Duration(secs * float64(time.Second)))})
	r.addTable("", []string{"", ""}, rows)
	r.blocks[len(r.blocks)-1].table.Right = nil
	if raw, err := models.Marshal(run.Model); err == nil {
		var v any
		if json.Unmarshal(raw, &v) == nil {
			if pretty, err := json.MarshalIndent(v, "", "  "); err == nil {
				r.para("The model's configuration, as `models.Unmarshal` reads it:")
				r.blocks = append(r.blocks, block{code: string(pretty)})
			}
		}
	}
	if len(h.Epochs) > 1 {
		return r.addFigure("training-curves", display.TrainingCurves(h.Curves()))
	}
	return nil
}

// metricRows turns headline metrics into table rows with their intervals.
func metricRows(keys []string, h map[string]float64, ci map[string]eval.CI) [][]string {
	var rows [][]string
	for _, k := range keys {
		if k == "n" || k == "cells" {
			continue
		}
		row := []string{eval.MetricName(k), fmtMetric(h[k])}
		if c, ok := ci[k]; ok {
			row = append(row, fmtMetric(c.Lower)+" – "+fmtMetric(c.Upper))
		} else {
			row = append(row, "")
		}
		rows = append(rows, row)
	}
	return rows
}

func fmtMetric(v float64) string {
	if math.IsNaN(v) {
		return "n/a"
	}
	if math.Abs(v) >= 100 || (v != 0 && math.Abs(v) < 0.001) {
		return fmt.Sprintf("%.4g", v)
	}
	return fmt.Sprintf("%.3f", v)
}

func (r *Report) classification(run *train.Run, test *data.Dataset, pred *train.Predictions, card Card) ([]string, error) {
	labels := test.Labels()
	opts := []eval.Option{eval.WithCI()}
	if card.Threshold != 0 {
		opts = append(opts, eval.WithThreshold(card.Threshold))
	}
	classes := classNames(test)
	rep, err := eval.Classify(labels, pred.Probs, classes, opts...)
	if err != nil {
		return nil, fmt.Errorf("report: evaluating the test part: %w", err)
	}
	r.Headline, r.CI = rep.Headline(), rep.CI
	r.heading("## Test performance")
	what := fmt.Sprintf("On the %d test examples, with bootstrap 95%% confidence intervals (1,000 resamples).", rep.N)
	if rep.Binary {
		what += fmt.Sprintf(" The positive class is %q, predicted when its probability is at least %g.", classes[1], rep.Threshold)
	} else {
		what += " The predicted class is the most probable one; AUC and AP are one-vs-rest macro averages."
	}
	r.para(what)
	keys := rep.HeadlineKeys()
	rows := metricRows(keys, r.Headline, r.CI)
	var found []string
	if run.Task == data.Ordinal {
		preds := pred.Labels()
		if k, err := eval.QuadraticWeightedKappa(labels, preds); err == nil {
			r.Headline["qwk"] = k
			rows = append(rows, []string{"quadratic weighted kappa", fmtMetric(k), ""})
		}
	}
	r.addTable("", []string{"metric", "value", "95% CI"}, rows)
	cm := [][]string{}
	for i, row := range rep.Confusion.Counts {
		cells := []string{classes[i]}
		for _, v := range row {
			cells = append(cells, strconv.Itoa(v))
		}
		cm = append(cm, cells)
	}
	r.addTable("Confusion matrix (rows: true class; columns: predicted)", append([]string{"true \\ predicted"}, classes...), cm)
	figs, err := display.ReportFigures(rep)
	if err != nil {
		return nil, fmt.Errorf("report: %w", err)
	}
	for _, f := range figs {
		if err := r.addFigure(uniqueName(r, slug(f.Title())), f); err != nil {
			return nil, err
		}
	}

	r.heading("## Calibration")
	r.para(fmt.Sprintf("Expected calibration error %s and Brier score %s: points of the reliability diagram above lie on the diagonal when predicted probabilities match observed frequencies.", fmtMetric(rep.ECE), fmtMetric(rep.Brier)))
	if rep.ECE > 0.05 {
		found = append(found, fmt.Sprintf("Calibration error is %s: read the probabilities as scores, not as risks, unless the model is recalibrated on new data.", fmtMetric(rep.ECE)))
	}
	if c, ok := rep.CI["auc"]; ok && c.Upper-c.Lower > 0.1 {
		found = append(found, fmt.Sprintf("The test part is small for this purpose: the AUC's 95%% interval spans %s to %s.", fmtMetric(c.Lower), fmtMetric(c.Upper)))
	}
	if rep.Binary {
		trainPrev := prevalence(run.Split().Train)
		testPrev := prevalence(test)
		found = append(found, fmt.Sprintf("Predictive values depend on prevalence: %.0f%% %s in training data and %.0f%% in the test part. Where the condition is rarer, the positive predictive value falls.", 100*trainPrev, classes[1], 100*testPrev))
		sg, err := r.subgroups(labels, rep, pred, card)
		if err != nil {
			return nil, err
		}
		found = append(found, sg...)
		if err := r.decisionCurve(run, labels, pred); err != nil {
			return nil, err
		}
	}
	return found, nil
}

func prevalence(d *data.Dataset) float64 {
	pos := 0
	for _, l := range d.Labels() {
		if l == 1 {
			pos++
		}
	}
	return float64(pos) / float64(max(1, d.Len()))
}

func uniqueName(r *Report, name string) string {
	taken := map[string]bool{}
	for _, b := range r.blocks {
		if b.figure != nil {
			taken[b.figure.name] = true
		}
	}
	out := name
	for i := 2; taken[out]; i++ {
		out = fmt.Sprintf("%s-%d", name, i)
	}
	return out
}

func (r *Report) subgroups(labels []int, rep *eval.Report, pred *train.Predictions, card Card) ([]string, error) {
	r.heading("## Subgroups")
	if card.Groups == nil {
		r.para("No group attribute was given, so performance by sex, age band, site or device is unknown. Add one with `report.New(run).Groups(name, values)`.")
		return []string{"Performance in subgroups (sex, age, site, device) was not examined."}, nil
	}
	sr, err := eval.Subgroups(labels, pred.Scores(1), card.Groups, eval.SubgroupConfig{Threshold: rep.Threshold})
	if err != nil {
		return nil, fmt.Errorf("report: subgroups by %s: %w", card.GroupName, err)
	}
	name := card.GroupName
	if name == "" {
		name = "group"
	}
	r.para(fmt.Sprintf("By %s, each metric with its bootstrap %g%% interval and its gap to all test examples. A gap is flagged (⚑) when its interval excludes 0; no correction is made for the number of groups and metrics.", name, 100*sr.Level))
	header := []string{name, "n", "positives"}
	for _, m := range sr.Metrics {
		header = append(header, eval.MetricName(m), "gap")
	}
	var rows [][]string
	for _, g := range append([]eval.Subgroup{sr.Overall}, sr.Groups...) {
		row := []string{g.Name, strconv.Itoa(g.N), strconv.Itoa(g.Positives)}
		for _, m := range sr.Metrics {
			v := g.Metrics[m]
			cell := fmtMetric(v.Value)
			if v.CI != nil {
				cell += fmt.Sprintf(" (%s–%s)", fmtMetric(v.CI.Lower), fmtMetric(v.CI.Upper))
			}
			gap := ""
			if g.Name != sr.Overall.Name {
				gap = fmt.Sprintf("%+.3f", v.Gap)
				if v.Disparity {
					gap += " ⚑"
				}
			}
			row = append(row, cell, gap)
		}
		rows = append(rows, row)
	}
	r.addTable("", header, rows)
	r.bullets(sr.Notes)
	metric := "auc"
	if !slices.Contains(sr.Metrics, metric) {
		metric = sr.Metrics[0]
	}
	if err := r.addFigure("subgroups", display.SubgroupForest(sr, metric)); err != nil {
		return nil, err
	}
	var found []string
	if d := sr.Disparities(); len(d) > 0 {
		found = append(found, fmt.Sprintf("By %s, the test data show gaps whose interval excludes 0: %s.", name, strings.Join(d, "; ")))
	}
	return found, nil
}

// reportThresholds are the threshold probabilities the decision-curve table lists.
var reportThresholds = []float64{0.05, 0.1, 0.2, 0.3, 0.4, 0.5}

func (r *Report) decisionCurve(run *train.Run, labels []int, pred *train.Predictions) error {
	dc, err := eval.DecisionCurveAnalysis(labels, pred.Scores(1), nil)
	if err != nil {
		return fmt.Errorf("report: decision curve: %w", err)
	}
	dc.Label = run.Name
	r.heading("## Decision curve")
	r.para("Net benefit (Vickers & Elkin 2006) of acting on the model's positive predictions at a threshold probability, against acting on everyone and on no one: true positives per patient, minus false positives weighted by the odds of the threshold.")
	var rows [][]string
	for _, pt := range reportThresholds {
		model, err := eval.NetBenefit(labels, pred.Scores(1), pt)
		if err != nil {
			return fmt.Errorf("report: net benefit at %g: %w", pt, err)
		}
		prev := dc.Prevalence()
		all := prev - (1-prev)*pt/(1-pt)
		rows = append(rows, []string{fmt.Sprintf("%g", pt), fmtMetric(model), fmtMetric(all), "0.000"})
	}
	r.addTable("", []string{"threshold probability", "model", "treat all", "treat none"}, rows)
	return r.addFigure("decision-curve", display.DecisionCurve(dc))
}

func (r *Report) multiLabel(run *train.Run, test *data.Dataset, pred *train.Predictions) ([]string, error) {
	rep, err := eval.ClassifyMultiLabel(test.TargetMatrix(), pred.Probs, test.Targets, eval.WithCI())
	if err != nil {
		return nil, fmt.Errorf("report: evaluating the test part: %w", err)
	}
	r.Headline, r.CI = rep.Headline(), rep.CI
	r.heading("## Test performance")
	r.para(fmt.Sprintf("On the %d test examples (%d labelled cells; missing labels are left out per task), with bootstrap 95%% confidence intervals that resample examples.", rep.N, rep.Cells))
	r.addTable("", []string{"metric", "value", "95% CI"}, metricRows(rep.HeadlineKeys(), r.Headline, r.CI))
	var rows [][]string
	for _, t := range rep.PerTask {
		rows = append(rows, []string{t.Task, strconv.Itoa(t.N), strconv.Itoa(t.Positives), strconv.Itoa(t.Missing), fmtMetric(t.AUC), fmtMetric(t.AP), fmtMetric(t.Sensitivity), fmtMetric(t.Specificity)})
	}
	r.addTable(fmt.Sprintf("Per task, at threshold %g", rep.Threshold), []string{"task", "labelled", "positives", "missing", "AUC", "AP", "sensitivity", "specificity"}, rows)
	var found []string
	if len(rep.Excluded) > 0 {
		found = append(found, "Tasks with one class only in the test part are not evaluated: "+strings.Join(rep.Excluded, ", ")+".")
	}
	found = append(found, "Calibration, subgroups and decision curves are not reported for multi-label tasks; evaluate a chosen task with data.Dataset.SelectTargets and a binary run.")
	return found, nil
}

func (r *Report) regression(run *train.Run, test *data.Dataset, pred *train.Predictions) ([]string, error) {
	if test.NumTargets() != 1 {
		return nil, fmt.Errorf("report: run %q predicts %d targets; the report covers one regression target: select one with data.Dataset.SelectTargets and train on it", run.Name, test.NumTargets())
	}
	truth := make([]float64, test.Len())
	for i := range truth {
		truth[i] = float64(test.Y[i])
	}
	rep, err := eval.Regress(truth, pred.Column(0), eval.WithCI())
	if err != nil {
		return nil, fmt.Errorf("report: evaluating the test part: %w", err)
	}
	r.Headline, r.CI = rep.Headline(), rep.CI
	r.heading("## Test performance")
	r.para(fmt.Sprintf("On the %d test examples, with bootstrap 95%% confidence intervals (1,000 resamples); errors are in the target's units.", rep.N))
	r.addTable("", []string{"metric", "value", "95% CI"}, metricRows(rep.HeadlineKeys(), r.Headline, r.CI))
	if err := r.addFigure("predicted-vs-true", display.PredictedVsTrue(rep.Truth, rep.Pred)); err != nil {
		return nil, err
	}
	return []string{"Prediction intervals are not given: the errors above are averages over the test part, not the uncertainty of one prediction."}, nil
}
