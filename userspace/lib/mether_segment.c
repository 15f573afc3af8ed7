// SPDX-License-Identifier: LGPL-2.1
/*
 * libmether named segments: a directory of names in page
 * METHER_DIRECTORY_PAGE, and capabilities the kernel checks.
 *
 * The directory is an ordinary Mether page. A creator changes it while
 * holding the lock on its consistent copy (so no other host can take the
 * copy away half-written), then PURGEs it, which publishes it to every
 * host's inconsistent copy. Readers look names up in their inconsistent
 * copy; a name not found there may be newer than the copy, so the copy
 * is dropped and fetched once more before the answer is "no such name".
 *
 * A page with no directory is reported (ENODATA), never quietly given a
 * new one: a directory made again hands the old segments' pages to new
 * segments. mether_segment_init() makes one, on purpose, with a new
 * random generation; capabilities carry the generation they were granted
 * under, and the kernel refuses those of any other (ESTALE).
 */
/* O_CLOEXEC, MAP_ANONYMOUS, MAP_NORESERVE, explicit_bzero() under -std=c99 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <sys/mman.h>
#include <unistd.h>

#include "libmether.h"

struct directory_entry {
	char name[METHER_SEGMENT_NAME_SIZE];
	uint64_t first;
	uint64_t pages;
};

/* The head is the uapi's: the kernel reads the generation from it. */
struct directory {
	struct mether_directory head;
	struct directory_entry entry[];
};

static size_t directory_capacity(size_t page_size)
{
	return (page_size - sizeof(struct directory)) /
	       sizeof(struct directory_entry);
}

static int name_ok(const char *name)
{
	size_t len = strlen(name);

	if (!len || len >= METHER_SEGMENT_NAME_SIZE) {
		errno = EINVAL;
		return 0;
	}
	return 1;
}

/* The page holds a directory this library can read (else errno is set). */
static int directory_valid(const struct directory *d)
{
	if (d->head.magic != METHER_DIRECTORY_MAGIC || !d->head.generation) {
		errno = ENODATA;	/* lost, or never made */
		return 0;
	}
	if (d->head.version != METHER_DIRECTORY_VERSION) {
		errno = EPROTO;		/* made by another version */
		return 0;
	}
	return 1;
}

static const struct directory_entry *
directory_find(const volatile struct directory *dir, size_t page_size,
	       const char *name)
{
	const struct directory *d = (const struct directory *)dir;
	size_t i;

	if (!directory_valid(d))
		return NULL;
	errno = ENOENT;
	for (i = 0; i < d->head.count && i < directory_capacity(page_size); i++)
		if (!strncmp(d->entry[i].name, name, METHER_SEGMENT_NAME_SIZE))
			return &d->entry[i];
	return NULL;
}

/*
 * Look @name up in this host's copy of the directory, fetched fresh once
 * when the name is not there (or with @fresh, before looking at all).
 */
static int directory_lookup(int fd, size_t page_size, const char *name,
			    struct mether_segment *seg, int fresh)
{
	const struct directory_entry *e = NULL;
	struct mether_range r;
	int tries, err = 0;
	void *dir;

	dir = mmap(NULL, page_size, PROT_READ, MAP_SHARED, fd,
		   METHER_DIRECTORY_PAGE * page_size);
	if (dir == MAP_FAILED)
		return -1;
	r.addr = (uintptr_t)dir;
	r.len = page_size;
	for (tries = 0; tries < 2 && !e; tries++) {
		if ((tries || fresh) && ioctl(fd, METHER_IOC_PURGE, &r)) {
			err = errno;
			break;
		}
		e = directory_find(dir, page_size, name);
		err = errno;
	}
	if (e) {
		memset(seg, 0, sizeof(*seg));
		memcpy(seg->name, e->name, sizeof(seg->name));
		seg->first = e->first;
		seg->pages = e->pages;
		seg->generation = ((const struct directory *)dir)->head.generation;
	}
	munmap(dir, page_size);
	errno = err;
	return e ? 0 : -1;
}

/* Lock the directory's consistent copy here, fetching it if need be. */
static int directory_lock(struct mether *m, volatile struct directory *dir)
{
	int tries;

	for (tries = 0; tries < 100; tries++) {
		if (!mether_lock(m, (const void *)dir))
			return 0;
		if (errno != EAGAIN)
			return -1;
		/* A touch faults the copy in; the lock then pins it. */
		(void)dir->head.magic;
	}
	errno = EAGAIN;
	return -1;
}

/* The directory page's consistent copy, locked here; NULL on failure. */
static struct directory *directory_take(struct mether *m)
{
	volatile struct directory *dir;

	if (m->reservation != MAP_FAILED) {
		errno = EPERM;	/* a segment's handle cannot see the directory */
		return NULL;
	}
	dir = mether_page(m, METHER_DIRECTORY_PAGE, METHER_VIEW_FULL_DEMAND,
			  METHER_COPY_CONSISTENT);
	if (!dir || directory_lock(m, dir))
		return NULL;
	return (struct directory *)dir;
}

