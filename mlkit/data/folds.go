// SPDX-License-Identifier: Apache-2.0

package data

import (
	"cmp"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
)

// MaxRepeats is the most repetitions FoldsBuilder.Repeats accepts. Every fold keeps the
// indices of all examples, so r repetitions of k folds hold r·n indices; 10 × 10-fold is
// the usual design and 1,000 repetitions is already far beyond what the variance of a
// cross-validated estimate needs.
const MaxRepeats = 1000

// Fold is one round of cross-validation: train on Train, evaluate on Val. Both hold
// example indices in increasing order, and together they are every example exactly once.
type Fold struct {
	Repeat int   // which repetition this fold belongs to, 0..repeats-1
	Index  int   // which fold within the repetition, 0..k-1
	Train  []int // examples to fit on
	Val    []int // the held-out examples
}

// Split returns the fold's parts of d as a Split with Train and Val set (Test nil): the
// data are copied, so the parts can be preprocessed independently. d must be the data
// set (or one with the same examples in the same order) the folds were made for.
func (f Fold) Split(d *Dataset) *Split {
	n := d.Len()
	for _, part := range [][]int{f.Train, f.Val} {
		if len(part) > 0 && part[len(part)-1] >= n {
			panic(fmt.Sprintf("data: fold %d (repeat %d) refers to example %d but %s has %d examples; make the folds from this data set, e.g. data.Folds(d, k)",
				f.Index, f.Repeat, part[len(part)-1], nameOf(d), n))
		}
	}
	return &Split{Train: d.Subset(f.Train), Val: d.Subset(f.Val)}
}

// FoldsBuilder configures k-fold cross-validation; finish with Done.
//
//	folds, err := data.Folds(d, 5).Stratified().Groups(patientIDs).Seed(42).Done()
//	for _, f := range folds {
//		s := f.Split(d) // s.Train, s.Val
//		...
//	}
//
// By default the examples are shuffled (reproducibly for the seed, 0 unless set) and
// dealt into k folds whose sizes differ by at most one. The options combine:
//
//   - Stratified (or StratifyBy) keeps each class's share in every fold, like
//     scikit-learn's StratifiedKFold; on a multi-label data set (or with
//     StratifyMultiLabel) it spreads each target's positives evenly over the folds
//     instead, by iterative stratification;
//   - Groups keeps all examples of a group (patient, subject, site, molecular scaffold)
//     in the same fold, like GroupKFold, so that no patient is in both the training and
//     the validation part;
//   - both together balance the classes as well as whole groups allow, like
//     StratifiedGroupKFold;
//   - Repeats(r) makes r independent shufflings of k folds each, like
//     RepeatedStratifiedKFold.
type FoldsBuilder struct {
	d          *Dataset
	n, k       int
	seed       int64
	repeats    int
	stratified bool
	labels     []int
	multi      [][]float64 // StratifyMultiLabel: one row of 0, 1 or NaN per example
	tasks      []string    // names of multi's columns, for errors
	groups     []string
}

// Folds starts k-fold cross-validation over the examples of d.
func Folds(d *Dataset, k int) *FoldsBuilder {
	return &FoldsBuilder{d: d, n: d.Len(), k: k, repeats: 1}
}

// FoldsOf starts k-fold cross-validation over n examples that are not in a Dataset (for
// instance the rows of a table of predictions); stratify with StratifyBy.
func FoldsOf(n, k int) *FoldsBuilder {
	return &FoldsBuilder{n: n, k: k, repeats: 1}
}

// Seed sets the seed of the shuffling (default 0). The same seed gives the same folds.
func (b *FoldsBuilder) Seed(seed int64) *FoldsBuilder { b.seed = seed; return b }

// Stratified stratifies by the data set's class labels (classification tasks) or, for a
// multi-label data set, by each target's positives (as StratifyMultiLabel with
// d.TargetMatrix()).
func (b *FoldsBuilder) Stratified() *FoldsBuilder { b.stratified = true; return b }

