// SPDX-License-Identifier: LGPL-2.1
/*
 * libmether pipes: the paper's send and receive for the sparse solver
 * ("A Sample User Protocol"). Each end writes one page, its consistent
 * copy, and reads the other end's page through inconsistent views. A
 * write may proceed when the peer's ReadGeneration has caught up with
 * our WriteGeneration; a read when the peer's WriteGeneration is ahead
 * of our ReadGeneration. Messages of up to 16 bytes travel in the short
 * page (one 92-byte packet); longer ones in the full page.
 *
 * Every wait is bounded (mether_pipe_set_timeout()), and pages are
 * fetched with METHER_IOC_WAIT before they are touched, so a peer that is
 * gone ends a call with an error, never a hang or SIGBUS.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>

#include "libmether.h"

/*
 * The page each end writes; the first 32 bytes are its short page. A
 * short copy that arrives is laid over the rest of an older full copy,
 * so a long message carries its generation again past the short page:
 * @data_generation matches only in a full copy of that message. A long
 * message also says how long the csend() message it begins is, so that
 * crecv() can refuse a buffer too small before it takes anything.
 */
struct mether_pipe_page {
	uint32_t write_generation;
	uint32_t write_size;
	uint32_t read_generation;
	uint32_t read_size;
	uint8_t short_data[16];
	uint32_t data_generation;
	uint32_t message_size;
	uint8_t data[];
};

#define PIPE_SHORT_MAX	sizeof(((struct mether_pipe_page *)0)->short_data)

struct mether_pipe {
	struct mether *m;
	unsigned int timeout_ms;
	volatile struct mether_pipe_page *mine_full, *mine_short;
	volatile struct mether_pipe_page *peer_full, *peer_short, *peer_wait;
	volatile struct mether_pipe_page *peer_full_wait;
};

static volatile struct mether_pipe_page *
pipe_page(struct mether *m, uint64_t page, unsigned int view,
	  enum mether_copy copy)
{
	return mether_page(m, page, view, copy);
}

struct mether_pipe *mether_pipe_open(struct mether *m, uint64_t first,
				     unsigned int end)
{
	uint64_t mine = first + end, peer = first + !end;
	struct mether_pipe *p;

	/*
	 * Both pages in what @m maps (a segment's pages, for a segment),
	 * and never the directory's, which a pipe would overwrite.
	 */
	if (end > 1 || first < m->first || m->count < 2 ||
	    first - m->first > m->count - 2 ||
	    first <= METHER_DIRECTORY_PAGE) {
		errno = EINVAL;
		return NULL;
	}
	if (!(m->rights & METHER_SEGMENT_WRITE)) {
		errno = EACCES;
		return NULL;
	}
	p = calloc(1, sizeof(*p));
	if (!p)
		return NULL;
	p->m = m;
	p->timeout_ms = METHER_PIPE_TIMEOUT_MS;
	p->mine_full = pipe_page(m, mine, METHER_VIEW_FULL_DEMAND,
				 METHER_COPY_CONSISTENT);
	p->mine_short = pipe_page(m, mine, METHER_VIEW_SHORT_DEMAND,
				  METHER_COPY_CONSISTENT);
	p->peer_full = pipe_page(m, peer, METHER_VIEW_FULL_DEMAND,
				 METHER_COPY_INCONSISTENT);
	p->peer_short = pipe_page(m, peer, METHER_VIEW_SHORT_DEMAND,
				  METHER_COPY_INCONSISTENT);
	p->peer_wait = pipe_page(m, peer, METHER_VIEW_SHORT_DATA,
				 METHER_COPY_INCONSISTENT);
	p->peer_full_wait = pipe_page(m, peer, METHER_VIEW_FULL_DATA,
				      METHER_COPY_INCONSISTENT);
	if (!p->mine_full || !p->mine_short || !p->peer_full ||
	    !p->peer_short || !p->peer_wait || !p->peer_full_wait)
		goto fail;
	/* "Deal Me In": whatever copy of the peer's page we have is stale. */
	if (mether_purge(m, (const void *)p->peer_short, m->page_size))
		goto fail;
	return p;

fail:
	free(p);
	return NULL;
}

