# Two hosts on the segment: the in-kernel server broadcasts a published
# page and the other host's inconsistent copy is refreshed by snooping
# alone, waking a data-driven wait; a demand fault asks the holder; a
# fault nobody answers ends in SIGBUS.
. /mether/tests/lib.sh
plan $((METHER_ID == 0 ? 20 : 32))

PORT=7777
BCAST=10.77.0.255
stat_is() { # stat_is NAME PATTERN: a counter of metherctl stats --machine
	metherctl stats --machine | grep -qx "$1 $2"
}
# udp_counter NAME: the stack's UDP counter NAME (/proc/net/snmp), which
# Mether's datagrams count in though they skip sendmsg and recvmsg.
udp_counter() {
	awk -v name="$1" '$1 == "Udp:" && !col {
		for (i = 2; i <= NF; i++) if ($i == name) col = i; next }
		$1 == "Udp:" { print $col }' /proc/net/snmp
}
udp_sent_before=$(udp_counter OutDatagrams)
udp_read_before=$(udp_counter InDatagrams)

# No data-driven fallback here: the wait below must be woken by snooping.
check "network: mether.ko loads" insmod $MODULE request_timeout_ms=2000 \
	data_driven_timeout_ms=0
create=
[ "$METHER_ID" = 0 ] && create=--create
check "network: up" metherctl up --key-file $CLUSTER_KEY --id $((METHER_ID + 1)) --cluster 7 \
	--port $PORT --broadcast $BCAST --pages 64 $create
check "network: status says up" sh -c 'metherctl status | grep -q "network: *up"'
check "network: up twice is refused" refused "Device or resource busy" \
	metherctl up --key-file $CLUSTER_KEY --id 9 --cluster 7 --port $PORT \
	--broadcast $BCAST
barrier net-up || not_ok "network: barrier net-up"

if [ "$METHER_ID" = 1 ]; then
	timeout 60 metherctl get --wait 3 >/tmp/got 2>&1 &
	getter=$!
	sleep 3
fi
barrier net-waiting || not_ok "network: barrier net-waiting"
if [ "$METHER_ID" = 0 ]; then
	check "network: put publishes page 3" metherctl put 3 4242
	check "network: the page went out" stat_is tx_page_packets '[1-9][0-9]*'
	check "network: its own broadcasts did not come back" \
		stat_is drop_own 0
	check "network: UDP counted the datagrams sent" \
		[ "$(udp_counter OutDatagrams)" -gt "$udp_sent_before" ]
fi
if [ "$METHER_ID" = 1 ]; then
	wait $getter
	check "network: a data-driven wait wakes on the other host's page" \
		grep -qx 4242 /tmp/got
	check "network: the copy was refreshed by snooping" \
		stat_is snooped '[1-9][0-9]*'
	check "network: UDP counted the datagrams read" \
		[ "$(udp_counter InDatagrams)" -gt "$udp_read_before" ]
	check "network: ... with nothing asked for" stat_is tx_request_packets 0
	check "network: ... and nothing sent" stat_is tx_page_packets 0
	check "network: a demand read maps the snooped copy" \
		sh -c '[ "$(metherctl get 3)" = 4242 ]'
	check "network: faults counted by view (short data-driven)" \
		stat_is inconsistent_faults_view5 '[1-9][0-9]*'
	check "network: read-only purges counted" stat_is purges '[1-9][0-9]*'
fi
if [ "$METHER_ID" = 0 ]; then
	check "network: writeable purges counted" \
		stat_is writeable_purges '[1-9][0-9]*'
	check "network: write faults counted by view (short)" \
		stat_is consistent_faults_view1 '[1-9][0-9]*'
fi
barrier net-snooped || not_ok "network: barrier net-snooped"

# Page 6 was never published: the joiner's demand fault has to ask.
if [ "$METHER_ID" = 1 ]; then
	check "network: a demand fault asks the holder and gets the page" \
		sh -c '[ "$(metherctl get 6)" = 0 ]'
	check "network: ... by a request" stat_is tx_request_packets '[1-9][0-9]*'
fi
barrier net-asked || not_ok "network: barrier net-asked"
if [ "$METHER_ID" = 0 ]; then
	check "network: the holder heard the request" \
		stat_is rx_request_packets '[1-9][0-9]*'
fi

# The route is kept between packets (mether_net_route()). Full pages must
# still go whole at a smaller MTU: host 0 writes and publishes one, host
# 1 takes it (a handoff from host 0) and compares it with one it wrote
# the same way itself. And a changed route must be followed: with the
# segment's broadcast address made unreachable on host 0, its next page
# must not reach host 1; with the broadcast route back, the one after
# must. A route kept past the change fails the second: the kernel turns
# a route it dropped into a discard (dst_dev_put()), and a kept one
# discards every page from then on.
# same_page MINE THEIRS: write MINE as host 0 wrote THEIRS; are they equal?
same_page() {
	mether-poke fill full $1 0 4096 90 && mether-poke fill full $1 4000 4096 91 &&
		[ "$(mether-poke sum full $1 0 4096)" = \
		  "$(mether-poke sum full $2 0 4096)" ]
}
stat_of() {
	metherctl stats --machine | sed -n "s/^$1 //p"
}
check "network: MTU 1280" ip link set eth0 mtu 1280
if [ "$METHER_ID" = 0 ]; then
	check "network: a full page written and published at MTU 1280" sh -c \
		'mether-poke fill full 20 0 4096 90 &&
		 mether-poke fill full 20 4000 4096 91 && mether-poke purge full 20'
