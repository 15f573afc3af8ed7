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

#include "mether_purge.h"
#include "mether_send.h"
#include "mether_server.h"
#include "mether_space.h"
#include "mether_work.h"

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
 * mether_server_init_space() - set up a new space's server
 * @space: the space, not yet in use
 */
void mether_server_init_space(struct mether_space *space)
{
	INIT_WORK(&space->server_work, mether_server_work);
}
