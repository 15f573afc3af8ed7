#!/usr/bin/python3
"""Where the final protocol's increment spends its time (issue 16), from
what two guests reported (bench/guest/latency.sh).

    latency.py RESULT_LOG... --label LABEL [--out bench/results]

Prints, and writes to latency.csv under the label (rows of an older run
under the same label are replaced), and draws latency.png from every
label's stages there (host 0's medians, each label a bar, and the UDP
ping-pong's last):
  - per host, each stage of one increment from the traced run: median,
    minimum and maximum in microseconds over every increment whose
    events were all seen;
  - per host, the data-driven waits of the traced run that ended with
    no arrival (out of all its waits);
  - the untraced runs' microseconds and context switches (of both
    processes, voluntary or not) per increment: the final protocol
    (sealed) on the broadcast address and on a multicast group
    (final-multicast), unsealed on the broadcast address
    (final-unsealed), with the paper's separate calls in a turn instead
    of METHER_IOC_PURGE_WAIT (final-separate), a user-space UDP
    ping-pong, and the same through a WireGuard tunnel (the
    authenticated alternative); median and range,
    and their ratios run by run (each run's counts back to back in the
    same boot).

The stages, for one increment on one host, in the order they happen
(each begins where the one before ends). Where the receive work opens
the page's packet (before 2026-12-03):
  stack_to_open   the page's packet reaches the stack (netif_receive_skb)
                  until Mether has opened it (mether_packet_rx): the
                  receive work's wake-up, recvmsg and the seal
  open_to_wakeup  until the counting process is woken (sched_wakeup): the
                  copy is made and swapped in, its views unmapped
  wakeup_to_run   until it runs again, back in its fault (fault_wait)
Where the waiting fault opens it itself (mether_wait_here()):
  stack_to_wakeup the packet reaches the stack until the socket wakes
                  the counting process (sched_wakeup)
  wakeup_to_open  until it has read and opened the packet
  open_to_run     until its fault wait ends: the copy is made and
                  swapped in, its views unmapped
Both:
  stack_to_run    the sum: from the stack to the end of the fault's wait
  run_to_mapped   until the fault has mapped the new copy (mether_fault)
  mapped_to_send  until its own page is sealed and handed to the socket
                  (mether_packet_tx): user space reads and writes, and
                  the PURGE of its page publishes
  send_to_wire    until the device sends it (net_dev_xmit)
  send_to_return  from handing it to the socket until PURGE returns
  away            from the device sending it until the other host's
                  answer reaches the stack: two wire crossings and the
                  other host's whole turn

The same for a traced turn of the UDP ping-pong (udp_ rows), where each
has a counterpart of the same work:
  stack_to_wakeup   the answer reaches the stack until the program is
                    woken in recv (Mether: stack_to_open and
                    open_to_wakeup)
  wakeup_to_return  until recv returns (wakeup_to_run, run_to_mapped)
  return_to_send    until it calls send (mapped_to_send)
  send_to_wire      until the device sends it
  send_to_return    until send returns
"""
import argparse
import collections
import csv
import os
import re
import sys

from benchlib import pyplot, spread

STAGES = ["stack_to_run", "stack_to_open", "open_to_wakeup",
          "wakeup_to_run", "stack_to_wakeup", "wakeup_to_open",
          "open_to_run", "run_to_mapped", "mapped_to_send",
          "send_to_wire", "send_to_return", "away"]
FIELDS = ["label", "host", "what", "median_us", "min_us", "max_us", "n"]


def read(paths):
    """-> (Mether's events per host, the UDP ping-pong's events per host,
    bench lines): events are (seconds, task, name, fields) in trace
    order."""
    events, udp_events, bench = {}, {}, []
    for host, path in enumerate(paths):
        evs = events.setdefault(host, [])
        udp = udp_events.setdefault(host, [])
        with open(path, errors="replace") as f:
            for line in f:
                if line.startswith(("latev ", "latudp ")):
                    parts = line.split(None, 4)
                    if len(parts) < 4:
                        continue
                    fields = dict(re.findall(r"(\w+)=(\S+)",
                                             parts[4] if len(parts) > 4
                                             else ""))
                    (evs if parts[0] == "latev" else udp).append(
                        (float(parts[1]), parts[2], parts[3], fields))
                elif line.startswith("bench "):
                    bench.append(dict(re.findall(r"(\w+)=(\S+)", line)))
    return events, udp_events, bench


