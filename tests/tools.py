#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""The tools' handling of their arguments, on the host, with no module.

metherctl(8): a usage error (an unknown command or option, a missing or
extra argument, a number that is not one or out of range, a bad key file)
exits 2 before the device is opened; what passes those checks goes on to
open the device. Every metherctl run here names a device that does not
exist (-d /nonexistent/mether), so a refusal must exit 2 without naming
it, and good arguments must get as far as it (exit 1, "No such file").
Numbers, in every tool: decimal or 0x and hex digits, no sign, no leading
0, in range. Keys: 64 hex digits, never from a file others may read;
genkey prints one; a terminal is prompted and not echoed to. Config
files: exact names, each once, lines of any length, errors with file
and line. The host load the benchmarks report: a loopback ping-pong's
lies between its processes' CPU and every CPU's time.

Prints "ok NAME" / "not ok NAME" and exits 1 when any check failed.
Run after "make -C userspace".
"""
import os
import pty
import re
import select
import stat
import subprocess
import sys
import tempfile
import time

from report import Report

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TOOLS = os.path.join(TOP, "userspace/tools")
METHERCTL = os.path.join(TOOLS, "metherctl")
NODEV = "/nonexistent/mether"
PAGE_SIZE = os.sysconf("SC_PAGESIZE")
MAX_PAGES = (1 << 32) // PAGE_SIZE  # METHER_MAX_PAGES(page size)
KEY = "6d6574686572207465737420636c7573746572206b65792c2031393930212121"
UP = ["up", "--id", "1", "--port", "7700", "--broadcast", "10.0.0.255"]

report = Report("tools")


def run(args, **kw):
    """args run to the end; its output is kept unless kw says where."""
    if "input" not in kw:
        kw.setdefault("stdin", subprocess.DEVNULL)
    kw.setdefault("stdout", subprocess.PIPE)
    kw.setdefault("stderr", subprocess.PIPE)
    try:
        return subprocess.run(args, text=True, timeout=10, **kw)
    except subprocess.TimeoutExpired as e:  # it went on: not refused
        return subprocess.CompletedProcess(args, None, e.stdout or "",
                                           "(timed out after 10 s)")


def ctl(*args):
    return [METHERCTL, "-d", NODEV] + list(args)


def shown(p):
    return f"exit {p.returncode}\nstdout: {p.stdout}\nstderr: {p.stderr}"


def refused(name, args, text, **kw):
    """exit 2, saying text, and never near the device."""
    p = run(args, **kw)
    report(p.returncode == 2 and text in p.stderr and NODEV not in p.stderr,
           f"{name}: refused, exit 2", f"want exit 2 and '{text}'\n" +
           shown(p))


def reaches_device(name, args, **kw):
    """Good arguments: checked, then the device is opened (and missing)."""
    p = run(args, **kw)
    report(p.returncode == 1 and
           f"{NODEV}: No such file or directory" in p.stderr,
           f"{name}: accepted, goes on to open the device", shown(p))


def key_file(directory, name, text, mode):
    path = os.path.join(directory, name)
    with open(path, "w") as f:
        f.write(text)
    os.chmod(path, mode)
    return path


def another_api():
    """A device that answers no Mether ioctl (/dev/null: ENOTTY, as a
    module of another API version does) is named for what it is."""
    p = run([METHERCTL, "-d", "/dev/null", "status"])
    report(p.returncode == 1 and "speaks another API" in p.stderr,
           "a module of another API is named as such (ENOTTY)", shown(p))


def usage_errors():
    refused("no command", ctl(), "a command is missing")
    refused("an unknown command", ctl("bogus"), "unknown command 'bogus'")
    refused("an unknown global option", [METHERCTL, "-x", "status"],
            "unknown option '-x'")
    refused("-d without a device", [METHERCTL, "-d"], "-d needs a value")
    refused("down --json", ctl("down", "--json"),
            "down: unknown option '--json'")
    for cmd in ("status", "stats", "hosts"):
        refused(f"{cmd} --machine --json", ctl(cmd, "--machine", "--json"),
                f"{cmd}: --machine or --json, not both")
        refused(f"{cmd} --text", ctl(cmd, "--text"),
                f"{cmd}: unknown option '--text'")
    refused("status with an extra word", ctl("status", "extra"),
            "status: unexpected argument 'extra'")
    refused("stats --machine with an extra word",
            ctl("stats", "--machine", "x"), "unexpected argument 'x'")
    refused("get without a page", ctl("get"), "get: page is missing")
    refused("get with two pages", ctl("get", "1", "2"),
            "get: unexpected argument '2'")
    refused("get --now", ctl("get", "--now", "1"),
            "get: unknown option '--now'")
    refused("put --d: an abbreviation", ctl("put", "--d", "0", "5"),
            "give the option in full, --directory")
    refused("stats --mach: an abbreviation", ctl("stats", "--mach"),
            "give the option in full, --machine")
    refused("put without a value", ctl("put", "5"), "put: value is missing")
    refused("put with nothing", ctl("put"), "put: page is missing")
    refused("key with two files", ctl("key", "a", "b"),
            "key: unexpected argument 'b'")
    refused("key --next --drop-old", ctl("key", "--next", "--drop-old"),
            "--next or --drop-old, not both")
    refused("key --drop-old with a file", ctl("key", "--drop-old", "f"),
            "key: unexpected argument 'f'")
    refused("segment alone", ctl("segment"), "init, create or grant?")
    refused("segment bogus", ctl("segment", "bogus"),
            "segment: unknown command 'bogus'")
    refused("segment init --force", ctl("segment", "init", "--force"),
            "segment init: unknown option '--force'")
    refused("segment create without pages", ctl("segment", "create", "x"),
            "segment create: pages is missing")
    refused("segment create with an empty name",
            ctl("segment", "create", "", "1"), "bad name ''")
    refused("segment create with a 32-byte name",
            ctl("segment", "create", "n" * 32, "1"), "1 to 31 bytes")
    refused("segment grant w", ctl("segment", "grant", "x", "w"),
            "bad rights 'w': r or rw")
    refused("reclaim without a host", ctl("reclaim"),
            "reclaim: host is missing")
    refused("reclaim --wait", ctl("reclaim", "3", "--wait"),
            "reclaim: unknown option '--wait'")
    refused("reclaim --epoch without a value", ctl("reclaim", "3", "--epoch"),
            "--epoch needs a value")
    refused("genkey with a word", ctl("genkey", "x"),
            "genkey: unexpected argument 'x'")
    refused("up --frobnicate", ctl(*UP, "--frobnicate"),
            "up: unknown option '--frobnicate'")
    refused("up without --port", ctl("up", "--id", "1", "--broadcast",
                                     "10.0.0.255"),
            "--id, --port and --broadcast (or --group) are required")
    refused("up with a word left", ctl(*UP, "now"),
            "up: unexpected argument 'now'")
    refused("up --dev nosuch0", ctl(*UP, "--dev", "nosuch0"),
            "no interface 'nosuch0'")
    refused("up --broadcast 1.2.3", ctl("up", "--id", "1", "--port", "1",
                                        "--broadcast", "1.2.3"),
            "bad broadcast address '1.2.3'")
    refused("up --addr junk", ctl(*UP, "--addr", "junk"),
            "bad address 'junk'")
    group = ["up", "--id", "1", "--port", "7700", "--broadcast"]
    refused("up --ttl to a link-local group",
            ctl(*group, "224.0.0.77", "--ttl", "2"),
            "outside 224.0.0.0/24")
    refused("up --group 10.0.0.255: not a group",
            ctl("up", "--id", "1", "--port", "7700", "--group", "10.0.0.255"),
            "--group takes an IPv4 multicast address")
    refused("up --broadcast and --group", ctl(*UP, "--group", "239.1.2.3"),
            "--broadcast or --group, not both")
    refused("up --ttl --unsealed",
            ctl(*group, "239.1.2.3", "--ttl", "2", "--unsealed"),
            "--ttl and --unsealed, not both")

    p = run([METHERCTL, "--version"])
    with open(os.path.join(TOP, "dkms.conf")) as f:
        version = re.search(r'PACKAGE_VERSION="([^"]+)"', f.read()).group(1)
    report(p.returncode == 0 and
           re.fullmatch(rf"metherctl {re.escape(version)} \(API \d+\)\n",
                        p.stdout) is not None,
           "--version prints the package's version and the API", shown(p))
    p = run([METHERCTL, "--help"])
    report(p.returncode == 0 and p.stdout.startswith("usage: metherctl") and
           "metherctl genkey" in p.stdout, "--help prints the usage, exit 0",
           shown(p))

    for args in (["status"], ["stats", "--machine"], ["hosts"], ["down"],
                 ["status", "--json"], ["status", "--machine"],
                 ["stats", "--json"], ["hosts", "--json"],
                 ["hosts", "--machine", "--machine"],
                 ["get", "5"], ["get", "--wait", "0x10"], ["get", "0"],
                 ["put", "5", "4294967295"], ["put", "--directory", "0", "0"],
                 ["put", "0x3", "0x10"],
                 ["reclaim", "3", "--timeout", "10", "--epoch", "0x10"],
                 ["reclaim", "--epoch", "18446744073709551615", "4294967295"],
                 ["segment", "init", "--replace"],
                 ["segment", "create", "x", "3"], ["segment", "grant", "x", "r"],
                 UP + ["--unsealed", "--cluster", "0", "--pages",
                       str(MAX_PAGES), "--addr", "127.0.0.1", "--create"],
                 ["key", "--drop-old"],
                 ["up", "--id", "1", "--port", "7700", "--broadcast",
                  "239.1.2.3", "--ttl", "255"],
                 ["up", "--id", "1", "--port", "7700", "--group",
                  "239.1.2.3", "--ttl", "2"]):
        reaches_device(" ".join(args), ctl(*args))


def numbers():
    bad = [
        ("--port -1", ["--port", "-1"], "bad port '-1': a number has no sign"),
        ("--port 70000", ["--port", "70000"],
         "bad port '70000': not from 1 to 65535"),
        ("--port 0", ["--port", "0"], "bad port '0': not from 1 to 65535"),
        ("--port +7", ["--port", "+7"], "bad port '+7': a number has no sign"),
        ("--port ' 7'", ["--port", " 7"], "bad port ' 7': not a number"),
        ("--port 7x", ["--port", "7x"], "bad port '7x': not a number"),
        ("--port ''", ["--port", ""], "bad port '': not a number"),
        ("--port 0x", ["--port", "0x"], "bad port '0x': not a number"),
        ("--port 0X10", ["--port", "0X10"], "bad port '0X10': not a number"),
        ("--port 0x10000", ["--port", "0x10000"],
         "bad port '0x10000': not from 1 to 65535"),
        ("--id -1", ["--id", "-1"], "bad host id '-1': a number has no sign"),
        ("--id 0", ["--id", "0"], "bad host id '0': not from 1 to 4294967295"),
        ("--id 4294967296", ["--id", "4294967296"],
         "bad host id '4294967296': not from 1 to 4294967295"),
        ("--id 99999999999999999999999", ["--id", "9" * 23],
         "not from 1 to 4294967295"),
        ("--cluster 010", ["--cluster", "010"],
         "bad cluster '010': a leading 0 (octal is not read"),
        ("--ttl 0", ["--ttl", "0"], "bad ttl '0': not from 1 to 255"),
        ("--ttl 256", ["--ttl", "256"], "bad ttl '256': not from 1 to 255"),
        ("--ttl 2 to a broadcast address", ["--ttl", "2"],
         "--ttl is for a multicast group"),
        ("--pages 0", ["--pages", "0"], f"bad pages '0': not from 1 to {MAX_PAGES}"),
        (f"--pages {MAX_PAGES + 1}", ["--pages", str(MAX_PAGES + 1)],
         f"not from 1 to {MAX_PAGES}"),
    ]
    for name, words, text in bad:
        refused(f"up {name}", ctl(*UP, *words), text)
    refused("get -1", ctl("get", "-1"), "bad page '-1': a number has no sign")
    refused("get -12 (two digits)", ctl("get", "-12"),
            "bad page '-12': a number has no sign")
    refused("put 5 -12", ctl("put", "5", "-12"),
            "bad value '-12': a number has no sign")
    refused("get 010", ctl("get", "010"), "bad page '010': a leading 0")
    refused(f"get {MAX_PAGES}", ctl("get", str(MAX_PAGES)),
            f"bad page '{MAX_PAGES}': not from 0 to {MAX_PAGES - 1}")
    refused("get 1junk", ctl("get", "1junk"), "bad page '1junk'")
    refused("put 0 7: the directory", ctl("put", "0", "7"),
            "page 0 holds the segment directory")
    refused("put 5 4294967296", ctl("put", "5", "4294967296"),
            "bad value '4294967296': not from 0 to 4294967295")
    refused("put 5 -1", ctl("put", "5", "-1"),
            "bad value '-1': a number has no sign")
    refused("put 5 -- -1", ctl("put", "--", "5", "-1"),
            "bad value '-1': a number has no sign")
    refused("reclaim 0", ctl("reclaim", "0"),
            "bad host '0': not from 1 to 4294967295")
    refused("reclaim 3 --timeout 4294967296",
            ctl("reclaim", "3", "--timeout", "4294967296"),
            "bad timeout '4294967296'")
    refused("reclaim 3 --epoch 18446744073709551616",
            ctl("reclaim", "3", "--epoch", "18446744073709551616"),
            "bad epoch '18446744073709551616'")
    refused("segment create x 0", ctl("segment", "create", "x", "0"),
            "bad pages '0'")

    # The same parser in every tool.
    tool = lambda name, *a: [os.path.join(TOP, "userspace", name)] + list(a)
    for name, args, text in [
        ("mether-count -n -1", tool("tools/mether-count", "-n", "-1"),
         "mether-count: bad count '-1': a number has no sign"),
        ("mether-count -b 010", tool("tools/mether-count", "-b", "010"),
         "mether-count: bad page '010': a leading 0"),
        ("mether-count -i 4294967296",
         tool("tools/mether-count", "-i", "4294967296"),
         "mether-count: bad id '4294967296'"),
        ("mether-follow -i -1", tool("tools/mether-follow", "-i", "-1", "1",
                                     "1"),
         "mether-follow: bad interval '-1'"),
        ("mether-follow 1 010", tool("tools/mether-follow", "1", "010"),
         "mether-follow: bad count '010'"),
        ("mether-pingpong -i 2", tool("tools/mether-pingpong", "-u", "-i",
                                      "2", "-a", "127.0.0.1"),
         "mether-pingpong: bad id '2': not from 0 to 1"),
        ("mether-pingpong -p 70000",
         tool("tools/mether-pingpong", "-u", "-i", "0", "-a", "127.0.0.1",
              "-p", "70000"),
         "mether-pingpong: bad port '70000': not from 1 to 65535"),
        ("mether-pingpong -p -1",
         tool("tools/mether-pingpong", "-u", "-i", "0", "-a", "127.0.0.1",
              "-p", "-1"),
         "mether-pingpong: bad port '-1'"),
        ("mether-pingpong -n 0",
         tool("tools/mether-pingpong", "-u", "-i", "0", "-a", "127.0.0.1",
              "-n", "0"),
         "mether-pingpong: bad count '0'"),
        ("mether-pipe-bench -e 2", tool("tools/mether-pipe-bench", "-e", "2",
                                        "-s", "1", "-c", "1"),
         "mether-pipe-bench: bad end '2': not from 0 to 1"),
        ("mether-pipe-bench -p -1",
         tool("tools/mether-pipe-bench", "-t", "-a", "127.0.0.1", "-p", "-1",
              "-e", "0", "-s", "1", "-c", "1"),
         "mether-pipe-bench: bad port '-1'"),
        ("mether-pipe-bench -s 010",
         tool("tools/mether-pipe-bench", "-e", "0", "-s", "010", "-c", "1"),
         "mether-pipe-bench: bad size '010'"),
        ("mether-jacobi -n -1", tool("apps/mether-jacobi", "-n", "-1"),
         "mether-jacobi: bad processes '-1'"),
    ]:
        refused(name, args, text)


def keys(tmp):
    good = key_file(tmp, "good.key", KEY[:20] + "\n  " + KEY[20:].upper() +
                    "\r\n", 0o600)
    for mode in (0o644, 0o640, 0o604, 0o620):
        loose = key_file(tmp, f"loose-{mode:o}.key", KEY + "\n", mode)
        refused(f"key from a file of mode {mode:04o}", ctl("key", loose),
                f"mode {mode:04o}: group or others may read or change the "
                "cluster key")
    loose = os.path.join(tmp, "loose-644.key")
    refused("up --key-file of mode 0644, before the device",
            ctl(*UP, "--key-file", loose), "mode 0644")
    with open(loose) as f:
        refused("key from standard input, a file of mode 0644",
                ctl("key"), "mode 0644", stdin=f)
    for name, text in (("63 digits", KEY[:63]), ("65 digits", KEY + "0"),
                       ("a letter not hex", KEY[:63] + "g"),
                       ("nothing", ""), ("two keys", KEY + "\n" + KEY)):
        path = key_file(tmp, "bad.key", text, 0o600)
        refused(f"a key file of {name}", ctl("key", path),
                "a key is 64 hex digits")
        refused(f"up --key-file of {name}", ctl(*UP, "--key-file", path),
                "a key is 64 hex digits")
    zeros = key_file(tmp, "zeros.key", "0" * 64 + "\n", 0o600)
    refused("a key file of zeros", ctl("key", zeros), "a key of zeros")
    refused("up --key-file of zeros", ctl(*UP, "--key-file", zeros),
            "a key of zeros")
    refused("up --key-file and --unsealed", ctl(*UP, "--key-file", good,
                                                "--unsealed"),
            "--key-file or --unsealed, not both")
    refused("up --key-file without --broadcast",
            ctl("up", "--key-file", good, "--id", "1", "--port", "7"),
            "--id, --port and --broadcast (or --group) are required")
    reaches_device("key FILE (white space and upper case)", ctl("key", good))
    reaches_device("key --next FILE", ctl("key", "--next", good))
    reaches_device("up --key-file FILE", ctl(*UP, "--key-file", good))
    p = run(ctl("key", "/nonexistent/key"))
    report(p.returncode == 1 and "/nonexistent/key: No such file" in
           p.stderr and NODEV not in p.stderr,
           "a missing key file is reported before the device", shown(p))
    reaches_device("key from a pipe", ctl("key"),
                   input=KEY + "\n")

    # genkey: 64 hex digits and a newline, new each time.
    one, two = run(ctl("genkey")), run(ctl("genkey"))
    report(one.returncode == 0 and one.stderr == "" and
           re.fullmatch(r"[0-9a-f]{64}\n", one.stdout) is not None,
           "genkey prints 64 hex digits and a newline", shown(one))
    report(two.returncode == 0 and one.stdout != two.stdout,
           "genkey prints a new key each time", shown(two))
    path = os.path.join(tmp, "new.key")
    old = os.umask(0o077)
    try:
        with open(path, "w") as f:
            p = run(ctl("genkey"), stdout=f)
    finally:
        os.umask(old)
    report(p.returncode == 0 and p.stderr == "" and
           stat.S_IMODE(os.stat(path).st_mode) == 0o600,
           "genkey under umask 077 writes a key file of mode 0600", shown(p))
    reaches_device("key reads what genkey wrote", ctl("key", path))
    reaches_device("up --key-file reads what genkey wrote",
                   ctl(*UP, "--key-file", path))
    path = os.path.join(tmp, "open.key")
    old = os.umask(0o022)
    try:
        with open(path, "w") as f:
            p = run(ctl("genkey"), stdout=f)
    finally:
        os.umask(old)
    report(p.returncode == 0 and "umask 077" in p.stderr,
           "genkey warns when the file it writes is readable by others",
           shown(p))

    # A terminal: a prompt on standard error, no echo, one line read.
    master, slave = pty.openpty()
    proc = subprocess.Popen(ctl("key"), stdin=slave, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    os.close(slave)
    err = b""
    deadline = time.time() + 10
    while b"): " not in err and time.time() < deadline:
        if select.select([proc.stderr], [], [], 0.5)[0]:
            err += os.read(proc.stderr.fileno(), 4096)
    os.write(master, (KEY + "\n").encode())
    try:
        out, rest = proc.communicate(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, rest = proc.communicate()
    err += rest
    echoed = b""
    while select.select([master], [], [], 0.2)[0]:
        try:
            chunk = os.read(master, 4096)
        except OSError:
            break
        if not chunk:
            break
        echoed += chunk
    os.close(master)
    err = err.decode(errors="replace")
    report("metherctl: cluster key (64 hex digits): " in err,
           "key from a terminal prompts for it", err)
    report(proc.returncode == 1 and f"{NODEV}: No such file" in err,
           "... reads one line from it, and goes on",
           f"exit {proc.returncode}\nstderr: {err}")
    report(KEY.encode() not in echoed,
           "... without echoing the key", f"the terminal showed {echoed!r}")
    p = run(ctl("key"), input=KEY)
    report("cluster key (" not in p.stderr,
           "key from a pipe does not prompt", shown(p))


def config(tmp):
    """up --config: exact names, once each, any line length; every
    refusal names the file and the line and exits 2 before the device."""
    def conf(name, text):
        path = os.path.join(tmp, name)
        with open(path, "w") as f:
            f.write(text)
        return ctl("up", "--config", path)

    good = ("# a comment\n\n  id = 3\nport=7700   \n"
            "broadcast\t=\t10.0.0.255\ncreate = yes\nunsealed = no\n")
    reaches_device("config: a file of every spacing, comments, yes/no",
                   conf("good.conf", good))
    # Past 255 bytes a line was once cut in two: the rest is its value.
    reaches_device("config: a 300-byte line is one line",
                   conf("long.conf", good + "#" + "x" * 300 + "\n" +
                        "pages = 1" + " " * 300 + "\n"))
    refused("config: a long value is refused whole, not cut, with its line",
            conf("longdev.conf", good + "dev = " + "d" * 300 + "\n"),
            "longdev.conf:8: up: no interface '" + "d" * 300 + "'")
    group = ("id = 3\nport = 7700\nbroadcast = 239.1.2.3\n"
             "unsealed = no\n")
    reaches_device("config: ttl = 2 with a group",
                   conf("ttl.conf", group + "ttl = 2\n"))
    reaches_device("config: group = ADDR",
                   conf("group.conf", "id = 3\nport = 7700\n"
                        "group = 239.1.2.3\n"))
    path = os.path.join(tmp, "bcast.conf")
    with open(path, "w") as f:
        f.write("id = 3\nport = 7700\nbroadcast = 10.0.0.255\n")
    reaches_device("config: --group on the command line overrides broadcast",
                   ctl("up", "--config", path, "--group", "239.1.2.3"))
    refused("config: broadcast and group in one file",
            conf("both.conf", "id = 3\nport = 7700\nbroadcast = 10.0.0.255\n"
                 "group = 239.1.2.3\n"),
            "both.conf:4: up: --broadcast or --group, not both")
    refused("config: ttl = 0, with its file and line",
            conf("ttl0.conf", group + "ttl = 0\n"),
            "ttl0.conf:5: bad ttl '0': not from 1 to 255")
    refused("config: a bad address, with its file and line",
            conf("badaddr.conf", "id = 3\n\ngroup = 10.x\n"),
            "badaddr.conf:3: bad group '10.x': not an IPv4 address")
    refused("config: a value the command line gives wrong is not the file's",
            conf("good3.conf", good) + ["--port", "70000"],
            "metherctl: bad port '70000'")
    refused("config: ttl = 2 with a broadcast address",
            conf("ttlb.conf", good + "ttl = 2\n"),
            "--ttl is for a multicast group")
    refused("config: an abbreviated name",
            conf("abbrev.conf", "bro = 10.0.0.255\n"),
            "abbrev.conf:1: unknown setting 'bro'")
    refused("config: an unknown name, with its file and line",
            conf("unknown.conf", good + "colour = red\n"),
            "unknown.conf:8: unknown setting 'colour'")
    refused("config: a name given twice",
            conf("twice.conf", "id = 3\n# again\nid = 4\n"),
            "twice.conf:3: id set again (first on line 1)")
    refused("config: a value with a space",
            conf("space.conf", "key-file = /etc/mether/a key\n"),
            "space.conf:1: key-file takes one value, with no spaces")
    refused("config: no value", conf("empty.conf", "id =\n"),
            "empty.conf:1: id takes one value")
    refused("config: yes or no", conf("yesno.conf", "create = maybe\n"),
            "yesno.conf:1: create is yes or no")
    refused("config: no '='", conf("noeq.conf", "id 3\n"),
            "noeq.conf:1: not \"name = value\"")
    # The command line still wins over the file.
    reaches_device("config: the command line overrides the file",
                   conf("good2.conf", good) + ["--id", "4"])


def host_load():
    """tool_busy_seconds(): a TCP ping-pong between two processes on this
    host reports the host's busy time over its timed span, which must
    hold both processes' own CPU time and be at most every CPU's time.
    /proc/stat's idle is read to 10 ms, so each bound has that much slack
    per reading."""
    pingpong = os.path.join(TOOLS, "mether-pingpong")
    port = str(20000 + os.getpid() % 20000)
    args = ["-t", "-a", "127.0.0.1", "-p", port, "-n", "20000"]
    listener = subprocess.Popen([pingpong, "-i", "1"] + args, text=True,
                                stdout=subprocess.PIPE)
    time.sleep(0.3)
    sender = run([pingpong, "-i", "0"] + args)
    try:
        out1, _ = listener.communicate(timeout=10)
    except subprocess.TimeoutExpired:
        listener.kill()
        out1, _ = listener.communicate()
    lines = [dict(re.findall(r"(\w+)=(\S+)", out))
             for out in (sender.stdout, out1)]
    if any(kv.get("ok") != "yes" for kv in lines):
        report(False, "host load: a loopback TCP ping-pong",
               f"{sender.stderr.strip()} {lines}")
        return
    own = sum(float(kv["user"]) + float(kv["sys"]) for kv in lines)
    slack = 2 * 0.01 * os.cpu_count()
    for kv in lines:
        busy, wall = float(kv["host_cpu"]), float(kv["seconds"])
        report(own - slack - 0.02 <= busy <= os.cpu_count() * wall + slack,
               f"host load of ping-pong {kv['id']}: at least both "
               "processes' CPU, at most every CPU's time",
               f"host_cpu={busy} own={own:.3f} seconds={wall}")


def main():
    if not os.access(METHERCTL, os.X_OK):
        print("not ok tools: metherctl is built (make -C userspace)")
        return 1
    usage_errors()
    another_api()
    numbers()
    host_load()
    with tempfile.TemporaryDirectory() as tmp:
        keys(tmp)
        config(tmp)
    return 1 if report.failed else 0


if __name__ == "__main__":
    sys.exit(main())
