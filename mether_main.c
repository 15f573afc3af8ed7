// SPDX-License-Identifier: GPL-2.0
/*
 * Mether: a distributed shared memory, after R. G. Minnich and D. J.
 * Farber, "Reducing Host Load, Network Load, and Latency in a Distributed
 * Shared Memory" (1990).
 *
 * This file holds the character device /dev/mether and module set-up.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/capability.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/nsproxy.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "mether_fault.h"
#include "mether_host.h"
#include "mether_net.h"
#include "mether_purge.h"
#include "mether_reclaim.h"
#include "mether_segment.h"
#include "mether_space.h"
#include "mether_work.h"

static int mether_open(struct inode *inode, struct file *file)
{
	struct net *net = current->nsproxy->net_ns;
	struct mether_space *space;
	struct mether_file *mf;

	mf = kzalloc(sizeof(*mf), GFP_KERNEL_ACCOUNT);
	if (!mf)
		return -ENOMEM;
	space = mether_host_space(net);
	if (IS_ERR(space)) {
		kfree(mf);
		return PTR_ERR(space);
	}
	mf->space = space;
	/*
	 * The file belongs to the opener's host for good: every ioctl acts
	 * on it and checks privilege over it, whatever namespaces the
	 * caller has moved to since (Documentation/design.rst).
	 */
	mf->net = get_net(net);
	mf->restricted = !ns_capable_noaudit(net->user_ns, CAP_SYS_ADMIN);
	spin_lock_init(&mf->lock);
	file->private_data = mf;
	/* One address_space for every opener, so unmapping reaches all. */
	file->f_mapping = space->inode->i_mapping;
	return 0;
}

static int mether_release(struct inode *inode, struct file *file)
{
	struct mether_file *mf = file->private_data;

	mether_unlock_all(file);
	mether_space_put(mf->space);
	put_net(mf->net);
	kfree(mf);
	return 0;
}

/*
 * The reads that grow keep every field where it was (the uapi header): a
 * field put anywhere but at a struct's end, or a count outgrowing its
 * room, fails the build here rather than misleading an older program.
 */
static_assert(sizeof(struct mether_up) == 40);
static_assert(offsetof(struct mether_status, flags) == 40);
static_assert(offsetof(struct mether_status, epoch) == 64);
static_assert(offsetof(struct mether_stats, drops) == 512);
static_assert(offsetof(struct mether_stats, snooped) == 768);
static_assert(offsetof(struct mether_stats, reclaimed_epoch) == 960);
static_assert(offsetof(struct mether_stats, elsewhere) == 968);
static_assert(offsetof(struct mether_peers, peer) == 8);
static_assert(sizeof(struct mether_peer_info) == 32);
static_assert(sizeof(struct mether_purge_wait) == 48);
static_assert(METHER_PACKET_TYPES <= METHER_PACKET_SLOTS);
static_assert(METHER_DROP_REASONS <= METHER_DROP_SLOTS);

/*
 * The reply of a read that grows at its end (STATS, PEERS, STATUS; the
 * uapi header says why): as much of @kbuf as the caller's struct, whose
 * size is in @cmd, holds, and zeros in the caller's bytes past it.
 */
static long mether_copy_out(unsigned int cmd, void __user *argp,
			    const void *kbuf, size_t ksize)
{
	size_t usize = _IOC_SIZE(cmd);

	if (copy_to_user(argp, kbuf, min(usize, ksize)))
		return -EFAULT;
	if (usize > ksize && clear_user(argp + ksize, usize - ksize))
		return -EFAULT;
	return 0;
}

static long mether_ioctl_info(struct mether_space *space, void __user *argp)
{
	struct mether_info info = {
		.api_version = METHER_API_VERSION,
		.page_size = PAGE_SIZE,
		.short_size = METHER_SHORT_SIZE,
		.view_shift = METHER_VIEW_SHIFT,
		.pages = space->pages,
	};

	return copy_to_user(argp, &info, sizeof(info)) ? -EFAULT : 0;
}

static long mether_ioctl_page_state(struct mether_file *mf,
				    struct mether_page_state __user *argp)
{
	struct mether_space *space = mf->space;
	struct mether_page_state st = {};
	struct mether_addr addr;
	struct mether_page *mp;

	if (get_user(st.offset, &argp->offset))
		return -EFAULT;
	if (mether_decode_offset(st.offset, space->pages, &addr))
		return -EINVAL;
	if (!mether_file_may_see(mf, addr.page))
		return -EACCES;

