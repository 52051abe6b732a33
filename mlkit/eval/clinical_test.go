// SPDX-License-Identifier: Apache-2.0

package eval

import (
	"errors"
	"math"
	"testing"
)

// binaryCase is one fixed vector set for the binary metrics. Scores double as
// probabilities of class 1 (they are in [0, 1], with exact 0s and 1s to exercise log-loss
// clipping) and predictions are score >= 0.5.
type binaryCase struct {
	Name    string    `json:"name"`
	Labels  []int     `json:"labels"`
	Scores  []float64 `json:"scores"`
	Preds   []int     `json:"preds"`
	Weights []float64 `json:"weights"`
}

func thresholdPreds(scores []float64) []int {
	p := make([]int, len(scores))
	for i, s := range scores {
		if s >= 0.5 {
			p[i] = 1
		}
	}
	return p
}

func binaryCases() []binaryCase {
	cs := []binaryCase{
		{Name: "ties across classes",
			Labels:  []int{1, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0, 1, 0, 1},
			Scores:  []float64{0.9, 0.5, 0.5, 0.7, 0.2, 0.5, 0.3, 0.7, 1, 0, 0.1, 0.5, 0.3, 0.65},
			Weights: []float64{1, 2, 0.5, 3, 1, 1, 0, 2.5, 1, 1, 4, 0.25, 1, 1}},
		{Name: "imbalanced, confident mistakes",
			Labels:  []int{0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 1, 0, 0},
			Scores:  []float64{0.05, 0.1, 0.1, 0.2, 1, 0.4, 0.15, 0.3, 0, 0.8, 0.6, 0.1, 0.2, 0.95, 0.35, 0.05},
			Weights: []float64{0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 5, 5, 0.2, 0.2, 0.2, 5, 0.2, 0.2}},
		{Name: "no false positives",
			Labels:  []int{1, 1, 1, 0, 0, 0, 1},
			Scores:  []float64{0.9, 0.8, 0.4, 0.3, 0.2, 0.1, 0.6},
			Weights: []float64{1, 1, 1, 1, 1, 1, 3}},
		{Name: "all ties",
			Labels:  []int{1, 0, 1, 0, 0},
			Scores:  []float64{0.5, 0.5, 0.5, 0.5, 0.5},
			Weights: []float64{1, 2, 3, 4, 5}},
		{Name: "all negative",
			Labels:  []int{0, 0, 0, 0},
			Scores:  []float64{0.1, 0.7, 0.2, 0.4},
			Weights: []float64{1, 1, 2, 2}},
		{Name: "all positive, all predicted positive",
			Labels:  []int{1, 1, 1},
			Scores:  []float64{0.9, 0.6, 0.8},
			Weights: []float64{1, 2, 3}},
		{Name: "worse than chance",
			Labels:  []int{1, 1, 1, 0, 0, 0, 0, 1, 0},
			Scores:  []float64{0.1, 0.2, 0.35, 0.9, 0.8, 0.6, 0.6, 0.7, 0.3},
			Weights: []float64{1, 1, 1, 1, 1, 1, 1, 1, 1}},
		{Name: "constant prediction",
			Labels:  []int{1, 0, 0, 1, 0},
			Scores:  []float64{0.2, 0.1, 0.3, 0.4, 0.0},
			Weights: []float64{1, 1, 1, 1, 1}},
	}
	for i := range cs {
		cs[i].Preds = thresholdPreds(cs[i].Scores)
	}
	return cs
}

var fbetas = []float64{0, 0.5, 1, 2}
var maxFPRs = []float64{0.05, 0.1, 0.3, 0.5, 1}

type pyCall struct {
	Value  any     `json:"value"`
	Warned bool    `json:"warned"`
	Error  *string `json:"error"`
}

// num returns a call's value as a float, NaN for null (sklearn's nan) or a failed call.
func (c pyCall) num() float64 {
	if f, ok := c.Value.(float64); ok {
		return f
	}
	return math.NaN()
}

func (c pyCall) pair() (float64, float64) {
	if v, ok := c.Value.([]any); ok && len(v) == 2 {
		a, b := math.NaN(), math.NaN()
		if f, ok := v[0].(float64); ok {
			a = f
		}
		if f, ok := v[1].(float64); ok {
			b = f
		}
		return a, b
	}
	return math.NaN(), math.NaN()
}

