// SPDX-License-Identifier: GPL-2.0
/*
 * Mether: what a host receives, opened and handed up.
 *
 * The socket (mether_net.c) reads nothing: a task waiting on the space
 * for a read-only copy reads in its own context (the fault path's
 * mether_wait_here()), or the receive work does while none waits. Here
 * packets are read, unsealed and validated (mether_seal.c,
 * mether_wire.c), checked against each sender's replay window and rate
 * (mether_peer.c), and handed to the layer each concerns: the consistent
 * copy's handoffs (mether_owner.c), reclaims (mether_reclaim.c), and
 * snooped copies (mether_space.c). All of it runs in process context,
 * where pages can be allocated and page tables unmapped. This is the top
 * of the packet path: it calls down into every file it names; the fault
 * path, which waits for what it brings, calls it, and the host gives
 * the socket its work.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/net.h>
#include <linux/socket.h>
#include <linux/string.h>
#include <net/udp.h>

#include "mether_net.h"
#include "mether_owner.h"
#include "mether_peer.h"
#include "mether_receive.h"
#include "mether_reclaim.h"
#include "mether_seal.h"
#include "mether_send.h"
#include "mether_space.h"
#include "mether_trace.h"
#include "mether_wire.h"
#include "mether_work.h"

/* Packets read per run of the receive work, so one host cannot hog it. */
#define METHER_RX_BATCH	64

/* Ask a sender to prove the epoch it was heard in. */
static void mether_receive_challenge(struct mether_link *link,
				     const struct mether_challenge *challenge)
{
	struct mether_wire_msg msg = {
		.type = METHER_MSG_HELLO,
		.flags = METHER_WIRE_CHALLENGE,
		.target = challenge->host,
		.target_epoch = challenge->epoch,
		.version = challenge->nonce,
	};

	mether_net_send_msg(link->space, &msg, NULL);
}

/*
 * Tell a host whose packet was dropped because its pages were reclaimed:
 * cut off through the reclaim, it never heard it (server.rst).
 */
static void mether_receive_notice(struct mether_link *link,
				  const struct mether_wire_msg *msg)
{
	struct mether_wire_reclaim body = { .host = cpu_to_be32(msg->sender) };
	struct mether_wire_msg notice = {
		.type = METHER_MSG_RECLAIM,
		.flags = METHER_WIRE_RECLAIM_NOTICE,
		.target = msg->sender,
		.target_epoch = msg->epoch,
	};

	if (!mether_peer_notice_due(&link->peers, msg,
				    link->space->host_timeout))
		return;
	body.epoch = cpu_to_be64(msg->epoch);
	mether_net_send_buf(link->space, &notice, &body);
}

/*
 * A NOTICE aimed here (mether_wire_parse() checked it names this host's
 * epoch): a survivor says this host's pages were reclaimed. Its copies
 * are no longer the cluster's, and only DOWN and UP bring it back.
 */
static void mether_receive_noticed(struct mether_link *link,
				   const struct mether_wire_msg *msg)
{
	const struct mether_wire_reclaim *body = msg->payload;
	u64 epoch = be64_to_cpu(body->epoch);

	if (msg->target != link->limits.self ||
	    be32_to_cpu(body->host) != link->limits.self ||
	    epoch < link->epoch)
		return;
	spin_lock_bh(&link->stats_lock);
	if (!link->stats.reclaimed_epoch)
		pr_warn("host %u says it reclaimed this host's pages (epoch %llu): if 'metherctl hosts' on the others lists this host as reclaimed, its copies are no longer the cluster's: bring it down and up\n",
			msg->sender, link->epoch);
	link->stats.reclaimed_epoch = link->epoch;
	spin_unlock_bh(&link->stats_lock);
}

/* Nothing in a packet is trusted until it is unsealed: then it is parsed. */
static int mether_receive_open(struct mether_link *link, size_t len,
			       struct mether_wire_msg *msg)
{
	struct mether_wire_header *hdr = (void *)link->rx_buf;
	size_t tag = mether_wire_tag_bytes(link->limits.seal);
	struct mether_challenge challenge;
	enum mether_peer_bucket bucket;
	struct mether_keys keys;
	unsigned int rate;
	bool opened;
	int ret;

