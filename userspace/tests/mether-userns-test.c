// SPDX-License-Identifier: GPL-2.0
/*
 * mether-userns-test: what a user without privileges can do to Mether
 * from user and network namespaces of its own (run as root; it drops to
 * nobody itself). Needs a kernel with user namespaces (the stock one).
 *
 *	mether-userns-test escape
 *	mether-userns-test limit
 *	mether-userns-test memcg CGROUP_DIR PAGES TOUCH
 *
 * escape: as a member of the device's group, open /dev/mether (a
 * restricted file of the initial host), make a user and a network
 * namespace, and call every privileged ioctl on the old descriptor: each
 * must be refused with EPERM (the file belongs to the initial host, and
 * its opener had no privilege there), and SEGMENT_GRANT must leave the
 * token empty. A file opened inside the new namespaces serves the new
 * host, which the user does administer: DO_PURGE and UP work there.
 *
 * limit: the user's own host may not have a space larger than the
 * module's userns_max_pages (UP fails with EFBIG), while root's host in a
 * plain new network namespace may.
 *
 * memcg: join CGROUP_DIR, drop privileges, make the namespaces, bring
 * the new host up with PAGES pages and write to TOUCH of them: the
 * cgroup's memory.current must grow by at least the page array at UP
 * (128 bytes a page is a floor; struct mether_page is larger), and by at
 * least the touched frames after.
 *
 * The checks are printed as kselftest's TAP (test_report.h); the exit
 * status is 1 if any failed, 2 if the test could not run.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/mether.h>

#include "test_report.h"

/* The group the device is given, as udev gives it to group mether. */
#define TEST_GID	4242
#define NOBODY		65534
#define PAGE_FLOOR	128	/* bytes of page array a page costs, at least */

static const char device[] = "/dev/mether";
static void die(const char *what)
{
	fprintf(stderr, "mether-userns-test: %s: %s\n", what, strerror(errno));
	exit(2);
}

/* Did @ret fail with EPERM? Says what happened when it did not. */
static int eperm(int ret, const char *call)
{
	if (ret < 0 && errno == EPERM)
		return 1;
	fprintf(stderr, "  %s: %s\n", call, ret < 0 ? strerror(errno) :
		"succeeded");
	return 0;
}

static int open_device(void)
{
	int fd = open(device, O_RDWR | O_CLOEXEC);

	if (fd < 0)
		die(device);
	return fd;
}

/* Become a member of the device's group, without any privilege. */
static void drop_privileges(void)
{
	gid_t gid = TEST_GID;

	if (chown(device, 0, TEST_GID) || chmod(device, 0660))
		die("giving the device to the test group");
	if (setgroups(1, &gid) || setgid(NOBODY) || setuid(NOBODY))
		die("dropping to nobody");
}

/* A user and a network namespace of one's own, as Debian allows. */
static void own_namespaces(void)
{
	if (unshare(CLONE_NEWUSER | CLONE_NEWNET))
		die("unshare(CLONE_NEWUSER | CLONE_NEWNET)");
}

static struct mether_up up_config(__u64 pages)
{
	struct mether_up up = {
		.host_id = 1,
		.cluster = 77,
		.pages = pages,
		.flags = METHER_UP_CREATE | METHER_UP_UNSEALED,
		.broadcast = htonl(0x7f0000ff),
		.port = htons(7790),
	};

	return up;
}