type binaryRef struct {
	LR        pyCall   `json:"lr"`
	MCC       pyCall   `json:"mcc"`
	FBeta     []pyCall `json:"fbeta"`
	LogLoss   pyCall   `json:"logloss"`
	LogLossW  pyCall   `json:"logloss_w"`
	LogLoss1  pyCall   `json:"logloss_nolabels"`
	AUC       pyCall   `json:"auc"`
	AUCW      pyCall   `json:"auc_w"`
	PAUC      []pyCall `json:"pauc"`
	PAUCW     []pyCall `json:"pauc_w"`
	AccuracyW pyCall   `json:"acc_w"`
	BrierW    pyCall   `json:"brier_w"`
}

const binaryScript = `
from sklearn import metrics as m
out = []
for c in inp["cases"]:
    y, s, p, w = np.array(c["labels"]), np.array(c["scores"], dtype=float), np.array(c["preds"]), np.array(c["weights"], dtype=float)
    r = {}
    r["lr"] = call(m.class_likelihood_ratios, y, p)
    r["mcc"] = call(m.matthews_corrcoef, y, p)
    r["fbeta"] = [call(m.fbeta_score, y, p, beta=b) for b in inp["betas"]]
    r["logloss"] = call(m.log_loss, y, s, labels=[0, 1])
    r["logloss_w"] = call(m.log_loss, y, s, labels=[0, 1], sample_weight=w)
    r["logloss_nolabels"] = call(m.log_loss, y, s)
    r["auc"] = call(m.roc_auc_score, y, s)
    r["auc_w"] = call(m.roc_auc_score, y, s, sample_weight=w)
    r["pauc"] = [call(m.roc_auc_score, y, s, max_fpr=f) for f in inp["max_fprs"]]
    r["pauc_w"] = [call(m.roc_auc_score, y, s, max_fpr=f, sample_weight=w) for f in inp["max_fprs"]]
    r["acc_w"] = call(m.accuracy_score, y, p, sample_weight=w)
    r["brier_w"] = call(m.brier_score_loss, y, s, sample_weight=w)
    out.append(r)
emit(out)
`

func oneClass(labels []int) bool {
	for _, y := range labels {
		if y != labels[0] {
			return false
		}
	}
	return true
}

// agree checks a Go metric against sklearn's value: within tol when sklearn has a
// value, and an ErrUndefined error from Go when sklearn raised or returned NaN.
func agree(t *testing.T, what string, got float64, err error, ref pyCall) {
	t.Helper()
	want := ref.num()
	if ref.Error != nil || math.IsNaN(want) {
		if !errors.Is(err, ErrUndefined) {
			t.Errorf("%s: sklearn gives %v (error %v, warned %v) but Go gives %v, err %v; want ErrUndefined", what, want, ref.Error, ref.Warned, got, err)
		}
		return
	}
	if err != nil || !near(got, want, tol) {
		t.Errorf("%s = %v (err %v), sklearn %v", what, got, err, want)
	}
}

