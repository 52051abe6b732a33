// SPDX-License-Identifier: Apache-2.0

package explain

import (
	"errors"
	"fmt"
	"math"
	"math/rand"
	"slices"
	"sort"
	"strings"

	"github.com/medgo-lab/medgo/mlkit/data"
	"github.com/medgo-lab/medgo/mlkit/eval"
	"github.com/medgo-lab/medgo/mlkit/internal/textout"
	"github.com/medgo-lab/medgo/mlkit/train"
)

// Importance is the permutation importance of every feature of a tabular model, sorted from
// the most to the least important.
//
// A feature's importance is how much the model's score gets worse when that feature's column is
// shuffled across the examples, breaking its link with the target while keeping its
// distribution: the drop of AUC or accuracy, or the rise of RMSE. Values near zero (or below,
// by chance) mean the model does not rely on the feature; note that of two strongly correlated
// features each can look unimportant, since the other still carries the information.
type Importance struct {
	Metric   string      // "auc", "accuracy" or "rmse"
	Baseline float64     // the score on the unshuffled data
	Repeats  int         // shuffles per feature
	Features []string    // feature names, most important first
	Columns  []int       // each feature's column in the data set
	Mean     []float64   // mean importance over the repeats
	Std      []float64   // standard deviation over the repeats (0 for a single repeat)
	Drops    [][]float64 // each repeat's importance, per feature
}

// Top returns the names of the k most important features.
func (im *Importance) Top(k int) []string {
	return slices.Clone(im.Features[:min(max(k, 0), len(im.Features))])
}

// String formats the importances as a text table.
func (im *Importance) String() string {
	var b strings.Builder
	what := "drop in " + im.Metric
	if im.Metric == "rmse" {
		what = "rise in rmse"
	}
	fmt.Fprintf(&b, "Permutation importance (%s; baseline %.4f, %d repeats)\n", what, im.Baseline, im.Repeats)
	// Feature names are aligned by display width (fmt's %-*s counts runes, so CJK or
	// decomposed accents in names shifted the numbers); numbers keep their 9 columns.
	t := textout.Table{Header: []string{"feature", "mean", "std"}, Right: []bool{false, true, true}, Min: []int{0, 9, 9}}
	for i, f := range im.Features {
		t.Rows = append(t.Rows, []string{f, fmt.Sprintf("%.4f", im.Mean[i]), fmt.Sprintf("%.4f", im.Std[i])})
	}
	b.WriteString(t.Text())
	return b.String()
}

