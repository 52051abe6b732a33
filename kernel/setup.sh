#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Installs what MedGo needs from the operating system: Jupyter (from Debian/Ubuntu packages).
# Go itself must already be installed (see go.mod for the version).
set -euo pipefail

packages=(jupyter-notebook jupyter-nbconvert python3-nbclient jupyter-client python3-ipykernel)

have_jupyter() {
  for py in /usr/bin/python3 "$(command -v python3 || true)"; do
    [ -x "$py" ] || continue
    if "$py" -c 'import nbclient, nbconvert, jupyter_client, nbformat, ipykernel' 2>/dev/null; then
      return 0
    fi
  done
  return 1
}

if ! command -v go >/dev/null 2>&1; then
  echo "MedGo needs Go on PATH: install it from https://go.dev/dl/ (version: see go.mod)." >&2
  exit 1
fi

if have_jupyter && { [ -x /usr/bin/jupyter ] || command -v jupyter >/dev/null 2>&1; }; then
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "Jupyter is missing and this is not a Debian/Ubuntu system: install Jupyter Notebook," >&2
  echo "nbconvert, nbclient, jupyter_client and ipykernel with your package manager, then retry." >&2
  exit 1
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    sudo="sudo"
  else
    echo "Jupyter is missing. Install it with:" >&2
    echo "  sudo apt-get update && sudo apt-get install -y ${packages[*]}" >&2
    exit 1
  fi
fi

echo "Installing Jupyter from the OS packages: ${packages[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
have_jupyter || { echo "Jupyter still not importable after apt-get install" >&2; exit 1; }
