// SPDX-License-Identifier: GPL-2.0
/*
 * Mether: copies of pages sent to the cluster, and asked of it.
 *
 * Publishing is the space's (mether_space.c: a new inconsistent copy
 * out of the consistent one) and then the link's (mether_net.c: the copy
 * goes out by broadcast). The two meet here, above both, so that the
 * space never calls up into the socket.
 */
#include <linux/err.h>
#include <linux/mm.h>

#include "mether_net.h"
#include "mether_send.h"
#include "mether_space.h"

/**
 * mether_publish() - make a new inconsistent copy and send it
 * @space: the space
 * @page: page number
 * @subset: how much of the page the new copy carries
 *
 * The new copy gets the next version, replaces this host's inconsistent
 * copy, wakes everyone waiting on the page and, when the host is up,
 * goes out to the cluster (mether_space_publish()).
 *
 * Return: 0; -ENOENT when this host does not hold the consistent copy;
 * -EBUSY when the inconsistent copy is locked; -ENOMEM.
 */
int mether_publish(struct mether_space *space, u64 page, unsigned int subset)
{
	struct page *published;
	u64 version;

	published = mether_space_publish(space, page, subset, &version);
	if (IS_ERR(published))
		return PTR_ERR(published);
	mether_net_send_page(space, page, subset, version, published);
	put_page(published);
	return 0;
}

/**
 * mether_ask_copy() - ask for any copy of a page, for a demand fault
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
int mether_ask_copy(struct mether_space *space, u64 page,
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