// PermutationImportance measures how much the run's model relies on each feature of the
// tabular data set d ([features] per example): every column is shuffled repeats times (with a
// generator seeded by seed) and the model's score recomputed.
//
// metric is "auc" (binary: the AUC of class 1; multi-class and ordinal: the one-vs-rest macro
// AUC; multi-label: the mean AUC over labels), "accuracy" (classification; multi-label: the
// fraction of labels right at probability 0.5) or "rmse" (regression, averaged over targets).
// An empty metric picks "auc" for classification and "rmse" for regression. Evaluate on data
// the model was not trained on, such as run.Split().Test, to see what generalizes.
func PermutationImportance(run *train.Run, d *data.Dataset, metric string, repeats int, seed int64) (im *Importance, err error) {
	defer catch(&err, "permutation importance")
	if err := checkRun(run); err != nil {
		return nil, err
	}
	if err := checkData(run, d); err != nil {
		return nil, err
	}
	if len(d.Shape) != 1 || d.Vocab != nil {
		what := fmt.Sprintf("examples of shape %v", d.Shape)
		if d.Vocab != nil {
			what = "token sequences"
		}
		return nil, fmt.Errorf("explain: permutation importance shuffles the feature columns of tabular data ([features] per example), but %s has %s; use explain.Saliency for images and signals, explain.Attention for token sequences", dataName(d), what)
	}
	if repeats < 1 {
		return nil, fmt.Errorf("explain: permutation importance with %d repeats; use 1 or more (5 to 10 gives a useful spread)", repeats)
	}
	metric = strings.ToLower(strings.TrimSpace(metric))
	if metric == "" {
		metric = "auc"
		if run.Task == data.Regression {
			metric = "rmse"
		}
	}
	score, err := metricFor(run.Task, metric)
	if err != nil {
		return nil, err
	}
	n, f := d.Len(), d.Shape[0]
	pred, err := run.Predict(d)
	if err != nil {
		return nil, fmt.Errorf("explain: permutation importance: %w", err)
	}
	base, err := score(d, pred, 0, n)
	if err != nil {
		return nil, fmt.Errorf("explain: permutation importance: the %s of the unshuffled data is undefined: %w", metric, err)
	}
	lowerBetter := metric == "rmse"

	names := make([]string, f)
	for j := range names {
		if len(d.Features) == f && d.Features[j] != "" {
			names[j] = d.Features[j]
		} else {
			names[j] = fmt.Sprintf("feature %d", j)
		}
	}
	rng := rand.New(rand.NewSource(seed))
	// Every repeat of one feature is scored in a single pass: a data set holding the repeats
	// one after the other.
	shuffled := *d
	shuffled.X = make([]float32, repeats*n*f)
	shuffled.Y = slices.Repeat(d.Y, repeats)
	if d.Mask != nil {
		shuffled.Mask = slices.Repeat(d.Mask, repeats)
	}
	drops := make([][]float64, f)
	for j := range f {
		for r := range repeats {
			block := shuffled.X[r*n*f : (r+1)*n*f]
			copy(block, d.X)
			perm := rng.Perm(n)
			for i, p := range perm {
				block[i*f+j] = d.X[p*f+j]
			}
		}
		p, err := run.Predict(&shuffled)
		if err != nil {
			return nil, fmt.Errorf("explain: permutation importance, feature %q: %w", names[j], err)
		}
		drops[j] = make([]float64, repeats)
		for r := range repeats {
			s, err := score(&shuffled, p, r*n, (r+1)*n)
			if err != nil {
				return nil, fmt.Errorf("explain: permutation importance, feature %q, repeat %d: %w", names[j], r+1, err)
			}
			if lowerBetter {
				drops[j][r] = s - base
			} else {
				drops[j][r] = base - s
			}
		}
	}

	order := make([]int, f)
	for j := range order {
		order[j] = j
	}
	means, stds := make([]float64, f), make([]float64, f)
	for j, ds := range drops {
		means[j], stds[j] = meanStd(ds)
	}
	sort.SliceStable(order, func(a, b int) bool { return means[order[a]] > means[order[b]] })
	im = &Importance{Metric: metric, Baseline: base, Repeats: repeats}
	for _, j := range order {
		im.Features = append(im.Features, names[j])
		im.Columns = append(im.Columns, j)
		im.Mean = append(im.Mean, means[j])
		im.Std = append(im.Std, stds[j])
		im.Drops = append(im.Drops, drops[j])
	}
	return im, nil
}

// meanStd returns the mean and the sample standard deviation (0 for one value).
func meanStd(v []float64) (mean, std float64) {
	for _, x := range v {
		mean += x
	}
	mean /= float64(len(v))
	if len(v) < 2 {
		return mean, 0
	}
	for _, x := range v {
		std += (x - mean) * (x - mean)
	}
	return mean, math.Sqrt(std / float64(len(v)-1))
}

// scoreFn scores the predictions of examples [from, to) of d.
type scoreFn func(d *data.Dataset, p *train.Predictions, from, to int) (float64, error)

