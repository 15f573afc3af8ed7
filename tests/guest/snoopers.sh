# Eight hosts snoop one writer's burst of publications (issue 15, point
# 3). Packets a host's socket drops unread, its receive queue full, are
# counted (socket_drops, which must lie between two readings of the
# namespace's UDP RcvbufErrors), and every data-driven waiter still gets
# the last value.
# First with a socket buffer too small to hold two packets, so that drops
# are certain and their count is checked; then with the default buffer.
. /mether/tests/lib.sh
plan $((METHER_ID == 0 ? 8 : 0))
[ "$METHER_ID" = 0 ] || exit 0

HOST_CLUSTER=43
HOST_PORT=7993
K=8
HOSTS=$((K + 1))
N=150
PAGE=5

# udp_stat I NAME: the UDP counter NAME of host I's namespace.
udp_stat() {
	in_host $1 awk -v name="$2" '$1 == "Udp:" && !n { for (i = 2; i <= NF; i++) col[$i] = i; n = 1; next }
		$1 == "Udp:" { print $col[name] }' /proc/net/snmp
}

# burst LABEL: host 1 publishes 1..N back to back while hosts 2..HOSTS
# follow on the data-driven view; prints the socket drops, and fails
# unless every follower ended at N and every host's socket_drops equals
# what its namespace's RcvbufErrors grew by.
burst() {
	local i pids= status=0 drops=0 sd re re2
	for i in $(seq 1 $HOSTS); do
		udp_stat $i RcvbufErrors >/tmp/re$i
		if [ $i = 1 ]; then host_up 1 --create; else host_up $i; fi ||
			{ echo "host $i up failed"; return 1; }
	done
	for i in $(seq 2 $HOSTS); do
		in_host $i timeout 120 mether-follow $PAGE $N >/tmp/f$i 2>/dev/null &
		pids="$pids $!"
	done
	sleep 2		# every follower waits on the data-driven view
	in_host 1 mether-follow -w -i 0 $PAGE $N >/dev/null || status=1
	for i in $pids; do
		wait $i || status=1
	done
	for i in $(seq 2 $HOSTS); do
		[ "$(tail -n 1 /tmp/f$i | cut -d' ' -f1)" = $N ] ||
			{ echo "host $i ended at '$(tail -n 1 /tmp/f$i)'"; status=1; }
		# The hosts are up and still say HELLO, so a drop may come
		# between two reads: socket_drops, read between two readings
		# of RcvbufErrors, must lie between them.
		re=$(($(udp_stat $i RcvbufErrors) - $(cat /tmp/re$i)))
		sd=$(host_stat $i socket_drops)
		re2=$(($(udp_stat $i RcvbufErrors) - $(cat /tmp/re$i)))
		[ -n "$sd" ] && [ "$sd" -ge "$re" ] && [ "$sd" -le "$re2" ] ||
			{ echo "host $i: socket_drops '$sd', RcvbufErrors '$re' then '$re2'"; status=1; }
		drops=$((drops + ${sd:-0}))
	done
	for i in $(seq 1 $HOSTS); do
		in_host $i metherctl down
	done
	echo "$drops"
	return $status
}

check "snoopers: mether.ko loads with a one-packet socket buffer" \
	insmod $MODULE socket_buffer_kb=1
check "snoopers: $HOSTS hosts on a bridge" bridge_hosts $HOSTS
if out=$(burst small); then
	drops=$(echo "$out" | tail -n 1)
	check "snoopers: a full socket queue's drops are counted ($drops)" \
		[ "$drops" -gt 0 ]
	ok "snoopers: with drops, every waiter got the last value"
else
	not_ok "snoopers: burst with a one-packet buffer"
	not_ok "snoopers: with drops, every waiter got the last value"
	diag "$out"
fi
check "snoopers: mether.ko unloads" rmmod mether

check "snoopers: mether.ko loads with the default socket buffer" \
	insmod $MODULE
if out=$(burst default); then
	ok "snoopers: $K snoopers, default buffer: every waiter got the last value, drops counted ($(echo "$out" | tail -n 1))"
else
	not_ok "snoopers: burst with the default buffer"
	diag "$out"
fi
check "snoopers: mether.ko unloads" rmmod mether
