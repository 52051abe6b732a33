// SPDX-License-Identifier: Apache-2.0

package train

import (
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/medgo-lab/medgo/mlkit/data"
	"github.com/medgo-lab/medgo/mlkit/models"
)

func cvFolds(t *testing.T, d *data.Dataset, k int, seed int64) []data.Fold {
	t.Helper()
	b := data.Folds(d, k).Seed(seed)
	if d.Task.IsClassification() {
		b = b.Stratified()
	}
	folds, err := b.Done()
	if err != nil {
		t.Fatal(err)
	}
	return folds
}

func fiveEpochs(c *Config) *Config { return c.Epochs(5).Adam(0.05).BatchSize(16) }

// countingCV builds a cross-validation that counts the epochs each run trains.
func countingCV(c *CVConfig) (*CrossValidator, map[string]int) {
	cv := c.Quiet().Done()
	trained := map[string]int{}
	cv.onEpoch = func(run string, _ *History) { trained[filepath.Base(run)]++ }
	return cv, trained
}

func total(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

func checkCVResult(t *testing.T, res *CVResult, n, k int) {
	t.Helper()
	if len(res.Folds) != k {
		t.Fatalf("%d folds, want %d", len(res.Folds), k)
	}
	seen := make([]int, n)
	repeats := 0
	for _, f := range res.Folds {
		repeats = max(repeats, f.Repeat+1)
		for _, i := range f.Test {
			seen[i]++
		}
		for key, v := range f.Metrics {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				t.Errorf("%s: %s = %v", f.Run, key, v)
			}
		}
	}
	for i, c := range seen {
		if c != repeats {
			t.Fatalf("example %d is held out %d times in %d repeats", i, c, repeats)
		}
	}
	rows := res.OutOfFold.Probs
	if res.Task == data.Regression {
		rows = res.OutOfFold.Values
	}
	if len(rows) != n {
		t.Fatalf("%d out-of-fold predictions for %d examples", len(rows), n)
	}
	for i, row := range rows {
		for _, v := range row {
			if math.IsNaN(v) {
				t.Fatalf("out-of-fold prediction %d is NaN", i)
			}
		}
	}
}

