/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * Mether: a distributed shared memory (Minnich and Farber, 1990).
 *
 * The user API of /dev/mether. This header is all that userspace needs.
 *
 * Every page of the space is visible through several views, chosen by
 * address bits exactly as in the paper's Figure 2. A device offset is
 *
 *	view << METHER_VIEW_SHIFT | page number * page size | byte
 *
 * and the driver places every mapping so that virtual address bits match
 * offset bits modulo METHER_SPACE_SIZE, so a pointer can be moved to
 * another view of the same page with a mask, without a system call.
 *
 * A view is a subset (how much of the page a fault transfers) combined
 * with a mode (demand-driven: a fault asks for the page; data-driven: a
 * fault waits for the next copy to pass by). A mapping with PROT_WRITE
 * and MAP_SHARED is the consistent copy and covers only demand-driven
 * views; a read-only mapping is the inconsistent copy and may cover all.
 */
#ifndef _UAPI_LINUX_METHER_H
#define _UAPI_LINUX_METHER_H

#include <linux/ioctl.h>
#include <linux/types.h>

#define METHER_API_VERSION	11

/* The short page: the first METHER_SHORT_SIZE bytes of a page. */
#define METHER_SHORT_SIZE	32

#define METHER_VIEW_SHIFT	32
#define METHER_VIEW_SPAN	(1ULL << METHER_VIEW_SHIFT)

/*
 * View bits. Subsets 2 and 3 are reserved for the two further page sizes
 * the paper anticipates (Figure 1, note 4); their views fault with SIGBUS.
 */
#define METHER_VIEW_SUBSET_MASK	0x3U
#define METHER_SUBSET_FULL	0x0U
#define METHER_SUBSET_SHORT	0x1U
#define METHER_VIEW_DATA_DRIVEN	0x4U
#define METHER_VIEWS		8U

#define METHER_VIEW_FULL_DEMAND		(METHER_SUBSET_FULL)
#define METHER_VIEW_SHORT_DEMAND	(METHER_SUBSET_SHORT)
#define METHER_VIEW_FULL_DATA		(METHER_SUBSET_FULL | METHER_VIEW_DATA_DRIVEN)
#define METHER_VIEW_SHORT_DATA		(METHER_SUBSET_SHORT | METHER_VIEW_DATA_DRIVEN)

/* Length of a mapping of every view; the consistent (writeable) mapping
 * covers only the demand-driven half.
 */
#define METHER_SPACE_SIZE	((__u64)METHER_VIEWS << METHER_VIEW_SHIFT)
#define METHER_CONSISTENT_SIZE	((__u64)METHER_VIEW_DATA_DRIVEN << METHER_VIEW_SHIFT)

/* The highest number of pages a space can have (one view span of pages). */
#define METHER_MAX_PAGES(page_size)	(METHER_VIEW_SPAN / (page_size))

/**
 * struct mether_info - METHER_IOC_INFO: the geometry of this host's space
 * @api_version: METHER_API_VERSION of the running module
 * @page_size: bytes in a full page (the kernel's PAGE_SIZE)
 * @short_size: bytes in a short page (METHER_SHORT_SIZE)
 * @view_shift: METHER_VIEW_SHIFT of the running module
 * @pages: number of pages in the space
 */
struct mether_info {
	__u32 api_version;
	__u32 page_size;
	__u32 short_size;
	__u32 view_shift;
	__u64 pages;
};

/**
 * struct mether_range - a run of Mether memory in the caller's mappings
 * @addr: first byte; page aligned
 * @len: bytes; a multiple of the page size, not zero
 */
struct mether_range {
	__u64 addr;
	__u64 len;
};

/* struct mether_page_state.flags */
#define METHER_PAGE_OWNER		0x1	/* this host holds the consistent copy */
#define METHER_PAGE_PURGE_PENDING	0x2	/* a PURGE waits for DO_PURGE */

