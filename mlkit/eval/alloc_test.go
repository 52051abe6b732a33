// SPDX-License-Identifier: Apache-2.0

package eval

import (
	"math"
	"strings"
	"testing"
)

// These tests feed user-controlled numbers (labels, class counts, bins, resample counts)
// that once sized allocations or indexed arrays directly: raw codes such as 100000, huge
// values such as 1<<40 and negative labels must give an error naming the value and
// where it is, never a panic or an out-of-memory crash.

const huge = 1 << 40 // 1099511627776: a k×k or bins-sized allocation of this is fatal

type rejectCase struct {
	name string
	call func() error
	want []string // substrings the error message must contain
}

func runRejectCases(t *testing.T, cases []rejectCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var err error
			func() {
				defer func() {
					if r := recover(); r != nil {
						t.Fatalf("panicked instead of returning an error: %v", r)
					}
				}()
				err = tc.call()
			}()
			if err == nil {
				t.Fatalf("no error; want one mentioning %q", tc.want)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
		})
	}
}

func TestNewConfusionMatrixRejectsBadLabels(t *testing.T) {
	// Valid input keeps working: classes are inferred from sparse labels when nil.
	if cm, err := NewConfusionMatrix([]int{0, 50}, []int{0, 3}, nil); err != nil || cm.NumClasses() != 51 {
		t.Fatalf("sparse labels: %v classes, %v; want 51 classes", cm.NumClasses(), err)
	}
	ab := []string{"a", "b"}
	cm := func(labels, preds []int, classes []string) func() error {
		return func() error { _, err := NewConfusionMatrix(labels, preds, classes); return err }
	}
	runRejectCases(t, []rejectCase{
		{"label 100000", cm([]int{0, 1, 0, 100000}, []int{0, 1, 1, 0}, nil), []string{"label 100000", "index 3", "0..9999", "MaxClasses", "map raw codes"}},
		{"label 1<<40", cm([]int{0, huge}, []int{0, 1}, nil), []string{"label 1099511627776", "index 1"}},
		{"negative label", cm([]int{0, 1, -1}, []int{0, 1, 1}, nil), []string{"label -1", "index 2", "map raw codes"}},
		{"label >= len(classes)", cm([]int{0, 1, 2}, []int{0, 1, 1}, ab), []string{"label 2", "index 2", "0..1", "2 names given"}},
		{"label 1<<40 with classes", cm([]int{huge}, []int{0}, ab), []string{"label 1099511627776", "index 0", "0..1"}},
		{"prediction 100000", cm([]int{0, 1}, []int{100000, 1}, nil), []string{"prediction 100000", "index 0", "0..9999"}},
		{"negative prediction", cm([]int{0, 1}, []int{0, -7}, ab), []string{"prediction -7", "index 1"}},
		{"too many class names", cm([]int{0}, []int{0}, make([]string, MaxClasses+1)), []string{"10001 class names", "MaxClasses"}},
		{"mismatched lengths", cm([]int{0, 1}, []int{0}, nil), []string{"2 labels", "1 predictions"}},
		{"empty", cm(nil, nil, nil), []string{"labels is empty"}},
	})
}

func TestBalancedAccuracyRejectsBadLabels(t *testing.T) {
	ba := func(labels, preds []int) func() error {
		return func() error { _, err := BalancedAccuracy(labels, preds); return err }
	}
	runRejectCases(t, []rejectCase{
		{"label 100000", ba([]int{0, 1, 0, 100000}, []int{0, 1, 1, 0}), []string{"label 100000", "index 3", "0..9999"}},
		{"label 1<<40", ba([]int{huge, 0}, []int{0, 1}), []string{"label 1099511627776", "index 0"}},
		{"negative label", ba([]int{0, -1}, []int{0, 1}), []string{"label -1", "index 1"}},
		{"prediction 1<<40", ba([]int{0, 1}, []int{0, huge}), []string{"prediction 1099511627776", "index 1"}},
		{"mismatched lengths", ba([]int{0, 1, 1}, []int{0}), []string{"3 labels", "1 predictions"}},
		{"empty", ba([]int{}, []int{}), []string{"labels is empty"}},
	})
}

func TestCohenKappaRejectsBadGrades(t *testing.T) {
	kappa := func(a, b []int) func() error {
		return func() error { _, err := CohenKappa(a, b, Quadratic); return err }
	}
	runRejectCases(t, []rejectCase{
		{"grade 100000", kappa([]int{0, 1, 2, 100000}, []int{0, 1, 2, 3}), []string{"grade 100000", "rater 1", "index 3", "0..9999", "MaxClasses"}},
		{"grade 1<<40", kappa([]int{0, 1}, []int{huge, 1}), []string{"grade 1099511627776", "rater 2", "index 0"}},
		{"grade MaxClasses", kappa([]int{0, MaxClasses}, []int{0, 1}), []string{"grade 10000", "index 1"}},
		{"negative grade", kappa([]int{0, 1}, []int{0, -1}), []string{"grade -1", "rater 2", "index 1", "map raw codes"}},
		{"QuadraticWeightedKappa 100000", func() error { _, err := QuadraticWeightedKappa([]int{100000}, []int{0}); return err }, []string{"grade 100000", "index 0"}},
		{"mismatched lengths", kappa([]int{0, 1}, []int{0}), []string{"2 ratings of rater 1", "1 ratings of rater 2"}},
		{"empty", kappa(nil, nil), []string{"is empty"}},
	})
}

