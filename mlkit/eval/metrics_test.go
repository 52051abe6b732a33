// SPDX-License-Identifier: Apache-2.0

package eval

import (
	"errors"
	"math"
	"testing"
)

const tol = 1e-9

func near(a, b, eps float64) bool {
	if math.IsNaN(a) || math.IsNaN(b) {
		return math.IsNaN(a) && math.IsNaN(b)
	}
	return math.Abs(a-b) <= eps
}

// Hand-computed values; the comment next to each case shows the arithmetic.
func TestAUC(t *testing.T) {
	tests := []struct {
		name   string
		labels []int
		scores []float64
		want   float64
	}{
		// Positives {0.35, 0.8} vs negatives {0.1, 0.4}: 3 of 4 pairs ordered correctly.
		{"textbook", []int{0, 0, 1, 1}, []float64{0.1, 0.4, 0.35, 0.8}, 0.75},
		// Positives {0.9, 0.5, 0.5} vs negatives {0.5, 0.2, 0.1}: 3 + 2×(0.5+1+1) = 8 of 9 pairs.
		{"ties count one half", []int{1, 1, 1, 0, 0, 0}, []float64{0.9, 0.5, 0.5, 0.5, 0.2, 0.1}, 8.0 / 9},
		{"all scores equal", []int{0, 1, 0, 1, 1}, []float64{0.3, 0.3, 0.3, 0.3, 0.3}, 0.5},
		{"perfect", []int{0, 0, 1, 1}, []float64{0.1, 0.2, 0.8, 0.9}, 1},
		{"inverted", []int{1, 1, 0, 0}, []float64{0.1, 0.2, 0.8, 0.9}, 0},
		// Positives 0.9,0.8,0.6,0.55,0.4 beat 5,5,4,4,3 of the 5 negatives: 21/25.
		{"ten examples", []int{1, 1, 0, 1, 1, 0, 1, 0, 0, 0}, []float64{0.9, 0.8, 0.7, 0.6, 0.55, 0.5, 0.4, 0.3, 0.2, 0.1}, 0.84},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := AUC(tc.labels, tc.scores)
			if err != nil {
				t.Fatal(err)
			}
			if !near(got, tc.want, tol) {
				t.Errorf("AUC = %v, want %v", got, tc.want)
			}
			// The trapezoid must equal the Mann–Whitney statistic computed pair by pair.
			if mw := mannWhitney(tc.labels, tc.scores); !near(got, mw, tol) {
				t.Errorf("AUC = %v but pairwise Mann–Whitney gives %v", got, mw)
			}
			roc, err := ROC(tc.labels, tc.scores)
			if err != nil {
				t.Fatal(err)
			}
			if !near(roc.AUC, tc.want, tol) {
				t.Errorf("ROC.AUC = %v, want %v", roc.AUC, tc.want)
			}
			last := len(roc.FPR) - 1
			if roc.FPR[0] != 0 || roc.TPR[0] != 0 || roc.FPR[last] != 1 || roc.TPR[last] != 1 {
				t.Errorf("ROC must run from (0,0) to (1,1), got (%v,%v)…(%v,%v)", roc.FPR[0], roc.TPR[0], roc.FPR[last], roc.TPR[last])
			}
			if !math.IsInf(roc.Thresholds[0], 1) {
				t.Errorf("first threshold = %v, want +Inf", roc.Thresholds[0])
			}
		})
	}
}

func mannWhitney(labels []int, scores []float64) float64 {
	var u, pairs float64
	for i := range labels {
		for j := range labels {
			if labels[i] != 1 || labels[j] != 0 {
				continue
			}
			pairs++
			switch {
			case scores[i] > scores[j]:
				u++
			case scores[i] == scores[j]:
				u += 0.5
			}
		}
	}
	return u / pairs
}

