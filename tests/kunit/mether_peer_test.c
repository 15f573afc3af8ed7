// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite mether_peer: a sender is heard only in an epoch it proved
 * current, by answering a CHALLENGE; replays never count.
 */
#include <kunit/test.h>
#include <linux/delay.h>
#include <linux/jiffies.h>
#include <linux/mether.h>

#include "mether_peer_test.h"

#define HOST	7u
#define E1	(5ULL << 32 | 0x1234)
#define E2	(9ULL << 32 | 0x0042)
/* An earlier life. */
#define E0	(3ULL << 32 | 0xbeef)
/* A later one. */
#define E3	(12ULL << 32 | 0x0007)

static struct mether_peer_table *table(struct kunit *test)
{
	struct mether_peer_table *t = kunit_kzalloc(test, sizeof(*t),
						    GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, t);
	mether_peer_init(t);
	return t;
}

static int answer(struct mether_peer_table *t, u32 sender, u64 epoch,
		  u64 counter, u64 nonce, struct mether_challenge *c)
{
	struct mether_wire_msg msg = peer_msg(sender, epoch, counter,
					      METHER_WIRE_ANSWER, nonce);

	return mether_peer_accept(t, PEER_SELF, &msg, c);
}

/* Nothing is taken before the answer, nothing sent before it after. */
static void mether_peer_challenge_answer(struct kunit *test)
{
	struct mether_peer_table *t = table(test);
	struct mether_challenge c, again;
	u64 epoch = 1;
	int i;

	KUNIT_EXPECT_EQ(test, peer_accept(t, HOST, E1, 500, &c),
			-METHER_DROP_UNVERIFIED);
	KUNIT_EXPECT_EQ(test, c.host, HOST);
	KUNIT_EXPECT_EQ(test, c.epoch, E1);
	KUNIT_EXPECT_NE(test, c.nonce, 0ULL);
	/* It travels as a page_version, which must stay below 2^63. */
	KUNIT_EXPECT_LT(test, c.nonce, METHER_WIRE_VERSION_MAX);
	KUNIT_EXPECT_EQ(test, mether_peer_epoch(t, HOST), 0ULL);
	KUNIT_EXPECT_EQ(test, mether_peer_reclaimable(t, HOST, HZ, &epoch),
			-ENOENT);
	/* A flood of replays earns no flood of CHALLENGEs. */
	for (i = 0; i < 100; i++) {
		KUNIT_EXPECT_EQ(test, peer_accept(t, HOST, E1, 400 + i, &again),
				-METHER_DROP_UNVERIFIED);
		KUNIT_EXPECT_EQ(test, again.host, 0u);
	}
	/* Wrong nonce, wrong epoch, or aimed elsewhere: not an answer. */
	KUNIT_EXPECT_EQ(test, answer(t, HOST, E1, 600, c.nonce ^ 1, &again),
			-METHER_DROP_UNVERIFIED);
	KUNIT_EXPECT_EQ(test, answer(t, HOST, E2, 600, c.nonce, &again),
			-METHER_DROP_UNVERIFIED);
	/* A CHALLENGE to an epoch newer than the one challenged goes now. */
	KUNIT_EXPECT_EQ(test, again.host, HOST);
	KUNIT_EXPECT_EQ(test, again.epoch, E2);
	KUNIT_EXPECT_NE(test, again.nonce, c.nonce);
	KUNIT_EXPECT_EQ(test, answer(t, HOST, E1, 600, c.nonce, &c),
			-METHER_DROP_UNVERIFIED);
	/* The right one: E2, its nonce. */
	KUNIT_EXPECT_EQ(test, answer(t, HOST, E2, 600, again.nonce, &c), 0);
	KUNIT_EXPECT_EQ(test, c.host, 0u);
	KUNIT_EXPECT_EQ(test, mether_peer_epoch(t, HOST), E2);
	epoch = 0;
	KUNIT_EXPECT_EQ(test, mether_peer_reclaimable(t, HOST, HZ, &epoch),
			-EBUSY);
	KUNIT_EXPECT_EQ(test, epoch, E2);
	/* The answer again, and everything sent before it: refused. */
	KUNIT_EXPECT_EQ(test, answer(t, HOST, E2, 600, again.nonce, &c),
			-METHER_DROP_REPLAYED);
	for (i = 1; i < 600; i += 37)
		KUNIT_EXPECT_EQ_MSG(test, peer_accept(t, HOST, E2, i, &c),
				    -METHER_DROP_REPLAYED, "counter %d", i);
	KUNIT_EXPECT_EQ(test, peer_accept(t, HOST, E2, 601, &c), 0);
	KUNIT_EXPECT_EQ(test, peer_accept(t, HOST, E2, 603, &c), 0);
	KUNIT_EXPECT_EQ(test, peer_accept(t, HOST, E2, 602, &c), 0);
	KUNIT_EXPECT_EQ(test, peer_accept(t, HOST, E2, 602, &c),
			-METHER_DROP_REPLAYED);
	/* Its other epoch, older: over, refused and not even asked. */
	KUNIT_EXPECT_EQ(test, peer_accept(t, HOST, E1, 700, &c),
			-METHER_DROP_OLD_EPOCH);
	KUNIT_EXPECT_EQ(test, c.host, 0u);
	KUNIT_EXPECT_EQ(test, peer_accept(t, HOST, E2, 604, &c), 0);
}

