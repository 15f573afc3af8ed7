# One Mether host per network namespace: /dev/mether serves the opener's
# namespace, so hosts in different namespaces have different spaces.
. /mether/tests/lib.sh
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
check "netns: pages used here are not fresh" sh -c "! { $(count 512); }"
check "netns: mether.ko unloads" rmmod mether
