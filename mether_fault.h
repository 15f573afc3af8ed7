/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Mether: mappings and the fault path.
 */
#ifndef _METHER_FAULT_H
#define _METHER_FAULT_H

#include <linux/fs.h>
#include <linux/mm_types.h>

#include "mether_space.h"

extern const struct vm_operations_struct mether_vm_ops;

int mether_mmap(struct file *file, struct vm_area_struct *vma);
int mether_fetch(struct mether_space *space, u64 page, unsigned int subset,
		 bool data_driven, unsigned long timeout);
int mether_vma_addr(struct mether_space *space, struct vm_area_struct *vma,
		    unsigned long uaddr, struct mether_addr *addr,
		    bool *inconsistent);
void mether_map_waited(struct mether_space *space, unsigned long uaddr,
		       const struct mether_addr *want);
unsigned long mether_get_unmapped_area(struct file *file, unsigned long addr,
				       unsigned long len, unsigned long pgoff,
				       unsigned long flags);

#endif /* _METHER_FAULT_H */
