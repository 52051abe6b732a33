// SPDX-License-Identifier: Apache-2.0

package report_test

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"

	"github.com/medgo-lab/medgo/mlkit/data"
	"github.com/medgo-lab/medgo/mlkit/models"
	"github.com/medgo-lab/medgo/mlkit/report"
	"github.com/medgo-lab/medgo/mlkit/train"
)

// toySplit is a small binary data set whose class follows the first feature.
func toySplit() *data.Split {
	rng := rand.New(rand.NewPCG(1, 2))
	d := &data.Dataset{Name: "toy", Task: data.Binary, Shape: []int{2}, Classes: []string{"healthy", "ill"}}
	for range 300 {
		x0, x1 := float32(rng.NormFloat64()), float32(rng.NormFloat64())
		y := float32(0)
		if x0 > 0 {
			y = 1
		}
		d.X, d.Y = append(d.X, x0, x1), append(d.Y, y)
	}
	idx := rng.Perm(300)
	return &data.Split{Train: d.Subset(idx[:200]), Val: d.Subset(idx[200:250]), Test: d.Subset(idx[250:])}
}

// A run's report, written beside it: the one call is report.Write(run); New adds what only
// the author knows.
func Example() {
	dir, _ := os.MkdirTemp("", "report-example")
	defer os.RemoveAll(dir)
	run, err := train.New("toy", models.MLP(8).Done()).Epochs(5).Adam(1e-2).Dir(dir).Quiet().Done().Fit(toySplit())
	if err != nil {
		fmt.Println(err)
		return
	}
	rep, err := report.New(run.Dir).
		IntendedUse("An example of the report's layout.").
		Source(data.Provenance{Title: "numbers drawn at random", Licence: "none"}).
		Done()
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := rep.Save(); err != nil {
		fmt.Println(err)
		return
	}
	for _, line := range strings.Split(rep.Markdown(), "\n") {
		if strings.HasPrefix(line, "## ") {
			fmt.Println(line)
		}
	}
	_, err = os.Stat(filepath.Join(run.Dir, report.HTMLFile))
	fmt.Println("report.html written:", err == nil)
	// Output:
	// ## Intended use
	// ## Data
	// ## Splits
	// ## Model and training
	// ## Test performance
	// ## Calibration
	// ## Subgroups
	// ## Decision curve
	// ## Known limits
	// ## Reproduce
	// report.html written: true
}
