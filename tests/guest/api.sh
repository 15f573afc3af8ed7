# The user API on one host: views, faults, PURGE, DO_PURGE, locks, and
# bad input (userspace/tests/mether-api-test.c), then a clean unload.
. /mether/tests/lib.sh
plan $((METHER_ID == 0 ? 104 : 0))
[ "$METHER_ID" = 0 ] || exit 0

check "api: mether.ko loads" insmod $MODULE space_pages=64 data_driven_timeout_ms=0
dmesg -c >/dev/null
# Through a file, not a pipe: busybox sh has no pipefail, and a crash or
# a missing program must show.
timeout 300 mether-api-test >/tmp/api 2>&1
status=$?
relay "api:" /tmp/api
check "api: mether-api-test exits 0" [ $status = 0 ]
check "api: bad input left nothing in the kernel log" \
	sh -c '! dmesg | grep -i -e mether -e "call trace"'
check "api: mether.ko unloads" rmmod mether