// StratifyMultiLabel stratifies by several binary labels per example: labels[i][t] is 1
// when example i has label t, 0 when it does not, and NaN when it is unknown (counted as
// neither). Every fold then gets as near 1/k of each label's positives as the labels'
// overlap allows, so that a rare finding is not missing from, or crowded into, some
// validation folds, as it easily is with plain shuffling. See Done for the method.
func (b *FoldsBuilder) StratifyMultiLabel(labels [][]float64) *FoldsBuilder {
	b.stratified, b.multi, b.tasks = true, labels, nil
	return b
}

// StratifyBy stratifies by the given labels, one per example. Any integers will do (they
// are only compared), so a stratum can also be, say, class × sex.
func (b *FoldsBuilder) StratifyBy(labels []int) *FoldsBuilder {
	b.stratified, b.labels = true, labels
	return b
}

// Groups gives each example's group key, such as a patient or subject ID: examples with
// the same key always land in the same fold. An empty key is an error, since it is
// almost always a missing ID that would otherwise join unrelated examples into one group.
func (b *FoldsBuilder) Groups(keys []string) *FoldsBuilder { b.groups = keys; return b }

// Repeats makes r repetitions of the k folds, each from a new shuffle (default 1); Done
// then returns r·k folds, repetition after repetition. With groups, shuffling only
// reorders groups of the same size (see Done), so repetitions differ less.
func (b *FoldsBuilder) Repeats(r int) *FoldsBuilder { b.repeats = r; return b }

func (b *FoldsBuilder) name() string {
	if b.d == nil {
		return "folds"
	}
	return nameOf(b.d) + ": folds"
}

// Done makes the folds. It checks everything first and says what to change:
//
//   - k must be at least 2 and at most the number of examples (and of groups, with Groups;
//     scikit-learn refuses the same);
//   - labels and group keys need one entry per example;
//   - with stratification, every class must have at least k examples (with groups: occur
//     in at least k groups). scikit-learn only warns here and proceeds, leaving some
//     validation folds without the class, so that their recall, AUC or calibration for it
//     is undefined and averages over folds silently skip it; an error that names the
//     class and the largest workable k is the safer default for clinical data, where the
//     rare class is usually the one that matters.
//
// How examples are assigned:
//
//   - plain and stratified: the examples are shuffled, ordered class by class (keeping the
//     shuffled order within a class), and dealt to the folds in turn, so that fold sizes
//     and each class's count per fold differ by at most one;
//   - grouped: groups are shuffled, sorted by size (largest first) and each given to the
//     fold with the fewest examples so far, scikit-learn's GroupKFold rule; the seed
//     decides the order among groups of equal size;
//   - stratified and grouped: groups are taken in the same order, and each goes to the
//     fold where it best keeps every fold's share of every class near 1/k (the squared
//     deviation, summed over classes), the emptier fold on ties;
//   - multi-label (Stratified on a multi-label data set, or StratifyMultiLabel): iterative
//     stratification (Sechidis, Tsoumakas and Vlahavas, 2011). Each fold is owed 1/k of
//     every label's positives. The label with the fewest positives still unassigned is
//     served first: each of its unassigned examples goes to the fold owed most of that
//     label, then the fold owed most examples, then a seeded draw; the fold's debts for
//     all of the example's labels go down. Examples with no positive label come last, each
//     to the fold owed most examples. Rare labels are thus placed while every fold still
//     has room for them. Without groups no fold may pass ⌈n/k⌉ examples (nor more than
//     n mod k folds reach it), so fold sizes still differ by at most one; with Groups,
//     whole groups are placed (largest first within a label), and sizes are balanced as
//     well as the groups allow. Like the class check above, every label needs at least k
//     positives and k negatives (with groups: in k groups each).
func (b *FoldsBuilder) Done() ([]Fold, error) {
	if err := b.check(); err != nil {
		return nil, err
	}
	multi := b.multiLabels()
	labels := b.labels
	if b.stratified && labels == nil && multi == nil {
		labels = b.d.Labels()
	}
	rng := newRand(b.seed)
	folds := make([]Fold, 0, b.repeats*b.k)
	var groupOf []int // example → group number
	var members [][]int
	if b.groups != nil {
		groupOf, members = groupIndex(b.groups)
	}
	for r := range b.repeats {
		assign := make([]int, b.n) // example → fold
		switch {
		case multi != nil:
			var units [][]int
			if b.groups != nil {
				units = members
			}
			a := iterativeFolds(multi, units, b.k, rng)
			for i := range assign {
				assign[i] = a[i]
			}
		case b.groups == nil:
			order := rng.Perm(b.n)
			if labels != nil {
				slices.SortStableFunc(order, func(x, y int) int { return cmp.Compare(labels[x], labels[y]) })
			}
			for j, i := range order {
				assign[i] = j % b.k
			}
		default:
			g := groupFolds(members, labels, b.k, rng.Perm(len(members)))
			for i := range assign {
				assign[i] = g[groupOf[i]]
			}
		}
		rep := makeFolds(assign, b.k, r)
		for _, f := range rep {
			if len(f.Val) == 0 {
				// Cannot happen while k <= groups (checked above), but an empty
				// validation fold would make every metric on it undefined, so say so.
				return nil, fmt.Errorf("%s: fold %d of repeat %d came out empty; use fewer folds", b.name(), f.Index, r)
			}
		}
		folds = append(folds, rep...)
	}
	return folds, nil
}

