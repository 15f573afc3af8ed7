#!/bin/bash
# Unpack Debian's stock kernel (linux-image-amd64) into the cache, without
# installing it on the host, and list the modules a guest needs.
# Prints the cache directory on stdout; it holds:
#   vmlinuz, kdir (the matching linux-headers tree), modules.list
#   (modules to insmod in order, relative to root/), root/ (the package).
set -euo pipefail
. "$(dirname "$0")/common.sh"

# Modules the guests insmod before the tests: the NIC and what Mether's
# in-kernel server will need.
GUEST_MODULES=(virtio_pci virtio_net)

pkg=$(apt-cache depends linux-image-amd64 |
	awk '/Depends: linux-image-[0-9]/ { print $2; exit }')
[ -n "$pkg" ] || die "cannot resolve linux-image-amd64 (run apt-get update)"
kver=${pkg#linux-image-}
pkgver=$(apt-cache show "$pkg" | awk '/^Version:/ { print $2; exit }')
dir=$METHER_CACHE/stock-$kver-$pkgver

if [ -f "$dir/.mether-ready" ]; then
	echo "$dir"
	exit 0
fi

ensure_pkgs "linux-headers-$kver"
mkdir -p "$METHER_CACHE"
rm -rf "$dir.tmp"
mkdir -p "$dir.tmp"
msg "stock kernel: downloading $pkg $pkgver"
(cd "$dir.tmp" && apt-get download -q "$pkg=$pkgver" >download.log 2>&1) ||
	{ cat "$dir.tmp/download.log" >&2; die "apt-get download $pkg failed"; }
dpkg-deb -x "$dir.tmp"/*.deb "$dir.tmp/root"
rm -f "$dir.tmp"/*.deb
depmod -b "$dir.tmp/root" "$kver"

for m in "${GUEST_MODULES[@]}"; do
	modprobe -d "$dir.tmp/root" -S "$kver" --show-depends "$m"
done | awk '$1 == "insmod" { print $2 }' |
	sed "s|^$dir.tmp/root/||" | awk '!seen[$0]++' >"$dir.tmp/modules.list"

ln -s "root/boot/vmlinuz-$kver" "$dir.tmp/vmlinuz"
ln -s "/usr/src/linux-headers-$kver" "$dir.tmp/kdir"
touch "$dir.tmp/.mether-ready"
mv "$dir.tmp" "$dir"
echo "$dir"
