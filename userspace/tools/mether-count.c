// SPDX-License-Identifier: GPL-2.0
/*
 * mether-count: the paper's counting program (section 4). Processes take
 * turns incrementing a 32-bit counter up to N through Mether, with one of
 * the paper's user protocols; each checks that it saw every increment in
 * order, and reports its wins and losses.
 *
 * Times, as mether-pingpong reports them: "seconds" runs from the first
 * value another process wrote (both sides past their start-up: the
 * mapping, "Deal Me In", the first faults) to the end, and covers
 * "timed" increments; "total_seconds" runs from the mapping on.
 *
 *	mether-count -p PROTOCOL [-n N] [-i ID] [-P PROCS] [-b PAGE] [-H N] [-w]
 *		     [--directory] [--separate]
 *
 * The counter's pages start at PAGE (-b), by default at the top of the
 * space, far from libmether's segment directory in page 0 and from the
 * segments it hands out from page 1 up; a range that takes in page 0 is
 * refused without --directory. Numbers are decimal or 0x hex, nothing
 * else: garbage must not become page 0.
 *
 * Run one process per participant, with ids 0..PROCS-1. With -w the
 * process only watches: it opens the device read-only and follows
 * participant ID's page of the final protocol through its data-driven
 * view, and checks that the values it sees only grow, up to the last one
 * ID writes. Protocols:
 *	full-page          1: spin on a shared full page
 *	short-page         2: spin on a shared short page
 *	purge              3: disjoint pages, read-only copy PURGEd each loss
 *	purge-hysteresis   3: the same, PURGE after every H losses (-H, 100)
 *	short-data-driven  4: one short page, wait on its data-driven view
 *	final              5: disjoint short pages, wait data-driven
 *
 * A turn of the final protocol is one METHER_IOC_PURGE_WAIT where the
 * module has it (API 11; ENOTTY before): publish this process's page,
 * drop the stale copy of the other's, wait for its next version.
 * --separate makes the calls one at a time, as the paper does: a PURGE
 * to publish, a loss, a PURGE to drop, a fault that waits. The line of
 * figures says which it used (calls=).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <linux/mether.h>

#include "tool_number.h"
#include "tool_time.h"

enum protocol { FULL_PAGE, SHORT_PAGE, PURGE, PURGE_HYSTERESIS,
		SHORT_DATA_DRIVEN, FINAL };

static const char *const protocol_names[] = {
	"full-page", "short-page", "purge", "purge-hysteresis",
	"short-data-driven", "final",
};

struct counter {
	enum protocol protocol;
	unsigned int id, procs, target, hysteresis;
	int fd, watch;
	char *rw, *ro;		/* the consistent and inconsistent mappings */
	long page_size;
	unsigned long base_page;
	int base_given, directory;
	int one_call;		/* a turn is one METHER_IOC_PURGE_WAIT */
	unsigned long turns;	/* METHER_IOC_PURGE_WAITs made */
	unsigned long wins, losses, purges;
	/* The timed span: from the first value another process wrote. */
	struct timespec ready;
	uint32_t ready_at;
	/* What this host sent in that span, HELLOs apart (tx_sent()). */
	unsigned long long tx_packets, tx_bytes;
	/* The host's busy CPU seconds in it (tool_busy_seconds()). */
	double busy;
};

/* struct mether_stats is indexed by packet type: 4 is HELLO. */
#define PACKET_HELLO	4

static void die(const char *what)
{
	fprintf(stderr, "mether-count: %s: %s\n", what, strerror(errno));
	exit(2);
}

static char *page_ptr(struct counter *c, char *map, unsigned long page,
		      unsigned int view)
{
	return mether_view_ptr(map + page * c->page_size, view);
}

static void purge(struct counter *c, void *p)
{
	struct mether_range r = {
		.addr = (unsigned long)p,
		.len = c->page_size,
	};

	if (ioctl(c->fd, METHER_IOC_PURGE, &r))
		die("METHER_IOC_PURGE");
	c->purges++;
}

/*
 * How long a turn's call waits for the other's answer. Past it, or when
 * the call says the answer cannot come (its holder silent, the host
 * down), the read that follows waits, asks or raises SIGBUS as the
 * paper's fault does.
 */
