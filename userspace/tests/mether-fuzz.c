// SPDX-License-Identifier: GPL-2.0
/*
 * mether-fuzz: random system calls on /dev/mether from several threads
 * for a bounded time: open, close, mmap, munmap, mprotect, touches of
 * what is mapped, fork, and every ioctl with random arguments. It checks
 * nothing itself; the kernel's checkers (KASAN, lockdep, kmemleak, the
 * hung task detector) do, and the guest test reads their verdict.
 *
 *	mether-fuzz [-t SECONDS] [-j THREADS] [-s SEED] [-u] [-F]
 *
 * With -u it first drops to user and group 65534 (nobody), so that every
 * file it opens is restricted.
 * Faults it provokes on purpose (a write to a read-only mapping, a page
 * beyond the space) are caught and counted. Prints the number of calls,
 * how many failed, and the faults of touches.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/mether.h>

#define SLOTS	16

struct mapping {
	char *addr;
	size_t len;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
/*
 * Held for reading while an address of a mapping is used (touched or
 * mprotect()ed), for writing while a mapping goes: an address the kernel
 * has given back could be reused for a thread stack or the heap, and a
 * stale mprotect() there would break the fuzzer, not the module.
 */
static pthread_rwlock_t maps_lock = PTHREAD_RWLOCK_INITIALIZER;
static int fds[SLOTS];
static struct mapping maps[SLOTS];
static unsigned long calls, failures, faults;
static __thread sigjmp_buf *fault_jump;
static long page_size;

static const unsigned long ioctls[] = {
	METHER_IOC_INFO, METHER_IOC_PURGE, METHER_IOC_DO_PURGE,
	METHER_IOC_LOCK, METHER_IOC_UNLOCK, METHER_IOC_PAGE_STATE,
	METHER_IOC_UP, METHER_IOC_DOWN, METHER_IOC_STATS, METHER_IOC_SET_KEY,
	METHER_IOC_SEGMENT_GRANT, METHER_IOC_SEGMENT_ATTACH, METHER_IOC_PEERS,
	METHER_IOC_RECLAIM, METHER_IOC_WAIT, METHER_IOC_UP_KEYED,
	METHER_IOC_STATUS, METHER_IOC_PURGE_WAIT, _IO(METHER_IOC_MAGIC, 0xff),
};

static void count(unsigned long *counter, int yes)
{
	if (yes)
		__atomic_add_fetch(counter, 1, __ATOMIC_RELAXED);
}

static __thread int doing;	/* the call being made */
static int no_fork;		/* -F: calls without fork() */

/*
 * A fault in a touch is expected. One anywhere else is the fuzzer's own
 * bug (one was: METHER_IOC_STATS writing past a too small argument), so
 * it says where and stops.
 */
static void on_fault(int sig, siginfo_t *si, void *uc)
{
	char msg[96];
	int n;

	(void)uc;
	if (fault_jump)
		siglongjmp(*fault_jump, 1);
	n = snprintf(msg, sizeof(msg),
		     "mether-fuzz: signal %d (code %d, at %p) in call %d\n",
		     sig, si->si_code, si->si_addr, doing);
	if (write(2, msg, n) < 0)
		_exit(4);
	_exit(3);
}

static unsigned long rnd(unsigned int *seed, unsigned long n)
{
	return n ? (unsigned long)rand_r(seed) % n : 0;
}

static int fd_of(unsigned int *seed)
{
	int fd;

	pthread_mutex_lock(&lock);
	fd = fds[rnd(seed, SLOTS)];
	pthread_mutex_unlock(&lock);
	return fd;
}

/*
 * A page of one of our mappings (0 when it has none), or with @wild
 * sometimes any address: ioctls get those, but touches and mprotect()
 * stay in Mether mappings, so the fuzzer never corrupts itself.
 */
static unsigned long some_addr(unsigned int *seed, int wild)
{
	struct mapping m;

	pthread_mutex_lock(&lock);
	m = maps[rnd(seed, SLOTS)];
	pthread_mutex_unlock(&lock);
	if (wild && (!m.addr || !rnd(seed, 8)))
		return rnd(seed, 1UL << 47) & ~(page_size - 1);
	if (!m.addr)
		return 0;
	return (unsigned long)m.addr + rnd(seed, m.len / page_size) * page_size;
}

