// SPDX-License-Identifier: GPL-2.0
/*
 * mether-owner-check: watch which hosts hold the consistent copy of one
 * page while it migrates, and fail if two ever hold it at once.
 *
 *	mether-owner-check -p PAGE -s STOPFILE NETNS...
 *
 * Each NETNS is a network namespace file (/var/run/netns/NAME) whose host
 * is watched through its own /dev/mether. Sampling runs until STOPFILE
 * exists; then the page must settle with exactly one owner.
 *
 * Two ioctls cannot be issued at one instant, so overlap is proven from
 * versions: every handoff gives the copy a new version, so a host seen
 * holding the same version before and after another host was seen
 * holding the copy held it throughout, and both held it at that moment.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include <linux/mether.h>

#define MAX_HOSTS	8

struct sample {
	int owner;
	unsigned long long version;
	unsigned long long inconsistent;
};

static int host_fd[MAX_HOSTS];
static int hosts;
static unsigned long long page_offset;

static void die(const char *what)
{
	fprintf(stderr, "mether-owner-check: %s: %s\n", what, strerror(errno));
	exit(2);
}

static int open_in_netns(const char *netns)
{
	int ns = open(netns, O_RDONLY | O_CLOEXEC), fd;

	if (ns < 0)
		die(netns);
	if (setns(ns, CLONE_NEWNET))
		die("setns");
	close(ns);
	fd = open("/dev/mether", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		die("/dev/mether");
	return fd;
}

static void sample_all(struct sample *s)
{
	struct mether_page_state st;
	int i;

	for (i = 0; i < hosts; i++) {
		memset(&st, 0, sizeof(st));
		st.offset = page_offset;
		if (ioctl(host_fd[i], METHER_IOC_PAGE_STATE, &st))
			die("METHER_IOC_PAGE_STATE");
		s[i].owner = !!(st.flags & METHER_PAGE_OWNER);
		s[i].version = st.consistent_version;
		s[i].inconsistent = st.version;
	}
}

static int held_throughout(const struct sample *a, const struct sample *b)
{
	return a->owner && b->owner && a->version == b->version;
}

/*
 * In one round every host is sampled twice, in order: host i's first
 * sample comes before host j's first (i < j), which comes before host i's
 * second, which comes before host j's second.
 */
static int two_owners(const struct sample *first, const struct sample *second)
{
	int i, j;

	for (i = 0; i < hosts; i++)
		for (j = i + 1; j < hosts; j++) {
			if (held_throughout(&first[i], &second[i]) &&
			    first[j].owner)
				return 1;
			if (held_throughout(&first[j], &second[j]) &&
			    second[i].owner)
				return 1;
		}
	return 0;
}

static int owners(const struct sample *s)
{
	int i, n = 0;

	for (i = 0; i < hosts; i++)
		n += s[i].owner;
	return n;
}

int main(int argc, char **argv)
{
	struct sample first[MAX_HOSTS], second[MAX_HOSTS];
	struct timespec pause = { .tv_nsec = 200000 };
	unsigned long long rounds = 0, moves = 0, last_version = 0;
	const char *stopfile = NULL;
	long page = -1;
	int opt, i, n;

	while ((opt = getopt(argc, argv, "p:s:")) != -1) {
		switch (opt) {
		case 'p':
			page = strtol(optarg, NULL, 0);
			break;
		case 's':
			stopfile = optarg;
			break;
		default:
			goto usage;
		}
	}
	hosts = argc - optind;
	if (page < 0 || !stopfile || hosts < 2 || hosts > MAX_HOSTS)
		goto usage;
	page_offset = (unsigned long long)page * sysconf(_SC_PAGESIZE);
	for (i = 0; i < hosts; i++)
		host_fd[i] = open_in_netns(argv[optind + i]);

	while (access(stopfile, F_OK)) {
		sample_all(first);
		sample_all(second);
		rounds++;
		if (two_owners(first, second)) {
			for (i = 0; i < hosts; i++)
				fprintf(stderr, "host %d: owner %d/%d version %llu/%llu\n",
					i, first[i].owner, second[i].owner,
					first[i].version, second[i].version);
			fprintf(stderr, "mether-owner-check: two owners at once after %llu rounds\n",
				rounds);
			return 1;
		}
		for (i = 0; i < hosts; i++)
			if (second[i].owner && second[i].version != last_version) {
				last_version = second[i].version;
				moves++;
			}
		/* Leave the CPU to the hosts being watched. */
		nanosleep(&pause, NULL);
	}

	/* A handoff may still be in flight: give it time to land. */
	for (i = 0; i < 100; i++) {
		sample_all(first);
		n = owners(first);
		if (n == 1)
			break;
		usleep(100000);
	}
	printf("rounds=%llu versions_seen=%llu owners_at_end=%d\n",
	       rounds, moves, n);
	for (i = 0; i < hosts; i++)
		printf("host%d owner=%d consistent_version=%llu version=%llu\n",
		       i, first[i].owner, first[i].version,
		       first[i].inconsistent);
	if (n != 1) {
		fprintf(stderr, "mether-owner-check: %d owners at the end\n", n);
		return 1;
	}
	return 0;

usage:
	fprintf(stderr, "usage: mether-owner-check -p PAGE -s STOPFILE NETNS... (2 to %d)\n",
		MAX_HOSTS);
	return 2;
}
