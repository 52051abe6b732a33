// SPDX-License-Identifier: Apache-2.0

package train

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/medgo-lab/medgo/mlkit/data"
	"github.com/medgo-lab/medgo/mlkit/eval"
)

// Evaluation is a run's evaluation on the test part of its own split, made by Run.Evaluate,
// or on other data, made by Run.EvaluateOn.
// One of Classification, MultiLabel and Regression is set, as the run's task has it.
type Evaluation struct {
	Run  string    // the run's name
	Task data.Task // the run's task
	N    int       // test examples

	Classification *eval.Report           // binary, multi-class and ordinal tasks
	MultiLabel     *eval.MultiLabelReport // multi-label tasks
	Regression     *eval.RegressionReport // regression
}

// Evaluate predicts the test part of the run's own split and evaluates it as the task needs
// (eval.Classify, eval.ClassifyMultiLabel or eval.Regress), with 95% bootstrap intervals:
// the one call from a trained run to its test figures. opts go to the eval function after
// eval.WithCI, so that e.g. eval.WithBootstrap or eval.WithThreshold change the defaults.
// EvaluateOn does the same for other data; to reuse predictions, call Predict and the eval
// function directly.
func (r *Run) Evaluate(opts ...eval.Option) (*Evaluation, error) {
	if r == nil {
		return nil, fmt.Errorf("train: Evaluate on a nil run; open one with train.Open(name) or train one with Fit")
	}
	s := r.Split()
	if s == nil || s.Test == nil || s.Test.Len() == 0 {
		return nil, fmt.Errorf("train: run %q has no test part to evaluate: it was trained on a split without Test; train on data.StratifiedSplit(d, seed, 0.7, 0.15, 0.15) (or another split with a test part), or call run.EvaluateOn(d) with data of your own", r.Name)
	}
	return evaluatePredictor(r.Name, r, s.Test, fmt.Sprintf("its %d test examples", s.Test.Len()), opts)
}

// EvaluateOn is Evaluate on d instead of the run's own test part: the validation part when
// choosing between runs (run.EvaluateOn(run.Split().Val)), or data prepared like the training
// data, e.g. an external test set. d must have the training data's shape and task.
func (r *Run) EvaluateOn(d *data.Dataset, opts ...eval.Option) (*Evaluation, error) {
	if r == nil {
		return nil, fmt.Errorf("train: EvaluateOn on a nil run; open one with train.Open(name) or train one with Fit")
	}
	if d == nil || d.Len() == 0 {
		return nil, fmt.Errorf("train: run %q: EvaluateOn got no examples; pass a data set such as run.Split().Val", r.Name)
	}
	if d.Task != r.Task {
		return nil, fmt.Errorf("train: run %q has task %v, but %s is a %v data set; evaluate it with a run trained for that task", r.Name, r.Task, d.Name, d.Task)
	}
	return evaluatePredictor(r.Name, r, d, fmt.Sprintf("the %d examples of %q", d.Len(), d.Name), opts)
}

// evaluatePredictor has p (the run or ensemble called name) predict d and evaluates the predictions as
// the task needs; what names the examples in errors.
func evaluatePredictor(name string, p Predictor, d *data.Dataset, what string, opts []eval.Option) (*Evaluation, error) {
	pred, err := p.Predict(d)
	if err != nil {
		return nil, err
	}
	who := fmt.Sprintf("run %q", name)
	if _, ok := p.(*Ensemble); ok {
		who = fmt.Sprintf("ensemble %q", name)
	}
	opts = append([]eval.Option{eval.WithCI()}, opts...)
	e := &Evaluation{Run: name, Task: pred.Task, N: d.Len()}
	switch pred.Task {
	case data.Binary, data.MultiClass, data.Ordinal:
		var classes []string // nil: eval names the classes "0", "1", ...
		if len(d.Classes) > 0 {
			classes = d.Classes
		}
		e.Classification, err = eval.Classify(d.Labels(), pred.Probs, classes, opts...)
	case data.MultiLabel:
		e.MultiLabel, err = eval.ClassifyMultiLabel(d.TargetMatrix(), pred.Probs, d.Targets, opts...)
	case data.Regression:
		if d.NumTargets() != 1 {
			return nil, fmt.Errorf("train: %s predicts %d targets; Evaluate covers one regression target: evaluate each with eval.Regress on run.Predict(d).Column(k), or train on one target (data.Dataset.SelectTargets)", who, d.NumTargets())
		}
		truth := make([]float64, d.Len())
		for i := range truth {
			truth[i] = float64(d.Y[i])
		}
		e.Regression, err = eval.Regress(truth, pred.Column(0), opts...)
	default:
		return nil, fmt.Errorf("train: %s has task %v, which Evaluate does not know", who, pred.Task)
	}
	if err != nil {
		return nil, fmt.Errorf("train: evaluating %s on %s: %w", who, what, err)
	}
	return e, nil
}

// taskReport is what the three eval reports have in common.
type taskReport interface {
	Headline() map[string]float64
	String() string
	HTML() string
}

// report returns the evaluation's report and its intervals, or nil when it holds none.
func (e *Evaluation) report() (taskReport, map[string]eval.CI) {
	switch {
	case e.Classification != nil:
		return e.Classification, e.Classification.CI
	case e.MultiLabel != nil:
		return e.MultiLabel, e.MultiLabel.CI
	case e.Regression != nil:
		return e.Regression, e.Regression.CI
	}
	return nil, nil
}

// Headline returns the evaluation's headline metrics (accuracy, auc, ... for classification;
// macro_auc, ... for multi-label; rmse, mae, r2 for regression).
func (e *Evaluation) Headline() map[string]float64 {
	if r, _ := e.report(); r != nil {
		return r.Headline()
	}
	return nil
}

// Metric returns a headline metric by key, or an error that lists the keys there are, so
// that a mistyped key cannot pass for a value of 0.
func (e *Evaluation) Metric(key string) (float64, error) {
	v, ok := e.Headline()[key]
	if !ok {
		return 0, fmt.Errorf("train: the evaluation of run %q has no metric %q; it has %s", e.Run, key, strings.Join(slices.Sorted(maps.Keys(e.Headline())), ", "))
	}
	return v, nil
}

// CI returns a metric's bootstrap interval; ok is false when there is none (a key the
// evaluation lacks, or a metric the bootstrap could not estimate).
func (e *Evaluation) CI(key string) (ci eval.CI, ok bool) {
	_, cis := e.report()
	ci, ok = cis[key]
	return ci, ok && ci.Valid()
}

// String is the evaluation's text report.
func (e *Evaluation) String() string {
	if r, _ := e.report(); r != nil {
		return r.String()
	}
	return "empty evaluation"
}

// HTML is the evaluation's report as an HTML table, for notebooks (display.Evaluation adds
// its plots).
func (e *Evaluation) HTML() string {
	if r, _ := e.report(); r != nil {
		return r.HTML()
	}
	return ""
}
