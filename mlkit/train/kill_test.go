// SPDX-License-Identifier: Apache-2.0

package train

import (
	"fmt"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/medgo-lab/medgo/mlkit/data"
	"github.com/medgo-lab/medgo/mlkit/models"
)

// killChildEnv makes the test binary act as a training process for TestSIGKILLNeverLosesCheckpoint.
const killChildEnv = "MEDGO_TRAIN_KILL_CHILD_DIR"

func killChildSplit() *data.Split {
	return &data.Split{Train: synthetic(2048, 1), Val: synthetic(128, 2)}
}

func killChildTrainer(dir string) *Trainer {
	// More epochs than any engine gets through in the test's eight rounds: it must be killed.
	return New("killed", models.MLP(64, 64).Done()).Epochs(100000).BatchSize(16).Dir(dir).Quiet().Done()
}

// TestMain runs the training child when asked to, instead of the tests.
func TestMain(m *testing.M) {
	if dir := os.Getenv(killChildEnv); dir != "" {
		_, err := killChildTrainer(dir).Fit(killChildSplit())
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// TestSIGKILLNeverLosesCheckpoint kills a training process with SIGKILL at random moments —
// some during a checkpoint write — and checks each time that the run directory holds complete,
// readable checkpoints, and that training resumes from them and moves forward.
func TestSIGKILLNeverLosesCheckpoint(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns training processes")
	}
	dir := t.TempDir()
	rng := rand.New(rand.NewSource(time.Now().UnixNano()))
	lastEpoch := 0
	kills := 0
	for round := 0; round < 8; round++ {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), killChildEnv+"="+dir)
		var stderr strings.Builder
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		// Let it get going (graph compilation takes a moment), then kill at a random time.
		time.Sleep(time.Duration(600+rng.Intn(1500)) * time.Millisecond)
		cmd.Process.Signal(syscall.SIGKILL)
		err := cmd.Wait()
		if err == nil {
			t.Fatalf("round %d: training finished before being killed; make it longer", round)
		}
		if !strings.Contains(err.Error(), "killed") {
			t.Fatalf("round %d: child failed by itself: %v\n%s", round, err, stderr.String())
		}
		kills++
		ck, err := loadCheckpoint(filepath.Join(dir, "killed", latestFile))
		if os.IsNotExist(err) {
			continue // killed before the first epoch ended
		}
		if err != nil {
			t.Fatalf("round %d: latest checkpoint unreadable after SIGKILL: %v", round, err)
		}
		if ck.Epoch < lastEpoch {
			t.Fatalf("round %d: checkpoint went back from epoch %d to %d", round, lastEpoch, ck.Epoch)
		}
		lastEpoch = ck.Epoch
		if _, err := loadCheckpoint(filepath.Join(dir, "killed", bestFile)); err != nil {
			t.Fatalf("round %d: best checkpoint unreadable: %v", round, err)
		}
		if h, err := loadHistory(filepath.Join(dir, "killed", historyFile)); err != nil || len(h.Epochs) < ck.Epoch {
			t.Fatalf("round %d: history behind checkpoint (epoch %d): %v", round, ck.Epoch, err)
		}
		// No temporary files are left to be mistaken for checkpoints: they start with '.'.
		entries, _ := os.ReadDir(filepath.Join(dir, "killed"))
		for _, e := range entries {
			if strings.HasSuffix(e.Name(), ".ckpt") && strings.HasPrefix(e.Name(), ".") {
				t.Logf("round %d: temporary %s left by the kill (ignored by readers)", round, e.Name())
			}
		}
	}
	if lastEpoch < 2 {
		t.Fatalf("after %d kills training never got past epoch %d: resuming does not move forward", kills, lastEpoch)
	}
	t.Logf("%d kills; training resumed each time and reached epoch %d", kills, lastEpoch)
	// A reopened run predicts with the saved weights.
	if _, err := Open(filepath.Join(dir, "killed")); err != nil {
		t.Fatalf("reopening the killed run: %v", err)
	}
}

func TestCheckpointWriteErrorsNamePath(t *testing.T) {
	dir := t.TempDir()
	notADir := filepath.Join(dir, "file")
	if err := os.WriteFile(notADir, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	err := writeAtomic(filepath.Join(notADir, "latest.ckpt"), writeBytes([]byte("data")))
	if err == nil || !strings.Contains(err.Error(), filepath.Join(notADir, "latest.ckpt")) {
		t.Fatalf("want an error naming the path, got %v", err)
	}
	// A corrupt checkpoint is reported with a way out.
	bad := filepath.Join(dir, "bad.ckpt")
	os.WriteFile(bad, []byte("not a checkpoint"), 0o644)
	if _, err := loadCheckpoint(bad); err == nil || !strings.Contains(err.Error(), "delete it") {
		t.Fatalf("corrupt checkpoint: %v", err)
	}
}
