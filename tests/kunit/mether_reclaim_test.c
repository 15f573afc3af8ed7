// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite mether_reclaim: who gets a silent host's pages, and the
 * peer table that refuses a reclaimed epoch.
 */
#include <kunit/test.h>
#include <linux/jiffies.h>
#include <linux/mether.h>

#include "../../mether_peer.h"
#include "../../mether_reclaim.h"
#include "../../mether_wire.h"
#include "mether_peer_test.h"

#define DEAD	4u
#define SELF	PEER_SELF

static struct mether_wire_offer offer(u64 version, u64 seen, u32 owner,
				      bool held)
{
	return (struct mether_wire_offer) {
		.version = cpu_to_be64(version),
		.seen = cpu_to_be64(seen),
		.owner = cpu_to_be32(owner),
		.flags = cpu_to_be32(held ? METHER_OFFER_HELD : 0),
	};
}

static const u32 peers[] = { 2, 3 };

static bool decide(struct mether_reclaim_page *rp)
{
	return mether_reclaim_decide(rp, DEAD, SELF, peers,
				     ARRAY_SIZE(peers));
}

/* The newest copy wins; of equal ones, the first offered (our own). */
static void mether_reclaim_newest_wins(struct kunit *test)
{
	struct mether_reclaim_page rp = {};
	struct mether_wire_offer o;

	o = offer(7, 9, DEAD, false);
	mether_reclaim_fold(&rp, SELF, &o);
	o = offer(8, 9, DEAD, false);
	mether_reclaim_fold(&rp, 2, &o);
	o = offer(8, 8, DEAD, false);
	mether_reclaim_fold(&rp, 3, &o);
	KUNIT_EXPECT_EQ(test, rp.winner, 2u);
	KUNIT_EXPECT_EQ(test, rp.version, 8ULL);
	KUNIT_EXPECT_EQ(test, rp.seen, 9ULL);
	KUNIT_EXPECT_TRUE(test, decide(&rp));

	rp = (struct mether_reclaim_page){};
	o = offer(5, 5, DEAD, false);
	mether_reclaim_fold(&rp, SELF, &o);
	mether_reclaim_fold(&rp, 3, &o);
	KUNIT_EXPECT_EQ(test, rp.winner, SELF);

	/* Nobody has a copy: the page is still given, zero-filled. */
	rp = (struct mether_reclaim_page){};
	o = offer(0, 0, 0, false);
	mether_reclaim_fold(&rp, SELF, &o);
	mether_reclaim_fold(&rp, 2, &o);
	KUNIT_EXPECT_EQ(test, rp.winner, SELF);
	KUNIT_EXPECT_TRUE(test, decide(&rp));
}

/* A page a survivor holds is never reclaimed, whatever else was said. */
static void mether_reclaim_held_stays(struct kunit *test)
{
	struct mether_reclaim_page rp = {};
	struct mether_wire_offer o;

	o = offer(20, 20, DEAD, false);
	mether_reclaim_fold(&rp, SELF, &o);
	o = offer(3, 21, 3, true);
	mether_reclaim_fold(&rp, 3, &o);
	KUNIT_EXPECT_TRUE(test, rp.held);
	KUNIT_EXPECT_FALSE(test, decide(&rp));
}

/* Whose hands the newest version was heard in decides. */
static void mether_reclaim_last_owner(struct kunit *test)
{
	struct mether_reclaim_page rp = {};
	struct mether_wire_offer o;

	/* Handed to a survivor that does not have it: lost with DEAD. */
	o = offer(6, 7, 2, false);
	mether_reclaim_fold(&rp, SELF, &o);
	KUNIT_EXPECT_EQ(test, rp.seen_owner, 2u);
	KUNIT_EXPECT_TRUE(test, decide(&rp));

	/* Last with another silent host (9): left for its own reclaim. */
	rp = (struct mether_reclaim_page){};
	o = offer(6, 6, DEAD, false);
	mether_reclaim_fold(&rp, SELF, &o);
	o = offer(6, 7, 9, false);
	mether_reclaim_fold(&rp, 2, &o);
	KUNIT_EXPECT_EQ(test, rp.seen_owner, 9u);
	KUNIT_EXPECT_FALSE(test, decide(&rp));
}

