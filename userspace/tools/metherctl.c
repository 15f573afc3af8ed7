// SPDX-License-Identifier: GPL-2.0
/*
 * metherctl: look at and operate a host's Mether space.
 *
 *	metherctl [-d DEVICE] status
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/mether.h>

static const char *device = "/dev/mether";

static int usage(FILE *f)
{
	fprintf(f, "usage: metherctl [-d DEVICE] status\n");
	return f == stderr ? 2 : 0;
}

static int open_device(void)
{
	int fd = open(device, O_RDWR | O_CLOEXEC);

	if (fd < 0) {
		fprintf(stderr, "metherctl: %s: %s%s\n", device, strerror(errno),
			errno == ENOENT ? " (is the mether module loaded?)" : "");
		exit(1);
	}
	return fd;
}

static int cmd_status(void)
{
	struct mether_info info;
	int fd = open_device();

	if (ioctl(fd, METHER_IOC_INFO, &info) < 0) {
		fprintf(stderr, "metherctl: METHER_IOC_INFO: %s\n",
			strerror(errno));
		return 1;
	}
	close(fd);
	if (info.api_version != METHER_API_VERSION)
		fprintf(stderr,
			"metherctl: module speaks API %u, metherctl API %u\n",
			info.api_version, METHER_API_VERSION);
	printf("device:      %s\n", device);
	printf("api version: %u\n", info.api_version);
	printf("pages:       %llu\n", (unsigned long long)info.pages);
	printf("page size:   %u bytes\n", info.page_size);
	printf("short page:  %u bytes\n", info.short_size);
	printf("view shift:  %u (views %u, space %llu bytes per view)\n",
	       info.view_shift, METHER_VIEWS,
	       (unsigned long long)1 << info.view_shift);
	return 0;
}

int main(int argc, char **argv)
{
	int opt;

	while ((opt = getopt(argc, argv, "d:h")) != -1) {
		switch (opt) {
		case 'd':
			device = optarg;
			break;
		case 'h':
			return usage(stdout);
		default:
			return usage(stderr);
		}
	}
	if (optind + 1 != argc)
		return usage(stderr);
	if (!strcmp(argv[optind], "status"))
		return cmd_status();
	fprintf(stderr, "metherctl: unknown command '%s'\n", argv[optind]);
	return usage(stderr);
}
