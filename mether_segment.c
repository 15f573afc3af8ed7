// SPDX-License-Identifier: GPL-2.0
/*
 * Mether: the cluster key, named segments and their capabilities (the
 * paper's conclusions ask for both names and protection).
 *
 * A capability is a segment (name, first page, pages, rights) and a token:
 * a keyed BLAKE2s MAC of it under the cluster key. Any host of the cluster
 * can check a token without asking anybody, and nobody without the key
 * can make one.
 *
 * The directory of names in page METHER_DIRECTORY_PAGE is an ordinary
 * page: a tool or a person can overwrite it, and a new directory then
 * hands the old segments' pages to new segments. Each directory has a
 * random generation, which every capability carries under its MAC, and a
 * capability whose generation is not the one in this host's copy of the
 * directory is refused: old capabilities die with their directory
 * (Documentation/libmether.rst says why this and not a kernel record of
 * segments). Restricted files (opened without CAP_SYS_ADMIN) may map
 * only what they have attached with a valid capability; the check is at
 * mmap() time, so faults pay nothing for it.
 */
#include <crypto/algapi.h>
#include <crypto/blake2s.h>
#include <linux/highmem.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "mether_segment.h"

/* Keeps tokens apart from any other use of the cluster key. */
static const char mether_token_label[] = "mether segment capability v2";

/**
 * mether_segment_token() - the token of a capability
 * @key: the cluster key
 * @seg: the capability; its token field is ignored
 * @token: where the token goes
 *
 * The MAC covers every field but the token, in a fixed little-endian
 * layout, so hosts of any byte order agree.
 */
void mether_segment_token(const u8 key[METHER_KEY_SIZE],
			  const struct mether_segment *seg,
			  u8 token[METHER_TOKEN_SIZE])
{
	struct blake2s_state state;
	__le64 first = cpu_to_le64(seg->first);
	__le64 pages = cpu_to_le64(seg->pages);
	__le32 rights = cpu_to_le32(seg->rights);
	__le64 generation = cpu_to_le64(seg->generation);

	blake2s_init_key(&state, METHER_TOKEN_SIZE, key, METHER_KEY_SIZE);
	blake2s_update(&state, mether_token_label, sizeof(mether_token_label));
	blake2s_update(&state, seg->name, METHER_SEGMENT_NAME_SIZE);
	blake2s_update(&state, (const u8 *)&first, sizeof(first));
	blake2s_update(&state, (const u8 *)&pages, sizeof(pages));
	blake2s_update(&state, (const u8 *)&rights, sizeof(rights));
	blake2s_update(&state, (const u8 *)&generation, sizeof(generation));
	blake2s_final(&state, token);
}

/**
 * mether_directory_generation() - the generation of this host's directory
 * @space: the space
 * @generation: set to the generation of the directory in this host's
 *	copy of page METHER_DIRECTORY_PAGE; 0 when that copy holds no
 *	directory (it was never made, or it was overwritten)
 *
 * The consistent copy is read when this host holds it, otherwise the
 * inconsistent copy: as fresh as this host's view of any page. The head
 * lies in the short subset, so a short copy is enough.
 *
 * Return: 0, or -EAGAIN when this host holds no copy of the page: reading
 * it through a read-only mapping fetches one.
 */
int mether_directory_generation(struct mether_space *space, u64 *generation)
{
	struct mether_page *mp = &space->page[METHER_DIRECTORY_PAGE];
	struct mether_directory dir = {};
	struct page *frame = NULL;
	int ret = 0;
	void *src;

	spin_lock(&mp->lock);
	if (mether_state_can_map(&mp->consistent, METHER_SUBSET_SHORT)) {
		frame = mp->consistent_frame;	/* NULL: zero-filled */
	} else if (mether_state_can_map(&mp->inconsistent,
					METHER_SUBSET_SHORT)) {
		frame = mp->inconsistent_frame;
		/* Seen: a PURGE of it must drop it (mether_purge.c). */
		mp->inconsistent_unseen = 0;
	} else {
		ret = -EAGAIN;
	}
	if (frame) {
		src = kmap_local_page(frame);
		memcpy(&dir, src, sizeof(dir));
		kunmap_local(src);
	}
	spin_unlock(&mp->lock);

	*generation = 0;
	if (dir.magic == METHER_DIRECTORY_MAGIC &&
	    dir.version == METHER_DIRECTORY_VERSION)
		*generation = dir.generation;
	return ret;
}