/* A CHALLENGE is let through to be answered, and challenged back. */
static void mether_peer_challenged(struct kunit *test)
{
	struct mether_peer_table *t = table(test);
	struct mether_wire_msg msg = peer_msg(HOST, E1, 1,
					      METHER_WIRE_CHALLENGE, 77);
	struct mether_challenge c, back;

	KUNIT_EXPECT_EQ(test, mether_peer_accept(t, PEER_SELF, &msg, &back),
			0);
	KUNIT_EXPECT_EQ(test, back.host, HOST);
	KUNIT_EXPECT_EQ(test, back.epoch, E1);
	/* Being challenged does not make the challenger heard. */
	KUNIT_EXPECT_EQ(test, mether_peer_epoch(t, HOST), 0ULL);
	/* Aimed at another host, it is just a packet not proven. */
	msg.target = PEER_SELF + 1;
	msg.counter = 2;
	KUNIT_EXPECT_EQ(test, mether_peer_accept(t, PEER_SELF, &msg, &c),
			-METHER_DROP_UNVERIFIED);
	/* Its answer to the CHALLENGE sent back: now both know each other. */
	KUNIT_EXPECT_EQ(test, answer(t, HOST, E1, 3, back.nonce, &c), 0);
	KUNIT_EXPECT_EQ(test, mether_peer_epoch(t, HOST), E1);
}

/*
 * A CHALLENGE of an epoch not proven is taken once: replayed, or older
 * than one taken, it is dropped before it costs the sender's CHALLENGE
 * credit, so replays cannot starve the real ones.
 */
static void mether_peer_challenge_replayed(struct kunit *test)
{
	struct mether_peer_table *t = table(test);
	struct mether_wire_msg msg = peer_msg(HOST, E1, 10,
					      METHER_WIRE_CHALLENGE, 77);
	struct mether_challenge c;
	int i;

	KUNIT_EXPECT_EQ(test, mether_peer_accept(t, PEER_SELF, &msg, &c), 0);
	KUNIT_EXPECT_EQ(test, c.host, HOST);
	for (i = 0; i < 100; i++) {
		KUNIT_EXPECT_EQ(test, mether_peer_accept(t, PEER_SELF, &msg, &c),
				-METHER_DROP_REPLAYED);
		KUNIT_EXPECT_EQ(test, c.host, 0u);
	}
	msg.counter = 9;
	KUNIT_EXPECT_EQ(test, mether_peer_accept(t, PEER_SELF, &msg, &c),
			-METHER_DROP_REPLAYED);
	/* An earlier life's CHALLENGE, whatever its counter. */
	msg = peer_msg(HOST, E0, 500, METHER_WIRE_CHALLENGE, 78);
	KUNIT_EXPECT_EQ(test, mether_peer_accept(t, PEER_SELF, &msg, &c),
			-METHER_DROP_REPLAYED);
	/* The sender's next CHALLENGE, and one of a later life, are taken. */
	msg = peer_msg(HOST, E1, 11, METHER_WIRE_CHALLENGE, 79);
	KUNIT_EXPECT_EQ(test, mether_peer_accept(t, PEER_SELF, &msg, &c), 0);
	msg = peer_msg(HOST, E3, 1, METHER_WIRE_CHALLENGE, 80);
	KUNIT_EXPECT_EQ(test, mether_peer_accept(t, PEER_SELF, &msg, &c), 0);
	KUNIT_EXPECT_EQ(test, c.epoch, E3);
}

/*
 * Packets of @epoch from @HOST, numbered from *@counter on, one each 5
 * ms, until one earns a CHALLENGE (in @c) or @limit passes.
 */
static void until_challenged(struct mether_peer_table *t, u64 epoch,
			     u64 *counter, unsigned long limit,
			     struct mether_challenge *c)
{
	unsigned long start = jiffies;

