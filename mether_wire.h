/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Mether: the wire format (Documentation/wire.rst), in one place.
 */
#ifndef _METHER_WIRE_H
#define _METHER_WIRE_H

#include <linux/bits.h>
#include <linux/mether.h>
#include <linux/types.h>

#define METHER_WIRE_MAGIC	0x4d		/* "M" */
#define METHER_WIRE_VERSION	6
/* The full page on the wire, whatever the host's PAGE_SIZE. */
#define METHER_WIRE_PAGE_SIZE	4096

enum mether_wire_type {
	METHER_MSG_PAGE = 1,	/* a copy of a page, to everyone */
	METHER_MSG_REQUEST = 2,	/* asks the holder for a page */
	METHER_MSG_ACK = 3,	/* a handed-off consistent copy arrived */
	METHER_MSG_HELLO = 4,	/* "still here", from a host that was quiet */
	METHER_MSG_RECLAIM = 5,	/* a silent host's pages are reclaimed */
	METHER_MSG_OFFER = 6,	/* what a survivor holds, for a reclaim */
	METHER_MSG_GRANT = 7,	/* a survivor becomes a reclaimed page's owner */
	METHER_MSG_TYPES
};

/*
 * The header's flags: the low six bits are the type's own (below), the
 * top two say how the payload is carried, whatever the type.
 */
#define METHER_WIRE_TYPE_FLAGS	0x3f
/* The packet is about the short subset of its page. */
#define METHER_WIRE_SHORT	0x40
/* A Poly1305 tag follows the payload, which is encrypted. */
#define METHER_WIRE_SEALED	0x80
/* The sender's packet counter is 48 bits; no host sends past this one. */
#define METHER_WIRE_COUNTER_MAX	(BIT_ULL(48) - 1)

/* PAGE: the consistent copy is handed to the packet's target. */
#define METHER_WIRE_HANDOFF	0x01
/* REQUEST: the consistent copy is asked for, not any copy. */
#define METHER_WIRE_CONSISTENT	0x01
/*
 * REQUEST: the asker knows the page's bytes past the short subset as of
 * page_version, so a short handoff can carry the short subset alone.
 */
#define METHER_WIRE_HAVE_TAIL	0x02
/* ACK: a short handoff could not be used; send the whole page. */
#define METHER_WIRE_NEED_FULL	0x02
/* ACK: the target of a GRANT holds the page (echoes the GRANT's seq). */
#define METHER_WIRE_GRANTED	0x04
/* RECLAIM: the reclaim is over; survivors hand pages off again. */
#define METHER_WIRE_RECLAIM_DONE	0x01
/*
 * RECLAIM, aimed at the reclaimed host itself (target: it, at the epoch
 * its dropped packet came from): your pages of this epoch were reclaimed.
 */
#define METHER_WIRE_RECLAIM_NOTICE	0x02
/*
 * HELLO: prove your current epoch: echo page_version, a fresh nonce, in
 * an ANSWER (target: the challenged host, at the epoch it was heard in).
 */
#define METHER_WIRE_CHALLENGE	0x01
/* HELLO: the answer to a CHALLENGE; page_version echoes its nonce. */
#define METHER_WIRE_ANSWER	0x02
/* No page_version reaches this: a handoff's version + 1 never wraps. */
#define METHER_WIRE_VERSION_MAX	BIT_ULL(63)
/*
 * A version above this is taken only from a packet aimed at this host
 * (mether_wire_parse()). Versions grow by one a change, so no page of
 * honest hosts comes near it, and a host that took one at most this high
 * has 2^62 changes to make before METHER_WIRE_VERSION_MAX.
 */
#define METHER_WIRE_VERSION_CEIL	BIT_ULL(62)

/**
 * struct mether_wire_reclaim - the payload of a RECLAIM (big-endian)
 * @host: the host whose pages are reclaimed
 * @pause_ms: how long survivors hand off no page, at most, while the
 *	reclaim counts who holds what (ended early by RECLAIM_DONE)
 * @epoch: its last epoch heard; packets of this epoch or older from it
 *	are dropped from now on
 */
struct mether_wire_reclaim {
	__be32 host;
	__be32 pause_ms;
	__be64 epoch;
} __packed;

/* struct mether_wire_offer.flags */
#define METHER_OFFER_HELD	0x1	/* the sender holds the consistent copy */

/**
 * struct mether_wire_offer - one page in an OFFER (big-endian)
 * @version: version of the newest copy the sender has (0: none)
 * @seen: newest version of the page the sender has heard of
 * @owner: the host that version was sent by or handed to (0: unknown)
 * @flags: METHER_OFFER_*
 * @reserved: 0
 *
 * An OFFER's payload is a whole page of these, for the pages from its
 * page number on.
 */
