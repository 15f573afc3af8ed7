#!/bin/bash
# make check: the whole test suite, ending with "N passed, N failed". It
# builds the debug kernel in the background when it is not cached
# (outside the work tree); meanwhile it runs the static checks, the
# builds that need no debug kernel and the stock kernel's guests, then
# the module builds against the debug kernel and its guests.
# make check-quick (--quick): the same without the guests, in minutes.
set -uo pipefail
. "$(dirname "$0")/vm/common.sh"

QUICK=0
case ${1:-} in
--quick) QUICK=1 ;;
"") ;;
*) die "usage: tests/check.sh [--quick]" ;;
esac

need_root "make check"
# python3-cryptography: scapy's optional crypto; the host scripts were
# last run with it installed, so a fresh machine gets it too.
ensure_pkgs build-essential bc bison flex libelf-dev libssl-dev cpio kmod \
	xz-utils iproute2 qemu-system-x86 busybox-static linux-source-6.1 \
	linux-headers-amd64 sparse python3-scapy python3-nacl spin \
	groff-base man-db tshark dkms dpkg-dev pkg-config debhelper dh-dkms \
	lintian python3-cryptography perl smcroute

cd "$METHER_TOP"
BUILD=$METHER_TOP/build
OUT=$BUILD/check
rm -rf "$OUT"
mkdir -p "$OUT"
RESULTS=$OUT/results.txt
: >"$RESULTS"
start=$SECONDS

# Standard output is TAP version 13, which prove(1) parses: every result
# numbered as it is printed, diagnostics as "#" lines, the plan at the
# end, then the summary line. $OUT/check.tap keeps a copy, which prove
# reads back at the end.
TAP=$OUT/check.tap
TAP_N=0
tap() { # tap LINE: print LINE, numbered if it is a result
	case $1 in
	"ok "*)
		TAP_N=$((TAP_N + 1))
		set -- "ok $TAP_N - ${1#ok }" ;;
	"not ok "*)
		TAP_N=$((TAP_N + 1))
		set -- "not ok $TAP_N - ${1#not ok }" ;;
	esac
	printf '%s\n' "$1" | tee -a "$TAP"
}
: >"$TAP"
tap "TAP version 13"

# tap_run LOG CMD...: run CMD (its standard error too unless TAP_STDERR
# is set), pass its output through tap, append it to LOG; return its
# status.
tap_run() {
	local log=$1 line status=$OUT/.tap-status
	shift
	while IFS= read -r line; do
		printf '%s\n' "$line" >>"$log"
		tap "$line"
	done < <(if [ -n "${TAP_STDERR:-}" ]; then "$@"; else "$@" 2>&1; fi
		 echo $? >"$status")
	return "$(cat "$status")"
}

record() { # record ok|"not ok" NAME [DETAIL-FILE]
	echo "$1 $2" >>"$RESULTS"
	tap "$1 $2"
	if [ "$1" != ok ] && [ -n "${3:-}" ]; then
		sed 's/^/#   /' "$3" | head -40
	fi
}

# check_clean NAME LOG CMD...: NAME passes when CMD succeeds and its
# output (kept in LOG) has no warning or error.
check_clean() {
	local name=$1 log=$2
	shift 2
	# -i: modpost reports section mismatches as "WARNING:" and does not
	# fail make for them.
	if "$@" >"$log" 2>&1 && ! grep -iE 'warning:|error:' "$log" >/dev/null; then
		record ok "$name"
	else
		record "not ok" "$name" "$log"
	fi
}

KERNEL_SOURCES=$(git ls-files "*.c" "*.h" ":!userspace")

