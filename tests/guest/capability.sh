# Named segments and capabilities: guest 0 names a segment and mints its
# capabilities; an unprivileged process on either guest can open the
# segment with them, and only as far as they grant. Guest 1 checks guest
# 0's tokens with its own copy of the key; with another key they fail.
# Last, guest 0's tools refuse to overwrite the directory in page 0, and
# once it is wiped on purpose and made again, old capabilities open
# nothing (issue 13, point 8).
. /mether/tests/lib.sh
plan $((METHER_ID == 0 ? 73 : 16))

KEY=000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f
OTHER_KEY=ff0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f
seg_test() { timeout 120 mether-segment-test "$@"; }

check "capability: mether.ko loads" insmod $MODULE
# Members of no group at all reach the device: the kernel, not the file
# mode, keeps them to their segments.
chmod 0666 /dev/mether
check "capability: no grant without a key" sh -c \
	'metherctl segment init &&
	 metherctl segment create early 1 2>&1 | grep -q "set a key first"'
check "capability: the key is set from standard input" sh -c \
	"echo $KEY | metherctl key"
check "capability: a short key is refused" refused "a key is 64 hex digits" \
	sh -c "echo 0011 | metherctl key"
# The create refused for want of a key added nothing: its retry works.
check "capability: ... and the create refused without it added no name" \
	metherctl segment create early 1
create=
keyed=
if [ "$METHER_ID" = 0 ]; then
	create=--create
	# Guest 0 comes up under the key of its UP, whatever key another
	# caller set before: guest 1, which has only $KEY, hears it and
	# takes its capabilities only if it seals with that key.
	echo $KEY >/tmp/key
	chmod 600 /tmp/key
	keyed="--key-file /tmp/key"
	# A file opened now keeps the space the host has now (the UP below
	# makes a new one): the key the UP brings must become that space's
	# only key too, so a key changed after a compromise is gone for the
	# files opened before it as well.
	check "capability: a capability minted under the first key" sh -c \
		'metherctl segment grant early r >/tmp/early-under-key'
	check "capability: another key is set while the host is down" \
		sh -c "echo $OTHER_KEY | metherctl key"
	rm -f /tmp/go
	mether-poke grant-later early /tmp/go >/tmp/early-later 2>&1 &
	grantor=$!
	n=0
	until grep -q opened /tmp/early-later || [ $n -ge 100 ]; do
		sleep 0.1
		n=$((n + 1))
	done
	check "capability: ... with a file of the old space open" \
		grep -q opened /tmp/early-later
fi
check "capability: up" metherctl up --id $((METHER_ID + 1)) --cluster 17 \
	--port 7783 --broadcast 10.77.0.255 --pages 64 $create $keyed
if [ "$METHER_ID" = 0 ]; then
	touch /tmp/go
	wait $grantor
	check "capability: the old space's file mints under the UP's key alone" \
		[ "$(tail -1 /tmp/early-later)" = "$(cat /tmp/early-under-key)" ]
	diag "$(cat /tmp/early-under-key /tmp/early-later)"
fi
barrier cap-up || not_ok "capability: barrier cap-up"

if [ "$METHER_ID" = 0 ]; then
	check "capability: a fresh space has no directory, and says so" sh -c \
		'! metherctl segment create results 3 2>/tmp/err &&
		 grep -q "no segment directory" /tmp/err'
	check "capability: segment init makes one" metherctl segment init
	check "capability: segment create" sh -c \
		'metherctl segment create results 3 >/tmp/rw'
	check "capability: a name is taken once" refused "File exists" \
		metherctl segment create results 1
	check "capability: read-only grant" sh -c \
		'metherctl segment grant results r >/tmp/r'
	# A capability is a MAC under the current key: the same one
	# minted again shows the key unchanged.
	echo $OTHER_KEY >/tmp/other.key
	chmod 600 /tmp/other.key
	check "capability: up --key-file on a host that is up is refused" \
		refused "Device or resource busy" metherctl up \
		--key-file /tmp/other.key --id 1 --cluster 17 --port 7783 \
		--broadcast 10.77.0.255 --pages 64
	check "capability: ... and the host keeps its key" sh -c \
		'[ "$(metherctl segment grant results r)" = "$(cat /tmp/r)" ]'
	check "capability: get past the end of the space is refused" \
		refused "page 64 is beyond the space (64 pages)" metherctl get 64
	check "capability: ... and put" \
		refused "page 64 is beyond the space (64 pages)" metherctl put 64 1
	check "capability: a two-page segment for a pipe" sh -c \
		'metherctl segment create chat 2 >/tmp/chat'
	# mether_pipe_pages(4): two control pages and two rings of 4.
	check "capability: a ten-page segment for a window pipe" sh -c \
		'metherctl segment create chatw 10 >/tmp/chatw'
	check "capability: ... a read-only capability of it" sh -c \
		'metherctl segment grant chatw r >/tmp/chatw-r'
	check "capability: ... which opens no window pipe" \
		refused "pipe: Permission denied" timeout 120 \
		mether-segment-test pipe chatw "$(cat /tmp/chatw-r)" 0 4
	publish rw </tmp/rw
	publish r </tmp/r
	publish chat </tmp/chat
	publish chatw </tmp/chatw
	seg_test check results "$(cat /tmp/rw)" "$(cat /tmp/r)" >/tmp/out 2>&1
	status=$?
	relay "capability: one host:" /tmp/out
	check "capability: mether-segment-test check exits 0" [ $status = 0 ]
fi
barrier cap-granted || not_ok "capability: barrier cap-granted"

