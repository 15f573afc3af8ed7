# A host that falls silent holding consistent copies, and the reclaim
# that gives them back: three hosts in network namespaces of one guest
# (guest 0 only). Host 3 takes pages 5 and 6, publishes some of what it
# writes, and is cut off. Host 2 blocks on page 5 meanwhile. Host 1
# reclaims host 3: the pages come back as last published, host 2's fault
# completes, and there is one owner throughout. Host 3 comes back under
# its old epoch and is refused; restarted under a new one, it joins.
# Then an owner that comes back: host 3 takes pages and restarts at once,
# before anyone sees it silent; its old epoch is reclaimed by name while
# its new one is alive, and it takes its pages back afterwards.
. /mether/tests/lib.sh
plan $((METHER_ID == 0 ? 64 : 0))

[ "$METHER_ID" = 0 ] || exit 0

HOST_CLUSTER=31
HOST_PORT=7795

# wait_state I HOST STATE: until host I sees HOST in STATE (10 s at most).
wait_state() {
	local n
	for n in $(seq 1 50); do
		[ "$(peer_state $2 $1)" = "$3" ] && return 0
		sleep 0.2
	done
	return 1
}

check "reclaim: mether.ko loads, host timeout 1 s" \
	insmod $MODULE host_timeout_ms=1000 request_timeout_ms=120000
check "reclaim: three hosts on a bridge" bridge_hosts 3
check "reclaim: host 1 up, making the space" host_up 1 --create
check "reclaim: host 2 up" host_up 2
check "reclaim: host 3 up" host_up 3

check "reclaim: host 3 publishes 55 in page 5" in_host 3 metherctl put 5 55
check "reclaim: ... then writes 56 and does not publish it" \
	in_host 3 mether-poke write short 5 0 56
check "reclaim: host 3 writes page 6 past its short subset" \
	in_host 3 mether-poke write full 6 100 66
check "reclaim: ... and publishes only its short subset, 6" \
	in_host 3 metherctl put 6 6
check "reclaim: host 1 hears hosts 2 and 3 (HELLO)" \
	sh -c "[ '$(peer_state 2 1) $(peer_state 3 1)' = 'alive alive' ]"
diag "$(in_host 1 metherctl hosts)"
check "reclaim: a host that is heard is not reclaimed" \
	refused "was heard within" in_host 1 metherctl reclaim 2
check "reclaim: nor is one never heard" \
	refused "was never heard" in_host 1 metherctl reclaim 9

rm -f /tmp/stop
mether-owner-check -p 5 -s /tmp/stop /run/netns/h1 /run/netns/h2 \
	>/tmp/owners 2>&1 &
owners=$!
check "reclaim: host 3 cut off" in_host 3 $IP link set eth0 down
check "reclaim: host 1 sees host 3 silent" wait_state 1 3 silent
check "reclaim: host 2 sees it too" wait_state 2 3 silent
in_host 2 mether-poke write short 5 4 2 >/tmp/blocked 2>&1 &
blocked=$!
sleep 1
check "reclaim: host 2's fault on page 5 waits for an owner" \
	kill -0 $blocked

in_host 1 metherctl reclaim 3 >/tmp/reclaim 2>&1
check "reclaim: host 1 reclaims host 3" [ $? = 0 ]
diag "$(cat /tmp/reclaim)"
check "reclaim: page 5 came back, nothing published lost" \
	grep -q "^page 5: version [0-9]*, 0 versions behind" /tmp/reclaim
check "reclaim: so did page 6" grep -q "^page 6: " /tmp/reclaim
check "reclaim: only the pages host 3 held" \
	grep -q "^2 pages reclaimed from host 3" /tmp/reclaim
wait $blocked
check "reclaim: host 2's fault completed" [ $? = 0 ]
check "reclaim: page 5 holds what host 3 published" \
	[ "$(in_host 2 mether-poke read short 5 0)" = 55 ]
check "reclaim: ... and host 2's write after" \
	[ "$(in_host 1 mether-poke read short 5 4)" = 2 ]
check "reclaim: page 6's short subset is the published 6" \
	[ "$(in_host 1 mether-poke read short 6 0)" = 6 ]
check "reclaim: ... its never-published tail is lost" \
	[ "$(in_host 2 mether-poke read full 6 100)" = 0 ]
check "reclaim: host 1 lists host 3 as reclaimed" \
	[ "$(peer_state 3 1)" = reclaimed ]

# Back under its old epoch, host 3 still thinks it holds page 5.
before=$(host_stat 1 drop_reclaimed)
check "reclaim: host 3 reconnected" in_host 3 $IP link set eth0 up
check "reclaim: old host 3 publishes 77 in the page it held" \
	in_host 3 metherctl put 5 77
# (It says HELLO too; a loaded machine may take a while to pass them.)
for n in $(seq 1 50); do
	after=$(host_stat 1 drop_reclaimed)
	[ "${after:-0}" -gt "${before:-0}" ] && break
	sleep 0.2
done
check "reclaim: its packets are dropped as reclaimed ($before, then $after)" \
	[ "${after:-0}" -gt "${before:-0}" ]
check "reclaim: page 5 did not change on the survivors" \
	[ "$(in_host 1 metherctl get 5) $(in_host 2 metherctl get 5)" = "55 55" ]
