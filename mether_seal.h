/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Mether: the cluster keys, the packet seal and the replay window.
 */
#ifndef _METHER_SEAL_H
#define _METHER_SEAL_H

#include <crypto/chacha20poly1305.h>
#include <linux/bitops.h>
#include <linux/mether.h>
#include <linux/types.h>

#include "mether_wire.h"

/**
 * struct mether_keys - a host's keys
 * @key: [0] the current key, which seals; [1] the other, which only opens
 * @has: which of them are set
 */
struct mether_keys {
	u8 key[2][METHER_KEY_SIZE];
	bool has[2];
};

struct mether_space;

void mether_keys_get(struct mether_space *space, struct mether_keys *keys);
void mether_keys_copy(struct mether_space *to, struct mether_space *from);
bool mether_key_usable(const u8 *key);
int mether_keys_update(struct mether_keys *keys, const struct mether_key *k);
int mether_space_set_key(struct mether_space *space,
			 const struct mether_key *key);
void mether_space_only_key(struct mether_space *space, const u8 *key);

void mether_seal(struct mether_wire_header *hdr, size_t payload_len,
		 const u8 key[METHER_KEY_SIZE]);
bool mether_unseal(struct mether_wire_header *hdr, size_t sealed_len,
		   const struct mether_keys *keys);

/* Packets of one sender's epoch accepted out of order, at most this far. */
#define METHER_REPLAY_WINDOW	1024

/**
 * struct mether_replay - what one sender has sent us (RFC 6479's window)
 * @epoch: the sender's epoch; older ones are refused
 * @top: the highest counter accepted in it (0: none)
 * @seen: counters accepted, bit (counter % METHER_REPLAY_WINDOW), for the
 *	METHER_REPLAY_WINDOW counters up to @top
 */
struct mether_replay {
	u64 epoch;
	u64 top;
	unsigned long seen[BITS_TO_LONGS(METHER_REPLAY_WINDOW)];
};

enum mether_replay_verdict {
	METHER_REPLAY_FRESH,
	METHER_REPLAY_SEEN,	/* a replay, or too old to tell */
	METHER_REPLAY_OLD_EPOCH,
};

u64 mether_seal_epoch(u64 last, u64 now_ns, u32 random);
void mether_replay_floor(struct mether_replay *r, u64 epoch, u64 counter);
enum mether_replay_verdict mether_replay_check(struct mether_replay *r,
					       u64 epoch, u64 counter);

#endif /* _METHER_SEAL_H */