/**
 * struct mether_page_state - METHER_IOC_PAGE_STATE: one page as this host
 * sees it; subset masks have bit (1 << METHER_SUBSET_*) per subset
 * @offset: in: a device offset naming the page (any view)
 * @version: version of this host's inconsistent copy (0: never had one)
 * @consistent_version: version the consistent copy had when last published
 * @flags: METHER_PAGE_*
 * @consistent_present: subsets of the consistent copy held here
 * @consistent_locked: subsets of the consistent copy locked
 * @inconsistent_present: subsets of the inconsistent copy held here
 * @inconsistent_locked: subsets of the inconsistent copy locked
 * @wanted: subsets of either copy a fault or a lock waits for
 * @reserved: zero
 */
struct mether_page_state {
	__u64 offset;
	__u64 version;
	__u64 consistent_version;
	__u32 flags;
	__u8 consistent_present;
	__u8 consistent_locked;
	__u8 inconsistent_present;
	__u8 inconsistent_locked;
	__u8 wanted;
	__u8 reserved[7];
};

/* struct mether_up.flags */
#define METHER_UP_CREATE	0x1	/* this host makes the space and holds every page */
/*
 * Send and accept packets without the seal (no authentication, no
 * privacy): only for a network where nobody else can send, and only when
 * asked for. Without it, a host needs a key to come up.
 */
#define METHER_UP_UNSEALED	0x2

/**
 * struct mether_up - METHER_IOC_UP: join the file's host (that of the
 * network namespace it was opened in) to a cluster (needs CAP_NET_ADMIN
 * over it, held by the opener and the caller; every privileged ioctl
 * checks the same way)
 * @host_id: this host's id in the cluster, not 0
 * @cluster: the cluster's id; packets of other clusters are dropped
 * @pages: number of pages in the space (all hosts of a cluster agree); a
 *	host of a user namespace other than the initial one may have at
 *	most the module's userns_max_pages (EFBIG)
 * @flags: METHER_UP_*
 * @addr: IPv4 address to bind, network order (0: any)
 * @broadcast: IPv4 address pages are sent to, network order: the
 *	segment's broadcast address, or a multicast group, which the host
 *	joins (on @ifindex, if set) with its own packets not looped back;
 *	a group needs @addr 0
 * @port: UDP port, network order
 * @ttl: hops a packet to a group may take (API 10): 0 leaves the
 *	default, 1, which keeps it on the segment; more lets multicast
 *	routers carry it to other segments. Only with a group outside
 *	224.0.0.0/24 (EINVAL with a broadcast address or a link-local
 *	group, which no router forwards)
 * @reserved: zero
 * @ifindex: interface to bind to, as if_nametoindex(3) names it (0: any);
 *	with it, packets go out and come in on that interface only
 * @reserved2: zero
 */
struct mether_up {
	__u32 host_id;
	__u32 cluster;
	__u64 pages;
	__u32 flags;
	__be32 addr;
	__be32 broadcast;
	__be16 port;
	__u8 ttl;
	__u8 reserved;
	__u32 ifindex;
	__u32 reserved2;
};

/* struct mether_stats.packets and .bytes are indexed by packet type. */
/* 1 PAGE, 2 REQUEST, 3 ACK, 4 HELLO, 5 RECLAIM, 6 OFFER, 7 GRANT */
#define METHER_PACKET_TYPES	8
/*
 * Room in struct mether_stats for types and drop reasons not defined yet:
 * STATS grows at its end only (below, METHER_READ_SIZE_MIN), so an array
 * sized by a count that grows would move every field after it under a
 * program built before.
 */
#define METHER_PACKET_SLOTS	16
#define METHER_DROP_SLOTS	32

/*
 * Why a packet was dropped, in the order a packet is checked
 * (Documentation/wire.rst, "Validation", lists them in this order):
 * struct mether_stats.drops[reason - 1] counts reason. This enum is the
 * one list: the module, metherctl and the tests' Python all read it.
 */