struct mether_pipe *mether_pipe_open_segment(struct mether *segment,
					     unsigned int end)
{
	if (segment->count < 2) {
		errno = EINVAL;
		return NULL;
	}
	return mether_pipe_open(segment, segment->first, end);
}

void mether_pipe_close(struct mether_pipe *p)
{
	free(p);
}

void mether_pipe_set_timeout(struct mether_pipe *p, unsigned int timeout_ms)
{
	p->timeout_ms = timeout_ms;
}

size_t mether_pipe_max_message(const struct mether_pipe *p)
{
	return p->m->page_size - sizeof(struct mether_pipe_page);
}

/* When a call that starts now must end (0: never). */
static uint64_t pipe_deadline(const struct mether_pipe *p)
{
	struct timespec now;

	if (!p->timeout_ms)
		return 0;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return now.tv_sec * 1000ULL + now.tv_nsec / 1000000 + p->timeout_ms;
}

/* Milliseconds left before @deadline; 0 when it has passed (ETIMEDOUT). */
static unsigned int pipe_left(uint64_t deadline)
{
	struct timespec now;
	uint64_t ms;

	/* No deadline: wait in slices, each ended by a reply or its loss. */
	if (!deadline)
		return 60000;
	clock_gettime(CLOCK_MONOTONIC, &now);
	ms = now.tv_sec * 1000ULL + now.tv_nsec / 1000000;
	if (ms >= deadline) {
		errno = ETIMEDOUT;
		return 0;
	}
	return deadline - ms < 60000 ? deadline - ms : 60000;
}

/*
 * Have a copy of the page @view shows before it is touched, as touching
 * it would fetch it (a demand view) or wait for it (a data-driven one),
 * but with an error where the fault would raise SIGBUS: EHOSTUNREACH
 * when its holder is gone, ETIMEDOUT when @deadline passes.
 */
static int pipe_fetch(struct mether_pipe *p, const volatile void *view,
		      uint64_t deadline)
{
	struct mether_wait w = { .addr = (uintptr_t)view };

	w.timeout_ms = pipe_left(deadline);
	if (!w.timeout_ms)
		return -1;
	return ioctl(p->m->fd, METHER_IOC_WAIT, &w);
}

/* Can we write (peer read all we wrote), or read (peer wrote more)? */
static int pipe_ready(struct mether_pipe *p,
		      volatile struct mether_pipe_page *peer, int writing)
{
	if (writing)
		return peer->read_generation == p->mine_short->write_generation;
	return peer->write_generation != p->mine_short->read_generation;
}

/*
 * Wait as the paper's reader does: look at the copy we have; drop it and
 * fetch a fresh one; then drop it and wait on the data-driven view until
 * the next version of the page passes by.
 */
static int pipe_wait(struct mether_pipe *p, int writing, uint64_t deadline)
{
	size_t size = p->m->page_size;

	for (;;) {
		if (pipe_fetch(p, p->peer_short, deadline))
			return -1;
		if (pipe_ready(p, p->peer_short, writing))
			return 0;
		if (mether_purge(p->m, (const void *)p->peer_short, size) ||
		    pipe_fetch(p, p->peer_short, deadline))
			return -1;
		if (pipe_ready(p, p->peer_short, writing))
			return 0;
		/*
		 * Through the data-driven view, the PURGE keeps a newer copy
		 * that came since we looked: the one we would wait for.
		 */
		if (mether_purge(p->m, (const void *)p->peer_wait, size))
			return -1;
		/* Nothing passed by: look again, until the deadline. */
		if (pipe_fetch(p, p->peer_wait, deadline)) {
			if (errno != ETIMEDOUT)
				return -1;
			continue;
		}
		if (pipe_ready(p, p->peer_wait, writing))
			return 0;
	}
}

static int pipe_send(struct mether_pipe *p, const void *buf, size_t len,
		     uint32_t message_size, uint64_t deadline)
{
	volatile struct mether_pipe_page *mine;

	if (pipe_wait(p, 1, deadline))
		return -1;
	/* A short message is written and published through the short view. */
	mine = len <= PIPE_SHORT_MAX ? p->mine_short : p->mine_full;
	memcpy(len <= PIPE_SHORT_MAX ? (void *)mine->short_data :
				       (void *)mine->data, buf, len);
	if (len > PIPE_SHORT_MAX) {
		mine->message_size = message_size;
		mine->data_generation = mine->write_generation + 1;
	}
	mine->write_size = len;
	/*
	 * A request can make the kernel publish the page at any moment: the
	 * new generation must not show before the data it announces.
	 */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	mine->write_generation++;
	return mether_purge(p->m, (const void *)mine, p->m->page_size);
}

