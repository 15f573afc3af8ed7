# The soak: four guests, one Mether host each, on a segment with 10%
# loss, duplication and reordering (netem on every eth0). Every host
# adds to its own slot of one shared page under a lock, so the page's
# consistent copy moves at almost every step; pairs of survivors count
# with two of the paper's protocols meanwhile. Guest 3 takes four pages
# of its own, publishes them, and adds to its slot 10 times; once guest
# 0 has seen all that, it takes the shared page, locks it, adds once more
# without publishing, and is killed holding it: tests/host/soak-kill.py
# kills its QEMU once it says so. Guest 0 waits until it is silent and
# reclaims it. The survivors must finish with exact counts, get guest
# 3's pages back as published, and end with one owner for every page.
. /mether/tests/lib.sh
# Guest 3 is killed before it ends: its plan is never checked.
case $METHER_ID in 0) plan 28 ;; 1) plan 8 ;; 2) plan 7 ;; *) plan 8 ;; esac

ADDS=${SOAK_ADDS:-40}		# locked additions per survivor
COUNT=${SOAK_COUNT:-100}	# each pair counts to this
VICTIM=3
PAGES=64
SHARED=10			# page of everybody's slots
VICTIM_PAGES="20 21 22 23"	# guest 3's pages: it writes 100 * page
TC=/sbin/tc	# guest 3 is in BARRIER_SKIP (run-guests --killed 3)

# Requests wait for a reclaim instead of ending in SIGBUS.
check "soak: mether.ko loads" insmod $MODULE data_driven_timeout_ms=50 \
	request_timeout_ms=1200000
create=
[ "$METHER_ID" = 0 ] && create=--create
check "soak: host $((METHER_ID + 1)) up" metherctl up --key-file $CLUSTER_KEY \
	--id $((METHER_ID + 1)) --cluster 41 --port 7797 \
	--broadcast 10.77.0.255 --pages $PAGES $create
check "soak: 10% loss, 10% duplication, 25% reordering on eth0" \
	$TC qdisc add dev eth0 root netem loss 10% duplicate 10% \
	reorder 25% delay 2ms
BARRIER_SKIP= barrier soak-up || not_ok "soak: barrier soak-up"

if [ "$METHER_ID" = $VICTIM ]; then
	for p in $VICTIM_PAGES; do
		check "soak: guest 3 takes and publishes page $p" \
			metherctl put $p $((100 * p))
	done
	check "soak: guest 3 adds 10 to its slot" \
		sh -c "[ \"\$(mether-soak add $SHARED $METHER_ID 10)\" = 10 ]"
	# Guest 0 reads it all first: a publication lost on the wire to
	# every survivor cannot come back (Documentation/server.rst).
	echo done | publish soak-published
	until [ -n "$(fetch 0 soak-seen)" ]; do sleep 1; done
	mether-soak hold $SHARED $METHER_ID >/tmp/hold &
	until grep -q held /tmp/hold; do sleep 0.1; done
	# Killed from here on, holding the page the others are adding to.
	publish soak-kill </dev/null
	sleep 3600
	not_ok "soak: guest 3 was not killed"
	exit 1
fi

case $METHER_ID in
0)	mether-count -p final -n $COUNT -i 0 -b 40 >/tmp/pair-a 2>&1 &
	pair_a=$! ;;
1)	mether-count -p final -n $COUNT -i 1 -b 40 >/tmp/pair-a 2>&1 &
	pair_a=$!
	mether-count -p short-data-driven -n $COUNT -i 0 -b 44 \
		>/tmp/pair-b 2>&1 &
	pair_b=$! ;;
2)	mether-count -p short-data-driven -n $COUNT -i 1 -b 44 \
		>/tmp/pair-b 2>&1 &
	pair_b=$! ;;
esac
mether-soak add $SHARED $METHER_ID $ADDS >/tmp/adds 2>&1 &
adder=$!

if [ "$METHER_ID" = 0 ]; then
	until [ -n "$(fetch $VICTIM soak-published)" ]; do sleep 1; done
	for p in $VICTIM_PAGES; do
		check "soak: host 1 has guest 3's page $p" \
			[ "$(metherctl get --wait $p)" = $((100 * p)) ]
	done
	check "soak: host 1 sees guest 3's 10 additions" \
		[ "$(mether-poke read short $SHARED 12)" = 10 ]
	echo seen | publish soak-seen
	n=0
	while [ "$(peer_state 4)" != silent ] && [ $n -lt 1200 ]; do
		sleep 1
		n=$((n + 1))
	done
	check "soak: host 4 fell silent" [ "$(peer_state 4)" = silent ]
	for try in 1 2 3; do
		metherctl reclaim 4 --timeout 30000 >/tmp/reclaim 2>&1 && break
	done
	check "soak: host 1 reclaims host 4 (try $try)" \
		grep -q "reclaimed from host 4" /tmp/reclaim
	diag "$(cat /tmp/reclaim)"
	for p in $SHARED $VICTIM_PAGES; do
		check "soak: page $p came back, 0 versions behind" \
			grep -q "^page $p: version [0-9]*, 0 versions behind" \
			/tmp/reclaim
	done
fi

wait $adder
check "soak: host $((METHER_ID + 1)): $ADDS locked additions, none lost" \
	[ "$(cat /tmp/adds)" = "$ADDS" ]
diag "$(cat /tmp/adds)"
for pair in $pair_a $pair_b; do
	wait $pair
	check "soak: host $((METHER_ID + 1)): a pair's count is exact" [ $? = 0 ]
done
diag "$(cat /tmp/pair-a /tmp/pair-b 2>/dev/null)"
barrier soak-done || not_ok "soak: barrier soak-done"
$TC qdisc del dev eth0 root

# Let the last handoffs land, then say which pages this host holds.
sleep 3
mether-soak owned $PAGES | publish "owned-$METHER_ID"
barrier soak-owned || not_ok "soak: barrier soak-owned"
if [ "$METHER_ID" = 0 ]; then
	for i in 0 1 2; do fetch $i "owned-$i"; done | sort -n | uniq -c |
		awk '{ n[$2] = $1 } END {
			for (p = 0; p < '$PAGES'; p++)
				if (n[p] != 1) { print "page " p ": " n[p] + 0 " owners"; bad = 1 }
			exit bad }' >/tmp/owners
	check "soak: every one of the $PAGES pages has exactly one owner" \
		[ $? = 0 ]
	diag "$(cat /tmp/owners)"
	for i in 0 1 2; do
		check "soak: host $((i + 1))'s slot of page $SHARED is $ADDS" \
			[ "$(mether-poke read short $SHARED $((4 * i)))" = "$ADDS" ]
	done
	check "soak: guest 3's slot is the 10 it published, not 11" \
		[ "$(mether-poke read short $SHARED 12)" = 10 ]
	for p in $VICTIM_PAGES; do
		check "soak: page $p holds what guest 3 published" \
			[ "$(mether-poke read short $p 0)" = $((100 * p)) ]
	done
	diag "$(metherctl hosts)"
	diag "$(metherctl stats)"
fi
barrier soak-end || not_ok "soak: barrier soak-end"
check "soak: down" metherctl down
check "soak: mether.ko unloads" rmmod mether
