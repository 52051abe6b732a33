// SPDX-License-Identifier: Apache-2.0

package train

import (
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"html"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"unsafe"

	"github.com/medgo-lab/medgo/mlkit/data"
	"github.com/medgo-lab/medgo/mlkit/eval"
	"github.com/medgo-lab/medgo/mlkit/internal/textout"
	"github.com/medgo-lab/medgo/mlkit/models"
)

// cvFile is the parent run's record of a cross-validation, in RUNDIR/NAME.
const cvFile = "cv.json"

// Candidate is one configuration compared by NestedCrossValidate: a model and the training
// options for it.
type Candidate struct {
	Name      string                // shown in reports and used in run names; "" means "candidate-N"
	Model     models.Model          // required
	Configure func(*Config) *Config // training options (epochs, optimizer, ...); nil for the defaults
}

// CVConfig configures a cross-validation; finish with Done. Start with CrossValidate or
// NestedCrossValidate.
type CVConfig struct {
	name       string
	folds      []data.Fold
	candidates []Candidate
	nested     bool
	configure  func(*Config) *Config
	prepare    func(*data.Split) *data.Split
	groups     []string
	valFrac    float64
	inner      int
	selectBy   string
	dir        string
	quiet      bool
	err        error
}

// CrossValidate starts a k-fold cross-validation of model m over folds (from data.Folds).
// Each fold is an ordinary run, RUNDIR/NAME/fold-K (K from 1), trained on the fold's Train
// examples and tested on its held-out (Val) examples, so re-running the cell reopens the
// finished folds and resumes an interrupted one, exactly as Fit does for one run.
//
// The validation data for early stopping and for choosing the best epoch come from the fold's
// training part (a seeded, stratified 20% of it; see ValFraction), never from the held-out
// fold, which is used only once, to predict.
func CrossValidate(name string, m models.Model, folds []data.Fold) *CVConfig {
	c := newCV(name, folds, []Candidate{{Name: "model", Model: m}})
	return c
}

// NestedCrossValidate chooses among candidates by nested cross-validation and estimates how
// well that choice does. For each outer fold, every candidate is cross-validated on the outer
// training part only (InnerFolds, default 3, stratified and grouped like the validation part);
// the candidate with the best mean inner metric (Select, default auc or rmse) is then trained
// on the whole outer training part and tested once on the outer held-out fold. The result
// reports which candidate each outer fold chose. The estimate is that of the selection
// procedure, not of any single candidate.
//
// Runs: RUNDIR/NAME/fold-K for the outer folds and RUNDIR/NAME/fold-K-inner/CANDIDATE-fold-J
// for the inner ones; all resume and reopen like any run.
func NestedCrossValidate(name string, folds []data.Fold, candidates ...Candidate) *CVConfig {
	c := newCV(name, folds, candidates)
	c.nested = true
	if len(candidates) == 0 && c.err == nil {
		c.err = fmt.Errorf("cross-validation %q: no candidates; pass at least one train.Candidate{Name, Model, Configure}", name)
	}
	return c
}

func newCV(name string, folds []data.Fold, candidates []Candidate) *CVConfig {
	c := &CVConfig{name: name, folds: folds, valFrac: 0.2, inner: 3}
	if !validName.MatchString(name) {
		c.err = fmt.Errorf("cross-validation name %q: use letters, digits, '-', '_' or '.', e.g. \"wdbc-cv\"", name)
	}
	if len(folds) < 2 && c.err == nil {
		c.err = fmt.Errorf("cross-validation %q: %d folds; make them with data.Folds(d, k).Done(), k >= 2", name, len(folds))
	}
	for i, cand := range candidates {
		if b, ok := cand.Model.(interface{ Done() models.Model }); ok {
			cand.Model = b.Done()
		}
		if cand.Name == "" {
			cand.Name = fmt.Sprintf("candidate-%d", i+1)
		}
		if cand.Model == nil && c.err == nil {
			c.err = fmt.Errorf("cross-validation %q: candidate %q has no model", name, cand.Name)
		}
		if !validName.MatchString(cand.Name) && c.err == nil {
			c.err = fmt.Errorf("cross-validation %q: candidate name %q: use letters, digits, '-', '_' or '.'", name, cand.Name)
		}
		for _, other := range c.candidates {
			if other.Name == cand.Name && c.err == nil {
				c.err = fmt.Errorf("cross-validation %q: two candidates are named %q; give each its own name", name, cand.Name)
			}
		}
		c.candidates = append(c.candidates, cand)
	}
	return c
}

