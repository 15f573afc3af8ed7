// SPDX-License-Identifier: GPL-2.0
/*
 * Mether: a host's link to the cluster, its UDP socket.
 *
 * One kernel UDP socket per host, bound to the configured port. Pages
 * leave by broadcast, or to a multicast group the host joins, so every
 * host on the segment sees every page and refreshes its inconsistent
 * copy (the paper's snooping servers). This file is the bottom of the
 * packet path: it makes the socket, seals and sends what the layers
 * above give it, and keeps the link's counters and its table of peers.
 * Its data_ready callback reads nothing: it wakes the tasks waiting on
 * the space that read the socket themselves, or else queues the receive
 * work that the caller of mether_net_up() names (mether_receive.c, which
 * opens packets and hands them up). A host's own broadcasts are not
 * looped back to it (mether_net_local_out()); a packet that names this
 * host as its sender all the same is dropped before it is queued, in the
 * encapsulation hook.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/highmem.h>
#include <linux/in.h>
#include <linux/net.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>
#include <linux/udp.h>
#include <linux/netfilter.h>
#include <net/l3mdev.h>
#include <net/lwtunnel.h>
#include <net/route.h>
#include <net/sock.h>
#include <net/udp.h>
#include <net/udp_tunnel.h>

#include "mether_net.h"
#include "mether_peer.h"
#include "mether_seal.h"
#include "mether_space.h"
#include "mether_trace.h"
#include "mether_wire.h"
#include "mether_work.h"

/* The route's cache (mether_net_route()) is a hidden option tunnels select. */
#if !IS_ENABLED(CONFIG_DST_CACHE)
#error "mether needs CONFIG_DST_CACHE (WireGuard or VXLAN select it)"
#endif

/* Room before a packet for the UDP and IP headers and the device's own. */
#define METHER_NET_HEADROOM	(MAX_HEADER + sizeof(struct iphdr) + \
				 sizeof(struct udphdr))

/* Marks the socket as one with an encapsulation hook (udp_sk()). */
#define METHER_NET_ENCAP	1

static int mether_net_send(struct mether_link *link,
			   struct mether_wire_msg *msg, struct page *frame,
			   const void *buf, size_t len);

/**
 * mether_net_count_drop() - count a packet dropped, and why
 * @link: the link it came on
 * @reason: why
 * @len: its UDP payload's bytes
 */
void mether_net_count_drop(struct mether_link *link,
			   enum mether_drop_reason reason, size_t len)
{
	trace_mether_drop(link->limits.self, reason, len);
	spin_lock_bh(&link->stats_lock);
	link->stats.drops[reason - 1]++;
	spin_unlock_bh(&link->stats_lock);
}

/*
 * Every datagram for the socket comes here first, in softirq, before it
 * is queued. A packet that names this host as its sender (its own
 * broadcast where the stack still loops one back, through a VRF with a
 * queue of its own; or a forgery) is dropped here unopened and counted;
 * so are the CHALLENGEs and ANSWERs between two other hosts
 * (mether_wire_elsewhere()). Anything else goes on to the queue (return
 * 1), unread.
 */
static int mether_net_encap_rcv(struct sock *sk, struct sk_buff *skb)
{
	struct mether_wire_header buf;
	const struct mether_wire_header *hdr;
	unsigned int off = skb_transport_offset(skb) + sizeof(struct udphdr);
	struct mether_link *link;
	int ret = 1, verdict;

	read_lock(&sk->sk_callback_lock);
	link = sk->sk_user_data;
	if (link && skb->len >= off + sizeof(buf)) {
		hdr = skb_header_pointer(skb, off, sizeof(buf), &buf);
		verdict = hdr ? mether_wire_frame(hdr, skb->len - off,
						  &link->limits) : 1;
		if (verdict == -METHER_DROP_OWN) {
			mether_net_count_drop(link, METHER_DROP_OWN,
					      skb->len - off);
			ret = 0;
		} else if (!verdict &&
			   mether_wire_elsewhere(hdr, &link->limits)) {
			spin_lock_bh(&link->stats_lock);
			link->stats.elsewhere++;
			spin_unlock_bh(&link->stats_lock);
			ret = 0;
		}
		if (!ret)
			consume_skb(skb);
	}
	read_unlock(&sk->sk_callback_lock);
	return ret;
}

/*
 * Who reads the socket. A task waiting on the space for a read-only copy
 * (a fault, a FETCH) reads and applies packets in its own context when
 * the socket wakes it, as a UDP socket's reader does; through the receive
 * work every increment also paid a kworker's wake-up and a context switch
 * (issue 16, bench/results/latency.md). The work reads while no task
 * waits, and when the waiters are slow to start: a waiter that has not
 * taken the socket when the next packet comes leaves both to it.
 */
