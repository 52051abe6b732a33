// SPDX-License-Identifier: Apache-2.0

package docker_test

import (
	"fmt"
	"strings"

	"github.com/medgo-lab/medgo/docker"
)

// A Dockerfile that runs Jupyter straight from an unpinned image breaks most rules.
func ExampleCheck() {
	df, err := docker.Parse([]byte(`FROM quay.io/jupyter/base-notebook:latest
USER root
EXPOSE 8888
CMD ["jupyter", "lab"]
`))
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, err := range docker.Check(df, docker.Rules("1.26.8")) {
		rule, _, _ := strings.Cut(err.Error(), ":")
		fmt.Println(rule)
	}
	// Output:
	// base-pinned
	// go-version
	// go-checksum
	// non-root-user
	// healthcheck
	// tini-entrypoint
	// medgo-install
	// onnx-runtime
	// no-latest
}

func ExampleGoVersion() {
	v, err := docker.GoVersion([]byte("module github.com/medgo-lab/medgo\n\ngo 1.26.8\n"))
	fmt.Println(v, err)
	// Output: 1.26.8 <nil>
}

func ExampleRules() {
	for _, r := range docker.Rules("1.26.8")[:3] {
		fmt.Printf("%s: %s\n", r.Name, r.Doc)
	}
	// Output:
	// base-pinned: every FROM names its base image by a tag other than latest, or by digest
	// go-version: the Go archive downloaded is go1.26.8, the version in go.mod
	// go-checksum: the Go archive's SHA-256 is checked (sha256sum -c) after the download and before unpacking
}