func TestClassifyRejectsBadInput(t *testing.T) {
	two := [][]float64{{.8, .2}, {.3, .7}}
	cl := func(labels []int, probs [][]float64, classes []string, opts ...Option) func() error {
		return func() error { _, err := Classify(labels, probs, classes, opts...); return err }
	}
	wide := [][]float64{make([]float64, MaxClasses+1)}
	wide[0][0] = 1
	runRejectCases(t, []rejectCase{
		{"label 100000", cl([]int{0, 100000}, two, nil), []string{"label 100000", "index 1", "0..1", "map raw codes"}},
		{"label 1<<40", cl([]int{huge, 0}, two, nil), []string{"label 1099511627776", "index 0"}},
		{"negative label", cl([]int{0, -1}, two, nil), []string{"label -1", "index 1"}},
		{"label >= columns", cl([]int{0, 2}, two, []string{"neg", "pos"}), []string{"label 2", "index 1", "2 columns"}},
		{"more columns than MaxClasses", cl([]int{0}, wide, nil), []string{"10001 columns", "MaxClasses"}},
		{"bins 1<<40", cl([]int{0, 1}, two, nil, WithBins(huge)), []string{"bins is 1099511627776", "MaxBins"}},
		{"negative bins", cl([]int{0, 1}, two, nil, WithBins(-3)), []string{"bins is -3"}},
		{"resamples 1<<40", cl([]int{0, 1}, two, nil, WithBootstrap(BootstrapConfig{Resamples: huge})), []string{"Resamples is 1099511627776", "MaxResamples"}},
		{"NaN probability", cl([]int{0, 1}, [][]float64{{.5, .5}, {math.NaN(), .5}}, nil), []string{"[1][0]", "NaN"}},
		{"mismatched lengths", cl([]int{0, 1, 1}, two, nil), []string{"3 labels", "2 probability rows"}},
		{"empty", cl(nil, nil, nil), []string{"labels is empty"}},
		{"binary label 100000", func() error { _, err := ClassifyBinary([]int{0, 0, 100000}, []float64{.1, .2, .3}, nil); return err }, []string{"label 100000", "index 2"}},
		{"binary NaN", func() error { _, err := ClassifyBinary([]int{0, 1}, []float64{.1, math.NaN()}, nil); return err }, []string{"index 1", "NaN"}},
	})
}

func TestMultiClassRejectsBadLabels(t *testing.T) {
	three := [][]float64{{.6, .3, .1}, {.2, .7, .1}, {.1, .1, .8}}
	fns := map[string]func([]int, [][]float64) (float64, error){
		"MacroAUC":              MacroAUC,
		"MacroAveragePrecision": MacroAveragePrecision,
		"MultiClassBrier":       MultiClassBrier,
	}
	for name, f := range fns {
		t.Run(name, func(t *testing.T) {
			call := func(labels []int) func() error {
				return func() error { _, err := f(labels, three); return err }
			}
			runRejectCases(t, []rejectCase{
				{"label 100000", call([]int{0, 1, 100000}), []string{"label 100000", "index 2", "0..2", "map raw codes"}},
				{"label 1<<40", call([]int{huge, 1, 2}), []string{"label 1099511627776", "index 0"}},
				{"negative label", call([]int{0, -1, 2}), []string{"label -1", "index 1"}},
				{"label = columns", call([]int{0, 3, 2}), []string{"label 3", "index 1", "3 columns"}},
				{"mismatched lengths", call([]int{0, 1}), []string{"2 labels", "3 probability rows"}},
			})
		})
	}
}

