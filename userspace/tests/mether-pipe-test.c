// SPDX-License-Identifier: GPL-2.0
/*
 * mether-pipe-test: libmether pipes end to end. End 1 echoes every
 * message back; end 0 sends messages of every interesting size, then
 * csend()s MiB-sized ones, and checks what comes back byte for byte.
 *
 *	mether-pipe-test -e 0|1 [-b FIRST_PAGE]    one end (per host)
 *	mether-pipe-test -l [-b FIRST_PAGE]        both ends, two processes
 *
 * Before the echoes, end 0 streams stream_count small messages one way
 * without waiting, and end 1 checks each. -w WINDOW opens every pipe
 * with a window (mether_pipe_open_window()); the default is the paper's.
 * -q (both ends) is a shorter run, for lossy links.
 *
 * and what a caller gets when the other end is missing:
 *	mether-pipe-test -a [-b FIRST_PAGE]    no peer process: ETIMEDOUT
 *	mether-pipe-test -s -e 1 [-b ...]      send one message and exit
 *	mether-pipe-test -g [-b FIRST_PAGE]    the peer's host went down
 *					       after -s: EHOSTUNREACH
 *
 * and what opening a pipe again gives (both ends here, in processes
 * one after the other):
 *	mether-pipe-test -r [-b FIRST_PAGE]    a new pair of ends reads
 *					       nothing an old one sent; an
 *					       end whose peer died times
 *					       out, and gets ECONNRESET
 *					       once a new peer opens; a
 *					       slow reader holds its
 *					       writer back, losing nothing
 */
#include <signal.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../lib/libmether.h"
#include "test_report.h"

#define BIG	(1024 * 1024 + 123)
/*
 * Both ends are given the same -w and -q: 3000 streamed with a window,
 * 50 without; -q (quick, for lossy links) streams 300 and echoes 20000
 * bytes at most, not a MiB.
 */
static unsigned int stream_count;
static size_t largest = BIG;
static int quick;
#define STREAM_MARK	"stream!!"

/* A check on a message of @n bytes. */
#define report_n(ok, what, n) report(ok, "%s (%zu bytes)", what, (size_t)(n))

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * No process at the other end, its host up (here: this host): every
 * wait ends with ETIMEDOUT after the pipe's timeout, not in a hang.
 */
static void alone(struct mether_pipe *p, unsigned char *buf,
		  unsigned int window)
{
	size_t max = mether_pipe_max_message(p);
	unsigned int sent = 0;
	double start;
	ssize_t n;

	mether_pipe_set_timeout(p, 1000);
	start = now();
	n = mether_pipe_recv(p, buf, BIG);
	report_n(failed_with(n, ETIMEDOUT) && now() - start < 30,
	       "pipe: a receive with nobody at the other end times out", 0);
	/* Each fills a page: a window's worth go out unread. */
	while (sent < window && !mether_pipe_send(p, buf, max))
		sent++;
	report(sent == window,
	       "pipe: the first %u sends of a page need nobody to read them (%u did)",
	       window, sent);
	start = now();
	report_n(failed_with(mether_pipe_send(p, buf, max), ETIMEDOUT) &&
	       now() - start < 30,
	       "pipe: the next send, never read, times out", max);
}

/* The peer wrote its page and its host went down: an error, no SIGBUS. */
static void gone(struct mether_pipe *p, unsigned char *buf)
{
	ssize_t n = mether_pipe_recv(p, buf, BIG);

	report_n(failed_with(n, EHOSTUNREACH),
	       "pipe: a receive from a host that went down fails", 0);
}

static void fill(unsigned char *b, size_t n, unsigned int seed)
{
	size_t i;

	for (i = 0; i < n; i++)
		b[i] = (unsigned char)(i * 31 + seed);
}

/* Fork a process that runs @child on a pipe of its own at end 1. */
static pid_t end_one(struct mether *m, uint64_t first, unsigned int window,
		     int (*child)(struct mether_pipe *p, unsigned char *buf),
		     unsigned char *buf)
{
	struct mether_pipe *p;
	pid_t pid = fork();

	if (pid)
		return pid;
	p = mether_pipe_open_window(m, first, 1, window);
	_exit(p ? child(p, buf) : 3);
}

