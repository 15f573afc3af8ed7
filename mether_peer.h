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
	METHER_BUCKET_CHALLENGE,	/* each makes the target answer */
	METHER_BUCKETS		/* free: a packet that costs nothing */
};

/* RECLAIMs (without DONE) per second a host may have answered. */
#define METHER_RECLAIM_RATE	10
/*
 * CHALLENGEs per second a host may have answered: a host proves an
 * epoch once, so a few a second is plenty, and a bucket of their own
 * keeps a busy host's REQUESTs from starving its proof (and the other
 * way round).
 */
#define METHER_CHALLENGE_RATE	10

/**
 * struct mether_peer - a host this one has heard
 * @id: its host id (0: a free slot)
 * @heard: jiffies when a packet of it was last accepted
 * @reclaimed_epoch: its packets of this epoch or older are refused,
 *	because its pages were reclaimed (0: none)
 * @credit: packets of each bucket it may still have answered, in
 *	HZ-ths of one
 * @credited: jiffies when each @credit was last topped up (0: never)
 * @verified: @replay holds an epoch it proved current, by answering
 * @replay: its replay window, which also holds that epoch
 * @nonce: the nonce of the CHALLENGE it has not answered (0: none)
 * @nonce_born: jiffies when that nonce was made
 * @challenged_epoch: the epoch that CHALLENGE was sent to
 * @challenged: jiffies when it was last sent
 * @challenges: how often it was sent again
 * @asked_epoch: the epoch of the newest CHALLENGE it sent this host from
 *	an epoch not proven (no window holds those counters)
 * @asked_counter: that CHALLENGE's packet number
 * @noticed: jiffies when it was last told its pages were reclaimed
 * @notice_sent: @noticed holds a time
 */
struct mether_peer {
	u32 id;
	unsigned long heard;
	u64 reclaimed_epoch;
	u64 credit[METHER_BUCKETS];
	unsigned long credited[METHER_BUCKETS];
	bool verified;
	struct mether_replay replay;
	u64 nonce;
	unsigned long nonce_born;
	u64 challenged_epoch;
	unsigned long challenged;
	unsigned int challenges;
	u64 asked_epoch;
	u64 asked_counter;
	unsigned long noticed;
	bool notice_sent;
};

/*
 * A CHALLENGE to an epoch not answered is sent again after this long,
 * then after twice, four and eight times this.
 */
#define METHER_CHALLENGE_INTERVAL	(HZ / 10)
/*
 * A CHALLENGE's nonce is answered within this long, or not at all: the
 * CHALLENGE sent after it carries a new one. Long enough for a host
 * that answers a second late; short enough that an ANSWER held back on
 * the path is of no use for long (and jiffies never wrap under it).
 */
#define METHER_NONCE_LIFE	(5 * HZ)

/**
 * struct mether_challenge - a CHALLENGE the caller must send
 * @host: the host challenged (0: none to send)
 * @epoch: the epoch it was heard in, the CHALLENGE's target epoch
 * @nonce: what its ANSWER must echo
 */
struct mether_challenge {
	u32 host;
	u64 epoch;
	u64 nonce;
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
struct mether_wire_msg;

int mether_peer_accept(struct mether_peer_table *table, u32 self,
		       const struct mether_wire_msg *msg,
		       struct mether_challenge *challenge);
u64 mether_peer_epoch(struct mether_peer_table *table, u32 host);
enum mether_peer_bucket mether_peer_bucket_of(const struct mether_wire_msg *msg,
					      u32 self, unsigned int request_rate,
					      unsigned int *rate);
bool mether_peer_charge(struct mether_peer_table *table, u32 sender,
			enum mether_peer_bucket bucket, unsigned int rate);
int mether_peer_reclaimable(struct mether_peer_table *table, u32 host,
			    unsigned long timeout, u64 *epoch);
void mether_peer_reclaim(struct mether_peer_table *table, u32 host,
			 u64 epoch);
bool mether_peer_notice_due(struct mether_peer_table *table,
			    const struct mether_wire_msg *msg,
			    unsigned long interval);
unsigned int mether_peer_live(struct mether_peer_table *table,
			      unsigned long timeout, u32 except,
			      u32 ids[METHER_PEERS_MAX]);
void mether_peer_list(struct mether_peer_table *table,
		      unsigned long timeout, struct mether_peers *out);

#endif /* _METHER_PEER_H */
