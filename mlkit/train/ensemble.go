// SPDX-License-Identifier: Apache-2.0

package train

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/medgo-lab/medgo/mlkit/data"
	"github.com/medgo-lab/medgo/mlkit/eval"
)

// Predictor is a trained model that predicts data sets: a *Run, or an *Ensemble of runs.
// explain.TestTimeAugmentation takes either.
type Predictor interface {
	Predict(d *data.Dataset) (*Predictions, error)
}

// Ensemble is trained runs whose predictions are averaged: the mean class probability (soft
// voting) for classification, the mean value for regression. Networks that differ only in
// their seed make different mistakes, so their average is usually better than each alone.
// Make one with Average; it predicts and evaluates like a run.
type Ensemble struct {
	Runs []*Run
}

// Average returns the ensemble of runs. They must share a task, classes and targets, and take
// the same examples; Predict and Evaluate say which run does not.
func Average(runs ...*Run) *Ensemble { return &Ensemble{Runs: slices.Clone(runs)} }

// OpenAverage reopens the named runs (see Open) as one ensemble.
func OpenAverage(names ...string) (*Ensemble, error) {
	e := &Ensemble{}
	for _, name := range names {
		r, err := Open(name)
		if err != nil {
			return nil, err
		}
		e.Runs = append(e.Runs, r)
	}
	return e, e.check()
}

// Name is the members' names joined by " + ".
func (e *Ensemble) Name() string {
	var names []string
	for _, r := range e.Runs {
		if r != nil {
			names = append(names, r.Name)
		}
	}
	return strings.Join(names, " + ")
}

// TrainingTime is the summed training time of the runs.
func (e *Ensemble) TrainingTime() time.Duration { return TrainingTime(e.Runs...) }

// check says what keeps the runs from being averaged.
func (e *Ensemble) check() error {
	if e == nil || len(e.Runs) == 0 {
		return fmt.Errorf("train: an ensemble of no runs; pass the runs to average, e.g. train.Average(run1, run2) or train.OpenAverage(name1, name2)")
	}
	first := e.Runs[0]
	for k, r := range e.Runs {
		switch {
		case r == nil:
			return fmt.Errorf("train: run %d of the ensemble is nil; open it with train.Open(name) or train it with Fit", k+1)
		case r.Task != first.Task:
			return fmt.Errorf("train: ensemble: run %q has task %v but run %q has task %v; average runs trained for the same task", r.Name, r.Task, first.Name, first.Task)
		case !slices.Equal(r.Classes, first.Classes) || !slices.Equal(r.Targets, first.Targets):
			return fmt.Errorf("train: ensemble: run %q predicts %s but run %q predicts %s; average runs trained on the same classes or targets, in the same order", r.Name, outputNames(r), first.Name, outputNames(first))
		}
	}
	return nil
}

// outputNames names what a run predicts, for messages.
func outputNames(r *Run) string {
	if len(r.Targets) > 0 {
		return fmt.Sprintf("targets %v", r.Targets)
	}
	return fmt.Sprintf("classes %v", r.Classes)
}

// Predict runs every member on d and returns the mean of their probabilities (or values).
func (e *Ensemble) Predict(d *data.Dataset) (*Predictions, error) {
	if err := e.check(); err != nil {
		return nil, err
	}
	var mean *Predictions
	n := float64(len(e.Runs))
	for _, r := range e.Runs {
		p, err := r.Predict(d)
		if err != nil {
			return nil, fmt.Errorf("train: ensemble %s: %w", e.Name(), err)
		}
		if mean == nil {
			mean = &Predictions{Task: p.Task, Classes: p.Classes, Probs: zerosLike(p.Probs), Values: zerosLike(p.Values)}
		}
		for _, pair := range [][2][][]float64{{mean.Probs, p.Probs}, {mean.Values, p.Values}} {
			for i, row := range pair[1] {
				for k, v := range row {
					pair[0][i][k] += v / n
				}
			}
		}
	}
	return mean, nil
}

// zerosLike returns rows of zeros shaped like rows (nil for nil).
func zerosLike(rows [][]float64) [][]float64 {
	if rows == nil {
		return nil
	}
	out := make([][]float64, len(rows))
	for i, row := range rows {
		out[i] = make([]float64, len(row))
	}
	return out
}

// Evaluate predicts the members' shared test part and evaluates the averaged predictions as
// Run.Evaluate does. The runs must have been trained on splits with the same test examples;
// otherwise call EvaluateOn with the data to evaluate.
func (e *Ensemble) Evaluate(opts ...eval.Option) (*Evaluation, error) {
	if err := e.check(); err != nil {
		return nil, err
	}
	first := e.Runs[0].Split()
	if first == nil || first.Test == nil || first.Test.Len() == 0 {
		return nil, fmt.Errorf("train: ensemble %s: run %q has no test part to evaluate; call EvaluateOn(d) with data of your own", e.Name(), e.Runs[0].Name)
	}
	for _, r := range e.Runs[1:] {
		if s := r.Split(); s == nil || !sameExamples(s.Test, first.Test) {
			return nil, fmt.Errorf("train: ensemble %s: runs %q and %q were tested on different examples, so the ensemble has no one test part; call EvaluateOn(d) with the data to evaluate", e.Name(), e.Runs[0].Name, r.Name)
		}
	}
	return e.EvaluateOn(first.Test, opts...)
}

// sameExamples reports whether a and b hold the same examples and targets.
func sameExamples(a, b *data.Dataset) bool {
	return a != nil && b != nil && slices.Equal(a.Shape, b.Shape) &&
		slices.Equal(a.X, b.X) && slices.Equal(a.Y, b.Y) && slices.Equal(a.Mask, b.Mask)
}

// EvaluateOn evaluates the averaged predictions on d, as Run.EvaluateOn does.
func (e *Ensemble) EvaluateOn(d *data.Dataset, opts ...eval.Option) (*Evaluation, error) {
	if err := e.check(); err != nil {
		return nil, err
	}
	if d == nil || d.Len() == 0 {
		return nil, fmt.Errorf("train: ensemble %s: EvaluateOn got no examples; pass a data set such as run.Split().Val", e.Name())
	}
	if first := e.Runs[0]; d.Task != first.Task {
		return nil, fmt.Errorf("train: ensemble %s has task %v, but %s is a %v data set; evaluate it with runs trained for that task", e.Name(), first.Task, d.Name, d.Task)
	}
	return evaluatePredictor(e.Name(), e, d, fmt.Sprintf("the %d examples of %q", d.Len(), d.Name), opts)
}
