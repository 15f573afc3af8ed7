# Two hosts count to N across a lossy segment (netem on each guest's
# eth0: 5% loss; then duplication and reordering). Lost pages, requests,
# handoffs and ACKs are recovered by retransmission and the data-driven
# fallback; every count must still be exact. Pipes of windows 1 (the
# paper's), 4 and 8 (mether-pipe-test -q: a stream of 0- to 44-byte
# messages one way, then echoes of 0 bytes to 20000, 32 and 4096 among
# them) must deliver every message whole, once and in order through
# both; then windows of 1 and 8 through loss, duplication and
# reordering at once, with their full runs (echoes up to a MiB and
# more).
. /mether/tests/lib.sh
plan 20

N=${COUNT_TO:-1024}
TC=/sbin/tc	# iproute2's, copied in by the runner: busybox's has no netem
check "netem: mether.ko loads" insmod $MODULE data_driven_timeout_ms=50
create=
[ "$METHER_ID" = 0 ] && create=--create
check "netem: up" metherctl up --key-file $CLUSTER_KEY --id $((METHER_ID + 1)) --cluster 11 \
	--port 7779 --broadcast 10.77.0.255 --pages 128 $create

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

window_pipe() { # window_pipe CONDITIONS WINDOW [-q]
	barrier "netem-pipe-$base" || not_ok "netem: barrier before the pipe ($1)"
	if timeout 900 mether-pipe-test -e $METHER_ID -w $2 $3 -b $base \
		>/tmp/m 2>&1; then
		ok "netem: a pipe of window $2 delivers every message with $1"
	else
		not_ok "netem: a pipe of window $2 with $1"
	fi
	diag "$(grep -v '^ok' /tmp/m)"
	base=$((base + 2 * ($2 + 1)))
}

check "netem: 5% loss on eth0" $TC qdisc add dev eth0 root netem loss 5%
count final "5% loss"
count full-page "5% loss" $((N / 4))
for window in 1 4 8; do
	window_pipe "5% loss" $window -q
done
check "netem: duplication and reordering on eth0" $TC qdisc change \
	dev eth0 root netem duplicate 5% reorder 25% delay 2ms
count final "duplication and reordering"
count full-page "duplication and reordering" $((N / 4))
for window in 1 4 8; do
	window_pipe "duplication and reordering" $window -q
done
check "netem: loss, duplication and reordering at once on eth0" $TC qdisc \
	change dev eth0 root netem loss 5% duplicate 5% reorder 25% delay 2ms
for window in 1 8; do
	window_pipe "loss, duplication and reordering" $window
done
barrier netem-done || not_ok "netem: barrier netem-done"
diag "$($TC -s qdisc show dev eth0)"
$TC qdisc del dev eth0 root
diag "$(metherctl stats)"
check "netem: handoffs were retransmitted" \
	sh -c 'metherctl stats --machine | grep -q "^retransmits [1-9]"'
check "netem: down" metherctl down
check "netem: mether.ko unloads" rmmod mether
