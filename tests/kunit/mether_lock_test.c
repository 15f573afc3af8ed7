// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite mether_lock: who holds a page's lock, and the counts of
 * locked copies, through partial unlocks by two files and their release.
 */
#include <kunit/test.h>
#include <linux/fs.h>
#include <linux/mether.h>

#include "../../mether_purge.h"
#include "../../mether_segment.h"

#define PAGES	4
#define FULL	METHER_SUBSET_FULL
#define SHORT	METHER_SUBSET_SHORT

struct mether_lock_fixture {
	struct mether_space space;
	struct mether_file mf[2];
	struct file file[2];
};

static int mether_lock_init(struct kunit *test)
{
	struct mether_lock_fixture *f;
	int i;

	f = kunit_kzalloc(test, sizeof(*f), GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, f);
	f->space.page = kunit_kcalloc(test, PAGES, sizeof(*f->space.page),
				      GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, f->space.page);
	f->space.pages = PAGES;
	for (i = 0; i < PAGES; i++) {
		spin_lock_init(&f->space.page[i].lock);
		f->space.page[i].consistent.present = METHER_ALL_SUBSETS;
		f->space.page[i].inconsistent.present = METHER_ALL_SUBSETS;
	}
	for (i = 0; i < 2; i++) {
		f->mf[i].space = &f->space;
		f->file[i].private_data = &f->mf[i];
	}
	test->priv = f;
	return 0;
}

static int lock_copy(struct kunit *test, int file, u64 page,
		     bool inconsistent, unsigned int subset, bool lock)
{
	struct mether_lock_fixture *f = test->priv;
	struct mether_page *mp = &f->space.page[page];
	unsigned int unmap;
	int ret;

	spin_lock(&mp->lock);
	ret = mether_lock_copy(&f->space, mp, inconsistent, subset,
			       &f->file[file], lock, &unmap);
	spin_unlock(&mp->lock);
	return ret;
}

static int copies(struct kunit *test)
{
	struct mether_lock_fixture *f = test->priv;

	return atomic_read(&f->space.locked_copies);
}

static int locks_of(struct kunit *test, int file)
{
	struct mether_lock_fixture *f = test->priv;

	return atomic_read(&f->mf[file].locks);
}

/*
 * File 0 locks the page, then unlocks its short subset: the page is still
 * locked (its full subset), and still file 0's. File 1 may not lock the
 * short subset then: it would take the lock's owner away, and the count
 * would no longer match.
 */
static void mether_lock_partial_unlock(struct kunit *test)
{
	struct mether_lock_fixture *f = test->priv;

	KUNIT_EXPECT_EQ(test, lock_copy(test, 0, 1, false, FULL, true), 0);
	KUNIT_EXPECT_EQ(test, copies(test), 1);
	KUNIT_EXPECT_EQ(test, lock_copy(test, 0, 1, false, SHORT, false), 0);
	KUNIT_EXPECT_EQ(test, copies(test), 1);

	KUNIT_EXPECT_EQ(test, lock_copy(test, 1, 1, false, SHORT, true),
			-EBUSY);
	KUNIT_EXPECT_PTR_EQ(test, f->space.page[1].consistent_locker,
			    &f->file[0]);
	KUNIT_EXPECT_EQ(test, lock_copy(test, 1, 1, false, FULL, false),
			-EPERM);
	KUNIT_EXPECT_EQ(test, copies(test), 1);
	KUNIT_EXPECT_EQ(test, locks_of(test, 1), 0);

	/* Its owner may lock the short subset again: still one copy. */
	KUNIT_EXPECT_EQ(test, lock_copy(test, 0, 1, false, SHORT, true), 0);
	KUNIT_EXPECT_EQ(test, copies(test), 1);
	KUNIT_EXPECT_EQ(test, locks_of(test, 0), 1);
	KUNIT_EXPECT_EQ(test, lock_copy(test, 0, 1, false, FULL, false), 0);
	KUNIT_EXPECT_EQ(test, f->space.page[1].consistent.locked, (u8)0);
	KUNIT_EXPECT_PTR_EQ(test, f->space.page[1].consistent_locker,
			    (struct file *)NULL);
	KUNIT_EXPECT_EQ(test, copies(test), 0);
	KUNIT_EXPECT_EQ(test, locks_of(test, 0), 0);

	/* Unlocked for good: the other file may have it now. */
	KUNIT_EXPECT_EQ(test, lock_copy(test, 1, 1, false, SHORT, true), 0);
	KUNIT_EXPECT_EQ(test, copies(test), 1);
	KUNIT_EXPECT_EQ(test, lock_copy(test, 1, 1, false, SHORT, false), 0);
	KUNIT_EXPECT_EQ(test, copies(test), 0);
	KUNIT_EXPECT_EQ(test, locks_of(test, 1), 0);
}

