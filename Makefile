# SPDX-License-Identifier: GPL-2.0
#
# make               build mether.ko against KDIR (default: the running
#                    kernel's headers, else Debian's linux-headers-amd64)
# make demo          boot two guests and show Mether running (README.md)
# make check         the whole test suite (README.md)
# make check-quick   its static part, without guests (a few minutes)
# make userspace     the static tools and test programs
# make deb           the Debian packages, with debhelper (debian/), in
#                    build/deb: mether-dkms, libmether1, libmether-dev,
#                    mether-tools (packaging/build-deb.sh)
# make install       for machines without Debian's packages: libmether,
#                    its headers and pkg-config file, the tools (linked to
#                    the installed libmether.so.1), every manual page, the
#                    systemd unit and an example configuration, under
#                    PREFIX (default /usr/local), staged in DESTDIR if
#                    given; not the module (DKMS or modules_install:
#                    README.md)
# make uninstall     removes what make install installed
#
# The kernel build reads Kbuild; this file only drives it.

KDIR ?= $(firstword $(wildcard /lib/modules/$(shell uname -r)/build) \
		    $(lastword $(sort $(wildcard /usr/src/linux-headers-*-amd64))))

all: module

module:
	@test -n "$(KDIR)" || { echo "error: no kernel headers found; install linux-headers-amd64 or set KDIR=" >&2; exit 1; }
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

userspace:
	$(MAKE) -C userspace

check:
	@bash tests/check.sh

check-quick:
	@bash tests/check.sh --quick

demo:
	@bash bench/demo.sh

deb:
	@bash packaging/build-deb.sh

clean:
	@if [ -n "$(KDIR)" ]; then $(MAKE) -C $(KDIR) M=$(CURDIR) clean; fi
	$(MAKE) -C userspace clean
	rm -rf build

# make install: GNU's directory variables, each overridable on the
# command line (make install PREFIX=/usr DESTDIR=/tmp/stage). SYSCONFDIR
# is /etc, not $(PREFIX)/etc, as for WireGuard's tools: the unit and the
# documentation read /etc/mether.
PREFIX = /usr/local
BINDIR = $(PREFIX)/bin
LIBDIR = $(PREFIX)/lib
INCLUDEDIR = $(PREFIX)/include
DATAROOTDIR = $(PREFIX)/share
MANDIR = $(DATAROOTDIR)/man
DOCDIR = $(DATAROOTDIR)/doc/mether
PKGCONFIGDIR = $(LIBDIR)/pkgconfig
SYSTEMDUNITDIR = $(PREFIX)/lib/systemd/system
SYSCONFDIR = /etc
# Run after installing into the live system (no DESTDIR) as root, so that
# the tools find libmether.so.1 at once; LDCONFIG=: skips it.
LDCONFIG = ldconfig

VERSION := $(shell sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' dkms.conf)
# What the Debian packages ship for userspace: every tool, every page.
TOOLS := $(basename $(wildcard userspace/tools/*.c))
MAN_PAGES := $(wildcard Documentation/man/*.[0-9])

# The tools link libmether.so.1 dynamically, as the packaged ones do
# (LINK=shared; a plain "make -C userspace" builds them static, for the
# test guests, and this rebuilds them).
install:
	$(MAKE) -C userspace LINK=shared lib-and-tools
	install -d "$(DESTDIR)$(BINDIR)" "$(DESTDIR)$(LIBDIR)" \
		"$(DESTDIR)$(PKGCONFIGDIR)" "$(DESTDIR)$(INCLUDEDIR)/linux" \
		"$(DESTDIR)$(SYSTEMDUNITDIR)" "$(DESTDIR)$(DOCDIR)/examples"
	install -m 0755 $(TOOLS) "$(DESTDIR)$(BINDIR)/"
	install -m 0644 userspace/lib/libmether.so \
		"$(DESTDIR)$(LIBDIR)/libmether.so.1"
	ln -sf libmether.so.1 "$(DESTDIR)$(LIBDIR)/libmether.so"
	install -m 0644 userspace/lib/libmether.a "$(DESTDIR)$(LIBDIR)/"
	sed -e 's|@VERSION@|$(VERSION)|' -e 's|@PREFIX@|$(PREFIX)|' \
		-e 's|@LIBDIR@|$(LIBDIR)|' -e 's|@INCLUDEDIR@|$(INCLUDEDIR)|' \
		packaging/libmether.pc.in >"$(DESTDIR)$(PKGCONFIGDIR)/libmether.pc"
	chmod 0644 "$(DESTDIR)$(PKGCONFIGDIR)/libmether.pc"
	install -m 0644 userspace/lib/libmether.h "$(DESTDIR)$(INCLUDEDIR)/"
	install -m 0644 include/uapi/linux/mether.h \
		"$(DESTDIR)$(INCLUDEDIR)/linux/"
# Link pages (".so man3/PAGE.3") are installed as they are: man resolves
# them in the tree they are installed in.
	for page in $(MAN_PAGES); do \
		dir="$(DESTDIR)$(MANDIR)/man$${page##*.}"; \
		install -d "$$dir" && install -m 0644 "$$page" "$$dir/" || exit 1; \
	done
	sed -e 's|/usr/bin/metherctl|$(BINDIR)/metherctl|' \
		-e 's|/etc/mether|$(SYSCONFDIR)/mether|g' packaging/mether.service \
		>"$(DESTDIR)$(SYSTEMDUNITDIR)/mether.service"
	sed -e 's|/etc/mether|$(SYSCONFDIR)/mether|g' \
		packaging/mether.conf.example >"$(DESTDIR)$(DOCDIR)/examples/mether.conf"
	chmod 0644 "$(DESTDIR)$(SYSTEMDUNITDIR)/mether.service" \
		"$(DESTDIR)$(DOCDIR)/examples/mether.conf"
	@if [ -z "$(DESTDIR)" ] && [ "$$(id -u)" = 0 ]; then \
		echo "$(LDCONFIG)"; $(LDCONFIG); fi

uninstall:
	for tool in $(notdir $(TOOLS)); do \
		rm -f "$(DESTDIR)$(BINDIR)/$$tool"; done
	rm -f "$(DESTDIR)$(LIBDIR)/libmether.so.1" \
		"$(DESTDIR)$(LIBDIR)/libmether.so" \
		"$(DESTDIR)$(LIBDIR)/libmether.a" \
		"$(DESTDIR)$(PKGCONFIGDIR)/libmether.pc" \
		"$(DESTDIR)$(INCLUDEDIR)/libmether.h" \
		"$(DESTDIR)$(INCLUDEDIR)/linux/mether.h" \
		"$(DESTDIR)$(SYSTEMDUNITDIR)/mether.service" \
		"$(DESTDIR)$(DOCDIR)/examples/mether.conf"
	for page in $(MAN_PAGES); do \
		rm -f "$(DESTDIR)$(MANDIR)/man$${page##*.}/$${page##*/}"; done
	rmdir "$(DESTDIR)$(DOCDIR)/examples" "$(DESTDIR)$(DOCDIR)" 2>/dev/null || :
	@if [ -z "$(DESTDIR)" ] && [ "$$(id -u)" = 0 ]; then \
		echo "$(LDCONFIG)"; $(LDCONFIG); fi

.PHONY: all module userspace check check-quick demo deb clean install uninstall
