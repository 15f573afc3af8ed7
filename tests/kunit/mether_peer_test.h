/* SPDX-License-Identifier: GPL-2.0 */
/*
 * KUnit helpers: packets as mether_peer_accept() sees them, and a host
 * that proves its epoch by answering the CHALLENGE it earns.
 */
#ifndef _METHER_PEER_TEST_H
#define _METHER_PEER_TEST_H

#include "../../mether_peer.h"
#include "../../mether_wire.h"

/* The host the peer table belongs to. */
#define PEER_SELF	1u

/* A HELLO (or, with @flags, a CHALLENGE or ANSWER) of @sender. */
static inline struct mether_wire_msg peer_msg(u32 sender, u64 epoch,
					      u64 counter, unsigned int flags,
					      u64 nonce)
{
	return (struct mether_wire_msg) {
		.type = METHER_MSG_HELLO,
		.flags = flags,
		.sender = sender,
		.target = flags ? PEER_SELF : 0,
		.version = nonce,
		.epoch = epoch,
		.counter = counter,
	};
}

static inline int peer_accept(struct mether_peer_table *t, u32 sender,
			      u64 epoch, u64 counter,
			      struct mether_challenge *c)
{
	struct mether_wire_msg msg = peer_msg(sender, epoch, counter, 0, 0);

	return mether_peer_accept(t, PEER_SELF, &msg, c);
}

/*
 * @sender says HELLO in @epoch, is challenged, and answers with packet
 * @counter. Return: mether_peer_accept()'s verdict on the ANSWER, or
 * -EAGAIN when no CHALLENGE came.
 */
static inline int peer_join(struct mether_peer_table *t, u32 sender,
			    u64 epoch, u64 counter)
{
	struct mether_challenge c;
	struct mether_wire_msg msg;

	peer_accept(t, sender, epoch, counter - 1, &c);
	if (c.host != sender || c.epoch != epoch)
		return -EAGAIN;
	msg = peer_msg(sender, epoch, counter, METHER_WIRE_ANSWER, c.nonce);
	return mether_peer_accept(t, PEER_SELF, &msg, &c);
}

#endif /* _METHER_PEER_TEST_H */
