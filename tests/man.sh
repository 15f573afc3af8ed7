#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The manual's links and coverage, on the host in a second: every
# function libmether.h declares has a page that "man FUNCTION" finds,
# and every link page points at a real page. (tests/check.sh runs groff
# and lexgrog on the real pages; a link page is no page to them.)
#
# The rule, for each function NAME declared in libmether.h:
# Documentation/man/NAME.3 exists, and is either a page whose NAME
# section (as lexgrog, and so mandb, reads it) lists NAME, or a link
# page whose target is such a page. A link page is a file whose first
# line is ".so": it must be that one line, ".so manS/PAGE.S", of its own
# section S, naming a real page in Documentation/man (dh_installman
# turns it into a symlink). Every page is installed by a
# debian/*.manpages line. The functions parsed from the header must be
# those debian/libmether1.symbols exports, so that a declaration the
# parse misses fails here too.
#
# Prints "ok NAME" / "not ok NAME"; exits 1 when any check failed.
set -uo pipefail
. "$(dirname "$0")/vm/common.sh"

cd "$METHER_TOP" || exit 1
MAN=Documentation/man
failed=0

result() { # result STATUS NAME [DETAIL]: STATUS 0 passes
	if [ "$1" = 0 ]; then
		echo "ok $2"
	else
		echo "not ok $2"
		[ -z "${3:-}" ] || echo "#   $3"
		failed=1
	fi
}

is_link() { [ "$(head -c 4 "$1")" = ".so " ]; }

# names PAGE: the names a real page's NAME section gives, one a line.
names() { lexgrog "$1" 2>/dev/null | sed -n 's/^[^"]*"\([^ ]*\) - .*/\1/p'; }

# A declaration starts a line with its return type and names the
# function before its "(": comments and macros do not.
functions=$(sed -n 's/^[A-Za-z_][A-Za-z0-9_ ]*[ *]\(mether_[a-z0-9_]*\)(.*/\1/p' \
	userspace/lib/libmether.h | LC_ALL=C sort)
symbols=$(sed -n 's/^ \(mether_[a-z0-9_]*\)@Base .*/\1/p' \
	debian/libmether1.symbols | LC_ALL=C sort)
[ -n "$functions" ] && [ "$functions" = "$symbols" ]
result $? "man: libmether.h declares the functions libmether1.symbols exports ($(echo "$functions" | wc -l))" \
	"header: ${functions//$'\n'/ }; symbols: ${symbols//$'\n'/ }"

# Link pages: one line, a real page of the same section as the target.
bad=""
for page in "$MAN"/*.[0-9]; do
	is_link "$page" || continue
	base=$(basename "$page")
	sect=${base##*.}
	target=$(sed -n "1s|^[.]so man$sect/\([^/ ]*[.]$sect\)\$|\1|p" "$page")
	if [ "$(wc -l <"$page")" != 1 ] || [ -z "$target" ] ||
	   [ ! -f "$MAN/$target" ] || is_link "$MAN/$target"; then
		bad="$bad $base"
	fi
done
result "$([ -z "$bad" ]; echo $?)" \
	"man: every link page is one \".so manS/PAGE.S\" line to a real page" \
	"bad:$bad"

for fn in $functions; do
	page=$MAN/$fn.3
	real=$page
	if [ -f "$page" ] && is_link "$page"; then
		real=$MAN/$(sed -n '1s|^[.]so man3/||p' "$page")
	fi
	[ -f "$real" ] && ! is_link "$real" && names "$real" | grep -qx "$fn"
	result $? "man: \"man $fn\" finds $fn.3, which documents it" \
		"$page is missing, or neither it nor its link's target names $fn in NAME"
done

# Every page is installed: some debian/*.manpages line (a path or a
# glob) names it.
installed=$(cat debian/*.manpages | while read -r glob; do
	# shellcheck disable=SC2086
	[ -n "$glob" ] && ls -d $glob 2>/dev/null
done | LC_ALL=C sort -u)
missing=""
for page in "$MAN"/*.[0-9]; do
	echo "$installed" | grep -qxF "$page" || missing="$missing $page"
done
result "$([ -z "$missing" ]; echo $?)" \
	"man: debian/*.manpages installs every page in $MAN" \
	"not installed:$missing"

exit $failed
