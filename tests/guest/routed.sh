# A cluster across two segments joined by a multicast router (issue 19):
# host 1 on segment A (br0, 10.88.0.0/24), hosts 2 and 3 on segment B
# (brb, 10.89.0.0/24), and a router namespace between them that forwards
# the cluster's group both ways with smcrouted's static routes. With the
# default TTL of 1 nothing crosses the router; with --ttl 2 hosts 1 and 2
# count with the final protocol, and host 3, on the far segment from
# host 1, follows the count by snooping alone, with no REQUEST. Then the
# same over a VXLAN overlay on the same hosts, with the router forwarding
# unicast alone: the recipe for networks that carry neither broadcast
# nor multicast (server.rst, "Across segments").
. /mether/tests/lib.sh
plan $((METHER_ID == 0 ? 28 : 0))
[ "$METHER_ID" = 0 ] || exit 0
trap remove_router EXIT

HOST_CLUSTER=19
HOST_PORT=7919
GROUP=239.77.19.1
BRIDGE=/sbin/bridge
SMCROUTED=/usr/sbin/smcrouted
N=300

# The router and segment B are this script's own, removed at its end,
# and by clean_up() (lib.sh) if the script is cut off.
remove_router() {
	[ -f /tmp/smcrouted.pid ] && kill "$(cat /tmp/smcrouted.pid)" 2>/dev/null
	rm -f /tmp/smcrouted.pid
	$IP netns del rt 2>/dev/null
	$IP link del brb 2>/dev/null
	return 0
}

# two_segments: hosts 1..3 of bridge_hosts, 2 and 3 moved to segment B,
# and the router "rt" with a leg on each.
two_segments() {
	local i
	remove_router
	bridge_hosts 3 || return 1
	$IP link add brb type bridge && $IP link set brb up || return 1
	for i in 2 3; do
		$IP link set v$i master brb &&
		in_host $i $IP addr flush dev eth0 &&
		in_host $i $IP addr add 10.89.0.$i/24 dev eth0 &&
		in_host $i $IP route add default via 10.89.0.254 || return 1
	done
	in_host 1 $IP route add default via 10.88.0.254 || return 1
	$IP netns add rt &&
	$IP link add ra type veth peer name etha netns rt &&
	$IP link add rb type veth peer name ethb netns rt &&
	$IP link set ra master br0 up &&
	$IP link set rb master brb up &&
	in_netns rt $IP link set lo up &&
	in_netns rt $IP addr add 10.88.0.254/24 dev etha &&
	in_netns rt $IP addr add 10.89.0.254/24 dev ethb &&
	in_netns rt $IP link set etha up &&
	in_netns rt $IP link set ethb up &&
	in_netns rt sysctl -qw net.ipv4.ip_forward=1
}

# Each host's address on the routed network under the overlay.
underlay() {
	case $1 in
	1) echo 10.88.0.1 ;;
	*) echo 10.89.0.$1 ;;
	esac
}

# overlay: a VXLAN segment, 10.90.0.0/24 on vx0 in hosts 1..3, whose
# broadcasts go to every other host by unicast (head-end replication:
# one all-zeros FDB entry per peer).
overlay() {
	local i j
	for i in 1 2 3; do
		# 50 bytes under the routed network's MTU: no lower device
		# is named, so VXLAN cannot take them off itself.
		in_host $i $IP link add vx0 mtu 1450 type vxlan id 19 \
			dstport 4789 local "$(underlay $i)" nolearning ||
			return 1
		for j in 1 2 3; do
			[ $i = $j ] && continue
			in_host $i $BRIDGE fdb append 00:00:00:00:00:00 \
				dev vx0 dst "$(underlay $j)" || return 1
		done
		in_host $i $IP addr add 10.90.0.$i/24 dev vx0 &&
		in_host $i $IP link set vx0 up || return 1
	done
}

# overlay_up I [ARGS...]: host I up on the overlay's broadcast address.
overlay_up() {
	local HOST_TO="--broadcast 10.90.0.255" HOST_DEV=vx0
	host_up "$@"
}

