#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The user API and the library, checked on the host without a guest:
# the tree carries no Python bytecode; METHER_IOC_MAGIC is a code the
# kernel's ioctl-number.rst gives nobody; the uapi header compiles as the
# kernel's header test compiles exported headers (-std=c90), for x86-64
# and for i386; a C++ program includes libmether.h and links against the
# library; the library builds with -std=c99.
#
# Usage: tests/api-build.sh KERNEL_TREE (a configured kernel source tree:
# its ioctl-number.rst and usr/include/headers_check.pl are read).
# Prints "ok NAME" / "not ok NAME" and exits 1 when any check failed.
set -uo pipefail
. "$(dirname "$0")/vm/common.sh"

KTREE=${1:?usage: $0 KERNEL_TREE}
cd "$METHER_TOP" || exit 1
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
failed=0

# check NAME CMD...: NAME passes when CMD succeeds and prints no warning.
check() {
	local name=$1
	shift
	if "$@" >"$TMP/log" 2>&1 && ! grep -iqE 'warning:|error:' "$TMP/log"; then
		echo "ok $name"
	else
		echo "not ok $name"
		sed 's/^/#   /' "$TMP/log" | head -20
		failed=1
	fi
}

# Bytecode: none in git, and none written by the scripts' Python (every
# script that starts Python sources common.sh).
# shellcheck disable=SC2016
check "tree: no Python bytecode tracked" \
	sh -c 'test -z "$(git ls-files "*__pycache__*" "*.pyc")"'
# shellcheck disable=SC2016
check "tree: the scripts' Python writes no bytecode (common.sh says so)" \
	env -u PYTHONDONTWRITEBYTECODE bash -c '. tests/vm/common.sh &&
	"$PYTHON" -c "import sys; sys.exit(not sys.dont_write_bytecode)"'

check "uapi: METHER_IOC_MAGIC is allocated to nobody in ioctl-number.rst" \
	"$PYTHON" - "$KTREE/Documentation/userspace-api/ioctl/ioctl-number.rst" \
	include/uapi/linux/mether.h <<'EOF'
import re, sys
table, header = (open(p).read() for p in sys.argv[1:])
magic = int(re.search(r"#define METHER_IOC_MAGIC\s+0x([0-9a-fA-F]{2})\b",
                      header).group(1), 16)
body = table.split("\nCode  Seq#", 1)[1]
taken = []
for line in body.splitlines():
    m = re.match(r"(0x[0-9A-Fa-f]{2}|'.')\s+(\S+)\s+(.*)", line)
    if not m:
        continue
    code = m.group(1)
    code = ord(code[1]) if code.startswith("'") else int(code, 16)
    if code == magic:
        taken.append(line.strip())
if len(body.splitlines()) < 300:
    sys.exit("error: ioctl-number.rst's table read as too short")
if taken:
    print("error: 0x%02x is taken:" % magic)
    print("\n".join(taken))
    sys.exit(1)
EOF

# The kernel's usr/include/Makefile: -std=c90 -Wall
# -Werror=implicit-function-declaration, the header included twice, then
# headers_check.pl. Debian's x86 asm headers serve i386 as well (the
# kernel installs one set for both), so -m32 needs no gcc-multilib.
UAPI_CFLAGS=(-std=c90 -Wall -Werror=implicit-function-declaration
	-I include/uapi -I /usr/include/x86_64-linux-gnu)
for m in -m64 -m32; do
	check "uapi: mether.h compiles as the kernel's header test ($m, c90)" \
		gcc "$m" "${UAPI_CFLAGS[@]}" -fsyntax-only -x c /dev/null \
		-include include/uapi/linux/mether.h \
		-include include/uapi/linux/mether.h
done
# shellcheck disable=SC2016
check "library: libmether.h refuses a 32-bit build with its reason" \
	sh -c 'gcc -m32 -std=c99 -fsyntax-only -I include/uapi \
		-I userspace/lib -x c - </dev/null -include libmether.h \
		2>&1 | grep -q "libmether needs a 64-bit process"'
check "uapi: headers_check.pl passes mether.h" \
	perl "$KTREE/usr/include/headers_check.pl" /usr/include x86 \
	include/uapi/linux/mether.h

for src in userspace/lib/*.c; do
	check "library: $(basename "$src") compiles with -std=c99 -pedantic" \
		gcc -std=c99 -pedantic -O2 -Wall -Wextra -Werror -I include/uapi \
		-c -o "$TMP/lib.o" "$src"
done

check "library: a C++ program includes libmether.h and links it" \
	g++ -std=c++11 -Wall -Wextra -Werror -I include/uapi \
	-I userspace/lib -o "$TMP/cxx-link" tests/cxx-link.cc \
	userspace/lib/libmether.a
check "library: the C++ program runs (no device: mether_open fails)" \
	"$TMP/cxx-link" /nonexistent/mether

exit $failed
