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
 * The whole host's busy CPU time so far, in seconds: every CPU's time in
 * user, nice, system, irq, softirq and steal from /proc/stat (0 when it
 * cannot be read). A process's own rusage misses the work done for it
 * in kworkers and softirq, where Mether's in-kernel server runs, so the
 * host's load is read here, for Mether and the baselines alike.
 */
static inline double tool_busy_seconds(void)
{
	unsigned long long user, nice, system, idle, iowait, irq, softirq,
			   steal;
	FILE *f = fopen("/proc/stat", "r");
	int n;

	if (!f)
		return 0;
	n = fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &user,
		   &nice, &system, &idle, &iowait, &irq, &softirq, &steal);
	fclose(f);
	if (n != 8)
		return 0;
	return (double)(user + nice + system + irq + softirq + steal) /
	       sysconf(_SC_CLK_TCK);
}

#endif /* _TOOL_TIME_H */
