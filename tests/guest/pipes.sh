# libmether pipes (userspace/lib/mether_pipe.c): messages of every size,
# and csend/crecv of more than a MiB, echoed back and checked byte for
# byte; first between two processes on one host, then between the hosts.
. /mether/tests/lib.sh
plan $((METHER_ID == 0 ? 31 : 6))

run_pipe_test() { # run_pipe_test PREFIX ARGS...: report each line
	local prefix=$1 status
	shift
	timeout 600 mether-pipe-test "$@" >/tmp/p 2>&1
	status=$?
	relay "${prefix% }" /tmp/p
	check "${prefix}mether-pipe-test exits 0" [ $status = 0 ]
}

check "pipes: mether.ko loads" insmod $MODULE
[ "$METHER_ID" = 0 ] && run_pipe_test "pipes: one host: " -l
create=
[ "$METHER_ID" = 0 ] && create=--create
check "pipes: up" metherctl up --key-file $CLUSTER_KEY --id $((METHER_ID + 1)) --cluster 13 \
	--port 7781 --broadcast 10.77.0.255 --pages 64 $create
barrier pipes-up || not_ok "pipes: barrier pipes-up"
if [ "$METHER_ID" = 0 ]; then
	run_pipe_test "pipes: two hosts: " -e 0
else
	run_pipe_test "pipes: two hosts, echo end: " -e 1
fi
barrier pipes-jacobi || not_ok "pipes: barrier pipes-jacobi"
# The application on csend/crecv: each host's strip of a Jacobi solve
# must match a one-process solve bit for bit.
check "pipes: mether-jacobi on two hosts matches one process" sh -c \
	"timeout 600 mether-jacobi -n 2 -i $METHER_ID -r 300 -t 10 -b 50 -s |
	 tee /dev/stderr | grep -q same=yes"
barrier pipes-done || not_ok "pipes: barrier pipes-done"
diag "$(metherctl stats)"
check "pipes: down" metherctl down
check "pipes: mether.ko unloads" rmmod mether
