// SPDX-License-Identifier: GPL-2.0
/*
 * Mether: the hosts a host hears.
 *
 * Every accepted packet says its sender is alive; a host with nothing to
 * send says so with a HELLO (mether_net.c), so a host that is quiet for
 * the host timeout is silent: gone, cut off or stopped. Silence alone
 * changes nothing. Only a reclaim (mether_reclaim.c) acts on it, and it
 * refuses the silent host's epoch for good: if that host was only cut
 * off and comes back, no packet of the epoch it held pages in is
 * accepted again, so it can never be a second owner. A restarted host
 * comes up under a new epoch, holding nothing.
 *
 * A sender is heard only in an epoch it proved current by answering a
 * CHALLENGE (mether_peer_accept()): old packets replayed, from a host
 * long gone or from an earlier life of a live one, neither act nor keep
 * anybody alive.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/jiffies.h>
#include <linux/printk.h>
#include <linux/random.h>
#include <linux/string.h>

#include "mether_peer.h"
#include "mether_wire.h"

void mether_peer_init(struct mether_peer_table *table)
{
	spin_lock_init(&table->lock);
	memset(table->peer, 0, sizeof(table->peer));
}

static struct mether_peer *mether_peer_find(struct mether_peer_table *table,
					    u32 id, bool make)
{
	struct mether_peer *free = NULL;
	int i;

	for (i = 0; i < METHER_PEERS_MAX; i++) {
		if (table->peer[i].id == id)
			return &table->peer[i];
		if (!table->peer[i].id && !free)
			free = &table->peer[i];
	}
	if (!free || !make)
		return NULL;
	memset(free, 0, sizeof(*free));
	free->id = id;
	return free;
}

/*
 * Ask @peer to prove @epoch current. While a CHALLENGE is outstanding,
 * only a newer epoch than the one it went to (the sender came up again
 * meanwhile) re-points it, at once, with a new nonce; the same epoch is
 * asked again, with the same nonce, after METHER_CHALLENGE_INTERVAL,
 * then twice, four and eight times that (the CHALLENGE or its ANSWER may
 * have been lost), so a flood of replays makes no flood of CHALLENGEs.
 * The nonce stays until it is answered, for METHER_NONCE_LIFE at most: a
 * busy host answers a second late, and a new nonce each interval would
 * make every ANSWER it sends stale on arrival, so it would never be
 * heard (seen in the soak). An
 * older epoch is over (epochs grow, mether_seal_epoch()): its packets
 * are replays, and must neither move the CHALLENGE back to it nor start
 * it afresh. Table locked.
 */
static void mether_peer_challenge(struct mether_peer *peer, u64 epoch,
				  struct mether_challenge *challenge)
{
	unsigned long now = jiffies;
	bool again = peer->nonce && epoch == peer->challenged_epoch &&
		     time_before(now, peer->nonce_born + METHER_NONCE_LIFE);

	if (peer->nonce && epoch < peer->challenged_epoch)
		return;
	if (again && time_before(now, peer->challenged +
				 (METHER_CHALLENGE_INTERVAL <<
				  min(peer->challenges, 3U))))
		return;
	if (again) {
		peer->challenges++;
	} else {
		/* Below METHER_WIRE_VERSION_MAX: it travels as page_version. */
		peer->nonce = (get_random_u64() >> 1) ?: 1;
		peer->nonce_born = now;
		peer->challenged_epoch = epoch;
		peer->challenges = 0;
	}
	peer->challenged = now;
	*challenge = (struct mether_challenge) {
		.host = peer->id,
		.epoch = epoch,
		.nonce = peer->nonce,
	};
}

/**
 * mether_peer_accept() - may a packet be applied?
 * @table: the link's hosts
 * @self: this host's id
 * @msg: the packet, authenticated and parsed
 * @challenge: set to a CHALLENGE to send (its host is 0 when there is
 *	none), whatever the verdict
 *
 * Nothing of a sender is taken until it proves its epoch current: a
 * packet of any other epoch than the one it proved earns it a CHALLENGE,
 * and only its ANSWER, echoing the CHALLENGE's random nonce within the
 * nonce's life, makes that epoch the sender's. Every packet the sender sent before the ANSWER is
 * refused from then on (mether_replay_floor()), so packets recorded
 * before this host came up, or before the sender last did, are never
 * taken, whatever their epoch. A CHALLENGE aimed at this host is let
 * through, to be answered, unless its sender sent a newer one: its
 * sender may be proving itself too.
 *
 * Return: 0, and the sender is heard now (an ANSWER: when its nonce was
 * made; a CHALLENGE of an epoch not proven: not); or the negated drop
 * reason: too many hosts, a reclaimed epoch, a replay, an epoch not (or
 * not yet) proven, older than the proven one or not.
 */
