#!/usr/bin/python3
"""Build b over build a, round by round, from the "ab" lines two guests
reported (bench/guest/ab.sh), as Markdown.

    ab.py RESULT_LOG...

For the final protocol, the time per increment (the slower host's,
over the span both timed): below 1, b is faster. For the pipes, the
messages per second end 0 reported: above 1, b is faster. Each ratio is
taken within a round, then the median and range over the rounds.
"""
import sys

from benchlib import spread, tagged

KINDS = [("final", "final protocol, time per increment", "us"),
         ("pipe4k", "pipe, window 32, 4 KiB messages", "msgs/s"),
         ("pipe32", "pipe, window 32, 32-byte messages", "msgs/s")]


def figure(kind, hosts):
    """The round's figure for one build, or None if it did not finish."""
    if kind == "final":
        if len(hosts) != 2 or any(h.get("ok") != "yes" for h in hosts):
            return None
        return max(float(h["seconds"]) / max(int(h["timed"]), 1)
                   for h in hosts) * 1e6
    sent = [h for h in hosts if "msgs_s" in h]
    return float(sent[0]["msgs_s"]) if sent else None


def main(paths):
    got = {}
    for kv in tagged(paths, "ab"):
        key = (kv["kind"], int(kv["round"]), kv["build"])
        got.setdefault(key, []).append(kv)
    if not got:
        print("ab: no \"ab\" lines: did the guests run?", file=sys.stderr)
        return 1
    rounds = sorted({r for _, r, _ in got})
    print("| what | round | a | b | b over a |")
    print("|---|---|---|---|---|")
    summary, status = [], 0
    for kind, title, unit in KINDS:
        ratios = []
        for r in rounds:
            a = figure(kind, got.get((kind, r, "a"), []))
            b = figure(kind, got.get((kind, r, "b"), []))
            ratio = b / a if a and b else None
            if ratio is not None:
                ratios.append(ratio)
            print(f"| {kind} | {r} | {'-' if a is None else f'{a:.1f}'} "
                  f"| {'-' if b is None else f'{b:.1f}'} "
                  f"| {'-' if ratio is None else f'{ratio:.3f}'} |")
        if ratios:
            median, low, high = spread(ratios)
            summary.append(f"- {title} ({unit}), b over a: "
                           f"{median:.3f} [{low:.3f}-{high:.3f}], "
                           f"{len(ratios)} rounds")
        else:
            summary.append(f"- {title}: no round finished with both")
            status = 1
    print()
    print("\n".join(summary))
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