// metricFor returns the scoring function of a metric for a task.
func metricFor(task data.Task, metric string) (scoreFn, error) {
	wrongTask := func(use string) error {
		return fmt.Errorf("explain: metric %q does not apply to a %s task; use %s", metric, task, use)
	}
	labels := func(d *data.Dataset, from, to int) []int {
		out := make([]int, to-from)
		for i := range out {
			out[i] = d.Label(from + i)
		}
		return out
	}
	switch metric {
	case "auc":
		switch {
		case task == data.Binary:
			return func(d *data.Dataset, p *train.Predictions, from, to int) (float64, error) {
				return eval.AUC(labels(d, from, to), p.Scores(1)[from:to])
			}, nil
		case task.IsClassification():
			return func(d *data.Dataset, p *train.Predictions, from, to int) (float64, error) {
				return eval.MacroAUC(labels(d, from, to), p.Probs[from:to])
			}, nil
		case task == data.MultiLabel:
			return multiLabelAUC, nil
		}
		return nil, wrongTask(`"rmse"`)
	case "accuracy":
		switch {
		case task.IsClassification():
			return func(d *data.Dataset, p *train.Predictions, from, to int) (float64, error) {
				return eval.Accuracy(labels(d, from, to), p.Labels()[from:to])
			}, nil
		case task == data.MultiLabel:
			return multiLabelAccuracy, nil
		}
		return nil, wrongTask(`"rmse"`)
	case "rmse":
		if task != data.Regression {
			return nil, wrongTask(`"auc" or "accuracy"`)
		}
		return meanRMSE, nil
	}
	return nil, fmt.Errorf("explain: unknown metric %q; use \"auc\" or \"accuracy\" for classification, \"rmse\" for regression", metric)
}

// multiLabelAUC is the mean AUC over labels that have both classes among the examples; missing
// (NaN) labels are left out.
func multiLabelAUC(d *data.Dataset, p *train.Predictions, from, to int) (float64, error) {
	t := d.NumTargets()
	sum, used := 0.0, 0
	for k := range t {
		var ls []int
		var ss []float64
		for i := from; i < to; i++ {
			y := d.Y[i*t+k]
			if math.IsNaN(float64(y)) {
				continue
			}
			ls = append(ls, int(y))
			ss = append(ss, p.Probs[i][k])
		}
		a, err := eval.AUC(ls, ss)
		if errors.Is(err, eval.ErrUndefined) || len(ls) == 0 {
			continue
		}
		if err != nil {
			return math.NaN(), fmt.Errorf("label %d: %w", k, err)
		}
		sum, used = sum+a, used+1
	}
	if used == 0 {
		return math.NaN(), fmt.Errorf("no label has both positive and negative examples, so AUC is undefined; use \"accuracy\" or more examples")
	}
	return sum / float64(used), nil
}

// multiLabelAccuracy is the fraction of present labels predicted right at probability 0.5.
func multiLabelAccuracy(d *data.Dataset, p *train.Predictions, from, to int) (float64, error) {
	t := d.NumTargets()
	right, total := 0, 0
	for i := from; i < to; i++ {
		for k := range t {
			y := d.Y[i*t+k]
			if math.IsNaN(float64(y)) {
				continue
			}
			total++
			if (p.Probs[i][k] >= 0.5) == (y == 1) {
				right++
			}
		}
	}
	if total == 0 {
		return math.NaN(), fmt.Errorf("every label is missing (NaN)")
	}
	return float64(right) / float64(total), nil
}

// meanRMSE is the RMSE averaged over targets, leaving out missing (NaN) targets.
func meanRMSE(d *data.Dataset, p *train.Predictions, from, to int) (float64, error) {
	t := d.NumTargets()
	sum := 0.0
	for k := range t {
		var truth, pred []float64
		for i := from; i < to; i++ {
			y := float64(d.Y[i*t+k])
			if math.IsNaN(y) {
				continue
			}
			truth = append(truth, y)
			pred = append(pred, p.Values[i][k])
		}
		r, err := eval.RMSE(truth, pred)
		if err != nil {
			return math.NaN(), fmt.Errorf("target %d: %w", k, err)
		}
		sum += r
	}
	return sum / float64(t), nil
}