func (b *FoldsBuilder) check() error {
	name := b.name()
	if b.d != nil {
		if err := b.d.Validate(); err != nil {
			return err
		}
	}
	if b.n < 0 {
		return fmt.Errorf("%s: %d examples; pass the number of examples (>= 2)", name, b.n)
	}
	if b.k < 2 {
		return fmt.Errorf("%s: k = %d folds; cross-validation needs at least 2 (5 or 10 are usual)", name, b.k)
	}
	if b.k > b.n {
		return fmt.Errorf("%s: k = %d folds but only %d examples; every fold needs at least one, so use k <= %d", name, b.k, b.n, b.n)
	}
	if b.repeats < 1 || b.repeats > MaxRepeats {
		return fmt.Errorf("%s: %d repeats; pass 1..%d (MaxRepeats), e.g. 10 for 10 × %d-fold", name, b.repeats, MaxRepeats, b.k)
	}
	if b.stratified && b.labels == nil && b.multi == nil {
		if b.d == nil {
			return fmt.Errorf("%s: Stratified needs a Dataset's labels; with FoldsOf, pass the labels with StratifyBy (or StratifyMultiLabel)", name)
		}
		if !b.d.Task.IsClassification() && b.d.Task != MultiLabel {
			return fmt.Errorf("%s: Stratified needs class labels but the task is %v; stratify by binned targets with StratifyBy, or drop Stratified", name, b.d.Task)
		}
	}
	if b.labels != nil && b.multi != nil {
		return fmt.Errorf("%s: both StratifyBy and StratifyMultiLabel were given; keep one (StratifyMultiLabel for several 0/1 labels per example)", name)
	}
	if b.labels != nil && len(b.labels) != b.n {
		return fmt.Errorf("%s: %d stratification labels for %d examples; pass one label per example", name, len(b.labels), b.n)
	}
	if b.groups != nil {
		if len(b.groups) != b.n {
			return fmt.Errorf("%s: %d group keys for %d examples; pass one key (patient or subject ID) per example", name, len(b.groups), b.n)
		}
		for i, g := range b.groups {
			if g == "" {
				return fmt.Errorf("%s: group key of example %d is empty; every example needs its patient/subject ID (an empty key would put all examples missing one into a single group)", name, i)
			}
		}
	}
	if b.groups != nil {
		_, members := groupIndex(b.groups)
		if b.k > len(members) {
			return fmt.Errorf("%s: k = %d folds but only %d groups; a group is never split, so use k <= %d (or more groups)", name, b.k, len(members), len(members))
		}
	}
	if multi := b.multiLabels(); multi != nil {
		return checkMultiLabels(name, multi, b.taskNames(), b.groups, b.n, b.k)
	}
	labels := b.labels
	if b.stratified && labels == nil {
		labels = b.d.Labels()
	}
	if b.groups == nil {
		if labels != nil {
			return checkClassSizes(name, labels, nil, b.k, b.d)
		}
		return nil
	}
	if labels != nil {
		return checkClassSizes(name, labels, b.groups, b.k, b.d)
	}
	return nil
}

