// SPDX-License-Identifier: GPL-2.0
/*
 * Mether: a host's space, its pages, and the copies of each page.
 *
 * Every page has two copies on a host: the consistent copy (only on the
 * host that holds it; writeable mappings show it) and the inconsistent
 * copy (this host's last view of the page; read-only mappings show it).
 * Publishing a page makes a new inconsistent copy out of the consistent
 * one, with a new version; that is what a writeable PURGE and a fetch do.
 */
#include <linux/highmem.h>
#include <linux/mm.h>
#include <linux/memcontrol.h>
#include <linux/pseudo_fs.h>
#include <linux/random.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>

#include "mether_space.h"
#include "mether_wire.h"

#define METHER_FS_MAGIC	0x6d657468	/* "meth" */

/* Holds the inodes whose address_space the openers of a space share. */
static struct vfsmount *mether_mnt;

static int mether_fs_init_fs_context(struct fs_context *fc)
{
	return init_pseudo(fc, METHER_FS_MAGIC) ? 0 : -ENOMEM;
}

/*
 * No .owner: the module's own kern_mount() would then pin the module and
 * rmmod could never succeed. The mount ends in module exit.
 */
static struct file_system_type mether_fs_type = {
	.name = "mether",
	.init_fs_context = mether_fs_init_fs_context,
	.kill_sb = kill_anon_super,
};

int mether_fs_init(void)
{
	mether_mnt = kern_mount(&mether_fs_type);
	return PTR_ERR_OR_ZERO(mether_mnt);
}

void mether_fs_exit(void)
{
	kern_unmount(mether_mnt);
}

/**
 * mether_space_create() - a new space
 * @pages: number of pages
 * @creator: this host made the space and holds every page, zero-filled;
 *	a host that joins a space holds none
 *
 * Everything the space allocates, now and later, is charged to the
 * memory cgroup of the task that makes it (the opener, or whoever
 * brought the host up): its pages array here, and its frames wherever
 * they are allocated, even in the receive path (mether_alloc_frame()).
 *
 * The work items of the layers above the space (handoff retransmission,
 * reclaim answers, the server) are theirs to set up: the caller calls
 * mether_owner_init_space(), mether_reclaim_init_space() and
 * mether_server_init_space() before the space is used or put.
 *
 * Return: the space with one reference, or an ERR_PTR().
 */
struct mether_space *mether_space_create(u64 pages, bool creator)
{
	struct mether_space *space;
	u64 i;

	space = kzalloc(sizeof(*space), GFP_KERNEL_ACCOUNT);
	if (!space)
		return ERR_PTR(-ENOMEM);
	space->page = kvcalloc(pages, sizeof(*space->page),
			       GFP_KERNEL_ACCOUNT);
	if (!space->page)
		goto err_free_space;
	space->inode = alloc_anon_inode(mether_mnt->mnt_sb);
	if (IS_ERR(space->inode))
		goto err_free_pages;
	space->memcg = get_mem_cgroup_from_mm(current->mm);

	for (i = 0; i < pages; i++) {
		struct mether_page *mp = &space->page[i];

		spin_lock_init(&mp->lock);
		INIT_LIST_HEAD(&mp->server_entry);
		INIT_LIST_HEAD(&mp->handoff_entry);
		if (creator)
			mp->consistent.present = METHER_ALL_SUBSETS;
	}
	kref_init(&space->ref);
	space->pages = pages;
	init_rwsem(&space->map_sem);
	mutex_init(&space->link_lock);
	mutex_init(&space->rx_lock);
	/*
	 * From anywhere: an ACK recorded in an earlier life of a host
	 * echoes a number its handoffs of now are unlikely to carry.
	 */
	atomic_set(&space->handoff_seq, get_random_u32());
	mutex_init(&space->handoff_lock);
	INIT_LIST_HEAD(&space->handoffs);
	init_waitqueue_head(&space->wait);
	spin_lock_init(&space->server_lock);
	INIT_LIST_HEAD(&space->server_queue);
	spin_lock_init(&space->key_lock);
	mutex_init(&space->reclaim_mutex);
	spin_lock_init(&space->reclaim_lock);
	return space;

err_free_pages:
	kvfree(space->page);
err_free_space:
	kfree(space);
	return ERR_PTR(-ENOMEM);
}

static struct page *mether_alloc_frame_gfp(struct mether_space *space,
					   gfp_t gfp)
{
	struct mem_cgroup *old = set_active_memcg(space->memcg);
	struct page *frame;

	frame = alloc_page(GFP_HIGHUSER | __GFP_ACCOUNT | gfp);
	set_active_memcg(old);
	return frame;
}

