// SPDX-License-Identifier: Apache-2.0

package eval

import (
	"fmt"
	"html"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
)

// Report is the evaluation of a binary or multi-class classifier, built by Classify.
//
// Binary reports call class 1 the positive class: Sensitivity, Specificity, PPV, NPV and F1
// are about it, and ROC, PR and Calibration hold one curve for it. Multi-class reports
// predict the most probable class; AUC and AP are one-vs-rest macro averages over the
// classes where they are defined, ROC and PR hold one curve per such class, and
// Calibration is the top-label reliability curve. Undefined values are NaN, with a line
// in Notes saying why.
type Report struct {
	Classes   []string
	N         int
	Binary    bool
	Threshold float64 // binary decision threshold; NaN for multi-class

	Confusion *ConfusionMatrix
	PerClass  []ClassMetrics

	Accuracy         float64
	BalancedAccuracy float64
	MacroPrecision   float64
	MacroRecall      float64
	MacroSpecificity float64
	MacroF1          float64

	// Binary only (NaN for multi-class): the positive class at Threshold.
	Sensitivity, Specificity, PPV, NPV, F1 float64

	AUC float64 // binary AUC, or one-vs-rest macro AUC
	AP  float64 // average precision, or its one-vs-rest macro average

	ROC         []*ROCCurve
	PR          []*PRCurve
	Calibration *ReliabilityCurve
	ECE         float64 // expected calibration error with Calibration's bins
	Brier       float64 // binary Brier score, or the multi-class Brier score (0–2)

	// Operating is set for binary reports: the operating point at Threshold.
	Operating *OperatingPoint
	// TargetSensitivity is the sensitivity the threshold was chosen for (0 when the
	// threshold was given).
	TargetSensitivity float64

	// CI holds bootstrap confidence intervals keyed like Headline (nil without WithCI).
	CI map[string]CI

	Notes []string

	headline map[string]float64
}

// Headline returns the report's main numbers keyed for results tables. Binary keys: n,
// accuracy, balanced_accuracy, sensitivity, specificity, ppv, npv, f1, auc, ap, brier,
// ece. Multi-class keys: n, accuracy, balanced_accuracy, macro_precision, macro_recall,
// macro_specificity, macro_f1, auc, ap, brier, ece. Undefined values are NaN.
func (r *Report) Headline() map[string]float64 { return maps.Clone(r.headline) }

// HeadlineKeys returns the keys of Headline in display order.
func (r *Report) HeadlineKeys() []string {
	if r.Binary {
		return []string{"n", "accuracy", "balanced_accuracy", "sensitivity", "specificity", "ppv", "npv", "f1", "auc", "ap", "brier", "ece"}
	}
	return []string{"n", "accuracy", "balanced_accuracy", "macro_precision", "macro_recall", "macro_specificity", "macro_f1", "auc", "ap", "brier", "ece"}
}