struct mether_wire_offer {
	__be64 version;
	__be64 seen;
	__be32 owner;
	__be32 flags;
	__be64 reserved;
} __packed;

#define METHER_OFFERS_PER_PACKET \
	(METHER_WIRE_PAGE_SIZE / sizeof(struct mether_wire_offer))

/* The Poly1305 tag after a sealed packet's payload. */
#define METHER_WIRE_TAG_SIZE	16

/* How a packet is sealed (struct mether_wire_header.seal). */
#define METHER_SEAL_NONE	0	/* the cluster runs unsealed */
#define METHER_SEAL_XCHACHA	1	/* XChaCha20-Poly1305, 16-byte tag */

/**
 * struct mether_wire_header - what precedes every payload (big-endian)
 * @magic: METHER_WIRE_MAGIC
 * @version: METHER_WIRE_VERSION
 * @type: enum mether_wire_type
 * @flags: METHER_WIRE_* flags of the packet's type, with
 *	METHER_WIRE_SHORT and METHER_WIRE_SEALED
 * @cluster: the cluster both hosts belong to
 * @sender: host id of the sender (never 0)
 * @target: host id the packet is meant for; 0 for everyone
 * @target_epoch: the low 32 bits of the epoch of @target the packet is
 *	meant for (0 when @target is 0); a host drops a packet aimed at
 *	another of its epochs
 * @seq: the sender's sequence number, echoed by an ACK
 * @page: page number
 * @page_version: version of the copy carried, asked for or acknowledged
 * @epoch: the sender's epoch, chosen at UP (mether_seal_epoch()): never
 *	repeats, and grows while the module stays loaded
 * @counter: the sender's packet number in this epoch, from 1 (48 bits)
 *
 * Every byte is one a packet of the final protocol needs (wire.rst says
 * what each buys); the payload's length is the datagram's, less the
 * header and the tag. A sealed packet has a 16-byte tag after its
 * payload; the header is authenticated with it, and the payload
 * encrypted.
 */
struct mether_wire_header {
	u8 magic;
	u8 version;
	u8 type;
	u8 flags;
	__be32 cluster;
	__be32 sender;
	__be32 target;
	__be32 target_epoch;
	__be32 seq;
	__be32 page;
	__be64 page_version;
	__be64 epoch;
	u8 counter[6];
} __packed;

/*
 * Why a packet was dropped: enum mether_drop_reason, in the uapi header,
 * which also numbers struct mether_stats.drops. The parsers return a
 * reason negated, which is why reasons start at 1.
 */

/*
 * A packet that passed every check, in host order. @target_epoch is a
 * whole epoch when sent; only its low 32 bits travel, and that is what a
 * received one holds.
 */
struct mether_wire_msg {
	enum mether_wire_type type;
	unsigned int subset;
	unsigned int flags;
	u32 sender;
	u32 target;
	u32 seq;
	u64 page;
	u64 version;
	u64 epoch;
	u64 counter;
	u64 target_epoch;
	const void *payload;
	size_t length;
};

/* What the receiving host accepts. */
struct mether_wire_limits {
	u32 cluster;
	u32 self;
	u64 epoch;
	u64 pages;
	u8 seal;
};

/* @last, the last packet number sent, is the last one an epoch has. */
static inline bool mether_wire_counter_spent(u64 last)
{
	return last >= METHER_WIRE_COUNTER_MAX;
}

u64 mether_wire_next_counter(u64 *last);
size_t mether_wire_tag_bytes(u8 seal);
int mether_wire_frame(const void *data, size_t len,
		      const struct mether_wire_limits *lim);
/*
 * A CHALLENGE or an ANSWER: a proof between two hosts, which only they
 * open (mether_wire_elsewhere()). Nobody else hears a host by its proofs.
 */
static inline bool mether_wire_proof(u8 type, u8 flags)
{
	return type == METHER_MSG_HELLO &&
	       (flags & (METHER_WIRE_CHALLENGE | METHER_WIRE_ANSWER));
}

bool mether_wire_elsewhere(const struct mether_wire_header *hdr,
			   const struct mether_wire_limits *lim);
int mether_wire_parse(const void *data, size_t len,
		      const struct mether_wire_limits *lim,
		      struct mether_wire_msg *msg);
size_t mether_wire_payload_bytes(enum mether_wire_type type,
				 unsigned int subset);
void mether_wire_build(struct mether_wire_header *hdr,
		       const struct mether_wire_limits *lim,
		       const struct mether_wire_msg *msg);

#endif /* _METHER_WIRE_H */
