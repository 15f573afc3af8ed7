# Where an increment's time goes (issue 16), in each of two guests on
# Debian's stock kernel: RUNS rounds of the final protocol counting to
# N, sealed on the broadcast address (final), the same with the paper's
# separate calls in a turn instead of METHER_IOC_PURGE_WAIT
# (final-separate), on a multicast group (final-multicast) and unsealed
# on the broadcast address (final-unsealed), each beside a user-space UDP ping-pong of the same
# count, in the clear and through WireGuard, then the final protocol
# once more with the tracepoints on (in the way LATENCY_TRACE names, one
# of the four). The traced run's events go to the result
# channel as "latev" lines; bench/latency.py turns them into the
# breakdown (bench/results/latency.csv).
. /mether/tests/lib.sh

N=${COUNT_TO:-1024}
RUNS=${LATENCY_RUNS:-3}
GRAPH=${LATENCY_GRAPH:-0}
GRAPH_ROOTS=${LATENCY_GRAPH_ROOTS:-mether_vm_fault,mether_ioctl_purge}
GRAPH_DEPTH=${LATENCY_GRAPH_DEPTH:-4}
# The UDP ping-pong's counterparts of a flat graph's functions.
UDP_FLAT="__x64_sys_sendto __x64_sys_recvfrom __sock_sendmsg udp_sendmsg ip_make_skb udp_send_skb __dev_queue_xmit
	sock_recvmsg udp_recvmsg __skb_recv_udp skb_copy_datagram_iter schedule"
plan $((13 + 6 * RUNS + 2 * GRAPH))
PEER=10.77.0.$((2 - METHER_ID))
T=/sys/kernel/tracing

TRACED=${LATENCY_TRACE:-final}
check "latency: mether.ko loads" insmod $MODULE
create=
[ "$METHER_ID" = 0 ] && create=--create
# host_up NAME: (re)join the cluster: final and final-separate on the
# broadcast address, final-multicast on a group
# (tests/guest/multicast.sh), all sealed; final-unsealed on the
# broadcast address, unsealed.
HOST_ON=
host_up() {
	local to="--broadcast 10.77.0.255" seal="--key-file $CLUSTER_KEY"
	local net=$1

	[ "$net" = final-separate ] && net=final
	[ "$HOST_ON" = "$net" ] && return 0
	[ "$net" = final-multicast ] && to="--broadcast 239.77.0.4 --dev eth0"
	[ "$net" = final-unsealed ] && seal=--unsealed
	[ -z "$HOST_ON" ] || metherctl down
	HOST_ON=$net
	metherctl up --id $((METHER_ID + 1)) --cluster 4 --port 7700 $to \
		--pages 64 $create $seal
}
# Not inside check, which runs it in a subshell: HOST_ON must stick.
host_up final
check "latency: host up, sealed" \
	[ "$(metherctl stats --machine | sed -n 's/^up //p')" = 1 ]

# count RUN TRACED NAME: the final protocol once, on pages of its own,
# with the host on the broadcast address or the group NAME says, and the
# calls it says.
count() {
	local calls= base=$((10 + 2 * $1))

	# The same network as final's, so pages of its own.
	[ "$3" = final-separate ] && calls=--separate base=$((40 + 2 * $1))
	barrier "latency-$3-$1" || not_ok "latency: barrier $3 $1"
	host_up $3 || not_ok "latency: $3: up"
	barrier "latency-$3-$1-up" || not_ok "latency: barrier $3 $1 up"
	timeout 300 mether-count -p final -n $N -i $METHER_ID -b $base \
		$calls >/tmp/r 2>&1
	line=$(grep '^id=' /tmp/r | sed "s/protocol=final/protocol=$3/")
	[ -n "$line" ] || line="id=$METHER_ID protocol=$3 ok=no"
	echo "bench $line host=$METHER_ID run=$1 traced=$2" >&3
	case $line in
	*ok=yes*) ok "latency: $3, run $1, traced $2: $line" ;;
	*) not_ok "latency: $3, run $1, traced $2"; diag "$(cat /tmp/r)" ;;
	esac
}

# pingpong RUN NAME PEER PORT [TRACED]: the same count over user-space
# UDP to PEER (host 1 listens), reported as protocol NAME.
pingpong() {
	barrier "latency-$2-$1" || not_ok "latency: barrier $2 $1"
	[ "$METHER_ID" = 0 ] && sleep 1
	timeout 300 mether-pingpong -u -i $METHER_ID -a $3 -p $4 -n $N \
		>/tmp/r 2>&1
	line=$(grep '^id=' /tmp/r | sed "s/protocol=udp-pingpong/protocol=$2/")
	[ -n "$line" ] || line="id=$METHER_ID protocol=$2 ok=no"
	echo "bench $line host=$METHER_ID run=$1 traced=${5:-no}" >&3
	case $line in
	*ok=yes*) ok "latency: $2, run $1, traced ${5:-no}: $line" ;;
	*) not_ok "latency: $2, run $1, traced ${5:-no}"; diag "$(cat /tmp/r)" ;;
	esac
}

check "latency: a WireGuard tunnel to the other guest" wg_up
# Run 0 warms the guests up (the first count of a boot is the slowest);
# bench/latency.py leaves it out.
run=0
while [ $run -le "$RUNS" ]; do
	count $run no final
	count $run no final-separate
	count $run no final-multicast
	count $run no final-unsealed
	pingpong $run udp-pingpong $PEER $((7900 + run))
	pingpong $run udp-wireguard 10.78.0.$((2 - METHER_ID)) $((7950 + run))
	run=$((run + 1))
