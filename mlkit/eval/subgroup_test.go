// SPDX-License-Identifier: Apache-2.0

package eval

import (
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// subgroupFixture builds examples in four groups: "A" and "B" where the model separates
// the classes well, "C" where its scores are noise, and "<tiny>" with 2 positives only.
func subgroupFixture() (labels []int, probs []float64, groups []string) {
	rng := rand.New(rand.NewPCG(7, 11))
	add := func(g string, n int, pos float64, signal bool) {
		for range n {
			y := 0
			if rng.Float64() < pos {
				y = 1
			}
			p := rng.Float64()
			if signal {
				p = 0.25 + 0.5*float64(y) + 0.3*(rng.Float64()-0.5)
			}
			labels, probs, groups = append(labels, y), append(probs, p), append(groups, g)
		}
	}
	add("A", 200, 0.4, true)
	add("B", 200, 0.4, true)
	add("C", 150, 0.4, false)
	labels, probs, groups = append(labels, 1, 1, 0, 0, 0, 0), append(probs, 0.8, 0.3, 0.2, 0.6, 0.1, 0.4), append(groups, "<tiny>", "<tiny>", "<tiny>", "<tiny>", "<tiny>", "<tiny>")
	return labels, probs, groups
}

func subset(labels []int, probs []float64, groups []string, g string) ([]int, []float64) {
	var l []int
	var p []float64
	for i := range labels {
		if groups[i] == g {
			l, p = append(l, labels[i]), append(p, probs[i])
		}
	}
	return l, p
}

func TestSubgroupsValues(t *testing.T) {
	labels, probs, groups := subgroupFixture()
	tests := []struct {
		name      string
		threshold float64
	}{
		{"default threshold", 0},
		{"threshold 0.4", 0.4},
		{"threshold 1 (ppv undefined)", 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg := SubgroupConfig{Metrics: SubgroupMetricKeys(), Threshold: tc.threshold, Bootstrap: BootstrapConfig{Resamples: 200, Seed: 3}}
			r, err := Subgroups(labels, probs, groups, cfg)
			if err != nil {
				t.Fatal(err)
			}
			thr := tc.threshold
			if thr == 0 {
				thr = 0.5
			}
			if r.Threshold != thr {
				t.Errorf("threshold %v, want %v", r.Threshold, thr)
			}
			wantNames := []string{"<tiny>", "A", "B", "C"} // sorted
			var names []string
			for _, g := range r.Groups {
				names = append(names, g.Name)
			}
			if !slices.Equal(names, wantNames) {
				t.Fatalf("groups %v, want %v", names, wantNames)
			}
			rows := append([]Subgroup{r.Overall}, r.Groups...)
			for _, g := range rows {
				l, p := labels, probs
				if g.Name != OverallGroup || g.N != len(labels) {
					l, p = subset(labels, probs, groups, g.Name)
				}
				// Point estimates agree with the package's plain metric functions.
				op, err := AtThreshold(l, p, thr)
				if err != nil {
					t.Fatal(err)
				}
				want := map[string]float64{
					"sensitivity":       op.Sensitivity,
					"specificity":       op.Specificity,
					"accuracy":          float64(op.TP+op.TN) / float64(len(l)),
					"balanced_accuracy": (op.Sensitivity + op.Specificity) / 2,
					"ppv":               op.PPV,
					"npv":               op.NPV,
				}
				want["auc"], _ = AUC(l, p)
				if g.N != len(l) || g.Positives != op.TP+op.FN || g.Negatives != op.TN+op.FP {
					t.Errorf("%s: n %d (%d+, %d-), want %d (%d+)", g.Name, g.N, g.Positives, g.Negatives, len(l), op.TP+op.FN)
				}
				for m, w := range want {
					sm := g.Metrics[m]
					if !near(sm.Value, w, 1e-12) && !(math.IsNaN(w) && math.IsNaN(sm.Value)) {
						t.Errorf("%s %s = %v, want %v", g.Name, m, sm.Value, w)
					}
					if gap := sm.Value - r.Overall.Metrics[m].Value; !near(sm.Gap, gap, 1e-12) && !math.IsNaN(gap) {
						t.Errorf("%s %s gap %v, want %v", g.Name, m, sm.Gap, gap)
					}
					if math.IsNaN(w) && (sm.CI != nil || sm.GapCI != nil) {
						t.Errorf("%s %s is undefined but has an interval", g.Name, m)
					}
					if sm.CI != nil && !(sm.CI.Lower <= sm.CI.Upper && sm.CI.Level == 0.95 && sm.CI.Resamples+sm.CI.Skipped == 200) {
						t.Errorf("%s %s: bad interval %+v", g.Name, m, *sm.CI)
					}
					if c := sm.GapCI; c != nil && sm.Disparity != (c.Lower > 0 || c.Upper < 0) {
						t.Errorf("%s %s: disparity %v with gap CI %v – %v", g.Name, m, sm.Disparity, c.Lower, c.Upper)
					}
				}
			}
			tiny := r.Groups[0]
			if !tiny.Small || tiny.Metrics["auc"].CI != nil || tiny.Metrics["auc"].GapCI != nil || tiny.Metrics["auc"].Disparity {
				t.Errorf("group with 2 positives: small %v, metrics %+v; want no intervals", tiny.Small, tiny.Metrics["auc"])
			}
			if r.Overall.Small || r.Overall.Metrics["auc"].CI == nil || r.Overall.Metrics["auc"].GapCI != nil || r.Overall.Metrics["auc"].Gap != 0 {
				t.Errorf("overall: %+v", r.Overall.Metrics["auc"])
			}
			if !strings.Contains(strings.Join(r.Notes, "\n"), `group "<tiny>" has 2 positives and 4 negatives, fewer than 5`) {
				t.Errorf("notes lack the small-group note: %q", r.Notes)
			}
			if notes := strings.Join(r.Notes, "\n"); tc.threshold == 1 && !(strings.Contains(notes, "undefined on these data, so no interval: ") && strings.Contains(notes, "ppv in all examples")) {
				t.Errorf("notes lack the undefined-ppv note: %q", r.Notes)
			}
		})
	}
}

