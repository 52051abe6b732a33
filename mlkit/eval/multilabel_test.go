// SPDX-License-Identifier: Apache-2.0

package eval

import (
	"errors"
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"
)

var nan = math.NaN()

// multiLabelCase is one fixed multi-label problem: labels are 0, 1 or NaN (missing).
type multiLabelCase struct {
	name   string
	tasks  []string
	labels [][]float64
	probs  [][]float64
}

func multiLabelCases() []multiLabelCase {
	return []multiLabelCase{
		{name: "missing labels and ties", tasks: []string{"effusion", "edema", "nodule"},
			labels: [][]float64{
				{1, 0, nan}, {0, nan, 1}, {1, 1, 0}, {nan, 0, 0}, {0, 1, nan},
				{1, nan, 1}, {0, 0, 0}, {nan, 1, 1}, {1, 0, nan}, {0, 0, 0},
			},
			probs: [][]float64{
				{0.9, 0.2, 0.5}, {0.5, 0.7, 0.6}, {0.5, 0.8, 0.3}, {0.1, 0.2, 0.3}, {0.3, 0.6, 0.9},
				{0.7, 0.1, 0.5}, {0.2, 0.6, 0.5}, {0.6, 0.9, 0.8}, {0.4, 0.3, 0.2}, {0.5, 0.1, 0.6},
			}},
		// Task c has no positives among its labels and task d has no labels at all: both are
		// left out of the macro averages but their cells (c's) still count in the micro ones.
		{name: "one-class and unlabelled tasks", tasks: []string{"a", "b", "c", "d"},
			labels: [][]float64{
				{1, 0, 0, nan}, {0, 1, nan, nan}, {1, 1, 0, nan}, {0, 0, 0, nan},
				{nan, 1, 0, nan}, {1, 0, nan, nan}, {0, nan, 0, nan}, {0, 1, 0, nan},
			},
			probs: [][]float64{
				{0.8, 0.3, 0.9, 0.5}, {0.4, 0.6, 0.2, 0.5}, {0.7, 0.55, 0.1, 0.5}, {0.45, 0.2, 0.95, 0.5},
				{0.5, 0.9, 0.3, 0.5}, {0.3, 0.4, 0.6, 0.5}, {0.2, 0.5, 0.4, 0.5}, {0.6, 0.5, 0.05, 0.5},
			}},
		// A task with positives only has an AP (1) but no AUC, so it is excluded from both
		// macro averages: they stay over the same tasks.
		{name: "task with positives only", tasks: []string{"x", "y"},
			labels: [][]float64{{1, 1}, {nan, 0}, {1, 1}, {1, 0}, {1, nan}, {nan, 1}},
			probs:  [][]float64{{0.3, 0.8}, {0.9, 0.4}, {0.6, 0.45}, {0.2, 0.5}, {0.99, 0.7}, {0, 0.5}}},
		// Without missing labels the masked averages must equal scikit-learn's own
		// multi-label averaging on the 2-D arrays.
		{name: "complete labels", tasks: []string{"t0", "t1", "t2"},
			labels: [][]float64{{1, 0, 1}, {0, 1, 1}, {1, 1, 0}, {0, 0, 0}, {1, 0, 1}, {0, 1, 0}, {1, 1, 1}},
			probs:  [][]float64{{0.8, 0.3, 0.6}, {0.3, 0.7, 0.65}, {0.6, 0.6, 0.4}, {0.4, 0.2, 0.1}, {0.55, 0.6, 0.9}, {0.2, 0.9, 0.65}, {0.7, 0.4, 0.3}}},
	}
}

// jsonLabels writes NaN as null, which encoding/json cannot write as a number.
func jsonLabels(labels [][]float64) [][]*float64 {
	out := make([][]*float64, len(labels))
	for i, row := range labels {
		out[i] = make([]*float64, len(row))
		for j, y := range row {
			if !math.IsNaN(y) {
				out[i][j] = &row[j]
			}
		}
	}
	return out
}

func orNaN(p *float64) float64 {
	if p == nil {
		return math.NaN()
	}
	return *p
}

