# What a host reads back (METHER_IOC_STATUS, metherctl status): two hosts
# in network namespaces of guest 0, host 1 brought up with settings of
# its own, read back as text, --machine and --json. The host side
# (tests/host/status.py) takes the --json outputs beside their --machine
# ones and checks that they are JSON, with the same names and values.
. /mether/tests/lib.sh
plan $((METHER_ID == 0 ? 23 : 0))

[ "$METHER_ID" = 0 ] || exit 0

HOST_CLUSTER=77
HOST_PORT=7801

# field NAME [I]: NAME's value in host I's (1's) status --machine.
field() {
	in_host ${2:-1} metherctl status --machine | sed -n "s/^$1 //p"
}

check "status: mether.ko loads" insmod $MODULE host_timeout_ms=2000 \
	request_timeout_ms=30000 data_driven_timeout_ms=0
check "status: two hosts on a bridge" bridge_hosts 2
check "status: a host that is down says so, with its timeouts" \
	[ "$(field up) $(field host_id) $(field host_timeout_ms)" = "0 0 2000" ]
check "status: ... request and data-driven ones too" \
	[ "$(field request_timeout_ms) $(field data_driven_timeout_ms)" = "30000 0" ]
check "status: host 1 up, making the space" host_up 1 --create
check "status: host 2 up" host_up 2
check "status: up and sealed" [ "$(field up) $(field sealed)" = "1 1" ]
check "status: its id, cluster and port" \
	[ "$(field host_id) $(field cluster) $(field port)" = "1 $HOST_CLUSTER $HOST_PORT" ]
check "status: its interface and addresses" \
	[ "$(field interface) $(field broadcast) $(field address)" = "eth0 10.88.0.255 -" ]
check "status: its pages, and that it made the space" \
	[ "$(field pages) $(field create)" = "16 1" ]
check "status: an epoch and a socket buffer" \
	[ "$(field epoch)" -gt 0 -a "$(field socket_buffer)" -gt 0 ]
check "status: host 2 did not make the space" [ "$(field create 2)" = 0 ]
in_host 1 metherctl status >/tmp/status
relay "status:" /tmp/status
check "status: the text says who it is" \
	grep -q "host: *1 of cluster $HOST_CLUSTER, epoch [1-9]" /tmp/status
check "status: ... and where it sends" \
	grep -q "socket: *0.0.0.0 port $HOST_PORT, to 10.88.0.255 on eth0" \
	/tmp/status
check "status: host 1 hears host 2" [ "$(peer_state 2 1)" = alive ]
# A program of an older header, with room for fewer hosts, is told of
# no more than it holds.
check "status: PEERS with room for no host counts none" \
	[ "$(in_host 1 mether-poke peers 0)" = 0 ]
check "status: ... with room for one, one" \
	[ "$(in_host 1 mether-poke peers 1)" = 1 ]
check "status: a host that has not sent its last packet number is not spent" \
	[ "$(field spent)" = 0 ]

# The --json outputs, each beside its --machine one, for the host side.
for what in status stats hosts; do
	in_host 1 metherctl $what --json | publish $what-json
	in_host 1 metherctl $what --machine | publish $what-machine
done
# Until the host script has checked them (5 min at most).
n=0
until host_served 8080 status-checked || [ $n -ge 300 ]; do
	sleep 1
	n=$((n + 1))
done
check "status: the host side checked the JSON" host_served 8080 status-checked
publish status-done </dev/null
check "status: host 1 down" in_host 1 metherctl down
check "status: down again, it says so" [ "$(field up) $(field epoch)" = "0 0" ]
check "status: host 2 down" in_host 2 metherctl down
check "status: mether.ko unloads" rmmod mether
