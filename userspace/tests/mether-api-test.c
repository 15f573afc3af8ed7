// SPDX-License-Identifier: GPL-2.0
/*
 * mether-api-test: /dev/mether on one host, as a user sees it: views,
 * faults, PURGE, DO_PURGE, locks, and every bad input we can think of.
 * Prints kselftest's TAP (test_report.h); exits 1 on a failure.
 *
 * The module must be loaded with data_driven_timeout_ms=0, so that a
 * data-driven fault waits for a PURGE and nothing else, and must have at
 * least 17 pages.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/mether.h>

#include "test_report.h"

static long page_size;
static int fd;
static char *rw, *ro;	/* the consistent and inconsistent mappings */

/* check that a call failed with @want */
static void expect_errno(const char *name, int ret, int want)
{
	if (ret == -1 && errno == want)
		report(1, "%s: %s", name, strerror(want));
	else
		report(0, "%s: got %d (%s), want %s", name, ret,
		       ret == -1 ? strerror(errno) : "success",
		       strerror(want));
}

static char *view(char *map, unsigned long page, unsigned int v)
{
	return mether_view_ptr(map + page * page_size, v);
}

static volatile uint32_t *word(char *map, unsigned long page, unsigned int v)
{
	return (volatile uint32_t *)view(map, page, v);
}

static int purge(void *p)
{
	struct mether_range r = { (unsigned long)p, page_size };

	return ioctl(fd, METHER_IOC_PURGE, &r);
}

static int page_state(unsigned long page, struct mether_page_state *st)
{
	memset(st, 0, sizeof(*st));
	st->offset = page * page_size;
	return ioctl(fd, METHER_IOC_PAGE_STATE, st);
}

static void msleep(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };

	nanosleep(&ts, NULL);
}

/* Is the child still running after @ms milliseconds? */
static int still_blocked(pid_t pid, long ms)
{
	msleep(ms);
	return waitpid(pid, NULL, WNOHANG) == 0;
}