func TestBinaryMetricsMatchSklearn(t *testing.T) {
	cases := binaryCases()
	var refs []binaryRef
	sklearnRun(t, binaryScript, map[string]any{"cases": cases, "betas": fbetas, "max_fprs": maxFPRs}, &refs)
	for ci, c := range cases {
		ref := refs[ci]
		t.Run(c.Name, func(t *testing.T) {
			// Likelihood ratios: sklearn sets an ill-defined ratio to NaN with a warning;
			// Go returns NaN for it too, plus ErrUndefined, and still returns the other.
			lrp, lrm, err := LikelihoodRatios(c.Labels, c.Preds)
			wp, wm := ref.LR.pair()
			for _, r := range []struct {
				name      string
				got, want float64
			}{{"LR+", lrp, wp}, {"LR-", lrm, wm}} {
				switch {
				case math.IsNaN(r.want):
					if !math.IsNaN(r.got) || !errors.Is(err, ErrUndefined) || !ref.LR.Warned {
						t.Errorf("%s = %v, err %v; sklearn NaN (warned %v): want NaN and ErrUndefined", r.name, r.got, err, ref.LR.Warned)
					}
				case !near(r.got, r.want, tol):
					t.Errorf("%s = %v, sklearn %v", r.name, r.got, r.want)
				}
			}
			if !math.IsNaN(wp) && !math.IsNaN(wm) && err != nil {
				t.Errorf("both ratios defined but err %v", err)
			}

			// MCC: the documented difference is one-class labels, where sklearn says 0.
			mcc, err := MCC(c.Labels, c.Preds)
			if oneClass(c.Labels) {
				if !errors.Is(err, ErrUndefined) || ref.MCC.num() != 0 {
					t.Errorf("one-class MCC: Go %v, err %v (want ErrUndefined); sklearn %v (documented as 0)", mcc, err, ref.MCC.num())
				}
			} else {
				agree(t, "MCC", mcc, err, ref.MCC)
			}

			for bi, b := range fbetas {
				f, err := FBeta(c.Labels, c.Preds, b)
				if errors.Is(err, ErrUndefined) {
					// Documented: sklearn returns 0 where F-beta is 0/0, with a warning
					// except for beta 0 (the precision), where it reports 0 silently.
					if (!ref.FBeta[bi].Warned && b != 0) || ref.FBeta[bi].num() != 0 {
						t.Errorf("F%v: Go undefined (%v) but sklearn %v, warned %v", b, err, ref.FBeta[bi].num(), ref.FBeta[bi].Warned)
					}
					continue
				}
				agree(t, "F-beta "+fmtFloat(b), f, err, ref.FBeta[bi])
			}

			ll, err := LogLoss(c.Labels, c.Scores)
			agree(t, "log loss", ll, err, ref.LogLoss)
			llw, err := SampleWeightedLogLoss(c.Labels, c.Scores, c.Weights)
			agree(t, "weighted log loss", llw, err, ref.LogLossW)
			if oneClass(c.Labels) && ref.LogLoss1.Error == nil {
				t.Errorf("sklearn log_loss without labels= was expected to reject one-class labels (the documented difference)")
			}

			auc, err := AUC(c.Labels, c.Scores)
			agree(t, "AUC", auc, err, ref.AUC)
			aucw, err := SampleWeightedAUC(c.Labels, c.Scores, c.Weights)
			agree(t, "weighted AUC", aucw, err, ref.AUCW)
			if u, err := SampleWeightedAUC(c.Labels, c.Scores, nil); err == nil && !near(u, auc, tol) {
				t.Errorf("SampleWeightedAUC(nil) = %v, AUC %v", u, auc)
			}
			for fi, f := range maxFPRs {
				p, err := PartialAUC(c.Labels, c.Scores, f)
				agree(t, "partial AUC to "+fmtFloat(f), p, err, ref.PAUC[fi])
				pw, err := SampleWeightedPartialAUC(c.Labels, c.Scores, c.Weights, f)
				agree(t, "weighted partial AUC to "+fmtFloat(f), pw, err, ref.PAUCW[fi])
			}

			acc, err := SampleWeightedAccuracy(c.Labels, c.Preds, c.Weights)
			agree(t, "weighted accuracy", acc, err, ref.AccuracyW)
			br, err := SampleWeightedBrier(c.Labels, c.Scores, c.Weights)
			agree(t, "weighted Brier", br, err, ref.BrierW)
		})
	}
}

type multiCase struct {
	Name    string      `json:"name"`
	Labels  []int       `json:"labels"`
	Probs   [][]float64 `json:"probs"`
	Preds   []int       `json:"preds"`
	Weights []float64   `json:"weights"`
}

type multiRef struct {
	MCC      pyCall              `json:"mcc"`
	Avg      map[string][]pyCall `json:"avg"` // average → [precision, recall, f1, fbeta...]
	LogLoss  pyCall              `json:"logloss"`
	LogLossW pyCall              `json:"logloss_w"`
}

const multiScript = `
from sklearn import metrics as m
out = []
for c in inp["cases"]:
    y, pr, p, w = np.array(c["labels"]), np.array(c["probs"], dtype=float), np.array(c["preds"]), np.array(c["weights"], dtype=float)
    k = pr.shape[1]
    r = {"mcc": call(m.matthews_corrcoef, y, p), "avg": {}}
    for avg in ["micro", "macro", "weighted"]:
        kw = dict(average=avg, labels=list(range(k)), zero_division=0)
        r["avg"][avg] = [call(m.precision_score, y, p, **kw), call(m.recall_score, y, p, **kw), call(m.f1_score, y, p, **kw)] + [call(m.fbeta_score, y, p, beta=b, **kw) for b in inp["betas"]]
    r["logloss"] = call(m.log_loss, y, pr, labels=list(range(k)))
    r["logloss_w"] = call(m.log_loss, y, pr, labels=list(range(k)), sample_weight=w)
    out.append(r)
emit(out)
`

