/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Mether: the rules of paper's Figure 1 for one copy of one page.
 */
#ifndef _METHER_STATE_H
#define _METHER_STATE_H

#include <linux/types.h>

/* Subsets are numbered by the uapi METHER_SUBSET_* values; bit s of a
 * mask stands for subset s.
 */
#define METHER_NR_SUBSETS	2
#define METHER_SUBSET_BIT(s)	(1U << (s))
#define METHER_ALL_SUBSETS	((1U << METHER_NR_SUBSETS) - 1)

/**
 * struct mether_copy_state - one copy of a page, as Figure 1 sees it
 * @present: subsets of the copy this host holds
 * @wanted: subsets a fault or a lock is waiting for
 * @locked: subsets locked into this host (they never leave it)
 * @version: version of the copy; every new copy of the page has a higher one
 */
struct mether_copy_state {
	u8 present;
	u8 wanted;
	u8 locked;
	u64 version;
};

unsigned int mether_subsets_of(unsigned int subset);
unsigned int mether_supersets_of(unsigned int subset);

bool mether_state_can_map(const struct mether_copy_state *st,
			  unsigned int subset);
int mether_state_fault(struct mether_copy_state *st, unsigned int subset);
void mether_state_page_in(struct mether_copy_state *st, unsigned int subset,
			  u64 version);
int mether_state_page_out(struct mether_copy_state *st, unsigned int subset,
			  unsigned int *unmap);
int mether_state_lock(struct mether_copy_state *st, unsigned int subset,
		      unsigned int *unmap);
int mether_state_unlock(struct mether_copy_state *st, unsigned int subset);
int mether_state_purge(struct mether_copy_state *st, unsigned int subset,
		       unsigned int *unmap);

#endif /* _METHER_STATE_H */