enum mether_drop_reason {
	/* before the packet is opened */
	METHER_DROP_TRUNCATED = 1,
	METHER_DROP_BAD_MAGIC,
	METHER_DROP_BAD_VERSION,
	METHER_DROP_OWN,
	METHER_DROP_BAD_SEAL,
	/* once it is opened: its fields */
	METHER_DROP_BAD_TYPE,
	METHER_DROP_BAD_FLAGS,
	METHER_DROP_FOREIGN_CLUSTER,
	METHER_DROP_BAD_SENDER,
	METHER_DROP_BAD_SUBSET,		/* none since wire version 6 */
	METHER_DROP_OUT_OF_RANGE,
	METHER_DROP_BAD_LENGTH,
	METHER_DROP_STALE_TARGET,
	/* against its sender's entry in the peer table */
	METHER_DROP_REPLAYED,
	METHER_DROP_OLD_EPOCH,
	METHER_DROP_TOO_MANY_PEERS,
	METHER_DROP_RECLAIMED,
	METHER_DROP_RATE_LIMITED,
	METHER_DROP_UNVERIFIED,
	__METHER_DROP_END	/* not a reason: one past the last */
};

#define METHER_DROP_REASONS	(__METHER_DROP_END - 1)

/**
 * struct mether_stats - METHER_IOC_STATS: this host's counters (packet
 * counters only while it is up; fault and purge counters always)
 * @tx_packets: packets sent, by type (METHER_PACKET_TYPES of them used)
 * @tx_bytes: UDP payload bytes sent, by type
 * @rx_packets: packets received and accepted, by type
 * @rx_bytes: UDP payload bytes received and accepted, by type
 * @drops: packets dropped, by reason (METHER_DROP_REASONS of them used)
 * @snooped: inconsistent copies refreshed by a page that passed by
 * @ownership_transfers: consistent copies handed to this host
 * @retransmits: handoffs sent again for want of an ACK
 * @consistent_faults: faults on writeable mappings, by view (0 to 3)
 * @inconsistent_faults: faults on read-only mappings, by view
 * @purges: PURGEs of read-only pages
 * @writeable_purges: PURGEs of writeable pages (each publishes the page)
 * @up: 1 while the host is joined to a cluster
 * @sealed: 1 while its packets are sealed (METHER_UP_UNSEALED not given)
 * @socket_drops: packets the host's socket dropped unread because its
 *	receive queue was full (module parameter socket_buffer_kb); they
 *	are in no other counter
 * @reclaims_ignored: RECLAIMs accepted that changed nothing: a DONE that
 *	ends no reclaim of its sender, number and epoch here, a RECLAIM of
 *	a host heard alive here under that epoch, or a repeat while its
 *	OFFERs are going out or after its rounds of them
 * @elsewhere: CHALLENGEs and ANSWERs between two other hosts, which
 *	every host hears and this one drops unopened (API 10): proving
 *	epochs is one host's business with another, and opening them all
 *	costs a cluster of N hosts N times its proofs
 * @reclaimed_epoch: not 0 once another host has said that this host's
 *	pages were reclaimed (it was cut off while they were): this host's
 *	current epoch, whose copies are no longer the cluster's; bring the
 *	host down and up
 */
struct mether_stats {
	__u64 tx_packets[METHER_PACKET_SLOTS];
	__u64 tx_bytes[METHER_PACKET_SLOTS];
	__u64 rx_packets[METHER_PACKET_SLOTS];
	__u64 rx_bytes[METHER_PACKET_SLOTS];
	__u64 drops[METHER_DROP_SLOTS];
	__u64 snooped;
	__u64 ownership_transfers;
	__u64 retransmits;
	__u64 consistent_faults[METHER_VIEWS];
	__u64 inconsistent_faults[METHER_VIEWS];
	__u64 purges;
	__u64 writeable_purges;
	__u32 up;
	__u32 sealed;
	__u64 socket_drops;
	__u64 reclaims_ignored;
	__u64 reclaimed_epoch;
	__u64 elsewhere;
};

/* The cluster key: 32 bytes, set with METHER_IOC_SET_KEY, never read back. */
#define METHER_KEY_SIZE		32

/*
 * struct mether_key.flags. A host holds two keys: the current one seals
 * what it sends, and both open what it receives. Without a flag, the key
 * becomes current and the old current one is kept to open packets of
 * hosts that have not changed yet. A rotation without downtime: every
 * host takes the new key with METHER_KEY_NEXT, then every host takes it
 * as current, then every host drops the old one with METHER_KEY_DROP_OLD.
 */
