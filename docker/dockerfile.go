// SPDX-License-Identifier: Apache-2.0

package docker

import (
	"bufio"
	"bytes"
	"fmt"
	"maps"
	"path"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/moby/buildkit/frontend/dockerfile/shell"

	"github.com/medgo-lab/medgo/mlkit/backend"
)

// Instruction is one Dockerfile instruction as written.
type Instruction struct {
	Cmd   string   // lower case: "from", "run", "user", ...
	Args  []string // arguments, variables not expanded (ENV and LABEL: name, value, name, value...)
	Flags []string // flags such as --chown=1000:100
	JSON  bool     // exec (JSON array) form
	Line  int      // first line in the Dockerfile
	Text  string   // the instruction's text after line continuations are joined
	// Script is what a RUN hands to the shell: the command line (JSON form: the words joined
	// by spaces) followed by any heredoc bodies.
	Script string
}

// Stage is one build stage: its FROM line and the instructions after it.
type Stage struct {
	From         Instruction
	Name         string // the "AS name", lower case; empty when unnamed
	Instructions []Instruction
}

// Dockerfile is a parsed Dockerfile.
type Dockerfile struct {
	Source   []byte
	MetaArgs map[string]string // ARGs before the first FROM, with their defaults
	Stages   []Stage
}

// BaseImageEnv holds the variables the Jupyter docker-stacks base images define, so that
// instructions such as USER ${NB_UID} can be resolved without pulling the image.
var BaseImageEnv = map[string]string{
	"NB_USER":   "jovyan",
	"NB_UID":    "1000",
	"NB_GID":    "100",
	"HOME":      "/home/jovyan",
	"CONDA_DIR": "/opt/conda",
	"SHELL":     "/bin/bash",
	"PATH":      "/opt/conda/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
}

// Parse reads a Dockerfile with BuildKit's parser.
func Parse(src []byte) (*Dockerfile, error) {
	res, err := parser.Parse(bytes.NewReader(src))
	if err != nil {
		return nil, fmt.Errorf("Dockerfile does not parse: %w", err)
	}
	df := &Dockerfile{Source: src, MetaArgs: map[string]string{}}
	for _, n := range res.AST.Children {
		in := Instruction{
			Cmd:   strings.ToLower(n.Value),
			Flags: n.Flags,
			JSON:  n.Attributes["json"],
			Line:  n.StartLine,
			Text:  n.Original,
		}
		for a := n.Next; a != nil; a = a.Next {
			in.Args = append(in.Args, a.Value)
		}
		if in.Cmd == "env" || in.Cmd == "label" {
			in.Args = nameValues(in.Args)
		}
		in.Script = strings.Join(in.Args, " ")
		for _, h := range n.Heredocs {
			in.Text += "\n" + h.Content
			in.Script += "\n" + h.Content
		}
		switch {
		case in.Cmd == "from":
			st := Stage{From: in}
			if len(in.Args) == 3 && strings.EqualFold(in.Args[1], "as") {
				st.Name = strings.ToLower(in.Args[2])
			}
			df.Stages = append(df.Stages, st)
		case len(df.Stages) == 0:
			if in.Cmd != "arg" {
				return nil, fmt.Errorf("Dockerfile:%d: %s before the first FROM; only ARG may come first", in.Line, strings.ToUpper(in.Cmd))
			}
			for _, a := range in.Args {
				name, value, _ := strings.Cut(a, "=")
				df.MetaArgs[name] = unquote(value)
			}
		default:
			last := &df.Stages[len(df.Stages)-1]
			last.Instructions = append(last.Instructions, in)
		}
	}
	if len(df.Stages) == 0 {
		return nil, fmt.Errorf("Dockerfile has no FROM instruction")
	}
	return df, nil
}

// nameValues turns the parser's ENV/LABEL triples (name, value, "=") into name, value pairs.
func nameValues(args []string) []string {
	var out []string
	for i := 0; i+1 < len(args); i += 3 {
		out = append(out, args[i], args[i+1])
	}
	return out
}

