#!/bin/bash
# Check the handoff model (handoff.pml) with spin: safety with three
# hosts, progress with one asker, and three mutants that must fail, so
# that a pass means something. Prints "ok NAME" / "not ok NAME" lines,
# and exits 1 when any is "not ok". PAN_CFLAGS adds flags to pan's
# build (PAN_CFLAGS=-DMEMLIM=8 shows an incomplete search failing).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
cp "$here/handoff.pml" .
failed=0

# verify NAME CLAIM EXPECT SPIN_FLAGS...: EXPECT is pass or fail.
verify() {
	local name=$1 claim=$2 expect=$3 cflags pflags out errors
	shift 3
	rm -f pan.c pan ./*.trail
	if ! spin "$@" -a handoff.pml >spin.log 2>&1; then
		echo "not ok model: $name: spin -a failed"
		sed 's/^/# /' spin.log
		failed=1
		return
	fi
	if [ "$claim" = progress ]; then
		cflags="" pflags="-a -f"
	else
		cflags="-DSAFETY" pflags=""
	fi
	# shellcheck disable=SC2086
	gcc -O2 -DCOLLAPSE $cflags ${PAN_CFLAGS:-} -w -o pan pan.c || {
		echo "not ok model: $name: pan does not build"
		failed=1
		return
	}
	# shellcheck disable=SC2086
	out=$(./pan $pflags -m2000000 -N "$claim" 2>&1)
	errors=$(echo "$out" | sed -n 's/.*errors: \([0-9]*\).*/\1/p')
	if echo "$out" | grep -q "max search depth too small"; then
		echo "not ok model: $name: search depth too small"
		failed=1
	elif [ "$expect" = pass ] && echo "$out" | grep -qiE \
		'out of memory|MEMLIM|search not completed'; then
		# pan still prints "errors: 0" when it ran out of memory: an
		# incomplete search proves nothing.
		echo "not ok model: $name: the search did not complete"
		echo "$out" | sed 's/^/# /' | head -20
		failed=1
	elif [ "$expect" = pass ] && [ "$errors" = 0 ]; then
		echo "ok model: $name ($(echo "$out" |
			awk '/states, stored/ { print $1 }') states)"
	elif [ "$expect" = fail ] && [ "${errors:-0}" -gt 0 ]; then
		echo "ok model: $name (spin found it)"
	else
		echo "not ok model: $name (errors: ${errors:-none})"
		echo "$out" | sed 's/^/# /' | head -20
		failed=1
	fi
}

verify "never two holders, versions only grow, newest never lost" \
	safety pass
verify "progress: an asker gets the copy through loss, duplication, reordering" \
	progress pass -DONLY_ASKER=1
verify "mutant without the version check has two holders" \
	safety fail -DMUTANT
verify "mutant that never resends a handoff makes no progress" \
	progress fail -DONLY_ASKER=1 -DMUTANT_NO_RESEND
verify "mutant whose receiver ACKs a copy it did not take loses the newest" \
	safety fail -DMUTANT_ACK_UNTAKEN
verify "a host restarts mid-handoff: never two holders" holders pass -DRESTART
verify "mutant without target epochs has two holders after a restart" \
	holders fail -DRESTART -DMUTANT_NO_BIND
exit $failed
