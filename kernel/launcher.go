// SPDX-License-Identifier: Apache-2.0

package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"strconv"
	"syscall"
)

// The kernelspec starts GoNB through `medgo kernel`, a small supervisor, for two things GoNB
// does not do by itself:
//
//   - No process outlives the kernel. GoNB starts gopls in a process group of its own, so when
//     Jupyter kills a kernel (a forced shutdown, a restart of a stuck kernel) by signalling the
//     kernel's process group, gopls used to stay behind (about 100 MB each). The supervisor runs
//     GoNB in its own group, adopts orphans (Linux child subreaper), and a watchdog process
//     kills GoNB's whole process tree the moment the supervisor dies, however it dies.
//   - An interrupt during compilation is not lost. With interrupt_mode "message", GoNB passes
//     an interrupt only to a cell program that is already running; one that arrives while the
//     cell is still compiling was dropped and the cell then ran to its end. The kernelspec uses
//     interrupt_mode "signal": Jupyter sends SIGINT to the supervisor, which passes it to GoNB
//     (a running cell program is interrupted as before) and to the Go toolchain processes
//     GoNB is running (go get, goimports, go build), so the compilation stops and the cell
//     ends with it.

// kernelCommand and watchCommand are medgo's subcommands for the supervisor and its watchdog;
// Jupyter runs the first, the supervisor the second.
const (
	kernelCommand = "kernel"
	watchCommand  = "kernel-watch"
)

// cmdKernel runs GoNB (args: its command line) under the supervisor and exits with its status.
func cmdKernel(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprintln(stderr, "Usage: medgo kernel GONB [FLAGS...]   (run by Jupyter from the medgo kernelspec)")
		return 2
	}
	adoptOrphans()
	gonb := exec.Command(args[0], args[1:]...)
	gonb.Stdin, gonb.Stdout, gonb.Stderr = os.Stdin, os.Stdout, os.Stderr
	// Its own process group: Jupyter's signals to the kernel's group reach the supervisor
	// only, which decides what GoNB and its children get.
	gonb.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	sigs := make(chan os.Signal, 8)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGQUIT)
	if err := gonb.Start(); err != nil {
		fmt.Fprintln(stderr, "medgo kernel:", err)
		return 1
	}
	pid := gonb.Process.Pid
	stopWatch := startWatchdog(pid, stderr)

	done := make(chan error, 1)
	go func() { done <- gonb.Wait() }()
	for {
		select {
		case s := <-sigs:
			if s == syscall.SIGINT {
				interruptKernel(pid)
			} else {
				_ = gonb.Process.Signal(s)
			}
		case err := <-done:
			// GoNB is gone: whatever it left (gopls, a cell program) goes with it.
			killTree(os.Getpid(), stopWatch.pid)
			stopWatch.close()
			var exit *exec.ExitError
			if errors.As(err, &exit) {
				if code := exit.ExitCode(); code >= 0 {
					return code
				}
				return 1
			}
			if err != nil {
				fmt.Fprintln(stderr, "medgo kernel:", err)
				return 1
			}
			return 0
		}
	}
}

// watchdog is the handle on the watchdog process: closing the pipe tells it to clean up.
type watchdog struct {
	pid  int
	pipe *os.File
}

func (w watchdog) close() {
	if w.pipe != nil {
		w.pipe.Close()
	}
}

// startWatchdog starts `medgo kernel-watch PID START` in a process group of its own, reading
// a pipe only this process writes to: when this process dies, even by SIGKILL, the pipe closes
// and the watchdog kills GoNB's process tree. START (GoNB's start time) guards against a
// reused pid.
func startWatchdog(pid int, stderr io.Writer) watchdog {
	self, err := os.Executable()
	if err != nil {
		fmt.Fprintln(stderr, "medgo kernel: no watchdog:", err)
		return watchdog{}
	}
	r, w, err := os.Pipe()
	if err != nil {
		fmt.Fprintln(stderr, "medgo kernel: no watchdog:", err)
		return watchdog{}
	}
	cmd := exec.Command(self, watchCommand, strconv.Itoa(pid), processStart(pid))
	cmd.Stdin, cmd.Stderr = r, stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		fmt.Fprintln(stderr, "medgo kernel: no watchdog:", err)
		r.Close()
		w.Close()
		return watchdog{}
	}
	r.Close()
	go cmd.Wait() // reap it whenever it ends
	return watchdog{pid: cmd.Process.Pid, pipe: w}
}

// cmdKernelWatch waits for its standard input to close, then kills the process tree rooted at
// the pid it was given, if that process is still the one that was started then.
func cmdKernelWatch(args []string, stdout, stderr io.Writer) int {
	if len(args) != 2 {
		fmt.Fprintln(stderr, "Usage: medgo kernel-watch PID START   (started by medgo kernel)")
		return 2
	}
	pid, err := strconv.Atoi(args[0])
	if err != nil || pid <= 1 {
		fmt.Fprintf(stderr, "medgo kernel-watch: bad pid %q\n", args[0])
		return 2
	}
	signal.Ignore(syscall.SIGINT, syscall.SIGHUP)
	_, _ = io.Copy(io.Discard, os.Stdin)
	if processStart(pid) == args[1] {
		killTree(pid, 0)
	}
	return 0
}
