// SPDX-License-Identifier: GPL-2.0
/*
 * Mether: giving a silent host's pages to the survivors.
 *
 * Every page that left a host went out by broadcast, so when a host
 * falls silent holding consistent copies, the survivors still hold the
 * last version of each that was published. A reclaim, asked for on one
 * survivor (the coordinator, METHER_IOC_RECLAIM), makes them owners:
 *
 * 1. The coordinator checks that the host has been silent for the host
 *    timeout (or that the epoch asked for is older than the newest heard
 *    of it: the host restarted), and broadcasts a RECLAIM naming it and
 *    that epoch. Every survivor that hears it and does not hear that
 *    epoch of the host alive refuses the epoch from then on
 *    (mether_peer.c), stops handing pages to it, and pauses its own
 *    handoffs, so that who holds what stays still while it is counted.
 *    Only the coordinator's DONE of that reclaim (its id, epoch and
 *    number) ends the pause early.
 * 2. Each survivor answers with OFFERs: for every page, whether it holds
 *    the consistent copy, the version of the newest copy it has, and the
 *    newest version it has heard of, with its owner. The coordinator
 *    asks again, naming the first page it lacks, until every host heard
 *    within the host timeout has answered in full. A survivor sends its
 *    OFFERs paced, and at most METHER_RECLAIM_ROUNDS rounds of them per
 *    reclaim, however often it is asked.
 * 3. A page that no survivor holds, last heard of in the silent host's
 *    hands (or never heard of), goes to the survivor with the newest
 *    copy: the coordinator sends it a GRANT and repeats it until the
 *    ACK. The new owner takes its copy as the consistent one, under a
 *    version newer than any it heard of, and publishes it.
 * 4. The coordinator broadcasts RECLAIM_DONE, and handoffs resume.
 *
 * Nothing published is lost: the newest published copy is somewhere
 * among the survivors, unless every survivor missed it (the page then
 * comes back "behind", and the coordinator says by how many versions).
 * What the silent host wrote and never published is lost. Two reclaims
 * of one host run at once from two hosts could grant a page twice: run
 * one at a time (Documentation/server.rst).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bitmap.h>
#include <linux/highmem.h>
#include <linux/jiffies.h>
#include <linux/mm.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/workqueue.h>

#include "mether_net.h"
#include "mether_owner.h"
#include "mether_reclaim.h"
#include "mether_send.h"
#include "mether_space.h"
#include "mether_trace.h"
#include "mether_wire.h"
#include "mether_work.h"

#define METHER_RECLAIM_TIMEOUT_MS	10000
#define METHER_RECLAIM_TIMEOUT_MAX_MS	60000
/* Survivors stay paused this much longer than the coordinator waits. */
#define METHER_RECLAIM_PAUSE_SLACK_MS	2000
/* RECLAIM_DONE is sent this often: a lost one costs a paused cluster. */
#define METHER_RECLAIM_DONE_SENDS	3

/**
 * struct mether_reclaim_run - a reclaim this host coordinates
 * @dead: the silent host
 * @dead_epoch: the epoch reclaimed (with every older one)
 * @self: this host
 * @seq: the reclaim's number, echoed by OFFERs and ACKs
 * @pause_ms: how long survivors pause their handoffs, at most
 * @npeers: the survivors that must answer
 * @peer: their ids
 * @chunks: OFFER packets each of them sends
 * @answered: bit (peer * @chunks + chunk): that OFFER came
 * @missing: OFFERs still to come
 * @ungranted: GRANTs not yet ACKed
 * @page: what the survivors said of each page
 */
struct mether_reclaim_run {
	u32 dead;
	u64 dead_epoch;
	u32 self;
	u32 seq;
	u32 pause_ms;
	unsigned int npeers;
	u32 peer[METHER_PEERS_MAX];
	unsigned int chunks;
	unsigned long *answered;
	unsigned int missing;
	unsigned int ungranted;
	struct mether_reclaim_page *page;
};