	do {
		peer_accept(t, HOST, epoch, (*counter)++, c);
		if (c->host)
			break;
		usleep_range(5000, 6000);
	} while (time_before(jiffies, start + limit));
}

/*
 * When the table last challenged @host, by its own clock (the lookup
 * mether_peer_find() does, which is the table's own). Times the test
 * takes around peer_accept() would not do: a guest under TCG can stall
 * for a quarter of a second between the CHALLENGE and the test's next
 * jiffies read, which shortens the gap it sees (seen in CI, 89 jiffies
 * for 100).
 */
static unsigned long challenged_at(struct mether_peer_table *t, u32 host)
{
	int i;

	for (i = 0; i < METHER_PEERS_MAX; i++)
		if (t->peer[i].id == host)
			return t->peer[i].challenged;
	return 0;
}

/* Re-challenged at a bounded rate; replays never make a host heard. */
static void mether_peer_liveness(struct kunit *test)
{
	struct mether_peer_table *t = table(test);
	unsigned long quiet = msecs_to_jiffies(50), before, now;
	struct mether_challenge c, lost;
	u32 ids[METHER_PEERS_MAX];
	u64 epoch, n = 10;
	int i;

	/*
	 * The first CHALLENGE is lost: it goes again after the interval,
	 * then twice, four and eight times that, with its nonce (lower
	 * bounds only: a loaded guest may oversleep).
	 */
	peer_accept(t, HOST, E1, n++, &lost);
	KUNIT_ASSERT_EQ(test, lost.host, HOST);
	before = challenged_at(t, HOST);
	for (i = 0; i < 4; i++) {
		until_challenged(t, E1, &n, 4 * HZ, &c);
		KUNIT_ASSERT_EQ(test, c.host, HOST);
		now = challenged_at(t, HOST);
		KUNIT_EXPECT_GE_MSG(test, now - before,
				    METHER_CHALLENGE_INTERVAL << i,
				    "CHALLENGE %d", i + 2);
		before = now;
		KUNIT_EXPECT_EQ(test, c.nonce, lost.nonce);
	}
	/* Its life over, the nonce is new, and the old one's ANSWER late. */
	msleep(jiffies_to_msecs(METHER_NONCE_LIFE));
	peer_accept(t, HOST, E1, n++, &c);
	KUNIT_ASSERT_EQ(test, c.host, HOST);
	KUNIT_EXPECT_NE(test, c.nonce, lost.nonce);
	KUNIT_EXPECT_EQ(test, answer(t, HOST, E1, n++, lost.nonce, &lost),
			-METHER_DROP_UNVERIFIED);
	/* Answered late: heard as of the nonce's making, not now. */
	msleep(jiffies_to_msecs(quiet) + 20);
	KUNIT_EXPECT_EQ(test, answer(t, HOST, E1, n++, c.nonce, &lost), 0);
	KUNIT_EXPECT_EQ(test, mether_peer_epoch(t, HOST), E1);
	epoch = 0;
	KUNIT_EXPECT_EQ(test, mether_peer_reclaimable(t, HOST, quiet, &epoch),
			0);
	KUNIT_EXPECT_EQ(test, peer_accept(t, HOST, E1, n, &lost), 0);
	KUNIT_EXPECT_EQ(test, mether_peer_reclaimable(t, HOST, quiet, &epoch),
			-EBUSY);

	/* Dead now: its recorded packets, replayed, keep nobody alive. */
	msleep(jiffies_to_msecs(quiet) + 20);
	KUNIT_EXPECT_EQ(test, peer_accept(t, HOST, E1, 12, &lost),
			-METHER_DROP_REPLAYED);
	KUNIT_EXPECT_EQ(test, peer_accept(t, HOST, E1, n, &lost),
			-METHER_DROP_REPLAYED);
	KUNIT_EXPECT_EQ(test, answer(t, HOST, E1, n - 1, c.nonce, &lost),
			-METHER_DROP_REPLAYED);
	epoch = 0;
	KUNIT_EXPECT_EQ(test, mether_peer_reclaimable(t, HOST, quiet, &epoch),
			0);
	KUNIT_EXPECT_EQ(test, mether_peer_live(t, quiet, 0, ids), 0u);

	/* Reclaimed: that epoch and older ones are refused; a newer joins. */
	mether_peer_reclaim(t, HOST, E1);
	KUNIT_EXPECT_EQ(test, peer_accept(t, HOST, E1, n + 1, &c),
			-METHER_DROP_RECLAIMED);
	KUNIT_EXPECT_EQ(test, peer_accept(t, HOST, E0, 1, &c),
			-METHER_DROP_RECLAIMED);
	KUNIT_EXPECT_EQ(test, peer_join(t, HOST, E2, 2), 0);
	KUNIT_EXPECT_EQ(test, mether_peer_live(t, quiet, 0, ids), 1u);
	KUNIT_EXPECT_EQ(test, peer_accept(t, HOST, E1, n + 2, &c),
			-METHER_DROP_RECLAIMED);
}

