#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""tests/host/metherwire.py's seal and open, and the Wireshark dissector,
on the host (seconds).

The host-side tests forge packets with metherwire.py and open what the
kernel sealed, so its AEAD must be XChaCha20-Poly1305 as published:
its seal gives the ciphertext and tag of draft-irtf-cfrg-xchacha's
vector (appendix A.3.1) and opens them, its nonce is the header's
sender, epoch and counter (Documentation/wire.rst), a packet it sealed
opens, and one changed bit anywhere, a foreign key or a cut packet does
not.

tools/wireshark/mether.lua finds Mether packets on any UDP port with no
option: tshark decodes each packet metherwire.py built, sealed or not,
field for field as metherwire.py reads it, and claims no other UDP
packet (wrong magic, a version that never was, too short for a header).
The port preference still works with the heuristic turned off.

Prints "ok NAME" / "not ok NAME" and exits 1 when any check failed.
"""
import os
import struct
import subprocess
import sys
import tempfile

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(TOP, "tests/host"))
import metherwire as wire  # noqa: E402  (the path above)
from report import Report  # noqa: E402  (tests/, the script's own)

DISSECTOR = os.path.join(TOP, "tools/wireshark/mether.lua")

report = Report("wire")


def flip(data, at):
    """@data with the low bit of byte @at changed."""
    data = bytearray(data)
    data[at] ^= 1
    return bytes(data)


# draft-irtf-cfrg-xchacha-03, A.3.1: AEAD_XChaCha20_Poly1305.
DRAFT_KEY = bytes(range(0x80, 0xa0))
DRAFT_NONCE = bytes(range(0x40, 0x58))
DRAFT_AAD = bytes.fromhex("50515253c0c1c2c3c4c5c6c7")
DRAFT_PLAINTEXT = (b"Ladies and Gentlemen of the class of '99: If I could "
                   b"offer you only one tip for the future, sunscreen "
                   b"would be it.")
DRAFT_SEALED = bytes.fromhex(
    "bd6d179d3e83d43b9576579493c0e939572a1700252bfaccbed2902c21396cbb"
    "731c7f1b0b4aa6440bf3a82f4eda7e39ae64c6708c54c216cb96b72e1213b452"
    "2f8c9ba40db5d945b11b69b982c1bb9e3f3fac2bc369488f76b2383565d3fff9"
    "21f9664c97637da9768812f615c68b13b52e"
    "c0875924c1c7987947deafd8780acf49")  # the tag


def seal_checks():
    got = wire.xchacha_seal(DRAFT_KEY, DRAFT_NONCE, DRAFT_AAD,
                            DRAFT_PLAINTEXT)
    report(got == DRAFT_SEALED,
           "seal gives the XChaCha draft's ciphertext and tag (A.3.1)",
           f"want {DRAFT_SEALED.hex()}\ngot  {got.hex()}")
    report(wire.xchacha_open(DRAFT_KEY, DRAFT_NONCE, DRAFT_AAD,
                             DRAFT_SEALED) == DRAFT_PLAINTEXT,
           "open gives the XChaCha draft's plaintext back")
    report(wire.xchacha_open(DRAFT_KEY, DRAFT_NONCE, DRAFT_AAD,
                             flip(DRAFT_SEALED, len(DRAFT_SEALED) - 1))
           is None, "open refuses the draft's vector with one tag bit changed")

    # A packet: the nonce is the header's sender (4 bytes), epoch (8)
    # and counter (6) as they stand in it, then 6 zero bytes; the whole
    # header is the associated data.
    key = bytes(range(32))
    sender, epoch, counter = 0x01020304, 0x1122334455667788, 0x99AABBCCDDEE
    hdr = wire.header(type=wire.PAGE, subset=1, cluster=7, sender=sender,
                      page=60, page_version=1 << 40,
                      seal=wire.SEAL_XCHACHA, epoch=epoch, counter=counter)
    payload = bytes(range(32))
    nonce = struct.pack(">IQ", sender, epoch) + \
        counter.to_bytes(6, "big") + bytes(6)
    packet = wire.seal(key, hdr, payload)
    report(packet == hdr + wire.xchacha_seal(key, nonce, hdr, payload),
           "a packet is sealed with nonce sender, epoch, counter, 0 "
           "and its header as associated data")

    for size in (0, 32, 4096):
        body = os.urandom(size)
        packet = wire.seal(key, hdr, body)
        report(len(packet) == wire.HEADER.size + size + wire.TAG and
               packet[:wire.HEADER.size] == hdr and
               wire.unseal(key, packet) == body,
               f"a sealed packet of {size} payload bytes opens")

    packet = wire.seal(key, hdr, payload)
    refused = {
        "one header bit changed": flip(packet, 13),
        "one payload bit changed": flip(packet, wire.HEADER.size),
        "one tag bit changed": flip(packet, len(packet) - 1),
        "the tag cut short": packet[:-1],
        "no tag": packet[:wire.HEADER.size],
        "the header cut short": packet[:wire.HEADER.size - 1],
    }
    for what, bad in refused.items():
        report(wire.unseal(key, bad) is None,
               f"a sealed packet with {what} does not open")
    report(wire.unseal(flip(key, 0), packet) is None,
           "a sealed packet does not open under another key")


# What tshark must decode of each header: its fields, with the type's own
# flags apart from the subset and the seal, as metherwire.parse() gives.
DECODED = wire.FIELDS + ("subset", "seal")


def tshark(pcap, *options):
    """{frame number: {field: value}} of each frame of @pcap as tshark
    reads it with the dissector and @options: "layers", the protocols
    that took part, "data", the length of the bytes it left undecoded
    (-1: none), and the mether fields it decoded (their names without
    "mether."); and tshark's completed process."""
    names = ["mether." + f for f in DECODED] + ["mether.tag"]
    out = subprocess.run(
        ["tshark", "-X", f"lua_script:{DISSECTOR}", *options, "-r", pcap,
         "-T", "fields", "-E", "separator=/t", "-e", "frame.number",
         "-e", "frame.protocols", "-e", "data.len"] +
        [a for n in names for a in ("-e", n)],
        capture_output=True, text=True, timeout=60)
    frames = {}
    for line in out.stdout.splitlines():
        number, layers, data, *values = line.split("\t")
        got = {"layers": layers.split(":"), "data": int(data or -1)}
        for name, value in zip(names, values):
            if value:
                got[name[len("mether."):]] = value
        frames[int(number)] = got
    return frames, out


