// SPDX-License-Identifier: GPL-2.0
/*
 * Mether: PURGE, DO_PURGE and page locks (paper, "User Driven Page
 * Propagation" and Figure 1).
 *
 * PURGE of a read-only page drops this host's inconsistent copy: every
 * process's views of it are unmapped, and the next access faults.
 * Through a data-driven view, a copy that came since any process last
 * mapped the page is the next copy the caller asks to wait for, and
 * stays.
 *
 * PURGE of a writeable page marks it purge pending; with the in-kernel
 * server on, the caller then publishes the consistent copy itself,
 * otherwise it sleeps until a privileged user-level server says
 * DO_PURGE. Both end in mether_do_purge().
 */
#include <linux/mm.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/uaccess.h>

#include "mether_fault.h"
#include "mether_purge.h"
#include "mether_segment.h"
#include "mether_send.h"
#include "mether_trace.h"
#include "mether_work.h"

/* Where a user address lands in the space. */
struct mether_target {
	struct mether_page *mp;
	u64 page;
	unsigned int subset;
	bool inconsistent;
	bool data_driven;
};

/* Resolve @uaddr, which must lie in one of the caller's mappings of @space. */
static int mether_resolve(struct mether_space *space, u64 uaddr,
			  struct mether_target *t)
{
	struct mm_struct *mm = current->mm;
	struct mether_addr addr;
	int ret;

	if (!PAGE_ALIGNED(uaddr))
		return -EINVAL;
	if (uaddr > TASK_SIZE_MAX)
		return -ENOMEM;

	mmap_read_lock(mm);
	ret = mether_vma_addr(space, vma_lookup(mm, uaddr), uaddr, &addr,
			      &t->inconsistent);
	mmap_read_unlock(mm);
	if (ret)
		return ret;

	t->page = addr.page;
	t->subset = addr.subset;
	t->data_driven = addr.data_driven;
	t->mp = &space->page[addr.page];
	return 0;
}

/**
 * mether_do_purge() - complete every pending PURGE of a page
 * @space: the space
 * @page: page number
 *
 * Publishes the consistent copy (to this host's inconsistent copy) and
 * wakes the PURGEs that asked before the copy was taken.
 *
 * Return: 0; -ENOENT when no PURGE is pending; -ENOMEM.
 */
int mether_do_purge(struct mether_space *space, u64 page)
{
	struct mether_page *mp = &space->page[page];
	unsigned int subset;
	u32 upto;
	int ret;

	spin_lock(&mp->lock);
	upto = mp->purge_requested;
	subset = mp->purge_subsets & METHER_SUBSET_BIT(METHER_SUBSET_FULL) ?
		 METHER_SUBSET_FULL : METHER_SUBSET_SHORT;
	ret = mether_purge_pending(mp) ? 0 : -ENOENT;
	spin_unlock(&mp->lock);
	if (ret)
		return ret;

	/*
	 * A copy that moved away or an inconsistent copy that is locked
	 * still completes the PURGE: the caller asked to publish what it
	 * held, not to wait for the page to come back.
	 */
	ret = mether_publish(space, page, subset);
	if (ret == -ENOMEM)
		return ret;

	spin_lock(&mp->lock);
	if ((s32)(upto - mp->purge_done) > 0)
		mp->purge_done = upto;
	if (!mether_purge_pending(mp))
		mp->purge_subsets = 0;
	spin_unlock(&mp->lock);
	wake_up_all(&space->wait);
	return 0;
}

static bool mether_purge_done(struct mether_page *mp, u32 ticket)
{
	bool done;

	spin_lock(&mp->lock);
	done = (s32)(mp->purge_done - ticket) >= 0;
	spin_unlock(&mp->lock);
	return done;
}

static int mether_purge_consistent(struct mether_space *space,
				   struct mether_target *t)
{
	struct mether_page *mp = t->mp;
	u32 ticket;

	spin_lock(&mp->lock);
	if (!mether_state_can_map(&mp->consistent, t->subset)) {
		/* Not held here: there is nothing of ours to publish. */
		spin_unlock(&mp->lock);
		return 0;
	}
	ticket = ++mp->purge_requested;
	mp->purge_subsets |= METHER_SUBSET_BIT(t->subset);
	spin_unlock(&mp->lock);

	/*
	 * The in-kernel server would publish from a kworker and wake us:
	 * publishing here spares an increment two context switches. Only
	 * when there is no memory for the copy is the server left to try.
	 */
	if (READ_ONCE(mether_kernel_server) &&
	    mether_do_purge(space, t->page) == -ENOMEM)
		mether_server_kick(space, mp);
	if (wait_event_killable(space->wait, mether_purge_done(mp, ticket)))
		return -EINTR;
	return 0;
}

