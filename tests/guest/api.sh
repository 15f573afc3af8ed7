# The user API on one host: views, faults, PURGE, DO_PURGE, locks, and
# bad input (userspace/tests/mether-api-test.c), then a clean unload.
. /mether/tests/lib.sh
[ "$METHER_ID" = 0 ] || exit 0

check "api: mether.ko loads" insmod $MODULE space_pages=64 data_driven_timeout_ms=0
dmesg -c >/dev/null
mether-api-test 2>&1 | sed -e 's/^ok /ok api: /' -e 's/^not ok /not ok api: /' >&3
check "api: bad input left nothing in the kernel log" \
	sh -c '! dmesg | grep -i -e mether -e "call trace"'
check "api: mether.ko unloads" rmmod mether
