/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Mether: the consistent copy moving between hosts.
 */
#ifndef _METHER_OWNER_H
#define _METHER_OWNER_H

#include "mether_space.h"

struct mether_wire_msg;

int mether_owner_ask(struct mether_space *space, u64 page,
		     unsigned int subset);
void mether_owner_request(struct mether_space *space,
			  const struct mether_wire_msg *msg);
bool mether_owner_arrived(struct mether_space *space,
			  const struct mether_wire_msg *msg);
void mether_owner_acked(struct mether_space *space,
			const struct mether_wire_msg *msg);
void mether_owner_heard(struct mether_space *space,
			const struct mether_wire_msg *msg);
void mether_owner_cancel_handoffs(struct mether_space *space, u32 host,
				  u64 epoch);
void mether_owner_init_space(struct mether_space *space);

#endif /* _METHER_OWNER_H */