static void do_open(unsigned int *seed)
{
	int fd = open("/dev/mether", rnd(seed, 2) ? O_RDWR : O_RDONLY);
	int slot = rnd(seed, SLOTS), old;

	pthread_mutex_lock(&lock);
	old = fds[slot];
	fds[slot] = fd;
	pthread_mutex_unlock(&lock);
	if (old > 0)
		close(old);
	count(&failures, fd < 0);
}

static void do_mmap(unsigned int *seed)
{
	unsigned long view = rnd(seed, METHER_VIEWS + 1);
	unsigned long page = rnd(seed, 300);
	size_t len = (1 + rnd(seed, 4)) * page_size;
	int prot = rnd(seed, 2) ? PROT_READ : PROT_READ | PROT_WRITE;
	int flags = rnd(seed, 8) ? MAP_SHARED : MAP_PRIVATE;
	int slot = rnd(seed, SLOTS);
	struct mapping old;
	char *p;

	p = mmap(NULL, len, prot, flags, fd_of(seed),
		 view << METHER_VIEW_SHIFT | page * page_size);
	if (p == MAP_FAILED) {
		count(&failures, 1);
		return;
	}
	pthread_rwlock_wrlock(&maps_lock);
	pthread_mutex_lock(&lock);
	old = maps[slot];
	maps[slot] = (struct mapping){ p, len };
	pthread_mutex_unlock(&lock);
	if (old.addr)
		munmap(old.addr, old.len);
	pthread_rwlock_unlock(&maps_lock);
}

static void do_touch(unsigned int *seed)
{
	volatile char *p;
	sigjmp_buf jump;

	pthread_rwlock_rdlock(&maps_lock);
	p = (volatile char *)some_addr(seed, 0);
	if (!p) {
		pthread_rwlock_unlock(&maps_lock);
		return;
	}
	fault_jump = &jump;
	if (sigsetjmp(jump, 1)) {
		count(&faults, 1);
	} else if (rnd(seed, 2)) {
		(void)*p;
	} else {
		*p = rnd(seed, 256);
	}
	fault_jump = NULL;
	pthread_rwlock_unlock(&maps_lock);
}

static void do_ioctl(unsigned int *seed)
{
	unsigned long cmd = ioctls[rnd(seed, sizeof(ioctls) / sizeof(ioctls[0]))];
	union {
		struct mether_range range;
		struct mether_up up;
		struct mether_segment seg;
		struct mether_stats stats;
		struct mether_peers peers;
		__u64 word;
		unsigned char bytes[4096];	/* more than any argument */
	} arg;
	size_t i;

	for (i = 0; i < sizeof(arg.bytes); i++)
		arg.bytes[i] = rand_r(seed);
	switch (rnd(seed, 4)) {
	case 0:		/* an address of ours, for PURGE, LOCK, UNLOCK */
		arg.range.addr = arg.word = some_addr(seed, 1);
		arg.range.len = (1 + rnd(seed, 3)) * page_size;
		break;
	case 1:		/* a plausible host, so that UP sometimes works */
		memset(&arg.up, 0, sizeof(arg.up));
		arg.up.host_id = 1 + rnd(seed, 3);
		arg.up.pages = 1 + rnd(seed, 64);
		arg.up.flags = METHER_UP_UNSEALED | rnd(seed, 2);
		arg.up.broadcast = 0x0100007f;	/* 127.0.0.1, loopback only */
		arg.up.port = 40000 + rnd(seed, 4);
		break;
	default:	/* random bytes */
		break;
	}
	/* Any size for a read: STATS, PEERS and STATUS take every one. */
	if (_IOC_DIR(cmd) == _IOC_READ && !rnd(seed, 4))
		cmd = _IOC(_IOC_READ, METHER_IOC_MAGIC, _IOC_NR(cmd),
			   rnd(seed, sizeof(arg.bytes) + 1));
	/* Sometimes no argument at all, or a bad pointer. */
	if (!rnd(seed, 16))
		count(&failures, ioctl(fd_of(seed), cmd, (void *)8) < 0);
	else
		count(&failures, ioctl(fd_of(seed), cmd, &arg) < 0);
}

/*
 * A child of a threaded process may find any lock held by a thread that
 * did not come along: it uses nothing shared, only a file and a mapping
 * of its own, and whatever it inherited goes when it exits.
 */
