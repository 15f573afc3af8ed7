/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The TCP connection of the benchmark baselines (mether-pingpong,
 * mether-pipe-bench): end 1 listens on @port and accepts one peer; end 0
 * connects to @peer, retrying for 10 s while end 1 starts. Both ends set
 * TCP_NODELAY, so that each message goes out at once.
 */
#ifndef _BENCH_TCP_H
#define _BENCH_TCP_H

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

static void bench_tcp_die(const char *what)
{
	perror(what);
	exit(2);
}

static int bench_tcp_pair(unsigned int end, struct in_addr peer, int port)
{
	struct sockaddr_in a = {
		.sin_family = AF_INET,
		.sin_port = htons(port),
	};
	int one = 1, fd, lfd, i;

	if (end == 1) {
		lfd = socket(AF_INET, SOCK_STREAM, 0);
		if (lfd < 0 ||
		    setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
		    bind(lfd, (struct sockaddr *)&a, sizeof(a)) || listen(lfd, 1))
			bench_tcp_die("listen");
		fd = accept(lfd, NULL, NULL);
		if (fd < 0)
			bench_tcp_die("accept");
		close(lfd);
	} else {
		a.sin_addr = peer;
		for (i = 0;; i++) {
			fd = socket(AF_INET, SOCK_STREAM, 0);
			if (fd < 0)
				bench_tcp_die("socket");
			if (!connect(fd, (struct sockaddr *)&a, sizeof(a)))
				break;
			if (i == 100)
				bench_tcp_die("connect");
			close(fd);
			usleep(100000);
		}
	}
	if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)))
		bench_tcp_die("TCP_NODELAY");
	return fd;
}

#endif /* _BENCH_TCP_H */