func unquote(s string) string {
	if len(s) >= 2 && (s[0] == '"' && s[len(s)-1] == '"' || s[0] == '\'' && s[len(s)-1] == '\'') {
		return s[1 : len(s)-1]
	}
	return s
}

// Final returns the last stage: the image that is shipped.
func (df *Dockerfile) Final() *Stage { return &df.Stages[len(df.Stages)-1] }

// vars is the variable scope at one point of a stage: ENV wins over ARG, as in Docker.
type vars struct{ env, args map[string]string }

func (v vars) Get(k string) (string, bool) {
	if s, ok := v.env[k]; ok {
		return s, true
	}
	s, ok := v.args[k]
	return s, ok
}

func (v vars) Keys() []string {
	keys := slices.Collect(maps.Keys(v.env))
	for k := range v.args {
		if _, ok := v.env[k]; !ok {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	return keys
}

// scope returns the variables visible to instruction i of stage s.
func (df *Dockerfile) scope(s *Stage, i int) vars {
	v := vars{env: maps.Clone(BaseImageEnv), args: map[string]string{}}
	lex := shell.NewLex('\\')
	for _, in := range s.Instructions[:i] {
		switch in.Cmd {
		case "arg":
			for _, a := range in.Args {
				name, value, hasValue := strings.Cut(a, "=")
				if !hasValue {
					value = df.MetaArgs[name]
				} else if x, _, err := lex.ProcessWord(value, v); err == nil {
					value = x
				}
				v.args[name] = value
			}
		case "env":
			for j := 0; j+1 < len(in.Args); j += 2 {
				value := in.Args[j+1]
				if x, _, err := lex.ProcessWord(value, v); err == nil {
					value = x
				}
				v.env[in.Args[j]] = value
			}
		}
	}
	return v
}

// expand resolves variables in word as Docker would at instruction i of stage s (i ==
// len(s.Instructions) means after the last one). It fails on variables that are not defined.
func (df *Dockerfile) expand(s *Stage, i int, word string) (string, error) {
	res, err := shell.NewLex('\\').ProcessWordWithMatches(word, df.scope(s, i))
	if err != nil {
		return "", err
	}
	if len(res.Unmatched) > 0 {
		return "", fmt.Errorf("%q uses undefined variable(s) %s", word, strings.Join(slicesOfSet(res.Unmatched), ", "))
	}
	return res.Result, nil
}

func slicesOfSet(m map[string]struct{}) []string {
	var out []string
	for k := range m {
		out = append(out, "${"+k+"}")
	}
	sort.Strings(out)
	return out
}

// last returns the index of the last instruction cmd in the stage, or -1.
func (s *Stage) last(cmd string) int {
	for i := len(s.Instructions) - 1; i >= 0; i-- {
		if s.Instructions[i].Cmd == cmd {
			return i
		}
	}
	return -1
}

// Rule is one requirement on the MedGo Dockerfile.
type Rule struct {
	Name  string
	Doc   string
	Check func(df *Dockerfile) error
}

// Rules returns the requirements the MedGo image's Dockerfile must meet; goVersion is the
// version in go.mod's "go" line (see [GoVersion]).
func Rules(goVersion string) []Rule {
	return []Rule{
		{"base-pinned", "every FROM names its base image by a tag other than latest, or by digest", checkBasePinned},
		{"go-version", "the Go archive downloaded is go" + goVersion + ", the version in go.mod", func(df *Dockerfile) error { return checkGoVersion(df, goVersion) }},
		{"go-checksum", "the Go archive's SHA-256 is checked (sha256sum -c) after the download and before unpacking", checkGoChecksum},
		{"non-root-user", "the final USER is neither root nor uid 0", checkNonRootUser},
		{"expose-8888", "the final stage EXPOSEs port 8888", checkExpose8888},
		{"healthcheck", "the final stage has a HEALTHCHECK", checkHealthcheck},
		{"tini-entrypoint", "the ENTRYPOINT runs tini as init", checkTini},
		{"medgo-install", "the kernel is installed by running medgo install", checkMedgoInstall},
		{"onnx-runtime", "ONNX Runtime " + backend.ONNXRuntimeVersion + " comes from the npm registry's onnxruntime-node tarball, its library's SHA-256 is the one MedGo pins and is checked (sha256sum -c) before it is installed, and the final stage sets " + backend.ONNXRuntimeLibEnv, checkONNXRuntime},
		{"no-latest", `the word "latest" appears nowhere`, checkNoLatest},
	}
}

// Check applies rules to df and returns one error per violated rule, each naming the rule.
func Check(df *Dockerfile, rules []Rule) []error {
	var errs []error
	for _, r := range rules {
		if err := r.Check(df); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", r.Name, err))
		}
	}
	return errs
}

// GoVersion returns the version in go.mod's "go" line.
func GoVersion(goMod []byte) (string, error) {
	sc := bufio.NewScanner(bytes.NewReader(goMod))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) >= 2 && f[0] == "go" {
			return f[1], nil
		}
	}
	return "", fmt.Errorf("go.mod has no \"go\" line; add one such as \"go 1.26.8\"")
}

