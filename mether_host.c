// SPDX-License-Identifier: GPL-2.0
/*
 * Mether: one host per network namespace.
 *
 * /dev/mether serves the host of the opener's network namespace, so one
 * machine (or test guest) can hold several hosts, as containers would,
 * while a real machine holds one. A host's space is made when it is
 * first opened and lives until the namespace goes and its last user lets
 * go of it.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/in.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/sizes.h>
#include <net/netns/generic.h>

#include "mether_host.h"
#include "mether_net.h"
#include "mether_owner.h"
#include "mether_receive.h"
#include "mether_reclaim.h"
#include "mether_seal.h"
#include "mether_segment.h"
#include "mether_server.h"

static unsigned int space_pages = 256;
module_param(space_pages, uint, 0444);
MODULE_PARM_DESC(space_pages,
		 "Number of pages in each host's Mether space (default 256)");

/*
 * Anyone may make a user namespace, and with it a network namespace and
 * a host it administers: such a host's space is bounded. The memory it
 * uses is charged to its maker's memory cgroup too, but a machine
 * without cgroup limits would still lose it (Documentation/design.rst).
 */
static unsigned int userns_max_pages = 16384;
module_param(userns_max_pages, uint, 0644);
MODULE_PARM_DESC(userns_max_pages,
		 "Most pages in the space of a host whose network namespace belongs to a user namespace other than the initial one; UP asking for more fails with EFBIG; read when a space is made (default 16384)");

static unsigned int data_driven_timeout_ms = 100;
module_param(data_driven_timeout_ms, uint, 0644);
MODULE_PARM_DESC(data_driven_timeout_ms,
		 "A data-driven fault that waited this long asks for the page once; 0: never; read when a host comes up (default 100)");

static unsigned int request_timeout_ms = 5000;
module_param(request_timeout_ms, uint, 0644);
MODULE_PARM_DESC(request_timeout_ms,
		 "A demand fault whose requests nobody answered for this long ends in SIGBUS; read when a host comes up (default 5000)");

static unsigned int host_timeout_ms = 5000;
module_param(host_timeout_ms, uint, 0644);
MODULE_PARM_DESC(host_timeout_ms,
		 "A host not heard for this long is silent and may be reclaimed; quiet hosts say HELLO four times as often; read when a host comes up (default 5000)");

static unsigned int request_rate = 5000;
module_param(request_rate, uint, 0644);
MODULE_PARM_DESC(request_rate,
		 "REQUESTs per second this host answers from each other host, in bursts of up to half that; more are dropped and counted; 0: no limit; read when a host comes up (default 5000)");

/*
 * A snooping host's socket takes every page any host publishes. The
 * default rmem (about 200 KiB) holds some 20 reassembled pages, so a
 * burst from a few writers overflowed it and data-driven waiters sat
 * out their timeout. A deep queue costs latency instead: every packet
 * in it is opened before a new answer is seen, and a slow host's
 * demand faults re-ask meanwhile, so 4 MiB let two debug guests
 * counting with the purge protocol collapse (42 of 128 increments in
 * 300 s, against 128 in 149 s with 256 KiB). 1 MiB, about 100 pages,
 * holds a batch of 64 and then some, at a bounded delay.
 */
static unsigned int socket_buffer_kb = 1024;
module_param(socket_buffer_kb, uint, 0644);
MODULE_PARM_DESC(socket_buffer_kb,
		 "KiB of packets each host's socket may hold unread; more are dropped and counted as socket drops; 0: the namespace's default; read when a host comes up (default 1024)");

/**
 * struct mether_host - the Mether host of one network namespace
 * @lock: serialises making the space
 * @space: the host's space, or NULL until first opened
 * @last_epoch: the epoch it last came up under (0: never)
 */
struct mether_host {
	struct mutex lock;	/* serialises making the space */
	struct mether_space *space;
	u64 last_epoch;
};

static unsigned int mether_net_id __read_mostly;

static struct mether_space *mether_host_new_space(u64 pages, bool creator)
{
	struct mether_space *space = mether_space_create(pages, creator);
	unsigned int dd_ms, kb;

