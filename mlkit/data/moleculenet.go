// SPDX-License-Identifier: Apache-2.0

package data

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// molSpec describes a MoleculeNet CSV file.
type molSpec struct {
	name    string   // data set name
	file    string   // relative path
	smiles  string   // SMILES column
	id      string   // identifier column ("" = none)
	targets []string // target columns
	task    Task
	classes []string // for Binary
	rows    int      // expected rows (checked on download and on every load)
	counts  []int    // expected class counts of a Binary set (nil = not checked)
	values  []string // stated class values of a user's file (see SequencesCSVLoader.Classes)
}

var moleculeNet = map[string]molSpec{
	"bbbp": {name: "BBBP", file: "moleculenet/BBBP.csv", smiles: "smiles", id: "name", targets: []string{"p_np"},
		task: Binary, classes: []string{"non-penetrating", "penetrating"}, rows: 2050, counts: []int{483, 1567}},
	"esol": {name: "ESOL", file: "moleculenet/delaney-processed.csv", smiles: "smiles", id: "Compound ID",
		targets: []string{"measured log solubility in mols per litre"}, task: Regression, rows: 1128},
	"tox21": {name: "Tox21", file: "moleculenet/tox21.csv", smiles: "smiles", id: "mol_id",
		targets: []string{"NR-AR", "NR-AR-LBD", "NR-AhR", "NR-Aromatase", "NR-ER", "NR-ER-LBD", "NR-PPAR-gamma",
			"SR-ARE", "SR-ATAD5", "SR-HSE", "SR-MMP", "SR-p53"}, task: MultiLabel, rows: 7831},
	"clintox": {name: "ClinTox", file: "moleculenet/clintox.csv", smiles: "smiles",
		targets: []string{"FDA_APPROVED", "CT_TOX"}, task: MultiLabel, rows: 1484},
}

// LoadMoleculeNet loads a MoleculeNet data set as SMILES strings with targets:
//
//   - "bbbp": blood-brain-barrier penetration, 2,050 molecules, Binary, classes
//     "non-penetrating" (p_np = 0) and "penetrating" (p_np = 1); IDs are the compound names.
//   - "esol" (also "delaney"): aqueous solubility, 1,128 molecules, Regression on the
//     measured log solubility in mol/L.
//   - "tox21": 7,831 molecules, MultiLabel with 12 toxicity assays; NaN marks an
//     untested molecule-assay pair.
//   - "clintox": 1,484 molecules, MultiLabel with FDA_APPROVED and CT_TOX.
//
// SMILES are kept as text; a SMILES Tokenizer turns them into a Dataset. Some SMILES in
// BBBP are not valid molecules for strict chemistry parsers; they are kept as published.
func LoadMoleculeNet(name string) (*Sequences, error) {
	key := strings.ToLower(strings.TrimSpace(name))
	if key == "delaney" {
		key = "esol"
	}
	spec, ok := moleculeNet[key]
	if !ok {
		return nil, fmt.Errorf("unknown MoleculeNet data set %q; expected bbbp, esol, tox21 or clintox", name)
	}
	p, err := Fetch(spec.file)
	if err != nil {
		return nil, err
	}
	s, err := readMoleculeFile(p, spec)
	if err != nil {
		return nil, err
	}
	if err := moleculeCounts(p, s, spec); err != nil {
		return nil, notPublished(spec.file, p, err)
	}
	return s, nil
}

func readMoleculeFile(path string, spec molSpec) (*Sequences, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", spec.name, err)
	}
	defer f.Close()
	s, err := parseSequenceCSV(f, path, spec)
	if err != nil {
		return nil, err
	}
	s.Name = spec.name
	return s, nil
}

// LoadSequencesCSV loads text sequences (SMILES, DNA, ...) with targets from a CSV file
// with a header row: textColumn holds the sequences and targetColumns the targets (at least
// one). It is SequencesCSV(path, textColumn).Target(targetColumns...).Done(); see
// SequencesCSV for how the task is inferred and how to state the classes.
func LoadSequencesCSV(path, textColumn string, targetColumns ...string) (*Sequences, error) {
	return SequencesCSV(path, textColumn).Target(targetColumns...).Done()
}

// SequencesCSVLoader configures the loading of text sequences from a CSV file; finish with
// Done.
//
//	s, err := data.SequencesCSV("mols.csv", "smiles").Target("active").Classes("0", "1").Done()
type SequencesCSVLoader struct {
	path, text, id string
	targets        []string
	classes        []string
}

