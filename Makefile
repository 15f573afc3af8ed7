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

.PHONY: all module userspace check check-quick demo deb clean
