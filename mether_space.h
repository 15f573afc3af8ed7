/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Mether: a host's space, its pages and their copies.
 */
#ifndef _METHER_SPACE_H
#define _METHER_SPACE_H

#include <linux/fs.h>
#include <linux/jiffies.h>
#include <linux/minmax.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/rwsem.h>
#include <linux/spinlock.h>
#include <linux/wait.h>
#include <linux/workqueue.h>

#include "mether_pause.h"
#include "mether_seal.h"
#include "mether_state.h"
#include "mether_view.h"

/*
 * Inside the module, the inconsistent copy's views sit above the
 * consistent copy's in the file offset space: mmap() moves a read-only
 * mapping's pgoff there. The two copies then have separate offsets in the
 * one address_space that every opener shares, so unmap_mapping_range()
 * can invalidate one copy of a page without touching the other.
 */
#define METHER_INCONSISTENT_BASE	METHER_SPACE_SIZE

/* The bit of struct mether_space's rx_pending. */
#define METHER_RX_PENDING	0

/**
 * struct mether_asking - requests sent for a copy of a page
 * @count: requests since the copy last arrived (0: none outstanding)
 * @since: jiffies of the first of them
 * @given_up: data-driven faults' requests went unanswered: the next
 *	such fault ends in SIGBUS
 */
struct mether_asking {
	unsigned int count;
	unsigned long since;
	bool given_up;
};

/* How long to wait after the @tries'th try: 20 ms, doubling, up to 1 s. */
static inline unsigned long mether_backoff(unsigned int tries)
{
	return min(msecs_to_jiffies(20) << min(tries, 6U), (unsigned long)HZ);
}

/**
 * struct mether_page - one page of the space on this host
 * @lock: protects everything below
 * @consistent: the consistent copy; present only while this host holds it
 * @inconsistent: this host's inconsistent copy, as last seen
 * @consistent_frame: memory of the consistent copy (NULL: zero-filled)
 * @inconsistent_frame: memory of the inconsistent copy
 * @consistent_locker: the file that locked the consistent copy
 * @inconsistent_locker: the file that locked the inconsistent copy
 * @purge_subsets: subsets the pending PURGEs publish
 * @purge_requested: PURGEs of the consistent copy asked for so far
 * @purge_done: PURGEs completed by DO_PURGE; pending while it lags
 * @server_entry: on the space's server queue while the server owes it work
 * @any_asks: requests sent for any copy, since one last arrived
 * @owner_asks: requests sent for the consistent copy, since it arrived
 * @handoff_frame: the consistent copy given up but not yet ACKed, or NULL
 * @handoff_target: the host it was handed to
 * @handoff_target_epoch: the epoch that host asked in: only that life
 *	of it takes the handoff, and only its ACK ends it
 * @handoff_seq: the handoff's sequence number, echoed by the ACK
 * @handoff_version: the version it was handed off with
 * @handoff_tries: retransmissions so far
 * @handoff_next: jiffies of the next retransmission
 * @handoff_subset: how much of the page the handoff carries
 * @handoff_entry: on the space's @handoffs while a handoff may be pending
 * @tail_written: the consistent copy was mapped through a full view since
 *	it came here, so its bytes past the short subset may have changed
 * @tail_snapshot: the consistent copy as it was when a short view first
 *	mapped it since it came here (tail not written), or NULL: a short
 *	view maps the whole frame, so giving the copy up compares
 * @consistent_tail: a version at or after the last change of the
 *	consistent copy's bytes past the short subset
 * @tail_frame: the newest whole page this host has seen, or NULL
 * @tail_version: its version
 * @seen_owner: the host the newest version heard of was sent by or
 *	handed to: the owner as far as this host knows (0: unknown)
 * @seen_version: that version
 * @inconsistent_unseen: subsets of the inconsistent copy that came (a
 *	publication or an arrival) since a fault last mapped the copy, or
 *	the kernel last read it: nobody has seen them
 * @mapped_views: per copy (0 consistent, 1 inconsistent), a bit for each
 *	view a fault has mapped since that view was last unmapped: only
 *	those can have page table entries to zap
 *
 * The tail fields let the consistent copy move with its short subset
 * alone: a host that asks for it says which tail it has, and when the
 * tail has not changed since, the holder sends 32 bytes, not a page
 * (Documentation/server.rst).
 */
struct mether_page {
	spinlock_t lock;	/* protects the fields below */
	struct mether_copy_state consistent;
	struct mether_copy_state inconsistent;
	struct page *consistent_frame;
	struct page *inconsistent_frame;
	struct file *consistent_locker;
	struct file *inconsistent_locker;
	u8 purge_subsets;
	u32 purge_requested;
	u32 purge_done;
	struct list_head server_entry;
	struct mether_asking any_asks;
	struct mether_asking owner_asks;
	struct page *handoff_frame;
	u32 handoff_target;
	u64 handoff_target_epoch;
	u32 handoff_seq;
	u64 handoff_version;
	unsigned int handoff_tries;
	unsigned long handoff_next;
	u8 handoff_subset;
	struct list_head handoff_entry;
	bool tail_written;
	struct page *tail_snapshot;
	u64 consistent_tail;
	struct page *tail_frame;
	u64 tail_version;
	u32 seen_owner;
	u64 seen_version;
	u8 inconsistent_unseen;
	u8 mapped_views[2];
};

struct mem_cgroup;
struct mether_reclaim_run;