func TestMultiClassMetricsMatchSklearn(t *testing.T) {
	cases := []multiCase{
		{Name: "three classes",
			Labels: []int{0, 1, 2, 2, 1, 0, 2, 1, 1, 0, 2, 2},
			Probs: [][]float64{{0.7, 0.2, 0.1}, {0.1, 0.6, 0.3}, {0.2, 0.2, 0.6}, {0.5, 0.1, 0.4}, {0.3, 0.3, 0.4},
				{0.9, 0.05, 0.05}, {0, 0, 1}, {1, 0, 0}, {0.2, 0.5, 0.3}, {0.4, 0.35, 0.25}, {0.1, 0.1, 0.8}, {0.3, 0.4, 0.3}},
			Weights: []float64{1, 2, 1, 0.5, 1, 3, 1, 1, 0, 2, 1, 1}},
		{Name: "a class never predicted",
			Labels: []int{0, 0, 0, 1, 1, 2, 2, 3, 3, 3},
			Probs: [][]float64{{0.6, 0.1, 0.2, 0.1}, {0.5, 0.2, 0.2, 0.1}, {0.2, 0.5, 0.2, 0.1}, {0.1, 0.6, 0.2, 0.1}, {0.3, 0.3, 0.3, 0.1},
				{0.4, 0.1, 0.4, 0.1}, {0.3, 0.2, 0.25, 0.25}, {0.1, 0.1, 0.1, 0.7}, {0.1, 0.5, 0.1, 0.3}, {0, 0, 0, 1}},
			Weights: []float64{1, 1, 1, 2, 2, 1, 1, 1, 1, 1}},
		{Name: "a class predicted but never true",
			Labels: []int{0, 0, 1, 1, 0, 1, 0, 1},
			Probs: [][]float64{{0.6, 0.1, 0.3}, {0.2, 0.1, 0.7}, {0.1, 0.8, 0.1}, {0.3, 0.3, 0.4},
				{0.8, 0.1, 0.1}, {0.4, 0.5, 0.1}, {0.3, 0.6, 0.1}, {0.1, 0.1, 0.8}},
			Weights: []float64{1, 1, 1, 1, 2, 2, 2, 2}},
	}
	for i := range cases {
		for _, row := range cases[i].Probs {
			cases[i].Preds = append(cases[i].Preds, argmax(row))
		}
	}
	var refs []multiRef
	sklearnRun(t, multiScript, map[string]any{"cases": cases, "betas": fbetas}, &refs)
	for ci, c := range cases {
		ref := refs[ci]
		t.Run(c.Name, func(t *testing.T) {
			mcc, err := MCC(c.Labels, c.Preds)
			agree(t, "MCC", mcc, err, ref.MCC)
			cm, err := NewConfusionMatrix(c.Labels, c.Preds, defaultClassNames(len(c.Probs[0])))
			if err != nil {
				t.Fatal(err)
			}
			avgs := map[string][]float64{
				"micro":    {cm.MicroPrecision(), cm.MicroRecall(), cm.MicroF1()},
				"macro":    {cm.MacroPrecision(), cm.MacroRecall(), cm.MacroF1()},
				"weighted": {cm.WeightedPrecision(), cm.WeightedRecall(), cm.WeightedF1()},
			}
			for _, b := range fbetas {
				avgs["micro"] = append(avgs["micro"], cm.MicroFBeta(b))
				avgs["macro"] = append(avgs["macro"], cm.MacroFBeta(b))
				avgs["weighted"] = append(avgs["weighted"], cm.WeightedFBeta(b))
			}
			names := []string{"precision", "recall", "F1", "F0", "F0.5", "F1(beta)", "F2"}
			for avg, got := range avgs {
				for i, g := range got {
					agree(t, avg+" "+names[i], g, nil, ref.Avg[avg][i])
				}
			}
			if acc := cm.Accuracy(); !near(cm.MicroF1(), acc, tol) {
				t.Errorf("micro F1 %v should equal accuracy %v for single-label data", cm.MicroF1(), acc)
			}
			ll, err := MultiClassLogLoss(c.Labels, c.Probs)
			agree(t, "log loss", ll, err, ref.LogLoss)
			llw, err := SampleWeightedMultiClassLogLoss(c.Labels, c.Probs, c.Weights)
			agree(t, "weighted log loss", llw, err, ref.LogLossW)
		})
	}
}

