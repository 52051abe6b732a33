// SPDX-License-Identifier: Apache-2.0

package report

import (
	"bytes"
	"encoding/json"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/medgo-lab/medgo/mlkit/data"
	"github.com/medgo-lab/medgo/mlkit/eval"
	"github.com/medgo-lab/medgo/mlkit/models"
	"github.com/medgo-lab/medgo/mlkit/train"
)

// wdbcSplit loads WDBC (skipping when the data directory is not available) and standardizes it.
func wdbcSplit(t *testing.T) *data.Split {
	t.Helper()
	if os.Getenv("MEDGO_DATA") == "" {
		if _, err := os.Stat("../../../shared/data/uci/wdbc.data"); err != nil {
			t.Skip("WDBC not available: set MEDGO_DATA to the data directory")
		}
		t.Setenv("MEDGO_DATA", "../../../shared/data")
	}
	d, err := data.LoadWDBC()
	if err != nil {
		t.Fatal(err)
	}
	split, err := data.StratifiedSplit(d, 42, 0.7, 0.15, 0.15)
	if err != nil {
		t.Fatal(err)
	}
	return data.FitStandardizer(split.Train).ApplySplit(split)
}

// sizeBands splits the test tumours at the median of the first feature (mean radius).
func sizeBands(test *data.Dataset) []string {
	radius := make([]float64, test.Len())
	for i := range radius {
		radius[i] = float64(test.Example(i)[0])
	}
	sorted := slices.Clone(radius)
	slices.Sort(sorted)
	median := sorted[len(sorted)/2]
	out := make([]string, len(radius))
	for i, r := range radius {
		out[i] = "small"
		if r >= median {
			out[i] = "large"
		}
	}
	return out
}

