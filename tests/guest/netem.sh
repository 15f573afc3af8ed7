# Two hosts count to N across a lossy segment (netem on each guest's
# eth0: 5% loss; then duplication and reordering). Lost pages, requests,
# handoffs and ACKs are recovered by retransmission and the data-driven
# fallback; every count must still be exact. A pipe with a window
# (mether-pipe-test -w 4 -q: a stream one way, then echoes up to 20000
# bytes) must deliver every message whole and in order through both.
. /mether/tests/lib.sh
plan 13

N=${COUNT_TO:-1024}
TC=/sbin/tc	# iproute2's, copied in by the runner: busybox's has no netem
check "netem: mether.ko loads" insmod $MODULE data_driven_timeout_ms=50
create=
[ "$METHER_ID" = 0 ] && create=--create
check "netem: up" metherctl up --key-file $CLUSTER_KEY --id $((METHER_ID + 1)) --cluster 11 \
	--port 7779 --broadcast 10.77.0.255 --pages 64 $create

base=10
# count PROTOCOL CONDITIONS [N]: the full page protocol spins (about
# fifty losses an increment, up to two minutes for 1024 under netem on a
# debug guest), so it counts to a quarter of N: still thousands of pages
# through the qdisc.
count() {
	local n=${3:-$N}
	barrier "netem-$base" || not_ok "netem: barrier before $1 ($2)"
	if timeout 600 mether-count -p "$1" -n "$n" -i $METHER_ID -b $base \
		>/tmp/m 2>&1; then
		ok "netem: $1 reaches $n with $2"
	else
		not_ok "netem: $1 with $2"
	fi
	diag "$(cat /tmp/m)"
	base=$((base + 2))
}

window_pipe() { # window_pipe CONDITIONS
	barrier "netem-pipe-$base" || not_ok "netem: barrier before the pipe ($1)"
	if timeout 600 mether-pipe-test -e $METHER_ID -w 4 -q -b $base \
		>/tmp/m 2>&1; then
		ok "netem: a window pipe delivers every message with $1"
	else
		not_ok "netem: a window pipe with $1"
	fi
	diag "$(grep -v '^ok' /tmp/m)"
	base=$((base + 10))
}

check "netem: 5% loss on eth0" $TC qdisc add dev eth0 root netem loss 5%
count final "5% loss"
count full-page "5% loss" $((N / 4))
window_pipe "5% loss"
check "netem: duplication and reordering on eth0" $TC qdisc change \
	dev eth0 root netem duplicate 5% reorder 25% delay 2ms
count final "duplication and reordering"
count full-page "duplication and reordering" $((N / 4))
window_pipe "duplication and reordering"
barrier netem-done || not_ok "netem: barrier netem-done"
diag "$($TC -s qdisc show dev eth0)"
$TC qdisc del dev eth0 root
diag "$(metherctl stats)"
check "netem: handoffs were retransmitted" \
	sh -c 'metherctl stats --machine | grep -q "^retransmits [1-9]"'
check "netem: down" metherctl down
check "netem: mether.ko unloads" rmmod mether
