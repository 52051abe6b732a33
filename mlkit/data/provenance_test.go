// SPDX-License-Identifier: Apache-2.0

package data

import (
	"strings"
	"testing"
)

func TestProvenanceOf(t *testing.T) {
	cases := []struct {
		name, want string // want "" for unknown data
	}{
		{"wdbc", "wdbc"},
		{"breastmnist-test", "breastmnist"},
		{"ECG200-train", "ecg200"},
		{"BBBP", "bbbp"},
		{"ESOL", "esol"},
		{"delaney-processed", "esol"},
		{"mnist-train", "mnist"},
		{"my-own.csv", ""},
		{"", ""},
	}
	for _, c := range cases {
		p, ok := ProvenanceOf(c.name)
		if ok != (c.want != "") || p.Name != c.want {
			t.Errorf("ProvenanceOf(%q) = %q, %v; want %q", c.name, p.Name, ok, c.want)
		}
	}
}

// Every known data set says what it is, where it comes from, on what terms and what to
// cite, and its URL is one the loaders download from.
func TestProvenancesComplete(t *testing.T) {
	for _, p := range provenances {
		if p.Title == "" || p.URL == "" || p.Licence == "" || p.Citation == "" || p.Collection == "" {
			t.Errorf("%s: incomplete provenance %+v", p.Name, p)
		}
		found := false
		for _, s := range sources {
			if strings.HasPrefix(s.URL, p.URL) {
				found = true
			}
		}
		if !found {
			t.Errorf("%s: URL %s is not one of the loaders' sources", p.Name, p.URL)
		}
	}
}
