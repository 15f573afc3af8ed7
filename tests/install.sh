#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make install and make uninstall, on the host in seconds, in a copy of
# the tree (the install rebuilds the tools dynamic; the work tree's static
# ones are the guests').
#
# make install DESTDIR=STAGE PREFIX=/usr must stage exactly what the
# Debian packages ship for userspace: the tools debian/rules installs,
# libmether.so.1 with its libmether.so link, libmether.a, libmether.h and
# linux/mether.h, libmether.pc, every page in Documentation/man (link
# pages as they are), the systemd unit and the example configuration;
# with the right modes. The staged metherctl runs --version with
# LD_LIBRARY_PATH in the stage, the tools built on the library need
# libmether.so.1 and find the staged one, man finds every page there
# (a link page's target too), pkg-config gives the stage's flags, and a
# C program builds on the staged header and library, shared and static.
# Another PREFIX with its own LIBDIR, MANDIR and SYSCONFDIR moves every
# file and the paths in the unit and pkg-config file; no PREFIX means
# /usr/local; a live install (no DESTDIR) runs LDCONFIG as root, a staged
# one never; make uninstall leaves no file behind.
#
# Prints "ok NAME" / "not ok NAME"; exits 1 when any check failed.
set -uo pipefail
. "$(dirname "$0")/vm/common.sh"

cd "$METHER_TOP" || exit 1
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
VERSION=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' dkms.conf)
failed=0

result() { # result STATUS NAME [DETAIL-FILE]: STATUS 0 passes
	if [ "$1" = 0 ]; then
		echo "ok $2"
	else
		echo "not ok $2"
		[ -z "${3:-}" ] || sed 's/^/#   /' "$3" | head -20
		failed=1
	fi
}

# check NAME CMD...: NAME passes when CMD succeeds; its output is shown
# when it does not.
check() {
	local name=$1
	shift
	"$@" >"$TMP/log" 2>&1
	result $? "$name" "$TMP/log"
}

# same NAME GOT WANT: NAME passes when GOT is WANT.
same() {
	printf 'got:  %s\nwant: %s\n' "$2" "$3" >"$TMP/log"
	[ "$2" = "$3" ]
	result $? "$1" "$TMP/log"
}

# The tree as build-deb.sh copies it.
SRC=$TMP/src
mkdir -p "$SRC"
packaging/copy-tree.sh "$SRC"

# The tools the package installs, by debian/rules' list.
TOOLS=$(grep -o 'userspace/tools/[a-z-]*' debian/rules | sed 's|.*/||' |
	LC_ALL=C sort -u)

# expected PREFIX BINDIR LIBDIR INCLUDEDIR MANDIR DOCDIR UNITDIR: the
# files an install stages, as listing prints them.
expected() {
	local tool page
	for tool in $TOOLS; do
		echo "-rwxr-xr-x $2/$tool"
	done
	echo "-rw-r--r-- $3/libmether.so.1"
	echo "lrwxrwxrwx $3/libmether.so -> libmether.so.1"
	echo "-rw-r--r-- $3/libmether.a"
	echo "-rw-r--r-- $3/pkgconfig/libmether.pc"
	echo "-rw-r--r-- $4/libmether.h"
	echo "-rw-r--r-- $4/linux/mether.h"
	for page in Documentation/man/*.[0-9]; do
		echo "-rw-r--r-- $5/man${page##*.}/${page##*/}"
	done
	echo "-rw-r--r-- $6/examples/mether.conf"
	echo "-rw-r--r-- $7/mether.service"
}

# listing STAGE: every file and link under STAGE, its mode, and a link's
# target.
listing() {
	(cd "$1" && find . ! -type d -printf '%M %P -> %l\n') |
		sed -e 's|^\([^ ]*\) |\1 /|' -e 's| -> $||' | LC_ALL=C sort
}