static void mether_net_data_ready(struct sock *sk)
{
	struct mether_space *space;
	struct mether_link *link;

	read_lock_bh(&sk->sk_callback_lock);
	link = sk->sk_user_data;
	if (link) {
		space = link->space;
		/*
		 * Its barrier pairs with mether_net_rx_leave(): one of us
		 * sees the other. A packet that no waiter has started on
		 * yet (slow to run: niced, throttled) is the work's.
		 */
		if (!test_and_set_bit(METHER_RX_PENDING, &space->rx_pending) &&
		    atomic_read(&space->rx_waiters))
			wake_up_all(&space->wait);
		else
			mether_queue_work(&link->rx_work);
	}
	read_unlock_bh(&sk->sk_callback_lock);
}

/**
 * mether_net_rx_enter() - a task waits on the space and reads the socket
 * @space: the space
 *
 * From now until mether_net_rx_leave(), a packet that finds the socket
 * not pending wakes @space->wait instead of queueing the receive work,
 * and the task reads what is pending (mether_net_rx_pending()) itself.
 */
void mether_net_rx_enter(struct mether_space *space)
{
	atomic_inc(&space->rx_waiters);
	/* Pairs with mether_net_data_ready(). */
	smp_mb__after_atomic();
}

/**
 * mether_net_rx_leave() - the task no longer waits
 * @space: the space
 *
 * A packet that woke it too late to be read goes to the receive work.
 */
void mether_net_rx_leave(struct mether_space *space)
{
	atomic_dec(&space->rx_waiters);
	/* Pairs with mether_net_data_ready(). */
	smp_mb__after_atomic();
	if (!mether_net_rx_pending(space))
		return;
	mutex_lock(&space->rx_lock);
	if (space->rx_link)
		mether_queue_work(&space->rx_link->rx_work);
	mutex_unlock(&space->rx_lock);
}

/* Did the socket wake the waiters for a packet nobody is reading yet? */
bool mether_net_rx_pending(struct mether_space *space)
{
	return test_bit(METHER_RX_PENDING, &space->rx_pending);
}

/**
 * mether_net_rx_claim() - take the socket, to read what it holds
 * @space: the space
 *
 * Readers take turns, so packets are applied in the order they came.
 *
 * Return: the link, with @space->rx_lock held until
 * mether_net_rx_release(); NULL when the host is down.
 */
struct mether_link *mether_net_rx_claim(struct mether_space *space)
{
	mutex_lock(&space->rx_lock);
	clear_bit(METHER_RX_PENDING, &space->rx_pending);
	/* A packet queued after the clear sets it again: read it again. */
	smp_mb__after_atomic();
	if (space->rx_link)
		return space->rx_link;
	mutex_unlock(&space->rx_lock);
	return NULL;
}

/*
 * Does the socket hold a packet nobody has read? UDP keeps them on two
 * queues (__skb_recv_udp() moves them to the reader's). Only the holder
 * of rx_lock takes them off, and a packet queued after this looks goes
 * through data_ready, whose pending bit the holder's leaving or the work
 * sees.
 */
static bool mether_net_rx_queued(struct sock *sk)
{
	return !skb_queue_empty_lockless(&sk->sk_receive_queue) ||
	       !skb_queue_empty_lockless(&udp_sk(sk)->reader_queue);
}

/**
 * mether_net_rx_release() - give the socket back
 * @space: the space
 * @stopped: the reader stopped before it found the socket empty: what
 *	is left is the receive work's
 */
void mether_net_rx_release(struct mether_space *space, bool stopped)
{
	struct mether_link *link = space->rx_link;

	if (stopped && mether_net_rx_queued(link->sock->sk))
		mether_queue_work(&link->rx_work);
	mutex_unlock(&space->rx_lock);
}

/* How often a quiet host says HELLO: four times per host timeout. */
static unsigned long mether_net_hello_period(struct mether_link *link)
{
	return max(link->space->host_timeout / 4, 1UL);
}

static void mether_net_hello_work(struct work_struct *work)
{
	struct mether_link *link = container_of(to_delayed_work(work),
						struct mether_link,
						hello_work);
	struct mether_space *space = link->space;
	unsigned long period = mether_net_hello_period(link);
	struct mether_wire_msg msg = { .type = METHER_MSG_HELLO };

	mutex_lock(&space->link_lock);
	if (space->link == link &&
	    time_after_eq(jiffies, link->tx_last + period))
		mether_net_send(link, &msg, NULL, NULL, 0);
	mutex_unlock(&space->link_lock);
	queue_delayed_work(mether_workqueue(), &link->hello_work, period);
}

/*
 * A cluster on a multicast group: join it, on the host's interface when
 * one is given, and keep the stack from looping this host's own packets
 * back to it. A TTL over 1 lets multicast routers carry its packets to
 * other segments (server.rst). A broadcast is not looped back either
 * (mether_net_local_out()).
 */
