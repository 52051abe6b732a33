// SPDX-License-Identifier: Apache-2.0

package eval

import (
	"fmt"
	"html"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/medgo-lab/medgo/mlkit/internal/textout"
)

// subgroupMetricKeys are the metrics Subgroups can compute, in display order.
var subgroupMetricKeys = []string{"auc", "sensitivity", "specificity", "accuracy", "balanced_accuracy", "ppv", "npv"}

// SubgroupMetricKeys returns the metric keys SubgroupConfig.Metrics accepts: auc,
// sensitivity, specificity, accuracy, balanced_accuracy, ppv and npv (Headline keys of a
// binary Report).
func SubgroupMetricKeys() []string { return slices.Clone(subgroupMetricKeys) }

// DefaultSubgroupMetrics returns the metrics Subgroups computes when
// SubgroupConfig.Metrics is nil: auc, sensitivity, specificity and accuracy.
func DefaultSubgroupMetrics() []string {
	return []string{"auc", "sensitivity", "specificity", "accuracy"}
}

// DefaultMinClassCount is the fewest positives, and the fewest negatives, a group needs
// for Subgroups to give it confidence intervals when SubgroupConfig.MinClassCount is 0.
const DefaultMinClassCount = 5

// MaxSubgroups is the most distinct groups Subgroups accepts. Every bootstrap resample
// keeps one value per group and metric, and a grouping with thousands of levels is
// almost always a patient or record ID passed by mistake.
const MaxSubgroups = 1_000

// maxSubgroupCells bounds the values a subgroup bootstrap keeps: one per group, metric
// (and gap) and resample.
const maxSubgroupCells = 20_000_000

// OverallGroup is the Name of SubgroupReport.Overall.
const OverallGroup = "overall"

// SubgroupConfig configures Subgroups. The zero value computes DefaultSubgroupMetrics at
// threshold 0.5 with 95% intervals from 1000 resamples (seed 0).
type SubgroupConfig struct {
	// Metrics are the keys to compute (see SubgroupMetricKeys); nil means
	// DefaultSubgroupMetrics.
	Metrics []string

	// Threshold is the decision threshold: an example is predicted positive when its
	// probability is >= Threshold. It must be in (0, 1]; 0 means 0.5.
	Threshold float64

	// Bootstrap sets the resamples, level and seed of the intervals. Strata must be nil:
	// Subgroups resamples within each group × class itself, which keeps every group's
	// size and class counts fixed (the intervals are conditional on them).
	Bootstrap BootstrapConfig

	// MinClassCount is the fewest positives and the fewest negatives a group needs for
	// confidence intervals and a gap test; smaller groups get point estimates and a note.
	// 0 means DefaultMinClassCount.
	MinClassCount int

	// Order lists groups in the order to report them; groups not listed follow in sorted
	// order. A listed group with no examples is an error. nil means sorted order.
	Order []string
}

// SubgroupMetric is one metric in one group.
type SubgroupMetric struct {
	Value float64 // the metric on the group's examples; NaN when undefined there
	CI    *CI     // bootstrap interval of Value; nil when not computed (see the report's Notes)

	// Gap is Value minus the overall value (0 for the overall row), and GapCI its
	// bootstrap interval: group and overall are evaluated on the same resamples, so the
	// interval accounts for the group being part of the whole.
	Gap   float64
	GapCI *CI

	// Disparity is set when GapCI excludes 0: on these data the group's metric differs
	// from the overall one at the interval's level (without correction for the number of
	// groups and metrics tested).
	Disparity bool
}

// Subgroup is the evaluation of one group (or of all examples, in SubgroupReport.Overall).
type Subgroup struct {
	Name                    string
	N, Positives, Negatives int
	Metrics                 map[string]SubgroupMetric // keyed by metric key

	// Small is set when the group has fewer than MinClassCount positives or negatives:
	// its values are shown, but without intervals or a gap test.
	Small bool
}

// SubgroupReport is a subgroup analysis built by Subgroups: chosen metrics per group, with
// bootstrap confidence intervals, and each group's gap to the overall value.
type SubgroupReport struct {
	Metrics       []string // metric keys, in display order
	Threshold     float64
	MinClassCount int
	Level         float64 // confidence level of the intervals, e.g. 0.95
	Resamples     int     // bootstrap resamples drawn

	Overall Subgroup   // all examples; Name is OverallGroup
	Groups  []Subgroup // in the order of SubgroupConfig.Order, then sorted

	Notes []string
}

