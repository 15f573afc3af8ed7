#!/usr/bin/python3
"""Host side of tests/guest/forgery.sh: from the test namespace, while two
guests count, capture their Mether packets with scapy (and check that
tshark with tools/wireshark/mether.lua decodes them as metherwire.py
does, on the pages the count uses), and send back bad ones: replayed, truncated, bit-flipped, forged, and sealed under a
foreign key. It also sends one good packet, sealed with the cluster's
key by tests/host/metherwire.py, so that the refusals cannot be an
artefact of a wrong seal. What it sent, by the drop reason each must
earn, is served to the guests as /forge-counts; then /forge-done. Then
it floods them (see flood()) while they count once more, and keeps host
1 busy proving its epoch while both are idle (see proofs()).

Prints "ok NAME" / "not ok NAME" lines for run-guests.
"""
import os
import random
import socket
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import metherwire as wire  # noqa: E402
from guests import report, serve, wait_reached  # noqa: E402

from scapy.all import IP, UDP, Raw, send, sniff, wrpcap  # noqa: E402

PORT = 7795
CLUSTER = 23
BCAST = "10.77.0.255"
KEY_FILE = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                        "../guest/cluster.key")
FORGED_PAGE, GOOD_PAGE, GOOD_VALUE = 50, 60, 0xC0FFEE
FLOOD = 20000
# Forged packets name hosts nobody runs: a guest drops a packet that
# names it as sender before opening it (as "own"), never as a forgery.
FORGER = 20
COUNT_PAGES = {20, 21}          # mether-count -b 20, two participants
# proofs(): a made-up host CHALLENGEs host 1 every PROOF_GAP seconds for
# PROOF_SECONDS, over two of the guests' host timeouts (5 s).
PROVER, PROOF_GAP, PROOF_SECONDS = 30, 0.2, 12.0
HELLO_PERIOD = 1.25             # an idle host's: a quarter of 5 s
DISSECTOR = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                         "../../tools/wireshark/mether.lua")



def inject(payloads):
    for p in payloads:
        send(IP(src=os.environ["METHER_HOST_ADDR"], dst=BCAST) /
             UDP(sport=PORT, dport=PORT) / Raw(p), iface="br0", verbose=0)
        time.sleep(0.01)


def dissect(frames, sealed):
    """tshark and the Lua dissector read the capture as metherwire.py
    does: every whole packet, field for field, and the pages counted."""
    pcap = os.path.join(os.environ["METHER_OUT"], "forgery.pcap")
    wrpcap(pcap, frames)
    fields = ["mether.type", "mether.sender", "mether.counter",
              "mether.page", "mether.page_version", "mether.seal",
              "mether.target_epoch"]
    out = subprocess.run(
        ["tshark", "-X", f"lua_script:{DISSECTOR}", "-o",
         f"mether.port:{PORT}", "-r", pcap, "-Y", "mether", "-T", "fields",
         "-E", "separator=,"] + [a for f in fields for a in ("-e", f)],
        capture_output=True, text=True)
    decoded = {}
    for line in out.stdout.splitlines():
        v = line.split(",")
        if len(v) == len(fields) and all(v):
            decoded[(int(v[1]), int(v[2]))] = tuple(int(x, 0) for x in v)
    report(len(decoded) >= len(sealed) > 0,
           f"tshark decodes {len(decoded)} Mether packets "
           f"({len(sealed)} whole in the capture)")
    mismatched = 0
    for c in sealed:
        h = wire.parse(c)
        want = (h["type"], h["sender"], h["counter"], h["page"],
                h["page_version"], h["seal"], h["target_epoch"])
        mismatched += decoded.get((h["sender"], h["counter"])) != want
    report(sealed and not mismatched,
           f"tshark's fields match metherwire.py's ({mismatched} differ)")
    # HELLO, a quiet host's heartbeat, names no page (its page is 0).
    pages = {d[3] for d in decoded.values() if d[0] != wire.HELLO}
    report(pages and pages <= COUNT_PAGES,
           f"decoded pages {sorted(pages)} are the counted pages")


