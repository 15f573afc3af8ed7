# Pipe throughput (Documentation/libmether.rst, "Pipes with a window"):
# end 0 on host 0 sends COUNT messages of SIZE bytes one way to end 1 on
# host 1, through the paper's pipe (window 1) and pipes with windows of 8
# and 32 pages, sealed as a cluster runs; through windows of 8 and 32
# with the cluster unsealed; and through a TCP stream between the same
# hosts, in the clear and through a WireGuard tunnel. A sealed pipe is
# compared with TCP through WireGuard (both authenticated and
# encrypted), an unsealed one with plain TCP; issue 17's targets are set
# against plain TCP. Three rounds, every kind in each, all in one boot,
# so that bench/paper-table.py can give the median and range. Reports
# "pipebench" lines.
. /mether/tests/lib.sh

ROUNDS=${PIPE_ROUNDS:-3}
# kind:window size:count... Counts give each run about a second or more.
SEALED="mether:1 mether:8 mether:32"
UNSEALED="mether-unsealed:8 mether-unsealed:32"
BASELINES="tcp:0 tcp-wireguard:0"
SPECS_1="32:500 4096:300 1048576:2"
SPECS_8="32:20000 4096:2000 1048576:8"
SPECS_32="32:20000 4096:2000 1048576:8"
SPECS_0="32:20000 4096:2000 1048576:8"
# Per round: 7 kinds of 3 sizes, and each host up and down twice.
plan $((2 + ROUNDS * (21 + 4) + 1))

PEER=10.77.0.$((2 - METHER_ID))
create=
[ "$METHER_ID" = 0 ] && create=--create

check "pipes bench: mether.ko loads" insmod $MODULE
# paper.sh, before it in make demo, leaves its tunnel up.
if [ -d /sys/class/net/wg0 ]; then
	ok "pipes bench: a WireGuard tunnel to the other guest (already up)"
else
	check "pipes bench: a WireGuard tunnel to the other guest" wg_up
fi
barrier pipebench-wg || not_ok "pipes bench: barrier wg"

# host_up SEAL: join the cluster sealed (on) or not (off).
host_up() {
	local seal="--key-file $CLUSTER_KEY"

	[ "$1" = off ] && seal=--unsealed
	metherctl up $seal --id $((METHER_ID + 1)) --cluster 4 --port 7740 \
		--broadcast 10.77.0.255 --pages 128 $create
}

# run ROUND KIND WINDOW: each message size once through KIND.
port=7960
run() {
	local round=$1 kind=$2 window=$3 specs spec size count args first

	eval specs=\$SPECS_$window
	for spec in $specs; do
		size=${spec%:*} count=${spec#*:}
		barrier "pipebench-$round-$kind-$window-$size" ||
			not_ok "pipes bench: barrier $round $kind $window $size"
		case $kind in
		tcp)
			args="-t -a $PEER -p $port"
			[ "$METHER_ID" = 0 ] && sleep 1 ;;
		tcp-wireguard)
			args="-t -a 10.78.0.$((2 - METHER_ID)) -p $port"
			[ "$METHER_ID" = 0 ] && sleep 1 ;;
		*)
			# Each run opens its pipe afresh (a new session); the
			# layouts keep to pages of their own.
			first=10
			[ $window = 1 ] && first=50
			[ $window = 32 ] && first=60
			args="-w $window -b $first" ;;
		esac
		port=$((port + 1))
		if timeout 300 mether-pipe-bench -e $METHER_ID -s $size \
			-c $count $args >/tmp/r 2>&1; then
			[ "$METHER_ID" = 0 ] &&
				echo "pipebench kind=$kind window=$window round=$round $(cat /tmp/r)" >&3
			ok "pipes bench: round $round, $kind, window $window, $count messages of $size bytes $(cat /tmp/r)"
		else
			not_ok "pipes bench: round $round, $kind, window $window, $size-byte messages"
			diag "$(cat /tmp/r)"
		fi
	done
}

for round in $(seq 1 $ROUNDS); do
	for seal in on off; do
		barrier "pipebench-up-$round-$seal" ||
			not_ok "pipes bench: barrier up $round $seal"
		check "pipes bench: round $round, host up, seal $seal" \
			host_up $seal
		kinds=$SEALED
		[ $seal = off ] && kinds=$UNSEALED
		for kind in $kinds; do
			run $round ${kind%:*} ${kind#*:}
		done
		barrier "pipebench-down-$round-$seal" ||
			not_ok "pipes bench: barrier down $round $seal"
		check "pipes bench: round $round, host down, seal $seal" \
			metherctl down
	done
	for kind in $BASELINES; do
		run $round ${kind%:*} ${kind#*:}
	done
done
check "pipes bench: mether.ko unloads" rmmod mether