func TestROCPointsWithTies(t *testing.T) {
	roc, err := ROC([]int{1, 1, 1, 0, 0, 0}, []float64{0.9, 0.5, 0.5, 0.5, 0.2, 0.1})
	if err != nil {
		t.Fatal(err)
	}
	// Distinct thresholds +Inf, 0.9, 0.5, 0.2, 0.1: the tie at 0.5 is one diagonal step.
	wantFPR := []float64{0, 0, 1.0 / 3, 2.0 / 3, 1}
	wantTPR := []float64{0, 1.0 / 3, 1, 1, 1}
	if len(roc.FPR) != len(wantFPR) {
		t.Fatalf("ROC has %d points, want %d: FPR=%v TPR=%v", len(roc.FPR), len(wantFPR), roc.FPR, roc.TPR)
	}
	for i := range wantFPR {
		if !near(roc.FPR[i], wantFPR[i], tol) || !near(roc.TPR[i], wantTPR[i], tol) {
			t.Errorf("point %d = (%v, %v), want (%v, %v)", i, roc.FPR[i], roc.TPR[i], wantFPR[i], wantTPR[i])
		}
	}
}

func TestAveragePrecision(t *testing.T) {
	tests := []struct {
		name   string
		labels []int
		scores []float64
		want   float64
	}{
		// Thresholds 0.8 (P=1, R=.5), 0.4 (P=.5, R=.5), 0.35 (P=2/3, R=1): .5·1 + .5·2/3.
		{"textbook", []int{0, 0, 1, 1}, []float64{0.1, 0.4, 0.35, 0.8}, 0.5 + 1.0/3},
		// 0.9: P=1, R=1/3; 0.5 (tie of 2 positives and 1 negative): P=3/4, R=1 → 1/3 + 2/3·3/4.
		{"ties", []int{1, 1, 1, 0, 0, 0}, []float64{0.9, 0.5, 0.5, 0.5, 0.2, 0.1}, 1.0/3 + 0.5},
		// A single threshold: AP is the prevalence.
		{"all scores equal", []int{0, 1, 0, 1, 1}, []float64{0.3, 0.3, 0.3, 0.3, 0.3}, 0.6},
		{"perfect", []int{0, 0, 1, 1}, []float64{0.1, 0.2, 0.8, 0.9}, 1},
		// Positives ranked last: 1/3·1/3 + 1/3·2/4 + 1/3·3/5... with 3 negatives first.
		{"positives last", []int{0, 0, 0, 1, 1, 1}, []float64{6, 5, 4, 3, 2, 1}, (1.0/4 + 2.0/5 + 3.0/6) / 3},
		{"no negatives", []int{1, 1}, []float64{0.2, 0.7}, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := AveragePrecision(tc.labels, tc.scores)
			if err != nil {
				t.Fatal(err)
			}
			if !near(got, tc.want, tol) {
				t.Errorf("AP = %v, want %v", got, tc.want)
			}
			pr, err := PR(tc.labels, tc.scores)
			if err != nil {
				t.Fatal(err)
			}
			if !near(pr.AP, tc.want, tol) {
				t.Errorf("PR.AP = %v, want %v", pr.AP, tc.want)
			}
			if pr.Recall[0] != 0 || pr.Precision[0] != 1 || pr.Recall[len(pr.Recall)-1] != 1 {
				t.Errorf("PR curve must start at (R=0, P=1) and end at R=1: R=%v P=%v", pr.Recall, pr.Precision)
			}
		})
	}
}

