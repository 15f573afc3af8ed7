// SPDX-License-Identifier: GPL-2.0
/*
 * Mether: mappings of the space, and the page faults that fill them.
 *
 * A fault that can be served at once maps the copy's frame. A fault that
 * must wait for a page to arrive drops mmap_lock, sleeps killably and
 * returns VM_FAULT_RETRY, as fs/userfaultfd.c and ttm_bo_vm.c do, so a
 * waiting fault never holds up munmap() or faults on other pages. While
 * it waits for a read-only copy, it reads the socket itself
 * (mether_wait_here()).
 */
#include <linux/file.h>
#include <linux/highmem.h>
#include <linux/ktime.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/sched/signal.h>

#include "mether_fault.h"
#include "mether_net.h"
#include "mether_owner.h"
#include "mether_receive.h"
#include "mether_segment.h"
#include "mether_send.h"
#include "mether_space.h"
#include "mether_trace.h"

/*
 * Place a mapping so that address bits equal offset bits modulo the
 * space size: the uapi view helpers then switch views with a mask.
 */
unsigned long mether_get_unmapped_area(struct file *file, unsigned long addr,
				       unsigned long len, unsigned long pgoff,
				       unsigned long flags)
{
	unsigned long off = pgoff << PAGE_SHIFT;
	unsigned long align = METHER_SPACE_SIZE;
	unsigned long area;

	if (len > METHER_SPACE_SIZE)
		return -EINVAL;
	if (flags & MAP_FIXED)
		return ((addr - off) & (align - 1)) ? -EINVAL : addr;

	area = current->mm->get_unmapped_area(file, 0, len + align, 0, flags);
	if (IS_ERR_VALUE(area))
		return area;
	return area + ((off - area) & (align - 1));
}

static void mether_vm_open(struct vm_area_struct *vma)
{
	mether_space_get(vma->vm_private_data);
}

static void mether_vm_close(struct vm_area_struct *vma)
{
	mether_space_put(vma->vm_private_data);
}

static unsigned int mether_addr_view(const struct mether_addr *addr)
{
	return addr->subset | (addr->data_driven ? METHER_VIEW_DATA_DRIVEN : 0);
}

static bool mether_copy_here(struct mether_page *mp, unsigned int subset,
			     bool inconsistent)
{
	bool here;

	spin_lock(&mp->lock);
	here = mether_state_can_map(inconsistent ? &mp->inconsistent :
						   &mp->consistent, subset);
	spin_unlock(&mp->lock);
	return here;
}

/* The read-only copy is here, or the socket has a packet to read. */
static bool mether_waited(struct mether_space *space, struct mether_page *mp,
			  unsigned int subset)
{
	return mether_copy_here(mp, subset, true) ||
	       mether_net_rx_pending(space);
}

/* What a fault waits for, for the reader it becomes: a read-only copy. */
struct mether_waited_copy {
	struct mether_page *mp;
	unsigned int subset;
};

static bool mether_waited_copy_here(void *arg)
{
	struct mether_waited_copy *want = arg;

	return mether_copy_here(want->mp, want->subset, true);
}

/*
 * Wait, killably, for this host's copy of @subset of @mp, reading the
 * socket meanwhile: the packets it gets are read and applied here when
 * they wake this task, not by the receive work, so the copy waited for
 * costs one wake-up, as a UDP socket's reader pays (issue 16). A few per
 * wake-up, up to the packet that brings the copy: a task that reads
 * slowly (niced, throttled) holds the socket up for a short batch at
 * most, and a packet it has not started on when the next comes goes to
 * the receive work (mether_net_data_ready()). The time spent reading
 * counts against @timeout.
 *
 * Only a read-only copy is waited for so. A consistent copy that the
 * fault took itself was handed straight back: the REQUEST queued behind
 * its handoff went to the receive work, whose kworker, woken as the
 * fault left, ran before the fault had mapped the copy once, and
 * netem.sh's full page count took five to six times as long. Read by
 * the work, the handoff wakes the fault, which runs ahead of the next
 * packet.
 *
 * Return: as wait_event_killable_timeout(): 0 when @timeout ran out
 * with no copy, at least 1 with one, -ERESTARTSYS when killed.
 */
