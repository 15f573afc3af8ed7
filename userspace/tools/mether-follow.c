// SPDX-License-Identifier: GPL-2.0
/*
 * mether-follow: one writer publishes a page N times; followers wait for
 * each value on the page's data-driven view. Both print "VALUE NS" per
 * value, NS from CLOCK_MONOTONIC, which every network namespace of a
 * machine shares: the scaling benchmark (bench/guest/scaling.sh) runs a
 * host per namespace and subtracts.
 *
 *	mether-follow -w [-i MS] PAGE N	  write 1..N, one every MS (100) ms
 *	mether-follow PAGE N		  print when 1..N are seen
 *
 * The writer's NS is taken just before the PURGE that publishes a value,
 * a follower's as soon as it reads that value (or a later one). The
 * writer refuses page 0, libmether's segment directory.
 */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../lib/libmether.h"
#include "tool_number.h"

static unsigned long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static void die(const char *what)
{
	fprintf(stderr, "mether-follow: %s: %s\n", what, strerror(errno));
	exit(1);
}

static int write_values(struct mether *m, uint64_t page, uint32_t n,
			unsigned int interval_ms)
{
	volatile uint32_t *p = mether_page(m, page, METHER_VIEW_SHORT_DEMAND,
					   METHER_COPY_CONSISTENT);
	unsigned long long t;
	uint32_t v;

	if (!p)
		die("page");
	for (v = 1; v <= n; v++) {
		*p = v;
		t = now_ns();
		if (mether_purge(m, (const void *)p, m->page_size))
			die("PURGE");
		printf("%u %llu\n", v, t);
		usleep(interval_ms * 1000);
	}
	return 0;
}

static int follow(struct mether *m, uint64_t page, uint32_t n)
{
	volatile uint32_t *p = mether_page(m, page, METHER_VIEW_SHORT_DATA,
					   METHER_COPY_INCONSISTENT);
	uint32_t v, seen;

	if (!p)
		die("page");
	for (v = 1; v <= n; v++) {
		/* A copy that does not have v yet goes; the read waits. */
		while ((seen = *p) < v)
			if (mether_purge(m, (const void *)p, m->page_size))
				die("PURGE");
		printf("%u %llu\n", v, now_ns());
		if (seen > v)
			fprintf(stderr, "mether-follow: %u came before %u\n",
				seen, v);
	}
	return 0;
}

int main(int argc, char **argv)
{
	unsigned int interval_ms = 100;
	int opt, writer = 0, ret;
	uint64_t page;
	uint32_t n;
	struct mether *m;

	while ((opt = getopt(argc, argv, "wi:")) != -1) {
		if (opt == 'w')
			writer = 1;
		else if (opt == 'i')
			interval_ms = tool_number("mether-follow", optarg,
						  "interval", UINT32_MAX);
		else
			goto usage;
	}
	if (argc - optind != 2)
		goto usage;
	page = tool_number("mether-follow", argv[optind], "page", UINT64_MAX);
	n = tool_number("mether-follow", argv[optind + 1], "count",
			UINT32_MAX);
	if (writer && page == METHER_DIRECTORY_PAGE) {
		fprintf(stderr, "mether-follow: page %d holds the segment directory\n",
			METHER_DIRECTORY_PAGE);
		return 2;
	}
	m = mether_open(NULL);
	if (!m)
		die("/dev/mether");
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (writer)
		ret = write_values(m, page, n, interval_ms);
	else
		ret = follow(m, page, n);
	mether_close(m);
	return ret;
usage:
	fprintf(stderr, "usage: mether-follow -w [-i MS] PAGE N\n"
			"       mether-follow PAGE N\n");
	return 2;
}