// multiLabelScript masks each task's missing labels, then scores it with scikit-learn; the
// micro values are scikit-learn's micro average on the labelled cells, which are the
// flattened arrays once the missing cells are removed.
const multiLabelScript = `
from sklearn import metrics as m
out = []
for c in inp["cases"]:
    y = np.array([[np.nan if v is None else v for v in row] for row in c["labels"]], dtype=float)
    p = np.array(c["probs"], dtype=float)
    thr = inp["threshold"]
    tasks = []
    for k in range(y.shape[1]):
        known = ~np.isnan(y[:, k])
        yk, pk = y[known, k].astype(int), p[known, k]
        t = {"auc": None, "ap": None, "sens": None, "spec": None}
        if len(set(yk)) == 2:
            t["auc"] = m.roc_auc_score(yk, pk)
        if yk.sum() > 0:
            t["ap"] = m.average_precision_score(yk, pk)
            t["sens"] = m.recall_score(yk, pk >= thr)
        if (yk == 0).sum() > 0:
            t["spec"] = m.recall_score(yk, pk >= thr, pos_label=0)
        tasks.append(t)
    both = [t for t in tasks if t["auc"] is not None]
    known = ~np.isnan(y)
    yc = np.where(known, y, 0).astype(int)
    r = {"tasks": tasks,
         "macro_auc": float(np.mean([t["auc"] for t in both])) if both else None,
         "macro_ap": float(np.mean([t["ap"] for t in both])) if both else None,
         "micro_auc": m.roc_auc_score(yc[known].reshape(-1, 1), p[known].reshape(-1, 1), average="micro"),
         "micro_ap": m.average_precision_score(yc[known].reshape(-1, 1), p[known].reshape(-1, 1), average="micro"),
         "sk_macro_auc": None, "sk_macro_ap": None}
    if known.all():
        r["sk_macro_auc"] = m.roc_auc_score(yc, p, average="macro")
        r["sk_macro_ap"] = m.average_precision_score(yc, p, average="macro")
        r["micro_auc_2d"] = m.roc_auc_score(yc, p, average="micro")
    out.append(r)
emit(out)
`

type multiLabelRef struct {
	Tasks []struct {
		AUC  *float64 `json:"auc"`
		AP   *float64 `json:"ap"`
		Sens *float64 `json:"sens"`
		Spec *float64 `json:"spec"`
	} `json:"tasks"`
	MacroAUC   *float64 `json:"macro_auc"`
	MacroAP    *float64 `json:"macro_ap"`
	MicroAUC   *float64 `json:"micro_auc"`
	MicroAP    *float64 `json:"micro_ap"`
	SkMacroAUC *float64 `json:"sk_macro_auc"`
	SkMacroAP  *float64 `json:"sk_macro_ap"`
	MicroAUC2D *float64 `json:"micro_auc_2d"`
}

func TestClassifyMultiLabelMatchesSklearn(t *testing.T) {
	const threshold = 0.5
	cases := multiLabelCases()
	in := make([]map[string]any, len(cases))
	for i, c := range cases {
		in[i] = map[string]any{"labels": jsonLabels(c.labels), "probs": c.probs}
	}
	var refs []multiLabelRef
	sklearnRun(t, multiLabelScript, map[string]any{"cases": in, "threshold": threshold}, &refs)
	if len(refs) != len(cases) {
		t.Fatalf("%d reference results for %d cases", len(refs), len(cases))
	}
	for ci, c := range cases {
		ref := refs[ci]
		t.Run(c.name, func(t *testing.T) {
			r, err := ClassifyMultiLabel(c.labels, c.probs, c.tasks, WithThreshold(threshold))
			if err != nil {
				t.Fatal(err)
			}
			for k, m := range r.PerTask {
				want := ref.Tasks[k]
				for _, v := range []struct {
					what      string
					got, want float64
				}{
					{"AUC", m.AUC, orNaN(want.AUC)}, {"AP", m.AP, orNaN(want.AP)},
					{"sensitivity", m.Sensitivity, orNaN(want.Sens)}, {"specificity", m.Specificity, orNaN(want.Spec)},
				} {
					if !near(v.got, v.want, tol) {
						t.Errorf("task %q %s = %v, sklearn %v", m.Task, v.what, v.got, v.want)
					}
				}
			}
			for _, v := range []struct {
				what      string
				got, want float64
			}{
				{"macro AUC", r.MacroAUC, orNaN(ref.MacroAUC)}, {"macro AP", r.MacroAP, orNaN(ref.MacroAP)},
				{"micro AUC", r.MicroAUC, orNaN(ref.MicroAUC)}, {"micro AP", r.MicroAP, orNaN(ref.MicroAP)},
			} {
				if !near(v.got, v.want, tol) {
					t.Errorf("%s = %v, sklearn %v", v.what, v.got, v.want)
				}
			}
			if ref.SkMacroAUC != nil {
				if !near(r.MacroAUC, *ref.SkMacroAUC, tol) || !near(r.MacroAP, *ref.SkMacroAP, tol) || !near(r.MicroAUC, orNaN(ref.MicroAUC2D), tol) {
					t.Errorf("complete labels: macro AUC %v, AP %v, micro AUC %v; sklearn 2-D averages %v, %v, %v",
						r.MacroAUC, r.MacroAP, r.MicroAUC, *ref.SkMacroAUC, *ref.SkMacroAP, orNaN(ref.MicroAUC2D))
				}
			}
		})
	}
}

