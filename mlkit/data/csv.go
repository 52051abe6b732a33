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

// CSVLoader configures the loading of a tabular CSV file; finish with Done.
//
//	d, err := data.CSV("patients.csv").Target("outcome").Drop("patient_id").Done()
type CSVLoader struct {
	path     string
	r        io.Reader
	targets  []string
	drop     []string
	task     Task
	taskSet  bool
	comma    rune
	noHeader bool
	positive string
	classes  []string
	fill     *float32
}

// LoadCSV loads a CSV file with a header row, taking the last column as the target and
// every other column as a numeric feature; see CSV for the options and the inference rules.
func LoadCSV(path string) (*Dataset, error) { return CSV(path).Done() }

// CSV starts loading a tabular CSV file. By default the first row names the columns, the
// last column is the target and all others are numeric features. The task is inferred from
// the target unless Task is given:
//
//   - text values are classes, in sorted order (Binary for two, else MultiClass);
//   - integers with at most 20 distinct values are classes: values 0..k-1 as they are,
//     other integers (such as -1/1) mapped in increasing order;
//   - other numbers are a Regression target;
//   - several target columns of 0, 1 or blank are MultiLabel (blank = NaN, missing),
//     several numeric columns otherwise a Regression.
//
// Inference takes every distinct value for a class, so it cannot tell a junk label such as
// "2" in a 0/1 column from a third class; it rejects only a column that mixes numbers and
// text (one "yes" among 0/1). State the classes with Classes to have every label checked.
//
// Empty cells and "NA", "NaN", "?" or "null" are missing values: an error in features
// unless FillMissing is set.
func CSV(path string) *CSVLoader { return &CSVLoader{path: path, comma: ','} }

// Target names the target column(s) (default: the last column).
func (c *CSVLoader) Target(columns ...string) *CSVLoader { c.targets = columns; return c }

// Drop names columns to ignore, such as identifiers.
func (c *CSVLoader) Drop(columns ...string) *CSVLoader { c.drop = append(c.drop, columns...); return c }

// Task sets the task instead of inferring it.
func (c *CSVLoader) Task(t Task) *CSVLoader { c.task, c.taskSet = t, true; return c }

// Comma sets the field separator (default ',').
func (c *CSVLoader) Comma(r rune) *CSVLoader { c.comma = r; return c }

// NoHeader says the file has no header row; columns are then named "col1", "col2", ...
func (c *CSVLoader) NoHeader() *CSVLoader { c.noHeader = true; return c }

// Positive names the target value that is the positive class (index 1) of a Binary task,
// for example Positive("M") for a diagnosis column of M and B.
func (c *CSVLoader) Positive(class string) *CSVLoader { c.positive = class; return c }

// Classes states the classes of a single target column, as written in the file, in
// class-index order: Classes("B", "M") makes B class 0 and M class 1. Numbers match by value
// ("1.0" is class "1"). A target that is not one of them is an error naming its line, where
// inference would make a new class of it; the task is Binary for two classes, else
// MultiClass (or the one given with Task).
func (c *CSVLoader) Classes(values ...string) *CSVLoader { c.classes = values; return c }

// FillMissing replaces missing feature values by v (math.NaN() keeps them as NaN).
func (c *CSVLoader) FillMissing(v float32) *CSVLoader { c.fill = &v; return c }

// Done reads the file.
func (c *CSVLoader) Done() (*Dataset, error) {
	name := c.path
	if c.r == nil {
		f, err := os.Open(c.path)
		if err != nil {
			return nil, fmt.Errorf("reading CSV: %w", err)
		}
		defer f.Close()
		c.r = f
		defer func() { c.r = nil }()
	}
	d, err := c.parse(c.r, name)
	if err != nil {
		return nil, err
	}
	d.Name = strings.TrimSuffix(filepath.Base(name), filepath.Ext(name))
	return d, nil
}

func isMissing(s string) bool {
	switch strings.ToLower(s) {
	case "", "na", "nan", "?", "null", "n/a":
		return true
	}
	return false
}

