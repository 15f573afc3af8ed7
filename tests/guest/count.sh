# The paper's counting program on one host: two processes take turns to
# count to 1024 with each user protocol of section 4.
. /mether/tests/lib.sh
plan $((METHER_ID == 0 ? 9 : 0))
[ "$METHER_ID" = 0 ] || exit 0

N=${COUNT_TO:-1024}
# On one host the two processes share one inconsistent copy, so one
# process's read-only PURGE can take an update from the other before it
# maps it; the data-driven fallback then finds it, after this timeout.
DD="data_driven_timeout_ms=10"
check "count: mether.ko loads" insmod $MODULE $DD
# final-separate: the final protocol in the paper's calls, not a
# METHER_IOC_PURGE_WAIT a turn.
for p in full-page short-page purge purge-hysteresis short-data-driven final \
	final-separate; do
	args="-p $p"
	[ $p = final-separate ] && args="-p final --separate"
	timeout 120 mether-count $args -n $N -i 0 -b 10 >/tmp/c0 2>&1 &
	a=$!
	timeout 120 mether-count $args -n $N -i 1 -b 10 >/tmp/c1 2>&1
	rb=$?
	wait $a
	ra=$?
	calls=separate
	[ $p = final ] && calls=one
	if [ $ra = 0 ] && [ $rb = 0 ] && grep -q "ok=yes.*calls=$calls" /tmp/c0 &&
	   grep -q "ok=yes.*calls=$calls" /tmp/c1; then
		ok "count: $p reaches $N, every increment in order"
	else
		not_ok "count: $p (exit $ra and $rb)"
	fi
	diag "$(cat /tmp/c0 /tmp/c1)"
	# Start the next protocol from fresh pages.
	rmmod mether && insmod $MODULE $DD
done
check "count: mether.ko unloads" rmmod mether
