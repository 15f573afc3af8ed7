/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The test programs' results as kselftest.h prints them (the kernel's
 * tools/testing/selftests): "TAP version 13", then "ok N NAME" or
 * "not ok N NAME" numbered from 1, "# " lines for what a failure got, and
 * at the end the plan and kselftest's "# Totals:" line; exit status 0
 * (KSFT_PASS) or 1 (KSFT_FAIL). prove(1) reads it; the guest scripts
 * relay it (relay in tests/guest/lib.sh), which renumbers the results
 * among a script's own and fails a run whose plan is missing or wrong.
 *
 * Not the harness (kselftest_harness.h) itself: it runs each TEST() in a
 * child of its own and takes no arguments of ours, and these programs
 * are driven by arguments, act in several processes and hosts at once,
 * and report from forked children.
 *
 * The plan comes last, as TAP allows, because how many results a run
 * gives depends on its arguments. A program that dies first prints no
 * plan. The counts live in a shared mapping, so a forked child's
 * results are numbered and counted with its parent's; the number is
 * taken and printed without a lock, so one process reports at a time
 * (a parent waits for a child that reports), and only the first process
 * calls test_finish(). A run that reports nothing (a helper mode) prints
 * nothing.
 */
#ifndef _METHER_TEST_REPORT_H
#define _METHER_TEST_REPORT_H

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define KSFT_PASS	0
#define KSFT_FAIL	1

struct test_counts {
	unsigned int run;
	unsigned int failed;
};

static struct test_counts *test_counts;

/* Before main(), so that every child forked later shares the counts. */
static void __attribute__((constructor)) test_counts_map(void)
{
	test_counts = mmap(NULL, sizeof(*test_counts), PROT_READ | PROT_WRITE,
			   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (test_counts == MAP_FAILED) {
		perror("test_report: mmap");
		exit(KSFT_FAIL);
	}
}

static void __attribute__((format(printf, 2, 3)))
report(int ok, const char *fmt, ...)
{
	unsigned int n;
	va_list ap;

	n = __atomic_add_fetch(&test_counts->run, 1, __ATOMIC_SEQ_CST);
	if (!ok)
		__atomic_add_fetch(&test_counts->failed, 1, __ATOMIC_SEQ_CST);
	if (n == 1)
		printf("TAP version 13\n");
	printf("%sok %u ", ok ? "" : "not ", n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
}

/* Results that were "not ok" so far, the children's included. */
static unsigned int __attribute__((unused)) test_failed(void)
{
	return __atomic_load_n(&test_counts->failed, __ATOMIC_SEQ_CST);
}

/*
 * The plan and the totals, once every result is in (children waited
 * for); the exit status to return from main().
 */
static int __attribute__((unused)) test_finish(void)
{
	unsigned int run = __atomic_load_n(&test_counts->run, __ATOMIC_SEQ_CST);
	unsigned int failed = test_failed();

	if (run) {
		printf("1..%u\n", run);
		printf("# Totals: pass:%u fail:%u xfail:0 xpass:0 skip:0 error:0\n",
		       run - failed, failed);
		fflush(stdout);
	}
	return failed ? KSFT_FAIL : KSFT_PASS;
}

/* Did @ret fail with @want? When not, a "# " line says what it got. */
static int __attribute__((unused)) failed_with(long ret, int want)
{
	if (ret == -1 && errno == want)
		return 1;
	printf("# got %ld (%s), want %s\n", ret,
	       ret == -1 ? strerror(errno) : "success", strerror(want));
	return 0;
}

#endif /* _METHER_TEST_REPORT_H */