int mether_peer_accept(struct mether_peer_table *table, u32 self,
		       const struct mether_wire_msg *msg,
		       struct mether_challenge *challenge)
{
	bool hello = msg->type == METHER_MSG_HELLO && msg->target == self;
	struct mether_peer *peer;
	int ret = 0;
	u64 was;

	challenge->host = 0;
	spin_lock(&table->lock);
	peer = mether_peer_find(table, msg->sender, true);
	if (!peer) {
		ret = -METHER_DROP_TOO_MANY_PEERS;
		goto out;
	}
	if (msg->epoch <= peer->reclaimed_epoch) {
		ret = -METHER_DROP_RECLAIMED;
		goto out;
	}
	if (peer->verified && msg->epoch == peer->replay.epoch) {
		if (mether_replay_check(&peer->replay, msg->epoch,
					msg->counter) == METHER_REPLAY_FRESH)
			peer->heard = jiffies;
		else
			ret = -METHER_DROP_REPLAYED;
		goto out;
	}
	if (hello && (msg->flags & METHER_WIRE_ANSWER) && peer->nonce &&
	    msg->epoch == peer->challenged_epoch &&
	    msg->version == peer->nonce && msg->counter &&
	    time_before(jiffies, peer->nonce_born + METHER_NONCE_LIFE)) {
		was = peer->verified ? peer->replay.epoch : 0;
		/* What it held in its last epoch is nobody's until reclaimed. */
		if (was && was < msg->epoch && was > peer->reclaimed_epoch)
			pr_info_ratelimited("host %u restarted; its pages of epoch %llu come back with: metherctl reclaim %u --epoch %llu\n",
					    msg->sender, was, msg->sender, was);
		mether_replay_floor(&peer->replay, msg->epoch, msg->counter);
		peer->verified = true;
		peer->nonce = 0;
		/*
		 * The ANSWER was made after its nonce was, no later is sure:
		 * a recorded one held back and let through once its sender
		 * is gone must not make it heard now.
		 */
		peer->heard = peer->nonce_born;
		goto out;
	}
	/* Epochs grow (mether_seal_epoch()): an older one is over. */
	if (peer->verified && msg->epoch < peer->replay.epoch) {
		ret = -METHER_DROP_OLD_EPOCH;
		goto out;
	}
	if (hello && (msg->flags & METHER_WIRE_CHALLENGE)) {
		/*
		 * No window holds an unproven epoch's counters: without this,
		 * one recorded CHALLENGE replayed fast would use up its
		 * sender's CHALLENGE credit, and its real ones would go
		 * unanswered.
		 */
		if (msg->epoch < peer->asked_epoch ||
		    (msg->epoch == peer->asked_epoch &&
		     msg->counter <= peer->asked_counter)) {
			ret = -METHER_DROP_REPLAYED;
			goto out;
		}
		peer->asked_epoch = msg->epoch;
		peer->asked_counter = msg->counter;
		mether_peer_challenge(peer, msg->epoch, challenge);
		goto out;
	}
	mether_peer_challenge(peer, msg->epoch, challenge);
	ret = -METHER_DROP_UNVERIFIED;
out:
	spin_unlock(&table->lock);
	return ret;
}

/**
 * mether_peer_epoch() - the epoch @host proved current
 * @table: the link's hosts
 * @host: the host
 *
 * Return: the epoch, or 0 when @host proved none: a packet aimed at it
 * with that target epoch is refused by it, which is what is wanted.
 */
u64 mether_peer_epoch(struct mether_peer_table *table, u32 host)
{
	struct mether_peer *peer;
	u64 epoch = 0;

	spin_lock(&table->lock);
	peer = mether_peer_find(table, host, false);
	if (peer && peer->verified)
		epoch = peer->replay.epoch;
	spin_unlock(&table->lock);
	return epoch;
}

