// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite mether_seal: sealing packets, the two keys, and the replay
 * window.
 */
#include <kunit/test.h>
#include <linux/mether.h>
#include <linux/random.h>

#include "../../mether_seal.h"

#define PAYLOAD	32

struct packet {
	struct mether_wire_header hdr;
	u8 payload[PAYLOAD + METHER_WIRE_TAG_SIZE];
};

static const struct mether_wire_limits limits = {
	.cluster = 5, .self = 2, .pages = 16, .seal = METHER_SEAL_XCHACHA,
};

static void keys_of(struct mether_keys *keys, u8 sealing, u8 other)
{
	memset(keys, 0, sizeof(*keys));
	memset(keys->key[0], sealing, METHER_KEY_SIZE);
	keys->has[0] = true;
	if (other) {
		memset(keys->key[1], other, METHER_KEY_SIZE);
		keys->has[1] = true;
	}
}

/* A short PAGE packet from host 1, sealed under a key of bytes @key. */
static void sealed_packet(struct packet *p, u8 key)
{
	struct mether_wire_msg msg = {
		.type = METHER_MSG_PAGE, .subset = METHER_SUBSET_SHORT,
		.sender = 1, .page = 3, .version = 9, .epoch = 1000,
		.counter = 17,
	};
	struct mether_keys keys;
	int i;

	mether_wire_build(&p->hdr, &limits, &msg);
	for (i = 0; i < PAYLOAD; i++)
		p->payload[i] = i;
	keys_of(&keys, key, 0);
	mether_seal(&p->hdr, PAYLOAD, keys.key[0]);
}

static bool plain_payload(const struct packet *p)
{
	int i;

	for (i = 0; i < PAYLOAD; i++)
		if (p->payload[i] != i)
			return false;
	return true;
}

static void mether_seal_round_trip(struct kunit *test)
{
	struct packet *p = kunit_kzalloc(test, sizeof(*p), GFP_KERNEL);
	struct mether_keys keys;

	KUNIT_ASSERT_NOT_NULL(test, p);
	sealed_packet(p, 0xaa);
	KUNIT_EXPECT_FALSE_MSG(test, plain_payload(p), "payload not encrypted");
	keys_of(&keys, 0xaa, 0);
	KUNIT_EXPECT_TRUE(test, mether_unseal(&p->hdr, sizeof(p->payload),
					      &keys));
	KUNIT_EXPECT_TRUE(test, plain_payload(p));
}

/* Any bit changed anywhere, header included, and the packet is refused. */
static void mether_seal_every_bit(struct kunit *test)
{
	struct packet *p = kunit_kzalloc(test, sizeof(*p), GFP_KERNEL);
	struct packet *copy = kunit_kzalloc(test, sizeof(*p), GFP_KERNEL);
	struct mether_keys keys;
	size_t byte;

	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_ASSERT_NOT_NULL(test, copy);
	keys_of(&keys, 0xaa, 0);
	sealed_packet(p, 0xaa);
	for (byte = 0; byte < sizeof(*p); byte++) {
		*copy = *p;
		((u8 *)copy)[byte] ^= 1 << (byte % 8);
		KUNIT_EXPECT_FALSE_MSG(test,
				       mether_unseal(&copy->hdr,
						     sizeof(copy->payload),
						     &keys),
				       "byte %zu", byte);
		((u8 *)copy)[byte] ^= 1 << (byte % 8);
		KUNIT_EXPECT_EQ_MSG(test, memcmp(copy, p, sizeof(*p)), 0,
				    "a refused packet was changed (byte %zu)",
				    byte);
	}
	/* Cut short: even the tag alone is not enough. */
	KUNIT_EXPECT_FALSE(test, mether_unseal(&p->hdr, METHER_WIRE_TAG_SIZE - 1,
					       &keys));
}

/* The largest packet, in a buffer of exactly its size, opens in place. */
static void mether_seal_whole_page(struct kunit *test)
{
	size_t len = sizeof(struct mether_wire_header) +
		     METHER_WIRE_PAGE_SIZE + METHER_WIRE_TAG_SIZE;
	struct mether_wire_header *hdr = kunit_kzalloc(test, len, GFP_KERNEL);
	struct mether_wire_msg msg = {
		.type = METHER_MSG_PAGE, .subset = METHER_SUBSET_FULL,
		.sender = 1, .page = 3, .epoch = 1, .counter = 1,
	};
	struct mether_keys keys;
	size_t cut;

	KUNIT_ASSERT_NOT_NULL(test, hdr);
	keys_of(&keys, 0xaa, 0xbb);
	mether_wire_build(hdr, &limits, &msg);
	mether_seal(hdr, METHER_WIRE_PAGE_SIZE, keys.key[0]);
	/* Every shorter length is refused, without reading past it. */
	for (cut = METHER_WIRE_TAG_SIZE; cut < len - sizeof(*hdr); cut += 37)
		KUNIT_EXPECT_FALSE(test, mether_unseal(hdr, cut, &keys));
	KUNIT_EXPECT_TRUE(test, mether_unseal(hdr, len - sizeof(*hdr), &keys));
}

