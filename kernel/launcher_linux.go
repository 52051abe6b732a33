// SPDX-License-Identifier: Apache-2.0

package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"
)

// adoptOrphans makes this process the child subreaper of its descendants: a process whose
// parent dies (gopls when GoNB exits) becomes this process's child, not init's, so killTree
// still finds it.
func adoptOrphans() { _ = unix.Prctl(unix.PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) }

// procStat returns the fields of /proc/PID/stat after the command name (which may hold spaces):
// [0] state, [1] ppid, …, [19] start time.
func procStat(pid int) []string {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return nil
	}
	s := string(raw)
	return strings.Fields(s[strings.LastIndex(s, ")")+1:])
}

// processStart is the process's start time in clock ticks since boot ("" when it is gone).
func processStart(pid int) string {
	if f := procStat(pid); len(f) > 19 {
		return f[19]
	}
	return ""
}

// processAlive reports whether pid runs (a zombie does not).
func processAlive(pid int) bool {
	f := procStat(pid)
	return len(f) > 0 && f[0] != "Z"
}

// childProcesses lists the processes whose parent is pid.
func childProcesses(pid int) []int {
	stats, _ := filepath.Glob("/proc/[0-9]*/stat")
	want := strconv.Itoa(pid)
	var kids []int
	for _, st := range stats {
		if f := procStat(atoi(filepath.Base(filepath.Dir(st)))); len(f) > 1 && f[1] == want {
			kids = append(kids, atoi(filepath.Base(filepath.Dir(st))))
		}
	}
	return kids
}

func atoi(s string) int { n, _ := strconv.Atoi(s); return n }

// descendants lists every process below pid, parents before children.
func descendants(pid int) []int {
	var all []int
	for queue := []int{pid}; len(queue) > 0; queue = queue[1:] {
		kids := childProcesses(queue[0])
		all = append(all, kids...)
		queue = append(queue, kids...)
	}
	return all
}

// killTree kills with SIGKILL every process below root, and root itself unless it is this
// process, except the subtree of spare (0: none). Stopped processes are listed first, then
// killed, so that none can escape by forking in between more than once.
func killTree(root, spare int) {
	var victims []int
	for _, p := range descendants(root) {
		if p != spare && !isBelow(p, spare) {
			victims = append(victims, p)
		}
	}
	if root != os.Getpid() {
		victims = append(victims, root)
	}
	for _, p := range victims {
		_ = syscall.Kill(p, syscall.SIGSTOP)
	}
	for _, p := range descendantsOfAll(victims) {
		victims = append(victims, p)
	}
	for _, p := range victims {
		_ = syscall.Kill(p, syscall.SIGKILL)
	}
}

// descendantsOfAll lists the processes below any of pids that are not in pids: what the
// listed processes forked before they were stopped.
func descendantsOfAll(pids []int) []int {
	known := map[int]bool{}
	for _, p := range pids {
		known[p] = true
	}
	var extra []int
	for _, p := range pids {
		for _, d := range descendants(p) {
			if !known[d] {
				known[d] = true
				extra = append(extra, d)
			}
		}
	}
	return extra
}

// isBelow reports whether p is ancestor's descendant (0: never).
func isBelow(p, ancestor int) bool {
	if ancestor == 0 {
		return false
	}
	for i := 0; i < 64 && p > 1; i++ {
		f := procStat(p)
		if len(f) < 2 {
			return false
		}
		p = atoi(f[1])
		if p == ancestor {
			return true
		}
	}
	return false
}

// toolchainCommands are the programs GoNB runs to turn a cell into a program.
var toolchainCommands = map[string]bool{"go": true, "goimports": true}

// interruptKernel passes an interrupt to GoNB, which interrupts a running cell program, and
// to every toolchain process GoNB runs, so that a cell still compiling stops too.
func interruptKernel(gonb int) {
	_ = syscall.Kill(gonb, syscall.SIGINT)
	for _, c := range childProcesses(gonb) {
		exe, err := os.Readlink(fmt.Sprintf("/proc/%d/exe", c))
		if err != nil || !toolchainCommands[filepath.Base(exe)] {
			continue
		}
		for _, p := range append([]int{c}, descendants(c)...) {
			_ = syscall.Kill(p, syscall.SIGINT)
		}
	}
}
