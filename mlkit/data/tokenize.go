// SPDX-License-Identifier: Apache-2.0

package data

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"
)

// Ambiguity says how a DNA tokenizer treats IUPAC ambiguity codes (N = any base, R = A/G,
// Y = C/T, S = C/G, W = A/T, K = G/T, M = A/C, B = not A, D = not C, H = not G, V = not T),
// which occur in real sequence data (the splice data set holds D, N, S and R).
type Ambiguity int

const (
	// AmbiguityAsN replaces every ambiguity code by N, so that the vocabulary has one
	// token for "uncertain base". The default.
	AmbiguityAsN Ambiguity = iota
	// AmbiguityKeep keeps each code as its own token; codes never seen in training
	// become <unk> later.
	AmbiguityKeep
	// AmbiguityUnknown maps every token that contains an ambiguity code to <unk>.
	AmbiguityUnknown
	// AmbiguityError rejects sequences that contain an ambiguity code.
	AmbiguityError
)

func (a Ambiguity) String() string {
	switch a {
	case AmbiguityAsN:
		return "as N"
	case AmbiguityKeep:
		return "keep"
	case AmbiguityUnknown:
		return "unknown"
	case AmbiguityError:
		return "error"
	}
	return fmt.Sprintf("Ambiguity(%d)", int(a))
}

type tokenKind int

const (
	dnaTokens tokenKind = iota
	smilesTokens
)

// Tokenizer turns text sequences (DNA or SMILES) into token ids. Fit builds the
// vocabulary on a training set; Transform encodes other sets with it, mapping tokens it
// has not seen to <unk>. Sequences are padded with <pad> (id 0) or truncated to MaxLen
// tokens, and the Dataset's Mask marks real tokens with 1.
//
// Build one with DNATokenizer or SMILESTokenizer:
//
//	tok := data.DNATokenizer().KMer(3).MaxLen(60).Done()
type Tokenizer struct {
	// Vocab is the vocabulary, set by Fit (nil before).
	Vocab *Vocabulary

	kind      tokenKind
	k, stride int
	maxLen    int
	minCount  int
	ambiguity Ambiguity
	err       error // configuration error, reported by every method
}

// TokenizerBuilder configures a Tokenizer; finish with Done.
type TokenizerBuilder struct{ t Tokenizer }

// DNATokenizer starts a DNA tokenizer: one token per nucleotide (use KMer for k-mers),
// upper-cased, with ambiguity codes turned into N (see Ambiguity). RNA's U is kept as U.
func DNATokenizer() *TokenizerBuilder {
	return &TokenizerBuilder{t: Tokenizer{kind: dnaTokens, k: 1, stride: 1}}
}

// SMILESTokenizer starts a SMILES tokenizer with atom-level tokens: bracket atoms such
// as [C@@H] or [nH+] are one token, as are the two-letter elements Br and Cl and the
// two-digit ring closures %10..%99; every other symbol (atoms, bonds, branches, ring
// digits, '.') is a token of its own.
func SMILESTokenizer() *TokenizerBuilder {
	return &TokenizerBuilder{t: Tokenizer{kind: smilesTokens, k: 1, stride: 1}}
}

// KMer sets the k-mer size of a DNA tokenizer (default 1: single nucleotides). Tokens are
// overlapping k-mers taken every Stride nucleotides.
func (b *TokenizerBuilder) KMer(k int) *TokenizerBuilder {
	if b.t.kind != dnaTokens {
		b.t.err = errors.New("KMer applies to DNA tokenizers only")
	} else if k < 1 || k > 12 {
		b.t.err = fmt.Errorf("k-mer size %d is out of range; expected 1 to 12", k)
	} else {
		b.t.k = k
	}
	return b
}

// Stride sets the step between k-mers (default 1, overlapping; equal to k for
// non-overlapping k-mers).
func (b *TokenizerBuilder) Stride(s int) *TokenizerBuilder {
	if s < 1 {
		b.t.err = fmt.Errorf("stride %d must be at least 1", s)
	} else {
		b.t.stride = s
	}
	return b
}

