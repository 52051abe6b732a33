// SPDX-License-Identifier: Apache-2.0

package docker

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// systemJupyter is the Jupyter the start-script tests run against.
const systemJupyter = "/usr/bin/jupyter"

// startupLimit bounds every wait for the server.
const startupLimit = 60 * time.Second

// syncBuffer collects a process's output while the test reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// scriptEnv is the test's environment without Jupyter/MedGo settings, plus env.
func scriptEnv(env map[string]string) []string {
	var out []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, "JUPYTER") || strings.HasPrefix(k, "MEDGO_") || strings.HasPrefix(k, "FAKE_") ||
			k == "HOME" || k == "GOFLAGS" || strings.HasPrefix(k, "XDG_") {
			continue
		}
		out = append(out, kv)
	}
	for k, v := range env {
		out = append(out, k+"="+v)
	}
	return out
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// jupyterHome makes a temporary HOME and JUPYTER_DATA_DIR with a medgo kernelspec, and
// returns the environment for start.sh.
func jupyterHome(t *testing.T, port int) (map[string]string, string) {
	t.Helper()
	root := t.TempDir()
	data := filepath.Join(root, "jupyter-data")
	spec := filepath.Join(data, "kernels", "medgo")
	if err := os.MkdirAll(spec, 0o755); err != nil {
		t.Fatal(err)
	}
	kernelJSON := `{"argv": ["gonb", "--kernel", "{connection_file}"], "display_name": "Go (MedGo)", "language": "go"}`
	if err := os.WriteFile(filepath.Join(spec, "kernel.json"), []byte(kernelJSON), 0o644); err != nil {
		t.Fatal(err)
	}
	tutorials := filepath.Join(root, "tutorials-src")
	if err := os.MkdirAll(tutorials, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(tutorials, "01-start.ipynb"), []byte("{}"), 0o644); err != nil {
		t.Fatal(err)
	}
	configPath, err := filepath.Abs("jupyter")
	if err != nil {
		t.Fatal(err)
	}
	return map[string]string{
		"HOME":                filepath.Join(root, "home"),
		"JUPYTER_DATA_DIR":    data,
		"JUPYTER_RUNTIME_DIR": filepath.Join(root, "runtime"),
		"JUPYTER_CONFIG_DIR":  filepath.Join(root, "home", ".jupyter"),
		"JUPYTER_CONFIG_PATH": configPath,
		"MEDGO_JUPYTER":       systemJupyter,
		"MEDGO_IP":            "127.0.0.1",
		"MEDGO_PORT":          strconv.Itoa(port),
		"MEDGO_WORK_DIR":      filepath.Join(root, "work"),
		"MEDGO_TUTORIALS":     tutorials,
		"MEDGO_CACHE":         filepath.Join(root, "cache"),
	}, root
}

// server is start.sh running in its own process group.
type server struct {
	cmd    *exec.Cmd
	out    *syncBuffer
	done   chan struct{}
	err    error // exit status, once done is closed
	port   int
	stopMu sync.Once
}

func startScript(t *testing.T, env map[string]string, port int, args ...string) *server {
	t.Helper()
	cmd := exec.Command("bash", append([]string{"start.sh"}, args...)...)
	cmd.Env = scriptEnv(env)
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	out := &syncBuffer{}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting start.sh: %v", err)
	}
	s := &server{cmd: cmd, out: out, done: make(chan struct{}), port: port}
	go func() { s.err = cmd.Wait(); close(s.done) }()
	t.Cleanup(func() { s.stop(t) })
	return s
}

// stop ends the whole process group: SIGTERM, then SIGKILL if it is still there after 10 s.
func (s *server) stop(t *testing.T) {
	s.stopMu.Do(func() {
		pgid := s.cmd.Process.Pid
		_ = syscall.Kill(-pgid, syscall.SIGTERM)
		select {
		case <-s.done:
		case <-time.After(10 * time.Second):
			t.Errorf("start.sh did not stop within 10 s of SIGTERM; killing it\n%s", s.out)
			_ = syscall.Kill(-pgid, syscall.SIGKILL)
			<-s.done
		}
		// Jupyter's children share the group; make sure none is left behind.
		_ = syscall.Kill(-pgid, syscall.SIGKILL)
	})
}