/**
 * mether_peer_bucket_of() - what an accepted packet is charged to
 * @msg: the packet
 * @self: this host's id
 * @request_rate: the space's REQUESTs per second (its module parameter)
 * @rate: set to the bucket's rate per second
 *
 * A packet costs credit when it makes this host send: a REQUEST (a page
 * broadcast), a RECLAIM without DONE (OFFERs), a CHALLENGE aimed here
 * (an ANSWER). A DONE costs nothing, and a lost one would keep a pause;
 * nor does a NOTICE, which makes nobody send.
 *
 * Return: the bucket, or METHER_BUCKETS for a packet that costs nothing.
 */
enum mether_peer_bucket mether_peer_bucket_of(const struct mether_wire_msg *msg,
					      u32 self, unsigned int request_rate,
					      unsigned int *rate)
{
	switch (msg->type) {
	case METHER_MSG_REQUEST:
		*rate = request_rate;
		return METHER_BUCKET_REQUEST;
	case METHER_MSG_RECLAIM:
		if (msg->flags & (METHER_WIRE_RECLAIM_DONE |
				  METHER_WIRE_RECLAIM_NOTICE))
			break;
		*rate = METHER_RECLAIM_RATE;
		return METHER_BUCKET_RECLAIM;
	case METHER_MSG_HELLO:
		if (!(msg->flags & METHER_WIRE_CHALLENGE) || msg->target != self)
			break;
		*rate = METHER_CHALLENGE_RATE;
		return METHER_BUCKET_CHALLENGE;
	default:
		break;
	}
	*rate = 0;
	return METHER_BUCKETS;
}

/**
 * mether_peer_charge() - may a packet of @sender that costs be answered?
 * @table: the link's hosts
 * @sender: a host whose packet mether_peer_accept() just accepted
 * @bucket: what the packet costs (mether_peer_bucket_of())
 * @rate: such packets per second a host may have answered (0: no limit)
 *
 * A REQUEST of 66 bytes makes the holder broadcast a page of 4162, and a
 * RECLAIM makes every survivor send OFFERs of a page each, so a host
 * that asks too fast, by fault or by malice, could make others flood
 * the segment. Each host has a bucket of credit for each kind, filled at
 * @rate per second up to half a second's worth; a packet costs one.
 *
 * Return: true to answer it; false to drop it.
 */
bool mether_peer_charge(struct mether_peer_table *table, u32 sender,
			enum mether_peer_bucket bucket, unsigned int rate)
{
	u64 full = (u64)rate * HZ / 2;
	struct mether_peer *peer;
	unsigned long now;
	u64 *credit;
	bool ok = true;

	if (!rate || bucket >= METHER_BUCKETS)
		return true;
	spin_lock(&table->lock);
	peer = mether_peer_find(table, sender, false);
	if (peer) {
		now = jiffies;
		credit = &peer->credit[bucket];
		if (!peer->credited[bucket])
			*credit = full;
		else
			*credit = min(full, *credit +
				      (u64)(now - peer->credited[bucket]) *
				      rate);
		peer->credited[bucket] = now ?: 1;
		ok = *credit >= HZ;
		if (ok)
			*credit -= HZ;
	}
	spin_unlock(&table->lock);
	return ok;
}

/* Heard and not reclaimed since? Table locked. */
static bool mether_peer_alive(const struct mether_peer *peer,
			      unsigned long timeout)
{
	return peer->verified && peer->replay.epoch > peer->reclaimed_epoch &&
	       time_before(jiffies, peer->heard + timeout);
}

/**
 * mether_peer_reclaimable() - may @host's pages of an epoch be reclaimed?
 * @table: the link's hosts
 * @host: the host
 * @timeout: jiffies a host may be quiet before it is silent
 * @epoch: in: the epoch (0: the newest heard of @host); out: the epoch
 *
 * An epoch older than the newest heard of @host is over: the host
 * restarted and holds nothing of it. The newest one may be reclaimed
 * once the host has been silent for @timeout.
 *
 * Return: 1 when it may because @epoch is older than the newest; 0
 * when it may because @host is silent; -EBUSY when @host was heard
 * within @timeout under @epoch (or under an older one: @epoch was never
 * heard from a host that is alive); -ENOENT when @host, or @epoch of it,
 * was never heard.
 */
int mether_peer_reclaimable(struct mether_peer_table *table, u32 host,
			    unsigned long timeout, u64 *epoch)
{
	struct mether_peer *peer;
	int ret = -ENOENT;
	u64 newest;

	spin_lock(&table->lock);
	peer = mether_peer_find(table, host, false);
	if (!peer || !peer->verified)
		goto out;
	newest = peer->replay.epoch;
	if (!*epoch)
		*epoch = newest;
	if (mether_peer_alive(peer, timeout) && *epoch >= newest)
		ret = -EBUSY;
	else if (*epoch > newest)
		ret = -ENOENT;
	else
		ret = *epoch < newest;
out:
	spin_unlock(&table->lock);
	return ret;
}

