// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite mether_view: device offsets to pages and views.
 */
#include <kunit/test.h>
#include <linux/mm.h>

#include "../../mether_view.h"

#define VIEW_OFFSET(view, page) \
	(((u64)(view) << METHER_VIEW_SHIFT) | ((u64)(page) << PAGE_SHIFT))

struct view_case {
	unsigned int view;
	unsigned int subset;
	bool data_driven;
};

static const struct view_case view_cases[] = {
	{ METHER_VIEW_FULL_DEMAND, METHER_SUBSET_FULL, false },
	{ METHER_VIEW_SHORT_DEMAND, METHER_SUBSET_SHORT, false },
	{ METHER_VIEW_FULL_DATA, METHER_SUBSET_FULL, true },
	{ METHER_VIEW_SHORT_DATA, METHER_SUBSET_SHORT, true },
};

static void mether_view_decodes_every_view(struct kunit *test)
{
	struct mether_addr addr;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(view_cases); i++) {
		const struct view_case *c = &view_cases[i];
		u64 off = VIEW_OFFSET(c->view, 7) + 5;

		KUNIT_ASSERT_EQ(test, mether_decode_offset(off, 8, &addr), 0);
		KUNIT_EXPECT_EQ(test, addr.page, 7ULL);
		KUNIT_EXPECT_EQ(test, addr.subset, c->subset);
		KUNIT_EXPECT_EQ(test, addr.data_driven, c->data_driven);
	}
}

static void mether_view_rejects_page_beyond_space(struct kunit *test)
{
	struct mether_addr addr;

	KUNIT_EXPECT_EQ(test, mether_decode_offset(VIEW_OFFSET(0, 7), 8, &addr),
			0);
	KUNIT_EXPECT_EQ(test, mether_decode_offset(VIEW_OFFSET(0, 8), 8, &addr),
			-ERANGE);
	KUNIT_EXPECT_EQ(test,
			mether_decode_offset(VIEW_OFFSET(METHER_VIEW_SHORT_DATA,
							 8), 8, &addr),
			-ERANGE);
	/* The last page of a view must not spill into the next view. */
	KUNIT_EXPECT_EQ(test, mether_decode_offset(METHER_VIEW_SPAN - 1,
						   METHER_MAX_PAGES(PAGE_SIZE),
						   &addr), 0);
	KUNIT_EXPECT_EQ(test, addr.page, METHER_MAX_PAGES(PAGE_SIZE) - 1);
	KUNIT_EXPECT_EQ(test, addr.subset, METHER_SUBSET_FULL);
}

static void mether_view_rejects_reserved_subsets(struct kunit *test)
{
	struct mether_addr addr;
	unsigned int view;

	for (view = 0; view < METHER_VIEWS; view++) {
		int want = (view & METHER_VIEW_SUBSET_MASK) > 1 ?
			   -EOPNOTSUPP : 0;

		KUNIT_EXPECT_EQ(test,
				mether_decode_offset(VIEW_OFFSET(view, 0), 1,
						     &addr), want);
	}
}

static void mether_view_rejects_offset_beyond_views(struct kunit *test)
{
	struct mether_addr addr;

	KUNIT_EXPECT_EQ(test, mether_decode_offset(METHER_SPACE_SIZE, 1, &addr),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, mether_decode_offset(U64_MAX, 1, &addr), -EINVAL);
}

static void mether_view_subset_sizes(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, mether_subset_bytes(METHER_SUBSET_FULL),
			(size_t)PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, mether_subset_bytes(METHER_SUBSET_SHORT),
			(size_t)32);
	KUNIT_EXPECT_EQ(test, mether_subset_bytes(2), (size_t)0);
	KUNIT_EXPECT_EQ(test, mether_subset_bytes(3), (size_t)0);
}

static void mether_view_mapping_ranges(struct kunit *test)
{
	/* The whole space read-only; the demand half writeable. */
	KUNIT_EXPECT_EQ(test, mether_check_mapping(0, METHER_SPACE_SIZE, false),
			0);
	KUNIT_EXPECT_EQ(test,
			mether_check_mapping(0, METHER_CONSISTENT_SIZE, true),
			0);
	/* The consistent copy is demand-driven only. */
	KUNIT_EXPECT_EQ(test, mether_check_mapping(0, METHER_SPACE_SIZE, true),
			-EACCES);
	KUNIT_EXPECT_EQ(test,
			mether_check_mapping(VIEW_OFFSET(METHER_VIEW_FULL_DATA,
							 0), PAGE_SIZE, true),
			-EACCES);
	KUNIT_EXPECT_EQ(test,
			mether_check_mapping(METHER_CONSISTENT_SIZE - PAGE_SIZE,
					     2 * PAGE_SIZE, true), -EACCES);
	/* Shapes no mapping can have. */
	KUNIT_EXPECT_EQ(test, mether_check_mapping(0, 0, false), -EINVAL);
	KUNIT_EXPECT_EQ(test, mether_check_mapping(1, PAGE_SIZE, false),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, mether_check_mapping(0, PAGE_SIZE + 1, false),
			-EINVAL);
	KUNIT_EXPECT_EQ(test,
			mether_check_mapping(METHER_SPACE_SIZE, PAGE_SIZE,
					     false), -EINVAL);
	KUNIT_EXPECT_EQ(test,
			mether_check_mapping(PAGE_SIZE, METHER_SPACE_SIZE,
					     false), -EINVAL);
	/* An offset whose end wraps around must not pass. */
	KUNIT_EXPECT_EQ(test,
			mether_check_mapping(PAGE_SIZE, U64_MAX & PAGE_MASK,
					     false), -EINVAL);
}

static struct kunit_case mether_view_cases[] = {
	KUNIT_CASE(mether_view_decodes_every_view),
	KUNIT_CASE(mether_view_rejects_page_beyond_space),
	KUNIT_CASE(mether_view_rejects_reserved_subsets),
	KUNIT_CASE(mether_view_rejects_offset_beyond_views),
	KUNIT_CASE(mether_view_subset_sizes),
	KUNIT_CASE(mether_view_mapping_ranges),
	{}
};

static struct kunit_suite mether_view_suite = {
	.name = "mether_view",
	.test_cases = mether_view_cases,
};

kunit_test_suite(mether_view_suite);
