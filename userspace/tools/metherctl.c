// SPDX-License-Identifier: GPL-2.0
/*
 * metherctl: look at and operate the Mether host of this network
 * namespace.
 *
 *	metherctl [-d DEVICE] status
 *	metherctl [-d DEVICE] up --id N --cluster N --port N --broadcast ADDR
 *				 [--addr ADDR] [--dev IFNAME] [--pages N] [--create]
 *	metherctl [-d DEVICE] down
 *	metherctl [-d DEVICE] stats [--machine]
 *	metherctl [-d DEVICE] get [--wait] PAGE
 *	metherctl [-d DEVICE] put PAGE VALUE
 *
 * get prints the first word of a page's inconsistent copy (with --wait,
 * it drops this host's copy and waits for the next one to arrive); put
 * writes the first word of the consistent copy and PURGEs it, which
 * publishes the page.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <net/if.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/mether.h>

static const char *device = "/dev/mether";

static const char *const packet_names[METHER_PACKET_TYPES] = {
	NULL, "page", "request", "ack",
};

static const char *const drop_names[METHER_DROP_REASONS] = {
	"truncated", "bad_magic", "bad_version", "bad_type", "bad_flags",
	"foreign_cluster", "bad_sender", "own", "bad_subset", "out_of_range",
	"bad_length",
};

static int usage(FILE *f)
{
	fprintf(f,
		"usage: metherctl [-d DEVICE] status\n"
		"       metherctl [-d DEVICE] up --id N --cluster N --port N --broadcast ADDR\n"
		"                                [--addr ADDR] [--dev IFNAME] [--pages N] [--create]\n"
		"       metherctl [-d DEVICE] down\n"
		"       metherctl [-d DEVICE] stats [--machine]\n"
		"       metherctl [-d DEVICE] get [--wait] PAGE\n"
		"       metherctl [-d DEVICE] put PAGE VALUE\n");
	return f == stderr ? 2 : 0;
}

static void fail(const char *what)
{
	fprintf(stderr, "metherctl: %s: %s%s\n", what, strerror(errno),
		errno == EPERM ? " (needs CAP_NET_ADMIN)" : "");
	exit(1);
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

static unsigned long number(const char *s, const char *what)
{
	char *end;
	unsigned long n;

	errno = 0;
	n = strtoul(s, &end, 0);
	if (errno || *end || !*s) {
		fprintf(stderr, "metherctl: bad %s '%s'\n", what, s);
		exit(2);
	}
	return n;
}

static uint32_t address(const char *s)
{
	struct in_addr a;

	if (inet_pton(AF_INET, s, &a) != 1) {
		fprintf(stderr, "metherctl: bad IPv4 address '%s'\n", s);
		exit(2);
	}
	return a.s_addr;
}

static int cmd_status(int fd)
{
	struct mether_stats stats;
	struct mether_info info;

	if (ioctl(fd, METHER_IOC_INFO, &info) < 0)
		fail("METHER_IOC_INFO");
	if (ioctl(fd, METHER_IOC_STATS, &stats) < 0)
		fail("METHER_IOC_STATS");
	if (info.api_version != METHER_API_VERSION)
		fprintf(stderr,
			"metherctl: module speaks API %u, metherctl API %u\n",
			info.api_version, METHER_API_VERSION);
	printf("device:      %s\n", device);
	printf("api version: %u\n", info.api_version);
	printf("network:     %s\n", stats.up ? "up" : "down (this host alone)");
	printf("pages:       %llu\n", (unsigned long long)info.pages);
	printf("page size:   %u bytes\n", info.page_size);
	printf("short page:  %u bytes\n", info.short_size);
	printf("view shift:  %u (views %u, space %llu bytes per view)\n",
	       info.view_shift, METHER_VIEWS,
	       (unsigned long long)1 << info.view_shift);
	return 0;
}

static int cmd_up(int fd, int argc, char **argv)
{
	static const struct option options[] = {
		{ "id", required_argument, NULL, 'i' },
		{ "cluster", required_argument, NULL, 'c' },
		{ "port", required_argument, NULL, 'p' },
		{ "broadcast", required_argument, NULL, 'b' },
		{ "addr", required_argument, NULL, 'a' },
		{ "dev", required_argument, NULL, 'D' },
		{ "pages", required_argument, NULL, 'n' },
		{ "create", no_argument, NULL, 'C' },
		{}
	};
	struct mether_up up = { .pages = 256 };
	int opt;

	optind = 1;
	while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
		switch (opt) {
		case 'i':
			up.host_id = number(optarg, "host id");
			break;
		case 'c':
			up.cluster = number(optarg, "cluster");
			break;
		case 'p':
			up.port = htons(number(optarg, "port"));
			break;
		case 'b':
			up.broadcast = address(optarg);
			break;
		case 'a':
			up.addr = address(optarg);
			break;
		case 'D':
			up.ifindex = if_nametoindex(optarg);
			if (!up.ifindex) {
				fprintf(stderr, "metherctl up: no interface '%s'\n",
					optarg);
				return 2;
			}
			break;
		case 'n':
			up.pages = number(optarg, "pages");
			break;
		case 'C':
			up.flags |= METHER_UP_CREATE;
			break;
		default:
			return usage(stderr);
		}
	}
	if (optind != argc || !up.host_id || !up.port || !up.broadcast) {
		fprintf(stderr, "metherctl up: --id, --port and --broadcast are required\n");
		return 2;
	}
	if (ioctl(fd, METHER_IOC_UP, &up) < 0)
		fail("up");
	return 0;
}

static int cmd_stats(int fd, int machine)
{
	struct mether_stats st;
	int t, r;

	if (ioctl(fd, METHER_IOC_STATS, &st) < 0)
		fail("METHER_IOC_STATS");
	if (machine) {
		printf("up %u\nsnooped %llu\nownership_transfers %llu\n"
		       "retransmits %llu\n", st.up,
		       (unsigned long long)st.snooped,
		       (unsigned long long)st.ownership_transfers,
		       (unsigned long long)st.retransmits);
		for (t = 1; t < METHER_PACKET_TYPES; t++)
			printf("tx_%s_packets %llu\ntx_%s_bytes %llu\n"
			       "rx_%s_packets %llu\nrx_%s_bytes %llu\n",
			       packet_names[t], (unsigned long long)st.tx_packets[t],
			       packet_names[t], (unsigned long long)st.tx_bytes[t],
			       packet_names[t], (unsigned long long)st.rx_packets[t],
			       packet_names[t], (unsigned long long)st.rx_bytes[t]);
		for (r = 0; r < METHER_DROP_REASONS; r++)
			printf("drop_%s %llu\n", drop_names[r],
			       (unsigned long long)st.drops[r]);
		for (t = 0; t < (int)METHER_VIEWS; t++)
			printf("consistent_faults_view%d %llu\n"
			       "inconsistent_faults_view%d %llu\n", t,
			       (unsigned long long)st.consistent_faults[t], t,
			       (unsigned long long)st.inconsistent_faults[t]);
		printf("purges %llu\nwriteable_purges %llu\n",
		       (unsigned long long)st.purges,
		       (unsigned long long)st.writeable_purges);
		return 0;
	}
	printf("network %s, %llu copies refreshed by snooping, %llu consistent copies received, %llu handoffs retransmitted\n",
	       st.up ? "up" : "down", (unsigned long long)st.snooped,
	       (unsigned long long)st.ownership_transfers,
	       (unsigned long long)st.retransmits);
	printf("%-8s %10s %12s %10s %12s\n", "type", "tx packets", "tx bytes",
	       "rx packets", "rx bytes");
	for (t = 1; t < METHER_PACKET_TYPES; t++)
		printf("%-8s %10llu %12llu %10llu %12llu\n", packet_names[t],
		       (unsigned long long)st.tx_packets[t],
		       (unsigned long long)st.tx_bytes[t],
		       (unsigned long long)st.rx_packets[t],
		       (unsigned long long)st.rx_bytes[t]);
	for (r = 0; r < METHER_DROP_REASONS; r++)
		if (st.drops[r])
			printf("dropped %-16s %llu\n", drop_names[r],
			       (unsigned long long)st.drops[r]);
	printf("faults by view (full, short, -, -, full data, short data, -, -):\n");
	printf("  writeable:");
	for (t = 0; t < (int)METHER_VIEWS; t++)
		printf(" %llu", (unsigned long long)st.consistent_faults[t]);
	printf("\n  read-only:");
	for (t = 0; t < (int)METHER_VIEWS; t++)
		printf(" %llu", (unsigned long long)st.inconsistent_faults[t]);
	printf("\npurges: %llu read-only, %llu writeable\n",
	       (unsigned long long)st.purges,
	       (unsigned long long)st.writeable_purges);
	return 0;
}

static char *map(int fd, int prot)
{
	char *p = mmap(NULL, prot & PROT_WRITE ? METHER_CONSISTENT_SIZE :
			     METHER_SPACE_SIZE, prot, MAP_SHARED, fd, 0);

	if (p == MAP_FAILED)
		fail("mmap");
	return p;
}

static int cmd_get(int fd, unsigned long page, int wait)
{
	char *ro = map(fd, PROT_READ) + page * sysconf(_SC_PAGESIZE);
	struct mether_range r = { (unsigned long)ro, sysconf(_SC_PAGESIZE) };

	if (wait) {
		if (ioctl(fd, METHER_IOC_PURGE, &r) < 0)
			fail("PURGE");
		ro = mether_view_ptr(ro, METHER_VIEW_SHORT_DATA);
	} else {
		ro = mether_view_ptr(ro, METHER_VIEW_SHORT_DEMAND);
	}
	printf("%u\n", *(volatile uint32_t *)ro);
	return 0;
}

static int cmd_put(int fd, unsigned long page, uint32_t value)
{
	char *rw = map(fd, PROT_READ | PROT_WRITE) +
		   page * sysconf(_SC_PAGESIZE);
	struct mether_range r = { (unsigned long)rw, sysconf(_SC_PAGESIZE) };

	rw = mether_view_ptr(rw, METHER_VIEW_SHORT_DEMAND);
	*(volatile uint32_t *)rw = value;
	r.addr = (unsigned long)rw;
	if (ioctl(fd, METHER_IOC_PURGE, &r) < 0)
		fail("PURGE");
	return 0;
}

int main(int argc, char **argv)
{
	const char *cmd;
	int fd;

	if (argc > 2 && !strcmp(argv[1], "-d")) {
		device = argv[2];
		argc -= 2;
		argv += 2;
	}
	if (argc < 2)
		return usage(stderr);
	cmd = argv[1];
	if (!strcmp(cmd, "-h") || !strcmp(cmd, "--help"))
		return usage(stdout);

	fd = open_device();
	if (!strcmp(cmd, "status") && argc == 2)
		return cmd_status(fd);
	if (!strcmp(cmd, "up"))
		return cmd_up(fd, argc - 1, argv + 1);
	if (!strcmp(cmd, "down") && argc == 2) {
		if (ioctl(fd, METHER_IOC_DOWN) < 0)
			fail("down");
		return 0;
	}
	if (!strcmp(cmd, "stats") && argc <= 3)
		return cmd_stats(fd, argc == 3 && !strcmp(argv[2], "--machine"));
	if (!strcmp(cmd, "get") && argc == 4 && !strcmp(argv[2], "--wait"))
		return cmd_get(fd, number(argv[3], "page"), 1);
	if (!strcmp(cmd, "get") && argc == 3)
		return cmd_get(fd, number(argv[2], "page"), 0);
	if (!strcmp(cmd, "put") && argc == 4)
		return cmd_put(fd, number(argv[2], "page"),
			       number(argv[3], "value"));
	fprintf(stderr, "metherctl: unknown command or arguments: %s\n", cmd);
	return usage(stderr);
}