// Configure sets the training options of every fold's run (for NestedCrossValidate, applied
// before each candidate's own Configure), e.g.
//
//	Configure(func(c *train.Config) *train.Config { return c.Epochs(30).EarlyStopping("val_auc", 5) })
//
// Dir given here is refused (use CVConfig.Dir). Restart restarts every fold run.
func (c *CVConfig) Configure(f func(*Config) *Config) *CVConfig { c.configure = f; return c }

// Prepare transforms each fold's split (Train, Val and Test parts) before training, with
// statistics fitted on that fold's training part only, e.g. standardization:
//
//	Prepare(func(s *data.Split) *data.Split { return data.FitStandardizer(s.Train).ApplySplit(s) })
//
// It must be deterministic: a resumed fold checks that its data are unchanged.
func (c *CVConfig) Prepare(f func(*data.Split) *data.Split) *CVConfig { c.prepare = f; return c }

// Groups gives each example's group (patient) key, as given to data.Folds: the validation
// part and the inner folds are then drawn by whole groups, so that no patient is on both
// sides of early stopping or of the inner selection.
func (c *CVConfig) Groups(keys []string) *CVConfig { c.groups = keys; return c }

// ValFraction sets the share of each fold's training part held out for early stopping and
// for choosing the best epoch (default 0.2; it is drawn as one part of round(1/f) seeded
// folds of the training part, with the run's seed).
func (c *CVConfig) ValFraction(f float64) *CVConfig { c.valFrac = f; return c }

// InnerFolds sets the number of inner folds of NestedCrossValidate (default 3).
func (c *CVConfig) InnerFolds(k int) *CVConfig { c.inner = k; return c }

// Select sets the metric that NestedCrossValidate chooses by: accuracy, balanced_accuracy,
// auc (larger is better) or brier for classification; rmse, mae or r2 for regression.
// Default: auc for classification, rmse for regression.
func (c *CVConfig) Select(metric string) *CVConfig { c.selectBy = metric; return c }

// Dir places the parent run directory under dir instead of $MEDGO_RUNS or ./runs.
func (c *CVConfig) Dir(dir string) *CVConfig { c.dir = dir; return c }

// Quiet turns off progress output.
func (c *CVConfig) Quiet() *CVConfig { c.quiet = true; return c }

// Done validates the configuration. Errors are reported by Fit.
func (c *CVConfig) Done() *CrossValidator {
	cv := &CrossValidator{cfg: *c, dir: filepath.Join(RunsDir(c.dir), c.name)}
	if cv.cfg.err == nil {
		switch {
		case !(c.valFrac > 0 && c.valFrac < 1):
			cv.cfg.err = fmt.Errorf("cross-validation %q: ValFraction(%v); use a value in (0, 1), e.g. 0.2", c.name, c.valFrac)
		case c.nested && c.inner < 2:
			cv.cfg.err = fmt.Errorf("cross-validation %q: InnerFolds(%d); use at least 2", c.name, c.inner)
		case c.selectBy != "" && !slices.Contains(selectable, c.selectBy):
			cv.cfg.err = fmt.Errorf("cross-validation %q: Select(%q); use one of %s", c.name, c.selectBy, strings.Join(selectable, ", "))
		}
	}
	return cv
}

var selectable = []string{"accuracy", "balanced_accuracy", "auc", "brier", "rmse", "mae", "r2"}

// lowerIsBetter are the selectable metrics where smaller is better.
var lowerIsBetter = map[string]bool{"brier": true, "rmse": true, "mae": true}

// CrossValidator runs a cross-validation. Create it with CrossValidate(...).Done().
type CrossValidator struct {
	cfg CVConfig
	dir string

	// onEpoch, when set (tests), is called after every epoch of every run.
	onEpoch func(run string, h *History)
}

// cvRecord is cv.json: what OpenCV needs to rebuild the result without loading any model.
type cvRecord struct {
	Format      int        `json:"format"`
	Name        string     `json:"name"`
	Nested      bool       `json:"nested,omitempty"`
	Candidates  []string   `json:"candidates"`
	Select      string     `json:"select,omitempty"`
	Task        data.Task  `json:"task"`
	Classes     []string   `json:"classes,omitempty"`
	Targets     []string   `json:"targets,omitempty"`
	N           int        `json:"n"`
	Fingerprint uint64     `json:"fingerprint"` // data and folds
	Truth       jsonFloats `json:"truth"`       // d.Y: N × NumTargets
	Folds       []foldInfo `json:"folds"`
}

type foldInfo struct {
	Repeat    int                `json:"repeat"`
	Index     int                `json:"index"`
	Run       string             `json:"run"` // directory name under the parent
	Test      []int              `json:"test"`
	Done      bool               `json:"done"`
	Chosen    string             `json:"chosen,omitempty"`
	Inner     map[string]float64 `json:"inner,omitempty"` // candidate → mean inner metric
	Epochs    int                `json:"epochs"`
	BestEpoch int                `json:"best_epoch"`
	Pred      [][]float64        `json:"pred,omitempty"` // per Test example: Probs or Values
}

