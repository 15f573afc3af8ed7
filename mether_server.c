// SPDX-License-Identifier: GPL-2.0
/*
 * Mether: the in-kernel server.
 *
 * The paper's server was a user process that watched for pages marked
 * purge pending or wanted, moved them over the network and said
 * DO_PURGE. Here it is a work item per space: the fault and ioctl paths
 * queue a page on the space's server queue and kick the work, which
 * serves each page in turn in process context. (A writeable PURGE
 * publishes in its caller's context, and comes here only when that
 * found no memory.)
 */
#include <linux/jiffies.h>
#include <linux/module.h>
#include <linux/workqueue.h>

#include "mether_net.h"
#include "mether_purge.h"
#include "mether_space.h"

/* One workqueue for every space, so that module exit can drain it. */
static struct workqueue_struct *mether_wq;

static void mether_serve_page(struct mether_space *space,
			      struct mether_page *mp)
{
	u64 page = mether_page_index(space, mp);
	unsigned int wanted;
	bool purge;

	spin_lock(&mp->lock);
	purge = mether_purge_pending(mp);
	wanted = mp->inconsistent.wanted;
	spin_unlock(&mp->lock);

	if (purge && READ_ONCE(mether_kernel_server))
		mether_do_purge(space, page);
	if (wanted & METHER_SUBSET_BIT(METHER_SUBSET_FULL))
		mether_publish(space, page, METHER_SUBSET_FULL);
	else if (wanted)
		mether_publish(space, page, METHER_SUBSET_SHORT);
}

static void mether_server_work(struct work_struct *work)
{
	struct mether_space *space = container_of(work, struct mether_space,
						  server_work);
	struct mether_page *mp;

	for (;;) {
		spin_lock(&space->server_lock);
		mp = list_first_entry_or_null(&space->server_queue,
					      struct mether_page, server_entry);
		if (mp)
			list_del_init(&mp->server_entry);
		spin_unlock(&space->server_lock);
		if (!mp)
			break;
		mether_serve_page(space, mp);
	}
	/* The reference mether_server_kick() took for this run. */
	mether_space_put(space);
}

/**
 * mether_server_kick() - ask the server to look at a page
 * @space: the space
 * @mp: the page: a PURGE is pending on it, or a subset is wanted
 */
void mether_server_kick(struct mether_space *space, struct mether_page *mp)
{
	spin_lock(&space->server_lock);
	if (list_empty(&mp->server_entry))
		list_add_tail(&mp->server_entry, &space->server_queue);
	spin_unlock(&space->server_lock);

	mether_space_get(space);
	if (!queue_work(mether_wq, &space->server_work))
		mether_space_put(space);
}

void mether_server_init_space(struct mether_space *space)
{
	INIT_WORK(&space->server_work, mether_server_work);
}

/**
 * mether_server_ask() - ask for any copy of a page, for a demand fault
 * @space: the space
 * @page: page number
 * @subset: how much of the page is wanted
 *
 * A host that holds the consistent copy publishes it; any other sends a
 * request, again each time it is called, until a copy arrives or
 * @space->request_timeout has passed since the first request.
 *
 * Return: 0 when published here; -EINPROGRESS when a request went out;
 * -ETIMEDOUT when nobody answered in time (the next call starts over);
 * -ENOTCONN when the host is alone; -ENOMEM.
 */
int mether_server_ask(struct mether_space *space, u64 page,
		      unsigned int subset)
{
	struct mether_page *mp = &space->page[page];
	int ret;

	ret = mether_publish(space, page, subset);
	if (ret != -ENOENT)
		return ret;

	ret = mether_asking_next(space, mp, &mp->any_asks);
	if (ret)
		return ret;
	ret = mether_net_send_request(space, page, subset);
	return ret ? ret : -EINPROGRESS;
}

/**
 * mether_asking_next() - count one more request for a copy of a page
 * @space: the space
 * @mp: the page
 * @asks: its record of requests for the copy wanted
 *
 * Return: 0 when the request may go; -ETIMEDOUT when nobody answered for
 * @space->request_timeout since the first request (the record starts
 * over, so the next access asks afresh).
 */
int mether_asking_next(struct mether_space *space, struct mether_page *mp,
		       struct mether_asking *asks)
{
	int ret = 0;

	spin_lock(&mp->lock);
	if (!asks->count) {
		asks->since = jiffies;
	} else if (time_after(jiffies, asks->since + space->request_timeout)) {
		asks->count = 0;
		ret = -ETIMEDOUT;
	}
	if (!ret)
		asks->count++;
	spin_unlock(&mp->lock);
	return ret;
}

/* Mether's workqueue, which module exit drains. */
struct workqueue_struct *mether_workqueue(void)
{
	return mether_wq;
}

/* Run @work on Mether's workqueue. */
void mether_queue_work(struct work_struct *work)
{
	queue_work(mether_wq, work);
}

int mether_server_init(void)
{
	mether_wq = alloc_workqueue("mether", WQ_UNBOUND, 0);
	return mether_wq ? 0 : -ENOMEM;
}

void mether_server_exit(void)
{
	destroy_workqueue(mether_wq);
}