/*
 * A segment's fields, as a caller gave them, make sense for @space, and
 * it belongs to the directory this host sees now.
 */
static int mether_segment_check(struct mether_space *space,
				const struct mether_segment *seg)
{
	size_t len = strnlen(seg->name, METHER_SEGMENT_NAME_SIZE);
	u64 generation;
	int ret;

	if (!len || len == METHER_SEGMENT_NAME_SIZE)
		return -EINVAL;
	/* Padding is MACed: only one spelling of a name may be valid. */
	if (memchr_inv(seg->name + len, 0, METHER_SEGMENT_NAME_SIZE - len))
		return -EINVAL;
	/* What may be written may be read: writing alone maps nothing. */
	if (seg->reserved || !(seg->rights & METHER_SEGMENT_READ) ||
	    (seg->rights & ~(METHER_SEGMENT_READ | METHER_SEGMENT_WRITE)))
		return -EINVAL;
	if (seg->first <= METHER_DIRECTORY_PAGE || !seg->pages ||
	    seg->first >= space->pages || seg->pages > space->pages - seg->first)
		return -EINVAL;
	if (!seg->generation)
		return -EINVAL;
	ret = mether_directory_generation(space, &generation);
	if (ret)
		return ret;
	/* Its directory was lost: its pages may be another segment's now. */
	if (seg->generation != generation)
		return -ESTALE;
	return 0;
}

/*
 * With @mint, fill in @token for @seg under the current key; without,
 * check that @token proves @seg under either key the host holds.
 * Return: 0, -EACCES, or -ENOKEY while the host has no key.
 */
static int mether_segment_prove(struct mether_space *space,
				const struct mether_segment *seg,
				u8 token[METHER_TOKEN_SIZE], bool mint)
{
	u8 expected[METHER_TOKEN_SIZE];
	struct mether_keys keys;
	int i, ret = -ENOKEY;

	mether_keys_get(space, &keys);
	if (mint && keys.has[0]) {
		mether_segment_token(keys.key[0], seg, token);
		ret = 0;
	}
	/* A token minted before a key rotation works until the old key goes. */
	for (i = 0; i < 2 && !mint && ret; i++) {
		if (!keys.has[i])
			continue;
		mether_segment_token(keys.key[i], seg, expected);
		/* In constant time: a forger learns nothing from how long. */
		ret = crypto_memneq(expected, token, METHER_TOKEN_SIZE) ?
		      -EACCES : 0;
	}
	memzero_explicit(&keys, sizeof(keys));
	return ret;
}

/**
 * mether_ioctl_segment_grant() - METHER_IOC_SEGMENT_GRANT
 * @mf: the caller's file
 * @arg: the segment; its token is filled in
 *
 * The caller checked privilege (mether_ioctl()).
 *
 * Return: 0; -EFAULT; -EINVAL for a malformed segment or one outside the
 * space; -ENOKEY without a key; -ESTALE or -EAGAIN as for
 * mether_segment_attach().
 */
long mether_ioctl_segment_grant(struct mether_file *mf,
				struct mether_segment __user *arg)
{
	struct mether_segment seg;
	int ret;

	if (copy_from_user(&seg, arg, sizeof(seg)))
		return -EFAULT;
	ret = mether_segment_check(mf->space, &seg);
	if (!ret)
		ret = mether_segment_prove(mf->space, &seg, seg.token, true);
	if (!ret && copy_to_user(arg->token, seg.token, METHER_TOKEN_SIZE))
		ret = -EFAULT;
	return ret;
}

/**
 * mether_segment_attach() - let @mf map a segment, if @seg proves it
 * @mf: the file
 * @seg: the capability
 *
 * Return: 0; -EINVAL for a malformed segment or one outside the space;
 * -ESTALE when @seg's generation is not that of this host's copy of the
 * directory (its directory was lost, or this host's copy is older);
 * -EAGAIN when this host holds no copy of the directory; -ENOKEY without
 * a key; -EACCES for a token that does not prove the capability;
 * -ENOSPC when the file has METHER_SEGMENT_ATTACH_MAX.
 */
