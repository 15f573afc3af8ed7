"""What the benchmarks' readers share: the tagged lines the guests print,
and the median and range of a set of figures."""
import re
import sys


def tagged(paths, tag):
    """The key=value pairs of each line that starts with TAG, in order."""
    for path in paths:
        with open(path, errors="replace") as f:
            for line in f:
                if line.startswith(tag + " "):
                    yield dict(re.findall(r"(\w+)=(\S+)", line))


def spread(values):
    """(median, min, max) of some figures, or None for none."""
    v = sorted(values)
    if not v:
        return None
    mid = len(v) // 2
    median = v[mid] if len(v) % 2 else (v[mid - 1] + v[mid]) / 2
    return median, v[0], v[-1]


def pyplot(tool):
    """matplotlib's pyplot, drawing to files, or None (said on stderr,
    for TOOL) where python3-matplotlib is not installed."""
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print(f"{tool}: no matplotlib, no plot", file=sys.stderr)
        return None
    return plt
