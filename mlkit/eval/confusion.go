// SPDX-License-Identifier: Apache-2.0

package eval

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// ConfusionMatrix counts examples by true class (rows) and predicted class (columns).
//
// Per-class ratios whose denominator is zero (for instance the precision of a class that
// is never predicted) are NaN. Macro averages count such values as 0, like
// scikit-learn's zero_division=0, so a model is not rewarded for ignoring a class.
type ConfusionMatrix struct {
	Classes []string // class names, one per row and column
	Counts  [][]int  // Counts[true][predicted]
}

// ClassMetrics are the one-vs-rest metrics of one class.
type ClassMetrics struct {
	Class       string
	Support     int // examples whose true class is this one
	Precision   float64
	Recall      float64 // = sensitivity
	Specificity float64
	F1          float64
}

// NewConfusionMatrix counts labels against predictions. classes names the classes; when
// nil, the classes are 0..max(label, prediction) named by their index.
//
// Labels and predictions must be class indices: in 0..len(classes)-1 when classes is
// given, and in 0..MaxClasses-1 when it is nil (the matrix has k×k cells, so an
// unmapped raw code such as 100000 would otherwise ask for 10^10 of them). At most
// MaxClasses class names are accepted. Everything is checked before anything is
// allocated; the error names the offending value and its index.
func NewConfusionMatrix(labels, preds []int, classes []string) (*ConfusionMatrix, error) {
	if err := checkLen("labels", len(labels), "predictions", len(preds)); err != nil {
		return nil, err
	}
	if len(classes) > MaxClasses {
		return nil, fmt.Errorf("eval: %d class names, more than MaxClasses = %d: the confusion matrix would have %d×%d cells; group rare classes, or evaluate them one vs rest (MacroAUC)",
			len(classes), MaxClasses, len(classes), len(classes))
	}
	if classes != nil && len(classes) == 0 {
		return nil, fmt.Errorf("eval: no classes given; pass class names or nil to infer them from the labels")
	}
	k, why := len(classes), fmt.Sprintf("one per class name; %d names given", len(classes))
	if classes == nil {
		k, why = MaxClasses, fmt.Sprintf("classes is nil, so k is inferred as the largest label or prediction + 1, which may be at most MaxClasses = %d", MaxClasses)
	}
	if err := checkClassIndices("label", labels, k, why); err != nil {
		return nil, err
	}
	if err := checkClassIndices("prediction", preds, k, why); err != nil {
		return nil, err
	}
	if classes == nil {
		// Safe now: every value is in 0..MaxClasses-1, so k cannot overflow or explode.
		k = 0
		for i := range labels {
			k = max(k, labels[i]+1, preds[i]+1)
		}
		classes = defaultClassNames(k)
	}
	cm := &ConfusionMatrix{Classes: classes, Counts: make([][]int, k)}
	for i := range cm.Counts {
		cm.Counts[i] = make([]int, k)
	}
	for i := range labels {
		cm.Counts[labels[i]][preds[i]]++
	}
	return cm, nil
}

func defaultClassNames(k int) []string {
	names := make([]string, k)
	for i := range names {
		names[i] = strconv.Itoa(i)
	}
	return names
}

// NumClasses returns the number of classes.
func (c *ConfusionMatrix) NumClasses() int { return len(c.Counts) }

// N returns the number of examples counted.
func (c *ConfusionMatrix) N() int {
	n := 0
	for _, row := range c.Counts {
		for _, v := range row {
			n += v
		}
	}
	return n
}

// class panics with a readable message when k is not a class of c. The per-class
// accessors return plain values (no error), so a bad k is a programming error, like an
// index out of range, but the message says which k was asked for and what is valid.
func (c *ConfusionMatrix) class(k int) {
	if k < 0 || k >= len(c.Counts) {
		panic(fmt.Sprintf("eval: class %d out of range: this ConfusionMatrix has %d classes, 0..%d", k, len(c.Counts), len(c.Counts)-1))
	}
}

// TP returns the true positives of class k: examples of class k predicted as k. Like
// every per-class accessor it panics when k is not in 0..NumClasses()-1.
func (c *ConfusionMatrix) TP(k int) int {
	c.class(k)
	return c.Counts[k][k]
}

// FN returns the false negatives of class k: examples of class k predicted as another class.
func (c *ConfusionMatrix) FN(k int) int { return c.Support(k) - c.Counts[k][k] }

// FP returns the false positives of class k: examples of other classes predicted as k.
func (c *ConfusionMatrix) FP(k int) int {
	c.class(k)
	fp := 0
	for i, row := range c.Counts {
		if i != k {
			fp += row[k]
		}
	}
	return fp
}

// TN returns the true negatives of class k: examples of other classes not predicted as k.
func (c *ConfusionMatrix) TN(k int) int { return c.N() - c.TP(k) - c.FN(k) - c.FP(k) }

