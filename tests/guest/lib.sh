# Helpers for guest test scripts (sourced). A test reports each check on
# the result channel (fd 3, the guest's second serial port) as
#   ok NAME            or   not ok NAME: WHY
# and the host counts them.

MODULE=/mether/mether.ko
# The build with the KUnit suites (run-guests --kunit-module), which run
# at every load: kunit.sh loads it, the others the one without.
KUNIT_MODULE=/mether/mether-kunit.ko
[ -f $KUNIT_MODULE ] || KUNIT_MODULE=$MODULE

# The key every test cluster is sealed with (metherctl up --key-file);
# host-side scripts read the same file (tests/guest/cluster.key).
CLUSTER_KEY=/mether/tests/cluster.key

# The guest where a script that needs one guest and nothing of the host
# runs (cleanup.sh, fuzz.sh, late.sh): the last, so that it runs beside
# guest 0's lone scripts (the two-guest run's order is in tests/check.sh).
LAST_GUEST=$((${METHER_GUESTS:-1} - 1))

ok() { echo "ok $*" >&3; }
not_ok() { echo "not ok $*" >&3; }
diag() { echo "$*" | sed 's/^/# /' >&3; }

# plan N: this script reports N checks on this guest, as a TAP plan
# does. The runner fails a script that reports another number, or
# declares none: a script that stops early cannot lose checks silently.
# Call it once, at the top, on every guest, before any early exit (a
# guest with nothing to do plans 0): plan $((METHER_ID == 0 ? 9 : 0))
plan() { echo "# plan $1" >&3; }

# relay PREFIX FILE: a program's results in FILE as checks named "PREFIX
# NAME". The test programs print kselftest's TAP (test_report.h): their
# numbers, header and totals are dropped (the runner numbers a script's
# checks), and when the program printed TAP, a plan missing or unequal
# to its results (it died part way) is a failed check. Other lines, and
# any file's that is not TAP, are diagnostics.
relay() {
	awk -v prefix="$1" '
		/^TAP version / { tap = 1; next }
		/^1[.][.][0-9]+$/ { plan = substr($0, 4); next }
		/^# Totals: / { next }
		/^(not )?ok / {
			results++
			failed = sub(/^not ok /, "")
			if (!failed)
				sub(/^ok /, "")
			if (tap)
				sub(/^[0-9]+ /, "")
			print (failed ? "not ok " : "ok ") prefix " " $0
			next
		}
		{ print "# " $0 }
		END {
			if (tap && (plan == "" || plan + 0 != results))
				printf "not ok %s the program printed %d results, its plan %s\n",
					prefix, results,
					plan == "" ? "is missing" : "says " plan
		}' "$2" >&3
}

# check NAME CMD...: run CMD, report NAME by its exit status, and show its
# output on failure.
check() {
	local name=$1 out
	shift
	if out=$("$@" 2>&1); then
		ok "$name"
	else
		not_ok "$name: '$*' failed"
		diag "$out"
	fi
}

# refused TEXT CMD...: CMD fails, and says TEXT. (Unlike sh -c "! CMD",
# it runs a shell function too, and a wrong failure does not pass.)
refused() {
	local text=$1 out
	shift
	if out=$("$@" 2>&1); then
		echo "it succeeded: $out"
		return 1
	fi
	echo "$out" | grep -q "$text" && return 0
	echo "it failed, but did not say '$text': $out"
	return 1
}

# wait_for PEER_IP: wait until a peer guest answers on the segment.
wait_for() {
	local i
	for i in $(seq 1 60); do
		ping -c 1 -W 1 "$1" >/dev/null 2>&1 && return 0
	done
	return 1
}

