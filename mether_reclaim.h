/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Mether: giving a silent host's pages to the survivors.
 */
#ifndef _METHER_RECLAIM_H
#define _METHER_RECLAIM_H

#include <linux/mether.h>
#include <linux/types.h>

#include "mether_pause.h"

struct mether_space;
struct mether_wire_msg;
struct mether_wire_offer;

/* OFFERs sent together, and the pause between two such bursts. */
#define METHER_OFFER_BURST	4
#define METHER_OFFER_GAP_MS	4

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

void mether_reclaim_init_space(struct mether_space *space);
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
