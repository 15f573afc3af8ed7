#!/usr/bin/python3
"""Where the kernel's share of a turn goes, a function at a time.

Reads the function graphs that bench/guest/latency.sh records with
LATENCY_GRAPH=1 ("latgraph" lines: the counting process's page faults
and ioctls, final protocol; "latudpgraph" lines: the UDP ping-pong's
send and receive calls) from the result logs given, and prints, per
host and per turn (an increment each side makes), the time spent in
each root function and in each call path below it, as deep as the
tracer followed (LATENCY_GRAPH_DEPTH), longest first, as Markdown.

Only lines of the benchmark's own processes count (their names begin
"mether-": mether-count, mether-pingpong). The tracer slows every
function it passes, so the figures compare with each other, not with
untraced runs. A callee's time includes its own callees' and any sleep:
a fault's wait for the other host's packet shows as the time of the
function that waits.

    bench/graph.py build/latency/guests/result-*.log [--top N]
"""
import argparse
import collections
import re
import sys

# "comm-pid | duration | code", or "comm-pid |  | code" (an opening).
LINE = re.compile(r"^(latgraph|latudpgraph) +(\S+) *\|([^|]*)\|(.*)$")
DURATION = re.compile(r"([0-9.]+) us")
CALL = re.compile(r"^ *([A-Za-z0-9_.]+)(?: \[[a-z_]+\])?\(\)")
CLOSE = re.compile(r"^ *\} /\* ([A-Za-z0-9_.]+)(?: \[[a-z_]+\])? \*/")
# The graphed runs' result lines: their wins are the turns they made.
BENCH = re.compile(r"^bench .*protocol=(\S+).*traced=graph")


def parse(path):
    """-> ({kind: Counter of µs by call path}, {kind: Counter of calls},
    {kind: turns}): a call path is its callers, root first, and it."""
    time = collections.defaultdict(collections.Counter)
    calls = collections.defaultdict(collections.Counter)
    turns = {}
    stack = collections.defaultdict(list)   # per task: open functions
    with open(path, errors="replace") as f:
        for raw in f:
            raw = raw.rstrip("\n")
            bench = BENCH.match(raw)
            if bench:
                wins = re.search(r"\bwins=(\d+)", raw)
                kind = "latudpgraph" if "pingpong" in bench.group(1) \
                    else "latgraph"
                if wins:
                    turns[kind] = int(wins.group(1))
                continue
            m = LINE.match(raw)
            if not m or not m.group(2).startswith("mether-"):
                continue
            kind, task, dur, code = m.groups()
            us = DURATION.search(dur)
            close = CLOSE.match(code)
            call = CALL.match(code)
            if close:
                # A trace that began inside a call closes what it never
                # saw open: nothing to charge it to.
                if stack[task] and stack[task][-1] == close.group(1) and us:
                    key = tuple(stack[task])
                    time[kind][key] += float(us.group(1))
                    calls[kind][key] += 1
                if stack[task]:
                    stack[task].pop()
            elif call and code.rstrip().endswith("{"):
                stack[task].append(call.group(1))
            elif call and us:
                key = tuple(stack[task]) + (call.group(1),)
                time[kind][key] += float(us.group(1))
                calls[kind][key] += 1
    return time, calls, turns


def table(time, calls, per, top):
    """Rows (path, calls per turn, µs per turn), longest first."""
    rows = sorted(time.items(), key=lambda kv: -kv[1])[:top]
    return [(" > ".join(k), calls[k] / per, v / per) for k, v in rows]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("logs", nargs="+")
    ap.add_argument("--top", type=int, default=25)
    args = ap.parse_args()
    names = {"latgraph": "final protocol (faults and ioctls)",
             "latudpgraph": "UDP ping-pong (send and receive calls)"}
    for path in args.logs:
        time, calls, turns = parse(path)
        for kind in ("latgraph", "latudpgraph"):
            if not time[kind]:
                continue
            per = turns.get(kind, 0)
            if not per:
                print(f"{path}: {kind}: no increment count", file=sys.stderr)
                continue
            print(f"\n### {path}: {names[kind]}, per turn ({per} turns)\n")
            print("| function (caller > callee) | calls | µs |")
            print("|---|---|---|")
            for key, n, us in table(time[kind], calls[kind], per, args.top):
                print(f"| {key} | {n:.2f} | {us:.1f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