# barrier NAME: wait until every guest has reached NAME. Each guest serves
# the barriers it has reached over HTTP (busybox httpd, started by init);
# a guest that passes the last one lingers so its peers can see it too.
BARRIER_DIR=/tmp/barrier
BARRIER_PORT=8077
# (busybox-static's wget crashes in Debian 12, so speak HTTP through nc.)
barrier_seen() {
	printf 'GET /%s HTTP/1.0\r\n\r\n' "$2" |
		nc -w 2 "$1" $BARRIER_PORT 2>/dev/null | head -n 1 | grep -q ' 200 '
}
# host_served PORT NAME: has the host script that serves on PORT (one
# port per script: HTTP_PORTS in tests/host/guests.py) served NAME?
host_served() {
	printf 'GET /%s HTTP/1.0\r\n\r\n' "$2" |
		nc -w 2 10.77.0.254 "$1" 2>/dev/null | head -n 1 | grep -q ' 200 '
}
# Guests listed in BARRIER_SKIP (a test that kills one) are not waited for.
barrier() {
	local name=$1 i=0 tries
	mkdir -p $BARRIER_DIR
	touch "$BARRIER_DIR/$name"
	while [ $i -lt "$METHER_GUESTS" ]; do
		tries=0
		while [ $i != "$METHER_ID" ] &&
		      ! echo " $BARRIER_SKIP " | grep -q " $i " &&
		      ! barrier_seen "10.77.0.$((i + 1))" "$name"; do
			tries=$((tries + 1))
			[ $tries -lt "${BARRIER_TRIES:-300}" ] || return 1
			sleep 1
		done
		i=$((i + 1))
	done
}

# publish NAME: serve the standard input to the other guests as NAME,
# beside the barriers; fetch PEER_INDEX NAME prints what that guest
# published (nothing if it has not yet). The name appears only once the
# whole input is written: a reader polling for it never sees half of it.
publish() {
	mkdir -p $BARRIER_DIR
	cat >"$BARRIER_DIR/.$1" && mv "$BARRIER_DIR/.$1" "$BARRIER_DIR/$1"
}
fetch() {
	printf 'GET /%s HTTP/1.0\r\n\r\n' "$2" |
		nc -w 2 "10.77.0.$(($1 + 1))" $BARRIER_PORT 2>/dev/null |
		awk 'NR == 1 { if ($2 != "200") exit; next }
		     body { print; next }
		     /^\r*$/ { body = 1 }'
}

# Several hosts in one guest: bridge_hosts N makes network namespaces
# h1..hN, each with an eth0 (10.88.0.I/24) on a veth pair to bridge br0;
# in_host I CMD... runs CMD in host I. iproute2's ip is needed (copied in
# with the runner's --host-bin): busybox's ip has no netns or veth.
IP=/sbin/ip
bridge_hosts() {
	local i ns
	mkdir -p /run /var/run
	# An earlier script's hosts go first: each script starts afresh.
	$IP link del br0 2>/dev/null
	for ns in $($IP netns list | awk '/^h[0-9]/ { print $1 }'); do
		$IP netns del "$ns"
	done
	$IP link add br0 type bridge && $IP link set br0 up || return 1
	for i in $(seq 1 "$1"); do
		$IP netns add h$i &&
		$IP link add v$i type veth peer name eth0 netns h$i &&
		$IP link set v$i master br0 up &&
		in_host $i $IP link set lo up &&
		in_host $i $IP addr add 10.88.0.$i/24 dev eth0 &&
		in_host $i $IP link set eth0 up || return 1
	done
}

in_host() {
	local i=$1
	shift
	in_netns h$i "$@"
}

# count_in_hosts PROTOCOL N BASE: hosts 1 and 2 count to N together with
# PROTOCOL on pages from BASE (their output in /tmp/c1 and /tmp/c2);
# fails unless both finish.
count_in_hosts() {
	local first
	in_host 1 mether-count -p "$1" -n "$2" -i 0 -b "$3" >/tmp/c1 2>&1 &
	first=$!
	in_host 2 mether-count -p "$1" -n "$2" -i 1 -b "$3" >/tmp/c2 2>&1 ||
		{ wait $first; return 1; }
	wait $first
}

# in_netns NAME CMD...: run CMD in network namespace NAME. Only the
# network namespace: "ip netns exec" also makes a mount namespace and
# remounts /sys, about half a second a call on the debug kernel, and
# the tests read /proc/net and /dev/mether, never /sys/class/net.
in_netns() {
	local name=$1
	shift
	nsenter --net=/run/netns/$name "$@"
}

