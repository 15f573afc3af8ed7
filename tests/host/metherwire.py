"""The Mether wire format (Documentation/wire.rst) for host-side tests:
build, parse, seal and open packets exactly as mether.ko does, so that
a test can forge good ones and bad ones.

Packets are sealed with the XChaCha20-Poly1305 of libsodium (python3-nacl),
not with the kernel's lib/crypto: what they agree on is a check of both.
"""
import os
import re
import socket
import struct
import time

from nacl.bindings import crypto_aead_xchacha20poly1305_ietf_decrypt
from nacl.bindings import crypto_aead_xchacha20poly1305_ietf_encrypt
from nacl.exceptions import CryptoError

MAGIC = 0x4D                    # "M"
VERSION = 6
# magic, version, type, flags, cluster, sender, target, target_epoch,
# seq, page, page_version, epoch, then the 48-bit counter as 6 bytes.
HEADER = struct.Struct(">BBBBIIIIIIQQ6s")
assert HEADER.size == 50
TAG = 16
PAGE_SIZE, SHORT_SIZE = 4096, 32
SEAL_NONE, SEAL_XCHACHA = 0, 1
PAGE, REQUEST, ACK, HELLO, RECLAIM, OFFER, GRANT = 1, 2, 3, 4, 5, 6, 7
TYPE_FLAGS, SHORT, SEALED = 0x3F, 0x40, 0x80   # the header's flags
HANDOFF = 0x01                  # PAGE
CHALLENGE, ANSWER = 0x01, 0x02  # HELLO
DONE, NOTICE = 0x01, 0x02       # RECLAIM
UAPI_HEADER = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                           "../../include/uapi/linux/mether.h")


def drop_reasons(path=UAPI_HEADER):
    """enum mether_drop_reason's names, lower case, in order (reason n is
    entry n - 1): read from the uapi header, the only list of them."""
    with open(path) as f:
        body = re.search(r"enum mether_drop_reason \{(.*?)\};", f.read(),
                         re.S).group(1)
    return [n.lower() for n in re.findall(r"^\s*METHER_DROP_(\w+)", body, re.M)]


DROP_REASONS = drop_reasons()
FIELDS = ("magic", "version", "type", "flags", "cluster", "sender",
          "target", "target_epoch", "seq", "page", "page_version", "epoch",
          "counter")


def payload_bytes(ptype, subset):
    """The payload a packet of @ptype about @subset carries
    (mether_wire_payload_bytes())."""
    if ptype == PAGE:
        return SHORT_SIZE if subset else PAGE_SIZE
    return {OFFER: PAGE_SIZE, RECLAIM: 16}.get(ptype, 0)


def header(subset=0, seal=SEAL_NONE, **kw):
    """Header bytes; fields not given are 0 (magic, version: correct).
    @subset (1: short) and @seal go into the header's flags; the type's
    own flags are @flags; @target_epoch is cut to its low 32 bits, as
    the kernel sends it."""
    values = dict.fromkeys(FIELDS, 0)
    values.update(magic=MAGIC, version=VERSION)
    values.update(kw)
    values["flags"] |= (SHORT if subset else 0) | \
        (SEALED if seal == SEAL_XCHACHA else 0)
    values["target_epoch"] &= 0xFFFFFFFF
    values["counter"] = values["counter"].to_bytes(6, "big")
    return HEADER.pack(*(values[f] for f in FIELDS))


def parse(data):
    """The header's fields as a dict, or None when too short: "flags"
    holds the type's own, "subset" and "seal" the rest, and "length" the
    payload the type and subset call for."""
    if len(data) < HEADER.size:
        return None
    h = dict(zip(FIELDS, HEADER.unpack_from(data)))
    h["counter"] = int.from_bytes(h["counter"], "big")
    h["subset"] = 1 if h["flags"] & SHORT else 0
    h["seal"] = SEAL_XCHACHA if h["flags"] & SEALED else SEAL_NONE
    h["flags"] &= TYPE_FLAGS
    h["length"] = payload_bytes(h["type"], h["subset"])
    return h


def nonce(hdr):
    """The 24-byte nonce of a packet with header bytes @hdr: sender,
    epoch and counter as they stand in the header, then 6 zero bytes
    (mether_seal.c)."""
    hdr = bytes(hdr)
    return hdr[8:12] + hdr[36:44] + hdr[44:50] + bytes(6)


