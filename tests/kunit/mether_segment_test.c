// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite mether_segment: capability tokens, what a restricted file
 * may map, and capabilities of a lost directory.
 */
#include <kunit/test.h>
#include <linux/highmem.h>
#include <linux/mether.h>

#include "../../mether_segment.h"

static const u8 test_key[METHER_KEY_SIZE] = {
	0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
	16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31,
};

#define GEN_OLD	0x0123456789abcdefULL
#define GEN_NEW	0xfedcba9876543210ULL

static const struct mether_segment test_segment = {
	.name = "jacobi", .first = 5, .pages = 3,
	.rights = METHER_SEGMENT_READ | METHER_SEGMENT_WRITE,
	.generation = GEN_OLD,
};

/*
 * Python's hashlib.blake2s(b"mether segment capability v2\0" + name padded
 * to 32 + struct.pack("<QQIQ", 5, 3, 3, 0x0123456789abcdef),
 * key=bytes(range(32)), digest_size=16): the layout
 * Documentation/libmether.rst gives.
 */
static const u8 test_token[METHER_TOKEN_SIZE] = {
	0x11, 0x85, 0xfe, 0xf2, 0x38, 0xbf, 0x68, 0xe7,
	0x03, 0x4b, 0x07, 0x01, 0x60, 0x33, 0x01, 0x52,
};

#define TEST_PAGES	16

/* Write a directory head of @generation (0: wipe the page) in @space. */
static void test_directory(struct mether_space *space, u64 generation)
{
	struct mether_page *mp = &space->page[METHER_DIRECTORY_PAGE];
	struct mether_directory *dir = kmap_local_page(mp->inconsistent_frame);

	memset(dir, 0, PAGE_SIZE);
	if (generation) {
		dir->magic = METHER_DIRECTORY_MAGIC;
		dir->version = METHER_DIRECTORY_VERSION;
		dir->next_free = 1;
		dir->generation = generation;
	}
	kunmap_local(dir);
}

/*
 * A space of TEST_PAGES pages with the test key, holding an inconsistent
 * copy of the directory page; test->priv points to it, and the suite's
 * exit frees the copy's frame.
 */
static struct mether_space *test_space(struct kunit *test)
{
	struct mether_space *space;
	struct mether_page *dir;
	int i;

	if (test->priv)
		return test->priv;
	space = kunit_kzalloc(test, sizeof(*space), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, space);
	space->page = kunit_kcalloc(test, TEST_PAGES, sizeof(*space->page),
				    GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, space->page);
	space->pages = TEST_PAGES;
	for (i = 0; i < TEST_PAGES; i++)
		spin_lock_init(&space->page[i].lock);
	spin_lock_init(&space->key_lock);
	memcpy(space->keys.key[0], test_key, METHER_KEY_SIZE);
	space->keys.has[0] = true;
	dir = &space->page[METHER_DIRECTORY_PAGE];
	dir->inconsistent_frame = alloc_page(GFP_KERNEL | __GFP_ZERO);
	KUNIT_ASSERT_NOT_NULL(test, dir->inconsistent_frame);
	dir->inconsistent.present = METHER_ALL_SUBSETS;
	test->priv = space;
	test_directory(space, GEN_OLD);
	return space;
}

static void test_space_exit(struct kunit *test)
{
	struct mether_space *space = test->priv;

	if (space)
		put_page(space->page[METHER_DIRECTORY_PAGE].inconsistent_frame);
}

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

	for (i = 0; i < 6; i++) {
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
		case 5:
			seg.generation++;
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
	mf->space = test_space(test);	/* made once, with GEN_OLD */
	mf->restricted = true;
	mf->grants = 2;
	mf->grant[0] = (struct mether_grant) {
		.first = 5, .pages = 3, .rights = METHER_SEGMENT_READ,
		.generation = GEN_OLD,
	};
	mf->grant[1] = (struct mether_grant) {
		.first = 10, .pages = 2,
		.rights = METHER_SEGMENT_READ | METHER_SEGMENT_WRITE,
		.generation = GEN_OLD,
	};
	return mf;
}

