# What metherctl does with a module of an older API. A module before API
# 9 has no METHER_IOC_STATUS: mether-poke without-status refuses it
# (ENOTTY) with a seccomp filter, which needs the stock kernel (the debug
# one is built without seccomp). status must still print what INFO
# gives, say that the rest is not reported, and exit 0.
. /mether/tests/lib.sh
plan $((METHER_ID == 0 ? 6 : 0))
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
check "compat: mether.ko unloads" rmmod mether