/* Replays of an older epoch neither move a CHALLENGE nor restart it. */
static void mether_peer_challenge_kept(struct kunit *test)
{
	struct mether_peer_table *t = table(test);
	struct mether_challenge c, old;
	int i;

	/* Never proven: heard in E2, challenged there. */
	peer_accept(t, HOST, E2, 10, &c);
	KUNIT_ASSERT_EQ(test, c.host, HOST);
	KUNIT_ASSERT_EQ(test, c.epoch, E2);
	/* Its earlier life's packets, replayed late and often: no CHALLENGE. */
	msleep(jiffies_to_msecs(METHER_CHALLENGE_INTERVAL) + 20);
	for (i = 0; i < 3; i++) {
		KUNIT_EXPECT_EQ(test, peer_accept(t, HOST, E1, 500 + i, &old),
				-METHER_DROP_UNVERIFIED);
		KUNIT_EXPECT_EQ(test, old.host, 0u);
	}
	/* So the ANSWER to the one outstanding still counts. */
	KUNIT_EXPECT_EQ(test, answer(t, HOST, E2, 11, c.nonce, &old), 0);
	KUNIT_EXPECT_EQ(test, mether_peer_epoch(t, HOST), E2);

	/* Proven in E1, up again in E3: E2, between them, is over too. */
	t = table(test);
	KUNIT_ASSERT_EQ(test, peer_join(t, HOST, E1, 2), 0);
	peer_accept(t, HOST, E3, 1, &c);
	KUNIT_ASSERT_EQ(test, c.host, HOST);
	KUNIT_ASSERT_EQ(test, c.epoch, E3);
	msleep(jiffies_to_msecs(METHER_CHALLENGE_INTERVAL) + 20);
	KUNIT_EXPECT_EQ(test, peer_accept(t, HOST, E2, 40, &old),
			-METHER_DROP_UNVERIFIED);
	KUNIT_EXPECT_EQ(test, old.host, 0u);
	KUNIT_EXPECT_EQ(test, peer_accept(t, HOST, E0, 40, &old),
			-METHER_DROP_OLD_EPOCH);
	KUNIT_EXPECT_EQ(test, old.host, 0u);
	KUNIT_EXPECT_EQ(test, answer(t, HOST, E3, 2, c.nonce, &old), 0);
	KUNIT_EXPECT_EQ(test, mether_peer_epoch(t, HOST), E3);
	/* The same epoch, after the interval, is asked again (one was lost). */
	t = table(test);
	peer_accept(t, HOST, E1, 1, &c);
	msleep(jiffies_to_msecs(METHER_CHALLENGE_INTERVAL) + 20);
	peer_accept(t, HOST, E1, 2, &old);
	KUNIT_EXPECT_EQ(test, old.host, HOST);
	KUNIT_EXPECT_EQ(test, old.epoch, E1);
}

/*
 * What a packet is charged to, and a CHALLENGE bucket of its own: a
 * host whose REQUESTs used up their credit still gets its CHALLENGE
 * answered, and the other way round.
 */
