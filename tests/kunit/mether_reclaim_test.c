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

#define DEAD	4u
#define SELF	1u

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
	u32 ids[METHER_PEERS_MAX];
	u64 epoch = 0;

	KUNIT_ASSERT_NOT_NULL(test, t);
	mether_peer_init(t);
	KUNIT_EXPECT_EQ(test, mether_peer_silent(t, DEAD, HZ, &epoch),
			-ENOENT);
	KUNIT_EXPECT_EQ(test, mether_peer_accept(t, DEAD, 100, 1), 0);
	KUNIT_EXPECT_EQ(test, mether_peer_accept(t, 2, 50, 1), 0);
	KUNIT_EXPECT_EQ(test, mether_peer_silent(t, DEAD, HZ, &epoch),
			-EBUSY);
	KUNIT_EXPECT_EQ(test, mether_peer_live(t, HZ, DEAD, ids), 1u);
	KUNIT_EXPECT_EQ(test, ids[0], 2u);
	/* With a timeout of 0, everyone is silent. */
	KUNIT_EXPECT_EQ(test, mether_peer_silent(t, DEAD, 0, &epoch), 0);
	KUNIT_EXPECT_EQ(test, epoch, 100ULL);

	mether_peer_reclaim(t, DEAD, 100);
	KUNIT_EXPECT_EQ(test, mether_peer_accept(t, DEAD, 100, 2),
			-METHER_DROP_RECLAIMED);
	KUNIT_EXPECT_EQ(test, mether_peer_accept(t, DEAD, 99, 1),
			-METHER_DROP_RECLAIMED);
	KUNIT_EXPECT_EQ(test, mether_peer_live(t, HZ, 0, ids), 1u);
	/* Back under a new epoch, holding nothing: welcome. */
	KUNIT_EXPECT_EQ(test, mether_peer_accept(t, DEAD, 101, 1), 0);
	KUNIT_EXPECT_EQ(test, mether_peer_live(t, HZ, 0, ids), 2u);
	KUNIT_EXPECT_EQ(test, mether_peer_accept(t, DEAD, 101, 1),
			-METHER_DROP_REPLAYED);
}

/* REQUESTs are answered at the rate, after a burst of half a second's. */
static void mether_reclaim_peer_rate(struct kunit *test)
{
	struct mether_peer_table *t = kunit_kzalloc(test, sizeof(*t),
						    GFP_KERNEL);
	int i, answered = 0;

	KUNIT_ASSERT_NOT_NULL(test, t);
	mether_peer_init(t);
	KUNIT_ASSERT_EQ(test, mether_peer_accept(t, 5, 1, 1), 0);
	KUNIT_ASSERT_EQ(test, mether_peer_accept(t, 6, 1, 1), 0);
	/* Far faster than jiffies tick: only the burst gets through. */
	for (i = 0; i < 20; i++)
		answered += mether_peer_charge(t, 5, 10);
	KUNIT_EXPECT_GE(test, answered, 5);
	KUNIT_EXPECT_LE(test, answered, 6);
	/* Another host has a bucket of its own; 0 is no limit. */
	KUNIT_EXPECT_TRUE(test, mether_peer_charge(t, 6, 10));
	for (i = 0; i < 100; i++)
		KUNIT_EXPECT_TRUE(test, mether_peer_charge(t, 5, 0));
}

static struct kunit_case mether_reclaim_cases[] = {
	KUNIT_CASE(mether_reclaim_newest_wins),
	KUNIT_CASE(mether_reclaim_held_stays),
	KUNIT_CASE(mether_reclaim_last_owner),
	KUNIT_CASE(mether_reclaim_peer_epochs),
	KUNIT_CASE(mether_reclaim_peer_rate),
	{}
};

static struct kunit_suite mether_reclaim_suite = {
	.name = "mether_reclaim",
	.test_cases = mether_reclaim_cases,
};

kunit_test_suite(mether_reclaim_suite);
