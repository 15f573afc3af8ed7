// SPDX-License-Identifier: GPL-2.0
/*
 * Mether: the consistent copy moving between hosts.
 *
 * There is only ever one consistent copy of a page (the paper moves the
 * copy, not just the right to write). A host that needs it broadcasts a
 * REQUEST with the CONSISTENT flag; the holder gives it up first (its
 * views are unmapped and it no longer holds the page), then sends it as
 * a PAGE with the HANDOFF flag, the requester as target and a new
 * version. It sends the short subset alone when the requester needs no
 * more and already has the rest of the page as it is now (its "tail");
 * otherwise the whole page. The requester takes it only if that version is
 * newer than any it held, and ACKs every copy it gets, so a duplicate or
 * a late retransmission never makes a second holder. The old holder
 * keeps the page and retransmits it, with backoff, until the ACK comes;
 * a request from the same host meanwhile makes it retransmit at once.
 * Between the two there is, for a moment, no holder at all: never two.
 * A locked consistent copy is not given up.
 */
#include <linux/highmem.h>
#include <linux/jiffies.h>
#include <linux/mm.h>

#include "mether_net.h"
#include "mether_owner.h"
#include "mether_pause.h"
#include "mether_trace.h"
#include "mether_work.h"
#include "mether_wire.h"

/*
 * Is a reclaim counting who holds what? Then this host neither gives up
 * nor takes a consistent copy by handoff (mether_reclaim.c).
 */
static bool mether_owner_paused(struct mether_space *space)
{
	return mether_reclaim_pauses_active(&space->reclaim_pauses, jiffies);
}

/**
 * mether_owner_ask() - ask the cluster for a page's consistent copy
 * @space: the space
 * @page: page number
 * @subset: the subset the fault needs
 *
 * Called by each try of a fault that needs the copy.
 *
 * Return: -EINPROGRESS when a request went out; -ETIMEDOUT when nobody
 * answered for @space->request_timeout (the next call starts over);
 * -ENOTCONN when the host is alone.
 */
int mether_owner_ask(struct mether_space *space, u64 page,
		     unsigned int subset)
{
	struct mether_page *mp = &space->page[page];
	struct mether_wire_msg msg = {
		.type = METHER_MSG_REQUEST,
		.subset = subset,
		.flags = METHER_WIRE_CONSISTENT,
		.page = page,
	};
	int ret;

	ret = mether_asking_next(space, mp, &mp->owner_asks);
	if (ret)
		return ret;
	spin_lock(&mp->lock);
	if (mp->tail_frame) {
		msg.flags |= METHER_WIRE_HAVE_TAIL;
		msg.version = mp->tail_version;
	}
	spin_unlock(&mp->lock);
	ret = mether_net_send_msg(space, &msg, NULL);
	return ret ? ret : -EINPROGRESS;
}

/*
 * Can the handoff answering @msg carry the short subset alone? Only when
 * that is all the requester needs and the tail it has is the current one.
 */
static unsigned int mether_owner_handoff_subset(struct mether_page *mp,
						const struct mether_wire_msg *msg)
{
	if (msg->subset == METHER_SUBSET_SHORT &&
	    (msg->flags & METHER_WIRE_HAVE_TAIL) &&
	    mp->consistent_tail <= msg->version)
		return METHER_SUBSET_SHORT;
	return METHER_SUBSET_FULL;
}

static void mether_owner_send(struct mether_space *space, u64 page,
			      struct page *frame, unsigned int subset,
			      u64 version, u32 target, u64 target_epoch,
			      u32 seq)
{
	struct mether_wire_msg msg = {
		.type = METHER_MSG_PAGE,
		.subset = subset,
		.flags = METHER_WIRE_HANDOFF,
		.target = target,
		.target_epoch = target_epoch,
		.seq = seq,
		.page = page,
		.version = version,
	};

	mether_net_send_msg(space, &msg, frame);
}

/* Did bytes past the short subset change since @snap was taken? */
static bool mether_owner_tail_changed(struct page *frame, struct page *snap)
{
	void *now = kmap_local_page(frame);
	void *then = kmap_local_page(snap);
	bool changed;

	changed = memcmp(now + METHER_SHORT_SIZE, then + METHER_SHORT_SIZE,
			 PAGE_SIZE - METHER_SHORT_SIZE);
	kunmap_local(then);
	kunmap_local(now);
	return changed;
}

