// SPDX-License-Identifier: GPL-2.0
/*
 * Mether: building and parsing packets. Every field that comes from the
 * network is checked here, before anything else looks at the packet; the
 * rest of the module sees only a struct mether_wire_msg.
 */
#include <linux/bits.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/mether.h>
#include <asm/unaligned.h>

#include "mether_wire.h"

static_assert(sizeof(struct mether_wire_header) == 50);
static_assert(sizeof(struct mether_wire_reclaim) == 16);
static_assert(sizeof(struct mether_wire_offer) == 32);
/* The uapi counts drops by reason in this order, from 1. */

/**
 * mether_wire_payload_bytes() - the payload a packet must carry
 * @type: the packet's type
 * @subset: the packet's subset
 *
 * Return: the subset's length on the wire for PAGE, a whole page for
 * OFFER, the reclaimed host for RECLAIM, 0 for other types.
 */
size_t mether_wire_payload_bytes(enum mether_wire_type type,
				 unsigned int subset)
{
	switch (type) {
	case METHER_MSG_PAGE:
		return subset == METHER_SUBSET_FULL ? METHER_WIRE_PAGE_SIZE :
						      METHER_SHORT_SIZE;
	case METHER_MSG_OFFER:
		return METHER_WIRE_PAGE_SIZE;
	case METHER_MSG_RECLAIM:
		return sizeof(struct mether_wire_reclaim);
	default:
		return 0;
	}
}

static unsigned int mether_wire_type_flags(enum mether_wire_type type)
{
	switch (type) {
	case METHER_MSG_PAGE:
		return METHER_WIRE_HANDOFF | METHER_WIRE_SHORT;
	case METHER_MSG_REQUEST:
		return METHER_WIRE_CONSISTENT | METHER_WIRE_HAVE_TAIL |
		       METHER_WIRE_SHORT;
	case METHER_MSG_ACK:
		return METHER_WIRE_NEED_FULL | METHER_WIRE_GRANTED;
	case METHER_MSG_RECLAIM:
		return METHER_WIRE_RECLAIM_DONE | METHER_WIRE_RECLAIM_NOTICE;
	case METHER_MSG_HELLO:
		return METHER_WIRE_CHALLENGE | METHER_WIRE_ANSWER;
	default:
		return 0;
	}
}

/*
 * A CHALLENGE or an ANSWER is one of the two, and aimed at one host; so
 * is a RECLAIM's NOTICE (never with DONE).
 */
static bool mether_wire_bad_aim(const struct mether_wire_header *hdr)
{
	unsigned int flags = hdr->flags & METHER_WIRE_TYPE_FLAGS;

	if (hdr->type == METHER_MSG_RECLAIM &&
	    (flags & METHER_WIRE_RECLAIM_NOTICE))
		return flags != METHER_WIRE_RECLAIM_NOTICE || !hdr->target;
	return hdr->type == METHER_MSG_HELLO && flags &&
	       (flags == (METHER_WIRE_CHALLENGE | METHER_WIRE_ANSWER) ||
		!hdr->target);
}

/*
 * A version a key holder sets near 2^63 would make the next change of the
 * page, one higher, a version every host refuses: the page could never
 * move again. Broadcast, one packet would do that to every host's copy.
 * So above METHER_WIRE_VERSION_CEIL a version is taken only from a packet
 * aimed at this host: a handoff, a GRANT or an ACK, from the host that
 * held the page (or the reclaim's coordinator), which could as well keep
 * the page. A HELLO's page_version is a nonce, not a version.
 */
static bool mether_wire_version_out(const struct mether_wire_header *hdr,
				    const struct mether_wire_limits *lim)
{
	u64 version = be64_to_cpu(hdr->page_version);

	if (version >= METHER_WIRE_VERSION_MAX)
		return true;
	return version > METHER_WIRE_VERSION_CEIL &&
	       hdr->type != METHER_MSG_HELLO &&
	       be32_to_cpu(hdr->target) != lim->self;
}

