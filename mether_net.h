/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Mether: the in-kernel server's UDP link to the cluster.
 */
#ifndef _METHER_NET_H
#define _METHER_NET_H

#include <linux/mether.h>
#include <net/net_namespace.h>

struct mether_space;

int mether_net_up(struct net *net, struct mether_space *space,
		  const struct mether_up *up, u64 *last_epoch);
void mether_net_down(struct mether_space *space);
void mether_net_send_page(struct mether_space *space, u64 page,
			  unsigned int subset, u64 version, struct page *frame);
struct mether_wire_msg;

int mether_net_send_msg(struct mether_space *space,
			struct mether_wire_msg *msg, struct page *frame);
int mether_net_send_request(struct mether_space *space, u64 page,
			    unsigned int subset);
int mether_net_send_buf(struct mether_space *space,
			struct mether_wire_msg *msg, const void *buf);
void mether_net_count_retransmit(struct mether_space *space);
u32 mether_net_self(struct mether_space *space);
void mether_net_peers(struct mether_space *space, struct mether_peers *out);
u64 mether_net_epoch_of(struct mether_space *space, u32 host);
int mether_net_reclaimable(struct mether_space *space, u32 host, u64 *epoch);
void mether_net_reclaimed(struct mether_space *space, u32 host, u64 epoch);
unsigned int mether_net_live(struct mether_space *space, u32 except,
			     u32 ids[METHER_PEERS_MAX]);
int mether_net_stats(struct mether_space *space, struct mether_stats *stats);
void mether_net_status(struct mether_space *space, struct mether_status *out);

#endif /* _METHER_NET_H */
