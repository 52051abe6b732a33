// SPDX-License-Identifier: Apache-2.0

package models_test

import (
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/gomlx/compute/gobackend"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"

	"github.com/medgo-lab/medgo/mlkit/chem"
	"github.com/medgo-lab/medgo/mlkit/data"
	"github.com/medgo-lab/medgo/mlkit/models"
	"github.com/medgo-lab/medgo/mlkit/train"
)

// gnnMolecules are a few molecules with rings, charges, triple bonds and several fragments.
var gnnMolecules = []string{"CCO", "c1ccccc1O", "CC(=O)Nc1ccc(O)cc1", "C#N", "[Na+].CC(=O)[O-]", "C1CCCCC1N", "O=[N+]([O-])c1ccncc1"}

func graphSet(t *testing.T, smiles []string, maxAtoms int) *data.Dataset {
	t.Helper()
	d, err := chem.Graphs(smiles).MaxAtoms(maxAtoms).Done()
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func gnnStore(t *testing.T) *model.Store {
	t.Helper()
	store := model.NewStore()
	if err := store.SetRNGStateFromSeed(7); err != nil {
		t.Fatal(err)
	}
	return store
}

// gnnForward runs m in inference mode on the examples x [n, shape...] (with an optional atom
// mask [n, atoms]) and returns the outputs, [n][outputs].
func gnnForward(t *testing.T, store *model.Store, m models.Model, x []float32, shape []int, mask []float32, outputs int) [][]float32 {
	t.Helper()
	exec, err := model.NewExec(gobackend.GetBackend(), store, func(scope *model.Scope, in []*graph.Node) *graph.Node {
		inputs := models.Inputs{X: in[0]}
		if len(in) > 1 {
			inputs.Mask = in[1]
		}
		return m.Build(models.NewBuilder(scope, false), inputs, outputs)
	})
	if err != nil {
		t.Fatal(err)
	}
	size := 1
	for _, s := range shape {
		size *= s
	}
	n := len(x) / size
	args := []any{tensors.FromFlatDataAndDimensions(x, append([]int{n}, shape...)...)}
	if mask != nil {
		args = append(args, tensors.FromFlatDataAndDimensions(mask, n, shape[0]))
	}
	out, err := exec.Exec(args...)
	if err != nil {
		t.Fatal(err)
	}
	flat := tensors.MustCopyFlatData[float32](out[0])
	rows := make([][]float32, n)
	for i := range rows {
		rows[i] = flat[i*outputs : (i+1)*outputs]
	}
	return rows
}

func assertSameOutputs(t *testing.T, what string, got, want [][]float32, tol float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d rows, want %d", what, len(got), len(want))
	}
	for i := range got {
		for k := range got[i] {
			if d := math.Abs(float64(got[i][k] - want[i][k])); d > tol*(1+math.Abs(float64(want[i][k]))) {
				t.Errorf("%s: molecule %d output %d is %v, want %v (difference %.2g)", what, i, k, got[i][k], want[i][k], d)
			}
		}
	}
}

func gnnReadouts() []models.Model {
	var out []models.Model
	for _, r := range []string{"sum", "mean", "max"} {
		out = append(out, models.GNN(16).Layers(2).Readout(r).Done())
	}
	return out
}

func TestGNNShapeAndSummary(t *testing.T) {
	d := graphSet(t, gnnMolecules, 0)
	n := d.Shape[0]
	m := models.GNN(16).Layers(2).Done()
	if err := models.Validate(m, d.Shape, 0); err != nil {
		t.Fatal(err)
	}
	out := gnnForward(t, gnnStore(t), m, d.X, d.Shape, nil, 3)
	if len(out) != len(gnnMolecules) || len(out[0]) != 3 {
		t.Fatalf("output %d×%d, want %d×3", len(out), len(out[0]), len(gnnMolecules))
	}
	for i, row := range out {
		for _, v := range row {
			if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
				t.Fatalf("molecule %d: output %v", i, row)
			}
		}
	}
	st, err := models.Summary(m, d.Shape, 0, 3)
	if err != nil {
		t.Fatal(err)
	}
	f, h := chem.NumAtomFeatures, 16
	want := f*h + h + 2*(1+h*4*h+2*(h*h+h)+2*h) + h*h + h + h*3 + 3
	if st.Trainable != want {
		t.Errorf("trainable parameters %d, want %d\n%s", st.Trainable, want, st)
	}
	var names []string
	for _, l := range st.Layers {
		names = append(names, l.Name)
	}
	wantNames := []string{"atom_embedding (31→16)", "gin_0 (16, 4 bond types)", "gin_1 (16, 4 bond types)", "readout (sum)", "head (16, relu)", "output (3)"}
	if !slices.Equal(names, wantNames) {
		t.Errorf("layers %q, want %q", names, wantNames)
	}
	if got := st.Layers[1].Output; !slices.Equal(got, []int{1, n, 16}) {
		t.Errorf("gin_0 output %v, want [1 %d 16]", got, n)
	}
}