fi
barrier net-mtu || not_ok "network: barrier net-mtu"
if [ "$METHER_ID" = 1 ]; then
	check "network: ... comes whole to the other host" same_page 22 20
	pages_before=$(stat_of rx_page_packets)
	timeout 60 metherctl get --wait 25 >/tmp/got25 2>&1 &
	getter=$!
	sleep 1
fi
barrier net-mtu-read || not_ok "network: barrier net-mtu-read"
check "network: MTU 1500 again" ip link set eth0 mtu 1500
if [ "$METHER_ID" = 0 ]; then
	check "network: the broadcast address made unreachable" sh -c \
		"ip route del table local broadcast $BCAST dev eth0 &&
		 ip route add table local unreachable $BCAST"
	# Its packet has no way out: put may say so, or not.
	metherctl put 24 2424 >/dev/null 2>&1
fi
barrier net-unrouted || not_ok "network: barrier net-unrouted"
if [ "$METHER_ID" = 1 ]; then
	sleep 2
	check "network: ... and the next page did not come the old way" \
		[ "$(stat_of rx_page_packets)" = "$pages_before" ]
fi
barrier net-unrouted-seen || not_ok "network: barrier net-unrouted-seen"
if [ "$METHER_ID" = 0 ]; then
	check "network: the broadcast route back" sh -c \
		"ip route del table local unreachable $BCAST &&
		 ip route add table local broadcast $BCAST dev eth0 proto kernel scope link src 10.77.0.1"
	check "network: ... and a page published after it" metherctl put 25 2525
fi
if [ "$METHER_ID" = 1 ]; then
	wait $getter
	check "network: ... comes to the other host" grep -qx 2525 /tmp/got25
fi
barrier net-rerouted || not_ok "network: barrier net-rerouted"

if [ "$METHER_ID" = 0 ]; then
	check "network: down" metherctl down
	check "network: down twice is refused" \
		refused "not connected" metherctl down
fi
barrier net-holder-down || not_ok "network: barrier net-holder-down"
if [ "$METHER_ID" = 1 ]; then
	timeout 60 metherctl get 7 >/dev/null 2>&1
	status=$?
	if [ $status = 135 ]; then
		ok "network: a fault nobody answers ends in SIGBUS"
	else
		not_ok "network: a fault nobody answers: exit status $status, not SIGBUS"
	fi
	# Down while a process has the space mapped and waits in a fault.
	mether-count -p final -w -n 1000 -i 0 -b 8 >/dev/null 2>&1 &
	waiter=$!
	sleep 2
	check "network: down while a process waits in a fault" metherctl down
	check "network: ... the process lives on" kill -0 $waiter
	check "network: ... the copies stay, served locally" \
		sh -c '[ "$(metherctl get 3)" = 4242 ]'
	kill $waiter
	wait $waiter
	status=$?
	if [ $status = 143 ]; then
		ok "network: ... and its wait ends when it is killed"
	else
		not_ok "network: the killed waiter ended with status $status"
	fi
	# A data-driven fault that asks (timeout above 0) and is never
	# answered, because the holder is gone, ends too.
	echo 50 >/sys/module/mether/parameters/data_driven_timeout_ms
	# The host's settings from a file (metherctl(8), CONFIGURATION).
	cat >/tmp/host.conf <<-EOF
	# host 2 of cluster 7
	id = 2
	cluster = 7
	port = $PORT
	broadcast = $BCAST
	create = no
	key-file = $CLUSTER_KEY
	EOF
	check "network: up again from a config file, asking after 50 ms" \
		metherctl up --config /tmp/host.conf --pages 64
	check "network: ... with the file's settings" sh -c \
		'metherctl status | grep -q "sealing: *on"'
	check "network: down before the next up" metherctl down
	# With the host down, and a file that is good but for one line,
	# only the parser can refuse it.
	sed 's/^id = 2$/id 2/' /tmp/host.conf >/tmp/bad.conf
	check "network: a malformed config file is refused" \
		refused 'bad.conf:2: not "name = value"' \
		metherctl up --config /tmp/bad.conf --pages 64
	check "network: up again" metherctl up --config /tmp/host.conf \
		--pages 64
	timeout 60 metherctl get --wait 9 >/dev/null 2>&1
	status=$?
	if [ $status = 135 ]; then
		ok "network: a data-driven fault nobody answers ends in SIGBUS"
	else
		not_ok "network: an unanswered data-driven fault: exit status $status, not SIGBUS"
	fi
	check "network: down" metherctl down
fi
barrier net-done || not_ok "network: barrier net-done"
check "network: mether.ko unloads" rmmod mether
