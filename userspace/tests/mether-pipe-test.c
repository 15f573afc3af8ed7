// SPDX-License-Identifier: GPL-2.0
/*
 * mether-pipe-test: libmether pipes end to end. End 1 echoes every
 * message back; end 0 sends messages of every interesting size, then
 * csend()s MiB-sized ones, and checks what comes back byte for byte.
 *
 *	mether-pipe-test -e 0|1 [-b FIRST_PAGE]    one end (per host)
 *	mether-pipe-test -l [-b FIRST_PAGE]        both ends, two processes
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../lib/libmether.h"

#define BIG	(1024 * 1024 + 123)

static int failures;

static void report(int ok, const char *what, size_t n)
{
	printf("%s %s (%zu bytes)\n", ok ? "ok" : "not ok", what, n);
	failures += !ok;
}

static void fill(unsigned char *b, size_t n, unsigned int seed)
{
	size_t i;

	for (i = 0; i < n; i++)
		b[i] = (unsigned char)(i * 31 + seed);
}

static int echo(struct mether_pipe *p, unsigned char *buf, size_t max)
{
	ssize_t n;

	for (;;) {
		n = mether_crecv(p, buf, BIG);
		if (n < 0)
			return 1;
		if (mether_csend(p, buf, n))
			return 1;
		/* A message of max + 1 bytes is the last one. */
		if ((size_t)n == max + 1)
			return 0;
	}
}

static int drive(struct mether_pipe *p, unsigned char *out, unsigned char *in)
{
	size_t max = mether_pipe_max_message(p);
	size_t sizes[] = { 0, 1, 15, 16, 17, 100, max - 1, max, 5000, BIG,
			   max + 1 };
	unsigned int i;
	ssize_t n;

	for (i = 0; i < sizeof(sizes) / sizeof(*sizes); i++) {
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
		report(n == (ssize_t)sizes[i] && !memcmp(out, in, sizes[i]),
		       "pipe: a message comes back whole", sizes[i]);
	}
	/* Too small a buffer is an error, not a short read. */
	report(mether_pipe_send(p, out, max + 1) == -1 && errno == EMSGSIZE,
	       "pipe: a message over the largest is refused", max + 1);
	return failures != 0;
}

int main(int argc, char **argv)
{
	unsigned long first = 40;
	unsigned char *out, *in;
	struct mether_pipe *p;
	struct mether *m;
	int opt, end = -1, local = 0, status;
	pid_t pid = 0;

	while ((opt = getopt(argc, argv, "e:lb:")) != -1) {
		switch (opt) {
		case 'e':
			end = atoi(optarg);
			break;
		case 'l':
			local = 1;
			break;
		case 'b':
			first = strtoul(optarg, NULL, 0);
			break;
		default:
			goto usage;
		}
	}
	if (local == (end >= 0) || end > 1)
		goto usage;
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
	p = mether_pipe_open(m, first, end);
	if (!p) {
		perror("mether_pipe_open");
		return 2;
	}
	if (end == 1)
		return echo(p, in, mether_pipe_max_message(p));
	status = drive(p, out, in);
	if (pid > 0) {
		waitpid(pid, &opt, 0);
		status |= !WIFEXITED(opt) || WEXITSTATUS(opt);
	}
	return status;

usage:
	fprintf(stderr, "usage: mether-pipe-test -e 0|1 | -l [-b FIRST_PAGE]\n");
	return 2;
}