func TestBinaryErrors(t *testing.T) {
	tests := []struct {
		name      string
		labels    []int
		scores    []float64
		undefined bool // errors.Is(err, ErrUndefined)
		empty     bool
	}{
		{"empty", nil, nil, false, true},
		{"length mismatch", []int{0, 1}, []float64{0.5}, false, false},
		{"label out of range", []int{0, 2}, []float64{0.5, 0.5}, false, false},
		{"NaN score", []int{0, 1}, []float64{math.NaN(), 0.5}, false, false},
		{"only negatives", []int{0, 0, 0}, []float64{0.1, 0.2, 0.3}, true, false},
		{"only positives", []int{1, 1}, []float64{0.1, 0.2}, true, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := AUC(tc.labels, tc.scores)
			if err == nil {
				t.Fatal("AUC: want an error")
			}
			if errors.Is(err, ErrUndefined) != tc.undefined {
				t.Errorf("errors.Is(%v, ErrUndefined) = %v, want %v", err, !tc.undefined, tc.undefined)
			}
			if errors.Is(err, ErrEmpty) != tc.empty {
				t.Errorf("errors.Is(%v, ErrEmpty) = %v, want %v", err, !tc.empty, tc.empty)
			}
			if _, err := ROC(tc.labels, tc.scores); err == nil {
				t.Error("ROC: want an error")
			}
		})
	}
	if _, err := AveragePrecision([]int{0, 0}, []float64{0.1, 0.2}); !errors.Is(err, ErrUndefined) {
		t.Errorf("AP without positives: err = %v, want ErrUndefined", err)
	}
}

func TestMacroAUC(t *testing.T) {
	labels := []int{0, 1, 2, 0, 1, 2, 0}
	probs := [][]float64{
		{0.7, 0.2, 0.1}, {0.2, 0.5, 0.3}, {0.1, 0.3, 0.6},
		{0.4, 0.4, 0.2}, {0.3, 0.3, 0.4}, {0.3, 0.3, 0.4}, {0.2, 0.5, 0.3},
	}
	got, err := MacroAUC(labels, probs)
	if err != nil {
		t.Fatal(err)
	}
	want := 0.0
	for c := range 3 {
		bl, sc := oneVsRest(labels, probs, c)
		want += mannWhitney(bl, sc) / 3
	}
	if !near(got, want, tol) {
		t.Errorf("MacroAUC = %v, want mean of pairwise OvR AUCs %v", got, want)
	}
	apGot, err := MacroAveragePrecision(labels, probs)
	if err != nil {
		t.Fatal(err)
	}
	apWant := 0.0
	for c := range 3 {
		bl, sc := oneVsRest(labels, probs, c)
		a, _ := AveragePrecision(bl, sc)
		apWant += a / 3
	}
	if !near(apGot, apWant, tol) {
		t.Errorf("MacroAveragePrecision = %v, want mean of OvR APs %v", apGot, apWant)
	}
	bl, sc := oneVsRest(labels, probs, 0)
	// Class 0: positives {.7, .4, .2} vs negatives {.2, .1, .3, .3}: 4 + 4 + (0.5 + 1) = 9.5 of 12 pairs.
	if a, _ := AUC(bl, sc); !near(a, 9.5/12, tol) {
		t.Errorf("OvR AUC of class 0 = %v, want 9.5/12", a)
	}
	if _, err := MacroAUC([]int{0, 0, 1}, [][]float64{{.5, .3, .2}, {.6, .2, .2}, {.1, .8, .1}}); err == nil {
		t.Error("MacroAUC with class 2 absent: want an error")
	}
	perfect := [][]float64{{1, 0, 0}, {0, 1, 0}, {0, 0, 1}}
	if a, err := MacroAUC([]int{0, 1, 2}, perfect); err != nil || a != 1 {
		t.Errorf("MacroAUC of perfect predictions = %v, %v; want 1", a, err)
	}
}

