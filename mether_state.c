// SPDX-License-Identifier: GPL-2.0
/*
 * Mether: the rules of the paper's Figure 1, for one copy of one page.
 *
 * A page has nested subsets: the short page (the first 32 bytes) is a
 * subset of the full page, and the full page is its superset. Figure 1
 * says, for each operation, what happens to the subsets and supersets of
 * the subset it names:
 *
 *	operation   subsets                     supersets
 *	map in      all must be present         need not be present
 *	page in     all paged in                none paged in
 *	page out    all paged out               left paged in but unmapped
 *	lock        all must be present, then   none locked; all unmapped;
 *	            all locked; else the lock   those not present marked
 *	            fails and the missing ones  wanted
 *	            are marked wanted
 *	fault       all must be present         need not be present
 *	purge       all purged                  not affected
 *
 * These functions change nothing but the state they are given: no
 * locking, memory or I/O, so that KUnit can check every cell of the table
 * and the fault, purge and network code share one reading of it. The
 * caller holds the page's lock and carries out the unmapping they ask for
 * (a mask of subsets whose views must be unmapped).
 */
#include <linux/errno.h>
#include <linux/mether.h>

#include "mether_state.h"
#include "mether_view.h"

/* Subset s contains subset t when t transfers fewer bytes. */
static bool mether_subset_contains(unsigned int s, unsigned int t)
{
	return mether_subset_bytes(t) <= mether_subset_bytes(s);
}

/**
 * mether_subsets_of() - @subset and every subset it contains
 * @subset: a METHER_SUBSET_* value
 *
 * Return: a mask of METHER_SUBSET_BIT()s.
 */
unsigned int mether_subsets_of(unsigned int subset)
{
	unsigned int t, mask = 0;

	for (t = 0; t < METHER_NR_SUBSETS; t++)
		if (mether_subset_contains(subset, t))
			mask |= METHER_SUBSET_BIT(t);
	return mask;
}

/**
 * mether_supersets_of() - every subset that strictly contains @subset
 * @subset: a METHER_SUBSET_* value
 *
 * Return: a mask of METHER_SUBSET_BIT()s.
 */
unsigned int mether_supersets_of(unsigned int subset)
{
	return METHER_ALL_SUBSETS & ~mether_subsets_of(subset);
}

/**
 * mether_state_can_map() - may a view of @subset be mapped in?
 * @st: the copy
 * @subset: the subset the view shows
 *
 * Return: true when every subset of @subset is present.
 */
bool mether_state_can_map(const struct mether_copy_state *st,
			  unsigned int subset)
{
	unsigned int need = mether_subsets_of(subset);

	return (st->present & need) == need;
}

/**
 * mether_state_fault() - a fault on a view of @subset
 * @st: the copy
 * @subset: the subset the view shows
 *
 * Return: 0 when the view can be mapped; -EAGAIN when subsets are missing,
 * which are then marked wanted.
 */
int mether_state_fault(struct mether_copy_state *st, unsigned int subset)
{
	unsigned int need = mether_subsets_of(subset);

	if (mether_state_can_map(st, subset))
		return 0;
	st->wanted |= need & ~st->present;
	return -EAGAIN;
}

/**
 * mether_state_page_in() - @subset of a copy arrived
 * @st: the copy
 * @subset: the subset that arrived (with all its subsets)
 * @version: the arriving copy's version
 */
void mether_state_page_in(struct mether_copy_state *st, unsigned int subset,
			  u64 version)
{
	unsigned int in = mether_subsets_of(subset);

	st->present |= in;
	st->wanted &= ~in;
	st->version = version;
}

/* @subset and its subsets stop being present, unless one is locked. */
static int mether_state_drop(struct mether_copy_state *st,
			     unsigned int subset)
{
	unsigned int out = mether_subsets_of(subset);

	if (st->locked & out)
		return -EBUSY;
	st->present &= ~out;
	return 0;
}

/**
 * mether_state_page_out() - @subset of a copy leaves this host
 * @st: the copy
 * @subset: the subset that leaves (with all its subsets)
 * @unmap: set to the subsets whose views must be unmapped
 *
 * Return: 0, or -EBUSY when any of the subsets is locked.
 */
int mether_state_page_out(struct mether_copy_state *st, unsigned int subset,
			  unsigned int *unmap)
{
	int ret = mether_state_drop(st, subset);

	*unmap = ret ? 0 : METHER_ALL_SUBSETS;
	return ret;
}

/**
 * mether_state_lock() - lock @subset into this host
 * @st: the copy
 * @subset: the subset to lock (with all its subsets)
 * @unmap: set to the subsets whose views must be unmapped
 *
 * Return: 0; -EAGAIN when subsets are missing (they are marked wanted and
 * nothing is locked); -EBUSY when any of them is already locked.
 */
int mether_state_lock(struct mether_copy_state *st, unsigned int subset,
		      unsigned int *unmap)
{
	unsigned int need = mether_subsets_of(subset);
	unsigned int above = mether_supersets_of(subset);

	*unmap = 0;
	if (st->locked & need)
		return -EBUSY;
	if ((st->present & need) != need) {
		st->wanted |= need & ~st->present;
		return -EAGAIN;
	}
	st->locked |= need;
	st->wanted |= above & ~st->present;
	*unmap = above;
	return 0;
}

/**
 * mether_state_unlock() - undo mether_state_lock() of @subset
 * @st: the copy
 * @subset: the subset that was locked
 *
 * Return: 0, or -EINVAL when @subset is not locked.
 */
int mether_state_unlock(struct mether_copy_state *st, unsigned int subset)
{
	if (!(st->locked & METHER_SUBSET_BIT(subset)))
		return -EINVAL;
	st->locked &= ~mether_subsets_of(subset);
	return 0;
}

/**
 * mether_state_purge() - PURGE of an inconsistent copy's @subset
 * @st: the copy
 * @subset: the subset purged (with all its subsets)
 * @unmap: set to the subsets whose views must be unmapped
 *
 * The next access to a purged subset faults. Supersets are not affected.
 *
 * Return: 0, or -EBUSY when any of the subsets is locked.
 */
int mether_state_purge(struct mether_copy_state *st, unsigned int subset,
		       unsigned int *unmap)
{
	int ret = mether_state_drop(st, subset);

	*unmap = ret ? 0 : mether_subsets_of(subset);
	return ret;
}
