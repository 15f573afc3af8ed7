// SPDX-License-Identifier: GPL-2.0
/*
 * Mether: decoding device offsets into views of pages (paper, Figure 2).
 *
 * Everything here is pure arithmetic on offsets so that the fault path,
 * mmap and the KUnit suite share one definition of the address space.
 */
#include <linux/errno.h>
#include <linux/mm.h>

#include "mether_view.h"

/**
 * mether_subset_bytes() - how many bytes of a page a subset transfers
 * @subset: a METHER_SUBSET_* value
 *
 * Return: the subset's length, or 0 for a reserved subset.
 */
size_t mether_subset_bytes(unsigned int subset)
{
	switch (subset) {
	case METHER_SUBSET_FULL:
		return PAGE_SIZE;
	case METHER_SUBSET_SHORT:
		return METHER_SHORT_SIZE;
	default:
		return 0;
	}
}

/**
 * mether_decode_offset() - name the page and view behind a device offset
 * @offset: byte offset into the device (the fault's pgoff << PAGE_SHIFT)
 * @pages: number of pages in the space
 * @addr: filled with the page, subset and mode on success
 *
 * Return: 0; -EINVAL beyond the space; -ERANGE for a page number the space
 * does not have; -EOPNOTSUPP for a reserved subset.
 */
int mether_decode_offset(u64 offset, u64 pages, struct mether_addr *addr)
{
	unsigned int view;
	u64 page;

	if (offset >= METHER_SPACE_SIZE)
		return -EINVAL;

	view = offset >> METHER_VIEW_SHIFT;
	page = (offset & (METHER_VIEW_SPAN - 1)) >> PAGE_SHIFT;
	if (page >= pages)
		return -ERANGE;
	if (!mether_subset_bytes(view & METHER_VIEW_SUBSET_MASK))
		return -EOPNOTSUPP;

	addr->page = page;
	addr->subset = view & METHER_VIEW_SUBSET_MASK;
	addr->data_driven = view & METHER_VIEW_DATA_DRIVEN;
	return 0;
}

/**
 * mether_check_mapping() - may this range of the device be mapped?
 * @offset: byte offset of the mapping's first page
 * @len: length of the mapping in bytes
 * @writeable: the mapping is the consistent (shared, writeable) copy
 *
 * The consistent copy can only be demand-driven (paper, Figure 1 note 2),
 * so a writeable mapping must stay below the data-driven views.
 *
 * Return: 0; -EINVAL for an unaligned, empty or too large range; -EACCES
 * for a writeable mapping that reaches a data-driven view.
 */
int mether_check_mapping(u64 offset, u64 len, bool writeable)
{
	if (!len || !PAGE_ALIGNED(offset) || !PAGE_ALIGNED(len))
		return -EINVAL;
	if (offset >= METHER_SPACE_SIZE || len > METHER_SPACE_SIZE - offset)
		return -EINVAL;
	if (writeable && offset + len > METHER_CONSISTENT_SIZE)
		return -EACCES;
	return 0;
}