#define METHER_KEY_NEXT		0x1	/* keep it to open packets only */
#define METHER_KEY_DROP_OLD	0x2	/* forget the key that is not current */
/*
 * The host's only key, set only while it is down (EBUSY when it is up):
 * what a host about to come up takes. Checked under the lock UP takes, so
 * no UP in between can leave a host that is up with a key it was not
 * brought up under. METHER_IOC_UP_KEYED does both in one call, which
 * another caller's SET_KEY cannot come between.
 */
#define METHER_KEY_ONLY		0x4

/**
 * struct mether_key - METHER_IOC_SET_KEY: the cluster's secret (needs
 * CAP_NET_ADMIN); every host of a cluster sets the same key. -EBUSY for
 * METHER_KEY_ONLY on a host that is up.
 * @key: the key (ignored with METHER_KEY_DROP_OLD)
 * @flags: METHER_KEY_*, at most one
 * @reserved: zero
 */
struct mether_key {
	__u8 key[METHER_KEY_SIZE];
	__u32 flags;
	__u32 reserved;
};

/**
 * struct mether_up_keyed - METHER_IOC_UP_KEYED: METHER_IOC_UP with the
 * key the host comes up under, its only key from then on. One call: two
 * callers racing (a SET_KEY, then an UP) cannot bring the host up under
 * the other's key. Nothing changes when it fails (-EBUSY when up).
 * @up: as for METHER_IOC_UP, without METHER_UP_UNSEALED
 * @key: the cluster key
 */
struct mether_up_keyed {
	struct mether_up up;
	__u8 key[METHER_KEY_SIZE];
};

/*
 * Named segments. Page METHER_DIRECTORY_PAGE holds libmether's directory
 * of segment names (Documentation/libmether.rst) and is never part of a
 * segment. A file opened without CAP_SYS_ADMIN is restricted: it may map
 * that page read-only, and otherwise only the segments it has attached
 * with a capability, each as its rights allow.
 */
#define METHER_DIRECTORY_PAGE		0
#define METHER_DIRECTORY_MAGIC		0x4745534dU	/* "MSEG" */
#define METHER_DIRECTORY_VERSION	2

/**
 * struct mether_directory - the head of the directory in page
 * METHER_DIRECTORY_PAGE, in the hosts' byte order; libmether's entries
 * follow it
 * @magic: METHER_DIRECTORY_MAGIC
 * @version: METHER_DIRECTORY_VERSION
 * @count: entries that follow
 * @next_free: the first page no segment holds
 * @generation: chosen at random, not 0, each time a directory is made.
 *	Capabilities carry the generation they were granted under, and the
 *	kernel refuses one that is not this host's copy's current one: when
 *	a directory is lost and made again, the pages of its old segments
 *	go to new ones, and old capabilities must not open them.
 */
struct mether_directory {
	__u32 magic;
	__u16 version;
	__u16 count;
	__u64 next_free;
	__u64 generation;
};

#define METHER_SEGMENT_NAME_SIZE	32
#define METHER_TOKEN_SIZE		16
#define METHER_SEGMENT_READ		0x1	/* map read-only: the inconsistent copy */
#define METHER_SEGMENT_WRITE		0x2	/* map writeable: the consistent copy */
#define METHER_SEGMENT_ATTACH_MAX	16	/* segments attached to one file */

/**
 * struct mether_segment - a capability: a named run of pages, the rights
 * it grants, and the token that proves it was granted
 * @name: the segment's name, NUL-terminated and NUL-padded
 * @first: its first page (not METHER_DIRECTORY_PAGE)
 * @pages: its number of pages, not 0
 * @rights: METHER_SEGMENT_READ, or METHER_SEGMENT_READ | METHER_SEGMENT_WRITE
 * @reserved: zero
 * @generation: the generation of the directory that names the segment
 *	(struct mether_directory); both ioctls fail with ESTALE unless it
 *	is the generation of this host's copy of the directory
 * @token: a MAC of the fields above under the cluster key; filled in by
 *	METHER_IOC_SEGMENT_GRANT, checked by METHER_IOC_SEGMENT_ATTACH
 */