/*
 * Refuse @dead's @epoch, and stop handing pages to it and its older
 * epochs. A handoff to a newer one (the host restarted and asked again)
 * goes on: this pause keeps that life from taking it, so the copy still
 * counts as held here.
 */
static void mether_reclaim_prepare(struct mether_space *space, u32 dead,
				   u64 epoch)
{
	mether_net_reclaimed(space, dead, epoch);
	mether_owner_cancel_handoffs(space, dead, epoch);
}

/* What this host has of @page, as an OFFER says it. */
static void mether_reclaim_describe(struct mether_space *space, u64 page,
				    struct mether_wire_offer *offer)
{
	struct mether_page *mp = &space->page[page];
	u64 version = 0;
	u32 flags = 0;

	spin_lock(&mp->lock);
	if (mp->consistent.present || mp->handoff_frame) {
		flags = METHER_OFFER_HELD;
		version = mp->consistent.version;
	} else {
		if (mp->inconsistent_frame)
			version = mp->inconsistent.version;
		if (mp->tail_frame)
			version = max(version, mp->tail_version);
	}
	*offer = (struct mether_wire_offer) {
		.version = cpu_to_be64(version),
		.seen = cpu_to_be64(max(version, mp->seen_version)),
		.owner = cpu_to_be32(mp->seen_owner),
		.flags = cpu_to_be32(flags),
	};
	spin_unlock(&mp->lock);
}

/**
 * mether_reclaim_fold() - add one survivor's word on a page
 * @rp: what the survivors said of the page so far
 * @host: the survivor
 * @offer: its word, checked by the caller
 *
 * Of equal copies, the first offered wins: the coordinator's own, when
 * it has one, which saves a GRANT.
 */
void mether_reclaim_fold(struct mether_reclaim_page *rp, u32 host,
			 const struct mether_wire_offer *offer)
{
	u64 version = be64_to_cpu(offer->version);
	u64 seen = be64_to_cpu(offer->seen);

	if (be32_to_cpu(offer->flags) & METHER_OFFER_HELD)
		rp->held = true;
	if (!rp->winner || version > rp->version) {
		rp->version = version;
		rp->winner = host;
	}
	if (seen > rp->seen || !rp->seen_owner) {
		rp->seen = max(seen, rp->seen);
		rp->seen_owner = be32_to_cpu(offer->owner);
	}
}

/**
 * mether_reclaim_decide() - is the page the silent host's to reclaim?
 * @rp: what every survivor said of it
 * @dead: the silent host
 * @self: the coordinator
 * @peers: the other survivors
 * @npeers: how many
 *
 * It is when no survivor holds it and it was last heard of in the silent
 * host's hands, or in a survivor's that does not hold it (a handoff lost
 * with the silent host), or never heard of at all (it never left the
 * host that made the space). One last heard of with another silent host
 * is left for that host's own reclaim.
 *
 * Return: true to reclaim it.
 */
bool mether_reclaim_decide(struct mether_reclaim_page *rp, u32 dead,
			   u32 self, const u32 *peers, unsigned int npeers)
{
	unsigned int i;

	if (rp->held)
		return false;
	if (!rp->seen_owner || rp->seen_owner == dead ||
	    rp->seen_owner == self)
		return true;
	for (i = 0; i < npeers; i++)
		if (peers[i] == rp->seen_owner)
			return true;
	return false;
}

/* Fill @fresh with the newest copy of the page this host has. */
static void mether_reclaim_build(struct page *fresh, struct mether_page *mp)
{
	void *dst, *src;

	if (mp->tail_frame)
		copy_highpage(fresh, mp->tail_frame);
	if (!mp->inconsistent_frame ||
	    (mp->tail_frame && mp->inconsistent.version <= mp->tail_version))
		return;
	if (!mp->tail_frame) {
		copy_highpage(fresh, mp->inconsistent_frame);
		return;
	}
	/* Newer than the whole page kept, a short copy: lay it over. */
	dst = kmap_local_page(fresh);
	src = kmap_local_page(mp->inconsistent_frame);
	memcpy(dst, src, METHER_SHORT_SIZE);
	kunmap_local(src);
	kunmap_local(dst);
}

