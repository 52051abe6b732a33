// SPDX-License-Identifier: Apache-2.0

package data

import (
	"fmt"
	"math"
	"slices"
)

// SelectTargets returns a new Dataset with only the named targets of a MultiLabel data set,
// in the order given, and without the examples that have none of them labelled (all the
// chosen labels NaN): such an example adds nothing to a masked loss or metric.
//
// With one name the result is a Binary task whose Classes are "not <name>" and "<name>",
// so that the target's name survives in reports (a classification Dataset has no Targets);
// it then has no missing labels. With several it stays MultiLabel, and an example missing
// some (not all) of the chosen labels keeps them as NaN, to be masked per target as
// before. Data is copied; Name, Features and the other fields are kept.
//
// An unknown or repeated name is an error that lists the available targets; a chosen label
// other than 0, 1 or NaN is an error naming the example.
func (d *Dataset) SelectTargets(names ...string) (*Dataset, error) {
	name := d.Name
	if name == "" {
		name = "dataset"
	}
	if d.Task != MultiLabel {
		return nil, fmt.Errorf("%s: SelectTargets needs a multi-label data set, but the task is %v; it picks label columns out of Targets", name, d.Task)
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("%s: SelectTargets needs at least one target name; available: %s", name, quoteList(d.Targets))
	}
	if err := d.Validate(); err != nil {
		return nil, err
	}
	cols := make([]int, len(names))
	for i, n := range names {
		c := slices.Index(d.Targets, n)
		if c < 0 {
			return nil, fmt.Errorf("%s: unknown target %q; available targets: %s", name, n, quoteList(d.Targets))
		}
		if slices.Contains(names[:i], n) {
			return nil, fmt.Errorf("%s: target %q is named twice; name each of %s at most once", name, n, quoteList(d.Targets))
		}
		cols[i] = c
	}

	// Build the chosen columns first, so that Subset copies only them and the examples kept.
	t := d.NumTargets()
	chosen := *d
	chosen.Targets = slices.Clone(names)
	chosen.Y = make([]float32, 0, d.Len()*len(cols))
	var keep []int
	for i := range d.Len() {
		labelled := false
		for j, c := range cols {
			y := d.Y[i*t+c]
			if y != 0 && y != 1 && !math.IsNaN(float64(y)) {
				return nil, fmt.Errorf("%s: example %d has label %v for target %q; multi-label labels must be 0, 1 or NaN (missing)", name, i, y, names[j])
			}
			chosen.Y = append(chosen.Y, y)
			labelled = labelled || !math.IsNaN(float64(y))
		}
		if labelled {
			keep = append(keep, i)
		}
	}
	if len(keep) == 0 {
		return nil, fmt.Errorf("%s: no example has a label for %s (all %d are NaN); choose targets that are recorded", name, quoteList(names), d.Len())
	}
	out := chosen.Subset(keep)
	if len(names) == 1 {
		out.Task, out.Targets = Binary, nil
		out.Classes = []string{"not " + names[0], names[0]}
	}
	if err := out.Validate(); err != nil {
		return nil, fmt.Errorf("%s: target %s: %w", name, quoteList(names), err)
	}
	return out, nil
}

// TargetMatrix returns Y as one row of NumTargets() values per example, as float64 with NaN
// kept for missing labels: the layout eval.ClassifyMultiLabel and eval.Regress take.
func (d *Dataset) TargetMatrix() [][]float64 {
	k := d.NumTargets()
	out := make([][]float64, d.Len())
	for i := range out {
		row := make([]float64, k)
		for j := range row {
			row[j] = float64(d.Y[i*k+j])
		}
		out[i] = row
	}
	return out
}
