// SPDX-License-Identifier: Apache-2.0

package display

import (
	"bytes"
	"math"
	"slices"
	"strings"
	"testing"
)

func TestRecord(t *testing.T) {
	for _, c := range []struct {
		name       string
		metric     string
		value      float64
		inNotebook bool
		wantSent   []string // what the notebook receives as MetricMIME data
		wantText   string   // what is printed
	}{
		{"notebook", "test_auc", 0.97123, true, []string{"test_auc=0.9712"}, ""},
		{"notebook NaN", "val_auc", math.NaN(), true, []string{"val_auc=NaN"}, ""},
		{"program", "test_auc", 0.97123, false, nil, "medgo:metric test_auc=0.9712\n"},
		{"bad name in notebook", "test auc", 1, true, nil, `metric name "test auc" must use letters`},
		{"bad name in program", "auc=1", 1, false, nil, `metric name "auc=1" must use letters`},
	} {
		t.Run(c.name, func(t *testing.T) {
			var nb *fakeNotebook
			if c.inNotebook {
				nb = &fakeNotebook{}
			}
			withNotebook(t, nb, func(out *bytes.Buffer) {
				Record(c.metric, c.value)
				if nb != nil && !slices.Equal(nb.metrics, c.wantSent) {
					t.Errorf("sent %q, want %q", nb.metrics, c.wantSent)
				}
				if nb != nil && len(nb.htmls) > 0 {
					t.Errorf("a metric showed HTML %q", nb.htmls)
				}
				if got := out.String(); c.wantText == "" && got != "" || !strings.Contains(got, c.wantText) {
					t.Errorf("printed %q, want %q", got, c.wantText)
				}
			})
		})
	}
}