static void do_fork(unsigned int *seed)
{
	pid_t pid = fork();

	if (pid == 0) {
		unsigned int s = *seed + getpid();
		struct mether_page_state st = { 0 };
		int fd = open("/dev/mether", O_RDWR);
		volatile char *p;

		signal(SIGBUS, SIG_DFL);	/* its touch may fault: let it */
		signal(SIGSEGV, SIG_DFL);
		p = mmap(NULL, page_size, PROT_READ, MAP_SHARED, fd,
			 (unsigned long)rnd(&s, METHER_VIEWS) << METHER_VIEW_SHIFT);
		if (p != MAP_FAILED && !rnd(&s, 4))
			(void)*p;	/* may block for a page; a signal ends it */
		ioctl(fd, METHER_IOC_PAGE_STATE, &st);
		_exit(0);
	}
	if (pid > 0)
		waitpid(pid, NULL, 0);
}

static void one_call(unsigned int *seed)
{
	struct mapping m;
	int slot;

	doing = rnd(seed, 10);
	switch (doing) {
	case 0:
		do_open(seed);
		break;
	case 1:
		slot = rnd(seed, SLOTS);
		pthread_mutex_lock(&lock);
		if (fds[slot] > 0)
			close(fds[slot]);
		fds[slot] = -1;
		pthread_mutex_unlock(&lock);
		break;
	case 2:
	case 3:
		do_mmap(seed);
		break;
	case 4:
		slot = rnd(seed, SLOTS);
		pthread_rwlock_wrlock(&maps_lock);
		pthread_mutex_lock(&lock);
		m = maps[slot];
		maps[slot].addr = NULL;
		pthread_mutex_unlock(&lock);
		if (m.addr)
			munmap(m.addr, m.len);
		pthread_rwlock_unlock(&maps_lock);
		break;
	case 5:
		pthread_rwlock_rdlock(&maps_lock);
		m.addr = (char *)some_addr(seed, 0);
		if (m.addr)
			count(&failures,
			      mprotect(m.addr, page_size, rnd(seed, 2) ?
				       PROT_READ : PROT_READ | PROT_WRITE) < 0);
		pthread_rwlock_unlock(&maps_lock);
		break;
	case 6:
	case 7:
		do_touch(seed);
		break;
	case 8:
		do_ioctl(seed);
		break;
	default:
		if (!no_fork && !rnd(seed, 20))
			do_fork(seed);
		break;
	}
	count(&calls, 1);
	doing = -2;	/* between calls */
}

static int stop;
static unsigned int base_seed;

static void *worker(void *arg)
{
	unsigned int seed = base_seed + (unsigned long)arg * 7919;

	while (!__atomic_load_n(&stop, __ATOMIC_RELAXED))
		one_call(&seed);
	return NULL;
}

int main(int argc, char **argv)
{
	unsigned int seconds = 60, threads = 4, i;
	struct sigaction sa = { .sa_sigaction = on_fault,
				.sa_flags = SA_SIGINFO };
	pthread_t tid;
	int opt;

	base_seed = time(NULL);
	while ((opt = getopt(argc, argv, "t:j:s:uF")) != -1) {
		if (opt == 'F') {
			no_fork = 1;
		} else if (opt == 'u' && (setgid(65534) || setuid(65534))) {
			perror("mether-fuzz: dropping to nobody");
			return 2;
		} else if (opt == 'u') {
			continue;
		} else if (opt == 't')
			seconds = strtoul(optarg, NULL, 0);
		else if (opt == 'j')
			threads = strtoul(optarg, NULL, 0);
		else if (opt == 's')
			base_seed = strtoul(optarg, NULL, 0);
		else
			goto usage;
	}
	if (!threads || threads > 64)
		goto usage;
	page_size = sysconf(_SC_PAGESIZE);
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);
	for (i = 0; i < SLOTS; i++)
		fds[i] = -1;
	printf("mether-fuzz: seed %u, %u threads, %u s\n", base_seed, threads,
	       seconds);
	fflush(stdout);
	for (i = 0; i < threads; i++)
		pthread_create(&tid, NULL, worker, (void *)(unsigned long)i);
	/*
	 * Threads may wait in a data-driven fault for a copy that never
	 * comes (this host is alone), as a reader of an empty pipe would:
	 * such waits are killable, so the end of the process ends them.
	 * A wait that is not would hang the exit, for the hung task
	 * detector to report.
	 */
	doing = -1;
	sleep(seconds);
	__atomic_store_n(&stop, 1, __ATOMIC_RELAXED);
	sleep(5);
	printf("calls=%lu failed=%lu faults=%lu\n", calls, failures, faults);
	fflush(stdout);
	_exit(0);
usage:
	fprintf(stderr, "usage: mether-fuzz [-t SECONDS] [-j THREADS] [-s SEED] [-u] [-F]\n");
	return 2;
}
