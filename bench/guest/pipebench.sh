# Pipe throughput (Documentation/libmether.rst, "Pipes with a window"):
# end 0 on host 0 sends COUNT messages of SIZE bytes one way to end 1 on
# host 1, through the paper's pipe (window 1), pipes with windows of 8
# and 32 pages, and a TCP stream between the same hosts; three rounds, all in
# one boot, so that bench/paper-table.py can give the median and range.
# Then the window of 8 once more with the cluster unsealed, for 4 KiB
# messages: what the seal costs. Reports "pipebench" lines.
. /mether/tests/lib.sh

ROUNDS=${PIPE_ROUNDS:-3}
# kind:window size:count... Counts give each run about a second or more.
KINDS="mether:1 mether:8 mether:32 tcp:0"
SPECS_1="32:500 4096:300 1048576:2"
SPECS_8="32:20000 4096:2000 1048576:8"
SPECS_32="32:20000 4096:2000 1048576:8"
SPECS_0="32:20000 4096:2000 1048576:8"
plan $((2 + ROUNDS * 12 + 2 + ROUNDS + 2))

PEER=10.77.0.$((2 - METHER_ID))
create=
[ "$METHER_ID" = 0 ] && create=--create

check "pipes bench: mether.ko loads" insmod $MODULE
check "pipes bench: host up, sealed" metherctl up --key-file $CLUSTER_KEY \
	--id $((METHER_ID + 1)) --cluster 4 --port 7740 \
	--broadcast 10.77.0.255 --pages 128 $create
port=7960
for round in $(seq 1 $ROUNDS); do
	for kind in $KINDS; do
		window=${kind#*:} kind=${kind%:*}
		eval specs=\$SPECS_$window
		for spec in $specs; do
			size=${spec%:*} count=${spec#*:}
			barrier "pipebench-$round-$kind-$window-$size" ||
				not_ok "pipes bench: barrier $round $kind $window $size"
			if [ $kind = tcp ]; then
				args="-t -a $PEER -p $port"
				[ "$METHER_ID" = 0 ] && sleep 1
			else
				# Each run opens its pipe afresh (a new session);
				# the layouts keep to pages of their own.
				first=10
				[ $window = 1 ] && first=50
				[ $window = 32 ] && first=60
				args="-w $window -b $first"
			fi
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
	done
done
check "pipes bench: host down" metherctl down
barrier pipebench-unsealed || not_ok "pipes bench: barrier unsealed"
check "pipes bench: host up, unsealed" metherctl up --unsealed \
	--id $((METHER_ID + 1)) --cluster 4 --port 7740 \
	--broadcast 10.77.0.255 --pages 64 $create
for round in $(seq 1 $ROUNDS); do
	barrier "pipebench-unsealed-$round" ||
		not_ok "pipes bench: barrier unsealed $round"
	if timeout 300 mether-pipe-bench -e $METHER_ID -s 4096 -c 2000 \
		-w 8 -b 10 >/tmp/r 2>&1; then
		[ "$METHER_ID" = 0 ] &&
			echo "pipebench kind=mether-unsealed window=8 round=$round $(cat /tmp/r)" >&3
		ok "pipes bench: round $round, unsealed, window 8 $(cat /tmp/r)"
	else
		not_ok "pipes bench: round $round, unsealed, window 8"
		diag "$(cat /tmp/r)"
	fi
done
check "pipes bench: host down" metherctl down
check "pipes bench: mether.ko unloads" rmmod mether