int mether_pipe_send(struct mether_pipe *p, const void *buf, size_t len)
{
	if (len > mether_pipe_max_message(p)) {
		errno = EMSGSIZE;
		return -1;
	}
	return pipe_send(p, buf, len, len, pipe_deadline(p));
}

/*
 * Receive one pipe message into @buf; @message_room is the room for the
 * whole csend() message it may begin. Nothing is taken when it fails.
 */
static ssize_t pipe_recv(struct mether_pipe *p, void *buf, size_t len,
			 size_t message_room, uint64_t deadline)
{
	volatile struct mether_pipe_page *peer;
	uint32_t generation, size;

	if (pipe_wait(p, 0, deadline))
		return -1;
	peer = p->peer_short;
	generation = peer->write_generation;
	size = peer->write_size;
	if (size > mether_pipe_max_message(p)) {
		errno = EPROTO;
		return -1;
	}
	if (size > len) {
		errno = EMSGSIZE;
		return -1;
	}
	if (size <= PIPE_SHORT_MAX) {
		memcpy(buf, (const void *)peer->short_data, size);
	} else {
		/*
		 * The whole page went out with this generation: fetch it.
		 * While a full copy of an older one is all there is, wait for
		 * the next to pass by and ask again by turns: each ask is a
		 * page broadcast, but the one on its way may be lost.
		 */
		volatile struct mether_pipe_page *full = p->peer_full;

		for (;;) {
			if (pipe_fetch(p, full, deadline))
				return -1;
			if (full->data_generation == generation)
				break;
			full = full == p->peer_full ? p->peer_full_wait :
						      p->peer_full;
			if (mether_purge(p->m, (const void *)full,
					 p->m->page_size))
				return -1;
		}
		if (full->message_size > message_room) {
			errno = EMSGSIZE;
			return -1;
		}
		memcpy(buf, (const void *)full->data, size);
	}
	/* Everything is copied out before the peer may overwrite it. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	p->mine_short->read_size = size;
	p->mine_short->read_generation = generation;
	if (mether_purge(p->m, (const void *)p->mine_short, p->m->page_size))
		return -1;
	return size;
}

ssize_t mether_pipe_recv(struct mether_pipe *p, void *buf, size_t len)
{
	/* A piece of a csend() message is a message here. */
	return pipe_recv(p, buf, len, SIZE_MAX, pipe_deadline(p));
}

/*
 * csend/crecv: a message of any length as pipe messages of the largest
 * size; the last one is shorter (empty when the length is a multiple).
 * Each chunk waits for the peer to take the one before: the peer must be
 * receiving, and each chunk has the whole timeout.
 */
int mether_csend(struct mether_pipe *p, const void *buf, size_t len)
{
	size_t max = mether_pipe_max_message(p), chunk;
	uint32_t message_size = len;
	const char *c = buf;

	if (len > UINT32_MAX) {
		errno = EMSGSIZE;
		return -1;
	}
	for (;;) {
		chunk = len < max ? len : max;
		if (pipe_send(p, c, chunk, message_size, pipe_deadline(p)))
			return -1;
		if (chunk < max)
			return 0;
		c += chunk;
		len -= chunk;
	}
}

ssize_t mether_crecv(struct mether_pipe *p, void *buf, size_t len)
{
	size_t max = mether_pipe_max_message(p), got = 0;
	char *c = buf;
	ssize_t n;

	for (;;) {
		/*
		 * The first chunk says how long the message is: a buffer too
		 * small is refused before anything is taken.
		 */
		n = pipe_recv(p, c + got, len - got < max ? len - got : max,
			      got ? SIZE_MAX : len, pipe_deadline(p));
		if (n < 0)
			return -1;
		got += n;
		if ((size_t)n < max)
			return got;
	}
}