def main():
    rng = random.Random(1990)
    key = wire.read_key(KEY_FILE)
    served = serve("forgery")

    # The guests run other tests first; run-guests' timeout bounds this.
    if not wait_reached([0], "forge-ready", 3600):
        report(False, "guest 0 never got ready")
        return 1

    frames = sniff(iface="br0", timeout=4,
                   lfilter=lambda p: IP in p and p[IP].dst == BCAST)
    captured = [bytes(p[Raw].load) for p in frames
                if UDP in p and p[UDP].dport == PORT and Raw in p]
    # Whole packets only: a page of 4 KiB crosses the bridge as IP
    # fragments, and the capture sees the first alone.
    sealed = [c for c in captured if wire.parse(c) and
              wire.parse(c)["seal"] == wire.SEAL_XCHACHA and
              len(c) == wire.HEADER.size + wire.parse(c)["length"] + wire.TAG]
    report(len(sealed) >= 10,
           f"captured {len(sealed)} sealed Mether packets of a counting run")
    dissect(frames, sealed)
    opened = [c for c in sealed[:20] if wire.unseal(key, c) is not None]
    report(len(opened) == min(len(sealed), 20) > 0,
           f"metherwire.py opens what the kernel sealed ({len(opened)} of "
           f"{min(len(sealed), 20)})")
    if len(sealed) < 10:
        return 1

    guests = int(os.environ["METHER_GUESTS"])
    # What each guest (host g + 1) must count, reason by reason.
    expect = [{"replayed": 0, "truncated": 0, "bad_seal": 0, "own": 0}
              for _ in range(guests)]

    def unopened(c, g):
        """mether_wire_frame()'s verdict at guest @g on @c, whose magic,
        version and seal byte are right: truncated, own (it names host
        g + 1 in the cluster: dropped unopened), or None (it is opened)."""
        if len(c) < wire.HEADER.size + wire.TAG:
            return "truncated"
        h = wire.parse(c)
        if h["sender"] == g + 1 and h["cluster"] == CLUSTER:
            return "own"
        return None

    def expected(c, opened_as):
        for g in range(guests):
            expect[g][unopened(c, g) or opened_as] += 1

    out = []
    for c in sealed[:20]:                       # replayed as they were
        out.append(c)
        expected(c, "replayed")
    for c in sealed[:20]:                       # cut short
        cut = c[:rng.randrange(1, len(c))]
        out.append(cut)
        expected(cut, "bad_seal")
    for c in sealed[:20]:                       # one bit flipped
        b = bytearray(c)
        # Not magic, version or flags (bytes 0, 1, 3: the seal's flag
        # is there): those have reasons of their own, checked by KUnit.
        at = rng.choice([i for i in range(len(b)) if i not in (0, 1, 3)])
        b[at] ^= 1 << rng.randrange(8)
        out.append(bytes(b))
        expected(bytes(b), "bad_seal")
    epoch = time.time_ns()
    for n in range(20):                         # forged: a made-up tag
        hdr = wire.header(type=wire.PAGE, subset=1, cluster=CLUSTER,
                          sender=FORGER, page=FORGED_PAGE,
                          page_version=1 << 40,
                          seal=wire.SEAL_XCHACHA, epoch=epoch,
                          counter=n + 1)
        out.append(hdr + rng.randbytes(32 + wire.TAG))
        expected(out[-1], "bad_seal")
    foreign = bytes(rng.randrange(256) for _ in range(32))
    for n in range(20):                         # sealed under another key
        hdr = wire.header(type=wire.PAGE, subset=1, cluster=CLUSTER,
                          sender=FORGER + 1, page=FORGED_PAGE,
                          page_version=1 << 40,
                          seal=wire.SEAL_XCHACHA, epoch=epoch,
                          counter=n + 100)
        out.append(wire.seal(foreign, hdr, (0xBAD).to_bytes(4, "little") +
                             bytes(28)))
        expected(out[-1], "bad_seal")
    rng.shuffle(out)
    inject(out)
    # What was sent is a diagnostic: the guests' drop counters judge it.
    print(f"# sent {len(out)} bad packets; each guest drops: {expect}",
          flush=True)

    # The control: one good packet, from a host id nobody uses, which
    # first proves its epoch as a real host does (a CHALLENGE answered).
    counter, answered = wire.join(key, CLUSTER, 9, epoch, PORT, BCAST,
                                  seconds=20.0, hosts=range(1, guests + 1))
    report(len(answered) == guests,
           f"host 9 answered the CHALLENGEs of hosts {sorted(answered)}")
    hdr = wire.header(type=wire.PAGE, subset=1, cluster=CLUSTER, sender=9,
                      page=GOOD_PAGE, page_version=1 << 40,
                      seal=wire.SEAL_XCHACHA, epoch=epoch, counter=counter)
    inject([wire.seal(key, hdr, GOOD_VALUE.to_bytes(4, "little") +
                      bytes(28))])
    print("# sent one good packet for page 60", flush=True)

    for g in range(guests):
        with open(os.path.join(served, f"forge-counts-{g}"), "w") as f:
            f.write(" ".join(f"{k}={v}" for k, v in expect[g].items()) +
                    "\n")
    open(os.path.join(served, "forge-done"), "w").close()
    # Stay up while the guests read the counts.
    if not wait_reached(range(guests), "forge-checked", 600):
        report(False, "the guests never checked the counts")
        return 1
    # Host 9 proved its epoch to both guests (its page was taken): the
    # flood's valid requests are its, with the counters that follow.
    return flood(served, key, rng, guests, epoch, counter + 1)


