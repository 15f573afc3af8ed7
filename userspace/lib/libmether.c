// SPDX-License-Identifier: LGPL-2.1
/*
 * libmether: open and map a Mether space, and the paper's pipes on it.
 */
/* O_CLOEXEC, MAP_ANONYMOUS, MAP_NORESERVE, explicit_bzero() under -std=c99 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "libmether.h"

struct mether *mether_open(const char *device)
{
	struct mether_info info;
	struct mether *m;
	int saved;

	m = calloc(1, sizeof(*m));
	if (!m)
		return NULL;
	m->consistent = m->inconsistent = m->reservation = MAP_FAILED;
	m->fd = open(device ? device : "/dev/mether", O_RDWR | O_CLOEXEC);
	if (m->fd < 0)
		goto fail;
	if (ioctl(m->fd, METHER_IOC_INFO, &info))
		goto fail;
	m->pages = m->count = info.pages;
	m->page_size = info.page_size;
	m->rights = METHER_SEGMENT_READ | METHER_SEGMENT_WRITE;
	/* Writeable mappings carry the demand-driven views only. */
	m->consistent = mmap(NULL, METHER_CONSISTENT_SIZE,
			     PROT_READ | PROT_WRITE, MAP_SHARED, m->fd, 0);
	if (m->consistent == MAP_FAILED)
		goto fail;
	m->inconsistent = mmap(NULL, METHER_SPACE_SIZE, PROT_READ, MAP_SHARED,
			       m->fd, 0);
	if (m->inconsistent == MAP_FAILED)
		goto fail;
	return m;
fail:
	saved = errno;
	mether_close(m);
	errno = saved;
	return NULL;
}

void mether_close(struct mether *m)
{
	if (!m)
		return;
	if (m->reservation != MAP_FAILED) {
		munmap(m->reservation, m->reservation_len);
	} else {
		if (m->inconsistent != MAP_FAILED)
			munmap(m->inconsistent, METHER_SPACE_SIZE);
		if (m->consistent != MAP_FAILED)
			munmap(m->consistent, METHER_CONSISTENT_SIZE);
	}
	if (m->fd >= 0)
		close(m->fd);
	free(m);
}

void *mether_page(struct mether *m, uint64_t page, unsigned int view,
		  enum mether_copy copy)
{
	char *base = copy == METHER_COPY_CONSISTENT ? m->consistent :
						      m->inconsistent;

	if (page < m->first || page - m->first >= m->count ||
	    view >= METHER_VIEWS ||
	    (copy == METHER_COPY_CONSISTENT &&
	     ((view & METHER_VIEW_DATA_DRIVEN) ||
	      !(m->rights & METHER_SEGMENT_WRITE)))) {
		errno = EINVAL;
		return NULL;
	}
	return mether_view_ptr(base + page * m->page_size, view);
}

int mether_purge(struct mether *m, const void *addr, size_t len)
{
	struct mether_range r = { .addr = (uintptr_t)addr, .len = len };

	return ioctl(m->fd, METHER_IOC_PURGE, &r) ? -1 : 0;
}

/* The device offset of an address in either mapping. */
static int mether_offset(struct mether *m, const void *addr, uint64_t *off)
{
	const char *p = addr;

	if (p >= m->consistent && p < m->consistent + METHER_CONSISTENT_SIZE)
		*off = p - m->consistent;
	else if (p >= m->inconsistent &&
		 p < m->inconsistent + METHER_SPACE_SIZE)
		*off = p - m->inconsistent;
	else
		return -1;
	*off -= *off % m->page_size;
	return 0;
}

int mether_do_purge(struct mether *m, const void *addr)
{
	uint64_t off;

	if (mether_offset(m, addr, &off)) {
		errno = EINVAL;
		return -1;
	}
	return ioctl(m->fd, METHER_IOC_DO_PURGE, &off) ? -1 : 0;
}

int mether_lock(struct mether *m, const void *addr)
{
	uint64_t a = (uintptr_t)addr;

	return ioctl(m->fd, METHER_IOC_LOCK, &a) ? -1 : 0;
}

int mether_unlock(struct mether *m, const void *addr)
{
	uint64_t a = (uintptr_t)addr;

	return ioctl(m->fd, METHER_IOC_UNLOCK, &a) ? -1 : 0;
}