/* Put @mp on the pages the retransmit work looks at. */
static void mether_owner_track(struct mether_space *space,
			       struct mether_page *mp)
{
	mutex_lock(&space->handoff_lock);
	if (list_empty(&mp->handoff_entry))
		list_add_tail(&mp->handoff_entry, &space->handoffs);
	mutex_unlock(&space->handoff_lock);
}

/**
 * mether_owner_request() - another host asks for a consistent copy
 * @space: the space
 * @msg: a validated REQUEST with the CONSISTENT flag
 *
 * How much of the page goes is settled only once its views are unmapped:
 * until then a process may still write through a short view past the
 * short subset, which the tail snapshot finds.
 */
void mether_owner_request(struct mether_space *space,
			  const struct mether_wire_msg *msg)
{
	struct mether_page *mp = &space->page[msg->page];
	struct page *fresh, *frame = NULL, *snap = NULL;
	unsigned int unmap = 0, subset = METHER_SUBSET_FULL;
	u32 requester = msg->sender, seq = 0;
	u64 page = msg->page, version = 0, target_epoch = 0;
	bool gave_up = false, changed;

	fresh = mether_alloc_frame(space);
	if (!fresh)
		return;

	down_write(&space->map_sem);
	spin_lock(&mp->lock);
	if (mp->handoff_frame) {
		/*
		 * Given up already: the requester may have missed it. Not
		 * to a later life of it, which never asked for it: whether
		 * the earlier one took it, and passed it on, is unknown.
		 */
		if (mp->handoff_target == requester &&
		    mp->handoff_target_epoch == msg->epoch)
			frame = mp->handoff_frame;
	} else if (mether_owner_paused(space)) {
		/* A reclaim is counting holders: the requester asks again. */
	} else if (mether_state_can_map(&mp->consistent, METHER_SUBSET_FULL) &&
		   !mether_state_page_out(&mp->consistent, METHER_SUBSET_FULL,
					  &unmap)) {
		/* Held here and not locked: give it up. */
		if (!mp->consistent_frame) {
			mp->consistent_frame = fresh;
			fresh = NULL;
		}
		mp->handoff_frame = mp->consistent_frame;
		mp->consistent_frame = NULL;
		mp->handoff_target = requester;
		mp->handoff_target_epoch = msg->epoch;
		mp->handoff_seq = atomic_inc_return(&space->handoff_seq);
		mp->handoff_version = max(mp->consistent.version,
					  mp->inconsistent.version) + 1;
		mp->consistent.version = mp->handoff_version;
		mp->handoff_tries = 0;
		/* Not due until the subset is settled, below. */
		mp->handoff_next = jiffies + mether_backoff(6);
		mp->handoff_subset = METHER_SUBSET_FULL;
		snap = mp->tail_snapshot;
		mp->tail_snapshot = NULL;
		mp->seen_owner = requester;
		mp->seen_version = mp->handoff_version;
		frame = mp->handoff_frame;
		gave_up = true;
	}
	if (frame) {
		get_page(frame);
		subset = mp->handoff_subset;
		version = mp->handoff_version;
		seq = mp->handoff_seq;
		target_epoch = mp->handoff_target_epoch;
		if (!gave_up)
			mp->handoff_next = jiffies +
					   mether_backoff(mp->handoff_tries);
	}
	spin_unlock(&mp->lock);
	if (unmap)
		mether_unmap_views(space, page, false, unmap);
	if (gave_up) {
		/* No process writes the frame now. */
		changed = snap && mether_owner_tail_changed(frame, snap);
		spin_lock(&mp->lock);
		if (mp->tail_written || changed) {
			mp->consistent_tail = version;
			mp->tail_written = false;
		}
		mp->handoff_subset = mether_owner_handoff_subset(mp, msg);
		subset = mp->handoff_subset;
		mp->handoff_next = jiffies + mether_backoff(0);
		spin_unlock(&mp->lock);
	}
	up_write(&space->map_sem);

	if (fresh)
		put_page(fresh);
	if (snap)
		put_page(snap);
	if (!frame)
		return;
	if (gave_up)
		mether_owner_track(space, mp);
	/* Looking up this host's id takes the link's mutex: only if traced. */
	if (gave_up && trace_mether_handoff_enabled())
		trace_mether_handoff(page, version, mether_net_self(space),
				     requester, false);
	mether_owner_send(space, page, frame, subset, version, requester,
			  target_epoch, seq);
	put_page(frame);
	mod_delayed_work(mether_workqueue(), &space->handoff_work,
			 mether_backoff(0));
}