/*
 * Make this host's newest copy of @page its consistent copy, as granted
 * at @granted. Sets @version to the version the page now has here.
 * Returns 1 when it was taken now, 0 when it had been already, or
 * -ENOMEM.
 */
static int mether_reclaim_take(struct mether_space *space, u64 page,
			       u64 granted, u32 self, u64 *version)
{
	struct mether_page *mp = &space->page[page];
	struct page *fresh, *old = NULL;
	int took = 0;

	fresh = mether_alloc_frame(space);
	if (!fresh)
		return -ENOMEM;

	spin_lock(&mp->lock);
	if (mp->consistent.present || mp->handoff_frame ||
	    mp->consistent.version > granted) {
		/* A repeated GRANT: taken, and maybe handed on, already. */
		*version = mp->consistent.version;
	} else {
		mether_reclaim_build(fresh, mp);
		*version = max3(mp->inconsistent.version, mp->tail_version,
				max(mp->seen_version, granted)) + 1;
		old = mp->consistent_frame;
		mp->consistent_frame = fresh;
		fresh = NULL;
		mether_state_page_in(&mp->consistent, METHER_SUBSET_FULL,
				     *version);
		mp->consistent_tail = *version;
		mp->tail_written = false;
		mp->owner_asks.count = 0;
		mp->owner_asks.given_up = false;
		mp->any_asks.given_up = false;
		mp->seen_owner = self;
		mp->seen_version = *version;
		took = 1;
	}
	spin_unlock(&mp->lock);

	if (fresh)
		put_page(fresh);
	if (old)
		put_page(old);
	if (took) {
		trace_mether_handoff(page, *version, 0, self, true);
		wake_up_all(&space->wait);
	}
	return took;
}

static void mether_reclaim_send(struct mether_space *space,
				const struct mether_reclaim_run *run,
				unsigned int flags, u64 page)
{
	struct mether_wire_reclaim body = {
		.host = cpu_to_be32(run->dead),
		.pause_ms = cpu_to_be32(run->pause_ms),
		.epoch = cpu_to_be64(run->dead_epoch),
	};
	struct mether_wire_msg msg = {
		.type = METHER_MSG_RECLAIM,
		.flags = flags,
		.seq = run->seq,
		.page = page,
	};

	mether_net_send_buf(space, &msg, &body);
}

/* One OFFER of the round of @pause: the pages from its next one. */
static bool mether_reclaim_offer_next(struct mether_space *space,
				      struct mether_reclaim_pause *pause,
				      struct mether_wire_offer *offers)
{
	struct mether_wire_msg msg = {
		.type = METHER_MSG_OFFER,
		.subset = METHER_SUBSET_FULL,
	};
	bool send = false;
	u64 i;

	spin_lock(&space->reclaim_lock);
	if (mether_reclaim_pause_live(pause, jiffies) &&
	    pause->next < pause->pages) {
		msg.target = pause->coordinator;
		msg.seq = pause->seq;
		msg.page = pause->next;
		pause->next = min(pause->next + METHER_OFFERS_PER_PACKET,
				  pause->pages);
		send = true;
	}
	spin_unlock(&space->reclaim_lock);
	if (!send)
		return false;
	memset(offers, 0, METHER_WIRE_PAGE_SIZE);
	for (i = 0; i < METHER_OFFERS_PER_PACKET; i++) {
		if (msg.page + i >= space->pages)
			break;
		mether_reclaim_describe(space, msg.page + i, &offers[i]);
	}
	mether_net_send_buf(space, &msg, offers);
	return true;
}

