/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Mether: what a host receives, opened and handed up.
 */
#ifndef _METHER_RECEIVE_H
#define _METHER_RECEIVE_H

struct mether_space;
struct work_struct;

void mether_receive_work(struct work_struct *work);
void mether_receive_drain(struct mether_space *space, unsigned int budget,
			  bool (*enough)(void *arg), void *arg);

/*
 * Packets a waiting task reads per wake-up at most, if its copy has not
 * come before: the socket is held while they are read, so a task that
 * reads slowly holds up a short batch, not a flood.
 */
#define METHER_RX_TASK_BATCH	8

#endif /* _METHER_RECEIVE_H */
