#!/bin/bash
# Build the debug guest kernel from Debian's linux-source-6.1 and the
# fragment beside this script, once: the tree is cached outside the work
# tree, keyed by the fragment's options and the source package version.
# Prints the tree's path on stdout.
#
# --unpack: only unpack and configure the tree (if it is not built yet)
# and print its path. Its sources and scripts (checkpatch, kunit.py) can
# then be used while the build runs in the background; the tree's path
# does not change when the build ends.
set -euo pipefail
. "$(dirname "$0")/common.sh"

unpack_only=0
case ${1:-} in
--unpack) unpack_only=1 ;;
"") ;;
*) die "usage: $0 [--unpack]" ;;
esac

fragment=$METHER_TOP/tests/vm/debug.config
tarball=/usr/src/linux-source-6.1.tar.xz
[ -f "$tarball" ] || die "$tarball missing (package linux-source-6.1)"

src_version=$(dpkg-query -W -f='${Version}' linux-source-6.1)
# The key covers the options, not the comments beside them.
key=$( (grep -E '^(CONFIG_|# CONFIG_)' "$fragment"; echo "$src_version") |
	sha256sum | cut -c1-16)
tree=$METHER_CACHE/kernel-debug-$key

mkdir -p "$METHER_CACHE"
# One run at a time on the cache: a second waits (its --unpack too)
# rather than unpacking the tree again under a build. make and the
# compilers inherit the lock, so a build cut off holds it until they end.
exec 9>>"$METHER_CACHE/.debug-kernel.lock"
flock 9

if [ -f "$tree/.mether-built" ]; then
	echo "$tree"
	exit 0
fi

# A tree that is not built is unpacked afresh by --unpack (a build cut
# off half-way may have left anything behind), and by a build that
# finds it not unpacked.
if [ "$unpack_only" = 1 ] || [ ! -f "$tree/.mether-unpacked" ]; then
	rm -rf "$tree"
	mkdir -p "$tree"
	msg "debug kernel: unpacking linux-source $src_version"
	tar -xJf "$tarball" -C "$tree" --strip-components=1

	cd "$tree"
	msg "debug kernel: configuring (tinyconfig + tests/vm/debug.config)"
	make -s tinyconfig >/dev/null
	scripts/kconfig/merge_config.sh -m .config "$fragment" >/dev/null 2>&1
	make -s olddefconfig >/dev/null 2>&1

	# merge_config.sh silently drops an option whose dependencies are
	# unmet: insist that every option we asked for made it into the
	# final config.
	bad=0
	while IFS= read -r line; do
		case "$line" in
		CONFIG_*=*) want=$line ;;
		"# CONFIG_"*" is not set") want=$line ;;
		*) continue ;;
		esac
		grep -qxF "$want" .config ||
			{ echo "  not in .config: $want" >&2; bad=1; }
	done <"$fragment"
	[ "$bad" -eq 0 ] ||
		die "debug.config options were dropped (unmet dependencies)"
	touch .mether-unpacked
fi
if [ "$unpack_only" = 1 ]; then
	echo "$tree"
	exit 0
fi

cd "$tree"
jobs=$(($(nproc) + 1))
msg "debug kernel: building with -j$jobs (about 15 minutes on 2 cores; log in $tree/build.log)"
# `modules` runs modpost so that Module.symvers exists for out-of-tree
# builds; without it every module build warns.
start=$SECONDS
make -j"$jobs" bzImage modules modules_prepare >build.log 2>&1 &
pid=$!
while kill -0 $pid 2>/dev/null; do
	sleep 15
	n=$(grep -c '^  CC' build.log || true)
	printf '  ... %4ds, %5d objects compiled\n' $((SECONDS - start)) "$n" >&2
done
wait $pid || { tail -30 build.log >&2; die "debug kernel build failed"; }
msg "debug kernel: built in $((SECONDS - start))s"

echo "$src_version" >.mether-built
# Only the newest tree is kept: each is about 2 GiB.
for old in "$METHER_CACHE"/kernel-debug-*; do
	[ "$old" = "$tree" ] || rm -rf "$old"
done
echo "$tree"
