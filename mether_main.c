// SPDX-License-Identifier: GPL-2.0
/*
 * Mether: a distributed shared memory, after R. G. Minnich and D. J.
 * Farber, "Reducing Host Load, Network Load, and Latency in a Distributed
 * Shared Memory" (1990).
 *
 * This file holds the character device /dev/mether and module set-up.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/uaccess.h>

#include "mether_view.h"

static unsigned int space_pages = 256;
module_param(space_pages, uint, 0444);
MODULE_PARM_DESC(space_pages,
		 "Number of pages in this host's Mether space (default 256)");

static long mether_ioctl_info(void __user *argp)
{
	struct mether_info info = {
		.api_version = METHER_API_VERSION,
		.page_size = PAGE_SIZE,
		.short_size = METHER_SHORT_SIZE,
		.view_shift = METHER_VIEW_SHIFT,
		.pages = space_pages,
	};

	return copy_to_user(argp, &info, sizeof(info)) ? -EFAULT : 0;
}

static long mether_ioctl(struct file *file, unsigned int cmd,
			 unsigned long arg)
{
	void __user *argp = (void __user *)arg;

	switch (cmd) {
	case METHER_IOC_INFO:
		return mether_ioctl_info(argp);
	default:
		return -ENOTTY;
	}
}

static const struct file_operations mether_fops = {
	.owner = THIS_MODULE,
	.unlocked_ioctl = mether_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = noop_llseek,
};

static struct miscdevice mether_miscdev = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "mether",
	.fops = &mether_fops,
};

static int __init mether_init(void)
{
	int ret;

	if (!space_pages || space_pages > METHER_MAX_PAGES(PAGE_SIZE)) {
		pr_err("space_pages=%u out of range 1..%llu\n", space_pages,
		       METHER_MAX_PAGES(PAGE_SIZE));
		return -EINVAL;
	}

	ret = misc_register(&mether_miscdev);
	if (ret)
		return ret;
	pr_info("%u pages of %lu bytes on /dev/mether\n", space_pages,
		PAGE_SIZE);
	return 0;
}

static void __exit mether_exit(void)
{
	misc_deregister(&mether_miscdev);
}

module_init(mether_init);
module_exit(mether_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Mether distributed shared memory");
MODULE_AUTHOR("The Mether developers");
