#!/usr/bin/python3
"""Make the paper's table (Figures 4 to 9) from the "bench" lines two
guests reported (bench/guest/paper.sh), next to the paper's own figures.

    paper-table.py RESULT_LOG... --out bench/results

Writes paper-table.csv, paper-table.md and paper-table.png to --out and
prints the Markdown, with the table run unsealed beside it (seal-cost.csv);
from "pipebench" lines (bench/guest/pipebench.sh), pipes.csv (throughput of
libmether pipes, sealed and not, by window, and of TCP in the clear and
through WireGuard, one way, by message size: the median and range of the
rounds); from "load" lines (the longer counts
of paper.sh's host-load rounds), host-load.csv: both hosts' CPU and the
wall-clock time per increment of the final protocol sealed and unsealed,
the UDP ping-pong and the same through WireGuard, and each final count's
ratios to the two baselines, round by round, as the median and range of
the rounds; issue 16's targets are judged on those medians, the unsealed
count against plain UDP and the sealed one against WireGuard. Per
protocol, over both hosts:
  wall_s          the slower host's wall-clock time for the whole count,
                  from its time per increment once both sides were
                  running (each program's "seconds" over "timed")
  user_s, sys_s   CPU time of one counting process (mean of the two)
  bytes_per_s     Mether UDP payload bytes both hosts sent, per second
  packets_per_inc packets both hosts sent, per increment
  bytes_per_inc   UDP payload bytes both hosts sent, per increment
  cs_per_inc      context switches of both processes, per increment
  latency_ms      wall-clock time per increment: from one host's write
                  to the other's, the time a page takes to change hands
  losses_per_win  times a process saw no change, per time it saw one
"""
import argparse
import csv
import os
import sys

from benchlib import pyplot, spread, tagged

PROTOCOLS = ["full-page", "short-page", "purge", "purge-hysteresis",
             "short-data-driven", "final", "udp-pingpong", "tcp-pingpong",
             "udp-wireguard"]
FIELDS = ["protocol", "increments", "hosts", "wall_s", "user_s", "sys_s",
          "bytes_per_s", "packets_per_inc", "bytes_per_inc", "cs_per_inc",
          "latency_ms", "losses_per_win", "host_cpu_ms_per_inc"]
# Ethernet (14), IPv4 (20) and UDP (8) headers around each payload.
UDP_FRAME = 42
# What other rows wrap their payload in: TCP's 20-byte header and the
# 12 bytes of timestamps Linux adds; WireGuard's data header (16) and
# tag (16) around the inner IPv4 and UDP headers (28; a 4-byte counter
# makes an inner packet of 32 bytes, which needs no padding).
FRAME_OVERHEAD = {
    "tcp-pingpong": 14 + 20 + 32,
    "udp-wireguard": UDP_FRAME + 16 + 16 + 28,
}

# The paper's Figures 4 to 9: wall s, user s, sys s, network load,
# context switches per addition, latency ms, losses/wins.
PAPER = {
    "full-page": ("128", "10", "30", "66 kB/s", "4", "120", "500"),
    "short-page": ("68", "3", "17", "2.2 kB/s", "4", "68", "134"),
    "purge": ("never finished", "", "", "", "", "very high", "10,000"),
    "purge-hysteresis": ("77", "19", "50", "1 kB/s", "5", "45", "80"),
    "short-data-driven": ("68", "7", "50", "1 kB/s", "10", "65", "400"),
    "final": ("57", "0.7", "6", "0.5 kB/s", "5", "20", "3"),
}


def read_runs(paths, seal="on"):
    """protocol -> list of dicts, one per host that reported, for runs
    with the cluster sealed (seal "on") or not ("off"); the ping-pongs
    have no seal and count for both."""
    runs = {}
    for kv in tagged(paths, "bench"):
        if kv.get("seal", seal) != seal:
            continue
        proto = kv.get("protocol", "")
        if proto == "pingpong-u":
            proto = "udp-pingpong"
        elif proto == "pingpong-t":
            proto = "tcp-pingpong"
        runs.setdefault(proto, []).append(kv)
    return runs