/**
 * mether_alloc_frame() - a zeroed frame for one of @space's copies
 * @space: the space
 *
 * Charged to the space's memory cgroup, whichever task allocates it: a
 * fault, a PURGE, or the receive path on a peer's behalf. As a BPF map
 * does (bpf_map_kmalloc_node()), the charge goes through the active
 * memcg, so a peer that sends pages fills its victim's own cgroup, not
 * the machine.
 *
 * Return: the frame, or NULL.
 */
struct page *mether_alloc_frame(struct mether_space *space)
{
	return mether_alloc_frame_gfp(space, __GFP_ZERO);
}

/*
 * As mether_alloc_frame(), but not zeroed: for a copy that is written
 * whole at once. A publication or an arrival is mostly a whole page
 * copied over, so zeroing it first cost a second pass over the page on
 * the path every snooped copy takes (issue 16). It may be the space's
 * spare (mether_retire_frame()), which holds another page's copy, of a
 * segment the copy's readers may have no right to. So the callers must
 * write every byte before the frame is mapped or sent: that rule keeps
 * both the allocator's and other pages' data from leaking out.
 */
static struct page *mether_alloc_frame_unzeroed(struct mether_space *space)
{
	struct page *spare = xchg(&space->spare_frame, NULL);

	return spare ?: mether_alloc_frame_gfp(space, 0);
}

/*
 * Put the frame of an inconsistent copy just replaced, whose views are
 * unmapped: keep it as the space's spare for the next publication or
 * arrival when nothing else holds it. Every turn of the final protocol
 * and every page of a pipe takes a frame and gives one back, and
 * Debian's kernels zero every page they hand out whatever the caller
 * asks (CONFIG_INIT_ON_ALLOC_DEFAULT_ON): with the spare, an increment
 * of the final protocol took a quarter less time (bench/ab.sh, in
 * bench/results/latency.md).
 * A frame is kept only where put_page() would have freed it: its views
 * are unmapped, its page table entries held no reference
 * (mether_map_copy()), and no copy points at it, so nothing that reads
 * it can take a reference again (a stray lookup that takes one for an
 * instant reads nothing, and then the frame is simply put). It stays
 * charged to the space's cgroup. Not kept: a frame memory-failure
 * marked poisoned, which the allocator would never hand out again, nor
 * any frame when the administrator asked for freed memory to be cleared
 * (init_on_free), since the spare holds a copy's data.
 */
static void mether_retire_frame(struct mether_space *space,
				struct page *frame)
{
	if (page_ref_count(frame) == 1 && !PageHWPoison(frame) &&
	    !want_init_on_free() &&
	    !cmpxchg(&space->spare_frame, NULL, frame))
		return;
	put_page(frame);
}

static void mether_space_release(struct kref *ref)
{
	struct mether_space *space = container_of(ref, struct mether_space,
						  ref);
	u64 i;

	cancel_delayed_work_sync(&space->handoff_work);
	cancel_delayed_work_sync(&space->reclaim_work);
	for (i = 0; i < space->pages; i++) {
		struct mether_page *mp = &space->page[i];

		if (mp->consistent_frame)
			put_page(mp->consistent_frame);
		if (mp->inconsistent_frame)
			put_page(mp->inconsistent_frame);
		if (mp->handoff_frame)
			put_page(mp->handoff_frame);
		if (mp->tail_frame)
			put_page(mp->tail_frame);
		if (mp->tail_snapshot)
			put_page(mp->tail_snapshot);
	}
	if (space->spare_frame)
		put_page(space->spare_frame);
	iput(space->inode);
	mem_cgroup_put(space->memcg);
	kvfree(space->page);
	kfree_sensitive(space);	/* it holds the cluster key */
}

void mether_space_put(struct mether_space *space)
{
	kref_put(&space->ref, mether_space_release);
}

/**
 * mether_unmap_views() - unmap views of one copy of a page, everywhere
 * @space: the space, its map_sem held for writing
 * @page: page number
 * @inconsistent: which copy
 * @subsets: mask of the subsets whose views go
 *
 * Every process that has the views mapped faults on its next access.
 * Only views a fault mapped since they were last unmapped are walked:
 * most pages are seen through one or two of their eight views, and an
 * increment of the final protocol unmapped each page's views several
 * times (issue 16). A page table entry of a view comes only from a
 * fault or a METHER_IOC_PURGE_WAIT (mether_map_copy()), which notes the
 * view first under map_sem held for reading, or from fork() and mremap()
 * copying one that exists. Sleeps.
 */