/* A reclaimed epoch is refused for good; the host's next one is not. */
static void mether_reclaim_peer_epochs(struct kunit *test)
{
	struct mether_peer_table *t = kunit_kzalloc(test, sizeof(*t),
						    GFP_KERNEL);
	struct mether_challenge c;
	u32 ids[METHER_PEERS_MAX];
	u64 epoch = 0;

	KUNIT_ASSERT_NOT_NULL(test, t);
	mether_peer_init(t);
	KUNIT_EXPECT_EQ(test, mether_peer_reclaimable(t, DEAD, HZ, &epoch),
			-ENOENT);
	KUNIT_EXPECT_EQ(test, peer_join(t, DEAD, 100, 2), 0);
	KUNIT_EXPECT_EQ(test, peer_join(t, 2, 50, 2), 0);
	KUNIT_EXPECT_EQ(test, mether_peer_reclaimable(t, DEAD, HZ, &epoch),
			-EBUSY);
	KUNIT_EXPECT_EQ(test, mether_peer_live(t, HZ, DEAD, ids), 1u);
	KUNIT_EXPECT_EQ(test, ids[0], 2u);
	/* With a timeout of 0, everyone is silent. */
	epoch = 0;
	KUNIT_EXPECT_EQ(test, mether_peer_reclaimable(t, DEAD, 0, &epoch), 0);
	KUNIT_EXPECT_EQ(test, epoch, 100ULL);

	mether_peer_reclaim(t, DEAD, 100);
	KUNIT_EXPECT_EQ(test, peer_accept(t, DEAD, 100, 3, &c),
			-METHER_DROP_RECLAIMED);
	KUNIT_EXPECT_EQ(test, peer_accept(t, DEAD, 99, 1, &c),
			-METHER_DROP_RECLAIMED);
	KUNIT_EXPECT_EQ(test, mether_peer_live(t, HZ, 0, ids), 1u);
	/* Back under a new epoch, holding nothing: welcome. */
	KUNIT_EXPECT_EQ(test, peer_join(t, DEAD, 101, 2), 0);
	KUNIT_EXPECT_EQ(test, mether_peer_live(t, HZ, 0, ids), 2u);
	KUNIT_EXPECT_EQ(test, peer_accept(t, DEAD, 101, 2, &c),
			-METHER_DROP_REPLAYED);
}

/* An OFFER is folded in only when every entry is well formed. */
static void mether_reclaim_offer_versions(struct kunit *test)
{
	struct mether_wire_offer *o;
	const u64 max = METHER_WIRE_VERSION_MAX;

	o = kunit_kcalloc(test, METHER_OFFERS_PER_PACKET, sizeof(*o),
			  GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, o);
	KUNIT_EXPECT_TRUE(test, mether_reclaim_offers_valid(o));
	o[0] = offer(max - 1, max - 1, 2, true);
	KUNIT_EXPECT_TRUE(test, mether_reclaim_offers_valid(o));
	/* A version or a seen of 2^63 or more, in any entry. */
	o[127] = offer(max, max, 2, false);
	KUNIT_EXPECT_FALSE(test, mether_reclaim_offers_valid(o));
	o[127] = offer(U64_MAX, 1, 2, false);
	KUNIT_EXPECT_FALSE(test, mether_reclaim_offers_valid(o));
	o[127] = offer(1, max, 2, false);
	KUNIT_EXPECT_FALSE(test, mether_reclaim_offers_valid(o));
	/* An unknown flag, a reserved byte. */
	o[127] = offer(1, 1, 2, false);
	KUNIT_EXPECT_TRUE(test, mether_reclaim_offers_valid(o));
	o[127].flags = cpu_to_be32(METHER_OFFER_HELD << 1);
	KUNIT_EXPECT_FALSE(test, mether_reclaim_offers_valid(o));
	o[127] = offer(1, 1, 2, false);
	o[127].reserved = cpu_to_be64(1);
	KUNIT_EXPECT_FALSE(test, mether_reclaim_offers_valid(o));
}