static int mether_net_join(struct socket *sock, const struct mether_up *up)
{
	struct ip_mreqn mreq = {
		.imr_multiaddr.s_addr = up->broadcast,
		.imr_ifindex = up->ifindex,
	};
	int off = 0, ret;

	/* As setsockopt(2) does it: the stack takes its own locks. */
	ret = sock->ops->setsockopt(sock, SOL_IP, IP_ADD_MEMBERSHIP,
				    KERNEL_SOCKPTR(&mreq), sizeof(mreq));
	if (!ret)
		ret = sock->ops->setsockopt(sock, SOL_IP, IP_MULTICAST_LOOP,
					    KERNEL_SOCKPTR(&off), sizeof(off));
	if (!ret && up->ifindex)
		ret = sock->ops->setsockopt(sock, SOL_IP, IP_MULTICAST_IF,
					    KERNEL_SOCKPTR(&mreq),
					    sizeof(mreq));
	if (!ret && up->ttl) {
		int ttl = up->ttl;

		ret = sock->ops->setsockopt(sock, SOL_IP, IP_MULTICAST_TTL,
					    KERNEL_SOCKPTR(&ttl), sizeof(ttl));
	}
	return ret;
}

static int mether_net_socket(struct net *net, struct mether_link *link,
			     const struct mether_up *up)
{
	struct sockaddr_in local = {
		.sin_family = AF_INET,
		.sin_addr.s_addr = up->addr,
		.sin_port = up->port,
	};
	struct sock *sk;
	int ret;

	ret = sock_create_kern(net, AF_INET, SOCK_DGRAM, IPPROTO_UDP,
			       &link->sock);
	if (ret)
		return ret;
	sk = link->sock->sk;
	sock_set_flag(sk, SOCK_BROADCAST);
	/* The kernel doubles what it is given, for its own overhead. */
	if (link->space->socket_buffer)
		sock_set_rcvbuf(sk, link->space->socket_buffer / 2);
	if (up->ifindex) {
		ret = sock_bindtoindex(sk, up->ifindex, true);
		if (ret) {
			sock_release(link->sock);
			return ret;
		}
	}
	ret = kernel_bind(link->sock, (struct sockaddr *)&local,
			  sizeof(local));
	if (!ret && ipv4_is_multicast(up->broadcast))
		ret = mether_net_join(link->sock, up);
	if (ret) {
		sock_release(link->sock);
		return ret;
	}
	return 0;
}

/*
 * Packets reach the link from here on; its readers can take the socket
 * (mether_net_rx_claim()) before the first one wakes them.
 */
static void mether_net_hook(struct mether_link *link)
{
	struct mether_space *space = link->space;
	struct sock *sk = link->sock->sk;

	mutex_lock(&space->rx_lock);
	space->rx_link = link;
	mutex_unlock(&space->rx_lock);

	write_lock_bh(&sk->sk_callback_lock);
	sk->sk_user_data = link;
	link->saved_data_ready = sk->sk_data_ready;
	sk->sk_data_ready = mether_net_data_ready;
	write_unlock_bh(&sk->sk_callback_lock);
	/*
	 * The UDP encapsulation hook, without the udp_tunnel module: any
	 * nonzero type marks the socket, and socket release turns the
	 * static key back off.
	 */
	WRITE_ONCE(udp_sk(sk)->encap_rcv, mether_net_encap_rcv);
	WRITE_ONCE(udp_sk(sk)->encap_type, METHER_NET_ENCAP);
	udp_tunnel_encap_enable(sk);
}

/**
 * mether_net_up() - give a space its link to the cluster
 * @net: the host's network namespace
 * @space: the host's new space
 * @up: the configuration, checked by the caller
 * @last_epoch: the last epoch this host came up under (0: none), which
 *	the new one replaces; the caller serialises
 * @receive: the work that reads and applies what the socket receives
 *	(mether_receive_work()): the socket knows nothing above it
 *
 * The last epoch is the host's, not the module's: a host of a user
 * namespace, which anyone may bring up and down at will, pushes its own
 * epochs' seconds ahead of the clock (mether_seal_epoch()), never
 * another host's.
 *
 * Return: 0; -EOVERFLOW when this host's epochs cannot grow; a negative
 * errno from making or binding the socket.
 */
