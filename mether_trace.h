/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Mether: tracepoints (Documentation/tracing.rst). Events of the
 * "mether" system: faults and their waits, purges, packets sent and
 * received, drops, and the consistent copy moving.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM mether

#if !defined(_METHER_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _METHER_TRACE_H

#include <linux/mether.h>
#include <linux/tracepoint.h>

#define mether_show_type(type)						\
	__print_symbolic(type, { 1, "PAGE" }, { 2, "REQUEST" },		\
			 { 3, "ACK" }, { 4, "HELLO" }, { 5, "RECLAIM" },	\
			 { 6, "OFFER" }, { 7, "GRANT" })

#define mether_show_view(view)						\
	__print_symbolic(view, { 0, "full" }, { 1, "short" },		\
			 { 4, "full-data" }, { 5, "short-data" })

/*
 * enum mether_drop_reason by the uapi's constants, so the numbers can
 * never drift from it; TRACE_DEFINE_ENUM lets tools that read the format
 * file decode them too.
 */
TRACE_DEFINE_ENUM(METHER_DROP_TRUNCATED);
TRACE_DEFINE_ENUM(METHER_DROP_BAD_MAGIC);
TRACE_DEFINE_ENUM(METHER_DROP_BAD_VERSION);
TRACE_DEFINE_ENUM(METHER_DROP_OWN);
TRACE_DEFINE_ENUM(METHER_DROP_BAD_SEAL);
TRACE_DEFINE_ENUM(METHER_DROP_BAD_TYPE);
TRACE_DEFINE_ENUM(METHER_DROP_BAD_FLAGS);
TRACE_DEFINE_ENUM(METHER_DROP_FOREIGN_CLUSTER);
TRACE_DEFINE_ENUM(METHER_DROP_BAD_SENDER);
TRACE_DEFINE_ENUM(METHER_DROP_BAD_SUBSET);
TRACE_DEFINE_ENUM(METHER_DROP_OUT_OF_RANGE);
TRACE_DEFINE_ENUM(METHER_DROP_BAD_LENGTH);
TRACE_DEFINE_ENUM(METHER_DROP_STALE_TARGET);
TRACE_DEFINE_ENUM(METHER_DROP_REPLAYED);
TRACE_DEFINE_ENUM(METHER_DROP_OLD_EPOCH);
TRACE_DEFINE_ENUM(METHER_DROP_TOO_MANY_PEERS);
TRACE_DEFINE_ENUM(METHER_DROP_RECLAIMED);
TRACE_DEFINE_ENUM(METHER_DROP_RATE_LIMITED);
TRACE_DEFINE_ENUM(METHER_DROP_UNVERIFIED);

#define mether_show_reason(reason)					\
	__print_symbolic(reason,					\
			 { METHER_DROP_TRUNCATED, "truncated" },	\
			 { METHER_DROP_BAD_MAGIC, "bad_magic" },	\
			 { METHER_DROP_BAD_VERSION, "bad_version" },	\
			 { METHER_DROP_OWN, "own" },			\
			 { METHER_DROP_BAD_SEAL, "bad_seal" },		\
			 { METHER_DROP_BAD_TYPE, "bad_type" },		\
			 { METHER_DROP_BAD_FLAGS, "bad_flags" },	\
			 { METHER_DROP_FOREIGN_CLUSTER, "foreign_cluster" },	\
			 { METHER_DROP_BAD_SENDER, "bad_sender" },	\
			 { METHER_DROP_BAD_SUBSET, "bad_subset" },	\
			 { METHER_DROP_OUT_OF_RANGE, "out_of_range" },	\
			 { METHER_DROP_BAD_LENGTH, "bad_length" },	\
			 { METHER_DROP_STALE_TARGET, "stale_target" },	\
			 { METHER_DROP_REPLAYED, "replayed" },		\
			 { METHER_DROP_OLD_EPOCH, "old_epoch" },	\
			 { METHER_DROP_TOO_MANY_PEERS, "too_many_peers" },	\
			 { METHER_DROP_RECLAIMED, "reclaimed" },	\
			 { METHER_DROP_RATE_LIMITED, "rate_limited" },	\
			 { METHER_DROP_UNVERIFIED, "unverified" })

TRACE_EVENT(mether_fault,
	    TP_PROTO(u64 page, unsigned int view, bool writeable, int result),
	    TP_ARGS(page, view, writeable, result),
	    TP_STRUCT__entry(__field(u64, page)
			     __field(unsigned int, view)
			     __field(bool, writeable)
			     __field(int, result)),
	    TP_fast_assign(__entry->page = page;
			   __entry->view = view;
			   __entry->writeable = writeable;
			   __entry->result = result;),
	    TP_printk("page=%llu view=%s copy=%s result=%s", __entry->page,
		      mether_show_view(__entry->view),
		      __entry->writeable ? "consistent" : "inconsistent",
		      __print_symbolic(__entry->result, { 0, "mapped" },
				       { -EAGAIN, "wait" }, { -ENOMEM, "oom" },
				       { -ETIMEDOUT, "sigbus-timeout" },
				       { -ENOTCONN, "sigbus-alone" }))
);

