// SPDX-License-Identifier: Apache-2.0

package docker

import (
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
)

func readRepoFile(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", name))
	if err != nil {
		t.Fatalf("reading %s from the repository root: %v", name, err)
	}
	return b
}

// TestRepositoryDockerfile applies every rule to the Dockerfile at the repository root.
func TestRepositoryDockerfile(t *testing.T) {
	goVersion, err := GoVersion(readRepoFile(t, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	df, err := Parse(readRepoFile(t, "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range Rules(goVersion) {
		t.Run(r.Name, func(t *testing.T) {
			if err := r.Check(df); err != nil {
				t.Errorf("%s (%s): %v", r.Name, r.Doc, err)
			}
		})
	}
}

// TestRepositoryDockerfileMutations breaks the real Dockerfile in one place at a time and
// expects exactly the matching rule to notice, so the passing run above means something.
func TestRepositoryDockerfileMutations(t *testing.T) {
	src := string(readRepoFile(t, "Dockerfile"))
	goVersion, err := GoVersion(readRepoFile(t, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ rule, old, new string }{
		{"base-pinned", "base-notebook:2026-07-28", "base-notebook"},
		{"go-version", "ARG GO_VERSION=" + goVersion, "ARG GO_VERSION=1.0.1"},
		{"go-checksum", `/tmp/go.tar.gz" | sha256sum -c -`, `/tmp/go.tar.gz" | sha256sum`},
		{"non-root-user", "USER ${NB_UID}\nWORKDIR /opt/medgo", "USER root\nWORKDIR /opt/medgo"},
		{"expose-8888", "EXPOSE 8888", "EXPOSE 8080"},
		{"healthcheck", "HEALTHCHECK --interval", "# HEALTHCHECK --interval"},
		{"tini-entrypoint", `ENTRYPOINT ["tini", "-g", "--"]`, `ENTRYPOINT ["medgo-start"]`},
		{"medgo-install", "bin/medgo install --onnx=false; \\\n    elif [ \"${WITH_ONNX}\" = \"1\" ]; then bin/medgo install --onnx; \\\n    else bin/medgo install --onnx=false; fi", "bin/medgo doctor; \\\n    else bin/medgo doctor; fi"},
		{"onnx-runtime", "ARG ORT_SHA256=ffb75a925ba05e47", "ARG ORT_SHA256=0fb75a925ba05e47"},
		{"no-latest", "ARG XLA_VERSION=", "ARG XLA_VERSION=latest"},
	}
	for _, tt := range tests {
		t.Run(tt.rule, func(t *testing.T) {
			if strings.Count(src, tt.old) != 1 {
				t.Fatalf("%q occurs %d times in the Dockerfile, want once", tt.old, strings.Count(src, tt.old))
			}
			df, err := Parse([]byte(strings.Replace(src, tt.old, tt.new, 1)))
			if err != nil {
				t.Fatal(err)
			}
			var failed []string
			for _, err := range Check(df, Rules(goVersion)) {
				name, _, _ := strings.Cut(err.Error(), ":")
				failed = append(failed, name)
			}
			if !reflect.DeepEqual(failed, []string{tt.rule}) {
				t.Errorf("replacing %q by %q: failing rules = %q, want only %s", tt.old, tt.new, failed, tt.rule)
			}
		})
	}
}

// goodDockerfile meets every rule with Go 1.26.8; the negative cases below each break one.
const goodDockerfile = `ARG BASE=quay.io/jupyter/base-notebook:2026-07-28
FROM ${BASE}
ARG GO_VERSION=1.26.8
ARG GO_SHA256=d0f743b33e8d8945e6b1f432edd15785c70507121d6e2a723b21285eddf8b57b
USER root
RUN wget -O /tmp/go.tgz "https://go.dev/dl/go${GO_VERSION}.linux-amd64.tar.gz" && \
    echo "${GO_SHA256}  /tmp/go.tgz" | sha256sum -c - && \
    tar -C /usr/local -xzf /tmp/go.tgz
ARG ORT_VERSION=1.30.0
ARG ORT_SHA256=ffb75a925ba05e47b235bb66e3e3911714a80b328a9c9425539feb204aa32a23
RUN wget -O /tmp/ort.tgz "https://registry.npmjs.org/onnxruntime-node/-/onnxruntime-node-${ORT_VERSION}.tgz" && \
    tar -xzf /tmp/ort.tgz -C /tmp package/bin/napi-v6/linux/x64/libonnxruntime.so.1 && \
    echo "${ORT_SHA256}  /tmp/package/bin/napi-v6/linux/x64/libonnxruntime.so.1" | sha256sum -c - && \
    install -D /tmp/package/bin/napi-v6/linux/x64/libonnxruntime.so.1 /usr/local/lib/medgo/libonnxruntime.so.1
ENV MEDGO_ONNXRUNTIME_LIB=/usr/local/lib/medgo/libonnxruntime.so.1
USER ${NB_UID}
RUN go build -o bin/medgo ./kernel && bin/medgo install
EXPOSE 8888
HEALTHCHECK CMD ["/usr/local/bin/medgo-healthcheck"]
ENTRYPOINT ["tini", "-g", "--"]
CMD ["medgo-start"]
`

const testGoVersion = "1.26.8"

func ruleByName(t *testing.T, name string) Rule {
	t.Helper()
	for _, r := range Rules(testGoVersion) {
		if r.Name == name {
			return r
		}
	}
	t.Fatalf("no rule named %q", name)
	return Rule{}
}

// edit returns goodDockerfile with old replaced by new, failing when old is not there.
func edit(t *testing.T, old, new string) string {
	t.Helper()
	if !strings.Contains(goodDockerfile, old) {
		t.Fatalf("test bug: %q is not in goodDockerfile", old)
	}
	return strings.Replace(goodDockerfile, old, new, 1)
}

func TestGoodDockerfilePassesEveryRule(t *testing.T) {
	df, err := Parse([]byte(goodDockerfile))
	if err != nil {
		t.Fatal(err)
	}
	if errs := Check(df, Rules(testGoVersion)); len(errs) > 0 {
		t.Fatalf("goodDockerfile fails: %v", errs)
	}
}

func TestRulesRejectBadDockerfiles(t *testing.T) {
	type tc struct {
		rule, name, dockerfile, wantErr string
	}
	const sha = `echo "${GO_SHA256}  /tmp/go.tgz" | sha256sum -c - && \`
	tests := []tc{
		{"base-pinned", "untagged", edit(t, "base-notebook:2026-07-28", "base-notebook"), "has no tag"},
		{"base-pinned", "latest tag", edit(t, "base-notebook:2026-07-28", "base-notebook:latest"), "moving tag latest"},
		{"base-pinned", "undefined variable", edit(t, "FROM ${BASE}", "FROM ${IMAGE}"), "without a default"},
		{"base-pinned", "untagged builder stage", edit(t, "FROM ${BASE}\n", "FROM golang AS build\nRUN true\nFROM ${BASE}\n"), "has no tag"},
		{"base-pinned", "registry port is not a tag", edit(t, "quay.io/jupyter/base-notebook:2026-07-28", "localhost:5000/jupyter/base-notebook"), "has no tag"},
		{"base-pinned", "bad digest", edit(t, "base-notebook:2026-07-28", "base-notebook@sha256:1234"), "malformed digest"},

		{"go-version", "older Go", edit(t, "GO_VERSION=1.26.8", "GO_VERSION=1.25.0"), "go.mod says go 1.26.8"},
		{"go-version", "hard-coded other version", edit(t, "go${GO_VERSION}.linux", "go1.26.7.linux"), "downloads go1.26.7"},
		{"go-version", "no Go download", edit(t, "https://go.dev/dl/go${GO_VERSION}.linux-amd64.tar.gz", "https://example.com/go.tgz"), "no RUN downloads"},
		{"go-version", "undefined version variable", edit(t, "ARG GO_VERSION=1.26.8\n", ""), "undefined variable"},

		{"go-checksum", "no check", edit(t, sha, `\`), "never verified"},
		{"go-checksum", "sum computed, not checked", edit(t, "sha256sum -c -", "sha256sum"), "never verified"},
		{"go-checksum", "unpacked before the check", edit(t, sha+"\n    tar -C /usr/local -xzf /tmp/go.tgz",
			"tar -C /usr/local -xzf /tmp/go.tgz && \\\n    "+strings.TrimSuffix(sha, " && \\")), "unpacked before"},
		{"go-checksum", "check in another RUN", edit(t, sha, `\`) + "RUN echo \"${GO_SHA256}  /tmp/go.tgz\" | sha256sum -c -\n", "never verified"},
		{"go-checksum", "literal instead of GO_SHA256", edit(t, `"${GO_SHA256}  /tmp/go.tgz"`, `"0000  /tmp/go.tgz"`), "does not use the GO_SHA256"},
		{"go-checksum", "malformed checksum", edit(t, "GO_SHA256=d0f743b33e8d", "GO_SHA256=XYZd0f743b33e8d"), "not 64 lower-case hex"},
		{"go-checksum", "check before download", edit(t, "RUN wget -O /tmp/go.tgz", "RUN sha256sum -c sums && wget -O /tmp/go.tgz"), "before the Go archive is downloaded"},

		{"non-root-user", "root", edit(t, "USER ${NB_UID}", "USER root"), "is root"},
		{"non-root-user", "uid 0", edit(t, "USER ${NB_UID}", "USER 0"), "uid 0"},
		{"non-root-user", "uid 0 with group", edit(t, "USER ${NB_UID}", "USER 0:100"), "uid 0"},
		{"non-root-user", "padded uid 0", edit(t, "USER ${NB_UID}", "USER 000"), "uid 0"},
		{"non-root-user", "variable set to 0", edit(t, "USER ${NB_UID}", "ARG RUN_AS=0\nUSER ${RUN_AS}"), "uid 0"},
		{"non-root-user", "no USER after root", strings.ReplaceAll(edit(t, "USER ${NB_UID}\n", ""), "USER root\n", ""), "never sets USER"},
		{"non-root-user", "undefined variable", edit(t, "USER ${NB_UID}", "USER ${APP_UID}"), "undefined variable"},
		{"non-root-user", "root again at the end", goodDockerfile + "USER root\n", "is root"},

		{"expose-8888", "other port", edit(t, "EXPOSE 8888", "EXPOSE 8080"), "does not EXPOSE 8888"},
		{"expose-8888", "udp", edit(t, "EXPOSE 8888", "EXPOSE 8888/udp"), "does not EXPOSE 8888"},
		{"expose-8888", "missing", edit(t, "EXPOSE 8888\n", ""), "does not EXPOSE 8888"},

		{"healthcheck", "missing", edit(t, "HEALTHCHECK CMD [\"/usr/local/bin/medgo-healthcheck\"]\n", ""), "no HEALTHCHECK"},
		{"healthcheck", "switched off", goodDockerfile + "HEALTHCHECK NONE\n", "switches the health check off"},

		{"tini-entrypoint", "jupyter directly", edit(t, `ENTRYPOINT ["tini", "-g", "--"]`, `ENTRYPOINT ["jupyter", "lab"]`), "not tini"},
		{"tini-entrypoint", "shell form", edit(t, `ENTRYPOINT ["tini", "-g", "--"]`, `ENTRYPOINT medgo-start`), "not tini"},
		{"tini-entrypoint", "missing", edit(t, "ENTRYPOINT [\"tini\", \"-g\", \"--\"]\n", ""), "no ENTRYPOINT"},

		{"medgo-install", "only mentioned", edit(t, "bin/medgo install", "echo bin/medgo install"), "medgo install"},
		{"medgo-install", "other subcommand", edit(t, "bin/medgo install", "bin/medgo doctor"), "medgo install"},
		{"medgo-install", "in a comment", edit(t, "&& bin/medgo install", "# bin/medgo install"), "medgo install"},
		{"medgo-install", "jupyter kernelspec instead", edit(t, "bin/medgo install", "jupyter kernelspec install --user kernel"), "medgo install"},

		{"onnx-runtime", "no download", edit(t, "https://registry.npmjs.org/onnxruntime-node/-/onnxruntime-node-${ORT_VERSION}.tgz", "https://example.com/ort.tgz"), "no RUN downloads"},
		{"onnx-runtime", "other release", edit(t, "ORT_VERSION=1.30.0", "ORT_VERSION=1.29.0"), "pins ONNX Runtime 1.30.0"},
		{"onnx-runtime", "no check", edit(t, `echo "${ORT_SHA256}  /tmp/package/bin/napi-v6/linux/x64/libonnxruntime.so.1" | sha256sum -c - && \`, `\`), "not verified"},
		{"onnx-runtime", "installed before the check", edit(t, "RUN wget -O /tmp/ort.tgz", "RUN install -D lib /usr/local/lib/x && wget -O /tmp/ort.tgz"), "installed before"},
		{"onnx-runtime", "other checksum", edit(t, "ORT_SHA256=ffb75a925ba05e47", "ORT_SHA256=0fb75a925ba05e47"), "not the SHA-256 MedGo pins"},
		{"onnx-runtime", "literal instead of ORT_SHA256", edit(t, `"${ORT_SHA256}  /tmp/package`, `"0000  /tmp/package`), "does not use the ORT_SHA256"},
		{"onnx-runtime", "library not named", edit(t, "ENV MEDGO_ONNXRUNTIME_LIB=/usr/local/lib/medgo/libonnxruntime.so.1\n", ""), "does not set ENV MEDGO_ONNXRUNTIME_LIB"},

		{"no-latest", "comment", "# built from the latest release\n" + goodDockerfile, "mentions \"latest\""},
		{"no-latest", "argument", edit(t, "ARG GO_VERSION=1.26.8", "ARG GO_VERSION=1.26.8\nARG PLUGIN=LATEST"), "mentions \"latest\""},
	}
	covered := map[string]bool{}
	for _, tt := range tests {
		covered[tt.rule] = true
		t.Run(tt.rule+"/"+tt.name, func(t *testing.T) {
			df, err := Parse([]byte(tt.dockerfile))
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			err = ruleByName(t, tt.rule).Check(df)
			if err == nil {
				t.Fatalf("rule %s accepted a bad Dockerfile:\n%s", tt.rule, tt.dockerfile)
			}
			if !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("rule %s error = %q, want it to contain %q", tt.rule, err, tt.wantErr)
			}
		})
	}
	for _, r := range Rules(testGoVersion) {
		if !covered[r.Name] {
			t.Errorf("rule %s has no negative test", r.Name)
		}
	}
}

func TestRulesAcceptVariants(t *testing.T) {
	digest := "sha256:" + strings.Repeat("ab", 32)
	tests := []struct {
		rule, name, dockerfile string
	}{
		{"base-pinned", "digest", edit(t, "base-notebook:2026-07-28", "base-notebook@"+digest)},
		{"base-pinned", "tag and digest", edit(t, "base-notebook:2026-07-28", "base-notebook:2026-07-28@"+digest)},
		{"base-pinned", "registry port and tag", edit(t, "quay.io/jupyter", "localhost:5000/jupyter")},
		{"base-pinned", "earlier stage", edit(t, "FROM ${BASE}\n", "FROM golang:1.26.8 AS Build\nRUN true\nFROM build\nRUN true\nFROM ${BASE}\n")},
		{"base-pinned", "platform flag", edit(t, "FROM ${BASE}", "FROM --platform=linux/amd64 ${BASE}")},
		{"go-version", "literal version", edit(t, "go${GO_VERSION}.linux", "go1.26.8.linux")},
		{"go-checksum", "long option", edit(t, "sha256sum -c -", "sha256sum --strict --check -")},
		{"non-root-user", "name with group", edit(t, "USER ${NB_UID}", "USER jovyan:users")},
		{"non-root-user", "uid with group", edit(t, "USER ${NB_UID}", "USER ${NB_UID}:${NB_GID}")},
		{"expose-8888", "with protocol among others", edit(t, "EXPOSE 8888", "EXPOSE 9000 8888/tcp")},
		{"tini-entrypoint", "absolute path", edit(t, `["tini",`, `["/usr/bin/tini",`)},
		{"tini-entrypoint", "shell form", edit(t, `ENTRYPOINT ["tini", "-g", "--"]`, `ENTRYPOINT tini -g -- medgo-start`)},
		{"medgo-install", "absolute path and flags", edit(t, "bin/medgo install", "/opt/medgo/bin/medgo install -v")},
		{"medgo-install", "alone", edit(t, "go build -o bin/medgo ./kernel && bin/medgo install", "medgo install")},
		{"medgo-install", "exec form", edit(t, "go build -o bin/medgo ./kernel && bin/medgo install", `["bin/medgo", "install"]`)},
		{"medgo-install", "heredoc", edit(t, "RUN go build -o bin/medgo ./kernel && bin/medgo install", "RUN <<EOF\nset -e\nbin/medgo install\nEOF")},
		{"medgo-install", "after an if", edit(t, "go build -o bin/medgo ./kernel && bin/medgo install", "if true; then bin/medgo install; fi")},
	}
	for _, tt := range tests {
		t.Run(tt.rule+"/"+tt.name, func(t *testing.T) {
			df, err := Parse([]byte(tt.dockerfile))
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if err := ruleByName(t, tt.rule).Check(df); err != nil {
				t.Errorf("rule %s rejected a valid Dockerfile: %v\n%s", tt.rule, err, tt.dockerfile)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct{ name, src, wantErr string }{
		{"empty", "", "no instructions"},
		{"comment only", "# nothing\n", "no instructions"},
		{"ARG only", "ARG A=1\n", "no FROM"},
		{"RUN before FROM", "RUN true\nFROM debian:13\n", "before the first FROM"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.src))
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("Parse(%q) error = %v, want one containing %q", tt.src, err, tt.wantErr)
			}
		})
	}
}

func TestParseStages(t *testing.T) {
	df, err := Parse([]byte("ARG A=x\nFROM a:1 AS One\nENV K=v L=\"w z\"\nFROM b:2\nUSER 1000\n"))
	if err != nil {
		t.Fatal(err)
	}
	if got := df.MetaArgs["A"]; got != "x" {
		t.Errorf("MetaArgs[A] = %q, want x", got)
	}
	if len(df.Stages) != 2 || df.Stages[0].Name != "one" || df.Stages[1].Name != "" {
		t.Fatalf("stages = %+v, want two, the first named one", df.Stages)
	}
	env := df.Stages[0].Instructions[0]
	if want := []string{"K", "v", "L", `"w z"`}; env.Cmd != "env" || !reflect.DeepEqual(env.Args, want) {
		t.Errorf("ENV parsed as %s %q, want env %q", env.Cmd, env.Args, want)
	}
	if v, err := df.expand(&df.Stages[0], 1, "${L}/${K}"); err != nil || v != "w z/v" {
		t.Errorf("expand after ENV = %q, %v; want \"w z/v\"", v, err)
	}
	if df.Final().Instructions[0].Line != 5 {
		t.Errorf("final stage USER line = %d, want 5", df.Final().Instructions[0].Line)
	}
}

func TestGoVersion(t *testing.T) {
	tests := []struct{ name, goMod, want, wantErr string }{
		{"plain", "module m\n\ngo 1.26.8\n", "1.26.8", ""},
		{"with toolchain", "module m\ngo 1.25\ntoolchain go1.26.8\n", "1.25", ""},
		{"missing", "module m\n", "", "no \"go\" line"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := GoVersion([]byte(tt.goMod))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("GoVersion error = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("GoVersion = %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}

func TestSimpleCommands(t *testing.T) {
	tests := []struct {
		script string
		want   [][]string
	}{
		{"a b && c 'd e' | f;g", [][]string{{"a", "b"}, {"c", "d e"}, {"f"}, {"g"}}},
		{"if [ -z \"$X\" ]; then X=1 medgo install; fi", [][]string{{"[", "-z", "$X", "]"}, {"medgo", "install"}}},
		{"echo \"a; b | c\" # medgo install\nd", [][]string{{"echo", "a; b | c"}, {"d"}}},
		{"a \\\n  b", [][]string{{"a", "b"}}},
		{"(cd x && make)", [][]string{{"cd", "x"}, {"make"}}},
	}
	for _, tt := range tests {
		if got := simpleCommands(tt.script); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("simpleCommands(%q) = %q, want %q", tt.script, got, tt.want)
		}
	}
}

// TestComposeMatchesImage checks that compose.yaml mounts its volumes on the directories the
// image uses for notebooks and the data cache, and publishes the port the image exposes.
func TestComposeMatchesImage(t *testing.T) {
	compose, err := os.ReadFile("compose.yaml")
	if err != nil {
		t.Fatal(err)
	}
	df, err := Parse(readRepoFile(t, "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	st := df.Final()
	env := df.scope(st, len(st.Instructions))
	mounts := map[string]string{} // container path -> volume name
	mountRe := regexp.MustCompile(`(?m)^\s*-\s*([A-Za-z0-9_.-]+):(/[^:\s]+)\s*$`)
	for _, m := range mountRe.FindAllStringSubmatch(string(compose), -1) {
		mounts[m[2]] = m[1]
	}
	for _, v := range []string{"MEDGO_WORK_DIR", "MEDGO_CACHE"} {
		dir, ok := env.Get(v)
		if !ok || dir == "" {
			t.Fatalf("the Dockerfile does not set %s", v)
		}
		vol, ok := mounts[dir]
		if !ok {
			t.Errorf("compose.yaml mounts no named volume on %s=%s (mounts: %v)", v, dir, mounts)
			continue
		}
		if !regexp.MustCompile(`(?m)^  ` + regexp.QuoteMeta(vol) + `:\s*$`).Match(compose) {
			t.Errorf("compose.yaml uses volume %s but does not declare it under volumes:", vol)
		}
	}
	if !regexp.MustCompile(`(?m)^\s*-\s*"?[0-9.]*:?\$\{MEDGO_HOST_PORT:-8888\}:8888"?\s*$`).Match(compose) {
		t.Errorf("compose.yaml does not publish container port 8888")
	}
	if !strings.Contains(string(compose), "context: ..") {
		t.Errorf("compose.yaml does not build from the repository root (context: ..)")
	}
}

// ignored reports whether .dockerignore patterns exclude path (a slash-separated path
// relative to the context root), for the pattern forms .dockerignore here uses: plain
// paths, trailing slashes, "*" globs and a leading "**/".
func ignored(patterns []string, p string) bool {
	parts := strings.Split(p, "/")
	for _, pat := range patterns {
		pat = strings.TrimSuffix(pat, "/")
		for i := range parts {
			prefix := strings.Join(parts[:i+1], "/")
			if rest, ok := strings.CutPrefix(pat, "**/"); ok {
				if m, _ := filepath.Match(rest, parts[i]); m {
					return true
				}
			} else if m, _ := filepath.Match(pat, prefix); m {
				return true
			}
		}
	}
	return false
}

// TestDockerignore keeps what the Dockerfile copies in the build context and host build
// outputs out of it.
func TestDockerignore(t *testing.T) {
	var patterns []string
	for _, l := range strings.Split(string(readRepoFile(t, ".dockerignore")), "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
			if strings.HasPrefix(l, "!") {
				t.Fatalf(".dockerignore uses an exception %q; extend ignored() before relying on it", l)
			}
			patterns = append(patterns, l)
		}
	}
	df, err := Parse(readRepoFile(t, "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	needed := []string{"go.mod", "go.sum", "kernel/main.go", "mlkit/doc.go", "notebooks", "docker/start.sh", "Makefile"}
	for _, in := range df.Final().Instructions {
		if in.Cmd == "copy" && len(in.Args) >= 2 {
			for _, src := range in.Args[:len(in.Args)-1] {
				if src != "." {
					needed = append(needed, strings.TrimSuffix(src, "/"))
				}
			}
		}
	}
	for _, p := range needed {
		if ignored(patterns, p) {
			t.Errorf(".dockerignore excludes %s, which the image needs", p)
		}
	}
	for _, p := range []string{"bin/medgo", "bin/gonb", ".git/config", "out/t.html", "kernel/kernel.test", "notebooks/.ipynb_checkpoints/a.ipynb"} {
		if !ignored(patterns, p) {
			t.Errorf(".dockerignore lets %s into the build context", p)
		}
	}
	// The matcher itself must be able to say no.
	if ignored([]string{"bin/"}, "cmd/bin.go") || !ignored([]string{"**/*.test"}, "a/b/c.test") {
		t.Fatal("ignored() is broken")
	}
}

// The image's XLA installer installs the PJRT plugin that its go-xla release pins, so it must
// be the go-xla that mlkit is built against.
func TestXLAInstallerMatchesModule(t *testing.T) {
	requirement := regexp.MustCompile(`(?m)^\s*(?:require\s+)?github\.com/gomlx/go-xla\s+(v\S+)`)
	versionIn := func(name string) string {
		m := requirement.FindSubmatch(readRepoFile(t, name))
		if m == nil {
			t.Fatalf("%s does not require github.com/gomlx/go-xla", name)
		}
		return string(m[1])
	}
	if main, installer := versionIn("go.mod"), versionIn("docker/xlainstall/go.mod"); main != installer {
		t.Errorf("go.mod pins go-xla %s but docker/xlainstall/go.mod %s: the image would install another plugin version", main, installer)
	}
}