def flood(served, key, rng, guests, epoch, first):
    """While the guests count again, send FLOOD packets as fast as a UDP
    socket goes: junk that must be opened to be refused, and REQUESTs
    sealed with the cluster key by host 9, which proved its @epoch to
    the guests (@first: its next counter), valid but unwanted, far
    faster than the guests' request_rate (one asker: a debug guest
    reads one flood packet in twenty with its 1 MiB queue, and four
    askers came to the guest at about the rate each; and one that
    proved itself already: a host that joined just before, while a
    guest counted, was sometimes re-challenged after this script had
    stopped answering). The guests record memory before and after."""
    if not wait_reached([0], "flood-ready", 600):
        report(False, "guest 0 never got ready for the flood")
        return 1
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
    sock.bind((os.environ["METHER_HOST_ADDR"], 0))
    asker = 9
    start = time.monotonic()
    for n in range(FLOOD):
        if n % 2:
            hdr = wire.header(type=wire.PAGE, subset=0, cluster=CLUSTER,
                              sender=FORGER, page=n % 64,
                              page_version=n,
                              seal=wire.SEAL_XCHACHA, epoch=epoch,
                              counter=n + 1)
            packet = hdr + rng.randbytes(4096 + wire.TAG)
        else:
            hdr = wire.header(type=wire.REQUEST, subset=1, cluster=CLUSTER,
                              sender=asker, page=30 + n % 8,
                              seal=wire.SEAL_XCHACHA, epoch=epoch,
                              counter=first + n)
            packet = wire.seal(key, hdr, b"")
        sock.sendto(packet, (BCAST, PORT))
    seconds = time.monotonic() - start
    with open(os.path.join(served, "flood-done"), "w") as f:
        f.write(f"{FLOOD}\n")
    print(f"# flooded {FLOOD} packets in {seconds:.1f} s "
          f"({FLOOD / seconds:.0f}/s), half 4 KiB junk, half valid "
          f"requests from host {asker}", flush=True)
    if not wait_reached(range(guests), "flood-checked", 600):
        report(False, "the guests never checked the flood")
        return 1
    return proofs(served, key, rng, guests)


def epoch_of(sock, host, seconds):
    """The epoch of @host, read from its next packet; None if it sends
    none within @seconds."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            h = wire.parse(sock.recv(65536))
        except socket.timeout:
            continue
        if h and h["sender"] == host and h["cluster"] == CLUSTER:
            return h["epoch"]
    return None


def proofs(served, key, rng, guests):
    """While both guests are idle, CHALLENGE host 1 from a host nobody
    runs (PROVER), as a host coming up would, faster than host 1 says
    HELLO. Host 1 answers each, and challenges PROVER back: every packet
    it sends is a proof, which the other hosts drop unopened
    (mether_wire_elsewhere()). Such a packet once counted as host 1
    being heard: it said HELLO no more, and host 2 took it for gone. Its
    plain HELLOs must go on at their period (and the guests, looking
    once a second, must never find the other quiet for a host
    timeout)."""
    if not wait_reached(range(guests), "proofs-ready", 600):
        report(False, "the guests never got ready for the proofs")
        return 1
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
    sock.bind(("", PORT))
    sock.settimeout(0.05)
    target_epoch = epoch_of(sock, 1, 4 * HELLO_PERIOD)
    report(target_epoch is not None, "proofs: host 1's epoch, from a packet")
    if target_epoch is None:
        return 1
    epoch, sent, kinds = time.time_ns(), 0, {}
    start = time.monotonic()
    next_at = start
    while time.monotonic() < start + PROOF_SECONDS:
        if time.monotonic() >= next_at:
            sent += 1
            hdr = wire.header(type=wire.HELLO, flags=wire.CHALLENGE,
                              cluster=CLUSTER, sender=PROVER, target=1,
                              target_epoch=target_epoch,
                              page_version=rng.randrange(1, 1 << 63),
                              seal=wire.SEAL_XCHACHA, epoch=epoch,
                              counter=sent)
            sock.sendto(wire.seal(key, hdr, b""), (BCAST, PORT))
            next_at += PROOF_GAP
        try:
            h = wire.parse(sock.recv(65536))
        except socket.timeout:
            continue
        if h and h["sender"] == 1 and h["cluster"] == CLUSTER:
            kind = (h["type"], h["flags"] & (wire.CHALLENGE | wire.ANSWER))
            kinds[kind] = kinds.get(kind, 0) + 1
    sock.close()
    answers = kinds.get((wire.HELLO, wire.ANSWER), 0)
    hellos = kinds.get((wire.HELLO, 0), 0)
    print(f"# proofs: {sent} CHALLENGEs sent in {PROOF_SECONDS:.0f} s; "
          f"host 1 sent (type, flags): {kinds}", flush=True)
    report(answers >= sent // 2,
           f"proofs: host 1 answered {answers} of {sent} CHALLENGEs")
    # One every HELLO_PERIOD; half of them is a loaded guest's share.
    report(hellos >= PROOF_SECONDS / HELLO_PERIOD / 2,
           f"proofs: host 1 said HELLO {hellos} times while it answered")
    open(os.path.join(served, "proofs-done"), "w").close()
    if not wait_reached(range(guests), "proofs-checked", 600):
        report(False, "the guests never checked the proofs")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
