#!/usr/bin/python3
"""Host side of tests/guest/replay.sh: record, with scapy on the test
network, the sealed traffic of the hosts r1 to r3 (10.77.0.11 to 13,
bridged out of guest 0) while they count, then replay all of it, paced,
into the restarted hosts; record their HELLOs again later, and replay
the packets of the dead r3 while it is reclaimed. What it did is served
to the guest on port 8078 (recorded, replayed-NAME: the packets sent).

A 4 KiB page crosses the bridge as IP fragments, so the capture filters
on addresses, not on the UDP port, and reassembles the datagrams. A
burst of a few hundred datagrams overflows a guest's socket queue: the
replay is paced.

Prints "ok NAME" / "not ok NAME" lines for run-guests.
"""
import collections
import os
import socket
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import metherwire as wire  # noqa: E402
from guests import report, serve, wait_reached  # noqa: E402

from scapy.all import IP, UDP, AsyncSniffer, defragment, sniff  # noqa: E402

PORT = 7796
BCAST = "10.77.0.255"
HOSTS = {"10.77.0.11": 1, "10.77.0.12": 2, "10.77.0.13": 3}
DEAD = 3
PACE = 0.004                    # seconds between replayed datagrams
KEY_FILE = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                        "../guest/cluster.key")


def ours(p):
    """Sent by one of the hosts: by address, as fragments carry no port."""
    return IP in p and p[IP].src in HOSTS



def datagrams(frames):
    """The whole Mether datagrams in @frames: (source host, payload)."""
    out = []
    for p in defragment(frames):
        if IP in p and UDP in p and p[UDP].dport == PORT and \
                p[IP].src in HOSTS:
            out.append((HOSTS[p[IP].src], bytes(p[UDP].payload)))
    return out


def describe(recording, key):
    """Packets by sender and type, and whether they are sealed as
    metherwire.py seals (only for this version of the format)."""
    kinds = collections.Counter()
    opened = 0
    for host, data in recording:
        h = wire.parse(data)
        if h and h["version"] == wire.VERSION:
            kinds[(host, h["type"], h["flags"])] += 1
            opened += wire.unseal(key, data) is not None
    return kinds, opened


def replay(sock, packets):
    for _, data in packets:
        sock.sendto(data, (BCAST, PORT))
        time.sleep(PACE)
    return len(packets)


def publish(served, name, text=""):
    with open(os.path.join(served, name), "w") as f:
        f.write(text)


def main():
    key = wire.read_key(KEY_FILE)
    served = serve("replay")
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
    sock.bind((os.environ["METHER_HOST_ADDR"], 0))

    # The guests run other tests first; run-guests' timeout bounds this.
    if not wait_reached([0], "replay-record", 3600):
        report(False, "replay: guest 0 never got ready")
        return 1
    sniffer = AsyncSniffer(iface="br0", lfilter=ours)
    sniffer.start()
    time.sleep(1)
    publish(served, "recording")
    if not wait_reached([0], "replay-counted", 1800):
        sniffer.stop()
        report(False, "replay: the hosts never finished counting")
        return 1
    time.sleep(1)
    recording = datagrams(sniffer.stop())
    kinds, opened = describe(recording, key)
    report(len(recording) >= 300,
           f"replay: recorded {len(recording)} whole datagrams of r1 to r3")
    report(opened == sum(kinds.values()) > 0,
           f"replay: metherwire.py opens the {opened} of version "
           f"{wire.VERSION} (a recording of another version is replayed "
           "all the same)")
    pages = sum(n for (_, t, f), n in kinds.items()
                if t == wire.PAGE and f & wire.HANDOFF)
    report(pages > 0 or not kinds,
           f"replay: {pages} of them are handoffs")
    publish(served, "recorded", " ".join(
        f"r{h}:type{t}/{f:#x}={n}" for (h, t, f), n in sorted(kinds.items())))

    for name in ("down-up", "reload"):
        if not wait_reached([0], f"replay-{name}", 1800):
            report(False, f"replay: guest 0 never asked for the {name} one")
            return 1
        start = time.monotonic()
        sent = replay(sock, recording)
        report(True, f"replay: {name}: replayed {sent} datagrams in "
               f"{time.monotonic() - start:.1f} s")
        publish(served, f"replayed-{name}", f"{sent}\n")

    if not wait_reached([0], "replay-record-2", 1800):
        report(False, "replay: guest 0 never asked for the second recording")
        return 1
    second = datagrams(sniff(iface="br0", lfilter=ours, timeout=3))
    hellos = sum(1 for h, d in second if h == DEAD)
    report(hellos > 0, f"replay: recorded {hellos} packets of r{DEAD}'s "
           "current life")
    publish(served, "recorded-2")

    if not wait_reached([0], "replay-hellos", 1800):
        report(False, "replay: guest 0 never asked for the HELLOs")
        return 1
    dead = [(h, d) for h, d in recording + second if h == DEAD]
    sent = 0
    start = time.monotonic()
    # Until the guest has reclaimed r3 (or a minute).
    while time.monotonic() < start + 60 and \
            not wait_reached([0], "replay-reclaimed", 0):
        sent += replay(sock, dead)
    report(sent > 0, f"replay: replayed r{DEAD}'s {len(dead)} packets, "
           f"{sent} in all, for {time.monotonic() - start:.0f} s")
    publish(served, "replayed-hellos", f"{sent}\n")
    # Stay up while the guest reads what was served.
    time.sleep(5)
    return 0


if __name__ == "__main__":
    sys.exit(main())
