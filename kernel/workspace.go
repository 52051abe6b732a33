// SPDX-License-Identifier: Apache-2.0

package main

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
)

// Notebook cells build in a Go workspace that GoNB makes for each kernel: a module of its own
// plus this checkout (-go_work), with GOPROXY=off. Workspace mode needs the go.mod of every
// module in the build list, including modules the default build never downloads (go-xla is
// only used with -tags xla), so a pre-build in module mode can leave the module cache short of
// what the first cell needs. medgo install downloads the whole build list, then proves a cell
// resolves offline with cellWorkspaceCheck; medgo doctor runs the same check.

// cellBuildTags are the build-tag sets a cell may be compiled with: the default build and each
// optional backend. A cache complete for all of them never makes a cell reach the network.
var cellBuildTags = []string{"", "xla", "onnx"}

// downloadModules fills the module cache with every module go.mod requires, optional backends
// included (go mod download with no arguments: the whole build list of a pruned module graph),
// and with the go.mod files of the whole module graph (go list -m all): go doc, which the
// kernel's documentation lookups use, loads that graph and fails offline without them, though
// builds never need them. A warm cache hid this; a new machine's does not.
func downloadModules(root, goBin string) error {
	if err := runIn(root, nil, goBin, "mod", "download"); err != nil {
		return err
	}
	return runIn(root, nil, goBin, "list", "-m", "all")
}

// cellWorkspaceCheck builds, in a temporary directory, the workspace GoNB builds for a
// notebook (go mod init, go work use of the checkout, a replace rule for it), writes a cell
// that imports every mlkit package and GoNB's display package, and runs what GoNB runs before
// compiling it (go get) and go list -deps, with the kernel's environment (GOPROXY=off). The
// error names the first module the cache lacks and the command that fixes it.
func cellWorkspaceCheck(root, goBin string, kernel map[string]string) error {
	pkgs, err := mlkitPackages(root)
	if err != nil {
		return err
	}
	var cell strings.Builder
	cell.WriteString("package main\n\nimport (\n")
	for _, p := range append(pkgs, gonbPackage+"/gonbui") {
		fmt.Fprintf(&cell, "\t_ %q\n", p)
	}
	cell.WriteString(")\n\nfunc main() {}\n")
	ws, err := newCellWorkspace(root, goBin, kernel, "medgo_cell_check", cell.String())
	if err != nil {
		return err
	}
	defer ws.remove()
	for _, tags := range cellBuildTags {
		args := []string{"list", "-deps"}
		if tags != "" {
			args = append(args, "-tags", tags)
		}
		if _, err := ws.run(append(args, ".")...); err != nil {
			return err
		}
	}
	return nil
}

// cellWorkspace is a temporary module built the way GoNB builds a notebook's: the
// checkout in its Go workspace, and a main.go that uses mlkit as a cell would.
type cellWorkspace struct {
	dir, root, goBin string
	env              []string
}

// newCellWorkspace creates the workspace GoNB builds for a notebook (go mod init, go work
// use of the checkout, a replace rule for it), writes mainGo and runs what GoNB runs before
// compiling (go get), all with the kernel's environment (GOPROXY=off).
func newCellWorkspace(root, goBin string, kernel map[string]string, module, mainGo string) (*cellWorkspace, error) {
	dir, err := os.MkdirTemp("", "medgo-cell-*")
	if err != nil {
		return nil, err
	}
	ws := &cellWorkspace{dir: dir, root: root, goBin: goBin, env: mergeEnv(os.Environ(), kernel)}
	if err := ws.init(module, mainGo); err != nil {
		ws.remove()
		return nil, err
	}
	return ws, nil
}