// Fit runs (or resumes, or reopens) every fold on d, the data set the folds were made for,
// and returns the result. It fails on the first fold that fails; the folds done so far are
// kept and the next Fit continues from there.
func (cv *CrossValidator) Fit(d *data.Dataset) (*CVResult, error) {
	c := &cv.cfg
	if c.err != nil {
		return nil, c.err
	}
	if d == nil || d.Len() == 0 {
		return nil, fmt.Errorf("cross-validation %q: no data", c.name)
	}
	if err := d.Validate(); err != nil {
		return nil, err
	}
	if d.Task == data.MultiLabel {
		return nil, fmt.Errorf("cross-validation %q: multi-label tasks are not supported yet; cross-validate one target at a time", c.name)
	}
	if err := checkFolds(c.name, c.folds, d.Len()); err != nil {
		return nil, err
	}
	if c.groups != nil && len(c.groups) != d.Len() {
		return nil, fmt.Errorf("cross-validation %q: %d group keys for %d examples", c.name, len(c.groups), d.Len())
	}
	sel := c.selectBy
	if sel == "" {
		sel = "auc"
		if d.Task == data.Regression {
			sel = "rmse"
		}
	}
	if c.nested && d.Task.IsClassification() != slices.Contains([]string{"accuracy", "balanced_accuracy", "auc", "brier"}, sel) {
		return nil, fmt.Errorf("cross-validation %q: Select(%q) is not a metric of a %s task", c.name, sel, d.Task)
	}
	// Every candidate's training options are checked before anything is written.
	restart := false
	for _, cand := range c.candidates {
		cfg, err := cv.config(cand, cv.dir, "probe")
		if err != nil {
			return nil, err
		}
		if err := cfg.Done().err; err != nil {
			return nil, fmt.Errorf("cross-validation %q, candidate %q: %w", c.name, cand.Name, err)
		}
		restart = restart || !cfg.resume
	}
	if err := os.MkdirAll(cv.dir, 0o755); err != nil {
		return nil, fmt.Errorf("cross-validation %q: creating %s: %w", c.name, cv.dir, err)
	}
	unlock, err := lockRun(cv.dir)
	if err != nil {
		return nil, err
	}
	defer unlock()

	rec := &cvRecord{Format: 1, Name: c.name, Nested: c.nested, Task: d.Task, Classes: d.Classes, Targets: d.Targets,
		N: d.Len(), Fingerprint: fingerprintCV(d, c.folds), Truth: d.Y}
	if c.nested {
		rec.Select = sel
	}
	for _, cand := range c.candidates {
		rec.Candidates = append(rec.Candidates, cand.Name)
	}
	if old, err := readCVRecord(cv.dir); err == nil {
		if old.Fingerprint != rec.Fingerprint && !restart {
			return nil, fmt.Errorf("cross-validation %q in %s: %w: different data or folds than the %d folds stored; use a new name, or Configure(... c.Restart()) to train every fold again",
				c.name, cv.dir, ErrRunChanged, len(old.Folds))
		}
		if old.Fingerprint == rec.Fingerprint && slices.Equal(old.Candidates, rec.Candidates) && old.Nested == rec.Nested {
			// Keep the stored results of the folds until they are refreshed below.
			rec.Folds = old.Folds
		}
	} else if !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	repeats := 1
	for _, f := range c.folds {
		repeats = max(repeats, f.Repeat+1)
	}
	if len(rec.Folds) != len(c.folds) {
		rec.Folds = make([]foldInfo, len(c.folds))
	}
	for i, f := range c.folds {
		run := fmt.Sprintf("fold-%d", f.Index+1)
		if repeats > 1 {
			run = fmt.Sprintf("repeat-%d-fold-%d", f.Repeat+1, f.Index+1)
		}
		rec.Folds[i].Repeat, rec.Folds[i].Index, rec.Folds[i].Run, rec.Folds[i].Test = f.Repeat, f.Index, run, f.Val
	}
	if err := cv.save(rec); err != nil {
		return nil, err
	}

	for i, f := range c.folds {
		fi := &rec.Folds[i]
		if !c.quiet {
			fmt.Printf("Cross-validation %s: %s of %d\n", c.name, fi.Run, len(c.folds))
		}
		cand := c.candidates[0]
		if c.nested {
			scores, best, err := cv.inner(d, f.Train, fi.Run, sel)
			if err != nil {
				return nil, err
			}
			fi.Inner, fi.Chosen, cand = scores, c.candidates[best].Name, c.candidates[best]
		}
		pred, h, err := cv.fitFold(d, f.Train, f.Val, cand, cv.dir, fi.Run)
		if err != nil {
			fi.Done = false
			_ = cv.save(rec)
			return nil, fmt.Errorf("cross-validation %q, %s: %w", c.name, fi.Run, err)
		}
		fi.Pred, fi.Done, fi.Epochs, fi.BestEpoch = pred, true, len(h.Epochs), h.BestEpoch
		if err := cv.save(rec); err != nil {
			return nil, err
		}
	}
	return rec.result(cv.dir)
}