// Classify evaluates a classifier from its per-class probabilities.
//
// labels holds the true class index of each example; probs[i][k] is the predicted
// probability of class k for example i; classes names the classes (nil means "0", "1",
// ...). With two columns the task is binary and class 1 is the positive class, predicted
// when its probability is >= 0.5 (see WithThreshold, WithTargetSensitivity). With more, the
// predicted class is the most probable one. WithCI adds bootstrap confidence intervals.
//
// Labels must be class indices in 0..k-1, k being the number of columns, and k at most
// MaxClasses: the report holds k×k confusion counts (per bootstrap resample, too).
// Invalid input is an error naming the offending value and its index.
func Classify(labels []int, probs [][]float64, classes []string, opts ...Option) (*Report, error) {
	k, err := checkMulti(labels, probs)
	if err != nil {
		return nil, err
	}
	if k > MaxClasses {
		return nil, fmt.Errorf("eval: probability rows have %d columns, more than MaxClasses = %d: the report's confusion matrix would have %d×%d cells; group rare classes, or use MacroAUC and TopLabelReliability, which need no k×k table",
			k, MaxClasses, k, k)
	}
	if classes == nil {
		classes = defaultClassNames(k)
	}
	if len(classes) != k {
		return nil, fmt.Errorf("eval: %d class names but the probabilities have %d columns; pass one name per column (or nil)", len(classes), k)
	}
	o := newOptions(opts)
	binary := k == 2
	if err := o.check(binary); err != nil {
		return nil, err
	}
	if o.positive != "" {
		if labels, probs, classes, err = withPositive(labels, probs, classes, o.positive); err != nil {
			return nil, err
		}
	}
	r := &Report{Classes: classes, N: len(labels), Binary: binary, Threshold: math.NaN()}
	var scores []float64
	if binary {
		scores = column(probs, 1)
		r.Threshold = 0.5
		if !math.IsNaN(o.threshold) {
			r.Threshold = o.threshold
		}
		if o.targetSens != 0 {
			op, err := ThresholdForSensitivity(labels, scores, o.targetSens)
			if err != nil {
				return nil, fmt.Errorf("eval: choosing the threshold for sensitivity %v: %w", o.targetSens, err)
			}
			r.Threshold = op.Threshold
			r.TargetSensitivity = o.targetSens
		}
	}

	data := newClassifyData(labels, probs, classes, r.Threshold, o.bins)
	r.headline = data.metrics(nil)
	h := r.headline
	r.Accuracy, r.BalancedAccuracy, r.AUC, r.AP, r.Brier, r.ECE = h["accuracy"], h["balanced_accuracy"], h["auc"], h["ap"], h["brier"], h["ece"]
	r.Confusion, _ = NewConfusionMatrix(labels, predict(probs, r.Threshold), classes)
	r.PerClass = r.Confusion.PerClass()
	r.MacroPrecision, r.MacroRecall = r.Confusion.MacroPrecision(), r.Confusion.MacroRecall()
	r.MacroSpecificity, r.MacroF1 = r.Confusion.MacroSpecificity(), r.Confusion.MacroF1()
	r.Sensitivity, r.Specificity, r.PPV, r.NPV, r.F1 = math.NaN(), math.NaN(), math.NaN(), math.NaN(), math.NaN()

	if binary {
		r.Sensitivity, r.Specificity, r.PPV, r.NPV, r.F1 = h["sensitivity"], h["specificity"], h["ppv"], h["npv"], h["f1"]
		op, _ := AtThreshold(labels, scores, r.Threshold)
		r.Operating = &op
		if roc, err := ROC(labels, scores); err == nil {
			roc.Label = classes[1]
			r.ROC = append(r.ROC, roc)
		} else {
			r.Notes = append(r.Notes, strings.TrimPrefix(err.Error(), ErrUndefined.Error()+": "))
		}
		if pr, err := PR(labels, scores); err == nil {
			pr.Label = classes[1]
			r.PR = append(r.PR, pr)
		} else {
			r.Notes = append(r.Notes, strings.TrimPrefix(err.Error(), ErrUndefined.Error()+": "))
		}
		r.Calibration, _ = Reliability(labels, scores, o.bins)
		r.Calibration.Label = classes[1]
	} else {
		var missing []string
		for c := range k {
			bl, sc := oneVsRest(labels, probs, c)
			roc, err := ROC(bl, sc)
			if err != nil {
				missing = append(missing, strconv.Quote(classes[c]))
				continue
			}
			roc.Label = classes[c]
			r.ROC = append(r.ROC, roc)
			pr, _ := PR(bl, sc)
			pr.Label = classes[c]
			r.PR = append(r.PR, pr)
		}
		if len(missing) > 0 {
			r.Notes = append(r.Notes, fmt.Sprintf("one-vs-rest AUC and AP average %d of %d classes: %s has no examples (or only examples) in the labels",
				len(r.ROC), k, strings.Join(missing, ", ")))
		}
		r.Calibration, _ = TopLabelReliability(labels, probs, o.bins)
		r.Calibration.Label = "top label"
		if i, s, ok := rowSumOff(probs); ok {
			r.Notes = append(r.Notes, fmt.Sprintf("probability row %d sums to %.3g, not 1: Brier score and calibration assume softmax probabilities", i, s))
		}
	}
	for c, m := range r.PerClass {
		if math.IsNaN(m.Precision) {
			r.Notes = append(r.Notes, fmt.Sprintf("class %q is never predicted: its precision is undefined (counted as 0 in macro averages)", classes[c]))
		}
	}

	if o.bootstrap != nil {
		// A metric undefined on all the examples (say the NPV of a model that never predicts the
		// negative class) gets no interval, rather than failing the whole report.
		var undefined []string
		for key, v := range data.metrics(nil) {
			if math.IsNaN(v) {
				undefined = append(undefined, key)
			}
		}
		slices.Sort(undefined)
		if len(undefined) > 0 {
			r.Notes = append(r.Notes, fmt.Sprintf("no confidence interval for %s: undefined on these data", strings.Join(undefined, ", ")))
		}
		cis, err := BootstrapMetrics(len(labels), func(idx []int) (map[string]float64, error) {
			m := data.metrics(multiplicities(len(labels), idx))
			for _, key := range undefined {
				delete(m, key)
			}
			return m, nil
		}, *o.bootstrap)
		if err != nil {
			return nil, err
		}
		delete(cis, "n")
		r.CI = cis
	}
	return r, nil
}

