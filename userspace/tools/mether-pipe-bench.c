// SPDX-License-Identifier: GPL-2.0
/*
 * mether-pipe-bench: how fast messages go one way through a libmether
 * pipe, or through a TCP stream between the same hosts. End 0 sends
 * COUNT messages of SIZE bytes; end 1 receives them all and answers with
 * one byte, which stops end 0's clock.
 *
 *	mether-pipe-bench -e 0|1 -s SIZE -c COUNT [-b FIRST_PAGE] [-w WINDOW]
 *	mether-pipe-bench -t -a PEER [-p PORT] -e 0|1 -s SIZE -c COUNT
 *
 * End 0 prints: size=SIZE count=COUNT seconds=S mb_s=M msgs_s=N
 */
#include <arpa/inet.h>
#include <limits.h>
#include <stdint.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "../lib/libmether.h"
#include "bench_tcp.h"
#include "tool_number.h"

static void die(const char *what)
{
	perror(what);
	exit(2);
}

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

static void tcp_full(int fd, char *buf, size_t len, int sending)
{
	ssize_t n;

	while (len) {
		n = sending ? send(fd, buf, len, 0) : recv(fd, buf, len, 0);
		if (n <= 0)
			die(sending ? "send" : "recv");
		buf += n;
		len -= n;
	}
}

int main(int argc, char **argv)
{
	const char *peer = NULL;
	unsigned long first = 50, size = 0, count = 0, window = 1, i;
	int opt, end = -1, tcp = 0, port = 7950, fd = -1;
	struct mether_pipe *pipe = NULL;
	double t0, secs;
	char *buf, ack = 1;

	while ((opt = getopt(argc, argv, "e:s:c:b:ta:p:w:")) != -1) {
		switch (opt) {
		case 'e':
			end = tool_number("mether-pipe-bench", optarg, "end", 1);
			break;
		case 's':
			size = tool_number("mether-pipe-bench", optarg, "size",
					   ULONG_MAX);
			break;
		case 'c':
			count = tool_number("mether-pipe-bench", optarg,
					    "count", ULONG_MAX);
			break;
		case 'b':
			first = tool_number("mether-pipe-bench", optarg, "page",
					    ULONG_MAX);
			break;
		case 'w':
			window = tool_range("mether-pipe-bench", optarg,
					    "window", 1, 1024);
			break;
		case 't':
			tcp = 1;
			break;
		case 'a':
			peer = optarg;
			break;
		case 'p':
			port = tool_range("mether-pipe-bench", optarg, "port", 1,
					  UINT16_MAX);
			break;
		default:
			goto usage;
		}
	}
	if (end < 0 || end > 1 || !size || !count || (tcp && !end && !peer))
		goto usage;
	if (!tcp && first <= METHER_DIRECTORY_PAGE) {
		fprintf(stderr, "mether-pipe-bench: page %d holds the segment directory\n",
			METHER_DIRECTORY_PAGE);
		return 2;
	}
	buf = calloc(1, size);
	if (!buf)
		die("calloc");
	if (tcp) {
		struct in_addr addr = {};

		if (!end && inet_pton(AF_INET, peer, &addr) != 1)
			die("peer address");
		fd = bench_tcp_pair(end, addr, port);
	} else {
		struct mether *m = mether_open(NULL);

		if (!m)
			die("mether_open");
		pipe = mether_pipe_open_window(m, first, end, window);
		if (!pipe)
			die("mether_pipe_open_window");
	}

	t0 = now();
	for (i = 0; i < count; i++) {
		if (tcp)
			tcp_full(fd, buf, size, !end);
		else if (!end && mether_csend(pipe, buf, size))
			die("mether_csend");
		else if (end && mether_crecv(pipe, buf, size) != (ssize_t)size)
			die("mether_crecv");
	}
	/* The receiver's answer: the last message has arrived. */
	if (tcp)
		tcp_full(fd, &ack, 1, end);
	else if (end ? mether_pipe_send(pipe, &ack, 1) :
		       mether_pipe_recv(pipe, &ack, 1) != 1)
		die("ack");
	secs = now() - t0;
	if (!end)
		printf("size=%lu count=%lu seconds=%.3f mb_s=%.3f msgs_s=%.1f\n",
		       size, count, secs, size * count / secs / 1e6,
		       count / secs);
	mether_pipe_close(pipe);
	return 0;

usage:
	fprintf(stderr, "usage: mether-pipe-bench [-t -a PEER [-p PORT]] -e 0|1 -s SIZE -c COUNT [-b FIRST_PAGE] [-w WINDOW]\n");
	return 2;
}
