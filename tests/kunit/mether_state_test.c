// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite mether_state: every cell of the paper's Figure 1.
 *
 * "Subset" cases act on the full page and check what happens to the short
 * page it contains; "superset" cases act on the short page and check what
 * happens to the full page that contains it.
 */
#include <kunit/test.h>
#include <linux/mether.h>

#include "../../mether_state.h"

#define FULL	METHER_SUBSET_BIT(METHER_SUBSET_FULL)
#define SHORT	METHER_SUBSET_BIT(METHER_SUBSET_SHORT)
#define BOTH	(FULL | SHORT)

static void mether_state_nesting(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, mether_subsets_of(METHER_SUBSET_FULL), BOTH);
	KUNIT_EXPECT_EQ(test, mether_subsets_of(METHER_SUBSET_SHORT), SHORT);
	KUNIT_EXPECT_EQ(test, mether_supersets_of(METHER_SUBSET_FULL), 0U);
	KUNIT_EXPECT_EQ(test, mether_supersets_of(METHER_SUBSET_SHORT), FULL);
}

/* Mapping a page in: all subsets must be present. */
static void mether_state_map_subsets(struct kunit *test)
{
	struct mether_copy_state st = { .present = FULL };

	KUNIT_EXPECT_FALSE(test, mether_state_can_map(&st, METHER_SUBSET_FULL));
	st.present = BOTH;
	KUNIT_EXPECT_TRUE(test, mether_state_can_map(&st, METHER_SUBSET_FULL));
}

/* Mapping a page in: supersets need not be present. */
static void mether_state_map_supersets(struct kunit *test)
{
	struct mether_copy_state st = { .present = SHORT };

	KUNIT_EXPECT_TRUE(test, mether_state_can_map(&st, METHER_SUBSET_SHORT));
	st.present = 0;
	KUNIT_EXPECT_FALSE(test,
			   mether_state_can_map(&st, METHER_SUBSET_SHORT));
}

/* Page-in from the network: all subsets paged in. */
static void mether_state_page_in_subsets(struct kunit *test)
{
	struct mether_copy_state st = { .wanted = BOTH };

	mether_state_page_in(&st, METHER_SUBSET_FULL, 9);
	KUNIT_EXPECT_EQ(test, st.present, (u8)BOTH);
	KUNIT_EXPECT_EQ(test, st.wanted, (u8)0);
	KUNIT_EXPECT_EQ(test, st.version, 9ULL);
}

/* Page-in from the network: no supersets paged in. */
static void mether_state_page_in_supersets(struct kunit *test)
{
	struct mether_copy_state st = { .wanted = BOTH };

	mether_state_page_in(&st, METHER_SUBSET_SHORT, 4);
	KUNIT_EXPECT_EQ(test, st.present, (u8)SHORT);
	KUNIT_EXPECT_EQ(test, st.wanted, (u8)FULL);
	KUNIT_EXPECT_EQ(test, st.version, 4ULL);
}

/* Page-out: all subsets paged out. */
static void mether_state_page_out_subsets(struct kunit *test)
{
	struct mether_copy_state st = { .present = BOTH };
	unsigned int unmap;

	KUNIT_EXPECT_EQ(test,
			mether_state_page_out(&st, METHER_SUBSET_FULL, &unmap),
			0);
	KUNIT_EXPECT_EQ(test, st.present, (u8)0);
	KUNIT_EXPECT_EQ(test, unmap, BOTH);
}

/* Page-out: supersets left paged in but unmapped. */
static void mether_state_page_out_supersets(struct kunit *test)
{
	struct mether_copy_state st = { .present = BOTH };
	unsigned int unmap;

	KUNIT_EXPECT_EQ(test,
			mether_state_page_out(&st, METHER_SUBSET_SHORT, &unmap),
			0);
	KUNIT_EXPECT_EQ(test, st.present, (u8)FULL);
	KUNIT_EXPECT_EQ(test, unmap, BOTH);
	/* The full page stays, but cannot be mapped without its short page. */
	KUNIT_EXPECT_FALSE(test, mether_state_can_map(&st, METHER_SUBSET_FULL));
}

/* A locked page never leaves the host. */
static void mether_state_page_out_locked(struct kunit *test)
{
	struct mether_copy_state st = { .present = BOTH, .locked = SHORT };
	unsigned int unmap;

	KUNIT_EXPECT_EQ(test,
			mether_state_page_out(&st, METHER_SUBSET_FULL, &unmap),
			-EBUSY);
	KUNIT_EXPECT_EQ(test, st.present, (u8)BOTH);
}

/* Lock: all subsets present, then all are locked. */
static void mether_state_lock_subsets(struct kunit *test)
{
	struct mether_copy_state st = { .present = BOTH };
	unsigned int unmap;

	KUNIT_EXPECT_EQ(test, mether_state_lock(&st, METHER_SUBSET_FULL, &unmap),
			0);
	KUNIT_EXPECT_EQ(test, st.locked, (u8)BOTH);
	KUNIT_EXPECT_EQ(test, unmap, 0U);
	/* Locking twice fails and changes nothing. */
	KUNIT_EXPECT_EQ(test, mether_state_lock(&st, METHER_SUBSET_FULL, &unmap),
			-EBUSY);
	KUNIT_EXPECT_EQ(test, mether_state_unlock(&st, METHER_SUBSET_FULL), 0);
	KUNIT_EXPECT_EQ(test, st.locked, (u8)0);
	KUNIT_EXPECT_EQ(test, mether_state_unlock(&st, METHER_SUBSET_FULL),
			-EINVAL);
}