// withPositive puts the named class second (positive) in a binary evaluation: labels, the
// probability columns and the names are swapped when it is class 0.
func withPositive(labels []int, probs [][]float64, classes []string, positive string) ([]int, [][]float64, []string, error) {
	switch positive {
	case classes[1]:
		return labels, probs, classes, nil
	case classes[0]:
	default:
		return nil, nil, nil, fmt.Errorf("eval: WithPositive(%q): no such class; the classes are %q and %q", positive, classes[0], classes[1])
	}
	swapped := make([]int, len(labels))
	for i, y := range labels {
		swapped[i] = 1 - y
	}
	rows := make([][]float64, len(probs))
	for i, p := range probs {
		rows[i] = []float64{p[1], p[0]}
	}
	return swapped, rows, []string{classes[1], classes[0]}, nil
}

// ClassifyBinary is Classify for a binary classifier that outputs one probability per
// example (the probability of class 1, the positive class).
func ClassifyBinary(labels []int, probs []float64, classes []string, opts ...Option) (*Report, error) {
	if err := checkLen("labels", len(labels), "probabilities", len(probs)); err != nil {
		return nil, err
	}
	if err := checkProbabilities("probabilities", probs); err != nil {
		return nil, err
	}
	if classes != nil && len(classes) != 2 {
		return nil, fmt.Errorf("eval: %d class names for a binary classifier; pass two names (negative, positive) or nil", len(classes))
	}
	rows := make([][]float64, len(probs))
	for i, p := range probs {
		rows[i] = []float64{1 - p, p}
	}
	return Classify(labels, rows, classes, opts...)
}

// multiplicities counts how often each of n examples occurs in idx.
func multiplicities(n int, idx []int) []int {
	w := make([]int, n)
	for _, i := range idx {
		w[i]++
	}
	return w
}

func column(probs [][]float64, k int) []float64 {
	out := make([]float64, len(probs))
	for i, row := range probs {
		out[i] = row[k]
	}
	return out
}

// predict returns the predicted classes: probability of class 1 >= threshold for binary
// (threshold not NaN), arg-max otherwise.
func predict(probs [][]float64, threshold float64) []int {
	preds := make([]int, len(probs))
	for i, row := range probs {
		if !math.IsNaN(threshold) {
			if row[1] >= threshold {
				preds[i] = 1
			}
			continue
		}
		preds[i] = argmax(row)
	}
	return preds
}

func rowSumOff(probs [][]float64) (int, float64, bool) {
	for i, row := range probs {
		s := 0.0
		for _, p := range row {
			s += p
		}
		if math.Abs(s-1) > 1e-3 {
			return i, s, true
		}
	}
	return 0, 0, false
}

// classifyData holds validated classification inputs prepared for repeated evaluation:
// predictions, calibration inputs and, per one-vs-rest class, the examples sorted by
// score, so that bootstrap resamples are evaluated without sorting again.
type classifyData struct {
	labels  []int
	probs   [][]float64
	classes []string
	bins    int
	preds   []int
	conf    []float64 // calibration: probability of class 1 (binary) or of the top label
	hit     []bool    // calibration: label is 1 (binary) or the top label is right
	ovr     []ovrData // binary: class 1 only; multi-class: one per class
}

type ovrData struct {
	labels []int // 1 for the class, 0 otherwise
	scores []float64
	order  []int
}

func newClassifyData(labels []int, probs [][]float64, classes []string, threshold float64, bins int) *classifyData {
	d := &classifyData{labels: labels, probs: probs, classes: classes, bins: bins, preds: predict(probs, threshold)}
	k := len(classes)
	d.conf = make([]float64, len(labels))
	d.hit = make([]bool, len(labels))
	for i, row := range probs {
		if k == 2 {
			d.conf[i], d.hit[i] = row[1], labels[i] == 1
		} else {
			c := argmax(row)
			d.conf[i], d.hit[i] = row[c], c == labels[i]
		}
	}
	first := 0
	if k == 2 {
		first = 1
	}
	for c := first; c < k; c++ {
		bl, sc := oneVsRest(labels, probs, c)
		d.ovr = append(d.ovr, ovrData{labels: bl, scores: sc, order: sortedByScore(sc)})
	}
	return d
}

