// SPDX-License-Identifier: Apache-2.0

package data

import (
	"math"
	"strings"
	"testing"
)

func TestSummary(t *testing.T) {
	d := tabular([][]float32{{1, 10}, {3, 20}, {5, 30}, {7, 40}}, []int{0, 1, 1, 1}, "benign", "malignant")
	d.Name, d.Features = "tumours", []string{"radius", "area"}
	s := d.Summary()
	if s.Len != 4 || len(s.Classes) != 2 || s.Classes[1].Count != 3 || s.Classes[1].Name != "malignant" {
		t.Fatalf("classes %+v", s.Classes)
	}
	if len(s.Features) != 2 || s.Features[1].Min != 10 || s.Features[1].Max != 40 || s.Features[1].Mean != 25 {
		t.Errorf("features %+v", s.Features)
	}
	text := s.String()
	for _, want := range []string{"tumours: 4 examples, shape [2], binary", "malignant", "75.0%", "radius", "area"} {
		if !strings.Contains(text, want) {
			t.Errorf("text summary lacks %q:\n%s", want, text)
		}
	}
	d.Classes[0] = "<b>benign</b>"
	h := d.Summary().HTML()
	if !strings.Contains(h, "<table>") || !strings.Contains(h, "&lt;b&gt;benign&lt;/b&gt;") || strings.Contains(h, "<script") {
		t.Errorf("HTML summary:\n%s", h)
	}

	nan := float32(math.NaN())
	ml := &Dataset{Name: "tox", Task: MultiLabel, Shape: []int{1}, X: []float32{0, 1, 2}, Targets: []string{"a", "b"},
		Y: []float32{1, nan, 0, 1, 1, 1}}
	ms := ml.Summary()
	if len(ms.Targets) != 2 || ms.Targets[0].Positives != 2 || ms.Targets[1].Missing != 1 || ms.Targets[1].Positives != 2 {
		t.Errorf("multi-label targets %+v", ms.Targets)
	}
	img := &Dataset{Task: Binary, Shape: []int{2, 2, 1}, X: []float32{0, 0.5, 1, 0.25}, Y: []float32{0}}
	if is := img.Summary(); len(is.Features) != 1 || is.Features[0].Name != "all values" || is.Features[0].Max != 1 {
		t.Errorf("image features %+v", is.Features)
	}
	broken := &Dataset{Task: Binary, Shape: []int{1}, X: []float32{1, 2}, Y: []float32{0}}
	if bs := broken.Summary(); bs.Problem == "" || !strings.Contains(bs.String(), "inconsistent") {
		t.Errorf("inconsistent dataset summarized without a problem: %q", bs.String())
	}
}

func TestSplitSummary(t *testing.T) {
	s, err := StratifiedSplit(labelled(60, 40), 1, 0.6, 0.2, 0.2)
	if err != nil {
		t.Fatal(err)
	}
	ss := s.Summary()
	if len(ss.Parts) != 3 || ss.Summaries[0].Len != 60 {
		t.Fatalf("parts %v", ss.Parts)
	}
	text := ss.String()
	for _, want := range []string{"train", "val", "test", "examples", "36 (60.0%)", "8 (40.0%)"} {
		if !strings.Contains(text, want) {
			t.Errorf("split summary lacks %q:\n%s", want, text)
		}
	}
	if h := ss.HTML(); !strings.Contains(h, "<th") || !strings.Contains(h, "36 (60.0%)") {
		t.Errorf("HTML:\n%s", h)
	}
}

// TestSplitSummaryLegend: a multi-label split summary explains its "P+ / M?" cells; others
// have no legend.
func TestSplitSummaryLegend(t *testing.T) {
	tox := toxLike()
	ml := (&Split{Train: tox, Test: tox.Head(2)}).Summary()
	for _, out := range []string{ml.String(), ml.HTML()} {
		if !strings.Contains(out, "2+ / 2?") || !strings.Contains(out, "P+ / M?: P examples with the label positive, M with it missing") {
			t.Errorf("multi-label split summary without its legend:\n%s", out)
		}
	}
	s, err := StratifiedSplit(labelled(60, 40), 1, 0.6, 0.2, 0.2)
	if err != nil {
		t.Fatal(err)
	}
	if out := s.Summary().String(); strings.Contains(out, "P+ / M?") {
		t.Errorf("a binary split summary has the multi-label legend:\n%s", out)
	}
}