def is_page(ev, name, kind=None):
    return ev[2] == name and ev[3].get("type") == "PAGE" and \
        (kind is None or ev[3].get("page") == kind)


def increments(evs):
    """Yield a dict of stage -> microseconds for each increment whose
    events were all seen, in order."""
    tx = [i for i, e in enumerate(evs) if is_page(e, "mether_packet_tx")]
    if not tx:
        return
    # This host's own page: the one it publishes most (at the start it
    # may publish the other's once, as the host that holds every page).
    mine = collections.Counter(evs[i][3]["page"] for i in tx).most_common(1)[0][0]
    rx = [i for i, e in enumerate(evs) if is_page(e, "mether_packet_rx") and
          e[3].get("page") != mine]

    def last_before(i, pred, stop=0):
        for j in range(i - 1, stop - 1, -1):
            if pred(evs[j]):
                return j
        return None

    def first_after(i, pred, stop=None):
        for j in range(i + 1, len(evs) if stop is None else stop):
            if pred(evs[j]):
                return j
        return None

    for t5 in tx:
        t1 = last_before(t5, lambda e: is_page(e, "mether_packet_rx") and
                         e[3].get("page") != mine)
        if t1 is None:
            continue
        t0 = last_before(t1, lambda e: e[2] == "netif_receive_skb")
        t3 = first_after(t1, lambda e: e[2] == "mether_fault_wait" and
                         e[3].get("arrived") == "1", t5)
        # Opened in the task whose fault waited: it was woken first.
        in_task = t3 is not None and evs[t1][1] == evs[t3][1]
        if in_task:
            t2 = last_before(t1, lambda e: e[2] == "sched_wakeup",
                             t0 or 0)
        else:
            t2 = first_after(t1, lambda e: e[2] == "sched_wakeup", t5)
        t4 = first_after(t3, lambda e: e[2] == "mether_fault" and
                         e[3].get("result") == "mapped", t5) \
            if t3 is not None else None
        t6 = first_after(t5, lambda e: e[2] == "net_dev_xmit")
        t7 = first_after(t5, lambda e: e[2] == "mether_purge" and
                         e[3].get("page") == mine and
                         e[3].get("copy") == "consistent")
        nxt = [j for j in rx if j > t5]
        t0n = last_before(nxt[0], lambda e: e[2] == "netif_receive_skb",
                          t5) if nxt else None
        marks = [t0, t2, t1, t3, t4, t5] if in_task else \
            [t0, t1, t2, t3, t4, t5]
        if None in marks + [t6, t7, t0n] or marks != sorted(marks):
            continue
        at = [evs[j][0] * 1e6 for j in marks]
        stages = dict(zip(["stack_to_wakeup", "wakeup_to_open",
                           "open_to_run"] if in_task else
                          ["stack_to_open", "open_to_wakeup",
                           "wakeup_to_run"],
                          [at[1] - at[0], at[2] - at[1], at[3] - at[2]]))
        stages.update({
            "stack_to_run": at[3] - at[0],
            "run_to_mapped": at[4] - at[3],
            "mapped_to_send": at[5] - at[4],
            "send_to_wire": evs[t6][0] * 1e6 - at[5],
            "send_to_return": evs[t7][0] * 1e6 - at[5],
            "away": evs[t0n][0] * 1e6 - evs[t6][0] * 1e6,
        })
        yield stages


