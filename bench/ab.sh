#!/bin/bash
# Is build b faster than build a? Build mether.ko from two revisions,
# boot two guests on Debian's stock kernel once, and load the builds in
# turn in every round (bench/guest/ab.sh says what each
# round runs), then print b's figures over a's, round by round: the
# median and range. The machine's speed drifts by half within a boot
# here, more than most changes gain; only a ratio taken within a round
# shows them. Kept in build/ab/ab.md.
#   bench/ab.sh REV_A [REV_B]     (REV_B: the working tree)
# AB_ROUNDS (default 4) and AB_COUNT (default 4096) size it. Both builds
# run the working tree's tools, so both must take its calls (an older
# module without METHER_IOC_PURGE_WAIT makes mether-count fall back to
# the paper's calls, as its output's calls= says).
set -euo pipefail
. "$(dirname "$0")/../tests/vm/common.sh"

need_root "bench/ab.sh"
ensure_pkgs build-essential cpio kmod iproute2 qemu-system-x86 \
	busybox-static linux-headers-amd64
[ $# -ge 1 ] && [ $# -le 2 ] ||
	die "usage: bench/ab.sh REV_A [REV_B]   (REV_B: the working tree)"
cd "$METHER_TOP"
OUT=$METHER_TOP/build/ab
rm -rf "$OUT"
mkdir -p "$OUT"

STOCK=$(bash tests/vm/stock-kernel.sh)
# build NAME REV: mether.ko of REV (or of the working tree, for "") as
# $OUT/NAME/mether-NAME.ko.
build() {
	local dir=$OUT/$1

	mkdir -p "$dir"
	if [ -n "$2" ]; then
		git archive "$2" | tar -x -C "$dir" ||
			die "no revision '$2' to build"
	else
		cp -r Kbuild dkms.conf ./*.c ./*.h include "$dir/"
	fi
	make -s -C "$STOCK/kdir" M="$dir" modules >"$dir/build.log" 2>&1 ||
		{ cat "$dir/build.log" >&2; die "build $1 ($2) failed"; }
	cp "$dir/mether.ko" "$dir/mether-$1.ko"
	echo "$1: ${2:-working tree} ($(git rev-parse --short "${2:-HEAD}")$([ -n "$2" ] || git diff --quiet HEAD -- . || echo ', with changes'))"
}
{ build a "$1"; build b "${2:-}"; } | tee "$OUT/builds.txt"
make -s -C userspace >/dev/null

append=()
for v in AB_ROUNDS AB_COUNT; do
	[ -z "${!v:-}" ] || append+=("$v=${!v}")
done
status=0
tests/vm/run-guests ${append[@]+--append "${append[*]}"} \
	--kernel "$STOCK/vmlinuz" --module "$OUT/a/mether.ko" \
	--modules-root "$STOCK/root" --modules-list "$STOCK/modules.list" \
	--bin "$OUT/a/mether-a.ko" --bin "$OUT/b/mether-b.ko" \
	--bin userspace/tools/metherctl --bin userspace/tools/mether-count \
	--bin userspace/tools/mether-pipe-bench --host-bin /sbin/ip \
	--guests 2 --timeout 2400 --test-timeout 2200 --out "$OUT/guests" \
	bench/guest/ab.sh || status=$?
{ cat "$OUT/builds.txt"; echo
  /usr/bin/python3 bench/ab.py "$OUT"/guests/result-*.log; } |
	tee "$OUT/ab.md" || status=$?
exit $status
