// SPDX-License-Identifier: Apache-2.0

package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestFindRun(t *testing.T) {
	root := t.TempDir()
	runs := filepath.Join(root, "out", "runs")
	for _, d := range []string{filepath.Join(runs, "a"), filepath.Join(root, "notebooks", "runs", "b"), filepath.Join(root, "elsewhere", "c")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(d, "model.json"), []byte("{}"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv("MEDGO_RUNS", "")
	cases := []struct {
		run, want, err string
	}{
		{"a", filepath.Join(runs, "a"), ""},
		{"b", filepath.Join(root, "notebooks", "runs", "b"), ""},
		{filepath.Join(root, "elsewhere", "c"), filepath.Join(root, "elsewhere", "c"), ""},
		{"c", "", "none of these holds a model.json"},
	}
	for _, c := range cases {
		got, err := findRun(root, c.run)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) || !strings.Contains(err.Error(), "train it first") {
				t.Errorf("findRun(%q) = %q, %v; want an error saying %q and how to fix it", c.run, got, err, c.err)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("findRun(%q) = %q, %v; want %q", c.run, got, err, c.want)
		}
	}
}

// trainProgram trains a tiny binary model into the run directory it is given, as a
// notebook cell would.
const trainProgram = `package main

import (
	"math/rand/v2"
	"os"

	"github.com/medgo-lab/medgo/mlkit"
	"github.com/medgo-lab/medgo/mlkit/data"
	"github.com/medgo-lab/medgo/mlkit/models"
	"github.com/medgo-lab/medgo/mlkit/train"
)

func main() {
	rng := rand.New(rand.NewPCG(1, 2))
	d := &data.Dataset{Name: "wdbc", Task: data.Binary, Shape: []int{2}, Classes: []string{"benign", "malignant"}}
	for range 300 {
		x0, x1 := float32(rng.NormFloat64()), float32(rng.NormFloat64())
		y := float32(0)
		if x0+0.3*x1 > 0 {
			y = 1
		}
		d.X, d.Y = append(d.X, x0, x1), append(d.Y, y)
	}
	idx := rng.Perm(300)
	split := &data.Split{Train: d.Subset(idx[:200]), Val: d.Subset(idx[200:250]), Test: d.Subset(idx[250:])}
	mlkit.Must(train.New("toy", models.MLP(8).Done()).Epochs(8).Adam(1e-2).Dir(os.Args[1]).Quiet().Done().Fit(split))
}
`

// medgo report builds its report program the way GoNB builds a cell, so this test trains a
// run through such a program too, then asks medgo for the run's report by name.
func TestReportCommand(t *testing.T) {
	if testing.Short() {
		t.Skip("builds two programs against mlkit")
	}
	root := repoRoot(t)
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Fatal(err)
	}
	runs := t.TempDir()
	ws, err := newCellWorkspace(root, goBin, kernelEnv(root, goBin), "medgo_report_test", trainProgram)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.remove()
	if out, err := ws.run("run", ".", runs); err != nil {
		t.Fatalf("training the toy run: %v\n%s", err, out)
	}
	t.Setenv("MEDGO_RUNS", runs)
	t.Setenv("MEDGO_ROOT", root)
	var stdout, stderr bytes.Buffer
	if code := dispatch([]string{"report", "toy"}, &stdout, &stderr); code != 0 {
		t.Fatalf("medgo report toy exited %d:\n%s", code, stderr.String())
	}
	page, err := os.ReadFile(filepath.Join(runs, "toy", "report.html"))
	if err != nil {
		t.Fatal(err)
	}
	md, err := os.ReadFile(filepath.Join(runs, "toy", "report.md"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Not a medical device", "Breast Cancer Wisconsin", "Test performance", "Decision curve"} {
		if !strings.Contains(string(page), want) || !strings.Contains(string(md), want) {
			t.Errorf("the report lacks %q", want)
		}
	}
	if !strings.Contains(stdout.String(), filepath.Join(runs, "toy", "report.html")) {
		t.Errorf("medgo report did not say where it wrote the report:\n%s", stdout.String())
	}
	// An unknown run is an error that says how to fix it, and writes nothing.
	stdout.Reset()
	stderr.Reset()
	if code := dispatch([]string{"report", "no-such-run"}, &stdout, &stderr); code != 1 || !strings.Contains(stderr.String(), "train it first") {
		t.Errorf("medgo report no-such-run exited %d:\n%s", code, stderr.String())
	}
}
