/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Time spans for the benchmark tools, which must time the same span the
 * same way for Mether and for the baselines it is compared with.
 */
#ifndef _TOOL_TIME_H
#define _TOOL_TIME_H

#include <stdio.h>
#include <time.h>
#include <unistd.h>

/* Seconds from @from to @to (CLOCK_MONOTONIC readings). */
static inline double tool_seconds(const struct timespec *from,
				  const struct timespec *to)
{
	return (to->tv_sec - from->tv_sec) +
	       (to->tv_nsec - from->tv_nsec) / 1e9;
}

/*
 * The whole host's busy CPU time so far, in seconds: every online CPU's
 * time since boot, less the time all of them spent idle or in iowait
 * (0 when /proc/stat cannot be read). A process's own rusage misses the
 * work done for it in kworkers and softirq, where Mether's in-kernel
 * server runs, so the host's load is read here, for Mether and the
 * baselines alike.
 *
 * Why idle and not the busy fields: user, system, irq and softirq are
 * charged a tick at a time to whatever the tick finds running, and a
 * count of a few hundred milliseconds saw the UDP ping-pong's load move
 * by a factor of 2.6 between two boots (issue 16). With NO_HZ (Debian's
 * kernels), idle and iowait come from the idle loop's own clock, read on
 * every entry and exit; /proc/stat only rounds them to USER_HZ, an error
 * of at most one unit per reading, not a sample.
 */
static inline double tool_busy_seconds(void)
{
	unsigned long long idle, iowait;
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	struct timespec now;
	FILE *f = fopen("/proc/stat", "r");
	int n;

	if (!f)
		return 0;
	/* Past user, nice and system to idle and iowait. */
	n = fscanf(f, "cpu %*u %*u %*u %llu %llu", &idle, &iowait);
	fclose(f);
	/* The idle loop keeps its time on CLOCK_MONOTONIC. */
	if (n != 2 || cpus < 1 || clock_gettime(CLOCK_MONOTONIC, &now))
		return 0;
	return cpus * (now.tv_sec + now.tv_nsec / 1e9) -
	       (double)(idle + iowait) / sysconf(_SC_CLK_TCK);
}

#endif /* _TOOL_TIME_H */