# host_up I [ARGS...]: bring host I of bridge_hosts up on its eth0 with
# 16 pages, sealed with the test key, in the script's HOST_CLUSTER on
# HOST_PORT. A caller may set HOST_TO (default "--broadcast
# 10.88.0.255": where pages go) and HOST_DEV (default eth0), local to
# itself.
host_up() {
	local i=$1
	shift
	# shellcheck disable=SC2086 # HOST_TO is an option and its value
	in_host $i metherctl up --key-file $CLUSTER_KEY --id $i \
		--cluster $HOST_CLUSTER --port $HOST_PORT \
		${HOST_TO:---broadcast 10.88.0.255} --dev ${HOST_DEV:-eth0} \
		--pages 16 "$@"
}

# host_stat I NAME: statistic NAME of host I (metherctl stats).
host_stat() {
	in_host $1 metherctl stats --machine | sed -n "s/^$2 //p"
}

# peer_state HOST [I]: the state (alive, silent, reclaimed) in which this
# namespace's host, or host I of bridge_hosts, sees HOST (metherctl hosts).
peer_state() {
	if [ -n "${2:-}" ]; then
		in_host $2 metherctl hosts --machine
	else
		metherctl hosts --machine
	fi | awk -v h="$1" '$1 == h { print $2 }'
}

# wg_up: a WireGuard tunnel between the two guests (wg0, 10.78.0.ID+1),
# the authenticated path a user could take instead of a sealed Mether
# cluster; the benchmarks pass their UDP ping-pong through it. Needs the
# stock kernel's wireguard module, iproute2's ip and wireguard-tools'
# wg (the runner's --host-bin). Each guest makes a key and publishes its
# public half beside the barriers.
WG=/usr/bin/wg
wg_up() {
	local peer=$((1 - METHER_ID)) pub
	(umask 077 && $WG genkey >/tmp/wg.key) &&
		$WG pubkey </tmp/wg.key | publish wg-pub || return 1
	barrier wg-keys || return 1
	pub=$(fetch $peer wg-pub)
	[ -n "$pub" ] &&
	$IP link add wg0 type wireguard &&
	$WG set wg0 listen-port 51820 private-key /tmp/wg.key peer "$pub" \
		allowed-ips 10.78.0.$((peer + 1))/32 \
		endpoint 10.77.0.$((peer + 1)):51820 &&
	$IP addr add 10.78.0.$((METHER_ID + 1))/24 dev wg0 &&
	$IP link set wg0 up
}

# ancestors: this shell's PID and those of the processes above it.
ancestors() {
	local pid=$$
	while [ "$pid" -gt 1 ] 2>/dev/null; do
		echo $pid
		pid=$(awk '{ print $4 }' /proc/$pid/stat 2>/dev/null)
	done
	echo 1
}

# clean_up: remove what a script cut off by its timeout left behind, so
# the next script starts clean rather than failing in a cascade: every
# process but this shell, its ancestors, httpd (the barriers) and kernel
# threads, which may hold /dev/mether open or wait in a fault; every host
# it brought up in a network namespace (metherctl down at the top
# touches only the first namespace's); then the module,
# which unloads once the killed processes have exited. Prints the names
# of the processes it killed; fails if the module stays loaded. Call it
# in the shell itself, not in $(...): a subshell has its parent's $$.
clean_up() {
	local keep pid ns tries=50
	keep=" $(ancestors | tr '\n' ' ') $(pidof httpd) "
	for pid in /proc/[0-9]*; do
		pid=${pid#/proc/}
		case "$keep" in *" $pid "*) continue ;; esac
		# A kernel thread has no program (and /proc's sizes are 0).
		[ -e /proc/$pid/exe ] || continue
		cat /proc/$pid/comm 2>/dev/null
		kill -9 $pid 2>/dev/null
	done
	for ns in $(ls /run/netns 2>/dev/null); do
		in_netns $ns metherctl down >/dev/null 2>&1
		$IP netns del $ns 2>/dev/null
	done
	$IP link del br0 2>/dev/null
	$IP link del brb 2>/dev/null	# routed.sh's second segment
	while [ -e /sys/module/mether ]; do
		metherctl down >/dev/null 2>&1
		rmmod mether 2>/dev/null && break
		tries=$((tries - 1))
		[ $tries -gt 0 ] || return 1
		sleep 0.2
	done
}