func TestClassifyMultiLabelMasking(t *testing.T) {
	tests := []struct {
		name      string
		c         multiLabelCase
		excluded  []string
		n, pos    []int
		cells     int
		macroOver []int // tasks whose AUC the macro AUC averages
	}{
		{"missing labels and ties", multiLabelCases()[0], nil, []int{8, 8, 7}, []int{4, 3, 3}, 23, []int{0, 1, 2}},
		{"one-class and unlabelled tasks", multiLabelCases()[1], []string{"c", "d"}, []int{7, 7, 6, 0}, []int{3, 4, 0, 0}, 20, []int{0, 1}},
		{"task with positives only", multiLabelCases()[2], []string{"x"}, []int{4, 5}, []int{4, 3}, 9, []int{1}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := ClassifyMultiLabel(tc.c.labels, tc.c.probs, tc.c.tasks)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(r.Excluded, tc.excluded) || r.Cells != tc.cells || r.N != len(tc.c.labels) {
				t.Errorf("excluded %v, cells %d, N %d; want %v, %d, %d", r.Excluded, r.Cells, r.N, tc.excluded, tc.cells, len(tc.c.labels))
			}
			var sum float64
			for k, m := range r.PerTask {
				if m.N != tc.n[k] || m.Positives != tc.pos[k] || m.Missing != len(tc.c.labels)-tc.n[k] {
					t.Errorf("task %q: n %d, positives %d, missing %d; want %d, %d, %d", m.Task, m.N, m.Positives, m.Missing, tc.n[k], tc.pos[k], len(tc.c.labels)-tc.n[k])
				}
				// The masked AUC is the AUC of the labelled examples only.
				var ls []int
				var ss []float64
				for i, row := range tc.c.labels {
					if !math.IsNaN(row[k]) {
						ls, ss = append(ls, int(row[k])), append(ss, tc.c.probs[i][k])
					}
				}
				want, _ := AUC(ls, ss)
				if !near(m.AUC, want, tol) {
					t.Errorf("task %q AUC %v, want %v on its labelled examples", m.Task, m.AUC, want)
				}
			}
			for _, k := range tc.macroOver {
				sum += r.PerTask[k].AUC
			}
			if want := sum / float64(len(tc.macroOver)); !near(r.MacroAUC, want, tol) {
				t.Errorf("macro AUC %v, want %v (mean over tasks %v)", r.MacroAUC, want, tc.macroOver)
			}
			for _, name := range tc.excluded {
				if !strings.Contains(strings.Join(r.Notes, "\n"), strconv.Quote(name)) {
					t.Errorf("notes %q do not name excluded task %q", r.Notes, name)
				}
			}
		})
	}

	// Counting a missing label as a negative would change the AUC: make sure it is not.
	c := multiLabelCases()[0]
	r, _ := ClassifyMultiLabel(c.labels, c.probs, c.tasks)
	var ls []int
	var ss []float64
	for i, row := range c.labels {
		y := 0
		if row[0] == 1 {
			y = 1
		}
		ls, ss = append(ls, y), append(ss, c.probs[i][0])
	}
	if asNegative, _ := AUC(ls, ss); near(r.PerTask[0].AUC, asNegative, 1e-6) {
		t.Errorf("task %q AUC %v equals the AUC with missing labels counted as negatives; the vector no longer tests masking", c.tasks[0], asNegative)
	}
}