/* Both files take turns on both copies; the counts follow every step. */
static void mether_lock_two_files(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, lock_copy(test, 0, 2, true, FULL, true), 0);
	KUNIT_EXPECT_EQ(test, lock_copy(test, 1, 2, false, FULL, true), 0);
	KUNIT_EXPECT_EQ(test, lock_copy(test, 1, 2, false, SHORT, false), 0);
	KUNIT_EXPECT_EQ(test, lock_copy(test, 0, 2, false, SHORT, true),
			-EBUSY);
	KUNIT_EXPECT_EQ(test, lock_copy(test, 0, 2, true, SHORT, false), 0);
	KUNIT_EXPECT_EQ(test, lock_copy(test, 1, 2, true, SHORT, true),
			-EBUSY);
	KUNIT_EXPECT_EQ(test, copies(test), 2);
	KUNIT_EXPECT_EQ(test, locks_of(test, 0), 1);
	KUNIT_EXPECT_EQ(test, locks_of(test, 1), 1);
	KUNIT_EXPECT_EQ(test, lock_copy(test, 0, 2, true, FULL, false), 0);
	KUNIT_EXPECT_EQ(test, lock_copy(test, 1, 2, false, FULL, false), 0);
	KUNIT_EXPECT_EQ(test, copies(test), 0);
	KUNIT_EXPECT_EQ(test, lock_copy(test, 1, 2, false, FULL, false),
			-EINVAL);
}

/*
 * Closing a file drops its locks alone, and costs nothing when it holds
 * none, even while another file holds some.
 */
static void mether_lock_release(struct kunit *test)
{
	struct mether_lock_fixture *f = test->priv;

	KUNIT_EXPECT_EQ(test, mether_unlock_all(&f->file[0]), 0ULL);
	KUNIT_EXPECT_EQ(test, lock_copy(test, 1, 3, false, FULL, true), 0);
	KUNIT_EXPECT_EQ(test, lock_copy(test, 1, 3, false, SHORT, false), 0);
	KUNIT_EXPECT_EQ(test, lock_copy(test, 0, 3, false, SHORT, true),
			-EBUSY);
	KUNIT_EXPECT_EQ(test, lock_copy(test, 0, 0, true, SHORT, true), 0);
	KUNIT_EXPECT_EQ(test, copies(test), 2);

	/* File 0's lock is on page 0: its walk ends there. */
	KUNIT_EXPECT_EQ(test, mether_unlock_all(&f->file[0]), 1ULL);
	KUNIT_EXPECT_EQ(test, copies(test), 1);
	KUNIT_EXPECT_EQ(test, f->space.page[0].inconsistent.locked, (u8)0);
	KUNIT_EXPECT_EQ(test, mether_unlock_all(&f->file[0]), 0ULL);

	KUNIT_EXPECT_EQ(test, mether_unlock_all(&f->file[1]), 4ULL);
	KUNIT_EXPECT_EQ(test, copies(test), 0);
	KUNIT_EXPECT_EQ(test, f->space.page[3].consistent.locked, (u8)0);
	KUNIT_EXPECT_PTR_EQ(test, f->space.page[3].consistent_locker,
			    (struct file *)NULL);
	KUNIT_EXPECT_EQ(test, mether_unlock_all(&f->file[1]), 0ULL);
}

static struct kunit_case mether_lock_cases[] = {
	KUNIT_CASE(mether_lock_partial_unlock),
	KUNIT_CASE(mether_lock_two_files),
	KUNIT_CASE(mether_lock_release),
	{}
};

static struct kunit_suite mether_lock_suite = {
	.name = "mether_lock",
	.init = mether_lock_init,
	.test_cases = mether_lock_cases,
};

kunit_test_suite(mether_lock_suite);