func TestSubgroupsDisparity(t *testing.T) {
	labels, probs, groups := subgroupFixture()
	r, err := Subgroups(labels, probs, groups, SubgroupConfig{Order: []string{"C", "A"}, Bootstrap: BootstrapConfig{Resamples: 300, Seed: 1}})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, g := range r.Groups {
		names = append(names, g.Name)
	}
	if want := []string{"C", "A", "<tiny>", "B"}; !slices.Equal(names, want) {
		t.Errorf("order %v, want %v", names, want)
	}
	c := r.Groups[0].Metrics["auc"]
	// C's scores are noise (AUC near 0.5) while overall AUC is far higher.
	if !(c.Gap < -0.2 && c.GapCI != nil && c.GapCI.Upper < 0 && c.Disparity) {
		t.Errorf("group C AUC gap %v, CI %+v, disparity %v: want a flagged negative gap", c.Gap, c.GapCI, c.Disparity)
	}
	if !slices.Contains(r.Disparities(), "C: auc") {
		t.Errorf("Disparities() = %v, want C: auc among them", r.Disparities())
	}
	if !strings.Contains(strings.Join(r.Notes, "\n"), `auc in group "C"`) {
		t.Errorf("notes do not name the flagged gap: %q", r.Notes)
	}

	// Same seed, same result; another seed, other bounds.
	again, _ := Subgroups(labels, probs, groups, SubgroupConfig{Order: []string{"C", "A"}, Bootstrap: BootstrapConfig{Resamples: 300, Seed: 1}})
	other, _ := Subgroups(labels, probs, groups, SubgroupConfig{Order: []string{"C", "A"}, Bootstrap: BootstrapConfig{Resamples: 300, Seed: 2}})
	if *again.Groups[0].Metrics["auc"].GapCI != *c.GapCI {
		t.Errorf("same seed gave %+v and %+v", *again.Groups[0].Metrics["auc"].GapCI, *c.GapCI)
	}
	if *other.Groups[0].Metrics["auc"].GapCI == *c.GapCI {
		t.Errorf("seeds 1 and 2 gave the same interval %+v", *c.GapCI)
	}
}

