# The scaling benchmark, in guest 0: one host writes a page N times and K
# other hosts (K = 2 to 32, one per network namespace on a bridge)
# follow it by snooping alone, in ROUNDS rounds per K. Reports, per K
# and round, the packets every host sent per update, the mean time from
# the writer's PURGE until the last of the K followers had the value,
# and the packets their sockets dropped unread; then, with all MAX+1
# hosts up and idle, the HELLOs one host hears and sends per second and
# the kernel memory each host's space and link hold (every host comes up
# in one memory cgroup, which they are charged to: memory.current over
# the hosts). "scaling" and "scaling_idle" lines, for paper-table.py.
. /mether/tests/lib.sh
KS=${SCALING_KS:-2 4 8 16 32}
ROUNDS=${SCALING_ROUNDS:-3}
plan $((METHER_ID == 0 ? $(echo $KS | wc -w) * ROUNDS + 4 : 0))
[ "$METHER_ID" = 0 ] || exit 0

N=${SCALING_UPDATES:-20}
MAX=$(echo $KS | tr ' ' '\n' | sort -n | tail -n 1)
PAGE=5
IDLE=10

CG=/sys/fs/cgroup/scaling

# up I [--create]: host I up, from a process of the cgroup CG (when
# there is one), which the space and the link are then charged to.
up() {
	local i=$1
	shift
	in_host $i sh -c '[ -d "$0" ] && echo $$ >"$0/cgroup.procs"; shift; exec "$@"' \
		$CG - metherctl up --key-file $CLUSTER_KEY --id $i --cluster 31 \
		--port 7990 --broadcast 10.88.0.255 --dev eth0 --pages 16 "$@"
}

# hosts_up K: the writer and K followers up.
hosts_up() {
	local i
	up 1 --create || return 1
	for i in $(seq 2 $(($1 + 1))); do
		up $i || return 1
	done
}

# hosts_down K
hosts_down() {
	local i
	for i in $(seq 1 $(($1 + 1))); do
		in_host $i metherctl down
	done
}

# sum_stat HOSTS AWK: the sum over hosts 1..HOSTS of what AWK prints
# from each host's stats --machine.
sum_stat() {
	local i total=0
	for i in $(seq 1 "$1"); do
		total=$((total + $(in_host $i metherctl stats --machine |
			awk "$2")))
	done
	echo $total
}

# Packets sent by hosts 1..$1, all types together but HELLO.
tx_all() {
	sum_stat $1 '/^tx_.*_packets / && !/^tx_hello_/ { p += $2 } END { print p + 0 }'
}

socket_drops() {
	sum_stat $1 '/^socket_drops / { print $2 }'
}