void mether_unmap_views(struct mether_space *space, u64 page,
			bool inconsistent, unsigned int subsets)
{
	struct mether_page *mp = &space->page[page];
	loff_t base = inconsistent ? METHER_INCONSISTENT_BASE : 0;
	unsigned int view, views = 0;

	/* A fault that noted a view after the bits are read would be missed. */
	lockdep_assert_held_write(&space->map_sem);
	for (view = 0; view < METHER_VIEWS; view++)
		if (subsets & METHER_SUBSET_BIT(view & METHER_VIEW_SUBSET_MASK))
			views |= BIT(view);
	spin_lock(&mp->lock);
	views &= mp->mapped_views[inconsistent];
	mp->mapped_views[inconsistent] &= ~views;
	spin_unlock(&mp->lock);

	for (view = 0; view < METHER_VIEWS; view++) {
		if (!(views & BIT(view)))
			continue;
		unmap_mapping_range(space->inode->i_mapping,
				    base + ((loff_t)view << METHER_VIEW_SHIFT) +
				    ((loff_t)page << PAGE_SHIFT),
				    PAGE_SIZE, 1);
	}
}

/*
 * Fill @fresh, every byte of it (it is not zeroed), with the new
 * inconsistent copy of @subset. A page never written has no frame: it
 * reads as zeros.
 */
static void mether_copy_subset(struct page *fresh, struct mether_page *mp,
			       unsigned int subset)
{
	void *dst, *src;

	if (subset == METHER_SUBSET_FULL) {
		if (mp->consistent_frame)
			copy_highpage(fresh, mp->consistent_frame);
		else
			clear_highpage(fresh);
		return;
	}
	/* A short copy leaves the rest of the inconsistent page as it was. */
	if (mp->inconsistent_frame)
		copy_highpage(fresh, mp->inconsistent_frame);
	else
		clear_highpage(fresh);
	dst = kmap_local_page(fresh);
	if (mp->consistent_frame) {
		src = kmap_local_page(mp->consistent_frame);
		memcpy(dst, src, mether_subset_bytes(subset));
		kunmap_local(src);
	} else {
		memset(dst, 0, mether_subset_bytes(subset));
	}
	kunmap_local(dst);
}

/*
 * Make @fresh, filled by the caller, this host's inconsistent copy of
 * @subset at @version, under @mp->lock. Returns the old frame, which the
 * caller puts once the old views are unmapped.
 */
static struct page *mether_take_inconsistent(struct mether_page *mp,
					     struct page *fresh,
					     unsigned int subset, u64 version)
{
	struct page *old = mp->inconsistent_frame;

	mether_state_page_in(&mp->inconsistent, subset, version);
	/* A superset now holds parts that came earlier: not whole, not new. */
	mp->inconsistent_unseen = (mp->inconsistent_unseen &
				   ~mether_supersets_of(subset)) |
				  mether_subsets_of(subset);
	/* A copy came: asks that went unanswered before are over. */
	mp->any_asks.count = 0;
	mp->any_asks.given_up = false;
	mp->inconsistent_frame = fresh;
	return old;
}

/**
 * mether_space_publish() - make a new inconsistent copy from the consistent one
 * @space: the space
 * @page: page number
 * @subset: how much of the page the new copy carries
 * @versionp: set to the new copy's version
 *
 * The new copy gets the next version, replaces this host's inconsistent
 * copy (its old views are unmapped) and wakes everyone waiting on the
 * page. Sending it to the cluster is the caller's (mether_publish()). A
 * locked inconsistent copy is left alone.
 *
 * Return: the new copy's frame, with a reference for the caller;
 * ERR_PTR(-ENOENT) when this host does not hold the consistent copy;
 * ERR_PTR(-EBUSY) when the inconsistent copy is locked; ERR_PTR(-ENOMEM).
 */
struct page *mether_space_publish(struct mether_space *space, u64 page,
				  unsigned int subset, u64 *versionp)
{
	struct mether_page *mp = &space->page[page];
	struct page *fresh, *published = NULL;
	u64 version = 0;
	int ret = 0;

	fresh = mether_alloc_frame_unzeroed(space);
	if (!fresh)
		return ERR_PTR(-ENOMEM);

	down_write(&space->map_sem);
	spin_lock(&mp->lock);
	if (!mether_state_can_map(&mp->consistent, subset)) {
		ret = -ENOENT;
	} else if (mp->inconsistent.locked) {
		ret = -EBUSY;
	} else {
		mether_copy_subset(fresh, mp, subset);
		version = max(mp->consistent.version,
			      mp->inconsistent.version) + 1;
		mp->consistent.version = version;
		fresh = mether_take_inconsistent(mp, fresh, subset, version);
	}
	if (!ret) {
		published = mp->inconsistent_frame;
		get_page(published);
	}
	spin_unlock(&mp->lock);
	if (!ret)
		mether_unmap_views(space, page, true, METHER_ALL_SUBSETS);
	up_write(&space->map_sem);

	/* Unused, or the copy it replaced: either way ours to give back. */
	if (fresh)
		mether_retire_frame(space, fresh);
	if (ret)
		return ERR_PTR(ret);
	wake_up_all(&space->wait);
	*versionp = version;
	return published;
}

