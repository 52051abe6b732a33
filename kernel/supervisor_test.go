// SPDX-License-Identifier: Apache-2.0

package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// supervisorScript drives a real kernel through jupyter_client. "kill": run a cell, list the
// kernel's process tree, then kill the kernel as Jupyter does when a shutdown is forced.
// "compile": interrupt a cell while it is still compiling, and time how long it takes to stop.
const supervisorScript = `
import os, sys, time
from jupyter_client.manager import start_new_kernel

def tree(pid):
    kids = {}
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                s = open("/proc/%s/stat" % d).read()
            except OSError:
                continue
            ppid = int(s[s.rindex(")") + 2:].split()[1])
            kids.setdefault(ppid, []).append(int(d))
    out, queue = [], [pid]
    while queue:
        p = queue.pop()
        out.append(p)
        queue.extend(kids.get(p, []))
    return out

km, kc = start_new_kernel(kernel_name="medgo")
mode = sys.argv[1]
try:
    if mode == "kill":
        kc.execute_interactive('%%\nfmt.Println("ready")', timeout=120)
        time.sleep(2)  # gopls is up by now
        print("TREE", " ".join("%d:%s" % (p, os.path.basename(os.readlink("/proc/%d/exe" % p))) for p in tree(km.provisioner.pid)))
        sys.stdout.flush()
        km.shutdown_kernel(now=True)
        print("KILLED")
    else:
        msg_id = kc.execute(open(sys.argv[2]).read())
        time.sleep(0.3)
        t = time.time()
        km.interrupt_kernel()
        text = []
        while True:
            m = kc.get_iopub_msg(timeout=120)
            text.append(str(m["content"].get("text", "")))
            if m["msg_type"] == "status" and m["content"]["execution_state"] == "idle" and m["parent_header"].get("msg_id") == msg_id:
                break
        print("STOPPED_AFTER %.2f" % (time.time() - t))
        print("OUTPUT", "".join(text).replace("\n", " "))
        kc.stop_channels()
        km.shutdown_kernel(now=False)
except Exception:
    km.shutdown_kernel(now=True)
    raise
`

func runSupervisorScript(t *testing.T, args ...string) string {
	t.Helper()
	requireJupyter(t)
	if _, err := os.Stat("/proc/self/stat"); err != nil {
		t.Skip("needs Linux /proc")
	}
	installTemp(t)
	pj, _ := findJupyter()
	dir := t.TempDir()
	script := filepath.Join(dir, "script.py")
	if err := os.WriteFile(script, []byte(supervisorScript), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(pj.Python, append([]string{script}, args...)...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("driver failed: %v\n%s", err, tail(string(out), 3000))
	}
	return string(out)
}

// TestKilledKernelLeavesNoProcess kills a kernel the way Jupyter forces a shutdown (SIGKILL to
// the kernel's process group) and checks that GoNB, gopls and every other process of its tree
// are gone: gopls runs in a process group of its own and used to survive.
func TestKilledKernelLeavesNoProcess(t *testing.T) {
	out := runSupervisorScript(t, "kill")
	var pids []int
	names := map[int]string{}
	for _, line := range strings.Split(out, "\n") {
		if rest, ok := strings.CutPrefix(line, "TREE "); ok {
			for _, f := range strings.Fields(rest) {
				pid, name, _ := strings.Cut(f, ":")
				p, _ := strconv.Atoi(pid)
				pids = append(pids, p)
				names[p] = name
			}
		}
	}
	if len(pids) < 3 || !strings.Contains(out, "KILLED") {
		t.Fatalf("expected the kernel, GoNB and gopls in the tree before the kill:\n%s", out)
	}
	t.Logf("kernel tree before the kill: %v", names)
	hasGopls := false
	for _, n := range names {
		hasGopls = hasGopls || n == "gopls"
	}
	if !hasGopls {
		t.Fatalf("no gopls in the kernel's tree %v: the test would prove nothing", names)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		var left []string
		for _, p := range pids {
			if processAlive(p) {
				left = append(left, names[p]+"("+strconv.Itoa(p)+")")
			}
		}
		if len(left) == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("10 s after the kill these still run: %v", left)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// compilingCell takes a second or more to build (it links mlkit) and then runs for a minute.
const compilingCell = `import (
	"time"

	"github.com/medgo-lab/medgo/mlkit/train"
)

%%
fmt.Println("cell program started")
time.Sleep(60 * time.Second)
_ = train.New
`

// TestInterruptWhileCompiling presses stop 0.3 s after the cell was sent, while GoNB is still
// building it: the cell must end promptly instead of running its minute.
func TestInterruptWhileCompiling(t *testing.T) {
	dir := t.TempDir()
	cell := filepath.Join(dir, "cell.go")
	if err := os.WriteFile(cell, []byte(compilingCell), 0o644); err != nil {
		t.Fatal(err)
	}
	out := runSupervisorScript(t, "compile", cell)
	stopped := -1.0
	for _, line := range strings.Split(out, "\n") {
		if rest, ok := strings.CutPrefix(line, "STOPPED_AFTER "); ok {
			stopped = parseFloat(rest)
		}
	}
	if stopped < 0 || stopped > 15 {
		t.Fatalf("the cell took %.1f s to stop after an interrupt during compilation (want < 15 s):\n%s", stopped, tail(out, 3000))
	}
	if strings.Contains(out, "cell program started") {
		t.Logf("the interrupt arrived after compilation had finished; it still stopped in %.1f s", stopped)
	}
	t.Logf("stopped %.2f s after the interrupt", stopped)
}