def row_for(proto, runs):
    """The CSV row of one protocol; None figures when it did not finish."""
    hosts = runs.get(proto, [])
    row = {"protocol": proto, "hosts": len(hosts)}
    if not hosts:
        row["increments"] = ""
        return row, False
    n = int(hosts[0].get("increments", 0))
    row["increments"] = n
    done = len(hosts) == 2 and all(h.get("ok") == "yes" for h in hosts)
    if not done or not n:
        return row, False
    f = lambda k: [float(h[k]) for h in hosts]
    # Both programs time the span from the first value the other side
    # wrote to the end ("timed" increments; older logs lack it): the
    # slower host's time per increment, over the whole count.
    wall = max(float(h["seconds"]) / max(int(h.get("timed", n)), 1)
               for h in hosts) * n
    # Packets and bytes over the timed span, as the ping-pongs count
    # theirs (mether-count's span_tx_*; older logs have only the whole
    # process's, start-up included).
    if all("span_tx_packets" in h for h in hosts):
        per = sum(int(h.get("timed", n)) for h in hosts) / len(hosts)
        packets = sum(f("span_tx_packets")) * n / max(per, 1)
        payload = sum(f("span_tx_bytes")) * n / max(per, 1)
    else:
        packets = sum(f("tx_packets"))
        payload = sum(f("tx_bytes"))
    wins = sum(f("wins"))
    row.update({
        "wall_s": round(wall, 3),
        "user_s": round(sum(f("user")) / len(hosts), 3),
        "sys_s": round(sum(f("sys")) / len(hosts), 3),
        "bytes_per_s": round(payload / wall, 1) if wall else "",
        "packets_per_inc": round(packets / n, 3),
        "bytes_per_inc": round(payload / n, 1),
        "cs_per_inc": round(sum(f("cs")) / n, 2),
        "latency_ms": round(wall * 1000 / n, 3),
        "losses_per_win": round(sum(f("losses")) / wins, 2) if wins else "",
    })
    # The hosts' whole CPU time (/proc/stat, kworkers and softirq
    # included) in the timed span, both guests, per increment.
    if all("host_cpu" in h for h in hosts):
        per = sum(int(h.get("timed", n)) for h in hosts) / len(hosts)
        row["host_cpu_ms_per_inc"] = round(
            sum(f("host_cpu")) * 1000 / max(per, 1), 3)
    row["_frame_bytes_per_inc"] = round(
        (payload + FRAME_OVERHEAD.get(proto, UDP_FRAME) * packets) / n, 1)
    return row, True


