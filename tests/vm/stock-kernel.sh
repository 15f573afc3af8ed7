#!/bin/bash
# Unpack Debian's stock kernel (linux-image-amd64) into the cache, without
# installing it on the host, and list the modules a guest needs.
# Prints the cache directory on stdout; it holds:
#   vmlinuz, kdir (the matching linux-headers tree), modules.list
#   (modules to insmod in order, relative to root/), root/ (the package).
set -euo pipefail
. "$(dirname "$0")/common.sh"

# Modules the guests insmod before the tests: the NIC, and the bridge and
# veth pairs the scaling benchmark puts its per-namespace hosts on, the
# AEAD library mether.ko seals packets with, 9p and overlayfs, on which
# the package test installs into the host's Debian userland,
# WireGuard, the sealed baseline of the benchmarks, and VXLAN, the
# overlay of tests/guest/routed.sh.
GUEST_MODULES=(virtio_pci virtio_net bridge veth libchacha20poly1305
	       9pnet_virtio 9p overlay wireguard vxlan)

pkg=$(apt-cache depends linux-image-amd64 |
	awk '/Depends: linux-image-[0-9]/ { print $2; exit }')
[ -n "$pkg" ] || die "cannot resolve linux-image-amd64 (run apt-get update)"
kver=${pkg#linux-image-}
pkgver=$(apt-cache show "$pkg" | awk '/^Version:/ { print $2; exit }')
dir=$METHER_CACHE/stock-$kver-$pkgver

# The module list is cheap to make: remake it every time, so that a
# change to GUEST_MODULES reaches a cached kernel.
list_modules() { # list_modules ROOT
	local m
	for m in "${GUEST_MODULES[@]}"; do
		modprobe -d "$1" -S "$kver" --show-depends "$m"
	done | awk '$1 == "insmod" { print $2 }' |
		sed "s|^$1/||" | awk '!seen[$0]++'
}

if [ -f "$dir/.mether-ready" ]; then
	list_modules "$dir/root" >"$dir/modules.list.new"
	mv "$dir/modules.list.new" "$dir/modules.list"
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

list_modules "$dir.tmp/root" >"$dir.tmp/modules.list"

ln -s "root/boot/vmlinuz-$kver" "$dir.tmp/vmlinuz"
ln -s "/usr/src/linux-headers-$kver" "$dir.tmp/kdir"
touch "$dir.tmp/.mether-ready"
mv "$dir.tmp" "$dir"
echo "$dir"
