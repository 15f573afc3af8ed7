/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Mether: one host per network namespace.
 */
#ifndef _METHER_HOST_H
#define _METHER_HOST_H

#include <net/net_namespace.h>

#include "mether_space.h"

struct mether_space *mether_host_space(struct net *net);
int mether_host_set_key(struct net *net, const struct mether_key *key);
int mether_host_up(struct net *net, const struct mether_up *up,
		   const u8 *key);
int mether_host_down(struct net *net);
int mether_host_init(void);
void mether_host_exit(void);

#endif /* _METHER_HOST_H */
