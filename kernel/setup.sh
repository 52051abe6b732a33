#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Installs what MedGo needs from the operating system: Jupyter (from Debian/Ubuntu packages),
# a C compiler and npm for the ONNX Runtime engine (cgo builds; npm fetches the library), and,
# where it can, pydicom's and nibabel's packages, whose sample scanner files tutorial 10
# reads (without them the samples are downloaded, checksum-verified, on first use).
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

samples=(python3-pydicom python3-nibabel)

# install_samples adds the sample-file packages when apt can be used without a password; it
# never fails the set-up, because the files can also be downloaded.
install_samples() {
  [ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import pydicom, nibabel' 2>/dev/null && return 0
  command -v apt-get >/dev/null 2>&1 || return 0
  local s
  s=$(apt_sudo) || {
    echo "note: ${samples[*]} are not installed; tutorial 10 will download its sample files instead" >&2
    return 0
  }
  echo "Installing the sample scanner files for tutorial 10: ${samples[*]}"
  apt_install "$s" "${samples[@]}" ||
    echo "note: installing ${samples[*]} failed; tutorial 10 will download its sample files instead" >&2
}

# apt_sudo prints what apt-get needs in front of it here: nothing as root, "sudo" where sudo
# works without a password; it fails where apt cannot be used without asking for one.
apt_sudo() {
  if [ "$(id -u)" -eq 0 ]; then
    echo ""
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    echo "sudo"
  else
    return 1
  fi
}

# apt_install installs packages, waiting for another apt to release its lock instead of failing
# at once (up to ten minutes).
apt_install() {
  local s="$1"; shift
  for attempt in $(seq 1 60); do
    if DEBIAN_FRONTEND=noninteractive $s apt-get install -y -qq --no-install-recommends "$@" >/dev/null 2>/tmp/medgo-apt.$$; then
      rm -f /tmp/medgo-apt.$$; return 0
    fi
    if grep -q -i "lock" /tmp/medgo-apt.$$; then
      [ "$attempt" = 1 ] && echo "apt is busy (another process holds its lock); waiting…" >&2
      sleep 10; continue
    fi
    DEBIAN_FRONTEND=noninteractive $s apt-get update -qq >/dev/null 2>&1 || true
    if DEBIAN_FRONTEND=noninteractive $s apt-get install -y -qq --no-install-recommends "$@" >/dev/null 2>/tmp/medgo-apt.$$; then
      rm -f /tmp/medgo-apt.$$; return 0
    fi
    grep -q -i "lock" /tmp/medgo-apt.$$ && { sleep 10; continue; }
    cat /tmp/medgo-apt.$$ >&2; rm -f /tmp/medgo-apt.$$; return 1
  done
  rm -f /tmp/medgo-apt.$$
  return 1
}

# install_engine adds a C compiler and npm, which medgo install needs to run cells on ONNX
# Runtime. Without them it falls back to the pure-Go backend and says so; medgo doctor shows
# the fix.
install_engine() {
  local need=()
  command -v cc >/dev/null 2>&1 || command -v gcc >/dev/null 2>&1 || need+=(gcc libc6-dev)
  command -v npm >/dev/null 2>&1 || need+=(npm)
  [ ${#need[@]} -eq 0 ] && return 0
  command -v apt-get >/dev/null 2>&1 || {
    echo "note: ${need[*]} missing; install them for the ONNX Runtime engine (cells run on pure Go without)" >&2
    return 0
  }
  local s
  s=$(apt_sudo) || {
    echo "note: ${need[*]} missing; run: sudo apt-get install -y ${need[*]}   (for the ONNX Runtime engine)" >&2
    return 0
  }
  echo "Installing the ONNX Runtime engine's build tools: ${need[*]}"
  apt_install "$s" "${need[@]}" || echo "note: installing ${need[*]} failed; cells will run on the pure-Go backend" >&2
}

install_engine

if have_jupyter && { [ -x /usr/bin/jupyter ] || command -v jupyter >/dev/null 2>&1; }; then
  install_samples
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "Jupyter is missing and this is not a Debian/Ubuntu system: install Jupyter Notebook," >&2
  echo "nbconvert, nbclient, jupyter_client and ipykernel with your package manager, then retry." >&2
  exit 1
fi

sudo=$(apt_sudo) || {
  echo "Jupyter is missing. Install it with:" >&2
  echo "  sudo apt-get update && sudo apt-get install -y ${packages[*]}" >&2
  exit 1
}

echo "Installing Jupyter from the OS packages: ${packages[*]}"
apt_install "$sudo" "${packages[@]}" || { echo "installing ${packages[*]} failed" >&2; exit 1; }
have_jupyter || { echo "Jupyter still not importable after apt-get install" >&2; exit 1; }
install_samples
