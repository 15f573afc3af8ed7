/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Numbers on the tools' command lines: decimal, or 0x and hex digits,
 * and nothing else. strtoul() alone reads "", "x" or "junk" as 0, skips
 * blanks and takes a sign; a page number read that way turned typos into
 * page 0, libmether's segment directory, and the tools overwrote it.
 */
#ifndef _TOOL_NUMBER_H
#define _TOOL_NUMBER_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* @s as a number no larger than @max, or a message and exit(2). */
static inline unsigned long long tool_number(const char *tool, const char *s,
					     const char *what,
					     unsigned long long max)
{
	const char *digits = strncmp(s, "0x", 2) ? s : s + 2;
	int base = digits == s ? 10 : 16;
	unsigned long long n;
	char *end;

	errno = 0;
	n = strtoull(digits, &end, base);
	if (!*digits || *end || errno || n > max ||
	    strspn(digits, base == 16 ? "0123456789abcdefABCDEF" :
					"0123456789") != strlen(digits)) {
		fprintf(stderr, "%s: bad %s '%s'\n", tool, what, s);
		exit(2);
	}
	return n;
}

#endif /* _TOOL_NUMBER_H */