if [ "$METHER_ID" = 1 ]; then
	fetch 0 rw >/tmp/rw
	fetch 0 r >/tmp/r
	check "capability: the capabilities came over" \
		grep -qx 'rw-[0-9a-f]\{16\}-[0-9a-f]\{32\}' /tmp/rw
	check "capability: ... the read-only one too" \
		grep -qx 'r-[0-9a-f]\{16\}-[0-9a-f]\{32\}' /tmp/r
	check "capability: another host opens the segment by name and writes" \
		seg_test write results "$(cat /tmp/rw)" 4711
	# The capability opens the segment; the kernel, not libmether,
	# refuses the writeable mapping that write then asks for.
	check "capability: a read-only capability cannot write" \
		refused "results: read-only: the kernel refuses a writeable mapping: Permission denied" \
		seg_test write results "$(cat /tmp/r)" 1
fi
barrier cap-written || not_ok "capability: barrier cap-written"

if [ "$METHER_ID" = 0 ]; then
	check "capability: ... and the writer's host reads it back" sh -c \
		"[ \"\$(timeout 120 mether-segment-test read results $(cat /tmp/r))\" = 4711 ]"
fi
barrier cap-read || not_ok "capability: barrier cap-read"

# pipe_by_name WHAT SEGMENT [WINDOW]: a pipe opened by the name host 0
# published, as nobody, between the hosts: host 0 greets, host 1 answers
# with the greeting reversed.
pipe_by_name() {
	local what=$1 name=$2 window=${3:-}

	[ "$METHER_ID" = 1 ] && fetch 0 $name >/tmp/$name
	if [ "$METHER_ID" = 0 ]; then
		check "capability: $what by name: the answer comes back" sh -c \
			"[ \"\$(timeout 120 mether-segment-test pipe $name $(cat /tmp/$name) 0 $window)\" = 'epip deman a hguorht olleh' ]"
	else
		check "capability: $what by name: the other end answers" \
			timeout 120 mether-segment-test pipe $name \
			"$(cat /tmp/$name)" 1 $window
	fi
	barrier "cap-piped-$name" || not_ok "capability: barrier piped $name"
}
pipe_by_name "a pipe" chat
# The same with a window of 4 pages in flight each way.
pipe_by_name "a window pipe" chatw 4

if [ "$METHER_ID" = 1 ]; then
	check "capability: during a key rotation the old token still works" \
		sh -c "echo $OTHER_KEY | metherctl key &&
		       mether-segment-test read results $(cat /tmp/rw)"
	check "capability: once the old key is dropped, it is refused" sh -c \
		"metherctl key --drop-old &&
		 ! mether-segment-test read results $(cat /tmp/rw) 2>/tmp/err &&
		 grep -q 'Permission denied' /tmp/err"
fi
barrier cap-done || not_ok "capability: barrier cap-done"

# Page 0 is written only when asked for by name.
if [ "$METHER_ID" = 0 ]; then
	directory_kept() {
		[ "$(metherctl segment grant results r)" = "$(cat /tmp/r)" ]
	}
	check "capability: put refuses page 0, the directory" \
		refused "segment directory" metherctl put 0 7
	for junk in ' 0' -0 0x '' 0junk; do
		check "capability: put refuses the page '$junk'" \
			refused "bad page" metherctl put "$junk" 7
	done
	check "capability: mether-count's defaults leave page 0 alone" \
		timeout 60 mether-count -p final -n 1 -i 0
	check "capability: mether-count -b 0 is refused" \
		refused "segment directory" \
		timeout 60 mether-count -p final -n 1 -i 0 -b 0
	check "capability: mether-count -b junk is refused" \
		refused "bad page" timeout 60 mether-count -p final -n 1 -i 0 -b 0junk
	check "capability: the directory is still there" directory_kept
	# Guest 1 dropped the old key; guest 0 follows, to reach its pages.
	check "capability: guest 0 takes the new key too" sh -c \
		"echo $OTHER_KEY | metherctl key && metherctl key --drop-old"

	# Wiped on purpose, and made again: its old names get the same pages.
	check "capability: put --directory 0 0 wipes it on purpose" \
		metherctl put --directory 0 0
	check "capability: the lost directory is reported to create" \
		refused "no segment directory" metherctl segment create other 1
	check "capability: ... and to grant" \
		refused "no segment directory" metherctl segment grant results r
	check "capability: an old capability opens nothing meanwhile" \
		refused "No data" mether-segment-test read results "$(cat /tmp/rw)"
	check "capability: segment init makes a new directory" \
		metherctl segment init
	check "capability: ... and will not replace it unasked" \
		refused "a directory is there" metherctl segment init
	check "capability: the new directory names results again" sh -c \
		'metherctl segment create results 3 >/tmp/rw2'
	check "capability: ... on the old pages (4711 is still in them)" sh -c \
		"[ \"\$(timeout 120 mether-segment-test read results $(cat /tmp/rw2))\" = 4711 ]"
	check "capability: ... under a new generation" sh -c \
		'[ "$(cut -d- -f2 /tmp/rw)" != "$(cut -d- -f2 /tmp/rw2)" ]'
	check "capability: the kernel refuses the old capability (ESTALE)" \
		refused "Stale" mether-segment-test read results "$(cat /tmp/rw)"
	check "capability: ... and its token under the new generation" \
		refused "Permission denied" mether-segment-test read results \
		"rw-$(cut -d- -f2 /tmp/rw2)-$(cut -d- -f3 /tmp/rw)"
fi
barrier cap-wiped || not_ok "capability: barrier cap-wiped"
check "capability: down" metherctl down
check "capability: mether.ko unloads" rmmod mether
