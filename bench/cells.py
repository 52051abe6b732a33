# SPDX-License-Identifier: Apache-2.0
"""Notebook cell latency through the Jupyter client, for MedGo's benchmark.

Arguments: kernel name, a file holding the cell, the number of re-runs, a marker the cell
prints. Starts a fresh kernel, runs the cell once (the first cell), re-runs it unchanged, then
runs edited versions of it, timing each execution from the request to the kernel going idle.
Prints one JSON line.
"""

import json
import sys
import time

from jupyter_client.manager import start_new_kernel


def main():
    kernel, cell_file, reruns, marker = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    cell = open(cell_file).read()
    t = time.perf_counter()
    km, kc = start_new_kernel(kernel_name=kernel, startup_timeout=120)
    result = {"start_s": time.perf_counter() - t, "runs": [], "edited": [], "errors": []}
    try:
        # The first run, the same cell again (reruns times), then edited versions of it (reruns
        # times), each with a new line, so that the cell has to be compiled again.
        for i in range(1 + 2 * reruns):
            code = cell
            if i > reruns:
                code = cell + 'fmt.Println("edit %d")\n' % i
            out = []

            def hook(msg):
                c = msg["content"]
                if msg["msg_type"] == "stream":
                    out.append(c.get("text", ""))
                elif msg["msg_type"] == "error":
                    out.append("\n".join(c.get("traceback", [])) or c.get("evalue", ""))
                elif msg["msg_type"] in ("execute_result", "display_data"):
                    out.append(c.get("data", {}).get("text/plain", ""))

            t = time.perf_counter()
            reply = kc.execute_interactive(code, timeout=300, output_hook=hook)
            elapsed = time.perf_counter() - t
            text = "".join(out)
            result["runs" if i <= reruns else "edited"].append(elapsed)
            if reply["content"].get("status") != "ok" or marker not in text:
                result["errors"].append("run %d: status %s, output: %s" % (i + 1, reply["content"].get("status"), text[-1500:]))
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