func TestReportWDBC(t *testing.T) {
	split := wdbcSplit(t)
	dir := t.TempDir()
	run, err := train.New("wdbc-report", models.MLP(16).Done()).Epochs(12).Dir(dir).Quiet().Done().Fit(split)
	if err != nil {
		t.Fatal(err)
	}
	bands := sizeBands(split.Test)
	rep, err := New(run.Dir).
		IntendedUse("Teaching how a tabular classifier is validated.").
		Groups("tumour size", bands).
		Limit("The size bands are an illustration, not a clinical attribute.").
		Done()
	if err != nil {
		t.Fatal(err)
	}

	// The headline is the test part's evaluation, computed independently here.
	pred, err := run.Predict(split.Test)
	if err != nil {
		t.Fatal(err)
	}
	want, err := eval.Classify(split.Test.Labels(), pred.Probs, split.Test.Classes, eval.WithCI())
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"auc", "accuracy", "sensitivity", "ece"} {
		if got, w := rep.Headline[k], want.Headline()[k]; got != w || math.IsNaN(got) {
			t.Errorf("headline %s = %v, want %v", k, got, w)
		}
		c := rep.CI[k]
		if !(c.Lower <= rep.Headline[k] && rep.Headline[k] <= c.Upper && c.Upper > c.Lower) {
			t.Errorf("%s's interval [%v, %v] does not hold its value %v", k, c.Lower, c.Upper, rep.Headline[k])
		}
	}
	if rep.Headline["auc"] < 0.95 {
		t.Errorf("test AUC %.3f < 0.95: WDBC's MLP should rank nearly perfectly", rep.Headline["auc"])
	}

	md := rep.Markdown()
	for _, s := range []string{
		NotAMedicalDevice, "## Intended use", "Teaching how a tabular classifier", "## Data", "Breast Cancer Wisconsin", "CC BY 4.0",
		"## Splits", "## Model and training", "## Test performance", "## Calibration", "## Subgroups", "tumour size",
		"## Decision curve", "## Known limits", "The size bands are an illustration", "Internal validation only",
		"medgo report wdbc-report", "University of Wisconsin",
	} {
		if !strings.Contains(md, s) {
			t.Errorf("the Markdown report lacks %q", s)
		}
	}
	// Split sizes are the run's own.
	for _, p := range []struct {
		name string
		n    int
	}{{"train", split.Train.Len()}, {"validation", split.Val.Len()}, {"test", split.Test.Len()}} {
		if !regexp.MustCompile(`(?m)^\| ` + p.name + ` \| ` + strconv.Itoa(p.n) + ` \|`).MatchString(md) {
			t.Errorf("the splits table lacks %s with %d examples", p.name, p.n)
		}
	}
	// Both size bands have a row, and their counts add up to the test part.
	total := 0
	for _, g := range []string{"small", "large"} {
		m := regexp.MustCompile(`(?m)^\| ` + g + ` \| (\d+) \|`).FindStringSubmatch(md)
		if m == nil {
			t.Errorf("no subgroup row for %q", g)
			continue
		}
		n, _ := strconv.Atoi(m[1])
		total += n
	}
	if total != split.Test.Len() {
		t.Errorf("subgroup rows hold %d examples; the test part has %d", total, split.Test.Len())
	}
	// The decision-curve table's treat-all column follows from the prevalence.
	prev := 0.0
	for _, l := range split.Test.Labels() {
		prev += float64(l)
	}
	prev /= float64(split.Test.Len())
	row := regexp.MustCompile(`(?m)^\| 0\.2 \| (-?[0-9.]+) \| (-?[0-9.]+) \| 0\.000 \|`).FindStringSubmatch(md)
	if row == nil {
		t.Fatalf("no decision-curve row at 0.2 in\n%s", md)
	}
	if all, _ := strconv.ParseFloat(row[2], 64); math.Abs(all-(prev-(1-prev)*0.25)) > 5e-4 {
		t.Errorf("treat-all net benefit at 0.2 = %v, want %.4f", all, prev-(1-prev)*0.25)
	}

	// The HTML page is self-contained and embeds every figure.
	page := rep.HTML()
	figs := 0
	for _, b := range rep.blocks {
		if b.figure != nil {
			figs++
		}
	}
	if figs < 5 {
		t.Errorf("%d figures; want training curves, ROC, PR, confusion, reliability, subgroups and decision curve", figs)
	}
	if n := strings.Count(page, `src="data:image/png;base64,`); n != figs {
		t.Errorf("the page embeds %d images; the report has %d figures", n, figs)
	}
	if strings.Contains(page, "<script") || regexp.MustCompile(`src="https?:`).MatchString(page) {
		t.Error("the page loads scripts or external resources")
	}

	// Save adds the report's files and changes nothing else in the run.
	before := snapshot(t, run.Dir)
	if err := rep.Save(); err != nil {
		t.Fatal(err)
	}
	after := snapshot(t, run.Dir)
	for name, content := range before {
		if !bytes.Equal(after[name], content) {
			t.Errorf("Save changed %s", name)
		}
	}
	for _, f := range []string{HTMLFile, MarkdownFile, CardFile} {
		if _, ok := after[f]; !ok {
			t.Errorf("Save did not write %s", f)
		}
	}
	for _, m := range regexp.MustCompile(`\]\((report-figures/[a-z0-9-]+\.png)\)`).FindAllStringSubmatch(md, -1) {
		if _, ok := after[m[1]]; !ok {
			t.Errorf("report.md refers to %s, which Save did not write", m[1])
		}
	}

	// A later report of the run, with no options, reads the card back: same use, same groups.
	again, err := Write(run.Dir)
	if err != nil {
		t.Fatal(err)
	}
	if again.Card.IntendedUse != rep.Card.IntendedUse || !slices.Equal(again.Card.Groups, bands) || again.Headline["auc"] != rep.Headline["auc"] {
		t.Errorf("the saved card did not come back: %+v", again.Card)
	}
}

