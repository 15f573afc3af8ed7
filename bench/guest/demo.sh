# The demo, in each guest: load Mether, show what it offers, and count to
# 1024 between two processes with the paper's final protocol.
. /mether/tests/lib.sh

check "demo: mether.ko loads" insmod $MODULE
diag "host $METHER_ID: $(uname -r), $METHER_IP on the test segment"
diag "$(ls -l /dev/mether)"
diag "$(metherctl status)"
mether-count -p final -i 0 >/tmp/c0 &
mether-count -p final -i 1 >/tmp/c1
wait
check "demo: two processes count to 1024 (final protocol)" \
	sh -c "grep -q ok=yes /tmp/c0 && grep -q ok=yes /tmp/c1"
diag "$(cat /tmp/c0 /tmp/c1)"
peer=10.77.0.$(((METHER_ID + 1) % METHER_GUESTS + 1))
check "demo: reaches the other host ($peer)" wait_for $peer
