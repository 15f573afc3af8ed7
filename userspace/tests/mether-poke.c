// SPDX-License-Identifier: GPL-2.0
/*
 * mether-poke: read or write one 32-bit word of a page's consistent copy
 * through its full or short view, so that tests can move the copy
 * between hosts one step at a time.
 *
 *	mether-poke read  full|short PAGE OFFSET
 *	mether-poke write full|short PAGE OFFSET VALUE
 *	mether-poke sleep PAGE
 *	mether-poke purge-killed
 *	mether-poke fill  full|short PAGE FROM TO BYTE
 *	mether-poke sum   full|short PAGE FROM TO
 *	mether-poke purge full|short PAGE
 *	mether-poke pinwrite PAGE SOURCE
 *	mether-poke grant-later NAME GO
 *	mether-poke peers ENTRIES
 *	mether-poke without-status PROGRAM ARGS...
 *	mether-poke without-purge-wait PROGRAM ARGS...
 *
 * read prints the word. Either makes this host take the consistent copy.
 * sleep starts a process that leaves a thread asleep in a data-driven
 * fault on PAGE, then unmaps and closes the device in another thread and
 * waits to be killed: nothing but the sleeping fault holds the module.
 * It prints that process's pid once the fault sleeps.
 * purge-killed kills a child in the middle of a PURGE of every read-only
 * page of the space: the PURGE must stop short of the last page (exit 0),
 * not run to its end first (exit 1).
 * fill writes BYTE to bytes FROM..TO-1 and sum prints a checksum of them,
 * through the view even past its 32 bytes (a short view maps the whole
 * frame). purge is a writeable PURGE: it publishes the page. Each makes
 * this host take the consistent copy.
 * pinwrite copies bytes 32..4095 of page SOURCE's data-driven view into
 * the consistent copy of PAGE with process_vm_writev(), which pins PAGE
 * first and then waits, pinned, until a copy of SOURCE arrives. It says
 * "refused" (exit 3) when the pin is refused, "ENOSYS" (exit 4) on a
 * kernel without it.
 * grant-later opens the device, says "opened", waits (60 s at most) for
 * the file GO to exist, then prints a read capability for segment NAME
 * minted through the file it opened: a file of the space that was the
 * host's current one when it started, with that space's key now.
 * peers reads METHER_IOC_PEERS as a program whose struct mether_peers
 * has room for ENTRIES hosts would, and prints the count it got.
 * without-status runs PROGRAM with METHER_IOC_STATUS refused (ENOTTY), as
 * a module before API 9 refuses it: a seccomp filter, which a static
 * program cannot escape as it could an LD_PRELOAD. without-purge-wait
 * refuses METHER_IOC_PURGE_WAIT so, as a module before API 11 does.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <signal.h>
#include <unistd.h>

#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/mether.h>
#include <linux/seccomp.h>

#include "../lib/libmether.h"

static int usage(void)
{
	fprintf(stderr,
		"usage: mether-poke read  full|short PAGE OFFSET\n"
		"       mether-poke write full|short PAGE OFFSET VALUE\n"
		"       mether-poke sleep PAGE\n"
		"       mether-poke purge-killed\n"
		"       mether-poke fill  full|short PAGE FROM TO BYTE\n"
		"       mether-poke sum   full|short PAGE FROM TO\n"
		"       mether-poke purge full|short PAGE\n"
		"       mether-poke pinwrite PAGE SOURCE\n"
		"       mether-poke grant-later NAME GO\n"
		"       mether-poke peers ENTRIES\n"
		"       mether-poke up-ttl ADDR TTL\n"
		"       mether-poke without-status PROGRAM ARGS...\n"
		"       mether-poke without-purge-wait PROGRAM ARGS...\n");
	return 2;
}

static void *touch(void *word)
{
	return (void *)(uintptr_t)*(volatile uint32_t *)word;
}

/* The sleeper's verdict for its parent: "" once asleep, or what failed. */
static void tell(int fd, const char *what)
{
	char msg[128] = "";
	int len = 0;

	if (what)
		len = snprintf(msg, sizeof(msg), "%s: %s", what,
			       strerror(errno));
	if (write(fd, msg, len < 1 ? 1 : len) < 0 || what)
		_exit(1);
}

/*
 * In a child, fault on a page nobody publishes, then let go of
 * everything else; print the child's pid once it is asleep.
 */