int mether_net_up(struct net *net, struct mether_space *space,
		  const struct mether_up *up, u64 *last_epoch,
		  work_func_t receive)
{
	struct mether_wire_msg hello = { .type = METHER_MSG_HELLO };
	struct mether_link *link;
	u64 epoch;
	int ret;

	epoch = mether_seal_epoch(*last_epoch, ktime_get_real_ns(),
				  get_random_u32());
	if (!epoch)
		return -EOVERFLOW;
	*last_epoch = epoch;

	link = kvzalloc(sizeof(*link), GFP_KERNEL_ACCOUNT);
	if (!link)
		return -ENOMEM;
	ret = dst_cache_init(&link->dst_cache, GFP_KERNEL_ACCOUNT);
	if (ret)
		goto err_link;
	link->space = space;
	link->up = *up;
	link->limits = (struct mether_wire_limits) {
		.cluster = up->cluster,
		.self = up->host_id,
		.pages = space->pages,
		.seal = up->flags & METHER_UP_UNSEALED ? METHER_SEAL_NONE :
							 METHER_SEAL_XCHACHA,
	};
	/* Nonces stay unique only while no epoch comes up twice. */
	link->epoch = epoch;
	link->limits.epoch = link->epoch;
	INIT_WORK(&link->rx_work, receive);
	INIT_DELAYED_WORK(&link->hello_work, mether_net_hello_work);
	mether_peer_init(&link->peers);
	spin_lock_init(&link->stats_lock);
	link->stats.up = 1;
	link->stats.sealed = link->limits.seal != METHER_SEAL_NONE;

	ret = mether_net_socket(net, link, up);
	if (ret)
		goto err_cache;
	mether_net_hook(link);
	mutex_lock(&space->link_lock);
	space->link = link;
	/* Heard at once: a host that comes up says so. */
	mether_net_send(link, &hello, NULL, NULL, 0);
	mutex_unlock(&space->link_lock);
	queue_delayed_work(mether_workqueue(), &link->hello_work,
			   mether_net_hello_period(link));
	return 0;

err_cache:
	dst_cache_destroy(&link->dst_cache);
err_link:
	kvfree(link);
	return ret;
}

/**
 * mether_net_down() - close a space's link; it goes on serving locally
 * @space: the space
 */
void mether_net_down(struct mether_space *space)
{
	struct mether_link *link;
	struct sock *sk;

	mutex_lock(&space->link_lock);
	link = space->link;
	space->link = NULL;
	mutex_unlock(&space->link_lock);
	if (!link)
		return;

	sk = link->sock->sk;
	write_lock_bh(&sk->sk_callback_lock);
	sk->sk_user_data = NULL;
	sk->sk_data_ready = link->saved_data_ready;
	write_unlock_bh(&sk->sk_callback_lock);
	/* A task reading the socket is done with it when this returns. */
	mutex_lock(&space->rx_lock);
	space->rx_link = NULL;
	mutex_unlock(&space->rx_lock);
	cancel_work_sync(&link->rx_work);
	cancel_delayed_work_sync(&link->hello_work);
	sock_release(link->sock);
	dst_cache_destroy(&link->dst_cache);
	kvfree(link);
}

/*
 * The route to the segment, looked up as udp_sendmsg() would for the
 * socket (its bound address and device; for a group, the multicast
 * interface), but kept in the link's cache rather than looked up for
 * every packet: 32 of the 341 us that udp_sendmsg() took of a turn
 * under the function graph tracer (bench/results/latency.md). BHs off:
 * the cache is per CPU.
 */
static struct rtable *mether_net_route(struct mether_link *link,
				       struct flowi4 *fl4)
{
	struct sock *sk = link->sock->sk;
	struct inet_sock *inet = inet_sk(sk);
	__be32 saddr = inet->inet_saddr;
	int oif = sk->sk_bound_dev_if;
	struct rtable *rt;

	if (ipv4_is_multicast(link->up.broadcast)) {
		oif = oif ?: inet->mc_index;
		saddr = saddr ?: inet->mc_addr;
	}
	flowi4_init_output(fl4, oif, sk->sk_mark, RT_TOS(inet->tos),
			   RT_SCOPE_UNIVERSE, IPPROTO_UDP,
			   inet_sk_flowi_flags(sk), link->up.broadcast, saddr,
			   link->up.port, inet->inet_sport, sk->sk_uid);
	rt = dst_cache_get_ip4(&link->dst_cache, &fl4->saddr);
	if (rt)
		return rt;
	security_sk_classify_flow(sk, flowi4_to_flowi_common(fl4));
	rt = ip_route_output_flow(sock_net(sk), fl4, sk);
	/*
	 * IPsec's placeholder while keys are agreed stays valid after they
	 * are: kept, it would queue every packet for good.
	 */
	if (!IS_ERR(rt) && !(rt->dst.flags & DST_XFRM_QUEUE))
		dst_cache_set_ip4(&link->dst_cache, &rt->dst, fl4->saddr);
	return rt;
}

/*
 * The UDP checksum, as udp_sendmsg() would have it: left to the device
 * when the packet goes whole through one that can; otherwise computed
 * here, since a fragmented packet's checksum must be, and one left
 * partial on a packet the stack clones (a VRF's loopback, say)
 * would be copied to compute it (skb_checksum_help()).
 */