# build_module NAME KDIR [VAR=VALUE...]: build mether.ko against KDIR in
# build/NAME with W=1 (out-of-tree modules cannot put objects elsewhere,
# so the sources are copied).
build_module() {
	local name=$1 kdir=$2 dir=$BUILD/$1
	shift 2
	rm -rf "$dir"
	mkdir -p "$dir"
	cp -r Kbuild dkms.conf ./*.c ./*.h include tests "$dir"/
	check_clean "build: mether.ko against $name kernel, W=1, no warnings" \
		"$OUT/build-$name.log" make -C "$kdir" M="$dir" W=1 "$@" modules
}

# has_kunit KO: KO carries KUnit suites (they run at every load).
has_kunit() {
	objdump -h "$1" | grep -q '[.]kunit_test_suites'
}

# The debug kernel is built once and cached. A cold build takes about a
# quarter of an hour, so it runs in the background from here: the checks
# that need only its sources (checkpatch, kunit.py, the uapi scripts)
# and the stock kernel's guests run meanwhile, and the debug kernel is
# waited for only where its build is needed.
msg "preparing kernels (the debug kernel builds in the background if not cached)"
DEBUG_TREE=$(bash tests/vm/build-debug-kernel.sh --unpack) ||
	die "debug kernel: unpacking failed"
# In a session of its own, so that make and its compilers can be stopped
# together, and niced, so that the stock guests beside it keep a pace
# their timeouts allow.
setsid nice -n 10 bash tests/vm/build-debug-kernel.sh >/dev/null \
	2>"$OUT/debug-kernel.log" &
debug_kernel_pid=$!
stock_lane_pid=
# Whatever ends make check ends what it started in the background: a
# build or guests left running would hold the cores, and the next run
# would unpack the tree again under the build.
stop_background() {
	kill -- -"$debug_kernel_pid" 2>/dev/null
	if [ -n "$stock_lane_pid" ]; then
		pkill -TERM -P "$stock_lane_pid" 2>/dev/null
		kill "$stock_lane_pid" 2>/dev/null
	fi
	return 0
}
trap stop_background EXIT
STOCK=$(bash tests/vm/stock-kernel.sh) || die "stock kernel preparation failed"

# checked NAME CMD...: CMD prints ok / not ok lines of its own; they join
# the results, and a CMD that fails (a traceback, an early death) fails
# NAME even when none of its lines said "not ok".
checked() {
	local name=$1 status
	shift
	tap_run "$RESULTS" "$@"
	status=$?
	if [ "$status" -ne 0 ]; then
		record "not ok" "$name: exited with status $status"
	else
		record ok "$name: exited with status 0"
	fi
}

msg "harness self-test: KTAP verdicts and the console scan on known logs"
checked "harness self-test" \
	"$PYTHON" tests/vm/selftest "$DEBUG_TREE/tools/testing/kunit/kunit.py"

# spin takes about a minute of one core: it runs beside the checks below,
# and its results join the rest after them.
msg "the handoff protocol's model, checked with spin, in the background"
tests/model/check.sh >"$OUT/model.log" 2>&1 &
model_pid=$!

msg "drop reasons and wire versions: one list, every copy agrees"
checked "consistency of reasons and versions" "$PYTHON" tests/consistency.py

msg "metherwire.py's seal and open, the dissector on any port (seconds)"
checked "wire: metherwire.py's AEAD, the dissector" "$PYTHON" tests/wire.py

msg "bench/graph.py's reading of function graphs (seconds)"
checked "graph: bench/graph.py on a made-up trace" "$PYTHON" tests/graph.py

msg "the benchmarks' arithmetic: host load, pipes, A/B (seconds)"
checked "benchtools: paper-table.py and ab.py on made-up lines" \
	"$PYTHON" tests/benchtools.py

msg "man pages: groff -ww and lexgrog, links, a page for every function"
for page in Documentation/man/*.[0-9]; do
	# A ".so" link page is no page to groff or lexgrog: tests/man.sh
	# checks that it links to a real one.
	[ "$(head -c 4 "$page")" = ".so " ] && continue
	check_clean "man: $(basename "$page") renders without warnings" \
		"$OUT/man.log" groff -ww -man -z "$page"
	check_clean "man: $(basename "$page") has a NAME lexgrog reads" \
		"$OUT/man.log" sh -c "lexgrog '$page' >/dev/null"
done
checked "man: links and coverage" tests/man.sh

msg "static checks: checkpatch --strict"
# shellcheck disable=SC2086
check_clean "checkpatch --strict: module sources clean" "$OUT/checkpatch.log" \
	"$DEBUG_TREE/scripts/checkpatch.pl" --strict --no-tree --terse \
	--show-types -f $KERNEL_SOURCES

msg "building mether.ko against Debian's kernel with W=1"
build_module stock "$STOCK/kdir"

msg "building userspace"
check_clean "build: userspace, -Wall -Wextra -Werror" "$OUT/userspace.log" \
	make -s -C userspace

msg "the Debian packages: make deb (debhelper, dh-dkms), lintian (about a minute)"
# DEBS: the four packages, for the package run.
DEBS=()
if [ "$(dpkg-parsechangelog -S Version)" = "$(sed -n \
	's/^PACKAGE_VERSION="\(.*\)"/\1/p' dkms.conf)" ]; then
	record ok "package: debian/changelog's version is dkms.conf's"
else
	record "not ok" "package: debian/changelog's version is dkms.conf's"
fi
if bash packaging/build-deb.sh "$BUILD/deb" >"$OUT/debs.txt" 2>"$OUT/deb.log"; then
	record ok "package: make deb builds $(xargs -n1 basename <"$OUT/debs.txt" | xargs)"
	# shellcheck disable=SC2207
	DEBS=($(grep -v -- '-dbgsym_' "$OUT/debs.txt"))
	if [ "$(xargs -n1 basename <"$OUT/debs.txt" | cut -d_ -f1 | LC_ALL=C sort | xargs)" = \
	     "libmether-dev libmether1 libmether1-dbgsym mether-dkms mether-tools mether-tools-dbgsym" ]; then
		record ok "package: four packages, the library's and the tools' symbols in -dbgsym"
	else
		record "not ok" "package: four packages, the library's and the tools' symbols in -dbgsym" \
			"$OUT/debs.txt"
	fi
	# The packaged tools are dynamic executables, and those built on
	# libmether (their source includes libmether.h) use the packaged
	# library, not a static copy of it.
	rm -rf "$BUILD/deb/tools-root"
	dpkg-deb -x "$BUILD"/deb/mether-tools_*.deb "$BUILD/deb/tools-root"
	: >"$OUT/tools-needed.txt"
	bad=0
	for src in userspace/tools/*.c; do
		tool=$BUILD/deb/tools-root/usr/bin/$(basename "$src" .c)
		needed=$(readelf -d "$tool" 2>&1 | grep NEEDED)
		echo "$tool: $needed" >>"$OUT/tools-needed.txt"
		echo "$needed" | grep -q '\[libc[.]so[.]6\]' || bad=1
		if grep -q '^#include .*libmether[.]h' "$src"; then
			echo "$needed" | grep -q '\[libmether[.]so[.]1\]' || bad=1
		fi
	done
	if [ "$bad" = 0 ]; then
		record ok "package: its tools are dynamic, on libmether.so.1 where they use it"
	else
		record "not ok" "package: its tools are dynamic, on libmether.so.1 where they use it" \
			"$OUT/tools-needed.txt"
	fi
	# Every .deb, the source package and the .changes; an override
	# only with its reason beside it (debian/*.lintian-overrides).
	if lintian --fail-on error,warning "$BUILD"/deb/mether_*.changes \
		>"$OUT/lintian.log" 2>&1; then
		record ok "package: lintian --fail-on error,warning passes"
	else
		record "not ok" "package: lintian --fail-on error,warning passes" \
			"$OUT/lintian.log"
	fi
else
	record "not ok" "package: make deb" "$OUT/deb.log"
fi

# guest_run NAME ARGS...: boot guests with run-guests ARGS, logs in
# $OUT/NAME; their results join the suite's as they come.
guest_run() {
	local name=$1 status
	shift
	: >"$OUT/$name.txt"
	TAP_STDERR=1 tap_run "$OUT/$name.txt" \
		tests/vm/run-guests --out "$OUT/$name" "$@"
	status=$?
	guest_record "$name" "$status"
}

# guest_run_quietly NAME ARGS...: guest_run for a run in the background:
# its results wait in $OUT/NAME.txt (its progress in $OUT/NAME.log) for
# guest_collect NAME.
guest_run_quietly() {
	local name=$1
	shift
	tests/vm/run-guests --out "$OUT/$name" "$@" \
		>"$OUT/$name.txt" 2>"$OUT/$name.log"
	echo $? >"$OUT/$name.status"
}

guest_collect() { # guest_collect NAME: a quiet run's results join the suite's
	local name=$1 line
	while IFS= read -r line; do
		tap "$line"
	done <"$OUT/$name.txt"
	guest_record "$name" "$(cat "$OUT/$name.status" 2>/dev/null || echo 255)"
}

# guest_record NAME STATUS: a runner that failed without naming a failed
# check (it could not boot, or crashed) must still fail the suite.
guest_record() {
	cat "$OUT/$1.txt" >>"$RESULTS"
	if [ "${2:-255}" != 0 ] && ! grep -q '^not ok ' "$OUT/$1.txt"; then
		record "not ok" "$1 run: runner failed (status $2)" \
			"$([ -f "$OUT/$1.log" ] && echo "$OUT/$1.log")"
	fi
}

# Debian's kernel: fast where a test needs many hosts, the only one with
# user namespaces, and with process_vm_writev(). Its guests need nothing
# of the debug kernel, so they run (one at a time) while it builds.
stock_lane() {
	guest_run_quietly stock --kernel "$STOCK/vmlinuz" \
		--modules-root "$STOCK/root" \
		--modules-list "$STOCK/modules.list" \
		--module "$BUILD/stock/mether.ko" \
		--bin userspace/tools/metherctl \
		--bin userspace/tools/mether-follow --host-bin /sbin/ip \
		--bin userspace/tools/mether-count \
		--host-bin /usr/sbin/smcrouted --host-bin /sbin/bridge \
		--bin userspace/tests/mether-userns-test \
		--bin userspace/tests/mether-poke \
		--guests 1 --timeout 900 --test-timeout 600 \
		tests/guest/snoopers.sh tests/guest/userns.sh \
		tests/guest/consistent.sh tests/guest/compat.sh \
		tests/guest/routed.sh

	# The packages on the stock kernel: dpkg, DKMS, a count, purge.
	if [ ${#DEBS[@]} -eq 4 ] && (cd "$BUILD/deb" && rm -f udev_*.deb &&
	    apt-get download -q udev >>"$OUT/deb.log" 2>&1); then
		guest_run_quietly package --kernel "$STOCK/vmlinuz" \
			--modules-root "$STOCK/root" \
			--modules-list "$STOCK/modules.list" \
			--module "$BUILD/stock/mether.ko" \
			"${DEBS[@]/#/--bin=}" \
			--bin "$(ls "$BUILD"/deb/udev_*.deb)" --bin README.md \
			--share /:hostroot --mem 1024 --smp "$(nproc)" \
			--guests 1 --timeout 1800 --test-timeout 1500 \
			tests/guest/package.sh
	else
		{
			echo "not ok package run: no packages to install, or no udev"
			sed 's/^/#   /' "$OUT/deb.log" | tail -20
		} >"$OUT/package.txt"
		echo 0 >"$OUT/package.status"
	fi
}

if [ "$QUICK" = 1 ]; then
	:
elif [ -f "$BUILD/stock/mether.ko" ] && [ -x userspace/tools/metherctl ]; then
	msg "tests on the stock kernel, then its packages (DKMS), in the background"
	stock_lane &
	stock_lane_pid=$!
else
	record "not ok" "stock guest tests: nothing to boot (build failed)"
fi

# The host-side checks run beside the stock guests.
msg "the tools' argument handling, on the host (no module, a few seconds)"
checked "tools: usage errors, numbers and keys" "$PYTHON" tests/tools.py

msg "the user API and the library: header tests, C++, c99 (seconds)"
checked "api-build: uapi header, library, tree" \
	tests/api-build.sh "$DEBUG_TREE"

msg "make install and uninstall, staged in a copy of the tree (seconds)"
checked "install: make install, uninstall" tests/install.sh

msg "the handoff protocol's model: spin's results (started above)"
wait "$model_pid"
model_status=$?
checked "model check" sh -c 'cat "$1"; exit "$2"' model "$OUT/model.log" \
	"$model_status"

msg "waiting for the debug kernel (its progress: $OUT/debug-kernel.log)"
# No module of an earlier run may stand in for one this run failed to build.
rm -rf "$BUILD/plain" "$BUILD/debug"
if wait "$debug_kernel_pid"; then
	msg "building mether.ko against the debug kernel with W=1, sparse"
	# What DKMS builds on a kernel with KUnit: no suites unless asked.
	build_module plain "$DEBUG_TREE"
	checked "layers: no file of the module calls one above it" \
		"$PYTHON" tests/layers.py "$BUILD/plain"
	if ! has_kunit "$BUILD/plain/mether.ko"; then
		record ok "build: a plain build on a KUnit kernel carries no suites"
	else
		record "not ok" "build: a plain build on a KUnit kernel carries no suites"
	fi
	build_module debug "$DEBUG_TREE" METHER_KUNIT=y
	if has_kunit "$BUILD/debug/mether.ko"; then
		record ok "build: METHER_KUNIT=y carries the suites"
	else
		record "not ok" "build: METHER_KUNIT=y carries the suites"
	fi
	# The debug build is up to date, so this runs sparse alone on
	# every file.
	check_clean "sparse (C=2): module sources clean" "$OUT/sparse.log" \
		make -C "$DEBUG_TREE" M="$BUILD/debug" C=2 METHER_KUNIT=y modules
else
	# Its error and build.log's tail, without the progress lines.
	grep -v '^  \.\.\. ' "$OUT/debug-kernel.log" >"$OUT/debug-kernel.failed"
	record "not ok" "debug kernel: build" "$OUT/debug-kernel.failed"
fi

if [ -n "$stock_lane_pid" ]; then
	# Guests that share the two cores with more guests than that run
	# slowly enough to time out: the debug guests wait for these.
	msg "the stock kernel's guests: waiting for them to finish"
	wait "$stock_lane_pid"
	guest_collect stock
	guest_collect package
fi

# A script of one guest returns at once on the other: guest 0's last
# ones run beside guest 1's migrations in hosts.sh, cleanup.sh, late.sh
# and fuzz.sh (see timings.txt).
GUEST_TESTS=(kunit.sh module.sh api.sh segment.sh network.sh count.sh
	forgery.sh reclaimspoof.sh migrate.sh multicast.sh netem.sh pipes.sh
	capability.sh hosts.sh cleanup.sh
	reclaim.sh replay.sh trace.sh late.sh netns.sh fuzz.sh consistent.sh
	status.sh)
# The guests load the plain build: the suites run at every load of the
# other (several seconds each on the debug kernel, some fifty loads), so
# only kunit.sh loads it.
DEBUG_GUESTS=(--kernel "$DEBUG_TREE/arch/x86/boot/bzImage"
	--module "$BUILD/plain/mether.ko" --debug-cmdline)

if [ "$QUICK" = 1 ]; then
	msg "check-quick: no guests (make check runs them)"
elif [ -f "$BUILD/debug/mether.ko" ] && [ -f "$BUILD/plain/mether.ko" ] &&
     [ -x userspace/tools/metherctl ]; then
	msg "guest tests: 2 debug-kernel guests (KASAN, lockdep, kmemleak; about half an hour)"
	guest_run guests "${DEBUG_GUESTS[@]}" \
		--kunit-module "$BUILD/debug/mether.ko" \
		--kunit-py "$DEBUG_TREE/tools/testing/kunit/kunit.py" \
		--kunit-suites "$(cat tests/kunit/*.c | grep -c '^kunit_test_suite(')" \
		--bin userspace/tools/metherctl --bin userspace/tools/mether-count \
		--bin userspace/tests/mether-api-test \
		--bin userspace/tests/mether-owner-check \
		--bin userspace/tests/mether-poke --bin userspace/tests/mether-pipe-test \
		--bin userspace/tests/mether-segment-test \
		--bin userspace/apps/mether-jacobi --bin userspace/tests/mether-fuzz \
		--host-bin /sbin/tc --host-bin /sbin/ip \
		--host-script tests/host/forgery.py \
		--host-script tests/host/reclaimspoof.py \
		--host-script tests/host/replay.py \
		--host-script tests/host/status.py \
		--guests 2 --timeout 3600 --test-timeout 1500 \
		"${GUEST_TESTS[@]/#/tests/guest/}"

	msg "the soak: 4 debug-kernel guests, netem, one killed and reclaimed (about 3 minutes)"
	guest_run soak "${DEBUG_GUESTS[@]}" \
		--bin userspace/tools/metherctl --bin userspace/tools/mether-count \
		--bin userspace/tests/mether-poke --bin userspace/tests/mether-soak \
		--host-bin /sbin/tc --host-bin /sbin/ip \
		--host-script tests/host/soak-kill.py --killed 3 \
		--guests 4 --timeout 1800 --test-timeout 1500 tests/guest/soak.sh
else
	record "not ok" "guest tests: nothing to boot (build failed)"
fi

for run in guests soak stock package; do
	[ -f "$OUT/$run/timings.txt" ] || continue
	msg "seconds per test script and guest in the $run run"
	cat "$OUT/$run/timings.txt" >&2
done

passed=$(grep -c '^ok ' "$RESULTS")
failed=$(grep -c '^not ok ' "$RESULTS")
msg "make check$([ "$QUICK" = 1 ] && echo -quick) took $((SECONDS - start))s; logs in $OUT"
tap "1..$TAP_N"
# The output must be what it says it is: TAP that prove parses, with a
# result line for every result counted.
tap_ok=1
if [ "$TAP_N" -ne $((passed + failed)) ]; then
	echo "# $TAP_N results printed, $((passed + failed)) counted"
	tap_ok=0
fi
prove --exec cat "$TAP" >"$OUT/prove.log" 2>&1
prove_status=$?
if grep -q 'Parse errors' "$OUT/prove.log" ||
   { [ "$failed" -eq 0 ] && [ "$prove_status" -ne 0 ]; }; then
	echo "# prove cannot parse $TAP:"
	sed 's/^/#   /' "$OUT/prove.log" | tail -20
	tap_ok=0
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ] && [ "$tap_ok" = 1 ]
