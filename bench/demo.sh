#!/bin/bash
# make demo: boot two guests on Debian's stock kernel, on one Ethernet
# segment, load mether.ko in both, show /dev/mether, count to 1024 with
# the paper's final protocol between processes, then run the paper's
# experiment between the hosts (every user protocol and two baselines)
# and print its table, written to bench/results/paper-table.{csv,md,png}.
set -euo pipefail
. "$(dirname "$0")/../tests/vm/common.sh"

need_root "make demo"
ensure_pkgs build-essential cpio kmod iproute2 qemu-system-x86 \
	busybox-static linux-headers-amd64 python3-matplotlib wireguard-tools

cd "$METHER_TOP"
OUT=$METHER_TOP/build/demo
mkdir -p "$OUT"
start=$SECONDS

STOCK=$(bash tests/vm/stock-kernel.sh)
msg "building mether.ko against $(basename "$(readlink "$STOCK/kdir")")"
rm -rf build/stock
mkdir -p build/stock
cp -r Kbuild dkms.conf ./*.c ./*.h include tests build/stock/
make -s -C "$STOCK/kdir" M="$METHER_TOP/build/stock" modules >"$OUT/build.log" 2>&1 ||
	{ cat "$OUT/build.log" >&2; die "module build failed"; }
make -s -C userspace >/dev/null

msg "booting two guests (Debian's stock kernel, TCG; the paper's experiment takes about 2 minutes)"
status=0
tests/vm/run-guests --kernel "$STOCK/vmlinuz" \
	--module build/stock/mether.ko --modules-root "$STOCK/root" \
	--modules-list "$STOCK/modules.list" --bin userspace/tools/metherctl \
	--bin userspace/tools/mether-count --bin userspace/tools/mether-pingpong \
	--bin userspace/tools/mether-pipe-bench \
	--bin userspace/tools/mether-follow --bin userspace/apps/mether-jacobi \
	--host-bin /sbin/ip --host-bin /usr/bin/wg \
	--guests 2 --timeout 1800 --verbose --out "$OUT/guests" \
	bench/guest/demo.sh bench/guest/paper.sh bench/guest/pipebench.sh \
	bench/guest/scaling.sh \
	bench/guest/jacobi.sh ||
	status=$?
msg "the paper's table (bench/results/paper-table.md)"
/usr/bin/python3 bench/paper-table.py "$OUT"/guests/result-*.log \
	--out bench/results || status=$?
msg "demo done in $((SECONDS - start))s"
exit $status