// Support returns the number of examples whose true class is k.
func (c *ConfusionMatrix) Support(k int) int {
	c.class(k)
	s := 0
	for _, v := range c.Counts[k] {
		s += v
	}
	return s
}

// Accuracy is the fraction of examples predicted correctly.
func (c *ConfusionMatrix) Accuracy() float64 {
	correct := 0
	for k := range c.Counts {
		correct += c.Counts[k][k]
	}
	return safeDiv(float64(correct), float64(c.N()))
}

// Precision of class k: TP/(TP+FP), the positive predictive value; NaN when k is never predicted.
func (c *ConfusionMatrix) Precision(k int) float64 {
	return safeDiv(float64(c.TP(k)), float64(c.TP(k)+c.FP(k)))
}

// Recall of class k: TP/(TP+FN), the sensitivity; NaN when class k has no examples.
func (c *ConfusionMatrix) Recall(k int) float64 {
	return safeDiv(float64(c.TP(k)), float64(c.Support(k)))
}

// Sensitivity is the same as Recall.
func (c *ConfusionMatrix) Sensitivity(k int) float64 { return c.Recall(k) }

// Specificity of class k: TN/(TN+FP); NaN when every example belongs to class k.
func (c *ConfusionMatrix) Specificity(k int) float64 {
	return safeDiv(float64(c.TN(k)), float64(c.TN(k)+c.FP(k)))
}

// F1 of class k: 2TP/(2TP+FP+FN), the harmonic mean of precision and recall; NaN when
// class k neither occurs nor is predicted.
func (c *ConfusionMatrix) F1(k int) float64 {
	tp := float64(c.TP(k))
	return safeDiv(2*tp, 2*tp+float64(c.FP(k)+c.FN(k)))
}

// BalancedAccuracy is the mean recall over the classes that occur in the labels.
func (c *ConfusionMatrix) BalancedAccuracy() float64 {
	sum, n := 0.0, 0
	for k := range c.Counts {
		if r := c.Recall(k); !math.IsNaN(r) {
			sum += r
			n++
		}
	}
	return safeDiv(sum, float64(n))
}

func (c *ConfusionMatrix) macro(f func(int) float64) float64 {
	sum := 0.0
	for k := range c.Counts {
		if v := f(k); !math.IsNaN(v) {
			sum += v
		}
	}
	return sum / float64(len(c.Counts))
}

// MacroPrecision is the unweighted mean of the per-class precisions (undefined ones count as 0).
func (c *ConfusionMatrix) MacroPrecision() float64 { return c.macro(c.Precision) }

// MacroRecall is the unweighted mean of the per-class recalls (undefined ones count as 0).
func (c *ConfusionMatrix) MacroRecall() float64 { return c.macro(c.Recall) }

// MacroSpecificity is the unweighted mean of the per-class specificities (undefined ones count as 0).
func (c *ConfusionMatrix) MacroSpecificity() float64 { return c.macro(c.Specificity) }

// MacroF1 is the unweighted mean of the per-class F1 scores (undefined ones count as 0).
func (c *ConfusionMatrix) MacroF1() float64 { return c.macro(c.F1) }

// PerClass returns the one-vs-rest metrics of every class.
func (c *ConfusionMatrix) PerClass() []ClassMetrics {
	out := make([]ClassMetrics, len(c.Counts))
	for k := range out {
		out[k] = ClassMetrics{
			Class:       c.Classes[k],
			Support:     c.Support(k),
			Precision:   c.Precision(k),
			Recall:      c.Recall(k),
			Specificity: c.Specificity(k),
			F1:          c.F1(k),
		}
	}
	return out
}

// String renders the matrix as an aligned text table, true classes in rows.
func (c *ConfusionMatrix) String() string {
	header := append([]string{"true \\ pred"}, c.Classes...)
	rows := make([][]string, len(c.Counts))
	for i, row := range c.Counts {
		rows[i] = []string{c.Classes[i]}
		for _, v := range row {
			rows[i] = append(rows[i], strconv.Itoa(v))
		}
	}
	var b strings.Builder
	writeTextTable(&b, header, rows)
	return b.String()
}

// Accuracy is the fraction of predictions equal to the labels.
func Accuracy(labels, preds []int) (float64, error) {
	if err := checkLen("labels", len(labels), "predictions", len(preds)); err != nil {
		return math.NaN(), err
	}
	correct := 0
	for i := range labels {
		if labels[i] == preds[i] {
			correct++
		}
	}
	return float64(correct) / float64(len(labels)), nil
}

// BalancedAccuracy is the mean per-class recall over the classes present in labels.
// Labels and predictions must be class indices below MaxClasses (see NewConfusionMatrix).
func BalancedAccuracy(labels, preds []int) (float64, error) {
	cm, err := NewConfusionMatrix(labels, preds, nil)
	if err != nil {
		return math.NaN(), err
	}
	return cm.BalancedAccuracy(), nil
}
