// SPDX-License-Identifier: GPL-2.0
/*
 * mether-segment-test: named segments and capabilities, as a process
 * without privileges sees them.
 *
 *	mether-segment-test check NAME RW_CAP R_CAP
 *	mether-segment-test write NAME CAP VALUE
 *	mether-segment-test read NAME CAP
 *	mether-segment-test pipe NAME CAP 0|1 [WINDOW]
 *
 * Every mode first drops to user and group 65534 (nobody), so the files
 * it opens are restricted. check prints its checks as kselftest's TAP
 * (test_report.h) and exits 1 if any failed; write stores VALUE in the
 * first word of the segment's first page and publishes it (with a
 * read-only capability it tries a writeable mapping itself, and says
 * what the kernel answered); read prints that word from a freshly
 * fetched inconsistent copy; pipe opens a pipe by the
 * segment's name (with a WINDOW, a window pipe on the segment's first
 * pages): end 0 sends a greeting and prints the answer, end 1 answers
 * what it got, reversed.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../lib/libmether.h"
#include "test_report.h"

/* Did @call fail with @err? */
static int refused(int call_failed, int err)
{
	return call_failed && errno == err;
}

static void drop_privileges(void)
{
	if (setgid(65534) || setuid(65534)) {
		perror("mether-segment-test: dropping to nobody");
		exit(2);
	}
}

static void check(const char *name, const char *rw_cap, const char *r_cap)
{
	char forged[METHER_CAPABILITY_LEN];
	struct mether *m, *r;
	volatile uint32_t *w;
	void *p;

	struct mether_segment seg = { .first = 1, .pages = 1,
				      .rights = METHER_SEGMENT_READ };
	struct mether_up_keyed keyed;
	struct mether_key key;
	int fd;

	memset(&key, 0, sizeof(key));
	memset(&keyed, 0, sizeof(keyed));
	/* The right generation, one bit of the token changed. */
	snprintf(forged, sizeof(forged), "%s", rw_cap);
	forged[strlen(forged) - 1] = forged[strlen(forged) - 1] == '0' ?
				     '1' : '0';

	m = mether_open(NULL);
	report(!m && errno == EACCES,
	       "a restricted file cannot map the whole space");
	mether_close(m);
	fd = open("/dev/mether", O_RDWR);
	strncpy(seg.name, name, sizeof(seg.name) - 1);
	report(refused(ioctl(fd, METHER_IOC_SEGMENT_GRANT, &seg), EPERM),
	       "a user cannot mint a capability");
	report(refused(ioctl(fd, METHER_IOC_SET_KEY, &key), EPERM),
	       "a user cannot set the key");
	report(refused(ioctl(fd, METHER_IOC_UP_KEYED, &keyed), EPERM),
	       "a user cannot bring the host up with a key");
	close(fd);

	m = mether_segment_open(NULL, name, forged);
	report(!m && errno == EACCES, "a forged token is refused");
	mether_close(m);
	m = mether_segment_open(NULL, "no-such-segment", rw_cap);
	report(!m && errno == ENOENT, "an unknown name is ENOENT");
	mether_close(m);
	m = mether_segment_open(NULL, name, "rw-xyz");
	report(!m && errno == EINVAL, "a malformed capability is EINVAL");
	mether_close(m);

	/* A read capability's token does not prove the write right. */
	m = mether_segment_open(NULL, name, r_cap);
	report(m != NULL, "the read capability opens the segment");
	if (!m)
		return;
	report(!mether_segment_page(m, 0, METHER_VIEW_FULL_DEMAND,
				    METHER_COPY_CONSISTENT),
	       "... without a consistent copy");
	p = mmap(NULL, m->page_size, PROT_READ | PROT_WRITE, MAP_SHARED, m->fd,
		 m->first * m->page_size);
	report(p == MAP_FAILED && errno == EACCES,
	       "... and the kernel refuses a writeable mapping");
	report(!mether_pipe_open_segment(m, 0) && errno == EACCES,
	       "... and a pipe on it is refused (EACCES)");
	/* Refused before the kernel is asked (which would say EPERM). */
	report(mether_segment_grant(m, name, METHER_SEGMENT_WRITE, forged,
				    sizeof(forged)) == -1 && errno == EINVAL,
	       "a write-only grant is refused (EINVAL)");
	r = m;

	m = mether_segment_open(NULL, name, rw_cap);
	report(m != NULL, "the read-write capability opens the segment");
	if (!m)
		goto out;
	p = mmap(NULL, m->page_size, PROT_READ, MAP_SHARED, m->fd,
		 (m->first + m->count) * m->page_size);
	report(p == MAP_FAILED && errno == EACCES,
	       "a page past the segment cannot be mapped");
	p = mmap(NULL, m->page_size, PROT_READ, MAP_SHARED, m->fd,
		 (m->first + m->count - 1) * m->page_size);
	report(p != MAP_FAILED, "its last page can");
	report(!mether_pipe_open(m, m->first + m->count - 1, 0) &&
	       errno == EINVAL,
	       "a pipe that would run past the segment is refused (EINVAL)");
	report(mether_pipe_pages(4) > m->count &&
	       !mether_pipe_open_window(m, m->first, 0, 4) && errno == EINVAL,
	       "... and a window pipe larger than the segment (EINVAL)");
	if (p != MAP_FAILED)
		munmap(p, m->page_size);
	/* The directory is everybody's: a user may read it, not freeze it. */
	p = mmap(NULL, m->page_size, PROT_READ, MAP_SHARED, m->fd, 0);
	report(p != MAP_FAILED, "the directory page can be mapped read-only");
	if (p != MAP_FAILED) {
		uint64_t addr = (uintptr_t)p;

		report(refused(ioctl(m->fd, METHER_IOC_LOCK, &addr), EACCES),
		       "... but a restricted file cannot lock it (EACCES)");
		munmap(p, m->page_size);
	}
	report(refused(mether_segment_create(m, "x", 1), EPERM),
	       "a segment's handle cannot create segments");

	w = mether_segment_page(m, 0, METHER_VIEW_SHORT_DEMAND,
				METHER_COPY_CONSISTENT);
	*w = 0x5e9;
	report(!mether_purge(m, (const void *)w, m->page_size),
	       "a write to the segment is published");
	report(!mether_purge(r, mether_segment_page(r, 0,
						    METHER_VIEW_FULL_DEMAND,
						    METHER_COPY_INCONSISTENT),
			     r->page_size) &&
	       *(volatile uint32_t *)mether_segment_page(r, 0,
					METHER_VIEW_SHORT_DEMAND,
					METHER_COPY_INCONSISTENT) == 0x5e9,
	       "the reader sees it");
	mether_close(m);
out:
	mether_close(r);
}

