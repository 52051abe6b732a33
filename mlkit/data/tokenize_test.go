// SPDX-License-Identifier: Apache-2.0

package data

import (
	"slices"
	"strings"
	"testing"
)

func TestSMILESTokens(t *testing.T) {
	for _, tc := range []struct {
		smiles string
		want   []string
	}{
		{"CCO", []string{"C", "C", "O"}},
		{"ClCBr", []string{"Cl", "C", "Br"}},
		{"c1ccccc1", []string{"c", "1", "c", "c", "c", "c", "c", "1"}},
		{"C[C@@H](N)C(=O)O", []string{"C", "[C@@H]", "(", "N", ")", "C", "(", "=", "O", ")", "O"}},
		{"[NH4+].[Cl-]", []string{"[NH4+]", ".", "[Cl-]"}},
		{"C%12CC%12", []string{"C", "%12", "C", "C", "%12"}},
		{"F/C=C/F", []string{"F", "/", "C", "=", "C", "/", "F"}},
		{`C\C=C\C#N`, []string{"C", `\`, "C", "=", "C", `\`, "C", "#", "N"}},
		{"[13CH4]", []string{"[13CH4]"}},
		{"*C(=O)[nH]", []string{"*", "C", "(", "=", "O", ")", "[nH]"}},
		{"  CC  ", []string{"C", "C"}},
		{"Cc1ccccc1Cl", []string{"C", "c", "1", "c", "c", "c", "c", "c", "1", "Cl"}},
	} {
		got, err := tokenizeSMILES(tc.smiles)
		if err != nil || !slices.Equal(got, tc.want) {
			t.Errorf("%q: %q, %v; want %q", tc.smiles, got, err, tc.want)
		}
		if strings.Join(got, "") != strings.TrimSpace(tc.smiles) {
			t.Errorf("%q: tokens do not rebuild the SMILES", tc.smiles)
		}
	}
	for _, bad := range []struct{ smiles, want string }{
		{"", "empty"},
		{"C[C@H", "not closed"},
		{"C[]C", "bad bracket"},
		{"C%1", "two-digit"},
		{"CXC", "unexpected character 'X'"},
		{"C C", "unexpected character ' '"},
		{"Cé", "unexpected character 'é'"},
	} {
		if _, err := tokenizeSMILES(bad.smiles); err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("%q: error %v, want %q", bad.smiles, err, bad.want)
		}
	}
}

func TestDNATokens(t *testing.T) {
	for _, tc := range []struct {
		name string
		tok  *Tokenizer
		seq  string
		want []string
	}{
		{"nucleotides", DNATokenizer().Done(), "acgT", []string{"A", "C", "G", "T"}},
		{"ambiguity as N", DNATokenizer().Done(), "ADSRN", []string{"A", "N", "N", "N", "N"}},
		{"ambiguity kept", DNATokenizer().Ambiguity(AmbiguityKeep).Done(), "ADSRN", []string{"A", "D", "S", "R", "N"}},
		{"ambiguity unknown", DNATokenizer().Ambiguity(AmbiguityUnknown).Done(), "ADC", []string{"A", UnknownToken, "C"}},
		{"3-mers", DNATokenizer().KMer(3).Done(), "ACGTA", []string{"ACG", "CGT", "GTA"}},
		{"3-mers stride 3", DNATokenizer().KMer(3).Stride(3).Done(), "ACGTACG", []string{"ACG", "TAC"}},
		{"2-mers unknown", DNATokenizer().KMer(2).Ambiguity(AmbiguityUnknown).Done(), "ACDG", []string{"AC", UnknownToken, UnknownToken}},
		{"2-mers as N", DNATokenizer().KMer(2).Done(), "ACRG", []string{"AC", "CN", "NG"}},
	} {
		got, err := tc.tok.Tokenize(tc.seq)
		if err != nil || !slices.Equal(got, tc.want) {
			t.Errorf("%s: %q → %q, %v; want %q", tc.name, tc.seq, got, err, tc.want)
		}
	}
	for _, tc := range []struct {
		name string
		tok  *Tokenizer
		seq  string
		want string
	}{
		{"ambiguity error", DNATokenizer().Ambiguity(AmbiguityError).Done(), "ACD", "position 3 holds the ambiguity code D"},
		{"bad letter", DNATokenizer().Done(), "ACX", `position 3 holds 'X'`},
		{"too short", DNATokenizer().KMer(4).Done(), "ACG", "fewer than the k-mer size"},
		{"bad k", DNATokenizer().KMer(0).Done(), "ACG", "out of range"},
		{"k-mers for SMILES", SMILESTokenizer().KMer(3).Done(), "CC", "DNA tokenizers only"},
	} {
		if _, err := tc.tok.Tokenize(tc.seq); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want %q", tc.name, err, tc.want)
		}
	}
}

func TestTokenizerFitTransform(t *testing.T) {
	train := &Sequences{Name: "train", Task: Binary, Classes: []string{"no", "yes"},
		Texts: []string{"CCO", "CCN", "c1ccccc1O"}, Y: []float32{0, 1, 1}}
	test := &Sequences{Name: "test", Task: Binary, Classes: []string{"no", "yes"},
		Texts: []string{"CCBr", "CCCCCCCCCCCCO"}, Y: []float32{1, 0}}
	tok := SMILESTokenizer().Done()
	if _, err := tok.Transform(test); err == nil {
		t.Error("Transform before Fit accepted")
	}
	d, err := tok.Fit(train)
	if err != nil {
		t.Fatal(err)
	}
	if tok.MaxLen() != 9 || !slices.Equal(d.Shape, []int{9}) || d.Len() != 3 || d.Vocab != tok.Vocab {
		t.Fatalf("fit: maxLen %d, shape %v, %d examples", tok.MaxLen(), d.Shape, d.Len())
	}
	// Most frequent token first: c (6 times) before C (4 times).
	if tok.Vocab.Tokens[2] != "c" || tok.Vocab.Tokens[3] != "C" {
		t.Errorf("vocabulary order %v", tok.Vocab.Tokens)
	}
	if err := d.Validate(); err != nil {
		t.Error(err)
	}
	// "CCO": three ids then padding, mask 1 1 1 0 ...
	c, _ := tok.Vocab.ID("C")
	o, _ := tok.Vocab.ID("O")
	if got := d.Example(0)[:4]; !slices.Equal(got, []float32{float32(c), float32(c), float32(o), 0}) {
		t.Errorf("CCO encoded as %v", got)
	}
	if got := d.Mask[:9]; !slices.Equal(got, []float32{1, 1, 1, 0, 0, 0, 0, 0, 0}) {
		t.Errorf("mask %v", got)
	}
	e, err := tok.Transform(test)
	if err != nil {
		t.Fatal(err)
	}
	// Br was never seen: <unk> (id 1). The long SMILES is truncated to 9 tokens.
	if got := e.Example(0)[:4]; !slices.Equal(got, []float32{float32(c), float32(c), 1, 0}) {
		t.Errorf("CCBr encoded as %v", got)
	}
	if e.Mask[9+8] != 1 || len(e.Mask) != 18 {
		t.Errorf("truncated mask %v", e.Mask[9:])
	}
	if e.Label(0) != 1 || !slices.Equal(e.Classes, train.Classes) {
		t.Error("labels or classes not carried over")
	}
	// MinCount drops rare tokens.
	tok2 := SMILESTokenizer().MinCount(2).MaxLen(4).Done()
	if _, err := tok2.Fit(train); err != nil {
		t.Fatal(err)
	}
	if _, ok := tok2.Vocab.ID("N"); ok || tok2.MaxLen() != 4 {
		t.Errorf("MinCount 2 kept N (seen once); vocab %v", tok2.Vocab.Tokens)
	}
	// Errors name the sequence.
	bad := &Sequences{Name: "bad", Task: Binary, Texts: []string{"CC", "C[C"}, IDs: []string{"m1", "m2"}, Y: []float32{0, 1}}
	if _, err := tok.Transform(bad); err == nil || !strings.Contains(err.Error(), "sequence 1 (m2)") {
		t.Errorf("error %v does not name the sequence", err)
	}
}

func TestDNATokenizerVocabulary(t *testing.T) {
	s := &Sequences{Task: Binary, Texts: []string{"GGGG", "GGTA"}, Y: []float32{0, 1}}
	tok := DNATokenizer().Done()
	if _, err := tok.Fit(s); err != nil {
		t.Fatal(err)
	}
	// The four bases have fixed ids 2..5 even when C never occurs.
	if !slices.Equal(tok.Vocab.Tokens[:6], []string{PadToken, UnknownToken, "A", "C", "G", "T"}) {
		t.Errorf("vocabulary %v", tok.Vocab.Tokens)
	}
	test := &Sequences{Task: Binary, Texts: []string{"CNA"}, Y: []float32{0}}
	d, err := tok.Transform(test)
	if err != nil {
		t.Fatal(err)
	}
	// N was not in training: <unk>.
	if !slices.Equal(d.X, []float32{3, 1, 2, 0}) {
		t.Errorf("CNA encoded as %v", d.X)
	}
}

func TestSequencesSplitAndFitSplit(t *testing.T) {
	s := &Sequences{Name: "dna", Task: Binary, Classes: []string{"-", "+"}}
	for i := 0; i < 40; i++ {
		s.Texts = append(s.Texts, strings.Repeat("ACGT"[i%4:i%4+1], 5+i%3))
		s.Y = append(s.Y, float32(i%2))
	}
	parts, err := s.Split(1, 0.5, 0.25, 0.25)
	if err != nil {
		t.Fatal(err)
	}
	if parts.Train.Len() != 20 || parts.Val.Len() != 10 || parts.Test.Len() != 10 {
		t.Fatalf("sizes %d/%d/%d", parts.Train.Len(), parts.Val.Len(), parts.Test.Len())
	}
	split, err := DNATokenizer().KMer(2).Done().FitSplit(parts)
	if err != nil {
		t.Fatal(err)
	}
	if split.Train.Vocab != split.Test.Vocab || split.Val.Len() != 10 || split.Train.Shape[0] != 6 {
		t.Errorf("FitSplit: shape %v", split.Train.Shape)
	}
}

func TestDNAOneHot(t *testing.T) {
	s := &Sequences{Task: Binary, Texts: []string{"AR", "n"}, Y: []float32{0, 1}}
	d, err := DNAOneHot(s, 3)
	if err != nil {
		t.Fatal(err)
	}
	want := []float32{
		1, 0, 0, 0, 0.5, 0, 0.5, 0, 0, 0, 0, 0, // A, R = A/G, padding
		0.25, 0.25, 0.25, 0.25, 0, 0, 0, 0, 0, 0, 0, 0, // N, padding
	}
	if !slices.Equal(d.X, want) || !slices.Equal(d.Shape, []int{3, 4}) || !slices.Equal(d.Mask, []float32{1, 1, 0, 1, 0, 0}) {
		t.Errorf("one-hot %v mask %v", d.X, d.Mask)
	}
	if _, err := DNAOneHot(&Sequences{Task: Binary, Texts: []string{"AXA"}, Y: []float32{0}}, 0); err == nil {
		t.Error("bad base accepted")
	}
}

func TestTokenizeRealDNA(t *testing.T) {
	needData(t)
	s, err := LoadSplice()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		amb     Ambiguity
		hasCode bool // whether D/S/R appear in the vocabulary
	}{{AmbiguityAsN, false}, {AmbiguityKeep, true}} {
		tok := DNATokenizer().Ambiguity(tc.amb).Done()
		d, err := tok.Fit(s)
		if err != nil {
			t.Fatal(err)
		}
		_, hasD := tok.Vocab.ID("D")
		if hasD != tc.hasCode || d.Len() != 3190 || d.Shape[0] != 60 {
			t.Errorf("%v: vocabulary %v, shape %v", tc.amb, tok.Vocab.Tokens, d.Shape)
		}
	}
	if _, err := DNATokenizer().Ambiguity(AmbiguityError).Done().Fit(s); err == nil || !strings.Contains(err.Error(), "ambiguity code") {
		t.Errorf("AmbiguityError: %v", err)
	}
}

func TestVocabularyDecode(t *testing.T) {
	v := NewVocabulary("C", "O")
	if got := v.Decode([]float32{2, 3, 1, 9, 0, 2}); !slices.Equal(got, []string{"C", "O", UnknownToken, UnknownToken}) {
		t.Errorf("decoded %q", got)
	}
	if v.Token(-1) != UnknownToken || v.Token(0) != PadToken {
		t.Error("Token out of range")
	}
}

func TestSequencesHead(t *testing.T) {
	s := &Sequences{Name: "smiles", Task: MultiLabel, Targets: []string{"a", "b"},
		Texts: []string{"C", "CC", "CCC"}, IDs: []string{"m1", "m2", "m3"}, Y: []float32{0, 1, 1, 0, 1, 1}}
	for _, c := range []struct {
		n     int
		texts []string
		y     []float32
	}{
		{2, []string{"C", "CC"}, []float32{0, 1, 1, 0}},
		{5, []string{"C", "CC", "CCC"}, []float32{0, 1, 1, 0, 1, 1}},
		{0, []string{}, []float32{}},
		{-1, []string{}, []float32{}},
	} {
		h := s.Head(c.n)
		if !slices.Equal(h.Texts, c.texts) || !slices.Equal(h.Y, c.y) || len(h.IDs) != len(c.texts) || h.Name != s.Name {
			t.Errorf("Head(%d): texts %v, y %v, ids %v", c.n, h.Texts, h.Y, h.IDs)
		}
	}
	h := s.Head(1)
	h.Texts[0], h.Targets[0] = "N", "z"
	if s.Texts[0] != "C" || s.Targets[0] != "a" {
		t.Error("Head shares its texts or targets with the original")
	}
}
