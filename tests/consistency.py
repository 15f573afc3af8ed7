#!/usr/bin/python3
"""Everything that repeats a fact of the code says what the code says.

The drop reasons are numbered by one enum in the uapi header; metherctl
names them, Documentation/wire.rst explains them in order, and the tests
ask for them by name. The wire version and header size are written in
the wire format's documents, its man page, the dissector and the tests'
Python. Prints "ok NAME" or "not ok NAME: WHY" per fact; exits 1 on any
failure. Run from anywhere: paths are relative to this file.
"""
import glob
import os
import re
import sys

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(TOP, "tests/host"))
import metherwire  # noqa: E402  (the path above)

failed = 0


def read(path):
    with open(os.path.join(TOP, path)) as f:
        return f.read()


def report(name, why):
    """why: None when the fact holds, else what disagrees."""
    global failed
    if why is None:
        print(f"ok {name}")
    else:
        print(f"not ok {name}: {why}")
        failed = 1


def differ(what, want, got):
    return None if want == got else f"{what}: want {want}, got {got}"


reasons = metherwire.drop_reasons()
report("reasons: the uapi enum has METHER_DROP_REASONS entries, from 1",
       None if reasons and "truncated" == reasons[0] and
       re.search(r"METHER_DROP_TRUNCATED = 1,", read("include/uapi/linux/mether.h"))
       else f"enum read as {reasons}")

# metherctl: DROP(NAME, "name") entries, indexed by the enum.
entries = re.findall(r'DROP\((\w+), "(\w+)"\)', read("userspace/tools/metherctl.c"))
report("reasons: metherctl names each reason as the enum does, once",
       differ("metherctl", sorted(reasons),
              sorted(e.lower() for e, n in entries if e.lower() == n)))

# mether_trace.h: { METHER_DROP_NAME, "name" } entries of the drop event.
traced = re.findall(r'\{ METHER_DROP_(\w+), "(\w+)" \}', read("mether_trace.h"))
report("reasons: the drop tracepoint names each reason as the enum does",
       differ("mether_trace.h", sorted(reasons),
              sorted(e.lower() for e, n in traced if e.lower() == n)))

# wire.rst: the rows of the Validation section's tables, in order.
validation = read("Documentation/wire.rst").split("\nValidation\n", 1)[1]
validation = re.split(r"\n[^\n]+\n===+\n", validation, maxsplit=1)[0]
rows = re.findall(r"^``([a-z_]+)``\s{2,}", validation, re.M)
report("reasons: wire.rst lists the enum's reasons in its order",
       differ("wire.rst", reasons, rows))

# Every reason a test asks for by name exists.
asked = set()
for path in glob.glob(os.path.join(TOP, "tests/guest/*.sh")) + \
        glob.glob(os.path.join(TOP, "bench/guest/*.sh")):
    with open(path) as f:
        asked |= set(re.findall(r"\bdrop_([a-z_]+)", f.read()))
for path in glob.glob(os.path.join(TOP, "tests/host/*.py")):
    with open(path) as f:
        text = f.read()
    asked |= {n for n in re.findall(r'"([a-z_]+)"', text)
              if n in {"bad_seal", "replayed", "truncated", "own",
                       "reclaimed"} or n.startswith("bad_")}
report("reasons: every reason the tests ask for by name exists",
       None if asked <= set(reasons) else
       f"unknown: {sorted(asked - set(reasons))}")

# The wire version and the header's size.
version = int(re.search(r"#define METHER_WIRE_VERSION\s+(\d+)",
                        read("mether_wire.h")).group(1))
said = {
    "wire.rst layout": re.search(r"Packet layout \(version (\d+)\)",
                                 read("Documentation/wire.rst")),
    "wire.rst bad_version": re.search(r"a version other than (\d+)",
                                      read("Documentation/wire.rst")),
    "mether(7)": re.search(r"header \(version (\d+)\)",
                           read("Documentation/man/mether.7")),
    "mether.lua": re.search(r"Mether wire protocol, version (\d+)",
                            read("tools/wireshark/mether.lua")),
    "mether.lua heuristic": re.search(r"the magic 0x4d, version (\d+)",
                                      read("tools/wireshark/mether.lua")),
    "mether.lua VERSION": re.search(r"^local VERSION = (\d+)$",
                                    read("tools/wireshark/mether.lua"),
                                    re.M),
}
seen = {k: int(m.group(1)) if m else None for k, m in said.items()}
seen["metherwire.py"] = metherwire.VERSION
report(f"wire version {version}: every document, man page and tool says so",
       None if set(seen.values()) == {version} else f"they say {seen}")

size = re.search(r"(\d+)-byte header", read("Documentation/man/mether.7"))
report(f"header size {metherwire.HEADER.size}: mether(7) says so",
       differ("mether(7)", metherwire.HEADER.size,
              int(size.group(1)) if size else None))
sys.exit(failed)
