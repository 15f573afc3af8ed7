// SPDX-License-Identifier: GPL-2.0
/*
 * Mether: the cluster keys, the packet seal and the replay window.
 *
 * Every packet is sealed with XChaCha20-Poly1305 from lib/crypto (the
 * AEAD WireGuard uses), under the cluster key: the header is associated
 * data, so routing can read it but nobody can change it, and the payload
 * is encrypted. The 24-byte nonce is the sender, its epoch and its packet
 * counter, which are in the header: a nonce is never used twice under a
 * key as long as a host never comes up twice under one epoch
 * (mether_seal_epoch()) and its counter grows.
 * The extended nonce is why XChaCha, not ChaCha: every host of a cluster
 * shares the key, so nonces must differ between senders too.
 */
#include <linux/bitmap.h>
#include <linux/math64.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <asm/unaligned.h>
#include <crypto/chacha.h>

#include "mether_seal.h"
#include "mether_space.h"

static_assert(METHER_WIRE_TAG_SIZE == CHACHA20POLY1305_AUTHTAG_SIZE);

/**
 * mether_keys_get() - a snapshot of a space's keys
 * @space: the space
 * @keys: filled in; the caller wipes it with memzero_explicit() when done
 */
void mether_keys_get(struct mether_space *space, struct mether_keys *keys)
{
	spin_lock(&space->key_lock);
	*keys = space->keys;
	spin_unlock(&space->key_lock);
}

/**
 * mether_keys_copy() - give a new space the keys of the one it replaces
 * @to: the new space, not yet visible to anybody
 * @from: the old space
 */
void mether_keys_copy(struct mether_space *to, struct mether_space *from)
{
	mether_keys_get(from, &to->keys);
}

/**
 * mether_key_usable() - may @key seal a cluster?
 * @key: METHER_KEY_SIZE bytes
 *
 * A key of zeros is a buffer never filled in (a key file not read, a
 * structure left as it was made): everyone could guess it, and a cluster
 * sealed with it would look protected and not be.
 *
 * Return: false for a key of zeros.
 */
bool mether_key_usable(const u8 *key)
{
	return !!memchr_inv(key, 0, METHER_KEY_SIZE);
}

/**
 * mether_keys_update() - apply METHER_IOC_SET_KEY to a host's keys
 * @keys: the keys
 * @k: the request
 *
 * Return: 0, or -EINVAL for unknown flags or more than one, or a key of
 * zeros.
 */
int mether_keys_update(struct mether_keys *keys, const struct mether_key *k)
{
	if (k->flags != METHER_KEY_DROP_OLD && !mether_key_usable(k->key))
		return -EINVAL;
	switch (k->flags) {
	case 0:
		if (keys->has[0]) {
			memcpy(keys->key[1], keys->key[0], METHER_KEY_SIZE);
			keys->has[1] = true;
		}
		memcpy(keys->key[0], k->key, METHER_KEY_SIZE);
		keys->has[0] = true;
		return 0;
	case METHER_KEY_NEXT:
		memcpy(keys->key[1], k->key, METHER_KEY_SIZE);
		keys->has[1] = true;
		return 0;
	case METHER_KEY_DROP_OLD:
		memzero_explicit(keys->key[1], METHER_KEY_SIZE);
		keys->has[1] = false;
		return 0;
	case METHER_KEY_ONLY:
		memcpy(keys->key[0], k->key, METHER_KEY_SIZE);
		keys->has[0] = true;
		memzero_explicit(keys->key[1], METHER_KEY_SIZE);
		keys->has[1] = false;
		return 0;
	default:
		return -EINVAL;
	}
}

/**
 * mether_space_set_key() - apply METHER_IOC_SET_KEY to a space's keys
 * @space: the current space of the file's host (the next one to come
 *	up inherits the keys)
 * @key: the request, copied from userspace
 *
 * Return: 0, or -EINVAL for bad flags or reserved fields, or a key of
 * zeros.
 */
int mether_space_set_key(struct mether_space *space,
			 const struct mether_key *key)
{
	int ret;

	if (key->reserved)
		return -EINVAL;
	spin_lock(&space->key_lock);
	ret = mether_keys_update(&space->keys, key);
	spin_unlock(&space->key_lock);
	return ret;
}

