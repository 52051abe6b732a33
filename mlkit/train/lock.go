// SPDX-License-Identifier: Apache-2.0

package train

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
)

// lockRun takes an exclusive lock on a run directory, so two notebooks (or two kernels)
// training the same run cannot interleave their checkpoints. The operating system releases
// the lock when the process dies, so a killed kernel never leaves the run locked.
func lockRun(dir string) (unlock func(), err error) {
	path := filepath.Join(dir, lockFile)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("locking run directory %s: %w", dir, err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		holder, _ := os.ReadFile(path)
		f.Close()
		return nil, fmt.Errorf("run directory %s is in use by another training process (%s); wait for it to finish, or train under another run name",
			dir, strings.TrimSpace(string(holder)))
	}
	f.Truncate(0)
	fmt.Fprintf(f, "pid %d\n", os.Getpid())
	f.Sync()
	return func() {
		f.Truncate(0)
		syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}, nil
}
