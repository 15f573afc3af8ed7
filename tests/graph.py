#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""bench/graph.py's reading of function graphs, on a made-up trace
(seconds).

The function graph tracer's lines, as bench/guest/latency.sh sends them
with LATENCY_GRAPH=1, come in the order calls begin and end: a call
with callees opens ("f() {") and closes ("} /* f */", with its
duration), a call without is one line. graph.py must charge each
duration to the call path it closed (callers first), count only the
benchmark's own processes, skip a close whose open the trace never saw,
keep two tasks' interleaved lines apart, and divide by the turns the
benchmark line says it made.

Prints "ok NAME" / "not ok NAME" and exits 1 when any check failed.
"""
import os
import sys
import tempfile

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(TOP, "bench"))
import graph  # noqa: E402  (the path above)
from report import Report  # noqa: E402  (tests/, the script's own)

report = Report("graph")

# Two turns of one counting process, another process's fault, a close
# from before the trace began, and a second task's call in between.
TRACE = """\
latgraph mether-co-41  | + 50.000 us   |    } /* mether_wait_here [mether] */
latgraph mether-co-41  |               |  mether_vm_fault [mether]() {
latgraph mether-co-41  |               |    mether_wait_here [mether]() {
latgraph mether-po-77  |               |  sock_recvmsg() {
latgraph mether-co-41  |   3.000 us    |      schedule_timeout();
latgraph mether-po-77  |   9.000 us    |  } /* sock_recvmsg */
latgraph mether-co-41  | + 10.000 us   |    } /* mether_wait_here [mether] */
latgraph mether-co-41  |   1.500 us    |    mether_map_copy [mether]();
latgraph mether-co-41  | + 12.000 us   |  } /* mether_vm_fault [mether] */
latgraph busybox-12    | ! 900.00 us   |  handle_mm_fault();
latgraph mether-co-41  |               |  mether_vm_fault [mether]() {
latgraph mether-co-41  |   0.500 us    |    mether_map_copy [mether]();
latgraph mether-co-41  |   2.000 us    |  } /* mether_vm_fault [mether] */
latgraph mether-co-41  | # 1000.0 us   |  mether_ioctl_purge [mether]();
bench id=0 protocol=final target=8 ok=yes wins=2 losses=1 host=0 run=2 traced=graph
bench id=0 protocol=udp-pingpong target=8 ok=yes wins=4 host=0 run=2 traced=no
"""


def main():
    with tempfile.NamedTemporaryFile("w", suffix=".log") as f:
        f.write(TRACE)
        f.flush()
        time, calls, turns = graph.parse(f.name)
    mether = time["latgraph"]
    fault = ("mether_vm_fault",)
    wait = fault + ("mether_wait_here",)
    report(turns == {"latgraph": 2},
           "the turns come from the graphed run's wins only", repr(turns))
    report(mether[fault] == 14.0 and calls["latgraph"][fault] == 2,
           "a root's closes add up, with its calls", repr(dict(mether)))
    report(mether[wait] == 10.0,
           "a close before its open is not charged", repr(dict(mether)))
    report(mether[wait + ("schedule_timeout",)] == 3.0 and
           mether[fault + ("mether_map_copy",)] == 2.0,
           "a leaf goes under the calls open in its own task",
           repr(dict(mether)))
    report(mether[("sock_recvmsg",)] == 9.0,
           "another benchmark task's lines keep their own nesting",
           repr(dict(mether)))
    report(("handle_mm_fault",) not in mether,
           "other processes' lines are left out", repr(dict(mether)))
    report(mether[("mether_ioctl_purge",)] == 1000.0,
           "durations with the tracer's marks (+ ! #) are read",
           repr(dict(mether)))
    rows = graph.table(mether, calls["latgraph"], turns["latgraph"], 2)
    report(rows == [("mether_ioctl_purge", 0.5, 500.0),
                    ("mether_vm_fault", 1.0, 7.0)],
           "the table is per turn, longest first, cut at --top", repr(rows))
    return 1 if report.failed else 0


if __name__ == "__main__":
    sys.exit(main())
