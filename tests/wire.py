#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""tests/host/metherwire.py's seal and open, on the host (a second).

The host-side tests forge packets with metherwire.py and open what the
kernel sealed, so its AEAD must be XChaCha20-Poly1305 as published:
its seal gives the ciphertext and tag of draft-irtf-cfrg-xchacha's
vector (appendix A.3.1) and opens them, its nonce is the header's
sender, epoch and counter (Documentation/wire.rst), a packet it sealed
opens, and one changed bit anywhere, a foreign key or a cut packet does
not.

Prints "ok NAME" / "not ok NAME" and exits 1 when any check failed.
"""
import os
import struct
import sys

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(TOP, "tests/host"))
import metherwire as wire  # noqa: E402  (the path above)

failed = 0


def report(ok, name, why=""):
    global failed
    print(("ok " if ok else "not ok ") + "wire: " + name)
    if not ok:
        failed += 1
        for line in why.splitlines():
            print("#   " + line)


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
    # and counter (8) as they stand in it, then 4 zero bytes; the whole
    # header is the associated data.
    key = bytes(range(32))
    sender, epoch, counter = 0x01020304, 0x1122334455667788, 0x99AABBCCDDEEFF00
    hdr = wire.header(type=wire.PAGE, subset=1, cluster=7, sender=sender,
                      page=60, page_version=1 << 40, length=32,
                      seal=wire.SEAL_XCHACHA, epoch=epoch, counter=counter)
    payload = bytes(range(32))
    nonce = struct.pack(">IQQ", sender, epoch, counter) + bytes(4)
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


seal_checks()
sys.exit(1 if failed else 0)
