// SPDX-License-Identifier: GPL-2.0
/*
 * Mether: its workqueue, and the pages the in-kernel server owes work.
 *
 * Every work item of the module runs on one workqueue, so that module
 * exit can drain it. A PURGE or a LOCK that leaves work for the server
 * queues the page here, below the server itself (mether_server.c),
 * which is what serves it.
 */
#include <linux/list.h>
#include <linux/module.h>
#include <linux/spinlock.h>

#include "mether_space.h"
#include "mether_work.h"

bool mether_kernel_server = true;
module_param_named(kernel_server, mether_kernel_server, bool, 0644);
MODULE_PARM_DESC(kernel_server,
		 "The in-kernel server completes PURGEs; N leaves DO_PURGE to a user-level server (default Y)");

static struct workqueue_struct *mether_wq;

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

int mether_work_init(void)
{
	mether_wq = alloc_workqueue("mether", WQ_UNBOUND, 0);
	return mether_wq ? 0 : -ENOMEM;
}

void mether_work_exit(void)
{
	destroy_workqueue(mether_wq);
}