// inner cross-validates every candidate on the outer training part and returns each one's
// mean inner metric and the index of the best.
func (cv *CrossValidator) inner(d *data.Dataset, train []int, outer, sel string) (map[string]float64, int, error) {
	c := &cv.cfg
	part := d.Subset(train)
	b := data.Folds(part, c.inner).Seed(cv.seed(c.candidates[0]))
	if d.Task.IsClassification() {
		b = b.Stratified()
	}
	if c.groups != nil {
		b = b.Groups(pick(c.groups, train))
	}
	folds, err := b.Done()
	if err != nil {
		return nil, 0, fmt.Errorf("cross-validation %q, inner folds of %s: %w", c.name, outer, err)
	}
	dir := filepath.Join(cv.dir, outer+"-inner")
	scores := map[string]float64{}
	best := -1
	for ci, cand := range c.candidates {
		var sum float64
		for _, f := range folds {
			run := fmt.Sprintf("%s-fold-%d", cand.Name, f.Index+1)
			// Indices into d, so the inner runs see the same examples as the outer split.
			tr, te := pick(train, f.Train), pick(train, f.Val)
			pred, _, err := cv.fitFold(d, tr, te, cand, dir, run)
			if err != nil {
				return nil, 0, fmt.Errorf("cross-validation %q, %s, inner run %s: %w", c.name, outer, run, err)
			}
			m, err := foldMetrics(d.Task, d.Classes, truthOf(d.Y, d.NumTargets(), te), pred)
			if err != nil {
				return nil, 0, err
			}
			sum += m[sel]
		}
		scores[cand.Name] = sum / float64(len(folds))
		v := scores[cand.Name]
		if best < 0 || (lowerIsBetter[sel] && v < scores[c.candidates[best].Name]) ||
			(!lowerIsBetter[sel] && v > scores[c.candidates[best].Name]) ||
			(math.IsNaN(scores[c.candidates[best].Name]) && !math.IsNaN(v)) {
			best = ci
		}
	}
	return scores, best, nil
}

// config builds the Config of one run of candidate cand in dir/run.
func (cv *CrossValidator) config(cand Candidate, dir, run string) (*Config, error) {
	c := &cv.cfg
	cfg := New(run, cand.Model).Dir(dir)
	if c.quiet {
		cfg.Quiet()
	}
	for _, f := range []func(*Config) *Config{c.configure, cand.Configure} {
		if f != nil {
			if cfg = f(cfg); cfg == nil {
				return nil, fmt.Errorf("cross-validation %q: a Configure function returned nil; return the *train.Config it was given", c.name)
			}
		}
	}
	if cfg.dir != dir {
		return nil, fmt.Errorf("cross-validation %q: Configure set Dir(%q); set the directory with CrossValidate(...).Dir instead", c.name, cfg.dir)
	}
	return cfg, nil
}

// seed is the run seed of a candidate's runs (Config.Seed), which also draws the validation
// parts and inner folds.
func (cv *CrossValidator) seed(cand Candidate) int64 {
	cfg, err := cv.config(cand, "probe", "probe")
	if err != nil {
		return 1
	}
	return cfg.s.Seed
}

// fitFold trains (or resumes or reopens) one run on d's examples train, with a validation
// part drawn from them, and returns its predictions for the examples test.
func (cv *CrossValidator) fitFold(d *data.Dataset, train, test []int, cand Candidate, dir, run string) ([][]float64, *History, error) {
	c := &cv.cfg
	cfg, err := cv.config(cand, dir, run)
	if err != nil {
		return nil, nil, err
	}
	fit, val, err := cv.valSplit(d, train, cfg.s.Seed)
	if err != nil {
		return nil, nil, err
	}
	split := &data.Split{Train: d.Subset(fit), Val: d.Subset(val), Test: d.Subset(test)}
	if c.prepare != nil {
		if split = c.prepare(split); split == nil || split.Train == nil || split.Test == nil {
			return nil, nil, fmt.Errorf("cross-validation %q: Prepare returned no Train or Test part", c.name)
		}
	}
	t := cfg.Done()
	if cv.onEpoch != nil {
		t.OnEpoch = func(h *History) { cv.onEpoch(filepath.Join(dir, run), h) }
	}
	r, err := t.Fit(split)
	if err != nil {
		return nil, nil, err
	}
	p, err := r.Predict(split.Test)
	if err != nil {
		return nil, nil, err
	}
	rows := p.Probs
	if d.Task == data.Regression {
		rows = p.Values
	}
	return rows, r.History, nil
}

