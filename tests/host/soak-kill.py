#!/usr/bin/python3
"""Host side of tests/guest/soak.sh: kill guest 3's QEMU (SIGKILL: no
shutdown, no goodbye packet) as soon as that guest says it is ready to
die, in the middle of its work. Prints "ok" / "not ok" lines."""
import os
import signal
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from guests import report, wait_reached  # noqa: E402

VICTIM = 3


def main():
    if not wait_reached([VICTIM], "soak-kill", 2400):
        report(False, f"guest {VICTIM} never got ready to be killed")
        return 1
    path = os.path.join(os.environ["METHER_OUT"], f"qemu-{VICTIM}.pid")
    with open(path) as f:
        pid = int(f.read())
    os.kill(pid, signal.SIGKILL)
    report(True, f"killed guest {VICTIM}'s QEMU (pid {pid})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