var digestRe = regexp.MustCompile(`@sha256:[0-9a-f]{64}$`)

func checkBasePinned(df *Dockerfile) error {
	stages := map[string]bool{}
	meta := vars{env: map[string]string{}, args: df.MetaArgs}
	for _, st := range df.Stages {
		in := st.From
		var ref string
		for _, a := range in.Args {
			if !strings.HasPrefix(a, "--") {
				ref = a
				break
			}
		}
		res, err := shell.NewLex('\\').ProcessWordWithMatches(ref, meta)
		if err != nil {
			return fmt.Errorf("Dockerfile:%d: FROM %s: %v", in.Line, ref, err)
		}
		if len(res.Unmatched) > 0 {
			return fmt.Errorf("Dockerfile:%d: FROM %s uses %s without a default; declare it with ARG NAME=image:tag before the first FROM",
				in.Line, ref, strings.Join(slicesOfSet(res.Unmatched), ", "))
		}
		image := res.Result
		switch {
		case image == "":
			return fmt.Errorf("Dockerfile:%d: FROM %s resolves to an empty image name", in.Line, ref)
		case stages[strings.ToLower(image)] || image == "scratch":
			// An earlier stage or the empty image: nothing to pin.
		case strings.Contains(image, "@"):
			if !digestRe.MatchString(image) {
				return fmt.Errorf("Dockerfile:%d: base image %q has a malformed digest; use @sha256:<64 hex digits>", in.Line, image)
			}
		default:
			name := image[strings.LastIndex(image, "/")+1:]
			_, tag, hasTag := strings.Cut(name, ":")
			if !hasTag || tag == "" {
				return fmt.Errorf("Dockerfile:%d: base image %q has no tag; pin it, e.g. %s:2026-07-28 or @sha256:<digest>", in.Line, image, image)
			}
			if strings.EqualFold(tag, "latest") {
				return fmt.Errorf("Dockerfile:%d: base image %q uses the moving tag latest; pin a dated tag or a digest", in.Line, image)
			}
		}
		if st.Name != "" {
			stages[st.Name] = true
		}
	}
	return nil
}

// goURLRe finds an official Go archive URL; group 1 is the version part as written.
var goURLRe = regexp.MustCompile(`(?:https?://)?(?:go\.dev/dl|dl\.google\.com/go|golang\.org/dl)/go([^/\s"']+?)\.linux-`)

// findRun returns the first RUN whose script matches re, with its stage and index; st is nil
// when there is none.
func (df *Dockerfile) findRun(re *regexp.Regexp) (st *Stage, i int) {
	for si := range df.Stages {
		for k, in := range df.Stages[si].Instructions {
			if in.Cmd == "run" && re.MatchString(in.Script) {
				return &df.Stages[si], k
			}
		}
	}
	return nil, 0
}

// verifyOrder finds, among a RUN script's simple commands, the first that downloads (matches
// download), the first "sha256sum -c", and the first that uses the file (named one of use);
// each is -1 when absent.
func verifyOrder(script string, download *regexp.Regexp, use ...string) (fetch, check, used int) {
	fetch, check, used = -1, -1, -1
	for k, argv := range simpleCommands(script) {
		name := path.Base(argv[0])
		switch {
		case fetch < 0 && download.MatchString(strings.Join(argv, " ")):
			fetch = k
		case check < 0 && name == "sha256sum" && hasCheckFlag(argv[1:]):
			check = k
		case used < 0 && slices.Contains(use, name):
			used = k
		}
	}
	return fetch, check, used
}