	ret = mether_wire_frame(link->rx_buf, len, &link->limits);
	if (ret)
		return ret;
	if (tag) {
		mether_keys_get(link->space, &keys);
		opened = mether_unseal(hdr, len - sizeof(*hdr), &keys);
		memzero_explicit(&keys, sizeof(keys));
		if (!opened)
			return -METHER_DROP_BAD_SEAL;
	}
	ret = mether_wire_parse(link->rx_buf, len - tag, &link->limits, msg);
	if (ret)
		return ret;
	ret = mether_peer_accept(&link->peers, link->limits.self, msg,
				 &challenge);
	if (challenge.host)
		mether_receive_challenge(link, &challenge);
	if (ret == -METHER_DROP_RECLAIMED)
		mether_receive_notice(link, msg);
	if (ret)
		return ret;
	bucket = mether_peer_bucket_of(msg, link->limits.self,
				       link->space->request_rate, &rate);
	if (!mether_peer_charge(&link->peers, msg->sender, bucket, rate))
		return -METHER_DROP_RATE_LIMITED;
	return 0;
}

/* Answer a CHALLENGE aimed at this host: this is my epoch, now. */
static void mether_receive_answer(struct mether_link *link,
				  const struct mether_wire_msg *msg)
{
	struct mether_wire_msg answer = {
		.type = METHER_MSG_HELLO,
		.flags = METHER_WIRE_ANSWER,
		.target = msg->sender,
		.target_epoch = msg->epoch,
		.version = msg->version,
	};

	if (msg->target == link->limits.self)
		mether_net_send_msg(link->space, &answer, NULL);
}

static void mether_receive_one(struct mether_link *link, size_t len)
{
	struct mether_wire_msg msg;
	int ret;

	ret = mether_receive_open(link, len, &msg);
	if (ret) {
		mether_net_count_drop(link, -ret, len);
		return;
	}
	trace_mether_packet_rx(link->limits.self, msg.type, msg.flags,
			       msg.sender, msg.page, msg.version, len);
	spin_lock_bh(&link->stats_lock);
	link->stats.rx_packets[msg.type]++;
	link->stats.rx_bytes[msg.type] += len;
	spin_unlock_bh(&link->stats_lock);

	switch (msg.type) {
	case METHER_MSG_REQUEST:
		if (msg.flags & METHER_WIRE_CONSISTENT)
			mether_owner_request(link->space, &msg);
		else	/* any copy: the holder publishes, everyone snoops */
			mether_publish(link->space, msg.page, msg.subset);
		return;
	case METHER_MSG_ACK:
		mether_owner_heard(link->space, &msg);
		if (msg.target != link->limits.self)
			return;
		if (msg.flags & METHER_WIRE_GRANTED)
			mether_reclaim_granted(link->space, &msg);
		else
			mether_owner_acked(link->space, &msg);
		return;
	case METHER_MSG_HELLO:
		if (msg.flags & METHER_WIRE_CHALLENGE)
			mether_receive_answer(link, &msg);
		return;
	case METHER_MSG_RECLAIM:
		if (msg.flags & METHER_WIRE_RECLAIM_NOTICE) {
			mether_receive_noticed(link, &msg);
			return;
		}
		if (!mether_reclaim_asked(link->space, &msg)) {
			spin_lock_bh(&link->stats_lock);
			link->stats.reclaims_ignored++;
			spin_unlock_bh(&link->stats_lock);
		}
		return;
	case METHER_MSG_OFFER:
		if (msg.target == link->limits.self)
			mether_reclaim_offered(link->space, &msg);
		return;
	case METHER_MSG_GRANT:
		if (msg.target == link->limits.self)
			mether_reclaim_grant(link->space, &msg);
		return;
	default:
		break;
	}
	mether_owner_heard(link->space, &msg);
	if ((msg.flags & METHER_WIRE_HANDOFF) &&
	    msg.target == link->limits.self &&
	    mether_owner_arrived(link->space, &msg)) {
		spin_lock_bh(&link->stats_lock);
		link->stats.ownership_transfers++;
		spin_unlock_bh(&link->stats_lock);
	}
	if (!mether_page_arrived(link->space, &msg)) {
		spin_lock_bh(&link->stats_lock);
		link->stats.snooped++;
		spin_unlock_bh(&link->stats_lock);
	}
}

