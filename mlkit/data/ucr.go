// SPDX-License-Identifier: Apache-2.0

package data

import (
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// ucrInfo names the classes of a known UCR data set: labels[i] is the file's label value
// mapped to class i.
type ucrInfo struct {
	name    string // canonical spelling
	values  []float64
	classes []string
	test    bool // whether the test split is part of the data layout
	length  int
	train   []int // class counts of the training file (checked on download)
	testN   []int
}

var ucrKnown = map[string]ucrInfo{
	"ecg200": {
		name: "ECG200", values: []float64{-1, 1},
		classes: []string{"myocardial infarction", "normal"},
		test:    true, length: 96, train: []int{31, 69}, testN: []int{36, 64},
	},
	"ecg5000": {
		name: "ECG5000", values: []float64{1, 2, 3, 4, 5},
		classes: []string{"normal", "R-on-T premature ventricular contraction", "premature ventricular contraction",
			"supraventricular premature beat", "unclassified beat"},
		length: 140, train: []int{292, 177, 10, 19, 2},
	},
}

var ucrName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_-]*$`)

// LoadUCR loads a data set of the UCR time-series archive by name, from the files
// ucr/NAME_TRAIN.txt and ucr/NAME_TEST.txt. Each example is one series, Shape [length, 1].
// File labels are mapped to classes 0..k-1 in increasing order of value:
//
//   - "ECG200" (96 samples per heartbeat, Binary): label -1 is class 0 "myocardial
//     infarction", label 1 is class 1 "normal"; 100 training and 100 test beats.
//   - "ECG5000" (140 samples, MultiClass): labels 1-5 are classes 0-4 "normal",
//     "R-on-T premature ventricular contraction", "premature ventricular contraction",
//     "supraventricular premature beat", "unclassified beat". Only the 500-beat training
//     file is part of the data layout, so the Split has Train only and Test is nil;
//     use StratifiedSplit to hold out a test set.
//
// Other UCR names are downloaded from the archive; their classes are named after the labels.
func LoadUCR(name string) (*Split, error) {
	info, known := ucrKnown[strings.ToLower(name)]
	if !known {
		if !ucrName.MatchString(name) {
			return nil, fmt.Errorf("%q is not a UCR data set name; expected letters, digits, '_' or '-', such as \"ECG200\"", name)
		}
		info = ucrInfo{name: name, test: true}
	}
	train, err := Fetch("ucr/" + info.name + "_TRAIN.txt")
	if err != nil {
		return nil, err
	}
	test := ""
	if info.test {
		if test, err = Fetch("ucr/" + info.name + "_TEST.txt"); err != nil {
			return nil, err
		}
	}
	s, err := loadUCRFiles(train, test, info.values, info.classes)
	if err != nil {
		return nil, err
	}
	if known {
		if err := ucrCounts(train, s.Train, info, false); err != nil {
			return nil, notPublished("ucr/"+info.name+"_TRAIN.txt", train, err)
		}
		if s.Test != nil {
			if err := ucrCounts(test, s.Test, info, true); err != nil {
				return nil, notPublished("ucr/"+info.name+"_TEST.txt", test, err)
			}
		}
	}
	s.Train.Name = info.name + "-train"
	if s.Test != nil {
		s.Test.Name = info.name + "-test"
	}
	return s, nil
}

// LoadUCRFiles loads series in the UCR text format: one series per line, the class label
// first, values separated by white space or commas. testPath may be empty. Labels are
// mapped to classes 0..k-1 in increasing order of value over both files, and classes are
// named after the labels.
func LoadUCRFiles(trainPath, testPath string) (*Split, error) {
	return loadUCRFiles(trainPath, testPath, nil, nil)
}

func loadUCRFiles(trainPath, testPath string, values []float64, classes []string) (*Split, error) {
	paths := []string{trainPath}
	if testPath != "" {
		paths = append(paths, testPath)
	}
	tables := make([]*ucrTable, len(paths))
	for i, p := range paths {
		f, err := os.Open(p)
		if err != nil {
			return nil, fmt.Errorf("reading UCR file: %w", err)
		}
		tables[i], err = parseUCR(f, p)
		_ = f.Close()
		if err != nil {
			return nil, err
		}
	}
	if len(tables) == 2 && tables[0].length != tables[1].length {
		return nil, fmt.Errorf("%s: series have %d values but those of %s have %d; expected the same length", testPath, tables[1].length, trainPath, tables[0].length)
	}
	if values == nil {
		for _, t := range tables {
			values = append(values, t.labels...)
		}
		slices.Sort(values)
		values = slices.Compact(values)
		classes = make([]string, len(values))
		for i, v := range values {
			classes[i] = strconv.FormatFloat(v, 'g', -1, 64)
		}
	}
	task := MultiClass
	if len(classes) <= 2 {
		task = Binary
	}
	out := make([]*Dataset, len(tables))
	for i, t := range tables {
		y := make([]float32, len(t.labels))
		for j, v := range t.labels {
			k, ok := slices.BinarySearch(values, v)
			if !ok {
				return nil, fmt.Errorf("%s: series %d (line %d) has label %v; expected one of %v", paths[i], j+1, t.lines[j], v, values)
			}
			y[j] = float32(k)
		}
		out[i] = &Dataset{
			Name: strings.TrimSuffix(filepath.Base(paths[i]), filepath.Ext(paths[i])), Task: task,
			X: t.x, Shape: []int{t.length, 1}, Y: y, Classes: slices.Clone(classes),
		}
	}
	s := &Split{Train: out[0]}
	if len(out) == 2 {
		s.Test = out[1]
	}
	return s, nil
}

// ucrTable is a parsed UCR file.
type ucrTable struct {
	labels []float64
	lines  []int // line number of each series
	x      []float32
	length int
}

// parseUCR parses the UCR text format.
func parseUCR(r io.Reader, name string) (*ucrTable, error) {
	sc := newLineScanner(r)
	t := &ucrTable{}
	line := 0
	for sc.Scan() {
		line++
		text := strings.TrimSpace(sc.Text())
		if text == "" {
			continue
		}
		fields := strings.FieldsFunc(text, func(r rune) bool { return r == ' ' || r == '\t' || r == ',' || r == '\r' })
		if len(fields) < 2 {
			return nil, fmt.Errorf("%s line %d: found %d value(s); expected a class label followed by the series", name, line, len(fields))
		}
		label, err := strconv.ParseFloat(fields[0], 64)
		if err != nil || math.IsNaN(label) || math.IsInf(label, 0) {
			return nil, fmt.Errorf("%s line %d: class label %q is not a number; expected the label first, then the values", name, line, clip(fields[0], 30))
		}
		n := len(fields) - 1
		if t.length == 0 {
			t.length = n
		} else if n != t.length {
			return nil, fmt.Errorf("%s line %d: series has %d values; expected %d like the first series (variable-length series are not supported)", name, line, n, t.length)
		}
		for j, f := range fields[1:] {
			v, err := strconv.ParseFloat(f, 32)
			if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, fmt.Errorf("%s line %d: value %d is %q; expected a finite number (missing values are not supported)", name, line, j+1, clip(f, 30))
			}
			t.x = append(t.x, float32(v))
		}
		t.labels = append(t.labels, label)
		t.lines = append(t.lines, line)
	}
	if err := sc.Err(); err != nil {
		return nil, scanError(name, line+1, err)
	}
	if len(t.labels) == 0 {
		return nil, fmt.Errorf("%s: no series found; expected one series per line, label first", name)
	}
	return t, nil
}