# stop_router: smcrouted ends (it is this shell's child: waited for).
stop_router() {
	kill "$SMCROUTED_PID" && wait "$SMCROUTED_PID"
	rm -f /tmp/smcrouted.pid
	return 0
}

# no_multicast_routing: with smcrouted gone, the router forwards no
# multicast and keeps no route it made.
no_multicast_routing() {
	local routes
	[ "$(in_netns rt cat /proc/sys/net/ipv4/conf/all/mc_forwarding)" = 0 ] &&
	routes=$(in_netns rt $IP mroute show) && [ -z "$routes" ]
}

# vif_packets NAME in|out: packets the router's multicast interface NAME
# took in, or sent on (/proc/net/ip_mr_vif).
vif_packets() {
	in_netns rt awk -v name="$1" -v col=$([ "$2" = in ] && echo 4 || echo 6) \
		'$2 == name { print $col }' /proc/net/ip_mr_vif
}

# stopped_at_router: what host 1 sent reached the router on etha, and
# nothing went on to either segment.
stopped_at_router() {
	[ "$(vif_packets etha in)" -gt 0 ] &&
	[ "$(vif_packets ethb out)" = 0 ] && [ "$(vif_packets etha out)" = 0 ]
}

# forwarded_both_ways: the router sent the group on to both segments.
forwarded_both_ways() {
	[ "$(vif_packets ethb out)" -gt 0 ] && [ "$(vif_packets etha out)" -gt 0 ]
}

# start_router: smcrouted in "rt", forwarding the group both ways; not
# under check, whose command substitution would make it a subshell's
# child, which stop_router could not wait for.
start_router() {
	printf 'mroute from etha group %s to ethb\nmroute from ethb group %s to etha\n' \
		$GROUP $GROUP >/tmp/smcroute.conf
	# nsenter itself, not the in_netns function: $! is then smcrouted's
	# pid, as nsenter execs it.
	nsenter --net=/run/netns/rt $SMCROUTED -n -f /tmp/smcroute.conf \
		-P /tmp/smcrouted.pid -u /tmp/smcroute.sock -l info \
		>/tmp/smcrouted.log 2>&1 &
	SMCROUTED_PID=$!
}

# group_up I [ARGS...]: host I up on the group, on its eth0.
group_up() {
	local HOST_TO="--group $GROUP"
	host_up "$@"
}

# hears I J: host I has heard host J.
hears() {
	[ "$(peer_state $2 $1)" = alive ]
}

# deaf I J: host I has not heard host J.
deaf() {
	! hears "$@"
}

# until_true CMD...: CMD, once a second until it succeeds (20 s at most).
until_true() {
	local tries
	for tries in $(seq 1 20); do
		"$@" && return 0
		sleep 1
	done
	return 1
}

# everyone_heard: hosts on both sides heard the other side.
everyone_heard() {
	hears 2 1 && hears 1 2 && hears 3 1
}

all_hear() {
	until_true everyone_heard
}

# far_side_up UP ARGS...: hosts 2 and 3 up on segment B, by UP. Host 3
# never asks: its data-driven faults wait for ever (a space takes the
# parameter as its host comes up), so all it learns comes by snooping.
far_side_up() {
	local up=$1 ret
	shift
	$up 2 "$@" || return 1
	echo 0 >/sys/module/mether/parameters/data_driven_timeout_ms
	$up 3 "$@"
	ret=$?
	echo 100 >/sys/module/mether/parameters/data_driven_timeout_ms
	return $ret
}