/**
 * mether_peer_reclaim() - refuse @host's packets up to @epoch for good
 * @table: the link's hosts
 * @host: the reclaimed host
 * @epoch: its epoch whose pages are reclaimed
 *
 * With the table full, the host cannot be recorded, but then none of its
 * packets are accepted anyway (METHER_DROP_TOO_MANY_PEERS).
 */
void mether_peer_reclaim(struct mether_peer_table *table, u32 host,
			 u64 epoch)
{
	struct mether_peer *peer;

	spin_lock(&table->lock);
	peer = mether_peer_find(table, host, true);
	if (peer)
		peer->reclaimed_epoch = max(peer->reclaimed_epoch, epoch);
	spin_unlock(&table->lock);
}

/**
 * mether_peer_notice_due() - tell a sender that its pages were reclaimed?
 * @table: the link's hosts
 * @msg: its packet, authenticated, just dropped as reclaimed
 * @interval: jiffies between two notices to it
 *
 * A host cut off through the reclaim of its pages never heard it: it
 * goes on as if it held them, and every packet it sends is dropped.
 * Each host that drops them says so, once per @interval however many
 * it sends. Only a packet of the very epoch reclaimed, new to its
 * window, earns one: the host is still in that life, and a recording
 * of its packets replayed makes nobody send.
 *
 * Return: true when a notice is due now.
 */
bool mether_peer_notice_due(struct mether_peer_table *table,
			    const struct mether_wire_msg *msg,
			    unsigned long interval)
{
	struct mether_peer *peer;
	bool due = false;

	spin_lock(&table->lock);
	peer = mether_peer_find(table, msg->sender, false);
	if (!peer || !peer->verified || !peer->reclaimed_epoch ||
	    msg->epoch != peer->reclaimed_epoch ||
	    msg->epoch != peer->replay.epoch ||
	    mether_replay_check(&peer->replay, msg->epoch, msg->counter) !=
	    METHER_REPLAY_FRESH)
		goto out;
	if (!peer->notice_sent ||
	    time_after_eq(jiffies, peer->noticed + interval)) {
		peer->noticed = jiffies;
		peer->notice_sent = true;
		due = true;
	}
out:
	spin_unlock(&table->lock);
	return due;
}

/**
 * mether_peer_live() - the hosts heard within @timeout
 * @table: the link's hosts
 * @timeout: jiffies
 * @except: a host to leave out
 * @ids: filled with their ids
 *
 * Return: how many there are.
 */
unsigned int mether_peer_live(struct mether_peer_table *table,
			      unsigned long timeout, u32 except,
			      u32 ids[METHER_PEERS_MAX])
{
	unsigned int i, n = 0;

	spin_lock(&table->lock);
	for (i = 0; i < METHER_PEERS_MAX; i++) {
		struct mether_peer *peer = &table->peer[i];

		if (peer->id && peer->id != except &&
		    mether_peer_alive(peer, timeout))
			ids[n++] = peer->id;
	}
	spin_unlock(&table->lock);
	return n;
}

/**
 * mether_peer_list() - describe every host heard, for METHER_IOC_PEERS
 * @table: the link's hosts
 * @timeout: jiffies a host may be quiet before it is silent
 * @out: filled in; its host_timeout_ms is left to the caller
 */
void mether_peer_list(struct mether_peer_table *table,
		      unsigned long timeout, struct mether_peers *out)
{
	unsigned int i;

	spin_lock(&table->lock);
	for (i = 0; i < METHER_PEERS_MAX; i++) {
		struct mether_peer *peer = &table->peer[i];
		struct mether_peer_info *info = &out->peer[out->count];

		if (!peer->id)
			continue;
		info->host_id = peer->id;
		info->epoch = peer->replay.epoch;
		info->reclaimed_epoch = peer->reclaimed_epoch;
		info->silent_ms = peer->verified ?
			jiffies_to_msecs(jiffies - peer->heard) : 0;
		if (!mether_peer_alive(peer, timeout))
			info->flags |= METHER_PEER_SILENT;
		if (peer->reclaimed_epoch)
			info->flags |= METHER_PEER_RECLAIMED;
		out->count++;
	}
	spin_unlock(&table->lock);
}