/*
 * Send the OFFERs reclaims asked for: METHER_OFFER_BURST OFFERs at most,
 * then METHER_OFFER_GAP_MS until the next burst. A survivor's answer
 * never arrives as one burst of a whole space, which the coordinator's
 * socket could not hold anyway.
 */
static void mether_reclaim_answer_work(struct work_struct *work)
{
	struct mether_space *space = container_of(to_delayed_work(work),
						  struct mether_space,
						  reclaim_work);
	unsigned long gap = max(msecs_to_jiffies(METHER_OFFER_GAP_MS), 1UL);
	struct mether_reclaim_pause *pause;
	struct mether_wire_offer *offers;
	unsigned int i, sent = 0;
	bool more = false;

	offers = kmalloc(METHER_WIRE_PAGE_SIZE, GFP_KERNEL);
	if (!offers)
		goto again;
	for (i = 0; i < METHER_RECLAIM_PAUSES; i++) {
		pause = &space->reclaim_pauses.slot[i];
		while (sent < METHER_OFFER_BURST &&
		       mether_reclaim_offer_next(space, pause, offers))
			sent++;
	}
	kfree(offers);
again:
	spin_lock(&space->reclaim_lock);
	for (i = 0; i < METHER_RECLAIM_PAUSES; i++) {
		pause = &space->reclaim_pauses.slot[i];
		if (mether_reclaim_pause_live(pause, jiffies) &&
		    pause->next < pause->pages)
			more = true;
	}
	spin_unlock(&space->reclaim_lock);
	if (more)
		queue_delayed_work(mether_workqueue(), &space->reclaim_work,
				   gap);
}

/**
 * mether_reclaim_init_space() - set up a new space's reclaims
 * @space: the space, not yet in use
 */
void mether_reclaim_init_space(struct mether_space *space)
{
	INIT_DELAYED_WORK(&space->reclaim_work, mether_reclaim_answer_work);
}

/**
 * mether_reclaim_asked() - a coordinator reclaims a host's epoch
 * @space: the space
 * @msg: a validated RECLAIM, with or without DONE
 *
 * Return: true when it began or ended this host's part in a reclaim, or
 * started a round of OFFERs; false when it changed nothing.
 */
bool mether_reclaim_asked(struct mether_space *space,
			  const struct mether_wire_msg *msg)
{
	const struct mether_wire_reclaim *body = msg->payload;
	u32 dead = be32_to_cpu(body->host);
	u32 pause_ms = be32_to_cpu(body->pause_ms);
	u64 epoch = be64_to_cpu(body->epoch);
	struct mether_reclaim_pause *pause;
	bool fresh = false, round = false;
	int may;

	if (!dead || dead == msg->sender || !epoch ||
	    pause_ms > METHER_RECLAIM_TIMEOUT_MAX_MS +
		       METHER_RECLAIM_PAUSE_SLACK_MS)
		return false;
	if (msg->flags & METHER_WIRE_RECLAIM_DONE) {
		spin_lock(&space->reclaim_lock);
		round = mether_reclaim_pause_end(&space->reclaim_pauses,
						 msg->sender, msg->epoch,
						 msg->seq);
		spin_unlock(&space->reclaim_lock);
		return round;
	}
	/*
	 * Not while this host hears that epoch of the host alive (or is
	 * it): unanswered, the coordinator gives up and grants nothing.
	 */
	may = mether_net_reclaimable(space, dead, &epoch);
	if (may == -EBUSY) {
		if (dead == mether_net_self(space))
			pr_warn_ratelimited("host %u reclaims this host's pages: its copies are no longer the cluster's\n",
					    msg->sender);
		return false;
	}

	spin_lock(&space->reclaim_lock);
	pause = mether_reclaim_pause_begin(&space->reclaim_pauses,
					   msg->sender, msg->epoch, msg->seq,
					   space->pages, jiffies,
					   msecs_to_jiffies(pause_ms));
	fresh = pause && !pause->rounds;
	spin_unlock(&space->reclaim_lock);
	if (!pause)
		return false;
	/* Before any OFFER says what this host holds. */
	if (fresh && dead != mether_net_self(space))
		mether_reclaim_prepare(space, dead, epoch);

	spin_lock(&space->reclaim_lock);
	pause = mether_reclaim_pause_find(&space->reclaim_pauses, msg->sender,
					  msg->epoch, msg->seq, jiffies);
	if (pause)
		round = mether_reclaim_pause_round(pause, msg->page);
	spin_unlock(&space->reclaim_lock);
	if (round)
		queue_delayed_work(mether_workqueue(), &space->reclaim_work, 0);
	return round || fresh;
}

