// SPDX-License-Identifier: Apache-2.0

package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// interruptScript drives a real kernel through jupyter_client: it starts a long training cell,
// interrupts it as Jupyter's stop button does, and reopens the run in a second cell.
const interruptScript = `
import sys, time
from jupyter_client.manager import start_new_kernel
km, kc = start_new_kernel(kernel_name="medgo")
out = []
hook = lambda m: out.append(m["content"].get("text", "") + str(m["content"].get("data", {}).get("text/plain", "")))
train_cell = open(sys.argv[1]).read()
reopen_cell = open(sys.argv[2]).read()
try:
    msg_id = kc.execute(train_cell)
    # Wait until training has written a checkpoint, then interrupt.
    deadline = time.time() + 240
    while time.time() < deadline and not __import__("os").path.exists(sys.argv[3]):
        time.sleep(0.2)
    t = time.time()
    km.interrupt_kernel()
    reply = kc._recv_reply(msg_id, timeout=60) if hasattr(kc, "_recv_reply") else None
    while True:
        m = kc.get_iopub_msg(timeout=60)
        hook(m)
        if m["msg_type"] == "status" and m["content"]["execution_state"] == "idle" and m["parent_header"].get("msg_id") == msg_id:
            break
    print("STOPPED_AFTER %.2f" % (time.time() - t))
    kc.execute_interactive(reopen_cell, timeout=120, output_hook=hook)
finally:
    kc.stop_channels(); km.shutdown_kernel(now=True)
print("OUTPUT", "".join(out))
`

const interruptTrainCell = `import (
	"math/rand"

	"github.com/medgo-lab/medgo/mlkit"
	"github.com/medgo-lab/medgo/mlkit/data"
	"github.com/medgo-lab/medgo/mlkit/models"
	"github.com/medgo-lab/medgo/mlkit/train"
)

%%
d := &data.Dataset{Name: "synthetic", Task: data.Binary, Shape: []int{8}, Classes: []string{"a", "b"}}
rng := rand.New(rand.NewSource(1))
for i := 0; i < 4096; i++ {
	var s float32
	for j := 0; j < 8; j++ {
		v := float32(rng.NormFloat64())
		d.X = append(d.X, v)
		s += v
	}
	d.Y = append(d.Y, map[bool]float32{true: 1, false: 0}[s > 0])
}
_, err := train.New("interrupted", models.MLP(64, 64).Done()).Epochs(100000).BatchSize(8).Quiet().Done().Fit(&data.Split{Train: d})
fmt.Println("fit returned:", err)
_ = mlkit.Quick
`

const interruptReopenCell = `%%
run := mlkit.Must(train.Open("interrupted"))
fmt.Printf("reopened after %d epochs\n", len(run.History.Epochs))
`

// TestInterruptTrainingCell interrupts a training cell through the Jupyter client and checks
// that it stops promptly and leaves a run that the next cell can reopen.
func TestInterruptTrainingCell(t *testing.T) {
	requireJupyter(t)
	installTemp(t)
	pj, _ := findJupyter()
	dir := t.TempDir()
	runs := filepath.Join(dir, "runs")
	t.Setenv("MEDGO_RUNS", runs)
	files := map[string]string{"script.py": interruptScript, "train.go": interruptTrainCell, "reopen.go": interruptReopenCell}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command(pj.Python, filepath.Join(dir, "script.py"), filepath.Join(dir, "train.go"), filepath.Join(dir, "reopen.go"),
		filepath.Join(runs, "interrupted", "latest.ckpt"))
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	text := string(out)
	if err != nil {
		t.Fatalf("driver failed: %v\n%s", err, tail(text, 3000))
	}
	var stopped float64 = -1
	for _, line := range strings.Split(text, "\n") {
		if strings.HasPrefix(line, "STOPPED_AFTER ") {
			stopped = parseFloat(strings.TrimPrefix(line, "STOPPED_AFTER "))
		}
	}
	if stopped < 0 || stopped > 20 {
		t.Errorf("the cell took %.1fs to stop after the interrupt (want < 20s)\n%s", stopped, tail(text, 3000))
	}
	t.Logf("stopped %.2fs after the interrupt", stopped)
	if !strings.Contains(text, "training interrupted") {
		t.Errorf("the training cell should report the interruption:\n%s", tail(text, 3000))
	}
	if !strings.Contains(text, "reopened after") {
		t.Errorf("the next cell could not reopen the interrupted run:\n%s", tail(text, 3000))
	}
}

func parseFloat(s string) float64 {
	var f float64
	if _, err := fmt.Sscan(strings.TrimSpace(s), &f); err != nil {
		return -1
	}
	return f
}