static long mether_wait_here(struct mether_space *space,
			     struct mether_page *mp, unsigned int subset,
			     bool inconsistent, long timeout)
{
	struct mether_waited_copy want = { mp, subset };
	unsigned long deadline = jiffies + timeout;
	long left = timeout;

	if (!inconsistent)
		return wait_event_killable_timeout(space->wait,
						   mether_copy_here(mp, subset,
								    false),
						   timeout);
	mether_net_rx_enter(space);
	for (;;) {
		left = wait_event_killable_timeout(space->wait,
						   mether_waited(space, mp,
								 subset),
						   left);
		if (left <= 0 || mether_copy_here(mp, subset, true))
			break;
		/* A wait whose condition already held saw no signal. */
		if (fatal_signal_pending(current)) {
			left = -ERESTARTSYS;
			break;
		}
		mether_receive_drain(space, METHER_RX_TASK_BATCH,
				     mether_waited_copy_here, &want);
		/* Never: a data-driven timeout of 0 waits for ever. */
		if (timeout == MAX_SCHEDULE_TIMEOUT)
			continue;
		left = max_t(long, deadline - jiffies, 0);
		if (!left) {
			left = mether_copy_here(mp, subset, true);
			break;
		}
	}
	mether_net_rx_leave(space);
	return left;
}

/* The data-driven asks for a page went unanswered: its next fault fails. */
static void mether_give_up(struct mether_page *mp)
{
	spin_lock(&mp->lock);
	mp->any_asks.given_up = true;
	spin_unlock(&mp->lock);
}

/*
 * Wait, with no locks held, for a copy of a page to arrive. A data-driven
 * fault whose asks went unanswered for the request timeout (the holder
 * vanished), or that asks on a host alone without the page, marks the
 * page given up: the retried fault then ends in SIGBUS, not in waiting
 * for ever.
 */
static void mether_wait_copy(struct mether_space *space,
			     struct mether_addr *addr, bool inconsistent)
{
	struct mether_page *mp = &space->page[addr->page];
	u64 start = ktime_get_ns();
	unsigned long timeout;
	long left;

	if (inconsistent && addr->data_driven)
		timeout = space->data_driven_timeout;
	else if (inconsistent)
		timeout = mether_backoff(READ_ONCE(mp->any_asks.count));
	else
		timeout = mether_backoff(READ_ONCE(mp->owner_asks.count));
	left = mether_wait_here(space, mp, addr->subset, inconsistent,
				timeout);
	trace_mether_fault_wait(addr->page, mether_addr_view(addr),
				!inconsistent, ktime_get_ns() - start, left > 0);
	/*
	 * A data-driven fault sends no request, but one that heard nothing
	 * for a while asks once, so a missed update cannot hang it forever.
	 * A demand fault asks again when it is retried.
	 */
	if (!left && inconsistent && addr->data_driven) {
		int ret = mether_ask_copy(space, addr->page, addr->subset);

		if (ret == -ETIMEDOUT || ret == -ENOTCONN)
			mether_give_up(mp);
	}
}

/*
 * A request for a fetch, as a fault sends it; 0 while it may wait on. A
 * request that could not go (a full socket buffer, say) is one lost: the
 * next goes after the backoff, and the request timeout bounds them all.
 * A data-driven fetch that ends here ends a data-driven fault's wait on
 * the page too, as mether_wait_copy() does for it.
 */
static int mether_fetch_ask(struct mether_space *space, u64 page,
			    unsigned int subset, bool data_driven)
{
	int ret = mether_ask_copy(space, page, subset);

	if (ret != -ETIMEDOUT && ret != -ENOTCONN && ret != -ENOMEM &&
	    ret != -EBUSY)
		return 0;
	if (data_driven && (ret == -ETIMEDOUT || ret == -ENOTCONN))
		mether_give_up(&space->page[page]);
	return ret == -ETIMEDOUT ? -EHOSTUNREACH : ret;
}