// get requests path on the server, with "Authorization: token ..." when token is not empty.
func (s *server) get(path, token string) (int, []byte, error) {
	req, err := http.NewRequest("GET", fmt.Sprintf("http://127.0.0.1:%d%s", s.port, path), nil)
	if err != nil {
		return 0, nil, err
	}
	if token != "" {
		req.Header.Set("Authorization", "token "+token)
	}
	client := &http.Client{Timeout: 5 * time.Second}
	resp, err := client.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	var body bytes.Buffer
	_, err = body.ReadFrom(resp.Body)
	return resp.StatusCode, body.Bytes(), err
}

// waitReady polls GET /api until the server answers, the script exits, or the limit passes.
func (s *server) waitReady(t *testing.T) {
	t.Helper()
	deadline := time.Now().Add(startupLimit)
	for time.Now().Before(deadline) {
		select {
		case <-s.done:
			t.Fatalf("start.sh exited before Jupyter answered (%v):\n%s", s.err, s.out)
		default:
		}
		if code, _, err := s.get("/api", ""); err == nil && code == http.StatusOK {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("Jupyter did not answer on port %d within %v:\n%s", s.port, startupLimit, s.out)
}

type kernelspecs struct {
	Default     string `json:"default"`
	Kernelspecs map[string]struct {
		Spec struct {
			DisplayName string `json:"display_name"`
		} `json:"spec"`
	} `json:"kernelspecs"`
}

var tokenURLRe = regexp.MustCompile(`open http://127\.0\.0\.1:\d+/\S+\?token=([0-9a-f]{48})\b`)

func healthcheck(env map[string]string) (string, error) {
	cmd := exec.Command("bash", "healthcheck.sh")
	cmd.Env = scriptEnv(map[string]string{"MEDGO_PORT": env["MEDGO_PORT"], "MEDGO_IP": env["MEDGO_IP"], "MEDGO_PYTHON": "/usr/bin/python3"})
	out, err := cmd.CombinedOutput()
	return string(out), err
}

func requireJupyter(t *testing.T) {
	t.Helper()
	if _, err := os.Stat(systemJupyter); err != nil {
		t.Skipf("%s is absent (%v); install Debian's jupyter-notebook to run the start-script tests", systemJupyter, err)
	}
}

// TestStartServesKernelspecs starts docker/start.sh for real and talks to the server.
func TestStartServesKernelspecs(t *testing.T) {
	requireJupyter(t)
	tests := []struct {
		name       string
		env        map[string]string // added to the base environment
		args       []string
		token      string // token to use; "generated": read it from the output; "": none
		wantNoAuth bool   // requests without a token are served
	}{
		{name: "generated token", token: "generated"},
		{name: "token from JUPYTER_TOKEN", env: map[string]string{"JUPYTER_TOKEN": "medgo-test-token-0123456789"}, token: "medgo-test-token-0123456789"},
		{name: "explicitly without token", env: map[string]string{"JUPYTER_TOKEN": ""}, args: []string{"--no-token-i-understand"}, wantNoAuth: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			port := freePort(t)
			env, root := jupyterHome(t, port)
			for k, v := range tt.env {
				env[k] = v
			}
			s := startScript(t, env, port, tt.args...)
			s.waitReady(t)

			token := tt.token
			if token == "generated" {
				m := tokenURLRe.FindStringSubmatch(s.out.String())
				if m == nil {
					t.Fatalf("start.sh printed no URL with a 48-hex-digit token:\n%s", s.out)
				}
				token = m[1]
			} else if token != "" && strings.Contains(s.out.String(), token) {
				t.Errorf("start.sh printed the user's JUPYTER_TOKEN in its output")
			}

			code, body, err := s.get("/api/kernelspecs", token)
			if err != nil || code != http.StatusOK {
				t.Fatalf("GET /api/kernelspecs with the token: %d %v\n%s\n%s", code, err, body, s.out)
			}
			var ks kernelspecs
			if err := json.Unmarshal(body, &ks); err != nil {
				t.Fatalf("GET /api/kernelspecs: %v\n%s", err, body)
			}
			medgo, ok := ks.Kernelspecs["medgo"]
			if !ok {
				t.Fatalf("kernelspec medgo not listed: %s", body)
			}
			if medgo.Spec.DisplayName != "Go (MedGo)" {
				t.Errorf("medgo display_name = %q, want \"Go (MedGo)\"", medgo.Spec.DisplayName)
			}
			if ks.Default != "medgo" {
				t.Errorf("default kernel = %q, want medgo (set by docker/jupyter/jupyter_server_config.py)", ks.Default)
			}

			code, _, err = s.get("/api/kernelspecs", "")
			if err != nil {
				t.Fatal(err)
			}
			if tt.wantNoAuth != (code == http.StatusOK) {
				t.Errorf("GET /api/kernelspecs without a token: status %d; want served = %v", code, tt.wantNoAuth)
			}
			if !tt.wantNoAuth {
				if code, _, err := s.get("/api/kernelspecs", "wrong-"+token); err != nil || code == http.StatusOK {
					t.Errorf("GET /api/kernelspecs with a wrong token: status %d, %v; want refused", code, err)
				}
			} else if !strings.Contains(s.out.String(), "token authentication is OFF") {
				t.Errorf("start.sh did not warn that authentication is off:\n%s", s.out)
			}

			if _, err := os.Stat(filepath.Join(root, "work", "tutorials", "01-start.ipynb")); err != nil {
				t.Errorf("tutorials were not copied into MEDGO_WORK_DIR: %v", err)
			}
			if st, err := os.Stat(env["MEDGO_CACHE"]); err != nil || !st.IsDir() {
				t.Errorf("MEDGO_CACHE was not created: %v", err)
			}
			if out, err := healthcheck(env); err != nil {
				t.Errorf("healthcheck.sh failed on a running server: %v\n%s", err, out)
			}

			s.stop(t)
			if out, err := healthcheck(env); err == nil {
				t.Errorf("healthcheck.sh succeeded after the server stopped:\n%s", out)
			}
			if err := syscall.Kill(-s.cmd.Process.Pid, 0); !errors.Is(err, syscall.ESRCH) {
				t.Errorf("processes of the server's group are still alive after stop (kill 0: %v)", err)
			}
		})
	}
}

// TestStartRefuses checks the cases in which start.sh must not start Jupyter at all.
// None of them needs Jupyter: the script stops before looking for it.
func TestStartRefuses(t *testing.T) {
	tests := []struct {
		name     string
		env      map[string]string
		args     []string
		wantCode int
		want     []string
	}{
		{name: "empty JUPYTER_TOKEN", env: map[string]string{"JUPYTER_TOKEN": ""}, wantCode: 2,
			want: []string{"refusing to start Jupyter without a token", "JUPYTER_TOKEN is set but empty", "MEDGO_ALLOW_NO_TOKEN=1", "--no-token-i-understand"}},
		{name: "empty token argument", args: []string{"--ServerApp.token="}, wantCode: 2,
			want: []string{"refusing to start Jupyter without a token", "--ServerApp.token= disables the token"}},
		{name: "quoted empty token argument", args: []string{"--IdentityProvider.token=''"}, wantCode: 2,
			want: []string{"refusing to start Jupyter without a token"}},
		{name: "classic empty token argument", env: map[string]string{"JUPYTER_TOKEN": "x"}, args: []string{"--NotebookApp.token="}, wantCode: 2,
			want: []string{"refusing to start Jupyter without a token"}},
		{name: "opt-out not 0 or 1", env: map[string]string{"JUPYTER_TOKEN": "", "MEDGO_ALLOW_NO_TOKEN": "yes"}, wantCode: 1,
			want: []string{"MEDGO_ALLOW_NO_TOKEN must be 0 or 1"}},
		{name: "bad port", env: map[string]string{"MEDGO_PORT": "88a"}, wantCode: 1,
			want: []string{"MEDGO_PORT must be a port number", "88a"}},
		{name: "port out of range", env: map[string]string{"MEDGO_PORT": "70000"}, wantCode: 1,
			want: []string{"MEDGO_PORT must be a port number"}},
		{name: "unreadable token file", env: map[string]string{"JUPYTER_TOKEN_FILE": "/nonexistent/token"}, wantCode: 1,
			want: []string{"JUPYTER_TOKEN_FILE=/nonexistent/token cannot be read"}},
		{name: "no jupyter", env: map[string]string{"MEDGO_JUPYTER": "/nonexistent/jupyter"}, wantCode: 1,
			want: []string{"'/nonexistent/jupyter' not found"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			env := map[string]string{"HOME": t.TempDir(), "MEDGO_IP": "127.0.0.1", "MEDGO_PORT": strconv.Itoa(freePort(t))}
			for k, v := range tt.env {
				env[k] = v
			}
			cmd := exec.Command("bash", append([]string{"start.sh"}, tt.args...)...)
			cmd.Env = scriptEnv(env)
			cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
			var out syncBuffer
			cmd.Stdout, cmd.Stderr = &out, &out
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()
			var err error
			select {
			case err = <-done:
			case <-time.After(startupLimit):
				_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
				<-done
				t.Fatalf("start.sh did not exit within %v; it should have refused:\n%s", startupLimit, out.String())
			}
			var exit *exec.ExitError
			if !errors.As(err, &exit) || exit.ExitCode() != tt.wantCode {
				t.Fatalf("start.sh exit = %v, want status %d\n%s", err, tt.wantCode, out.String())
			}
			for _, w := range tt.want {
				if !strings.Contains(out.String(), w) {
					t.Errorf("start.sh output lacks %q:\n%s", w, out.String())
				}
			}
			if strings.Contains(out.String(), "using jupyter") {
				t.Errorf("start.sh went on to start Jupyter:\n%s", out.String())
			}
		})
	}
}

// fakeJupyter is a stand-in jupyter command: it answers "SUB --version" from FAKE_<SUB>
// (absent when empty) and otherwise prints its arguments and the environment it was given.
const fakeJupyter = `#!/usr/bin/env bash
case "$1 $2" in
"lab --version") [ -n "${FAKE_LAB:-}" ] || exit 1; echo "$FAKE_LAB"; exit 0 ;;
"notebook --version") [ -n "${FAKE_NOTEBOOK:-}" ] || exit 1; echo "$FAKE_NOTEBOOK"; exit 0 ;;
"server --version") [ -n "${FAKE_SERVER:-}" ] || exit 1; echo "$FAKE_SERVER"; exit 0 ;;
esac
printf 'ARG %s\n' "$@"
echo "ENV GOFLAGS=${GOFLAGS-}"
echo "ENV MEDGO_BACKEND=${MEDGO_BACKEND-}"
echo "ENV TOKEN_SET=${JUPYTER_TOKEN:+yes}"
`

// TestStartCommandLine checks the Jupyter command line start.sh builds for each kind of
// Jupyter (JupyterLab, Notebook 7, classic Notebook 6, jupyter server), using a stand-in
// jupyter so that the JupyterLab branches are covered on machines without JupyterLab.
func TestStartCommandLine(t *testing.T) {
	fake := filepath.Join(t.TempDir(), "jupyter")
	if err := os.WriteFile(fake, []byte(fakeJupyter), 0o755); err != nil {
		t.Fatal(err)
	}
	lab := map[string]string{"FAKE_LAB": "4.2.5", "FAKE_NOTEBOOK": "7.2.2", "FAKE_SERVER": "2.14.2"}
	with := func(base map[string]string, kv ...string) map[string]string {
		m := map[string]string{}
		for k, v := range base {
			m[k] = v
		}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return m
	}
	tests := []struct {
		name    string
		env     map[string]string
		args    []string
		want    []string // lines that must appear
		notWant []string // lines that must not
	}{
		{name: "JupyterLab", env: lab, want: []string{
			"using jupyter lab 4.2.5", "ARG lab", "ARG --no-browser", "ARG --ServerApp.ip=127.0.0.1", "ARG --ServerApp.port=8123",
			"ARG --ServerApp.port_retries=0", "ARG --ServerApp.root_dir={work}", "ENV TOKEN_SET=yes", "/lab?token="},
			notWant: []string{"ARG --IdentityProvider.token=", "ARG --NotebookApp.ip=127.0.0.1"}},
		{name: "JupyterLab without token", env: with(lab, "MEDGO_ALLOW_NO_TOKEN", "1", "JUPYTER_TOKEN", ""),
			want:    []string{"ARG lab", "ARG --IdentityProvider.token=", "ARG --PasswordIdentityProvider.hashed_password=", "token authentication is OFF"},
			notWant: []string{"ENV TOKEN_SET=yes"}},
		{name: "jupyter_server 1 without token", env: with(lab, "FAKE_SERVER", "1.24.0", "JUPYTER_TOKEN", ""), args: []string{"--no-token-i-understand"},
			want: []string{"ARG --ServerApp.token=", "ARG --ServerApp.password="}, notWant: []string{"ARG --IdentityProvider.token="}},
		{name: "Notebook 7", env: map[string]string{"FAKE_NOTEBOOK": "7.2.2", "FAKE_SERVER": "2.14.2"},
			want: []string{"using jupyter notebook 7.2.2", "ARG notebook", "ARG --ServerApp.ip=127.0.0.1", "/tree?token="}},
		{name: "classic Notebook 6", env: map[string]string{"FAKE_NOTEBOOK": "6.4.12"},
			want:    []string{"ARG notebook", "ARG --NotebookApp.ip=127.0.0.1", "ARG --NotebookApp.port=8123", "ARG --NotebookApp.notebook_dir={work}"},
			notWant: []string{"ARG --ServerApp.ip=127.0.0.1"}},
		{name: "classic Notebook 6 without token", env: map[string]string{"FAKE_NOTEBOOK": "6.4.12", "JUPYTER_TOKEN": "", "MEDGO_ALLOW_NO_TOKEN": "1"},
			want: []string{"ARG --NotebookApp.token=", "ARG --NotebookApp.password="}},
		{name: "bare jupyter server", env: map[string]string{"FAKE_SERVER": "2.14.2"},
			want: []string{"using jupyter server 2.14.2", "ARG server", "/api/kernelspecs?token="}},
		{name: "chosen app", env: with(lab, "MEDGO_JUPYTER_APP", "notebook"), want: []string{"ARG notebook"}, notWant: []string{"ARG lab"}},
		{name: "extra arguments pass through", env: lab, args: []string{"--", "--ServerApp.token=abcdefabcdefabcdef", "--debug"},
			want:    []string{"ARG --ServerApp.token=abcdefabcdefabcdef", "ARG --debug", "token=<the token you set>"},
			notWant: []string{"ENV TOKEN_SET=yes"}},
		{name: "XLA image", env: with(lab, "MEDGO_WITH_XLA", "1"), want: []string{"ENV GOFLAGS=-tags=xla", "ENV MEDGO_BACKEND=xla:cpu"}},
		{name: "XLA CUDA image", env: with(lab, "MEDGO_WITH_XLA", "1", "MEDGO_XLA_PLUGIN", "cuda13"), want: []string{"ENV MEDGO_BACKEND=xla:cuda"}},
		{name: "XLA image, user's choices kept", env: with(lab, "MEDGO_WITH_XLA", "1", "MEDGO_BACKEND", "go", "GOFLAGS", "-tags=other"),
			want: []string{"ENV GOFLAGS=-tags=other", "ENV MEDGO_BACKEND=go"}},
		{name: "no XLA", env: lab, want: []string{"ENV GOFLAGS=", "ENV MEDGO_BACKEND="}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			work := filepath.Join(t.TempDir(), "work")
			env := map[string]string{"HOME": t.TempDir(), "MEDGO_JUPYTER": fake, "MEDGO_IP": "127.0.0.1", "MEDGO_PORT": "8123",
				"MEDGO_WORK_DIR": work}
			for k, v := range tt.env {
				env[k] = v
			}
			cmd := exec.Command("bash", append([]string{"start.sh"}, tt.args...)...)
			cmd.Env = scriptEnv(env)
			cmd.WaitDelay = startupLimit
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("start.sh with a stand-in jupyter: %v\n%s", err, out)
			}
			lines := map[string]bool{}
			for _, l := range strings.Split(string(out), "\n") {
				lines[l] = true
			}
			// "ARG x" and "ENV x" must be whole lines of the stand-in's report; the rest are substrings.
			has := func(w string) bool {
				w = strings.ReplaceAll(w, "{work}", work)
				if strings.HasPrefix(w, "ARG ") || strings.HasPrefix(w, "ENV ") {
					return lines[w]
				}
				return strings.Contains(string(out), w)
			}
			for _, w := range tt.want {
				if !has(w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
			for _, w := range tt.notWant {
				if has(w) {
					t.Errorf("output has %q:\n%s", w, out)
				}
			}
		})
	}

	errTests := []struct {
		name string
		env  map[string]string
		want string
	}{
		{"chosen app missing", map[string]string{"FAKE_NOTEBOOK": "6.4.12", "MEDGO_JUPYTER_APP": "lab"}, "MEDGO_JUPYTER_APP=lab but"},
		{"unknown app", map[string]string{"FAKE_NOTEBOOK": "6.4.12", "MEDGO_JUPYTER_APP": "console"}, "must be lab, notebook or server"},
		{"nothing installed", map[string]string{}, "offers neither 'lab', 'notebook' nor 'server'"},
	}
	for _, tt := range errTests {
		t.Run(tt.name, func(t *testing.T) {
			env := map[string]string{"HOME": t.TempDir(), "MEDGO_JUPYTER": fake, "MEDGO_IP": "127.0.0.1", "MEDGO_PORT": "8123"}
			for k, v := range tt.env {
				env[k] = v
			}
			cmd := exec.Command("bash", "start.sh")
			cmd.Env = scriptEnv(env)
			out, err := cmd.CombinedOutput()
			if err == nil || !strings.Contains(string(out), tt.want) {
				t.Fatalf("start.sh = %v, want failure mentioning %q:\n%s", err, tt.want, out)
			}
			if strings.Contains(string(out), "ARG ") {
				t.Errorf("start.sh ran jupyter anyway:\n%s", out)
			}
		})
	}
}
