// SPDX-License-Identifier: GPL-2.0
/*
 * mether-soak: the two steps of tests/guest/soak.sh that mether-count
 * and mether-poke do not take.
 *
 *	mether-soak add PAGE SLOT N
 *	mether-soak hold PAGE SLOT
 *	mether-soak owned PAGES
 *
 * add makes N increments of word SLOT of PAGE's short subset. Each holds
 * the consistent copy locked to this host from its read to its write, so
 * that no handoff can fall between them, and publishes the page after
 * (a PURGE), so that every increment reaches every host. Hosts adding to
 * their own slots of one page make its consistent copy move at almost
 * every increment; an increment lost anywhere leaves a slot short. It
 * prints the value it wrote last, which must be N.
 *
 * hold takes the consistent copy of PAGE, locks it here, adds 1 to word
 * SLOT without publishing it, prints "held", and waits to be killed:
 * the host then dies holding the page, and that addition must be lost.
 *
 * owned prints each page below PAGES whose consistent copy this host
 * holds, one per line.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/mether.h>

static void die(const char *what)
{
	fprintf(stderr, "mether-soak: %s: %s\n", what, strerror(errno));
	exit(1);
}

/* The short view of @page in the writeable mapping, or NULL. */
static char *short_page(int fd, unsigned long page, unsigned long slot)
{
	char *rw;

	if (slot >= METHER_SHORT_SIZE / sizeof(uint32_t)) {
		fprintf(stderr, "mether-soak: slot %lu is past the short subset\n",
			slot);
		return NULL;
	}
	rw = mmap(NULL, METHER_CONSISTENT_SIZE, PROT_READ | PROT_WRITE,
		  MAP_SHARED, fd, 0);
	if (rw == MAP_FAILED)
		die("mmap");
	return mether_view_ptr(rw + page * sysconf(_SC_PAGESIZE),
			       METHER_VIEW_SHORT_DEMAND);
}

/* Fault the consistent copy in, then pin it; it may leave in between. */
static void lock_here(int fd, volatile uint32_t *word, __u64 addr)
{
	for (;;) {
		(void)*word;
		if (!ioctl(fd, METHER_IOC_LOCK, &addr))
			return;
		if (errno != EAGAIN)
			die("METHER_IOC_LOCK");
	}
}

static int add(int fd, unsigned long page, unsigned long slot,
	       unsigned long n)
{
	char *rw = short_page(fd, page, slot);
	volatile uint32_t *word;
	struct mether_range range;
	uint32_t value = 0;
	unsigned long i;
	__u64 addr;

	if (!rw)
		return 2;
	word = (volatile uint32_t *)rw + slot;
	addr = (unsigned long)rw;
	range = (struct mether_range){ addr, sysconf(_SC_PAGESIZE) };

	for (i = 0; i < n; i++) {
		lock_here(fd, word, addr);
		value = *word + 1;
		*word = value;
		if (ioctl(fd, METHER_IOC_UNLOCK, &addr))
			die("METHER_IOC_UNLOCK");
		if (ioctl(fd, METHER_IOC_PURGE, &range))
			die("METHER_IOC_PURGE");
	}
	printf("%u\n", value);
	return 0;
}

static int hold(int fd, unsigned long page, unsigned long slot)
{
	char *rw = short_page(fd, page, slot);
	volatile uint32_t *word;

	if (!rw)
		return 2;
	word = (volatile uint32_t *)rw + slot;
	lock_here(fd, word, (unsigned long)rw);
	*word += 1;
	printf("held\n");
	fflush(stdout);
	for (;;)
		pause();
}

static int owned(int fd, unsigned long pages)
{
	long page_size = sysconf(_SC_PAGESIZE);
	struct mether_page_state st;
	unsigned long p;

	for (p = 0; p < pages; p++) {
		memset(&st, 0, sizeof(st));
		st.offset = p * page_size;
		if (ioctl(fd, METHER_IOC_PAGE_STATE, &st))
			die("METHER_IOC_PAGE_STATE");
		if (st.flags & METHER_PAGE_OWNER)
			printf("%lu\n", p);
	}
	return 0;
}

int main(int argc, char **argv)
{
	int fd;

	fd = open("/dev/mether", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		die("/dev/mether");
	if (argc == 5 && !strcmp(argv[1], "add"))
		return add(fd, strtoul(argv[2], NULL, 0),
			   strtoul(argv[3], NULL, 0), strtoul(argv[4], NULL, 0));
	if (argc == 4 && !strcmp(argv[1], "hold"))
		return hold(fd, strtoul(argv[2], NULL, 0),
			    strtoul(argv[3], NULL, 0));
	if (argc == 3 && !strcmp(argv[1], "owned"))
		return owned(fd, strtoul(argv[2], NULL, 0));
	fprintf(stderr, "usage: mether-soak add PAGE SLOT N\n"
		"       mether-soak hold PAGE SLOT\n"
		"       mether-soak owned PAGES\n");
	return 2;
}