static void mether_peer_challenge_bucket(struct kunit *test)
{
	struct mether_peer_table *t = table(test);
	struct mether_wire_msg msg = { .type = METHER_MSG_REQUEST };
	unsigned int rate;
	int i, answered = 0;

	KUNIT_EXPECT_EQ(test, mether_peer_bucket_of(&msg, PEER_SELF, 20, &rate),
			METHER_BUCKET_REQUEST);
	KUNIT_EXPECT_EQ(test, rate, 20u);
	msg.type = METHER_MSG_RECLAIM;
	KUNIT_EXPECT_EQ(test, mether_peer_bucket_of(&msg, PEER_SELF, 20, &rate),
			METHER_BUCKET_RECLAIM);
	KUNIT_EXPECT_EQ(test, rate, (unsigned int)METHER_RECLAIM_RATE);
	msg.flags = METHER_WIRE_RECLAIM_DONE;
	KUNIT_EXPECT_EQ(test, mether_peer_bucket_of(&msg, PEER_SELF, 20, &rate),
			METHER_BUCKETS);
	msg.flags = METHER_WIRE_RECLAIM_NOTICE;
	KUNIT_EXPECT_EQ(test, mether_peer_bucket_of(&msg, PEER_SELF, 20, &rate),
			METHER_BUCKETS);
	msg = peer_msg(HOST, E1, 1, METHER_WIRE_CHALLENGE, 5);
	KUNIT_EXPECT_EQ(test, mether_peer_bucket_of(&msg, PEER_SELF, 20, &rate),
			METHER_BUCKET_CHALLENGE);
	KUNIT_EXPECT_EQ(test, rate, (unsigned int)METHER_CHALLENGE_RATE);
	/* Aimed at another host, or a plain HELLO, it costs nothing here. */
	msg.target = PEER_SELF + 1;
	KUNIT_EXPECT_EQ(test, mether_peer_bucket_of(&msg, PEER_SELF, 20, &rate),
			METHER_BUCKETS);
	msg = peer_msg(HOST, E1, 1, 0, 0);
	KUNIT_EXPECT_EQ(test, mether_peer_bucket_of(&msg, PEER_SELF, 20, &rate),
			METHER_BUCKETS);
	msg.type = METHER_MSG_PAGE;
	KUNIT_EXPECT_EQ(test, mether_peer_bucket_of(&msg, PEER_SELF, 20, &rate),
			METHER_BUCKETS);
	KUNIT_EXPECT_TRUE(test, mether_peer_charge(t, HOST, METHER_BUCKETS, 1));

	KUNIT_ASSERT_EQ(test, peer_join(t, HOST, E1, 2), 0);
	/* Far faster than jiffies tick: the REQUEST burst runs out. */
	for (i = 0; i < 20; i++)
		mether_peer_charge(t, HOST, METHER_BUCKET_REQUEST, 4);
	KUNIT_EXPECT_FALSE(test,
			   mether_peer_charge(t, HOST, METHER_BUCKET_REQUEST, 4));
	for (i = 0; i < 20; i++)
		answered += mether_peer_charge(t, HOST, METHER_BUCKET_CHALLENGE,
					       METHER_CHALLENGE_RATE);
	KUNIT_EXPECT_GE(test, answered, METHER_CHALLENGE_RATE / 2);
	KUNIT_EXPECT_LE(test, answered, METHER_CHALLENGE_RATE / 2 + 1);
	KUNIT_EXPECT_FALSE(test, mether_peer_charge(t, HOST,
						    METHER_BUCKET_CHALLENGE,
						    METHER_CHALLENGE_RATE));
}

/*
 * A reclaimed host is told so once per interval, however many packets
 * of it are dropped; a host not reclaimed, or never heard, is not.
 */
static bool notice_due(struct mether_peer_table *t, u64 epoch, u64 counter,
		       unsigned long interval)
{
	struct mether_wire_msg msg = peer_msg(HOST, epoch, counter, 0, 0);

	return mether_peer_notice_due(t, &msg, interval);
}

static void mether_peer_notice(struct kunit *test)
{
	struct mether_peer_table *t = table(test);
	unsigned long interval = msecs_to_jiffies(200);

	KUNIT_EXPECT_FALSE(test, notice_due(t, E1, 3, interval));
	KUNIT_ASSERT_EQ(test, peer_join(t, HOST, E1, 2), 0);
	KUNIT_EXPECT_FALSE(test, notice_due(t, E1, 3, interval));
	mether_peer_reclaim(t, HOST, E1);
	KUNIT_EXPECT_TRUE(test, notice_due(t, E1, 4, interval));
	KUNIT_EXPECT_FALSE(test, notice_due(t, E1, 5, interval));
	msleep(jiffies_to_msecs(interval) + 20);
	/* A packet seen before, or of an older life, earns none. */
	KUNIT_EXPECT_FALSE(test, notice_due(t, E1, 4, interval));
	KUNIT_EXPECT_FALSE(test, notice_due(t, E0, 9, interval));
	KUNIT_EXPECT_TRUE(test, notice_due(t, E1, 6, interval));
}

static struct kunit_case mether_peer_cases[] = {
	KUNIT_CASE(mether_peer_challenge_answer),
	KUNIT_CASE(mether_peer_challenged),
	KUNIT_CASE(mether_peer_challenge_replayed),
	KUNIT_CASE(mether_peer_liveness),
	KUNIT_CASE(mether_peer_challenge_kept),
	KUNIT_CASE(mether_peer_challenge_bucket),
	KUNIT_CASE(mether_peer_notice),
	{}
};

static struct kunit_suite mether_peer_suite = {
	.name = "mether_peer",
	.test_cases = mether_peer_cases,
};

kunit_test_suite(mether_peer_suite);