struct mether_segment {
	char name[METHER_SEGMENT_NAME_SIZE];
	__u64 first;
	__u64 pages;
	__u32 rights;
	__u32 reserved;
	__u64 generation;
	__u8 token[METHER_TOKEN_SIZE];
};

/* struct mether_peer_info.flags */
#define METHER_PEER_SILENT	0x1	/* not heard for the host timeout */
#define METHER_PEER_RECLAIMED	0x2	/* an epoch of it was reclaimed */
#define METHER_PEERS_MAX	64	/* hosts one host keeps track of */

/**
 * struct mether_peer_info - a host this one has heard
 * @host_id: its id
 * @flags: METHER_PEER_*
 * @epoch: the epoch it proved current (0: none yet)
 * @silent_ms: milliseconds since it was last heard
 * @reclaimed_epoch: packets of this epoch or older from it are dropped
 *	(0: none)
 */
struct mether_peer_info {
	__u32 host_id;
	__u32 flags;
	__u64 epoch;
	__u64 silent_ms;
	__u64 reclaimed_epoch;
};

/**
 * struct mether_peers - METHER_IOC_PEERS: the hosts this one has heard
 * @count: entries filled in @peer
 * @host_timeout_ms: how long a host may be quiet before it is silent
 * @peer: the hosts
 */
struct mether_peers {
	__u32 count;
	__u32 host_timeout_ms;
	struct mether_peer_info peer[METHER_PEERS_MAX];
};

/* struct mether_status.flags */
#define METHER_STATUS_UP	0x1	/* in a cluster */
#define METHER_STATUS_SEALED	0x2	/* its packets are sealed */
#define METHER_STATUS_RECLAIMED	0x4	/* the cluster reclaimed its pages */
/* It sent 2^48 - 1 packets in this epoch: it sends none until DOWN, UP. */
#define METHER_STATUS_SPENT	0x8

/**
 * struct mether_status - METHER_IOC_STATUS: this host, as it came up
 * @up: the configuration it came up with, as METHER_IOC_UP took it (its
 *	key never: METHER_IOC_UP_KEYED's is not in it); zero while down
 * @flags: METHER_STATUS_*
 * @host_timeout_ms: how long a host may be quiet before it is silent
 * @request_timeout_ms: how long a fault asks before SIGBUS
 * @data_driven_timeout_ms: how long a data-driven fault waits before it
 *	asks (0: for ever)
 * @socket_buffer: bytes of packets its socket may hold unread (0 while
 *	down)
 * @reserved: zero
 * @epoch: the epoch it came up under (0: down)
 *
 * The timeouts are those the host's current space was made with (the
 * module parameters then), up or not.
 */
struct mether_status {
	struct mether_up up;
	__u32 flags;
	__u32 host_timeout_ms;
	__u32 request_timeout_ms;
	__u32 data_driven_timeout_ms;
	__u32 socket_buffer;
	__u32 reserved;
	__u64 epoch;
};

/**
 * struct mether_reclaimed - one page a reclaim gave a new owner
 * @page: page number
 * @version: the version it was recovered at: the newest any survivor had
 * @behind: versions between that and the newest one heard of, which no
 *	survivor had (0: nothing published was lost)
 * @owner: the host that holds it now
 * @reserved: 0
 */
struct mether_reclaimed {
	__u64 page;
	__u64 version;
	__u64 behind;
	__u32 owner;
	__u32 reserved;
};

/**
 * struct mether_reclaim - METHER_IOC_RECLAIM: give a silent host's pages
 * to the survivors (CAP_NET_ADMIN)
 * @host_id: the silent host
 * @timeout_ms: how long to wait for the survivors (0: 10 s)
 * @pages: in: entries @result has room for; out: pages reclaimed (which
 *	may be more than there was room for)
 * @reserved: 0
 * @result: user pointer to an array of struct mether_reclaimed, or 0
 * @epoch: in: the epoch of @host_id whose pages are reclaimed, with every
 *	older one (0: the newest heard, which must be silent); an epoch
 *	older than the newest heard may be reclaimed while the host is
 *	alive: it restarted, and holds nothing of it. out: the epoch
 */
