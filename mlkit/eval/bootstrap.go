// SPDX-License-Identifier: Apache-2.0

package eval

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"
)

// DefaultResamples is the number of bootstrap resamples used when none is given.
const DefaultResamples = 1000

// BootstrapConfig configures bootstrap confidence intervals. The zero value means 1000
// resamples, a 95% interval and seed 0.
type BootstrapConfig struct {
	Resamples int     // number of resamples, at most MaxResamples; 0 means DefaultResamples
	Level     float64 // confidence level in (0, 1); 0 means 0.95
	Seed      uint64  // resample r draws from a PCG generator seeded with (Seed, r)

	// Strata, when set, holds one stratum (e.g. the class label) per example; examples
	// are then resampled within their stratum, which keeps the class counts fixed and
	// avoids resamples without positives.
	Strata []int
}

func (c BootstrapConfig) withDefaults() (BootstrapConfig, error) {
	if c.Resamples == 0 {
		c.Resamples = DefaultResamples
	}
	if c.Level == 0 {
		c.Level = 0.95
	}
	// Checked before results are sized by it: a huge count would be a fatal allocation.
	if c.Resamples < 2 || c.Resamples > MaxResamples {
		return c, fmt.Errorf("eval: BootstrapConfig.Resamples is %d: it must be in 2..%d (MaxResamples), or 0 for the default; 1000 is usual", c.Resamples, MaxResamples)
	}
	if !(c.Level > 0 && c.Level < 1) {
		return c, fmt.Errorf("eval: confidence level %v is not in (0, 1); use e.g. 0.95", c.Level)
	}
	return c, nil
}

// CI is a percentile-bootstrap confidence interval around a metric.
type CI struct {
	Estimate  float64 // the metric on all examples
	Lower     float64
	Upper     float64
	Level     float64 // e.g. 0.95
	Resamples int     // resamples that gave a defined value
	Skipped   int     // resamples where the metric was undefined (error or NaN)
}

// Valid reports whether c is an interval that was computed, with a level in (0, 1). The zero
// CI, which a map lookup of a missing or mistyped key returns, is not.
func (c CI) Valid() bool { return c.Level > 0 && c.Level < 1 }

// String formats the interval as "0.812 (95% CI 0.771–0.850)". An invalid CI says so instead
// of printing zeros that look like figures.
func (c CI) String() string {
	if !c.Valid() {
		return "no interval (this CI is empty: its metric key is missing from the report's CI map, or the report was built without eval.WithCI)"
	}
	return fmt.Sprintf("%s (%g%% CI %s–%s)", fmtFloat(c.Estimate), c.Level*100, fmtFloat(c.Lower), fmtFloat(c.Upper))
}

// resample draws the indices of resample r.
func resample(n, r int, cfg BootstrapConfig, strata [][]int) []int {
	rng := rand.New(rand.NewPCG(cfg.Seed, uint64(r)))
	idx := make([]int, 0, n)
	if strata == nil {
		for range n {
			idx = append(idx, rng.IntN(n))
		}
		return idx
	}
	for _, members := range strata {
		for range members {
			idx = append(idx, members[rng.IntN(len(members))])
		}
	}
	return idx
}

func groupStrata(n int, s []int) ([][]int, error) {
	if s == nil {
		return nil, nil
	}
	if len(s) != n {
		return nil, fmt.Errorf("eval: bootstrap strata has %d entries but there are %d examples; pass one stratum per example", len(s), n)
	}
	keys := map[int]int{}
	var groups [][]int
	for i, v := range s {
		g, ok := keys[v]
		if !ok {
			g = len(groups)
			keys[v] = g
			groups = append(groups, nil)
		}
		groups[g] = append(groups[g], i)
	}
	return groups, nil
}

// quantile returns the q-quantile of sorted values with linear interpolation.
func quantile(sorted []float64, q float64) float64 {
	pos := q * float64(len(sorted)-1)
	lo := int(math.Floor(pos))
	hi := min(lo+1, len(sorted)-1)
	frac := pos - float64(lo)
	return sorted[lo] + frac*(sorted[hi]-sorted[lo])
}

