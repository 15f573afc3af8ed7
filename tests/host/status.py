#!/usr/bin/python3
"""Host side of tests/guest/status.sh: metherctl's --json outputs.

Guest 0 publishes what 'metherctl status', 'stats' and 'hosts' print
with --json, each beside its --machine output. Each must be one JSON
object (a line) whose names, in order, and values are those of the
--machine lines: --json is another spelling of the same record
(metherctl(8)). The counters of stats move between the two reads, so
there only the names and the types are compared. Prints "ok NAME" /
"not ok NAME", then serves status-checked until the guest has seen it.
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from guests import fetch, report, serve, wait_reached  # noqa: E402


def mark(served, name):
    open(os.path.join(served, name), "w").close()


def machine_pairs(text):
    """NAME VALUE lines, in order; values as the JSON would have them."""
    pairs = []
    for line in text.splitlines():
        name, _, value = line.partition(" ")
        if value.isdigit():
            pairs.append((name, int(value)))
        else:
            pairs.append((name, "" if value == "-" else value))
    return pairs


def parsed(what, text):
    try:
        obj = json.loads(text)
    except (TypeError, ValueError) as e:
        report(False, f"{what} --json is JSON: {e}: {text!r}")
        return None
    report(isinstance(obj, dict) and "\n" not in text,
           f"{what} --json is one JSON object, on one line")
    return obj if isinstance(obj, dict) else None


def check_record(what, text, machine, values):
    obj = parsed(what, text)
    if obj is None:
        return
    pairs = machine_pairs(machine)
    report(list(obj) == [n for n, _ in pairs],
           f"{what} --json has --machine's {len(pairs)} names, in order")
    if values:
        report(list(obj.items()) == pairs,
               f"{what} --json has --machine's values")
    else:
        report(all(type(obj.get(n)) is type(v) for n, v in pairs),
               f"{what} --json has --machine's types of value")


def check_hosts(text, machine):
    obj = parsed("hosts", text)
    if obj is None:
        return
    hosts = obj.get("hosts")
    lines = [line.split() for line in machine.splitlines()]
    report(isinstance(obj.get("host_timeout_ms"), int) and
           isinstance(hosts, list) and len(hosts) == len(lines) >= 1,
           f"hosts --json lists the {len(lines)} host(s) --machine does")
    report(isinstance(hosts, list) and
           [(h.get("host"), h.get("state")) for h in hosts] ==
           [(int(f[0]), f[1]) for f in lines] and
           all(list(h) == ["host", "state", "quiet_ms", "epoch",
                           "reclaimed_epoch"] for h in hosts),
           "hosts --json: each host's id and state, with its numbers")


def main(served):
    if not wait_reached([0], "hosts-machine", 3400):
        report(False, "guest 0 never published its outputs")
        return 1
    out = {name: fetch(0, name) for name in
           ("status-json", "status-machine", "stats-json", "stats-machine",
            "hosts-json", "hosts-machine")}
    check_record("status", out["status-json"], out["status-machine"] or "",
                 True)
    check_record("stats", out["stats-json"], out["stats-machine"] or "",
                 False)
    check_hosts(out["hosts-json"], out["hosts-machine"] or "")
    mark(served, "status-checked")
    # Serve the marker until the guest has seen it.
    if not wait_reached([0], "status-done", 600):
        report(False, "guest 0 never saw status-checked")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(serve("status")))
