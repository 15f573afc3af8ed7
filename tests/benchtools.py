#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""The benchmarks' arithmetic, on made-up result lines (a second).

bench/paper-table.py's host load must take the final protocol's ratio
to each baseline within a round (both hosts' CPU over the increments
both timed) and skip a round a host did not finish; its pipes must set
a sealed pipe beside TCP and TCP through WireGuard, an unsealed one
beside plain TCP. bench/ab.py must divide b by a round by round, take
the slower host's time per increment for the final protocol, and say
which rounds did not finish. bench/latency.py's plot must take host
0's stages per label, summing an old label's receive from its three
stages. A wrong sum here prints a wrong table in
make demo, which nothing else would catch.

Prints "ok NAME" / "not ok NAME" and exits 1 when any check failed.
"""
import contextlib
import importlib.util
import io
import os
import sys
import tempfile

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(TOP, "bench"))  # benchlib, as bench/ has it
from report import Report  # noqa: E402  (tests/, the script's own)

report = Report("benchtools")


def load(name, file):
    spec = importlib.util.spec_from_file_location(
        name, os.path.join(TOP, "bench", file))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def count_line(tag, proto, host, run, cpu, seconds, ok="yes"):
    return (f"{tag} id={host} protocol={proto} ok={ok} seconds={seconds} "
            f"timed=1000 host_cpu={cpu} host={host} run={run} "
            "increments=1000\n")


def check_load(table, tmp):
    # Round 1: final 0.6+0.6 s of CPU, unsealed 0.45+0.45, UDP 0.3+0.3,
    # WireGuard 0.4+0.4. Round 2: the same scaled by 2, so every ratio is
    # the same. Round 3: host 1's final did not finish, so the round has
    # no final.
    lines = []
    for run, k in ((1, 1), (2, 2)):
        for proto, cpu, sec in (("final", 0.6, 0.5),
                                ("final-unsealed", 0.45, 0.3),
                                ("udp-pingpong", 0.3, 0.2),
                                ("udp-wireguard", 0.4, 0.4)):
            for host in (0, 1):
                lines.append(count_line("load", proto, host, run,
                                        cpu * k, sec * k + host * 0.1))
    for host in (0, 1):
        lines.append(count_line("load", "final", host, 3, 9, 9,
                                "no" if host else "yes"))
        lines.append(count_line("load", "udp-pingpong", host, 3, 0.1, 0.1))
    log = os.path.join(tmp, "load.log")
    with open(log, "w") as f:
        f.writelines(lines)
    with contextlib.redirect_stdout(io.StringIO()):
        figures, md = table.write_load([log], tmp)
    got = figures.get("cpu final/udp-pingpong")
    report(got is not None and abs(got[0] - 2.0) < 1e-9 and got[3] == 2,
           "host load: final's CPU over UDP's, within each finished round",
           f"got {got}")
    got = figures.get("cpu final/udp-wireguard")
    report(got is not None and abs(got[0] - 1.5) < 1e-9,
           "host load: ... and over WireGuard's", f"got {got}")
    # CPU per increment: both hosts' seconds over the increments timed.
    got = figures.get("cpu final")
    report(got is not None and abs(got[1] - 1.2) < 1e-9 and
           abs(got[2] - 2.4) < 1e-9,
           "host load: both hosts' CPU, ms per increment", f"got {got}")
    # Wall: the slower host's (0.6 s in round 1 for 1000).
    got = figures.get("wall final")
    report(got is not None and abs(got[1] - 600) < 1e-6,
           "host load: the slower host's time per increment", f"got {got}")
    got = figures.get("cpu final-unsealed/udp-pingpong")
    report(got is not None and abs(got[0] - 1.5) < 1e-9,
           "host load: the unsealed count's CPU over UDP's", f"got {got}")
    # Wall, the slower host's: unsealed 0.4 s over UDP's 0.3 s in round
    # 1, 0.7 over 0.5 in round 2 (host 1 is 0.1 s slower in both).
    got = figures.get("wall final-unsealed/udp-pingpong")
    report(got is not None and abs(got[0] - (4 / 3 + 1.4) / 2) < 1e-9,
           "host load: ... and its wall-clock over UDP's", f"got {got}")
    report(os.path.exists(os.path.join(tmp, "host-load.csv")) and
           "| final |" in md and "| final-unsealed over udp-pingpong |" in md,
           "host load: host-load.csv and its tables")
    # The targets: unsealed against plain UDP, sealed against WireGuard.
    rows = {"final": {"wall_s": 1, "packets_per_inc": 1, "bytes_per_inc": 98,
                      "losses_per_win": 0, "cs_per_inc": 1}}
    text = "\n".join(table.targets(rows, figures))
    report("final, unsealed: wall-clock over UDP ping-pong's (median of 2 "
           "load rounds; range 1.33-1.40): 1.37 (target at most 1.0): NOT "
           "met" in text and
           "final, sealed: wall-clock over UDP through WireGuard's (median "
           "of 2 load rounds; range 1.20-1.22): 1.21" in text,
           "host load: the targets judged on the rounds' fair pairs", text)


def check_pipes(table, tmp):
    lines = []
    for kind, window, mb in (("mether", 32, 9.0), ("mether-unsealed", 32, 15.0),
                             ("tcp", 0, 90.0), ("tcp-wireguard", 0, 6.0)):
        for run in (1, 2, 3):
            lines.append(f"pipebench kind={kind} window={window} "
                         f"round={run} size=4096 count=10 seconds=1 "
                         f"mb_s={mb} msgs_s={mb * 250}\n")
    log = os.path.join(tmp, "pipes.log")
    with open(log, "w") as f:
        f.writelines(lines)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        table.write_pipes([log], tmp)
    text = out.getvalue()
    report("mether, window 32: " in text and
           "(0.100 of tcp, 1.500 of tcp-wireguard)" in text,
           "pipes: a sealed pipe beside TCP and TCP through WireGuard", text)
    report("mether-unsealed, window 32: " in text and
           "msg/s (0.167 of tcp)" in text,
           "pipes: an unsealed pipe beside plain TCP", text)
    with open(os.path.join(tmp, "pipes.csv")) as f:
        rows = f.read().splitlines()
    report(len(rows) == 3 and rows[0].endswith("tcp_wg_msgs_s_max") and
           ",6.000,6.000,6.000," in rows[1],
           "pipes: pipes.csv has the WireGuard columns", "\n".join(rows))


def check_ab(ab, tmp):
    lines = []
    # Round 1: a 400 µs an increment (slower host), b 300; pipes a 1000
    # messages a second, b 1500. Round 2: b's count did not finish.
    for host, extra in ((0, 0), (1, 0.1)):
        lines.append(f"ab build=a round=1 kind=final host={host} id={host} "
                     f"ok=yes seconds={0.3 + extra} timed=1000\n")
        lines.append(f"ab build=b round=1 kind=final host={host} id={host} "
                     f"ok=yes seconds={0.2 + extra} timed=1000\n")
        lines.append(f"ab build=a round=2 kind=final host={host} id={host} "
                     "ok=yes seconds=0.4 timed=1000\n")
        lines.append(f"ab build=b round=2 kind=final host={host} id={host} "
                     f"ok={'no' if host else 'yes'} seconds=9 timed=1000\n")
    for build, msgs in (("a", 1000), ("b", 1500)):
        lines.append(f"ab build={build} round=1 kind=pipe4k host=0 "
                     f"size=4096 msgs_s={msgs}\n")
        lines.append(f"ab build={build} round=1 kind=pipe4k host=1\n")
    log = os.path.join(tmp, "ab.log")
    with open(log, "w") as f:
        f.writelines(lines)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        status = ab.main([log])
    text = out.getvalue()
    report("| final | 1 | 400.0 | 300.0 | 0.750 |" in text,
           "ab: the slower host's time per increment, b over a", text)
    report("| final | 2 | 400.0 | - | - |" in text and
           "b over a: 0.750 [0.750-0.750], 1 rounds" in text,
           "ab: a round b did not finish is left out", text)
    report("| pipe4k | 1 | 1000.0 | 1500.0 | 1.500 |" in text,
           "ab: the pipe's messages per second, from end 0", text)
    report(status == 1 and "32-byte messages: no round finished" in text,
           "ab: a kind with no finished round fails the run", text)


def check_latency_bars(latency):
    def row(label, host, what, us):
        return [label, host, what, str(us), "", "", "500"]
    rows = [row("old", "0", s, us) for s, us in (
                ("stack_to_open", 200), ("open_to_wakeup", 100),
                ("wakeup_to_run", 50), ("run_to_mapped", 80),
                ("mapped_to_send", 120), ("send_to_wire", 300))]
    rows += [row("new", "0", s, us) for s, us in (
                ("stack_to_run", 70), ("run_to_mapped", 10),
                ("mapped_to_send", 30), ("send_to_wire", 90),
                ("udp_stack_to_wakeup", 14), ("udp_wakeup_to_return", 15),
                ("udp_return_to_send", 4), ("udp_send_to_wire", 75))]
    # Host 1's figures and a label missing a stage are left out.
    rows += [row("new", "1", "stack_to_run", 999),
             row("partial", "0", "stack_to_run", 50),
             row("new", "both", "final_over_udp", 2.0)]
    bars = latency.stage_bars(rows)
    want = [("old", [350.0, 80.0, 120.0, 300.0]),
            ("new", [70.0, 10.0, 30.0, 90.0]),
            ("UDP ping-pong (new)", [14.0, 15.0, 4.0, 75.0])]
    report(bars == want, "latency plot: host 0's stages per label, an old "
           "label's receive summed from its three stages, UDP's last",
           f"got {bars}")


def main():
    table = load("paper_table", "paper-table.py")
    ab = load("ab", "ab.py")
    latency = load("latency", "latency.py")
    with tempfile.TemporaryDirectory() as tmp:
        check_load(table, tmp)
        check_pipes(table, tmp)
        check_ab(ab, tmp)
    check_latency_bars(latency)
    return 1 if report.failed else 0


if __name__ == "__main__":
    sys.exit(main())