/**
 * mether_reclaim_offers_valid() - may an OFFER's entries be folded in?
 * @o: its METHER_OFFERS_PER_PACKET entries, from the network
 *
 * The versions an OFFER carries are bounded as a page_version is (wire.rst):
 * one of 2^63 or more, granted, would be refused by its winner, and one
 * more than it wraps.
 *
 * Return: false when an entry sets an unknown flag or a reserved byte,
 * or carries such a version.
 */
bool mether_reclaim_offers_valid(const struct mether_wire_offer *o)
{
	unsigned int i;

	for (i = 0; i < METHER_OFFERS_PER_PACKET; i++)
		if ((be32_to_cpu(o[i].flags) & ~METHER_OFFER_HELD) ||
		    o[i].reserved ||
		    be64_to_cpu(o[i].version) >= METHER_WIRE_VERSION_MAX ||
		    be64_to_cpu(o[i].seen) >= METHER_WIRE_VERSION_MAX)
			return false;
	return true;
}

static int mether_reclaim_peer_index(const struct mether_reclaim_run *run,
				     u32 host)
{
	unsigned int i;

	for (i = 0; i < run->npeers; i++)
		if (run->peer[i] == host)
			return i;
	return -1;
}

/**
 * mether_reclaim_offered() - a survivor says what it has
 * @space: the space
 * @msg: a validated OFFER for this host
 */
void mether_reclaim_offered(struct mether_space *space,
			    const struct mether_wire_msg *msg)
{
	const struct mether_wire_offer *offers = msg->payload;
	struct mether_reclaim_run *run;
	bool wake = false;
	int peer;
	u64 i;

	if (msg->page % METHER_OFFERS_PER_PACKET ||
	    !mether_reclaim_offers_valid(offers))
		return;
	spin_lock(&space->reclaim_lock);
	run = space->reclaim;
	if (!run || run->seq != msg->seq)
		goto out;
	peer = mether_reclaim_peer_index(run, msg->sender);
	if (peer < 0 ||
	    test_and_set_bit(peer * run->chunks +
			     msg->page / METHER_OFFERS_PER_PACKET,
			     run->answered))
		goto out;
	for (i = 0; i < METHER_OFFERS_PER_PACKET; i++) {
		if (msg->page + i >= space->pages)
			break;
		mether_reclaim_fold(&run->page[msg->page + i], msg->sender,
				    &offers[i]);
	}
	WRITE_ONCE(run->missing, run->missing - 1);
	wake = true;
out:
	spin_unlock(&space->reclaim_lock);
	if (wake)
		wake_up_all(&space->wait);
}

/**
 * mether_reclaim_grant() - the coordinator makes this host an owner
 * @space: the space
 * @msg: a validated GRANT for this host
 */
void mether_reclaim_grant(struct mether_space *space,
			  const struct mether_wire_msg *msg)
{
	struct mether_wire_msg ack = {
		.type = METHER_MSG_ACK,
		.flags = METHER_WIRE_GRANTED,
		.target = msg->sender,
		.seq = msg->seq,
		.page = msg->page,
	};
	bool ours;
	int took;

	/* Only from the coordinator of a reclaim this host takes part in. */
	spin_lock(&space->reclaim_lock);
	ours = mether_reclaim_pause_find(&space->reclaim_pauses, msg->sender,
					 msg->epoch, msg->seq, jiffies);
	spin_unlock(&space->reclaim_lock);
	if (!ours)
		return;
	took = mether_reclaim_take(space, msg->page, msg->version,
				   msg->target, &ack.version);
	if (took < 0)
		return;	/* no ACK: the coordinator asks again */
	mether_net_send_msg(space, &ack, NULL);
	if (took)
		mether_publish(space, msg->page, METHER_SUBSET_FULL);
}