/*
 * A PURGE through a data-driven view asks to wait for the next copy that
 * comes by. One that came, whole for @subset, after every process last
 * mapped the page is that next copy: dropping it would only make the
 * wait longer. (In the final protocol the other host's answer can arrive
 * between the loss and the PURGE; dropped, the data-driven fault waited
 * for a publication that never came, and asked only after
 * data_driven_timeout_ms, about one increment in 250 on two stock
 * guests.) A demand view's PURGE still drops the copy, so the next
 * access asks the holder for the newest. Under @mp->lock.
 */
static bool mether_purge_unseen(struct mether_page *mp,
				const struct mether_target *t)
{
	unsigned int need = mether_subsets_of(t->subset);

	return t->data_driven && !mp->inconsistent.locked &&
	       mether_state_can_map(&mp->inconsistent, t->subset) &&
	       (mp->inconsistent_unseen & need) == need;
}

static int mether_purge_inconsistent(struct mether_space *space,
				     struct mether_target *t)
{
	struct mether_page *mp = t->mp;
	unsigned int unmap = 0;
	int ret = 0;

	down_write(&space->map_sem);
	spin_lock(&mp->lock);
	if (!mether_purge_unseen(mp, t)) {
		ret = mether_state_purge(&mp->inconsistent, t->subset, &unmap);
		if (!ret)
			mp->inconsistent_unseen &= ~mether_subsets_of(t->subset);
	}
	spin_unlock(&mp->lock);
	if (unmap)
		mether_unmap_views(space, t->page, true, unmap);
	up_write(&space->map_sem);
	return ret;
}

/* A range's shape as METHER_IOC_PURGE takes it: pages, not empty, no wrap. */
static bool mether_range_valid(const struct mether_range *range)
{
	return range->len && PAGE_ALIGNED(range->len) &&
	       range->addr + range->len > range->addr;
}

/*
 * PURGE every page of @range, in order; on an error the pages before it
 * stay purged.
 */
static int mether_purge_range(struct mether_space *space,
			      const struct mether_range *range)
{
	struct mether_target t;
	u64 addr;
	int ret;

	for (addr = range->addr; addr < range->addr + range->len;
	     addr += PAGE_SIZE) {
		/* A range may span a million pages: let a killed caller go. */
		if (fatal_signal_pending(current))
			return -EINTR;
		cond_resched();
		ret = mether_resolve(space, addr, &t);
		if (ret)
			return ret;
		atomic64_inc(&space->purges[t.inconsistent]);
		if (t.inconsistent)
			ret = mether_purge_inconsistent(space, &t);
		else
			ret = mether_purge_consistent(space, &t);
		trace_mether_purge(t.page, t.subset, !t.inconsistent, ret);
		if (ret)
			return ret;
	}
	return 0;
}

/**
 * mether_ioctl_purge() - METHER_IOC_PURGE
 * @space: the caller's space
 * @arg: a struct mether_range in the caller's mappings
 *
 * Pages are purged in order; on an error the pages before it stay purged.
 *
 * Return: 0; -EFAULT; -EINVAL for an unaligned or empty range; -ENOMEM
 * for a range not wholly in mappings of this space; -EBUSY for a locked
 * inconsistent page; -EINTR when killed (between pages, or while
 * waiting).
 */
long mether_ioctl_purge(struct mether_space *space,
			const struct mether_range __user *arg)
{
	struct mether_range range;

	if (copy_from_user(&range, arg, sizeof(range)))
		return -EFAULT;
	if (!mether_range_valid(&range))
		return -EINVAL;
	return mether_purge_range(space, &range);
}

/* Where METHER_IOC_WAIT and METHER_IOC_PURGE_WAIT wait: a read-only view. */
static int mether_resolve_wait(struct mether_space *space, u64 uaddr,
			       struct mether_target *t)
{
	int ret = mether_resolve(space, uaddr, t);

	if (ret)
		return ret;
	return t->inconsistent ? 0 : -EINVAL;
}

/**
 * mether_ioctl_wait() - METHER_IOC_WAIT
 * @space: the caller's space
 * @arg: a struct mether_wait
 *
 * The paper's reader PURGEs and then touches a data-driven view; this is
 * the touch, for callers that want an error instead of SIGBUS.
 *
 * Return: as mether_fetch(); -EFAULT; -EINVAL for an unaligned address,
 * one in a writeable mapping, or a reserved field set; -ENOMEM for an
 * address in no mapping of this space.
 */
