#!/bin/bash
# Where the final protocol's increment spends its time: boot two guests
# on Debian's stock kernel, count with the final protocol and with a
# user-space UDP ping-pong (3 untraced rounds), then once with the
# tracepoints on, and record the breakdown under LABEL in
# bench/results/latency.csv, drawn with the earlier labels in
# latency.png (bench/latency.py says what each stage is).
#   bench/latency.sh LABEL      (e.g. "before", "after")
# LATENCY_RUNS=N rounds (default 3); LATENCY_TRACE=final-multicast,
# final-unsealed or final-separate traces the run on a multicast group,
# unsealed, or with the paper's separate calls in a turn, instead of
# sealed on the broadcast address in one METHER_IOC_PURGE_WAIT a turn. LATENCY_GRAPH=1 adds a
# function graph of one more count and ping-pong each (bench/graph.py;
# LATENCY_GRAPH_ROOTS=f,g and LATENCY_GRAPH_DEPTH=N choose where and how
# deep; a depth of 0 times only the functions named, and the UDP
# ping-pong's counterparts, with nothing below them traced), printed and
# kept in build/latency/graph.md.
set -euo pipefail
. "$(dirname "$0")/../tests/vm/common.sh"

need_root "bench/latency.sh"
ensure_pkgs build-essential cpio kmod iproute2 qemu-system-x86 \
	busybox-static linux-headers-amd64 python3-matplotlib wireguard-tools
label=${1:?usage: bench/latency.sh LABEL}
cd "$METHER_TOP"
OUT=$METHER_TOP/build/latency
rm -rf "$OUT"
mkdir -p "$OUT"

STOCK=$(bash tests/vm/stock-kernel.sh)
rm -rf "$OUT/module"
mkdir -p "$OUT/module"
cp -r Kbuild dkms.conf ./*.c ./*.h include "$OUT/module/"
make -s -C "$STOCK/kdir" M="$OUT/module" modules >"$OUT/build.log" 2>&1 ||
	{ cat "$OUT/build.log" >&2; die "module build failed"; }
make -s -C userspace >/dev/null

# Settings for the guests, on the kernel command line (tests/vm/guest-init.sh).
append=()
for v in LATENCY_RUNS LATENCY_TRACE LATENCY_GRAPH LATENCY_GRAPH_ROOTS \
	LATENCY_GRAPH_DEPTH; do
	[ -z "${!v:-}" ] || append+=("$v=${!v}")
done

status=0
tests/vm/run-guests ${append[@]+--append "${append[*]}"} --kernel "$STOCK/vmlinuz" \
	--module "$OUT/module/mether.ko" --modules-root "$STOCK/root" \
	--modules-list "$STOCK/modules.list" --bin userspace/tools/metherctl \
	--bin userspace/tools/mether-count \
	--bin userspace/tools/mether-pingpong \
	--host-bin /sbin/ip --host-bin /usr/bin/wg \
	--guests 2 --timeout 1200 --test-timeout 900 --out "$OUT/guests" bench/guest/latency.sh ||
	status=$?
/usr/bin/python3 bench/latency.py "$OUT"/guests/result-*.log \
	--label "$label" --out bench/results || status=$?
if [ "${LATENCY_GRAPH:-0}" = 1 ]; then
	/usr/bin/python3 bench/graph.py "$OUT"/guests/result-*.log |
		tee "$OUT/graph.md" || status=$?
fi
exit $status
