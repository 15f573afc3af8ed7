# What /init does after a script that its timeout cut off (clean_up in
# lib.sh): the hosts it left up in network namespaces, its processes
# waiting in faults with /dev/mether open, and the loaded module all go,
# so that the next script starts clean. (One script cut off in CI once
# failed the eleven after it: they could not load the module.)
. /mether/tests/lib.sh
plan $((METHER_ID == LAST_GUEST ? 10 : 0))
[ "$METHER_ID" = $LAST_GUEST ] || exit 0

HOST_CLUSTER=23
HOST_PORT=7794

check "cleanup: mether.ko loads" insmod $MODULE
check "cleanup: two hosts on a bridge" bridge_hosts 2
check "cleanup: host 1 up" host_up 1 --create
check "cleanup: host 2 up" host_up 2
# Each counter waits for a partner that never takes a turn: host 1's
# for an odd count, host 2's (on another page) for its first value.
in_host 1 mether-count -p final -n 1000000 -i 1 -b 4 >/dev/null 2>&1 &
in_host 2 mether-count -p final -n 1000000 -i 1 -b 6 >/dev/null 2>&1 &
sleep 600 </dev/mether &
sleep 2
check "cleanup: the module is in use" [ -n "$(pidof mether-count)" -a \
	"$(cat /sys/module/mether/refcnt)" -gt 0 ]
# Not through check: clean_up spares this shell by its $$, which a
# subshell shares.
if clean_up >/tmp/killed; then
	ok "cleanup: clean_up unloads it"
else
	not_ok "cleanup: clean_up unloads it: the module stayed loaded"
fi
diag "killed: $(tr '\n' ' ' </tmp/killed)"
check "cleanup: it killed both counters" \
	[ "$(grep -c '^mether-count$' /tmp/killed)" = 2 ]
check "cleanup: no counter and no namespace is left" \
	[ -z "$(pidof mether-count)$(ls /run/netns)" ]
check "cleanup: the next script loads the module and comes up" \
	sh -c "insmod $MODULE && metherctl up --key-file $CLUSTER_KEY \
		--id 1 --cluster $HOST_CLUSTER --port $HOST_PORT \
		--broadcast 10.77.0.255 --pages 16"
check "cleanup: and unloads it" sh -c 'metherctl down && rmmod mether'