/**
 * mether_fetch() - wait for a copy of a page, as a read-only fault would
 * @space: the space
 * @page: page number
 * @subset: how much of the page
 * @data_driven: wait for a copy to pass by, asking as a data-driven
 *	fault does (once each data-driven timeout without one; a shorter
 *	@timeout asks nothing)
 * @timeout: jiffies to wait at most
 *
 * For callers that want an error where a fault would raise SIGBUS (a
 * library cannot own its process's signal handlers): requests go out as
 * a fault's do, with the same backoff, until a copy is here.
 *
 * Return: 0 when the inconsistent copy of @subset is here; -EAGAIN when
 * it is not and @timeout is 0; -ETIMEDOUT when @timeout ran out;
 * -EHOSTUNREACH when requests went unanswered for the request timeout
 * (its holder is gone); -ENOTCONN when the host is down and has no copy;
 * -EBUSY when this host holds the page but its inconsistent copy is
 * locked short of the subset; -EINTR when killed; -ENOMEM.
 */
int mether_fetch(struct mether_space *space, u64 page, unsigned int subset,
		 bool data_driven, unsigned long timeout)
{
	struct mether_page *mp = &space->page[page];
	unsigned long deadline = jiffies + timeout;
	bool ask = !data_driven;
	long left, wait;
	u64 start;
	int ret;

	for (;;) {
		if (mether_copy_here(mp, subset, true))
			return 0;
		left = (long)(deadline - jiffies);
		if (left <= 0)
			return timeout ? -ETIMEDOUT : -EAGAIN;
		if (ask) {
			ret = mether_fetch_ask(space, page, subset,
					       data_driven);
			if (ret)
				return ret;
		}
		if (data_driven)
			wait = min_t(unsigned long, left,
				     space->data_driven_timeout);
		else
			wait = min_t(long, left,
				     mether_backoff(READ_ONCE(mp->any_asks.count)));
		start = ktime_get_ns();
		wait = mether_wait_here(space, mp, subset, true, wait);
		trace_mether_fault_wait(page, subset | (data_driven ?
					METHER_VIEW_DATA_DRIVEN : 0), false,
					ktime_get_ns() - start, wait > 0);
		if (wait < 0)
			return -EINTR;
		/* A data-driven wait that heard nothing asks once. */
		ask = !data_driven || !wait;
	}
}

/* Did the data-driven asks for this page go unanswered? Once for each. */
static bool mether_given_up(struct mether_page *mp)
{
	bool given_up;

	spin_lock(&mp->lock);
	given_up = mp->any_asks.given_up;
	mp->any_asks.given_up = false;
	spin_unlock(&mp->lock);
	return given_up;
}

static vm_fault_t mether_fault_wait(struct vm_fault *vmf,
				    struct mether_space *space,
				    struct mether_addr *addr,
				    bool inconsistent)
{
	struct file *file;

	/* Callers that cannot retry (some get_user_pages()) cannot wait. */
	if (!(vmf->flags & FAULT_FLAG_ALLOW_RETRY))
		return VM_FAULT_SIGBUS;
	if (vmf->flags & FAULT_FLAG_RETRY_NOWAIT)
		return VM_FAULT_RETRY;

	/*
	 * The mapping, and with it the last reference to the file, may go
	 * once mmap_lock is dropped; then nothing would keep rmmod from
	 * freeing the code this sleeps in. Pin the file, as the filemap
	 * fault path does (maybe_unlock_mmap_for_io()): it holds the module
	 * (through its fops) and the space. fput() from a task defers the
	 * last __fput() until the return to user mode, so the module
	 * reference is dropped only once this code has been left.
	 */
	file = get_file(vmf->vma->vm_file);
	mmap_read_unlock(vmf->vma->vm_mm);
	mether_wait_copy(space, addr, inconsistent);
	fput(file);
	return VM_FAULT_RETRY;
}

