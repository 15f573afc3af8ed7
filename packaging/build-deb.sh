#!/bin/bash
# make deb: build the Debian packages from debian/ with debhelper and
# dh-dkms (mether-dkms, libmether1, libmether-dev, mether-tools, and the
# tools' and library's -dbgsym packages), and the source package, in
# OUTDIR (default: build/deb). The build runs in a copy of the tree
# there, so the work tree's static userspace builds, which the test
# guests use, are left alone. Prints the paths of the .deb files.
#   packaging/build-deb.sh [OUTDIR]
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(realpath -m "${1:-build/deb}")
version=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' dkms.conf)
src=$out/mether-$version

rm -rf "$out"
mkdir -p "$src"
packaging/copy-tree.sh "$src"
(cd "$src" && dpkg-buildpackage -us -uc) >"$out/build.log" 2>&1 || {
	tail -n 30 "$out/build.log" >&2
	echo "build-deb: dpkg-buildpackage failed; log in $out/build.log" >&2
	exit 1
}
ls "$out"/*.deb