func (c *CSVLoader) parse(r io.Reader, name string) (*Dataset, error) {
	cr := csv.NewReader(skipBOM(r))
	cr.Comma = c.comma
	cr.TrimLeadingSpace = true
	if c.comma == '"' || c.comma == '\n' || c.comma == '\r' || c.comma == 0 || !validRune(c.comma) {
		return nil, fmt.Errorf("%s: %q cannot separate CSV fields", name, c.comma)
	}
	first, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%s: the file is empty; expected a header row and data rows", name)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	header := slices.Clone(first)
	var rows [][]string
	var lines []int
	if c.noHeader {
		for i := range header {
			header[i] = "col" + strconv.Itoa(i+1)
		}
		rows = append(rows, slices.Clone(first))
		lines = append(lines, 1)
	}
	for i := range header {
		header[i] = strings.TrimSpace(strings.TrimPrefix(header[i], "\ufeff"))
	}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w (every row needs the %d columns of the header)", name, err, len(header))
		}
		line, _ := cr.FieldPos(0)
		rows = append(rows, rec)
		lines = append(lines, line)
	}
	if len(rows) == 0 {
		return nil, fmt.Errorf("%s: no data rows after the header", name)
	}
	index := func(col string) (int, error) {
		for i, h := range header {
			if h == col {
				return i, nil
			}
		}
		return -1, fmt.Errorf("%s: no column %q; the columns are %s", name, col, quoteList(header))
	}
	var tcols []int
	if len(c.targets) == 0 {
		tcols = []int{len(header) - 1}
	}
	for _, t := range c.targets {
		i, err := index(t)
		if err != nil {
			return nil, err
		}
		tcols = append(tcols, i)
	}
	skip := make([]bool, len(header))
	for _, t := range tcols {
		skip[t] = true
	}
	for _, col := range c.drop {
		i, err := index(col)
		if err != nil {
			return nil, err
		}
		skip[i] = true
	}
	var fcols []int
	d := &Dataset{}
	for i, h := range header {
		if !skip[i] {
			fcols = append(fcols, i)
			d.Features = append(d.Features, h)
		}
	}
	if len(fcols) == 0 {
		return nil, fmt.Errorf("%s: no feature columns are left after the target and the dropped columns", name)
	}
	d.Shape = []int{len(fcols)}
	d.X = make([]float32, 0, len(rows)*len(fcols))
	for r, row := range rows {
		for _, j := range fcols {
			v := strings.TrimSpace(row[j])
			if isMissing(v) {
				if c.fill == nil {
					return nil, fmt.Errorf("%s line %d, column %q: missing value; fill it in, drop the row, or call FillMissing", name, lines[r], header[j])
				}
				d.X = append(d.X, *c.fill)
				continue
			}
			f, err := strconv.ParseFloat(v, 64)
			if err != nil || math.IsInf(f, 0) {
				return nil, fmt.Errorf("%s line %d, column %q: %q is not a number; features must be numeric (encode text columns or Drop them)", name, lines[r], header[j], clip(v, 30))
			}
			d.X = append(d.X, float32(f))
		}
	}
	tnames := make([]string, len(tcols))
	for i, t := range tcols {
		tnames[i] = header[t]
	}
	raw := make([][]string, len(rows))
	for r, row := range rows {
		raw[r] = make([]string, len(tcols))
		for i, t := range tcols {
			raw[r][i] = strings.TrimSpace(row[t])
		}
	}
	if err := c.targetsFrom(d, raw, lines, tnames, name); err != nil {
		return nil, err
	}
	return d, d.Validate()
}

func validRune(r rune) bool { return r > 0 && r != 0xFFFD && r < 0x110000 }