def targets(rows, load=None):
    """The issue's targets for the final protocol, checked on this run:
    the time and hosts' CPU on the load rounds' median ratios when there
    are some, else on the table's single counts."""
    final, udp = rows.get("final"), rows.get("udp-pingpong")
    out = []
    if not final or "wall_s" not in final:
        return ["- final protocol did not finish: no target can be judged"]

    def judge(what, value, limit):
        verdict = "met" if value <= limit else "NOT met"
        out.append(f"- {what}: {value} (target at most {limit}): {verdict}")
    judge("final packets per increment", final["packets_per_inc"], 1.0)
    judge("final Mether payload bytes per increment",
          final["bytes_per_inc"], 100)
    judge("final losses per win", final["losses_per_win"], 3)
    judge("final context switches per increment", final["cs_per_inc"], 2)
    wg = rows.get("udp-wireguard")
    if wg and "wall_s" in wg and udp and "wall_s" in udp:
        out.append("- UDP through WireGuard over plain UDP: "
                   f"{round(wg['wall_s'] / udp['wall_s'], 2)} "
                   "(the cost of sealing, for the baseline)")
    if load and any(k.startswith("wall final") for k in load):
        # The load rounds: each Mether count beside its fair baseline in
        # the same round, unsealed against plain UDP, sealed against
        # WireGuard (issue 16), and sealed against plain UDP as well.
        for what, of, title in (
                ("wall", "final-unsealed/udp-pingpong",
                 "final, unsealed: wall-clock over UDP ping-pong's"),
                ("wall", "final/udp-wireguard",
                 "final, sealed: wall-clock over UDP through WireGuard's"),
                ("cpu", "final-unsealed/udp-pingpong",
                 "final, unsealed: hosts' CPU over UDP ping-pong's"),
                ("cpu", "final/udp-wireguard",
                 "final, sealed: hosts' CPU over UDP through WireGuard's")):
            ratio = load.get(f"{what} {of}")
            if ratio:
                judge(f"{title} (median of {ratio[3]} load rounds; range "
                      f"{ratio[1]:.2f}-{ratio[2]:.2f})",
                      round(ratio[0], 2), 1.0)
            else:
                out.append(f"- {title}: no load round finished both")
        ratio = load.get("wall final/udp-pingpong")
        if ratio:
            out.append("- final, sealed, wall-clock over plain UDP's: "
                       f"{ratio[0]:.2f} [{ratio[1]:.2f}-{ratio[2]:.2f}] "
                       "(for comparison; its target is WireGuard's)")
        return out
    # No load rounds: the table's single counts.
    cpu = final.get("host_cpu_ms_per_inc")
    if cpu is not None and udp and udp.get("host_cpu_ms_per_inc"):
        judge("final hosts' CPU per increment over UDP ping-pong's",
              round(cpu / udp["host_cpu_ms_per_inc"], 2), 1.0)
    if udp and "wall_s" in udp:
        judge("final wall-clock over UDP ping-pong's",
              round(final["wall_s"] / udp["wall_s"], 2), 1.0)
    if wg and "wall_s" in wg:
        judge("final (sealed) wall-clock over UDP through WireGuard's",
              round(final["wall_s"] / wg["wall_s"], 2), 1.0)
    return out


def markdown(rows, done, load=None):
    lines = ["# The paper's table, measured", "",
             "Counting to the number of increments between two hosts "
             "(QEMU guests, Debian's stock kernel, one segment). Paper "
             "figures (1990, two Sun 3/50s, user-level server) in "
             "brackets. Bytes are Mether UDP payload (header and page "
             "data, over the timed span); *frame* adds the headers on the "
             "wire: Ethernet, IP and UDP (TCP's for TCP; WireGuard's and "
             "the inner IP and UDP for WireGuard). *host CPU* is both "
             "guests' busy time over the timed span (all CPUs' time less "
             "their idle time in /proc/stat: kworkers and softirq "
             "included; read to 10 ms, so a count this short reads it "
             "roughly: see the host load below), per increment; user s "
             "and sys s are the counting processes' own.", "",
             "| protocol | wall s | user s | sys s | bytes/s | packets/inc "
             "| bytes/inc (frame) | cs/inc | latency ms | losses/win "
             "| host CPU ms/inc |",
             "|---|---|---|---|---|---|---|---|---|---|---|"]
    for proto in PROTOCOLS:
        r = rows[proto]
        paper = PAPER.get(proto)
        if not done[proto]:
            lines.append(f"| {proto} | did not finish | | | | | | | | | |")
            continue

        def cell(value, i):
            return f"{value} [{paper[i]}]" if paper and paper[i] else \
                f"{value}"
        lines.append(
            f"| {proto} | {cell(r['wall_s'], 0)} | {cell(r['user_s'], 1)} "
            f"| {cell(r['sys_s'], 2)} | {cell(r['bytes_per_s'], 3)} "
            f"| {r['packets_per_inc']} "
            f"| {r['bytes_per_inc']} ({r['_frame_bytes_per_inc']}) "
            f"| {cell(r['cs_per_inc'], 4)} | {cell(r['latency_ms'], 5)} "
            f"| {cell(r['losses_per_win'], 6)} "
            f"| {r.get('host_cpu_ms_per_inc', '')} |")
    lines += ["", "Targets for the final protocol:", ""] + \
        targets(rows, load)
    return "\n".join(lines) + "\n"


