// SPDX-License-Identifier: Apache-2.0

package data

import (
	"fmt"
	"slices"
)

// Sequences is a set of raw text sequences (DNA or SMILES strings) with their targets,
// before tokenization. Split it first, then let a Tokenizer build its vocabulary on the
// training part and encode every part into a Dataset:
//
//	seqs, _ := data.LoadSplice()
//	parts, _ := seqs.Split(1, 0.8, 0.2)
//	tok := data.DNATokenizer().KMer(3).Done()
//	split, _ := tok.FitSplit(parts)
type Sequences struct {
	Name    string
	Texts   []string  // the raw sequences
	IDs     []string  // optional: one name or identifier per sequence
	Y       []float32 // Len() × NumTargets(); NaN marks a missing multi-label target
	Task    Task
	Classes []string // class names, for classification
	Targets []string // target names, for multi-label and regression
}

// SequenceSplit is a Sequences set divided into training, validation and test parts.
// Val is nil for a two-way split.
type SequenceSplit struct {
	Train, Val, Test *Sequences
}

// Len is the number of sequences.
func (s *Sequences) Len() int {
	if s == nil {
		return 0
	}
	return len(s.Texts)
}

// NumTargets is the number of target values per sequence (1 for classification).
func (s *Sequences) NumTargets() int {
	if s.Task.IsClassification() || len(s.Targets) == 0 {
		return 1
	}
	return len(s.Targets)
}

// Labels returns every sequence's class index (classification tasks).
func (s *Sequences) Labels() []int {
	out := make([]int, s.Len())
	for i := range out {
		out[i] = int(s.Y[i])
	}
	return out
}

// Subset returns the given sequences, in the given order (copied).
func (s *Sequences) Subset(idx []int) *Sequences {
	t := s.NumTargets()
	out := *s
	out.Classes, out.Targets = slices.Clone(s.Classes), slices.Clone(s.Targets)
	out.Texts = make([]string, len(idx))
	out.Y = make([]float32, 0, len(idx)*t)
	if s.IDs != nil {
		out.IDs = make([]string, len(idx))
	}
	for j, i := range idx {
		out.Texts[j] = s.Texts[i]
		if s.IDs != nil {
			out.IDs[j] = s.IDs[i]
		}
		out.Y = append(out.Y, s.Y[i*t:(i+1)*t]...)
	}
	return &out
}

// Head returns the first n sequences (all of them when there are fewer), copied: a smaller
// training part for a quick run, as Dataset.Head does for examples.
func (s *Sequences) Head(n int) *Sequences { return s.Subset(firstIndices(n, s.Len())) }

// Validate checks that the set is consistent.
func (s *Sequences) Validate() error {
	name := s.Name
	if name == "" {
		name = "sequences"
	}
	if s.IDs != nil && len(s.IDs) != len(s.Texts) {
		return fmt.Errorf("%s: %d IDs for %d sequences; expected one per sequence", name, len(s.IDs), len(s.Texts))
	}
	if want := len(s.Texts) * s.NumTargets(); len(s.Y) != want {
		return fmt.Errorf("%s: %d target values for %d sequences; expected %d", name, len(s.Y), len(s.Texts), want)
	}
	if s.Task.IsClassification() {
		for i, y := range s.Y {
			if y < 0 || y != float32(int(y)) || (len(s.Classes) > 0 && int(y) >= len(s.Classes)) {
				return fmt.Errorf("%s: sequence %d has label %v; expected a class index in 0..%d", name, i, y, len(s.Classes)-1)
			}
		}
	}
	return nil
}

// Split divides the sequences into 2 (train, test) or 3 (train, validation, test) parts of
// the given fractions, stratified by class for classification tasks, reproducibly for a seed.
// See StratifiedSplit.
func (s *Sequences) Split(seed int64, fractions ...float64) (*SequenceSplit, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	var labels []int
	if s.Task.IsClassification() {
		labels = s.Labels()
	}
	parts, err := splitIndices(s.Len(), labels, seed, fractions, s.Name)
	if err != nil {
		return nil, err
	}
	out := &SequenceSplit{Train: s.Subset(parts[0]), Test: s.Subset(parts[len(parts)-1])}
	if len(parts) == 3 {
		out.Val = s.Subset(parts[1])
	}
	return out, nil
}