// Subgroups evaluates a binary classifier within groups of examples (sex, age band, site,
// scanner, ...): for each group and metric it gives the value with a percentile-bootstrap
// confidence interval, the gap to the value on all examples with an interval of that
// gap, and a Disparity flag when the gap's interval excludes 0.
//
// labels are 0/1 with 1 the positive class, probs the predicted probability of class 1,
// and groups the group of each example. Resamples are drawn within each group × class
// (see SubgroupConfig.Bootstrap) with the seed given, so results are reproducible.
// A group with fewer than MinClassCount positives or negatives gets its point estimates
// and a note instead of an interval: a bootstrap of three positives gives an interval
// that looks precise and is not. Flags are not corrected for multiple comparisons; with
// many groups and metrics expect some by chance.
//
// Invalid input is an error: lengths that differ, labels other than 0/1, probabilities
// outside [0, 1] or NaN, an empty group name, a listed group without examples, more than
// MaxSubgroups groups, unknown metric keys or a bad configuration, and more than 20
// million bootstrap values in all (groups × metrics × 2 × resamples).
func Subgroups(labels []int, probs []float64, groups []string, cfg SubgroupConfig) (*SubgroupReport, error) {
	if err := checkLen("labels", len(labels), "probability values", len(probs)); err != nil {
		return nil, err
	}
	if err := checkLen("labels", len(labels), "groups", len(groups)); err != nil {
		return nil, err
	}
	if _, err := checkBinaryLabels(labels); err != nil {
		return nil, err
	}
	if err := checkProbabilities("probability values", probs); err != nil {
		return nil, err
	}
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	boot, err := cfg.Bootstrap.withDefaults()
	if err != nil {
		return nil, err
	}

	// Group the examples.
	index := map[string]int{}
	var names []string
	var members [][]int
	for i, g := range groups {
		if g == "" {
			return nil, fmt.Errorf("eval: group at index %d is empty; give every example a group name (e.g. \"unknown\" for missing values)", i)
		}
		k, ok := index[g]
		if !ok {
			if len(names) == MaxSubgroups {
				return nil, fmt.Errorf("eval: more than MaxSubgroups = %d distinct groups; group by a variable with few levels (sex, age band, site), not an ID", MaxSubgroups)
			}
			k = len(names)
			index[g] = k
			names = append(names, g)
			members = append(members, nil)
		}
		members[k] = append(members[k], i)
	}
	order, err := subgroupOrder(names, index, cfg.Order)
	if err != nil {
		return nil, err
	}

	d := &subgroupData{labels: labels, probs: probs, threshold: cfg.Threshold, metrics: cfg.Metrics}
	all := make([]int, len(labels))
	for i := range all {
		all[i] = i
	}
	r := &SubgroupReport{
		Metrics: slices.Clone(cfg.Metrics), Threshold: cfg.Threshold, MinClassCount: cfg.MinClassCount,
		Level: boot.Level, Resamples: boot.Resamples,
	}
	// Rows: the groups in report order, then the overall row (index len(order)).
	var sorted [][]int
	for _, k := range order {
		sorted = append(sorted, sortedMembers(members[k], probs))
	}
	sorted = append(sorted, sortedByScore(probs))
	rows := make([]Subgroup, len(sorted))
	values := make([]map[string]float64, len(sorted))
	for j, o := range sorted {
		name := OverallGroup
		if j < len(order) {
			name = names[order[j]]
		}
		values[j] = d.eval(o, nil)
		pos := 0
		for _, i := range o {
			pos += labels[i]
		}
		rows[j] = Subgroup{Name: name, N: len(o), Positives: pos, Negatives: len(o) - pos, Metrics: map[string]SubgroupMetric{},
			Small: pos < cfg.MinClassCount || len(o)-pos < cfg.MinClassCount}
	}
	overall := len(sorted) - 1

	// Bootstrap every metric of every group large enough, with its gap to overall.
	// Keys are built once, not per resample: keys[j][k] and gapKeys[j][k] for metric k
	// of row j, "" where that value gets no interval.
	keys, gapKeys := make([][]string, len(rows)), make([][]string, len(rows))
	var undefined []string
	cells := 0
	for j := range rows {
		keys[j], gapKeys[j] = make([]string, len(cfg.Metrics)), make([]string, len(cfg.Metrics))
		if rows[j].Small {
			continue
		}
		for k, m := range cfg.Metrics {
			if math.IsNaN(values[j][m]) {
				undefined = append(undefined, fmt.Sprintf("%s in %s", m, quoteGroup(rows[j].Name, j == overall)))
				continue
			}
			keys[j][k] = strconv.Itoa(j) + "/" + m
			cells++
			if j != overall && !math.IsNaN(values[overall][m]) {
				gapKeys[j][k] = keys[j][k] + "/gap"
				cells++
			}
		}
	}
	// BootstrapMetrics keeps every value of every resample: bound their number before
	// any is computed.
	if cells > 0 && cells > maxSubgroupCells/boot.Resamples {
		return nil, fmt.Errorf("eval: subgroup bootstrap of %d values (groups × metrics, with gaps) over %d resamples would keep %d numbers, more than %d; use fewer resamples, metrics or groups",
			cells, boot.Resamples, cells*boot.Resamples, maxSubgroupCells)
	}
	var cis map[string]CI
	if cells > 0 {
		strata := make([]int, len(labels))
		for j, o := range sorted[:overall] {
			for _, i := range o {
				strata[i] = 2*j + labels[i]
			}
		}
		boot.Strata = strata
		cis, err = BootstrapMetrics(len(labels), func(idx []int) (map[string]float64, error) {
			w := multiplicities(len(labels), idx)
			out := map[string]float64{}
			ov := d.eval(sorted[overall], w)
			for j, o := range sorted {
				if rows[j].Small {
					continue
				}
				v := ov
				if j != overall {
					v = d.eval(o, w)
				}
				for k, m := range cfg.Metrics {
					if keys[j][k] != "" {
						out[keys[j][k]] = v[m]
					}
					if gapKeys[j][k] != "" {
						out[gapKeys[j][k]] = v[m] - ov[m]
					}
				}
			}
			return out, nil
		}, boot)
		if err != nil {
			return nil, fmt.Errorf("eval: subgroup bootstrap: %w", err)
		}
	}

	var flagged []string
	for j := range rows {
		for k, m := range cfg.Metrics {
			sm := SubgroupMetric{Value: values[j][m], Gap: values[j][m] - values[overall][m]}
			if c, ok := cis[keys[j][k]]; ok && keys[j][k] != "" {
				sm.CI = &c
			}
			if c, ok := cis[gapKeys[j][k]]; ok && gapKeys[j][k] != "" {
				sm.GapCI = &c
				sm.Disparity = c.Lower > 0 || c.Upper < 0
				if sm.Disparity {
					flagged = append(flagged, fmt.Sprintf("%s in %s (gap %s)", m, quoteGroup(rows[j].Name, false), fmtGap(sm.Gap)))
				}
			}
			rows[j].Metrics[m] = sm
		}
	}
	r.Overall, r.Groups = rows[overall], rows[:overall]

	for j, g := range rows {
		if g.Small {
			r.Notes = append(r.Notes, fmt.Sprintf("%s has %d positives and %d negatives, fewer than %d of a class: its values are shown without confidence intervals or a gap test, and are unreliable",
				quoteGroup(g.Name, j == overall), g.Positives, g.Negatives, cfg.MinClassCount))
		}
	}
	if len(undefined) > 0 {
		r.Notes = append(r.Notes, fmt.Sprintf("undefined on these data, so no interval: %s", strings.Join(undefined, ", ")))
	}
	if len(flagged) > 0 {
		r.Notes = append(r.Notes, fmt.Sprintf("gap to overall excludes 0 at %g%%: %s (not corrected for %d comparisons)",
			boot.Level*100, strings.Join(flagged, "; "), len(r.Groups)*len(cfg.Metrics)))
	}
	return r, nil
}