long mether_ioctl_wait(struct mether_space *space,
		       const struct mether_wait __user *arg)
{
	struct mether_target t;
	struct mether_wait w;
	int ret;

	if (copy_from_user(&w, arg, sizeof(w)))
		return -EFAULT;
	if (w.reserved)
		return -EINVAL;
	ret = mether_resolve_wait(space, w.addr, &t);
	if (ret)
		return ret;
	return mether_fetch(space, t.page, t.subset, t.data_driven,
			    msecs_to_jiffies(w.timeout_ms));
}

/**
 * mether_ioctl_purge_wait() - METHER_IOC_PURGE_WAIT
 * @space: the caller's space
 * @arg: a struct mether_purge_wait
 *
 * A turn of the paper's final protocol (publish the page written, drop
 * the stale copy of the page read, wait for its next version) costs one
 * system call, as a UDP ping-pong's send does, instead of two PURGEs and
 * a fault that waits and is retried (issue 16). The fields, the ranges'
 * shapes and the wait address are checked before anything is done; the
 * ranges' pages are resolved one by one as they are purged, as PURGE
 * does, since resolving every page first would cost the turn a second
 * walk of the caller's mappings.
 *
 * Return: 0; as METHER_IOC_PURGE for the ranges (what came before an
 * error took effect), then as METHER_IOC_WAIT; -EINVAL for a malformed
 * range, a wait address not in a read-only mapping, or a reserved field
 * set.
 */
long mether_ioctl_purge_wait(struct mether_space *space,
			     const struct mether_purge_wait __user *arg)
{
	struct mether_target wait = {};
	struct mether_purge_wait pw;
	struct mether_range *r;
	unsigned int i;
	int ret;

	if (copy_from_user(&pw, arg, sizeof(pw)))
		return -EFAULT;
	if (pw.reserved)
		return -EINVAL;
	for (i = 0; i < ARRAY_SIZE(pw.purge); i++) {
		r = &pw.purge[i];
		/* An unused range is all zero: room to grow. */
		if (r->len ? !mether_range_valid(r) || !PAGE_ALIGNED(r->addr) :
			     r->addr)
			return -EINVAL;
	}
	if (pw.timeout_ms) {
		ret = mether_resolve_wait(space, pw.wait, &wait);
		if (ret)
			return ret;
	} else if (pw.wait) {
		return -EINVAL;
	}

	for (i = 0; i < ARRAY_SIZE(pw.purge); i++) {
		if (!pw.purge[i].len)
			continue;
		ret = mether_purge_range(space, &pw.purge[i]);
		if (ret)
			return ret;
	}
	if (!pw.timeout_ms)
		return 0;
	ret = mether_fetch(space, wait.page, wait.subset, wait.data_driven,
			   msecs_to_jiffies(pw.timeout_ms));
	if (!ret) {
		struct mether_addr want = {
			.page = wait.page,
			.subset = wait.subset,
			.data_driven = wait.data_driven,
		};

		mether_map_waited(space, pw.wait, &want);
	}
	return ret;
}

/**
 * mether_ioctl_do_purge() - METHER_IOC_DO_PURGE, for servers
 * @space: the caller's space
 * @arg: a device offset naming the page (any view)
 *
 * The caller checked privilege (mether_ioctl()).
 *
 * Return: 0; -EFAULT; -EINVAL for an offset outside the space; -ENOENT
 * when no PURGE of the page is pending.
 */
long mether_ioctl_do_purge(struct mether_space *space, const u64 __user *arg)
{
	struct mether_addr addr;
	u64 offset;

	if (get_user(offset, arg))
		return -EFAULT;
	if (mether_decode_offset(offset, space->pages, &addr))
		return -EINVAL;
	return mether_do_purge(space, addr.page);
}

/**
 * mether_lock_copy() - lock or unlock one copy of a page for a file
 * @space: the space
 * @mp: the page, locked by the caller
 * @inconsistent: which copy
 * @subset: the subset named
 * @file: the file asking; it owns the lock
 * @lock: lock, or unlock
 * @unmap: set to the subsets whose views must be unmapped
 *
 * A copy is locked by one file at a time, even in part: after a partial
 * unlock its owner may lock the rest again, another file may not (its
 * lock would take the copy's owner away). Each copy with any subset
 * locked counts once in @space->locked_copies and in its owner's locks,
 * so a file that locked nothing is closed without a walk of the pages.
 *
 * Return: 0; -EBUSY when locked already, or by another file; -EAGAIN
 * when subsets are missing; -EINVAL to unlock what is not locked;
 * -EPERM to unlock another file's lock.
 */
