// SPDX-License-Identifier: Apache-2.0

package data

import (
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
)

// WDBCFeatures are the 30 feature names of the Wisconsin Diagnostic Breast Cancer data, in
// file order: the mean, the standard error and the worst (mean of the three largest)
// value of ten measurements of the cell nuclei.
var WDBCFeatures = func() []string {
	base := []string{"radius", "texture", "perimeter", "area", "smoothness", "compactness",
		"concavity", "concave_points", "symmetry", "fractal_dimension"}
	var out []string
	for _, group := range []string{"mean", "se", "worst"} {
		for _, b := range base {
			out = append(out, b+"_"+group)
		}
	}
	return out
}()

// LoadWDBC loads the Breast Cancer Wisconsin (Diagnostic) data: 569 fine-needle aspirates
// with 30 features (Shape [30], named in Features, see WDBCFeatures) and the diagnosis as a
// Binary task with classes "benign" (0) and "malignant" (1, the positive class):
// 357 benign, 212 malignant.
func LoadWDBC() (*Dataset, error) {
	p, err := Fetch("uci/wdbc.data")
	if err != nil {
		return nil, err
	}
	f, err := os.Open(p)
	if err != nil {
		return nil, fmt.Errorf("reading WDBC: %w", err)
	}
	defer f.Close()
	d, err := parseWDBC(f, p)
	if err != nil {
		return nil, err
	}
	if err := checkWDBCCounts(p, d); err != nil {
		return nil, notPublished("uci/wdbc.data", p, err)
	}
	return d, nil
}

func parseWDBC(r io.Reader, name string) (*Dataset, error) {
	d := &Dataset{
		Name: "wdbc", Task: Binary, Shape: []int{30},
		Features: append([]string(nil), WDBCFeatures...),
		Classes:  []string{"benign", "malignant"},
	}
	sc := newLineScanner(r)
	line := 0
	for sc.Scan() {
		line++
		text := strings.TrimSpace(sc.Text())
		if text == "" {
			continue
		}
		fields := strings.Split(text, ",")
		if len(fields) != 32 {
			return nil, fmt.Errorf("%s line %d: %d comma-separated fields; expected 32 (id, diagnosis M/B, 30 features)", name, line, len(fields))
		}
		switch strings.TrimSpace(fields[1]) {
		case "B":
			d.Y = append(d.Y, 0)
		case "M":
			d.Y = append(d.Y, 1)
		default:
			return nil, fmt.Errorf("%s line %d: diagnosis %q; expected M (malignant) or B (benign)", name, line, clip(fields[1], 20))
		}
		for j, f := range fields[2:] {
			v, err := strconv.ParseFloat(strings.TrimSpace(f), 32)
			if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, fmt.Errorf("%s line %d: feature %s is %q; expected a number", name, line, WDBCFeatures[j], clip(f, 20))
			}
			d.X = append(d.X, float32(v))
		}
	}
	if err := sc.Err(); err != nil {
		return nil, scanError(name, line+1, err)
	}
	if len(d.Y) == 0 {
		return nil, fmt.Errorf("%s: no records; expected 569 lines of id, diagnosis and 30 features", name)
	}
	return d, nil
}

// SpliceClasses are the classes of LoadSplice: an exon/intron boundary (donor site), an
// intron/exon boundary (acceptor site), or neither.
var SpliceClasses = []string{"exon/intron (EI)", "intron/exon (IE)", "neither (N)"}

// LoadSplice loads the primate splice-junction DNA sequences (UCI): 3,190 sequences of 60
// nucleotides, MultiClass with the classes of SpliceClasses (767 EI, 768 IE, 1,655 N);
// IDs are the GenBank-derived names. Fifteen sequences contain the IUPAC ambiguity codes
// D, N, S or R; they are kept as published (see Ambiguity for how tokenizers treat them).
func LoadSplice() (*Sequences, error) {
	p, err := Fetch("uci/splice.data")
	if err != nil {
		return nil, err
	}
	s, err := loadSpliceFile(p)
	if err != nil {
		return nil, err
	}
	if err := dnaCounts(p, s, spliceSpec); err != nil {
		return nil, notPublished("uci/splice.data", p, err)
	}
	return s, nil
}