/*
 * The next datagram's payload, into the link's buffer: taken off the
 * socket's queue as sunrpc does (skb_recv_udp()), not through
 * kernel_recvmsg(), whose message header, iterator and hooks cost about
 * as much as a UDP ping-pong's whole receive (bench/results/latency.md).
 * Its checksum is checked as udp_recvmsg() would, and the same counters
 * kept. Return: its length; -EBADMSG when its checksum is wrong, or
 * -EMSGSIZE when it is larger than any Mether packet (dropped, and
 * counted); -EAGAIN when the queue is empty; another errno from the
 * socket.
 */
static int mether_receive_next(struct mether_link *link)
{
	struct sock *sk = link->sock->sk;
	struct sk_buff *skb;
	int err, len;

	skb = skb_recv_udp(sk, MSG_DONTWAIT, &err);
	if (!skb)
		return err;
	/* Queued, it kept UDP's scratch there (udp_set_dev_scratch()). */
	skb->dev = NULL;
	if (udp_lib_checksum_complete(skb)) {
		UDP_INC_STATS(sock_net(sk), UDP_MIB_CSUMERRORS, 0);
		UDP_INC_STATS(sock_net(sk), UDP_MIB_INERRORS, 0);
		kfree_skb_reason(skb, SKB_DROP_REASON_UDP_CSUM);
		return -EBADMSG;
	}
	UDP_INC_STATS(sock_net(sk), UDP_MIB_INDATAGRAMS, 0);
	len = skb->len;
	if (len > sizeof(link->rx_buf)) {
		/* Larger than any Mether packet: not ours. */
		mether_net_count_drop(link, METHER_DROP_BAD_LENGTH, len);
		kfree_skb(skb);
		return -EMSGSIZE;
	}
	err = skb_copy_bits(skb, 0, link->rx_buf, len);
	consume_skb(skb);
	return err ?: len;
}

/*
 * Read and apply up to @budget packets, or until @enough says so; true
 * when it stopped with packets perhaps left.
 */
static bool mether_receive_batch(struct mether_link *link,
				 unsigned int budget,
				 bool (*enough)(void *arg), void *arg)
{
	unsigned int i;
	int len;

	for (i = 0; i < budget; i++) {
		len = mether_receive_next(link);
		/* Dropped: the next one, within the budget. */
		if (len == -EBADMSG || len == -EMSGSIZE)
			continue;
		/* Only EAGAIN says the socket is empty: else, try later. */
		if (len < 0)
			return len != -EAGAIN;
		mether_receive_one(link, len);
		if (enough && enough(arg))
			return true;
	}
	return true;
}

/**
 * mether_receive_drain() - read and apply what the space's socket holds
 * @space: the space
 * @budget: packets to read at most
 * @enough: called after each packet; true stops the reading (NULL: never)
 * @arg: its argument
 *
 * What is left is the receive work's. Sleeps.
 */
void mether_receive_drain(struct mether_space *space, unsigned int budget,
			  bool (*enough)(void *arg), void *arg)
{
	struct mether_link *link = mether_net_rx_claim(space);

	if (link)
		mether_net_rx_release(space,
				      mether_receive_batch(link, budget,
							   enough, arg));
}

/**
 * mether_receive_work() - read what a link received while no task waited
 * @work: the link's rx_work, queued by its socket's data_ready
 */
void mether_receive_work(struct work_struct *work)
{
	struct mether_link *link = container_of(work, struct mether_link,
						rx_work);

	mether_receive_drain(link->space, METHER_RX_BATCH, NULL, NULL);
}
