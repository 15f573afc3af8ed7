# The paper's experiment (section 4), in each of two guests: count to N
# between the two hosts with each user protocol, then pass the same
# counter over user-space UDP and TCP. Every run reports "bench" lines
# (per host) on the result channel; bench/paper-table.py makes the
# tables. Pipe throughput is bench/guest/pipebench.sh.
. /mether/tests/lib.sh
plan 19

N=${COUNT_TO:-1024}
PEER=10.77.0.$((2 - METHER_ID))

# tx_totals: packets and bytes this host has sent, all types together but
# HELLO: a quiet host's heartbeat (one a quarter of host_timeout_ms) is
# not the protocol's traffic, and falls in a run only by chance.
tx_totals() {
	metherctl stats --machine | awk '
		/^tx_.*_packets / && !/^tx_hello_/ { p += $2 }
		/^tx_.*_bytes / && !/^tx_hello_/ { b += $2 }
		END { print p + 0, b + 0 }'
}

check "paper: mether.ko loads" insmod $MODULE
create=
[ "$METHER_ID" = 0 ] && create=--create

# count PROTOCOL SEAL BASE: count to N with PROTOCOL on pages BASE and
# BASE + 1, the cluster sealed (on) or not (off), and report it.
count() {
	local p=$1 seal=$2 base=$3 status line
	barrier "paper-$seal-$p" || not_ok "paper: barrier before $p"
	set -- $(tx_totals)
	timeout 600 mether-count -p $p -n $N -i $METHER_ID -b $base \
		>/tmp/r 2>&1
	status=$?
	set -- $(tx_totals) "$@"
	# Neither host goes down for the next count while the other still
	# needs its pages to finish this one (it would end in SIGBUS).
	barrier "paper-done-$seal-$p" || not_ok "paper: barrier after $p"
	line=$(grep '^id=' /tmp/r || echo "id=$METHER_ID protocol=$p ok=no")
	echo "bench $line host=$METHER_ID increments=$N seal=$seal tx_packets=$(($1 - $3)) tx_bytes=$(($2 - $4))" >&3
	if [ $status = 0 ]; then
		ok "paper: $p, seal $seal: $line"
	else
		not_ok "paper: $p, seal $seal, did not finish (status $status)"
		diag "$(cat /tmp/r)"
	fi
}

# host_up SEAL: (re)join the cluster, sealed (on) or not (off).
HOST_SEAL=
host_up() {
	[ "$HOST_SEAL" = "$1" ] && return 0
	[ -z "$HOST_SEAL" ] || metherctl down
	HOST_SEAL=$1
	barrier "paper-up-$1-$2" || not_ok "paper: barrier before up ($1)"
	if [ "$1" = on ]; then
		metherctl up $UP --key-file $CLUSTER_KEY
	else
		metherctl up $UP --unsealed
	fi
}

# The paper's table as a cluster runs by default, sealed, and each
# protocol once more unsealed right after it, for the cost of the seal:
# side by side in time, so that the two differ by the seal, not by the
# phase of the boot (all the unsealed counts after all the sealed ones
# once made the seal look like a third of the final protocol's time).
UP="--id $((METHER_ID + 1)) --cluster 1 --port 7700 \
	--broadcast 10.77.0.255 --pages 64 $create"
# Each count has pages of its own: a page a host held before it went
# down and up is its old epoch's until reclaimed.
base=10
ups=0
for p in full-page short-page purge purge-hysteresis short-data-driven \
	 final; do
	for seal in on off; do
		ups=$((ups + 1))
		host_up $seal $ups || not_ok "paper: host up, seal $seal"
		count $p $seal $base
		base=$((base + 2))
	done
done
check "paper: host down" metherctl down
check "paper: mether.ko unloads" rmmod mether

# The baselines: host 1 listens, host 0 starts a moment later. UDP in
# the clear, TCP, and UDP through a WireGuard tunnel (the sealed
# baseline: a sealed Mether cluster is compared with it).
check "paper: a WireGuard tunnel to the other guest" wg_up
port=7901
for flag in -u -t -w; do
	barrier "paper-baseline$flag" || not_ok "paper: barrier before $flag"
	[ "$METHER_ID" = 0 ] && sleep 1
	to=$PEER proto= kind=$flag
	[ $flag = -w ] && to=10.78.0.$((2 - METHER_ID)) proto=udp-wireguard \
		kind=-u
	timeout 300 mether-pingpong $kind -i $METHER_ID -a $to -p $port \
		-n $N >/tmp/r 2>&1
	status=$?
	line=$(grep '^id=' /tmp/r || echo "id=$METHER_ID protocol=pingpong$flag ok=no")
	[ -n "$proto" ] && line=$(echo "$line" |
		sed "s/protocol=[^ ]*/protocol=$proto/")
	set -- $(echo "$line" | sed -n 's/.*packets=\([0-9]*\) payload_bytes=\([0-9]*\).*/\1 \2/p')
	echo "bench $line host=$METHER_ID increments=$N tx_packets=${1:-0} tx_bytes=${2:-0}" >&3
	if [ $status = 0 ]; then
		ok "paper: $line"
	else
		not_ok "paper: ping-pong $flag did not finish (status $status)"
		diag "$(cat /tmp/r)"
	fi
	port=$((port + 1))
done
barrier paper-done || not_ok "paper: barrier paper-done"
