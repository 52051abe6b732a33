// SPDX-License-Identifier: Apache-2.0

package explain

import (
	"os"
	"slices"
	"testing"

	"github.com/medgo-lab/medgo/mlkit/data"
	"github.com/medgo-lab/medgo/mlkit/models"
	"github.com/medgo-lab/medgo/mlkit/train"
)

// wdbcSplit loads WDBC (skipping when the data directory is not available) and standardizes it.
func wdbcSplit(t *testing.T) *data.Split {
	t.Helper()
	if os.Getenv("MEDGO_DATA") == "" {
		if _, err := os.Stat("../../../shared/data/uci/wdbc.data"); err != nil {
			t.Skip("WDBC not available: set MEDGO_DATA to the data directory")
		}
		t.Setenv("MEDGO_DATA", "../../../shared/data")
	}
	d, err := data.LoadWDBC()
	if err != nil {
		t.Fatal(err)
	}
	split, err := data.StratifiedSplit(d, 42, 0.7, 0.15, 0.15)
	if err != nil {
		t.Fatal(err)
	}
	std := data.FitStandardizer(split.Train)
	return &data.Split{Train: std.Apply(split.Train), Val: std.Apply(split.Val), Test: std.Apply(split.Test)}
}

func TestPermutationImportanceWDBC(t *testing.T) {
	split := wdbcSplit(t)
	run, err := train.New("wdbc", models.MLP(32).Done()).Epochs(30).Dir(runsDir).Restart().Quiet().Done().Fit(split)
	if err != nil {
		t.Fatal(err)
	}
	im, err := PermutationImportance(run, split.Test, "auc", 5, 1)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("\n%s", im)
	// The features are named from the data set, each once.
	names := slices.Clone(im.Features)
	slices.Sort(names)
	want := slices.Clone(data.WDBCFeatures)
	slices.Sort(want)
	if !slices.Equal(names, want) {
		t.Errorf("features %v; want the 30 WDBC feature names", im.Features)
	}
	if im.Baseline < 0.97 {
		t.Errorf("baseline test AUC %.3f < 0.97", im.Baseline)
	}
	// The 30 features are strongly correlated (radius, perimeter and area measure the same
	// size), so no single shuffled column can cost much AUC.
	if im.Mean[0] > 0.05 {
		t.Errorf("the top feature %s costs %.3f AUC; redundant features should each cost little", im.Features[0], im.Mean[0])
	}
}
