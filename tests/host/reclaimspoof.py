#!/usr/bin/python3
"""Host side of tests/guest/reclaimspoof.sh: forged and replayed RECLAIMs
and DONEs, sent from the test namespace to an unsealed two-host cluster
(anyone on its segment can send them). Each step waits for the guests'
marker, sends, and serves its own marker (spoof-*-sent) beside them:

  A  a RECLAIM of host 2, which both hosts hear alive;
  B  a RECLAIM of a silent phantom host 7 from a made-up coordinator 9,
     then DONEs of another sender and another reclaim number; once
     guest 1 says its handoff still waits, the right DONE;
  C  the same RECLAIM 20 times at 5 a second, then 30 at once, then
     its DONE;
  D  exact replays of one RECLAIM and one DONE.

The guests check what each changed. Prints "ok NAME" / "not ok NAME".
"""
import os
import socket
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import metherwire as wire  # noqa: E402
from guests import fetch, report, serve, wait_reached  # noqa: E402

PORT = 7799
CLUSTER = 51
BCAST = "10.77.0.255"
PHANTOM, COORDINATOR, OTHER = 7, 9, 8
PAUSE_MS = 30000
DONE = 0x01                     # RECLAIM's flag (Documentation/wire.rst)



class Sender:
    """Unsealed packets of made-up hosts, each with its own counter. A
    host takes nothing of a sender until it answers a CHALLENGE in its
    epoch (wire version 5 and later): join() makes a made-up host heard so, and
    the hosts in live answer every CHALLENGE aimed at them."""

    def __init__(self):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
        self.sock.bind((os.environ["METHER_HOST_ADDR"], 0))
        self.epoch = time.time_ns()
        self.counter = {}
        self.epochs = {}
        self.live = set()
        self.lock = threading.Lock()
        rx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        rx.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        rx.bind(("", PORT))
        threading.Thread(target=self.answer, args=(rx,), daemon=True).start()

    def answer(self, rx):
        while True:
            data = rx.recv(65536)
            c = wire.parse(data)
            if not c or c["type"] != wire.HELLO or \
                    c["flags"] != wire.CHALLENGE:
                continue
            host = c["target"]
            with self.lock:
                if host not in self.live or \
                        c["target_epoch"] != self.epochs.get(host, 0) & \
                        0xFFFFFFFF:
                    continue
                self.counter[host] += 1
                reply = wire.answer(None, data, host, self.epochs[host],
                                    self.counter[host], CLUSTER)
            self.send(reply)

    def join(self, sender, epoch=None):
        """@sender says HELLO and answers the CHALLENGEs it earns."""
        with self.lock:
            self.live.add(sender)
        self.send(self.packet(sender, wire.HELLO, epoch=epoch))
        time.sleep(3)

    def packet(self, sender, ptype, flags=0, seq=0, page=0, payload=b"",
               epoch=None):
        with self.lock:
            self.epochs[sender] = epoch or self.epoch
            self.counter[sender] = self.counter.get(sender, 0) + 1
            counter = self.counter[sender]
        return wire.header(type=ptype, flags=flags, cluster=CLUSTER,
                           sender=sender, seq=seq, page=page,
                           seal=wire.SEAL_NONE,
                           epoch=epoch or self.epoch,
                           counter=counter) + payload

    def send(self, data):
        self.sock.sendto(data, (BCAST, PORT))


def reclaim_body(host, epoch):
    return (host.to_bytes(4, "big") + PAUSE_MS.to_bytes(4, "big") +
            epoch.to_bytes(8, "big"))


def mark(served, name):
    open(os.path.join(served, name), "w").close()


def main(served):
    guests = range(int(os.environ["METHER_GUESTS"]))
    if not wait_reached(guests, "spoof-up", 3600):
        report(False, "the guests never came up for the spoofed reclaims")
        return 1
    tx = Sender()
    said = fetch(0, "spoof-up")
    if not said or not said.isdigit():
        report(False, f"guest 0 says host 2's epoch is {said!r}")
        return 1
    host2_epoch = int(said)
    report(True, f"guest 0 says host 2's epoch is {host2_epoch}")

    for host in (COORDINATOR, OTHER):
        tx.join(host)
    # A: host 2 is alive on both hosts.
    tx.send(tx.packet(COORDINATOR, wire.RECLAIM, seq=100,
                      payload=reclaim_body(2, host2_epoch)))
    mark(served, "spoof-a-sent")
    report(True, "A: sent a RECLAIM of live host 2")

    # B: the phantom says HELLO once, falls silent, and is "reclaimed".
    if not wait_reached(guests, "spoof-b-ready", 600):
        report(False, "B: the guests never got ready")
        return 1
    phantom_epoch = time.time_ns()
    tx.join(PHANTOM, phantom_epoch)
    with tx.lock:
        tx.live.discard(PHANTOM)
    time.sleep(3)               # host_timeout_ms=1000 in the guests
    body = reclaim_body(PHANTOM, phantom_epoch)
    tx.send(tx.packet(COORDINATOR, wire.RECLAIM, seq=200, payload=body))
    time.sleep(0.5)
    done_other = tx.packet(OTHER, wire.RECLAIM, flags=DONE, seq=200,
                           payload=body)
    done_seq = tx.packet(COORDINATOR, wire.RECLAIM, flags=DONE,
                         seq=201, payload=body)
    for p in (done_other, done_seq):
        tx.send(p)
    mark(served, "spoof-b-sent")
    report(True, "B: sent a RECLAIM of silent host 7, then DONEs of "
           "another sender and of another reclaim")
    if not wait_reached([1], "spoof-b-blocked", 600):
        report(False, "B: guest 1 never said its handoff waits")
        return 1
    done_b = tx.packet(COORDINATOR, wire.RECLAIM, flags=DONE, seq=200,
                       payload=body)
    tx.send(done_b)
    mark(served, "spoof-b-done")
    report(True, "B: sent the reclaim's own DONE")

    # C: one reclaim asked again and again.
    if not wait_reached(guests, "spoof-c-ready", 600):
        report(False, "C: the guests never got ready")
        return 1
    first_c = tx.packet(COORDINATOR, wire.RECLAIM, seq=300, payload=body)
    tx.send(first_c)
    for _ in range(19):
        time.sleep(0.2)
        tx.send(tx.packet(COORDINATOR, wire.RECLAIM, seq=300, payload=body))
    time.sleep(0.5)
    for _ in range(30):
        tx.send(tx.packet(COORDINATOR, wire.RECLAIM, seq=300, payload=body))
    time.sleep(2)               # the last OFFERs go out
    tx.send(tx.packet(COORDINATOR, wire.RECLAIM, flags=DONE, seq=300,
                      payload=body))
    mark(served, "spoof-c-sent")
    report(True, "C: sent one RECLAIM 20 times at 5 a second, 30 at "
           "once, then its DONE")

    # D: exact replays.
    if not wait_reached(guests, "spoof-d-ready", 600):
        report(False, "D: the guests never got ready")
        return 1
    tx.send(first_c)
    tx.send(done_b)
    mark(served, "spoof-d-sent")
    report(True, "D: replayed a RECLAIM and a DONE as they were")
    if not wait_reached(guests, "spoof-checked", 600):
        report(False, "the guests never finished checking")
        return 1
    return 0


if __name__ == "__main__":
    SERVED = serve("reclaimspoof")
    status = 1
    try:
        status = main(SERVED)
    finally:
        # The guests wait for each step's marker: tell them there will be
        # no more rather than let them wait out their timeouts.
        if status:
            mark(SERVED, "spoof-abort")
    sys.exit(status)
