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
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "libmether.h"

/*
 * The page each end writes; the first 32 bytes are its short page. A
 * short copy that arrives is laid over the rest of an older full copy,
 * so a long message carries its generation again past the short page:
 * @data_generation matches only in a full copy of that message. A long
 * message also says how long the csend() message it begins is, so that
 * crecv() can refuse a buffer too small before it takes anything.
 *
 * @session is drawn when the end opens the pipe, and its stream's
 * generations count on from it; @peer_session is the peer's as this end
 * last saw it. The paper's page had a ReadSize where @session is: nothing
 * read it.
 */
struct mether_pipe_page {
	uint32_t write_generation;
	uint32_t write_size;
	uint32_t read_generation;
	uint32_t session;
	uint8_t short_data[16];
	uint32_t data_generation;
	uint32_t message_size;
	uint32_t peer_session;
	uint8_t data[];
};

#define PIPE_SHORT_MAX	sizeof(((struct mether_pipe_page *)0)->short_data)
/* In write_size: a later piece of a csend() message. */
#define PIPE_CONTINUED	0x80000000U

/*
 * What a receive takes: any message, or pieces of csend() messages: the
 * first piece of one (skipping what is left of a message a csend() gave
 * up on part-way), or a later piece (EPROTO for any other: the message
 * was cut short, and what follows stays for the next receive).
 */
enum pipe_take { PIPE_ANY, PIPE_FIRST_PIECE, PIPE_NEXT_PIECE };

/*
 * A pipe with a window (mether_pipe_open_window(), K > 1): each end owns
 * a control page and a ring of K data pages, and reads the peer's
 * through its inconsistent views. Page number n of an end's stream goes
 * to slot n % K; @generation (n + 1) opens it and is repeated in the
 * page's last bytes, so a copy whose header and end disagree (torn, or
 * short laid over an older full one) is never read. Records follow the
 * header: struct ring_record, then the data, padded to 4 bytes.
 */
struct ring_head {
	uint32_t generation;
	uint32_t used;		/* bytes of records after this header */
	uint32_t session;	/* the writer's */
};

/* A data page's last bytes: what opens it, again. */
struct ring_tail {
	uint32_t session;
	uint32_t generation;
};

struct ring_record {
	uint32_t len;		/* | RING_CONTINUED */
	uint32_t message_size;	/* of the csend() message it is a piece of */
};

/*
 * The short page of an end's control page: all the peer needs to know of
 * it, published on its own (32 bytes). Counts are of pages, modulo 2^32.
 */
struct ring_control {
	uint32_t taken;		/* the peer's pages this end has read */
	uint32_t want;		/* 1 + the peer's page it last waited for */
	uint32_t stuck;		/* 1 + its own page it last needed room for */
	uint32_t published;	/* its own pages published */
	uint32_t offset;	/* bytes read of the peer's page @taken */
	uint32_t session;	/* drawn when this end opened the pipe */
	uint32_t peer_session;	/* the peer's, as this end last saw it */
};

_Static_assert(sizeof(struct ring_control) <= METHER_SHORT_SIZE,
	       "a control page's short page holds all the peer reads of it");

#define RING_TAIL	sizeof(struct ring_tail)
/* In ring_record.len: a later piece of a csend() message. */
#define RING_CONTINUED	0x80000000U
#define RING_ALIGN	4U
#define RING_WINDOW_MAX	1024U
/* A wait says again what it waits for after this long without it. */
#define PIPE_SLICE_MS	1000U
/* The writer looks whether to publish once each this many records. */
#define RING_LOOK_EVERY	16U
/* A csend() piece is not cut smaller than this to fill a page's end. */
#define RING_PIECE_MIN	256U

struct mether_ring {
	unsigned int window;
	uint64_t mine, peer;	/* control pages; the ring follows each */
	uint32_t fill;		/* bytes of records in the page filling */
	uint32_t records;	/* in it */
	uint32_t told;		/* what our control page last said we took */
	uint32_t told_want;	/* and that we wanted */
	uint32_t told_stuck;	/* and that we waited for room */
	uint32_t told_peer;	/* and the peer's session it saw */
	uint32_t session;	/* ours */
	uint32_t peer_session;	/* the peer's, once joined (0: not yet) */
};