static void mether_net_udp_csum(struct sk_buff *skb, const struct rtable *rt,
				const struct flowi4 *fl4, bool whole)
{
	struct udphdr *uh = udp_hdr(skb);

	if (whole && (rt->dst.dev->features &
		      (NETIF_F_HW_CSUM | NETIF_F_IP_CSUM))) {
		udp_set_csum(false, skb, fl4->saddr, fl4->daddr, skb->len);
		return;
	}
	uh->check = 0;
	uh->check = csum_tcpudp_magic(fl4->saddr, fl4->daddr, skb->len,
				      IPPROTO_UDP,
				      skb_checksum(skb, 0, skb->len, 0));
	if (!uh->check)
		uh->check = CSUM_MANGLED_0;
}

/*
 * Is @dst a plain broadcast route, which leaves through ip_mc_output()?
 * That loops a clone of every packet back into this host's receive path,
 * for local listeners. Ours has none: the port is our socket's, and the
 * socket's encapsulation hook would only drop the clone as our own
 * (METHER_DROP_OWN), after IP and UDP had received it, on every packet
 * sent (issue 16). ip_output() sends it as ip_mc_output() does, less the
 * clone. Any other route keeps its own way out: a group's (whose loop is
 * off), an IPsec bundle's and its placeholder's while keys are being
 * agreed (neither is an rtable, nor is a tunnel's metadata: look at the
 * flags before the type), a lightweight tunnel's, the loopback
 * device's.
 */
static bool mether_net_plain_broadcast(const struct dst_entry *dst)
{
	if (dst_xfrm(dst) || dst->flags & (DST_XFRM_QUEUE | DST_METADATA))
		return false;
	return ((const struct rtable *)dst)->rt_type == RTN_BROADCAST &&
	       !lwtunnel_output_redirect(dst->lwtstate) &&
	       !(dst->dev->flags & IFF_LOOPBACK);
}

/* After LOCAL_OUT, whose rules may have given the packet another route. */
static int mether_net_output(struct net *net, struct sock *sk,
			     struct sk_buff *skb)
{
	if (mether_net_plain_broadcast(skb_dst(skb)))
		return ip_output(net, sk, skb);
	return dst_output(net, sk, skb);
}

/*
 * ip_local_out(), but a plain broadcast leaves by ip_output():
 * __ip_local_out() is not exported, so its steps are here, netfilter's
 * LOCAL_OUT hook and an L3 master device's turn among them. A packet
 * that a netfilter queue holds comes back later through the hook's
 * okfn, when this module may be gone, so that is the kernel's
 * ip_output(). If the queue's verdict rerouted it, ip_output() still
 * takes an IPsec route's way; a lightweight tunnel that owns its output
 * (seg6, BPF) or a group's loopback would be skipped. The kernel exports
 * nothing that calls a route's own output for us, and a queue that
 * reroutes our packets is rarer than an rmmod.
 */
static int mether_net_local_out(struct net *net, struct sock *sk,
				struct sk_buff *skb)
{
	struct iphdr *iph = ip_hdr(skb);
	int err;

	if (!mether_net_plain_broadcast(skb_dst(skb)))
		return ip_local_out(net, sk, skb);
	iph->tot_len = htons(skb->len);
	ip_send_check(iph);
	skb = l3mdev_ip_out(sk, skb);
	if (unlikely(!skb))
		return 0;
	skb->protocol = htons(ETH_P_IP);
	err = nf_hook(NFPROTO_IPV4, NF_INET_LOCAL_OUT, net, sk, skb, NULL,
		      skb_dst(skb)->dev, ip_output);
	if (likely(err == 1))
		err = mether_net_output(net, sk, skb);
	return err;
}

/*
 * Put the UDP and IP headers on @skb and hand it to IP, as
 * udp_sendmsg() would for the socket (udp_send_skb(), __ip_make_skb(),
 * ip_send_skb()): a group's TTL, else the route's; DF on a packet that
 * goes whole, unless the socket's path MTU setting says otherwise, and
 * fragmented here all the same where the MTU turns out smaller; IP's
 * verdict told, and counted, as udp_send_skb() tells and counts it.
 * Written out rather than udp_tunnel_xmit_skb(), which would need the
 * udp_tunnel module, clears what allows that fragmenting, and keeps
 * IP's verdict to itself.
 */
