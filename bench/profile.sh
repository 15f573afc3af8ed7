#!/bin/bash
# Where the CPU goes, sampled: boot two guests on Debian's stock kernel,
# run one workload between them under perf (bench/guest/profile.sh says
# which and how much), and print each host's profile: its share of
# samples per task, the functions they fell in, and the calls they fell
# under. Kept in build/profile/profile.md.
#   bench/profile.sh [pipe|final|udp]
# PROFILE_SIZE, PROFILE_WINDOW and PROFILE_COUNT size the workload;
# PROFILE_SEAL=off runs the cluster unsealed.
set -euo pipefail
. "$(dirname "$0")/../tests/vm/common.sh"

need_root "bench/profile.sh"
ensure_pkgs build-essential cpio kmod iproute2 qemu-system-x86 \
	busybox-static linux-headers-amd64 linux-perf
what=${1:-pipe}
cd "$METHER_TOP"
OUT=$METHER_TOP/build/profile
rm -rf "$OUT"
mkdir -p "$OUT/module"

STOCK=$(bash tests/vm/stock-kernel.sh)
cp -r Kbuild dkms.conf ./*.c ./*.h include "$OUT/module/"
make -s -C "$STOCK/kdir" M="$OUT/module" modules >"$OUT/build.log" 2>&1 ||
	{ cat "$OUT/build.log" >&2; die "module build failed"; }
make -s -C userspace >/dev/null

# Settings for the guests, on the kernel command line (tests/vm/guest-init.sh).
append=("PROFILE=$what")
for v in PROFILE_SIZE PROFILE_WINDOW PROFILE_COUNT PROFILE_SEAL; do
	[ -z "${!v:-}" ] || append+=("$v=${!v}")
done

status=0
tests/vm/run-guests --append "${append[*]}" --kernel "$STOCK/vmlinuz" \
	--module "$OUT/module/mether.ko" --modules-root "$STOCK/root" \
	--modules-list "$STOCK/modules.list" --bin userspace/tools/metherctl \
	--bin userspace/tools/mether-count \
	--bin userspace/tools/mether-pingpong \
	--bin userspace/tools/mether-pipe-bench \
	--host-bin /sbin/ip --host-bin /usr/bin/perf \
	--guests 2 --timeout 1200 --test-timeout 900 --out "$OUT/guests" \
	bench/guest/profile.sh || status=$?
/usr/bin/python3 bench/profile.py "$OUT"/guests/result-*.log |
	tee "$OUT/profile.md" || status=$?
exit $status