def udp_increments(evs):
    """Yield a dict of UDP stage -> microseconds for each turn of the
    ping-pong whose events were all seen (the answer arrived while the
    program slept in recv, so it was woken)."""
    def mine(e, name):
        return e[2] == name and e[1].startswith("mether-pingpon")

    sends = [i for i, e in enumerate(evs) if mine(e, "sys_enter_sendto")]
    for prev, t5 in zip(sends, sends[1:]):
        marks = {}
        for j in range(t5 - 1, prev, -1):
            e = evs[j]
            if "t3" not in marks and mine(e, "sys_exit_recvfrom"):
                marks["t3"] = j
            elif "t3" in marks and "t2" not in marks and \
                    e[2] == "sched_wakeup" and \
                    e[3].get("comm") == "mether-pingpong":
                marks["t2"] = j
            elif "t2" in marks and e[2] == "netif_receive_skb":
                marks["t0"] = j
                break
        t6 = next((j for j in range(t5 + 1, len(evs))
                   if evs[j][2] == "net_dev_xmit"), None)
        t7 = next((j for j in range(t5 + 1, len(evs))
                   if mine(evs[j], "sys_exit_sendto")), None)
        if len(marks) < 3 or t6 is None or t7 is None:
            continue
        at = {k: evs[j][0] * 1e6 for k, j in marks.items()}
        at5 = evs[t5][0] * 1e6
        yield {
            "stack_to_wakeup": at["t2"] - at["t0"],
            "wakeup_to_return": at["t3"] - at["t2"],
            "return_to_send": at5 - at["t3"],
            "send_to_wire": evs[t6][0] * 1e6 - at5,
            "send_to_return": evs[t7][0] * 1e6 - at5,
        }


UDP_STAGES = ["stack_to_wakeup", "wakeup_to_return", "return_to_send",
              "send_to_wire", "send_to_return"]


# The plot's parts of a turn, host 0's medians: each a name, Mether's
# stages (a label from before 2026-12-03 has the first as three) and
# the UDP ping-pong's counterparts.
PLOT_PARTS = [
    ("the packet at the stack until the waiter runs",
     [["stack_to_run"], ["stack_to_open", "open_to_wakeup", "wakeup_to_run"]],
     ["udp_stack_to_wakeup"]),
    ("until the copy is mapped (UDP: until recv returns)",
     [["run_to_mapped"]], ["udp_wakeup_to_return"]),
    ("user space and the PURGE until the send",
     [["mapped_to_send"]], ["udp_return_to_send"]),
    ("the send until the device has the packet",
     [["send_to_wire"]], ["udp_send_to_wire"]),
]


def stage_bars(rows, host="0"):
    """[(name, [µs of each PLOT_PARTS part])] from latency.csv's rows (as
    lists of strings, no header), in order: one bar per label whose
    traced run has every part on @host, then "UDP ping-pong (LABEL)" for
    the last label that traced the ping-pong."""
    got = {}
    for r in rows:
        if len(r) > 3 and r[1] == host and r[3]:
            got.setdefault(r[0], {})[r[2]] = float(r[3])
    bars, udp = [], None
    for label, stage in got.items():
        parts = []
        for _, choices, _ in PLOT_PARTS:
            found = [c for c in choices if all(s in stage for s in c)]
            parts.append(sum(stage[s] for s in found[0]) if found else None)
        if None not in parts:
            bars.append((label, parts))
        if all(u in stage for _, _, us in PLOT_PARTS for u in us):
            udp = (f"UDP ping-pong ({label})",
                   [sum(stage[u] for u in us) for _, _, us in PLOT_PARTS])
    return bars + ([udp] if udp else [])


