# What the tools do with a module of an older API. A module before API
# 9 has no METHER_IOC_STATUS: mether-poke without-status refuses it
# (ENOTTY) with a seccomp filter, which needs the stock kernel (the debug
# one is built without seccomp). status must still print what INFO
# gives, say that the rest is not reported, and exit 0. A module before
# API 11 has no METHER_IOC_PURGE_WAIT: mether-count's final protocol
# must fall back to the paper's separate calls and still count right.
. /mether/tests/lib.sh
plan $((METHER_ID == 0 ? 9 : 0))
[ "$METHER_ID" = 0 ] || exit 0

old() {
	mether-poke without-status metherctl "$@"
}

check "compat: mether.ko loads" insmod $MODULE space_pages=16
old status >/tmp/old 2>&1
check "compat: without STATUS, status exits 0" [ $? = 0 ]
check "compat: ... says the configuration is not reported" \
	grep -q "^network: *not reported by this module" /tmp/old
check "compat: ... and still gives the pages" grep -q "^pages: *16$" /tmp/old
diag "$(cat /tmp/old)"
check "compat: without STATUS, --machine gives INFO's names only" \
	[ "$(old status --machine | cut -d' ' -f1 | xargs)" = \
	  "device api_version pages page_size short_size view_shift" ]

# Two processes of this host count, one of them as if on an older module.
timeout 120 mether-count -p final -n 200 -i 0 -b 8 >/tmp/count0 2>&1 &
count0=$!
timeout 120 mether-poke without-purge-wait mether-count -p final -n 200 \
	-i 1 -b 8 >/tmp/count1 2>&1
status1=$?
wait $count0
status0=$?
diag "$(cat /tmp/count0 /tmp/count1)"
check "compat: final, with and without PURGE_WAIT, counts to 200" \
	[ $status0 = 0 -a $status1 = 0 ]
check "compat: ... a turn in one call where the module has it" \
	grep -q "ok=yes.*calls=one" /tmp/count0
check "compat: ... and in the paper's calls where it has not" \
	grep -q "ok=yes.*calls=separate" /tmp/count1
check "compat: mether.ko unloads" rmmod mether