/**
 * mether_reclaim_granted() - a survivor holds a page it was granted
 * @space: the space
 * @msg: a validated ACK with GRANTED, for this host
 */
void mether_reclaim_granted(struct mether_space *space,
			    const struct mether_wire_msg *msg)
{
	struct mether_reclaim_run *run;
	struct mether_reclaim_page *rp;
	bool wake = false;

	spin_lock(&space->reclaim_lock);
	run = space->reclaim;
	if (run && run->seq == msg->seq) {
		rp = &run->page[msg->page];
		if (rp->reclaim && !rp->granted &&
		    rp->winner == msg->sender) {
			rp->granted = true;
			WRITE_ONCE(run->ungranted, run->ungranted - 1);
			wake = true;
		}
	}
	spin_unlock(&space->reclaim_lock);
	if (wake)
		wake_up_all(&space->wait);
}

/*
 * Wait, killably, until *@count is 0, or @step or @deadline passes. The
 * counts change under reclaim_lock, one step at a time, and are read
 * once: a stale read only means one more round.
 */
static long mether_reclaim_wait(struct mether_space *space,
				const unsigned int *count, unsigned long step,
				unsigned long deadline)
{
	long left = max_t(long, deadline - jiffies, 1);

	return wait_event_killable_timeout(space->wait, !READ_ONCE(*count),
					   min_t(long, step, left));
}

/* The first page some survivor has not described yet (locked). */
static u64 mether_reclaim_first_missing(const struct mether_reclaim_run *run)
{
	unsigned long first = run->chunks, bit;
	unsigned int peer;

	for (peer = 0; peer < run->npeers; peer++) {
		bit = find_next_zero_bit(run->answered,
					 (peer + 1) * run->chunks,
					 peer * run->chunks);
		if (bit < (peer + 1) * run->chunks)
			first = min(first, bit - peer * run->chunks);
	}
	return first < run->chunks ? (u64)first * METHER_OFFERS_PER_PACKET : 0;
}

/* Step 2: ask until every survivor has said what it has. */
static int mether_reclaim_count(struct mether_space *space,
				struct mether_reclaim_run *run,
				unsigned long deadline)
{
	unsigned int tries = 0;
	long left;
	u64 from;

	for (;;) {
		spin_lock(&space->reclaim_lock);
		from = mether_reclaim_first_missing(run);
		spin_unlock(&space->reclaim_lock);
		mether_reclaim_send(space, run, 0, from);
		left = mether_reclaim_wait(space, &run->missing,
					   mether_backoff(tries++), deadline);
		if (left < 0)
			return -EINTR;
		if (!READ_ONCE(run->missing))
			return 0;
		if (time_after_eq(jiffies, deadline))
			return -ETIMEDOUT;
	}
}

static void mether_reclaim_send_grants(struct mether_space *space,
				       struct mether_reclaim_run *run)
{
	u64 i;

	for (i = 0; i < space->pages; i++) {
		struct mether_reclaim_page *rp = &run->page[i];
		struct mether_wire_msg msg = {
			.type = METHER_MSG_GRANT,
			.target = rp->winner,
			.seq = run->seq,
			.page = i,
			.version = rp->version,
		};
		bool send;

		spin_lock(&space->reclaim_lock);
		send = rp->reclaim && !rp->granted;
		spin_unlock(&space->reclaim_lock);
		if (send)
			mether_net_send_msg(space, &msg, NULL);
	}
}