/**
 * mether_space_only_key() - make @key a space's only key
 * @space: a space no packet has been sealed with yet
 * @key: METHER_KEY_SIZE bytes
 */
void mether_space_only_key(struct mether_space *space, const u8 *key)
{
	struct mether_key only = { .flags = METHER_KEY_ONLY };

	memcpy(only.key, key, METHER_KEY_SIZE);
	mether_space_set_key(space, &only);
	memzero_explicit(&only, sizeof(only));
}

static void mether_seal_nonce(const struct mether_wire_header *hdr,
			      u8 nonce[XCHACHA20POLY1305_NONCE_SIZE])
{
	memset(nonce, 0, XCHACHA20POLY1305_NONCE_SIZE);
	memcpy(nonce, &hdr->sender, sizeof(hdr->sender));
	memcpy(nonce + 4, &hdr->epoch, sizeof(hdr->epoch));
	memcpy(nonce + 12, &hdr->counter, sizeof(hdr->counter));
}

/*
 * XChaCha20-Poly1305 is ChaCha20-Poly1305 under a subkey, HChaCha20 of
 * the key and the nonce's first 16 bytes, with its last 8 as the nonce.
 * lib/crypto's xchacha20poly1305_encrypt() and _decrypt() compute the
 * subkey with hchacha_block_arch(), which takes the FPU for one block:
 * in a user task (a PURGE that publishes, a fault that reads the socket)
 * kernel_fpu_begin() saves the task's FPU registers and its return to
 * user space loads them again. Here the subkey is computed in C, so a
 * short page is sealed and opened without the FPU at all: ChaCha20 and
 * Poly1305 take SIMD only for more than a block, or 288 bytes (issue
 * 16: under TCG the round trip made a sealed increment up to half again
 * as long as an unsealed one). The packet is the same, bit for bit
 * (KUnit's mether_seal_is_xchacha).
 */
static u64 mether_seal_subkey(const u8 key[METHER_KEY_SIZE],
			      const u8 nonce[XCHACHA20POLY1305_NONCE_SIZE],
			      u8 subkey[CHACHA20POLY1305_KEY_SIZE])
{
	u32 state[CHACHA_STATE_WORDS], k[CHACHA_KEY_SIZE / sizeof(u32)];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(k); i++)
		k[i] = get_unaligned_le32(key + 4 * i);
	chacha_init_generic(state, k, nonce);
	hchacha_block_generic(state, k, 20);
	for (i = 0; i < ARRAY_SIZE(k); i++)
		put_unaligned_le32(k[i], subkey + 4 * i);
	memzero_explicit(state, sizeof(state));
	memzero_explicit(k, sizeof(k));
	return get_unaligned_le64(nonce + 16);
}

/**
 * mether_seal() - seal a packet in place
 * @hdr: the packet: its header, then @payload_len bytes of payload, then
 *	room for METHER_WIRE_TAG_SIZE bytes of tag
 * @payload_len: payload bytes
 * @key: the current key
 */
void mether_seal(struct mether_wire_header *hdr, size_t payload_len,
		 const u8 key[METHER_KEY_SIZE])
{
	u8 nonce[XCHACHA20POLY1305_NONCE_SIZE];
	u8 subkey[CHACHA20POLY1305_KEY_SIZE];
	u8 *payload = (u8 *)(hdr + 1);
	u64 iv;

	mether_seal_nonce(hdr, nonce);
	iv = mether_seal_subkey(key, nonce, subkey);
	chacha20poly1305_encrypt(payload, payload, payload_len, (u8 *)hdr,
				 sizeof(*hdr), iv, subkey);
	memzero_explicit(subkey, sizeof(subkey));
}

/**
 * mether_unseal() - check a sealed packet and open it in place
 * @hdr: the packet, whose header is not yet trusted
 * @sealed_len: bytes after the header: payload and tag
 * @keys: the keys that may have sealed it
 *
 * Nothing in the packet is changed unless it opens.
 *
 * Return: true when one of @keys sealed it, and it is unchanged.
 */