// permuteExample reorders the atom rows of one graph example [n, F+n] by perm (new row r is
// old row perm[r]), columns of the bond matrix included.
func permuteExample(ex []float32, n int, perm []int) []float32 {
	f := len(ex)/n - n
	w := f + n
	out := make([]float32, len(ex))
	for r, old := range perm {
		copy(out[r*w:r*w+f], ex[old*w:old*w+f])
		for c, oldc := range perm {
			out[r*w+f+c] = ex[old*w+f+oldc]
		}
	}
	return out
}

func TestGNNPermutationInvariance(t *testing.T) {
	d := graphSet(t, gnnMolecules, 30) // padding rows get mixed in among the atoms
	n := d.Shape[0]
	r := rand.New(rand.NewPCG(1, 1))
	var permuted []float32
	for i := range d.Len() {
		perm := r.Perm(n)
		permuted = append(permuted, permuteExample(d.Example(i), n, perm)...)
	}
	for _, m := range gnnReadouts() {
		store := gnnStore(t)
		want := gnnForward(t, store, m, d.X, d.Shape, nil, 2)
		got := gnnForward(t, store, m, permuted, d.Shape, nil, 2)
		assertSameOutputs(t, "permuted atoms, readout "+m.(*models.GNNConfig).ReadoutN, got, want, 1e-5)
	}
	// Two spellings of the same molecules: the parser numbers their atoms differently.
	a := graphSet(t, []string{"CCO", "Oc1ccccc1", "CC(=O)Nc1ccc(O)cc1", "OC(=O)c1ccccc1OC(C)=O"}, 16)
	b := graphSet(t, []string{"OCC", "c1ccc(O)cc1", "Oc1ccc(NC(C)=O)cc1", "CC(=O)Oc1ccccc1C(O)=O"}, 16)
	for _, m := range gnnReadouts() {
		store := gnnStore(t)
		assertSameOutputs(t, "other SMILES spelling", gnnForward(t, store, m, b.X, b.Shape, nil, 2), gnnForward(t, store, m, a.X, a.Shape, nil, 2), 1e-5)
	}
}

func TestGNNPaddingInvariance(t *testing.T) {
	small := graphSet(t, gnnMolecules, 0)
	large := graphSet(t, gnnMolecules, small.Shape[0]+9)
	for _, m := range gnnReadouts() {
		store := gnnStore(t)
		want := gnnForward(t, store, m, small.X, small.Shape, nil, 2)
		got := gnnForward(t, store, m, large.X, large.Shape, nil, 2)
		assertSameOutputs(t, "more padding, readout "+m.(*models.GNNConfig).ReadoutN, got, want, 1e-5)
	}
}

func TestGNNMasks(t *testing.T) {
	d := graphSet(t, gnnMolecules, 0)
	n, w := d.Shape[0], d.Shape[1]
	// Padding rows (atom feature 0) with junk features and junk bonds to real atoms change
	// nothing: the atom mask alone decides.
	junk := slices.Clone(d.X)
	r := rand.New(rand.NewPCG(2, 2))
	for i := range d.Len() {
		ex := junk[i*n*w : (i+1)*n*w]
		atoms, _ := chem.GraphAtoms(ex, n)
		for row := atoms; row < n; row++ {
			for c := 1; c < w; c++ {
				ex[row*w+c] = float32(r.IntN(5))
			}
			for c := 0; c < atoms; c++ { // bonds from real atoms to padding
				ex[c*w+chem.NumAtomFeatures+row] = float32(1 + r.IntN(4))
			}
		}
	}
	for _, m := range gnnReadouts() {
		store := gnnStore(t)
		want := gnnForward(t, store, m, d.X, d.Shape, nil, 2)
		assertSameOutputs(t, "junk in padding rows", gnnForward(t, store, m, junk, d.Shape, nil, 2), want, 1e-5)
		ones := make([]float32, d.Len()*n)
		for i := range ones {
			ones[i] = 1
		}
		assertSameOutputs(t, "all-ones Inputs.Mask", gnnForward(t, store, m, d.X, d.Shape, ones, 2), want, 1e-6)
	}
	// Inputs.Mask removes atoms: masking the separate N of "CCO.N" gives "CCO".
	with := graphSet(t, []string{"CCO.N"}, 4)
	without := graphSet(t, []string{"CCO"}, 4)
	for _, m := range gnnReadouts() {
		store := gnnStore(t)
		got := gnnForward(t, store, m, with.X, with.Shape, []float32{1, 1, 1, 0}, 2)
		want := gnnForward(t, store, m, without.X, without.Shape, nil, 2)
		assertSameOutputs(t, "masked atom", got, want, 1e-5)
		if unmasked := gnnForward(t, store, m, with.X, with.Shape, nil, 2); math.Abs(float64(unmasked[0][0]-want[0][0])) < 1e-7 {
			t.Errorf("readout %s: the N of CCO.N changes nothing even unmasked", m.(*models.GNNConfig).ReadoutN)
		}
	}
}