def plot(bars, path):
    """A stacked bar of a turn's parts per label (stage_bars())."""
    plt = pyplot("latency")
    if not plt or not bars:
        return
    fig, ax = plt.subplots(figsize=(10, 0.3 * len(bars) + 1.5))
    names = [b[0] for b in bars]
    left = [0.0] * len(bars)
    for i, (part, _, _) in enumerate(PLOT_PARTS):
        widths = [b[1][i] for b in bars]
        ax.barh(names, widths, left=left, label=part)
        left = [a + w for a, w in zip(left, widths)]
    ax.invert_yaxis()
    ax.set_xlabel("µs, host 0's median (traced; each boot at its own speed)")
    ax.set_title("Where a turn of the final protocol goes, run by run")
    ax.legend(fontsize="small", loc="lower right")
    fig.tight_layout()
    fig.savefig(path, dpi=80)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("logs", nargs="+")
    ap.add_argument("--label", required=True)
    ap.add_argument("--out", default="bench/results")
    args = ap.parse_args()

    events, udp_events, bench = read(args.logs)
    rows = []
    for host, evs in sorted(events.items()):
        incs = list(increments(evs))
        if not incs:
            print(f"host {host}: no complete increment in the trace",
                  file=sys.stderr)
            return 1
        for stage in STAGES:
            values = [i[stage] for i in incs if stage in i]
            if not values:
                continue
            med, lo, hi = spread(values)
            rows.append([args.label, host, stage, round(med, 1),
                         round(lo, 1), round(hi, 1), len(values)])
        # Data-driven waits that ended with no arrival: each one a PURGE
        # that threw away a copy nobody had looked at yet, or a lost
        # packet, paid with data_driven_timeout_ms (issue 16).
        waits = [e for e in evs if e[2] == "mether_fault_wait"]
        empty = [e for e in waits if e[3].get("arrived") == "0"]
        rows.append([args.label, host, "waits_without_arrival", len(empty),
                     "", "", len(waits)])
    # The same stages of a UDP ping-pong's turn, where it has them.
    for host, evs in sorted(udp_events.items()):
        incs = list(udp_increments(evs))
        if not incs:
            continue
        for stage in UDP_STAGES:
            med, lo, hi = spread([i[stage] for i in incs])
            rows.append([args.label, host, f"udp_{stage}", round(med, 1),
                         round(lo, 1), round(hi, 1), len(incs)])
    # The untraced runs: the slower host's time per increment, per run,
    # over the span both programs time alike ("seconds" over "timed").
    per_inc = {}
    for proto in ("final", "final-separate", "final-multicast",
                  "final-unsealed", "udp-pingpong", "udp-wireguard"):
        per_run, cs = {}, {}
        for b in bench:
            if b.get("protocol") == proto and b.get("traced") == "no" and \
                    b.get("ok") == "yes" and b.get("run") != "0":
                run = b.get("run")
                us = float(b["seconds"]) * 1e6 / max(int(b["timed"]), 1)
                per_run[run] = max(per_run.get(run, 0), us)
                # Both processes' switches, per increment of the count.
                cs[run] = cs.get(run, 0) + int(b["cs"]) / int(b["target"])
        if not per_run:
            print(f"no finished untraced {proto} run", file=sys.stderr)
            continue
        per_inc[proto] = per_run
        med, lo, hi = spread(list(per_run.values()))
        rows.append([args.label, "both", f"{proto}_us_per_increment",
                     round(med, 1), round(lo, 1), round(hi, 1),
                     len(per_run)])
        med, lo, hi = spread(list(cs.values()))
        rows.append([args.label, "both", f"{proto}_cs_per_increment",
                     round(med, 2), round(lo, 2), round(hi, 2), len(cs)])
    # Ratios run by run (each run's counts ran back to back in one boot).
    for name, a, b in (("final_over_udp", "final", "udp-pingpong"),
                       ("final_separate_over_udp", "final-separate",
                        "udp-pingpong"),
                       ("one_call_over_separate", "final",
                        "final-separate"),
                       ("final_multicast_over_udp", "final-multicast",
                        "udp-pingpong"),
                       ("multicast_over_broadcast", "final-multicast",
                        "final"),
                       ("final_unsealed_over_udp", "final-unsealed",
                        "udp-pingpong"),
                       ("sealed_over_unsealed", "final", "final-unsealed"),
                       ("final_over_wireguard", "final", "udp-wireguard"),
                       ("wireguard_over_udp", "udp-wireguard",
                        "udp-pingpong")):
        ratios = [per_inc[a][r] / per_inc[b][r]
                  for r in per_inc.get(a, {}) if r in per_inc.get(b, {})]
        if not ratios:
            continue
        med, lo, hi = spread(ratios)
        rows.append([args.label, "both", name, round(med, 2),
                     round(lo, 2), round(hi, 2), len(ratios)])

    path = os.path.join(args.out, "latency.csv")
    kept = []
    if os.path.exists(path):
        with open(path) as f:
            kept = [r for r in csv.reader(f)][1:]
        kept = [r for r in kept if r and r[0] != args.label]
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(FIELDS)
        w.writerows(kept + rows)
    print(" ".join(f"{h:>14}" for h in FIELDS[1:]))
    for r in rows:
        print(" ".join(f"{str(v):>14}" for v in r[1:]))
    plot(stage_bars(kept + [[str(v) for v in r] for r in rows]),
         os.path.join(args.out, "latency.png"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