/* Unlock it and, after a change, publish it to every host's copy. */
static int directory_put(struct mether *m, struct directory *d, int ret)
{
	int saved = errno;

	if (mether_unlock(m, d))
		return -1;
	if (!ret && mether_purge(m, d, m->page_size))
		return -1;
	errno = saved;
	return ret;
}

int mether_segment_init(struct mether *m, int replace)
{
	struct directory *d;
	uint64_t generation;
	int ret = -1;

	do {
		if (getrandom(&generation, sizeof(generation), 0) !=
		    sizeof(generation))
			return -1;
	} while (!generation);
	d = directory_take(m);
	if (!d)
		return -1;
	if (!replace && directory_valid(d)) {
		errno = EEXIST;
	} else {
		/* The magic last: a half-made head is no directory. */
		d->head.magic = 0;
		memset((char *)d + sizeof(d->head.magic), 0,
		       m->page_size - sizeof(d->head.magic));
		d->head.version = METHER_DIRECTORY_VERSION;
		d->head.next_free = METHER_DIRECTORY_PAGE + 1;
		d->head.generation = generation;
		__atomic_store_n(&d->head.magic, METHER_DIRECTORY_MAGIC,
				 __ATOMIC_RELEASE);
		ret = 0;
	}
	return directory_put(m, d, ret);
}

/*
 * Can this handle mint a capability for @pages pages from @first, under
 * directory @d? Asked before a name is added: a create that could not
 * grant (no key: ENOKEY; no CAP_SYS_ADMIN: EPERM) must add nothing,
 * or its retry would find the name taken (EEXIST). The token is thrown
 * away.
 */
static int grant_possible(struct mether *m, const struct directory *d,
			  const char *name, uint64_t first, uint64_t pages)
{
	struct mether_segment seg;
	int ret;

	memset(&seg, 0, sizeof(seg));
	strncpy(seg.name, name, sizeof(seg.name) - 1);
	seg.first = first;
	seg.pages = pages;
	seg.generation = d->head.generation;
	seg.rights = METHER_SEGMENT_READ | METHER_SEGMENT_WRITE;
	ret = ioctl(m->fd, METHER_IOC_SEGMENT_GRANT, &seg);
	explicit_bzero(seg.token, sizeof(seg.token));
	return ret ? -1 : 0;
}

int mether_segment_create(struct mether *m, const char *name, uint64_t pages)
{
	struct directory_entry *e;
	struct directory *d;
	int ret = -1;

	if (m->reservation == MAP_FAILED && (!name_ok(name) || !pages)) {
		errno = EINVAL;
		return -1;
	}
	d = directory_take(m);
	if (!d)
		return -1;
	/* A lost directory is reported, never made again in passing. */
	if (!directory_valid(d)) {
		/* errno says why */
	} else if (directory_find(d, m->page_size, name)) {
		errno = EEXIST;
	} else if (d->head.count >= directory_capacity(m->page_size) ||
		   d->head.next_free >= m->pages ||
		   pages > m->pages - d->head.next_free) {
		errno = ENOSPC;
	} else if (grant_possible(m, d, name, d->head.next_free, pages)) {
		/* errno says why */
	} else {
		e = &d->entry[d->head.count];
		memset(e, 0, sizeof(*e));
		strncpy(e->name, name, sizeof(e->name) - 1);
		e->first = d->head.next_free;
		e->pages = pages;
		d->head.next_free += pages;
		d->head.count++;
		ret = 0;
	}
	/* Publish the new name to every host's inconsistent copy. */
	return directory_put(m, d, ret);
}

static const char *rights_text(unsigned int rights)
{
	return rights & METHER_SEGMENT_WRITE ? "rw" : "r";
}

int mether_segment_grant(struct mether *m, const char *name,
			 unsigned int rights, char *cap, size_t cap_len)
{
	struct mether_segment seg;
	size_t i, n;

	if (!name_ok(name))
		return -1;
	/* The two a capability's text can say ("r-", "rw-"): nothing else. */
	if (rights != METHER_SEGMENT_READ &&
	    rights != (METHER_SEGMENT_READ | METHER_SEGMENT_WRITE)) {
		errno = EINVAL;
		return -1;
	}
	if (cap_len < METHER_CAPABILITY_LEN) {
		errno = ERANGE;
		return -1;
	}
	if (directory_lookup(m->fd, m->page_size, name, &seg, 0))
		return -1;
	seg.rights = rights;
	if (ioctl(m->fd, METHER_IOC_SEGMENT_GRANT, &seg))
		return -1;
	n = snprintf(cap, cap_len, "%s-%016llx-", rights_text(rights),
		     (unsigned long long)seg.generation);
	for (i = 0; i < METHER_TOKEN_SIZE; i++)
		n += snprintf(cap + n, cap_len - n, "%02x", seg.token[i]);
	return 0;
}

/* Are @n bytes at @s lower-case hex digits? */
static int hex_digits(const char *s, size_t n)
{
	return strspn(s, "0123456789abcdef") >= n;
}

/*
 * "rw-" or "r-", 16 hex digits of directory generation, "-" and 32 hex
 * digits of token, into rights, a generation and a token.
 */
