// SPDX-License-Identifier: Apache-2.0

// Package docker holds what MedGo's container image is built from (the Dockerfile at the
// repository root, the start and health-check scripts, the Jupyter settings and the compose
// file in this directory) and the checks that keep that image honest.
//
// No Docker engine is needed for the checks. [Parse] reads a Dockerfile with BuildKit's own
// parser and [Rules] lists the requirements the MedGo image must meet: a pinned base image,
// the Go version of go.mod, a verified Go download, a non-root final user, port 8888, a
// health check, tini as init and the kernel installed by "medgo install". [Check] applies
// them and reports every violation with its line.
//
// The package tests also start docker/start.sh against the Jupyter installed on the machine
// and query the running server's kernelspecs, so the start script is exercised for real;
// building and running the image itself is not part of the tests (see docker/README.md).
package docker
