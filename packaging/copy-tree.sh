#!/bin/sh
# copy-tree.sh DEST: copy the source tree (the directory above this
# script) into DEST, which must exist: the files git knows of and new
# ones it does not ignore, or, outside git, everything but what the
# builds left. make deb and tests/install.sh build in such a copy, so
# the work tree's static userspace builds, which the guests use, stay.
set -eu
dest=$(realpath "$1")
cd "$(dirname "$0")/.."
if git rev-parse --git-dir >/dev/null 2>&1; then
	# shellcheck disable=SC2016
	git ls-files -z --cached --others --exclude-standard |
		xargs -0 sh -c 'for f; do [ -e "$f" ] && printf "%s\0" "$f"; done' sh |
		cpio -0 -pdm --quiet "$dest"
else
	tar -c --exclude=./build --exclude=./.git . | tar -x -C "$dest"
fi
