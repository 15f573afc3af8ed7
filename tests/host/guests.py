"""What host-side scripts share: reporting to run-guests, and watching
the guests' barriers (tests/guest/lib.sh serves each barrier a guest
has reached over HTTP on port 8077)."""
import time
import urllib.request


def report(ok, name):
    """One result line for run-guests."""
    print(f"{'ok' if ok else 'not ok'} {name}", flush=True)


def guest_reached(i, name):
    """Has guest @i reached barrier (or published file) @name?"""
    try:
        with urllib.request.urlopen(f"http://10.77.0.{i + 1}:8077/{name}",
                                    timeout=2) as r:
            return r.status == 200
    except OSError:
        return False


def wait_reached(guests, name, timeout):
    """Wait until every guest in @guests has reached @name; False when
    @timeout seconds pass first."""
    deadline = time.monotonic() + timeout
    while not all(guest_reached(i, name) for i in guests):
        if time.monotonic() > deadline:
            return False
        time.sleep(1)
    return True
