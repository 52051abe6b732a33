// SPDX-License-Identifier: Apache-2.0

package main

import (
	"crypto/rand"
	"encoding/hex"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"syscall"
	"time"
)

func cmdLab(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("lab", flag.ContinueOnError)
	fs.SetOutput(stderr)
	ip := fs.String("ip", "127.0.0.1", "address to listen on; anything but loopback exposes the server to the network")
	port := fs.Int("port", 8888, "port to listen on")
	token := fs.String("token", "", "access token (default: a random one, printed in the URL)")
	noToken := fs.Bool("no-token-i-understand", false, "run without a token: anyone who reaches the port can run code")
	noBrowser := fs.Bool("no-browser", true, "do not open a browser")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	root, err := findRoot()
	if err != nil {
		fmt.Fprintln(stderr, "medgo lab:", err)
		return 1
	}
	cmd, url, err := labCommand(root, *ip, *port, *token, *noToken, *noBrowser)
	if err != nil {
		fmt.Fprintln(stderr, "medgo lab:", err)
		return 1
	}
	fmt.Fprintf(stdout, "Starting Jupyter in %s\nOpen %s\n", cmd.Dir, url)
	cmd.Stdout, cmd.Stderr, cmd.Stdin = stdout, stderr, os.Stdin
	if err := runForwardingSignals(cmd, labStopGrace); err != nil {
		fmt.Fprintln(stderr, "medgo lab:", err)
		return 1
	}
	return 0
}

// labStopGrace is how long Jupyter gets to shut its kernels down after SIGTERM before it is
// killed.
const labStopGrace = 20 * time.Second

// runForwardingSignals runs cmd and passes SIGINT and SIGTERM on to it, then waits for it to
// exit: stopping medgo lab (a service manager's SIGTERM, Ctrl-C) must stop the Jupyter server
// and its kernels too, never leave them running with the token. A child that ignores SIGTERM
// is killed after grace.
func runForwardingSignals(cmd *exec.Cmd, grace time.Duration) error {
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(sigs)
	if err := cmd.Start(); err != nil {
		return err
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	var kill <-chan time.Time
	for {
		select {
		case s := <-sigs:
			_ = cmd.Process.Signal(s)
			if s == syscall.SIGTERM && kill == nil {
				kill = time.After(grace)
			}
		case <-kill:
			_ = cmd.Process.Kill()
		case err := <-done:
			return err
		}
	}
}

// labCommand builds the Jupyter command line: JupyterLab when installed, else the classic
// Notebook, always in notebooks/ and with a token unless explicitly waived.
func labCommand(root, ip string, port int, token string, noToken, noBrowser bool) (*exec.Cmd, string, error) {
	if _, err := os.Stat(filepath.Join(kernelDir(), "kernel.json")); err != nil {
		return nil, "", fmt.Errorf("kernel %q is not installed in %s; run: medgo install", KernelName, kernelDir())
	}
	if net.ParseIP(ip) == nil {
		return nil, "", fmt.Errorf("--ip %q is not an IP address; use 127.0.0.1 (this machine only) or 0.0.0.0 (all interfaces)", ip)
	}
	if token == "" && !noToken {
		b := make([]byte, 24)
		if _, err := rand.Read(b); err != nil {
			return nil, "", err
		}
		token = hex.EncodeToString(b)
	}
	if noToken {
		token = ""
	}
	pj, err := findJupyter()
	if err != nil {
		return nil, "", err
	}
	app, cfg := "notebook", "NotebookApp"
	if exec.Command(pj.Jupyter, "lab", "--version").Run() == nil {
		app, cfg = "lab", "ServerApp"
	}
	args := []string{app,
		"--ip=" + ip, "--port=" + strconv.Itoa(port),
		"--notebook-dir=" + filepath.Join(root, "notebooks"),
	}
	// The token goes through the environment (JUPYTER_TOKEN, read by Notebook and Jupyter
	// Server), not the command line, which every user of the machine can read in ps.
	env := os.Environ()
	if noToken {
		args = append(args, "--"+cfg+".token=")
	} else {
		env = append(env, "JUPYTER_TOKEN="+token)
	}
	if noBrowser {
		args = append(args, "--no-browser")
	}
	if os.Geteuid() == 0 {
		args = append(args, "--allow-root")
	}
	cmd := exec.Command(pj.Jupyter, args...)
	cmd.Dir, cmd.Env = filepath.Join(root, "notebooks"), env
	url := fmt.Sprintf("http://%s/", net.JoinHostPort(ip, strconv.Itoa(port)))
	if token != "" {
		url += "?token=" + token
	}
	return cmd, url, nil
}