done

# The traced runs: Mether's events, the counting process's ioctls and
# wake-ups, and every packet where it meets the network device; then the
# same for a UDP ping-pong (its send and receive calls for Mether's
# PURGE and fault), so that each stage has its plain-UDP counterpart.
# The host comes up for Mether's before the trace starts.
# trace_on EVENT...: an empty trace of EVENTs (and the wake-ups of the
# two counting programs), on.
trace_on() {
	[ -d $T/events ] || mount -t tracefs nodev $T
	echo 0 >$T/tracing_on
	echo 16384 >$T/buffer_size_kb
	echo >$T/trace
	for e in sched/sched_wakeup net/netif_receive_skb net/net_dev_xmit "$@"; do
		echo 1 >$T/events/$e/enable
	done
	echo 'comm == "mether-count" || comm == "mether-pingpong"' \
		>$T/events/sched/sched_wakeup/filter
	echo 1 >$T/tracing_on
}
# trace_off PREFIX: the trace to the result channel, a PREFIX line an
# event: "TASK-PID [CPU] FLAGS SECONDS: EVENT: FIELDS" -> "PREFIX SECONDS
# TASK EVENT FIELDS". A system call's events print as "sys_NAME(ARGS)"
# and "sys_NAME -> RESULT": they become sys_enter_NAME and sys_exit_NAME.
trace_off() {
	echo 0 >$T/tracing_on
	sed -e 's/: sys_\([a-z0-9_]*\)(/: sys_enter_\1: (/' \
	    -e 's/: sys_\([a-z0-9_]*\) -> /: sys_exit_\1: -> /' $T/trace |
		sed -n 's/^ *\(.*\)-[0-9]* *\[[0-9]*\] [^ ]* *\([0-9.]*\): \([a-z0-9_]*\): /\2 \1 \3 /p' |
		sed "s/^/$1 /" >&3
	echo 0 >$T/events/enable
	echo >$T/trace
}

host_up $TRACED || not_ok "latency: $TRACED: up"
barrier latency-traced-up || not_ok "latency: barrier traced up"
trace_on mether/mether_packet_rx mether/mether_packet_tx mether/mether_purge \
	mether/mether_fault mether/mether_fault_wait syscalls/sys_enter_ioctl
count $run yes $TRACED
trace_off latev
barrier latency-traced-udp || not_ok "latency: barrier traced udp"
trace_on syscalls/sys_enter_sendto syscalls/sys_exit_sendto \
	syscalls/sys_exit_recvfrom
pingpong $run udp-pingpong $PEER $((7900 + run)) yes
trace_off latudp

# With LATENCY_GRAPH=1, where the kernel's share of a turn goes, a
# function at a time: one more count with the function graph tracer
# under the functions LATENCY_GRAPH_ROOTS names (by default the fault
# handler and the PURGE ioctl), for the counting process only (its
# shell's children), LATENCY_GRAPH_DEPTH calls deep (4); then the UDP
# ping-pong under its send and receive calls. The tracer slows every
# function it passes, small ones called often the most, so these
# durations compare with each other, not with the untraced rounds.
# graph_on FUNCTION...: a function graph rooted at FUNCTIONs, this
# shell's children only, on.
# LATENCY_GRAPH_DEPTH=0 hooks only the FUNCTIONs themselves (flat):
# nothing below them pays the tracer, so their times are close to the
# untraced ones, and each shows within whichever of the others calls it.
graph_on() {
	echo 0 >$T/tracing_on
	echo 16384 >$T/buffer_size_kb
	echo function_graph >$T/current_tracer
	echo $GRAPH_DEPTH >$T/max_graph_depth
	if [ "$GRAPH_DEPTH" = 0 ]; then
		# One at a time: a function inlined or notrace (not in
		# available_filter_functions) would fail the whole list.
		for f in "$@"; do
			echo $f >>$T/set_ftrace_filter 2>/dev/null ||
				diag "latency: $f cannot be traced"
		done
	else
		echo "$*" >$T/set_graph_function
	fi
	echo $$ >$T/set_ftrace_pid
	for o in function-fork funcgraph-tail funcgraph-proc nofuncgraph-irqs; do
		echo $o >$T/trace_options
	done
	echo >$T/trace
	echo 1 >$T/tracing_on
}
# graph_off PREFIX: its lines to the result channel as "PREFIX LINE".
graph_off() {
	echo 0 >$T/tracing_on
	sed -n "s/^ *[0-9]*) */$1 /p" $T/trace >&3
	echo nop >$T/current_tracer
	echo >$T/set_graph_function
	echo >$T/set_ftrace_filter
	echo >$T/set_ftrace_pid
	echo >$T/trace
}
if [ "$GRAPH" = 1 ]; then
	barrier latency-graph || not_ok "latency: barrier graph"
	graph_on $(echo $GRAPH_ROOTS | tr , ' ')
	count $((run + 1)) graph $TRACED
	graph_off latgraph
	if [ "$GRAPH_DEPTH" = 0 ]; then
		graph_on $UDP_FLAT
	else
		graph_on __sock_sendmsg sock_recvmsg
	fi
	pingpong $((run + 1)) udp-pingpong $PEER $((7900 + run + 1)) graph
	graph_off latudpgraph
fi

barrier latency-done || not_ok "latency: barrier latency-done"
check "latency: host down" metherctl down
check "latency: mether.ko unloads" rmmod mether