// SequencesCSV starts loading text sequences (SMILES, DNA, ...) from a CSV file with a
// header row; textColumn holds the sequences. Name the target column(s) with Target.
//
// Without Classes, the task is inferred as in FromArrays: one integer column is
// classification (with classes named after the values), several 0/1 columns with blanks
// are MultiLabel (blank = NaN, missing), other numbers are Regression, and a text column
// holds classes, in sorted order. Inference takes every distinct value for a class, so it
// cannot tell a junk label such as "2" in a 0/1 column from a third class; it only rejects
// a column that mixes numbers and text (one "yes" among 0/1). A caller who knows the
// classes states them with Classes, and any other label is then an error naming the line.
func SequencesCSV(path, textColumn string) *SequencesCSVLoader {
	return &SequencesCSVLoader{path: path, text: textColumn}
}

// Target names the target column(s).
func (l *SequencesCSVLoader) Target(columns ...string) *SequencesCSVLoader {
	l.targets = columns
	return l
}

// ID names a column of identifiers (molecule names), kept in Sequences.IDs.
func (l *SequencesCSVLoader) ID(column string) *SequencesCSVLoader { l.id = column; return l }

// Classes states the classes of the (single) target column, as written in the file, in
// class-index order: Classes("B", "M") makes B class 0 and M class 1. Numbers match by
// value ("1.0" is class "1"). A label that is not one of them is an error; the task is
// Binary for two classes, else MultiClass.
func (l *SequencesCSVLoader) Classes(values ...string) *SequencesCSVLoader {
	l.classes = values
	return l
}

// Done reads the file.
func (l *SequencesCSVLoader) Done() (*Sequences, error) {
	if len(l.targets) == 0 {
		return nil, fmt.Errorf("%s: no target column given; name the column(s) holding the labels", l.path)
	}
	if l.classes != nil {
		if len(l.targets) != 1 {
			return nil, fmt.Errorf("%s: classes stated for %d target columns (%s); classes apply to a single target column", l.path, len(l.targets), quoteList(l.targets))
		}
		if len(l.classes) < 2 || len(slices.Compact(slices.Sorted(slices.Values(l.classes)))) != len(l.classes) {
			return nil, fmt.Errorf("%s: classes %s; expected at least 2 distinct class values", l.path, quoteList(l.classes))
		}
	}
	f, err := os.Open(l.path)
	if err != nil {
		return nil, fmt.Errorf("reading sequences: %w", err)
	}
	defer f.Close()
	s, err := parseSequenceCSV(f, l.path, molSpec{smiles: l.text, id: l.id, targets: l.targets, task: -1, values: l.classes})
	if err != nil {
		return nil, err
	}
	s.Name = strings.TrimSuffix(filepath.Base(l.path), filepath.Ext(l.path))
	return s, nil
}

// parseSequenceCSV reads a CSV with a header. spec.task < 0 asks for inference.
func parseSequenceCSV(r io.Reader, name string, spec molSpec) (*Sequences, error) {
	cr := csv.NewReader(skipBOM(r))
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("%s: the file is empty; expected a header row", name)
		}
		return nil, fmt.Errorf("%s: reading the header: %w", name, err)
	}
	header = slices.Clone(header)
	col := func(c string) (int, error) {
		for i, h := range header {
			if strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")) == c {
				return i, nil
			}
		}
		return -1, fmt.Errorf("%s: no column %q in the header; the columns are %s", name, c, quoteList(header))
	}
	smi, err := col(spec.smiles)
	if err != nil {
		return nil, err
	}
	idc := -1
	if spec.id != "" {
		if idc, err = col(spec.id); err != nil {
			return nil, err
		}
	}
	tcols := make([]int, len(spec.targets))
	for i, t := range spec.targets {
		if tcols[i], err = col(t); err != nil {
			return nil, err
		}
	}
	s := &Sequences{Task: spec.task, Targets: slices.Clone(spec.targets), Classes: slices.Clone(spec.classes)}
	if idc >= 0 {
		s.IDs = []string{}
	}
	var raw [][]string // raw target text, for inference
	var lines []int    // the line of each row of raw
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		line, _ := cr.FieldPos(0)
		text := strings.TrimSpace(rec[smi])
		if text == "" {
			return nil, fmt.Errorf("%s line %d: column %q is empty; expected a sequence", name, line, spec.smiles)
		}
		s.Texts = append(s.Texts, text)
		if idc >= 0 {
			s.IDs = append(s.IDs, strings.TrimSpace(rec[idc]))
		}
		vals := make([]string, len(tcols))
		for j, c := range tcols {
			vals[j] = strings.TrimSpace(rec[c])
		}
		if spec.task < 0 {
			raw = append(raw, vals)
			lines = append(lines, line)
			continue
		}
		for j, v := range vals {
			y, err := parseTarget(v, spec.task)
			if err != nil {
				return nil, fmt.Errorf("%s line %d, column %q: %v", name, line, spec.targets[j], err)
			}
			s.Y = append(s.Y, y)
		}
	}
	if len(s.Texts) == 0 {
		return nil, fmt.Errorf("%s: no rows after the header", name)
	}
	switch {
	case spec.values != nil:
		if err := statedClasses(s, raw, lines, spec, name); err != nil {
			return nil, err
		}
	case spec.task < 0:
		if err := inferTextTargets(s, raw, lines, spec.smiles, name); err != nil {
			return nil, err
		}
	}
	if s.Task.IsClassification() {
		s.Targets = nil
	}
	return s, s.Validate()
}

