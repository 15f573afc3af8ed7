"""What host-side scripts share: reporting to run-guests, watching the
guests' barriers (tests/guest/lib.sh serves each barrier a guest has
reached over HTTP on port 8077), and serving the host's own files."""
import functools
import http.server
import os
import tempfile
import threading
import time
import urllib.request

# Each host script of a run serves its files on a port of its own on the
# host's address: several run beside one another in the two-guest run.
HTTP_PORTS = {"forgery": 8077, "replay": 8078, "reclaimspoof": 8079,
              "status": 8080}


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


def fetch(i, name, timeout=60):
    """What guest @i published as @name (tests/guest/lib.sh publish),
    asked again while the guest is too slow to answer; None after
    @timeout seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(
                    f"http://10.77.0.{i + 1}:8077/{name}", timeout=5) as r:
                return r.read().decode().strip()
        except OSError:
            time.sleep(1)
    return None


def wait_reached(guests, name, timeout):
    """Wait until every guest in @guests has reached @name; False when
    @timeout seconds pass first."""
    deadline = time.monotonic() + timeout
    while not all(guest_reached(i, name) for i in guests):
        if time.monotonic() > deadline:
            return False
        time.sleep(1)
    return True


def serve(script):
    """Serve a new directory on the host's address, at @script's port in
    HTTP_PORTS, for the guests to poll; returns the directory."""
    directory = tempfile.mkdtemp(prefix=f"mether-{script}-")
    handler = functools.partial(http.server.SimpleHTTPRequestHandler,
                                directory=directory)
    handler.log_message = lambda *a: None
    server = http.server.ThreadingHTTPServer(
        (os.environ["METHER_HOST_ADDR"], HTTP_PORTS[script]), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return directory