// valSplit divides the examples train (indices into d) into the part to fit on and the
// validation part: one of round(1/ValFraction) seeded folds, stratified by class and grouped
// by Groups when given. Both are returned in increasing order.
func (cv *CrossValidator) valSplit(d *data.Dataset, train []int, seed int64) (fit, val []int, err error) {
	c := &cv.cfg
	k := max(2, int(math.Round(1/c.valFrac)))
	part := d.Subset(train)
	b := data.Folds(part, k).Seed(seed)
	if d.Task.IsClassification() {
		b = b.Stratified()
	}
	if c.groups != nil {
		b = b.Groups(pick(c.groups, train))
	}
	folds, err := b.Done()
	if err != nil && d.Task.IsClassification() {
		// A class too rare to stratify into k parts: draw the validation part unstratified.
		b = data.Folds(part, k).Seed(seed)
		if c.groups != nil {
			b = b.Groups(pick(c.groups, train))
		}
		folds, err = b.Done()
	}
	if err != nil {
		return nil, nil, fmt.Errorf("cross-validation %q: drawing the validation part: %w", c.name, err)
	}
	return pick(train, folds[0].Train), pick(train, folds[0].Val), nil
}

func pick[T any](from []T, idx []int) []T {
	out := make([]T, len(idx))
	for i, j := range idx {
		out[i] = from[j]
	}
	return out
}

// checkFolds requires valid indices and, within each repetition, every example held out
// exactly once, so that the pooled out-of-fold predictions cover the data set.
func checkFolds(name string, folds []data.Fold, n int) error {
	seen := map[int][]int{}
	for _, f := range folds {
		s := seen[f.Repeat]
		if s == nil {
			s = make([]int, n)
			seen[f.Repeat] = s
		}
		for _, part := range [][]int{f.Train, f.Val} {
			for _, i := range part {
				if i < 0 || i >= n {
					return fmt.Errorf("cross-validation %q: fold %d refers to example %d but the data set has %d; make the folds from this data set", name, f.Index, i, n)
				}
			}
		}
		if len(f.Val) == 0 || len(f.Train) == 0 {
			return fmt.Errorf("cross-validation %q: fold %d has an empty part", name, f.Index)
		}
		for _, i := range f.Val {
			s[i]++
		}
	}
	for r, s := range seen {
		for i, c := range s {
			if c != 1 {
				return fmt.Errorf("cross-validation %q: example %d is held out %d times in repeat %d; pass all the folds that data.Folds(d, k).Done() returned", name, i, c, r)
			}
		}
	}
	return nil
}

func fingerprintCV(d *data.Dataset, folds []data.Fold) uint64 {
	h := fnv.New64a()
	for _, f := range [][]float32{d.X, d.Y, d.Mask} {
		if len(f) > 0 {
			h.Write(unsafe.Slice((*byte)(unsafe.Pointer(&f[0])), len(f)*4))
		}
		h.Write([]byte{1})
	}
	for _, f := range folds {
		fmt.Fprintf(h, "%d/%d:%v|", f.Repeat, f.Index, f.Val)
	}
	return h.Sum64()
}

func (cv *CrossValidator) save(rec *cvRecord) error {
	raw, err := json.Marshal(rec)
	if err != nil {
		return err
	}
	return writeAtomic(filepath.Join(cv.dir, cvFile), writeBytes(raw))
}

func readCVRecord(dir string) (*cvRecord, error) {
	raw, err := os.ReadFile(filepath.Join(dir, cvFile))
	if err != nil {
		return nil, err
	}
	var rec cvRecord
	if err := json.Unmarshal(raw, &rec); err != nil {
		return nil, fmt.Errorf("%s is not a valid cross-validation record: %w", filepath.Join(dir, cvFile), err)
	}
	return &rec, nil
}

// OpenCV reopens a cross-validation by name (under $MEDGO_RUNS or ./runs) or by directory,
// from its record (no model is loaded or run). All its folds must be done; re-run the
// cross-validation cell to finish an interrupted one.
func OpenCV(nameOrDir string) (*CVResult, error) {
	dir := nameOrDir
	if _, err := os.Stat(filepath.Join(dir, cvFile)); err != nil {
		dir = filepath.Join(RunsDir(""), nameOrDir)
	}
	rec, err := readCVRecord(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("no cross-validation %q: %s does not exist; run train.CrossValidate(%q, ...).Done().Fit(d) first, or pass its directory",
			nameOrDir, filepath.Join(dir, cvFile), nameOrDir)
	}
	if err != nil {
		return nil, err
	}
	return rec.result(dir)
}