# same_list NAME STAGE EXPECTED-ARGS...: the staged files are exactly
# those expected.
same_list() {
	local name=$1 stage=$2
	shift 2
	expected "$@" | LC_ALL=C sort >"$TMP/want"
	listing "$stage" >"$TMP/got"
	diff -u "$TMP/want" "$TMP/got" >"$TMP/diff"
	result $? "$name" "$TMP/diff"
}

## PREFIX=/usr, staged.
R=$TMP/usr
check "install: make install DESTDIR=STAGE PREFIX=/usr succeeds" \
	make -C "$SRC" install DESTDIR="$R" PREFIX=/usr LDCONFIG="touch $TMP/ldconfig-ran"
pages=$(printf '%s\n' Documentation/man/*.[0-9] | wc -l)
same_list "install: PREFIX=/usr stages exactly the tools, library, headers, pkg-config file, $pages man pages, unit and example" \
	"$R" /usr /usr/bin /usr/lib /usr/include /usr/share/man \
	/usr/share/doc/mether /usr/lib/systemd/system
check "install: a staged install (DESTDIR) does not run ldconfig" \
	test ! -e "$TMP/ldconfig-ran"

check "install: libmether.so.1's SONAME is libmether.so.1" \
	sh -c "readelf -d '$R/usr/lib/libmether.so.1' | grep -q 'SONAME.*\[libmether.so.1\]'"
for tool in $TOOLS; do
	if grep -q '^#include .*libmether[.]h' "userspace/tools/$tool.c"; then
		check "install: $tool is dynamic, on libmether.so.1, and finds the staged one" \
			sh -c "readelf -d '$R/usr/bin/$tool' | grep -q 'NEEDED.*\[libmether.so.1\]' &&
			LD_LIBRARY_PATH='$R/usr/lib' ldd '$R/usr/bin/$tool' |
			grep -qF 'libmether.so.1 => $R/usr/lib/libmether.so.1'"
	else
		check "install: $tool is dynamic" \
			sh -c "readelf -d '$R/usr/bin/$tool' | grep -q NEEDED"
	fi
done
same "install: the staged metherctl --version says $VERSION" \
	"$(LD_LIBRARY_PATH="$R/usr/lib" "$R/usr/bin/metherctl" --version 2>&1 |
	cut -d' ' -f1-2)" "metherctl $VERSION"

# man resolves a link page to its target in the same tree: -w prints
# the file it would show.
bad=""
for page in "$R"/usr/share/man/man*/*; do
	name=$(basename "$page")
	sect=${name##*.}
	want=$page
	if [ "$(head -c 4 "$page")" = ".so " ]; then
		want=$R/usr/share/man/$(sed -n '1s/^[.]so //p' "$page")
	fi
	[ "$(man -M "$R/usr/share/man" -w "$sect" "${name%.*}" 2>/dev/null)" = "$want" ] ||
		bad="$bad $name"
done
echo "not found, or not resolved to their target:$bad" >"$TMP/log"
result "$([ -z "$bad" ]; echo $?)" \
	"install: man finds every staged page, and a link page's target" "$TMP/log"

# pc ARGS...: pkg-config on the staged file, its paths in the stage.
pc() {
	PKG_CONFIG_LIBDIR="$R/usr/lib/pkgconfig" PKG_CONFIG_SYSROOT_DIR="$R" \
		pkg-config "$@"
}
same "install: pkg-config --modversion libmether says $VERSION" \
	"$(pc --modversion libmether)" "$VERSION"
same "install: pkg-config --cflags --libs libmether gives the stage's" \
	"$(pc --cflags --libs libmether | xargs)" \
	"-I$R/usr/include -L$R/usr/lib -lmether"

# A program on the staged headers alone (the host has no linux/mether.h)
# and the staged library.
cat >"$TMP/prog.c" <<'EOF'
#include <errno.h>
#include <stdio.h>
#include <libmether.h>

int main(void)
{
	struct mether *m = mether_open("/nonexistent/mether");

	if (m || errno != ENOENT)
		return 1;
	printf("api %d\n", METHER_API_VERSION);
	return 0;
}
EOF
api=$(sed -n 's/^#define METHER_API_VERSION\s*\([0-9]*\).*/\1/p' \
	include/uapi/linux/mether.h)
# shellcheck disable=SC2046
check "install: a C program builds on pkg-config's flags (staged headers)" \
	gcc -std=c99 -Wall -Werror -o "$TMP/prog" "$TMP/prog.c" \
	$(pc --cflags --libs libmether)
check "install: the C program needs libmether.so.1" \
	sh -c "readelf -d '$TMP/prog' | grep -q 'NEEDED.*\[libmether.so.1\]'"
same "install: the C program runs on the staged libmether.so.1" \
	"$(LD_LIBRARY_PATH="$R/usr/lib" "$TMP/prog" 2>&1)" "api $api"
check "install: a C program links the staged libmether.a" \
	gcc -std=c99 -Wall -Werror -I"$R/usr/include" -o "$TMP/prog-static" \
	"$TMP/prog.c" "$R/usr/lib/libmether.a"
same "install: the static C program runs, without libmether.so.1" \
	"$(env -u LD_LIBRARY_PATH "$TMP/prog-static" 2>&1; readelf -d \
	"$TMP/prog-static" | grep -c libmether)" "api $api
0"

check "install: make uninstall DESTDIR=STAGE PREFIX=/usr succeeds" \
	make -C "$SRC" uninstall DESTDIR="$R" PREFIX=/usr LDCONFIG="touch $TMP/ldconfig-ran"
listing "$R" >"$TMP/log"
result "$([ ! -s "$TMP/log" ] && [ ! -e "$R/usr/share/doc/mether" ]; echo $?)" \
	"install: make uninstall leaves no file, and no doc directory" "$TMP/log"

## Every directory moved.
R=$TMP/opt
D=/opt/mether
check "install: make install with PREFIX, LIBDIR, MANDIR, SYSCONFDIR succeeds" \
	make -C "$SRC" install DESTDIR="$R" PREFIX=$D LIBDIR=$D/lib64 \
	MANDIR=$D/man SYSCONFDIR=$D/etc
same_list "install: every file goes where PREFIX, LIBDIR and MANDIR say" \
	"$R" $D $D/bin $D/lib64 $D/include $D/man $D/share/doc/mether \
	$D/lib/systemd/system
check "install: the unit runs BINDIR's metherctl on SYSCONFDIR's configuration" \
	sh -c "grep -qx 'ExecStart=$D/bin/metherctl up --config $D/etc/mether/mether.conf' \
		'$R$D/lib/systemd/system/mether.service' &&
		grep -qx 'ConditionPathExists=$D/etc/mether/mether.conf' \
		'$R$D/lib/systemd/system/mether.service' &&
		grep -qx 'key-file = $D/etc/mether/cluster.key' \
		'$R$D/share/doc/mether/examples/mether.conf'"
same "install: pkg-config gives LIBDIR's and INCLUDEDIR's flags" \
	"$(PKG_CONFIG_LIBDIR="$R$D/lib64/pkgconfig" pkg-config --cflags --libs \
	libmether | xargs)" "-I$D/include -L$D/lib64 -lmether"

## The default PREFIX.
R=$TMP/local
check "install: make install DESTDIR=STAGE (no PREFIX) succeeds" \
	make -C "$SRC" install DESTDIR="$R"
same_list "install: the default PREFIX is /usr/local" "$R" /usr/local \
	/usr/local/bin /usr/local/lib /usr/local/include /usr/local/share/man \
	/usr/local/share/doc/mether /usr/local/lib/systemd/system

## A live install (no DESTDIR), here into a directory of its own.
L=$TMP/live
check "install: a live install (no DESTDIR) succeeds" \
	make -C "$SRC" install PREFIX="$L" LDCONFIG="touch $TMP/ldconfig-ran"
if [ "$(id -u)" = 0 ]; then
	check "install: a live install as root runs ldconfig" \
		test -e "$TMP/ldconfig-ran"
fi

exit $failed
