#!/usr/bin/python3
"""No file of the module calls back up the layers.

Documentation/design.rst's "Files" table lists the module's files from
the bottom layer to the top. A file may use what the files listed
before it define (functions, and data such as module parameters), never
what a file listed after it defines, and a function pointer counts as a
use: the socket does not know the receive path that reads it, and the
space does not know who serves it. The object files say what each file
defines and uses (nm), so macros and inline functions cannot hide a
call; a file the table leaves out, or lists and the build lacks, fails
too.

Usage: layers.py BUILD_DIR (a module build's directory of mether_*.o).
Prints "ok NAME" or "not ok NAME: WHY" per file; exits 1 on any failure.
"""
import glob
import os
import re
import subprocess
import sys

from report import Report

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
report = Report("layers")


def layer_order():
    """The module's files as design.rst lists them, bottom layer first."""
    with open(os.path.join(TOP, "Documentation/design.rst")) as f:
        text = f.read()
    section = text.split("\nFiles\n=====\n", 1)[1]
    # A simple table: a border line, its rows, a border line.
    table = re.split(r"^=+  =+$", section, maxsplit=2, flags=re.M)[1]
    return re.findall(r"^``(mether_[a-z_]+)\.c``", table, re.M)


def symbols(obj):
    """(defined, used): the global symbols @obj defines and those it needs."""
    out = subprocess.run(["nm", obj], capture_output=True, text=True,
                         check=True).stdout
    defined, used = set(), set()
    for line in out.splitlines():
        fields = line.split()
        kind, name = fields[-2], fields[-1]
        if kind == "U":
            used.add(name)
        elif kind in "TDBRVWC":
            defined.add(name)
    return defined, used


def main():
    build = sys.argv[1]
    order = layer_order()
    objs = {os.path.basename(o)[:-2]: o
            for o in glob.glob(os.path.join(build, "mether_*.o"))
            if not o.endswith(".mod.o")}
    report(set(order) == set(objs),
           "design.rst lists every file the module is built of",
           f"listed only: {sorted(set(order) - set(objs))}, "
           f"built only: {sorted(set(objs) - set(order))}")
    owner = {}
    uses = {}
    for name in order:
        if name not in objs:
            continue
        defined, uses[name] = symbols(objs[name])
        for sym in defined:
            owner[sym] = name
    rank = {name: i for i, name in enumerate(order)}
    for name in order:
        if name not in uses:
            continue
        up = sorted(f"{sym} ({owner[sym]})" for sym in uses[name]
                    if sym in owner and rank[owner[sym]] > rank[name])
        report(not up, f"{name}.c uses only the layers below it",
               "uses " + ", ".join(up))
    return 1 if report.failed else 0


if __name__ == "__main__":
    sys.exit(main())
