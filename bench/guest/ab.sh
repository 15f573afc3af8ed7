# Two builds of mether.ko, one boot (bench/ab.sh): in each of AB_ROUNDS
# rounds (default 4), each build in turn is loaded in both guests and
# runs the final protocol counting to AB_COUNT (default 4096) and a pipe
# stream with a window of 32, of 4 KiB and of 32-byte messages, sealed.
# Taking both in each round puts them in the same phase of the boot, so
# a ratio taken round by round shows a change smaller than the
# machine's drift; the order alternates (a b, b a, ...) because the
# drift goes one way within a boot: with a always first, an A/A run
# (both builds the same) made b 10% slower. Reports "ab" lines.
. /mether/tests/lib.sh

ROUNDS=${AB_ROUNDS:-4}
N=${AB_COUNT:-4096}
plan $((ROUNDS * 2 * 5))
create=
[ "$METHER_ID" = 0 ] && create=--create

# measure ROUND BUILD KIND COMMAND...: run it on both hosts, report it.
measure() {
	local round=$1 build=$2 kind=$3

	shift 3
	barrier "ab-$round-$build-$kind" ||
		not_ok "ab: barrier $round $build $kind"
	if timeout 300 "$@" >/tmp/r 2>&1; then
		ok "ab: round $round, build $build, $kind: $(tail -1 /tmp/r)"
	else
		not_ok "ab: round $round, build $build, $kind"
		diag "$(cat /tmp/r)"
	fi
	echo "ab build=$build round=$round kind=$kind host=$METHER_ID $(tail -1 /tmp/r)" >&3
}

for round in $(seq $ROUNDS); do
	order="a b"
	[ $((round % 2)) = 0 ] && order="b a"
	for build in $order; do
		barrier "ab-$round-$build-load" ||
			not_ok "ab: barrier $round $build load"
		check "ab: round $round, build $build loads and joins" sh -c \
			"insmod /mether/bin/mether-$build.ko &&
			 metherctl up --key-file $CLUSTER_KEY \
				--id $((METHER_ID + 1)) --cluster 4 --port 7740 \
				--broadcast 10.77.0.255 --pages 128 $create"
		measure $round $build final \
			mether-count -p final -n $N -i $METHER_ID -b 10
		measure $round $build pipe4k mether-pipe-bench -e $METHER_ID \
			-s 4096 -c 2000 -w 32 -b 20
		measure $round $build pipe32 mether-pipe-bench -e $METHER_ID \
			-s 32 -c 100000 -w 32 -b 20
		barrier "ab-$round-$build-down" ||
			not_ok "ab: barrier $round $build down"
		check "ab: round $round, build $build leaves and unloads" sh -c \
			"metherctl down && rmmod mether"
	done
done
