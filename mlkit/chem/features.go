// SPDX-License-Identifier: Apache-2.0

package chem

import (
	"fmt"
	"math"
	"slices"

	"github.com/medgo-lab/medgo/mlkit/data"
)

// MaxFingerprintBits bounds a fingerprint's length (and so a data set's width).
const MaxFingerprintBits = 1 << 16

// MorganFeaturizer turns molecules into fixed-length Morgan fingerprints (ECFP-like;
// radius 2 corresponds to ECFP4), the classic baseline input for property prediction:
// a tabular data set that MLP, Linear and the eval package take like any other.
type MorganFeaturizer struct {
	Radius int  // 2 for ECFP4
	Bits   int  // fingerprint length, e.g. 2048
	Counts bool // feature values are occurrence counts (log1p-scaled) instead of 0/1
}

// MorganFeatures returns a featurizer for Morgan fingerprints of the given radius and
// length; set Counts for count fingerprints.
func MorganFeatures(radius, bits int) *MorganFeaturizer {
	return &MorganFeaturizer{Radius: radius, Bits: bits}
}

func (f *MorganFeaturizer) check() error {
	if f.Radius < 0 || f.Radius > 6 {
		return fmt.Errorf("chem: Morgan radius %d; expected 0 to 6 (2 is ECFP4)", f.Radius)
	}
	if f.Bits < 1 || f.Bits > MaxFingerprintBits {
		return fmt.Errorf("chem: fingerprint length %d; expected 1 to %d bits (2048 is usual)", f.Bits, MaxFingerprintBits)
	}
	return nil
}

// Dataset featurizes every molecule of s (SMILES in Texts) and keeps its targets, task,
// classes and IDs. A SMILES string that does not parse is an error naming its row; nothing
// is dropped silently.
func (f *MorganFeaturizer) Dataset(s *data.Sequences) (*data.Dataset, error) {
	if err := f.check(); err != nil {
		return nil, err
	}
	if s == nil || len(s.Texts) == 0 {
		return nil, fmt.Errorf("chem: no molecules to featurize")
	}
	n := len(s.Texts)
	d := &data.Dataset{
		Name: s.Name + fmt.Sprintf(" (Morgan r=%d, %d bits)", f.Radius, f.Bits), Task: s.Task,
		Shape: []int{f.Bits}, X: make([]float32, n*f.Bits), Y: slices.Clone(s.Y),
		Classes: slices.Clone(s.Classes), Targets: slices.Clone(s.Targets),
	}
	d.Features = make([]string, f.Bits)
	for j := range d.Features {
		d.Features[j] = fmt.Sprintf("morgan_%d", j)
	}
	for i, smi := range s.Texts {
		m, err := ParseSMILES(smi)
		if err != nil {
			id := ""
			if i < len(s.IDs) {
				id = " (" + s.IDs[i] + ")"
			}
			return nil, fmt.Errorf("chem: %s row %d%s: %w", s.Name, i, id, err)
		}
		row := d.X[i*f.Bits : (i+1)*f.Bits]
		for id, c := range m.MorganCounts(f.Radius) {
			k := int(id % uint32(f.Bits))
			if f.Counts {
				row[k] += float32(c)
			} else {
				row[k] = 1
			}
		}
		if f.Counts {
			for k, v := range row {
				row[k] = float32(math.Log1p(float64(v)))
			}
		}
	}
	return d, nil
}

// Split featurizes each part of a split of molecules (for instance from ScaffoldSplitSequences).
func (f *MorganFeaturizer) Split(sp *data.SequenceSplit) (*data.Split, error) {
	if sp == nil || sp.Train == nil || sp.Test == nil {
		return nil, fmt.Errorf("chem: Split needs a SequenceSplit with Train and Test parts")
	}
	out := &data.Split{}
	var err error
	if out.Train, err = f.Dataset(sp.Train); err != nil {
		return nil, err
	}
	if sp.Val != nil {
		if out.Val, err = f.Dataset(sp.Val); err != nil {
			return nil, err
		}
	}
	if out.Test, err = f.Dataset(sp.Test); err != nil {
		return nil, err
	}
	return out, nil
}
