# KUnit: the suites carried by mether.ko run when it loads. Their KTAP is
# taken from the kernel log and sent to the host, which parses it with the
# kernel's kunit.py (insmod succeeds even when cases fail).
. /mether/tests/lib.sh
[ "$METHER_ID" = 0 ] || exit 0

dmesg -c >/dev/null
if ! insmod $MODULE; then
	not_ok "kunit: insmod mether.ko failed"
	exit 1
fi
echo mether-ktap-begin >&3
dmesg >&3
echo mether-ktap-end >&3
check "kunit: rmmod after the suites ran" rmmod mether
