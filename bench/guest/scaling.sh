# The scaling benchmark, in guest 0: one host writes a page N times and K
# other hosts (K = 2 to 8, one per network namespace on a bridge) follow
# it by snooping alone. Reports, per K, the packets every host sent per
# update and the mean time from the writer's PURGE until the last of the
# K followers had the value, as "scaling" lines for bench/paper-table.py.
. /mether/tests/lib.sh
plan $((METHER_ID == 0 ? 10 : 0))
[ "$METHER_ID" = 0 ] || exit 0

N=${SCALING_UPDATES:-20}
MAX=8
PAGE=5

up() { # up I [--create]
	local i=$1
	shift
	in_host $i metherctl up --key-file $CLUSTER_KEY --id $i --cluster 31 --port 7990 \
		--broadcast 10.88.0.255 --dev eth0 --pages 16 "$@"
}

# Packets sent by hosts 1..$1, all types together.
tx_all() {
	local i total=0
	for i in $(seq 1 "$1"); do
		total=$((total + $(in_host $i metherctl stats --machine |
			awk '/^tx_.*_packets / && !/^tx_hello_/ { p += $2 } END { print p + 0 }')))
	done
	echo $total
}

check "scaling: mether.ko loads" insmod $MODULE data_driven_timeout_ms=0
check "scaling: $((MAX + 1)) hosts on a bridge" bridge_hosts $((MAX + 1))
for k in $(seq 2 $MAX); do
	hosts=$((k + 1))
	up 1 --create || not_ok "scaling: K=$k: writer up"
	for i in $(seq 2 $hosts); do
		up $i || not_ok "scaling: K=$k: host $i up"
	done
	before=$(tx_all $hosts)
	pids=
	for i in $(seq 2 $hosts); do
		in_host $i timeout 120 mether-follow $PAGE $N >/tmp/f$i 2>/tmp/e$i &
		pids="$pids $!"
	done
	sleep 2		# every follower waits on the data-driven view
	in_host 1 mether-follow -w $PAGE $N >/tmp/w 2>&1
	status=0
	for p in $pids; do
		wait $p || status=1
	done
	sent=$(($(tx_all $hosts) - before))
	for i in $(seq 1 $hosts); do
		in_host $i metherctl down
	done
	if [ $status != 0 ] || [ "$(wc -l </tmp/w)" != "$N" ]; then
		not_ok "scaling: K=$k: a follower did not see all $N values"
		diag "$(cat /tmp/w /tmp/e*)"
		continue
	fi
	# Per value: the last follower's time minus the writer's, averaged.
	ms=$(awk 'FILENAME == "/tmp/w" { t[$1] = $2; next }
		$2 > last[$1] { last[$1] = $2 }
		END {
			for (v in t) { s += last[v] - t[v]; n++ }
			printf "%.2f", s / n / 1e6
		}' /tmp/w /tmp/f[0-9]*)
	ppu=$(awk -v s=$sent -v n=$N 'BEGIN { printf "%.3f", s / n }')
	echo "scaling snoopers=$k packets_per_update=$ppu ms_to_all=$ms" >&3
	ok "scaling: K=$k followers saw all $N updates: $ppu packets/update, $ms ms to all"
	rm -f /tmp/f[0-9]* /tmp/e[0-9]*
done
check "scaling: mether.ko unloads" rmmod mether