struct mether_pipe {
	struct mether *m;
	unsigned int timeout_ms;
	uint32_t session;	/* the paper's pipe: ours */
	uint32_t peer;		/* and the peer's, once joined (0: not yet) */
	struct mether_ring *ring;	/* NULL: the paper's two pages */
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

/*
 * May end @end of a pipe of @span pages from @first be opened on @m? All
 * its pages in what @m maps (a segment's pages, for a segment), never
 * the directory's, which a pipe would overwrite, and the right to write.
 */
static int pipe_may_open(const struct mether *m, uint64_t first,
			 unsigned int end, uint64_t span)
{
	if (!span || end > 1 || first < m->first || m->count < span ||
	    first - m->first > m->count - span ||
	    first <= METHER_DIRECTORY_PAGE) {
		errno = EINVAL;
		return -1;
	}
	if (!(m->rights & METHER_SEGMENT_WRITE)) {
		errno = EACCES;
		return -1;
	}
	return 0;
}

/*
 * A session number for an end that opens a pipe: never 0 (none yet), nor
 * @old, the one its page holds from an earlier open.
 */
static uint32_t pipe_new_session(uint32_t old)
{
	struct timespec now;
	uint32_t session = 0;

	while (!session || session == old) {
		if (getrandom(&session, sizeof(session), 0) ==
		    sizeof(session))
			continue;
		/* No getrandom(): unpredictable is not needed, only new. */
		clock_gettime(CLOCK_MONOTONIC, &now);
		session ^= now.tv_nsec ^ (uint32_t)now.tv_sec * 2654435761U ^
			   (uint32_t)getpid() << 16;
	}
	return session;
}

/*
 * A pipe starts clean: each end draws a session number when it opens,
 * and nothing the peer wrote in another session is read. The ends join
 * in their first calls: each notes the peer's session in its own page,
 * and takes the peer as joined once the peer's page shows ours there
 * (so what it shows was written after we opened). A peer that opens the
 * pipe again after that ends our calls with ECONNRESET.
 */
struct mether_pipe *mether_pipe_open(struct mether *m, uint64_t first,
				     unsigned int end)
{
	uint64_t mine = first + end, peer = first + !end;
	struct mether_pipe *p;

	if (pipe_may_open(m, first, end, 2))
		return NULL;
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
	/*
	 * Our stream counts on from the session: nothing sent, nothing read.
	 * The kernel may publish the page between any two stores: a copy
	 * shows the old session with the old fields, none (0: a peer joined
	 * to the old one gets ECONNRESET), or the new one with all of them.
	 */
	p->session = pipe_new_session(p->mine_full->session);
	p->mine_full->session = 0;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	p->mine_full->write_generation = p->session;
	p->mine_full->write_size = 0;
	p->mine_full->read_generation = 0;
	p->mine_full->data_generation = p->session;
	p->mine_full->peer_session = 0;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	p->mine_full->session = p->session;
	/* "Deal Me In": whatever copy of the peer's page we have is stale. */
	if (mether_purge(m, (const void *)p->mine_full, m->page_size) ||
	    mether_purge(m, (const void *)p->peer_short, m->page_size))
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

void mether_pipe_set_timeout(struct mether_pipe *p, unsigned int timeout_ms)
{
	p->timeout_ms = timeout_ms;
}

size_t mether_pipe_max_message(const struct mether_pipe *p)
{
	if (p->ring)
		return p->m->page_size - sizeof(struct ring_head) -
		       sizeof(struct ring_record) - RING_TAIL;
	return p->m->page_size - sizeof(struct mether_pipe_page);
}

/* When a call that starts now must end (0: never). */
static uint64_t pipe_now_ms(void)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return now.tv_sec * 1000ULL + now.tv_nsec / 1000000;
}

static uint64_t pipe_deadline(const struct mether_pipe *p)
{
	if (!p->timeout_ms)
		return 0;
	return pipe_now_ms() + p->timeout_ms;
}

/* Milliseconds left before @deadline; 0 when it has passed (ETIMEDOUT). */
static unsigned int pipe_left(uint64_t deadline)
{
	uint64_t ms;

	/* No deadline: wait in slices, each ended by a reply or its loss. */
	if (!deadline)
		return 60000;
	ms = pipe_now_ms();
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

/* As pipe_fetch(), but for at most PIPE_SLICE_MS. */
static int pipe_fetch_slice(struct mether_pipe *p, const volatile void *view,
			    uint64_t deadline)
{
	struct mether_wait w = { .addr = (uintptr_t)view };

	w.timeout_ms = pipe_left(deadline);
	if (!w.timeout_ms)
		return -1;
	if (w.timeout_ms > PIPE_SLICE_MS)
		w.timeout_ms = PIPE_SLICE_MS;
	return ioctl(p->m->fd, METHER_IOC_WAIT, &w);
}

/*
 * Can we write (peer read all we wrote), or read (peer wrote more)?
 * -1 (ECONNRESET) when the peer opened the pipe again since we joined.
 */
static int pipe_ready(struct mether_pipe *p,
		      volatile struct mether_pipe_page *peer, int writing)
{
	if (peer->session != p->peer) {
		errno = ECONNRESET;
		return -1;
	}
	if (writing)
		return peer->read_generation == p->mine_short->write_generation;
	return peer->write_generation != p->mine_short->read_generation;
}

/*
 * Join the peer (see mether_pipe_open()): look at its whole page, note
 * its session in ours, and publish ours when that changed; joined when
 * its page shows our session. Else wait on the short data-driven view
 * for its next copy to pass by, a slice at most (the kernel's asks then
 * cost 32 bytes, and a lost one is repaired even with
 * data_driven_timeout_ms=0), and look afresh.
 */
static int paper_join(struct mether_pipe *p, uint64_t deadline)
{
	volatile struct mether_pipe_page *mine = p->mine_full;
	size_t size = p->m->page_size;
	uint32_t session, echo;

	while (!p->peer) {
		if (pipe_fetch(p, p->peer_full, deadline))
			return -1;
		/*
		 * A copy that comes between two loads replaces the one the
		 * first was from: the two fields must be of one copy.
		 */
		session = p->peer_full->session;
		echo = p->peer_full->peer_session;
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		if (p->peer_full->session != session)
			continue;
		if (session && mine->peer_session != session) {
			mine->peer_session = session;
			if (mether_purge(p->m, (const void *)mine, size))
				return -1;
		}
		if (session && echo == p->session) {
			/* Nothing of its stream, which starts there, read. */
			mine->read_generation = session;
			p->peer = session;
			return mether_purge(p->m, (const void *)p->mine_short,
					    size);
		}
		if (mether_purge(p->m, (const void *)p->peer_wait, size))
			return -1;
		if (pipe_fetch_slice(p, p->peer_wait, deadline) &&
		    errno != ETIMEDOUT)
			return -1;
		/* Look afresh: a copy of the whole page, from its holder. */
		if (mether_purge(p->m, (const void *)p->peer_full, size))
			return -1;
	}
	return 0;
}

/*
 * Wait as the paper's reader does: look at the copy we have; drop it and
 * fetch a fresh one; then drop it and wait on the data-driven view until
 * the next version of the page passes by.
 */
static int pipe_wait(struct mether_pipe *p, int writing, uint64_t deadline)
{
	size_t size = p->m->page_size;
	int ready;

	/* The first message goes before the peer is there to read it. */
	if (writing && !p->peer &&
	    p->mine_short->write_generation == p->session)
		return 0;
	if (paper_join(p, deadline))
		return -1;
	for (;;) {
		if (pipe_fetch(p, p->peer_short, deadline))
			return -1;
		ready = pipe_ready(p, p->peer_short, writing);
		if (ready)
			return ready < 0 ? -1 : 0;
		if (mether_purge(p->m, (const void *)p->peer_short, size) ||
		    pipe_fetch(p, p->peer_short, deadline))
			return -1;
		ready = pipe_ready(p, p->peer_short, writing);
		if (ready)
			return ready < 0 ? -1 : 0;
		/*
		 * Through the data-driven view, the PURGE keeps a newer copy
		 * that came since we looked: the one we would wait for.
		 */
		if (mether_purge(p->m, (const void *)p->peer_wait, size))
			return -1;
		/*
		 * Nothing passed by in a slice: look again, asking the holder
		 * (which repairs a lost copy even with
		 * data_driven_timeout_ms=0), until the deadline.
		 */
		if (pipe_fetch_slice(p, p->peer_wait, deadline)) {
			if (errno != ETIMEDOUT)
				return -1;
			continue;
		}
		ready = pipe_ready(p, p->peer_wait, writing);
		if (ready)
			return ready < 0 ? -1 : 0;
	}
}

static int paper_send(struct mether_pipe *p, const void *buf, size_t len,
		      uint32_t message_size, int continued, uint64_t deadline)
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
	mine->write_size = len | (continued ? PIPE_CONTINUED : 0);
	/*
	 * A request can make the kernel publish the page at any moment: the
	 * new generation must not show before the data it announces.
	 */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	mine->write_generation++;
	return mether_purge(p->m, (const void *)mine, p->m->page_size);
}

/* Say that we took the peer's message @generation. */
static int paper_took(struct mether_pipe *p, uint32_t generation)
{
	/* Everything is copied out before the peer may overwrite it. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	p->mine_short->read_generation = generation;
	return mether_purge(p->m, (const void *)p->mine_short,
			    p->m->page_size);
}

/*
 * Does the peer's page still show message @generation of the session we
 * joined, now that it is read? A copy that came meanwhile may have
 * replaced the one it was read from: if the peer opened the pipe again,
 * what was read is not its (ECONNRESET, nothing taken).
 */
static int paper_still(struct mether_pipe *p, uint32_t generation)
{
	/* A new copy is here already: touching the view maps it. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (p->peer_short->session == p->peer &&
	    p->peer_short->write_generation == generation)
		return 0;
	errno = ECONNRESET;
	return -1;
}

/* A message read that ends in the error @err: unless it changed (ECONNRESET). */
static int paper_bad(struct mether_pipe *p, uint32_t generation, int err)
{
	if (!paper_still(p, generation))
		errno = err;
	return -1;
}

/*
 * Receive one pipe message into @buf, as @take says; @message_room is
 * the room for the whole csend() message it may begin. Nothing is taken
 * when it fails.
 */
static ssize_t paper_recv(struct mether_pipe *p, void *buf, size_t len,
			  size_t message_room, uint64_t deadline,
			  enum pipe_take take)
{
	volatile struct mether_pipe_page *peer;
	uint32_t generation, size;
	int continued;

	for (;;) {
		if (pipe_wait(p, 0, deadline))
			return -1;
		peer = p->peer_short;
		generation = peer->write_generation;
		size = peer->write_size;
		continued = !!(size & PIPE_CONTINUED);
		size &= ~PIPE_CONTINUED;
		if (size > mether_pipe_max_message(p) ||
		    (take == PIPE_NEXT_PIECE && !continued))
			return paper_bad(p, generation, EPROTO);
		if (!(take == PIPE_FIRST_PIECE && continued))
			break;
		/* A piece of a message given up on: skip it. */
		if (paper_still(p, generation) ||
		    paper_took(p, generation))
			return -1;
	}
	if (size > len)
		return paper_bad(p, generation, EMSGSIZE);
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
			if (full->session != p->peer) {
				errno = ECONNRESET;
				return -1;
			}
			if (full->data_generation == generation)
				break;
			full = full == p->peer_full ? p->peer_full_wait :
						      p->peer_full;
			if (mether_purge(p->m, (const void *)full,
					 p->m->page_size))
				return -1;
		}
		if (full->message_size > message_room)
			return paper_bad(p, generation, EMSGSIZE);
		memcpy(buf, (const void *)full->data, size);
	}
	if (paper_still(p, generation) ||
	    paper_took(p, generation))
		return -1;
	return size;
}

/*
 * Pipes with a window: the ring. Page n of an end's stream lies in slot
 * n % K of its ring. The writer fills a page with records and publishes
 * it (a PURGE of its consistent copy, which every host snoops); the
 * reader reads the copies that passed by, and blocks only for a page it
 * has no whole copy of. The writer reuses a slot once the reader has
 * said (in its control page) that it took the page there.
 */

/* The control page, or slot @n's page, of this end (@mine) or the peer. */
static volatile void *ring_page(struct mether_pipe *p, int mine,
				int64_t slot_of, unsigned int view)
{
	struct mether_ring *r = p->ring;
	uint64_t page = mine ? r->mine : r->peer;

	if (slot_of >= 0)
		page += 1 + (uint32_t)slot_of % r->window;
	return mether_page(p->m, page, view, mine ? METHER_COPY_CONSISTENT :
						    METHER_COPY_INCONSISTENT);
}

static volatile struct ring_control *ring_mine(struct mether_pipe *p)
{
	return ring_page(p, 1, -1, METHER_VIEW_SHORT_DEMAND);
}

/* Does the header @head shows open the peer's page @n, of this session? */
static int ring_head_is(struct mether_pipe *p, const volatile void *head,
			uint32_t n)
{
	const volatile struct ring_head *h = head;

	return h->generation == n + 1 && h->session == p->ring->peer_session;
}

/* Does the page @head shows hold our copy, whole, of the peer's @n? */
static int ring_whole(struct mether_pipe *p, const volatile void *head,
		      uint32_t n)
{
	const volatile struct ring_tail *tail = (const volatile void *)
		((const volatile char *)head + p->m->page_size - RING_TAIL);

	return ring_head_is(p, head, n) && tail->generation == n + 1 &&
	       tail->session == p->ring->peer_session;
}

/* The peer's control page, if a copy of it is here, without asking. */
static const volatile struct ring_control *ring_peek(struct mether_pipe *p)
{
	const volatile void *peer = ring_page(p, 0, -1,
					      METHER_VIEW_SHORT_DEMAND);
	struct mether_wait w = { .addr = (uintptr_t)peer };

	return ioctl(p->m->fd, METHER_IOC_WAIT, &w) ? NULL : peer;
}

/*
 * Publish our control page if it says anything new, or, with @again,
 * anyway (the last may have been lost).
 */
static int ring_tell(struct mether_pipe *p, int again)
{
	volatile struct ring_control *me = ring_mine(p);
	struct mether_ring *r = p->ring;
	uint32_t taken = me->taken, want = me->want, stuck = me->stuck;
	uint32_t peer = me->peer_session;

	if (!again && taken == r->told && want == r->told_want &&
	    stuck == r->told_stuck && peer == r->told_peer)
		return 0;
	if (mether_purge(p->m, (const void *)me, p->m->page_size))
		return -1;
	r->told = taken;
	r->told_want = want;
	r->told_stuck = stuck;
	r->told_peer = peer;
	return 0;
}

/*
 * The peer's control page @c, as seen here (see mether_pipe_open()):
 * note its session in ours, for the next ring_tell(), and join it once
 * it shows ours. Return: 1 joined; 0 not yet; -1 (ECONNRESET) when the
 * peer opened the pipe again since we joined it.
 */
static int ring_seen(struct mether_pipe *p,
		     const volatile struct ring_control *c)
{
	struct mether_ring *r = p->ring;
	uint32_t session = c->session, echo;

	if (r->peer_session) {
		if (session == r->peer_session)
			return 1;
		errno = ECONNRESET;
		return -1;
	}
	/* Both fields of one copy: one may come between two loads. */
	echo = c->peer_session;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (!session || c->session != session)
		return 0;
	ring_mine(p)->peer_session = session;
	if (echo != r->session)
		return 0;
	r->peer_session = session;
	return 1;
}

/* As ring_wait()'s @ready: have we joined the peer? */
static int ring_joined(struct mether_pipe *p, const volatile void *page,
		       uint32_t n)
{
	(void)n;
	return ring_seen(p, page);
}

/*
 * Wait until @ready says yes (1) of the peer's page @slot_of (-1: its
 * control page), or fails (-1), as the paper's reader waits: look at our
 * copy; else say in our control page what we wait for (*@say = @value,
 * unless @say is NULL) and wait on the short data-driven view for the
 * next copy to pass by. (A data page's header
 * is in its short page, and the asks the kernel makes each
 * data_driven_timeout_ms without a copy then cost 32 bytes, not a page.)
 * After a slice in which nothing came, say it again, since the packet
 * may have been lost, and drop our copy so that the next look asks the
 * page's holder: a loss is repaired even with data_driven_timeout_ms=0.
 */
static int ring_wait(struct mether_pipe *p, int64_t slot_of,
		     int (*ready)(struct mether_pipe *p,
				  const volatile void *page, uint32_t n),
		     uint32_t n, volatile uint32_t *say, uint32_t value,
		     uint64_t deadline)
{
	const volatile void *look = ring_page(p, 0, slot_of, slot_of < 0 ?
					      METHER_VIEW_SHORT_DEMAND :
					      METHER_VIEW_FULL_DEMAND);
	const volatile void *wait = ring_page(p, 0, slot_of,
					      METHER_VIEW_SHORT_DATA);
	const volatile void *control;
	uint64_t looked = pipe_now_ms();
	size_t size = p->m->page_size;
	int again = 0, asked_whole = 0, done;

	for (;;) {
		if (pipe_fetch(p, look, deadline))
			return -1;
		done = ready(p, look, n);
		if (done)
			return done < 0 ? -1 : 0;
		/*
		 * The short page of the one we wait for, over an older full
		 * copy (the page was lost, and the kernel's ask brought the
		 * short page back): drop it, so that the look asks for the
		 * whole page; once a slice, not in a loop with the network.
		 */
		if (slot_of >= 0 && !asked_whole && ring_head_is(p, look, n)) {
			if (mether_purge(p->m, (const void *)look, size))
				return -1;
			asked_whole = 1;
			continue;
		}
		if (say)
			*say = value;
		if (ring_tell(p, again) ||
		    mether_purge(p->m, (const void *)wait, size))
			return -1;
		again = 0;
		if (pipe_fetch_slice(p, wait, deadline)) {
			if (errno != ETIMEDOUT ||
			    mether_purge(p->m, (const void *)look, size))
				return -1;
			again = 1;
			asked_whole = 0;
		}
		/*
		 * A slice of waiting for a data page (the kernel's asks may
		 * bring copies of it all along): did the peer open the pipe
		 * again? Ask its holder for the control page (that
		 * publication, too, may have been lost), a slice at most.
		 */
		if (slot_of < 0 || pipe_now_ms() - looked < PIPE_SLICE_MS)
			continue;
		control = ring_page(p, 0, -1, METHER_VIEW_SHORT_DEMAND);
		if (mether_purge(p->m, (const void *)control, size))
			return -1;
		if (!pipe_fetch_slice(p, control, deadline)) {
			if (ring_seen(p, control) < 0)
				return -1;
		} else if (errno != ETIMEDOUT) {
			return -1;
		}
		looked = pipe_now_ms();
	}
}

/* Join the peer (see mether_pipe_open()), and say so. */
static int ring_join(struct mether_pipe *p, uint64_t deadline)
{
	if (p->ring->peer_session)
		return 0;
	return ring_wait(p, -1, ring_joined, 0, NULL, 0, deadline) ||
	       ring_tell(p, 0) ? -1 : 0;
}

/*
 * Has the peer taken our page @n - K, so that page @n may be written?
 * Until the peer joins, the ring's first K pages are free.
 */
static int ring_room_for(struct mether_pipe *p, const volatile void *peer,
			 uint32_t n)
{
	const volatile struct ring_control *c = peer;
	int joined = ring_seen(p, c);

	if (joined < 0)
		return -1;
	if (!joined)
		return n < p->ring->window;
	return (uint32_t)(n - c->taken) < p->ring->window;
}

static int ring_publish(struct mether_pipe *p)
{
	volatile struct ring_control *me = ring_mine(p);
	uint32_t n = me->published;
	volatile char *page = ring_page(p, 1, n, METHER_VIEW_FULL_DEMAND);
	volatile struct ring_head *h = (volatile struct ring_head *)page;
	volatile struct ring_tail *tail = (volatile struct ring_tail *)
		(page + p->m->page_size - RING_TAIL);

	h->used = p->ring->fill;
	tail->session = p->ring->session;
	tail->generation = n + 1;
	/*
	 * The kernel may copy the page for a request at any moment: the
	 * header must not show before what it announces. (The slot's last
	 * page of an earlier session may have had the same generation.)
	 */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	h->session = p->ring->session;
	h->generation = n + 1;
	me->published = n + 1;
	p->ring->fill = 0;
	p->ring->records = 0;
	return mether_purge(p->m, (const void *)page, p->m->page_size);
}

static int ring_flush(struct mether_pipe *p)
{
	return p->ring->fill ? ring_publish(p) : 0;
}

/*
 * Nagle's rule: publish a page at once when the peer has taken all we
 * published, or waits for this very page; else keep filling it while
 * the others are on their way.
 */
static int ring_should_publish(struct mether_pipe *p, uint32_t n)
{
	const volatile struct ring_control *peer;

	/*
	 * A look costs a system call: small messages look at the first
	 * record of a page and every RING_LOOK_EVERY after it.
	 */
	if (p->ring->records++ % RING_LOOK_EVERY)
		return 0;
	peer = ring_peek(p);
	/* Not joined (or reset, which the next wait reports): publish. */
	if (!peer || ring_seen(p, peer) != 1)
		return 1;
	return peer->taken == n || peer->want == n + 1;
}

static int ring_send(struct mether_pipe *p, const void *buf, size_t len,
		     uint32_t message_size, int continued, uint64_t deadline)
{
	struct mether_ring *r = p->ring;
	size_t record = sizeof(struct ring_record) +
			((len + RING_ALIGN - 1) & ~(size_t)(RING_ALIGN - 1));
	size_t room = p->m->page_size - sizeof(struct ring_head) - RING_TAIL;
	volatile struct ring_control *me = ring_mine(p);
	volatile struct ring_record *rec;
	volatile char *page;
	uint32_t n;

	if (r->fill && r->fill + record > room && ring_publish(p))
		return -1;
	n = me->published;
	/*
	 * What we wait for is said only when we block (ring_wait), and
	 * never taken back: an old value asks for nothing the peer has
	 * not done, and taking it back would cost a packet each time.
	 */
	if (!r->fill &&
	    ring_wait(p, -1, ring_room_for, n, &me->stuck, n + 1, deadline))
		return -1;
	/* The peer's session, newly seen: the peer joins when we say so. */
	if (me->peer_session != r->told_peer && ring_tell(p, 0))
		return -1;
	page = ring_page(p, 1, n, METHER_VIEW_FULL_DEMAND);
	rec = (volatile struct ring_record *)
		(page + sizeof(struct ring_head) + r->fill);
	rec->len = len | (continued ? RING_CONTINUED : 0);
	rec->message_size = message_size;
	memcpy((void *)(rec + 1), buf, len);
	r->fill += record;
	/* A page with no room left for a message goes at once. */
	if (room - r->fill < sizeof(struct ring_record) + RING_ALIGN ||
	    ring_should_publish(p, n))
		return ring_publish(p);
	return 0;
}

/* Is the peer's page @n here, whole? (Its records are checked as read.) */
static int ring_arrived(struct mether_pipe *p, const volatile void *page,
			uint32_t n)
{
	return ring_whole(p, page, n);
}

/*
 * We took the peer's page: say so every K/2 pages, and at once when the
 * peer waits for room that this makes.
 */
static int ring_took(struct mether_pipe *p)
{
	volatile struct ring_control *me = ring_mine(p);
	const volatile struct ring_control *peer;
	struct mether_ring *r = p->ring;
	uint32_t need;

	/* Everything is copied out before the peer may overwrite it. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	me->offset = 0;
	me->taken++;
	if (me->taken - r->told >= (r->window + 1) / 2)
		return ring_tell(p, 0);
	peer = ring_peek(p);
	if (!peer || ring_seen(p, peer) != 1 || !peer->stuck)
		return 0;
	/* The peer's page stuck - 1 needs our taking stuck - K. */
	need = peer->stuck - r->window;
	if ((int32_t)(me->taken - need) >= 0 && (int32_t)(r->told - need) < 0)
		return ring_tell(p, 0);
	return 0;
}

/* The record of @size bytes at @offset of a page of @used is read. */
static int ring_took_record(struct mether_pipe *p, uint32_t offset,
			    uint32_t size, uint32_t used)
{
	offset += sizeof(struct ring_record) +
		  ((size + RING_ALIGN - 1) & ~(RING_ALIGN - 1));
	if (offset < used) {
		ring_mine(p)->offset = offset;
		return 0;
	}
	return ring_took(p);
}

/*
 * Is the peer's page @n, read through @h, still here whole, of the
 * session we joined? A copy that came meanwhile replaces the one read:
 * if the peer opened the pipe again, what was read is not its
 * (ECONNRESET, and nothing is taken).
 */
static int ring_still(struct mether_pipe *p, const volatile void *h,
		      uint32_t n)
{
	/* A new copy is here already: touching the view maps it. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (ring_whole(p, h, n))
		return 0;
	errno = ECONNRESET;
	return -1;
}

/*
 * A page read that ends in the error @err: unless the page changed as it
 * was read (ECONNRESET).
 */
static int ring_bad(struct mether_pipe *p, const volatile void *h,
		    uint32_t n, int err)
{
	if (!ring_still(p, h, n))
		errno = err;
	return -1;
}

/*
 * Receive one record, as @take says: PIPE_FIRST_PIECE skips the pieces
 * left of a message a failed crecv() gave up on; PIPE_NEXT_PIECE takes
 * nothing but a later piece (EPROTO: the message was cut short).
 * @message_size, if given, is set to the length of the csend() message
 * the record is a piece of. Nothing is taken when it fails.
 */
static ssize_t ring_recv(struct mether_pipe *p, void *buf, size_t len,
			 size_t message_room, uint64_t deadline,
			 enum pipe_take take, uint32_t *message_size)
{
	size_t room = p->m->page_size - sizeof(struct ring_head) - RING_TAIL;
	volatile struct ring_control *me = ring_mine(p);
	const volatile struct ring_record *rec;
	const volatile struct ring_head *h;
	uint32_t n, offset, used, size, whole;
	int continued;

	/* A request's answer may wait for what we have not published. */
	if (ring_flush(p) || ring_join(p, deadline))
		return -1;
	for (;;) {
		n = me->taken;
		/* As me->stuck in ring_send(). */
		if (ring_wait(p, n, ring_arrived, n, &me->want, n + 1,
			      deadline))
			return -1;
		h = ring_page(p, 0, n, METHER_VIEW_FULL_DEMAND);
		used = h->used;
		offset = me->offset;
		if (used > room || offset % RING_ALIGN)
			return ring_bad(p, h, n, EPROTO);
		/* Read to its end (or an empty page): on to the next. */
		if (offset >= used) {
			if (ring_still(p, h, n) || ring_took(p))
				return -1;
			continue;
		}
		rec = (const volatile struct ring_record *)
			((const volatile char *)(h + 1) + offset);
		size = rec->len;
		whole = rec->message_size;
		continued = !!(size & RING_CONTINUED);
		size &= ~RING_CONTINUED;
		if (used - offset < sizeof(*rec) ||
		    size > used - offset - sizeof(*rec) ||
		    (continued && !size) ||
		    (take == PIPE_NEXT_PIECE && !continued))
			return ring_bad(p, h, n, EPROTO);
		if (!(take == PIPE_FIRST_PIECE && continued))
			break;
		/* A piece of a message given up on: skip it. */
		if (ring_still(p, h, n) ||
		    ring_took_record(p, offset, size, used))
			return -1;
	}
	if (size > len || (!continued && whole > message_room))
		return ring_bad(p, h, n, EMSGSIZE);
	memcpy(buf, (const void *)(rec + 1), size);
	if (ring_still(p, h, n))
		return -1;
	if (message_size)
		*message_size = whole;
	return ring_took_record(p, offset, size, used) ? -1 : (ssize_t)size;
}

/*
 * The next piece of a csend() message of @len more bytes: the rest of the
 * page being filled, so that a message of a page's size takes one page,
 * not two; a whole page's worth when little is left.
 */
static size_t ring_piece(struct mether_pipe *p, size_t len)
{
	size_t room = p->m->page_size - sizeof(struct ring_head) - RING_TAIL;
	size_t left = room - p->ring->fill, max = mether_pipe_max_message(p);

	left = left > sizeof(struct ring_record) + RING_PIECE_MIN ?
	       (left - sizeof(struct ring_record)) & ~(size_t)(RING_ALIGN - 1) :
	       0;
	if (len <= left || left)
		return len < left ? len : left;
	return len < max ? len : max;
}

/* Send a message, or a piece of a csend() one (@continued: not its first). */
static int pipe_send(struct mether_pipe *p, const void *buf, size_t len,
		     uint32_t message_size, int continued, uint64_t deadline)
{
	if (p->ring)
		return ring_send(p, buf, len, message_size, continued,
				 deadline);
	return paper_send(p, buf, len, message_size, continued, deadline);
}

static ssize_t pipe_recv(struct mether_pipe *p, void *buf, size_t len,
			 size_t message_room, uint64_t deadline,
			 enum pipe_take take)
{
	if (p->ring)
		return ring_recv(p, buf, len, message_room, deadline, take,
				 NULL);
	return paper_recv(p, buf, len, message_room, deadline, take);
}

int mether_pipe_flush(struct mether_pipe *p)
{
	return p->ring ? ring_flush(p) : 0;
}

uint64_t mether_pipe_pages(unsigned int window)
{
	if (window == 1)
		return 2;
	/*
	 * A power of two, so that page n's slot, n % K, goes on in order
	 * when the 32-bit page count wraps.
	 */
	if (!window || window > RING_WINDOW_MAX || (window & (window - 1)))
		return 0;
	return 2 * ((uint64_t)window + 1);
}

struct mether_pipe *mether_pipe_open_window(struct mether *m, uint64_t first,
					    unsigned int end,
					    unsigned int window)
{
	uint64_t span = mether_pipe_pages(window);
	volatile struct ring_control *me;
	struct mether_pipe *p;
	struct mether_ring *r;

	if (window == 1)
		return mether_pipe_open(m, first, end);
	if (pipe_may_open(m, first, end, span))
		return NULL;
	p = calloc(1, sizeof(*p));
	r = calloc(1, sizeof(*r));
	if (!p || !r)
		goto fail;
	p->m = m;
	p->ring = r;
	p->timeout_ms = METHER_PIPE_TIMEOUT_MS;
	r->window = window;
	r->mine = first + end * (window + 1);
	r->peer = first + !end * (window + 1);
	/* A new session (see mether_pipe_open()): nothing sent or taken. */
	me = ring_mine(p);
	r->session = pipe_new_session(me->session);
	me->session = 0;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	me->taken = 0;
	me->want = 0;
	me->stuck = 0;
	me->published = 0;
	me->offset = 0;
	me->peer_session = 0;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	me->session = r->session;
	/* "Deal Me In": whatever copies of the peer's pages we have are stale. */
	if (mether_purge(m, (const void *)me, m->page_size) ||
	    mether_purge(m, (const void *)ring_page(p, 0, -1,
						    METHER_VIEW_FULL_DEMAND),
			 (window + 1) * m->page_size))
		goto fail;
	return p;

fail:
	free(r);
	free(p);
	return NULL;
}

void mether_pipe_close(struct mether_pipe *p)
{
	if (!p)
		return;
	/* Nothing written is lost: what fills no page yet goes now. */
	if (p->ring)
		ring_flush(p);
	free(p->ring);
	free(p);
}

int mether_pipe_send(struct mether_pipe *p, const void *buf, size_t len)
{
	if (len > mether_pipe_max_message(p)) {
		errno = EMSGSIZE;
		return -1;
	}
	return pipe_send(p, buf, len, len, 0, pipe_deadline(p));
}

ssize_t mether_pipe_recv(struct mether_pipe *p, void *buf, size_t len)
{
	/* A piece of a csend() message is a message here. */
	return pipe_recv(p, buf, len, SIZE_MAX, pipe_deadline(p), PIPE_ANY);
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
		if (p->ring)
			chunk = ring_piece(p, len);
		if (pipe_send(p, c, chunk, message_size, c != buf,
			      pipe_deadline(p)))
			return -1;
		/* With a window, each piece carries the message's length. */
		if (p->ring ? chunk == len : chunk < max)
			return 0;
		c += chunk;
		len -= chunk;
	}
}

/*
 * crecv on a window pipe: a first piece, then later ones until the
 * length the first gives is in.
 */
static ssize_t ring_crecv(struct mether_pipe *p, void *buf, size_t len)
{
	uint32_t message_size;
	size_t got;
	ssize_t n;

	n = ring_recv(p, buf, len, len, pipe_deadline(p), PIPE_FIRST_PIECE,
		      &message_size);
	for (got = 0; n >= 0; ) {
		got += n;
		if (got == message_size)
			return got;
		if (got > message_size) {
			errno = EPROTO;
			return -1;
		}
		n = ring_recv(p, (char *)buf + got, len - got, SIZE_MAX,
			      pipe_deadline(p), PIPE_NEXT_PIECE, NULL);
	}
	return -1;
}

ssize_t mether_crecv(struct mether_pipe *p, void *buf, size_t len)
{
	size_t max = mether_pipe_max_message(p), got = 0;
	char *c = buf;
	ssize_t n;

	if (p->ring)
		return ring_crecv(p, buf, len);
	for (;;) {
		/*
		 * The first chunk says how long the message is: a buffer too
		 * small is refused before anything is taken.
		 */
		n = pipe_recv(p, c + got, len - got < max ? len - got : max,
			      got ? SIZE_MAX : len, pipe_deadline(p),
			      got ? PIPE_NEXT_PIECE : PIPE_FIRST_PIECE);
		if (n < 0)
			return -1;
		got += n;
		if ((size_t)n < max)
			return got;
	}
}