/*
 * The consistent copy's frame is about to be mapped through @subset's
 * view, under @mp->lock. A full view can change the bytes a short one
 * lacks: the tail is written. A short view maps the whole frame too, so
 * the first one since the copy came here keeps the tail as it is in
 * @snap; giving the copy up compares (mether_owner_request()), and
 * writes past the short subset move the whole page, never get lost.
 *
 * Return: true when @snap was used.
 */
static bool mether_note_tail(struct mether_page *mp, unsigned int subset,
			     struct page *snap)
{
	if (subset == METHER_SUBSET_FULL) {
		mp->tail_written = true;
		return false;
	}
	if (mp->tail_written || mp->tail_snapshot)
		return false;
	copy_highpage(snap, mp->consistent_frame);
	mp->tail_snapshot = snap;
	return true;
}

/* Get the consistent copy's frame; allocates it on first touch. */
static int mether_consistent_frame(struct mether_space *space,
				   struct mether_addr *addr,
				   struct page **frame)
{
	struct mether_page *mp = &space->page[addr->page];
	struct page *fresh = NULL, *snap = NULL;
	bool short_view = addr->subset != METHER_SUBSET_FULL;
	int ret = 0;

	for (;;) {
		bool need_frame, need_snap;

		spin_lock(&mp->lock);
		if (!mether_state_can_map(&mp->consistent, addr->subset)) {
			spin_unlock(&mp->lock);
			ret = -ENOENT;
			break;
		}
		need_frame = !mp->consistent_frame && !fresh;
		need_snap = short_view && !snap && !mp->tail_written &&
			    !mp->tail_snapshot;
		if (!need_frame && !need_snap) {
			if (!mp->consistent_frame) {
				mp->consistent_frame = fresh;
				fresh = NULL;
			}
			if (mether_note_tail(mp, addr->subset, snap))
				snap = NULL;
			mp->mapped_views[0] |= BIT(mether_addr_view(addr));
			*frame = mp->consistent_frame;
			get_page(*frame);
			spin_unlock(&mp->lock);
			break;
		}
		spin_unlock(&mp->lock);
		if (need_frame) {
			fresh = mether_alloc_frame(space);
			if (!fresh) {
				ret = -ENOMEM;
				break;
			}
		}
		if (need_snap) {
			snap = mether_alloc_frame(space);
			if (!snap) {
				ret = -ENOMEM;
				break;
			}
		}
	}
	if (fresh)
		put_page(fresh);
	if (snap)
		put_page(snap);
	return ret;
}

/*
 * Get the inconsistent copy's frame; -EAGAIN while subsets are missing,
 * which a fault (@fault) marks wanted.
 */
static int mether_inconsistent_frame(struct mether_space *space,
				     struct mether_addr *addr,
				     struct page **frame, bool fault)
{
	struct mether_page *mp = &space->page[addr->page];
	int ret;

	spin_lock(&mp->lock);
	if (fault)
		ret = mether_state_fault(&mp->inconsistent, addr->subset);
	else
		ret = mether_state_can_map(&mp->inconsistent, addr->subset) ?
		      0 : -EAGAIN;
	if (!ret) {
		mp->mapped_views[1] |= BIT(mether_addr_view(addr));
		mp->inconsistent_unseen = 0;
		*frame = mp->inconsistent_frame;
		get_page(*frame);
	}
	spin_unlock(&mp->lock);
	return ret;
}

/*
 * Map the copy's current frame at @address of @vma; a @fault marks the
 * subsets missing wanted (mether_state_fault()). The mapping is
 * VM_PFNMAP: the page table entry is special and holds no reference, so
 * get_user_pages() cannot pin the frame (see mether_mmap()). A frame is
 * put only after it stopped being its copy's frame and its views were
 * unmapped, both under map_sem held for writing; holding it for reading
 * here keeps that from slipping between the lookup and the insert.
 */