func TestSubgroupsOneGroup(t *testing.T) {
	// With one group the group is the whole: the gap is 0 on every resample.
	r, err := Subgroups(tenLabels, tenScores, slices.Repeat([]string{"all"}, 10), SubgroupConfig{MinClassCount: 2, Bootstrap: BootstrapConfig{Resamples: 100}})
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range r.Metrics {
		sm := r.Groups[0].Metrics[m]
		if sm.Gap != 0 || sm.GapCI == nil || sm.GapCI.Lower != 0 || sm.GapCI.Upper != 0 || sm.Disparity {
			t.Errorf("%s: gap %v, CI %+v, disparity %v; want exactly 0 and no flag", m, sm.Gap, sm.GapCI, sm.Disparity)
		}
	}
	if !near(r.Overall.Metrics["auc"].Value, 0.84, tol) {
		t.Errorf("AUC %v, want 0.84", r.Overall.Metrics["auc"].Value)
	}
}

func TestSubgroupsAllSmall(t *testing.T) {
	r, err := Subgroups(tenLabels, tenScores, []string{"a", "a", "a", "a", "a", "b", "b", "b", "b", "b"}, SubgroupConfig{MinClassCount: 6})
	if err != nil {
		t.Fatal(err)
	}
	// 5 positives and 5 negatives in all, fewer than 6: nothing gets an interval.
	if len(r.CI()) != 0 || !r.Overall.Small || !r.Groups[0].Small {
		t.Errorf("overall small %v, %d intervals; want small and none", r.Overall.Small, len(r.CI()))
	}
	if s := r.String(); !strings.Contains(s, "no confidence intervals (too few cases)") || !strings.Contains(s, "too few cases") {
		t.Errorf("text does not say why there are no intervals:\n%s", s)
	}
}

func TestSubgroupsOutput(t *testing.T) {
	labels, probs, groups := subgroupFixture()
	r, err := Subgroups(labels, probs, groups, SubgroupConfig{Metrics: []string{"auc", "sensitivity"}, Bootstrap: BootstrapConfig{Resamples: 200}})
	if err != nil {
		t.Fatal(err)
	}
	h := r.Headline()
	keys := r.HeadlineKeys()
	if len(h) != len(keys) {
		t.Errorf("Headline has %d keys, HeadlineKeys %d", len(h), len(keys))
	}
	for _, k := range keys {
		if _, ok := h[k]; !ok {
			t.Errorf("HeadlineKeys has %q, Headline lacks it", k)
		}
	}
	if h["n"] != float64(len(labels)) || h["A:auc"] != r.Groups[1].Metrics["auc"].Value || h["C:auc_gap"] != r.Groups[3].Metrics["auc"].Gap || h["<tiny>:positives"] != 2 {
		t.Errorf("headline values: n %v, A:auc %v, C:auc_gap %v, <tiny>:positives %v", h["n"], h["A:auc"], h["C:auc_gap"], h["<tiny>:positives"])
	}
	cis := r.CI()
	if _, ok := cis["<tiny>:auc"]; ok {
		t.Error("CI() has an interval for the small group")
	}
	if c, ok := cis["C:auc_gap"]; !ok || c != *r.Groups[3].Metrics["auc"].GapCI {
		t.Errorf("CI()[C:auc_gap] = %+v, %v", c, ok)
	}

	text := r.String()
	for _, want := range []string{"Subgroup analysis: 556 examples", "95% CI", "gap to overall", "AUC (ROC)", "sensitivity (recall)", "too few cases", "yes", "note: "} {
		if !strings.Contains(text, want) {
			t.Errorf("text lacks %q:\n%s", want, text)
		}
	}
	lines := strings.Split(strings.TrimSpace(text), "\n")
	// title, blank, header, 5 rows × 2 metrics, then notes
	if len(lines) < 13 || !strings.HasPrefix(lines[3], "overall") || !strings.HasPrefix(lines[5], "<tiny>") {
		t.Errorf("unexpected layout:\n%s", text)
	}
	htm := r.HTML()
	if !strings.Contains(htm, "<table") || !strings.Contains(htm, "&lt;tiny&gt;") || strings.Contains(htm, "<tiny>") {
		t.Errorf("HTML does not escape group names or lacks a table:\n%s", htm)
	}
}