func (c SubgroupConfig) withDefaults() (SubgroupConfig, error) {
	if c.Metrics == nil {
		c.Metrics = DefaultSubgroupMetrics()
	}
	if len(c.Metrics) == 0 {
		return c, fmt.Errorf("eval: SubgroupConfig.Metrics is empty; pass nil for the default (%s) or some of %s",
			strings.Join(DefaultSubgroupMetrics(), ", "), strings.Join(subgroupMetricKeys, ", "))
	}
	seen := map[string]bool{}
	for _, m := range c.Metrics {
		if !slices.Contains(subgroupMetricKeys, m) {
			return c, fmt.Errorf("eval: unknown subgroup metric %q; choose from %s", m, strings.Join(subgroupMetricKeys, ", "))
		}
		if seen[m] {
			return c, fmt.Errorf("eval: subgroup metric %q is listed twice", m)
		}
		seen[m] = true
	}
	c.Metrics = slices.Clone(c.Metrics)
	if c.Threshold == 0 {
		c.Threshold = 0.5
	}
	if !(c.Threshold > 0 && c.Threshold <= 1) {
		return c, fmt.Errorf("eval: SubgroupConfig.Threshold %v is not in (0, 1]; pass a probability threshold such as 0.5 (or 0 for 0.5)", c.Threshold)
	}
	if c.MinClassCount == 0 {
		c.MinClassCount = DefaultMinClassCount
	}
	if c.MinClassCount < 1 {
		return c, fmt.Errorf("eval: SubgroupConfig.MinClassCount is %d; pass at least 1 (or 0 for the default %d)", c.MinClassCount, DefaultMinClassCount)
	}
	if c.Bootstrap.Strata != nil {
		return c, fmt.Errorf("eval: SubgroupConfig.Bootstrap.Strata must be nil: Subgroups resamples within each group and class itself")
	}
	return c, nil
}

