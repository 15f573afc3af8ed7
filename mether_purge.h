/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Mether: PURGE, DO_PURGE and page locks.
 */
#ifndef _METHER_PURGE_H
#define _METHER_PURGE_H

#include <linux/fs.h>

#include "mether_space.h"

int mether_do_purge(struct mether_space *space, u64 page);
long mether_ioctl_purge(struct mether_space *space,
			const struct mether_range __user *arg);
long mether_ioctl_do_purge(struct mether_space *space,
			   const u64 __user *arg);
long mether_ioctl_wait(struct mether_space *space,
		       const struct mether_wait __user *arg);
long mether_ioctl_purge_wait(struct mether_space *space,
			     const struct mether_purge_wait __user *arg);
int mether_lock_copy(struct mether_space *space, struct mether_page *mp,
		     bool inconsistent, unsigned int subset, struct file *file,
		     bool lock, unsigned int *unmap);
long mether_ioctl_lock(struct file *file, const u64 __user *arg, bool lock);
u64 mether_unlock_all(struct file *file);

#endif /* _METHER_PURGE_H */