// metrics computes the headline metrics with example i counted w[i] times (once each
// when w is nil).
func (d *classifyData) metrics(w []int) map[string]float64 {
	k := len(d.classes)
	weight := func(i int) int {
		if w == nil {
			return 1
		}
		return w[i]
	}
	cm := &ConfusionMatrix{Classes: d.classes, Counts: make([][]int, k)}
	for c := range cm.Counts {
		cm.Counts[c] = make([]int, k)
	}
	n, brier := 0, 0.0
	for i, y := range d.labels {
		wi := weight(i)
		if wi == 0 {
			continue
		}
		n += wi
		cm.Counts[y][d.preds[i]] += wi
		if k == 2 {
			e := d.probs[i][1] - float64(y)
			brier += float64(wi) * e * e
			continue
		}
		for c, p := range d.probs[i] {
			if c == y {
				p -= 1
			}
			brier += float64(wi) * p * p
		}
	}
	m := map[string]float64{
		"n":                 float64(n),
		"accuracy":          cm.Accuracy(),
		"balanced_accuracy": cm.BalancedAccuracy(),
		"brier":             brier / float64(n),
		"ece":               d.ece(w),
	}
	if k == 2 {
		m["sensitivity"], m["specificity"] = cm.Recall(1), cm.Specificity(1)
		m["ppv"], m["npv"], m["f1"] = cm.Precision(1), cm.Precision(0), cm.F1(1)
	} else {
		m["macro_precision"], m["macro_recall"] = cm.MacroPrecision(), cm.MacroRecall()
		m["macro_specificity"], m["macro_f1"] = cm.MacroSpecificity(), cm.MacroF1()
	}
	var aucSum, apSum float64
	var aucN, apN int
	for _, o := range d.ovr {
		rc := accumulate(o.order, o.labels, o.scores, w)
		if rc.pos > 0 && rc.neg > 0 {
			aucSum += rc.auc()
			aucN++
		}
		if rc.pos > 0 && (k == 2 || rc.neg > 0) {
			apSum += rc.ap()
			apN++
		}
	}
	m["auc"], m["ap"] = safeDiv(aucSum, float64(aucN)), safeDiv(apSum, float64(apN))
	return m
}

// ece is the expected calibration error with example weights.
func (d *classifyData) ece(w []int) float64 {
	count := make([]float64, d.bins)
	sumConf := make([]float64, d.bins)
	sumHit := make([]float64, d.bins)
	edges := make([]float64, d.bins+1)
	for i := range edges {
		edges[i] = float64(i) / float64(d.bins)
	}
	total := 0.0
	for i, p := range d.conf {
		wi := 1.0
		if w != nil {
			wi = float64(w[i])
		}
		if wi == 0 {
			continue
		}
		b := binOf(p, edges)
		count[b] += wi
		sumConf[b] += wi * p
		if d.hit[i] {
			sumHit[b] += wi
		}
		total += wi
	}
	ece := 0.0
	for b := range count {
		if count[b] > 0 {
			ece += count[b] / total * math.Abs(sumHit[b]/count[b]-sumConf[b]/count[b])
		}
	}
	return ece
}

var metricNames = map[string]string{
	"n":                 "examples",
	"accuracy":          "accuracy",
	"balanced_accuracy": "balanced accuracy",
	"sensitivity":       "sensitivity (recall)",
	"specificity":       "specificity",
	"ppv":               "PPV (precision)",
	"npv":               "NPV",
	"f1":                "F1",
	"macro_precision":   "macro precision",
	"macro_recall":      "macro recall (sensitivity)",
	"macro_specificity": "macro specificity",
	"macro_f1":          "macro F1",
	"auc":               "AUC (ROC)",
	"ap":                "average precision",
	"brier":             "Brier score",
	"ece":               "ECE",
	"rmse":              "RMSE",
	"mae":               "MAE",
	"r2":                "R²",
	"bias":              "bias (mean error)",
	"max_error":         "max |error|",
}

