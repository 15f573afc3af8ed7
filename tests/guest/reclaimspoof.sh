# Forged and replayed RECLAIMs and DONEs: two hosts, one per guest, run
# --unsealed, where anyone on the segment can send any packet; the host
# side (tests/host/reclaimspoof.py) sends them from the test namespace,
# step by step, and each step checks here what it changed:
#   A  a RECLAIM of a host both hear alive: ignored, no OFFER, no pause;
#   B  a RECLAIM of a silent host pauses handoffs; DONEs of another sender
#      and of another reclaim do not end the pause, its own DONE does;
#   C  one RECLAIM asked 50 times: OFFERs stay within 4 rounds of
#      ceil(1024 / 128) = 8, the burst is rate-limited;
#   D  exact replays are dropped as replayed and change nothing.
. /mether/tests/lib.sh
plan $((METHER_ID == 0 ? 24 : 26))

PAGES=1024
ROUND=8		# OFFERs in one round: ceil(PAGES / 128)

stats() { metherctl stats --machine; }
# delta NAME: how much statistic NAME grew since the last snapshot
delta() {
	echo $(($(stats | sed -n "s/^$1 //p") - $(sed -n "s/^$1 //p" /tmp/snap)))
}
snap() { stats >/tmp/snap; }
# wait_host NAME: until the host script has served NAME (10 min at most,
# and no longer once it has given up)
wait_host() {
	local n=0
	until host_served 8079 "$1"; do
		n=$((n + 1))
		[ $n -lt 600 ] || return 1
		! host_served 8079 spoof-abort || return 1
		sleep 1
	done
}

check "spoof: mether.ko loads, host timeout 1 s" insmod $MODULE \
	host_timeout_ms=1000 request_timeout_ms=120000
create=
[ "$METHER_ID" = 0 ] && create=--create
check "spoof: up, unsealed" metherctl up --unsealed \
	--id $((METHER_ID + 1)) --cluster 51 --port 7799 \
	--broadcast 10.77.0.255 --pages $PAGES $create
barrier spoof-hosts || not_ok "spoof: barrier spoof-hosts"
n=0
until [ "$(peer_state $((2 - METHER_ID)))" = alive ] || [ $n -ge 50 ]; do
	sleep 0.2
	n=$((n + 1))
done
check "spoof: the other host is heard" \
	[ "$(peer_state $((2 - METHER_ID)))" = alive ]
snap
if [ "$METHER_ID" = 0 ]; then
	metherctl hosts --machine | awk '$1 == 2 { print $4 }' | publish spoof-up
else
	publish spoof-up </dev/null
fi

# A: a RECLAIM of host 2, alive.
check "spoof: A sent" wait_host spoof-a-sent
sleep 1
check "spoof: A: the RECLAIM of a live host is ignored" \
	[ "$(delta reclaims_ignored)" = 1 ]
check "spoof: A: ... no OFFER sent" [ "$(delta tx_offer_packets)" = 0 ]
if [ "$METHER_ID" = 0 ]; then
	check "spoof: A: host 2's epoch is not refused" \
		[ "$(metherctl hosts --machine | awk '$1 == 2 { print $2, $5 }')" = "alive 0" ]
else
	check "spoof: A: handoffs are not paused: host 2 takes page 3" \
		timeout 10 metherctl put 3 33
fi
barrier spoof-a-checked || not_ok "spoof: barrier spoof-a-checked"

# B: a reclaim of silent host 7 pauses handoffs; only its DONE ends it.
snap
publish spoof-b-ready </dev/null
check "spoof: B sent" wait_host spoof-b-sent
sleep 1
check "spoof: B: host 7's epoch is refused here" \
	[ "$(peer_state 7)" = reclaimed ]
offers=$(delta tx_offer_packets)
check "spoof: B: one round of OFFERs went out ($offers)" \
	[ "$offers" = $ROUND ]
check "spoof: B: DONEs of another sender and reclaim are ignored" \
	[ "$(delta reclaims_ignored)" = 2 ]
if [ "$METHER_ID" = 1 ]; then
	start=$(date +%s)
	timeout 60 metherctl put 4 44 &
	put=$!
	sleep 4
	check "spoof: B: host 2's handoff of page 4 still waits after 4 s" \
		kill -0 $put
	publish spoof-b-blocked </dev/null
	check "spoof: B: the reclaim's own DONE came" wait_host spoof-b-done
	wait $put
	check "spoof: B: ... then page 4 came" [ $? = 0 ]
	took=$(($(date +%s) - start))
	check "spoof: B: ... in $took s, long before the 30 s pause ran out" \
		[ $took -lt 20 ]
else
	check "spoof: B: the reclaim's own DONE came" wait_host spoof-b-done
	sleep 1
	check "spoof: B: ... and was not ignored" \
		[ "$(delta reclaims_ignored)" = 2 ]
fi
barrier spoof-b-checked || not_ok "spoof: barrier spoof-b-checked"

# C: one reclaim asked 50 times.
snap
publish spoof-c-ready </dev/null
check "spoof: C sent" wait_host spoof-c-sent
sleep 1
offers=$(delta tx_offer_packets)
check "spoof: C: $offers OFFERs for 50 RECLAIMs: at least one round, at most 4" \
	sh -c "[ '$offers' -ge $ROUND ] && [ '$offers' -le $((4 * ROUND)) ]"
limited=$(delta drop_rate_limited)
check "spoof: C: $limited of the burst of 30 dropped as rate_limited" \
	[ "$limited" -ge 20 ]
ignored=$(delta reclaims_ignored)
check "spoof: C: $ignored of the rest ignored" [ "$ignored" -ge 15 ]
diag "$(stats | grep -e offer -e reclaim -e rate_limited)"
check "spoof: C: after its DONE, host $((METHER_ID + 1)) takes page $((5 + METHER_ID))" \
	timeout 10 metherctl put $((5 + METHER_ID)) 5
barrier spoof-c-checked || not_ok "spoof: barrier spoof-c-checked"

# D: replays as they were.
snap
publish spoof-d-ready </dev/null
check "spoof: D sent" wait_host spoof-d-sent
sleep 1
check "spoof: D: the replayed RECLAIM and DONE are dropped as replayed" \
	[ "$(delta drop_replayed)" -ge 2 ]
check "spoof: D: ... no OFFER sent" [ "$(delta tx_offer_packets)" = 0 ]
check "spoof: D: ... handoffs not paused" \
	timeout 10 metherctl put $((5 + METHER_ID)) 6
publish spoof-checked </dev/null
barrier spoof-end || not_ok "spoof: barrier spoof-end"
check "spoof: down" metherctl down
check "spoof: mether.ko unloads" rmmod mether