func TestNewMetricsRejectBadInput(t *testing.T) {
	labels, scores := []int{0, 1, 1, 0}, []float64{0.1, 0.8, 0.6, 0.4}
	checks := []struct {
		name string
		err  error
		is   error // nil: any error
	}{
		{"weights length", func() error { _, err := SampleWeightedAUC(labels, scores, []float64{1, 2}); return err }(), nil},
		{"negative weight", func() error { _, err := SampleWeightedBrier(labels, scores, []float64{1, -1, 1, 1}); return err }(), nil},
		{"NaN weight", func() error {
			_, err := SampleWeightedAccuracy(labels, labels, []float64{1, math.NaN(), 1, 1})
			return err
		}(), nil},
		{"zero weights", func() error { _, err := SampleWeightedLogLoss(labels, scores, make([]float64, 4)); return err }(), ErrUndefined},
		{"positives weigh 0", func() error { _, err := SampleWeightedAUC(labels, scores, []float64{1, 0, 0, 1}); return err }(), ErrUndefined},
		{"maxFPR 0", func() error { _, err := PartialAUC(labels, scores, 0); return err }(), nil},
		{"maxFPR 1.5", func() error { _, err := PartialAUC(labels, scores, 1.5); return err }(), nil},
		{"one class pAUC", func() error { _, err := PartialAUC([]int{1, 1}, []float64{0.2, 0.3}, 0.1); return err }(), ErrUndefined},
		{"negative beta", func() error { _, err := FBeta(labels, labels, -1); return err }(), nil},
		{"prediction 2", func() error { _, _, err := LikelihoodRatios(labels, []int{0, 2, 1, 0}); return err }(), nil},
		{"label 2", func() error { _, err := FBeta([]int{0, 2, 1, 0}, labels, 1); return err }(), nil},
		{"probability 1.2", func() error { _, err := LogLoss(labels, []float64{0.1, 1.2, 0.5, 0.5}); return err }(), nil},
		{"row sums to 2", func() error {
			_, err := MultiClassLogLoss([]int{0, 1}, [][]float64{{0.5, 0.5}, {1, 1}})
			return err
		}(), nil},
		{"empty", func() error { _, err := MCC(nil, nil); return err }(), ErrEmpty},
	}
	for _, c := range checks {
		if c.err == nil || (c.is != nil && !errors.Is(c.err, c.is)) {
			t.Errorf("%s: err %v, want an error (wrapping %v)", c.name, c.err, c.is)
		}
	}
	defer func() {
		if recover() == nil {
			t.Error("ConfusionMatrix.FBeta with beta NaN must panic")
		}
	}()
	cm, _ := NewConfusionMatrix(labels, labels, nil)
	cm.FBeta(0, math.NaN())
}

func TestOperatingPointLikelihoodRatios(t *testing.T) {
	labels := []int{1, 1, 0, 1, 1, 0, 1, 0, 0, 0}
	scores := []float64{0.9, 0.8, 0.7, 0.6, 0.55, 0.5, 0.4, 0.3, 0.2, 0.1}
	op, err := AtThreshold(labels, scores, 0.55)
	if err != nil {
		t.Fatal(err)
	}
	p, m, err := op.LikelihoodRatios()
	wp, wm, werr := LikelihoodRatios(labels, thresholdAt(scores, 0.55))
	if err != nil || werr != nil || p != wp || m != wm {
		t.Fatalf("operating point LR %v %v (%v), from predictions %v %v (%v)", p, m, err, wp, wm, werr)
	}
	// Sensitivity 0.8, specificity 0.8: LR+ = 0.8/0.2 = 4, LR- = 0.2/0.8 = 0.25.
	if !near(p, 4, tol) || !near(m, 0.25, tol) {
		t.Errorf("LR+ %v LR- %v, want 4 and 0.25", p, m)
	}
}

func thresholdAt(scores []float64, th float64) []int {
	p := make([]int, len(scores))
	for i, s := range scores {
		if s >= th {
			p[i] = 1
		}
	}
	return p
}
