# The Debian packages on Debian's stock kernel (run on a stock guest, by
# tests/check.sh, with the host's root filesystem shared read-only over
# 9p): in a chroot on an overlay of the host's Debian userland, dpkg
# installs the four packages (mether-dkms, libmether1, libmether-dev,
# mether-tools), DKMS builds mether.ko for the running kernel, modprobe
# loads it, udev gives /dev/mether to group mether, whose members open it
# without root, the tools run on the shared library, a count runs, and
# dpkg --purge removes it all.
. /mether/tests/lib.sh
plan $((METHER_ID == 0 ? 36 : 0))

[ "$METHER_ID" = 0 ] || exit 0

R=/newroot
KVER=$(uname -r)
PACKAGES="libmether-dev libmether1 mether-dkms mether-tools"
DEBS=$(ls /mether/bin/*.deb | grep -v '/udev_')
README=/mether/bin/README.md
VERSION=$(basename "$(ls /mether/bin/mether-dkms_*.deb)" | cut -d_ -f2)
LIBDIR=/usr/lib/x86_64-linux-gnu
TOOLS="metherctl mether-count mether-pingpong mether-pipe-bench mether-follow"
# The tools built on libmether (mether-count and mether-pingpong use the
# user API or sockets alone, and the linker drops what they do not need).
LIBMETHER_TOOLS="metherctl mether-pipe-bench mether-follow"

in_root() {
	chroot $R /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
		HOME=/root LC_ALL=C.UTF-8 "$@"
}

# has_line PATTERN CMD...: CMD succeeds and prints a line matching PATTERN.
has_line() {
	local pattern=$1 out
	shift
	out=$("$@") || return 1
	echo "$out" | grep -q "$pattern"
}

# lacks_line PATTERN CMD...: CMD succeeds and prints no such line.
lacks_line() {
	local pattern=$1 out
	shift
	out=$("$@") || return 1
	! echo "$out" | grep -q "$pattern"
}

# as_member CMD...: run CMD in the chroot as user metheruser, who is in
# group mether only.
as_member() {
	in_root setpriv --reuid=metheruser --regid=metheruser --init-groups "$@"
}

mkdir -p /host /ovl $R
check "package: the host's root, over 9p" \
	mount -t 9p -o trans=virtio,version=9p2000.L,ro,msize=262144,cache=loose \
		hostroot /host
mount -t tmpfs -o size=512m tmpfs /ovl
mkdir -p /ovl/upper /ovl/work
check "package: an overlay to install into" mount -t overlay overlay \
	-o lowerdir=/host,upperdir=/ovl/upper,workdir=/ovl/work $R
check "package: proc, sys, dev, tmp and run in the chroot" sh -c "
	mount -t proc proc $R/proc && mount -t sysfs sysfs $R/sys &&
	mount -o bind /dev $R/dev && mount -t tmpfs tmpfs $R/tmp &&
	mount -t tmpfs tmpfs $R/run"
# What udev or systemd would have made in /dev (dkms reads /dev/fd).
ln -sf /proc/self/fd /dev/fd
ln -sf /proc/self/fd/0 /dev/stdin
ln -sf /proc/self/fd/1 /dev/stdout
ln -sf /proc/self/fd/2 /dev/stderr
check "package: the four packages of one version" \
	[ "$(echo "$DEBS" | xargs -n1 basename | cut -d_ -f1,2 | sort | xargs)" = \
	  "$(for p in $PACKAGES; do printf '%s_%s ' $p "$VERSION"; done | xargs)" ]
diag "$DEBS"
cp $DEBS $R/tmp/
check "package: headers for the running kernel $KVER" \
	in_root test -e /lib/modules/$KVER/build/Makefile

# man-db's trigger re-indexes every manual page on the host, which under
# TCG takes minutes and tests nothing of ours; without this file man-db
# skips it, as in Debian's own container images.
rm -f $R/var/lib/man-db/auto-update
started=$(cut -d. -f1 /proc/uptime)
in_root dpkg -i $(for deb in $DEBS; do echo /tmp/${deb##*/}; done) \
	>/tmp/dpkg.log 2>&1