/**
 * mether_owner_arrived() - a consistent copy was handed to this host
 * @space: the space
 * @msg: a validated PAGE packet with HANDOFF whose target is this host
 *
 * A short handoff is laid over the tail this host keeps; a host with no
 * tail asks for the whole page in its ACK instead of taking it.
 *
 * While a reclaim is counting holders, a new copy is neither taken nor
 * ACKed: the sender keeps it, and says so, until the count is done.
 *
 * Return: true when this host now holds the page; false for a copy it
 * already had (which it ACKs again all the same).
 */
bool mether_owner_arrived(struct mether_space *space,
			  const struct mether_wire_msg *msg)
{
	struct mether_page *mp = &space->page[msg->page];
	struct mether_wire_msg ack = {
		.type = METHER_MSG_ACK,
		.target = msg->sender,
		.target_epoch = msg->epoch,
		.seq = msg->seq,
		.page = msg->page,
		.version = msg->version,
	};
	bool full = msg->subset == METHER_SUBSET_FULL;
	struct page *fresh;
	bool took = false;
	void *dst;

	fresh = mether_alloc_frame(space);
	if (!fresh)
		return false;	/* no ACK: the sender tries again */

	spin_lock(&mp->lock);
	if (mp->consistent.present || msg->version <= mp->consistent.version) {
		/* A duplicate: ACK it again. */
	} else if (mether_owner_paused(space)) {
		spin_unlock(&mp->lock);
		put_page(fresh);
		return false;
	} else if (!full && !mp->tail_frame) {
		ack.flags = METHER_WIRE_NEED_FULL;
	} else {
		if (!full)
			copy_highpage(fresh, mp->tail_frame);
		dst = kmap_local_page(fresh);
		memcpy(dst, msg->payload, msg->length);
		kunmap_local(dst);
		swap(mp->consistent_frame, fresh);
		mether_state_page_in(&mp->consistent, METHER_SUBSET_FULL,
				     msg->version);
		/* Bytes past the short subset are those of the tail used. */
		mp->consistent_tail = full ? msg->version : mp->tail_version;
		mp->tail_written = false;
		mp->owner_asks.count = 0;
		mp->seen_owner = msg->target;
		mp->seen_version = msg->version;
		took = true;
	}
	spin_unlock(&mp->lock);

	if (fresh)
		put_page(fresh);
	mether_net_send_msg(space, &ack, NULL);
	if (took) {
		trace_mether_handoff(msg->page, msg->version, msg->sender,
				     msg->target, false);
		wake_up_all(&space->wait);
	}
	return took;
}

/**
 * mether_owner_acked() - the host a copy was handed to has it
 * @space: the space
 * @msg: a validated ACK whose target is this host
 */
void mether_owner_acked(struct mether_space *space,
			const struct mether_wire_msg *msg)
{
	struct mether_page *mp = &space->page[msg->page];
	bool resend = false;

	spin_lock(&mp->lock);
	if (mp->handoff_frame && mp->handoff_seq == msg->seq &&
	    mp->handoff_target == msg->sender &&
	    mp->handoff_target_epoch == msg->epoch) {
		if (msg->flags & METHER_WIRE_NEED_FULL) {
			mp->handoff_subset = METHER_SUBSET_FULL;
			mp->handoff_next = jiffies;
			resend = true;
		} else {
			/* Nobody writes the frame now: keep it as the tail. */
			mether_page_keep_tail(mp, mp->handoff_frame,
					      mp->handoff_version);
			put_page(mp->handoff_frame);
			mp->handoff_frame = NULL;
		}
	}
	spin_unlock(&mp->lock);
	if (resend)
		mod_delayed_work(mether_workqueue(), &space->handoff_work, 0);
}

/**
 * mether_owner_heard() - note who holds a page, from a packet passing by
 * @space: the space
 * @msg: a validated PAGE or ACK
 *
 * A page is sent by its holder or handed to its target, and an ACK comes
 * from the new holder: the newest version heard of says who holds the
 * page, which a reclaim needs to know.
 */
void mether_owner_heard(struct mether_space *space,
			const struct mether_wire_msg *msg)
{
	struct mether_page *mp = &space->page[msg->page];
	u32 owner = msg->sender;

	if (msg->type == METHER_MSG_PAGE && (msg->flags & METHER_WIRE_HANDOFF))
		owner = msg->target;
	spin_lock(&mp->lock);
	if (msg->version >= mp->seen_version) {
		mp->seen_version = msg->version;
		mp->seen_owner = owner;
	}
	spin_unlock(&mp->lock);
}