	mp = &space->page[addr.page];
	spin_lock(&mp->lock);
	st.version = mp->inconsistent.version;
	st.consistent_version = mp->consistent.version;
	if (mp->consistent.present)
		st.flags |= METHER_PAGE_OWNER;
	if (mether_purge_pending(mp))
		st.flags |= METHER_PAGE_PURGE_PENDING;
	st.consistent_present = mp->consistent.present;
	st.consistent_locked = mp->consistent.locked;
	st.inconsistent_present = mp->inconsistent.present;
	st.inconsistent_locked = mp->inconsistent.locked;
	st.wanted = mp->consistent.wanted | mp->inconsistent.wanted;
	spin_unlock(&mp->lock);

	return copy_to_user(argp, &st, sizeof(st)) ? -EFAULT : 0;
}

static long mether_ioctl_up(struct net *net, struct mether_up __user *argp)
{
	struct mether_up up;

	if (copy_from_user(&up, argp, sizeof(up)))
		return -EFAULT;
	return mether_host_up(net, &up, NULL);
}

static long mether_ioctl_up_keyed(struct net *net,
				  struct mether_up_keyed __user *argp)
{
	struct mether_up_keyed up;
	long ret;

	ret = -EFAULT;
	if (!copy_from_user(&up, argp, sizeof(up)))
		ret = mether_host_up(net, &up.up, up.key);
	memzero_explicit(&up, sizeof(up));
	return ret;
}

/* The key goes to the host's current space, whichever file asks. */
static long mether_ioctl_host_key(struct net *net,
				  struct mether_key __user *argp)
{
	struct mether_key key;
	long ret;

	ret = -EFAULT;
	if (!copy_from_user(&key, argp, sizeof(key)))
		ret = mether_host_set_key(net, &key);
	memzero_explicit(&key, sizeof(key));
	return ret;
}

static long mether_ioctl_peers(struct net *net, unsigned int cmd,
			       void __user *argp)
{
	struct mether_space *space;
	struct mether_peers *peers;
	long ret;

	space = mether_host_space(net);
	if (IS_ERR(space))
		return PTR_ERR(space);
	peers = kmalloc(sizeof(*peers), GFP_KERNEL_ACCOUNT);
	ret = -ENOMEM;
	if (peers) {
		mether_net_peers(space, peers);
		/* An older, smaller array: count only what it holds. */
		peers->count = min_t(size_t, peers->count,
				     (_IOC_SIZE(cmd) -
				      offsetof(struct mether_peers, peer)) /
				     sizeof(peers->peer[0]));
		ret = mether_copy_out(cmd, argp, peers, sizeof(*peers));
		kfree(peers);
	}
	mether_space_put(space);
	return ret;
}

static long mether_ioctl_host_reclaim(struct net *net,
				      struct mether_reclaim __user *argp)
{
	struct mether_space *space;
	long ret;

	space = mether_host_space(net);
	if (IS_ERR(space))
		return PTR_ERR(space);
	ret = mether_ioctl_reclaim(space, argp);
	mether_space_put(space);
	return ret;
}

static long mether_ioctl_stats(struct mether_space *space, unsigned int cmd,
			       void __user *argp)
{
	struct mether_stats *stats;
	unsigned int v;
	long ret;

	/* Nearly 1 KiB, with room for reasons to come: not on the stack. */
	stats = kmalloc(sizeof(*stats), GFP_KERNEL_ACCOUNT);
	if (!stats)
		return -ENOMEM;
	mether_net_stats(space, stats);
	for (v = 0; v < METHER_VIEWS; v++) {
		stats->consistent_faults[v] =
			atomic64_read(&space->faults[0][v]);
		stats->inconsistent_faults[v] =
			atomic64_read(&space->faults[1][v]);
	}
	stats->writeable_purges = atomic64_read(&space->purges[0]);
	stats->purges = atomic64_read(&space->purges[1]);
	ret = mether_copy_out(cmd, argp, stats, sizeof(*stats));
	kfree(stats);
	return ret;
}

static long mether_ioctl_status(struct net *net, unsigned int cmd,
				void __user *argp)
{
	struct mether_status status;
	struct mether_space *space;

	space = mether_host_space(net);
	if (IS_ERR(space))
		return PTR_ERR(space);
	mether_net_status(space, &status);
	mether_space_put(space);
	return mether_copy_out(cmd, argp, &status, sizeof(status));
}

/*
 * The reads that grow (the uapi header): known by their number alone,
 * whatever size the caller's struct has. Return: -ENOTTY for any other
 * command.
 */