/* A restricted file of the test space with nothing attached. */
static struct mether_file *empty_file(struct kunit *test)
{
	struct mether_file *mf = restricted_file(test);

	mf->grants = 0;
	return mf;
}

#define PAGE_AT(view, page) \
	((u64)(view) << METHER_VIEW_SHIFT | (u64)(page) << PAGE_SHIFT)
/* The last page of a view. */
#define LAST_PAGE	(METHER_MAX_PAGES(PAGE_SIZE) - 1)

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
	/*
	 * Every view of a mapping that spans views is checked: the last
	 * two pages of view 0 are granted, and a mapping of them that runs
	 * on into view 1 (past its directory page, to page 1) is refused,
	 * read-only or writeable; the granted part alone may be mapped.
	 */
	mf->grant[2] = (struct mether_grant) {
		.first = LAST_PAGE - 1, .pages = 2,
		.rights = METHER_SEGMENT_READ | METHER_SEGMENT_WRITE,
		.generation = GEN_OLD,
	};
	mf->grants = 3;
	KUNIT_EXPECT_TRUE(test,
			  mether_file_may_map(mf, PAGE_AT(0, LAST_PAGE - 1),
					      2 * PAGE_SIZE, true));
	KUNIT_EXPECT_FALSE(test,
			   mether_file_may_map(mf, PAGE_AT(0, LAST_PAGE - 1),
					       4 * PAGE_SIZE, false));
	KUNIT_EXPECT_FALSE(test,
			   mether_file_may_map(mf, PAGE_AT(0, LAST_PAGE - 1),
					       3 * PAGE_SIZE, true));
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

/* A capability minted under @generation for the test segment. */
static struct mether_segment test_capability(u64 generation)
{
	struct mether_segment seg = test_segment;

	seg.generation = generation;
	mether_segment_token(test_key, &seg, seg.token);
	return seg;
}

/*
 * The directory is wiped and made again with a new generation, and the
 * new one gives a segment of the same name the same pages: the old
 * capability must open nothing, and a file that attached it before must
 * map nothing more of it.
 */
static void mether_lost_directory_refuses_old_capability(struct kunit *test)
{
	struct mether_segment old = test_capability(GEN_OLD);
	struct mether_segment cap = test_capability(GEN_NEW);
	struct mether_file *before = empty_file(test);
	struct mether_space *space = before->space;
	struct mether_page *dir = &space->page[METHER_DIRECTORY_PAGE];
	struct mether_segment forged;

	test_directory(space, GEN_OLD);
	KUNIT_ASSERT_EQ(test, mether_segment_attach(before, &old), 0);
	KUNIT_EXPECT_TRUE(test, mether_file_may_map(before, PAGE_AT(0, 5),
						    3 * PAGE_SIZE, true));
	/*
	 * No copy of the directory here (the file may PURGE its own):
	 * nothing attached maps until one comes, whatever it was.
	 */
	dir->inconsistent.present = 0;
	KUNIT_EXPECT_FALSE(test, mether_file_may_map(before, PAGE_AT(0, 5),
						     PAGE_SIZE, false));
	dir->inconsistent.present = METHER_ALL_SUBSETS;
	KUNIT_EXPECT_TRUE(test, mether_file_may_map(before, PAGE_AT(0, 5),
						    PAGE_SIZE, false));

	/* Wiped: nothing attaches, nothing attached maps. */
	test_directory(space, 0);
	KUNIT_EXPECT_EQ(test, mether_segment_attach(empty_file(test), &old),
			-ESTALE);
	KUNIT_EXPECT_FALSE(test, mether_file_may_map(before, PAGE_AT(0, 5),
						     PAGE_SIZE, false));

	/* Made again: the old capability is stale, on attach and on mmap. */
	test_directory(space, GEN_NEW);
	KUNIT_EXPECT_EQ(test, mether_segment_attach(empty_file(test), &old),
			-ESTALE);
	KUNIT_EXPECT_FALSE(test, mether_file_may_map(before, PAGE_AT(0, 5),
						     PAGE_SIZE, false));
	/* Its token with the new generation is a forgery. */
	forged = old;
	forged.generation = GEN_NEW;
	KUNIT_EXPECT_EQ(test, mether_segment_attach(empty_file(test), &forged),
			-EACCES);
	/* A generation of 0 would match a wiped directory: never valid. */
	forged.generation = 0;
	KUNIT_EXPECT_EQ(test, mether_segment_attach(empty_file(test), &forged),
			-EINVAL);
	/* A capability of the new directory works. */
	KUNIT_EXPECT_EQ(test, mether_segment_attach(before, &cap), 0);
	KUNIT_EXPECT_TRUE(test, mether_file_may_map(before, PAGE_AT(0, 5),
						    3 * PAGE_SIZE, true));
}

