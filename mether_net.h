/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Mether: a host's link to the cluster, its UDP socket.
 */
#ifndef _METHER_NET_H
#define _METHER_NET_H

#include <linux/mether.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>
#include <net/dst_cache.h>
#include <net/net_namespace.h>

#include "mether_peer.h"
#include "mether_wire.h"

struct mether_space;

#define METHER_MAX_PACKET	(sizeof(struct mether_wire_header) + \
				 METHER_WIRE_PAGE_SIZE + METHER_WIRE_TAG_SIZE)

/**
 * struct mether_link - a host's socket and what it needs to talk
 * @sock: the kernel UDP socket
 * @space: the space it serves (which owns the link)
 * @limits: what received packets must match
 * @up: the configuration it came up with, for METHER_IOC_STATUS
 * @dst_cache: the route to the segment (mether_net_route())
 * @rx_work: reads and applies received packets while no task waiting
 *	on the space does (mether_net_data_ready())
 * @saved_data_ready: the socket's own callback, put back at down
 * @hello_work: says HELLO when the host has been quiet
 * @rx_buf: one datagram, header, largest payload and tag
 * @peers: the senders heard, their replay windows, which are silent
 * @epoch: this host's epoch: when it came up
 * @tx_counter: the last packet number sent (under the space's link_lock)
 * @tx_last: jiffies of the last packet sent (under the space's link_lock)
 * @stats_lock: protects @stats
 * @stats: counters for METHER_IOC_STATS
 */
struct mether_link {
	struct socket *sock;
	struct mether_space *space;
	struct mether_wire_limits limits;
	struct mether_up up;
	struct dst_cache dst_cache;
	struct work_struct rx_work;
	void (*saved_data_ready)(struct sock *sk);
	struct delayed_work hello_work;
	u8 rx_buf[METHER_MAX_PACKET];
	struct mether_peer_table peers;
	u64 epoch;
	u64 tx_counter;
	unsigned long tx_last;
	spinlock_t stats_lock;	/* protects stats */
	struct mether_stats stats;
};

int mether_net_up(struct net *net, struct mether_space *space,
		  const struct mether_up *up, u64 *last_epoch,
		  work_func_t receive);
void mether_net_down(struct mether_space *space);
void mether_net_rx_enter(struct mether_space *space);
void mether_net_rx_leave(struct mether_space *space);
bool mether_net_rx_pending(struct mether_space *space);
struct mether_link *mether_net_rx_claim(struct mether_space *space);
void mether_net_rx_release(struct mether_space *space, bool stopped);
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
void mether_net_count_drop(struct mether_link *link,
			   enum mether_drop_reason reason, size_t len);
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