func TestSubgroupsErrors(t *testing.T) {
	l, p := tenLabels, tenScores
	g := []string{"a", "a", "a", "a", "a", "b", "b", "b", "b", "b"}
	nanP := slices.Clone(p)
	nanP[3] = math.NaN()
	badL := slices.Clone(l)
	badL[2] = 2
	emptyG := slices.Clone(g)
	emptyG[4] = ""
	many := make([]string, MaxSubgroups+1)
	for i := range many {
		many[i] = strings.Repeat("x", i+1)
	}
	manyL, manyP := make([]int, len(many)), make([]float64, len(many))
	// 200 groups of 5 positives and 5 negatives: 201·7 values and 200·7 gaps per resample.
	var wideL []int
	var wideP []float64
	var wideG []string
	for g := range 200 {
		for i := range 10 {
			wideL, wideP, wideG = append(wideL, i%2), append(wideP, float64(i)/10), append(wideG, strconv.Itoa(g))
		}
	}
	tests := []struct {
		name          string
		labels        []int
		probs         []float64
		groups        []string
		cfg           SubgroupConfig
		want          string
		wantErrsEmpty bool
	}{
		{"no examples", nil, nil, nil, SubgroupConfig{}, "labels is empty", true},
		{"probabilities short", l, p[:9], g, SubgroupConfig{}, "10 labels but 9 probability values; pass one probability value per label", false},
		{"groups short", l, p, g[:8], SubgroupConfig{}, "10 labels but 8 groups", false},
		{"NaN probability", l, nanP, g, SubgroupConfig{}, "probability value at index 3 is NaN", false},
		{"label 2", badL, p, g, SubgroupConfig{}, "label 2 at index 2", false},
		{"empty group name", l, p, emptyG, SubgroupConfig{}, "group at index 4 is empty", false},
		{"listed group absent", l, p, g, SubgroupConfig{Order: []string{"b", "c"}}, `group "c" in SubgroupConfig.Order has no examples`, true},
		{"listed twice", l, p, g, SubgroupConfig{Order: []string{"b", "b"}}, `"b" is listed twice`, false},
		{"unknown metric", l, p, g, SubgroupConfig{Metrics: []string{"auc", "f1"}}, `unknown subgroup metric "f1"`, false},
		{"metric twice", l, p, g, SubgroupConfig{Metrics: []string{"auc", "auc"}}, `"auc" is listed twice`, false},
		{"no metrics", l, p, g, SubgroupConfig{Metrics: []string{}}, "Metrics is empty", false},
		{"threshold above 1", l, p, g, SubgroupConfig{Threshold: 1.5}, "Threshold 1.5 is not in (0, 1]", false},
		{"threshold NaN", l, p, g, SubgroupConfig{Threshold: math.NaN()}, "Threshold NaN", false},
		{"negative min count", l, p, g, SubgroupConfig{MinClassCount: -1}, "MinClassCount is -1", false},
		{"strata given", l, p, g, SubgroupConfig{Bootstrap: BootstrapConfig{Strata: l}}, "Strata must be nil", false},
		{"too many resamples", l, p, g, SubgroupConfig{Bootstrap: BootstrapConfig{Resamples: MaxResamples + 1}}, "MaxResamples", false},
		{"too many groups", manyL, manyP, many, SubgroupConfig{}, "more than MaxSubgroups", false},
		{"too many bootstrap values", wideL, wideP, wideG, SubgroupConfig{Metrics: SubgroupMetricKeys(), Bootstrap: BootstrapConfig{Resamples: 10_000}}, "2807 values (groups × metrics, with gaps) over 10000 resamples", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := Subgroups(tc.labels, tc.probs, tc.groups, tc.cfg)
			if err == nil || r != nil {
				t.Fatalf("got report %v, error %v; want error containing %q", r != nil, err, tc.want)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not contain %q", err, tc.want)
			}
			if errors.Is(err, ErrEmpty) != tc.wantErrsEmpty {
				t.Errorf("errors.Is(err, ErrEmpty) = %v, want %v (%v)", !tc.wantErrsEmpty, tc.wantErrsEmpty, err)
			}
		})
	}
}
