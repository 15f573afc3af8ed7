/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Mether: the in-kernel server.
 */
#ifndef _METHER_SERVER_H
#define _METHER_SERVER_H

struct mether_space;

void mether_server_init_space(struct mether_space *space);

#endif /* _METHER_SERVER_H */