static int child_status(pid_t pid)
{
	int status;

	if (waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static void test_mappings(void)
{
	struct mether_info info;
	void *p;

	report(!ioctl(fd, METHER_IOC_INFO, &info) &&
	       info.api_version == METHER_API_VERSION &&
	       info.page_size == page_size &&
	       info.short_size == METHER_SHORT_SIZE && info.pages >= 17,
	       "info: geometry");
	report(((unsigned long)rw & (METHER_SPACE_SIZE - 1)) == 0 &&
	       ((unsigned long)ro & (METHER_SPACE_SIZE - 1)) == 0,
	       "mmap: address bits match offset bits");

	p = mmap(NULL, page_size, PROT_READ, MAP_PRIVATE, fd, 0);
	expect_errno("mmap: MAP_PRIVATE refused", p == MAP_FAILED ? -1 : 0,
		     EINVAL);
	p = mmap(NULL, METHER_SPACE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED,
		 fd, 0);
	expect_errno("mmap: writeable data-driven views refused",
		     p == MAP_FAILED ? -1 : 0, EACCES);
	p = mmap(NULL, page_size, PROT_READ, MAP_SHARED, fd,
		 METHER_SPACE_SIZE);
	expect_errno("mmap: offset beyond the space refused",
		     p == MAP_FAILED ? -1 : 0, EINVAL);
	p = mmap(NULL, 2 * page_size, PROT_READ, MAP_SHARED, fd,
		 METHER_SPACE_SIZE - page_size);
	expect_errno("mmap: range running past the space refused",
		     p == MAP_FAILED ? -1 : 0, EINVAL);
	p = mmap((void *)(METHER_SPACE_SIZE * 4 + page_size), page_size,
		 PROT_READ, MAP_SHARED | MAP_FIXED, fd, 0);
	expect_errno("mmap: MAP_FIXED at a misaligned address refused",
		     p == MAP_FAILED ? -1 : 0, EINVAL);
	expect_errno("mprotect: read-only mapping cannot become writeable",
		     mprotect(ro, page_size, PROT_READ | PROT_WRITE), EACCES);
	p = mmap(NULL, page_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		 (uint64_t)METHER_SUBSET_SHORT << METHER_VIEW_SHIFT);
	report(p != MAP_FAILED &&
	       ((unsigned long)p & (METHER_SPACE_SIZE - 1)) ==
	       (uint64_t)METHER_SUBSET_SHORT << METHER_VIEW_SHIFT,
	       "mmap: a single view maps at its own address bits");
	if (p != MAP_FAILED)
		munmap(p, page_size);
}

static void test_views(void)
{
	struct mether_page_state st;
	uint32_t v;

	report(*word(rw, 1, METHER_VIEW_FULL_DEMAND) == 0,
	       "fault: first write fault finds a zero-filled page");
	*word(rw, 1, METHER_VIEW_FULL_DEMAND) = 0x1234;
	report(*word(rw, 1, METHER_VIEW_SHORT_DEMAND) == 0x1234,
	       "views: short view overlays the full page");
	report(*word(ro, 1, METHER_VIEW_FULL_DEMAND) == 0x1234,
	       "fault: read-only demand fault fetches the latest copy");
	*word(rw, 1, METHER_VIEW_FULL_DEMAND) = 0x5678;
	report(*word(ro, 1, METHER_VIEW_FULL_DEMAND) == 0x1234,
	       "copies: inconsistent copy stays stale until published");
	report(!purge(view(rw, 1, METHER_VIEW_FULL_DEMAND)) &&
	       *word(ro, 1, METHER_VIEW_FULL_DEMAND) == 0x5678 &&
	       *word(ro, 1, METHER_VIEW_SHORT_DATA) == 0x5678,
	       "purge: writeable PURGE publishes to the inconsistent copy");

	page_state(1, &st);
	v = st.version;
	report(!purge(view(ro, 1, METHER_VIEW_FULL_DEMAND)) &&
	       !page_state(1, &st) && st.inconsistent_present == 0,
	       "purge: read-only PURGE invalidates the copy");
	report(*word(ro, 1, METHER_VIEW_FULL_DEMAND) == 0x5678 &&
	       !page_state(1, &st) && st.version > v,
	       "purge: next access fetches a newer version");

	/*
	 * A copy published after every process last mapped the page: a
	 * PURGE through a demand view drops it (the next access asks for
	 * the newest); through a data-driven view, which waits for the next
	 * copy, it stays (the read comes last, and maps it), and goes with
	 * the PURGE after that.
	 */
	*word(rw, 1, METHER_VIEW_FULL_DEMAND) = 0x9abc;
	purge(view(rw, 1, METHER_VIEW_FULL_DEMAND));
	report(!purge(view(ro, 1, METHER_VIEW_FULL_DEMAND)) &&
	       !page_state(1, &st) && st.inconsistent_present == 0,
	       "purge: a demand view's PURGE drops a copy nobody has mapped");
	*word(rw, 1, METHER_VIEW_FULL_DEMAND) = 0x9abd;
	purge(view(rw, 1, METHER_VIEW_FULL_DEMAND));
	page_state(1, &st);
	v = st.version;
	report(!purge(view(ro, 1, METHER_VIEW_FULL_DATA)) &&
	       !page_state(1, &st) && st.inconsistent_present &&
	       st.version == v && *word(ro, 1, METHER_VIEW_FULL_DATA) == 0x9abd,
	       "purge: a data-driven view's PURGE keeps a copy nobody has mapped");
	report(!purge(view(ro, 1, METHER_VIEW_FULL_DATA)) &&
	       !page_state(1, &st) && st.inconsistent_present == 0,
	       "purge: and drops it once a process has mapped it");
	/*
	 * Only a subset that came whole stays: after a short publication
	 * the full copy's tail is the old one, and a full PURGE drops it.
	 */
	*word(rw, 1, METHER_VIEW_FULL_DEMAND) = 0x9abe;
	purge(view(rw, 1, METHER_VIEW_FULL_DEMAND));
	(void)*word(ro, 1, METHER_VIEW_FULL_DATA);
	*word(rw, 1, METHER_VIEW_SHORT_DEMAND) = 0x9abf;
	purge(view(rw, 1, METHER_VIEW_SHORT_DEMAND));
	report(!purge(view(ro, 1, METHER_VIEW_FULL_DATA)) &&
	       !page_state(1, &st) &&
	       !(st.inconsistent_present & (1 << METHER_SUBSET_FULL)),
	       "purge: a full PURGE drops a copy only its short subset refreshed");
	/* Nor when nobody had mapped the full copy before the short one. */
	*word(rw, 1, METHER_VIEW_FULL_DEMAND) = 0x9ac0;
	purge(view(rw, 1, METHER_VIEW_FULL_DEMAND));
	*word(rw, 1, METHER_VIEW_SHORT_DEMAND) = 0x9ac1;
	purge(view(rw, 1, METHER_VIEW_SHORT_DEMAND));
	report(!purge(view(ro, 1, METHER_VIEW_FULL_DATA)) &&
	       !page_state(1, &st) &&
	       !(st.inconsistent_present & (1 << METHER_SUBSET_FULL)),
	       "purge: even one nobody had mapped before the short one came");

	/* A short fault brings in the short subset only. */
	memset(view(rw, 2, METHER_VIEW_FULL_DEMAND), 0xab, page_size);
	report(*word(ro, 2, METHER_VIEW_SHORT_DEMAND) == 0xabababab &&
	       !page_state(2, &st) &&
	       st.inconsistent_present == 1 << METHER_SUBSET_SHORT &&
	       (uint8_t)view(ro, 2, METHER_VIEW_SHORT_DEMAND)[64] == 0,
	       "fault: short-view fault brings only the short subset");
	report((uint8_t)view(ro, 2, METHER_VIEW_FULL_DEMAND)[64] == 0xab &&
	       !page_state(2, &st) &&
	       st.inconsistent_present == ((1 << METHER_SUBSET_SHORT) |
					   (1 << METHER_SUBSET_FULL)),
	       "fault: full-view fault brings the whole page");
	report(!page_state(2, &st) && (st.flags & METHER_PAGE_OWNER) &&
	       st.consistent_present == 3,
	       "state: this host holds every consistent copy");
}

static void test_data_driven(void)
{
	volatile uint32_t *dd = word(ro, 3, METHER_VIEW_SHORT_DATA);
	pid_t pid;

	purge(view(ro, 3, METHER_VIEW_FULL_DEMAND));
	pid = fork();
	if (!pid)
		_exit(*dd == 77 ? 0 : 1);
	report(still_blocked(pid, 500),
	       "data-driven: fault blocks with no copy to map");
	*word(rw, 3, METHER_VIEW_FULL_DEMAND) = 77;
	report(!purge(view(rw, 3, METHER_VIEW_SHORT_DEMAND)) &&
	       child_status(pid) == 0,
	       "data-driven: a PURGE of the writeable page wakes it");

	purge(view(ro, 3, METHER_VIEW_FULL_DEMAND));
	pid = fork();
	if (!pid)
		_exit(*dd == 77 ? 0 : 1);
	report(still_blocked(pid, 300) && !kill(pid, SIGKILL) &&
	       child_status(pid) == 128 + SIGKILL,
	       "data-driven: a waiting fault is killable");
}

static int wait_for(void *p, unsigned int ms)
{
	struct mether_wait w = { .addr = (unsigned long)p, .timeout_ms = ms };

	return ioctl(fd, METHER_IOC_WAIT, &w);
}

/* METHER_IOC_WAIT: a fault's wait, with errors instead of SIGBUS. */
static void test_wait(void)
{
	char *full = view(ro, 14, METHER_VIEW_FULL_DEMAND);
	char *data = view(ro, 14, METHER_VIEW_FULL_DATA);
	struct mether_wait w = { .addr = (unsigned long)full, .reserved = 1 };
	struct mether_page_state st;
	pid_t pid;

	purge(full);
	expect_errno("wait: nothing here, and no time to wait",
		     wait_for(data, 0), EAGAIN);
	expect_errno("wait: nothing passes by a data-driven view",
		     wait_for(data, 200), ETIMEDOUT);
	report(!wait_for(full, 1000) && !page_state(14, &st) &&
	       (st.inconsistent_present & 1 << METHER_SUBSET_FULL),
	       "wait: a demand-driven view fetches the page");
	report(!wait_for(data, 0),
	       "wait: ... and then a data-driven one finds it at once");

	purge(full);
	pid = fork();
	if (!pid)
		_exit(wait_for(view(ro, 14, METHER_VIEW_SHORT_DATA), 10000) ||
		      *word(ro, 14, METHER_VIEW_SHORT_DATA) != 1414);
	report(still_blocked(pid, 300), "wait: a data-driven wait blocks");
	*word(rw, 14, METHER_VIEW_FULL_DEMAND) = 1414;
	report(!purge(view(rw, 14, METHER_VIEW_SHORT_DEMAND)) &&
	       child_status(pid) == 0,
	       "wait: a PURGE of the writeable page ends it; the view maps");

	purge(full);
	pid = fork();
	if (!pid)
		_exit(wait_for(data, 60000) ? 2 : 0);
	report(still_blocked(pid, 300) && !kill(pid, SIGKILL) &&
	       child_status(pid) == 128 + SIGKILL,
	       "wait: a waiting WAIT is killable");

	expect_errno("wait: a writeable mapping",
		     wait_for(view(rw, 14, METHER_VIEW_FULL_DEMAND), 0), EINVAL);
	expect_errno("wait: an unaligned address", wait_for(full + 1, 0),
		     EINVAL);
	expect_errno("wait: a reserved field set",
		     ioctl(fd, METHER_IOC_WAIT, &w), EINVAL);
	expect_errno("wait: an address outside the space",
		     wait_for((void *)((unsigned long)&w & ~(page_size - 1)), 0),
		     ENOMEM);
}

static int purge_wait(void *publish, void *drop, void *wait, unsigned int ms)
{
	struct mether_purge_wait pw = {
		.wait = (unsigned long)wait,
		.timeout_ms = ms,
	};

	if (publish)
		pw.purge[0] = (struct mether_range){ (unsigned long)publish,
						     page_size };
	if (drop)
		pw.purge[1] = (struct mether_range){ (unsigned long)drop,
						     page_size };
	return ioctl(fd, METHER_IOC_PURGE_WAIT, &pw);
}

/* The version page @page was last published at, or 0 on an error. */
static uint64_t published(unsigned long page)
{
	struct mether_page_state st;

	return page_state(page, &st) ? 0 : st.consistent_version;
}

/* Faults on read-only mappings through @view so far, or -1 on an error. */
static int64_t read_only_faults(unsigned int view)
{
	struct mether_stats st;

	if (ioctl(fd, METHER_IOC_STATS, &st))
		return -1;
	return st.inconsistent_faults[view];
}

/* METHER_IOC_PURGE_WAIT: a turn of the final protocol in one call. */
static void test_purge_wait(void)
{
	char *mine = view(rw, 13, METHER_VIEW_SHORT_DEMAND);
	char *theirs = view(ro, 15, METHER_VIEW_SHORT_DATA);
	char *theirs_demand = view(ro, 15, METHER_VIEW_FULL_DEMAND);
	struct mether_purge_wait pw = {};
	struct mether_page_state st;
	uint64_t version;
	pid_t pid;

	purge(theirs_demand);
	version = published(13);
	pid = fork();
	if (!pid) {
		int64_t faults;

		*(volatile uint32_t *)mine = 1313;
		if (purge_wait(mine, theirs, theirs, 10000))
			_exit(1);
		/*
		 * Mapped by the call: the read after it does not fault. The
		 * count is the host's, but no other process here faults on
		 * a read-only short view meanwhile (the parent waits).
		 */
		faults = read_only_faults(METHER_VIEW_SHORT_DATA);
		if (*(volatile uint32_t *)theirs != 1515)
			_exit(2);
		if (faults < 0 ||
		    read_only_faults(METHER_VIEW_SHORT_DATA) != faults)
			_exit(3);
		/* Here at once after the call: the call waited, not the read. */
		_exit(wait_for(theirs, 0) ? 4 : 0);
	}
	report(still_blocked(pid, 300) && published(13) > version &&
	       !wait_for(view(ro, 13, METHER_VIEW_SHORT_DATA), 0) &&
	       *word(ro, 13, METHER_VIEW_SHORT_DATA) == 1313,
	       "purge-wait: publishes the first range, then waits");
	*word(rw, 15, METHER_VIEW_FULL_DEMAND) = 1515;
	report(!purge(view(rw, 15, METHER_VIEW_SHORT_DEMAND)) &&
	       child_status(pid) == 0,
	       "purge-wait: ... until the page waited for comes, and maps it: no fault to read it");
	report(!purge_wait(NULL, theirs_demand, NULL, 0) &&
	       !page_state(15, &st) && !st.inconsistent_present,
	       "purge-wait: drops the second range's copy");
	expect_errno("purge-wait: nothing passes by in time",
		     purge_wait(NULL, theirs, theirs, 200), ETIMEDOUT);

	/* Refused calls publish nothing. */
	*(volatile uint32_t *)mine = 1314;
	version = published(13);
	pw.purge[0] = (struct mether_range){ (unsigned long)mine, page_size };
	pw.purge[1] = (struct mether_range){ (unsigned long)theirs,
					     page_size + 1 };
	report(ioctl(fd, METHER_IOC_PURGE_WAIT, &pw) == -1 &&
	       errno == EINVAL && published(13) == version,
	       "purge-wait: a malformed second range: EINVAL, nothing published");
	pw.purge[1] = (struct mether_range){ (unsigned long)theirs + 8,
					     page_size };
	report(ioctl(fd, METHER_IOC_PURGE_WAIT, &pw) == -1 &&
	       errno == EINVAL && published(13) == version,
	       "purge-wait: an unaligned second range: EINVAL, nothing published");
	pw.purge[1] = (struct mether_range){ (unsigned long)theirs, 0 };
	report(ioctl(fd, METHER_IOC_PURGE_WAIT, &pw) == -1 &&
	       errno == EINVAL && published(13) == version,
	       "purge-wait: an empty range with an address: EINVAL, nothing published");
	report(purge_wait(mine, NULL, (void *)((unsigned long)&pw &
					       ~(page_size - 1)), 100) == -1 &&
	       errno == ENOMEM && published(13) == version,
	       "purge-wait: an address outside the space to wait on: ENOMEM, nothing published");
	pw.purge[1] = (struct mether_range){ 0, 0 };
	pw.reserved = 1;
	expect_errno("purge-wait: a reserved field set",
		     ioctl(fd, METHER_IOC_PURGE_WAIT, &pw), EINVAL);
	expect_errno("purge-wait: a wait in a writeable mapping",
		     purge_wait(NULL, NULL, mine, 100), EINVAL);
	expect_errno("purge-wait: an address to wait on, but no time",
		     purge_wait(NULL, NULL, theirs, 0), EINVAL);
	expect_errno("purge-wait: bad pointer",
		     ioctl(fd, METHER_IOC_PURGE_WAIT, NULL), EFAULT);
}

/*
 * The copy PURGE_WAIT maps counts as seen, as a read would have: a PURGE
 * through a data-driven view then drops it. Where the call could not
 * map it (the wait address made PROT_NONE), it stays unseen, and such a
 * PURGE keeps it for the next wait. Page 16 is this test's alone (page
 * 0, the segments' directory, is marked seen by every attach).
 */
static void test_purge_wait_seen(void)
{
	char *dd = view(ro, 16, METHER_VIEW_SHORT_DATA);
	struct mether_page_state st;
	int i, present[2];
	pid_t pid;

	for (i = 0; i < 2; i++) {
		purge(view(ro, 16, METHER_VIEW_FULL_DEMAND));
		pid = fork();
		if (!pid) {
			if (i && mprotect(dd, page_size, PROT_NONE))
				_exit(2);
			_exit(purge_wait(NULL, NULL, dd, 10000) ? 1 : 0);
		}
		*word(rw, 16, METHER_VIEW_FULL_DEMAND) = 100 + i;
		if (!still_blocked(pid, 300) ||
		    purge(view(rw, 16, METHER_VIEW_SHORT_DEMAND)) ||
		    child_status(pid) != 0) {
			present[i] = -1;
			continue;
		}
		purge(dd);
		/* Does the short subset's copy (bit 1 << SHORT) remain? */
		present[i] = page_state(16, &st) ? -1 :
			     !!(st.inconsistent_present &
				(1U << METHER_SUBSET_SHORT));
	}
	report(present[0] == 0,
	       "purge-wait: the copy it mapped counts as seen: a data-driven PURGE drops it");
	report(present[1] == 1,
	       "purge-wait: a wait address made PROT_NONE maps nothing: the copy stays unseen");
}

static volatile int dd_read_returned;

static void *dd_reader(void *arg)
{
	uint32_t v = *(volatile uint32_t *)arg;

	dd_read_returned = 1;
	return (void *)(uintptr_t)v;
}

/* munmap() and other faults go on while a thread waits on a page. */
static void test_wait_drops_mmap_lock(void)
{
	pthread_t thread;
	char *map;
	pid_t pid;
	int status;

	pid = fork();
	if (!pid) {
		map = mmap(NULL, METHER_SPACE_SIZE, PROT_READ, MAP_SHARED, fd,
			   0);
		if (map == MAP_FAILED)
			_exit(2);
		purge(view(map, 4, METHER_VIEW_FULL_DEMAND));
		pthread_create(&thread, NULL, dd_reader,
			       view(map, 4, METHER_VIEW_SHORT_DATA));
		msleep(300);
		/* The thread must really wait, or this proves nothing. */
		if (dd_read_returned)
			_exit(5);
		/* Another page faults in while the thread waits. */
		if (*word(map, 5, METHER_VIEW_FULL_DEMAND) != 0)
			_exit(3);
		if (munmap(map, METHER_SPACE_SIZE))
			_exit(4);
		if (dd_read_returned)
			_exit(6);
		_exit(0);	/* kills the waiting thread */
	}
	status = child_status(pid);
	if (status == 0)
		report(1, "data-driven: other faults and munmap() proceed while a thread waits");
	else
		report(0, "data-driven: other faults and munmap() proceed while a thread waits: child status %d (5, 6: the thread did not wait)",
		       status);
}

static void test_purge_inputs(void)
{
	struct mether_range r;
	char *plain;

	r = (struct mether_range){ (unsigned long)rw + 1, page_size };
	expect_errno("purge: unaligned address", ioctl(fd, METHER_IOC_PURGE, &r),
		     EINVAL);
	r = (struct mether_range){ (unsigned long)rw, 0 };
	expect_errno("purge: empty range", ioctl(fd, METHER_IOC_PURGE, &r),
		     EINVAL);
	r = (struct mether_range){ (unsigned long)rw, page_size + 1 };
	expect_errno("purge: length not in pages",
		     ioctl(fd, METHER_IOC_PURGE, &r), EINVAL);
	plain = mmap(NULL, page_size, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	r = (struct mether_range){ (unsigned long)plain, page_size };
	expect_errno("purge: memory that is not Mether's",
		     ioctl(fd, METHER_IOC_PURGE, &r), ENOMEM);
	munmap(plain, page_size);
	r = (struct mether_range){ (unsigned long)rw - page_size, page_size };
	expect_errno("purge: unmapped memory", ioctl(fd, METHER_IOC_PURGE, &r),
		     ENOMEM);
	r = (struct mether_range){ -(uint64_t)page_size, 2 * page_size };
	expect_errno("purge: range that wraps", ioctl(fd, METHER_IOC_PURGE, &r),
		     EINVAL);
	expect_errno("purge: bad pointer", ioctl(fd, METHER_IOC_PURGE, NULL),
		     EFAULT);
	r = (struct mether_range){ (unsigned long)view(rw, 1000000, 0),
				   page_size };
	expect_errno("purge: page beyond the space",
		     ioctl(fd, METHER_IOC_PURGE, &r), EINVAL);
	expect_errno("ioctl: unknown command",
		     ioctl(fd, _IO(METHER_IOC_MAGIC, 0x7f)), ENOTTY);
}

static void test_do_purge(void)
{
	struct mether_page_state st;
	uint64_t off = 6 * page_size;
	int sysfs, pending = 0, i;
	pid_t pid;

	expect_errno("do_purge: nothing pending",
		     ioctl(fd, METHER_IOC_DO_PURGE, &off), ENOENT);
	off = METHER_SPACE_SIZE;
	expect_errno("do_purge: offset beyond the space",
		     ioctl(fd, METHER_IOC_DO_PURGE, &off), EINVAL);
	off = 6 * page_size;

	pid = fork();
	if (!pid) {
		if (setuid(65534))
			_exit(2);
		_exit(ioctl(fd, METHER_IOC_DO_PURGE, &off) == -1 &&
		      errno == EPERM ? 0 : 1);
	}
	report(child_status(pid) == 0, "do_purge: refused without privilege");

	/* A user-level server completes the PURGE by hand. */
	sysfs = open("/sys/module/mether/parameters/kernel_server", O_WRONLY);
	if (sysfs < 0 || write(sysfs, "N", 1) != 1) {
		report(0, "do_purge: cannot turn the kernel server off");
		return;
	}
	*word(rw, 6, METHER_VIEW_FULL_DEMAND) = 66;
	pid = fork();
	if (!pid)
		_exit(purge(view(rw, 6, METHER_VIEW_FULL_DEMAND)) ? 1 : 0);
	for (i = 0; i < 100 && !pending; i++) {
		msleep(10);
		pending = !page_state(6, &st) &&
			  (st.flags & METHER_PAGE_PURGE_PENDING);
	}
	report(pending && still_blocked(pid, 300),
	       "purge: writeable PURGE sleeps while purge pending");
	report(!ioctl(fd, METHER_IOC_DO_PURGE, &off) && child_status(pid) == 0 &&
	       !page_state(6, &st) && !(st.flags & METHER_PAGE_PURGE_PENDING) &&
	       *word(ro, 6, METHER_VIEW_SHORT_DATA) == 66,
	       "do_purge: publishes, clears purge pending, wakes the PURGE");
	if (write(sysfs, "Y", 1) != 1)
		report(0, "do_purge: cannot turn the kernel server back on");
	close(sysfs);
}

static int lock(int f, void *p)
{
	uint64_t addr = (unsigned long)p;

	return ioctl(f, METHER_IOC_LOCK, &addr);
}

static int unlock(int f, void *p)
{
	uint64_t addr = (unsigned long)p;

	return ioctl(f, METHER_IOC_UNLOCK, &addr);
}

static void test_locks(void)
{
	struct mether_page_state st;
	char *full = view(rw, 7, METHER_VIEW_FULL_DEMAND);
	char *ro_full = view(ro, 8, METHER_VIEW_FULL_DEMAND);
	int other, ret, i;

	report(!lock(fd, full), "lock: consistent page");
	expect_errno("lock: twice", lock(fd, full), EBUSY);
	expect_errno("lock: its short subset too",
		     lock(fd, view(rw, 7, METHER_VIEW_SHORT_DEMAND)), EBUSY);
	other = open("/dev/mether", O_RDWR);
	expect_errno("unlock: another file's lock", unlock(other, full), EPERM);
	report(!purge(full), "purge: a locked writeable page still publishes");
	report(!unlock(fd, full), "unlock: consistent page");
	expect_errno("unlock: page not locked", unlock(fd, full), EINVAL);
	expect_errno("lock: unaligned address", lock(fd, full + 1), EINVAL);
	expect_errno("lock: address outside the space", lock(fd, rw - page_size),
		     ENOMEM);

	/* Figure 1: a lock on missing subsets fails and marks them wanted. */
	purge(ro_full);
	ret = lock(fd, ro_full);
	report(ret == -1 && errno == EAGAIN,
	       "lock: fails while subsets are missing");
	for (i = 0; i < 100 && (ret = lock(fd, ro_full)); i++)
		msleep(10);
	report(!ret, "lock: the server fetches the wanted subsets");
	expect_errno("purge: a locked read-only page is refused",
		     purge(ro_full), EBUSY);
	report(!page_state(8, &st) && st.inconsistent_locked == 3,
	       "lock: every subset of the page is locked");

	/* Locks go with the file that took them. */
	report(!lock(other, view(ro, 9, METHER_VIEW_SHORT_DEMAND)) ||
	       (msleep(100), !lock(other, view(ro, 9, METHER_VIEW_SHORT_DEMAND))),
	       "lock: short subset");
	close(other);
	report(!page_state(9, &st) && st.inconsistent_locked == 0,
	       "lock: closing the file drops its locks");
	report(!unlock(fd, ro_full), "unlock: inconsistent page");
}

/*
 * A file opened read-only maps the inconsistent copy (mmap() leaves such
 * a shared mapping VM_MAYSHARE alone), and nothing writeable.
 */
static void test_read_only_open(void)
{
	int rdonly = open("/dev/mether", O_RDONLY);
	char *map;
	void *p;

	report(rdonly >= 0, "open: O_RDONLY");
	if (rdonly < 0)
		return;
	*word(rw, 11, METHER_VIEW_FULL_DEMAND) = 1111;
	purge(view(rw, 11, METHER_VIEW_FULL_DEMAND));
	map = mmap(NULL, METHER_SPACE_SIZE, PROT_READ, MAP_SHARED, rdonly, 0);
	report(map != MAP_FAILED &&
	       *word(map, 11, METHER_VIEW_SHORT_DATA) == 1111,
	       "mmap: a read-only open maps the inconsistent copy");
	if (map != MAP_FAILED) {
		expect_errno("mprotect: ... which cannot become writeable",
			     mprotect(map, page_size, PROT_READ | PROT_WRITE),
			     EACCES);
		munmap(map, METHER_SPACE_SIZE);
	}
	p = mmap(NULL, METHER_CONSISTENT_SIZE, PROT_READ | PROT_WRITE,
		 MAP_SHARED, rdonly, 0);
	expect_errno("mmap: a read-only open maps nothing writeable",
		     p == MAP_FAILED ? -1 : 0, EACCES);
	p = mmap(NULL, page_size, PROT_READ, MAP_PRIVATE, rdonly, 0);
	expect_errno("mmap: ... nor privately", p == MAP_FAILED ? -1 : 0,
		     EINVAL);
	close(rdonly);
}

/*
 * Frames move between copies and hosts under a mapping: nothing may pin
 * one (design.rst). vmsplice() takes references with get_user_pages();
 * a copy through the mapping still works.
 */
static void test_no_pins(void)
{
	struct iovec iov = { view(rw, 12, METHER_VIEW_FULL_DEMAND), page_size };
	char buf[64];
	int pipe_fd[2];

	if (pipe(pipe_fd)) {
		report(0, "pin: pipe: %s", strerror(errno));
		return;
	}
	*word(rw, 12, METHER_VIEW_FULL_DEMAND) = 1212;
	expect_errno("pin: vmsplice of the consistent copy refused",
		     vmsplice(pipe_fd[1], &iov, 1, 0), EFAULT);
	iov.iov_base = view(ro, 12, METHER_VIEW_FULL_DEMAND);
	report(*word(ro, 12, METHER_VIEW_FULL_DEMAND) == 1212,
	       "pin: the inconsistent copy is mapped");
	expect_errno("pin: vmsplice of the inconsistent copy refused",
		     vmsplice(pipe_fd[1], &iov, 1, 0), EFAULT);
	report(write(pipe_fd[1], view(rw, 12, METHER_VIEW_FULL_DEMAND),
		     sizeof(buf)) == sizeof(buf) &&
	       read(pipe_fd[0], buf, sizeof(buf)) == sizeof(buf) &&
	       *(uint32_t *)buf == 1212,
	       "pin: write() from a page still copies it");
	close(pipe_fd[0]);
	close(pipe_fd[1]);
}

static void test_fork(void)
{
	pid_t pid = fork();

	if (!pid) {
		*word(rw, 10, METHER_VIEW_FULL_DEMAND) = 1010;
		_exit(0);
	}
	report(child_status(pid) == 0 &&
	       *word(rw, 10, METHER_VIEW_FULL_DEMAND) == 1010,
	       "fork: child and parent share the consistent copy");
}

/*
 * STATS, PEERS and STATUS answer any size from METHER_READ_SIZE_MIN up
 * (the uapi header): a program of an older header (a smaller struct) gets
 * the bytes it knows, one of a newer (a bigger struct) zeros past the
 * module's. Fields that do not move while nobody works are compared.
 */
static void test_growing_reads(void)
{
	const size_t size = sizeof(struct mether_status);
	unsigned char full[sizeof(struct mether_status)];
	unsigned char big[sizeof(struct mether_status) + 64];
	unsigned char small[METHER_READ_SIZE_MIN + 16];
	unsigned int nr = _IOC_NR(METHER_IOC_STATUS);
	size_t i;
	int zeros = 1;

	memset(full, 0xa5, sizeof(full));
	report(!ioctl(fd, METHER_IOC_STATUS, full),
	       "STATUS with the header's size");
	memset(small, 0xa5, sizeof(small));
	report(!ioctl(fd, _IOC(_IOC_READ, METHER_IOC_MAGIC, nr, 16), small) &&
	       !memcmp(small, full, 16) && small[16] == 0xa5,
	       "STATUS of an older, smaller struct: the bytes it knows, no more");
	memset(big, 0xa5, sizeof(big));
	report(!ioctl(fd, _IOC(_IOC_READ, METHER_IOC_MAGIC, nr, sizeof(big)),
		       big) && !memcmp(big, full, size),
	       "STATUS of a newer, bigger struct: the module's bytes ...");
	for (i = size; i < sizeof(big); i++)
		zeros &= big[i] == 0;
	report(zeros, "... and zeros past them");
	expect_errno("STATUS of fewer bytes than METHER_READ_SIZE_MIN",
		     ioctl(fd, _IOC(_IOC_READ, METHER_IOC_MAGIC, nr,
				    METHER_READ_SIZE_MIN - 1), small), ENOTTY);
	expect_errno("STATUS written to, not read", ioctl(fd,
		     _IOC(_IOC_WRITE, METHER_IOC_MAGIC, nr, size), full),
		     ENOTTY);
	report(!ioctl(fd, _IOC(_IOC_READ, METHER_IOC_MAGIC,
			       _IOC_NR(METHER_IOC_STATS), 64), big) &&
	       !ioctl(fd, _IOC(_IOC_READ, METHER_IOC_MAGIC,
			       _IOC_NR(METHER_IOC_PEERS), 8), small),
	       "STATS and PEERS of older, smaller structs");
}

int main(void)
{
	page_size = sysconf(_SC_PAGESIZE);
	fd = open("/dev/mether", O_RDWR);
	if (fd < 0) {
		printf("not ok open /dev/mether: %s\n", strerror(errno));
		return 1;
	}
	rw = mmap(NULL, METHER_CONSISTENT_SIZE, PROT_READ | PROT_WRITE,
		  MAP_SHARED, fd, 0);
	ro = mmap(NULL, METHER_SPACE_SIZE, PROT_READ, MAP_SHARED, fd, 0);
	if (rw == MAP_FAILED || ro == MAP_FAILED) {
		printf("not ok mmap the whole space: %s\n", strerror(errno));
		return 1;
	}

	test_mappings();
	test_views();
	test_data_driven();
	test_wait();
	test_purge_wait();
	test_purge_wait_seen();
	test_wait_drops_mmap_lock();
	test_purge_inputs();
	test_do_purge();
	test_locks();
	test_read_only_open();
	test_no_pins();
	test_fork();
	test_growing_reads();
	return test_finish();
}