func TestCalibration(t *testing.T) {
	tests := []struct {
		name    string
		labels  []int
		probs   []float64
		bins    int
		wantECE float64
		wantMCE float64
		counts  []int
	}{
		// Bin [0,.5): mean .1, 1 of 2 positive → gap .4, weight 2/5.
		// Bin [.5,1]: mean (.55+.65+.95)/3, 2 of 3 positive → gap .05, weight 3/5.
		{"two bins", []int{0, 1, 0, 1, 1}, []float64{0.05, 0.15, 0.55, 0.65, 0.95}, 2, 0.4*2/5 + 0.05*3/5, 0.4, []int{2, 3}},
		{"perfectly calibrated", []int{0, 1, 0, 1}, []float64{0.5, 0.5, 0.5, 0.5}, 10, 0, 0, []int{0, 0, 0, 0, 0, 4, 0, 0, 0, 0}},
		// Edges are closed on the left; 1.0 falls in the last bin.
		{"edges", []int{1, 1, 0}, []float64{0.3, 1.0, 0.0}, 10, (0.7 + 0 + 0) / 3, 0.7, []int{1, 0, 0, 1, 0, 0, 0, 0, 0, 1}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Reliability(tc.labels, tc.probs, tc.bins)
			if err != nil {
				t.Fatal(err)
			}
			if !near(c.ECE, tc.wantECE, tol) || !near(c.MCE, tc.wantMCE, tol) {
				t.Errorf("ECE, MCE = %v, %v; want %v, %v", c.ECE, c.MCE, tc.wantECE, tc.wantMCE)
			}
			for b, want := range tc.counts {
				if c.Count[b] != want {
					t.Errorf("bin %d count = %d, want %d (counts %v)", b, c.Count[b], want, c.Count)
				}
				if want == 0 && !math.IsNaN(c.MeanPredicted[b]) {
					t.Errorf("empty bin %d mean = %v, want NaN", b, c.MeanPredicted[b])
				}
			}
			e, err := ECE(tc.labels, tc.probs, tc.bins)
			if err != nil || e != c.ECE {
				t.Errorf("ECE() = %v, %v; want %v", e, err, c.ECE)
			}
		})
	}
	if _, err := Reliability([]int{0, 1}, []float64{0.2, 1.2}, 10); err == nil {
		t.Error("probability 1.2: want an error")
	}
	if _, err := Reliability([]int{0, 1}, []float64{0.2, 0.8}, 0); err == nil {
		t.Error("0 bins: want an error")
	}
}

func TestTopLabelReliability(t *testing.T) {
	labels := []int{0, 1, 2, 2}
	probs := [][]float64{{0.9, 0.05, 0.05}, {0.6, 0.3, 0.1}, {0.2, 0.2, 0.6}, {0.1, 0.2, 0.7}}
	c, err := TopLabelReliability(labels, probs, 2)
	if err != nil {
		t.Fatal(err)
	}
	// All confidences are ≥ .5 (bin 1): mean (.9+.6+.6+.7)/4 = .7, 3 of 4 correct → |.75-.7|.
	if c.Count[1] != 4 || !near(c.ECE, 0.05, tol) {
		t.Errorf("counts %v, ECE %v; want [0 4], 0.05", c.Count, c.ECE)
	}
}

func TestBrier(t *testing.T) {
	// (.1² + .2² + .6²)/3
	got, err := Brier([]int{0, 1, 1}, []float64{0.1, 0.8, 0.4})
	if err != nil || !near(got, 0.41/3, tol) {
		t.Errorf("Brier = %v, %v; want %v", got, err, 0.41/3)
	}
	// Two classes: the multi-class Brier score is twice the binary one.
	mc, err := MultiClassBrier([]int{0, 1, 1}, [][]float64{{0.9, 0.1}, {0.2, 0.8}, {0.6, 0.4}})
	if err != nil || !near(mc, 2*0.41/3, tol) {
		t.Errorf("MultiClassBrier = %v, %v; want %v", mc, err, 2*0.41/3)
	}
	if _, err := Brier([]int{0, 1}, []float64{-0.1, 0.5}); err == nil {
		t.Error("negative probability: want an error")
	}
}