struct mether_reclaim {
	__u32 host_id;
	__u32 timeout_ms;
	__u32 pages;
	__u32 reserved;
	__u64 result;
	__u64 epoch;
};

/**
 * struct mether_wait - METHER_IOC_WAIT: wait until this host has a copy of
 * a page, as a fault through a read-only view would, but with an error
 * (EHOSTUNREACH, ETIMEDOUT) where the fault would end in SIGBUS or wait on
 * @addr: a page-aligned address in one of the caller's read-only
 *	mappings; its view says how much of the page (full or short) and
 *	how: a demand-driven view asks for the page, a data-driven view
 *	waits for a copy to pass by and asks once each
 *	data_driven_timeout_ms (a module parameter) it waits without one
 * @timeout_ms: wait at most this long (0: do not wait)
 * @reserved: 0
 */
struct mether_wait {
	__u64 addr;
	__u32 timeout_ms;
	__u32 reserved;
};

/**
 * struct mether_purge_wait - METHER_IOC_PURGE_WAIT (API 11): a turn of a
 * protocol that writes one page and waits for another, in one call
 * @purge: ranges to PURGE, in order, as METHER_IOC_PURGE does (all zero:
 *	none): typically the page just written, which is published, then
 *	the read-only page waited for, whose stale copy is dropped
 * @wait: then, if @timeout_ms is not 0, wait for a copy of the page at
 *	this address, as METHER_IOC_WAIT does (0 when @timeout_ms is 0)
 * @timeout_ms: wait at most this long (0: do not wait)
 * @reserved: 0
 *
 * The paper's final protocol takes two PURGEs and a fault that waits in
 * each turn; this is the same in one system call, as a UDP ping-pong's
 * turn is a send and a receive. A reserved field set, a range that is
 * not whole pages, and a wait address outside the caller's read-only
 * mappings fail with EINVAL or ENOMEM before anything is done. The
 * pages of the ranges are found as they are purged: an error then (a
 * page outside the caller's mappings: ENOMEM) leaves the pages before
 * it purged. The errors are METHER_IOC_PURGE's, then METHER_IOC_WAIT's
 * (but for EAGAIN: a @timeout_ms of 0 does not wait). A copy that came
 * is mapped at @wait before the call returns, so that reading it does
 * not fault; it then counts as seen, as if read (a PURGE through a
 * data-driven view drops it).
 */
struct mether_purge_wait {
	struct mether_range purge[2];
	__u64 wait;
	__u32 timeout_ms;
	__u32 reserved;
};

/*
 * STATS, PEERS and STATUS only read, and grow only by fields appended at
 * their ends: the size in their numbers is the caller's struct's, and the
 * module answers any size from METHER_READ_SIZE_MIN bytes up, as DRM's
 * ioctls do. It fills as many bytes as it and the caller both know, and
 * zeroes the caller's bytes past its own, so a program built against an
 * older or a newer header goes on working (API 9). Nothing before a
 * struct's end ever moves (the module checks the offsets when it is
 * built): struct mether_up, inside STATUS, never grows; STATS keeps room
 * for new packet types and drop reasons; PEERS fills no more hosts than
 * the caller's array holds, and says so in count.
 */
#define METHER_READ_SIZE_MIN	8

/*
 * A code Documentation/userspace-api/ioctl/ioctl-number.rst gives nobody
 * (tests/api-build.sh checks it); it was 0xb7 before API version 6.
 */