/* The directory is read from whichever copy of its page this host has. */
static void mether_directory_read_from_either_copy(struct kunit *test)
{
	struct mether_segment cap = test_capability(GEN_OLD);
	struct mether_file *mf = empty_file(test);
	struct mether_page *dir = &mf->space->page[METHER_DIRECTORY_PAGE];
	struct mether_directory *head;
	u64 generation = 1;

	KUNIT_EXPECT_EQ(test, mether_directory_generation(mf->space,
							  &generation), 0);
	KUNIT_EXPECT_EQ(test, generation, GEN_OLD);
	/* A wrong version is no directory. */
	head = kmap_local_page(dir->inconsistent_frame);
	head->version = 1;
	kunmap_local(head);
	KUNIT_EXPECT_EQ(test, mether_segment_attach(mf, &cap), -ESTALE);
	test_directory(mf->space, GEN_OLD);

	/* No copy here: the caller fetches one and tries again. */
	dir->inconsistent.present = 0;
	KUNIT_EXPECT_EQ(test, mether_segment_attach(mf, &cap), -EAGAIN);
	/* The consistent copy wins; never written, it holds no directory. */
	dir->consistent.present = METHER_ALL_SUBSETS;
	dir->inconsistent.present = METHER_ALL_SUBSETS;
	KUNIT_EXPECT_EQ(test, mether_directory_generation(mf->space,
							  &generation), 0);
	KUNIT_EXPECT_EQ(test, generation, 0);
	KUNIT_EXPECT_EQ(test, mether_segment_attach(mf, &cap), -ESTALE);
}

/*
 * Rights are read, or read and write: a mapping that may be written may
 * be read, so a write-only capability would be one no mapping can use.
 * The check comes before the token's, whatever the token.
 */
static void mether_segment_rights_include_read(struct kunit *test)
{
	static const unsigned int bad[] = {
		0, METHER_SEGMENT_WRITE, 4, METHER_SEGMENT_READ | 4, ~0u,
	};
	struct mether_file *mf = empty_file(test);
	struct mether_segment cap = test_capability(GEN_OLD);
	unsigned int i;

	test_directory(mf->space, GEN_OLD);
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		cap.rights = bad[i];
		KUNIT_EXPECT_EQ_MSG(test, mether_segment_attach(mf, &cap),
				    -EINVAL, "rights %#x", bad[i]);
	}
}

static struct kunit_case mether_segment_cases[] = {
	KUNIT_CASE(mether_token_known_answer),
	KUNIT_CASE(mether_token_binds_every_field),
	KUNIT_CASE(mether_restricted_maps_its_segments),
	KUNIT_CASE(mether_restricted_refused_elsewhere),
	KUNIT_CASE(mether_unrestricted_maps_everything),
	KUNIT_CASE(mether_lost_directory_refuses_old_capability),
	KUNIT_CASE(mether_directory_read_from_either_copy),
	KUNIT_CASE(mether_segment_rights_include_read),
	{}
};

static struct kunit_suite mether_segment_suite = {
	.name = "mether_segment",
	.exit = test_space_exit,
	.test_cases = mether_segment_cases,
};

kunit_test_suite(mether_segment_suite);