func TestCrossValidateOutOfFoldReopenAndOpen(t *testing.T) {
	dir := t.TempDir()
	d := synthetic(90, 3)
	folds := cvFolds(t, d, 3, 1)
	build := func() *CVConfig {
		return CrossValidate("syn-cv", models.Linear().Done(), folds).Configure(fiveEpochs).Dir(dir)
	}
	cv, trained := countingCV(build())
	res, err := cv.Fit(d)
	if err != nil {
		t.Fatal(err)
	}
	checkCVResult(t, res, d.Len(), 3)
	if trained["fold-1"] != 5 || trained["fold-2"] != 5 || trained["fold-3"] != 5 {
		t.Errorf("epochs trained per fold: %v, want 5 each", trained)
	}
	for k := 1; k <= 3; k++ {
		for _, f := range []string{modelFile, historyFile, bestFile, dataFile} {
			if _, err := os.Stat(filepath.Join(dir, "syn-cv", fmt.Sprintf("fold-%d", k), f)); err != nil {
				t.Errorf("fold run file missing: %v", err)
			}
		}
	}
	h := res.Headline()
	t.Logf("mean AUC %.3f ± %.3f, pooled %.3f [%.3f, %.3f]", h["auc"], h["auc_sd"], h["pooled_auc"], h["pooled_auc_lower"], h["pooled_auc_upper"])
	if h["auc"] < 0.85 || h["accuracy"] < 0.7 || h["pooled_auc"] < 0.85 {
		t.Errorf("not above chance: %v", h)
	}
	if !(h["pooled_auc_lower"] <= h["pooled_auc"] && h["pooled_auc"] <= h["pooled_auc_upper"]) || math.IsNaN(h["auc_sd"]) {
		t.Errorf("pooled CI or SD undefined: %v", h)
	}
	// Each fold's held-out part is its run's Test part, never its Val part.
	run, err := Open(res.Folds[0].Run)
	if err != nil {
		t.Fatal(err)
	}
	if run.Split().Test.Len() != len(res.Folds[0].Test) || run.Split().Val.Len() == 0 ||
		run.Split().Train.Len()+run.Split().Val.Len() != d.Len()-len(res.Folds[0].Test) {
		t.Errorf("fold 1 split: train %d, val %d, test %d", run.Split().Train.Len(), run.Split().Val.Len(), run.Split().Test.Len())
	}

	// Running the cell again reopens every fold: nothing trained, no run file rewritten.
	before := map[string]map[string][]byte{}
	for _, f := range res.Folds {
		before[f.Run] = snapshot(t, f.Run)
	}
	cv, trained = countingCV(build())
	again, err := cv.Fit(d)
	if err != nil {
		t.Fatal(err)
	}
	if total(trained) != 0 {
		t.Errorf("reopening trained %v", trained)
	}
	for _, f := range res.Folds {
		sameFiles(t, f.Run, snapshot(t, f.Run), before[f.Run])
	}
	if again.Headline()["pooled_auc"] != h["pooled_auc"] {
		t.Errorf("reopened pooled AUC %v, first %v", again.Headline()["pooled_auc"], h["pooled_auc"])
	}

	// A later cell: OpenCV by name reads the record alone.
	t.Setenv("MEDGO_RUNS", dir)
	opened, err := OpenCV("syn-cv")
	if err != nil {
		t.Fatal(err)
	}
	checkCVResult(t, opened, d.Len(), 3)
	for i := range opened.OutOfFold.Probs {
		if math.Abs(opened.OutOfFold.Probs[i][1]-res.OutOfFold.Probs[i][1]) > 1e-12 {
			t.Fatalf("OpenCV prediction %d: %v, Fit gave %v", i, opened.OutOfFold.Probs[i], res.OutOfFold.Probs[i])
		}
	}
	s, html := opened.String(), opened.HTML()
	for _, want := range []string{"fold-1", "fold-3", "AUC", "mean ± SD", "95% CI"} {
		if !strings.Contains(s, want) || !strings.Contains(html, want) {
			t.Errorf("String/HTML lack %q:\n%s", want, s)
		}
	}
	t.Log("\n" + s)

	// Other folds under the same name are refused before anything is touched.
	_, err = CrossValidate("syn-cv", models.Linear().Done(), cvFolds(t, d, 3, 2)).Configure(fiveEpochs).Dir(dir).Quiet().Done().Fit(d)
	if !errors.Is(err, ErrRunChanged) {
		t.Errorf("other folds: got %v, want ErrRunChanged", err)
	}
	if _, err := OpenCV(filepath.Join(dir, "nothing")); err == nil {
		t.Error("OpenCV of a missing cross-validation succeeded")
	}
}

func TestCrossValidateResumesInterruptedFold(t *testing.T) {
	d := synthetic(90, 4)
	folds := cvFolds(t, d, 3, 1)
	dir := t.TempDir()
	build := func(dir string) *CVConfig {
		return CrossValidate("syn-cv", models.Linear().Done(), folds).Configure(fiveEpochs).Dir(dir)
	}
	// Stop during fold 2, after its second epoch (as a kill or interrupt would).
	cv, trained := countingCV(build(dir))
	inner := cv.onEpoch
	cv.onEpoch = func(run string, h *History) {
		inner(run, h)
		if filepath.Base(run) == "fold-2" && len(h.Epochs) == 2 {
			panic("simulated interruption")
		}
	}
	if _, err := cv.Fit(d); err == nil || !strings.Contains(err.Error(), "simulated interruption") {
		t.Fatalf("interrupted Fit: %v", err)
	}
	if trained["fold-1"] != 5 || trained["fold-2"] != 2 || trained["fold-3"] != 0 {
		t.Fatalf("before the interruption: %v", trained)
	}
	if _, err := OpenCV(filepath.Join(dir, "syn-cv")); err == nil || !strings.Contains(err.Error(), "not finished") {
		t.Errorf("OpenCV of an unfinished cross-validation: %v", err)
	}

	cv, trained = countingCV(build(dir))
	res, err := cv.Fit(d)
	if err != nil {
		t.Fatal(err)
	}
	if trained["fold-1"] != 0 || trained["fold-2"] != 3 || trained["fold-3"] != 5 {
		t.Errorf("resuming trained %v, want fold-1 0, fold-2 3, fold-3 5", trained)
	}
	checkCVResult(t, res, d.Len(), 3)

	// The resumed cross-validation equals one trained without a break.
	whole, err := build(t.TempDir()).Quiet().Done().Fit(d)
	if err != nil {
		t.Fatal(err)
	}
	for i := range whole.OutOfFold.Probs {
		if math.Abs(whole.OutOfFold.Probs[i][1]-res.OutOfFold.Probs[i][1]) > 1e-6 {
			t.Fatalf("example %d: resumed %v, uninterrupted %v", i, res.OutOfFold.Probs[i], whole.OutOfFold.Probs[i])
		}
	}
}

