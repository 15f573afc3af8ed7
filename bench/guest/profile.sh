# Where the CPU goes, sampled (bench/profile.sh): in each of two guests on
# Debian's stock kernel, perf samples every CPU (cpu-clock, with call
# chains) while the hosts run one workload:
#   pipe    PROFILE_COUNT messages of PROFILE_SIZE bytes one way through a
#           pipe with a window of PROFILE_WINDOW (default 3000 of 4096
#           through 32), end 0 on host 0
#   final   the final protocol counting to PROFILE_COUNT (default 8192)
#   udp     the user-space UDP ping-pong counting as far, for contrast
# The cluster is sealed, or not with PROFILE_SEAL=off.
# A sample is taken where the CPU is, so unlike a function graph it
# does not inflate what it looks at. Each host reports its share of
# samples per task, the functions the samples fell in (self), and the
# calls they fell under (children), then Mether's packet counters over
# the span: "prof" lines on the result channel.
. /mether/tests/lib.sh
plan 6

WHAT=${PROFILE:-pipe}
SIZE=${PROFILE_SIZE:-4096}
WINDOW=${PROFILE_WINDOW:-32}
PERF=/usr/bin/perf
PEER=10.77.0.$((2 - METHER_ID))
case $WHAT in
pipe) COUNT=${PROFILE_COUNT:-3000} ;;
final|udp) COUNT=${PROFILE_COUNT:-8192} ;;
*) not_ok "profile: no workload '$WHAT' (pipe, final or udp)"; exit 1 ;;
esac
create=
[ "$METHER_ID" = 0 ] && create=--create

check "profile: mether.ko loads" insmod $MODULE
seal="--key-file $CLUSTER_KEY"
[ "${PROFILE_SEAL:-on}" = off ] && seal=--unsealed
check "profile: host up, seal ${PROFILE_SEAL:-on}" metherctl up $seal \
	--id $((METHER_ID + 1)) --cluster 4 --port 7740 \
	--broadcast 10.77.0.255 --pages 160 $create

# workload N BASE: the command for N of the workload, on pages from BASE
# (each run its own: the first run only warms up).
workload() {
	case $WHAT in
	pipe) echo mether-pipe-bench -e $METHER_ID -s $SIZE -c $1 \
		-w $WINDOW -b $2 ;;
	final) echo mether-count -p final -n $1 -i $METHER_ID -b $2 ;;
	udp) echo mether-pingpong -u -i $METHER_ID -a $PEER -p 7990 -n $1 ;;
	esac
}
barrier profile-warm || not_ok "profile: barrier warm"
[ $WHAT = udp ] && [ "$METHER_ID" = 0 ] && sleep 1
timeout 300 $(workload $((COUNT / 10 + 1)) 10) >/tmp/r 2>&1
barrier profile-go || not_ok "profile: barrier go"
[ $WHAT = udp ] && [ "$METHER_ID" = 0 ] && sleep 1
metherctl stats --machine >/tmp/before
# perf samples all CPUs for as long as this host's end runs.
if timeout 600 $PERF record -q -a -g -e cpu-clock -F 4000 \
	-o /tmp/perf.data -- $(workload $COUNT 80) >/tmp/r 2>/tmp/perf.err
then
	ok "profile: $WHAT ran under perf: $(tail -1 /tmp/r)"
else
	not_ok "profile: $WHAT under perf"
	diag "$(cat /tmp/r /tmp/perf.err)"
fi
metherctl stats --machine >/tmp/after
echo "prof host=$METHER_ID kind=result what=$WHAT $(tail -1 /tmp/r)" >&3

# report KIND ARGS...: one perf report, each line a "prof" line.
report() {
	local kind=$1

	shift
	$PERF report -i /tmp/perf.data --stdio -g none "$@" 2>/dev/null |
		grep '%' | sed "s/^/prof host=$METHER_ID kind=$kind /" >&3
}
report tasks --no-children --sort comm
report self --no-children --sort sym --percent-limit 0.5
report children --children --sort sym --percent-limit 2
awk 'NR == FNR { was[$1] = $2; next }
     $2 != was[$1] && $2 ~ /^[0-9]+$/ {
	print "prof host='$METHER_ID' kind=stats", $1, $2 - was[$1] }' \
	/tmp/before /tmp/after >&3
check "profile: perf report read the samples" \
	[ "$($PERF report -i /tmp/perf.data --stdio 2>/dev/null | grep -c '%')" -gt 10 ]
barrier profile-done || not_ok "profile: barrier done"
check "profile: host down" metherctl down
check "profile: mether.ko unloads" rmmod mether
