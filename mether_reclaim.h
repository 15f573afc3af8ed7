/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Mether: giving a silent host's pages to the survivors.
 */
#ifndef _METHER_RECLAIM_H
#define _METHER_RECLAIM_H

#include <linux/mether.h>
#include <linux/types.h>

struct mether_space;
struct mether_wire_msg;
struct mether_wire_offer;
struct work_struct;

/* Reclaims one host takes part in at once; a RECLAIM past them is ignored. */
#define METHER_RECLAIM_PAUSES	4
/*
 * Rounds of OFFERs one survivor sends for one reclaim, at most: each
 * describes every page from the RECLAIM's page on, in ceil(pages / 128)
 * OFFERs, so a reclaim costs a survivor at most this many times that.
 */
#define METHER_RECLAIM_ROUNDS	4
/* OFFERs sent together, and the pause between two such bursts. */
#define METHER_OFFER_BURST	4
#define METHER_OFFER_GAP_MS	4

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

/**
 * struct mether_reclaim_page - what the survivors said of one page
 * @version: version of the newest copy offered
 * @winner: the host that offered it
 * @seen: the newest version any survivor heard of
 * @seen_owner: the host that version was sent by or handed to
 * @held: a survivor holds the consistent copy: nothing to reclaim
 * @reclaim: the page is reclaimed; a GRANT goes to @winner
 * @granted: @winner holds it now
 */
struct mether_reclaim_page {
	u64 version;
	u32 winner;
	u64 seen;
	u32 seen_owner;
	bool held;
	bool reclaim;
	bool granted;
};

bool mether_reclaim_offers_valid(const struct mether_wire_offer *o);
void mether_reclaim_fold(struct mether_reclaim_page *rp, u32 host,
			 const struct mether_wire_offer *offer);
bool mether_reclaim_decide(struct mether_reclaim_page *rp, u32 dead,
			   u32 self, const u32 *peers, unsigned int npeers);

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

bool mether_reclaim_paused(struct mether_space *space);
void mether_reclaim_answer_work(struct work_struct *work);
long mether_ioctl_reclaim(struct mether_space *space,
			  struct mether_reclaim __user *argp);
bool mether_reclaim_asked(struct mether_space *space,
			  const struct mether_wire_msg *msg);
void mether_reclaim_offered(struct mether_space *space,
			    const struct mether_wire_msg *msg);
void mether_reclaim_grant(struct mether_space *space,
			  const struct mether_wire_msg *msg);
void mether_reclaim_granted(struct mether_space *space,
			    const struct mether_wire_msg *msg);

#endif /* _METHER_RECLAIM_H */
