/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Mether: the cluster key, named segments and their capabilities.
 */
#ifndef _METHER_SEGMENT_H
#define _METHER_SEGMENT_H

#include <linux/fs.h>
#include <linux/spinlock.h>

#include "mether_space.h"

/**
 * struct mether_grant - a segment attached to a file
 * @first: first page
 * @pages: number of pages
 * @rights: METHER_SEGMENT_*
 * @generation: the directory generation it was attached under
 */
struct mether_grant {
	u64 first;
	u64 pages;
	u32 rights;
	u64 generation;
};

/**
 * struct mether_file - an open /dev/mether
 * @space: the space of the opener's host
 * @restricted: opened without CAP_SYS_ADMIN: maps attached segments only
 * @lock: protects @grants and @grant
 * @grants: segments attached
 * @grant: the segments
 */
struct mether_file {
	struct mether_space *space;
	bool restricted;
	spinlock_t lock;	/* protects grants, grant */
	unsigned int grants;
	struct mether_grant grant[METHER_SEGMENT_ATTACH_MAX];
};

static inline struct mether_space *mether_file_space(struct file *file)
{
	return ((struct mether_file *)file->private_data)->space;
}

void mether_segment_token(const u8 key[METHER_KEY_SIZE],
			  const struct mether_segment *seg,
			  u8 token[METHER_TOKEN_SIZE]);
long mether_ioctl_segment_grant(struct mether_file *mf,
				struct mether_segment __user *arg);
int mether_directory_generation(struct mether_space *space, u64 *generation);
int mether_segment_attach(struct mether_file *mf,
			  const struct mether_segment *seg);
long mether_ioctl_segment_attach(struct mether_file *mf,
				 const struct mether_segment __user *arg);
bool mether_file_may_map(struct mether_file *mf, u64 offset, u64 len,
			 bool writeable);
bool mether_file_may_see(struct mether_file *mf, u64 page);

#endif /* _METHER_SEGMENT_H */