#define TURN_WAIT_MS	1000

/*
 * A turn in one call: publish @mine, drop this host's copy of @theirs,
 * and wait for the next one (METHER_IOC_PURGE_WAIT). A module without
 * the call gets the paper's, from this turn on.
 */
static void turn(struct counter *c, volatile uint32_t *mine,
		 volatile uint32_t *theirs)
{
	struct mether_purge_wait pw = {
		.purge = {
			{ (unsigned long)mine, c->page_size },
			{ (unsigned long)theirs, c->page_size },
		},
		.wait = (unsigned long)theirs,
		.timeout_ms = TURN_WAIT_MS,
	};

	if (!ioctl(c->fd, METHER_IOC_PURGE_WAIT, &pw) || errno == ETIMEDOUT ||
	    errno == EHOSTUNREACH || errno == ENOTCONN) {
		c->purges += 2;
		c->turns++;
		return;
	}
	if (errno != ENOTTY)
		die("METHER_IOC_PURGE_WAIT");
	c->one_call = 0;
	purge(c, (void *)mine);
}

/*
 * Add this host's packets and bytes sent so far, times @sign, to the
 * span's: all types but HELLO, a quiet host's heartbeat, which falls in
 * a run only by chance. Read from the file's space, as the counting is.
 */
static void tx_sent(struct counter *c, int sign)
{
	struct mether_stats st;
	unsigned int t;

	if (ioctl(c->fd, METHER_IOC_STATS, &st))
		die("METHER_IOC_STATS");
	for (t = 1; t < METHER_PACKET_TYPES; t++) {
		if (t == PACKET_HELLO)
			continue;
		c->tx_packets += sign * (long long)st.tx_packets[t];
		c->tx_bytes += sign * (long long)st.tx_bytes[t];
	}
}

static int uses_disjoint_pages(struct counter *c)
{
	return c->protocol == PURGE || c->protocol == PURGE_HYSTERESIS ||
	       c->protocol == FINAL;
}

/* The page this participant writes, and the one it watches. */
static void pick_pages(struct counter *c, volatile uint32_t **mine,
		       volatile uint32_t **theirs)
{
	unsigned long own = c->base_page, other = c->base_page;
	unsigned int write_view = METHER_VIEW_FULL_DEMAND;
	unsigned int read_view = METHER_VIEW_FULL_DEMAND;
	char *read_map = c->rw;

	if (uses_disjoint_pages(c)) {
		own = c->base_page + c->id;
		other = c->base_page + (c->id + c->procs - 1) % c->procs;
	}
	switch (c->protocol) {
	case FULL_PAGE:
		break;
	case SHORT_PAGE:
		write_view = read_view = METHER_VIEW_SHORT_DEMAND;
		break;
	case PURGE:
	case PURGE_HYSTERESIS:
		read_map = c->ro;
		break;
	case SHORT_DATA_DRIVEN:
	case FINAL:
		write_view = METHER_VIEW_SHORT_DEMAND;
		read_view = METHER_VIEW_SHORT_DATA;
		read_map = c->ro;
		break;
	}
	*mine = (volatile uint32_t *)page_ptr(c, c->rw, own, write_view);
	*theirs = (volatile uint32_t *)page_ptr(c, read_map, other, read_view);
}

/* After a loss: how this protocol gets a fresher copy to look at. */
static void after_loss(struct counter *c, volatile uint32_t *theirs)
{
	switch (c->protocol) {
	case FULL_PAGE:
	case SHORT_PAGE:
		sched_yield();	/* the other side shares our copy */
		break;
	case PURGE:
	case SHORT_DATA_DRIVEN:
	case FINAL:
		purge(c, (void *)theirs);
		break;
	case PURGE_HYSTERESIS:
		if (c->losses % c->hysteresis == 0)
			purge(c, (void *)theirs);
		else
			sched_yield();
		break;
	}
}