// goDownload returns the stage, instruction index and expanded version of the RUN that
// downloads the Go archive.
func (df *Dockerfile) goDownload() (*Stage, int, string, error) {
	st, i := df.findRun(goURLRe)
	if st == nil {
		return nil, 0, "", fmt.Errorf("no RUN downloads an official Go archive (https://go.dev/dl/go<version>.linux-<arch>.tar.gz)")
	}
	in := st.Instructions[i]
	v, err := df.expand(st, i, goURLRe.FindStringSubmatch(in.Script)[1])
	if err != nil {
		return nil, 0, "", fmt.Errorf("Dockerfile:%d: Go archive version %v", in.Line, err)
	}
	return st, i, v, nil
}

func checkGoVersion(df *Dockerfile, want string) error {
	st, i, got, err := df.goDownload()
	if err != nil {
		return err
	}
	if got != want {
		return fmt.Errorf("Dockerfile:%d: downloads go%s but go.mod says go %s; set ARG GO_VERSION=%s",
			st.Instructions[i].Line, got, want, want)
	}
	return nil
}

var hex64Re = regexp.MustCompile(`^[0-9a-f]{64}$`)

func checkGoChecksum(df *Dockerfile) error {
	st, i, _, err := df.goDownload()
	if err != nil {
		return err
	}
	in := st.Instructions[i]
	download, check, unpack := verifyOrder(in.Script, goURLRe, "tar")
	switch {
	case check < 0:
		return fmt.Errorf("Dockerfile:%d: the Go archive is downloaded but its checksum is never verified; add: echo \"${GO_SHA256}  go.tar.gz\" | sha256sum -c -", in.Line)
	case check < download:
		return fmt.Errorf("Dockerfile:%d: sha256sum -c runs before the Go archive is downloaded", in.Line)
	case unpack >= 0 && unpack < check:
		return fmt.Errorf("Dockerfile:%d: the Go archive is unpacked before its checksum is verified", in.Line)
	case !strings.Contains(in.Script, "GO_SHA256"):
		return fmt.Errorf("Dockerfile:%d: the checksum check does not use the GO_SHA256 build argument", in.Line)
	}
	sum, err := df.expand(st, i, "${GO_SHA256}")
	if err != nil {
		return fmt.Errorf("Dockerfile:%d: GO_SHA256 is not declared; add ARG GO_SHA256=<sha256 from https://go.dev/dl/>", in.Line)
	}
	if sum != "" && !hex64Re.MatchString(sum) {
		return fmt.Errorf("Dockerfile: ARG GO_SHA256=%q is not 64 lower-case hex digits", sum)
	}
	return nil
}

func hasCheckFlag(args []string) bool {
	for _, a := range args {
		if a == "--check" || (strings.HasPrefix(a, "-") && !strings.HasPrefix(a, "--") && strings.Contains(a, "c")) {
			return true
		}
	}
	return false
}

func checkNonRootUser(df *Dockerfile) error {
	st := df.Final()
	i := st.last("user")
	if i < 0 {
		return fmt.Errorf("the final stage (line %d) never sets USER; end with USER ${NB_UID} so the server does not run as root", st.From.Line)
	}
	in := st.Instructions[i]
	if len(in.Args) == 0 {
		return fmt.Errorf("Dockerfile:%d: USER has no argument", in.Line)
	}
	u, err := df.expand(st, i, in.Args[0])
	if err != nil {
		return fmt.Errorf("Dockerfile:%d: USER %v", in.Line, err)
	}
	user, _, _ := strings.Cut(u, ":")
	if user == "" {
		return fmt.Errorf("Dockerfile:%d: USER %q resolves to an empty user name", in.Line, in.Args[0])
	}
	if user == "root" {
		return fmt.Errorf("Dockerfile:%d: the final USER is root; switch back to the notebook user (USER ${NB_UID})", in.Line)
	}
	if n, err := strconv.Atoi(user); err == nil && n == 0 {
		return fmt.Errorf("Dockerfile:%d: the final USER is uid 0 (root); switch back to the notebook user (USER ${NB_UID})", in.Line)
	}
	return nil
}