/**
 * mether_wire_next_counter() - number the next packet a host sends
 * @last: the last number it sent in this epoch (0: none yet); advanced
 *
 * A counter used twice would reuse a nonce under the key, so once the
 * 48 bits are spent the host sends nothing more in this epoch.
 *
 * Return: the packet's number, or 0 (and @last unchanged) when they are
 * spent.
 */
u64 mether_wire_next_counter(u64 *last)
{
	if (mether_wire_counter_spent(*last))
		return 0;
	return ++*last;
}

/**
 * mether_wire_tag_bytes() - the tag a packet carries after its payload
 * @seal: METHER_SEAL_*
 *
 * Return: METHER_WIRE_TAG_SIZE for a sealed packet, else 0.
 */
size_t mether_wire_tag_bytes(u8 seal)
{
	return seal == METHER_SEAL_XCHACHA ? METHER_WIRE_TAG_SIZE : 0;
}

/**
 * mether_wire_frame() - the checks a packet passes before it is unsealed
 * @data: the UDP payload
 * @len: its length
 * @lim: what this host accepts
 *
 * Only what unsealing needs is looked at: that the packet is a Mether
 * packet of this version, sealed as this host's cluster seals; and
 * whether it claims to be this host's own. A host that hears its own
 * packets (a broadcast looped back by a VRF with a queue) would pay a
 * decryption for each, for nothing; a forgery that claims this host's
 * name changes nothing either. Both are dropped here, unopened.
 *
 * Return: 0, or the negated enum mether_drop_reason of the first check
 * that failed.
 */
int mether_wire_frame(const void *data, size_t len,
		      const struct mether_wire_limits *lim)
{
	const struct mether_wire_header *hdr = data;

	if (len < sizeof(*hdr) + mether_wire_tag_bytes(lim->seal))
		return -METHER_DROP_TRUNCATED;
	if (hdr->magic != METHER_WIRE_MAGIC)
		return -METHER_DROP_BAD_MAGIC;
	if (hdr->version != METHER_WIRE_VERSION)
		return -METHER_DROP_BAD_VERSION;
	if (be32_to_cpu(hdr->sender) == lim->self &&
	    be32_to_cpu(hdr->cluster) == lim->cluster)
		return -METHER_DROP_OWN;
	if (!(hdr->flags & METHER_WIRE_SEALED) !=
	    !mether_wire_tag_bytes(lim->seal))
		return -METHER_DROP_BAD_SEAL;
	return 0;
}

/**
 * mether_wire_elsewhere() - is a packet a proof between two other hosts?
 * @hdr: its header, past mether_wire_frame() and not opened
 * @lim: what this host accepts
 *
 * A CHALLENGE or an ANSWER concerns its sender and its target only,
 * yet goes to every host. Opening each would cost every host every
 * other pair's proofs: with 33 hosts coming up, the hosts that came last
 * opened the others' proofs so late that their own ANSWERs were stale
 * on arrival, and they never proved anyone (bench/guest/scaling.sh).
 * Trusting the cleartext for this is safe: the seal covers the header,
 * so a packet whose target was changed to send it elsewhere would not
 * have opened here either. A packet of another cluster goes on to be
 * opened, and counted where it fails. Because nobody else opens them, a
 * host's proofs do not count as its being heard: mether_net_send() keeps
 * saying HELLO meanwhile.
 *
 * Return: true for a HELLO with CHALLENGE or ANSWER of this cluster,
 * aimed at another host.
 */
bool mether_wire_elsewhere(const struct mether_wire_header *hdr,
			   const struct mether_wire_limits *lim)
{
	return mether_wire_proof(hdr->type, hdr->flags) &&
	       be32_to_cpu(hdr->cluster) == lim->cluster &&
	       be32_to_cpu(hdr->target) != lim->self;
}

/**
 * mether_wire_parse() - check an unsealed packet and decode it
 * @data: the UDP payload, past mether_wire_frame() and unsealed
 * @len: its length, without the tag
 * @lim: what this host accepts
 * @msg: filled on success; @msg->payload points into @data
 *
 * Return: 0, or the negated enum mether_drop_reason of the first check
 * that failed.
 */