func TestClassifyMultiLabelErrors(t *testing.T) {
	good := [][]float64{{1, 0}, {0, 1}}
	tests := []struct {
		name          string
		labels, probs [][]float64
		tasks         []string
		opts          []Option
		want          []string
		is            error
	}{
		{"no rows", nil, nil, nil, nil, []string{"label rows is empty"}, ErrEmpty},
		{"row count mismatch", good, [][]float64{{0.1, 0.2}}, nil, nil, []string{"2 label rows but 1 probability rows"}, nil},
		{"empty label row", [][]float64{{}}, [][]float64{{}}, nil, nil, []string{"label row 0 is empty"}, nil},
		{"ragged labels", [][]float64{{1, 0}, {1}}, [][]float64{{0.1, 0.2}, {0.3, 0.4}}, nil, nil, []string{"label row 1 has 1 values but row 0 has 2"}, nil},
		{"ragged probabilities", good, [][]float64{{0.1, 0.2}, {0.3, 0.4, 0.5}}, nil, nil, []string{"probability row 1 has 3 values", "2 tasks"}, nil},
		{"label 2", [][]float64{{1, 0}, {2, 1}}, [][]float64{{0.1, 0.2}, {0.3, 0.4}}, []string{"a", "b"}, nil, []string{"label [1][0]", `task "a"`, "is 2", "0, 1 or NaN"}, nil},
		{"label -1 as missing", [][]float64{{1, -1}, {0, 1}}, [][]float64{{0.1, 0.2}, {0.3, 0.4}}, nil, nil, []string{"label [0][1]", `task "1"`, "is -1"}, nil},
		{"NaN probability", good, [][]float64{{0.1, 0.2}, {nan, 0.4}}, []string{"a", "b"}, nil, []string{"probability [1][0]", `task "a"`, "is NaN", "NaN in labels"}, nil},
		{"logit", good, [][]float64{{0.1, 2.5}, {0.3, 0.4}}, nil, nil, []string{"probability [0][1]", "outside [0, 1]", "sigmoid"}, nil},
		{"task names", good, [][]float64{{0.1, 0.2}, {0.3, 0.4}}, []string{"a"}, nil, []string{"1 task names", "2 values"}, nil},
		{"all missing", [][]float64{{nan, nan}, {nan, nan}}, [][]float64{{0.1, 0.2}, {0.3, 0.4}}, nil, nil, []string{"every label is NaN"}, ErrEmpty},
		{"target sensitivity", good, [][]float64{{0.1, 0.2}, {0.3, 0.4}}, nil, []Option{WithTargetSensitivity(0.9)}, []string{"WithTargetSensitivity", "one threshold per task"}, nil},
		{"infinite threshold", good, [][]float64{{0.1, 0.2}, {0.3, 0.4}}, nil, []Option{WithThreshold(math.Inf(1))}, []string{"threshold +Inf is not finite"}, nil},
		{"too many resamples", good, [][]float64{{0.1, 0.2}, {0.3, 0.4}}, nil, []Option{WithBootstrap(BootstrapConfig{Resamples: MaxResamples + 1})}, []string{"Resamples", "MaxResamples"}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := ClassifyMultiLabel(tc.labels, tc.probs, tc.tasks, tc.opts...)
			if err == nil {
				t.Fatalf("no error; report %v", r)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
			if tc.is != nil && !errors.Is(err, tc.is) {
				t.Errorf("error %q is not %v", err, tc.is)
			}
		})
	}
}

