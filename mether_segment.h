/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Mether: the cluster key, named segments and their capabilities.
 */
#ifndef _METHER_SEGMENT_H
#define _METHER_SEGMENT_H

#include <linux/capability.h>
#include <linux/fs.h>
#include <linux/spinlock.h>
#include <net/net_namespace.h>

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
 * @net: the opener's network namespace, whose host every ioctl acts on
 *	(a reference, as a socket holds its namespace)
 * @restricted: opened without CAP_SYS_ADMIN: maps attached segments only
 * @locks: copies of pages this file has locked
 * @lock: protects @grants and @grant
 * @grants: segments attached
 * @grant: the segments
 */
struct mether_file {
	struct mether_space *space;
	struct net *net;
	bool restricted;
	atomic_t locks;
	spinlock_t lock;	/* protects grants, grant */
	unsigned int grants;
	struct mether_grant grant[METHER_SEGMENT_ATTACH_MAX];
};

static inline struct mether_space *mether_file_space(struct file *file)
{
	return ((struct mether_file *)file->private_data)->space;
}

/**
 * mether_file_capable() - may the caller use @cap through @file?
 * @file: an open /dev/mether
 * @cap: the capability
 *
 * As sk_ns_capable() does for a socket: the file's opener and the caller
 * must both hold @cap over the user namespace that owns the file's
 * network namespace. Checking the caller alone against its own current
 * namespaces would let anyone who makes a user namespace act on a host
 * it opened before; checking the opener alone would let a privileged
 * opener's descriptor, passed on, work for anybody.
 *
 * Return: true when both hold it.
 */
static inline bool mether_file_capable(struct file *file, int cap)
{
	struct mether_file *mf = file->private_data;
	struct user_namespace *ns = mf->net->user_ns;

	return file_ns_capable(file, ns, cap) && ns_capable(ns, cap);
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
