// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite mether_segment: capability tokens and what a restricted
 * file may map.
 */
#include <kunit/test.h>
#include <linux/mether.h>

#include "../../mether_segment.h"

static const u8 test_key[METHER_KEY_SIZE] = {
	0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
	16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31,
};

static const struct mether_segment test_segment = {
	.name = "jacobi", .first = 5, .pages = 3,
	.rights = METHER_SEGMENT_READ | METHER_SEGMENT_WRITE,
};

/*
 * Python's hashlib.blake2s(b"mether segment capability v1\0" + name padded
 * to 32 + struct.pack("<QQI", 5, 3, 3), key=bytes(range(32)),
 * digest_size=16): the layout Documentation/libmether.rst gives.
 */
static const u8 test_token[METHER_TOKEN_SIZE] = {
	0x29, 0x59, 0xae, 0x36, 0x5d, 0x3d, 0x83, 0x21,
	0x00, 0x77, 0x88, 0x91, 0x7d, 0x8c, 0xd0, 0xe3,
};

static void mether_token_known_answer(struct kunit *test)
{
	u8 token[METHER_TOKEN_SIZE];

	mether_segment_token(test_key, &test_segment, token);
	KUNIT_EXPECT_EQ(test, memcmp(token, test_token, METHER_TOKEN_SIZE), 0);
}

/* Changing any field, or the key, changes the token. */
static void mether_token_binds_every_field(struct kunit *test)
{
	struct mether_segment seg;
	u8 key[METHER_KEY_SIZE];
	u8 token[METHER_TOKEN_SIZE];
	int i;

	for (i = 0; i < 5; i++) {
		seg = test_segment;
		memcpy(key, test_key, sizeof(key));
		switch (i) {
		case 0:
			seg.name[0] = 'J';
			break;
		case 1:
			seg.first++;
			break;
		case 2:
			seg.pages++;
			break;
		case 3:
			seg.rights = METHER_SEGMENT_READ;
			break;
		case 4:
			key[31] ^= 1;
			break;
		}
		mether_segment_token(key, &seg, token);
		KUNIT_EXPECT_NE_MSG(test, memcmp(token, test_token,
						 METHER_TOKEN_SIZE), 0,
				    "change %d", i);
	}
}

static struct mether_file *restricted_file(struct kunit *test)
{
	struct mether_file *mf = kunit_kzalloc(test, sizeof(*mf), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, mf);
	spin_lock_init(&mf->lock);
	mf->restricted = true;
	mf->grants = 2;
	mf->grant[0] = (struct mether_grant) {
		.first = 5, .pages = 3, .rights = METHER_SEGMENT_READ,
	};
	mf->grant[1] = (struct mether_grant) {
		.first = 10, .pages = 2,
		.rights = METHER_SEGMENT_READ | METHER_SEGMENT_WRITE,
	};
	return mf;
}

#define PAGE_AT(view, page) \
	((u64)(view) << METHER_VIEW_SHIFT | (u64)(page) << PAGE_SHIFT)

static void mether_restricted_maps_its_segments(struct kunit *test)
{
	struct mether_file *mf = restricted_file(test);

	KUNIT_EXPECT_TRUE(test, mether_file_may_map(mf, PAGE_AT(0, 5),
						    3 * PAGE_SIZE, false));
	KUNIT_EXPECT_TRUE(test, mether_file_may_map(mf, PAGE_AT(5, 6),
						    2 * PAGE_SIZE, false));
	KUNIT_EXPECT_TRUE(test, mether_file_may_map(mf, PAGE_AT(1, 10),
						    2 * PAGE_SIZE, true));
	/* The directory page, read-only, even together with a segment. */
	KUNIT_EXPECT_TRUE(test, mether_file_may_map(mf, PAGE_AT(4, 0),
						    PAGE_SIZE, false));
	KUNIT_EXPECT_FALSE(test, mether_file_may_map(mf, PAGE_AT(0, 0),
						     PAGE_SIZE, true));
}

static void mether_restricted_refused_elsewhere(struct kunit *test)
{
	struct mether_file *mf = restricted_file(test);

	/* One page past the segment, one before, and read-only written. */
	KUNIT_EXPECT_FALSE(test, mether_file_may_map(mf, PAGE_AT(0, 5),
						     4 * PAGE_SIZE, false));
	KUNIT_EXPECT_FALSE(test, mether_file_may_map(mf, PAGE_AT(0, 4),
						     2 * PAGE_SIZE, false));
	KUNIT_EXPECT_FALSE(test, mether_file_may_map(mf, PAGE_AT(0, 5),
						     PAGE_SIZE, true));
	/* A run that leaves one segment for another one. */
	KUNIT_EXPECT_FALSE(test, mether_file_may_map(mf, PAGE_AT(0, 7),
						     4 * PAGE_SIZE, false));
	/* Every view of a mapping that spans views is checked. */
	KUNIT_EXPECT_FALSE(test,
			   mether_file_may_map(mf, PAGE_AT(0, 10),
					       METHER_VIEW_SPAN, false));
	KUNIT_EXPECT_FALSE(test, mether_file_may_see(mf, 9));
	KUNIT_EXPECT_TRUE(test, mether_file_may_see(mf, 11));
}

static void mether_unrestricted_maps_everything(struct kunit *test)
{
	struct mether_file *mf = restricted_file(test);

	mf->restricted = false;
	KUNIT_EXPECT_TRUE(test, mether_file_may_map(mf, 0, METHER_SPACE_SIZE,
						    false));
	KUNIT_EXPECT_TRUE(test, mether_file_may_see(mf, 99));
}

static struct kunit_case mether_segment_cases[] = {
	KUNIT_CASE(mether_token_known_answer),
	KUNIT_CASE(mether_token_binds_every_field),
	KUNIT_CASE(mether_restricted_maps_its_segments),
	KUNIT_CASE(mether_restricted_refused_elsewhere),
	KUNIT_CASE(mether_unrestricted_maps_everything),
	{}
};

static struct kunit_suite mether_segment_suite = {
	.name = "mether_segment",
	.test_cases = mether_segment_cases,
};

kunit_test_suite(mether_segment_suite);
