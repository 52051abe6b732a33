// SPDX-License-Identifier: Apache-2.0

//go:build onnx && cgo

package train

import (
	"encoding/json"
	"math"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/medgo-lab/medgo/mlkit/backend"
	"github.com/medgo-lab/medgo/mlkit/models"
)

// trainingLosses fits a small MLP on synthetic data and returns its per-epoch training losses.
func trainingLosses(t *testing.T) []float64 {
	t.Helper()
	d := synthetic(90, 6)
	s := cvFolds(t, d, 3, 1)[0].Split(d)
	run, err := New("engines", models.MLP(8).Done()).Epochs(5).Adam(0.05).BatchSize(16).Dir(t.TempDir()).Quiet().Done().Fit(s)
	if err != nil {
		t.Fatal(err)
	}
	return run.History.Series("train_loss")
}

// TestHelperTrainingLosses prints trainingLosses for TestEnginesStartFromTheSameWeights, in a
// process whose backend MEDGO_BACKEND chose.
func TestHelperTrainingLosses(t *testing.T) {
	if os.Getenv("MEDGO_TEST_LOSSES") == "" {
		t.Skip("run by TestEnginesStartFromTheSameWeights")
	}
	b, _ := json.Marshal(trainingLosses(t))
	t.Logf("losses=%s", b)
}

// The same seed gives the same run on ONNX Runtime and on pure Go: variables are initialized
// on the host, and a model without dropout then follows the same path to float32 rounding.
func TestEnginesStartFromTheSameWeights(t *testing.T) {
	b, err := backend.Get()
	if err != nil {
		t.Fatal(err)
	}
	if backend.IsPureGo(b) {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI with -tags onnx must run on ONNX Runtime, got %s", backend.Describe())
		}
		t.Skipf("backend %s: nothing to compare", b.Name())
	}
	got := trainingLosses(t)
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperTrainingLosses$", "-test.v", "-test.count=1")
	cmd.Env = append(os.Environ(), "MEDGO_TEST_LOSSES=1", backend.EnvVar+"=go")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("pure-Go run: %v\n%s", err, out)
	}
	_, after, ok := strings.Cut(string(out), "losses=")
	if !ok {
		t.Fatalf("pure-Go run printed no losses:\n%s", out)
	}
	var want []float64
	if err := json.Unmarshal([]byte(strings.Fields(after)[0]), &want); err != nil {
		t.Fatal(err)
	}
	if len(got) != len(want) {
		t.Fatalf("%d epochs on %s, %d on pure Go", len(got), b.Name(), len(want))
	}
	for i := range want {
		if d := math.Abs(got[i]-want[i]) / want[i]; !(d < 1e-4) {
			t.Errorf("epoch %d: training loss %.6f on %s, %.6f on pure Go", i+1, got[i], b.Name(), want[i])
		}
	}
	t.Logf("%s %v, pure Go %v", b.Name(), got, want)
}
