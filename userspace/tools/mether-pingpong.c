// SPDX-License-Identifier: GPL-2.0
/*
 * mether-pingpong: the baselines for the paper's counting program. Two
 * processes on two hosts pass a 32-bit counter back and forth over a
 * user-space UDP or TCP socket until it reaches N, each adding one; each
 * checks that it saw every increment in order. Host 0 starts.
 *
 *	mether-pingpong -u|-t -i ID -a PEER [-p PORT] [-n N]
 *
 * Prints the same figures as mether-count, plus the packets and payload
 * bytes it sent, so the two can be set side by side.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "bench_tcp.h"
#include "tool_number.h"
#include "tool_time.h"

static void die(const char *what)
{
	fprintf(stderr, "mether-pingpong: %s: %s\n", what, strerror(errno));
	exit(2);
}

/* UDP: each host binds the port and talks to the other's. */
static int udp_socket(struct sockaddr_in *peer, int port)
{
	struct sockaddr_in local = {
		.sin_family = AF_INET,
		.sin_port = htons(port),
	};
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	if (fd < 0)
		die("socket");
	if (bind(fd, (struct sockaddr *)&local, sizeof(local)))
		die("bind");
	if (connect(fd, (struct sockaddr *)peer, sizeof(*peer)))
		die("connect");
	return fd;
}

/*
 * Before the clock starts, UDP hosts trade zeros until both are up, so
 * that the count does not time a start-up; the count never sends 0, and
 * a late zero is skipped.
 */
static void udp_hello(int fd, unsigned int id)
{
	struct timeval tv = { .tv_usec = 100000 }, forever = {};
	uint32_t zero = 0, got;

	if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)))
		die("SO_RCVTIMEO");
	for (;;) {
		if (id == 0 && send(fd, &zero, sizeof(zero), 0) < 0 &&
		    errno != ECONNREFUSED)
			die("send");
		if (recv(fd, &got, sizeof(got), 0) == sizeof(got) && !got)
			break;
	}
	if (id == 1 && send(fd, &zero, sizeof(zero), 0) < 0)
		die("send");
	if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &forever, sizeof(forever)))
		die("SO_RCVTIMEO");
}

static int recv_counter(int fd, int tcp, uint32_t *value)
{
	uint32_t be;
	size_t got = 0;
	ssize_t n;

	do {
		n = recv(fd, (char *)&be + got, sizeof(be) - got, 0);
		if (n <= 0)
			return -1;
		got += n;
		if (!tcp && !be)
			got = 0;	/* a late hello */
	} while (got < sizeof(be));
	if (got != sizeof(be))
		return -1;
	*value = ntohl(be);
	return 0;
}

static void send_counter(int fd, uint32_t value, unsigned long *packets)
{
	uint32_t be = htonl(value);

	if (send(fd, &be, sizeof(be), 0) != sizeof(be))
		die("send");
	(*packets)++;
}

int main(int argc, char **argv)
{
	struct sockaddr_in peer = { .sin_family = AF_INET };
	unsigned long target = 1024, packets = 0, wins = 0;
	unsigned int id = 0, port = 7900;
	struct timespec t0, ready, t1;
	double busy;
	int opt, tcp = -1, fd, ok = 1;
	uint32_t seen, expect, ready_at;
	struct rusage ru;

	while ((opt = getopt(argc, argv, "uti:a:p:n:")) != -1) {
		switch (opt) {
		case 'u':
			tcp = 0;
			break;
		case 't':
			tcp = 1;
			break;
		case 'i':
			id = tool_number("mether-pingpong", optarg, "id", 1);
			break;
		case 'a':
			if (inet_pton(AF_INET, optarg, &peer.sin_addr) != 1)
				goto usage;
			break;
		case 'p':
			port = tool_range("mether-pingpong", optarg, "port",
					  1, UINT16_MAX);
			break;
		case 'n':
			target = tool_range("mether-pingpong", optarg, "count",
					    1, UINT32_MAX);
			break;
		default:
			goto usage;
		}
	}
	if (tcp < 0 || id > 1 || !peer.sin_addr.s_addr || !target ||
	    optind != argc)
		goto usage;
	peer.sin_port = htons(port);

	if (tcp) {
		fd = bench_tcp_pair(id, peer.sin_addr, port);
	} else {
		fd = udp_socket(&peer, port);
		udp_hello(fd, id);
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (id == 0) {
		send_counter(fd, 1, &packets);
		wins++;
		if (recv_counter(fd, tcp, &seen))
			die("recv");
		expect = 2;
	} else {
		if (recv_counter(fd, tcp, &seen))
			die("recv");
		expect = 1;
	}
	/* The first value the other side sent: the timed span starts. */
	clock_gettime(CLOCK_MONOTONIC, &ready);
	busy = tool_busy_seconds();
	ready_at = seen;
	for (;;) {
		if (seen != expect) {
			fprintf(stderr, "mether-pingpong %u: saw %u, expected %u\n",
				id, seen, expect);
			ok = 0;
			break;
		}
		if (seen >= target)
			break;
		send_counter(fd, seen + 1, &packets);
		wins++;
		if (seen + 1 >= target)
			break;
		if (recv_counter(fd, tcp, &seen))
			die("recv");
		expect += 2;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	busy = tool_busy_seconds() - busy;
	getrusage(RUSAGE_SELF, &ru);
	printf("id=%u protocol=%s target=%lu ok=%s wins=%lu losses=0 packets=%lu payload_bytes=%lu seconds=%.3f timed=%lu total_seconds=%.3f user=%.3f sys=%.3f cs=%ld host_cpu=%.3f\n",
	       id, tcp ? "tcp-pingpong" : "udp-pingpong", target,
	       ok ? "yes" : "no", wins, packets, packets * 4,
	       tool_seconds(&ready, &t1), target - ready_at, tool_seconds(&t0, &t1),
	       ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6,
	       ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6,
	       ru.ru_nvcsw + ru.ru_nivcsw, busy);
	close(fd);
	return ok ? 0 : 1;

usage:
	fprintf(stderr, "usage: mether-pingpong -u|-t -i 0|1 -a PEER [-p PORT] [-n N]\n");
	return 2;
}
