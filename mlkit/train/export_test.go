// SPDX-License-Identifier: Apache-2.0

package train

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/medgo-lab/medgo/mlkit/backend"
	"github.com/medgo-lab/medgo/mlkit/models"
)

func TestWriteNewNeverReplacesOtherContent(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		name     string
		existing string // "" for no file
		content  string
		wantErr  string
		want     string
	}{
		{"new file", "", "model A", "", "model A"},
		{"same content again", "model A", "model A", "", "model A"},
		{"other content", "model A", "model B", "already exists with other content", "model A"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "-"), "m.onnx")
			if tc.existing != "" {
				os.MkdirAll(filepath.Dir(path), 0o755)
				if err := os.WriteFile(path, []byte(tc.existing), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			err := writeNew(path, []byte(tc.content))
			if tc.wantErr == "" && err != nil || tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)) {
				t.Fatalf("writeNew: %v, want error containing %q", err, tc.wantErr)
			}
			got, _ := os.ReadFile(path)
			if string(got) != tc.want {
				t.Errorf("file holds %q, want %q", got, tc.want)
			}
			entries, _ := os.ReadDir(filepath.Dir(path))
			if len(entries) != 1 {
				t.Errorf("directory holds %d entries, want only the model (no temporary files left)", len(entries))
			}
		})
	}
}

// Exporting without ONNX Runtime, or to a name that is not .onnx, says what is missing and
// writes nothing.
func TestExportONNXExplainsWhatIsMissing(t *testing.T) {
	d := synthetic(60, 3)
	s := cvFolds(t, d, 3, 1)[0].Split(d)
	run, err := New("export", models.MLP(4).Done()).Epochs(1).Dir(t.TempDir()).Quiet().Done().Fit(s)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if _, err := run.ExportONNX(filepath.Join(dir, "model.bin"), 1); err == nil || !strings.Contains(err.Error(), ".onnx") {
		t.Errorf("a path without .onnx: %v, want an error naming the extension", err)
	}
	if _, ortErr := backend.ONNX(); ortErr == nil {
		t.Skip("ONNX Runtime is available here: TestExportedONNXMatchesPredictInNode checks exports")
	}
	_, err = run.ExportONNX(filepath.Join(dir, "model.onnx"), 1)
	if err == nil || !strings.Contains(err.Error(), "ONNX Runtime is not available") || !strings.Contains(err.Error(), "medgo install") {
		t.Errorf("export without ONNX Runtime: %v, want an error saying ONNX Runtime is missing and how to get it", err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("a failed export left %d files", len(entries))
	}
}