	if (IS_ERR(space))
		return space;
	/* The layers above the space bring their work to it. */
	mether_owner_init_space(space);
	mether_reclaim_init_space(space);
	mether_server_init_space(space);
	/* Writable parameters: each space keeps the values it was made with. */
	dd_ms = READ_ONCE(data_driven_timeout_ms);
	space->data_driven_timeout = dd_ms ? msecs_to_jiffies(dd_ms) :
					     MAX_SCHEDULE_TIMEOUT;
	space->request_timeout = msecs_to_jiffies(READ_ONCE(request_timeout_ms));
	space->host_timeout = msecs_to_jiffies(max(READ_ONCE(host_timeout_ms),
						   100U));
	space->request_rate = READ_ONCE(request_rate);
	kb = min_t(unsigned int, READ_ONCE(socket_buffer_kb), INT_MAX / SZ_1K);
	space->socket_buffer = kb * SZ_1K;
	return space;
}

/* The most pages a space of @net's host may have. */
static u64 mether_host_max_pages(struct net *net)
{
	if (net->user_ns == &init_user_ns)
		return METHER_MAX_PAGES(PAGE_SIZE);
	return max(READ_ONCE(userns_max_pages), 1U);
}

/* The space of @net's host, made on first use; @host->lock is held. */
static struct mether_space *mether_host_space_locked(struct net *net,
						     struct mether_host *host)
{
	struct mether_space *space;

	lockdep_assert_held(&host->lock);
	if (host->space)
		return host->space;
	space = mether_host_new_space(min_t(u64, space_pages,
					    mether_host_max_pages(net)),
				      true);
	if (!IS_ERR(space))
		host->space = space;
	return space;
}

/**
 * mether_host_space() - the space of @net's host, made on first use
 * @net: the opener's network namespace
 *
 * Return: the space with a reference for the caller, or an ERR_PTR().
 */
struct mether_space *mether_host_space(struct net *net)
{
	struct mether_host *host = net_generic(net, mether_net_id);
	struct mether_space *space;

	mutex_lock(&host->lock);
	space = mether_host_space_locked(net, host);
	if (!IS_ERR(space))
		mether_space_get(space);
	mutex_unlock(&host->lock);
	return space;
}

/**
 * mether_host_set_key() - METHER_IOC_SET_KEY for @net's host
 * @net: the host's network namespace
 * @key: the request, copied from userspace
 *
 * The key goes to the host's current space, which the next UP inherits.
 * Under the lock UP takes, so that METHER_KEY_ONLY is refused on a host
 * that is up, or comes up, before the key is in.
 *
 * Return: 0; -EBUSY for METHER_KEY_ONLY on a host that is up; -EINVAL;
 * -ENOMEM.
 */
int mether_host_set_key(struct net *net, const struct mether_key *key)
{
	struct mether_host *host = net_generic(net, mether_net_id);
	struct mether_space *space;
	int ret;

	mutex_lock(&host->lock);
	space = mether_host_space_locked(net, host);
	ret = PTR_ERR_OR_ZERO(space);
	if (ret)
		goto out;
	ret = -EBUSY;
	if (key->flags == METHER_KEY_ONLY && space->link)
		goto out;
	ret = mether_space_set_key(space, key);
out:
	mutex_unlock(&host->lock);
	return ret;
}

/**
 * mether_host_up() - join @net's host to a cluster, with a new space
 * @net: the host's network namespace
 * @up: the configuration, from userspace
 * @key: METHER_KEY_SIZE bytes, the space's only key; NULL: the keys of
 *	the host's current space go on
 *
 * Files opened before keep the space they had (alone); files opened
 * after get the new one. The key is set under the lock that finds the
 * host down, so it never replaces the key of a host that is up.
 *
 * Return: 0; -EINVAL for a bad configuration (or a key for an unsealed
 * host, or a key of zeros); -EFBIG for more pages
 * than a host of a user namespace may have (userns_max_pages); -EBUSY
 * when already up; -ENOKEY for a sealed cluster when no key is set;
 * -EOVERFLOW when the host's epochs cannot grow (mether_seal_epoch()); an
 * errno from the socket.
 */
