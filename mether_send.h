/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Mether: copies of pages sent to the cluster, and asked of it.
 */
#ifndef _METHER_SEND_H
#define _METHER_SEND_H

#include <linux/types.h>

struct mether_space;

int mether_publish(struct mether_space *space, u64 page,
		   unsigned int subset);
int mether_ask_copy(struct mether_space *space, u64 page,
		    unsigned int subset);

#endif /* _METHER_SEND_H */
