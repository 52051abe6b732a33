#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Counts, per bundled notebook, what a reader has to take in: mlkit.Must/Check calls, helper
functions declared in cells, and lines of Go (not blank, not comments, not %% markers).

    bench/notebook_stats.py            # the working tree
    bench/notebook_stats.py REV        # the notebooks as committed at git revision REV
"""
import glob
import json
import os
import re
import subprocess
import sys


def notebooks(rev):
    if rev is None:
        for p in sorted(glob.glob("notebooks/*.ipynb")):
            with open(p) as f:
                yield os.path.basename(p), f.read()
        return
    names = subprocess.run(["git", "ls-tree", "--name-only", rev, "notebooks/"], check=True,
                           capture_output=True, text=True).stdout.split()
    for p in sorted(n for n in names if n.endswith(".ipynb")):
        yield os.path.basename(p), subprocess.run(["git", "show", f"{rev}:{p}"], check=True,
                                                  capture_output=True, text=True).stdout


def stats(text):
    cells = json.loads(text)["cells"]
    src = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
    must = len(re.findall(r"\bmlkit\.(?:Must|Check)\(", src))
    funcs = len(re.findall(r"(?m)^func ", src))
    lines = sum(1 for l in src.split("\n")
                if l.strip() and l.strip() != "%%" and not l.strip().startswith("//"))
    return must, funcs, lines


def main():
    rev = sys.argv[1] if len(sys.argv) > 1 else None
    total = [0, 0, 0]
    print(f"{'notebook':40} {'Must':>5} {'funcs':>5} {'lines':>6}")
    for name, text in notebooks(rev):
        s = stats(text)
        total = [a + b for a, b in zip(total, s)]
        print(f"{name[:-6]:40} {s[0]:5} {s[1]:5} {s[2]:6}")
    print(f"{'total':40} {total[0]:5} {total[1]:5} {total[2]:6}")


if __name__ == "__main__":
    main()
