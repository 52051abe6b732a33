// SPDX-License-Identifier: Apache-2.0

package main

import (
	"bufio"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestLabStopsJupyterOnSIGTERM runs the real medgo lab, checks that the Jupyter server's
// command line holds no token, then stops medgo lab with SIGTERM as a service manager would:
// Jupyter must be gone and its port closed.
func TestLabStopsJupyterOnSIGTERM(t *testing.T) {
	if _, err := os.Stat("/proc/self/stat"); err != nil {
		t.Skip("needs Linux /proc")
	}
	requireJupyter(t)
	root := repoRoot(t)
	installTemp(t)
	bin := filepath.Join(t.TempDir(), "medgo")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()

	cmd := exec.Command(bin, "lab", "--port", strconv.Itoa(port))
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "MEDGO_ROOT="+root)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = nil
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	urls := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if strings.HasPrefix(sc.Text(), "Open ") {
				urls <- strings.TrimPrefix(sc.Text(), "Open ")
			}
		}
	}()
	var token string
	select {
	case u := <-urls:
		token = regexp.MustCompile(`token=([0-9a-f]+)`).FindStringSubmatch(u)[1]
	case <-time.After(30 * time.Second):
		t.Fatal("medgo lab printed no URL")
	}
	deadline := time.Now().Add(60 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)), time.Second)
		if err == nil {
			c.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("Jupyter did not listen on port %d within 60 s", port)
		}
		time.Sleep(200 * time.Millisecond)
	}
	kids := childProcesses(cmd.Process.Pid)
	if len(kids) == 0 {
		t.Fatal("medgo lab has no child process")
	}
	for _, k := range kids {
		cmdline, _ := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", k))
		if strings.Contains(string(cmdline), token) {
			t.Errorf("the token is on Jupyter's command line: %q", strings.ReplaceAll(string(cmdline), "\x00", " "))
		}
	}

	start := time.Now()
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	select {
	case <-exited:
	case <-time.After(labStopGrace + 10*time.Second):
		t.Fatalf("medgo lab did not exit within %v of SIGTERM", labStopGrace+10*time.Second)
	}
	t.Logf("medgo lab exited %.1f s after SIGTERM", time.Since(start).Seconds())
	for _, k := range kids {
		if processAlive(k) {
			t.Errorf("Jupyter (pid %d) outlived medgo lab", k)
			syscall.Kill(k, syscall.SIGKILL)
		}
	}
	if c, err := net.DialTimeout("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)), time.Second); err == nil {
		c.Close()
		t.Errorf("port %d still accepts connections after medgo lab stopped", port)
	}
}
