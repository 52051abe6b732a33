// SPDX-License-Identifier: Apache-2.0

package eval_test

import (
	"fmt"
	"math"

	"github.com/medgo-lab/medgo/mlkit/eval"
)

// siteData makes a validation set from three sites: the model ranks well at "north",
// worse at "south", and "clinic" has too few cases for intervals.
func siteData() (labels []int, probs []float64, sites []string) {
	add := func(site string, n int, signal float64) {
		for i := range n {
			y := 0
			if i%3 == 0 {
				y = 1
			}
			noise := 0.5 + 0.45*math.Sin(float64(i)*2.39+float64(len(site)))
			p := (1-signal)*noise + signal*(0.2+0.6*float64(y))
			labels, probs, sites = append(labels, y), append(probs, p), append(sites, site)
		}
	}
	add("north", 150, 0.45)
	add("south", 150, 0.15)
	add("clinic", 9, 0.5)
	return labels, probs, sites
}

func ExampleSubgroups() {
	labels, probs, sites := siteData()
	r, err := eval.Subgroups(labels, probs, sites, eval.SubgroupConfig{
		Metrics:   []string{"auc", "sensitivity"},
		Order:     []string{"north", "south"},
		Bootstrap: eval.BootstrapConfig{Resamples: 500, Seed: 1},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Print(r)
	fmt.Println(r.Disparities())
	fmt.Printf("south AUC gap %.3f\n", r.Headline()["south:auc_gap"])
	// Output:
	// Subgroup analysis: 309 examples (103 positive) in 3 groups, threshold 0.5; 95% bootstrap CIs from 500 resamples within group × class
	//
	// group      n  positives  metric                value         95% CI  gap to overall       gap 95% CI  gap CI excludes 0
	// overall  309        103  AUC (ROC)             0.718  0.654 – 0.772
	// overall  309        103  sensitivity (recall)  0.621  0.529 – 0.718
	// north    150         50  AUC (ROC)             0.831  0.764 – 0.889          +0.113  +0.057 – +0.174  yes
	// north    150         50  sensitivity (recall)  0.660  0.520 – 0.780          +0.039  -0.050 – +0.128  no
	// south    150         50  AUC (ROC)             0.604  0.508 – 0.687          -0.114  -0.173 – -0.061  yes
	// south    150         50  sensitivity (recall)  0.560  0.420 – 0.700          -0.061  -0.152 – +0.029  no
	// clinic     9          3  AUC (ROC)             1.000  too few cases          +0.282    too few cases
	// clinic     9          3  sensitivity (recall)  1.000  too few cases          +0.379    too few cases
	// note: group "clinic" has 3 positives and 6 negatives, fewer than 5 of a class: its values are shown without confidence intervals or a gap test, and are unreliable
	// note: gap to overall excludes 0 at 95%: auc in group "north" (gap +0.113); auc in group "south" (gap -0.114) (not corrected for 6 comparisons)
	// [north: auc south: auc]
	// south AUC gap -0.114
}
