/* SPDX-License-Identifier: LGPL-2.1 */
/*
 * libmether: a host's Mether space from userspace (Documentation/libmether.rst).
 * Every call that can fail returns -1 (or NULL) and sets errno.
 */
#ifndef _LIBMETHER_H
#define _LIBMETHER_H

/*
 * A mapping's addresses must match its device offsets modulo 32 GiB
 * (linux/mether.h), which a 32-bit address space cannot hold.
 */
#ifndef __LP64__
#error "libmether needs a 64-bit process (LP64): Mether cannot be mapped by 32-bit ones"
#endif

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <linux/mether.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * struct mether - an open, mapped Mether space, or one segment of it
 * @fd: the open /dev/mether
 * @pages: pages in the space
 * @page_size: bytes in a page
 * @consistent: where page 0 of view 0 of the writeable mapping (the
 *	consistent copy) is, or would be
 * @inconsistent: the same for the read-only mapping
 * @first: the first page this handle maps (0 for the whole space)
 * @count: the number of pages it maps
 * @rights: METHER_SEGMENT_* it was opened with
 * @reservation: for a segment, the address space its views sit in
 *	(MAP_FAILED for the whole space)
 * @reservation_len: its length
 */
struct mether {
	int fd;
	uint64_t pages;
	size_t page_size;
	char *consistent;
	char *inconsistent;
	uint64_t first;
	uint64_t count;
	unsigned int rights;
	void *reservation;
	size_t reservation_len;
};

struct mether *mether_open(const char *device);
void mether_close(struct mether *m);

/* A page in one of the four views; copy: METHER_COPY_*. */
enum mether_copy { METHER_COPY_CONSISTENT, METHER_COPY_INCONSISTENT };
void *mether_page(struct mether *m, uint64_t page, unsigned int view,
		  enum mether_copy copy);

int mether_purge(struct mether *m, const void *addr, size_t len);
int mether_do_purge(struct mether *m, const void *addr);
int mether_lock(struct mether *m, const void *addr);
int mether_unlock(struct mether *m, const void *addr);

/*
 * Named segments (Documentation/libmether.rst). init, create and grant
 * need a whole-space handle opened with CAP_SYS_ADMIN (grant: and the
 * cluster key set); a capability is the text "rw-" or "r-", 16 hex digits
 * of directory generation, "-" and 32 hex digits of token. Anybody who
 * can open the device and holds a capability may open the segment.
 * ENODATA: page METHER_DIRECTORY_PAGE holds no directory (lost, or never
 * made): mether_segment_init() makes one, and old capabilities then fail
 * with ESTALE.
 */
#define METHER_CAPABILITY_LEN	(3 + 16 + 1 + 2 * METHER_TOKEN_SIZE + 1)

/* A new, empty directory; over a valid one only with @replace. */
int mether_segment_init(struct mether *m, int replace);
int mether_segment_create(struct mether *m, const char *name, uint64_t pages);
int mether_segment_grant(struct mether *m, const char *name,
			 unsigned int rights, char *cap, size_t cap_len);
struct mether *mether_segment_open(const char *device, const char *name,
				   const char *cap);
/* Page @page (counted from the segment's first) in one view. */
void *mether_segment_page(struct mether *m, uint64_t page, unsigned int view,
			  enum mether_copy copy);

/*
 * Pipes: the paper's two-page generation protocol ("A Sample User
 * Protocol"). End 0 writes page @first, end 1 page @first + 1; each reads
 * the other's page through its inconsistent views. A pipe starts clean
 * each time it is opened: the ends join in their first calls, nothing
 * written before either opened is read, and an end whose peer opened the
 * pipe again gets ECONNRESET (mether_pipe_open(3)).
 */
struct mether_pipe;

struct mether_pipe *mether_pipe_open(struct mether *m, uint64_t first,
				     unsigned int end);
/*
 * A pipe by name: the first two pages of a segment opened with
 * mether_segment_open() (create it with two pages: "metherctl segment
 * create NAME 2").
 */
struct mether_pipe *mether_pipe_open_segment(struct mether *segment,
					     unsigned int end);
/*
 * A pipe with a window of @window pages in flight each way: 1 (the
 * paper's pipe, as mether_pipe_open()) or a power of two up to 1024. It
 * spans mether_pipe_pages(window) pages from @first: end 0's control
 * page and ring, then end 1's; both ends must open it with the same
 * window. Sends follow Nagle's rule: a message may wait in the page
 * being filled until that page fills, or the writer sees its reader
 * waiting or caught up; mether_pipe_flush() sends it now, and receiving
 * and closing flush. End a burst with a flush, and close before exit.
 */
struct mether_pipe *mether_pipe_open_window(struct mether *m, uint64_t first,
					    unsigned int end,
					    unsigned int window);
/* Pages a pipe with @window spans (0: not a window it can have). */
uint64_t mether_pipe_pages(unsigned int window);
int mether_pipe_flush(struct mether_pipe *p);
void mether_pipe_close(struct mether_pipe *p);
/*
 * Every call that waits for the peer gives up after the pipe's timeout
 * with ETIMEDOUT (its process is gone, or too slow),
 * and with EHOSTUNREACH when the peer's host is gone; 0 waits for ever
 * for a live peer host. A new pipe has METHER_PIPE_TIMEOUT_MS.
 */
#define METHER_PIPE_TIMEOUT_MS	30000
void mether_pipe_set_timeout(struct mether_pipe *p, unsigned int timeout_ms);
/* The largest message one send carries. */
size_t mether_pipe_max_message(const struct mether_pipe *p);
int mether_pipe_send(struct mether_pipe *p, const void *buf, size_t len);
ssize_t mether_pipe_recv(struct mether_pipe *p, void *buf, size_t len);

/* csend/crecv: messages of any length, cut into pipe messages. */
int mether_csend(struct mether_pipe *p, const void *buf, size_t len);
ssize_t mether_crecv(struct mether_pipe *p, void *buf, size_t len);

#ifdef __cplusplus
}
#endif

#endif /* _LIBMETHER_H */
