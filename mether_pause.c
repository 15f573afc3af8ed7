// SPDX-License-Identifier: GPL-2.0
/*
 * Mether: the reclaims a host takes part in.
 *
 * While a reclaim counts who holds what, the hosts taking part hand no
 * consistent copy on (mether_reclaim.c). The table of those pauses lives
 * here, below both the handoffs that obey it (mether_owner.c) and the
 * reclaims that fill it, and knows nothing of either: it is pure data,
 * tested by KUnit.
 */
#include <linux/jiffies.h>
#include <linux/math.h>

#include "mether_pause.h"
#include "mether_wire.h"

/**
 * mether_reclaim_pause_find() - the pause of one reclaim, if it goes on
 * @p: the host's pauses, locked
 * @coordinator: the reclaim's coordinator
 * @epoch: its epoch
 * @seq: the reclaim's number
 * @now: jiffies
 *
 * Return: the pause, or NULL.
 */
struct mether_reclaim_pause *
mether_reclaim_pause_find(struct mether_reclaim_pauses *p, u32 coordinator,
			  u64 epoch, u32 seq, unsigned long now)
{
	struct mether_reclaim_pause *pause;
	unsigned int i;

	for (i = 0; i < METHER_RECLAIM_PAUSES; i++) {
		pause = &p->slot[i];
		if (mether_reclaim_pause_live(pause, now) &&
		    pause->coordinator == coordinator &&
		    pause->epoch == epoch && pause->seq == seq)
			return pause;
	}
	return NULL;
}

/**
 * mether_reclaim_pause_begin() - take part in a reclaim
 * @p: the host's pauses, locked
 * @coordinator: the reclaim's coordinator
 * @epoch: its epoch
 * @seq: the reclaim's number
 * @pages: pages of the space
 * @now: jiffies
 * @len: jiffies the pause lasts, unless its DONE comes first
 *
 * A repeat of a RECLAIM finds its pause as it was: it is not made
 * longer. A new reclaim takes a free slot and never another reclaim's,
 * even its coordinator's: only that reclaim's DONE ends a pause early.
 *
 * Return: the pause, or NULL when every slot is taken.
 */
struct mether_reclaim_pause *
mether_reclaim_pause_begin(struct mether_reclaim_pauses *p, u32 coordinator,
			   u64 epoch, u32 seq, u64 pages, unsigned long now,
			   unsigned long len)
{
	struct mether_reclaim_pause *pause;
	unsigned int i;

	pause = mether_reclaim_pause_find(p, coordinator, epoch, seq, now);
	if (pause)
		return pause;
	for (i = 0; i < METHER_RECLAIM_PAUSES; i++) {
		pause = &p->slot[i];
		if (mether_reclaim_pause_live(pause, now))
			continue;
		*pause = (struct mether_reclaim_pause) {
			.coordinator = coordinator,
			.seq = seq,
			.epoch = epoch,
			.next = pages,
			.pages = pages,
		};
		WRITE_ONCE(pause->until, (now + len) ?: 1);
		return pause;
	}
	return NULL;
}

/**
 * mether_reclaim_pause_end() - a DONE came
 * @p: the host's pauses, locked
 * @coordinator: its sender
 * @epoch: its sender's epoch
 * @seq: its number
 *
 * Return: true when it ended a pause: that of the reclaim of that
 * coordinator, epoch and number. Any other DONE ends nothing.
 */
bool mether_reclaim_pause_end(struct mether_reclaim_pauses *p,
			      u32 coordinator, u64 epoch, u32 seq)
{
	struct mether_reclaim_pause *pause;

	pause = mether_reclaim_pause_find(p, coordinator, epoch, seq, jiffies);
	if (!pause)
		return false;
	WRITE_ONCE(pause->until, 0);
	pause->next = pause->pages;
	return true;
}

/**
 * mether_reclaim_pause_round() - may a RECLAIM start a round of OFFERs?
 * @pause: its reclaim's pause, locked
 * @from: the first page the coordinator lacks
 *
 * Return: true, and the round starts at @from's OFFER, unless a round
 * of this reclaim is still going out or METHER_RECLAIM_ROUNDS have.
 */
bool mether_reclaim_pause_round(struct mether_reclaim_pause *pause, u64 from)
{
	if (pause->next < pause->pages ||
	    pause->rounds >= METHER_RECLAIM_ROUNDS)
		return false;
	pause->rounds++;
	pause->next = from < pause->pages ?
		      rounddown(from, METHER_OFFERS_PER_PACKET) : 0;
	return true;
}

/**
 * mether_reclaim_pauses_active() - does any reclaim pause this host?
 * @p: the host's pauses (read without the lock)
 * @now: jiffies
 *
 * Return: true while one does.
 */
bool mether_reclaim_pauses_active(const struct mether_reclaim_pauses *p,
				  unsigned long now)
{
	unsigned int i;

	for (i = 0; i < METHER_RECLAIM_PAUSES; i++)
		if (mether_reclaim_pause_live(&p->slot[i], now))
			return true;
	return false;
}