def dissector_checks():
    from scapy.all import IP, UDP, Ether, Raw, wrpcap

    key = bytes(range(32))
    mether = [  # (port, packet): tshark must decode these
        (40000, wire.seal(key, wire.header(
            type=wire.PAGE, subset=1, cluster=7, sender=4, page=60,
            page_version=1 << 40, seal=wire.SEAL_XCHACHA,
            epoch=2, counter=3), bytes(range(32)))),
        (40000, wire.header(type=wire.REQUEST, flags=1, cluster=7,
                            sender=3, page=9, epoch=5, counter=1)),
        (40001, wire.seal(key, wire.header(
            type=wire.HELLO, flags=wire.CHALLENGE, cluster=7, sender=5,
            target=4, target_epoch=0x1234567890, seal=wire.SEAL_XCHACHA,
            epoch=6, counter=(1 << 48) - 1), b"")),
        (40001, wire.seal(key, wire.header(
            type=wire.PAGE, cluster=7, sender=6, page=1, page_version=2,
            seal=wire.SEAL_XCHACHA, epoch=1, counter=2),
            os.urandom(4096))),
        (40001, wire.header(type=wire.RECLAIM, flags=wire.DONE, cluster=7,
                            sender=8, page=3, epoch=4, counter=5) +
         bytes(16)),
    ]
    magic_first = wire.header(type=wire.ACK, sender=9)
    others = [  # (port, payload): tshark must not claim these
        (40000, bytes(range(wire.HEADER.size + 32))),
        (40000, wire.header(version=0, type=wire.ACK, sender=9)),
        (40001, wire.header(version=wire.VERSION + 1, type=wire.ACK)),
        (40001, wire.header(version=0xff, type=wire.ACK)),
        (40000, magic_first[:wire.HEADER.size - 1]),
        (40001, magic_first + b"x"),      # longer than an ACK
        (40001, wire.header(type=wire.GRANT + 1)),
        (40001, b"MTHR\x05" + bytes(67)),  # version 5's magic and length
    ]
    frames = [Ether() / IP(src="10.77.0.1", dst="10.77.0.255") /
              UDP(sport=port, dport=port) / Raw(payload)
              for port, payload in mether + others]
    with tempfile.TemporaryDirectory() as tmp:
        pcap = os.path.join(tmp, "wire.pcap")
        wrpcap(pcap, frames)
        found, out = tshark(pcap)
        heuristic_off, _ = tshark(pcap, "--disable-heuristic", "mether_udp")
        port_pref, _ = tshark(pcap, "--disable-heuristic", "mether_udp",
                              "-o", "mether.port:40000")
    report(len(found) == len(frames),
           f"tshark reads the {len(frames)} frames of the capture",
           out.stderr)

    def decoded(frames_seen, number):
        return "mether" in frames_seen.get(number, {}).get("layers", [])

    for n, (port, packet) in enumerate(mether, 1):
        h = wire.parse(packet)
        got = found.get(n, {})
        want = {f: h[f] for f in DECODED}
        fields = {f: int(got[f], 0) for f in DECODED if f in got}
        sealed = h["seal"] == wire.SEAL_XCHACHA
        kind = {wire.PAGE: "PAGE", wire.REQUEST: "REQUEST",
                wire.ACK: "ACK", wire.HELLO: "HELLO",
                wire.RECLAIM: "RECLAIM"}[h["type"]]
        what = (f"{'a sealed' if sealed else 'an unsealed'} {kind} "
                f"version {h['version']} on port {port}")
        report(decoded(found, n) and fields == want and
               ("tag" in got) == sealed and
               (not sealed or bytes.fromhex(got["tag"].replace(":", ""))
                == packet[-wire.TAG:]),
               f"tshark decodes {what} as Mether with no option, "
               "field for field", f"want {want}\ngot  {got}")
    # Unclaimed, they are left to the data dissector, whole.
    claimed = [n for n, (port, p) in enumerate(others, len(mether) + 1)
               if decoded(found, n) or
               found.get(n, {}).get("data") != len(p)]
    report(not claimed,
           f"tshark leaves as data all {len(others)} other UDP packets "
           f"(no magic, version 0, {wire.VERSION + 1} or 255, too short, "
           "too long, no such type, version 5)",
           f"claimed frames {claimed}: " +
           "; ".join(str(found.get(n)) for n in claimed))
    report(len(heuristic_off) == len(frames) and
           not any(decoded(heuristic_off, n) for n in heuristic_off),
           "with the heuristic off, nothing on ports 40000-40001 is Mether")
    # The cluster's port decodes all that has the magic and a header's
    # length, whatever its version: a forgery with a bad one included.
    want = [n for n, (port, p) in enumerate(mether + others, 1)
            if port == 40000 and wire.parse(p) and
            wire.parse(p)["magic"] == wire.MAGIC]
    got = sorted(n for n in port_pref if decoded(port_pref, n))
    report(got == want,
           "with the heuristic off, -o mether.port:40000 decodes what has "
           "the magic there, and only there",
           f"want frames {want}, got {got}")


seal_checks()
dissector_checks()
sys.exit(1 if report.failed else 0)