func parseTarget(v string, task Task) (float32, error) {
	if v == "" {
		if task == MultiLabel {
			return float32(math.NaN()), nil
		}
		return 0, errors.New("empty value; expected a number")
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil {
		return 0, fmt.Errorf("%q is not a number", clip(v, 30))
	}
	switch task {
	case Binary, MultiLabel:
		if f != 0 && f != 1 {
			return 0, fmt.Errorf("%q; expected 0 or 1", v)
		}
	case Regression:
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return 0, fmt.Errorf("%q; expected a finite number", v)
		}
	}
	return float32(f), nil
}

// statedClasses maps the single raw target column to the stated classes.
func statedClasses(s *Sequences, raw [][]string, lines []int, spec molSpec, name string) error {
	for r, row := range raw {
		k := matchClass(row[0], spec.values)
		if k < 0 {
			return fmt.Errorf("%s line %d, column %q: label %q is not one of the stated classes %s; correct the row, or add the class to Classes(...)", name, lines[r], spec.targets[0], clip(row[0], 30), quoteList(spec.values))
		}
		s.Y = append(s.Y, float32(k))
	}
	s.Classes = slices.Clone(spec.values)
	s.Task = MultiClass
	if len(s.Classes) == 2 {
		s.Task = Binary
	}
	return nil
}

// inferTextTargets sets the task and targets from raw target strings.
func inferTextTargets(s *Sequences, raw [][]string, lines []int, textColumn, name string) error {
	cols := len(s.Targets)
	if cols == 1 {
		values := make([]string, len(raw))
		for i, row := range raw {
			values[i] = row[0]
		}
		if odd, other := mixedLabels(values); odd >= 0 {
			return fmt.Errorf("%s line %d, column %q: label %q does not fit the other labels (such as %q): a column mixes numbers and text; correct the row, or state the classes with SequencesCSV(path, %q).Target(%q).Classes(...) so that every label is checked",
				name, lines[odd], s.Targets[0], clip(values[odd], 30), clip(other, 30), textColumn, s.Targets[0])
		}
	}
	numeric := true
	for _, row := range raw {
		for _, v := range row {
			if v == "" {
				continue
			}
			if _, err := strconv.ParseFloat(v, 64); err != nil {
				numeric = false
			}
		}
	}
	if !numeric {
		if cols != 1 {
			return fmt.Errorf("%s: target columns %s hold text; only a single text column can name classes", name, quoteList(s.Targets))
		}
		values := make([]string, 0, len(raw))
		for i, row := range raw {
			if row[0] == "" {
				return fmt.Errorf("%s line %d: no value in column %q; expected a class name", name, lines[i], s.Targets[0])
			}
			values = append(values, row[0])
		}
		classes := slices.Clone(values)
		slices.Sort(classes)
		classes = slices.Compact(classes)
		s.Classes = classes
		s.Task = MultiClass
		if len(classes) <= 2 {
			s.Task = Binary
		}
		for _, v := range values {
			k, _ := slices.BinarySearch(classes, v)
			s.Y = append(s.Y, float32(k))
		}
		return nil
	}
	y := make([]float32, 0, len(raw)*cols)
	for i, row := range raw {
		for j, v := range row {
			if v == "" {
				if cols == 1 {
					return fmt.Errorf("%s line %d: no value in column %q; expected a number", name, lines[i], s.Targets[j])
				}
				y = append(y, float32(math.NaN()))
				continue
			}
			f, _ := strconv.ParseFloat(v, 64)
			y = append(y, float32(f))
		}
	}
	d := &Dataset{}
	if err := inferTargets(d, y, cols); err != nil {
		return err
	}
	s.Task, s.Y, s.Classes = d.Task, d.Y, d.Classes
	if cols > 1 || !s.Task.IsClassification() {
		if d.Task == Regression {
			for _, v := range y {
				if math.IsNaN(float64(v)) {
					return fmt.Errorf("%s: blank values among targets that are not 0/1 labels; fill them in or drop those rows", name)
				}
			}
		}
	}
	return nil
}

func quoteList(items []string) string {
	q := make([]string, len(items))
	for i, s := range items {
		q[i] = strconv.Quote(s)
	}
	return strings.Join(q, ", ")
}