func TestCrossValidateRegression(t *testing.T) {
	d := regression(90, 5)
	dir := t.TempDir()
	res, err := CrossValidate("reg-cv", models.Linear().Done(), cvFolds(t, d, 3, 1)).Configure(fiveEpochs).
		Prepare(func(s *data.Split) *data.Split { return data.FitStandardizer(s.Train).ApplySplit(s) }).
		Dir(dir).Quiet().Done().Fit(d)
	if err != nil {
		t.Fatal(err)
	}
	checkCVResult(t, res, d.Len(), 3)
	h := res.Headline()
	t.Logf("RMSE %.3f ± %.3f, R² %.3f, pooled R² %.3f [%.3f, %.3f]", h["rmse"], h["rmse_sd"], h["r2"], h["pooled_r2"], h["pooled_r2_lower"], h["pooled_r2_upper"])
	if !(h["r2"] > 0.5) || !(h["pooled_r2"] > 0.5) || math.IsNaN(h["pooled_rmse_upper"]) {
		t.Errorf("regression not above chance: %v", h)
	}
	if len(res.Truth) != d.Len() || res.PooledRegression == nil {
		t.Errorf("truth %d rows, pooled report %v", len(res.Truth), res.PooledRegression)
	}
}

func TestNestedCrossValidatePicksBetterCandidate(t *testing.T) {
	d := synthetic(90, 6)
	dir := t.TempDir()
	good := Candidate{Name: "linear", Model: models.Linear().Done(), Configure: fiveEpochs}
	bad := Candidate{Name: "untrained", Model: models.Linear().Done(), Configure: func(c *Config) *Config {
		return c.Epochs(1).Adam(1e-9).BatchSize(16)
	}}
	build := func() *CVConfig {
		return NestedCrossValidate("syn-ncv", cvFolds(t, d, 3, 1), bad, good).InnerFolds(2).Dir(dir)
	}
	cv, _ := countingCV(build())
	res, err := cv.Fit(d)
	if err != nil {
		t.Fatal(err)
	}
	checkCVResult(t, res, d.Len(), 3)
	for _, f := range res.Folds {
		if f.Chosen != "linear" || !(f.Inner["linear"] > f.Inner["untrained"]) {
			t.Errorf("%s chose %q (inner AUC %v)", f.Run, f.Chosen, f.Inner)
		}
		if f.Epochs != 5 {
			t.Errorf("%s: the outer run trained %d epochs, the chosen candidate has 5", f.Run, f.Epochs)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "syn-ncv", "fold-2-inner", "untrained-fold-2", historyFile)); err != nil {
		t.Errorf("inner run missing: %v", err)
	}
	if h := res.Headline(); h["auc"] < 0.85 {
		t.Errorf("nested AUC %.3f", h["auc"])
	}
	s := res.String()
	if !strings.Contains(s, "chosen") || !strings.Contains(s, "3 of 3") || !strings.Contains(s, "Nested") {
		t.Errorf("String lacks the choices:\n%s", s)
	}
	t.Log("\n" + s)

	// Again: every inner and outer run is reopened, none trained.
	cv, trained := countingCV(build())
	if _, err := cv.Fit(d); err != nil {
		t.Fatal(err)
	}
	if total(trained) != 0 {
		t.Errorf("re-running nested CV trained %v", trained)
	}
	opened, err := OpenCV(filepath.Join(dir, "syn-ncv"))
	if err != nil {
		t.Fatal(err)
	}
	if opened.Folds[0].Chosen != "linear" || opened.Select != "auc" {
		t.Errorf("OpenCV: chosen %q by %q", opened.Folds[0].Chosen, opened.Select)
	}
}