static int sleep_in_fault(unsigned long page)
{
	long page_size = sysconf(_SC_PAGESIZE);
	__u64 offset = ((__u64)METHER_VIEW_FULL_DATA << METHER_VIEW_SHIFT) +
		       page * page_size;
	struct mether_stats st;
	pthread_t sleeper;
	int fd, null, ready[2];
	char msg[128] = "";
	pid_t child;
	char *map;

	if (pipe(ready)) {
		perror("mether-poke: pipe");
		return 1;
	}
	child = fork();
	if (child < 0) {
		perror("mether-poke: fork");
		return 1;
	}
	if (child) {
		close(ready[1]);
		if (read(ready[0], msg, sizeof(msg) - 1) != 1) {
			fprintf(stderr, "mether-poke: the sleeper failed: %s\n",
				msg);
			return 1;
		}
		printf("%d\n", child);
		return 0;
	}
	/* Whoever waits for the parent's output must not wait for ours. */
	close(ready[0]);
	null = open("/dev/null", O_RDWR);
	if (null < 0 || dup2(null, 1) < 0 || dup2(null, 2) < 0)
		tell(ready[1], "/dev/null");
	fd = open("/dev/mether", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		tell(ready[1], "/dev/mether");
	map = mmap(NULL, page_size, PROT_READ, MAP_SHARED, fd, offset);
	if (map == MAP_FAILED)
		tell(ready[1], "mmap");
	errno = pthread_create(&sleeper, NULL, touch, map);
	if (errno)
		tell(ready[1], "pthread_create");
	/* The fault has begun once it is counted; give it time to sleep. */
	do {
		usleep(10000);
		if (ioctl(fd, METHER_IOC_STATS, &st))
			tell(ready[1], "METHER_IOC_STATS");
	} while (!st.inconsistent_faults[METHER_VIEW_FULL_DATA]);
	usleep(200000);
	if (munmap(map, page_size) || close(fd))
		tell(ready[1], "letting go");
	tell(ready[1], NULL);
	close(ready[1]);
	for (;;)
		pause();
}

static __u64 read_only_purges(int fd)
{
	struct mether_stats st;

	if (ioctl(fd, METHER_IOC_STATS, &st)) {
		perror("mether-poke: METHER_IOC_STATS");
		exit(2);
	}
	return st.purges;
}

/* PURGE the whole space in a child, and kill it once it has begun. */
static int purge_killed(void)
{
	long page_size = sysconf(_SC_PAGESIZE);
	struct mether_range range;
	struct mether_info info;
	__u64 start, end;
	pid_t child;
	char *map;
	int fd;

	fd = open("/dev/mether", O_RDWR | O_CLOEXEC);
	if (fd < 0 || ioctl(fd, METHER_IOC_INFO, &info)) {
		perror("mether-poke: /dev/mether");
		return 2;
	}
	map = mmap(NULL, info.pages * page_size, PROT_READ, MAP_SHARED, fd, 0);
	if (map == MAP_FAILED) {
		perror("mether-poke: mmap");
		return 2;
	}
	start = read_only_purges(fd);
	child = fork();
	if (child < 0) {
		perror("mether-poke: fork");
		return 2;
	}
	if (!child) {
		range.addr = (uintptr_t)map;
		range.len = info.pages * page_size;
		ioctl(fd, METHER_IOC_PURGE, &range);
		_exit(0);
	}
	while (read_only_purges(fd) == start)
		;
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	end = read_only_purges(fd);
	printf("purged %llu of %llu pages\n", (unsigned long long)(end - start),
	       (unsigned long long)info.pages);
	return end - start < info.pages ? 0 : 1;
}

static int range(int argc, char **argv, long page_size, unsigned long *from,
		 unsigned long *to)
{
	if (argc < 6)
		return -1;
	*from = strtoul(argv[4], NULL, 0);
	*to = strtoul(argv[5], NULL, 0);
	return *from < *to && *to <= (unsigned long)page_size ? 0 : -1;
}

/* fill, sum, purge: the whole-page commands. */
static int page_command(int fd, char *p, int argc, char **argv,
			long page_size)
{
	unsigned long from, to, i;
	uint32_t sum = 2166136261u;	/* FNV-1a */

	if (!strcmp(argv[1], "purge") && argc == 4) {
		struct mether_range r = { (unsigned long)p, page_size };

		if (ioctl(fd, METHER_IOC_PURGE, &r)) {
			perror("mether-poke: PURGE");
			return 1;
		}
		return 0;
	}
	if (range(argc, argv, page_size, &from, &to))
		return usage();
	if (!strcmp(argv[1], "fill") && argc == 7) {
		memset(p + from, strtoul(argv[6], NULL, 0), to - from);
		return 0;
	}
	if (strcmp(argv[1], "sum") || argc != 6)
		return usage();
	for (i = from; i < to; i++)
		sum = (sum ^ (uint8_t)p[i]) * 16777619u;
	printf("%08x\n", sum);
	return 0;
}

static int pinwrite(int fd, char *rw, int argc, char **argv, long page_size)
{
	unsigned long page, source;
	struct iovec local, remote;
	char *ro;
	ssize_t n;

	if (argc != 4)
		return usage();
	page = strtoul(argv[2], NULL, 0);
	source = strtoul(argv[3], NULL, 0);
	ro = mmap(NULL, METHER_SPACE_SIZE, PROT_READ, MAP_SHARED, fd, 0);
	if (ro == MAP_FAILED) {
		perror("mether-poke: mmap");
		return 1;
	}
	local.iov_base = (char *)mether_view_ptr(ro + source * page_size,
						 METHER_VIEW_FULL_DATA) +
			 METHER_SHORT_SIZE;
	remote.iov_base = (char *)mether_view_ptr(rw + page * page_size,
						  METHER_VIEW_FULL_DEMAND) +
			  METHER_SHORT_SIZE;
	local.iov_len = remote.iov_len = page_size - METHER_SHORT_SIZE;
	n = process_vm_writev(getpid(), &local, 1, &remote, 1, 0);
	if (n < 0 && errno == ENOSYS) {
		printf("ENOSYS\n");
		return 4;
	}
	if (n < 0) {
		printf("refused: %s\n", strerror(errno));
		return errno == EFAULT ? 3 : 1;
	}
	printf("wrote %zd\n", n);
	return 0;
}

/* fill, sum, purge, pinwrite; -1 for another command. */
static int whole_page(int argc, char **argv)
{
	long page_size = sysconf(_SC_PAGESIZE);
	int pin = argc == 4 && !strcmp(argv[1], "pinwrite");
	unsigned int view;
	char *map;
	int fd;

	if (!pin && strcmp(argv[1], "fill") && strcmp(argv[1], "sum") &&
	    strcmp(argv[1], "purge"))
		return -1;
	if (argc < 4)
		return usage();
	if (pin || !strcmp(argv[2], "full"))
		view = METHER_VIEW_FULL_DEMAND;
	else if (!strcmp(argv[2], "short"))
		view = METHER_VIEW_SHORT_DEMAND;
	else
		return usage();
	fd = open("/dev/mether", O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		perror("mether-poke: /dev/mether");
		return 1;
	}
	map = mmap(NULL, METHER_CONSISTENT_SIZE, PROT_READ | PROT_WRITE,
		   MAP_SHARED, fd, 0);
	if (map == MAP_FAILED) {
		perror("mether-poke: mmap");
		return 1;
	}
	if (pin)
		return pinwrite(fd, map, argc, argv, page_size);
	return page_command(fd, mether_view_ptr(map + strtoul(argv[3], NULL, 0) *
						     page_size, view),
			    argc, argv, page_size);
}

static int grant_later(const char *name, const char *go)
{
	char cap[METHER_CAPABILITY_LEN];
	struct mether *m = mether_open(NULL);
	int tries;

	if (!m) {
		perror("mether-poke: open");
		return 1;
	}
	printf("opened\n");
	fflush(stdout);
	for (tries = 0; access(go, F_OK) && tries < 600; tries++)
		usleep(100000);
	if (mether_segment_grant(m, name, METHER_SEGMENT_READ, cap,
				 sizeof(cap))) {
		perror("mether-poke: grant");
		return 1;
	}
	printf("%s\n", cap);
	mether_close(m);
	return 0;
}

static int peers_of_size(unsigned long entries)
{
	size_t size = offsetof(struct mether_peers, peer) +
		      entries * sizeof(struct mether_peer_info);
	struct mether_peers *peers = calloc(1, size + 64);
	int fd = open("/dev/mether", O_RDONLY);

	if (!peers || fd < 0 || entries > METHER_PEERS_MAX ||
	    ioctl(fd, _IOC(_IOC_READ, METHER_IOC_MAGIC,
			   _IOC_NR(METHER_IOC_PEERS), size), peers) < 0) {
		perror("mether-poke: peers");
		return 1;
	}
	printf("%u\n", peers->count);
	free(peers);
	close(fd);
	return 0;
}

/* The syscall's second argument, low half (a command is 32 bits). */
#define SECCOMP_ARG1_LOW offsetof(struct seccomp_data, args[1])

static int without_ioctl(unsigned int cmd, char **argv)
{
	struct sock_filter filter[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			 offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			 offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_ioctl, 0, 3),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, SECCOMP_ARG1_LOW),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, cmd, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOTTY),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = {
		.len = sizeof(filter) / sizeof(filter[0]),
		.filter = filter,
	};

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) ||
	    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog)) {
		perror("mether-poke: seccomp");
		return 1;
	}
	execvp(argv[0], argv);
	perror(argv[0]);
	return 1;
}

