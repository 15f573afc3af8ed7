#!/bin/bash
# Build the Debian package with Debian's own dpkg-deb: the module's
# source for DKMS, libmether, the tools, man pages, the udev rule, the
# systemd unit and the Wireshark dissector. Prints the .deb's path.
#   packaging/build-deb.sh [OUTDIR]   (default: build/deb)
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(realpath -m "${1:-build/deb}")
version=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' dkms.conf)
arch=$(dpkg --print-architecture)
multiarch=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
root=$out/root
lib=$root/usr/lib/$multiarch

make -s -C userspace >&2
rm -rf "$root"
install -d "$root/DEBIAN" "$root/usr/src/mether-$version" "$lib/pkgconfig" \
	"$root/usr/bin" "$root/usr/include/linux" "$root/usr/lib/udev/rules.d" \
	"$root/usr/lib/systemd/system" "$lib/wireshark/plugins" \
	"$root/usr/share/doc/mether/examples"

# The module's source, as DKMS builds it: no tests (Kbuild builds the
# KUnit suites only with METHER_KUNIT=y).
src=$root/usr/src/mether-$version
cp Kbuild dkms.conf ./*.c ./*.h "$src"/
cp -r include "$src"/

install -m 0644 userspace/lib/libmether.so "$lib/libmether.so.1"
ln -s libmether.so.1 "$lib/libmether.so"
install -m 0644 userspace/lib/libmether.h "$root/usr/include/"
install -m 0644 include/uapi/linux/mether.h "$root/usr/include/linux/"
sed -e "s/@VERSION@/$version/" -e "s/@MULTIARCH@/$multiarch/" \
	packaging/libmether.pc.in >"$lib/pkgconfig/libmether.pc"
for tool in metherctl mether-count mether-pingpong mether-pipe-bench \
	    mether-follow; do
	install -m 0755 "userspace/tools/$tool" "$root/usr/bin/"
done
for page in Documentation/man/*.[0-9]; do
	section=${page##*.}
	install -d "$root/usr/share/man/man$section"
	gzip -9n <"$page" >"$root/usr/share/man/man$section/$(basename "$page").gz"
done
install -m 0644 packaging/60-mether.rules "$root/usr/lib/udev/rules.d/"
install -m 0644 packaging/mether.service "$root/usr/lib/systemd/system/"
install -m 0644 tools/wireshark/mether.lua "$lib/wireshark/plugins/"
install -m 0644 packaging/mether.conf.example \
	"$root/usr/share/doc/mether/examples/mether.conf"
install -m 0644 README.md "$root/usr/share/doc/mether/"

for script in postinst prerm postrm; do
	sed "s/@VERSION@/$version/" "packaging/debian/$script" \
		>"$root/DEBIAN/$script"
	chmod 0755 "$root/DEBIAN/$script"
done
install -m 0644 packaging/debian/triggers "$root/DEBIAN/"
size=$(du -sk --exclude=DEBIAN "$root" | cut -f1)
sed -e "s/@VERSION@/$version/" -e "s/@ARCH@/$arch/" -e "s/@SIZE@/$size/" \
	packaging/debian/control.in >"$root/DEBIAN/control"

deb=$out/mether_${version}_$arch.deb
dpkg-deb --root-owner-group -Zxz --build "$root" "$deb" >&2
echo "$deb"
