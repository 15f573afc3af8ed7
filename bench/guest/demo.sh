# The demo, in each guest: load Mether and show what it offers.
. /mether/tests/lib.sh

check "demo: mether.ko loads" insmod $MODULE
diag "host $METHER_ID: $(uname -r), $METHER_IP on the test segment"
diag "$(ls -l /dev/mether)"
diag "$(metherctl status)"
diag "$(grep -w mether /proc/modules)"
peer=10.77.0.$(((METHER_ID + 1) % METHER_GUESTS + 1))
check "demo: reaches the other host ($peer)" wait_for $peer