/* Step 3: give each reclaimed page to the survivor with its newest copy. */
static int mether_reclaim_give(struct mether_space *space,
			       struct mether_reclaim_run *run,
			       unsigned long deadline)
{
	unsigned int tries = 0;
	u64 i, version;
	long left;

	spin_lock(&space->reclaim_lock);
	for (i = 0; i < space->pages; i++) {
		struct mether_reclaim_page *rp = &run->page[i];

		rp->reclaim = mether_reclaim_decide(rp, run->dead, run->self,
						    run->peer, run->npeers);
		if (rp->reclaim && rp->winner != run->self)
			run->ungranted++;
	}
	spin_unlock(&space->reclaim_lock);

	for (i = 0; i < space->pages; i++) {
		struct mether_reclaim_page *rp = &run->page[i];

		if (!rp->reclaim || rp->winner != run->self)
			continue;
		if (mether_reclaim_take(space, i, rp->version, run->self,
					&version) < 0)
			return -ENOMEM;
		spin_lock(&space->reclaim_lock);
		rp->granted = true;
		spin_unlock(&space->reclaim_lock);
		mether_publish(space, i, METHER_SUBSET_FULL);
	}

	while (READ_ONCE(run->ungranted)) {
		if (time_after_eq(jiffies, deadline))
			return -ETIMEDOUT;
		mether_reclaim_send_grants(space, run);
		left = mether_reclaim_wait(space, &run->ungranted,
					   mether_backoff(tries++), deadline);
		if (left < 0)
			return -EINTR;
	}
	return 0;
}

static void mether_reclaim_free(struct mether_reclaim_run *run)
{
	bitmap_free(run->answered);
	kvfree(run->page);
	kfree(run);
}

/* Step 1: check the host is silent, and start counting. */
static struct mether_reclaim_run *
mether_reclaim_start(struct mether_space *space,
		     const struct mether_reclaim *arg)
{
	struct mether_reclaim_pause *pause;
	struct mether_reclaim_run *run;
	struct mether_wire_offer offer;
	u64 i;
	int ret;

	run = kzalloc(sizeof(*run), GFP_KERNEL_ACCOUNT);
	if (!run)
		return ERR_PTR(-ENOMEM);
	run->self = mether_net_self(space);
	run->dead = arg->host_id;
	ret = -ENOTCONN;
	if (!run->self)
		goto err;
	ret = -EINVAL;
	if (run->dead == run->self)
		goto err;
	run->dead_epoch = arg->epoch;
	ret = mether_net_reclaimable(space, run->dead, &run->dead_epoch);
	if (ret < 0)
		goto err;
	/* A host alive under a newer epoch answers too: it is a survivor. */
	run->npeers = mether_net_live(space, 0, run->peer);
	run->chunks = DIV_ROUND_UP(space->pages, METHER_OFFERS_PER_PACKET);
	run->missing = run->npeers * run->chunks;
	ret = -ENOMEM;
	run->page = kvcalloc(space->pages, sizeof(*run->page),
			     GFP_KERNEL_ACCOUNT);
	run->answered = bitmap_zalloc(max(run->missing, 1U),
				      GFP_KERNEL_ACCOUNT);
	if (!run->page || !run->answered)
		goto err;
	run->seq = atomic_inc_return(&space->handoff_seq);
	run->pause_ms = arg->timeout_ms + METHER_RECLAIM_PAUSE_SLACK_MS;

	spin_lock(&space->reclaim_lock);
	pause = mether_reclaim_pause_begin(&space->reclaim_pauses, run->self,
					   0, run->seq, space->pages, jiffies,
					   msecs_to_jiffies(run->pause_ms));
	spin_unlock(&space->reclaim_lock);
	ret = -EBUSY;
	if (!pause)
		goto err;
	mether_reclaim_prepare(space, run->dead, run->dead_epoch);
	for (i = 0; i < space->pages; i++) {
		mether_reclaim_describe(space, i, &offer);
		mether_reclaim_fold(&run->page[i], run->self, &offer);
	}
	spin_lock(&space->reclaim_lock);
	space->reclaim = run;
	spin_unlock(&space->reclaim_lock);
	return run;
err:
	mether_reclaim_free(run);
	return ERR_PTR(ret);
}