/* REQUESTs are answered at the rate, after a burst of half a second's. */
static void mether_reclaim_peer_rate(struct kunit *test)
{
	struct mether_peer_table *t = kunit_kzalloc(test, sizeof(*t),
						    GFP_KERNEL);
	int i, answered = 0;

	KUNIT_ASSERT_NOT_NULL(test, t);
	mether_peer_init(t);
	KUNIT_ASSERT_EQ(test, peer_join(t, 5, 1, 2), 0);
	KUNIT_ASSERT_EQ(test, peer_join(t, 6, 1, 2), 0);
	/* Far faster than jiffies tick: only the burst gets through. */
	for (i = 0; i < 20; i++)
		answered += mether_peer_charge(t, 5, METHER_BUCKET_REQUEST, 10);
	KUNIT_EXPECT_GE(test, answered, 5);
	KUNIT_EXPECT_LE(test, answered, 6);
	/* Another host has a bucket of its own; 0 is no limit. */
	KUNIT_EXPECT_TRUE(test, mether_peer_charge(t, 6, METHER_BUCKET_REQUEST, 10));
	for (i = 0; i < 100; i++)
		KUNIT_EXPECT_TRUE(test, mether_peer_charge(t, 5, METHER_BUCKET_REQUEST, 0));
}

/*
 * Only the DONE of the reclaim that paused a host ends its pause: same
 * coordinator, same epoch, same number. Another's, a stale one or a
 * replayed one ends nothing.
 */
static void mether_reclaim_done_bound(struct kunit *test)
{
	struct mether_reclaim_pauses *p = kunit_kzalloc(test, sizeof(*p),
							GFP_KERNEL);
	unsigned long now = jiffies;

	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_EXPECT_FALSE(test, mether_reclaim_pauses_active(p, now));
	KUNIT_ASSERT_NOT_NULL(test, mether_reclaim_pause_begin(p, 5, 100, 7,
							       16, now, HZ * 60));
	KUNIT_EXPECT_TRUE(test, mether_reclaim_pauses_active(p, now));
	/* Another sender, another epoch, another number: nothing. */
	KUNIT_EXPECT_FALSE(test, mether_reclaim_pause_end(p, 6, 100, 7));
	KUNIT_EXPECT_FALSE(test, mether_reclaim_pause_end(p, 5, 101, 7));
	KUNIT_EXPECT_FALSE(test, mether_reclaim_pause_end(p, 5, 100, 8));
	KUNIT_EXPECT_TRUE(test, mether_reclaim_pauses_active(p, now));
	/* A second reclaim, by another coordinator, pauses too. */
	KUNIT_ASSERT_NOT_NULL(test, mether_reclaim_pause_begin(p, 6, 200, 1,
							       16, now, HZ * 60));
	/* Its coordinator's next reclaim does not take the first's place. */
	KUNIT_ASSERT_NOT_NULL(test, mether_reclaim_pause_begin(p, 5, 100, 9,
							       16, now, HZ * 60));
	KUNIT_EXPECT_TRUE(test, mether_reclaim_pause_end(p, 5, 100, 7));
	KUNIT_EXPECT_TRUE(test, mether_reclaim_pauses_active(p, now));
	/* The same DONE again (a replay, or one of the three sent). */
	KUNIT_EXPECT_FALSE(test, mether_reclaim_pause_end(p, 5, 100, 7));
	KUNIT_EXPECT_TRUE(test, mether_reclaim_pause_end(p, 6, 200, 1));
	KUNIT_EXPECT_TRUE(test, mether_reclaim_pauses_active(p, now));
	KUNIT_EXPECT_TRUE(test, mether_reclaim_pause_end(p, 5, 100, 9));
	KUNIT_EXPECT_FALSE(test, mether_reclaim_pauses_active(p, now));
}