// MetricName returns a readable name for a Headline key ("balanced_accuracy" →
// "balanced accuracy"); unknown keys are returned unchanged.
func MetricName(key string) string {
	if n, ok := metricNames[key]; ok {
		return n
	}
	return key
}

func (r *Report) title() string {
	if r.Binary {
		t := fmt.Sprintf("Binary classification: %d examples, positive class %q, threshold %s", r.N, r.Classes[1], fmtNum(r.Threshold))
		if r.TargetSensitivity != 0 {
			t += fmt.Sprintf(" (chosen for sensitivity ≥ %g)", r.TargetSensitivity)
		}
		return t
	}
	return fmt.Sprintf("Multi-class classification: %d examples, %d classes, predicted class = most probable", r.N, len(r.Classes))
}

func (r *Report) perClassTable() (header []string, rows [][]string) {
	header = []string{"class", "support", "precision", "recall", "specificity", "F1"}
	for _, m := range r.PerClass {
		rows = append(rows, []string{m.Class, strconv.Itoa(m.Support), fmtFloat(m.Precision), fmtFloat(m.Recall), fmtFloat(m.Specificity), fmtFloat(m.F1)})
	}
	rows = append(rows, []string{"macro average", strconv.Itoa(r.N), fmtFloat(r.MacroPrecision), fmtFloat(r.MacroRecall), fmtFloat(r.MacroSpecificity), fmtFloat(r.MacroF1)})
	return header, rows
}

func metricsTable(keys []string, h map[string]float64, cis map[string]CI, bins int) (header []string, rows [][]string) {
	header = []string{"metric", "value"}
	if cis != nil {
		var level float64
		for _, c := range cis {
			level = c.Level
			break
		}
		header = append(header, fmt.Sprintf("%g%% CI", level*100))
	}
	for _, key := range keys {
		if key == "n" {
			continue
		}
		name := MetricName(key)
		if key == "ece" && bins > 0 {
			name = fmt.Sprintf("ECE (%d bins)", bins)
		}
		val := fmtFloat(h[key])
		if key == "rmse" || key == "mae" || key == "bias" || key == "max_error" {
			val = fmtNum(h[key])
		}
		row := []string{name, val}
		if cis != nil {
			if c, ok := cis[key]; ok {
				if key == "rmse" || key == "mae" || key == "bias" || key == "max_error" {
					row = append(row, fmtNum(c.Lower)+" – "+fmtNum(c.Upper))
				} else {
					row = append(row, fmtFloat(c.Lower)+" – "+fmtFloat(c.Upper))
				}
			} else {
				row = append(row, "")
			}
		}
		rows = append(rows, row)
	}
	return header, rows
}

func (r *Report) confusionTable() (header []string, rows [][]string) {
	header = append([]string{"true \\ predicted"}, r.Classes...)
	for i, row := range r.Confusion.Counts {
		cells := []string{r.Classes[i]}
		for _, v := range row {
			cells = append(cells, strconv.Itoa(v))
		}
		rows = append(rows, cells)
	}
	return header, rows
}

// String renders the report as plain text tables.
func (r *Report) String() string {
	var b strings.Builder
	b.WriteString(r.title() + "\n\n")
	h, rows := metricsTable(r.HeadlineKeys(), r.headline, r.CI, r.Calibration.Bins())
	writeTextTable(&b, h, rows)
	b.WriteString("\n")
	h, rows = r.perClassTable()
	writeTextTable(&b, h, rows)
	b.WriteString("\nConfusion matrix (rows: true class, columns: predicted class)\n")
	h, rows = r.confusionTable()
	writeTextTable(&b, h, rows)
	for _, n := range r.Notes {
		b.WriteString("note: " + n + "\n")
	}
	return b.String()
}

// HTML renders the report as self-contained HTML tables (inline styles, no scripts).
func (r *Report) HTML() string {
	var b strings.Builder
	b.WriteString(`<div class="medgo-eval-report">`)
	fmt.Fprintf(&b, "<p style=\"font-family:sans-serif;font-weight:bold\">%s</p>\n", html.EscapeString(r.title()))
	h, rows := metricsTable(r.HeadlineKeys(), r.headline, r.CI, r.Calibration.Bins())
	writeHTMLTable(&b, "Metrics", h, rows)
	h, rows = r.perClassTable()
	writeHTMLTable(&b, "Per class (one vs rest)", h, rows)
	h, rows = r.confusionTable()
	writeHTMLTable(&b, "Confusion matrix (rows: true class, columns: predicted class)", h, rows)
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