func TestCrossValidateRejectsBadInput(t *testing.T) {
	d := synthetic(30, 7)
	folds := cvFolds(t, d, 3, 1)
	dir := t.TempDir()
	cases := map[string]*CVConfig{
		"missing fold":   CrossValidate("cv", models.Linear().Done(), folds[:2]),
		"bad name":       CrossValidate("a/b", models.Linear().Done(), folds),
		"nil model":      CrossValidate("cv", nil, folds),
		"no candidates":  NestedCrossValidate("cv", folds),
		"val fraction":   CrossValidate("cv", models.Linear().Done(), folds).ValFraction(1),
		"select":         NestedCrossValidate("cv", folds, Candidate{Model: models.Linear().Done()}).Select("rmse"),
		"configured dir": CrossValidate("cv", models.Linear().Done(), folds).Configure(func(c *Config) *Config { return c.Dir("elsewhere") }),
	}
	for what, c := range cases {
		if _, err := c.Dir(dir).Quiet().Done().Fit(d); err == nil {
			t.Errorf("%s: no error", what)
		} else {
			t.Logf("%s: %v", what, err)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "elsewhere")); err == nil {
		t.Error("a refused configuration created a directory")
	}
}

func TestCrossValidateRepeatsAndGroups(t *testing.T) {
	d := synthetic(60, 8)
	folds, err := data.Folds(d, 3).Stratified().Repeats(2).Seed(1).Done()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	res, err := CrossValidate("rep-cv", models.Linear().Done(), folds).Configure(fiveEpochs).Dir(dir).Quiet().Done().Fit(d)
	if err != nil {
		t.Fatal(err)
	}
	checkCVResult(t, res, d.Len(), 6)
	if filepath.Base(res.Folds[4].Run) != "repeat-2-fold-2" {
		t.Errorf("fold 5 run %s, want repeat-2-fold-2", res.Folds[4].Run)
	}
	// With repeats the out-of-fold prediction is the mean over the repeats' fold models.
	i := res.Folds[0].Test[0]
	var sum float64
	for _, f := range res.Folds {
		run, err := Open(f.Run)
		if err != nil {
			t.Fatal(err)
		}
		for j, k := range f.Test {
			if k == i {
				p, err := run.Predict(run.Split().Test)
				if err != nil {
					t.Fatal(err)
				}
				sum += p.Probs[j][1]
			}
		}
	}
	if math.Abs(sum/2-res.OutOfFold.Probs[i][1]) > 1e-6 {
		t.Errorf("example %d: out-of-fold %v, mean of the repeats %v", i, res.OutOfFold.Probs[i][1], sum/2)
	}

	// Groups: the validation part never shares a patient with the part fitted on.
	patients := make([]string, d.Len())
	for i := range patients {
		patients[i] = fmt.Sprintf("p%d", i/3)
	}
	gfolds, err := data.Folds(d, 3).Groups(patients).Seed(1).Done()
	if err != nil {
		t.Fatal(err)
	}
	cv := CrossValidate("grp-cv", models.Linear().Done(), gfolds).Groups(patients).Dir(dir).Quiet().Done()
	fit, val, err := cv.valSplit(d, gfolds[0].Train, 1)
	if err != nil {
		t.Fatal(err)
	}
	inFit := map[string]bool{}
	for _, i := range fit {
		inFit[patients[i]] = true
	}
	for _, i := range val {
		if inFit[patients[i]] {
			t.Fatalf("patient %s is in both the fitted and the validation part", patients[i])
		}
	}
	if len(fit)+len(val) != len(gfolds[0].Train) || len(val) < 6 || len(val) > 14 {
		t.Errorf("validation part of %d from %d training examples", len(val), len(gfolds[0].Train))
	}
	if _, err := cv.Fit(d); err != nil {
		t.Fatal(err)
	}
}
