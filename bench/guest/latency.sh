# Where an increment's time goes (issue 16), in each of two guests on
# Debian's stock kernel: RUNS rounds of the final protocol (sealed)
# counting to N, on the broadcast address and on a multicast group
# (final-multicast), each beside a user-space UDP ping-pong of the same
# count, in the clear and through WireGuard, then the final protocol
# once more with the tracepoints on (on the group with
# LATENCY_TRACE=final-multicast). The traced run's events go to the result
# channel as "latev" lines; bench/latency.py turns them into the
# breakdown (bench/results/latency.csv).
. /mether/tests/lib.sh

N=${COUNT_TO:-1024}
RUNS=${LATENCY_RUNS:-3}
plan $((10 + 4 * RUNS))
PEER=10.77.0.$((2 - METHER_ID))
T=/sys/kernel/tracing

TRACED=${LATENCY_TRACE:-final}
check "latency: mether.ko loads" insmod $MODULE
create=
[ "$METHER_ID" = 0 ] && create=--create
# host_up NAME: (re)join the cluster, sealed: final on the broadcast
# address, final-multicast on a group (tests/guest/multicast.sh).
HOST_ON=
host_up() {
	local to="--broadcast 10.77.0.255"

	[ "$HOST_ON" = "$1" ] && return 0
	[ "$1" = final-multicast ] && to="--broadcast 239.77.0.4 --dev eth0"
	[ -z "$HOST_ON" ] || metherctl down
	HOST_ON=$1
	metherctl up --id $((METHER_ID + 1)) --cluster 4 --port 7700 $to \
		--pages 64 $create --key-file $CLUSTER_KEY
}
# Not inside check, which runs it in a subshell: HOST_ON must stick.
host_up final
check "latency: host up, sealed" \
	[ "$(metherctl stats --machine | sed -n 's/^up //p')" = 1 ]

# count RUN TRACED NAME: the final protocol once, on pages of its own,
# with the host on the broadcast address or the group NAME says.
count() {
	barrier "latency-$3-$1" || not_ok "latency: barrier $3 $1"
	host_up $3 || not_ok "latency: $3: up"
	barrier "latency-$3-$1-up" || not_ok "latency: barrier $3 $1 up"
	timeout 300 mether-count -p final -n $N -i $METHER_ID -b $((10 + 2 * $1)) \
		>/tmp/r 2>&1
	line=$(grep '^id=' /tmp/r | sed "s/protocol=final/protocol=$3/")
	[ -n "$line" ] || line="id=$METHER_ID protocol=$3 ok=no"
	echo "bench $line host=$METHER_ID run=$1 traced=$2" >&3
	case $line in
	*ok=yes*) ok "latency: $3, run $1, traced $2: $line" ;;
	*) not_ok "latency: $3, run $1, traced $2"; diag "$(cat /tmp/r)" ;;
	esac
}

# pingpong RUN NAME PEER PORT: the same count over user-space UDP to
# PEER (host 1 listens), reported as protocol NAME.
pingpong() {
	barrier "latency-$2-$1" || not_ok "latency: barrier $2 $1"
	[ "$METHER_ID" = 0 ] && sleep 1
	timeout 300 mether-pingpong -u -i $METHER_ID -a $3 -p $4 -n $N \
		>/tmp/r 2>&1
	line=$(grep '^id=' /tmp/r | sed "s/protocol=udp-pingpong/protocol=$2/")
	[ -n "$line" ] || line="id=$METHER_ID protocol=$2 ok=no"
	echo "bench $line host=$METHER_ID run=$1 traced=no" >&3
	case $line in
	*ok=yes*) ok "latency: $2, run $1: $line" ;;
	*) not_ok "latency: $2, run $1"; diag "$(cat /tmp/r)" ;;
	esac
}

check "latency: a WireGuard tunnel to the other guest" wg_up
# Run 0 warms the guests up (the first count of a boot is the slowest);
# bench/latency.py leaves it out.
run=0
while [ $run -le "$RUNS" ]; do
	count $run no final
	count $run no final-multicast
	pingpong $run udp-pingpong $PEER $((7900 + run))
	pingpong $run udp-wireguard 10.78.0.$((2 - METHER_ID)) $((7950 + run))
	run=$((run + 1))
done

# The traced run: Mether's events, the counting process's ioctls and
# wake-ups, and every packet where it meets the network device. The
# host comes up for it before the trace starts.
host_up $TRACED || not_ok "latency: $TRACED: up"
barrier latency-traced-up || not_ok "latency: barrier traced up"
[ -d $T/events ] || mount -t tracefs nodev $T
echo 0 >$T/tracing_on
echo 16384 >$T/buffer_size_kb
echo >$T/trace
for e in mether/mether_packet_rx mether/mether_packet_tx mether/mether_purge \
	 mether/mether_fault mether/mether_fault_wait \
	 syscalls/sys_enter_ioctl sched/sched_wakeup net/netif_receive_skb \
	 net/net_dev_xmit; do
	echo 1 >$T/events/$e/enable
done
echo 'comm == "mether-count"' >$T/events/sched/sched_wakeup/filter
echo 1 >$T/tracing_on
count $run yes $TRACED
echo 0 >$T/tracing_on
# "TASK-PID [CPU] FLAGS SECONDS: EVENT: FIELDS" -> "latev SECONDS TASK EVENT FIELDS"
sed -n 's/^ *\(.*\)-[0-9]* *\[[0-9]*\] [^ ]* *\([0-9.]*\): \([a-z_]*\): /\2 \1 \3 /p' \
	$T/trace | sed 's/^/latev /' >&3
echo 0 >$T/events/enable
echo >$T/trace

barrier latency-done || not_ok "latency: barrier latency-done"
check "latency: host down" metherctl down
check "latency: mether.ko unloads" rmmod mether