// subgroupOrder returns the group indices in report order: those listed first, the
// others sorted by name.
func subgroupOrder(names []string, index map[string]int, listed []string) ([]int, error) {
	var order []int
	used := map[string]bool{}
	for _, g := range listed {
		k, ok := index[g]
		if !ok {
			return nil, fmt.Errorf("%w: group %q in SubgroupConfig.Order has no examples; drop it from Order or check the group names (%d groups present)", ErrEmpty, g, len(names))
		}
		if used[g] {
			return nil, fmt.Errorf("eval: group %q is listed twice in SubgroupConfig.Order", g)
		}
		used[g] = true
		order = append(order, k)
	}
	rest := make([]string, 0, len(names)-len(order))
	for _, g := range names {
		if !used[g] {
			rest = append(rest, g)
		}
	}
	slices.Sort(rest)
	for _, g := range rest {
		order = append(order, index[g])
	}
	return order, nil
}

// sortedMembers orders the example indices of a group by decreasing probability.
func sortedMembers(idx []int, probs []float64) []int {
	scores := make([]float64, len(idx))
	for i, j := range idx {
		scores[i] = probs[j]
	}
	o := sortedByScore(scores)
	for i, k := range o {
		o[i] = idx[k]
	}
	return o
}

// subgroupData evaluates the metrics on a group's examples, given in decreasing order of
// probability, each example i counted w[i] times (once when w is nil).
type subgroupData struct {
	labels    []int
	probs     []float64
	threshold float64
	metrics   []string
}

func (d *subgroupData) eval(order []int, w []int) map[string]float64 {
	cm := &ConfusionMatrix{Classes: []string{"0", "1"}, Counts: [][]int{{0, 0}, {0, 0}}}
	for _, i := range order {
		c := 1
		if w != nil {
			c = w[i]
		}
		pred := 0
		if d.probs[i] >= d.threshold {
			pred = 1
		}
		cm.Counts[d.labels[i]][pred] += c
	}
	out := make(map[string]float64, len(d.metrics))
	for _, m := range d.metrics {
		switch m {
		case "auc":
			rc := accumulate(order, d.labels, d.probs, w)
			out[m] = math.NaN()
			if rc.pos > 0 && rc.neg > 0 {
				out[m] = rc.auc()
			}
		case "sensitivity":
			out[m] = cm.Recall(1)
		case "specificity":
			out[m] = cm.Specificity(1)
		case "accuracy":
			out[m] = cm.Accuracy()
		case "balanced_accuracy":
			out[m] = cm.BalancedAccuracy()
		case "ppv":
			out[m] = cm.Precision(1)
		case "npv":
			out[m] = cm.Precision(0)
		}
	}
	return out
}

func quoteGroup(name string, overall bool) string {
	if overall {
		return "all examples"
	}
	return "group " + strconv.Quote(name)
}

// fmtGap formats a difference with its sign, "+0.012" or "-0.034".
func fmtGap(v float64) string {
	if math.IsNaN(v) {
		return "n/a"
	}
	return fmt.Sprintf("%+.3f", v)
}

// Headline returns the report's numbers keyed for results tables: n, positives and one
// key per metric (e.g. auc) for all examples, and for each group G the keys "G:n",
// "G:positives", "G:<metric>" and "G:<metric>_gap" (value minus overall). Undefined
// values are NaN.
func (r *SubgroupReport) Headline() map[string]float64 {
	h := map[string]float64{"n": float64(r.Overall.N), "positives": float64(r.Overall.Positives)}
	for _, m := range r.Metrics {
		h[m] = r.Overall.Metrics[m].Value
	}
	for _, g := range r.Groups {
		h[g.Name+":n"] = float64(g.N)
		h[g.Name+":positives"] = float64(g.Positives)
		for _, m := range r.Metrics {
			h[g.Name+":"+m] = g.Metrics[m].Value
			h[g.Name+":"+m+"_gap"] = g.Metrics[m].Gap
		}
	}
	return h
}