static int mether_net_xmit(struct mether_link *link, struct sk_buff *skb)
{
	struct sock *sk = link->sock->sk;
	struct net *net = sock_net(sk);
	struct flowi4 fl4;
	struct rtable *rt;
	struct udphdr *uh;
	struct iphdr *iph;
	bool whole;
	int err;

	local_bh_disable();
	rt = mether_net_route(link, &fl4);
	if (IS_ERR(rt)) {
		local_bh_enable();
		kfree_skb(skb);
		return PTR_ERR(rt);
	}
	uh = skb_push(skb, sizeof(*uh));
	skb_reset_transport_header(skb);
	uh->source = fl4.fl4_sport;
	uh->dest = fl4.fl4_dport;
	uh->len = htons(skb->len);
	whole = skb->len + sizeof(*iph) <= dst_mtu(&rt->dst);
	mether_net_udp_csum(skb, rt, &fl4, whole);

	iph = skb_push(skb, sizeof(*iph));
	skb_reset_network_header(skb);
	iph->version = 4;
	iph->ihl = sizeof(*iph) >> 2;
	iph->tos = inet_sk(sk)->tos;
	iph->frag_off = whole && ip_dont_fragment(sk, &rt->dst) ?
			htons(IP_DF) : 0;
	iph->ttl = rt->rt_type == RTN_MULTICAST ? inet_sk(sk)->mc_ttl :
						  ip4_dst_hoplimit(&rt->dst);
	iph->protocol = IPPROTO_UDP;
	iph->saddr = fl4.saddr;
	iph->daddr = fl4.daddr;
	__ip_select_ident(net, iph, 1);
	skb->ignore_df = ip_sk_ignore_df(sk);
	skb->priority = sk->sk_priority;
	skb->mark = sk->sk_mark;
	/* The skb takes the route's reference. */
	skb_dst_set(skb, &rt->dst);
	err = mether_net_local_out(net, sk, skb);
	local_bh_enable();
	if (err > 0)
		err = net_xmit_errno(err);
	if (err)
		IP_INC_STATS(net, IPSTATS_MIB_OUTDISCARDS);
	/* A queue that dropped it lost it, as the wire may (IP_RECVERR off). */
	if (err == -ENOBUFS) {
		UDP_INC_STATS(net, UDP_MIB_SNDBUFERRORS, 0);
		return 0;
	}
	if (!err)
		UDP_INC_STATS(net, UDP_MIB_OUTDATAGRAMS, 0);
	return err;
}

/*
 * Send @msg, with @len bytes of @frame or @buf as its payload (zeroes
 * when both are NULL), to the segment; link_lock held. The packet is
 * built, and sealed, in the socket buffer that goes out: the page itself
 * stays as it is. The socket's send buffer bounds the packets queued.
 */
static int mether_net_send(struct mether_link *link,
			   struct mether_wire_msg *msg, struct page *frame,
			   const void *buf, size_t len)
{
	size_t tag = mether_wire_tag_bytes(link->limits.seal);
	size_t pkt_len = sizeof(struct mether_wire_header) + len + tag;
	struct sock *sk = link->sock->sk;
	struct mether_wire_header *hdr;
	struct mether_keys keys;
	struct sk_buff *skb;
	int ret;

	msg->sender = link->limits.self;
	/*
	 * Aimed at a host's life that proved itself here, unless the
	 * caller names one (a handoff: the life that asked for it).
	 */
	if (msg->target && !msg->target_epoch)
		msg->target_epoch = mether_peer_epoch(&link->peers,
						      msg->target);
	/* -EAGAIN for a full send buffer, as sendmsg() would say it. */
	skb = sock_alloc_send_skb(sk, METHER_NET_HEADROOM + pkt_len, 1, &ret);
	if (!skb) {
		UDP_INC_STATS(sock_net(sk), UDP_MIB_SNDBUFERRORS, 0);
		return ret;
	}
	skb_reserve(skb, METHER_NET_HEADROOM);
	hdr = skb_put(skb, pkt_len);
	/*
	 * 2^48 packets is nine years at a million a second; past them, only
	 * a new epoch (DOWN and UP) sends again. STATUS says so.
	 */
	msg->counter = mether_wire_next_counter(&link->tx_counter);
	if (!msg->counter) {
		pr_warn_once("host %u sent 2^48 - 1 packets in one epoch: bring it down and up\n",
			     link->limits.self);
		kfree_skb(skb);
		return -EOVERFLOW;
	}
	msg->epoch = link->epoch;
	mether_wire_build(hdr, &link->limits, msg);
	if (frame)
		memcpy_from_page((void *)(hdr + 1), frame, 0, len);
	else if (buf)
		memcpy(hdr + 1, buf, len);
	else	/* a page never written is zero-filled */
		memset(hdr + 1, 0, len);
	if (tag) {
		mether_keys_get(link->space, &keys);
		mether_seal(hdr, len, keys.key[0]);
		memzero_explicit(&keys, sizeof(keys));
	}
	/* Traced first: the receiver may act on it before xmit returns. */
	trace_mether_packet_tx(link->limits.self, msg->type, msg->flags,
			       msg->target, msg->page, msg->version, pkt_len);
	ret = mether_net_xmit(link, skb);
	if (ret)
		return ret;
	/*
	 * Only what every host opens says this one is alive: a host busy
	 * proving epochs still says HELLO (mether_wire_elsewhere()).
	 */
	if (!mether_wire_proof(msg->type, msg->flags))
		link->tx_last = jiffies;
	spin_lock_bh(&link->stats_lock);
	link->stats.tx_packets[msg->type]++;
	link->stats.tx_bytes[msg->type] += pkt_len;
	spin_unlock_bh(&link->stats_lock);
	return 0;
}