static int count(struct counter *c)
{
	volatile uint32_t *mine, *theirs;
	uint32_t expect = c->id, seen;

	pick_pages(c, &mine, &theirs);
	/*
	 * "Deal Me In": drop whatever stale copy this host has (through a
	 * data-driven view, one nobody has read since it came stays: it is
	 * the next copy, and the count checks what it sees anyway).
	 */
	if (c->protocol != FULL_PAGE && c->protocol != SHORT_PAGE)
		purge(c, (void *)theirs);
	/*
	 * Take this process's own page now (a read through the writeable
	 * view fetches the consistent copy), so that its first handoff
	 * falls before the timed span, as the ping-pongs' connect does:
	 * the span is the steady turns (issue 16).
	 */
	if (uses_disjoint_pages(c))
		(void)*mine;

	for (;;) {
		seen = *theirs;
		if (seen >= c->target && seen >= expect)
			break;
		if (seen != expect) {
			if (seen > expect) {
				fprintf(stderr,
					"mether-count %u: saw %u, expected %u: an increment was skipped\n",
					c->id, seen, expect);
				return 1;
			}
			c->losses++;
			after_loss(c, theirs);
			continue;
		}
		c->wins++;
		/*
		 * Another process wrote @seen: both sides are running, past
		 * their start-up. The clock for the figures starts here, as
		 * mether-pingpong's does.
		 */
		if (seen && !c->ready_at) {
			clock_gettime(CLOCK_MONOTONIC, &c->ready);
			c->ready_at = seen;
			c->busy = tool_busy_seconds();
			tx_sent(c, -1);
		}
		*mine = seen + 1;
		if (c->one_call && seen + 1 < c->target)
			turn(c, mine, theirs);
		else if (c->protocol != FULL_PAGE && c->protocol != SHORT_PAGE)
			purge(c, (void *)mine);
		if (seen + 1 >= c->target)
			return 0;
		expect = seen + c->procs;
	}
	if (seen != c->target) {
		fprintf(stderr, "mether-count %u: ended at %u, not %u\n",
			c->id, seen, c->target);
		return 1;
	}
	return 0;
}

/* -w: follow participant c->id's page without taking part. */
static int watch(struct counter *c)
{
	volatile uint32_t *theirs;
	uint32_t last, seen, prev = 0;

	theirs = (volatile uint32_t *)page_ptr(c, c->ro, c->base_page + c->id,
					       METHER_VIEW_SHORT_DATA);
	/* The last value participant id writes: seen + 1, seen = id mod procs. */
	last = c->target - (c->target + c->procs - c->id - 1) % c->procs;
	purge(c, (void *)theirs);
	for (;;) {
		seen = *theirs;
		if (seen < prev) {
			fprintf(stderr, "mether-count watch: saw %u after %u\n",
				seen, prev);
			return 1;
		}
		if (seen != prev)
			c->wins++;	/* a new value, each a version seen */
		prev = seen;
		if (seen >= last)
			return seen == last ? 0 : 1;
		c->losses++;
		purge(c, (void *)theirs);
	}
}

static void map_space(struct counter *c, const char *device)
{
	struct mether_info info;

	/* A watcher writes nothing: it needs no write access. */
	c->fd = open(device, (c->watch ? O_RDONLY : O_RDWR) | O_CLOEXEC);
	if (c->fd < 0)
		die(device);
	if (ioctl(c->fd, METHER_IOC_INFO, &info))
		die("METHER_IOC_INFO");
	c->page_size = info.page_size;
	if (!c->base_given)
		c->base_page = info.pages >= c->procs ? info.pages - c->procs : 0;
	if (c->base_page <= METHER_DIRECTORY_PAGE && !c->directory) {
		fprintf(stderr, "mether-count: page %d holds the segment directory: give -b, or --directory to count over it on purpose\n",
			METHER_DIRECTORY_PAGE);
		exit(2);
	}
	if (c->base_page + c->procs > info.pages) {
		fprintf(stderr, "mether-count: pages %lu..%lu beyond the space (%llu pages)\n",
			c->base_page, c->base_page + c->procs - 1,
			(unsigned long long)info.pages);
		exit(2);
	}
	c->rw = c->watch ? NULL : mmap(NULL, METHER_CONSISTENT_SIZE,
				       PROT_READ | PROT_WRITE, MAP_SHARED,
				       c->fd, 0);
	if (c->rw == MAP_FAILED)
		die("mmap consistent");
	c->ro = mmap(NULL, METHER_SPACE_SIZE, PROT_READ, MAP_SHARED, c->fd, 0);
	if (c->ro == MAP_FAILED)
		die("mmap inconsistent");
}