# count_across LABEL: hosts 1 and 2 count to N with the final protocol
# while host 3 follows on host 1's page, never asking.
count_across() {
	local a b w
	# Seconds: 300 increments take one here; a stall fails in time
	# for the rest of the script to run.
	in_host 3 timeout 120 mether-count -p final -w -n $N -i 0 -b 4 \
		>/tmp/w 2>&1 &
	w=$!
	sleep 1
	in_host 1 timeout 120 mether-count -p final -n $N -i 0 -b 4 \
		>/tmp/c1 2>&1 &
	a=$!
	in_host 2 timeout 120 mether-count -p final -n $N -i 1 -b 4 \
		>/tmp/c2 2>&1
	b=$?
	wait $a
	if [ "$?$b" = 00 ]; then
		ok "routed: $1: hosts 1 and 2 count to $N"
	else
		not_ok "routed: $1: hosts 1 and 2 count to $N"
		diag "$(in_host 1 metherctl stats; in_host 2 metherctl stats)"
		kill $w 2>/dev/null
	fi
	diag "$(cat /tmp/c1 /tmp/c2)"
	wait $w
	check "routed: $1: host 3 followed the count to its last value" \
		[ $? = 0 ]
	diag "$(cat /tmp/w)"
	check "routed: $1: host 3 sent no request" \
		[ "$(host_stat 3 tx_request_packets)" = 0 ]
}

# router_ready: smcrouted read its routes.
router_ready() {
	until_true grep -q Ready /tmp/smcrouted.log
}

check "routed: mether.ko loads" insmod $MODULE request_timeout_ms=60000
check "routed: two segments and a router between them" two_segments
check "routed: the kernel refuses a TTL with a broadcast address" \
	[ "$(in_host 1 mether-poke up-ttl 10.88.0.255 2)" = "Invalid argument" ]
check "routed: ... or with a group routers never forward" \
	[ "$(in_host 1 mether-poke up-ttl 224.0.0.77 2)" = "Invalid argument" ]
check "routed: ... and takes one with a group" \
	[ "$(in_host 1 mether-poke up-ttl $GROUP 2)" = up ]
start_router
check "routed: smcrouted forwards $GROUP in the router" router_ready
diag "$(cat /tmp/smcrouted.log)"

# TTL 1: the router must not forward, so the far side stays unheard.
check "routed: with the default TTL, host 1 up on segment A" group_up 1 --create
check "routed: ... and host 2 on segment B" group_up 2
sleep 3
check "routed: ... host 2 never hears host 1 (TTL 1 ends at the router)" \
	deaf 2 1
check "routed: ... whose packets reached the router and went no further" \
	stopped_at_router
diag "$(in_netns rt cat /proc/net/ip_mr_vif)"
in_host 1 metherctl down
in_host 2 metherctl down

check "routed: with --ttl 2, host 1 up on segment A" group_up 1 --create --ttl 2
check "routed: ... hosts 2 and 3 on segment B" \
	far_side_up group_up --ttl 2
check "routed: host 1 reads its TTL back" \
	[ "$(in_host 1 metherctl status --machine | sed -n 's/^ttl //p')" = 2 ]
check "routed: hosts on both segments hear each other" \
	all_hear
# Host 2's CHALLENGE to host 3, and host 3's ANSWER, reach host 1 too.
check "routed: host 1 dropped the proofs between hosts 2 and 3 unopened" \
	[ "$(host_stat 1 elsewhere)" -gt 0 ]

# Host 3 never asks: all it knows of the count comes through the router.
count_across "a group across the router"
check "routed: the router forwarded the group to both segments" \
	forwarded_both_ways
diag "$(in_netns rt cat /proc/net/ip_mr_vif; in_netns rt $IP mroute show)"
for i in 1 2 3; do
	in_host $i metherctl down
done

# The overlay: the router now forwards unicast alone.
stop_router
check "routed: the router forwards no group now" \
	until_true no_multicast_routing
check "routed: a VXLAN overlay over the routed hosts" overlay
check "routed: on the overlay, host 1 up" overlay_up 1 --create
check "routed: ... hosts 2 and 3 too" far_side_up overlay_up
check "routed: on the overlay, hosts hear each other" all_hear
count_across "overlay"
for i in 1 2 3; do
	in_host $i metherctl down
done
remove_router
check "routed: mether.ko unloads" rmmod mether
