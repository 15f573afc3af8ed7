# KUnit: the suites carried by mether.ko run when it loads. Their KTAP is
# taken from the kernel log and sent to the host, which parses it with the
# kernel's kunit.py (insmod succeeds even when cases fail).
. /mether/tests/lib.sh
plan $((METHER_ID == 0 ? 1 : 0))
[ "$METHER_ID" = 0 ] || exit 0

dmesg -c >/dev/null
if ! insmod $KUNIT_MODULE; then
	not_ok "kunit: insmod mether.ko failed"
	exit 1
fi
# A module's suites print no top-level KTAP header in 6.1: give them one,
# with the number of suites the host counted in the sources as the plan,
# so that a suite that never ran is a missing result, not a silent pass.
echo mether-ktap-begin >&3
echo "KTAP version 1" >&3
echo "1..${METHER_KUNIT_SUITES:-0}" >&3
dmesg | sed 's/^\[[ 0-9.]*\] //' >&3
echo mether-ktap-end >&3
check "kunit: rmmod after the suites ran" rmmod mether