int mether_lock_copy(struct mether_space *space, struct mether_page *mp,
		     bool inconsistent, unsigned int subset, struct file *file,
		     bool lock, unsigned int *unmap)
{
	struct mether_copy_state *copy = inconsistent ? &mp->inconsistent :
						       &mp->consistent;
	struct file **locker = inconsistent ? &mp->inconsistent_locker :
					      &mp->consistent_locker;
	struct mether_file *mf = file->private_data;
	int ret;

	*unmap = 0;
	if (lock) {
		if (copy->locked && *locker != file)
			return -EBUSY;
		ret = mether_state_lock(copy, subset, unmap);
		if (ret || *locker)
			return ret;
		*locker = file;
		atomic_inc(&mf->locks);
		atomic_inc(&space->locked_copies);
		return 0;
	}
	if (copy->locked && *locker != file)
		return -EPERM;
	ret = mether_state_unlock(copy, subset);
	if (ret || copy->locked)
		return ret;
	*locker = NULL;
	atomic_dec(&mf->locks);
	atomic_dec(&space->locked_copies);
	return 0;
}

/**
 * mether_ioctl_lock() - METHER_IOC_LOCK and METHER_IOC_UNLOCK
 * @file: the caller's open /dev/mether; it owns the lock
 * @arg: the address of a page (and view) in the caller's mappings
 * @lock: lock, or unlock
 *
 * A lock on the writeable mapping pins the consistent copy to this host;
 * a lock on the read-only mapping pins the inconsistent copy (PURGE and
 * updates leave it alone). Locks go when the file is closed.
 *
 * Return: 0; -EFAULT; -EINVAL for an unaligned address, or unlocking a
 * page that is not locked; -ENOMEM for an address outside the caller's
 * mappings of this space; -EAGAIN when subsets are missing (they are
 * marked wanted, and the server fetches them); -EBUSY when already
 * locked, or locked by another file; -EPERM to unlock another file's
 * lock; -EACCES for a restricted file locking the directory page.
 */
long mether_ioctl_lock(struct file *file, const u64 __user *arg, bool lock)
{
	struct mether_space *space = mether_file_space(file);
	struct mether_target t;
	unsigned int unmap;
	u64 uaddr;
	int ret;

	if (get_user(uaddr, arg))
		return -EFAULT;
	ret = mether_resolve(space, uaddr, &t);
	if (ret)
		return ret;
	/*
	 * A lock on the directory page would freeze it for every local
	 * user: only a file that may map the whole space may take one.
	 */
	if (lock && t.page == METHER_DIRECTORY_PAGE &&
	    ((struct mether_file *)file->private_data)->restricted)
		return -EACCES;

	down_write(&space->map_sem);
	spin_lock(&t.mp->lock);
	ret = mether_lock_copy(space, t.mp, t.inconsistent, t.subset, file,
			       lock, &unmap);
	spin_unlock(&t.mp->lock);
	if (unmap)
		mether_unmap_views(space, t.page, t.inconsistent, unmap);
	up_write(&space->map_sem);

	if (ret == -EAGAIN && t.inconsistent)
		mether_server_kick(space, t.mp);
	return ret;
}

/**
 * mether_unlock_all() - drop every lock a closing file holds
 * @file: the file being released
 *
 * Return: the pages looked at; none when the file holds no lock.
 */
u64 mether_unlock_all(struct file *file)
{
	struct mether_file *mf = file->private_data;
	struct mether_space *space = mf->space;
	u64 i;

	/* Most files never lock: spare them a walk over every page. */
	for (i = 0; i < space->pages && atomic_read(&mf->locks); i++) {
		struct mether_page *mp = &space->page[i];

		spin_lock(&mp->lock);
		if (mp->consistent_locker == file) {
			mp->consistent.locked = 0;
			mp->consistent_locker = NULL;
			atomic_dec(&mf->locks);
			atomic_dec(&space->locked_copies);
		}
		if (mp->inconsistent_locker == file) {
			mp->inconsistent.locked = 0;
			mp->inconsistent_locker = NULL;
			atomic_dec(&mf->locks);
			atomic_dec(&space->locked_copies);
		}
		spin_unlock(&mp->lock);
	}
	return i;
}
