/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Mether: the hosts a host hears, when it last heard them, and which of
 * their epochs were reclaimed.
 */
#ifndef _METHER_PEER_H
#define _METHER_PEER_H

#include <linux/mether.h>
#include <linux/spinlock.h>

#include "mether_seal.h"

/* What a host's packets are charged to (mether_peer_charge()). */
enum mether_peer_bucket {
	METHER_BUCKET_REQUEST,	/* each makes the holder broadcast a page */
	METHER_BUCKET_RECLAIM,	/* each makes every survivor send OFFERs */
	METHER_BUCKETS
};

/* RECLAIMs (without DONE) per second a host may have answered. */
#define METHER_RECLAIM_RATE	10

/**
 * struct mether_peer - a host this one has heard
 * @id: its host id (0: a free slot)
 * @heard: jiffies when a packet of it was last accepted
 * @reclaimed_epoch: its packets of this epoch or older are refused,
 *	because its pages were reclaimed (0: none)
 * @credit: packets of each bucket it may still have answered, in
 *	HZ-ths of one
 * @credited: jiffies when each @credit was last topped up (0: never)
 * @replay: its replay window, which also holds its newest epoch
 */
struct mether_peer {
	u32 id;
	unsigned long heard;
	u64 reclaimed_epoch;
	u64 credit[METHER_BUCKETS];
	unsigned long credited[METHER_BUCKETS];
	struct mether_replay replay;
};

/**
 * struct mether_peer_table - every host a link has heard
 * @lock: protects @peer
 * @peer: the hosts; more than METHER_PEERS_MAX are refused
 */
struct mether_peer_table {
	spinlock_t lock;	/* protects peer */
	struct mether_peer peer[METHER_PEERS_MAX];
};

void mether_peer_init(struct mether_peer_table *table);
int mether_peer_accept(struct mether_peer_table *table, u32 sender,
		       u64 epoch, u64 counter);
bool mether_peer_charge(struct mether_peer_table *table, u32 sender,
			enum mether_peer_bucket bucket, unsigned int rate);
int mether_peer_reclaimable(struct mether_peer_table *table, u32 host,
			    unsigned long timeout, u64 *epoch);
void mether_peer_reclaim(struct mether_peer_table *table, u32 host,
			 u64 epoch);
unsigned int mether_peer_live(struct mether_peer_table *table,
			      unsigned long timeout, u32 except,
			      u32 ids[METHER_PEERS_MAX]);
void mether_peer_list(struct mether_peer_table *table,
		      unsigned long timeout, struct mether_peers *out);

#endif /* _METHER_PEER_H */