// BootstrapMetrics computes percentile-bootstrap confidence intervals for several
// metrics at once. metrics gets the example indices of one resample (drawn with
// replacement from 0..n-1) and returns named values; it is called concurrently, so it
// must not modify shared state. A metric that is NaN or errs on a resample skips that
// resample; if more than half of the resamples are skipped for a metric, BootstrapMetrics
// fails with an error naming it. n must be in 1..100,000,000: every concurrent resample
// holds n indices, so a wrong n is an error rather than an out-of-memory crash.
func BootstrapMetrics(n int, metrics func(idx []int) (map[string]float64, error), cfg BootstrapConfig) (map[string]CI, error) {
	if n <= 0 {
		return nil, fmt.Errorf("%w: bootstrap over %d examples; pass at least one example", ErrEmpty, n)
	}
	if n > maxBootstrapN {
		return nil, fmt.Errorf("eval: bootstrap over n = %d examples, more than %d: each resample would allocate n indices; pass the number of examples (len of your labels)", n, maxBootstrapN)
	}
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	strata, err := groupStrata(n, cfg.Strata)
	if err != nil {
		return nil, err
	}
	all := make([]int, n)
	for i := range all {
		all[i] = i
	}
	est, err := metrics(all)
	if err != nil {
		return nil, fmt.Errorf("eval: metric on all examples: %w", err)
	}

	results := make([]map[string]float64, cfg.Resamples)
	errs := make([]error, cfg.Resamples)
	var wg sync.WaitGroup
	workers := min(runtime.GOMAXPROCS(0), cfg.Resamples)
	next := make(chan int)
	for range workers {
		wg.Go(func() {
			for r := range next {
				results[r], errs[r] = metrics(resample(n, r, cfg, strata))
			}
		})
	}
	for r := range cfg.Resamples {
		next <- r
	}
	close(next)
	wg.Wait()

	out := make(map[string]CI, len(est))
	for name, e := range est {
		vals := make([]float64, 0, cfg.Resamples)
		var lastErr error
		for r := range cfg.Resamples {
			if errs[r] != nil {
				lastErr = errs[r]
				continue
			}
			if v, ok := results[r][name]; ok && !math.IsNaN(v) {
				vals = append(vals, v)
			}
		}
		skipped := cfg.Resamples - len(vals)
		if 2*skipped > cfg.Resamples {
			detail := ""
			if lastErr != nil {
				detail = fmt.Sprintf(" (last error: %v)", lastErr)
			}
			return nil, fmt.Errorf("%w: bootstrap of %q: undefined on %d of %d resamples%s; use more data, or resample within classes with BootstrapConfig.Strata",
				ErrUndefined, name, skipped, cfg.Resamples, detail)
		}
		slices.Sort(vals)
		alpha := (1 - cfg.Level) / 2
		out[name] = CI{
			Estimate:  e,
			Lower:     quantile(vals, alpha),
			Upper:     quantile(vals, 1-alpha),
			Level:     cfg.Level,
			Resamples: len(vals),
			Skipped:   skipped,
		}
	}
	return out, nil
}

// Bootstrap computes a percentile-bootstrap confidence interval for any metric. metric
// gets the example indices of one resample (drawn with replacement from 0..n-1); it is
// called concurrently and must not modify shared state. Resamples where the metric errs
// or is NaN are skipped (counted in CI.Skipped); more than half skipped is an error.
// n and cfg.Resamples are bounded as in BootstrapMetrics.
func Bootstrap(n int, metric func(idx []int) (float64, error), cfg BootstrapConfig) (CI, error) {
	const key = "metric"
	cis, err := BootstrapMetrics(n, func(idx []int) (map[string]float64, error) {
		v, err := metric(idx)
		if err != nil {
			return nil, err
		}
		return map[string]float64{key: v}, nil
	}, cfg)
	if err != nil {
		return CI{}, err
	}
	return cis[key], nil
}

// BootstrapScores is Bootstrap for metrics of labels and scores, such as AUC,
// AveragePrecision or Brier:
//
//	ci, err := eval.BootstrapScores(labels, scores, eval.AUC, eval.BootstrapConfig{})
func BootstrapScores(labels []int, scores []float64, metric func(labels []int, scores []float64) (float64, error), cfg BootstrapConfig) (CI, error) {
	if err := checkLen("labels", len(labels), "scores", len(scores)); err != nil {
		return CI{}, err
	}
	return Bootstrap(len(labels), func(idx []int) (float64, error) {
		l, s := make([]int, len(idx)), make([]float64, len(idx))
		for i, j := range idx {
			l[i], s[i] = labels[j], scores[j]
		}
		return metric(l, s)
	}, cfg)
}

// BootstrapPredictions is Bootstrap for metrics of labels and predicted classes, such as
// Accuracy, BalancedAccuracy or QuadraticWeightedKappa.
func BootstrapPredictions(labels, preds []int, metric func(labels, preds []int) (float64, error), cfg BootstrapConfig) (CI, error) {
	if err := checkLen("labels", len(labels), "predictions", len(preds)); err != nil {
		return CI{}, err
	}
	return Bootstrap(len(labels), func(idx []int) (float64, error) {
		l, p := make([]int, len(idx)), make([]int, len(idx))
		for i, j := range idx {
			l[i], p[i] = labels[j], preds[j]
		}
		return metric(l, p)
	}, cfg)
}

// BootstrapRegression is Bootstrap for regression metrics such as RMSE, MAE or R2.
func BootstrapRegression(truth, pred []float64, metric func(truth, pred []float64) (float64, error), cfg BootstrapConfig) (CI, error) {
	if err := checkLen("truth values", len(truth), "predictions", len(pred)); err != nil {
		return CI{}, err
	}
	return Bootstrap(len(truth), func(idx []int) (float64, error) {
		t, p := make([]float64, len(idx)), make([]float64, len(idx))
		for i, j := range idx {
			t[i], p[i] = truth[j], pred[j]
		}
		return metric(t, p)
	}, cfg)
}
