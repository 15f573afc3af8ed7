// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite mether_copy: what a new copy holds, byte for byte, when a
 * page is published or arrives. The frames for them are not zeroed when
 * allocated (mether_space.c), so every byte a subset does not bring must
 * come from the old copy, or be written as zero: never be what the
 * allocator's page held before. Each case first leaves pages full of
 * POISON on this CPU's free lists, where the next allocation finds them.
 * A replaced copy's frame is kept as the space's spare and used again
 * (mether_retire_frame()): it must be written over just as wholly.
 */
#include <kunit/test.h>
#include <linux/highmem.h>
#include <linux/mether.h>

#include "../../mether_space.h"
#include "../../mether_view.h"
#include "../../mether_wire.h"

#define PAGES	2
#define POISON	0xa5
#define OLD	0x3c
#define NEW	0x5a

static int mether_copy_init(struct kunit *test)
{
	struct mether_space *space;
	int i;

	space = kunit_kzalloc(test, sizeof(*space), GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, space);
	space->page = kunit_kcalloc(test, PAGES, sizeof(*space->page),
				    GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, space->page);
	space->pages = PAGES;
	init_rwsem(&space->map_sem);
	init_waitqueue_head(&space->wait);
	for (i = 0; i < PAGES; i++)
		spin_lock_init(&space->page[i].lock);
	test->priv = space;
	return 0;
}

static void mether_copy_exit(struct kunit *test)
{
	struct mether_space *space = test->priv;
	int i;

	for (i = 0; i < PAGES; i++) {
		struct mether_page *mp = &space->page[i];

		if (mp->consistent_frame)
			put_page(mp->consistent_frame);
		if (mp->inconsistent_frame)
			put_page(mp->inconsistent_frame);
		if (mp->tail_frame)
			put_page(mp->tail_frame);
	}
	if (space->spare_frame)
		put_page(space->spare_frame);
}

/* Free pages full of POISON, of the kind the copies' frames are. */
static void poison_free_pages(void)
{
	struct page *pages[8];
	int i;

	for (i = 0; i < ARRAY_SIZE(pages); i++) {
		pages[i] = alloc_page(GFP_HIGHUSER);
		if (pages[i])
			memset_page(pages[i], 0, POISON, PAGE_SIZE);
	}
	for (i = ARRAY_SIZE(pages) - 1; i >= 0; i--)
		if (pages[i])
			__free_page(pages[i]);
}

static struct page *frame_of(struct kunit *test, u8 byte)
{
	struct page *frame = alloc_page(GFP_HIGHUSER);

	KUNIT_ASSERT_NOT_NULL(test, frame);
	memset_page(frame, 0, byte, PAGE_SIZE);
	return frame;
}

/* Bytes [@from, @to) of @frame that are not @byte. */
static unsigned int bytes_not(struct page *frame, size_t from, size_t to,
			      u8 byte)
{
	u8 *p = kmap_local_page(frame);
	unsigned int n = 0;
	size_t i;

	for (i = from; i < to; i++)
		n += p[i] != byte;
	kunmap_local(p);
	return n;
}

static int arrive_at(struct mether_space *space, u64 page, u64 version,
		     unsigned int subset, const void *payload)
{
	struct mether_wire_msg msg = {
		.type = METHER_MSG_PAGE,
		.subset = subset,
		.page = page,
		.version = version,
		.payload = payload,
		.length = mether_subset_bytes(subset),
	};

	poison_free_pages();
	return mether_page_arrived(space, &msg);
}

static int arrive(struct mether_space *space, unsigned int subset,
		  const void *payload)
{
	return arrive_at(space, 1, 7, subset, payload);
}

/* A short page arrives where there is no copy: the rest reads as zero. */
static void mether_copy_short_arrival_alone(struct kunit *test)
{
	struct mether_space *space = test->priv;
	size_t short_bytes = mether_subset_bytes(METHER_SUBSET_SHORT);
	u8 payload[METHER_SHORT_SIZE];
	struct page *frame;

	memset(payload, NEW, sizeof(payload));
	KUNIT_ASSERT_EQ(test, arrive(space, METHER_SUBSET_SHORT, payload), 0);
	frame = space->page[1].inconsistent_frame;
	KUNIT_ASSERT_NOT_NULL(test, frame);
	KUNIT_EXPECT_EQ(test, bytes_not(frame, 0, short_bytes, NEW), 0U);
	KUNIT_EXPECT_EQ(test, bytes_not(frame, short_bytes, PAGE_SIZE, 0), 0U);
}

/* A short page arrives over a whole copy: the rest is the old copy's. */
static void mether_copy_short_arrival_over(struct kunit *test)
{
	struct mether_space *space = test->priv;
	size_t short_bytes = mether_subset_bytes(METHER_SUBSET_SHORT);
	struct mether_page *mp = &space->page[1];
	u8 payload[METHER_SHORT_SIZE];

	mp->inconsistent_frame = frame_of(test, OLD);
	mp->inconsistent.present = METHER_ALL_SUBSETS;
	mp->inconsistent.version = 6;
	memset(payload, NEW, sizeof(payload));
	KUNIT_ASSERT_EQ(test, arrive(space, METHER_SUBSET_SHORT, payload), 0);
	KUNIT_EXPECT_EQ(test, bytes_not(mp->inconsistent_frame, 0,
					short_bytes, NEW), 0U);
	KUNIT_EXPECT_EQ(test, bytes_not(mp->inconsistent_frame, short_bytes,
					PAGE_SIZE, OLD), 0U);
}

