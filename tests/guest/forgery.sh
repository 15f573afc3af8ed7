# Forged packets on the segment: while the two hosts count, the host
# side (tests/host/forgery.py, scapy) replays, truncates, bit-flips and
# forges their packets and seals some under a foreign key. Every one must
# be dropped and counted by reason, no page may change, and the count
# must still come out exact. One good packet, sealed with the cluster's
# key by the host script, must be taken: the refusals are not an
# artefact of a wrong seal. Last, while both hosts are idle, the host
# script keeps host 1 proving its epoch to a made-up host: host 2 must
# still hear host 1 (its proofs do not stand for its HELLOs).
. /mether/tests/lib.sh
plan 20

N=3000
HOST=10.77.0.254

# host_says NAME [CMD]: wait, ten minutes at most, for the host script
# to serve NAME (the caller checks that it did), running CMD once a
# second meanwhile.
host_says() {
	local tries=0
	until host_served $BARRIER_PORT "$1"; do
		tries=$((tries + 1))
		[ $tries -lt 600 ] || return 0
		${2:-:}
		sleep 1
	done
}

drops() { # drops: the drop counters as "reason count" lines
	metherctl stats --machine | sed -n 's/^drop_//p'
}

# Answer 20 REQUESTs a second from any one host (the count asks for far
# fewer): the flood's one asker asks faster, even after the socket has
# dropped most of its packets. (CHALLENGEs once shared this bucket: at 5
# a second the count's own requests starved them, and the guests never
# proved each other. They have a bucket of their own now.)
# A fault keeps asking for a minute before SIGBUS, not 5 s: on a loaded
# machine the host's flood lasted 10 s, and while its junk fragments
# fill the guests' reassembly memory an answer can be late for longer
# than the default; the check is that the count comes out exact.
check "forgery: mether.ko loads" insmod $MODULE request_rate=20 \
	request_timeout_ms=60000
create=
[ "$METHER_ID" = 0 ] && create=--create
check "forgery: up" metherctl up --key-file $CLUSTER_KEY \
	--id $((METHER_ID + 1)) --cluster 23 --port 7795 \
	--broadcast 10.77.0.255 --pages 64 $create
check "forgery: status says sealed" sh -c \
	'metherctl status | grep -q "sealing: *on"'
barrier forge-up || not_ok "forgery: barrier forge-up"
drops >/tmp/before

mether-count -p final -n $N -i $METHER_ID -b 20 >/tmp/count 2>&1 &
counter=$!
[ "$METHER_ID" = 0 ] && publish forge-ready </dev/null
host_says forge-done
check "forgery: the host script sent its packets" barrier_seen $HOST forge-done
wait $counter
check "forgery: the count went on to exactly $N" grep -q ok=yes /tmp/count
diag "$(cat /tmp/count)"
drops >/tmp/after

fetch_host() {
	printf 'GET /%s HTTP/1.0\r\n\r\n' "$1" | nc -w 2 $HOST 8077 |
		sed '1,/^\r*$/d'
}
counts=$(fetch_host forge-counts-$METHER_ID)
diag "sent: $counts; drops before and after:"
diag "$(paste /tmp/before /tmp/after)"
for kv in $counts; do
	reason=${kv%=*} want=${kv#*=}
	before=$(sed -n "s/^$reason //p" /tmp/before)
	after=$(sed -n "s/^$reason //p" /tmp/after)
	check "forgery: $want $reason packets dropped as $reason" \
		[ $((after - before)) -ge "$want" ]
done
check "forgery: the forged page is untouched" \
	sh -c '[ "$(metherctl get 50)" = 0 ]'
check "forgery: the one good packet was taken" \
	sh -c "[ \"\$(metherctl get 60)\" = $((0xC0FFEE)) ]"
publish forge-checked </dev/null
barrier forge-done-all || not_ok "forgery: barrier forge-done-all"

# A flood while counting again: memory before and after, and the count.
memory() { # slab and available memory, kB
	awk '/^Slab:/ { s = $2 } /^MemAvailable:/ { a = $2 }
		END { print s, a }' /proc/meminfo
}
drops >/tmp/before
set -- $(memory)
slab_before=$1 avail_before=$2
# The flood starts once guest 0 says so: not before the other guest has
# read its counters (it lasts under a second).
barrier flood-before || not_ok "forgery: barrier flood-before"
mether-count -p final -n 2000 -i $METHER_ID -b 22 >/tmp/count 2>&1 &
counter=$!
[ "$METHER_ID" = 0 ] && publish flood-ready </dev/null
host_says flood-done
check "forgery: the host script flooded" barrier_seen $HOST flood-done
wait $counter
check "forgery: through the flood the count went on to exactly 2000" \
	grep -q ok=yes /tmp/count
diag "$(cat /tmp/count)"
set -- $(memory)
drops >/tmp/after
delta() { # delta REASON: drops of REASON during the flood
	paste /tmp/before /tmp/after | awk -v r="$1" '$1 == r { print $4 - $2 }'
}
refused=$(paste /tmp/before /tmp/after | awk '{ n += $4 - $2 } END { print n }')
diag "flood: $refused packets dropped; slab $slab_before -> $1 kB, available $avail_before -> $2 kB"
# Half the flood is 4 KiB of junk that only the seal can refuse, half
# valid requests over the rate: both kinds must be seen and counted.
bad=$(delta bad_seal)
check "forgery: flood: $bad junk packets were dropped as bad_seal" \
	[ "${bad:-0}" -gt 0 ]
limited=$(delta rate_limited)
check "forgery: flood: $limited requests over the rate were dropped" \
	[ "${limited:-0}" -gt 0 ]
# Nothing the flood makes the module keep may grow with it: slab grows
# by far less than the 40 MB of junk sent (KASAN's quarantine of freed
# objects alone holds some MB).
check "forgery: flood: slab grew $(($1 - slab_before)) kB, under 16 MB" \
	[ $(($1 - slab_before)) -lt 16384 ]
diag "$(paste /tmp/before /tmp/after)"
diag "$(metherctl stats | head -12)"
publish flood-checked </dev/null
barrier flood-done-all || not_ok "forgery: barrier flood-done-all"

# The proofs (tests/host/forgery.py proofs()): idle, each host must hear
# the other all along, looked at once a second while the host script
# keeps host 1 answering (it says HELLO again as soon as that stops).
publish proofs-ready </dev/null
other=$((2 - METHER_ID))
: >/tmp/hosts
note_other() {
	metherctl hosts --machine | grep "^$other " >>/tmp/hosts
}
host_says proofs-done note_other
check "forgery: the host script challenged host 1" barrier_seen $HOST proofs-done
diag "$(cat /tmp/hosts)"
# The longest quiet seen, or 99999 when it was ever silent (or unseen).
quiet=$(awk '$2 != "alive" { silent = 1 } $3 > q { q = $3 }
	END { print (silent || !NR) ? 99999 : q + 0 }' /tmp/hosts)
check "forgery: host $other was heard here all along, quiet at most $quiet ms (the host timeout is 5 s)" \
	[ "$quiet" -lt 5000 ]
publish proofs-checked </dev/null
barrier proofs-done-all || not_ok "forgery: barrier proofs-done-all"
check "forgery: down" metherctl down
check "forgery: mether.ko unloads" rmmod mether
