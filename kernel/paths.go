// SPDX-License-Identifier: Apache-2.0

package main

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// modulePath is the module whose checkout medgo works on.
const modulePath = "github.com/medgo-lab/medgo"

// KernelName is the kernelspec directory name and DisplayName what Jupyter shows.
const (
	KernelName  = "medgo"
	DisplayName = "Go (MedGo)"
)

// QuickEnv is the environment variable notebooks read to run small and fast (medgo run --quick).
const QuickEnv = "MEDGO_QUICK"

// findRoot returns the checkout root: $MEDGO_ROOT when set, else the nearest directory at or
// above the working directory whose go.mod declares the MedGo module.
func findRoot() (string, error) {
	if r := os.Getenv("MEDGO_ROOT"); r != "" {
		if ok, _ := isMedGoRoot(r); !ok {
			return "", fmt.Errorf("MEDGO_ROOT=%s is not a MedGo checkout (no go.mod declaring %s)", r, modulePath)
		}
		return filepath.Abs(r)
	}
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for d := dir; ; d = filepath.Dir(d) {
		if ok, _ := isMedGoRoot(d); ok {
			return d, nil
		}
		if filepath.Dir(d) == d {
			break
		}
	}
	return "", fmt.Errorf("no MedGo checkout at or above %s (looked for go.mod declaring %s); run medgo inside the checkout or set MEDGO_ROOT", dir, modulePath)
}

func isMedGoRoot(dir string) (bool, error) {
	mod, err := goModLine(filepath.Join(dir, "go.mod"), "module")
	return err == nil && mod == modulePath, err
}

// goModLine returns the argument of the first go.mod line starting with directive ("module", "go").
func goModLine(goMod, directive string) (string, error) {
	f, err := os.Open(goMod)
	if err != nil {
		return "", err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) == 2 && fields[0] == directive {
			return fields[1], nil
		}
	}
	return "", fmt.Errorf("%s: no %q line", goMod, directive)
}

// jupyterDataDir mirrors Jupyter's rule for where user kernelspecs go.
func jupyterDataDir() string {
	if d := os.Getenv("JUPYTER_DATA_DIR"); d != "" {
		return d
	}
	if d := os.Getenv("XDG_DATA_HOME"); d != "" {
		return filepath.Join(d, "jupyter")
	}
	home, _ := os.UserHomeDir()
	return filepath.Join(home, ".local", "share", "jupyter")
}

func kernelDir() string { return filepath.Join(jupyterDataDir(), "kernels", KernelName) }

// pythonJupyter is a Python interpreter that can import the Jupyter client, and the jupyter
// command beside it. /usr/bin comes first: the python3 first on PATH may be another
// interpreter without Jupyter.
type pythonJupyter struct{ Python, Jupyter string }

var errNoJupyter = errors.New("no Python with Jupyter (nbclient, nbconvert, jupyter_client) found; on Debian/Ubuntu run:\n" +
	"  sudo apt-get install -y jupyter-notebook jupyter-nbconvert python3-nbclient jupyter-client python3-ipykernel")

func findJupyter() (pythonJupyter, error) {
	var candidates []pythonJupyter
	candidates = append(candidates, pythonJupyter{"/usr/bin/python3", "/usr/bin/jupyter"})
	if p, err := exec.LookPath("python3"); err == nil {
		j, _ := exec.LookPath("jupyter")
		candidates = append(candidates, pythonJupyter{p, j})
	}
	for _, c := range candidates {
		if c.Jupyter == "" {
			continue
		}
		if _, err := os.Stat(c.Python); err != nil {
			continue
		}
		if err := exec.Command(c.Python, "-c", "import nbclient, nbconvert, jupyter_client, nbformat").Run(); err == nil {
			return c, nil
		}
	}
	return pythonJupyter{}, errNoJupyter
}

// dataDir is the local data directory: $MEDGO_DATA, else ../shared/data beside the checkout.
func dataDir(root string) (dir, source string) {
	if d := os.Getenv("MEDGO_DATA"); d != "" {
		return d, "MEDGO_DATA"
	}
	d := filepath.Join(filepath.Dir(root), "shared", "data")
	if st, err := os.Stat(d); err == nil && st.IsDir() {
		return d, "beside the checkout"
	}
	return "", ""
}
