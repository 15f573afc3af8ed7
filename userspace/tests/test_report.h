/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The test programs' results, one line each: "ok NAME" or "not ok NAME",
 * as kselftest_harness.h writes TAP results, and "# " lines for what a
 * failure got. The guest scripts relay them as checks (relay in
 * tests/guest/lib.sh), which number them and count the plan, so the
 * programs print neither numbers nor a plan.
 */
#ifndef _METHER_TEST_REPORT_H
#define _METHER_TEST_REPORT_H

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* Results that were "not ok" so far: a program exits 1 if any. */
static int test_failures;

static void __attribute__((format(printf, 2, 3)))
report(int ok, const char *fmt, ...)
{
	va_list ap;

	printf(ok ? "ok " : "not ok ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	test_failures += !ok;
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