def xchacha_seal(key, nonce24, aad, plaintext):
    """XChaCha20-Poly1305 (draft-irtf-cfrg-xchacha): the ciphertext of
    @plaintext, then its 16-byte tag over it and @aad."""
    return crypto_aead_xchacha20poly1305_ietf_encrypt(
        bytes(plaintext), bytes(aad), bytes(nonce24), bytes(key))


def xchacha_open(key, nonce24, aad, sealed):
    """The plaintext of @sealed (ciphertext and tag), or None when the
    tag does not match it, @aad, @nonce24 and @key."""
    if len(sealed) < TAG:
        return None
    try:
        return crypto_aead_xchacha20poly1305_ietf_decrypt(
            bytes(sealed), bytes(aad), bytes(nonce24), bytes(key))
    except CryptoError:
        return None


def seal(key, hdr, payload):
    """The packet of header bytes @hdr and @payload, sealed under @key:
    the header, as associated data, stays readable."""
    return hdr + xchacha_seal(key, nonce(hdr), hdr, payload)


def unseal(key, packet):
    """The payload of a sealed packet, or None when it does not open."""
    hdr = packet[:HEADER.size]
    if len(hdr) < HEADER.size:
        return None
    return xchacha_open(key, nonce(hdr), hdr, packet[HEADER.size:])


def answer(key, challenge, sender, epoch, counter, cluster):
    """The ANSWER of host @sender, in @epoch, to the CHALLENGE
    @challenge aimed at it: sealed under @key, or unsealed when @key is
    None; None when a sealed CHALLENGE does not open."""
    if key is not None and unseal(key, challenge) is None:
        return None
    c = parse(challenge)
    hdr = header(type=HELLO, flags=ANSWER, cluster=cluster, sender=sender,
                 target=c["sender"], target_epoch=c["epoch"],
                 page_version=c["page_version"],
                 seal=SEAL_NONE if key is None else SEAL_XCHACHA,
                 epoch=epoch, counter=counter)
    return hdr if key is None else seal(key, hdr, b"")


def join(key, cluster, sender, epoch, port, bcast, seconds=2.0,
         hosts=None):
    """Make host id @sender, in @epoch, heard by the hosts on the segment
    as a real host is: say HELLO, and answer every CHALLENGE aimed at it
    for @seconds. With @hosts (their ids), say HELLO again every quarter
    second until each of them was answered, and stop a second later
    (answering what still comes, saying HELLO no more): a loaded host
    may drop a HELLO unread, and it challenges only what it reads.
    Returns the next counter to use and the hosts answered. The socket
    binds the cluster's port, so the network namespace must run no
    Mether host."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
    sock.bind(("", port))
    sock.settimeout(0.1)
    counter = 0
    answered = set()
    deadline = time.monotonic() + seconds
    hello_at = 0
    settling = False
    while time.monotonic() < deadline:
        if hosts is not None and set(hosts) <= answered and not settling:
            # A host that read a second HELLO may have challenged again
            # meanwhile, with a new nonce: answer what still comes for a
            # second, saying HELLO no more.
            settling = True
            deadline = min(deadline, time.monotonic() + 1.0)
        if not hello_at or (hosts is not None and not settling and
                            time.monotonic() >= hello_at + 0.25):
            counter += 1
            sock.sendto(seal(key, header(type=HELLO, cluster=cluster,
                                         sender=sender, seal=SEAL_XCHACHA,
                                         epoch=epoch, counter=counter), b""),
                        (bcast, port))
            hello_at = time.monotonic()
        try:
            data = sock.recv(65536)
        except socket.timeout:
            continue
        c = parse(data)
        if not c or c["type"] != HELLO or c["flags"] != CHALLENGE or \
                c["target"] != sender or \
                c["target_epoch"] != epoch & 0xFFFFFFFF:
            continue
        counter += 1
        reply = answer(key, data, sender, epoch, counter, cluster)
        if reply:
            sock.sendto(reply, (bcast, port))
            answered.add(c["sender"])
    sock.close()
    return counter + 1, answered


def read_key(path):
    return bytes.fromhex("".join(open(path).read().split()))