/* A whole page arrives: all of it is the payload. */
static void mether_copy_full_arrival(struct kunit *test)
{
	struct mether_space *space = test->priv;
	u8 *payload = kunit_kmalloc(test, PAGE_SIZE, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, payload);
	memset(payload, NEW, PAGE_SIZE);
	KUNIT_ASSERT_EQ(test, arrive(space, METHER_SUBSET_FULL, payload), 0);
	KUNIT_EXPECT_EQ(test, bytes_not(space->page[1].inconsistent_frame, 0,
					PAGE_SIZE, NEW), 0U);
}

/* The consistent copy of a page never written has no frame: zeros. */
static void mether_copy_publish_unwritten(struct kunit *test)
{
	struct mether_space *space = test->priv;
	struct page *published;
	u64 version;

	space->page[1].consistent.present = METHER_ALL_SUBSETS;
	poison_free_pages();
	published = mether_space_publish(space, 1, METHER_SUBSET_FULL,
					 &version);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, published);
	KUNIT_EXPECT_EQ(test, bytes_not(published, 0, PAGE_SIZE, 0), 0U);
	put_page(published);
}

/*
 * A short page published where this host has no inconsistent copy: the
 * short page is the consistent copy's, the rest reads as zero.
 */
static void mether_copy_publish_short(struct kunit *test)
{
	struct mether_space *space = test->priv;
	size_t short_bytes = mether_subset_bytes(METHER_SUBSET_SHORT);
	struct mether_page *mp = &space->page[1];
	struct page *published;
	u64 version;

	mp->consistent.present = METHER_ALL_SUBSETS;
	mp->consistent_frame = frame_of(test, NEW);
	poison_free_pages();
	published = mether_space_publish(space, 1, METHER_SUBSET_SHORT,
					 &version);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, published);
	KUNIT_EXPECT_EQ(test, bytes_not(published, 0, short_bytes, NEW), 0U);
	KUNIT_EXPECT_EQ(test, bytes_not(published, short_bytes, PAGE_SIZE, 0),
			0U);
	put_page(published);
}

/*
 * A copy replaced whose frame nobody else holds leaves it as the spare,
 * and the next arrival, on another page with no copy, takes it: the
 * replaced copy's bytes must not show past the short page.
 */
static void mether_copy_spare_written_over(struct kunit *test)
{
	struct mether_space *space = test->priv;
	size_t short_bytes = mether_subset_bytes(METHER_SUBSET_SHORT);
	u8 *payload = kunit_kmalloc(test, PAGE_SIZE, GFP_KERNEL);
	struct page *first, *frame;

	if (want_init_on_free())
		kunit_skip(test, "init_on_free: no frame is kept");
	KUNIT_ASSERT_NOT_NULL(test, payload);
	memset(payload, OLD, PAGE_SIZE);
	KUNIT_ASSERT_EQ(test, arrive_at(space, 1, 7, METHER_SUBSET_FULL,
					payload), 0);
	first = space->page[1].inconsistent_frame;
	/* The whole page is kept as the page's tail: let it go. */
	put_page(space->page[1].tail_frame);
	space->page[1].tail_frame = NULL;
	memset(payload, NEW, PAGE_SIZE);
	KUNIT_ASSERT_EQ(test, arrive_at(space, 1, 8, METHER_SUBSET_SHORT,
					payload), 0);
	KUNIT_ASSERT_PTR_EQ(test, space->spare_frame, first);

	KUNIT_ASSERT_EQ(test, arrive_at(space, 0, 1, METHER_SUBSET_SHORT,
					payload), 0);
	frame = space->page[0].inconsistent_frame;
	KUNIT_EXPECT_PTR_EQ(test, frame, first);
	KUNIT_EXPECT_NULL(test, space->spare_frame);
	KUNIT_EXPECT_EQ(test, bytes_not(frame, 0, short_bytes, NEW), 0U);
	KUNIT_EXPECT_EQ(test, bytes_not(frame, short_bytes, PAGE_SIZE, 0), 0U);
}

/* A replaced copy's frame that another holds is put, not kept. */
static void mether_copy_spare_not_while_held(struct kunit *test)
{
	struct mether_space *space = test->priv;
	struct mether_page *mp = &space->page[1];
	u8 payload[METHER_SHORT_SIZE];
	struct page *held;

	held = frame_of(test, OLD);
	mp->inconsistent_frame = held;
	mp->inconsistent.present = METHER_ALL_SUBSETS;
	mp->inconsistent.version = 6;
	get_page(held);		/* as a send in flight would */
	memset(payload, NEW, sizeof(payload));
	KUNIT_ASSERT_EQ(test, arrive(space, METHER_SUBSET_SHORT, payload), 0);
	KUNIT_EXPECT_NULL(test, space->spare_frame);
	KUNIT_EXPECT_EQ(test, page_ref_count(held), 1);
	KUNIT_EXPECT_EQ(test, bytes_not(held, 0, PAGE_SIZE, OLD), 0U);
	put_page(held);
}

static struct kunit_case mether_copy_cases[] = {
	KUNIT_CASE(mether_copy_short_arrival_alone),
	KUNIT_CASE(mether_copy_short_arrival_over),
	KUNIT_CASE(mether_copy_full_arrival),
	KUNIT_CASE(mether_copy_publish_unwritten),
	KUNIT_CASE(mether_copy_publish_short),
	KUNIT_CASE(mether_copy_spare_written_over),
	KUNIT_CASE(mether_copy_spare_not_while_held),
	{}
};

static struct kunit_suite mether_copy_suite = {
	.name = "mether_copy",
	.init = mether_copy_init,
	.exit = mether_copy_exit,
	.test_cases = mether_copy_cases,
};

kunit_test_suite(mether_copy_suite);