// CVFold is one fold's result.
type CVFold struct {
	Repeat, Index int
	Run           string             // the fold's run directory: train.Open(Run) reopens its model
	Test          []int              // the held-out examples (indices into the data set)
	Metrics       map[string]float64 // on the held-out examples
	Epochs        int                // epochs trained
	BestEpoch     int                // epoch whose weights were kept
	Chosen        string             // NestedCrossValidate: the candidate this fold chose
	Inner         map[string]float64 // NestedCrossValidate: each candidate's mean inner metric
}

// CVResult is a finished cross-validation.
type CVResult struct {
	Name string
	Dir  string
	Task data.Task

	Folds []CVFold
	// Keys are the metric keys of every fold, in display order: n, accuracy,
	// balanced_accuracy, auc (binary AUC or one-vs-rest macro AUC), brier for classification;
	// n, rmse, mae, r2 for regression.
	Keys []string
	Mean map[string]float64 // mean over folds
	SD   map[string]float64 // sample standard deviation over folds (n-1)

	// OutOfFold holds one prediction per example of the data set, in its order, each made by
	// the fold model that did not train on it (with repeats: the mean over repeats).
	OutOfFold *Predictions
	Labels    []int       // classification: the true classes, in the data set's order
	Truth     [][]float64 // regression: the true values, in the data set's order

	// Pooled evaluates OutOfFold against the truth with 95% bootstrap confidence intervals
	// (classification: *eval.Report; regression: *eval.RegressionReport in PooledRegression).
	Pooled           *eval.Report
	PooledRegression *eval.RegressionReport

	// NestedCrossValidate only: the candidate names and the inner metric they were chosen by.
	Candidates []string
	Select     string
}