// MaxLen pads or truncates every sequence to n tokens. With 0 (the default) Fit uses the
// longest training sequence.
func (b *TokenizerBuilder) MaxLen(n int) *TokenizerBuilder {
	if n < 0 {
		b.t.err = fmt.Errorf("maximum length %d must not be negative", n)
	} else {
		b.t.maxLen = n
	}
	return b
}

// MinCount keeps in the vocabulary only tokens seen at least n times in training; rarer
// ones become <unk> (default 1: every token seen).
func (b *TokenizerBuilder) MinCount(n int) *TokenizerBuilder {
	b.t.minCount = n
	return b
}

// Ambiguity sets how DNA ambiguity codes are treated (default AmbiguityAsN).
func (b *TokenizerBuilder) Ambiguity(a Ambiguity) *TokenizerBuilder {
	if a < AmbiguityAsN || a > AmbiguityError {
		b.t.err = fmt.Errorf("unknown ambiguity policy %d", int(a))
	} else {
		b.t.ambiguity = a
	}
	return b
}

// Done returns the configured Tokenizer. A configuration mistake is reported by the
// Tokenizer's methods.
func (b *TokenizerBuilder) Done() *Tokenizer {
	t := b.t
	return &t
}

// MaxLen is the number of token positions of encoded sequences (0 before Fit when no
// maximum was set).
func (t *Tokenizer) MaxLen() int { return t.maxLen }

// Tokenize splits one sequence into tokens.
func (t *Tokenizer) Tokenize(text string) ([]string, error) {
	if t.err != nil {
		return nil, t.err
	}
	if t.kind == smilesTokens {
		return tokenizeSMILES(text)
	}
	return t.tokenizeDNA(text)
}

const ambiguityCodes = "NRYSWKMBDHV"

func (t *Tokenizer) tokenizeDNA(text string) ([]string, error) {
	seq := []byte(strings.ToUpper(strings.TrimSpace(text)))
	for i, c := range seq {
		switch {
		case c == 'A' || c == 'C' || c == 'G' || c == 'T' || c == 'U':
		case strings.IndexByte(ambiguityCodes, c) >= 0:
			switch t.ambiguity {
			case AmbiguityAsN:
				seq[i] = 'N'
			case AmbiguityError:
				return nil, fmt.Errorf("position %d holds the ambiguity code %c; the tokenizer rejects ambiguity codes (choose another Ambiguity policy)", i+1, c)
			}
		default:
			r, _ := utf8.DecodeRune(seq[i:])
			return nil, fmt.Errorf("position %d holds %q; expected a nucleotide (A, C, G, T, U) or an IUPAC ambiguity code (%s)", i+1, r, ambiguityCodes)
		}
	}
	if len(seq) < t.k {
		return nil, fmt.Errorf("the sequence has %d nucleotides, fewer than the k-mer size %d", len(seq), t.k)
	}
	tokens := make([]string, 0, (len(seq)-t.k)/t.stride+1)
	for i := 0; i+t.k <= len(seq); i += t.stride {
		kmer := string(seq[i : i+t.k])
		if t.ambiguity == AmbiguityUnknown && strings.ContainsAny(kmer, ambiguityCodes) {
			kmer = UnknownToken
		}
		tokens = append(tokens, kmer)
	}
	return tokens, nil
}

// smilesSingle are the symbols that form one-character tokens outside brackets:
// organic-subset and aromatic atoms, the wildcard, bonds, branches, ring digits, the
// dot, and the reaction/charge symbols that occur in some files.
const smilesSingle = "BCNOPSFIbcnopsH*-=#$:/\\().0123456789+@~>?"

