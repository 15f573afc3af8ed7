# Random system calls on /dev/mether (userspace/tests/mether-fuzz.c) from
# four threads and their forks, for a bounded time, as root and then as
# a restricted user. The verdict is the kernel's: the runner fails the
# guest on any KASAN, lockdep, warning or hung task report, and on a
# kmemleak report at the end. The module must still unload.
. /mether/tests/lib.sh
plan $((METHER_ID == LAST_GUEST ? 7 : 0))
[ "$METHER_ID" = $LAST_GUEST ] || exit 0

check "fuzz: mether.ko loads" insmod $MODULE request_timeout_ms=500 \
	data_driven_timeout_ms=50
chmod 0666 /dev/mether
# The faults and purges that reached the module, counted by their
# tracepoints: mether-fuzz checks nothing itself, so this shows that its
# calls got past the system call layer. Not by STATS: the fuzzer's UP
# and DOWN replace the namespace's space, whose counters start again, so
# a run whose last call was a successful UP would show none.
T=/sys/kernel/tracing
[ -d $T/events ] || mount -t tracefs nodev $T
trace_events() { # trace_events 0|1: stop or start counting
	echo 0 >$T/tracing_on
	echo "$1" >$T/events/mether/mether_fault/enable
	echo "$1" >$T/events/mether/mether_purge/enable
	[ "$1" = 0 ] || { echo >$T/trace; echo 1 >$T/tracing_on; }
}
# reached: the events recorded since trace_events 1, overwritten or not
reached() {
	cat $T/per_cpu/cpu*/stats |
		awk '/^(entries|overrun):/ { n += $2 } END { print n + 0 }'
}
fuzz() { # fuzz NAME ARGS...: run mether-fuzz, show its figures
	local name=$1 status calls
	shift
	trace_events 1
	timeout 300 mether-fuzz "$@" >/tmp/fuzz 2>&1
	status=$?
	if [ $status = 0 ]; then
		ok "fuzz: $name: $(tail -1 /tmp/fuzz)"
	else
		not_ok "fuzz: $name: exit status $status"
		diag "$(cat /tmp/fuzz)"
	fi
	trace_events 0
	calls=$(reached)
	check "fuzz: $name: $calls faults and purges reached the module" \
		[ "$calls" -gt 0 ]
}

fuzz "60 s of random calls as root" -t 60 -j 4 -s 1990
fuzz "30 s as a user, through restricted files" -t 30 -j 4 -s 2026 -u
metherctl down 2>/dev/null
# Every fuzzer process must be gone, with every file it had.
tries=0
while pidof mether-fuzz >/dev/null && [ $tries -lt 30 ]; do
	sleep 1
	tries=$((tries + 1))
done
check "fuzz: no fuzzer process is left" sh -c '! pidof mether-fuzz'
for pid in $(pidof mether-fuzz); do
	diag "$pid: $(cat /proc/$pid/status | grep State) $(cat /proc/$pid/task/*/stack 2>/dev/null | head -20)"
done
diag "$(grep mether /proc/modules)"
check "fuzz: mether.ko unloads" rmmod mether
