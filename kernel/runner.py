# SPDX-License-Identifier: Apache-2.0
"""Executes one notebook with nbclient and reports, as JSON on stdout, what happened.

Usage: runner.py NOTEBOOK OUT_DIR KERNEL_NAME CELL_TIMEOUT_SECONDS

The executed notebook (.ipynb) and its HTML rendering are written to OUT_DIR even when a cell
fails, so the failing output can be read. Execution stops at the first failing cell.
"""
import json
import os
import sys
import time

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError
from nbconvert import HTMLExporter


def main():
    path, out_dir, kernel, timeout = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name=kernel,
        resources={"metadata": {"path": os.path.dirname(os.path.abspath(path))}},
        record_timing=True,
    )
    report = {"status": "ok", "error": "", "error_cell": -1, "cells": []}
    started = time.time()
    try:
        client.execute()
    except CellTimeoutError as err:
        report.update(status="timeout", error=str(err).strip().splitlines()[0])
    except DeadKernelError as err:
        report.update(status="dead kernel", error=str(err).strip())
    except CellExecutionError as err:
        report.update(status="error", error=str(err).strip())
    except Exception as err:  # kernel failed to start, bad notebook, ...
        report.update(status="error", error="%s: %s" % (type(err).__name__, err))
    report["seconds"] = time.time() - started

    for i, cell in enumerate(nb.cells):
        timing = cell.get("metadata", {}).get("execution", {})
        begin, end = timing.get("iopub.execute_input"), timing.get("shell.execute_reply")
        seconds = None
        if begin and end:
            seconds = _parse(end) - _parse(begin)
        report["cells"].append({"index": i, "type": cell.cell_type, "seconds": seconds})
        if report["error_cell"] < 0 and report["status"] != "ok" and cell.cell_type == "code":
            if any(o.get("output_type") == "error" for o in cell.get("outputs", [])):
                report["error_cell"] = i
    if report["status"] != "ok" and report["error_cell"] < 0:
        # A timeout or dead kernel leaves no error output: the failing cell is the last one started.
        started_cells = [c["index"] for c in report["cells"]
                         if nb.cells[c["index"]].get("metadata", {}).get("execution", {}).get("iopub.execute_input")]
        if started_cells:
            report["error_cell"] = started_cells[-1]

    os.makedirs(out_dir, exist_ok=True)
    base = os.path.splitext(os.path.basename(path))[0]
    nbformat.write(nb, os.path.join(out_dir, base + ".ipynb"))
    html, _ = HTMLExporter().from_notebook_node(nb)
    with open(os.path.join(out_dir, base + ".html"), "w", encoding="utf-8") as f:
        f.write(html)
    json.dump(report, sys.stdout)


def _parse(stamp):
    from datetime import datetime
    return datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp()


if __name__ == "__main__":
    main()