/*
 * mether_seal() computes XChaCha20-Poly1305's subkey itself (no FPU): its
 * packets must be lib/crypto's, bit for bit, both ways, short and whole.
 * The nonce is the sender, epoch and counter as the header carries them
 * (Documentation/wire.rst).
 */
static void mether_seal_is_xchacha(struct kunit *test)
{
	size_t sizes[] = { PAYLOAD, METHER_WIRE_PAGE_SIZE }, len, i;
	u8 nonce[XCHACHA20POLY1305_NONCE_SIZE] = {};
	struct mether_wire_header *hdr, *theirs;
	struct mether_wire_msg msg = {
		.type = METHER_MSG_PAGE, .sender = 1, .page = 3,
		.epoch = 0x0123456789abcdefULL, .counter = 0x0000fedcba987654ULL,
	};
	struct mether_keys keys;

	keys_of(&keys, 0x5c, 0);
	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		len = sizeof(*hdr) + sizes[i] + METHER_WIRE_TAG_SIZE;
		hdr = kunit_kzalloc(test, len, GFP_KERNEL);
		theirs = kunit_kzalloc(test, len, GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, hdr);
		KUNIT_ASSERT_NOT_NULL(test, theirs);
		msg.subset = sizes[i] == PAYLOAD ? METHER_SUBSET_SHORT :
						   METHER_SUBSET_FULL;
		mether_wire_build(hdr, &limits, &msg);
		get_random_bytes(hdr + 1, sizes[i]);
		memcpy(theirs, hdr, len);
		memcpy(nonce, &hdr->sender, sizeof(hdr->sender));
		memcpy(nonce + 4, &hdr->epoch, sizeof(hdr->epoch));
		memcpy(nonce + 12, &hdr->counter, sizeof(hdr->counter));

		mether_seal(hdr, sizes[i], keys.key[0]);
		xchacha20poly1305_encrypt((u8 *)(theirs + 1),
					  (u8 *)(theirs + 1), sizes[i],
					  (u8 *)theirs, sizeof(*theirs), nonce,
					  keys.key[0]);
		KUNIT_EXPECT_EQ_MSG(test, memcmp(hdr, theirs, len), 0,
				    "%zu bytes sealed differently", sizes[i]);
		KUNIT_EXPECT_TRUE(test, mether_unseal(theirs, len - sizeof(*hdr),
						      &keys));
		KUNIT_EXPECT_TRUE(test,
				  xchacha20poly1305_decrypt((u8 *)(hdr + 1),
							    (u8 *)(hdr + 1),
							    len - sizeof(*hdr),
							    (u8 *)hdr,
							    sizeof(*hdr), nonce,
							    keys.key[0]));
		KUNIT_EXPECT_EQ(test, memcmp(hdr, theirs, len), 0);
	}
}

static void mether_seal_keys(struct kunit *test)
{
	struct packet *p = kunit_kzalloc(test, sizeof(*p), GFP_KERNEL);
	struct mether_keys keys;

	KUNIT_ASSERT_NOT_NULL(test, p);
	sealed_packet(p, 0xaa);
	keys_of(&keys, 0xbb, 0);
	KUNIT_EXPECT_FALSE_MSG(test, mether_unseal(&p->hdr,
						   sizeof(p->payload), &keys),
			       "a foreign key opened it");
	/* During a rotation the other key opens it too. */
	keys_of(&keys, 0xbb, 0xaa);
	KUNIT_EXPECT_TRUE(test, mether_unseal(&p->hdr, sizeof(p->payload),
					      &keys));
	KUNIT_EXPECT_TRUE(test, plain_payload(p));
}

