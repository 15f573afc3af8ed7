/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Time spans for the benchmark tools, which must time the same span the
 * same way for Mether and for the baselines it is compared with.
 */
#ifndef _TOOL_TIME_H
#define _TOOL_TIME_H

#include <time.h>

/* Seconds from @from to @to (CLOCK_MONOTONIC readings). */
static inline double tool_seconds(const struct timespec *from,
				  const struct timespec *to)
{
	return (to->tv_sec - from->tv_sec) +
	       (to->tv_nsec - from->tv_nsec) / 1e9;
}

#endif /* _TOOL_TIME_H */