func tokenizeSMILES(text string) ([]string, error) {
	s := strings.TrimSpace(text)
	if s == "" {
		return nil, errors.New("empty SMILES")
	}
	var tokens []string
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '[':
			end := strings.IndexByte(s[i+1:], ']')
			if end < 0 {
				return nil, fmt.Errorf("position %d: bracket atom %q is not closed with ']'", i+1, clip(s[i:], 20))
			}
			inner := s[i+1 : i+1+end]
			if inner == "" || strings.ContainsAny(inner, "[ ") {
				return nil, fmt.Errorf("position %d: bad bracket atom %q; expected an atom such as [C@@H] or [NH4+]", i+1, s[i:i+2+end])
			}
			tokens = append(tokens, s[i:i+2+end])
			i += 2 + end
		case (c == 'B' && i+1 < len(s) && s[i+1] == 'r') || (c == 'C' && i+1 < len(s) && s[i+1] == 'l'):
			tokens = append(tokens, s[i:i+2])
			i += 2
		case c == '%':
			if i+2 >= len(s) || !isDigit(s[i+1]) || !isDigit(s[i+2]) {
				return nil, fmt.Errorf("position %d: '%%' must be followed by a two-digit ring-closure number such as %%10", i+1)
			}
			tokens = append(tokens, s[i:i+3])
			i += 3
		case strings.IndexByte(smilesSingle, c) >= 0:
			tokens = append(tokens, s[i:i+1])
			i++
		default:
			r, _ := utf8.DecodeRuneInString(s[i:])
			return nil, fmt.Errorf("position %d: unexpected character %q in SMILES %q", i+1, r, clip(s, 60))
		}
	}
	return tokens, nil
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// tokenizeAll tokenizes every sequence of s, naming the sequence in errors.
func (t *Tokenizer) tokenizeAll(s *Sequences) ([][]string, error) {
	if t.err != nil {
		return nil, t.err
	}
	if err := s.Validate(); err != nil {
		return nil, err
	}
	out := make([][]string, s.Len())
	for i, text := range s.Texts {
		toks, err := t.Tokenize(text)
		if err != nil {
			id := ""
			if s.IDs != nil && s.IDs[i] != "" {
				id = " (" + s.IDs[i] + ")"
			}
			return nil, fmt.Errorf("%s: sequence %d%s: %v", nameOfSeq(s), i, id, err)
		}
		out[i] = toks
	}
	return out, nil
}

func nameOfSeq(s *Sequences) string {
	if s.Name == "" {
		return "sequences"
	}
	return s.Name
}

// Fit builds the vocabulary from train (and, with MaxLen 0, the length from its longest
// sequence) and returns train encoded. Calling Fit again starts a new vocabulary.
func (t *Tokenizer) Fit(train *Sequences) (*Dataset, error) {
	toks, err := t.tokenizeAll(train)
	if err != nil {
		return nil, err
	}
	if len(toks) == 0 {
		return nil, fmt.Errorf("%s: no sequences to fit the tokenizer on", nameOfSeq(train))
	}
	counts := map[string]int{}
	longest := 0
	for _, ts := range toks {
		longest = max(longest, len(ts))
		for _, tok := range ts {
			if tok != UnknownToken {
				counts[tok]++
			}
		}
	}
	var words []string
	for w, c := range counts {
		if c >= max(t.minCount, 1) {
			words = append(words, w)
		}
	}
	// Most frequent first; ties in alphabetical order, so the ids are reproducible.
	sort.Slice(words, func(i, j int) bool {
		if counts[words[i]] != counts[words[j]] {
			return counts[words[i]] > counts[words[j]]
		}
		return words[i] < words[j]
	})
	var seed []string
	if t.kind == dnaTokens && t.k == 1 {
		seed = []string{"A", "C", "G", "T"} // fixed ids for the four bases
	}
	t.Vocab = NewVocabulary(append(seed, words...)...)
	if t.maxLen == 0 {
		t.maxLen = longest
	}
	return t.encode(train, toks), nil
}