static int mether_map_copy(struct vm_area_struct *vma, unsigned long address,
			   struct mether_space *space, struct mether_addr *addr,
			   bool inconsistent, bool fault)
{
	struct page *frame;
	int ret;

	down_read(&space->map_sem);
	if (inconsistent)
		ret = mether_inconsistent_frame(space, addr, &frame, fault);
	else
		ret = mether_consistent_frame(space, addr, &frame);
	if (!ret) {
		/* Another thread of the process mapped it first: NOPAGE too. */
		switch (vmf_insert_pfn(vma, address & PAGE_MASK,
				       page_to_pfn(frame))) {
		case VM_FAULT_NOPAGE:
			break;
		case VM_FAULT_OOM:
			ret = -ENOMEM;
			break;
		default:
			ret = -EFAULT;
			break;
		}
		put_page(frame);
	}
	up_read(&space->map_sem);
	return ret;
}

/**
 * mether_vma_addr() - the page and view at an address of a mapping
 * @space: the space the mapping must be of
 * @vma: a mapping, with mmap_lock held
 * @uaddr: an address in it
 * @addr: set to the page and view
 * @inconsistent: set when the mapping is read-only (the inconsistent copy)
 *
 * Return: 0; -ENOMEM when @vma is not a mapping of @space; -EINVAL for an
 * offset no page of @space has.
 */
int mether_vma_addr(struct mether_space *space, struct vm_area_struct *vma,
		    unsigned long uaddr, struct mether_addr *addr,
		    bool *inconsistent)
{
	u64 offset;

	if (!vma || vma->vm_ops != &mether_vm_ops ||
	    vma->vm_private_data != space)
		return -ENOMEM;
	offset = ((u64)vma->vm_pgoff << PAGE_SHIFT) + (uaddr - vma->vm_start);
	*inconsistent = offset >= METHER_INCONSISTENT_BASE;
	if (*inconsistent)
		offset -= METHER_INCONSISTENT_BASE;
	return mether_decode_offset(offset, space->pages, addr) ? -EINVAL : 0;
}

/**
 * mether_map_waited() - map the read-only copy a wait brought
 * @space: the space
 * @uaddr: the caller's address of the page waited for
 * @want: the page and view the wait was for, as resolved from @uaddr
 *
 * A METHER_IOC_PURGE_WAIT returns to a read of the page it waited for;
 * mapping the copy before it returns spares that read a page fault, which
 * a UDP ping-pong's turn has no counterpart for (issue 16).
 * As the fault would, it marks the view mapped and the copy seen. Best
 * effort: where @uaddr no longer shows @want readably (another thread
 * remapped it, or made it PROT_NONE), or the copy went again, nothing is
 * mapped or marked, and the read faults.
 */
void mether_map_waited(struct mether_space *space, unsigned long uaddr,
		       const struct mether_addr *want)
{
	struct mm_struct *mm = current->mm;
	struct vm_area_struct *vma;
	struct mether_addr addr;
	bool inconsistent;

	if (mmap_read_lock_killable(mm))
		return;
	vma = vma_lookup(mm, uaddr);
	if (mether_vma_addr(space, vma, uaddr, &addr, &inconsistent) ||
	    !inconsistent || !(vma->vm_flags & VM_READ) ||
	    addr.page != want->page || addr.subset != want->subset ||
	    addr.data_driven != want->data_driven)
		goto out;
	/* A copy gone again is left to the fault, which marks it wanted. */
	if (!mether_map_copy(vma, uaddr, space, &addr, true, false))
		trace_mether_fault(addr.page, mether_addr_view(&addr), false,
				   0);
out:
	mmap_read_unlock(mm);
}