func TestCalibrationRejectsBadInput(t *testing.T) {
	labels, probs := []int{0, 1, 1}, []float64{.2, .7, .9}
	three := [][]float64{{.6, .3, .1}, {.2, .7, .1}, {.1, .1, .8}}
	rel := func(labels []int, probs []float64, bins int) func() error {
		return func() error { _, err := Reliability(labels, probs, bins); return err }
	}
	top := func(labels []int, probs [][]float64, bins int) func() error {
		return func() error { _, err := TopLabelReliability(labels, probs, bins); return err }
	}
	runRejectCases(t, []rejectCase{
		{"Reliability bins 1<<40", rel(labels, probs, huge), []string{"bins is 1099511627776", "1..1000"}},
		{"Reliability bins MaxBins+1", rel(labels, probs, MaxBins+1), []string{"bins is 1001"}},
		{"Reliability NaN probability", rel(labels, []float64{.2, math.NaN(), .9}, 10), []string{"index 1", "NaN"}},
		{"Reliability label 100000", rel([]int{0, 100000, 1}, probs, 10), []string{"label 100000", "index 1"}},
		{"Reliability mismatched lengths", rel(labels, probs[:2], 10), []string{"3 labels", "2 scores"}},
		{"Reliability empty", rel(nil, nil, 10), []string{"labels is empty"}},
		{"ECE bins 1<<40", func() error { _, err := ECE(labels, probs, huge); return err }, []string{"bins is 1099511627776"}},
		{"TopLabel bins 1<<40", top([]int{0, 1, 2}, three, huge), []string{"bins is 1099511627776"}},
		{"TopLabel label 100000", top([]int{0, 1, 100000}, three, 10), []string{"label 100000", "index 2", "map raw codes"}},
		{"TopLabel label 1<<40", top([]int{0, huge, 2}, three, 10), []string{"label 1099511627776", "index 1"}},
		{"TopLabel negative label", top([]int{-2, 1, 2}, three, 10), []string{"label -2", "index 0"}},
		{"TopLabel NaN", top([]int{0, 1, 2}, [][]float64{{.6, .3, .1}, {.2, .7, .1}, {.1, math.NaN(), .8}}, 10), []string{"[2][1]", "NaN"}},
	})
}

func TestBootstrapRejectsBadCounts(t *testing.T) {
	constant := func([]int) (float64, error) { return 1, nil }
	labels, preds := []int{0, 1, 2, 100000}, []int{0, 1, 2, 2}
	runRejectCases(t, []rejectCase{
		{"n 1<<40", func() error { _, err := Bootstrap(huge, constant, BootstrapConfig{}); return err }, []string{"n = 1099511627776"}},
		{"BootstrapMetrics n 1<<40", func() error {
			_, err := BootstrapMetrics(huge, func([]int) (map[string]float64, error) { return nil, nil }, BootstrapConfig{})
			return err
		}, []string{"n = 1099511627776"}},
		{"resamples 1<<40", func() error { _, err := Bootstrap(10, constant, BootstrapConfig{Resamples: huge}); return err }, []string{"Resamples is 1099511627776", "2..100000"}},
		{"resamples MaxResamples+1", func() error {
			_, err := Bootstrap(10, constant, BootstrapConfig{Resamples: MaxResamples + 1})
			return err
		}, []string{"Resamples is 100001"}},
		{"negative resamples", func() error { _, err := Bootstrap(10, constant, BootstrapConfig{Resamples: -5}); return err }, []string{"Resamples is -5"}},
		{"kappa grade 100000", func() error {
			_, err := BootstrapPredictions(labels, preds, QuadraticWeightedKappa, BootstrapConfig{Resamples: 10})
			return err
		}, []string{"grade 100000", "index 3"}},
		{"balanced accuracy label 1<<40", func() error {
			_, err := BootstrapPredictions([]int{0, huge}, []int{0, 1}, BalancedAccuracy, BootstrapConfig{Resamples: 10})
			return err
		}, []string{"label 1099511627776", "index 1"}},
		{"NaN score", func() error {
			_, err := BootstrapScores([]int{0, 1}, []float64{.1, math.NaN()}, AUC, BootstrapConfig{Resamples: 10})
			return err
		}, []string{"index 1", "NaN"}},
		{"mismatched lengths", func() error {
			_, err := BootstrapPredictions([]int{0, 1}, []int{0}, Accuracy, BootstrapConfig{})
			return err
		}, []string{"2 labels", "1 predictions"}},
		{"empty", func() error { _, err := BootstrapScores(nil, nil, AUC, BootstrapConfig{}); return err }, []string{"labels is empty"}},
	})
}

func TestConfusionMatrixAccessorsPanicClearly(t *testing.T) {
	// The per-class accessors return plain values, so a bad class index panics; the panic
	// must say which index and what range is valid, not just "index out of range".
	cm, err := NewConfusionMatrix([]int{0, 1, 2}, []int{0, 1, 1}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for name, f := range map[string]func(){
		"TP(5)":          func() { cm.TP(5) },
		"Support(-1)":    func() { cm.Support(-1) },
		"FP(3)":          func() { cm.FP(3) },
		"FN(1<<40)":      func() { cm.FN(huge) },
		"Precision(7)":   func() { cm.Precision(7) },
		"Specificity(3)": func() { cm.Specificity(3) },
	} {
		t.Run(name, func(t *testing.T) {
			defer func() {
				r := recover()
				msg, _ := r.(string)
				if !strings.Contains(msg, "eval: class") || !strings.Contains(msg, "has 3 classes, 0..2") {
					t.Errorf("panic %v; want a message naming the class and the range 0..2", r)
				}
			}()
			f()
		})
	}
}
