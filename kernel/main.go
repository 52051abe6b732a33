// SPDX-License-Identifier: Apache-2.0

// Command medgo installs and runs MedGo's Go notebook kernel.
//
//	medgo install   build the pinned kernel tools, pre-build mlkit, register the "medgo" kernelspec
//	medgo doctor    check the set-up and say how to fix what is missing
//	medgo run       execute notebooks headless through the Jupyter client, with a results table
//	medgo lab       start Jupyter on 127.0.0.1 with token authentication
//	medgo book      write a static HTML book of executed notebooks
//	medgo report    write a trained run's model report into its directory
//	medgo env       print the kernel's build and backend settings as shell exports
//
// Run "medgo COMMAND -h" for a command's flags.
package main

import (
	"fmt"
	"io"
	"os"
)

type command struct {
	name, summary string
	run           func(args []string, stdout, stderr io.Writer) int
}

var commands = []command{
	{"install", "build kernel tools, pre-build mlkit, register the medgo kernelspec", cmdInstall},
	{"doctor", "check the set-up; non-zero exit if anything required is missing", cmdDoctor},
	{"run", "execute notebooks headless and print a results table", cmdRun},
	{"lab", "start Jupyter on 127.0.0.1 with token authentication", cmdLab},
	{"book", "build a static HTML book of the executed notebooks", cmdBook},
	{"report", "write a trained run's model report (HTML and Markdown) into its directory", cmdReport},
	{"env", "print the kernel's build and backend settings as shell exports (eval \"$(bin/medgo env)\")", cmdEnv},
	{kernelCommand, "run GoNB for Jupyter (the kernelspec's command; not for direct use)", cmdKernel},
	{watchCommand, "medgo kernel's watchdog (not for direct use)", cmdKernelWatch},
}

func main() {
	os.Exit(dispatch(os.Args[1:], os.Stdout, os.Stderr))
}

func dispatch(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(stdout)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	for _, c := range commands {
		if c.name == args[0] {
			return c.run(args[1:], stdout, stderr)
		}
	}
	fmt.Fprintf(stderr, "medgo: unknown command %q\n\n", args[0])
	usage(stderr)
	return 2
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "Usage: medgo COMMAND [flags]\n\nCommands:")
	for _, c := range commands {
		fmt.Fprintf(w, "  %-8s %s\n", c.name, c.summary)
	}
}