static unsigned int number(const char *s, const char *what)
{
	return tool_number("mether-count", s, what, UINT32_MAX);
}

static int usage(void)
{
	fprintf(stderr,
		"usage: mether-count -p PROTOCOL [-n N] [-i ID] [-P PROCS] [-b PAGE] [-H N] [-d DEVICE] [-w] [--directory] [--separate]\n"
		"protocols: full-page short-page purge purge-hysteresis short-data-driven final\n");
	return 2;
}

int main(int argc, char **argv)
{
	struct counter c = { .protocol = FINAL, .procs = 2, .target = 1024,
			     .hysteresis = 100, .one_call = 1 };
	const char *device = "/dev/mether";
	struct timespec t0, t1;
	struct rusage ru;
	int opt, ret, p = -1;
	unsigned int i;

	static const struct option options[] = {
		{ "directory", no_argument, NULL, 'D' },
		{ "separate", no_argument, NULL, 'S' },
		{}
	};

	while ((opt = getopt_long(argc, argv, "p:n:i:P:b:H:d:w", options,
				  NULL)) != -1) {
		switch (opt) {
		case 'p':
			for (i = 0; i < sizeof(protocol_names) / sizeof(*protocol_names); i++)
				if (!strcmp(optarg, protocol_names[i]))
					p = i;
			if (p < 0)
				return usage();
			c.protocol = p;
			break;
		case 'n':
			c.target = number(optarg, "count");
			break;
		case 'i':
			c.id = number(optarg, "id");
			break;
		case 'P':
			c.procs = number(optarg, "processes");
			break;
		case 'b':
			c.base_page = number(optarg, "page");
			c.base_given = 1;
			break;
		case 'H':
			c.hysteresis = number(optarg, "hysteresis");
			break;
		case 'd':
			device = optarg;
			break;
		case 'w':
			c.watch = 1;
			break;
		case 'D':
			c.directory = 1;
			break;
		case 'S':
			c.one_call = 0;
			break;
		default:
			return usage();
		}
	}
	if (optind != argc || c.procs < 2 || c.id >= c.procs || !c.target ||
	    !c.hysteresis)
		return usage();
	if (uses_disjoint_pages(&c) && c.procs != 2) {
		fprintf(stderr, "mether-count: %s runs between 2 processes\n",
			protocol_names[c.protocol]);
		return 2;
	}

	/* Only the final protocol waits for the other's page in a turn. */
	if (c.protocol != FINAL)
		c.one_call = 0;
	if (c.watch && c.protocol != FINAL) {
		fprintf(stderr, "mether-count: -w follows the final protocol\n");
		return 2;
	}

	map_space(&c, device);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	ret = c.watch ? watch(&c) : count(&c);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	getrusage(RUSAGE_SELF, &ru);
	if (c.ready_at) {
		c.busy = tool_busy_seconds() - c.busy;
		tx_sent(&c, 1);
	} else {
		c.ready = t0;
	}
	printf("id=%u protocol=%s target=%u ok=%s wins=%lu losses=%lu purges=%lu seconds=%.3f timed=%u total_seconds=%.3f user=%.3f sys=%.3f cs=%ld span_tx_packets=%llu span_tx_bytes=%llu host_cpu=%.3f calls=%s\n",
	       c.id, protocol_names[c.protocol], c.target, ret ? "no" : "yes",
	       c.wins, c.losses, c.purges, tool_seconds(&c.ready, &t1),
	       c.ready_at ? c.target - c.ready_at : c.target,
	       tool_seconds(&t0, &t1),
	       ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6,
	       ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6,
	       ru.ru_nvcsw + ru.ru_nivcsw, c.tx_packets, c.tx_bytes, c.busy,
	       c.one_call && c.turns ? "one" : "separate");
	return ret;
}