static vm_fault_t mether_vm_fault(struct vm_fault *vmf)
{
	struct mether_space *space = vmf->vma->vm_private_data;
	struct mether_addr addr;
	bool inconsistent;
	int ret;

	if (mether_vma_addr(space, vmf->vma, vmf->address, &addr,
			    &inconsistent))
		return VM_FAULT_SIGBUS;
	atomic64_inc(&space->faults[inconsistent][mether_addr_view(&addr)]);

	ret = mether_map_copy(vmf->vma, vmf->address, space, &addr,
			      inconsistent, true);
	/*
	 * A demand fault asks for the page. The holder publishes it; if
	 * that is another host, wait for the copy to come by.
	 */
	if (ret == -EAGAIN && inconsistent && !addr.data_driven) {
		ret = mether_ask_copy(space, addr.page, addr.subset);
		if (!ret)
			ret = mether_map_copy(vmf->vma, vmf->address, space,
					      &addr, true, true);
		else if (ret == -EINPROGRESS)
			ret = -EAGAIN;
	}
	if (ret == -EAGAIN && inconsistent && addr.data_driven &&
	    mether_given_up(&space->page[addr.page]))
		ret = -ETIMEDOUT;
	/* The consistent copy is elsewhere: ask for it to move here. */
	if (ret == -ENOENT && !inconsistent) {
		ret = mether_owner_ask(space, addr.page, addr.subset);
		if (ret == -EINPROGRESS)
			ret = -EAGAIN;
	}
	trace_mether_fault(addr.page, mether_addr_view(&addr), !inconsistent,
			   ret);

	switch (ret) {
	case 0:
		return VM_FAULT_NOPAGE;
	case -EAGAIN:
		return mether_fault_wait(vmf, space, &addr, inconsistent);
	case -ENOMEM:
		return VM_FAULT_OOM;
	default:
		return VM_FAULT_SIGBUS;
	}
}

const struct vm_operations_struct mether_vm_ops = {
	.open = mether_vm_open,
	.close = mether_vm_close,
	.fault = mether_vm_fault,
};

/**
 * mether_mmap() - map part of the space
 * @file: an open /dev/mether
 * @vma: the new mapping
 *
 * A shared writeable mapping is the consistent copy; a shared read-only
 * mapping is the inconsistent copy and can never become writeable (a
 * file opened read-only maps it too). Neither can be pinned.
 *
 * Return: 0; -EINVAL for a private mapping or a range outside the space;
 * -EACCES for a writeable mapping of data-driven views, or for a range a
 * restricted file has no capability for.
 */
int mether_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct mether_file *mf = file->private_data;
	struct mether_space *space = mf->space;
	bool writeable = vma->vm_flags & VM_WRITE;
	u64 offset = (u64)vma->vm_pgoff << PAGE_SHIFT;
	u64 len = vma->vm_end - vma->vm_start;
	int ret;

	/*
	 * A private copy of a shared page would be neither Mether copy. A
	 * shared mapping of a file opened read-only has VM_MAYSHARE alone:
	 * mmap() clears VM_SHARED (and VM_MAYWRITE) when it cannot write.
	 */
	if (!(vma->vm_flags & VM_MAYSHARE))
		return -EINVAL;
	ret = mether_check_mapping(offset, len, writeable);
	if (ret)
		return ret;
	if (!mether_file_may_map(mf, offset, len, writeable))
		return -EACCES;

	if (!writeable) {
		vma->vm_flags &= ~VM_MAYWRITE;
		vma->vm_pgoff += METHER_INCONSISTENT_BASE >> PAGE_SHIFT;
	}
	/*
	 * Frames move between copies and hosts under the mapping: a pin
	 * (O_DIRECT, vmsplice, io_uring, process_vm_writev) would outlive
	 * the copy and write into a frame that is no longer it. PFNMAP
	 * makes get_user_pages() refuse the mapping (EFAULT) and its
	 * special entries refuse get_user_pages_fast() too.
	 */
	vma->vm_flags |= VM_PFNMAP | VM_DONTEXPAND | VM_DONTDUMP;
	vma->vm_ops = &mether_vm_ops;
	vma->vm_private_data = space;
	mether_space_get(space);
	return 0;
}
