/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Mether: its workqueue, and the pages the in-kernel server owes work.
 */
#ifndef _METHER_WORK_H
#define _METHER_WORK_H

#include <linux/workqueue.h>

struct mether_space;
struct mether_page;

extern bool mether_kernel_server;

struct workqueue_struct *mether_workqueue(void);
void mether_queue_work(struct work_struct *work);
void mether_server_kick(struct mether_space *space, struct mether_page *mp);
int mether_work_init(void);
void mether_work_exit(void);

#endif /* _METHER_WORK_H */