// multiLabels returns the multi-label matrix to stratify by, or nil when the folds are not
// multi-label stratified.
func (b *FoldsBuilder) multiLabels() [][]float64 {
	if b.multi != nil {
		return b.multi
	}
	if b.stratified && b.labels == nil && b.d != nil && b.d.Task == MultiLabel {
		return b.d.TargetMatrix()
	}
	return nil
}

// taskNames names the multi-label columns in errors: the data set's targets, when the
// labels are the data set's.
func (b *FoldsBuilder) taskNames() []string {
	if b.multi == nil && b.d != nil {
		return b.d.Targets
	}
	return b.tasks
}

// checkMultiLabels requires one row of 0, 1 or NaN per example, all of one length, and every
// label to have at least k positives and k negatives (with groups: in k distinct groups), so
// that every validation fold can contain both, as checkClassSizes does for classes.
func checkMultiLabels(name string, labels [][]float64, tasks []string, groups []string, n, k int) error {
	if len(labels) != n {
		return fmt.Errorf("%s: %d multi-label rows for %d examples; pass one row of labels per example", name, len(labels), n)
	}
	if n == 0 || len(labels[0]) == 0 {
		return fmt.Errorf("%s: multi-label rows are empty; pass one value (0, 1 or NaN) per label", name)
	}
	T := len(labels[0])
	task := func(t int) string {
		if t < len(tasks) {
			return fmt.Sprintf("%d (%q)", t, tasks[t])
		}
		return strconv.Itoa(t)
	}
	pos, neg := make([]int, T), make([]int, T)
	seen := map[string]bool{}
	for i, row := range labels {
		if len(row) != T {
			return fmt.Errorf("%s: multi-label row %d has %d values but row 0 has %d; pass one value per label in every row (NaN for an unknown one)", name, i, len(row), T)
		}
		for t, y := range row {
			if y != 0 && y != 1 && !math.IsNaN(y) {
				return fmt.Errorf("%s: label %s of example %d is %v; multi-label values must be 0, 1 or NaN (unknown)", name, task(t), i, y)
			}
			if math.IsNaN(y) {
				continue
			}
			if groups != nil {
				key := strconv.Itoa(t) + "\x00" + strconv.FormatFloat(y, 'g', -1, 64) + "\x00" + groups[i]
				if seen[key] {
					continue
				}
				seen[key] = true
			}
			if y == 1 {
				pos[t]++
			} else {
				neg[t]++
			}
		}
	}
	unit := "examples"
	if groups != nil {
		unit = "groups"
	}
	for t := range T {
		for _, c := range []struct {
			class string
			count int
		}{{"positive", pos[t]}, {"negative", neg[t]}} {
			if c.count < k {
				return fmt.Errorf("%s: label %s has only %d %s %s, fewer than k = %d folds, so %d validation folds would have none and its AUC there would be undefined; use k <= %d, or leave the label out (data.SelectTargets)",
					name, task(t), c.count, c.class, unit, k, k-c.count, max(c.count, 1))
			}
		}
	}
	return nil
}