func loadSpliceFile(p string) (*Sequences, error) {
	f, err := os.Open(p)
	if err != nil {
		return nil, fmt.Errorf("reading splice data: %w", err)
	}
	defer f.Close()
	return parseDNAFile(f, p, "splice", map[string]int{"EI": 0, "IE": 1, "N": 2}, SpliceClasses, MultiClass)
}

// LoadPromoters loads the E. coli promoter sequences (UCI): 106 sequences of 57
// nucleotides, Binary with classes "non-promoter" (0, "-") and "promoter" (1, "+"), 53
// each. Sequences are upper-cased.
func LoadPromoters() (*Sequences, error) {
	p, err := Fetch("uci/promoters.data")
	if err != nil {
		return nil, err
	}
	s, err := loadPromotersFile(p)
	if err != nil {
		return nil, err
	}
	if err := dnaCounts(p, s, promotersSpec); err != nil {
		return nil, notPublished("uci/promoters.data", p, err)
	}
	return s, nil
}

func loadPromotersFile(p string) (*Sequences, error) {
	f, err := os.Open(p)
	if err != nil {
		return nil, fmt.Errorf("reading promoter data: %w", err)
	}
	defer f.Close()
	return parseDNAFile(f, p, "promoters", map[string]int{"-": 0, "+": 1}, []string{"non-promoter", "promoter"}, Binary)
}

// parseDNAFile reads "class, id, sequence" lines.
func parseDNAFile(r io.Reader, name, setName string, labels map[string]int, classes []string, task Task) (*Sequences, error) {
	s := &Sequences{Name: setName, Task: task, Classes: append([]string(nil), classes...), IDs: []string{}}
	sc := newLineScanner(r)
	line, length := 0, 0
	for sc.Scan() {
		line++
		text := strings.TrimSpace(sc.Text())
		if text == "" {
			continue
		}
		fields := strings.Split(text, ",")
		if len(fields) != 3 {
			return nil, fmt.Errorf("%s line %d: %d comma-separated fields; expected 3 (class, name, sequence)", name, line, len(fields))
		}
		c := strings.TrimSpace(fields[0])
		k, ok := labels[c]
		if !ok {
			return nil, fmt.Errorf("%s line %d: class %q; expected one of %s", name, line, clip(c, 20), strings.Join(mapKeys(labels), ", "))
		}
		seq := strings.ToUpper(strings.TrimSpace(fields[2]))
		if i := strings.IndexFunc(seq, func(r rune) bool { return !isIUPAC(r) }); i >= 0 {
			return nil, fmt.Errorf("%s line %d: sequence character %d is %q; expected a nucleotide or IUPAC code (ACGT, N, R, Y, S, W, K, M, B, D, H, V)", name, line, i+1, []rune(seq[i:])[0])
		}
		if length == 0 {
			length = len(seq)
		} else if len(seq) != length {
			return nil, fmt.Errorf("%s line %d: sequence has %d nucleotides; expected %d like the first", name, line, len(seq), length)
		}
		s.Texts = append(s.Texts, seq)
		s.IDs = append(s.IDs, strings.TrimSpace(fields[1]))
		s.Y = append(s.Y, float32(k))
	}
	if err := sc.Err(); err != nil {
		return nil, scanError(name, line+1, err)
	}
	if len(s.Texts) == 0 {
		return nil, fmt.Errorf("%s: no sequences; expected lines of class, name, sequence", name)
	}
	return s, nil
}

func mapKeys(m map[string]int) []string {
	out := make([]string, len(m))
	for k, v := range m {
		out[v] = k
	}
	return out
}

func isIUPAC(r rune) bool { return strings.ContainsRune("ACGTUNRYSWKMBDHV", r) }