/* Lock: a missing subset fails the lock and is marked wanted. */
static void mether_state_lock_subsets_missing(struct kunit *test)
{
	struct mether_copy_state st = { .present = FULL };
	unsigned int unmap;

	KUNIT_EXPECT_EQ(test, mether_state_lock(&st, METHER_SUBSET_FULL, &unmap),
			-EAGAIN);
	KUNIT_EXPECT_EQ(test, st.locked, (u8)0);
	KUNIT_EXPECT_EQ(test, st.wanted, (u8)SHORT);
}

/* Lock: no supersets locked; all unmapped; missing ones marked wanted. */
static void mether_state_lock_supersets(struct kunit *test)
{
	struct mether_copy_state st = { .present = SHORT };
	unsigned int unmap;

	KUNIT_EXPECT_EQ(test,
			mether_state_lock(&st, METHER_SUBSET_SHORT, &unmap), 0);
	KUNIT_EXPECT_EQ(test, st.locked, (u8)SHORT);
	KUNIT_EXPECT_EQ(test, unmap, FULL);
	KUNIT_EXPECT_EQ(test, st.wanted, (u8)FULL);

	st = (struct mether_copy_state){ .present = BOTH };
	KUNIT_EXPECT_EQ(test,
			mether_state_lock(&st, METHER_SUBSET_SHORT, &unmap), 0);
	KUNIT_EXPECT_EQ(test, st.locked, (u8)SHORT);
	KUNIT_EXPECT_EQ(test, unmap, FULL);
	KUNIT_EXPECT_EQ(test, st.wanted, (u8)0);
	/* Unlocking the full page of a locked short page is an error. */
	KUNIT_EXPECT_EQ(test, mether_state_unlock(&st, METHER_SUBSET_FULL),
			-EINVAL);
}

/* Page fault: all subsets must be present; missing ones become wanted. */
static void mether_state_fault_subsets(struct kunit *test)
{
	struct mether_copy_state st = { .present = FULL };

	KUNIT_EXPECT_EQ(test, mether_state_fault(&st, METHER_SUBSET_FULL),
			-EAGAIN);
	KUNIT_EXPECT_EQ(test, st.wanted, (u8)SHORT);
	st.present = BOTH;
	KUNIT_EXPECT_EQ(test, mether_state_fault(&st, METHER_SUBSET_FULL), 0);
}

/* Page fault: supersets need not be present. */
static void mether_state_fault_supersets(struct kunit *test)
{
	struct mether_copy_state st = { .present = SHORT };

	KUNIT_EXPECT_EQ(test, mether_state_fault(&st, METHER_SUBSET_SHORT), 0);
	KUNIT_EXPECT_EQ(test, st.wanted, (u8)0);
	st.present = 0;
	KUNIT_EXPECT_EQ(test, mether_state_fault(&st, METHER_SUBSET_SHORT),
			-EAGAIN);
	KUNIT_EXPECT_EQ(test, st.wanted, (u8)SHORT);
}

/* Purge: all subsets purged. */
static void mether_state_purge_subsets(struct kunit *test)
{
	struct mether_copy_state st = { .present = BOTH, .version = 3 };
	unsigned int unmap;

	KUNIT_EXPECT_EQ(test,
			mether_state_purge(&st, METHER_SUBSET_FULL, &unmap), 0);
	KUNIT_EXPECT_EQ(test, st.present, (u8)0);
	KUNIT_EXPECT_EQ(test, unmap, BOTH);
	KUNIT_EXPECT_EQ(test, st.version, 3ULL);
}

/* Purge: supersets are not affected. */
static void mether_state_purge_supersets(struct kunit *test)
{
	struct mether_copy_state st = { .present = BOTH };
	unsigned int unmap;

	KUNIT_EXPECT_EQ(test,
			mether_state_purge(&st, METHER_SUBSET_SHORT, &unmap), 0);
	KUNIT_EXPECT_EQ(test, st.present, (u8)FULL);
	KUNIT_EXPECT_EQ(test, unmap, SHORT);
}

static void mether_state_purge_locked(struct kunit *test)
{
	struct mether_copy_state st = { .present = BOTH, .locked = BOTH };
	unsigned int unmap;

	KUNIT_EXPECT_EQ(test,
			mether_state_purge(&st, METHER_SUBSET_SHORT, &unmap),
			-EBUSY);
	KUNIT_EXPECT_EQ(test, st.present, (u8)BOTH);
}

static struct kunit_case mether_state_cases[] = {
	KUNIT_CASE(mether_state_nesting),
	KUNIT_CASE(mether_state_map_subsets),
	KUNIT_CASE(mether_state_map_supersets),
	KUNIT_CASE(mether_state_page_in_subsets),
	KUNIT_CASE(mether_state_page_in_supersets),
	KUNIT_CASE(mether_state_page_out_subsets),
	KUNIT_CASE(mether_state_page_out_supersets),
	KUNIT_CASE(mether_state_page_out_locked),
	KUNIT_CASE(mether_state_lock_subsets),
	KUNIT_CASE(mether_state_lock_subsets_missing),
	KUNIT_CASE(mether_state_lock_supersets),
	KUNIT_CASE(mether_state_fault_subsets),
	KUNIT_CASE(mether_state_fault_supersets),
	KUNIT_CASE(mether_state_purge_subsets),
	KUNIT_CASE(mether_state_purge_supersets),
	KUNIT_CASE(mether_state_purge_locked),
	{}
};

static struct kunit_suite mether_state_suite = {
	.name = "mether_state",
	.test_cases = mether_state_cases,
};

kunit_test_suite(mether_state_suite);