func (ws *cellWorkspace) init(module, mainGo string) error {
	if _, err := ws.run("mod", "init", module); err != nil {
		return err
	}
	if _, err := ws.run("work", "init"); err != nil {
		return err
	}
	if _, err := ws.run("work", "use", ".", ws.root); err != nil {
		return err
	}
	// GoNB's %goworkfix adds this rule, so that go get never looks the checkout's module up.
	gomod := filepath.Join(ws.dir, "go.mod")
	f, err := os.OpenFile(gomod, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(f, "\nreplace %s => %s\n", modulePath, ws.root)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(ws.dir, "main.go"), []byte(mainGo), 0o644); err != nil {
		return err
	}
	_, err = ws.run("get")
	return err
}

// run runs the go command in the workspace and returns its combined output; a failure is
// explained by cellCheckError.
func (ws *cellWorkspace) run(args ...string) (string, error) {
	cmd := exec.Command(ws.goBin, args...)
	cmd.Dir, cmd.Env = ws.dir, ws.env
	var buf bytes.Buffer
	cmd.Stdout, cmd.Stderr = &buf, &buf
	if err := cmd.Run(); err != nil {
		return buf.String(), cellCheckError(ws.root, "go "+strings.Join(args, " "), buf.String())
	}
	return buf.String(), nil
}

func (ws *cellWorkspace) remove() { os.RemoveAll(ws.dir) }

// mlkitPackages lists the checkout's mlkit packages, as cells import them: every directory
// under mlkit/ with a non-test Go file, but internal ones. It reads the tree, not go list, which would need the
// very modules the check is about.
func mlkitPackages(root string) ([]string, error) {
	seen := map[string]bool{}
	err := filepath.WalkDir(filepath.Join(root, "mlkit"), func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			// Cells cannot import internal packages (Go's rule), so they are not checked.
			if name == "testdata" || name == "internal" || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") {
				return filepath.SkipDir
			}
			return nil
		}
		if strings.HasSuffix(name, ".go") && !strings.HasSuffix(name, "_test.go") {
			rel, err := filepath.Rel(root, filepath.Dir(path))
			if err != nil {
				return err
			}
			seen[modulePath+"/"+filepath.ToSlash(rel)] = true
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("listing mlkit's packages in %s: %w", root, err)
	}
	pkgs := make([]string, 0, len(seen))
	for p := range seen {
		pkgs = append(pkgs, p)
	}
	sort.Strings(pkgs)
	if len(pkgs) == 0 {
		return nil, fmt.Errorf("no Go packages under %s", filepath.Join(root, "mlkit"))
	}
	return pkgs, nil
}

// missingModule matches go's complaint about a module absent from the cache with GOPROXY=off.
var missingModule = regexp.MustCompile(`(\S+@v\S+?):? module lookup disabled by GOPROXY=off|module (\S+): .*GOPROXY=off`)

// cellCheckError turns a failed workspace command into an error that says which module is
// missing and how to get it.
func cellCheckError(root, command, output string) error {
	output = strings.TrimSpace(output)
	var mods []string
	seen := map[string]bool{}
	for _, m := range missingModule.FindAllStringSubmatch(output, -1) {
		mod := m[1]
		if mod == "" {
			mod = m[2]
		}
		if !seen[mod] {
			seen[mod] = true
			mods = append(mods, mod)
		}
	}
	sort.Strings(mods)
	if len(mods) == 0 {
		return fmt.Errorf("a notebook cell's workspace does not build offline (%s failed):\n%s", command, tail(output, 2000))
	}
	return fmt.Errorf("notebook cells build with GOPROXY=off, and the Go module cache lacks %s (%s failed).\n"+
		"Fix: cd %s && go mod download && bin/medgo install\n%s",
		strings.Join(mods, ", "), command, root, tail(output, 2000))
}

// mergeEnv returns base with the variables of over set (replacing any earlier values).
func mergeEnv(base []string, over map[string]string) []string {
	env := make([]string, 0, len(base)+len(over))
	for _, kv := range base {
		k, _, _ := strings.Cut(kv, "=")
		if _, ok := over[k]; !ok {
			env = append(env, kv)
		}
	}
	keys := make([]string, 0, len(over))
	for k := range over {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		env = append(env, k+"="+over[k])
	}
	return env
}
