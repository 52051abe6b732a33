#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Installs PyTorch for the benchmark's comparison (Debian package python3-torch) when it is
# missing and can be installed: as root, or with password-less sudo. Never fails the benchmark:
# without PyTorch, the report says "PyTorch: not available" and why.
set -uo pipefail

python=/usr/bin/python3
if "$python" -c 'import torch' 2>/dev/null; then
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "bench: PyTorch is missing and this is not a Debian/Ubuntu system; the report will have no PyTorch figures." >&2
  exit 0
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    sudo="sudo"
  else
    echo "bench: PyTorch is missing; to compare with it, run: sudo apt-get install -y python3-torch" >&2
    exit 0
  fi
fi
export DEBIAN_FRONTEND=noninteractive
# apt may be locked by another process (an unattended upgrade, another set-up) for a while:
# wait and retry rather than leave the report without PyTorch.
apt_retry() {
  local log
  log=$(mktemp)
  for attempt in $(seq 1 60); do
    if $sudo apt-get "$@" >/dev/null 2>"$log"; then rm -f "$log"; return 0; fi
    if grep -q -i "lock" "$log"; then
      [ "$attempt" = 1 ] && echo "bench: apt is busy (another process holds its lock); waiting…" >&2
      sleep 10; continue
    fi
    cat "$log" >&2; rm -f "$log"; return 1
  done
  echo "bench: apt stayed locked for 10 minutes" >&2; rm -f "$log"; return 1
}
# The policy is read into a variable first: with pipefail, "apt-cache policy | grep -q" fails
# whenever grep stops reading early and apt-cache gets SIGPIPE, which skipped PyTorch silently.
has_candidate() {
  local policy
  policy=$(apt-cache policy python3-torch 2>/dev/null) || true
  grep -q 'Candidate: [0-9]' <<<"$policy"
}
if ! has_candidate; then
  apt_retry update -qq || true
fi
if ! has_candidate; then
  echo "bench: python3-torch is not available from this system's package sources; the report will have no PyTorch figures." >&2
  exit 0
fi
echo "Installing PyTorch from the OS packages: python3-torch"
apt_retry install -y -qq --no-install-recommends python3-torch ||
  echo "bench: installing python3-torch failed; the report will have no PyTorch figures." >&2
"$python" -c 'import torch' 2>/dev/null || echo "bench: python3-torch is installed but 'import torch' fails; the report will have no PyTorch figures." >&2
exit 0
