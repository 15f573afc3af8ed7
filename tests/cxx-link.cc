// SPDX-License-Identifier: GPL-2.0
// libmether.h from C++: the declarations have C linkage, so this links
// against the C library (an undefined "mether_open(char const*)" would
// mean the extern "C" guards are missing). Run with a path that is no
// Mether device: mether_open() must fail with ENOENT.
#include <cerrno>
#include <cstdio>

#include <libmether.h>

int main(int argc, char **argv)
{
	const char *device = argc > 1 ? argv[1] : "/nonexistent/mether";
	struct mether *m = mether_open(device);

	if (m) {
		mether_close(m);
		std::fprintf(stderr, "mether_open(%s) succeeded\n", device);
		return 1;
	}
	if (errno != ENOENT) {
		std::perror("mether_open: want ENOENT");
		return 1;
	}
	return 0;
}
