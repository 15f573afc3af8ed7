#!/bin/bash
# Check the handoff model (handoff.pml) with spin: safety with three
# hosts, progress with one asker, and two mutants that must fail, so
# that a pass means something. Prints "ok NAME" / "not ok NAME" lines.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
cp "$here/handoff.pml" .

# verify NAME CLAIM EXPECT SPIN_FLAGS...: EXPECT is pass or fail.
verify() {
	local name=$1 claim=$2 expect=$3 cflags pflags out errors
	shift 3
	rm -f pan.c pan ./*.trail
	if ! spin "$@" -a handoff.pml >spin.log 2>&1; then
		echo "not ok model: $name: spin -a failed"
		sed 's/^/# /' spin.log
		return
	fi
	if [ "$claim" = progress ]; then
		cflags="" pflags="-a -f"
	else
		cflags="-DSAFETY" pflags=""
	fi
	# shellcheck disable=SC2086
	gcc -O2 -DCOLLAPSE $cflags -w -o pan pan.c || {
		echo "not ok model: $name: pan does not build"
		return
	}
	# shellcheck disable=SC2086
	out=$(./pan $pflags -m2000000 -N "$claim" 2>&1)
	errors=$(echo "$out" | sed -n 's/.*errors: \([0-9]*\).*/\1/p')
	if echo "$out" | grep -q "max search depth too small"; then
		echo "not ok model: $name: search depth too small"
	elif [ "$expect" = pass ] && [ "$errors" = 0 ]; then
		echo "ok model: $name ($(echo "$out" |
			awk '/states, stored/ { print $1 }') states)"
	elif [ "$expect" = fail ] && [ "${errors:-0}" -gt 0 ]; then
		echo "ok model: $name (spin found it)"
	else
		echo "not ok model: $name (errors: ${errors:-none})"
		echo "$out" | sed 's/^/# /' | head -20
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
verify "a host restarts mid-handoff: never two holders" holders pass -DRESTART
verify "mutant without target epochs has two holders after a restart" \
	holders fail -DRESTART -DMUTANT_NO_BIND