/* Step 4: let handoffs resume, here and on every survivor. */
static void mether_reclaim_finish(struct mether_space *space,
				  struct mether_reclaim_run *run)
{
	int i;

	spin_lock(&space->reclaim_lock);
	space->reclaim = NULL;
	spin_unlock(&space->reclaim_lock);
	for (i = 0; i < METHER_RECLAIM_DONE_SENDS; i++)
		mether_reclaim_send(space, run, METHER_WIRE_RECLAIM_DONE, 0);
	spin_lock(&space->reclaim_lock);
	mether_reclaim_pause_end(&space->reclaim_pauses, run->self, 0,
				 run->seq);
	spin_unlock(&space->reclaim_lock);
}

/* Tell the caller which pages went where, as many as it has room for. */
static int mether_reclaim_report(struct mether_space *space,
				 const struct mether_reclaim_run *run,
				 struct mether_reclaim *arg,
				 struct mether_reclaim __user *argp)
{
	struct mether_reclaimed __user *out = u64_to_user_ptr(arg->result);
	u32 room = arg->pages, n = 0;
	u64 i;

	for (i = 0; i < space->pages; i++) {
		const struct mether_reclaim_page *rp = &run->page[i];
		struct mether_reclaimed r = {
			.page = i,
			.version = rp->version,
			.behind = rp->seen > rp->version ?
				  rp->seen - rp->version : 0,
			.owner = rp->winner,
		};

		if (!rp->granted)
			continue;
		if (n < room && copy_to_user(&out[n], &r, sizeof(r)))
			return -EFAULT;
		n++;
	}
	arg->pages = n;
	arg->epoch = run->dead_epoch;
	return copy_to_user(argp, arg, sizeof(*arg)) ? -EFAULT : 0;
}

/**
 * mether_ioctl_reclaim() - METHER_IOC_RECLAIM
 * @space: the host's space
 * @argp: the struct mether_reclaim
 *
 * Return: 0 when every page the host held in the epoch has a new owner;
 * -ETIMEDOUT when a survivor did not answer in time (the pages that
 * found an owner are still reported); -EBUSY when the host was heard
 * within the host timeout under that epoch (or this host takes part in
 * as many reclaims as it can); -ENOENT when it, or that epoch of it,
 * was never heard; -EINVAL;
 * -ENOTCONN when this host is not up; -EINTR; -ENOMEM; -EFAULT.
 */
long mether_ioctl_reclaim(struct mether_space *space,
			  struct mether_reclaim __user *argp)
{
	struct mether_reclaim_run *run;
	struct mether_reclaim arg;
	unsigned long deadline;
	long ret, report;

	if (copy_from_user(&arg, argp, sizeof(arg)))
		return -EFAULT;
	if (!arg.host_id || arg.reserved ||
	    arg.timeout_ms > METHER_RECLAIM_TIMEOUT_MAX_MS)
		return -EINVAL;
	if (!arg.timeout_ms)
		arg.timeout_ms = METHER_RECLAIM_TIMEOUT_MS;

	if (mutex_lock_killable(&space->reclaim_mutex))
		return -EINTR;
	run = mether_reclaim_start(space, &arg);
	ret = PTR_ERR_OR_ZERO(run);
	if (ret)
		goto out;
	deadline = jiffies + msecs_to_jiffies(arg.timeout_ms);
	ret = mether_reclaim_count(space, run, deadline);
	if (!ret)
		ret = mether_reclaim_give(space, run, deadline);
	mether_reclaim_finish(space, run);
	report = mether_reclaim_report(space, run, &arg, argp);
	if (!ret)
		ret = report;
	mether_reclaim_free(run);
out:
	mutex_unlock(&space->reclaim_mutex);
	return ret;
}