func TestRegression(t *testing.T) {
	truth := []float64{1, 2, 3, 4}
	pred := []float64{1, 3, 2, 6} // errors 0, 1, -1, 2
	tests := []struct {
		name string
		f    func(a, b []float64) (float64, error)
		want float64
	}{
		{"RMSE", RMSE, math.Sqrt(6.0 / 4)},
		{"MAE", MAE, 1},
		{"R2", R2, 1 - 6.0/5}, // SS_res 6, SS_tot 5
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.f(truth, pred)
			if err != nil || !near(got, tc.want, tol) {
				t.Errorf("%s = %v, %v; want %v", tc.name, got, err, tc.want)
			}
			if _, err := tc.f(nil, nil); !errors.Is(err, ErrEmpty) {
				t.Errorf("%s(empty) err = %v, want ErrEmpty", tc.name, err)
			}
			if _, err := tc.f(truth, pred[:3]); err == nil {
				t.Errorf("%s with length mismatch: want an error", tc.name)
			}
			if _, err := tc.f([]float64{1, math.Inf(1)}, []float64{1, 2}); err == nil {
				t.Errorf("%s with an infinite value: want an error", tc.name)
			}
		})
	}
	if r2, err := R2([]float64{3, 3, 3}, []float64{3, 3, 4}); err != nil || !math.IsNaN(r2) {
		t.Errorf("R2 with constant truth = %v, %v; want NaN", r2, err)
	}
}