static void mether_seal_rotation(struct kunit *test)
{
	struct mether_key k = {};
	struct mether_keys keys = {};

	memset(k.key, 1, METHER_KEY_SIZE);
	KUNIT_EXPECT_EQ(test, mether_keys_update(&keys, &k), 0);
	KUNIT_EXPECT_TRUE(test, keys.has[0]);
	KUNIT_EXPECT_FALSE(test, keys.has[1]);
	/* Next: opens only; the current key still seals. */
	memset(k.key, 2, METHER_KEY_SIZE);
	k.flags = METHER_KEY_NEXT;
	KUNIT_EXPECT_EQ(test, mether_keys_update(&keys, &k), 0);
	KUNIT_EXPECT_EQ(test, keys.key[0][0], 1);
	KUNIT_EXPECT_EQ(test, keys.key[1][0], 2);
	/* Current: the old one stays to open packets of slower hosts. */
	k.flags = 0;
	KUNIT_EXPECT_EQ(test, mether_keys_update(&keys, &k), 0);
	KUNIT_EXPECT_EQ(test, keys.key[0][0], 2);
	KUNIT_EXPECT_EQ(test, keys.key[1][0], 1);
	k.flags = METHER_KEY_DROP_OLD;
	KUNIT_EXPECT_EQ(test, mether_keys_update(&keys, &k), 0);
	KUNIT_EXPECT_TRUE(test, keys.has[0]);
	KUNIT_EXPECT_FALSE(test, keys.has[1]);
	KUNIT_EXPECT_EQ(test, keys.key[1][0], 0);
	k.flags = METHER_KEY_NEXT | METHER_KEY_DROP_OLD;
	KUNIT_EXPECT_EQ(test, mether_keys_update(&keys, &k), -EINVAL);
	/* Only: what a host about to come up takes; nothing else is kept. */
	k.flags = METHER_KEY_NEXT;
	KUNIT_EXPECT_EQ(test, mether_keys_update(&keys, &k), 0);
	memset(k.key, 3, METHER_KEY_SIZE);
	k.flags = METHER_KEY_ONLY;
	KUNIT_EXPECT_EQ(test, mether_keys_update(&keys, &k), 0);
	KUNIT_EXPECT_TRUE(test, keys.has[0]);
	KUNIT_EXPECT_EQ(test, keys.key[0][0], 3);
	KUNIT_EXPECT_FALSE(test, keys.has[1]);
	KUNIT_EXPECT_EQ(test, keys.key[1][0], 0);
	k.flags = METHER_KEY_ONLY | METHER_KEY_NEXT;
	KUNIT_EXPECT_EQ(test, mether_keys_update(&keys, &k), -EINVAL);
}

#define FRESH	METHER_REPLAY_FRESH
#define SEEN	METHER_REPLAY_SEEN

static void mether_replay_window(struct kunit *test)
{
	struct mether_replay *r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);
	u64 n;

	KUNIT_ASSERT_NOT_NULL(test, r);
	KUNIT_EXPECT_EQ(test, mether_replay_check(r, 5, 0), SEEN);
	for (n = 1; n <= 3000; n++)
		KUNIT_EXPECT_EQ(test, mether_replay_check(r, 5, n), FRESH);
	KUNIT_EXPECT_EQ(test, mether_replay_check(r, 5, 3000), SEEN);
	KUNIT_EXPECT_EQ(test, mether_replay_check(r, 5, 2500), SEEN);
	/* Out of order, within the window: once each. */
	KUNIT_EXPECT_EQ(test, mether_replay_check(r, 5, 3010), FRESH);
	KUNIT_EXPECT_EQ(test, mether_replay_check(r, 5, 3005), FRESH);
	KUNIT_EXPECT_EQ(test, mether_replay_check(r, 5, 3005), SEEN);
	KUNIT_EXPECT_EQ(test, mether_replay_check(r, 5, 3001), FRESH);
	/* A jump past the whole window forgets it, and works after. */
	KUNIT_EXPECT_EQ(test, mether_replay_check(r, 5, 100000), FRESH);
	KUNIT_EXPECT_EQ(test, mether_replay_check(r, 5, 99999), FRESH);
	KUNIT_EXPECT_EQ(test, mether_replay_check(r, 5, 3010), SEEN);
	/* The oldest counter the window holds, and one too far behind. */
	KUNIT_EXPECT_EQ(test, mether_replay_check(r, 5,
						  100001 - METHER_REPLAY_WINDOW),
			FRESH);
	KUNIT_EXPECT_EQ(test, mether_replay_check(r, 5,
						  100000 - METHER_REPLAY_WINDOW),
			SEEN);
}

static void mether_replay_epochs(struct kunit *test)
{
	struct mether_replay *r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, r);
	KUNIT_EXPECT_EQ(test, mether_replay_check(r, 7, 40), FRESH);
	/* The sender came up again: its counter starts again. */
	KUNIT_EXPECT_EQ(test, mether_replay_check(r, 8, 1), FRESH);
	KUNIT_EXPECT_EQ(test, mether_replay_check(r, 8, 1), SEEN);
	/* Its last life's packets are old news. */
	KUNIT_EXPECT_EQ(test, mether_replay_check(r, 7, 41),
			METHER_REPLAY_OLD_EPOCH);
}

#define SEC	1000000000ULL
#define T	100000ULL	/* seconds */