int mether_host_up(struct net *net, const struct mether_up *up,
		   const u8 *key)
{
	struct mether_host *host = net_generic(net, mether_net_id);
	struct mether_space *space;
	int ret;

	if (!up->host_id || !up->pages ||
	    up->pages > METHER_MAX_PAGES(PAGE_SIZE) ||
	    (up->flags & ~(METHER_UP_CREATE | METHER_UP_UNSEALED)) ||
	    !up->port || !up->broadcast ||
	    up->reserved || up->reserved2 || up->ifindex > INT_MAX ||
	    (key && ((up->flags & METHER_UP_UNSEALED) ||
		     !mether_key_usable(key))))
		return -EINVAL;
	/* A socket bound to one address takes no group's packets. */
	if (ipv4_is_multicast(up->broadcast) && up->addr)
		return -EINVAL;
	/*
	 * No router forwards a broadcast, nor a group of 224.0.0.0/24: a
	 * TTL would promise what is not.
	 */
	if (up->ttl && (!ipv4_is_multicast(up->broadcast) ||
			ipv4_is_local_multicast(up->broadcast)))
		return -EINVAL;
	if (up->pages > mether_host_max_pages(net))
		return -EFBIG;

	mutex_lock(&host->lock);
	ret = -EBUSY;
	if (host->space && host->space->link)
		goto out;
	space = mether_host_new_space(up->pages, up->flags & METHER_UP_CREATE);
	ret = PTR_ERR_OR_ZERO(space);
	if (ret)
		goto out;
	if (key)
		mether_space_only_key(space, key);
	else if (host->space)
		mether_keys_copy(space, host->space);
	/* A sealed cluster needs a key; running without is asked for. */
	ret = -ENOKEY;
	if (!space->keys.has[0] && !(up->flags & METHER_UP_UNSEALED)) {
		mether_space_put(space);
		goto out;
	}
	ret = mether_net_up(net, space, up, &host->last_epoch,
			    mether_receive_work);
	if (ret) {
		mether_space_put(space);
		goto out;
	}
	if (host->space) {
		/*
		 * Files opened before keep the old space: a new key revokes
		 * the old one for them too (a key changed after a compromise).
		 */
		if (key)
			mether_space_only_key(host->space, key);
		mether_space_put(host->space);
	}
	host->space = space;
out:
	mutex_unlock(&host->lock);
	return ret;
}

/**
 * mether_host_down() - leave the cluster; the space goes on, alone
 * @net: the host's network namespace
 *
 * Return: 0, or -ENOTCONN when the host is not up.
 */
int mether_host_down(struct net *net)
{
	struct mether_host *host = net_generic(net, mether_net_id);
	int ret = -ENOTCONN;

	mutex_lock(&host->lock);
	if (host->space && host->space->link) {
		mether_net_down(host->space);
		ret = 0;
	}
	mutex_unlock(&host->lock);
	return ret;
}

static int __net_init mether_net_init(struct net *net)
{
	struct mether_host *host = net_generic(net, mether_net_id);

	mutex_init(&host->lock);
	host->space = NULL;
	host->last_epoch = 0;
	return 0;
}

static void __net_exit mether_net_exit(struct net *net)
{
	struct mether_host *host = net_generic(net, mether_net_id);

	/*
	 * The socket holds no reference on the namespace: close it now.
	 * Open files and mappings keep the space until they go.
	 */
	if (host->space) {
		mether_net_down(host->space);
		mether_space_put(host->space);
	}
}

static struct pernet_operations mether_net_ops = {
	.init = mether_net_init,
	.exit = mether_net_exit,
	.id = &mether_net_id,
	.size = sizeof(struct mether_host),
};

int mether_host_init(void)
{
	if (!space_pages || space_pages > METHER_MAX_PAGES(PAGE_SIZE)) {
		pr_err("space_pages=%u out of range 1..%llu\n", space_pages,
		       METHER_MAX_PAGES(PAGE_SIZE));
		return -EINVAL;
	}
	return register_pernet_subsys(&mether_net_ops);
}

void mether_host_exit(void)
{
	unregister_pernet_subsys(&mether_net_ops);
}