func (rec *cvRecord) result(dir string) (*CVResult, error) {
	res := &CVResult{Name: rec.Name, Dir: dir, Task: rec.Task, Mean: map[string]float64{}, SD: map[string]float64{}}
	if rec.Nested {
		res.Candidates, res.Select = rec.Candidates, rec.Select
	}
	T := 1
	if rec.Task == data.Regression && len(rec.Targets) > 0 {
		T = len(rec.Targets)
	}
	var missing []string
	sums := make([][]float64, rec.N)
	counts := make([]int, rec.N)
	for _, f := range rec.Folds {
		if !f.Done || len(f.Pred) != len(f.Test) {
			missing = append(missing, f.Run)
			continue
		}
		m, err := foldMetrics(rec.Task, rec.Classes, truthOf(rec.Truth, T, f.Test), f.Pred)
		if err != nil {
			return nil, fmt.Errorf("cross-validation %q, %s: %w", rec.Name, f.Run, err)
		}
		res.Folds = append(res.Folds, CVFold{Repeat: f.Repeat, Index: f.Index, Run: filepath.Join(dir, f.Run), Test: f.Test,
			Metrics: m, Epochs: f.Epochs, BestEpoch: f.BestEpoch, Chosen: f.Chosen, Inner: f.Inner})
		for j, i := range f.Test {
			if sums[i] == nil {
				sums[i] = make([]float64, len(f.Pred[j]))
			}
			for k, v := range f.Pred[j] {
				sums[i][k] += v
			}
			counts[i]++
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("cross-validation %q in %s is not finished: %s not done; run the cross-validation cell again to resume",
			rec.Name, dir, strings.Join(missing, ", "))
	}
	oof := make([][]float64, rec.N)
	for i := range oof {
		oof[i] = sums[i]
		for k := range oof[i] {
			oof[i][k] /= float64(counts[i])
		}
	}
	res.Keys = []string{"n", "accuracy", "balanced_accuracy", "auc", "brier"}
	if rec.Task == data.Regression {
		res.Keys = []string{"n", "rmse", "mae", "r2"}
	}
	for _, key := range res.Keys {
		vals := make([]float64, len(res.Folds))
		for i, f := range res.Folds {
			vals[i] = f.Metrics[key]
		}
		res.Mean[key], res.SD[key] = meanSD(vals)
	}
	res.OutOfFold = &Predictions{Task: rec.Task, Classes: rec.Classes}
	var err error
	if rec.Task.IsClassification() {
		res.OutOfFold.Probs = oof
		res.Labels = make([]int, rec.N)
		for i := range res.Labels {
			res.Labels[i] = int(rec.Truth[i])
		}
		res.Pooled, err = eval.Classify(res.Labels, oof, classesOr(rec.Classes, len(oof[0])), eval.WithCI())
	} else {
		res.OutOfFold.Values = oof
		res.Truth = truthOf(rec.Truth, T, nil)
		t, p := flatRegression(res.Truth, oof)
		res.PooledRegression, err = eval.Regress(t, p, eval.WithCI())
	}
	if err != nil {
		return nil, fmt.Errorf("cross-validation %q: pooled out-of-fold evaluation: %w", rec.Name, err)
	}
	return res, nil
}

func classesOr(classes []string, k int) []string {
	if len(classes) == k {
		return classes
	}
	return nil
}

// truthOf returns the rows of y (T values per example) of the examples idx (nil: all).
func truthOf(y []float32, T int, idx []int) [][]float64 {
	if idx == nil {
		idx = make([]int, len(y)/T)
		for i := range idx {
			idx[i] = i
		}
	}
	out := make([][]float64, len(idx))
	for j, i := range idx {
		out[j] = make([]float64, T)
		for k := range T {
			out[j][k] = float64(y[i*T+k])
		}
	}
	return out
}

// flatRegression pairs every known (non-NaN) true value with its prediction.
func flatRegression(truth, pred [][]float64) (t, p []float64) {
	for i, row := range truth {
		for k, v := range row {
			if !math.IsNaN(v) {
				t = append(t, v)
				p = append(p, pred[i][k])
			}
		}
	}
	return t, p
}

// foldMetrics evaluates predictions of one fold with eval.
func foldMetrics(task data.Task, classes []string, truth, pred [][]float64) (map[string]float64, error) {
	if task.IsClassification() {
		labels := make([]int, len(truth))
		for i, row := range truth {
			labels[i] = int(row[0])
		}
		r, err := eval.Classify(labels, pred, classesOr(classes, len(pred[0])))
		if err != nil {
			return nil, err
		}
		h := r.Headline()
		return map[string]float64{"n": h["n"], "accuracy": h["accuracy"], "balanced_accuracy": h["balanced_accuracy"], "auc": h["auc"], "brier": h["brier"]}, nil
	}
	t, p := flatRegression(truth, pred)
	r, err := eval.Regress(t, p)
	if err != nil {
		return nil, err
	}
	h := r.Headline()
	return map[string]float64{"n": float64(len(truth)), "rmse": h["rmse"], "mae": h["mae"], "r2": h["r2"]}, nil
}

func meanSD(v []float64) (mean, sd float64) {
	if len(v) == 0 {
		return math.NaN(), math.NaN()
	}
	for _, x := range v {
		mean += x
	}
	mean /= float64(len(v))
	if len(v) < 2 {
		return mean, math.NaN()
	}
	for _, x := range v {
		sd += (x - mean) * (x - mean)
	}
	return mean, math.Sqrt(sd / float64(len(v)-1))
}

// pooledHeadline is the pooled report's headline and intervals.
func (r *CVResult) pooledHeadline() (map[string]float64, map[string]eval.CI) {
	if r.Pooled != nil {
		return r.Pooled.Headline(), r.Pooled.CI
	}
	if r.PooledRegression != nil {
		return r.PooledRegression.Headline(), r.PooledRegression.CI
	}
	return nil, nil
}

// Headline returns the main numbers keyed for results tables: for each metric key (see
// Keys; n excepted) its mean over folds (KEY), standard deviation (KEY_sd), and the pooled
// out-of-fold value with its 95% CI (pooled_KEY, pooled_KEY_lower, pooled_KEY_upper); and
// folds, the number of folds.
func (r *CVResult) Headline() map[string]float64 {
	h := map[string]float64{"folds": float64(len(r.Folds)), "n": float64(len(r.Labels) + len(r.Truth))}
	pooled, cis := r.pooledHeadline()
	for _, key := range r.Keys[1:] {
		h[key], h[key+"_sd"] = r.Mean[key], r.SD[key]
		h["pooled_"+key] = pooled[key]
		if ci, ok := cis[key]; ok {
			h["pooled_"+key+"_lower"], h["pooled_"+key+"_upper"] = ci.Lower, ci.Upper
		}
	}
	return h
}

func (r *CVResult) title() string {
	kind := "Cross-validation"
	if r.Candidates != nil {
		kind = "Nested cross-validation"
	}
	return fmt.Sprintf("%s %s: %d folds, %d examples (%s)", kind, r.Name, len(r.Folds), len(r.Labels)+len(r.Truth), r.Task)
}

func fmt3(v float64) string {
	if math.IsNaN(v) {
		return "n/a"
	}
	return fmt.Sprintf("%.3f", v)
}

// tables returns the per-fold table and the summary table (mean ± SD and pooled with CI).
func (r *CVResult) tables() (folds, summary textout.Table, chosen *textout.Table) {
	nested := r.Candidates != nil
	folds.Header = []string{"fold", "n"}
	for _, key := range r.Keys[1:] {
		folds.Header = append(folds.Header, eval.MetricName(key))
	}
	folds.Header = append(folds.Header, "epochs")
	if nested {
		folds.Header = append(folds.Header, "chosen")
	}
	for _, f := range r.Folds {
		row := []string{filepath.Base(f.Run), fmt.Sprint(int(f.Metrics["n"]))}
		for _, key := range r.Keys[1:] {
			row = append(row, fmt3(f.Metrics[key]))
		}
		row = append(row, fmt.Sprintf("%d (best %d)", f.Epochs, f.BestEpoch))
		if nested {
			row = append(row, f.Chosen)
		}
		folds.Rows = append(folds.Rows, row)
	}
	folds.Right = textout.FirstLeft(len(folds.Header))
	if nested {
		folds.Right[len(folds.Header)-1] = false
	}

	pooled, cis := r.pooledHeadline()
	summary.Header = []string{"metric", "mean ± SD over folds", "pooled out-of-fold", "95% CI"}
	for _, key := range r.Keys[1:] {
		ci := ""
		if c, ok := cis[key]; ok {
			ci = fmt3(c.Lower) + " – " + fmt3(c.Upper)
		}
		summary.Rows = append(summary.Rows, []string{eval.MetricName(key), fmt3(r.Mean[key]) + " ± " + fmt3(r.SD[key]), fmt3(pooled[key]), ci})
	}
	summary.Right = textout.FirstLeft(len(summary.Header))

	if nested {
		chosen = &textout.Table{Header: []string{"candidate", "chosen by folds", "mean inner " + eval.MetricName(r.Select)}}
		for _, c := range r.Candidates {
			n, sum, cnt := 0, 0.0, 0
			for _, f := range r.Folds {
				if f.Chosen == c {
					n++
				}
				if v, ok := f.Inner[c]; ok && !math.IsNaN(v) {
					sum += v
					cnt++
				}
			}
			chosen.Rows = append(chosen.Rows, []string{c, fmt.Sprintf("%d of %d", n, len(r.Folds)), fmt3(sum / float64(max(cnt, 1)))})
		}
		chosen.Right = textout.FirstLeft(3)
	}
	return folds, summary, chosen
}

const cvNote = "Mean ± SD summarizes the per-fold metrics; pooled out-of-fold evaluates every example's held-out prediction at once (each by a different fold model), with a 95% bootstrap CI over examples."

// String renders the result as plain text tables.
func (r *CVResult) String() string {
	var b strings.Builder
	b.WriteString(r.title() + "\n\n")
	folds, summary, chosen := r.tables()
	b.WriteString(folds.Text() + "\n" + summary.Text())
	if chosen != nil {
		b.WriteString("\n" + chosen.Text())
	}
	b.WriteString("note: " + cvNote + "\n")
	return b.String()
}

var cvHTMLStyle = textout.HTMLStyle{
	Style:        "border-collapse:collapse;font-family:sans-serif;font-size:13px;margin:4px 0 12px 0",
	CaptionStyle: "text-align:left;font-weight:bold;padding:2px 0",
	Cell:         "border:1px solid #ccc;padding:3px 8px",
	Head:         "background:#f3f3f3",
}

// HTML renders the result as self-contained HTML tables (inline styles, no scripts).
func (r *CVResult) HTML() string {
	var b strings.Builder
	b.WriteString(`<div class="medgo-cv-result">`)
	b.WriteString(`<p style="font-family:sans-serif;font-weight:bold">` + html.EscapeString(r.title()) + "</p>\n")
	folds, summary, chosen := r.tables()
	b.WriteString(folds.HTML(cvHTMLStyle, "Per fold (held-out examples)"))
	b.WriteString(summary.HTML(cvHTMLStyle, "Summary"))
	if chosen != nil {
		b.WriteString(chosen.HTML(cvHTMLStyle, "Candidates (inner cross-validation)"))
	}
	b.WriteString(`<p style="font-family:sans-serif;font-size:12px;color:#555">` + html.EscapeString(cvNote) + "</p></div>\n")
	return b.String()
}

// jsonFloats are float32 values stored in JSON with null for NaN (a missing target).
type jsonFloats []float32

func (v jsonFloats) MarshalJSON() ([]byte, error) {
	out := make([]*float32, len(v))
	for i := range v {
		if !math.IsNaN(float64(v[i])) {
			out[i] = &v[i]
		}
	}
	return json.Marshal(out)
}

func (v *jsonFloats) UnmarshalJSON(raw []byte) error {
	var in []*float32
	if err := json.Unmarshal(raw, &in); err != nil {
		return err
	}
	*v = make([]float32, len(in))
	for i, p := range in {
		(*v)[i] = float32(math.NaN())
		if p != nil {
			(*v)[i] = *p
		}
	}
	return nil
}