/* A host's epochs: they only grow, and keep their random bits. */
static void mether_seal_epochs(struct kunit *test)
{
	u64 e1, e2, e3, e4, e5;

	e1 = mether_seal_epoch(0, T * SEC + 5, 0xaaaa0001);
	KUNIT_EXPECT_EQ(test, e1, T << 32 | 0xaaaa0001);
	/*
	 * Two UPs in one tick of the clock, with the same random bits:
	 * later, and low bits of their own (only those travel in a packet
	 * aimed at the host).
	 */
	e2 = mether_seal_epoch(e1, T * SEC + 5, 0xaaaa0001);
	KUNIT_EXPECT_GT(test, e2, e1);
	KUNIT_EXPECT_NE(test, (u32)e2, (u32)e1);
	/* Random bits of 0, the low half of "no epoch": never taken. */
	e3 = mether_seal_epoch(e2, T * SEC + 5, 0);
	KUNIT_EXPECT_GT(test, e3, e2);
	KUNIT_EXPECT_NE(test, (u32)e3, 0u);
	KUNIT_EXPECT_NE(test, (u32)mether_seal_epoch(1, T * SEC, 0), 0u);
	KUNIT_EXPECT_NE(test, (u32)mether_seal_epoch(1, T * SEC, 0), 1u);
	KUNIT_EXPECT_NE(test, (u32)mether_seal_epoch(U32_MAX, T * SEC,
						     U32_MAX), U32_MAX);
	/* The clock stepped back an hour: still later. */
	e4 = mether_seal_epoch(e3, (T - 3600) * SEC, 0x77);
	KUNIT_EXPECT_GT(test, e4, e3);
	KUNIT_EXPECT_EQ(test, (u32)e4, 0x77u);
	/* The clock, once ahead again, is followed. */
	e5 = mether_seal_epoch(e4, 2 * T * SEC, 0x78);
	KUNIT_EXPECT_EQ(test, e5, 2 * T << 32 | 0x78);
	/* A clock at 1970, or before the first: never 0. */
	KUNIT_EXPECT_NE(test, mether_seal_epoch(0, 0, 0), 0ULL);
	/*
	 * After a reboot, this module forgets: the same second, other
	 * random bits, another epoch (its nonces are others).
	 */
	KUNIT_EXPECT_NE(test, mether_seal_epoch(0, T * SEC + 5, 0x1234),
			e1);
	/* Pushed to the last second: none greater, not a wrapped one. */
	KUNIT_EXPECT_EQ(test, mether_seal_epoch((u64)U32_MAX << 32, T * SEC,
						0x79), 0ULL);
	KUNIT_EXPECT_EQ(test, mether_seal_epoch(0, (U32_MAX + 1ULL) * SEC,
						0x79), 0ULL);
}

/* The floor an ANSWER sets: nothing older is taken, anything later is. */
static void mether_replay_floors(struct kunit *test)
{
	struct mether_replay *r = kunit_kzalloc(test, sizeof(*r), GFP_KERNEL);
	u64 n;

	KUNIT_ASSERT_NOT_NULL(test, r);
	mether_replay_floor(r, 9, 5000);
	for (n = 1; n <= 5000; n++)
		if (mether_replay_check(r, 9, n) != SEEN)
			KUNIT_FAIL(test, "counter %llu taken", n);
	KUNIT_EXPECT_EQ(test, mether_replay_check(r, 9, 5002), FRESH);
	KUNIT_EXPECT_EQ(test, mether_replay_check(r, 9, 5001), FRESH);
	KUNIT_EXPECT_EQ(test, mether_replay_check(r, 9, 5000), SEEN);
	/* A floor at the first packet: only 1 is refused. */
	mether_replay_floor(r, 10, 1);
	KUNIT_EXPECT_EQ(test, mether_replay_check(r, 10, 1), SEEN);
	KUNIT_EXPECT_EQ(test, mether_replay_check(r, 10, 2), FRESH);
}

static struct kunit_case mether_seal_cases[] = {
	KUNIT_CASE(mether_seal_round_trip),
	KUNIT_CASE(mether_seal_every_bit),
	KUNIT_CASE(mether_seal_whole_page),
	KUNIT_CASE(mether_seal_is_xchacha),
	KUNIT_CASE(mether_seal_keys),
	KUNIT_CASE(mether_seal_rotation),
	KUNIT_CASE(mether_replay_window),
	KUNIT_CASE(mether_replay_epochs),
	KUNIT_CASE(mether_seal_epochs),
	KUNIT_CASE(mether_replay_floors),
	{}
};

static struct kunit_suite mether_seal_suite = {
	.name = "mether_seal",
	.test_cases = mether_seal_cases,
};

kunit_test_suite(mether_seal_suite);
