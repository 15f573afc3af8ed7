# Late duplicates of a handoff: two hosts in network namespaces of one
# guest move one page's consistent copy at every increment of a count,
# while netem holds back half the packets to host 2 for 2 s (the other
# half pass at once). A handoff held back is retransmitted under a new
# counter, so the replay window passes the late original, which reaches
# host 2 after the page has moved on from it. It must be ACKed and not
# taken: the count stays exact, there is never a second owner, and no
# version older than one host 2 gave away is taken. The tracepoints show
# that such late duplicates really arrived.
. /mether/tests/lib.sh
plan $((METHER_ID == LAST_GUEST ? 16 : 0))
[ "$METHER_ID" = $LAST_GUEST ] || exit 0

N=60
PAGE=6
T=/sys/kernel/tracing
TC=/sbin/tc	# iproute2's, copied in by the runner
HOST_CLUSTER=61
HOST_PORT=7798

check "late: mether.ko loads" insmod $MODULE data_driven_timeout_ms=50
[ -d $T/events ] || mount -t tracefs nodev $T
check "late: two hosts on a bridge" bridge_hosts 2
check "late: host 1 up" host_up 1 --create
check "late: host 2 up" host_up 2
# v2 is the bridge's end of host 2's link: its egress is what host 2
# receives.
check "late: half of what host 2 receives is 2 s late" \
	$TC qdisc add dev v2 root netem delay 2s reorder 50%

echo 0 >$T/tracing_on
echo >$T/trace
echo 4096 >$T/buffer_size_kb
echo 1 >$T/events/mether/mether_packet_rx/enable
echo 1 >$T/events/mether/mether_handoff/enable
echo 1 >$T/tracing_on
rm -f /tmp/stop
mether-owner-check -p $PAGE -s /tmp/stop /run/netns/h1 /run/netns/h2 \
	>/tmp/owners 2>&1 &
owners=$!
in_host 1 timeout 600 mether-count -p short-data-driven -n $N -i 0 \
	-b $PAGE >/tmp/c1 2>&1 &
a=$!
in_host 2 timeout 600 mether-count -p short-data-driven -n $N -i 1 \
	-b $PAGE >/tmp/c2 2>&1
b=$?
wait $a
check "late: the hosts count to $N, every increment in order" \
	[ "$?$b" = 00 ]
diag "$(cat /tmp/c1 /tmp/c2)"
# Let the last late packets land before the owners are counted.
sleep 1
echo 0 >$T/tracing_on
touch /tmp/stop
wait $owners
check "late: never two owners, one at the end" [ $? = 0 ]
diag "$(cat /tmp/owners)"
sed -n 's/.* \(mether_[a-z_]*\): /\1 /p' $T/trace >/tmp/trace
echo 0 >$T/events/mether/enable
echo >$T/trace
diag "$($TC -s qdisc show dev v2)"
$TC qdisc del dev v2 root

# The first mether_handoff of a version is its holder giving it up, the
# second the asker taking it (tracing.rst). A handoff PAGE (flag bit 0)
# that host 2 receives at a version below one it has given away arrived
# after the page moved on: a late duplicate.
awk -v page=$PAGE '
function field(name,   i, kv) {
	for (i = 2; i <= NF; i++) {
		split($i, kv, "=")
		if (kv[1] == name)
			return kv[2]
	}
	return ""
}
field("page") != page { next }
$1 == "mether_handoff" {
	v = field("version") + 0
	if (!(v in seen)) {
		seen[v] = 1
		if (field("from") == 2 && v > gave)
			gave = v
		next
	}
	if (field("to") == 2 && v < gave) {
		print "host 2 took version " v " after giving away " gave
		stale++
	}
	next
}
$1 == "mether_packet_rx" && field("host") == 2 && field("type") == "PAGE" &&
    field("flags") ~ /[13579bdf]$/ {
	if (field("version") + 0 < gave)
		late++
}
END {
	print late + 0 " late handoffs reached host 2; " stale + 0 " were taken"
	print late + 0 >"/tmp/late"
	print stale + 0 >"/tmp/stale"
}' /tmp/trace >/tmp/verdict
diag "$(cat /tmp/verdict)"
check "late: late duplicates of handoffs reached host 2 ($(cat /tmp/late))" \
	[ "$(cat /tmp/late)" -gt 0 ]
check "late: ... and none was taken" [ "$(cat /tmp/stale)" = 0 ]
check "late: host 2 ACKed more handoffs than it took" [ \
	"$(host_stat 2 tx_ack_packets)" -gt "$(host_stat 2 ownership_transfers)" ]

# A handoff whose target came up again since it asked is not sent on to
# the new life: only 32 bits of an epoch travel, so a new life could
# take for its own, once in 2^32, a handoff its former life asked for
# (wire.rst). Host 2 asks for page 9 while what it receives is held back
# 2 s, and goes down and up before the handoff reaches it: host 1 then
# retransmits to a life that is gone, until it has proven host 2's new
# epoch, and not after.
REPAGE=9
r0=$(host_stat 1 retransmits)
check "late: what host 2 receives is 2 s late" \
	$TC qdisc add dev v2 root netem delay 2s
in_host 2 timeout 5 mether-poke write full $REPAGE 0 7 >/dev/null 2>&1 &
sleep 0.5
in_host 2 metherctl down
wait
check "late: host 2 comes up again, in a new epoch" host_up 2
epoch2=$(in_host 2 metherctl status --machine | sed -n 's/^epoch //p')
proven=
for i in $(seq 1 30); do
	[ "$(in_host 1 metherctl hosts --machine |
		awk '$1 == 2 { print $4 }')" = "$epoch2" ] && proven=yes && break
	sleep 0.5
done
check "late: host 1 proved host 2's new epoch" [ "$proven" = yes ]
$TC qdisc del dev v2 root
sleep 1
r1=$(host_stat 1 retransmits)
sleep 3
r2=$(host_stat 1 retransmits)
check "late: host 1 retransmitted the handoff ($((r1 - r0)) times)" \
	[ "${r1:-0}" -gt "${r0:-0}" ]
check "late: ... and stopped once host 2's new life was proven ($r1, then $r2)" \
	[ "$r1" = "$r2" ]
in_host 1 metherctl down
in_host 2 metherctl down
check "late: mether.ko unloads" rmmod mether