static volatile uint32_t *first_word(struct mether *m, enum mether_copy copy)
{
	return mether_segment_page(m, 0, METHER_VIEW_SHORT_DEMAND, copy);
}

static int pipe_end(struct mether *m, unsigned int end, unsigned int window)
{
	static const char hello[] = "hello through a named pipe";
	struct mether_pipe *p = window ?
		mether_pipe_open_window(m, m->first, end, window) :
		mether_pipe_open_segment(m, end);
	char buf[64];
	ssize_t n, i;

	if (!p) {
		perror("mether-segment-test: pipe");
		return 1;
	}
	if (end == 0) {
		if (mether_csend(p, hello, sizeof(hello)) < 0 ||
		    (n = mether_crecv(p, buf, sizeof(buf) - 1)) < 0)
			return 1;
		buf[n] = 0;
		printf("%s\n", buf);
	} else {
		n = mether_crecv(p, buf, sizeof(buf));
		if (n <= 0)
			return 1;
		for (i = 0; i < n / 2; i++) {	/* keep the NUL last */
			char c = buf[i];

			buf[i] = buf[n - 2 - i];
			buf[n - 2 - i] = c;
		}
		if (mether_csend(p, buf, n) < 0)
			return 1;
	}
	mether_pipe_close(p);
	return 0;
}

int main(int argc, char **argv)
{
	struct mether *m;

	drop_privileges();
	if (argc == 5 && !strcmp(argv[1], "check")) {
		check(argv[2], argv[3], argv[4]);
		return test_finish();
	}
	if (argc < 4 || argc > 6)
		goto usage;
	m = mether_segment_open(NULL, argv[2], argv[3]);
	if (!m) {
		perror("mether-segment-test: open");
		return 1;
	}
	if (argc == 5 && !strcmp(argv[1], "write")) {
		if (!first_word(m, METHER_COPY_CONSISTENT)) {
			/* libmether mapped no consistent copy: would the
			 * kernel map one?
			 */
			void *p = mmap(NULL, m->page_size,
				       PROT_READ | PROT_WRITE, MAP_SHARED,
				       m->fd, m->first * m->page_size);

			if (p != MAP_FAILED) {
				fprintf(stderr, "mether-segment-test: %s: read-only, but the kernel maps it writeable\n",
					argv[2]);
				return 3;
			}
			fprintf(stderr, "mether-segment-test: %s: read-only: the kernel refuses a writeable mapping: %s\n",
				argv[2], strerror(errno));
			return 1;
		}
		*first_word(m, METHER_COPY_CONSISTENT) = strtoul(argv[4], NULL, 0);
		if (mether_purge(m, (const void *)first_word(m,
						METHER_COPY_CONSISTENT),
				 m->page_size)) {
			perror("mether-segment-test: purge");
			return 1;
		}
	} else if ((argc == 5 || argc == 6) && !strcmp(argv[1], "pipe")) {
		return pipe_end(m, strtoul(argv[4], NULL, 0),
				argc == 6 ? strtoul(argv[5], NULL, 0) : 0);
	} else if (argc == 4 && !strcmp(argv[1], "read")) {
		/* Drop a stale copy: the next read fetches the newest. */
		if (mether_purge(m, (const void *)first_word(m,
						METHER_COPY_INCONSISTENT),
				 m->page_size)) {
			perror("mether-segment-test: purge");
			return 1;
		}
		printf("%u\n", *first_word(m, METHER_COPY_INCONSISTENT));
	} else {
		goto usage;
	}
	mether_close(m);
	return 0;
usage:
	fprintf(stderr, "usage: mether-segment-test check NAME RW_CAP R_CAP\n"
			"       mether-segment-test write NAME CAP VALUE\n"
			"       mether-segment-test read NAME CAP\n"
			"       mether-segment-test pipe NAME CAP 0|1 [WINDOW]\n");
	return 2;
}
