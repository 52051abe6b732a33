// SPDX-License-Identifier: Apache-2.0

//go:build onnx && cgo

package train

import (
	"encoding/binary"
	"encoding/json"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/medgo-lab/medgo/mlkit/backend"
	"github.com/medgo-lab/medgo/mlkit/data"
	"github.com/medgo-lab/medgo/mlkit/models"
)

// ortNodeVersion is the onnxruntime-node release the export tests run exported files with.
const ortNodeVersion = "1.30.0"

// ortNode returns the path of the onnxruntime-node module, installing it from npm into the user
// cache when missing (scripts off: the package ships its CPU library). Without Node.js or npm
// the test is skipped, except under CI, where the set-up installs them.
func ortNode(t *testing.T) string {
	t.Helper()
	missing := func(what string) {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s: CI must check exports with onnxruntime-node (kernel/setup.sh installs npm)", what)
		}
		t.Skip(what)
	}
	if _, err := exec.LookPath("node"); err != nil {
		missing("node not found")
	}
	cache, err := os.UserCacheDir()
	if err != nil {
		missing("no user cache directory: " + err.Error())
	}
	dir := filepath.Join(cache, "medgo", "onnxruntime-node-"+ortNodeVersion)
	module := filepath.Join(dir, "node_modules", "onnxruntime-node")
	if _, err := os.Stat(filepath.Join(module, "package.json")); err == nil {
		return module
	}
	if _, err := exec.LookPath("npm"); err != nil {
		missing("npm not found")
	}
	tmp, err := os.MkdirTemp(filepath.Dir(dir), ".onnxruntime-node-*")
	if err != nil {
		if err = os.MkdirAll(filepath.Dir(dir), 0o755); err == nil {
			tmp, err = os.MkdirTemp(filepath.Dir(dir), ".onnxruntime-node-*")
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	defer os.RemoveAll(tmp)
	cmd := exec.Command("npm", "install", "--ignore-scripts", "--no-audit", "--no-fund", "--prefix", tmp, "onnxruntime-node@"+ortNodeVersion)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("npm install onnxruntime-node@%s: %v\n%s", ortNodeVersion, err, out)
	}
	if err := os.Rename(tmp, dir); err != nil && !os.IsExist(err) {
		if _, statErr := os.Stat(filepath.Join(module, "package.json")); statErr != nil {
			t.Fatal(err)
		}
	}
	return module
}

// writeFloats writes v as little-endian float32, the layout onnx_predict.js reads.
func writeFloats(t *testing.T, path string, v []float32) {
	t.Helper()
	b := make([]byte, 4*len(v))
	for i, f := range v {
		binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(f))
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// nodePredict runs the exported model on every example of d with onnxruntime-node.
func nodePredict(t *testing.T, module string, m *ONNXModel, d *data.Dataset) [][]float64 {
	t.Helper()
	dir := t.TempDir()
	type input struct {
		Name    string `json:"name"`
		File    string `json:"file"`
		Example []int  `json:"example"`
	}
	spec := map[string]any{
		"model": m.Path, "batch": m.Inputs[0].Shape[0], "n": d.Len(),
		"output": m.Output.Name, "width": m.Output.Shape[1], "outFile": filepath.Join(dir, "y.bin"),
	}
	inputs := []input{{ONNXInput, filepath.Join(dir, "x.bin"), d.Shape}}
	writeFloats(t, inputs[0].File, d.X)
	if d.Mask != nil {
		inputs = append(inputs, input{ONNXMask, filepath.Join(dir, "mask.bin"), []int{d.Shape[0]}})
		writeFloats(t, inputs[1].File, d.Mask)
	}
	spec["inputs"] = inputs
	raw, _ := json.Marshal(spec)
	specFile := filepath.Join(dir, "spec.json")
	if err := os.WriteFile(specFile, raw, 0o644); err != nil {
		t.Fatal(err)
	}
	script, _ := filepath.Abs("testdata/onnx_predict.js")
	cmd := exec.Command("node", script, specFile)
	cmd.Env = append(os.Environ(), "ORT_NODE_MODULE="+module)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("onnxruntime-node on %s: %v\n%s", m.Path, err, out)
	}
	var names struct{ Inputs, Outputs []string }
	if err := json.Unmarshal(out, &names); err != nil {
		t.Fatalf("onnxruntime-node printed %q: %v", out, err)
	}
	want := []string{}
	for _, i := range m.Inputs {
		want = append(want, i.Name)
	}
	if strings.Join(names.Inputs, ",") != strings.Join(want, ",") || strings.Join(names.Outputs, ",") != m.Output.Name {
		t.Errorf("onnxruntime-node sees inputs %v and outputs %v; ExportONNX documents %v and %s", names.Inputs, names.Outputs, want, m.Output.Name)
	}
	b, err := os.ReadFile(filepath.Join(dir, "y.bin"))
	if err != nil {
		t.Fatal(err)
	}
	w := m.Output.Shape[1]
	rows := make([][]float64, d.Len())
	for i := range rows {
		rows[i] = make([]float64, w)
		for k := range w {
			rows[i][k] = float64(math.Float32frombits(binary.LittleEndian.Uint32(b[4*(i*w+k):])))
		}
	}
	return rows
}