int mether_segment_attach(struct mether_file *mf,
			  const struct mether_segment *seg)
{
	u8 token[METHER_TOKEN_SIZE];
	int ret;

	ret = mether_segment_check(mf->space, seg);
	if (ret)
		return ret;
	memcpy(token, seg->token, sizeof(token));
	ret = mether_segment_prove(mf->space, seg, token, false);
	if (ret)
		return ret;

	spin_lock(&mf->lock);
	if (mf->grants < METHER_SEGMENT_ATTACH_MAX) {
		mf->grant[mf->grants++] = (struct mether_grant) {
			.first = seg->first,
			.pages = seg->pages,
			.rights = seg->rights,
			.generation = seg->generation,
		};
	} else {
		ret = -ENOSPC;
	}
	spin_unlock(&mf->lock);
	return ret;
}

/**
 * mether_ioctl_segment_attach() - METHER_IOC_SEGMENT_ATTACH
 * @mf: the caller's file
 * @arg: the capability
 *
 * Return: as mether_segment_attach(), or -EFAULT.
 */
long mether_ioctl_segment_attach(struct mether_file *mf,
				 const struct mether_segment __user *arg)
{
	struct mether_segment seg;

	if (copy_from_user(&seg, arg, sizeof(seg)))
		return -EFAULT;
	return mether_segment_attach(mf, &seg);
}

/*
 * Pages [@first, @first + @pages) lie in one segment that grants @right,
 * attached under directory @generation (U64_MAX: any).
 */
static bool mether_file_granted(struct mether_file *mf, u64 first, u64 pages,
				u32 right, u64 generation)
{
	bool granted = false;
	unsigned int i;

	spin_lock(&mf->lock);
	for (i = 0; i < mf->grants && !granted; i++) {
		const struct mether_grant *g = &mf->grant[i];

		granted = (g->rights & right) && first >= g->first &&
			  first - g->first + pages <= g->pages &&
			  (generation == U64_MAX ||
			   g->generation == generation);
	}
	spin_unlock(&mf->lock);
	return granted;
}

/**
 * mether_file_may_map() - may @mf map this range of the device?
 * @mf: the file
 * @offset: byte offset of the mapping's first page, checked by
 *	mether_check_mapping()
 * @len: its length in bytes
 * @writeable: the mapping is the consistent copy
 *
 * A restricted file maps the directory page read-only, and otherwise
 * only pages of segments it attached: a writeable mapping needs
 * METHER_SEGMENT_WRITE, a read-only one either right. A mapping that
 * spans views is checked view by view. A segment attached under a
 * directory that has been lost since no longer counts; when this host
 * holds no copy of the directory just now, the check at attach stands.
 *
 * Return: true when it may.
 */
bool mether_file_may_map(struct mether_file *mf, u64 offset, u64 len,
			 bool writeable)
{
	u32 right = writeable ? METHER_SEGMENT_WRITE :
				METHER_SEGMENT_READ | METHER_SEGMENT_WRITE;
	u64 end = offset + len;
	u64 generation;

	if (!mf->restricted)
		return true;
	/*
	 * With no copy of the directory here, the generation is 0, which
	 * no grant has: nothing attached maps until a copy comes (reading
	 * the page fetches one). Letting the attach's check stand instead
	 * would let the file itself revive a stale grant: it may PURGE the
	 * directory page's copy, then map.
	 */
	mether_directory_generation(mf->space, &generation);
	while (offset < end) {
		u64 view_end = (offset | (METHER_VIEW_SPAN - 1)) + 1;
		u64 first = (offset & (METHER_VIEW_SPAN - 1)) >> PAGE_SHIFT;
		u64 pages = (min(end, view_end) - offset) >> PAGE_SHIFT;

		if (!writeable && first == METHER_DIRECTORY_PAGE) {
			first++;
			pages--;
		}
		if (pages &&
		    !mether_file_granted(mf, first, pages, right, generation))
			return false;
		offset = view_end;
	}
	return true;
}

/**
 * mether_file_may_see() - may @mf read the state of page @page?
 * @mf: the file
 * @page: the page
 *
 * Return: true for an unrestricted file, the directory page, or a page
 * of an attached segment.
 */
bool mether_file_may_see(struct mether_file *mf, u64 page)
{
	return !mf->restricted || page == METHER_DIRECTORY_PAGE ||
	       mether_file_granted(mf, page, 1,
				   METHER_SEGMENT_READ | METHER_SEGMENT_WRITE,
				   U64_MAX);
}