# round K R: one round of K followers; prints the scaling line.
round() {
	local k=$1 r=$2 hosts=$(($1 + 1)) i pids= status=0 before sent
	local ms ppu drops failed=
	hosts_up $k || { echo "hosts up failed"; hosts_down $k; return 1; }
	before=$(tx_all $hosts)
	for i in $(seq 2 $hosts); do
		in_host $i timeout 120 mether-follow $PAGE $N >/tmp/f$i 2>/tmp/e$i &
		pids="$pids $!"
	done
	sleep 2		# every follower waits on the data-driven view
	in_host 1 mether-follow -w $PAGE $N >/tmp/w 2>&1
	i=2
	for p in $pids; do
		wait $p || { status=1; failed="$failed $i:$?"; }
		i=$((i + 1))
	done
	sent=$(($(tx_all $hosts) - before))
	drops=$(socket_drops $hosts)
	if [ $status != 0 ] || [ "$(wc -l </tmp/w)" != "$N" ]; then
		echo "followers failed (host:status):$failed; socket drops $drops"
		for i in ${failed:-}; do
			i=${i%:*}
			echo "host $i saw: $(tail -n 1 /tmp/f$i)"
			in_host $i metherctl stats | grep -i "drop\|rx"
		done
		hosts_down $k
		rm -f /tmp/f[0-9]* /tmp/e[0-9]*
		return 1
	fi
	hosts_down $k
	# Per value: the last follower's time minus the writer's, averaged.
	ms=$(awk 'FILENAME == "/tmp/w" { t[$1] = $2; next }
		$2 > last[$1] { last[$1] = $2 }
		END {
			for (v in t) { s += last[v] - t[v]; n++ }
			printf "%.2f", s / n / 1e6
		}' /tmp/w /tmp/f[0-9]*)
	rm -f /tmp/f[0-9]* /tmp/e[0-9]*
	ppu=$(awk -v s=$sent -v n=$N 'BEGIN { printf "%.3f", s / n }')
	echo "scaling snoopers=$k round=$r packets_per_update=$ppu ms_to_all=$ms socket_drops=$drops"
}

# trace_hellos start | stop HOSTS SECONDS: what the hosts' HELLO packets
# were, from the mether_packet_tx tracepoint: plain HELLOs (a quiet
# host's), CHALLENGEs and ANSWERs, per host and second.
T=/sys/kernel/tracing
trace_hellos() {
	[ -d $T/events ] || mount -t tracefs nodev $T 2>/dev/null
	[ -d $T/events/mether ] || return 0
	if [ "$1" = start ]; then
		: >$T/trace
		echo 1 >$T/events/mether/mether_packet_tx/enable
		return 0
	fi
	echo 0 >$T/events/mether/mether_packet_tx/enable
	awk -v hosts=$2 -v s=$3 '/type=HELLO/ {
			if (/flags=0x1 /) c++; else if (/flags=0x2 /) a++; else h++
		}
		END { printf "tx_plain_per_host_s=%.2f tx_challenge_per_host_s=%.2f tx_answer_per_host_s=%.2f",
			h / hosts / s, c / hosts / s, a / hosts / s }' $T/trace
}

# idle K SECONDS: with the writer and K followers up and quiet, the
# HELLOs host 1 hears and sends per second.
idle() {
	local k=$1 s=$2 rx0 tx0 rx1 tx1 kib= kinds=
	hosts_up $k || { hosts_down $k; return 1; }
	[ -f $CG/memory.current ] &&
		kib=$(($(cat $CG/memory.current) / 1024 / (k + 1)))
	sleep 3		# the CHALLENGEs and ANSWERs of coming up are over
	trace_hellos start
	rx0=$(host_stat 1 rx_hello_packets)
	tx0=$(host_stat 1 tx_hello_packets)
	sleep $s
	rx1=$(host_stat 1 rx_hello_packets)
	tx1=$(host_stat 1 tx_hello_packets)
	kinds=$(trace_hellos stop $((k + 1)) $s)
	hosts_down $k
	echo "scaling_idle hosts=$((k + 1)) seconds=$s hello_rx_per_s=$(awk -v a=$rx0 -v b=$rx1 -v s=$s 'BEGIN { printf "%.1f", (b - a) / s }') hello_tx_per_s=$(awk -v a=$tx0 -v b=$tx1 -v s=$s 'BEGIN { printf "%.2f", (b - a) / s }') kib_per_host=${kib:-none} $kinds"
}

mount -t cgroup2 none /sys/fs/cgroup 2>/dev/null
echo +memory >/sys/fs/cgroup/cgroup.subtree_control 2>/dev/null &&
	mkdir -p $CG
check "scaling: mether.ko loads" insmod $MODULE data_driven_timeout_ms=0
check "scaling: $((MAX + 1)) hosts on a bridge" bridge_hosts $((MAX + 1))
for r in $(seq 1 $ROUNDS); do
	for k in $KS; do
		if out=$(round $k $r); then
			echo "$out" >&3
			ok "scaling: K=$k, round $r: every follower saw all $N updates (${out#scaling })"
		else
			not_ok "scaling: K=$k, round $r"
			diag "$out"
		fi
	done
done
if out=$(idle $MAX $IDLE); then
	echo "$out" >&3
	ok "scaling: $((MAX + 1)) idle hosts: ${out#scaling_idle }"
else
	not_ok "scaling: $((MAX + 1)) idle hosts"
fi
check "scaling: mether.ko unloads" rmmod mether