// targetsFrom fills d's task and targets from raw target cells.
func (c *CSVLoader) targetsFrom(d *Dataset, raw [][]string, lines []int, tnames []string, name string) error {
	cols := len(tnames)
	numeric, integer := true, true
	for r, row := range raw {
		for i, v := range row {
			if isMissing(v) {
				if cols == 1 || (c.taskSet && c.task != MultiLabel) {
					return fmt.Errorf("%s line %d, column %q: missing target; fill it in or drop the row", name, lines[r], tnames[i])
				}
				continue
			}
			f, err := strconv.ParseFloat(v, 64)
			if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
				numeric, integer = false, false
			} else if f != math.Trunc(f) {
				integer = false
			}
		}
	}
	if c.classes != nil {
		if cols != 1 || (c.taskSet && !c.task.IsClassification()) {
			return fmt.Errorf("%s: classes are stated for target columns %s; Classes needs a single target column and a classification task", name, quoteList(tnames))
		}
		values := make([]string, len(raw))
		for r, row := range raw {
			values[r] = row[0]
		}
		return c.statedClasses(d, values, lines, tnames[0], name)
	}
	task := c.task
	if !c.taskSet {
		switch {
		case cols > 1 && numeric:
			task = Regression
			if allBinary(raw) {
				task = MultiLabel
			}
		case cols > 1:
			return fmt.Errorf("%s: target columns %s hold text; several targets must be numbers (0/1 for multi-label)", name, quoteList(tnames))
		case !numeric || (integer && distinct(raw) <= 20):
			task = MultiClass
		default:
			task = Regression
		}
	}
	switch task {
	case Regression, MultiLabel:
		if !numeric {
			return fmt.Errorf("%s: a %v target must be numeric, but column(s) %s hold text", name, task, quoteList(tnames))
		}
		if task == MultiLabel && !allBinary(raw) {
			return fmt.Errorf("%s: multi-label targets must be 0, 1 or blank; columns %s hold other values", name, quoteList(tnames))
		}
		for _, row := range raw {
			for _, v := range row {
				if isMissing(v) {
					d.Y = append(d.Y, float32(math.NaN()))
					continue
				}
				f, _ := strconv.ParseFloat(v, 64)
				d.Y = append(d.Y, float32(f))
			}
		}
		d.Task, d.Targets = task, tnames
		return nil
	}
	if cols != 1 {
		return fmt.Errorf("%s: a %v task needs one target column, %d given (%s)", name, task, cols, quoteList(tnames))
	}
	values := make([]string, len(raw))
	for r, row := range raw {
		values[r] = row[0]
	}
	if odd, other := mixedLabels(values); odd >= 0 {
		return fmt.Errorf("%s line %d, column %q: target %q does not fit the other targets (such as %q): the column mixes numbers and text; correct the row, or state the classes with Classes(...) so that every label is checked",
			name, lines[odd], tnames[0], clip(values[odd], 30), clip(other, 30))
	}
	if numeric && integer {
		values = normalizeInts(values)
	}
	classes := slices.Clone(values)
	slices.Sort(classes)
	classes = slices.Compact(classes)
	if numeric {
		slices.SortFunc(classes, func(a, b string) int {
			x, _ := strconv.ParseFloat(a, 64)
			y, _ := strconv.ParseFloat(b, 64)
			switch {
			case x < y:
				return -1
			case x > y:
				return 1
			}
			return 0
		})
	}
	if numeric && integer {
		// Labels that are already 0..k-1 keep their values, even when a class is absent here.
		k, nonNeg := 0, true
		for _, v := range classes {
			i, _ := strconv.Atoi(v)
			nonNeg = nonNeg && i >= 0
			k = max(k, i+1)
		}
		if nonNeg && k <= 1000 {
			classes = make([]string, max(k, 2))
			for i := range classes {
				classes[i] = strconv.Itoa(i)
			}
		}
	}
	if c.positive != "" {
		i := slices.Index(classes, c.positive)
		if i < 0 {
			return fmt.Errorf("%s: the positive class %q does not occur in column %q (values: %s)", name, c.positive, tnames[0], quoteList(classes[:min(len(classes), 10)]))
		}
		if len(classes) != 2 {
			return fmt.Errorf("%s: a positive class needs a binary target, but column %q has %d classes", name, tnames[0], len(classes))
		}
		classes = []string{classes[1-i], c.positive}
	}
	d.Classes = classes
	d.Task = task
	if !c.taskSet {
		d.Task = MultiClass
		if len(classes) == 2 {
			d.Task = Binary
		}
	}
	for _, v := range values {
		d.Y = append(d.Y, float32(slices.Index(classes, v)))
	}
	return nil
}

// statedClasses maps the target values to the classes given with Classes.
func (c *CSVLoader) statedClasses(d *Dataset, values []string, lines []int, column, name string) error {
	if c.positive != "" {
		return fmt.Errorf("%s: both Positive and Classes are set; state the classes with the positive one last instead", name)
	}
	if len(c.classes) < 2 || len(slices.Compact(slices.Sorted(slices.Values(c.classes)))) != len(c.classes) {
		return fmt.Errorf("%s: classes %s; expected at least 2 distinct class values", name, quoteList(c.classes))
	}
	for r, v := range values {
		k := matchClass(v, c.classes)
		if k < 0 {
			return fmt.Errorf("%s line %d, column %q: target %q is not one of the stated classes %s; correct the row, or add the class to Classes(...)", name, lines[r], column, clip(v, 30), quoteList(c.classes))
		}
		d.Y = append(d.Y, float32(k))
	}
	d.Classes = slices.Clone(c.classes)
	d.Task = c.task
	if !c.taskSet {
		d.Task = MultiClass
		if len(c.classes) == 2 {
			d.Task = Binary
		}
	}
	return nil
}

func allBinary(raw [][]string) bool {
	for _, row := range raw {
		for _, v := range row {
			if !isMissing(v) {
				f, err := strconv.ParseFloat(v, 64)
				if err != nil || (f != 0 && f != 1) {
					return false
				}
			}
		}
	}
	return true
}

func distinct(raw [][]string) int {
	seen := map[string]bool{}
	for _, row := range raw {
		seen[row[0]] = true
	}
	return len(seen)
}

// normalizeInts rewrites integer strings ("1.0", "01") as plain decimal integers.
func normalizeInts(values []string) []string {
	out := make([]string, len(values))
	for i, v := range values {
		f, _ := strconv.ParseFloat(v, 64)
		out[i] = strconv.Itoa(int(f))
	}
	return out
}