// Transform encodes s with the vocabulary built by Fit; unseen tokens become <unk>.
func (t *Tokenizer) Transform(s *Sequences) (*Dataset, error) {
	if t.Vocab == nil {
		if t.err != nil {
			return nil, t.err
		}
		return nil, errors.New("the tokenizer has no vocabulary yet; call Fit on the training sequences first")
	}
	toks, err := t.tokenizeAll(s)
	if err != nil {
		return nil, err
	}
	return t.encode(s, toks), nil
}

// FitSplit fits on s.Train and encodes every part.
func (t *Tokenizer) FitSplit(s *SequenceSplit) (*Split, error) {
	if s == nil || s.Train == nil {
		return nil, errors.New("the split has no training part to fit the tokenizer on")
	}
	out := &Split{}
	var err error
	if out.Train, err = t.Fit(s.Train); err != nil {
		return nil, err
	}
	if s.Val != nil {
		if out.Val, err = t.Transform(s.Val); err != nil {
			return nil, err
		}
	}
	if s.Test != nil {
		if out.Test, err = t.Transform(s.Test); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (t *Tokenizer) encode(s *Sequences, toks [][]string) *Dataset {
	L := max(t.maxLen, 1)
	n := len(toks)
	d := &Dataset{
		Name: s.Name, Task: s.Task, Shape: []int{L},
		X: make([]float32, n*L), Mask: make([]float32, n*L),
		Y: slices.Clone(s.Y), Classes: slices.Clone(s.Classes), Targets: slices.Clone(s.Targets),
		Vocab: t.Vocab,
	}
	for i, ts := range toks {
		for j, tok := range ts[:min(len(ts), L)] {
			id, ok := t.Vocab.ID(tok)
			if !ok {
				id = 1 // <unk>
			}
			d.X[i*L+j] = float32(id)
			d.Mask[i*L+j] = 1
		}
	}
	return d
}

// iupacBases gives the bases each IUPAC code stands for, for DNAOneHot.
var iupacBases = map[byte]string{
	'A': "A", 'C': "C", 'G': "G", 'T': "T", 'U': "T",
	'R': "AG", 'Y': "CT", 'S': "CG", 'W': "AT", 'K': "GT", 'M': "AC",
	'B': "CGT", 'D': "AGT", 'H': "ACT", 'V': "ACG", 'N': "ACGT",
}

// DNAOneHot encodes DNA sequences as one-hot matrices of Shape [length, 4] (channels A, C,
// G, T), for convolutional models. An ambiguity code spreads its weight over the bases it
// stands for (R = A or G gives 0.5 to each, N gives 0.25 to all four). Sequences are
// padded with zero rows or truncated to length; with length 0 the longest sequence sets it.
// The Mask marks real positions.
func DNAOneHot(s *Sequences, length int) (*Dataset, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	if length < 0 {
		return nil, fmt.Errorf("length %d must not be negative", length)
	}
	if length == 0 {
		for _, t := range s.Texts {
			length = max(length, len(strings.TrimSpace(t)))
		}
		length = max(length, 1)
	}
	n := s.Len()
	d := &Dataset{
		Name: s.Name, Task: s.Task, Shape: []int{length, 4},
		X: make([]float32, n*length*4), Mask: make([]float32, n*length),
		Y: slices.Clone(s.Y), Classes: slices.Clone(s.Classes), Targets: slices.Clone(s.Targets),
	}
	for i, text := range s.Texts {
		seq := strings.ToUpper(strings.TrimSpace(text))
		for j := 0; j < len(seq) && j < length; j++ {
			bases, ok := iupacBases[seq[j]]
			if !ok {
				r, _ := utf8.DecodeRuneInString(seq[j:])
				return nil, fmt.Errorf("%s: sequence %d, position %d holds %q; expected a nucleotide or IUPAC code", nameOfSeq(s), i, j+1, r)
			}
			w := 1 / float32(len(bases))
			for _, b := range []byte(bases) {
				d.X[(i*length+j)*4+strings.IndexByte("ACGT", b)] = w
			}
			d.Mask[i*length+j] = 1
		}
	}
	return d, nil
}