func TestClassifyMultiLabelBootstrap(t *testing.T) {
	c := multiLabelCases()[0]
	// Repeat the rows so that resamples rarely lose a task's only positive.
	var labels, probs [][]float64
	for range 6 {
		labels, probs = append(labels, c.labels...), append(probs, c.probs...)
	}
	cfg := BootstrapConfig{Resamples: 400, Seed: 7}
	r, err := ClassifyMultiLabel(labels, probs, c.tasks, WithBootstrap(cfg))
	if err != nil {
		t.Fatal(err)
	}
	again, err := ClassifyMultiLabel(labels, probs, c.tasks, WithBootstrap(cfg))
	if err != nil {
		t.Fatal(err)
	}
	h := r.Headline()
	for _, key := range []string{"macro_auc", "macro_ap", "micro_auc", "micro_ap"} {
		ci, ok := r.CI[key]
		if !ok {
			t.Fatalf("no CI for %s: %v", key, r.CI)
		}
		if !near(ci.Estimate, h[key], tol) || !(ci.Lower <= ci.Estimate && ci.Estimate <= ci.Upper) || ci.Lower == ci.Upper {
			t.Errorf("%s CI %+v around %v", key, ci, h[key])
		}
		if ci.Resamples+ci.Skipped != cfg.Resamples || ci.Level != 0.95 {
			t.Errorf("%s CI %+v: want %d resamples at 95%%", key, ci, cfg.Resamples)
		}
		if again.CI[key] != ci {
			t.Errorf("%s CI not reproducible for one seed: %+v then %+v", key, ci, again.CI[key])
		}
	}
	if _, ok := r.CI["n"]; ok {
		t.Errorf("CI for the example count: %v", r.CI["n"])
	}

	// The macro estimate of a bootstrap is the plain mean of the per-task AUCs.
	if !near(r.CI["macro_auc"].Estimate, (r.PerTask[0].AUC+r.PerTask[1].AUC+r.PerTask[2].AUC)/3, tol) {
		t.Errorf("macro AUC estimate %v, per-task %+v", r.CI["macro_auc"].Estimate, r.PerTask)
	}

	// Macro metrics with no task to average get no interval, and the report says so.
	one := multiLabelCases()[1]
	onlyCD := func(rows [][]float64) [][]float64 {
		out := make([][]float64, len(rows))
		for i, row := range rows {
			out[i] = row[2:]
		}
		return out
	}
	r, err = ClassifyMultiLabel(onlyCD(one.labels), onlyCD(one.probs), []string{"c", "d"}, WithBootstrap(BootstrapConfig{Resamples: 50}))
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := r.CI["macro_auc"]; ok || !math.IsNaN(r.MacroAUC) || !strings.Contains(strings.Join(r.Notes, "\n"), "no confidence interval for macro_auc, macro_ap, micro_auc") {
		t.Errorf("macro AUC %v, CI %v, notes %q", r.MacroAUC, r.CI, r.Notes)
	}
}

func TestMultiLabelReportOutput(t *testing.T) {
	c := multiLabelCases()[1]
	tasks := slices.Clone(c.tasks)
	tasks[0] = "<b>a</b>"
	r, err := ClassifyMultiLabel(c.labels, c.probs, tasks, WithThreshold(0.55))
	if err != nil {
		t.Fatal(err)
	}
	h := r.Headline()
	for _, key := range r.HeadlineKeys() {
		if _, ok := h[key]; !ok {
			t.Errorf("Headline lacks %q", key)
		}
	}
	if h["n"] != 8 || h["cells"] != 20 || !near(h["macro_auc"], r.MacroAUC, 0) {
		t.Errorf("headline %v", h)
	}
	h["macro_auc"] = -1
	if r.Headline()["macro_auc"] == -1 {
		t.Error("Headline returns the report's own map")
	}
	tests := []struct {
		name, out string
		want      []string
		not       []string
	}{
		{"text", r.String(), []string{"8 examples, 4 tasks, 20 labelled cells (12 missing), threshold 0.55", "macro AUC (ROC)", "micro average precision", "<b>a</b>", "n/a", `"c", "d" have only one class`}, nil},
		{"html", r.HTML(), []string{"<table", "&lt;b&gt;a&lt;/b&gt;", "Per task (missing labels removed)", "<li>"}, []string{"<b>a</b>", "<script"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for _, w := range tc.want {
				if !strings.Contains(tc.out, w) {
					t.Errorf("output lacks %q:\n%s", w, tc.out)
				}
			}
			for _, w := range tc.not {
				if strings.Contains(tc.out, w) {
					t.Errorf("output contains %q:\n%s", w, tc.out)
				}
			}
		})
	}
	if MetricName("macro_auc") != "macro AUC (ROC)" {
		t.Errorf("MetricName(macro_auc) = %q", MetricName("macro_auc"))
	}
}
