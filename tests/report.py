"""ok / not ok lines for the host-side test scripts (tests/*.py)."""


class Report:
    """Print one "ok PREFIX: NAME" or "not ok PREFIX: NAME" line per
    check, the reason under a failed one, and count the failures."""

    def __init__(self, prefix):
        self.prefix = prefix
        self.failed = 0

    def __call__(self, ok, name, why=""):
        print(("ok " if ok else "not ok ") + f"{self.prefix}: {name}")
        if not ok:
            self.failed += 1
            for line in why.splitlines():
                print("#   " + line)
