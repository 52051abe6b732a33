// SPDX-License-Identifier: Apache-2.0

package data

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// testDataDir is the real data directory, or "" when none is available.
var testDataDir string

func TestMain(m *testing.M) {
	dir := os.Getenv(DataDirEnv)
	if dir == "" {
		dir = filepath.Join("..", "..", "..", "shared", "data")
	}
	if st, err := os.Stat(dir); err == nil && st.IsDir() {
		testDataDir, _ = filepath.Abs(dir)
	}
	// Tests never download: files come from the data directory or not at all.
	SetFetcher(&Fetcher{DataDir: testDataDir, Offline: true})
	os.Exit(m.Run())
}

// needData skips the test when the real data directory is missing.
func needData(t testing.TB) {
	t.Helper()
	if testDataDir == "" {
		t.Skip(fmt.Sprintf("no data directory: set %s to the folder with mnist/, medmnist/, ucr/, moleculenet/ and uci/", DataDirEnv))
	}
}