#define METHER_IOC_MAGIC	0xe7
#define METHER_IOC_INFO		_IOR(METHER_IOC_MAGIC, 0x00, struct mether_info)
/* Invalidate (read-only) or publish (writeable) every page of a range. */
#define METHER_IOC_PURGE	_IOW(METHER_IOC_MAGIC, 0x01, struct mether_range)
/* For servers: complete the pending PURGE of the page at a device offset. */
#define METHER_IOC_DO_PURGE	_IOW(METHER_IOC_MAGIC, 0x02, __u64)
/* Lock or unlock the page (and view) at an address of the caller's. */
#define METHER_IOC_LOCK		_IOW(METHER_IOC_MAGIC, 0x03, __u64)
#define METHER_IOC_UNLOCK	_IOW(METHER_IOC_MAGIC, 0x04, __u64)
#define METHER_IOC_PAGE_STATE	_IOWR(METHER_IOC_MAGIC, 0x05, struct mether_page_state)
/* Join or leave the cluster (CAP_NET_ADMIN), and read the counters. */
#define METHER_IOC_UP		_IOW(METHER_IOC_MAGIC, 0x06, struct mether_up)
#define METHER_IOC_DOWN		_IO(METHER_IOC_MAGIC, 0x07)
#define METHER_IOC_STATS	_IOR(METHER_IOC_MAGIC, 0x08, struct mether_stats)
/* Set the cluster key (CAP_NET_ADMIN); it is never read back. */
#define METHER_IOC_SET_KEY	_IOW(METHER_IOC_MAGIC, 0x09, struct mether_key)
/* Mint a capability (CAP_SYS_ADMIN): the kernel fills in the token. */
#define METHER_IOC_SEGMENT_GRANT	_IOWR(METHER_IOC_MAGIC, 0x0a, struct mether_segment)
/* Let this file map a segment, if the token proves the capability. */
#define METHER_IOC_SEGMENT_ATTACH	_IOW(METHER_IOC_MAGIC, 0x0b, struct mether_segment)
/* The hosts heard, and which are silent. */
#define METHER_IOC_PEERS	_IOR(METHER_IOC_MAGIC, 0x0c, struct mether_peers)
/* Reclaim a silent host's pages (CAP_NET_ADMIN). */
#define METHER_IOC_RECLAIM	_IOWR(METHER_IOC_MAGIC, 0x0d, struct mether_reclaim)
/* Wait for a copy of the page at an address of the caller's (API 7). */
#define METHER_IOC_WAIT		_IOW(METHER_IOC_MAGIC, 0x0e, struct mether_wait)
/* METHER_IOC_UP and the key, at once (CAP_NET_ADMIN; API 8). */
#define METHER_IOC_UP_KEYED	_IOW(METHER_IOC_MAGIC, 0x0f, struct mether_up_keyed)
/* This host's configuration, read back (API 9). */
#define METHER_IOC_STATUS	_IOR(METHER_IOC_MAGIC, 0x10, struct mether_status)
/* PURGE up to two ranges, then wait for a copy of a page (API 11). */
#define METHER_IOC_PURGE_WAIT	_IOW(METHER_IOC_MAGIC, 0x11, struct mether_purge_wait)

/*
 * Only 64-bit processes can use Mether: the views of a page lie
 * METHER_VIEW_SPAN (4 GiB) apart, and a mapping's addresses must match
 * its offsets modulo METHER_SPACE_SIZE (32 GiB), which a 32-bit address
 * space cannot hold. The ioctls reach the module from 32-bit processes
 * too (compat_ioctl), but this header gives them no pointer helpers, and
 * libmether refuses to build for them.
 */
#if !defined(__KERNEL__) && __BITS_PER_LONG == 64
/* Offset of @p inside the space (as given to mmap) */
static __inline__ __u64 mether_offset_of(const void *p)
{
	return (unsigned long)p & (METHER_SPACE_SIZE - 1);
}

/* View bits of @p */
static __inline__ unsigned int mether_view_of(const void *p)
{
	return mether_offset_of(p) >> METHER_VIEW_SHIFT;
}

/* The same byte of the same page as @p, seen through @view */
static __inline__ void *mether_view_ptr(const void *p, unsigned int view)
{
	unsigned long a = (unsigned long)p;

	a &= ~((unsigned long)(METHER_VIEWS - 1) << METHER_VIEW_SHIFT);
	a |= (unsigned long)(view & (METHER_VIEWS - 1)) << METHER_VIEW_SHIFT;
	return (void *)a;
}
#endif

#endif /* _UAPI_LINUX_METHER_H */
