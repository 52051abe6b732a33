#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Container health check: succeeds when Jupyter answers GET /api on MEDGO_PORT.
# /api (the server version) needs no token, so the check never handles the secret.
set -euo pipefail

port="${MEDGO_PORT:-8888}"
host="${MEDGO_IP:-127.0.0.1}"
case "$host" in
0.0.0.0 | "" | "::" | "[::]") host=127.0.0.1 ;;
*:*) host="[$host]" ;;
esac

exec "${MEDGO_PYTHON:-python3}" - "http://$host:$port/api" <<'PY'
import json
import sys
import urllib.request

url = sys.argv[1]
try:
    with urllib.request.urlopen(url, timeout=5) as resp:
        version = json.load(resp).get("version")
except Exception as err:  # any failure means unhealthy
    sys.exit(f"unhealthy: GET {url}: {err}")
if not version:
    sys.exit(f"unhealthy: GET {url} did not report a Jupyter version")
print(f"healthy: Jupyter {version} at {url}")
PY