func TestCohenKappa(t *testing.T) {
	// Two raters on 50 items: yes/yes 20, yes/no 5, no/yes 10, no/no 15.
	// p_o = .7, p_e = .5·.6 + .5·.4 = .5 → κ = .4.
	var a, b []int
	add := func(n, x, y int) {
		for range n {
			a, b = append(a, x), append(b, y)
		}
	}
	add(20, 1, 1)
	add(5, 1, 0)
	add(10, 0, 1)
	add(15, 0, 0)
	r1, r2 := []int{0, 1, 2}, []int{0, 2, 2}
	tests := []struct {
		name   string
		a, b   []int
		w      KappaWeights
		want   float64
		isNaN  bool
		hasErr bool
	}{
		{"textbook unweighted", a, b, Unweighted, 0.4, false, false},
		// O: (0,0),(1,2),(2,2); marginals [1,1,1] and [1,0,2].
		// Quadratic: ΣwO/n = 1/3, ΣwE/n² = (4·2 + 1·1 + 1·2 + 4·1)/9 = 15/9 → 1 - 3/15.
		{"ordinal quadratic", r1, r2, Quadratic, 0.8, false, false},
		// Linear: ΣwE/n² = (2·2 + 1 + 2 + 2)/9 = 1 → 1 - 1/3.
		{"ordinal linear", r1, r2, Linear, 2.0 / 3, false, false},
		// Unweighted: p_o = 2/3, p_e = (1·1 + 0 + 1·2)/9 = 1/3 → .5.
		{"ordinal unweighted", r1, r2, Unweighted, 0.5, false, false},
		{"perfect agreement", []int{0, 1, 2, 3}, []int{0, 1, 2, 3}, Quadratic, 1, false, false},
		{"one grade only", []int{2, 2}, []int{2, 2}, Quadratic, 0, true, false},
		{"negative grade", []int{0, -1}, []int{0, 1}, Quadratic, 0, false, true},
		{"length mismatch", []int{0, 1}, []int{0}, Quadratic, 0, false, true},
		{"empty", nil, nil, Quadratic, 0, false, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := CohenKappa(tc.a, tc.b, tc.w)
			if tc.hasErr {
				if err == nil {
					t.Fatal("want an error")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if tc.isNaN {
				if !math.IsNaN(got) {
					t.Errorf("κ = %v, want NaN", got)
				}
				return
			}
			if !near(got, tc.want, tol) {
				t.Errorf("κ = %v, want %v", got, tc.want)
			}
		})
	}
	if q, _ := QuadraticWeightedKappa(r1, r2); !near(q, 0.8, tol) {
		t.Errorf("QuadraticWeightedKappa = %v, want 0.8", q)
	}
}

func TestConfusionMatrix(t *testing.T) {
	labels := []int{0, 0, 0, 1, 1, 2, 2, 2, 2}
	preds := []int{0, 1, 0, 1, 2, 2, 2, 0, 2}
	cm, err := NewConfusionMatrix(labels, preds, []string{"a", "b", "c"})
	if err != nil {
		t.Fatal(err)
	}
	// Counts: a: [2 1 0], b: [0 1 1], c: [1 0 3].
	tests := []struct {
		k                   int
		tp, fp, fn, tn      int
		prec, rec, spec, f1 float64
	}{
		{0, 2, 1, 1, 5, 2.0 / 3, 2.0 / 3, 5.0 / 6, 2.0 / 3},
		{1, 1, 1, 1, 6, 0.5, 0.5, 6.0 / 7, 0.5},
		{2, 3, 1, 1, 4, 0.75, 0.75, 0.8, 0.75},
	}
	for _, tc := range tests {
		if cm.TP(tc.k) != tc.tp || cm.FP(tc.k) != tc.fp || cm.FN(tc.k) != tc.fn || cm.TN(tc.k) != tc.tn {
			t.Errorf("class %d: TP FP FN TN = %d %d %d %d, want %d %d %d %d", tc.k,
				cm.TP(tc.k), cm.FP(tc.k), cm.FN(tc.k), cm.TN(tc.k), tc.tp, tc.fp, tc.fn, tc.tn)
		}
		if !near(cm.Precision(tc.k), tc.prec, tol) || !near(cm.Recall(tc.k), tc.rec, tol) ||
			!near(cm.Specificity(tc.k), tc.spec, tol) || !near(cm.F1(tc.k), tc.f1, tol) {
			t.Errorf("class %d: P R S F1 = %v %v %v %v, want %v %v %v %v", tc.k,
				cm.Precision(tc.k), cm.Recall(tc.k), cm.Specificity(tc.k), cm.F1(tc.k), tc.prec, tc.rec, tc.spec, tc.f1)
		}
	}
	macro := (2.0/3 + 0.5 + 0.75) / 3
	if !near(cm.Accuracy(), 6.0/9, tol) || !near(cm.BalancedAccuracy(), macro, tol) ||
		!near(cm.MacroPrecision(), macro, tol) || !near(cm.MacroF1(), macro, tol) ||
		!near(cm.MacroSpecificity(), (5.0/6+6.0/7+0.8)/3, tol) {
		t.Errorf("accuracy %v, balanced %v, macro P %v, macro F1 %v, macro spec %v", cm.Accuracy(), cm.BalancedAccuracy(),
			cm.MacroPrecision(), cm.MacroF1(), cm.MacroSpecificity())
	}
	if acc, _ := Accuracy(labels, preds); !near(acc, 6.0/9, tol) {
		t.Errorf("Accuracy = %v", acc)
	}
	if ba, _ := BalancedAccuracy(labels, preds); !near(ba, macro, tol) {
		t.Errorf("BalancedAccuracy = %v", ba)
	}

	// A class that is never predicted: precision NaN, counted as 0 in the macro average.
	cm2, _ := NewConfusionMatrix([]int{0, 1, 1}, []int{0, 0, 0}, nil)
	if !math.IsNaN(cm2.Precision(1)) || !near(cm2.MacroPrecision(), (1.0/3+0)/2, tol) {
		t.Errorf("never-predicted class: precision %v, macro %v", cm2.Precision(1), cm2.MacroPrecision())
	}
	// A class absent from the labels is left out of balanced accuracy.
	cm3, _ := NewConfusionMatrix([]int{0, 0, 1}, []int{0, 2, 1}, nil)
	if !near(cm3.BalancedAccuracy(), (0.5+1)/2, tol) {
		t.Errorf("balanced accuracy with an absent class = %v, want 0.75", cm3.BalancedAccuracy())
	}

	for _, bad := range []struct {
		name          string
		labels, preds []int
		classes       []string
	}{
		{"empty", nil, nil, nil},
		{"mismatch", []int{0, 1}, []int{0}, nil},
		{"negative label", []int{-1, 1}, []int{0, 1}, nil},
		{"prediction out of range", []int{0, 1}, []int{0, 2}, []string{"x", "y"}},
	} {
		if _, err := NewConfusionMatrix(bad.labels, bad.preds, bad.classes); err == nil {
			t.Errorf("%s: want an error", bad.name)
		}
	}
}

func TestThresholds(t *testing.T) {
	labels := []int{1, 1, 0, 1, 1, 0, 1, 0, 0, 0}
	scores := []float64{0.9, 0.8, 0.7, 0.6, 0.55, 0.5, 0.4, 0.3, 0.2, 0.1}
	tests := []struct {
		name            string
		f               func() (OperatingPoint, error)
		thr, sens, spec float64
	}{
		// Four of five positives are reached first at 0.55, with one negative above it.
		{"sensitivity 0.8", func() (OperatingPoint, error) { return ThresholdForSensitivity(labels, scores, 0.8) }, 0.55, 0.8, 0.8},
		{"sensitivity 0.95", func() (OperatingPoint, error) { return ThresholdForSensitivity(labels, scores, 0.95) }, 0.4, 1, 0.6},
		{"sensitivity 1", func() (OperatingPoint, error) { return ThresholdForSensitivity(labels, scores, 1) }, 0.4, 1, 0.6},
		{"specificity 0.8", func() (OperatingPoint, error) { return ThresholdForSpecificity(labels, scores, 0.8) }, 0.55, 0.8, 0.8},
		{"specificity 1", func() (OperatingPoint, error) { return ThresholdForSpecificity(labels, scores, 1) }, 0.8, 0.4, 1},
		// J = .6 at 0.55 and at 0.4: the higher threshold wins.
		{"Youden", func() (OperatingPoint, error) { return YoudenThreshold(labels, scores) }, 0.55, 0.8, 0.8},
		{"fixed 0.5", func() (OperatingPoint, error) { return AtThreshold(labels, scores, 0.5) }, 0.5, 0.8, 0.6},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			op, err := tc.f()
			if err != nil {
				t.Fatal(err)
			}
			if op.Threshold != tc.thr || !near(op.Sensitivity, tc.sens, tol) || !near(op.Specificity, tc.spec, tol) {
				t.Errorf("got %v; want threshold %v, sensitivity %v, specificity %v", op, tc.thr, tc.sens, tc.spec)
			}
			if op.TP+op.FN != 5 || op.TN+op.FP != 5 {
				t.Errorf("counts do not add up: %v", op)
			}
		})
	}
	op, _ := AtThreshold(labels, scores, 0.5)
	if !near(op.PPV, 4.0/6, tol) || !near(op.NPV, 0.75, tol) {
		t.Errorf("PPV, NPV = %v, %v; want 2/3, 3/4", op.PPV, op.NPV)
	}
	// Demanding perfect specificity when the top score is a negative: nothing positive.
	op, err := ThresholdForSpecificity([]int{0, 1}, []float64{0.9, 0.2}, 1)
	if err != nil || op.Threshold <= 0.9 || op.TP+op.FP != 0 {
		t.Errorf("got %v, %v; want a threshold above 0.9 calling nothing positive", op, err)
	}
	for name, f := range map[string]func() error{
		"target 0":     func() error { _, err := ThresholdForSensitivity(labels, scores, 0); return err },
		"target 1.5":   func() error { _, err := ThresholdForSensitivity(labels, scores, 1.5); return err },
		"no positives": func() error { _, err := ThresholdForSensitivity([]int{0, 0}, []float64{1, 2}, 0.9); return err },
		"no negatives": func() error { _, err := ThresholdForSpecificity([]int{1, 1}, []float64{1, 2}, 0.9); return err },
		"NaN":          func() error { _, err := AtThreshold(labels, scores, math.NaN()); return err },
	} {
		if f() == nil {
			t.Errorf("%s: want an error", name)
		}
	}
}