/**
 * mether_owner_cancel_handoffs() - stop handing pages to a reclaimed epoch
 * @space: the space
 * @host: the host
 * @epoch: its reclaimed epoch: handoffs to it and to older ones end
 *
 * Whether or not a handoff reached it, the copy given up is the newest
 * this host has: it becomes the tail that a reclaim can offer. A handoff
 * to a newer epoch of @host (it restarted and asked again) goes on: that
 * life may take it, and the copy counts as held here until it does. One
 * to a reclaimed epoch never would be ACKed (the host drops a packet
 * aimed at another of its epochs), and kept, it would keep the page
 * held here, unreclaimable, for good.
 */
void mether_owner_cancel_handoffs(struct mether_space *space, u32 host,
				  u64 epoch)
{
	struct mether_page *mp;

	mutex_lock(&space->handoff_lock);
	list_for_each_entry(mp, &space->handoffs, handoff_entry) {
		spin_lock(&mp->lock);
		if (mp->handoff_frame && mp->handoff_target == host &&
		    mp->handoff_target_epoch <= epoch) {
			mether_page_keep_tail(mp, mp->handoff_frame,
					      mp->handoff_version);
			put_page(mp->handoff_frame);
			mp->handoff_frame = NULL;
		}
		spin_unlock(&mp->lock);
	}
	mutex_unlock(&space->handoff_lock);
}

/*
 * Resend handoffs not yet ACKed. Walks the pending handoffs alone, not
 * the space: it runs as often as every 20 ms while any is pending. Pages
 * whose handoff ended leave the list here, and only here, so the walk
 * can drop the list's lock to send.
 */
static void mether_owner_retransmit_work(struct work_struct *work)
{
	struct mether_space *space = container_of(to_delayed_work(work),
						  struct mether_space,
						  handoff_work);
	unsigned long next = mether_backoff(6);
	struct mether_page *mp, *tmp;
	bool pending = false;

	mutex_lock(&space->handoff_lock);
	list_for_each_entry_safe(mp, tmp, &space->handoffs, handoff_entry) {
		struct page *frame = NULL;
		unsigned int subset = 0;
		u64 version = 0, target_epoch = 0;
		u32 target = 0, seq = 0;

		spin_lock(&mp->lock);
		if (!mp->handoff_frame) {
			spin_unlock(&mp->lock);
			list_del_init(&mp->handoff_entry);
			continue;
		}
		pending = true;
		if (time_after_eq(jiffies, mp->handoff_next)) {
			frame = mp->handoff_frame;
			get_page(frame);
			subset = mp->handoff_subset;
			version = mp->handoff_version;
			target = mp->handoff_target;
			target_epoch = mp->handoff_target_epoch;
			seq = mp->handoff_seq;
			mp->handoff_tries++;
			mp->handoff_next = jiffies +
				mether_backoff(mp->handoff_tries);
		}
		next = min(next, mp->handoff_next - jiffies);
		spin_unlock(&mp->lock);
		if (!frame)
			continue;
		/*
		 * Sending sleeps on the link. @mp stays on the list (only this
		 * work takes pages off), so the walk goes on from it; pages
		 * added meanwhile go at the tail, where the walk finds them.
		 */
		mutex_unlock(&space->handoff_lock);
		/*
		 * The target came up again since it asked: the life the
		 * handoff is for is gone, and the new one must not take it
		 * (only 32 bits of its epoch travel, wire.rst). The frame
		 * stays held, as for any handoff not ACKed, until a reclaim
		 * of that life cancels it.
		 */
		if (mether_net_epoch_of(space, target) <= target_epoch) {
			mether_owner_send(space, mether_page_index(space, mp),
					  frame, subset, version, target,
					  target_epoch, seq);
			mether_net_count_retransmit(space);
		}
		put_page(frame);
		mutex_lock(&space->handoff_lock);
		tmp = list_next_entry(mp, handoff_entry);
	}
	mutex_unlock(&space->handoff_lock);
	if (pending)
		queue_delayed_work(mether_workqueue(), &space->handoff_work,
				   max(next, 1UL));
}

/**
 * mether_owner_init_space() - set up a new space's handoffs
 * @space: the space, not yet in use
 */
void mether_owner_init_space(struct mether_space *space)
{
	INIT_DELAYED_WORK(&space->handoff_work, mether_owner_retransmit_work);
}