int mether_wire_parse(const void *data, size_t len,
		      const struct mether_wire_limits *lim,
		      struct mether_wire_msg *msg)
{
	const struct mether_wire_header *hdr = data;
	unsigned int subset;
	size_t length;

	if (len < sizeof(*hdr))
		return -METHER_DROP_TRUNCATED;
	if (hdr->type < METHER_MSG_PAGE || hdr->type >= METHER_MSG_TYPES)
		return -METHER_DROP_BAD_TYPE;
	/* SEALED was checked; SHORT is for the types about a subset. */
	if ((hdr->flags & ~METHER_WIRE_SEALED &
	     ~mether_wire_type_flags(hdr->type)) || mether_wire_bad_aim(hdr))
		return -METHER_DROP_BAD_FLAGS;
	if (be32_to_cpu(hdr->cluster) != lim->cluster)
		return -METHER_DROP_FOREIGN_CLUSTER;
	if (!hdr->sender)
		return -METHER_DROP_BAD_SENDER;
	subset = hdr->flags & METHER_WIRE_SHORT ? METHER_SUBSET_SHORT :
						  METHER_SUBSET_FULL;
	if (be32_to_cpu(hdr->page) >= lim->pages ||
	    mether_wire_version_out(hdr, lim))
		return -METHER_DROP_OUT_OF_RANGE;
	length = mether_wire_payload_bytes(hdr->type, subset);
	if (len != sizeof(*hdr) + length)
		return -METHER_DROP_BAD_LENGTH;
	/*
	 * Meant for an earlier (or later) life of this host: a replay, or
	 * a handoff sent before it restarted, which it must not take. Of
	 * its epoch, only the part drawn at random at UP travels: one life
	 * of this host is taken for another once in 2^32.
	 */
	if (be32_to_cpu(hdr->target) == lim->self &&
	    be32_to_cpu(hdr->target_epoch) != lower_32_bits(lim->epoch))
		return -METHER_DROP_STALE_TARGET;

	msg->type = hdr->type;
	msg->subset = subset;
	msg->flags = hdr->flags & METHER_WIRE_TYPE_FLAGS;
	msg->sender = be32_to_cpu(hdr->sender);
	msg->target = be32_to_cpu(hdr->target);
	msg->seq = be32_to_cpu(hdr->seq);
	msg->page = be32_to_cpu(hdr->page);
	msg->version = be64_to_cpu(hdr->page_version);
	msg->epoch = be64_to_cpu(hdr->epoch);
	msg->counter = get_unaligned_be48(hdr->counter);
	msg->target_epoch = be32_to_cpu(hdr->target_epoch);
	msg->length = length;
	msg->payload = hdr + 1;
	return 0;
}

/**
 * mether_wire_build() - fill in a header for @msg
 * @hdr: the header to fill; the payload follows it
 * @lim: the sender's cluster and seal
 * @msg: what to send; @msg->sender is this host, and @msg->epoch and
 *	@msg->counter are its own
 */
void mether_wire_build(struct mether_wire_header *hdr,
		       const struct mether_wire_limits *lim,
		       const struct mether_wire_msg *msg)
{
	unsigned int flags = msg->flags;

	if (msg->subset == METHER_SUBSET_SHORT)
		flags |= METHER_WIRE_SHORT;
	if (lim->seal == METHER_SEAL_XCHACHA)
		flags |= METHER_WIRE_SEALED;
	*hdr = (struct mether_wire_header) {
		.magic = METHER_WIRE_MAGIC,
		.version = METHER_WIRE_VERSION,
		.type = msg->type,
		.flags = flags,
		.cluster = cpu_to_be32(lim->cluster),
		.sender = cpu_to_be32(msg->sender),
		.target = cpu_to_be32(msg->target),
		.target_epoch = cpu_to_be32(lower_32_bits(msg->target_epoch)),
		.seq = cpu_to_be32(msg->seq),
		.page = cpu_to_be32(msg->page),
		.page_version = cpu_to_be64(msg->version),
		.epoch = cpu_to_be64(msg->epoch),
	};
	put_unaligned_be48(msg->counter, hdr->counter);
}
