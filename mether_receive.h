/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Mether: what a host receives, opened and handed up.
 */
#ifndef _METHER_RECEIVE_H
#define _METHER_RECEIVE_H

struct mether_space;
struct work_struct;

void mether_receive_work(struct work_struct *work);
void mether_receive_drain(struct mether_space *space);

#endif /* _METHER_RECEIVE_H */