func checkExpose8888(df *Dockerfile) error {
	st := df.Final()
	for i, in := range st.Instructions {
		if in.Cmd != "expose" {
			continue
		}
		for _, a := range in.Args {
			p, err := df.expand(st, i, a)
			if err != nil {
				return fmt.Errorf("Dockerfile:%d: EXPOSE %v", in.Line, err)
			}
			if p == "8888" || p == "8888/tcp" {
				return nil
			}
		}
	}
	return fmt.Errorf("the final stage does not EXPOSE 8888, the port Jupyter listens on")
}

func checkHealthcheck(df *Dockerfile) error {
	st := df.Final()
	i := st.last("healthcheck")
	if i < 0 {
		return fmt.Errorf("the final stage has no HEALTHCHECK; add HEALTHCHECK CMD [\"/usr/local/bin/medgo-healthcheck\"]")
	}
	in := st.Instructions[i]
	if len(in.Args) == 0 || strings.EqualFold(in.Args[0], "none") {
		return fmt.Errorf("Dockerfile:%d: HEALTHCHECK NONE switches the health check off", in.Line)
	}
	return nil
}

func checkTini(df *Dockerfile) error {
	st := df.Final()
	i := st.last("entrypoint")
	if i < 0 {
		return fmt.Errorf("the final stage has no ENTRYPOINT; add ENTRYPOINT [\"tini\", \"-g\", \"--\"]")
	}
	in := st.Instructions[i]
	var first string
	if in.JSON {
		if len(in.Args) > 0 {
			first = in.Args[0]
		}
	} else if len(in.Args) > 0 {
		if f := strings.Fields(in.Args[0]); len(f) > 0 {
			first = f[0]
		}
	}
	if b := path.Base(first); b != "tini" && b != "tini-static" {
		return fmt.Errorf("Dockerfile:%d: ENTRYPOINT starts %q, not tini; Jupyter's kernels need an init that reaps them: ENTRYPOINT [\"tini\", \"-g\", \"--\"]", in.Line, first)
	}
	return nil
}

func checkMedgoInstall(df *Dockerfile) error {
	st := df.Final()
	for _, in := range st.Instructions {
		if in.Cmd != "run" {
			continue
		}
		for _, argv := range simpleCommands(in.Script) {
			if len(argv) >= 2 && path.Base(argv[0]) == "medgo" && argv[1] == "install" {
				return nil
			}
		}
	}
	return fmt.Errorf("no RUN in the final stage runs \"medgo install\"; the kernel must be installed the project's own way")
}

// ortURLRe finds the npm registry's onnxruntime-node tarball; group 1 is the version as written.
var ortURLRe = regexp.MustCompile(`registry\.npmjs\.org/onnxruntime-node/-/onnxruntime-node-([^/\s"']+?)\.tgz`)