static int capability_parse(const char *cap, struct mether_segment *seg)
{
	const char *gen = strchr(cap, '-');
	const char *hex = gen ? strchr(gen + 1, '-') : NULL;
	unsigned int byte;
	size_t i;

	if (!hex || hex - gen != 17 || !hex_digits(gen + 1, 16) ||
	    strlen(hex + 1) != 2 * METHER_TOKEN_SIZE ||
	    !hex_digits(hex + 1, 2 * METHER_TOKEN_SIZE))
		goto bad;
	seg->generation = strtoull(gen + 1, NULL, 16);
	if (!seg->generation)
		goto bad;
	if (gen - cap == 2 && !strncmp(cap, "rw", 2))
		seg->rights = METHER_SEGMENT_READ | METHER_SEGMENT_WRITE;
	else if (gen - cap == 1 && cap[0] == 'r')
		seg->rights = METHER_SEGMENT_READ;
	else
		goto bad;
	for (i = 0; i < METHER_TOKEN_SIZE; i++) {
		if (sscanf(hex + 1 + 2 * i, "%2x", &byte) != 1)
			goto bad;
		seg->token[i] = byte;
	}
	return 0;
bad:
	errno = EINVAL;
	return -1;
}

/* Map one view of the segment into its place in a reserved window. */
static int map_view(struct mether *m, char *window, unsigned int view,
		    int prot)
{
	uint64_t off = (uint64_t)view << METHER_VIEW_SHIFT |
		       m->first * m->page_size;
	void *p;

	p = mmap(window + off, m->count * m->page_size, prot,
		 MAP_SHARED | MAP_FIXED, m->fd, off);
	return p == MAP_FAILED ? -1 : 0;
}

/*
 * Views of a page sit METHER_VIEW_SPAN apart, so that mether_view_ptr()
 * works: reserve one window for each copy at a METHER_SPACE_SIZE-aligned
 * address and map the segment's views into them.
 */
static int map_segment(struct mether *m)
{
	static const unsigned int views[] = {
		METHER_VIEW_FULL_DEMAND, METHER_VIEW_SHORT_DEMAND,
		METHER_VIEW_FULL_DATA, METHER_VIEW_SHORT_DATA,
	};
	uintptr_t base;
	size_t i;

	m->reservation_len = 3 * METHER_SPACE_SIZE;
	m->reservation = mmap(NULL, m->reservation_len, PROT_NONE,
			      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
			      -1, 0);
	if (m->reservation == MAP_FAILED)
		return -1;
	base = ((uintptr_t)m->reservation + METHER_SPACE_SIZE - 1) &
	       ~(uintptr_t)(METHER_SPACE_SIZE - 1);
	m->inconsistent = (char *)base;
	m->consistent = (char *)base + METHER_SPACE_SIZE;
	for (i = 0; i < sizeof(views) / sizeof(views[0]); i++)
		if (map_view(m, m->inconsistent, views[i], PROT_READ))
			return -1;
	if (!(m->rights & METHER_SEGMENT_WRITE))
		return 0;
	for (i = 0; i < 2; i++)
		if (map_view(m, m->consistent, views[i],
			     PROT_READ | PROT_WRITE))
			return -1;
	return 0;
}

struct mether *mether_segment_open(const char *device, const char *name,
				   const char *cap)
{
	struct mether_segment seg;
	struct mether_info info;
	struct mether *m;
	int fresh, saved;

	if (!name_ok(name))
		return NULL;
	m = calloc(1, sizeof(*m));
	if (!m)
		return NULL;
	m->consistent = m->inconsistent = m->reservation = MAP_FAILED;
	m->fd = open(device ? device : "/dev/mether", O_RDWR | O_CLOEXEC);
	if (m->fd < 0)
		goto fail;
	if (ioctl(m->fd, METHER_IOC_INFO, &info))
		goto fail;
	m->pages = info.pages;
	m->page_size = info.page_size;
	/*
	 * The kernel checks the capability's generation against this host's
	 * copy of the directory: ESTALE when they differ (the capability's
	 * directory was lost, or this copy is older), EAGAIN when there is
	 * no copy. Fetch a fresh copy and try once more.
	 */
	for (fresh = 0; fresh < 2; fresh++) {
		if (directory_lookup(m->fd, m->page_size, name, &seg, fresh) ||
		    capability_parse(cap, &seg))
			goto fail;
		if (!ioctl(m->fd, METHER_IOC_SEGMENT_ATTACH, &seg))
			break;
		if ((errno != ESTALE && errno != EAGAIN) || fresh)
			goto fail;
	}
	m->first = seg.first;
	m->count = seg.pages;
	m->rights = seg.rights;
	if (map_segment(m))
		goto fail;
	return m;
fail:
	saved = errno;
	mether_close(m);
	errno = saved;
	return NULL;
}

void *mether_segment_page(struct mether *m, uint64_t page, unsigned int view,
			  enum mether_copy copy)
{
	if (page >= m->count) {
		errno = EINVAL;
		return NULL;
	}
	return mether_page(m, m->first + page, view, copy);
}
