/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Numbers on the tools' command lines, one parser for every tool:
 * decimal, or 0x and hex digits, and nothing else. No sign, no blanks,
 * no leading 0 (strtoul(s, NULL, 0) reads 010 as octal 8, plain strtoul
 * as 10: it is refused, not guessed at), nothing past the digits, and
 * nothing outside the range the caller gives. strtoul() alone reads "",
 * "x" or "junk" as 0, skips blanks, takes a sign and wraps -1 to the
 * largest value; a page number read that way turned typos into page 0,
 * libmether's segment directory, and a port of -1 into 65535.
 */
#ifndef _TOOL_NUMBER_H
#define _TOOL_NUMBER_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * @s as a number from @min to @max, or a message naming @what and
 * exit(2), a usage error.
 */
static inline unsigned long long tool_range(const char *tool, const char *s,
					    const char *what,
					    unsigned long long min,
					    unsigned long long max)
{
	const char *digits = strncmp(s, "0x", 2) ? s : s + 2;
	int base = digits == s ? 10 : 16;
	unsigned long long n;
	char *end;

	if (*s == '-' || *s == '+') {
		fprintf(stderr, "%s: bad %s '%s': a number has no sign\n",
			tool, what, s);
		exit(2);
	}
	if (!*digits || strspn(digits, base == 16 ? "0123456789abcdefABCDEF" :
					"0123456789") != strlen(digits)) {
		fprintf(stderr, "%s: bad %s '%s': not a number (decimal, or 0x and hex digits)\n",
			tool, what, s);
		exit(2);
	}
	if (base == 10 && digits[0] == '0' && digits[1]) {
		fprintf(stderr, "%s: bad %s '%s': a leading 0 (octal is not read: decimal, or 0x and hex digits)\n",
			tool, what, s);
		exit(2);
	}
	errno = 0;
	n = strtoull(digits, &end, base);
	if (errno || *end || n < min || n > max) {
		fprintf(stderr, "%s: bad %s '%s': not from %llu to %llu\n",
			tool, what, s, min, max);
		exit(2);
	}
	return n;
}

/* @s as a number from 0 to @max, as tool_range() reads it. */
static inline unsigned long long tool_number(const char *tool, const char *s,
					     const char *what,
					     unsigned long long max)
{
	return tool_range(tool, s, what, 0, max);
}

#endif /* _TOOL_NUMBER_H */