static long mether_ioctl_read(struct mether_file *mf, unsigned int cmd,
			      void __user *argp)
{
	if (_IOC_TYPE(cmd) != METHER_IOC_MAGIC || _IOC_DIR(cmd) != _IOC_READ ||
	    _IOC_SIZE(cmd) < METHER_READ_SIZE_MIN)
		return -ENOTTY;
	switch (_IOC_NR(cmd)) {
	case _IOC_NR(METHER_IOC_STATS):
		return mether_ioctl_stats(mf->space, cmd, argp);
	case _IOC_NR(METHER_IOC_PEERS):
		return mether_ioctl_peers(mf->net, cmd, argp);
	case _IOC_NR(METHER_IOC_STATUS):
		return mether_ioctl_status(mf->net, cmd, argp);
	default:
		return -ENOTTY;
	}
}

/*
 * The privilege each ioctl needs, over the user namespace that owns the
 * file's network namespace (mether_file_capable()); 0: none. All the
 * checks are here, so one table says who may do what.
 */
static int mether_ioctl_cap(unsigned int cmd)
{
	switch (cmd) {
	case METHER_IOC_UP:
	case METHER_IOC_UP_KEYED:
	case METHER_IOC_DOWN:
	case METHER_IOC_SET_KEY:
	case METHER_IOC_RECLAIM:
		return CAP_NET_ADMIN;
	case METHER_IOC_SEGMENT_GRANT:
		return CAP_SYS_ADMIN;
	default:
		return 0;
	}
}

static long mether_ioctl(struct file *file, unsigned int cmd,
			 unsigned long arg)
{
	struct mether_file *mf = file->private_data;
	struct mether_space *space = mf->space;
	void __user *argp = (void __user *)arg;
	int cap = mether_ioctl_cap(cmd);

	if (cap && !mether_file_capable(file, cap))
		return -EPERM;

	switch (cmd) {
	case METHER_IOC_INFO:
		return mether_ioctl_info(space, argp);
	case METHER_IOC_PURGE:
		return mether_ioctl_purge(space, argp);
	case METHER_IOC_DO_PURGE:
		/* A server: the host's own, or a container's user-level one. */
		if (!mether_file_capable(file, CAP_SYS_ADMIN) &&
		    !mether_file_capable(file, CAP_NET_ADMIN))
			return -EPERM;
		return mether_ioctl_do_purge(space, argp);
	case METHER_IOC_LOCK:
		return mether_ioctl_lock(file, argp, true);
	case METHER_IOC_UNLOCK:
		return mether_ioctl_lock(file, argp, false);
	case METHER_IOC_PAGE_STATE:
		return mether_ioctl_page_state(mf, argp);
	case METHER_IOC_WAIT:
		return mether_ioctl_wait(space, argp);
	case METHER_IOC_PURGE_WAIT:
		return mether_ioctl_purge_wait(space, argp);
	case METHER_IOC_UP:
		return mether_ioctl_up(mf->net, argp);
	case METHER_IOC_UP_KEYED:
		return mether_ioctl_up_keyed(mf->net, argp);
	case METHER_IOC_DOWN:
		return mether_host_down(mf->net);
	case METHER_IOC_SET_KEY:
		return mether_ioctl_host_key(mf->net, argp);
	case METHER_IOC_SEGMENT_GRANT:
		/* Minting needs a file that may map the whole space, too. */
		if (mf->restricted)
			return -EPERM;
		return mether_ioctl_segment_grant(mf, argp);
	case METHER_IOC_SEGMENT_ATTACH:
		return mether_ioctl_segment_attach(mf, argp);
	case METHER_IOC_RECLAIM:
		return mether_ioctl_host_reclaim(mf->net, argp);
	default:
		return mether_ioctl_read(mf, cmd, argp);
	}
}

static const struct file_operations mether_fops = {
	.owner = THIS_MODULE,
	.open = mether_open,
	.release = mether_release,
	.mmap = mether_mmap,
	.get_unmapped_area = mether_get_unmapped_area,
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

	ret = mether_fs_init();
	if (ret)
		return ret;
	ret = mether_work_init();
	if (ret)
		goto err_fs;
	ret = mether_host_init();
	if (ret)
		goto err_work;
	ret = misc_register(&mether_miscdev);
	if (ret)
		goto err_host;
	return 0;

err_host:
	mether_host_exit();
err_work:
	mether_work_exit();
err_fs:
	mether_fs_exit();
	return ret;
}

static void __exit mether_exit(void)
{
	misc_deregister(&mether_miscdev);
	mether_host_exit();
	/* Queued work holds space references: drain it before the fs goes. */
	mether_work_exit();
	mether_fs_exit();
}

module_init(mether_init);
module_exit(mether_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Mether distributed shared memory");
MODULE_AUTHOR("The Mether developers");
MODULE_VERSION(METHER_VERSION);