// iterativeFolds assigns examples to k folds by iterative stratification of the positives
// of each column of labels (see Done). units, when not nil, lists the examples of each
// group, which are placed together; otherwise every example is its own unit and fold sizes
// are capped so that they differ by at most one. It returns each example's fold.
func iterativeFolds(labels [][]float64, units [][]int, k int, rng *rand.Rand) []int {
	n, T := len(labels), len(labels[0])
	capped := units == nil
	if capped {
		units = make([][]int, n)
		for i := range units {
			units[i] = []int{i}
		}
	}
	// pos[u][t]: positives of label t in unit u.
	pos := make([][]int, len(units))
	total := make([]int, T)
	for u, members := range units {
		pos[u] = make([]int, T)
		for _, i := range members {
			for t, y := range labels[i] {
				if y == 1 {
					pos[u][t]++
					total[t]++
				}
			}
		}
	}
	// The seeded order in which units are visited; within a label, larger groups first,
	// since they are the hardest to fit (the order of equal sizes stays seeded).
	order := rng.Perm(len(units))
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(len(units[b]), len(units[a])) })

	owedSize := make([]float64, k) // examples each fold is still owed
	owed := make([][]float64, k)   // owed[f][t]: positives of label t fold f is still owed
	for f := range k {
		owedSize[f] = float64(n) / float64(k)
		owed[f] = make([]float64, T)
		for t := range T {
			owed[f][t] = float64(total[t]) / float64(k)
		}
	}
	size := make([]int, k)
	q, r := n/k, n%k
	full := 0 // folds at q+1 examples
	room := func(f int) bool {
		return !capped || size[f] < q || (size[f] == q && full < r)
	}
	remaining := slices.Clone(total)
	assign := make([]int, len(units))
	for u := range assign {
		assign[u] = -1
	}
	place := func(u, label int) {
		best := -1
		ties := 0
		for f := range k {
			if !room(f) {
				continue
			}
			c := 0
			if best >= 0 {
				c = compareOwed(owed, owedSize, f, best, label)
			}
			switch {
			case best < 0 || c > 0:
				best, ties = f, 1
			case c == 0:
				// Reservoir choice among equally owed folds, so that the seed decides.
				ties++
				if rng.IntN(ties) == 0 {
					best = f
				}
			}
		}
		assign[u] = best
		size[best] += len(units[u])
		if capped && size[best] == q+1 {
			full++
		}
		owedSize[best] -= float64(len(units[u]))
		for t, c := range pos[u] {
			owed[best][t] -= float64(c)
			remaining[t] -= c
		}
	}
	for {
		label := -1
		for t, c := range remaining {
			if c > 0 && (label < 0 || c < remaining[label]) {
				label = t
			}
		}
		if label < 0 {
			break
		}
		for _, u := range order {
			if assign[u] < 0 && pos[u][label] > 0 {
				place(u, label)
			}
		}
	}
	for _, u := range order {
		if assign[u] < 0 {
			place(u, -1)
		}
	}
	out := make([]int, n)
	for u, members := range units {
		for _, i := range members {
			out[i] = assign[u]
		}
	}
	return out
}

// compareOwed orders folds f and g for a unit with a positive of label (-1: none): the fold
// owed more of the label first, then the fold owed more examples. It returns +1 when f
// comes first, -1 when g does, 0 on a tie.
func compareOwed(owed [][]float64, owedSize []float64, f, g, label int) int {
	const eps = 1e-9
	if label >= 0 {
		if d := owed[f][label] - owed[g][label]; d > eps {
			return 1
		} else if d < -eps {
			return -1
		}
	}
	if d := owedSize[f] - owedSize[g]; d > eps {
		return 1
	} else if d < -eps {
		return -1
	}
	return 0
}