func checkONNXRuntime(df *Dockerfile) error {
	st, i := df.findRun(ortURLRe)
	if st == nil {
		return fmt.Errorf("no RUN downloads https://registry.npmjs.org/onnxruntime-node/-/onnxruntime-node-%s.tgz; the image's default engine needs its library", backend.ONNXRuntimeVersion)
	}
	in := st.Instructions[i]
	v, err := df.expand(st, i, ortURLRe.FindStringSubmatch(in.Script)[1])
	if err != nil {
		return fmt.Errorf("Dockerfile:%d: onnxruntime-node version %v", in.Line, err)
	}
	if v != backend.ONNXRuntimeVersion {
		return fmt.Errorf("Dockerfile:%d: downloads onnxruntime-node %s but MedGo pins ONNX Runtime %s; set ARG ORT_VERSION=%s", in.Line, v, backend.ONNXRuntimeVersion, backend.ONNXRuntimeVersion)
	}
	download, check, install := verifyOrder(in.Script, ortURLRe, "install", "cp", "mv")
	switch {
	case check < 0 || check < download:
		return fmt.Errorf("Dockerfile:%d: the ONNX Runtime library's checksum is not verified after the download; add: echo \"${ORT_SHA256}  <library>\" | sha256sum -c -", in.Line)
	case install >= 0 && install < check:
		return fmt.Errorf("Dockerfile:%d: the ONNX Runtime library is installed before its checksum is verified", in.Line)
	case !strings.Contains(in.Script, "ORT_SHA256"):
		return fmt.Errorf("Dockerfile:%d: the checksum check does not use the ORT_SHA256 build argument", in.Line)
	}
	sum, err := df.expand(st, i, "${ORT_SHA256}")
	if err != nil || sum != backend.ONNXRuntimeLinuxAMD64SHA256 {
		return fmt.Errorf("Dockerfile: ARG ORT_SHA256=%q is not the SHA-256 MedGo pins for ONNX Runtime %s (linux/amd64): %s", sum, backend.ONNXRuntimeVersion, backend.ONNXRuntimeLinuxAMD64SHA256)
	}
	final := df.Final()
	if lib, err := df.expand(final, len(final.Instructions), "${"+backend.ONNXRuntimeLibEnv+"}"); err != nil || lib == "" {
		return fmt.Errorf("the final stage does not set ENV %s to the installed library; medgo install and mlkit look for it there", backend.ONNXRuntimeLibEnv)
	}
	return nil
}

var latestRe = regexp.MustCompile(`(?i)\blatest\b`)

func checkNoLatest(df *Dockerfile) error {
	sc := bufio.NewScanner(bytes.NewReader(df.Source))
	for line := 1; sc.Scan(); line++ {
		if latestRe.MatchString(sc.Text()) {
			return fmt.Errorf("Dockerfile:%d: mentions \"latest\"; every version must be pinned: %s", line, strings.TrimSpace(sc.Text()))
		}
	}
	return nil
}

// shellKeywords may start a simple command without being the command itself.
var shellKeywords = map[string]bool{
	"if": true, "then": true, "else": true, "elif": true, "fi": true, "do": true, "done": true,
	"while": true, "until": true, "!": true, "{": true, "}": true, "exec": true, "time": true,
}

var assignRe = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*=`)

// simpleCommands splits a shell script into its simple commands, each as argv with quotes
// removed. It separates on ; & | newlines and parentheses outside quotes, and drops leading
// keywords (if, then, do...) and variable assignments. It is a reader for Dockerfile RUN
// lines, not a shell: it does not expand anything.
func simpleCommands(script string) [][]string {
	var cmds [][]string
	var words []string
	var cur strings.Builder
	inWord := false
	var quote rune
	endWord := func() {
		if inWord {
			words = append(words, cur.String())
			cur.Reset()
			inWord = false
		}
	}
	endCmd := func() {
		endWord()
		for len(words) > 0 && (shellKeywords[words[0]] || assignRe.MatchString(words[0])) {
			words = words[1:]
		}
		if len(words) > 0 {
			cmds = append(cmds, words)
		}
		words = nil
	}
	rs := []rune(script)
	for k := 0; k < len(rs); k++ {
		r := rs[k]
		switch {
		case quote != 0:
			if r == quote {
				quote = 0
			} else if r == '\\' && quote == '"' && k+1 < len(rs) {
				k++
				cur.WriteRune(rs[k])
			} else {
				cur.WriteRune(r)
			}
		case r == '\'' || r == '"':
			quote, inWord = r, true
		case r == '\\' && k+1 < len(rs):
			k++
			if rs[k] != '\n' {
				cur.WriteRune(rs[k])
				inWord = true
			}
		case r == ';' || r == '&' || r == '|' || r == '\n' || r == '(' || r == ')':
			endCmd()
		case r == ' ' || r == '\t':
			endWord()
		case r == '#' && !inWord:
			for k < len(rs) && rs[k] != '\n' {
				k++
			}
			endCmd()
		default:
			cur.WriteRune(r)
			inWord = true
		}
	}
	endCmd()
	return cmds
}