static void escape(void)
{
	static const __u8 zero[METHER_TOKEN_SIZE];
	struct mether_up up = up_config(16);
	struct mether_reclaim rec = { .host_id = 2, .timeout_ms = 100 };
	struct mether_segment seg = { .name = "escape", .first = 1,
				      .pages = 1,
				      .rights = METHER_SEGMENT_READ |
						METHER_SEGMENT_WRITE };
	struct mether_up_keyed keyed = { .up = up_config(16) };
	struct mether_key key = { .flags = 0 };
	__u64 offset = 0;
	int fd, own;

	drop_privileges();
	fd = open_device();
	own_namespaces();

	report(eperm(ioctl(fd, METHER_IOC_SEGMENT_GRANT, &seg),
		     "SEGMENT_GRANT") &&
	       !memcmp(seg.token, zero, sizeof(zero)),
	       "escape: SEGMENT_GRANT on the old file: EPERM, no token");
	report(eperm(ioctl(fd, METHER_IOC_UP, &up), "UP"),
	       "escape: UP on the old file: EPERM");
	report(eperm(ioctl(fd, METHER_IOC_UP_KEYED, &keyed), "UP_KEYED"),
	       "escape: UP_KEYED on the old file: EPERM");
	report(eperm(ioctl(fd, METHER_IOC_DOWN), "DOWN"),
	       "escape: DOWN on the old file: EPERM");
	report(eperm(ioctl(fd, METHER_IOC_SET_KEY, &key), "SET_KEY"),
	       "escape: SET_KEY on the old file: EPERM");
	report(eperm(ioctl(fd, METHER_IOC_RECLAIM, &rec), "RECLAIM"),
	       "escape: RECLAIM on the old file: EPERM");
	report(eperm(ioctl(fd, METHER_IOC_DO_PURGE, &offset), "DO_PURGE"),
	       "escape: DO_PURGE on the old file: EPERM");

	/* The user's own host is theirs to run, as a container's is. */
	own = open_device();
	report(ioctl(own, METHER_IOC_DO_PURGE, &offset) < 0 && errno == ENOENT,
	       "escape: DO_PURGE on the own host's file: allowed (ENOENT)");
	report(!ioctl(own, METHER_IOC_UP, &up) &&
	       !ioctl(own, METHER_IOC_DOWN),
	       "escape: UP and DOWN on the own host's file: allowed");
	/* A key of zeros is a buffer never filled in: refused. */
	keyed.up.flags &= ~METHER_UP_UNSEALED;
	report(ioctl(own, METHER_IOC_UP_KEYED, &keyed) < 0 && errno == EINVAL,
	       "escape: UP_KEYED with a key of zeros: EINVAL");
	report(ioctl(own, METHER_IOC_SET_KEY, &key) < 0 && errno == EINVAL,
	       "escape: SET_KEY of a key of zeros: EINVAL");
	memset(keyed.key, 0x5a, sizeof(keyed.key));
	/* A key for a host that runs without one makes no sense. */
	report(!ioctl(own, METHER_IOC_UP_KEYED, &keyed) &&
	       ioctl(own, METHER_IOC_UP_KEYED, &keyed) < 0 && errno == EBUSY &&
	       !ioctl(own, METHER_IOC_DOWN),
	       "escape: UP_KEYED on the own host's file: allowed, once");
	keyed.up.flags |= METHER_UP_UNSEALED;
	report(ioctl(own, METHER_IOC_UP_KEYED, &keyed) < 0 && errno == EINVAL,
	       "escape: UP_KEYED of an unsealed host: EINVAL");
	close(own);
	close(fd);
}

static unsigned long long read_number(const char *path)
{
	unsigned long long n;
	FILE *f = fopen(path, "r");

	if (!f)
		die(path);
	if (fscanf(f, "%llu", &n) != 1) {
		errno = EINVAL;
		die(path);
	}
	fclose(f);
	return n;
}

static void limit(void)
{
	unsigned long long max =
		read_number("/sys/module/mether/parameters/userns_max_pages");
	struct mether_up up = up_config(max + 1);
	pid_t pid;
	int fd, status;

	/* Root's host, in a namespace of the initial user namespace. */
	pid = fork();
	if (pid < 0)
		die("fork");
	if (!pid) {
		if (unshare(CLONE_NEWNET))
			die("unshare(CLONE_NEWNET)");
		fd = open_device();
		report(!ioctl(fd, METHER_IOC_UP, &up),
		       "limit: root's host in a new network namespace may go over it");
		exit(KSFT_PASS);	/* its result is counted with ours */
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != KSFT_PASS)
		die("the root child");

	drop_privileges();
	own_namespaces();
	fd = open_device();
	report(ioctl(fd, METHER_IOC_UP, &up) < 0 && errno == EFBIG,
	       "limit: a user's host over userns_max_pages: EFBIG");
	up.pages = max;
	report(!ioctl(fd, METHER_IOC_UP, &up),
	       "limit: a user's host of userns_max_pages pages comes up");
	close(fd);
}

static void memcg(const char *dir, __u64 pages, __u64 touch)
{
	unsigned long long before, up_done, after;
	struct mether_up up = up_config(pages);
	size_t page = sysconf(_SC_PAGESIZE);
	char path[512];
	char *p;
	__u64 i;
	int fd;
	FILE *f;

	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	f = fopen(path, "w");
	if (!f || fprintf(f, "%d\n", getpid()) < 0 || fclose(f))
		die(path);
	snprintf(path, sizeof(path), "%s/memory.current", dir);
	drop_privileges();
	own_namespaces();

	before = read_number(path);
	fd = open_device();
	if (ioctl(fd, METHER_IOC_UP, &up))
		die("METHER_IOC_UP");
	close(fd);
	up_done = read_number(path);
	/* Files opened before UP keep the old space: open the new one. */
	fd = open_device();
	p = mmap(NULL, touch * page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		die("mmap");
	for (i = 0; i < touch; i++)
		p[i * page] = 1;
	after = read_number(path);

	printf("# memory.current %llu, after UP %llu, after touching %llu\n",
	       before, up_done, after);
	report(up_done >= before && up_done - before >= pages * PAGE_FLOOR,
	       "memcg: the space's page array is charged to its cgroup");
	report(after >= up_done && after - up_done >= touch * page,
	       "memcg: the frames written are charged to its cgroup");
	munmap(p, touch * page);
	close(fd);
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc == 2 && !strcmp(argv[1], "escape"))
		escape();
	else if (argc == 2 && !strcmp(argv[1], "limit"))
		limit();
	else if (argc == 5 && !strcmp(argv[1], "memcg"))
		memcg(argv[2], strtoull(argv[3], NULL, 0),
		      strtoull(argv[4], NULL, 0));
	else {
		fprintf(stderr, "usage: mether-userns-test escape|limit|memcg DIR PAGES TOUCH\n");
		return 2;
	}
	return test_finish();
}