# ... and each survivor that drops them tells it (a RECLAIM NOTICE).
old3=$(in_host 1 metherctl hosts --machine | awk '$1 == 3 { print $4 }')
for n in $(seq 1 50); do
	[ "$(host_stat 3 reclaimed_epoch)" != 0 ] && break
	sleep 0.2
done
check "reclaim: old host 3 learns its epoch $old3 was reclaimed" \
	[ "$(host_stat 3 reclaimed_epoch)" = "$old3" ]
in_host 3 metherctl status >/tmp/status3
check "reclaim: ... and its status says so" grep -q "^RECLAIMED:" /tmp/status3

touch /tmp/stop
wait $owners
check "reclaim: never two owners among the survivors" [ $? = 0 ]
diag "$(cat /tmp/owners)"

check "reclaim: host 3 restarts: down" in_host 3 metherctl down
check "reclaim: ... and up, under a new epoch" host_up 3
check "reclaim: restarted host 3 gets page 5 from the new owner" \
	[ "$(in_host 3 mether-poke read short 5 0)" = 55 ]
check "reclaim: ... and host 1 hears it again" wait_state 1 3 alive
# host_epoch HOST: the epoch host 1 last heard HOST under.
host_epoch() {
	in_host 1 metherctl hosts --machine | awk -v h="$1" '$1 == h { print $4 }'
}
# wait_epoch HOST OLD: until host 1 hears HOST under an epoch not OLD.
wait_epoch() {
	local n
	for n in $(seq 1 50); do
		[ "$(host_epoch $1)" != "$2" ] && return 0
		sleep 0.2
	done
	return 1
}

check "restart: host 3 takes page 7 and publishes 71" \
	in_host 3 metherctl put 7 71
check "restart: host 3 takes page 8 and publishes 80" \
	in_host 3 metherctl put 8 80
check "restart: ... then writes 81 and does not publish it" \
	in_host 3 mether-poke write short 8 0 81
old=$(host_epoch 3)
check "restart: host 1 knows host 3's epoch ($old)" [ -n "$old" ]
check "restart: host 3 down" in_host 3 metherctl down
check "restart: ... and up again at once, holding nothing" host_up 3
check "restart: host 1 hears its new epoch" wait_epoch 3 "$old"
new=$(host_epoch 3)
diag "host 3: epoch $old, then $new; $(dmesg | grep 'restarted;' | tail -1)"
check "restart: the kernel says how to reclaim the old epoch" \
	sh -c "dmesg | grep -q 'host 3 restarted.*reclaim 3 --epoch $old'"
check "restart: host 3 is alive: a plain reclaim is refused" \
	refused "was heard within" in_host 1 metherctl reclaim 3
check "restart: ... and one of its new epoch" \
	refused "was heard within" in_host 1 metherctl reclaim 3 --epoch $new

rm -f /tmp/stop
mether-owner-check -p 7 -s /tmp/stop /run/netns/h1 /run/netns/h2 \
	/run/netns/h3 >/tmp/owners 2>&1 &
owners=$!
in_host 2 mether-poke write short 7 4 2 >/tmp/blocked 2>&1 &
blocked=$!
sleep 1
check "restart: host 2's fault on page 7 waits: nobody holds it" \
	kill -0 $blocked
in_host 1 metherctl reclaim 3 --epoch $old >/tmp/reclaim 2>&1
check "restart: host 1 reclaims host 3's old epoch while it is up" [ $? = 0 ]
diag "$(cat /tmp/reclaim)"
for p in 5 7 8; do
	check "restart: page $p came back, nothing published lost" \
		grep -q "^page $p: version [0-9]*, 0 versions behind" /tmp/reclaim
done
check "restart: the pages its old epoch held, and only those" \
	grep -q "^3 pages reclaimed from host 3, epoch $old\$" /tmp/reclaim
wait $blocked
check "restart: host 2's fault completed" [ $? = 0 ]
check "restart: page 7 holds what host 3 published" \
	[ "$(in_host 1 mether-poke read short 7 0)" = 71 ]
check "restart: ... and host 2's write after" \
	[ "$(in_host 1 mether-poke read short 7 4)" = 2 ]
check "restart: page 8 is the published 80, not the lost 81" \
	[ "$(in_host 2 mether-poke read short 8 0)" = 80 ]
check "restart: host 3's new epoch is still alive on host 1" \
	[ "$(peer_state 3 1) $(host_epoch 3)" = "alive $new" ]
check "restart: restarted host 3 takes page 7 back" \
	[ "$(in_host 3 mether-poke read short 7 0)" = 71 ]
check "restart: ... writes it" in_host 3 mether-poke write short 7 0 72
check "restart: ... and host 1 takes it from there" \
	[ "$(in_host 1 mether-poke read short 7 0)" = 72 ]
check "restart: host 3 takes page 8 back too" \
	[ "$(in_host 3 mether-poke read short 8 0)" = 80 ]
touch /tmp/stop
wait $owners
check "restart: never two owners of page 7 among all three" [ $? = 0 ]
diag "$(cat /tmp/owners)"

check "reclaim: mether.ko unloads" rmmod mether
