# Every guest sees every other guest on the test segment, with mether.ko
# loaded on each.
. /mether/tests/lib.sh
plan $((METHER_GUESTS + 1))

check "segment: mether.ko loads" insmod $MODULE
i=0
while [ $i -lt "$METHER_GUESTS" ]; do
	if [ $i != "$METHER_ID" ]; then
		check "segment: reaches guest $i" wait_for 10.77.0.$((i + 1))
	fi
	i=$((i + 1))
done
check "segment: mether.ko unloads" rmmod mether
