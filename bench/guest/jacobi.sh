# The application: mether-jacobi (userspace/apps) solved by 1 and 2 hosts,
# one per guest, each checked bit for bit against a one-process solve;
# then its traffic per iteration with 1 to 4 hosts, as network namespaces
# in guest 0 (time there means nothing: they share one CPU). Reports
# "jacobi" lines for bench/paper-table.py.
. /mether/tests/lib.sh
plan $((METHER_ID == 0 ? 11 : 5))

ROWS=${JACOBI_ROWS:-8000}
COLS=500	# a row of doubles is 4000 bytes: one pipe message
ITERS=${JACOBI_ITERS:-40}
args="-r $ROWS -c $COLS -t $ITERS"

tx_sum() { # tx_sum [HOST...]: packets and bytes sent, all types but HELLO
	local h
	for h in "${@:-}"; do
		if [ -n "$h" ]; then
			in_host $h metherctl stats --machine
		else
			metherctl stats --machine
		fi
	done | awk '/^tx_.*_packets / && !/^tx_hello_/ { p += $2 } /^tx_.*_bytes / && !/^tx_hello_/ { b += $2 }
		END { print p + 0, b + 0 }'
}

report() { # report HOSTS KIND FILE...: the solve's lines, checked
	local hosts=$1 kind=$2
	shift 2
	if grep -q 'same=yes' "$@" && ! grep -q 'same=no' "$@"; then
		ok "jacobi: $kind on $hosts host(s) matches one process"
	else
		not_ok "jacobi: $kind on $hosts host(s) differs or failed"
		diag "$(cat "$@")"
	fi
}

check "jacobi: mether.ko loads" insmod $MODULE
create=
[ "$METHER_ID" = 0 ] && create=--create
check "jacobi: host up" metherctl up --key-file $CLUSTER_KEY --id $((METHER_ID + 1)) --cluster 3 \
	--port 7720 --broadcast 10.77.0.255 --pages 64 $create

if [ "$METHER_ID" = 0 ]; then
	timeout 600 mether-jacobi $args -s >/tmp/j1 2>&1
	report 1 speedup /tmp/j1
	echo "jacobi kind=speedup hosts=1 $(cat /tmp/j1)" >&3
fi
barrier jacobi-two || not_ok "jacobi: barrier jacobi-two"
set -- $(tx_sum)
timeout 900 mether-jacobi $args -n 2 -i $METHER_ID -s >/tmp/j2 2>&1
set -- $(tx_sum) "$@"
report 2 speedup /tmp/j2
echo "jacobi kind=speedup hosts=2 tx_packets=$(($1 - $3)) tx_bytes=$(($2 - $4)) $(cat /tmp/j2)" >&3
barrier jacobi-two-done || not_ok "jacobi: barrier jacobi-two-done"
check "jacobi: host down" metherctl down

if [ "$METHER_ID" = 0 ]; then
	small="-r 400 -c $COLS -t 20"
	check "jacobi: 4 hosts on a bridge" bridge_hosts 4
	for k in 1 2 3 4; do
		hosts=$(seq 1 $k)
		for h in $hosts; do
			c=
			[ $h = 1 ] && c=--create
			in_host $h metherctl up --key-file $CLUSTER_KEY --id $h --cluster 4 --port 7721 \
				--broadcast 10.88.0.255 --dev eth0 --pages 64 $c
		done
		set -- $(tx_sum $hosts)
		for h in $hosts; do
			in_host $h timeout 600 mether-jacobi $small -n $k \
				-i $((h - 1)) -s >/tmp/t$h 2>&1 &
		done
		wait
		set -- $(tx_sum $hosts) "$@"
		report $k traffic $(for h in $hosts; do echo /tmp/t$h; done)
		echo "jacobi kind=traffic hosts=$k iters=20 tx_packets=$(($1 - $3)) tx_bytes=$(($2 - $4))" >&3
		for h in $hosts; do
			in_host $h metherctl down
		done
		rm -f /tmp/t[0-9]
	done
fi
check "jacobi: mether.ko unloads" rmmod mether