/**
 * struct mether_space - a host's Mether address space
 * @ref: held by each open file and each mapping
 * @pages: number of pages
 * @page: the pages
 * @inode: its i_mapping is the address_space of every opener's file
 * @memcg: the memory cgroup its memory is charged to (a reference; NULL
 *	without CONFIG_MEMCG)
 * @map_sem: held for reading while a fault maps a frame, and for writing
 *	while a copy's frame or presence changes and its views are unmapped,
 *	so that no fault can map a frame that is no longer the copy's
 * @wait: where faults and PURGEs wait for a page to change, and where
 *	the socket wakes the faults that read it (@rx_waiters)
 * @server_lock: protects @server_queue
 * @server_queue: pages the server owes work (a PURGE, a wanted subset)
 * @server_work: the in-kernel server
 * @data_driven_timeout: jiffies a data-driven fault waits before it asks
 * @request_timeout: jiffies a demand fault asks before it gives up
 * @host_timeout: jiffies a host may be quiet before it is silent
 * @request_rate: REQUESTs per second each other host may have answered
 * @socket_buffer: bytes the link's socket may queue unread (0: the
 *	network namespace's default)
 * @locked_copies: copies of pages that some file has locked
 * @link_lock: protects @link, and serialises sending on it
 * @link: the UDP link to the cluster, or NULL while the host is alone
 * @rx_lock: protects @rx_link, and serialises reading its socket
 * @rx_link: the link whose socket is read (@link, while it is up)
 * @rx_waiters: tasks waiting on @wait that read the socket themselves
 *	(mether_wait_here())
 * @rx_pending: %METHER_RX_PENDING: the socket woke them for a packet
 *	that no reader has started on
 * @handoff_seq: the last handoff sequence number used (from a random
 *	start)
 * @handoff_work: retransmits handoffs not yet ACKed
 * @handoff_lock: protects @handoffs; only @handoff_work takes pages off
 * @handoffs: pages with a handoff pending (and some whose handoff just
 *	ended), so that retransmitting costs the pending handoffs, not pages
 * @faults: faults taken, by copy (0 consistent, 1 inconsistent) and view
 * @purges: PURGEs, by copy (0 writeable, 1 read-only)
 * @key_lock: protects @keys
 * @keys: the cluster keys (METHER_IOC_SET_KEY)
 * @reclaim_mutex: one reclaim at a time from this host
 * @reclaim_lock: protects @reclaim and what it points to, and the
 *	writers of @reclaim_pauses
 * @reclaim: the reclaim this host runs, or NULL
 * @reclaim_pauses: the reclaims this host takes part in: while one is
 *	counting who holds what, no consistent copy is handed off (their
 *	@until is read without the lock)
 * @reclaim_work: sends the OFFERs those reclaims asked for, paced
 */
struct mether_space {
	struct kref ref;
	u64 pages;
	struct mether_page *page;
	struct inode *inode;
	struct mem_cgroup *memcg;
	struct page *spare_frame;	/* mether_retire_frame() */
	struct rw_semaphore map_sem;
	wait_queue_head_t wait;
	spinlock_t server_lock;	/* protects server_queue */
	struct list_head server_queue;
	struct work_struct server_work;
	unsigned long data_driven_timeout;
	unsigned long request_timeout;
	unsigned long host_timeout;
	unsigned int request_rate;
	unsigned int socket_buffer;
	atomic_t locked_copies;
	struct mutex link_lock;	/* protects link */
	struct mether_link *link;
	struct mutex rx_lock;	/* protects rx_link */
	struct mether_link *rx_link;
	atomic_t rx_waiters;
	unsigned long rx_pending;
	atomic_t handoff_seq;
	struct delayed_work handoff_work;
	struct mutex handoff_lock;	/* protects handoffs */
	struct list_head handoffs;
	atomic64_t faults[2][METHER_VIEWS];
	atomic64_t purges[2];
	spinlock_t key_lock;	/* protects keys */
	struct mether_keys keys;
	struct mutex reclaim_mutex;	/* one reclaim at a time */
	spinlock_t reclaim_lock;	/* protects reclaim */
	struct mether_reclaim_run *reclaim;
	struct mether_reclaim_pauses reclaim_pauses;
	struct delayed_work reclaim_work;
};

int mether_fs_init(void);
void mether_fs_exit(void);

struct mether_wire_msg;

struct mether_space *mether_space_create(u64 pages, bool creator);
void mether_space_put(struct mether_space *space);
struct page *mether_alloc_frame(struct mether_space *space);

static inline void mether_space_get(struct mether_space *space)
{
	kref_get(&space->ref);
}

static inline u64 mether_page_index(struct mether_space *space,
				    struct mether_page *mp)
{
	return mp - space->page;
}

void mether_unmap_views(struct mether_space *space, u64 page,
			bool inconsistent, unsigned int subsets);
struct page *mether_space_publish(struct mether_space *space, u64 page,
				  unsigned int subset, u64 *versionp);
int mether_page_arrived(struct mether_space *space,
			const struct mether_wire_msg *msg);
void mether_page_keep_tail(struct mether_page *mp, struct page *frame,
			   u64 version);
int mether_asking_next(struct mether_space *space, struct mether_page *mp,
		       struct mether_asking *asks);

static inline bool mether_purge_pending(struct mether_page *mp)
{
	return mp->purge_requested != mp->purge_done;
}

#endif /* _METHER_SPACE_H */