// snapshot reads every file under dir, keyed by its slash path relative to dir.
func snapshot(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		b, err := os.ReadFile(p)
		out[filepath.ToSlash(rel)] = b
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// synthetic makes a small data set whose target follows the first feature.
func synthetic(task data.Task, n int) *data.Split {
	rng := rand.New(rand.NewPCG(3, 4))
	d := &data.Dataset{Name: "synthetic", Task: task, Shape: []int{4}}
	for range n {
		x := make([]float32, 4)
		for j := range x {
			x[j] = float32(rng.NormFloat64())
		}
		d.X = append(d.X, x...)
		switch task {
		case data.Regression:
			d.Y = append(d.Y, 2*x[0]+0.1*float32(rng.NormFloat64()))
		case data.MultiLabel:
			a, b := float32(0), float32(0)
			if x[0] > 0 {
				a = 1
			}
			if x[1] > 0 {
				b = 1
			}
			if rng.IntN(5) == 0 {
				b = float32(math.NaN())
			}
			d.Y = append(d.Y, a, b)
		default:
			y := float32(0)
			if x[0] > 0 {
				y = 1
			}
			d.Y = append(d.Y, y)
		}
	}
	switch task {
	case data.Regression:
		d.Targets = []string{"value"}
	case data.MultiLabel:
		d.Targets = []string{"first", "second"}
	default:
		d.Classes = []string{"no", "yes"}
	}
	idx := rand.New(rand.NewPCG(5, 6)).Perm(n)
	return &data.Split{Train: d.Subset(idx[:n*6/10]), Val: d.Subset(idx[n*6/10 : n*8/10]), Test: d.Subset(idx[n*8/10:])}
}

func TestReportOtherTasks(t *testing.T) {
	cases := []struct {
		name  string
		task  data.Task
		want  []string // in the Markdown
		check func(t *testing.T, run *train.Run, split *data.Split, rep *Report)
	}{
		{"regression", data.Regression, []string{"RMSE", "predicted-vs-true.png", "Prediction intervals are not given", "source not recorded"},
			func(t *testing.T, run *train.Run, split *data.Split, rep *Report) {
				pred, err := run.Predict(split.Test)
				if err != nil {
					t.Fatal(err)
				}
				truth := make([]float64, split.Test.Len())
				for i := range truth {
					truth[i] = float64(split.Test.Y[i])
				}
				want, _ := eval.RMSE(truth, pred.Column(0))
				if got := rep.Headline["rmse"]; got != want || !(got < 1.5) {
					t.Errorf("rmse %v, want %v (and below the target's SD of 2)", got, want)
				}
			}},
		{"multi-label", data.MultiLabel, []string{"macro AUC", "| first |", "| second |", "missing"},
			func(t *testing.T, run *train.Run, split *data.Split, rep *Report) {
				if auc := rep.Headline["macro_auc"]; !(auc > 0.8) {
					t.Errorf("macro AUC %v; both tasks follow one feature", auc)
				}
				if c := rep.CI["macro_auc"]; !(c.Lower < c.Upper) {
					t.Errorf("no interval for the macro AUC: %+v", c)
				}
			}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			split := synthetic(c.task, 400)
			run, err := train.New("synthetic-"+c.name, models.MLP(8).Done()).Epochs(15).Adam(1e-2).Dir(t.TempDir()).Quiet().Done().Fit(split)
			if err != nil {
				t.Fatal(err)
			}
			rep, err := New(run.Dir).Source(data.Provenance{Title: "made-up numbers", Licence: "none needed"}).Done()
			if err != nil {
				t.Fatal(err)
			}
			md := rep.Markdown()
			for _, s := range c.want {
				if s == "source not recorded" {
					continue // a Source was given
				}
				if !strings.Contains(md, s) {
					t.Errorf("the report lacks %q", s)
				}
			}
			if !strings.Contains(md, "made-up numbers") || strings.Contains(md, "source not recorded") {
				t.Error("the report does not describe the data with the given Source")
			}
			if strings.Contains(md, "## Subgroups") || strings.Contains(md, "## Decision curve") {
				t.Error("subgroup and decision-curve sections are for binary tasks")
			}
			c.check(t, run, split, rep)
		})
	}
}

func TestReportErrors(t *testing.T) {
	split := synthetic(data.Binary, 200)
	dir := t.TempDir()
	run, err := train.New("small", models.MLP(4).Done()).Epochs(2).Dir(dir).Quiet().Done().Fit(split)
	if err != nil {
		t.Fatal(err)
	}
	noTest := &data.Split{Train: split.Train, Val: split.Val}
	runNoTest, err := train.New("no-test", models.MLP(4).Done()).Epochs(1).Dir(dir).Quiet().Done().Fit(noTest)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		b    *Builder
		want string
	}{
		{"no run", New(filepath.Join(dir, "missing")), "train it first"},
		{"no test part", New(runNoTest.Dir), "has no test part"},
		{"groups of the wrong length", New(run.Dir).Groups("site", []string{"a", "b"}), "2 group values for 40 test examples"},
		{"threshold outside (0, 1)", New(run.Dir).Threshold(1.5), "not a probability"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := c.b.Done()
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %v; want one saying %q", err, c.want)
			}
		})
	}

	// A damaged card is reported and left as it is.
	card := filepath.Join(run.Dir, CardFile)
	if err := os.WriteFile(card, []byte("{not json"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Write(run.Dir); err == nil || !strings.Contains(err.Error(), "not a valid card") {
		t.Errorf("a damaged card gave %v", err)
	}
	if b, _ := os.ReadFile(card); string(b) != "{not json" {
		t.Error("the damaged card was changed")
	}
	// The card's JSON is what Save writes for a Card.
	var c Card
	if err := json.Unmarshal([]byte(`{"group_name":"site","groups":["a"],"threshold":0.3}`), &c); err != nil || c.Threshold != 0.3 || c.GroupName != "site" {
		t.Errorf("card fields: %+v, %v", c, err)
	}
}
