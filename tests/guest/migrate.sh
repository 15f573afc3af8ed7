# Two hosts count to N with each of the paper's user protocols; the
# consistent copy of the pages they write moves between them.
. /mether/tests/lib.sh
plan 11

N=${COUNT_TO:-1024}
# The purge protocols ask the network on every loss, about ten losses an
# increment: on a debug guest beside another they take one to several
# seconds an increment (256 did not finish in 10 minutes beside another
# guest run; bench/ measures speed, this checks order), so they count to
# a sixteenth of N, and a fault may wait a minute for its answer before
# a loaded host is taken for a vanished one (SIGBUS).
PURGE_N=$((N / 16))
# The full and short page protocols spin: about fifty losses an
# increment, 170 and 110 s for 1024 on a debug guest in a slow period.
# A quarter of N checks the same order at a quarter of the cost.
SPIN_N=$((N / 4))
check "migrate: mether.ko loads" insmod $MODULE data_driven_timeout_ms=50 \
	request_timeout_ms=60000
create=
[ "$METHER_ID" = 0 ] && create=--create
check "migrate: up" metherctl up --key-file $CLUSTER_KEY --id $((METHER_ID + 1)) --cluster 9 \
	--port 7778 --broadcast 10.77.0.255 --pages 64 $create
base=10
# Each count may take 10 minutes before it is taken for a hang (the
# machine's load, not a fault; no timing is asserted).
for p in full-page short-page purge purge-hysteresis short-data-driven final; do
	n=$N
	case $p in
	purge*) n=$PURGE_N ;;
	full-page|short-page) n=$SPIN_N ;;
	esac
	barrier "migrate-$p" || not_ok "migrate: barrier before $p"
	if timeout 600 mether-count -p $p -n $n -i $METHER_ID -b $base \
		>/tmp/m 2>&1; then
		ok "migrate: $p reaches $n across hosts, every increment in order"
	else
		not_ok "migrate: $p across hosts"
	fi
	diag "$(cat /tmp/m)"
	base=$((base + 2))
done
barrier migrate-done || not_ok "migrate: barrier migrate-done"
diag "$(metherctl stats)"
check "migrate: the consistent copy moved here" \
	sh -c 'metherctl stats --machine | grep -q "^ownership_transfers [1-9]"'
check "migrate: down" metherctl down
check "migrate: mether.ko unloads" rmmod mether