// checkClassSizes requires every class to reach k examples (or, with groups, k distinct
// groups), so that every validation fold can contain it.
func checkClassSizes(name string, labels []int, groups []string, k int, d *Dataset) error {
	count := map[int]int{}
	seen := map[string]bool{}
	for i, y := range labels {
		if groups != nil {
			key := strconv.Itoa(y) + "\x00" + groups[i]
			if seen[key] {
				continue
			}
			seen[key] = true
		}
		count[y]++
	}
	classes := make([]int, 0, len(count))
	for y := range count {
		classes = append(classes, y)
	}
	slices.Sort(classes)
	for _, y := range classes {
		if c := count[y]; c < k {
			unit := "examples"
			if groups != nil {
				unit = "groups"
			}
			class := strconv.Itoa(y)
			if d != nil && y >= 0 && y < len(d.Classes) {
				class = fmt.Sprintf("%d (%q)", y, d.Classes[y])
			}
			return fmt.Errorf("%s: class %s has only %d %s, fewer than k = %d folds, so %d validation folds would have none of it and its metrics there would be undefined (scikit-learn warns and goes on); use k <= %d, or merge or drop the class",
				name, class, c, unit, k, k-c, c)
		}
	}
	return nil
}

// groupIndex numbers the distinct keys in order of first appearance and lists each
// group's examples.
func groupIndex(keys []string) (groupOf []int, members [][]int) {
	id := map[string]int{}
	groupOf = make([]int, len(keys))
	for i, key := range keys {
		g, ok := id[key]
		if !ok {
			g = len(members)
			id[key] = g
			members = append(members, nil)
		}
		groupOf[i] = g
		members[g] = append(members[g], i)
	}
	return groupOf, members
}

// groupFolds assigns whole groups to k folds; perm is a random order of the groups,
// which decides among groups of equal size. Without labels it balances fold sizes;
// with labels it keeps each fold's share of each class near 1/k.
func groupFolds(members [][]int, labels []int, k int, perm []int) []int {
	order := perm
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(len(members[b]), len(members[a])) })
	assign := make([]int, len(members))
	size := make([]int, k)
	if labels == nil {
		for _, g := range order {
			best := 0
			for f := 1; f < k; f++ {
				if size[f] < size[best] {
					best = f
				}
			}
			assign[g] = best
			size[best] += len(members[g])
		}
		return assign
	}
	// Class totals, with classes numbered densely so that arbitrary label values are fine.
	classOf := map[int]int{}
	for _, y := range labels {
		if _, ok := classOf[y]; !ok {
			classOf[y] = len(classOf)
		}
	}
	nc := len(classOf)
	total := make([]float64, nc)
	for _, y := range labels {
		total[classOf[y]]++
	}
	counts := make([][]float64, k) // counts[f][c]: examples of class c in fold f
	for f := range counts {
		counts[f] = make([]float64, nc)
	}
	gc := make([]float64, nc)
	target := 1 / float64(k)
	for _, g := range order {
		clear(gc)
		for _, i := range members[g] {
			gc[classOf[labels[i]]]++
		}
		best, bestCost := -1, math.Inf(1)
		for f := range k {
			// Change in Σ_c (share of class c in fold f - 1/k)² if g joins fold f; only
			// fold f's terms change, so the other folds need not be summed.
			cost := 0.0
			for c := range nc {
				if gc[c] == 0 {
					continue
				}
				before := counts[f][c]/total[c] - target
				after := (counts[f][c]+gc[c])/total[c] - target
				cost += after*after - before*before
			}
			if best < 0 || cost < bestCost-1e-12 || (math.Abs(cost-bestCost) <= 1e-12 && size[f] < size[best]) {
				best, bestCost = f, cost
			}
		}
		assign[g] = best
		size[best] += len(members[g])
		for c := range nc {
			counts[best][c] += gc[c]
		}
	}
	return assign
}

// makeFolds turns a fold number per example into k folds of sorted indices.
func makeFolds(assign []int, k, repeat int) []Fold {
	folds := make([]Fold, k)
	sizes := make([]int, k)
	for _, f := range assign {
		sizes[f]++
	}
	for f := range folds {
		folds[f] = Fold{Repeat: repeat, Index: f, Val: make([]int, 0, sizes[f]), Train: make([]int, 0, len(assign)-sizes[f])}
	}
	for i, f := range assign {
		folds[f].Val = append(folds[f].Val, i)
		for g := range folds {
			if g != f {
				folds[g].Train = append(folds[g].Train, i)
			}
		}
	}
	return folds
}
