# A cluster on a multicast group instead of the broadcast address: both
# hosts join 239.77.0.1 on eth0 and count to N across hosts with the
# final protocol, and neither hears its own packets.
. /mether/tests/lib.sh
plan 10

N=${COUNT_TO:-1024}
GROUP=239.77.0.1
# /proc/net/igmp prints a group as the hex of its network-order bytes
# read as a little-endian word.
GROUP_HEX=01004DEF
up() {
	metherctl up --key-file $CLUSTER_KEY --id $((METHER_ID + 1)) \
		--cluster 21 --port 7787 --broadcast $GROUP --pages 64 "$@"
}
stat() { metherctl stats --machine | sed -n "s/^$1 //p"; }

check "multicast: mether.ko loads" insmod $MODULE request_timeout_ms=60000
check "multicast: a group with --addr is refused" refused "Invalid argument" \
	up --dev eth0 --addr 10.77.0.$((METHER_ID + 1))
create=
[ "$METHER_ID" = 0 ] && create=--create
check "multicast: up on $GROUP" up --dev eth0 $create
check "multicast: the host joined the group on eth0" \
	sh -c "grep -A9 eth0 /proc/net/igmp | grep -q $GROUP_HEX"
barrier multicast-up || not_ok "multicast: barrier multicast-up"
if timeout 600 mether-count -p final -n $N -i $METHER_ID -b 10 \
	>/tmp/m 2>&1; then
	ok "multicast: final reaches $N across hosts, every increment in order"
else
	not_ok "multicast: final across hosts"
fi
diag "$(cat /tmp/m)"
barrier multicast-done || not_ok "multicast: barrier multicast-done"
diag "$(metherctl stats)"
check "multicast: pages came in ($(stat rx_page_packets))" \
	[ "$(stat rx_page_packets)" -gt 0 ]
check "multicast: ... and pages went out ($(stat tx_page_packets))" \
	[ "$(stat tx_page_packets)" -gt 0 ]
check "multicast: not one of its own came back ($(stat drop_own) own)" \
	[ "$(stat drop_own)" = 0 ]
check "multicast: down" metherctl down
check "multicast: mether.ko unloads" rmmod mether
