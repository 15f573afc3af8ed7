/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Mether: the reclaims a host takes part in, each pausing its handoffs.
 */
#ifndef _METHER_PAUSE_H
#define _METHER_PAUSE_H

#include <linux/compiler.h>
#include <linux/jiffies.h>
#include <linux/types.h>

/* Reclaims one host takes part in at once; a RECLAIM past them is ignored. */
#define METHER_RECLAIM_PAUSES	4
/*
 * Rounds of OFFERs one survivor sends for one reclaim, at most: each
 * describes every page from the RECLAIM's page on, in ceil(pages / 128)
 * OFFERs, so a reclaim costs a survivor at most this many times that.
 */
#define METHER_RECLAIM_ROUNDS	4

/**
 * struct mether_reclaim_pause - a reclaim this host takes part in
 * @coordinator: the host that runs it (this host's own id for its own)
 * @seq: the reclaim's number
 * @epoch: the coordinator's epoch when it asked
 * @until: jiffies when the pause runs out (0: the slot is free)
 * @rounds: OFFER rounds started for it
 * @next: the next page to describe in an OFFER (@pages: no round going)
 * @pages: pages of the space
 *
 * Only the RECLAIM with DONE of the same coordinator, epoch and number
 * ends it early.
 */
struct mether_reclaim_pause {
	u32 coordinator;
	u32 seq;
	u64 epoch;
	unsigned long until;
	unsigned int rounds;
	u64 next;
	u64 pages;
};

/**
 * struct mether_reclaim_pauses - the reclaims a host takes part in
 * @slot: one per coordinator
 */
struct mether_reclaim_pauses {
	struct mether_reclaim_pause slot[METHER_RECLAIM_PAUSES];
};

/* Does @pause still hold? Read without the lock: @until is the word. */
static inline bool
mether_reclaim_pause_live(const struct mether_reclaim_pause *pause,
			  unsigned long now)
{
	unsigned long until = READ_ONCE(pause->until);

	return until && time_before(now, until);
}

struct mether_reclaim_pause *
mether_reclaim_pause_find(struct mether_reclaim_pauses *p, u32 coordinator,
			  u64 epoch, u32 seq, unsigned long now);
struct mether_reclaim_pause *
mether_reclaim_pause_begin(struct mether_reclaim_pauses *p, u32 coordinator,
			   u64 epoch, u32 seq, u64 pages, unsigned long now,
			   unsigned long len);
bool mether_reclaim_pause_end(struct mether_reclaim_pauses *p,
			      u32 coordinator, u64 epoch, u32 seq);
bool mether_reclaim_pause_round(struct mether_reclaim_pause *pause,
				u64 from);
bool mether_reclaim_pauses_active(const struct mether_reclaim_pauses *p,
				  unsigned long now);

#endif /* _METHER_PAUSE_H */
