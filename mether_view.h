/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Mether: device offsets to pages and views (paper, Figure 2).
 */
#ifndef _METHER_VIEW_H
#define _METHER_VIEW_H

#include <linux/types.h>
#include <linux/mether.h>

/**
 * struct mether_addr - what a device offset names
 * @page: page number in the space
 * @subset: METHER_SUBSET_FULL or METHER_SUBSET_SHORT
 * @data_driven: a fault waits for the next copy instead of asking for one
 */
struct mether_addr {
	u64 page;
	unsigned int subset;
	bool data_driven;
};

int mether_decode_offset(u64 offset, u64 pages, struct mether_addr *addr);
int mether_check_mapping(u64 offset, u64 len, bool writeable);
size_t mether_subset_bytes(unsigned int subset);

#endif /* _METHER_VIEW_H */