// spliceSample is the splice-junction windows, tokenized, split 80/10/10.
func spliceSample(t *testing.T) *data.Split {
	t.Helper()
	needSharedData(t, "uci/splice.data", "splice junctions")
	seqs, err := data.LoadSplice()
	if err != nil {
		t.Fatal(err)
	}
	parts, err := seqs.Split(42, 0.8, 0.1, 0.1)
	if err != nil {
		t.Fatal(err)
	}
	s, err := data.DNATokenizer().Done().FitSplit(parts)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// ecgSample is ECG200 with 20 of its training beats held out for validation.
func ecgSample(t *testing.T) *data.Split {
	t.Helper()
	needSharedData(t, "ucr/ECG200_TRAIN.txt", "ECG200")
	s, err := data.LoadUCR("ECG200")
	if err != nil {
		t.Fatal(err)
	}
	idx := func(from, to int) []int {
		var out []int
		for i := from; i < to; i++ {
			out = append(out, i)
		}
		return out
	}
	return &data.Split{Train: s.Train.Subset(idx(0, 80)), Val: s.Train.Subset(idx(80, 100)), Test: s.Test}
}

// An exported run gives, in onnxruntime-node (which shares no code with GoMLX or MedGo), the
// predictions Predict gives, on real test data, for each kind of model the tutorials train.
func TestExportedONNXMatchesPredictInNode(t *testing.T) {
	if b, err := backend.ONNX(); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI with -tags onnx must export: %v", err)
		}
		t.Skip(err)
	} else {
		t.Logf("exporting with %s", b.Name())
	}
	module := ortNode(t)
	for _, tc := range []struct {
		name   string
		split  func(t *testing.T) *data.Split
		model  models.Model
		epochs int
		batch  int
	}{
		{"wdbc-mlp", wdbcSplit, models.MLP(32).Dropout(0.1).Done(), 20, 1},
		{"mnist-seed-cnn", mnistSample, models.SeedCNN(), 1, 64},
		{"ecg200-gru", ecgSample, models.GRU(16).Done(), 2, 32},
		{"splice-transformer", spliceSample, models.Transformer().Dim(16).Heads(2).Blocks(1).Done(), 1, 50},
	} {
		t.Run(tc.name, func(t *testing.T) {
			split := tc.split(t)
			run, err := New(tc.name, tc.model).Epochs(tc.epochs).Dir(t.TempDir()).Quiet().Done().Fit(split)
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(t.TempDir(), tc.name+".onnx")
			m, err := run.ExportONNX(path, tc.batch)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%s", m)
			want, err := run.Predict(split.Test)
			if err != nil {
				t.Fatal(err)
			}
			got := nodePredict(t, module, m, split.Test)
			worst := 0.0
			for i := range got {
				for k := range got[i] {
					d := math.Abs(got[i][k] - want.Probs[i][k])
					if math.IsNaN(d) {
						d = math.Inf(1)
					}
					worst = max(worst, d)
				}
			}
			t.Logf("%d test examples: largest difference from Predict %.2g", len(got), worst)
			if worst > 1e-4 {
				t.Errorf("onnxruntime-node's predictions differ from Predict's by up to %.3g (> 1e-4)", worst)
			}
			// Exporting again (a re-run cell) keeps the identical file.
			if _, err := run.ExportONNX(path, tc.batch); err != nil {
				t.Errorf("exporting the same run again: %v", err)
			}
		})
	}
}
