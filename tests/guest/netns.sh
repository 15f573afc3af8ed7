# One Mether host per network namespace: /dev/mether serves the opener's
# namespace, so hosts in different namespaces have different spaces.
. /mether/tests/lib.sh
plan $((METHER_ID == 0 ? 6 : 0))
[ "$METHER_ID" = 0 ] || exit 0

# count N: both participants of the final protocol count to N on pages 4
# and 5; it fails when those pages do not start at zero.
count() {
	echo "mether-count -p final -n $1 -b 4 -i 0 >/tmp/n0 2>&1 & a=\$!
	mether-count -p final -n $1 -b 4 -i 1 >/tmp/n1 2>&1; b=\$?
	wait \$a && [ \$b = 0 ]"
}

check "netns: mether.ko loads" insmod $MODULE space_pages=32
check "netns: a new namespace gets a host of its own" \
	unshare -n sh -c 'metherctl status | grep -q "pages: *32$"'
check "netns: count to 256 here" sh -c "$(count 256)"
check "netns: a new namespace starts from fresh pages" \
	unshare -n sh -c "$(count 512)"
# They fail as mether-count does on a page that is not fresh.
check "netns: pages used here are not fresh" \
	refused "an increment was skipped" \
	sh -c "{ $(count 512); }; r=\$?; cat /tmp/n0 /tmp/n1; exit \$r"
check "netns: mether.ko unloads" rmmod mether