def plot(rows, done, path):
    plt = pyplot("paper-table")
    if not plt:
        return
    names = [p for p in PROTOCOLS if done[p]]
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4))
    ax1.bar(names, [rows[p]["latency_ms"] for p in names])
    ax1.set_ylabel("ms per increment")
    ax1.set_yscale("log")
    ax2.bar(names, [rows[p]["bytes_per_inc"] for p in names])
    ax2.set_ylabel("payload bytes per increment")
    ax2.set_yscale("log")
    for ax in (ax1, ax2):
        ax.tick_params(axis="x", labelrotation=45)
    fig.suptitle("Counting to %s between two hosts" %
                 rows[names[0]]["increments"] if names else "no run finished")
    fig.tight_layout()
    fig.savefig(path, dpi=80)


# What each kind of pipe is set against: plain TCP, and a sealed pipe
# also against TCP through WireGuard, the authenticated stream a user
# would pick instead.
PIPE_BASELINES = {"mether": ["tcp", "tcp-wireguard"],
                  "mether-unsealed": ["tcp"]}


def write_pipes(paths, out):
    """pipes.csv from the pipebench lines (bench/guest/pipebench.sh): per
    kind, window and message size, throughput as the median and range of
    the rounds, beside plain TCP's and TCP through WireGuard's; False
    when there were none."""
    runs = {}
    for kv in tagged(paths, "pipebench"):
        key = (kv["kind"], int(kv.get("window", 1)), int(kv["size"]))
        runs.setdefault(key, []).append(kv)
    if not runs:
        return False

    def figures(kind, window, size, field):
        return spread([float(kv[field])
                       for kv in runs.get((kind, window, size), [])])

    def text(f, digits):
        return "-" if f is None else \
            f"{f[0]:.{digits}f} [{f[1]:.{digits}f}-{f[2]:.{digits}f}]"

    def cols(f):
        return ["", "", ""] if f is None else [f"{x:.3f}" for x in f]

    pipes = sorted({(k, w) for k, w, _ in runs if k.startswith("mether")})
    sizes = sorted({size for _, _, size in runs})
    stats = [f"{who}_{what}{end}" for who in ("mether", "tcp", "tcp_wg")
             for what in ("mb_s", "msgs_s") for end in ("", "_min", "_max")]
    with open(os.path.join(out, "pipes.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["kind", "window", "message_bytes", "rounds"] + stats)
        for kind, window in pipes:
            for size in sizes:
                if (kind, window, size) not in runs:
                    continue
                row = [kind, window, size, len(runs[(kind, window, size)])]
                for who in (kind, "tcp", "tcp-wireguard"):
                    w0 = window if who == kind else 0
                    row += cols(figures(who, w0, size, "mb_s")) + \
                        cols(figures(who, w0, size, "msgs_s"))
                w.writerow(row)
    print("Pipes, one way, median [range] of the rounds "
          "(bench/results/pipes.csv):")
    for size in sizes:
        base = {}
        for who in ("tcp", "tcp-wireguard"):
            base[who] = figures(who, 0, size, "mb_s")
            msgs = figures(who, 0, size, "msgs_s")
            if base[who] is not None:
                print(f"  {size:>8} B  {who}: {text(base[who], 3)} MB/s, "
                      f"{text(msgs, 0)} msg/s")
        for kind, window in pipes:
            mb = figures(kind, window, size, "mb_s")
            msgs = figures(kind, window, size, "msgs_s")
            if mb is None:
                continue
            shares = [f"{mb[0] / base[b][0]:.3f} of {b}"
                      for b in PIPE_BASELINES.get(kind, ["tcp"])
                      if base.get(b) is not None]
            share = f" ({', '.join(shares)})" if shares else ""
            print(f"  {size:>8} B  {kind}, window {window}: "
                  f"{text(mb, 3)} MB/s, {text(msgs, 0)} msg/s{share}")
    return True


def write_scaling(paths, out):
    """scaling.csv (and scaling.png) from the scaling lines: per K, the
    median and range of the rounds; False when there were none."""
    rounds, idle = {}, None
    for kv in tagged(paths, "scaling"):
        rounds.setdefault(int(kv["snoopers"]), []).append(kv)
    for kv in tagged(paths, "scaling_idle"):
        idle = kv
    if not rounds:
        return False

    def figure(k, field):
        return spread([float(kv[field]) for kv in rounds[k] if field in kv])

    fields = ["snoopers", "rounds", "packets_per_update", "ms_to_all",
              "ms_to_all_min", "ms_to_all_max", "socket_drops"]
    rows = []
    for k in sorted(rounds):
        ms, ppu = figure(k, "ms_to_all"), figure(k, "packets_per_update")
        drops = figure(k, "socket_drops")
        rows.append({
            "snoopers": k, "rounds": len(rounds[k]),
            "packets_per_update": f"{ppu[0]:.3f}",
            "ms_to_all": f"{ms[0]:.2f}", "ms_to_all_min": f"{ms[1]:.2f}",
            "ms_to_all_max": f"{ms[2]:.2f}",
            "socket_drops": "" if drops is None else f"{drops[2]:.0f}",
        })
    with open(os.path.join(out, "scaling.csv"), "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=fields)
        w.writeheader()
        w.writerows(rows)
    print("One update, K snooping hosts (bench/results/scaling.csv; "
          "median [range] of the rounds):")
    for row in rows:
        print(f"  K={row['snoopers']}: {row['packets_per_update']} "
              f"packets/update, {row['ms_to_all']} "
              f"[{row['ms_to_all_min']}-{row['ms_to_all_max']}] ms until "
              f"all K have it, {row['socket_drops'] or '-'} socket drops "
              f"at most ({row['rounds']} rounds)")
    if 2 in rounds and 8 in rounds:
        two = {kv.get("round"): float(kv["ms_to_all"]) for kv in rounds[2]}
        ratio = spread([float(kv["ms_to_all"]) / two[kv.get("round")]
                        for kv in rounds[8] if kv.get("round") in two])
        if ratio:
            print(f"  K=8 over K=2, round by round: {ratio[0]:.2f} "
                  f"[{ratio[1]:.2f}-{ratio[2]:.2f}] (target: at most 1.5)")
    if idle:
        print(f"  {idle['hosts']} idle hosts: one hears "
              f"{idle['hello_rx_per_s']} HELLOs/s and sends "
              f"{idle['hello_tx_per_s']}/s; each holds "
              f"{idle.get('kib_per_host', '-')} KiB of kernel memory "
              f"(its memory cgroup)")
        if "tx_plain_per_host_s" in idle:
            print(f"  HELLOs each host sends per second: "
                  f"{idle['tx_plain_per_host_s']} plain, "
                  f"{idle['tx_challenge_per_host_s']} CHALLENGEs, "
                  f"{idle['tx_answer_per_host_s']} ANSWERs")
    plot_scaling(rows, os.path.join(out, "scaling.png"))
    return True


def plot_scaling(rows, path):
    plt = pyplot("paper-table")
    if not plt:
        return
    ks = [r["snoopers"] for r in rows]
    ms = [float(r["ms_to_all"]) for r in rows]
    err = [[m - float(r["ms_to_all_min"]) for m, r in zip(ms, rows)],
           [float(r["ms_to_all_max"]) - m for m, r in zip(ms, rows)]]
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4))
    ax1.errorbar(ks, ms, yerr=err, marker="o", capsize=3)
    ax1.set_xscale("log", base=2)
    ax1.set_yscale("log")
    ax1.set_xlabel("snooping hosts K")
    ax1.set_ylabel("ms until all K have an update")
    ax2.plot(ks, [float(r["packets_per_update"]) for r in rows], marker="o")
    ax2.set_xscale("log", base=2)
    ax2.set_ylim(0, 2)
    ax2.set_xlabel("snooping hosts K")
    ax2.set_ylabel("packets per update")
    fig.suptitle("One writer, K hosts snooping its page")
    fig.tight_layout()
    fig.savefig(path, dpi=80)


def write_jacobi(paths, out):
    """jacobi.csv from the jacobi lines; False when none were there."""
    wall, traffic = {}, {}
    for kv in tagged(paths, "jacobi"):
        hosts = int(kv["hosts"])
        if kv["kind"] == "speedup" and kv.get("same") == "yes":
            # The solve ends when its slowest rank does.
            wall[hosts] = max(wall.get(hosts, 0.0), float(kv["wall_s"]))
        elif kv["kind"] == "traffic":
            iters = int(kv["iters"])
            traffic[hosts] = (int(kv["tx_packets"]) / iters,
                              int(kv["tx_bytes"]) / iters)
    if not wall and not traffic:
        return False
    fields = ["hosts", "wall_s", "speedup", "packets_per_iter",
              "bytes_per_iter"]
    one = wall.get(1)
    print("mether-jacobi (bench/results/jacobi.csv):")
    with open(os.path.join(out, "jacobi.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(fields)
        for hosts in sorted(set(wall) | set(traffic)):
            t = wall.get(hosts)
            speedup = f"{one / t:.2f}" if one and t else ""
            ppi, bpi = traffic.get(hosts, ("", ""))
            row = [hosts, f"{t:.3f}" if t else "", speedup,
                   f"{ppi:.1f}" if ppi != "" else "",
                   f"{bpi:.0f}" if bpi != "" else ""]
            w.writerow(row)
            print(f"  {hosts} host(s): wall {row[1] or '-'} s, speedup "
                  f"{speedup or '-'}, {row[3] or '-'} packets and "
                  f"{row[4] or '-'} bytes per iteration")
    return True


def read_load(paths):
    """(protocol, run) -> the hosts' "load" lines (bench/guest/paper.sh)."""
    runs = {}
    for kv in tagged(paths, "load"):
        runs.setdefault((kv.get("protocol", ""), kv.get("run", "")),
                        []).append(kv)
    return runs


LOAD_PROTOCOLS = ["final", "final-unsealed", "udp-pingpong",
                  "udp-wireguard"]
# The load rounds' Mether counts, each set against both baselines.
LOAD_METHER = ["final", "final-unsealed"]


def load_round(hosts):
    """(CPU ms, wall µs) per increment of one count by two hosts, or None
    when it did not finish on both."""
    if len(hosts) != 2 or any(h.get("ok") != "yes" or "host_cpu" not in h
                              for h in hosts):
        return None
    timed = [max(int(h["timed"]), 1) for h in hosts]
    cpu = sum(float(h["host_cpu"]) for h in hosts) * 1000 / \
        (sum(timed) / 2)
    wall = max(float(h["seconds"]) / t for h, t in zip(hosts, timed)) * 1e6
    return cpu, wall


def write_load(paths, out):
    """host-load.csv and its Markdown from the load rounds: per protocol,
    the median and range of the rounds' CPU and wall-clock time per
    increment, and the final protocol's ratios to the baselines, each
    taken within a round. Returns (figures, Markdown); figures maps
    "cpu PROTO", "wall PROTO", "cpu final/PROTO" and "wall final/PROTO"
    to (median, min, max, rounds)."""
    runs = read_load(paths)
    rounds = sorted({run for _, run in runs})
    per = {(p, r): load_round(runs.get((p, r), []))
           for p in LOAD_PROTOCOLS for r in rounds}
    figures = {}

    def keep(name, values):
        got = spread(values)
        if got:
            figures[name] = got + (len(values),)

    for p in LOAD_PROTOCOLS:
        for i, what in enumerate(["cpu", "wall"]):
            keep(f"{what} {p}",
                 [per[(p, r)][i] for r in rounds if per[(p, r)]])
            for m in LOAD_METHER if p not in LOAD_METHER else []:
                keep(f"{what} {m}/{p}",
                     [per[(m, r)][i] / per[(p, r)][i] for r in rounds
                      if per[(m, r)] and per[(p, r)] and per[(p, r)][i]])
    if not figures:
        return {}, ""
    units = {"cpu": "ms per increment, both hosts",
             "wall": "µs per increment"}
    with open(os.path.join(out, "host-load.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["what", "of", "rounds", "median", "min", "max", "unit"])
        for name, (med, lo, hi, n) in figures.items():
            what, of = name.split(" ")
            unit = "ratio" if "/" in of else units[what]
            w.writerow([what, of, n, f"{med:.4f}", f"{lo:.4f}",
                        f"{hi:.4f}", unit])
    n = runs[next(iter(runs))][0].get("increments", "?")
    lines = ["", "## Host load", "",
             f"Counts of {n} (longer than the table's, so that the hosts' "
             "CPU, read to 10 ms, is read to a few per cent), in rounds: "
             "each round the final protocol sealed and unsealed, the UDP "
             "ping-pong and the same through WireGuard, one after the "
             "other. Median [range] of the rounds; a ratio is taken within "
             "each round (bench/results/host-load.csv).", "",
             "| protocol | hosts' CPU ms/inc | wall µs/inc |",
             "|---|---|---|"]

    def text(name, digits):
        f = figures.get(name)
        return "-" if not f else \
            f"{f[0]:.{digits}f} [{f[1]:.{digits}f}-{f[2]:.{digits}f}]"
    for p in LOAD_PROTOCOLS:
        lines.append(f"| {p} | {text('cpu ' + p, 3)} | "
                     f"{text('wall ' + p, 0)} |")
    lines += ["", "| ratio, round by round | hosts' CPU | wall |",
              "|---|---|---|"]
    for m in LOAD_METHER:
        for p in LOAD_PROTOCOLS:
            if p not in LOAD_METHER:
                lines.append(f"| {m} over {p} | {text(f'cpu {m}/{p}', 2)} "
                             f"| {text(f'wall {m}/{p}', 2)} |")
    return figures, "\n".join(lines) + "\n"


def write_seal_cost(rows, out):
    """seal-cost.csv: each Mether protocol sealed and not, same run."""
    fields = ["protocol", "wall_s_sealed", "wall_s_unsealed",
              "bytes_per_inc_sealed", "bytes_per_inc_unsealed",
              "sys_s_sealed", "sys_s_unsealed"]
    lines = ["", "## The cost of the seal", "",
             "Each protocol once more with the cluster unsealed "
             "(`metherctl up --unsealed`), right after its sealed count in "
             "the same boot: XChaCha20-Poly1305 adds a "
             "16-byte tag to every packet and the work of sealing and "
             "opening it.", "",
             "| protocol | wall s sealed | unsealed | bytes/inc sealed "
             "| unsealed | sys s sealed | unsealed |",
             "|---|---|---|---|---|---|---|"]
    with open(os.path.join(out, "seal-cost.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(fields)
        for proto in PROTOCOLS[:6]:
            on, off = rows["on"][proto], rows["off"][proto]
            vals = [on.get("wall_s", ""), off.get("wall_s", ""),
                    on.get("bytes_per_inc", ""), off.get("bytes_per_inc", ""),
                    on.get("sys_s", ""), off.get("sys_s", "")]
            w.writerow([proto] + vals)
            lines.append(f"| {proto} | " +
                         " | ".join(str(v) if v != "" else "-"
                                    for v in vals) + " |")
    return "\n".join(lines) + "\n"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("logs", nargs="+")
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    runs = read_runs(args.logs)
    rows, done = {}, {}
    for proto in PROTOCOLS:
        rows[proto], done[proto] = row_for(proto, runs)
    unsealed = read_runs(args.logs, seal="off")
    rows_off = {p: row_for(p, unsealed)[0] for p in PROTOCOLS}
    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, "paper-table.csv"), "w",
              newline="") as f:
        w = csv.DictWriter(f, fieldnames=FIELDS, extrasaction="ignore")
        w.writeheader()
        for proto in PROTOCOLS:
            w.writerow(rows[proto])
    load, load_md = write_load(args.logs, args.out)
    md = markdown(rows, done, load) + load_md + \
        write_seal_cost({"on": rows, "off": rows_off}, args.out)
    with open(os.path.join(args.out, "paper-table.md"), "w") as f:
        f.write(md)
    plot(rows, done, os.path.join(args.out, "paper-table.png"))
    print(md)
    write_pipes(args.logs, args.out)
    write_scaling(args.logs, args.out)
    write_jacobi(args.logs, args.out)
    return 0 if all(done.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
