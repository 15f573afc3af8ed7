# The cost of retransmitting one pending handoff in a large space, in
# guest 0 (Debian's stock kernel: it has the function_graph tracer).
# Hosts 1 and 2 share a space of 65,536 pages; host 2 stops hearing
# broadcasts (its bridge port floods it none), then asks for page 3:
# host 1 hands the page off and, never ACKed, retransmits it for as long
# as the run lasts. function_graph times every run of the retransmit
# work. Prints a "retransmit" line for bench/results/retransmit.csv:
#   retransmit PAGES RUNS MEAN_US MIN_US MAX_US RETRANSMISSIONS
# Run it alone, by hand, on the stock kernel (STOCK=$(bash
# tests/vm/stock-kernel.sh), mether.ko built against $STOCK/kdir):
#   tests/vm/run-guests --kernel $STOCK/vmlinuz --modules-root $STOCK/root \
#     --modules-list $STOCK/modules.list --module build/stock/mether.ko \
#     --bin userspace/tools/metherctl --bin userspace/tests/mether-poke \
#     --host-bin /sbin/ip --out /tmp/rt bench/guest/retransmit.sh
. /mether/tests/lib.sh
[ "$METHER_ID" = 0 ] || exit 0

PAGES=${RETRANSMIT_PAGES:-65536}
SECONDS_TRACED=${RETRANSMIT_SECONDS:-20}
HOST_CLUSTER=33
HOST_PORT=7993
T=/sys/kernel/tracing

check "retransmit: mether.ko loads" insmod $MODULE
check "retransmit: two hosts on a bridge" bridge_hosts 2
check "retransmit: host 1 up with $PAGES pages" host_up 1 --create \
	--pages "$PAGES"
check "retransmit: host 2 up" host_up 2 --pages "$PAGES"
mountpoint -q $T || mount -t tracefs nodev $T
check "retransmit: trace only the retransmit work" \
	sh -c "echo mether_owner_retransmit_work >$T/set_ftrace_filter"
echo function_graph >$T/current_tracer
echo funcgraph-abstime >$T/trace_options 2>/dev/null
: >$T/trace

# Host 2 hears nothing from here on: its request goes out, the handoff
# never comes back, and no ACK either.
check "retransmit: host 2 deaf to broadcasts" \
	$IP link set dev v2 type bridge_slave bcast_flood off
in_host 2 timeout 2 mether-poke write short 3 0 1 >/dev/null 2>&1
before=$(host_stat 1 retransmits)
sleep "$SECONDS_TRACED"
echo 0 >$T/tracing_on
after=$(host_stat 1 retransmits)
# (Changing the tracer empties the buffer: read it first.)
grep 'mether_owner_retransmit_work' $T/trace >/tmp/rt
echo nop >$T/current_tracer
echo 1 >$T/tracing_on
stats=$(awk '{ for (i = 1; i < NF; i++) if ($(i + 1) == "us") {
		d = $i; n++; s += d;
		if (n == 1 || d < mn) mn = d; if (d > mx) mx = d } }
	END { if (n) printf "%d %.1f %.1f %.1f", n, s / n, mn, mx }' /tmp/rt)
check "retransmit: the work ran while the handoff was pending ($stats)" \
	[ -n "$stats" ]
echo "retransmit $PAGES $stats $((${after:-0} - ${before:-0}))" >&3
diag "$(head -5 /tmp/rt)"
for h in 1 2; do
	in_host $h metherctl down >/dev/null
done
check "retransmit: mether.ko unloads" rmmod mether
