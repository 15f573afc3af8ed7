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
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/jiffies.h>
#include <linux/printk.h>
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

/**
 * mether_peer_accept() - may a packet of @sender be applied?
 * @table: the link's hosts
 * @sender: its sender, from an authenticated header
 * @epoch: its epoch
 * @counter: its packet number in @epoch
 *
 * Return: 0, and the sender is heard now; or the negated drop reason:
 * too many hosts, a reclaimed epoch, a replay or an older epoch.
 */
int mether_peer_accept(struct mether_peer_table *table, u32 sender,
		       u64 epoch, u64 counter)
{
	struct mether_peer *peer;
	u64 was;
	int ret = 0;

	spin_lock(&table->lock);
	peer = mether_peer_find(table, sender, true);
	if (!peer) {
		ret = -METHER_DROP_TOO_MANY_PEERS;
		goto out;
	}
	if (epoch <= peer->reclaimed_epoch) {
		ret = -METHER_DROP_RECLAIMED;
		goto out;
	}
	was = peer->replay.epoch;
	switch (mether_replay_check(&peer->replay, epoch, counter)) {
	case METHER_REPLAY_FRESH:
		peer->heard = jiffies;
		/* What it held in its last epoch is nobody's until reclaimed. */
		if (was && was != epoch && was > peer->reclaimed_epoch)
			pr_info_ratelimited("host %u restarted; its pages of epoch %llu come back with: metherctl reclaim %u --epoch %llu\n",
					    sender, was, sender, was);
		break;
	case METHER_REPLAY_OLD_EPOCH:
		ret = -METHER_DROP_OLD_EPOCH;
		break;
	default:
		ret = -METHER_DROP_REPLAYED;
	}
out:
	spin_unlock(&table->lock);
	return ret;
}

/**
 * mether_peer_charge() - may a REQUEST or RECLAIM of @sender be answered?
 * @table: the link's hosts
 * @sender: a host whose packet mether_peer_accept() just accepted
 * @bucket: what the packet costs
 * @rate: such packets per second a host may have answered (0: no limit)
 *
 * A REQUEST of 76 bytes makes the holder broadcast a page of 4172, and a
 * RECLAIM makes every survivor send OFFERs of a page each, so a host
 * that asks too fast, by fault or by malice, could make others flood
 * the segment. Each host has a bucket of credit for each, filled at
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

	if (!rate)
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
	return peer->replay.epoch > peer->reclaimed_epoch &&
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
	if (!peer || !peer->replay.epoch)
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
		info->silent_ms = peer->replay.epoch ?
			jiffies_to_msecs(jiffies - peer->heard) : 0;
		if (!mether_peer_alive(peer, timeout))
			info->flags |= METHER_PEER_SILENT;
		if (peer->reclaimed_epoch)
			info->flags |= METHER_PEER_RECLAIMED;
		out->count++;
	}
	spin_unlock(&table->lock);
}