check "package: dpkg -i installs the four, DKMS builds mether.ko" [ $? = 0 ]
diag "dpkg -i took $(($(cut -d. -f1 /proc/uptime) - started)) s"
diag "$(tail -n 25 /tmp/dpkg.log)"
check "package: dpkg lists all four installed, version $VERSION" [ \
	"$(in_root dpkg-query -W -f '${Package}_${Version}_${db:Status-Abbrev}\n' \
		$PACKAGES | sort | xargs)" = \
	"$(for p in $PACKAGES; do printf '%s_%s_ii ' $p "$VERSION"; done | xargs)" ]
check "package: dkms status: installed for $KVER" \
	has_line "^mether/$VERSION, $KVER, .*: installed" in_root dkms status
diag "$(in_root dkms status 2>&1)"
check "package: modprobe mether" in_root modprobe mether
check "package: the module is the package's version" \
	[ "$(cat /sys/module/mether/version)" = "$VERSION" ]
# KUnit suites run at every load: a user's DKMS build must have none.
check "package: its DKMS source ships no tests" \
	test ! -e $R/usr/src/mether-$VERSION/tests
in_root modinfo -F parm mether >/tmp/parm
check "package: modinfo describes every parameter" awk -F: \
	'{ n++ } $2 !~ /[a-z]/ { bad = 1 } END { exit bad || n < 6 }' /tmp/parm
diag "$(cat /tmp/parm)"

# udev, as at boot: Debian's udevd applies the package's rule to
# /dev/mether. The host has no udev (installing it would upgrade its
# systemd), so the runner brings Debian's udev package, unpacked here.
cp /mether/bin/udev_*.deb $R/tmp/udev.deb
in_root dpkg-deb -x /tmp/udev.deb /opt/udev
ln -s /opt/udev/bin/udevadm $R/opt/udev/systemd-udevd
# udevadm refuses to act in a chroot unless told that this one is meant.
UDEVADM="env SYSTEMD_IGNORE_CHROOT=1 /opt/udev/bin/udevadm"
in_root env SYSTEMD_IGNORE_CHROOT=1 /opt/udev/systemd-udevd --daemon --debug \
	>/tmp/udevd.log 2>&1
# The daemon must listen before the event is sent, or it misses it.
in_root $UDEVADM control --ping --timeout=60
in_root $UDEVADM trigger --action=add --subsystem-match=misc \
	--sysname-match=mether >/tmp/trigger.log 2>&1
in_root $UDEVADM settle --timeout=60 >>/tmp/trigger.log 2>&1
check "package: udev gives /dev/mether to group mether, mode 0660" \
	[ "$(in_root stat -c %G:%a /dev/mether)" = mether:660 ]
diag "$(ls -l /dev/mether; cat /tmp/trigger.log; grep -i mether /tmp/udevd.log | tail -n 20)"
in_root $UDEVADM control --exit

check "package: a user in group mether" \
	in_root useradd --no-create-home --groups mether metheruser
check "package: the member opens /dev/mether without root (metherctl status)" \
	as_member metherctl status
check "package: but may not bring a host up" \
	refused "Operation not permitted" as_member metherctl up --unsealed \
	--id 1 --cluster 1 --port 7700 --broadcast 127.255.255.255
# Raw pages need CAP_SYS_ADMIN (others map only segments they hold a
# capability for, Documentation/libmether.rst): the count runs as root.
in_root mether-count -p final -n 200 -i 0 >/tmp/c0 2>&1 &
a=$!
in_root mether-count -p final -n 200 -i 1 >/tmp/c1 2>&1
b=$?
wait $a
check "package: the packaged mether-count counts to 200 (final protocol)" \
	[ "$?$b" = 00 ]
diag "$(cat /tmp/c0 /tmp/c1)"
# dynamic_tools: every packaged tool is a dynamic executable whose
# libraries ldd all finds, and those built on libmether load
# libmether.so.1 from libmether1.
dynamic_tools() {
	local tool out
	for tool in $TOOLS; do
		out=$(in_root ldd /usr/bin/$tool) || return 1
		! echo "$out" | grep -q 'not found' || return 1
	done
	# ld.so's cache names /lib, which merged /usr makes the same.
	for tool in $LIBMETHER_TOOLS; do
		in_root ldd /usr/bin/$tool | grep -qE \
			"libmether[.]so[.]1 => (/usr)?${LIBDIR#/usr}/libmether[.]so[.]1 " ||
			return 1
	done
}
check "package: the tools are dynamic, on the packaged libmether.so.1" \
	dynamic_tools