/* A pause runs out; repeats do not make it longer; the slots are few. */
static void mether_reclaim_pause_slots(struct kunit *test)
{
	struct mether_reclaim_pauses *p = kunit_kzalloc(test, sizeof(*p),
							GFP_KERNEL);
	unsigned long now = jiffies;
	struct mether_reclaim_pause *pause;
	u32 i;

	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_ASSERT_NOT_NULL(test, mether_reclaim_pause_begin(p, 5, 100, 7,
							       16, now, 10));
	KUNIT_EXPECT_TRUE(test, mether_reclaim_pauses_active(p, now + 9));
	/* Repeated later, it still ends when the first said. */
	KUNIT_ASSERT_NOT_NULL(test, mether_reclaim_pause_begin(p, 5, 100, 7,
							       16, now + 5, 10));
	KUNIT_EXPECT_FALSE(test, mether_reclaim_pauses_active(p, now + 10));
	/* Its slot is free again: as many reclaims as slots, no more. */
	for (i = 0; i < METHER_RECLAIM_PAUSES; i++) {
		pause = mether_reclaim_pause_begin(p, 10 + i, 1, 1, 16,
						   now + 10, HZ * 60);
		KUNIT_EXPECT_NOT_NULL(test, pause);
	}
	KUNIT_EXPECT_NULL(test, mether_reclaim_pause_begin(p, 20, 1, 1, 16,
							   now + 10, HZ * 60));
}

/*
 * However often a reclaim asks (its repeats, replays with new counters
 * in an unsealed cluster), a survivor sends at most
 * METHER_RECLAIM_ROUNDS rounds of ceil(pages / 128) OFFERs for it.
 */
static void mether_reclaim_offer_bound(struct kunit *test)
{
	struct mether_reclaim_pauses *p = kunit_kzalloc(test, sizeof(*p),
							GFP_KERNEL);
	const u64 pages = 1000, chunks = DIV_ROUND_UP(pages, 128);
	struct mether_reclaim_pause *pause;
	unsigned int asked, offers = 0;

	KUNIT_ASSERT_NOT_NULL(test, p);
	pause = mether_reclaim_pause_begin(p, 5, 100, 7, pages, jiffies,
					   HZ * 60);
	KUNIT_ASSERT_NOT_NULL(test, pause);
	KUNIT_EXPECT_EQ(test, pause->next, pages);
	KUNIT_EXPECT_TRUE(test, mether_reclaim_pause_round(pause, 0));
	KUNIT_EXPECT_EQ(test, pause->next, 0ULL);
	/* Asked again while the round goes out: no second round. */
	KUNIT_EXPECT_FALSE(test, mether_reclaim_pause_round(pause, 0));
	pause->next = pages;
	offers = chunks;
	/* A repeat names the first page the coordinator lacks. */
	KUNIT_EXPECT_TRUE(test, mether_reclaim_pause_round(pause, 300));
	KUNIT_EXPECT_EQ(test, pause->next, 256ULL);
	offers += DIV_ROUND_UP(pages - pause->next, 128);
	pause->next = pages;
	for (asked = 0; asked < 100; asked++) {
		if (!mether_reclaim_pause_round(pause, 0))
			continue;
		offers += DIV_ROUND_UP(pages - pause->next, 128);
		pause->next = pages;
	}
	KUNIT_EXPECT_EQ(test, pause->rounds, METHER_RECLAIM_ROUNDS);
	KUNIT_EXPECT_LE(test, offers, METHER_RECLAIM_ROUNDS * chunks);
	/* A page past the end starts from the first. */
	pause->rounds = 0;
	KUNIT_EXPECT_TRUE(test, mether_reclaim_pause_round(pause, pages));
	KUNIT_EXPECT_EQ(test, pause->next, 0ULL);
}

/*
 * An older epoch of a host heard alive under a newer one may be
 * reclaimed (it restarted); its current one may not, nor one it was
 * never heard under while it is alive.
 */
