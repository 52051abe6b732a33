// SPDX-License-Identifier: Apache-2.0

// Command xlainstall installs an XLA PJRT plugin into a MedGo image at build time, using the
// installer of the go-xla release that the MedGo module is built against (pinned in go.mod here),
// so that the plugin matches the PJRT bindings the kernel links.
//
//	xlainstall -plugin=cpu -path=/usr/local/lib/go-xla
//	xlainstall -plugin=cuda13 -version=<jax version> -path=/usr/local/lib/go-xla
//
// The CPU plugin version defaults to the one the go-xla release pins. CUDA plugins come from
// the Jax wheels on pypi.org and need an explicit Jax version. Moving versions are refused: an
// image must be rebuildable to the same contents.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/gomlx/go-xla/installer"
)

// config is what one run installs.
type config struct {
	Plugin    string // cpu, cuda12 or cuda13
	Version   string // CPU: pjrt-cpu-binaries release (empty: go-xla's pinned one); CUDA: Jax version
	Path      string // the go-xla plugin directory, e.g. /usr/local/lib/go-xla
	Verbosity installer.VerbosityLevel
}

var plugins = []string{"cpu", "cuda12", "cuda13"}

// parseConfig reads the command line and says precisely what is wrong with it.
func parseConfig(args []string, stderr io.Writer) (config, error) {
	fs := flag.NewFlagSet("xlainstall", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var c config
	var verbosity int
	fs.StringVar(&c.Plugin, "plugin", "cpu", "plugin to install: "+strings.Join(plugins, ", "))
	fs.StringVar(&c.Version, "version", "", "plugin version: for cpu a pjrt-cpu-binaries release such as v0.114.0 "+
		"(empty: the one go-xla pins); for cuda12/cuda13 the Jax version to take the plugin from (required)")
	fs.StringVar(&c.Path, "path", "/usr/local/lib/go-xla", "directory the plugin goes into (go-xla looks in /usr/local/lib/go-xla)")
	fs.IntVar(&verbosity, "verbosity", int(installer.Normal), "0 quiet, 1 normal, 2 verbose")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("unexpected arguments %q: every setting is a flag (-plugin, -version, -path)", fs.Args())
	}
	c.Verbosity = installer.VerbosityLevel(verbosity)
	known := false
	for _, p := range plugins {
		known = known || p == c.Plugin
	}
	if !known {
		return c, fmt.Errorf("-plugin=%q is not one of %s", c.Plugin, strings.Join(plugins, ", "))
	}
	if strings.EqualFold(c.Version, "latest") {
		return c, errors.New("-version=latest is a moving target; give an exact version so the image can be rebuilt identically")
	}
	if c.Plugin != "cpu" && c.Version == "" {
		return c, fmt.Errorf("-plugin=%s needs -version=<Jax version> (see https://pypi.org/project/jax/#history); "+
			"choose one whose PJRT API matches the go-xla release in go.mod", c.Plugin)
	}
	if c.Path == "" || !filepath.IsAbs(c.Path) {
		return c, fmt.Errorf("-path=%q must be an absolute directory, e.g. /usr/local/lib/go-xla", c.Path)
	}
	return c, nil
}

// installedPlugin returns the plugin file the installation should have left in dir.
func installedPlugin(c config) (string, error) {
	pattern := filepath.Join(c.Path, "pjrt_c_api_cpu_*_plugin.so")
	if c.Plugin != "cpu" {
		pattern = filepath.Join(c.Path, "nvidia", installer.NVIDIAPJRTPluginFileName)
	}
	matches, err := filepath.Glob(pattern)
	if err != nil {
		return "", err
	}
	if len(matches) == 0 {
		return "", fmt.Errorf("no plugin matching %s after installation", pattern)
	}
	return matches[len(matches)-1], nil
}

func install(c config) error {
	if runtime.GOOS != "linux" {
		return fmt.Errorf("xlainstall runs inside the Linux image build, not on %s", runtime.GOOS)
	}
	switch {
	case c.Plugin == "cpu" && c.Version == "":
		return installer.CPUAutoInstall(c.Path, false, c.Verbosity)
	case c.Plugin == "cpu":
		return installer.CPUInstall(runtime.GOOS+"_"+runtime.GOARCH, c.Version, c.Path, false, c.Verbosity)
	default:
		return installer.CudaInstall(c.Plugin, c.Version, c.Path, false, c.Verbosity)
	}
}

func run(args []string, stdout, stderr io.Writer) int {
	c, err := parseConfig(args, stderr)
	if err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(stderr, "xlainstall:", err)
		}
		return 2
	}
	if err := install(c); err != nil {
		fmt.Fprintf(stderr, "xlainstall: installing the %s PJRT plugin into %s failed: %v\n", c.Plugin, c.Path, err)
		return 1
	}
	file, err := installedPlugin(c)
	if err != nil {
		fmt.Fprintln(stderr, "xlainstall:", err)
		return 1
	}
	fmt.Fprintf(stdout, "\nxlainstall: %s PJRT plugin installed: %s\n", c.Plugin, file)
	return 0
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}