// HeadlineKeys returns the keys of Headline in display order.
func (r *SubgroupReport) HeadlineKeys() []string {
	keys := append([]string{"n", "positives"}, r.Metrics...)
	for _, g := range r.Groups {
		keys = append(keys, g.Name+":n", g.Name+":positives")
		for _, m := range r.Metrics {
			keys = append(keys, g.Name+":"+m, g.Name+":"+m+"_gap")
		}
	}
	return keys
}

// CI returns the bootstrap intervals keyed like Headline ("auc", "G:auc", "G:auc_gap");
// keys without an interval (small groups, undefined values) are absent.
func (r *SubgroupReport) CI() map[string]CI {
	out := map[string]CI{}
	add := func(key string, c *CI) {
		if c != nil {
			out[key] = *c
		}
	}
	for _, m := range r.Metrics {
		add(m, r.Overall.Metrics[m].CI)
	}
	for _, g := range r.Groups {
		for _, m := range r.Metrics {
			add(g.Name+":"+m, g.Metrics[m].CI)
			add(g.Name+":"+m+"_gap", g.Metrics[m].GapCI)
		}
	}
	return out
}

// Disparities returns "group: metric" for each metric whose gap interval excludes 0, in
// display order.
func (r *SubgroupReport) Disparities() []string {
	var out []string
	for _, g := range r.Groups {
		for _, m := range r.Metrics {
			if g.Metrics[m].Disparity {
				out = append(out, g.Name+": "+m)
			}
		}
	}
	return out
}

func (r *SubgroupReport) title() string {
	t := fmt.Sprintf("Subgroup analysis: %d examples (%d positive) in %d groups, threshold %s", r.Overall.N, r.Overall.Positives, len(r.Groups), fmtNum(r.Threshold))
	if len(r.CI()) == 0 {
		return t + "; no confidence intervals (too few cases)"
	}
	return t + fmt.Sprintf("; %g%% bootstrap CIs from %d resamples within group × class", r.Level*100, r.Resamples)
}

func (r *SubgroupReport) table() (header []string, rows [][]string) {
	level := fmt.Sprintf("%g%% CI", r.Level*100)
	header = []string{"group", "n", "positives", "metric", "value", level, "gap to overall", "gap " + level, "gap CI excludes 0"}
	ci := func(c *CI, small bool) string {
		switch {
		case c != nil:
			return fmtFloat(c.Lower) + " – " + fmtFloat(c.Upper)
		case small:
			return "too few cases"
		}
		return "n/a"
	}
	gapCI := func(c *CI, small bool) string {
		switch {
		case c != nil:
			return fmtGap(c.Lower) + " – " + fmtGap(c.Upper)
		case small:
			return "too few cases"
		}
		return "n/a"
	}
	for j, g := range append([]Subgroup{r.Overall}, r.Groups...) {
		for _, m := range r.Metrics {
			sm := g.Metrics[m]
			row := []string{g.Name, strconv.Itoa(g.N), strconv.Itoa(g.Positives), MetricName(m), fmtFloat(sm.Value), ci(sm.CI, g.Small)}
			if j == 0 {
				row = append(row, "", "", "")
			} else {
				flag := "no"
				switch {
				case sm.Disparity:
					flag = "yes"
				case sm.GapCI == nil:
					flag = ""
				}
				row = append(row, fmtGap(sm.Gap), gapCI(sm.GapCI, g.Small), flag)
			}
			rows = append(rows, row)
		}
	}
	return header, rows
}

// textTable aligns numbers right and the group, metric and flag columns left.
func (r *SubgroupReport) textTable() *textout.Table {
	h, rows := r.table()
	return &textout.Table{Header: h, Rows: rows, Right: []bool{false, true, true, false, true, true, true, true, false}}
}

// String renders the report as a plain text table followed by its notes.
func (r *SubgroupReport) String() string {
	var b strings.Builder
	b.WriteString(r.title() + "\n\n")
	for _, line := range r.textTable().Lines() {
		b.WriteString(strings.TrimRight(line, " ") + "\n")
	}
	for _, n := range r.Notes {
		b.WriteString("note: " + n + "\n")
	}
	return b.String()
}

// HTML renders the report as a self-contained HTML table (inline styles, no scripts).
func (r *SubgroupReport) HTML() string {
	var b strings.Builder
	b.WriteString(`<div class="medgo-eval-report">`)
	fmt.Fprintf(&b, "<p style=\"font-family:sans-serif;font-weight:bold\">%s</p>\n", html.EscapeString(r.title()))
	t := r.textTable()
	b.WriteString(t.HTML(htmlStyle, "Subgroups"))
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