func TestGNNOptionsAndMarshal(t *testing.T) {
	base := models.GNN(32)
	a := base.Layers(2).Dropout(0.1).Readout("mean").Done()
	b := base.Layers(4).Done()
	if a.(*models.GNNConfig).NumLayers != 2 || b.(*models.GNNConfig).NumLayers != 4 {
		t.Errorf("Done copies share settings: %+v %+v", a, b)
	}
	raw, err := models.Marshal(a)
	if err != nil {
		t.Fatal(err)
	}
	back, err := models.Unmarshal(raw)
	if err != nil {
		t.Fatal(err)
	}
	again, err := models.Marshal(back)
	if err != nil {
		t.Fatal(err)
	}
	if back.Kind() != "gnn" || string(again) != string(raw) {
		t.Errorf("round trip changed the model:\n%s\n%s", raw, again)
	}
	c := back.(*models.GNNConfig)
	if c.Hidden != 32 || c.NumLayers != 2 || c.DropoutRate != 0.1 || c.ReadoutN != "mean" {
		t.Errorf("read back %+v", c)
	}

	shape := []int{10, chem.NumAtomFeatures + 10}
	for _, tc := range []struct {
		m    models.Model
		want string
	}{
		{models.GNN(0).Done(), "GNN(0)"},
		{models.GNN(8).Layers(-1).Done(), "Layers(-1)"},
		{models.GNN(8).Dropout(1.5).Done(), "Dropout(1.5)"},
		{models.GNN(8).Readout("attention").Done(), `Readout("attention")`},
	} {
		err := models.Validate(tc.m, shape, 0)
		var oe *models.OptionError
		if !errors.As(err, &oe) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Validate: %v; want an OptionError naming %s", err, tc.want)
		}
	}
	if err := models.Validate(models.GNN(8).Readout("MAX").Done(), shape, 0); err != nil {
		t.Errorf("Readout(\"MAX\"): %v", err)
	}
	for _, bad := range [][]int{{30}, {10, 10}, {10, 5}, {4, 4, 4}} {
		if err := models.Validate(models.GNN(8).Done(), bad, 0); err == nil || !strings.Contains(err.Error(), "chem.Graphs") {
			t.Errorf("shape %v: %v; want an error pointing to chem.Graphs", bad, err)
		}
	}
	if err := models.Validate(models.GNN(8).Done(), []int{60}, 20); err == nil {
		t.Error("token data accepted")
	}
}

// nitrogenSet is a small task: does the molecule contain nitrogen? Every molecule is an
// N-free core with one substituent, half of which bring nitrogen.
func nitrogenSet(t *testing.T) *data.Dataset {
	t.Helper()
	cores := []string{"c1ccccc1", "CC", "C1CCCCC1", "CC(C)", "OCC", "C=CC", "c1ccsc1", "c1ccoc1", "CCCC", "ClCC"}
	withN := []string{"N", "C#N", "NC", "C(=O)N", "[N+](=O)[O-]", "CN(C)C"}
	withoutN := []string{"O", "Cl", "C(=O)O", "OC", "F", "C(C)(C)C"}
	var smiles []string
	var y []float32
	for _, c := range cores {
		for k := range withN {
			smiles = append(smiles, c+withN[k], c+withoutN[k])
			y = append(y, 1, 0)
		}
	}
	d, err := chem.Graphs(smiles).Labels(data.Binary, y).Classes("no N", "N").Name("nitrogen").Done()
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestGNNTrainsWithFit(t *testing.T) {
	d := nitrogenSet(t)
	r := rand.New(rand.NewPCG(3, 3))
	idx := r.Perm(d.Len())
	cut := d.Len() * 2 / 3
	split := &data.Split{Train: d.Subset(idx[:cut]), Test: d.Subset(idx[cut:])}
	split.Val = split.Test
	m := models.GNN(16).Layers(2).Done()
	run, err := train.New("gnn-nitrogen", m).Epochs(15).BatchSize(16).Adam(0.01).Dir(t.TempDir()).Quiet().Done().Fit(split)
	if err != nil {
		t.Fatal(err)
	}
	pred, err := run.Predict(split.Test)
	if err != nil {
		t.Fatal(err)
	}
	correct := 0
	for i, l := range pred.Labels() {
		if l == split.Test.Label(i) {
			correct++
		}
	}
	acc := float64(correct) / float64(split.Test.Len())
	t.Logf("test accuracy %.3f on %d molecules after %d epochs", acc, split.Test.Len(), len(run.History.Epochs))
	if acc < 0.8 {
		t.Errorf("test accuracy %.3f; want at least 0.8 (chance is 0.5)", acc)
	}
}