/**
 * mether_page_keep_tail() - remember the newest whole page seen here
 * @mp: the page, locked
 * @frame: a frame that is never written again, holding the whole page
 * @version: its version
 */
void mether_page_keep_tail(struct mether_page *mp, struct page *frame,
			   u64 version)
{
	if (mp->tail_frame && mp->tail_version >= version)
		return;
	get_page(frame);
	if (mp->tail_frame)
		put_page(mp->tail_frame);
	mp->tail_frame = frame;
	mp->tail_version = version;
}

/*
 * Fill @fresh, every byte of it (it is not zeroed), with the arriving
 * subset over the current copy; past the subset, with zeros where there
 * is no current copy.
 */
static void mether_fill_arrival(struct page *fresh, struct mether_page *mp,
				const struct mether_wire_msg *msg)
{
	bool over_old = msg->subset != METHER_SUBSET_FULL &&
			mp->inconsistent_frame;
	void *dst;

	if (over_old)
		copy_highpage(fresh, mp->inconsistent_frame);
	dst = kmap_local_page(fresh);
	memcpy(dst, msg->payload, msg->length);
	if (!over_old)
		memset(dst + msg->length, 0, PAGE_SIZE - msg->length);
	kunmap_local(dst);
}

/**
 * mether_page_arrived() - a copy of a page passed by on the network
 * @space: the space
 * @msg: a validated PAGE packet
 *
 * A copy newer than this host's inconsistent copy (or one that brings
 * subsets it lacks) replaces it and wakes everyone waiting on the page:
 * snooping, so no host has to ask for what passes by.
 *
 * Return: 0 when the copy was taken; -EALREADY for an older copy;
 * -EBUSY when the inconsistent copy is locked; -ENOMEM.
 */
int mether_page_arrived(struct mether_space *space,
			const struct mether_wire_msg *msg)
{
	struct mether_page *mp = &space->page[msg->page];
	struct mether_copy_state *st = &mp->inconsistent;
	struct page *fresh;
	int ret = 0;

	fresh = mether_alloc_frame_unzeroed(space);
	if (!fresh)
		return -ENOMEM;

	down_write(&space->map_sem);
	spin_lock(&mp->lock);
	if (st->locked) {
		ret = -EBUSY;
	} else if (msg->version < st->version ||
		   (msg->version == st->version &&
		    mether_state_can_map(st, msg->subset))) {
		ret = -EALREADY;
	} else {
		mether_fill_arrival(fresh, mp, msg);
		fresh = mether_take_inconsistent(mp, fresh, msg->subset,
						 msg->version);
		if (msg->subset == METHER_SUBSET_FULL)
			mether_page_keep_tail(mp, mp->inconsistent_frame,
					      msg->version);
	}
	spin_unlock(&mp->lock);
	if (!ret)
		mether_unmap_views(space, msg->page, true, METHER_ALL_SUBSETS);
	up_write(&space->map_sem);

	if (fresh)
		mether_retire_frame(space, fresh);
	if (!ret)
		wake_up_all(&space->wait);
	return ret;
}

/**
 * mether_asking_next() - count one more request for a copy of a page
 * @space: the space
 * @mp: the page
 * @asks: its record of requests for the copy wanted
 *
 * Return: 0 when the request may go; -ETIMEDOUT when nobody answered for
 * @space->request_timeout since the first request (the record starts
 * over, so the next access asks afresh).
 */
int mether_asking_next(struct mether_space *space, struct mether_page *mp,
		       struct mether_asking *asks)
{
	int ret = 0;

	spin_lock(&mp->lock);
	if (!asks->count) {
		asks->since = jiffies;
	} else if (time_after(jiffies, asks->since + space->request_timeout)) {
		asks->count = 0;
		ret = -ETIMEDOUT;
	}
	if (!ret)
		asks->count++;
	spin_unlock(&mp->lock);
	return ret;
}