static void mether_reclaim_peer_old_epoch(struct kunit *test)
{
	struct mether_peer_table *t = kunit_kzalloc(test, sizeof(*t),
						    GFP_KERNEL);
	struct mether_challenge c;
	u32 ids[METHER_PEERS_MAX];
	u64 epoch;

	KUNIT_ASSERT_NOT_NULL(test, t);
	mether_peer_init(t);
	KUNIT_ASSERT_EQ(test, peer_join(t, DEAD, 100, 2), 0);
	KUNIT_ASSERT_EQ(test, peer_join(t, DEAD, 200, 2), 0);
	epoch = 100;
	KUNIT_EXPECT_EQ(test, mether_peer_reclaimable(t, DEAD, HZ, &epoch), 1);
	epoch = 150;	/* every epoch up to it: older than the live one */
	KUNIT_EXPECT_EQ(test, mether_peer_reclaimable(t, DEAD, HZ, &epoch), 1);
	epoch = 200;
	KUNIT_EXPECT_EQ(test, mether_peer_reclaimable(t, DEAD, HZ, &epoch),
			-EBUSY);
	epoch = 300;
	KUNIT_EXPECT_EQ(test, mether_peer_reclaimable(t, DEAD, HZ, &epoch),
			-EBUSY);
	epoch = 0;
	KUNIT_EXPECT_EQ(test, mether_peer_reclaimable(t, DEAD, HZ, &epoch),
			-EBUSY);
	KUNIT_EXPECT_EQ(test, epoch, 200ULL);
	/* Silent: its newest may go, one never heard may not. */
	epoch = 300;
	KUNIT_EXPECT_EQ(test, mether_peer_reclaimable(t, DEAD, 0, &epoch),
			-ENOENT);
	epoch = 200;
	KUNIT_EXPECT_EQ(test, mether_peer_reclaimable(t, DEAD, 0, &epoch), 0);

	/* Reclaiming the old one leaves the live one alone. */
	mether_peer_reclaim(t, DEAD, 100);
	KUNIT_EXPECT_EQ(test, peer_accept(t, DEAD, 100, 3, &c),
			-METHER_DROP_RECLAIMED);
	KUNIT_EXPECT_EQ(test, peer_accept(t, DEAD, 200, 3, &c), 0);
	KUNIT_EXPECT_EQ(test, mether_peer_live(t, HZ, 0, ids), 1u);
}

/* RECLAIMs have a bucket of their own, at METHER_RECLAIM_RATE. */
static void mether_reclaim_peer_reclaim_rate(struct kunit *test)
{
	struct mether_peer_table *t = kunit_kzalloc(test, sizeof(*t),
						    GFP_KERNEL);
	int i, answered = 0;

	KUNIT_ASSERT_NOT_NULL(test, t);
	mether_peer_init(t);
	KUNIT_ASSERT_EQ(test, peer_join(t, 5, 1, 2), 0);
	for (i = 0; i < 20; i++)
		mether_peer_charge(t, 5, METHER_BUCKET_REQUEST, 10);
	KUNIT_EXPECT_FALSE(test,
			   mether_peer_charge(t, 5, METHER_BUCKET_REQUEST, 10));
	for (i = 0; i < 20; i++)
		answered += mether_peer_charge(t, 5, METHER_BUCKET_RECLAIM,
					       METHER_RECLAIM_RATE);
	KUNIT_EXPECT_GE(test, answered, METHER_RECLAIM_RATE / 2);
	KUNIT_EXPECT_LE(test, answered, METHER_RECLAIM_RATE / 2 + 1);
}

static struct kunit_case mether_reclaim_cases[] = {
	KUNIT_CASE(mether_reclaim_newest_wins),
	KUNIT_CASE(mether_reclaim_held_stays),
	KUNIT_CASE(mether_reclaim_last_owner),
	KUNIT_CASE(mether_reclaim_peer_epochs),
	KUNIT_CASE(mether_reclaim_peer_rate),
	KUNIT_CASE(mether_reclaim_done_bound),
	KUNIT_CASE(mether_reclaim_pause_slots),
	KUNIT_CASE(mether_reclaim_offer_bound),
	KUNIT_CASE(mether_reclaim_offer_versions),
	KUNIT_CASE(mether_reclaim_peer_old_epoch),
	KUNIT_CASE(mether_reclaim_peer_reclaim_rate),
	{}
};

static struct kunit_suite mether_reclaim_suite = {
	.name = "mether_reclaim",
	.test_cases = mether_reclaim_cases,
};

kunit_test_suite(mether_reclaim_suite);