/**
 * mether_net_send_msg() - send a packet to the segment
 * @space: the space
 * @msg: what to send; its sender, epoch and counter are filled in
 * @frame: the page the payload comes from (a PAGE packet), or NULL for
 *	none (a PAGE packet then carries zeroes)
 *
 * Return: 0; -ENOTCONN when the host is not up; -EAGAIN when the
 * socket's send buffer is full; an errno from sending.
 */
int mether_net_send_msg(struct mether_space *space,
			struct mether_wire_msg *msg, struct page *frame)
{
	size_t len = mether_wire_payload_bytes(msg->type, msg->subset);
	int ret = -ENOTCONN;

	mutex_lock(&space->link_lock);
	if (space->link)
		ret = mether_net_send(space->link, msg, frame, NULL, len);
	mutex_unlock(&space->link_lock);
	return ret;
}

/**
 * mether_net_send_buf() - send a packet whose payload is in memory
 * @space: the space
 * @msg: what to send; its sender, epoch and counter are filled in
 * @buf: the payload, as long as the packet's type asks
 *
 * Return: 0; -ENOTCONN when the host is not up; -EAGAIN when the
 * socket's send buffer is full; an errno from sending.
 */
int mether_net_send_buf(struct mether_space *space,
			struct mether_wire_msg *msg, const void *buf)
{
	size_t len = mether_wire_payload_bytes(msg->type, msg->subset);
	int ret = -ENOTCONN;

	mutex_lock(&space->link_lock);
	if (space->link)
		ret = mether_net_send(space->link, msg, NULL, buf, len);
	mutex_unlock(&space->link_lock);
	return ret;
}

/**
 * mether_net_send_request() - ask the cluster for any copy of a page
 * @space: the space
 * @page: page number
 * @subset: how much of the page is wanted
 *
 * The holder of the consistent copy answers by publishing the page.
 *
 * Return: 0; -ENOTCONN when the host is not up; -EAGAIN when the
 * socket's send buffer is full; an errno from sending.
 */
int mether_net_send_request(struct mether_space *space, u64 page,
			    unsigned int subset)
{
	struct mether_wire_msg msg = {
		.type = METHER_MSG_REQUEST,
		.subset = subset,
		.page = page,
	};

	return mether_net_send_msg(space, &msg, NULL);
}

/**
 * mether_net_send_page() - broadcast a new copy of a page
 * @space: the space
 * @page: page number
 * @subset: how much of the page goes (the short page: 32 bytes)
 * @version: the copy's version
 * @frame: the copy; the caller holds a reference
 */
void mether_net_send_page(struct mether_space *space, u64 page,
			  unsigned int subset, u64 version, struct page *frame)
{
	struct mether_wire_msg msg = {
		.type = METHER_MSG_PAGE,
		.subset = subset,
		.page = page,
		.version = version,
	};

	mether_net_send_msg(space, &msg, frame);
}

/* A handoff went out again. */
void mether_net_count_retransmit(struct mether_space *space)
{
	mutex_lock(&space->link_lock);
	if (space->link) {
		spin_lock_bh(&space->link->stats_lock);
		space->link->stats.retransmits++;
		spin_unlock_bh(&space->link->stats_lock);
	}
	mutex_unlock(&space->link_lock);
}

/**
 * mether_net_stats() - copy a space's counters
 * @space: the space
 * @stats: filled in; all zero while the host is not up
 *
 * Return: 0.
 */
int mether_net_stats(struct mether_space *space, struct mether_stats *stats)
{
	struct mether_link *link;

	memset(stats, 0, sizeof(*stats));
	mutex_lock(&space->link_lock);
	link = space->link;
	if (link) {
		spin_lock_bh(&link->stats_lock);
		*stats = link->stats;
		spin_unlock_bh(&link->stats_lock);
		/* Dropped before we could read them: the queue was full. */
		stats->socket_drops = atomic_read(&link->sock->sk->sk_drops);
	}
	mutex_unlock(&space->link_lock);
	return 0;
}

/**
 * mether_net_status() - this host as it came up, for METHER_IOC_STATUS
 * @space: the host's current space
 * @out: filled in; its configuration is zero while the host is down
 */