TRACE_EVENT(mether_fault_wait,
	    TP_PROTO(u64 page, unsigned int view, bool writeable,
		     u64 waited_ns, bool arrived),
	    TP_ARGS(page, view, writeable, waited_ns, arrived),
	    TP_STRUCT__entry(__field(u64, page)
			     __field(u64, waited_ns)
			     __field(unsigned int, view)
			     __field(bool, writeable)
			     __field(bool, arrived)),
	    TP_fast_assign(__entry->page = page;
			   __entry->waited_ns = waited_ns;
			   __entry->view = view;
			   __entry->writeable = writeable;
			   __entry->arrived = arrived;),
	    TP_printk("page=%llu view=%s copy=%s waited_ns=%llu arrived=%d",
		      __entry->page, mether_show_view(__entry->view),
		      __entry->writeable ? "consistent" : "inconsistent",
		      __entry->waited_ns, __entry->arrived)
);

TRACE_EVENT(mether_purge,
	    TP_PROTO(u64 page, unsigned int subset, bool writeable,
		     int result),
	    TP_ARGS(page, subset, writeable, result),
	    TP_STRUCT__entry(__field(u64, page)
			     __field(unsigned int, subset)
			     __field(bool, writeable)
			     __field(int, result)),
	    TP_fast_assign(__entry->page = page;
			   __entry->subset = subset;
			   __entry->writeable = writeable;
			   __entry->result = result;),
	    TP_printk("page=%llu subset=%s copy=%s result=%d", __entry->page,
		      __entry->subset ? "short" : "full",
		      __entry->writeable ? "consistent" : "inconsistent",
		      __entry->result)
);

DECLARE_EVENT_CLASS(mether_packet,
		    TP_PROTO(u32 self, u8 type, u8 flags, u32 peer, u64 page,
			     u64 version, size_t bytes),
		    TP_ARGS(self, type, flags, peer, page, version, bytes),
		    TP_STRUCT__entry(__field(u64, page)
				     __field(u64, version)
				     __field(size_t, bytes)
				     __field(u32, self)
				     __field(u32, peer)
				     __field(u8, type)
				     __field(u8, flags)),
		    TP_fast_assign(__entry->page = page;
				   __entry->version = version;
				   __entry->bytes = bytes;
				   __entry->self = self;
				   __entry->peer = peer;
				   __entry->type = type;
				   __entry->flags = flags;),
		    TP_printk("host=%u peer=%u type=%s flags=0x%x page=%llu version=%llu bytes=%zu",
			      __entry->self, __entry->peer,
			      mether_show_type(__entry->type), __entry->flags,
			      __entry->page, __entry->version, __entry->bytes)
);

/* peer: the target (0: everyone) */
DEFINE_EVENT(mether_packet, mether_packet_tx,
	     TP_PROTO(u32 self, u8 type, u8 flags, u32 peer, u64 page,
		      u64 version, size_t bytes),
	     TP_ARGS(self, type, flags, peer, page, version, bytes)
);

/* peer: the sender */
DEFINE_EVENT(mether_packet, mether_packet_rx,
	     TP_PROTO(u32 self, u8 type, u8 flags, u32 peer, u64 page,
		      u64 version, size_t bytes),
	     TP_ARGS(self, type, flags, peer, page, version, bytes)
);

TRACE_EVENT(mether_drop,
	    TP_PROTO(u32 self, int reason, size_t bytes),
	    TP_ARGS(self, reason, bytes),
	    TP_STRUCT__entry(__field(size_t, bytes)
			     __field(u32, self)
			     __field(int, reason)),
	    TP_fast_assign(__entry->bytes = bytes;
			   __entry->self = self;
			   __entry->reason = reason;),
	    TP_printk("host=%u reason=%s bytes=%zu", __entry->self,
		      mether_show_reason(__entry->reason), __entry->bytes)
);

/* The consistent copy of @page, at @version, moved from @from to @to. */
TRACE_EVENT(mether_handoff,
	    TP_PROTO(u64 page, u64 version, u32 from, u32 to,
		     bool reclaimed),
	    TP_ARGS(page, version, from, to, reclaimed),
	    TP_STRUCT__entry(__field(u64, page)
			     __field(u64, version)
			     __field(u32, from)
			     __field(u32, to)
			     __field(bool, reclaimed)),
	    TP_fast_assign(__entry->page = page;
			   __entry->version = version;
			   __entry->from = from;
			   __entry->to = to;
			   __entry->reclaimed = reclaimed;),
	    TP_printk("page=%llu version=%llu from=%u to=%u%s", __entry->page,
		      __entry->version, __entry->from, __entry->to,
		      __entry->reclaimed ? " reclaimed" : "")
);

#endif /* _METHER_TRACE_H */

/* An out-of-tree module's trace header is found from its own directory. */
#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE mether_trace
#include <trace/define_trace.h>
