// SPDX-License-Identifier: Apache-2.0

package eval

import (
	"fmt"
	"math"
)

// Option changes how Classify or Regress evaluate.
type Option func(*options)

type options struct {
	bootstrap  *BootstrapConfig
	threshold  float64 // NaN: default 0.5
	targetSens float64 // 0: none
	bins       int
	positive   string // WithPositive: the class to treat as positive; "" for class 1
}

func newOptions(opts []Option) options {
	o := options{threshold: math.NaN(), bins: 10}
	for _, opt := range opts {
		if opt != nil {
			opt(&o)
		}
	}
	return o
}

// WithCI adds 95% percentile-bootstrap confidence intervals from 1000 resamples
// (seed 0) to every headline metric.
func WithCI() Option {
	return func(o *options) { o.bootstrap = &BootstrapConfig{} }
}

// WithBootstrap adds bootstrap confidence intervals configured by cfg (resamples,
// level, seed, strata).
func WithBootstrap(cfg BootstrapConfig) Option {
	return func(o *options) { o.bootstrap = &cfg }
}

// WithThreshold sets the decision threshold of a binary classifier: an example is
// predicted positive when the probability of class 1 is >= t. The default is 0.5.
func WithThreshold(t float64) Option {
	return func(o *options) { o.threshold = t }
}

// WithTargetSensitivity chooses the binary decision threshold from the data: the highest
// threshold whose sensitivity reaches s (see ThresholdForSensitivity). Confidence
// intervals are then conditional on that threshold.
func WithTargetSensitivity(s float64) Option {
	return func(o *options) { o.targetSens = s }
}

// WithPositive names the class a binary report treats as positive: the class whose
// probability is scored (AUC, calibration, the threshold) and whose cases sensitivity counts.
// By default that is class 1; when a data set's class 1 is the healthy one (BreastMNIST's
// "normal, benign", ECG200's "normal"), WithPositive("malignant") turns the report around
// without relabelling the data or retraining: the report then lists that class second. An
// unknown name, or a task with more than two classes, is an error.
func WithPositive(class string) Option {
	return func(o *options) { o.positive = class }
}

// WithBins sets the number of equal-width calibration bins (default 10). Classify
// rejects counts outside 1..MaxBins.
func WithBins(n int) Option {
	return func(o *options) { o.bins = n }
}

func (o options) check(binary bool) error {
	if err := checkBins(o.bins); err != nil {
		return err
	}
	if !binary && o.positive != "" {
		return fmt.Errorf("eval: WithPositive(%q) applies to binary classification only; a multi-class report covers every class", o.positive)
	}
	if !binary && (!math.IsNaN(o.threshold) || o.targetSens != 0) {
		return fmt.Errorf("eval: WithThreshold and WithTargetSensitivity apply to binary classification only; multi-class predictions use the most probable class")
	}
	if !math.IsNaN(o.threshold) && o.targetSens != 0 {
		return fmt.Errorf("eval: both WithThreshold and WithTargetSensitivity given; pass only one of them")
	}
	if o.targetSens != 0 {
		return checkTarget("sensitivity", o.targetSens)
	}
	if math.IsInf(o.threshold, 0) {
		return fmt.Errorf("eval: threshold %v is not finite; pass e.g. 0.5", o.threshold)
	}
	return nil
}