void mether_net_status(struct mether_space *space, struct mether_status *out)
{
	unsigned long data_driven = space->data_driven_timeout;
	struct mether_link *link;

	memset(out, 0, sizeof(*out));
	out->host_timeout_ms = jiffies_to_msecs(space->host_timeout);
	out->request_timeout_ms = jiffies_to_msecs(space->request_timeout);
	if (data_driven != MAX_SCHEDULE_TIMEOUT)
		out->data_driven_timeout_ms = jiffies_to_msecs(data_driven);
	mutex_lock(&space->link_lock);
	link = space->link;
	if (link) {
		out->up = link->up;
		out->epoch = link->epoch;
		out->socket_buffer = READ_ONCE(link->sock->sk->sk_rcvbuf);
		out->flags = METHER_STATUS_UP;
		if (link->limits.seal != METHER_SEAL_NONE)
			out->flags |= METHER_STATUS_SEALED;
		if (mether_wire_counter_spent(link->tx_counter))
			out->flags |= METHER_STATUS_SPENT;
		spin_lock_bh(&link->stats_lock);
		if (link->stats.reclaimed_epoch)
			out->flags |= METHER_STATUS_RECLAIMED;
		spin_unlock_bh(&link->stats_lock);
	}
	mutex_unlock(&space->link_lock);
}

/**
 * mether_net_self() - this host's id in the cluster
 * @space: the space
 *
 * Return: the id, or 0 when the host is not up.
 */
u32 mether_net_self(struct mether_space *space)
{
	u32 self = 0;

	mutex_lock(&space->link_lock);
	if (space->link)
		self = space->link->limits.self;
	mutex_unlock(&space->link_lock);
	return self;
}

/**
 * mether_net_peers() - the hosts heard, for METHER_IOC_PEERS
 * @space: the space
 * @out: filled in (empty while the host is not up)
 */
void mether_net_peers(struct mether_space *space, struct mether_peers *out)
{
	memset(out, 0, sizeof(*out));
	out->host_timeout_ms = jiffies_to_msecs(space->host_timeout);
	mutex_lock(&space->link_lock);
	if (space->link)
		mether_peer_list(&space->link->peers, space->host_timeout, out);
	mutex_unlock(&space->link_lock);
}

/**
 * mether_net_epoch_of() - the epoch @host proved current here
 * @space: the space
 * @host: the host
 *
 * Return: the epoch, or 0 when it proved none (or this host is down).
 */
u64 mether_net_epoch_of(struct mether_space *space, u32 host)
{
	u64 epoch = 0;

	mutex_lock(&space->link_lock);
	if (space->link)
		epoch = mether_peer_epoch(&space->link->peers, host);
	mutex_unlock(&space->link_lock);
	return epoch;
}

/**
 * mether_net_reclaimable() - may @host's pages of an epoch be reclaimed?
 * @space: the space
 * @host: the host; this host's own old epochs too
 * @epoch: in: the epoch (0: the newest heard); out: the epoch
 *
 * Return: 1 when it may because @epoch is older than @host's newest
 * (this host's own old epochs too); 0 when it may because @host is
 * silent; -EBUSY when @host is heard alive under @epoch, or is this host
 * and @epoch its current one; -ENOENT when @host or @epoch was never
 * heard; -ENOTCONN when this host is not up (mether_peer_reclaimable()).
 */
int mether_net_reclaimable(struct mether_space *space, u32 host, u64 *epoch)
{
	struct mether_link *link;
	int ret = -ENOTCONN;

	mutex_lock(&space->link_lock);
	link = space->link;
	if (link && host == link->limits.self)
		ret = *epoch && *epoch < link->epoch ? 1 : -EBUSY;
	else if (link)
		ret = mether_peer_reclaimable(&link->peers, host,
					      space->host_timeout, epoch);
	mutex_unlock(&space->link_lock);
	return ret;
}

/**
 * mether_net_reclaimed() - refuse @host's packets up to @epoch for good
 * @space: the space
 * @host: the host whose pages are reclaimed
 * @epoch: its epoch
 */
void mether_net_reclaimed(struct mether_space *space, u32 host, u64 epoch)
{
	mutex_lock(&space->link_lock);
	if (space->link)
		mether_peer_reclaim(&space->link->peers, host, epoch);
	mutex_unlock(&space->link_lock);
}

/**
 * mether_net_live() - the other hosts heard within the host timeout
 * @space: the space
 * @except: a host to leave out
 * @ids: filled with their ids
 *
 * Return: how many there are.
 */
unsigned int mether_net_live(struct mether_space *space, u32 except,
			     u32 ids[METHER_PEERS_MAX])
{
	unsigned int n = 0;

	mutex_lock(&space->link_lock);
	if (space->link)
		n = mether_peer_live(&space->link->peers, space->host_timeout,
				     except, ids);
	mutex_unlock(&space->link_lock);
	return n;
}
