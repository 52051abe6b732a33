// SPDX-License-Identifier: Apache-2.0

//go:build !linux

package main

import "syscall"

// Without Linux's /proc and child subreapers, the supervisor passes signals on and nothing
// more: GoNB's own shutdown stops gopls, and a cell still compiling is not interrupted.

func adoptOrphans()                {}
func processStart(pid int) string  { return "" }
func processAlive(pid int) bool    { return syscall.Kill(pid, 0) == nil }
func childProcesses(pid int) []int { return nil }
func killTree(root, spare int)     {}
func interruptKernel(gonb int)     { _ = syscall.Kill(gonb, syscall.SIGINT) }