diag "$(in_root ldd /usr/bin/metherctl 2>&1)"
check "package: which is the packaged library" \
	has_line "^libmether1\(:amd64\)\?: $LIBDIR/libmether.so.1\$" \
	in_root dpkg -S $LIBDIR/libmether.so.1
check "package: pkg-config finds libmether" \
	has_line "^$VERSION\$" in_root pkg-config --modversion libmether
check "package: man pages are installed" \
	test -e $R/usr/share/man/man4/mether.4.gz
check "package: so is the dissector" \
	test -e $R$LIBDIR/wireshark/plugins/mether.lua
check "package: and the systemd unit, not enabled" sh -c "
	test -e $R/lib/systemd/system/mether.service &&
	! ls $R/etc/systemd/system/*/mether.service 2>/dev/null"

# The README's steps for a real Debian machine, as written, as root in
# /tmp/readme, which has the build/deb of its "make deb" (run on the
# host): apt finds the three it names already installed by dpkg -i
# above. One change: "systemctl enable --now" loses --now, for a chroot
# has no systemd to start the unit (systemctl enables it, then fails).
# A user alice, as the README supposes.
readme_steps() {
	awk '/^### Installing on a real Debian machine/ { f = 1; next }
	     f && /^    / { print substr($0, 5); started = 1; next }
	     f && started { exit }' "$README"
}
readme_steps | grep -v '^make deb ' |
	sed 's/^systemctl enable --now /systemctl enable /' >$R/tmp/readme-steps.sh
mkdir -p $R/tmp/readme/build/deb
cp $DEBS $R/tmp/readme/build/deb/
in_root useradd --no-create-home alice
in_root sh -ec 'cd /tmp/readme && . /tmp/readme-steps.sh' >/tmp/readme.log 2>&1
check "package: the README's install steps run as written" [ $? = 0 ]
diag "$(readme_steps)"
diag "$(tail -n 20 /tmp/readme.log)"
check "package: they put alice in group mether" sh -c \
	"chroot $R id -nG alice | tr ' ' '\\n' | grep -qx mether"
check "package: /etc/mether is root's, mode 0700" \
	[ "$(in_root stat -c %U:%a /etc/mether)" = root:700 ]
check "package: a key, root's, mode 0600" sh -c "
	[ \"\$(chroot $R stat -c %U:%a /etc/mether/cluster.key)\" = root:600 ] &&
	[ -s $R/etc/mether/cluster.key ]"
check "package: the example configuration and the enabled unit" sh -c "
	test -f $R/etc/mether/mether.conf &&
	test -L $R/etc/systemd/system/multi-user.target.wants/mether.service"

in_root userdel alice
in_root userdel metheruser
in_root dpkg --purge $PACKAGES >/tmp/purge.log 2>&1
check "package: dpkg --purge removes the four" [ $? = 0 ]
diag "$(tail -n 10 /tmp/purge.log)"
check "package: the module is unloaded" test ! -e /sys/module/mether
check "package: DKMS forgot it" lacks_line mether in_root dkms status
check "package: its module file is gone" \
	lacks_line mether find $R/lib/modules/$KVER -name "mether.ko*"
check "package: its source is gone" test ! -e $R/usr/src/mether-$VERSION
check "package: and its group" lacks_line "^mether:" cat $R/etc/group
check "package: and the library, the tools and the udev rule" sh -c "
	test ! -e $R$LIBDIR/libmether.so.1 && test ! -e $R/usr/bin/metherctl &&
	test ! -e $R/lib/udev/rules.d/60-mether.rules"
# none_left: dpkg has forgotten the four, or knows them as not installed.
none_left() {
	! in_root dpkg-query -W -f '${db:Status-Abbrev}\n' $PACKAGES 2>/dev/null |
		grep -qv '^[up]n'
}
check "package: dpkg has none of the four left" none_left

umount $R/run $R/tmp $R/dev $R/sys $R/proc $R /host 2>/dev/null