bool mether_unseal(struct mether_wire_header *hdr, size_t sealed_len,
		   const struct mether_keys *keys)
{
	u8 nonce[XCHACHA20POLY1305_NONCE_SIZE];
	u8 subkey[CHACHA20POLY1305_KEY_SIZE];
	u8 *payload = (u8 *)(hdr + 1);
	bool opened = false;
	u64 iv;
	int i;

	if (sealed_len < METHER_WIRE_TAG_SIZE)
		return false;
	mether_seal_nonce(hdr, nonce);
	for (i = 0; i < 2 && !opened; i++) {
		if (!keys->has[i])
			continue;
		iv = mether_seal_subkey(keys->key[i], nonce, subkey);
		opened = chacha20poly1305_decrypt(payload, payload, sealed_len,
						  (u8 *)hdr, sizeof(*hdr), iv,
						  subkey);
	}
	memzero_explicit(subkey, sizeof(subkey));
	return opened;
}

/**
 * mether_seal_epoch() - the epoch of a host coming up
 * @last: the last epoch chosen for this host (0: none yet)
 * @now_ns: the realtime clock, in ns since 1970
 * @random: 32 random bits
 *
 * The high 32 bits count the clock's seconds, but at least one more than
 * @last's: a clock stepped back, or two UPs in one second, still give a
 * greater epoch, so a host's epochs grow while the module is loaded.
 * They stop there: seconds past 32 bits would wrap to a lower epoch,
 * which its peers would refuse as over. The low 32
 * bits are random: after a reboot (whose clock may be behind) or in a
 * clone of a host, an epoch equals an earlier one only if both its
 * second and its random bits do, a chance of 2^-32 per pair. Only
 * those low 32 bits travel in a packet aimed at the host (wire.rst):
 * they are never 0, the "no epoch" of a packet aimed at nobody, and
 * never @last's, so a packet aimed at the life before cannot pass for
 * one aimed at this one. Pure, for KUnit.
 *
 * Return: the epoch, always greater than @last; 0 when none is.
 */
u64 mether_seal_epoch(u64 last, u64 now_ns, u32 random)
{
	u64 secs = max(div_u64(now_ns, NSEC_PER_SEC), (last >> 32) + 1);

	if (secs > U32_MAX)
		return 0;
	while (!random || random == lower_32_bits(last))
		random++;
	return secs << 32 | random;
}

/**
 * mether_replay_floor() - refuse every counter up to @counter of @epoch
 * @r: a sender's window
 * @epoch: the sender's epoch, just proven current
 * @counter: the counter of the packet that proved it
 *
 * Whatever the sender sent before it, recorded by anybody, stays
 * refused: only its later packets are taken.
 */
void mether_replay_floor(struct mether_replay *r, u64 epoch, u64 counter)
{
	r->epoch = epoch;
	r->top = counter;
	bitmap_fill(r->seen, METHER_REPLAY_WINDOW);
}

/**
 * mether_replay_check() - accept each counter of a sender's epoch once
 * @r: the sender's window
 * @epoch: the packet's epoch
 * @counter: the packet's counter (from 1)
 *
 * Only for packets that have been authenticated: a forged packet must
 * not move the window. A newer epoch (the sender came up again) starts
 * a new window; an older one is refused.
 *
 * Return: METHER_REPLAY_FRESH when the packet is new, and records it.
 */
enum mether_replay_verdict mether_replay_check(struct mether_replay *r,
					       u64 epoch, u64 counter)
{
	u64 n;

	if (epoch < r->epoch)
		return METHER_REPLAY_OLD_EPOCH;
	if (epoch > r->epoch) {
		r->epoch = epoch;
		r->top = 0;
		bitmap_zero(r->seen, METHER_REPLAY_WINDOW);
	}
	if (!counter)
		return METHER_REPLAY_SEEN;
	if (counter > r->top) {
		/*
		 * The bits of the counters the window slides over held
		 * counters a window older: clear them, @counter's too.
		 */
		if (counter - r->top >= METHER_REPLAY_WINDOW)
			bitmap_zero(r->seen, METHER_REPLAY_WINDOW);
		else
			for (n = r->top + 1; n <= counter; n++)
				__clear_bit(n % METHER_REPLAY_WINDOW, r->seen);
		r->top = counter;
	} else if (r->top - counter >= METHER_REPLAY_WINDOW) {
		return METHER_REPLAY_SEEN;
	}
	if (__test_and_set_bit(counter % METHER_REPLAY_WINDOW, r->seen))
		return METHER_REPLAY_SEEN;
	return METHER_REPLAY_FRESH;
}
