// SPDX-License-Identifier: Apache-2.0

package data

// Vocabulary maps tokens to ids. Id 0 is always the padding token and id 1 the unknown token.
type Vocabulary struct {
	Tokens []string       // id → token
	index  map[string]int // token → id, rebuilt lazily
}

// Special tokens present in every vocabulary.
const (
	PadToken     = "<pad>"
	UnknownToken = "<unk>"
)

// NewVocabulary builds a vocabulary with the special tokens followed by the given tokens.
func NewVocabulary(tokens ...string) *Vocabulary {
	v := &Vocabulary{Tokens: []string{PadToken, UnknownToken}}
	for _, t := range tokens {
		v.Add(t)
	}
	return v
}

// Add adds a token if new and returns its id.
func (v *Vocabulary) Add(token string) int {
	if id, ok := v.ID(token); ok {
		return id
	}
	v.Tokens = append(v.Tokens, token)
	v.index[token] = len(v.Tokens) - 1
	return len(v.Tokens) - 1
}

// ID returns a token's id and whether the token is known.
func (v *Vocabulary) ID(token string) (int, bool) {
	if v.index == nil || len(v.index) != len(v.Tokens) {
		v.index = make(map[string]int, len(v.Tokens))
		for i, t := range v.Tokens {
			v.index[t] = i
		}
	}
	id, ok := v.index[token]
	return id, ok
}

// Size is the number of tokens, special tokens included.
func (v *Vocabulary) Size() int { return len(v.Tokens) }

// Token returns the token with the given id, or UnknownToken for an id out of range.
func (v *Vocabulary) Token(id int) string {
	if id < 0 || id >= len(v.Tokens) {
		return UnknownToken
	}
	return v.Tokens[id]
}

// Decode maps token ids (as stored in a Dataset's X) back to tokens, stopping at the first
// padding id.
func (v *Vocabulary) Decode(ids []float32) []string {
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		if id == 0 {
			break
		}
		out = append(out, v.Token(int(id)))
	}
	return out
}