static int exit_status(pid_t pid)
{
	int status;

	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

/* An end that sends a window's worth of pages and dies, unread. */
static int send_stale(struct mether_pipe *p, unsigned char *buf)
{
	size_t max = mether_pipe_max_message(p);
	unsigned int i;

	mether_pipe_set_timeout(p, 1000);
	memset(buf, 's', max);
	for (i = 0; i < 8; i++)
		if (mether_pipe_send(p, buf, max))
			break;
	return i ? 0 : 1;
}

/* An end that sends "fresh" and waits for the answer "seen". */
static int send_fresh(struct mether_pipe *p, unsigned char *buf)
{
	ssize_t n;

	if (mether_csend(p, "fresh", 5))
		return 1;
	n = mether_crecv(p, buf, BIG);
	mether_pipe_close(p);
	return n == 4 && !memcmp(buf, "seen", 4) ? 0 : 1;
}

/* An end that takes 5 messages, then dies as if killed. */
static int take_five(struct mether_pipe *p, unsigned char *buf)
{
	unsigned int i;

	for (i = 0; i < 5; i++)
		if (mether_pipe_recv(p, buf, BIG) < 0)
			return 1;
	raise(SIGKILL);
	return 1;
}

/* An end that sends 3 messages and dies as if killed. */
static int send_three(struct mether_pipe *p, unsigned char *buf)
{
	unsigned int i;

	memset(buf, 'w', 100);
	for (i = 0; i < 3; i++)
		if (mether_pipe_send(p, buf, 100))
			return 1;
	if (mether_pipe_flush(p))
		return 1;
	raise(SIGKILL);
	return 1;
}

/* The slow reader's stream: message @i's size and contents. */
#define SLOW_EVERY	100
#define SLOW_MS		50
static size_t slow_message(unsigned char *b, unsigned int i)
{
	size_t n = 1 + i % 200;

	memset(b, (unsigned char)i, n);
	return n;
}

/*
 * A reader that sleeps SLOW_MS every SLOW_EVERY messages, checks each,
 * and answers with one byte: whether all came, whole and in order.
 */
static int read_slowly(struct mether_pipe *p, unsigned char *buf)
{
	unsigned char want[256], good;
	unsigned int i, bad = 0;
	ssize_t n;
	size_t len;

	for (i = 0; i < stream_count; i++) {
		if (i % SLOW_EVERY == 0)
			usleep(SLOW_MS * 1000);
		len = slow_message(want, i);
		n = mether_pipe_recv(p, buf, BIG);
		if (n < 0)
			return 1;
		bad += (size_t)n != len || memcmp(buf, want, len);
	}
	good = !bad;
	return mether_csend(p, &good, 1) || (mether_pipe_close(p), 0);
}

/*
 * Both ends csend() before either crecv()s: safe for a message of up to
 * K times the largest pipe message with a window, one byte less than it
 * with the paper's pipe (mether_csend(3)), which exchange_size is set
 * to; one byte more waits for the peer, which waits too, until the
 * timeout.
 */
static size_t exchange_size;

static int exchange(struct mether_pipe *p, unsigned char *buf)
{
	ssize_t n;

	if (mether_csend(p, buf, exchange_size))
		return 1;
	n = mether_crecv(p, buf, BIG);
	mether_pipe_close(p);
	return n == (ssize_t)exchange_size ? 0 : 1;
}

static int exchange_too_much(struct mether_pipe *p, unsigned char *buf)
{
	mether_pipe_set_timeout(p, 1500);
	return failed_with(mether_csend(p, buf, exchange_size), ETIMEDOUT) ?
	       0 : 1;
}

static void symmetric(struct mether *m, uint64_t first, unsigned int window,
		      unsigned char *out, unsigned char *in)
{
	struct mether_pipe *p = mether_pipe_open_window(m, first, 0, window);
	ssize_t n = -1;
	pid_t pid;

	if (!p) {
		report(0, "pipe: end 0 opens for a symmetric exchange");
		return;
	}
	exchange_size = window == 1 ? mether_pipe_max_message(p) - 1 :
				      window * mether_pipe_max_message(p);
	fill(out, exchange_size, 7);
	pid = end_one(m, first, window, exchange, in);
	if (!mether_csend(p, out, exchange_size))
		n = mether_crecv(p, in, BIG);
	report(n == (ssize_t)exchange_size && exit_status(pid) == 0,
	       "pipe: both ends csend %zu bytes (the most they may) before they crecv",
	       exchange_size);
	mether_pipe_close(p);

	p = mether_pipe_open_window(m, first, 0, window);
	if (!p) {
		report(0, "pipe: end 0 opens for a symmetric exchange again");
		return;
	}
	exchange_size++;
	pid = end_one(m, first, window, exchange_too_much, in);
	mether_pipe_set_timeout(p, 1500);
	report(failed_with(mether_csend(p, out, exchange_size), ETIMEDOUT) &&
	       exit_status(pid) == 0,
	       "pipe: one byte more, and both ends' csend ends in ETIMEDOUT");
	mether_pipe_close(p);
}

/*
 * An end whose csend() gives up part-way (ETIMEDOUT, K + 2 pieces), then
 * csends "new".
 */
static unsigned int gave_up_window;

static int give_up(struct mether_pipe *p, unsigned char *buf)
{
	size_t size = (gave_up_window + 2) * mether_pipe_max_message(p);

	mether_pipe_set_timeout(p, 1500);
	memset(buf, 'a', size);
	if (!failed_with(mether_csend(p, buf, size), ETIMEDOUT))
		return 1;
	mether_pipe_set_timeout(p, 20000);
	if (mether_csend(p, "new", 3))
		return 1;
	mether_pipe_close(p);
	return 0;
}

/*
 * A crecv() after a csend() that gave up part-way skips what is left of
 * that message and gets the next one whole.
 */
static void given_up(struct mether *m, uint64_t first, unsigned int window,
		     unsigned char *in)
{
	struct mether_pipe *p = mether_pipe_open_window(m, first, 0, window);
	ssize_t n;
	pid_t pid;

	if (!p) {
		report(0, "pipe: end 0 opens for a csend given up");
		return;
	}
	gave_up_window = window;
	pid = end_one(m, first, window, give_up, in);
	/* One piece taken, then the writer is left to give up. */
	n = mether_pipe_recv(p, in, BIG);
	sleep(3);
	if (n > 0)
		n = mether_crecv(p, in, BIG);
	report(n == 3 && !memcmp(in, "new", 3) && exit_status(pid) == 0,
	       "pipe: after a csend given up part-way, crecv skips its rest and gets the next message whole (%zd bytes)",
	       n);
	mether_pipe_close(p);
}

/* An end that opens after its peer joined another: it cannot join. */
static int join_late(struct mether_pipe *p, unsigned char *buf)
{
	mether_pipe_set_timeout(p, 3000);
	return failed_with(mether_pipe_recv(p, buf, BIG), ETIMEDOUT) ? 0 : 1;
}

/*
 * Opening a pipe again starts it clean (mether_pipe_open()): what an
 * earlier pair of ends left in the pages is never read; an end whose
 * peer died gets ETIMEDOUT after its timeout, and ECONNRESET once a new
 * peer has opened the pipe.
 */
static void reopen(struct mether *m, uint64_t first, unsigned int window,
		   unsigned char *out, unsigned char *in)
{
	struct mether_pipe *p;
	unsigned int sent;
	int failed = 0;
	double start, waited;
	ssize_t n;
	pid_t pid;

	pid = end_one(m, first, window, send_stale, in);
	report(exit_status(pid) == 0,
	       "pipe: an end sends and dies with nothing read");
	p = mether_pipe_open_window(m, first, 0, window);
	if (!p) {
		report(0, "pipe: end 0 opens again");
		return;
	}
	/* Before a new peer opens, what the old one left is all there is. */
	mether_pipe_set_timeout(p, 1000);
	report(failed_with(mether_pipe_recv(p, in, BIG), ETIMEDOUT),
	       "pipe: opened again, nothing the old peer left is read");
	mether_pipe_set_timeout(p, METHER_PIPE_TIMEOUT_MS);
	pid = end_one(m, first, window, send_fresh, in);
	n = mether_crecv(p, in, BIG);
	report(n == 5 && !memcmp(in, "fresh", 5),
	       "pipe: opened again, the first message read is the new peer's (%zd bytes)",
	       n);
	report(!mether_csend(p, "seen", 4) && exit_status(pid) == 0,
	       "pipe: ... and the answer reaches it");
	mether_pipe_close(p);

	p = mether_pipe_open_window(m, first, 0, window);
	if (!p) {
		report(0, "pipe: end 0 opens a third time");
		return;
	}
	mether_pipe_set_timeout(p, 2000);
	pid = end_one(m, first, window, take_five, in);
	memset(out, 'k', 64);
	for (sent = 0; sent < 100000 && !failed; sent++) {
		start = now();
		if (mether_pipe_send(p, out, 64))
			failed = errno;
	}
	waited = now() - start;
	report(failed == ETIMEDOUT && waited >= 1.9 && waited < 10,
	       "pipe: sends to a reader that died end in ETIMEDOUT after the timeout, within a slice more (%u sent, %.1f s)",
	       sent, waited);
	report(exit_status(pid) == -1, "pipe: ... the reader was killed");
	pid = end_one(m, first, window, join_late, in);
	sleep(1);
	report(failed_with(mether_pipe_send(p, out, 64), ECONNRESET),
	       "pipe: once a new reader opened, the old writer gets ECONNRESET");
	report(exit_status(pid) == 0,
	       "pipe: ... and the new reader, which cannot join it, ETIMEDOUT");
	mether_pipe_close(p);

	p = mether_pipe_open_window(m, first, 0, window);
	if (!p) {
		report(0, "pipe: end 0 opens a fourth time");
		return;
	}
	mether_pipe_set_timeout(p, 2000);
	pid = end_one(m, first, window, send_three, out);
	for (sent = 0; sent < 3; sent++)
		if (mether_pipe_recv(p, in, BIG) != 100)
			break;
	report(sent == 3,
	       "pipe: what a writer sent before it was killed arrives (%u of 3)",
	       sent);
	start = now();
	n = mether_pipe_recv(p, in, BIG);
	failed = n < 0 ? errno : 0;
	waited = now() - start;
	report(failed == ETIMEDOUT && waited >= 1.9 && waited < 10,
	       "pipe: the next receive ends in ETIMEDOUT after the timeout, within a slice more (%.1f s)",
	       waited);
	report(exit_status(pid) == -1, "pipe: ... the writer was killed");
	/* A new writer opens while the reader waits for the old one. */
	pid = end_one(m, first, window, join_late, in);
	sleep(1);
	mether_pipe_set_timeout(p, 10000);
	start = now();
	n = mether_pipe_recv(p, in, BIG);
	failed = n < 0 ? errno : 0;
	waited = now() - start;
	report(failed == ECONNRESET && waited < 8,
	       "pipe: a waiting reader whose writer opened the pipe again gets ECONNRESET (%.1f s)",
	       waited);
	report(exit_status(pid) == 0,
	       "pipe: ... and the new writer, which cannot join it, ETIMEDOUT");
	mether_pipe_close(p);
}

/*
 * A reader slower than the writer: the writer is held back (it waits
 * for room, or with the paper's pipe for each message to be taken), and
 * every message arrives whole and in order.
 */
static void slow_reader(struct mether *m, uint64_t first,
			unsigned int window, unsigned char *out,
			unsigned char *in)
{
	struct mether_pipe *p = mether_pipe_open_window(m, first, 0, window);
	double start, slept = (stream_count / SLOW_EVERY) * SLOW_MS / 1000.0;
	/* The writer may run ahead by a sleep, or by a ring of K pages. */
	double ahead = window * SLOW_MS / 1000.0;
	unsigned int i;
	ssize_t n;
	pid_t pid;

	if (!p) {
		report(0, "pipe: end 0 opens for a slow reader");
		return;
	}
	pid = end_one(m, first, window, read_slowly, in);
	start = now();
	for (i = 0; i < stream_count; i++)
		if (mether_pipe_send(p, out, slow_message(out, i)))
			break;
	mether_pipe_flush(p);
	report(i == stream_count && now() - start >= slept - ahead,
	       "pipe: a writer ahead of a slow reader is held back (%u sent in %.2f s; the reader slept %.2f s)",
	       i, now() - start, slept);
	n = mether_crecv(p, in, BIG);
	report(n == 1 && in[0] == 1 && exit_status(pid) == 0,
	       "pipe: ... and the slow reader got all %u, whole and in order",
	       stream_count);
	mether_pipe_close(p);
}


/* Stream message @i: its size and contents follow from @i. */
static size_t stream_message(unsigned char *b, unsigned int i)
{
	size_t n = i % 45;

	fill(b, n, i);
	return n;
}

/*
 * End 1 takes the stream that follows STREAM_MARK and says in one byte
 * whether every message was as sent, in order.
 */
static int stream_check(struct mether_pipe *p, unsigned char *buf)
{
	unsigned char want[64];
	unsigned int i, bad = 0;
	unsigned char good;
	ssize_t n;
	size_t len;

	for (i = 0; i < stream_count; i++) {
		len = stream_message(want, i);
		n = mether_pipe_recv(p, buf, BIG);
		if (n < 0)
			return 1;
		if ((size_t)n != len || memcmp(buf, want, len))
			bad++;
	}
	good = !bad;
	return mether_csend(p, &good, 1) ? 1 : 0;
}

/* End 0's side: send them all, none waiting for an answer, then ask. */
static int stream(struct mether_pipe *p, unsigned char *out,
		  unsigned char *in)
{
	unsigned int i;
	double start;
	ssize_t n;

	if (mether_csend(p, STREAM_MARK, strlen(STREAM_MARK)))
		return 1;
	start = now();
	for (i = 0; i < stream_count; i++)
		if (mether_pipe_send(p, out, stream_message(out, i))) {
			perror("mether_pipe_send");
			return 1;
		}
	n = mether_crecv(p, in, BIG);
	printf("# %u messages streamed in %.3f s\n", stream_count,
	       now() - start);
	report(n == 1 && in[0] == 1,
	       "pipe: %u small messages streamed one way arrive in order",
	       stream_count);
	return 0;
}

static int echo(struct mether_pipe *p, unsigned char *buf, size_t max)
{
	ssize_t n;

	for (;;) {
		n = mether_crecv(p, buf, BIG);
		if (n < 0)
			return 1;
		if ((size_t)n == strlen(STREAM_MARK) &&
		    !memcmp(buf, STREAM_MARK, n)) {
			if (stream_check(p, buf))
				return 1;
			continue;
		}
		if (mether_csend(p, buf, n))
			return 1;
		/* A message of max + 1 bytes is the last one. */
		if ((size_t)n == max + 1)
			return 0;
	}
}

/*
 * A crecv() into a buffer too small for the message takes nothing: the
 * next one, with room, gets it whole.
 */
static int small_buffer(struct mether_pipe *p, unsigned char *out,
			unsigned char *in)
{
	size_t size = 3 * mether_pipe_max_message(p) + 7;
	ssize_t n;

	fill(out, size, 99);
	if (mether_csend(p, out, size)) {
		perror("mether_csend");
		return 1;
	}
	report_n(failed_with(mether_crecv(p, in, size - 1), EMSGSIZE),
	       "pipe: crecv into too small a buffer is refused", size);
	n = mether_crecv(p, in, BIG);
	report_n(n == (ssize_t)size && !memcmp(out, in, size),
	       "pipe: ... and takes nothing: the next crecv gets it whole",
	       size);
	return 0;
}

static int drive(struct mether_pipe *p, unsigned char *out, unsigned char *in)
{
	size_t max = mether_pipe_max_message(p);
	size_t sizes[] = { 0, 1, 15, 16, 17, 32, 100, max - 1, max, 4096,
			   5000, largest, max + 1 };
	unsigned int i;
	ssize_t n;

	if (stream(p, out, in))
		return 1;
	for (i = 0; i < sizeof(sizes) / sizeof(*sizes); i++) {
		/* Before the last message, which ends the echo. */
		if (i == sizeof(sizes) / sizeof(*sizes) - 1 &&
		    small_buffer(p, out, in))
			return 1;
		fill(out, sizes[i], i);
		memset(in, 0xee, sizes[i] + 1);
		if (mether_csend(p, out, sizes[i])) {
			perror("mether_csend");
			return 1;
		}
		n = mether_crecv(p, in, BIG);
		if (n != (ssize_t)sizes[i] || memcmp(out, in, sizes[i])) {
			size_t j = 0;

			while (n > 0 && j < (size_t)n && out[j] == in[j])
				j++;
			printf("# got %zd bytes (errno %d), first difference at %zu\n",
			       n, n < 0 ? errno : 0, j);
		}
		report_n(n == (ssize_t)sizes[i] && !memcmp(out, in, sizes[i]),
		       "pipe: a message comes back whole", sizes[i]);
	}
	/* Too small a buffer is an error, not a short read. */
	report_n(mether_pipe_send(p, out, max + 1) == -1 && errno == EMSGSIZE,
	       "pipe: a message over the largest is refused", max + 1);
	return 0;
}

int main(int argc, char **argv)
{
	unsigned long first = 40, window = 1;
	unsigned char *out, *in;
	struct mether_pipe *p;
	struct mether *m;
	int opt, end = -1, local = 0, status, mode = 0;
	pid_t pid = 0;

	while ((opt = getopt(argc, argv, "e:lb:asgrw:q")) != -1) {
		switch (opt) {
		case 'a':
		case 's':
		case 'g':
		case 'r':
			mode = opt;
			break;
		case 'e':
			end = atoi(optarg);
			break;
		case 'l':
			local = 1;
			break;
		case 'q':
			quick = 1;
			break;
		case 'b':
			first = strtoul(optarg, NULL, 0);
			break;
		case 'w':
			window = strtoul(optarg, NULL, 0);
			break;
		default:
			goto usage;
		}
	}
	if (mode == 'a' || mode == 'g' || mode == 'r') {
		if (local || end >= 0)
			goto usage;
		end = 0;
	} else if (local == (end >= 0) || end > 1 || (mode && local)) {
		goto usage;
	}
	stream_count = quick ? 300 : window > 1 ? 3000 : 50;
	if (mode == 'r' && window == 1)
		stream_count = 300;
	if (quick)
		largest = 20000;
	if (local) {
		pid = fork();
		end = pid == 0;
	}
	out = malloc(BIG + 1);
	in = malloc(BIG + 1);
	m = mether_open(NULL);
	if (!out || !in || !m) {
		perror("mether-pipe-test");
		return 2;
	}
	/* Page 0 is the directory's: no pipe may write over it. */
	if (mode == 'a') {
		report(!mether_pipe_open(m, METHER_DIRECTORY_PAGE, end) &&
		       errno == EINVAL,
		       "a pipe on the directory's page is refused (EINVAL)");
		report(mether_pipe_pages(1) == 2 && mether_pipe_pages(2) == 6 &&
		       mether_pipe_pages(1024) == 2050 &&
		       !mether_pipe_pages(0) && !mether_pipe_pages(3) &&
		       !mether_pipe_pages(2048),
		       "a window is 1 or a power of two up to 1024, and spans 2 or 2 (K + 1) pages");
		report(!mether_pipe_open_window(m, first, end, 3) &&
		       errno == EINVAL,
		       "a window of 3 is refused (EINVAL)");
	}
	if (mode == 'r') {
		reopen(m, first, window, out, in);
		slow_reader(m, first, window, out, in);
		symmetric(m, first, window, out, in);
		given_up(m, first, window, in);
		return test_finish();
	}
	p = mether_pipe_open_window(m, first, end, window);
	if (!p) {
		perror("mether_pipe_open_window");
		return 2;
	}
	if (mode == 'a' || mode == 'g') {
		if (mode == 'a')
			alone(p, in, window);
		else
			gone(p, in);
		return test_finish();
	}
	if (mode == 's')
		return mether_pipe_send(p, "bye", 3) ? 1 : 0;
	if (end == 1) {
		status = echo(p, in, mether_pipe_max_message(p));
		/* A window's last page may wait for the next call: close. */
		mether_pipe_close(p);
		return status;
	}
	status = drive(p, out, in);
	if (pid > 0) {
		waitpid(pid, &opt, 0);
		status |= !WIFEXITED(opt) || WEXITSTATUS(opt);
	}
	return test_finish() | status;

usage:
	fprintf(stderr, "usage: mether-pipe-test -e 0|1 | -l | -a | -s -e 0|1 | -g | -r [-b FIRST_PAGE] [-w WINDOW] [-q]\n");
	return 2;
}
