# libmether pipes (userspace/lib/mether_pipe.c): a stream of small
# messages one way, messages of every size, and csend/crecv of more than
# a MiB, echoed back and checked byte for byte; first between two
# processes on one host, then between the hosts; the paper's two-page
# pipe, and (between the hosts) a pipe with a window of 4 pages.
# A missing peer ends a call with an error: ETIMEDOUT with no process at
# the other end, EHOSTUNREACH once its host is down (never SIGBUS). A
# pipe opened again starts clean, and an end whose peer opened it again
# gets ECONNRESET.
. /mether/tests/lib.sh
plan $((METHER_ID == 0 ? 114 : 8))

run_pipe_test() { # run_pipe_test PREFIX ARGS...: report each line
	local prefix=$1 status
	shift
	timeout 600 mether-pipe-test "$@" >/tmp/p 2>&1
	status=$?
	relay "${prefix% }" /tmp/p
	check "${prefix}mether-pipe-test exits 0" [ $status = 0 ]
}

check "pipes: mether.ko loads" insmod $MODULE
if [ "$METHER_ID" = 0 ]; then
	run_pipe_test "pipes: one host: " -l
	run_pipe_test "pipes: one host, no peer: " -a -b 56
	run_pipe_test "pipes: one host, window 4, no peer: " -a -w 4 -b 30
	run_pipe_test "pipes: one host, opened again: " -r -b 60
	run_pipe_test "pipes: one host, window 4, opened again: " -r -w 4 -b 10
	# Both neighbours csend before they crecv: a row past what the
	# paper's pipe takes unread (4051 bytes) would wait for ever.
	check "pipes: mether-jacobi refuses edge rows longer than a pipe takes unread" \
		sh -c 'timeout 30 mether-jacobi -n 2 -i 0 -c 507 -w 1 -b 50 -t 1 \
			2>&1 | grep -q "more than a window"'
fi
create=
[ "$METHER_ID" = 0 ] && create=--create
check "pipes: up" metherctl up --key-file $CLUSTER_KEY --id $((METHER_ID + 1)) --cluster 13 \
	--port 7781 --broadcast 10.77.0.255 --pages 64 $create
barrier pipes-up || not_ok "pipes: barrier pipes-up"
if [ "$METHER_ID" = 0 ]; then
	run_pipe_test "pipes: two hosts: " -e 0
	run_pipe_test "pipes: two hosts, window 4: " -e 0 -w 4 -b 20
else
	run_pipe_test "pipes: two hosts, echo end: " -e 1
	run_pipe_test "pipes: two hosts, window 4, echo end: " -e 1 -w 4 -b 20
fi
barrier pipes-jacobi || not_ok "pipes: barrier pipes-jacobi"
# The application on csend/crecv: each host's strip of a Jacobi solve
# must match a one-process solve bit for bit.
check "pipes: mether-jacobi on two hosts matches one process" sh -c \
	"timeout 600 mether-jacobi -n 2 -i $METHER_ID -r 300 -t 10 -b 50 -s |
	 tee /dev/stderr | grep -q same=yes"
barrier pipes-done || not_ok "pipes: barrier pipes-done"
diag "$(metherctl stats)"
# The peer's host goes down holding its page of a pipe.
if [ "$METHER_ID" = 1 ]; then
	check "pipes: the far end sends once and exits" \
		timeout 120 mether-pipe-test -s -e 1 -b 58
	check "pipes: ... and its host goes down" metherctl down
fi
barrier pipes-gone || not_ok "pipes: barrier pipes-gone"
if [ "$METHER_ID" = 0 ]; then
	run_pipe_test "pipes: the far host down: " -g -b 58
	check "pipes: down" metherctl down
fi
check "pipes: mether.ko unloads" rmmod mether