/*
 * UP unsealed to @addr with @ttl, straight to the kernel (metherctl
 * refuses a TTL without a group before the device): prints "up" or the
 * error, and takes the host down again.
 */
static int up_with_ttl(const char *addr, unsigned int ttl)
{
	struct mether_up up = {
		.host_id = 1,
		.pages = 16,
		.flags = METHER_UP_UNSEALED,
		.port = htons(7999),
		.ttl = ttl,
	};
	int fd = open("/dev/mether", O_RDWR | O_CLOEXEC);

	if (fd < 0 || inet_pton(AF_INET, addr, &up.broadcast) != 1) {
		perror("mether-poke: up-ttl");
		return 1;
	}
	if (ioctl(fd, METHER_IOC_UP, &up)) {
		printf("%s\n", strerror(errno));
		return 0;
	}
	printf("up\n");
	return ioctl(fd, METHER_IOC_DOWN) ? 1 : 0;
}

int main(int argc, char **argv)
{
	long page_size = sysconf(_SC_PAGESIZE);
	unsigned long page, offset;
	volatile uint32_t *word;
	unsigned int view;
	int write, fd;
	char *map;

	if (argc == 2 && !strcmp(argv[1], "purge-killed"))
		return purge_killed();
	if (argc == 3 && !strcmp(argv[1], "sleep"))
		return sleep_in_fault(strtoul(argv[2], NULL, 0));
	if (argc == 4 && !strcmp(argv[1], "grant-later"))
		return grant_later(argv[2], argv[3]);
	if (argc > 2 && !strcmp(argv[1], "without-status"))
		return without_ioctl(METHER_IOC_STATUS, argv + 2);
	if (argc > 2 && !strcmp(argv[1], "without-purge-wait"))
		return without_ioctl(METHER_IOC_PURGE_WAIT, argv + 2);
	if (argc == 3 && !strcmp(argv[1], "peers"))
		return peers_of_size(strtoul(argv[2], NULL, 0));
	if (argc == 4 && !strcmp(argv[1], "up-ttl"))
		return up_with_ttl(argv[2], strtoul(argv[3], NULL, 0));
	if (argc > 1) {
		int ret = whole_page(argc, argv);

		if (ret >= 0)
			return ret;
	}
	if (argc < 5)
		return usage();
	write = !strcmp(argv[1], "write");
	if ((!write && strcmp(argv[1], "read")) || argc != 5 + write)
		return usage();
	if (!strcmp(argv[2], "full"))
		view = METHER_VIEW_FULL_DEMAND;
	else if (!strcmp(argv[2], "short"))
		view = METHER_VIEW_SHORT_DEMAND;
	else
		return usage();
	page = strtoul(argv[3], NULL, 0);
	offset = strtoul(argv[4], NULL, 0);
	if (offset % 4 || offset + 4 > (view == METHER_VIEW_SHORT_DEMAND ?
					METHER_SHORT_SIZE : (unsigned long)page_size)) {
		fprintf(stderr, "mether-poke: offset %lu is not a word of the view\n",
			offset);
		return 2;
	}

	fd = open("/dev/mether", O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		perror("mether-poke: /dev/mether");
		return 1;
	}
	map = mmap(NULL, METHER_CONSISTENT_SIZE, PROT_READ | PROT_WRITE,
		   MAP_SHARED, fd, 0);
	if (map == MAP_FAILED) {
		perror("mether-poke: mmap");
		return 1;
	}
	word = (volatile uint32_t *)((char *)mether_view_ptr(map + page * page_size,
							     view) + offset);
	if (write)
		*word = strtoul(argv[5], NULL, 0);
	else
		printf("%u\n", *word);
	return 0;
}
