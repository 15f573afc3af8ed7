#!/bin/busybox sh
# /init of every test guest. The runner passes its settings on the kernel
# command line, which the kernel hands to init as environment variables:
#   mether_id (0..N-1), mether_guests (N), mether_tests (comma list),
#   mether_test_timeout (seconds per test), mether_killed (comma list
#   of guests a host script kills mid-run: barriers skip them).
# Console (ttyS0) carries the kernel log; ttyS1 carries results only, so
# kernel messages can never garble a verdict.

/bin/busybox --install -s /bin
export PATH=/bin:/mether/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev 2>/dev/null
mount -t tmpfs tmpfs /tmp
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null

exec 3>/dev/ttyS1
result() { echo "$*" >&3; }
. /mether/tests/lib.sh

for m in $(cat /mether/modules.list); do
	insmod "/$m" || result "not ok boot: insmod $m"
done

export METHER_ID=${mether_id:-0} METHER_GUESTS=${mether_guests:-1}
export METHER_IP=10.77.0.$((METHER_ID + 1))
export BARRIER_SKIP=$(echo "${mether_killed}" | tr , ' ')
ip link set lo up
if ip link set eth0 up 2>/dev/null; then
	ip addr add "$METHER_IP/24" dev eth0
else
	result "not ok boot: guest $METHER_ID has no eth0"
fi

mkdir -p $BARRIER_DIR
httpd -p $BARRIER_PORT -h $BARRIER_DIR
result "# guest $METHER_ID of $METHER_GUESTS up: $(uname -r)"
uptime_s() { cut -d. -f1 /proc/uptime; }
for t in $(echo "${mether_tests}" | tr , ' '); do
	result "# test $t"
	started=$(uptime_s)
	timeout "${mether_test_timeout:-300}" sh "/mether/tests/$t" ||
		result "not ok $t: exited with status $?"
	# A test cut off by its timeout leaves the module loaded, and its
	# processes and hosts behind: clean up so that the next test starts
	# clean instead of failing in a cascade.
	if [ -e /sys/module/mether ]; then
		result "not ok $t: left mether.ko loaded"
		# Not in a subshell: clean_up spares this shell by its $$.
		clean_up >/tmp/killed ||
			result "# the module stayed loaded after $t"
		result "# killed after $t:" $(cat /tmp/killed)
	fi
	# The runner tabulates these: where a run's time goes.
	result "# took $t $(($(uptime_s) - started))"
done

# Stay up until every guest is done: peers may still be talking to us.
if [ "$METHER_GUESTS" -gt 1 ]; then
	BARRIER_TRIES=3000 barrier end ||
		result "not ok end: guests did not all finish"
	sleep 10
fi

# kmemleak reports objects only after two scans (the first one ages them).
# A debugfs file has size 0 whatever it holds: read what it says. A scan
# that cannot run (kmemleak switched itself off, or is missing on a
# kernel booted to use it) is a failure, not a clean report.
leaks=/sys/kernel/debug/kmemleak
if [ -e $leaks ] || grep -q 'kmemleak=on' /proc/cmdline; then
	if echo scan 2>/dev/null >$leaks && sleep 1 &&
	   echo scan 2>/dev/null >$leaks && report=$(cat $leaks 2>&1); then
		if [ -n "$report" ]; then
			result "not ok kmemleak: guest $METHER_ID leaked memory"
			echo "$report" | sed 's/^/# /' >&3
		else
			result "ok kmemleak: guest $METHER_ID"
		fi
	else
		result "not ok kmemleak: guest $METHER_ID: the scan could not run"
		dmesg | grep -i kmemleak | tail -5 | sed 's/^/# /' >&3
	fi
fi

result "mether-guest-done"
sync
poweroff -f
