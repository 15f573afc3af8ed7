# The demo, in each guest: load Mether and show it; count to 1024 between
# two processes with the paper's final protocol; then join both hosts to
# one cluster and count to 1024 between them, and show the traffic.
. /mether/tests/lib.sh
plan 6

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

create=
[ "$METHER_ID" = 0 ] && create=--create
check "demo: host joins the cluster" metherctl up --key-file $CLUSTER_KEY --id $((METHER_ID + 1)) \
	--cluster 1 --port 7700 --broadcast 10.77.0.255 --pages 64 $create
barrier demo-up || not_ok "demo: the other host did not come up"
check "demo: the two hosts count to 1024 (final protocol)" \
	sh -c "mether-count -p final -i $METHER_ID -b 20 >/tmp/h"
diag "$(cat /tmp/h)"
barrier demo-counted || not_ok "demo: the other host did not finish"
diag "$(metherctl stats)"
check "demo: host leaves the cluster" metherctl down
check "demo: mether.ko unloads" rmmod mether
