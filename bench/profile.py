#!/usr/bin/python3
"""Print the sampled profiles two guests reported (bench/guest/profile.sh)
as Markdown, a section per host: what the workload measured, its share
of samples per task, the functions the samples fell in (self), the calls
they fell under (children), and Mether's counters over the span.

    profile.py RESULT_LOG...
"""
import re
import sys


def main(paths):
    hosts = {}
    for path in paths:
        with open(path, errors="replace") as f:
            for line in f:
                m = re.match(r"prof host=(\d+) kind=(\w+) (.*)", line.rstrip())
                if m:
                    host, kind, rest = m.groups()
                    hosts.setdefault(int(host), {}).setdefault(
                        kind, []).append(rest)
    if not hosts:
        print("profile: no \"prof\" lines: did the guests run?",
              file=sys.stderr)
        return 1
    titles = {"tasks": "Samples by task",
              "self": "Samples by function (self)",
              "children": "Samples under each call (children, self)",
              "stats": "Mether's counters over the span"}
    for host in sorted(hosts):
        got = hosts[host]
        print(f"## Host {host}\n")
        for result in got.get("result", []):
            print(f"{result}\n")
        for kind in ("tasks", "self", "children", "stats"):
            if kind not in got:
                continue
            print(f"{titles[kind]}:\n\n```")
            print("\n".join(line.strip() for line in got[kind]))
            print("```\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
