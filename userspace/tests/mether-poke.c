// SPDX-License-Identifier: GPL-2.0
/*
 * mether-poke: read or write one 32-bit word of a page's consistent copy
 * through its full or short view, so that tests can move the copy
 * between hosts one step at a time.
 *
 *	mether-poke read  full|short PAGE OFFSET
 *	mether-poke write full|short PAGE OFFSET VALUE
 *
 * read prints the word. Either makes this host take the consistent copy.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/mether.h>

static int usage(void)
{
	fprintf(stderr,
		"usage: mether-poke read  full|short PAGE OFFSET\n"
		"       mether-poke write full|short PAGE OFFSET VALUE\n");
	return 2;
}

int main(int argc, char **argv)
{
	long page_size = sysconf(_SC_PAGESIZE);
	unsigned long page, offset;
	volatile uint32_t *word;
	unsigned int view;
	int write, fd;
	char *map;

	if (argc < 5)
		return usage();
	write = !strcmp(argv[1], "write");
	if ((!write && strcmp(argv[1], "read")) || argc != 5 + write)
		return usage();
	if (!strcmp(argv[2], "full"))
		view = METHER_VIEW_FULL_DEMAND;
	else if (!strcmp(argv[2], "short"))
		view = METHER_VIEW_SHORT_DEMAND;
	else
		return usage();
	page = strtoul(argv[3], NULL, 0);
	offset = strtoul(argv[4], NULL, 0);
	if (offset % 4 || offset + 4 > (view == METHER_VIEW_SHORT_DEMAND ?
					METHER_SHORT_SIZE : (unsigned long)page_size)) {
		fprintf(stderr, "mether-poke: offset %lu is not a word of the view\n",
			offset);
		return 2;
	}

	fd = open("/dev/mether", O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		perror("mether-poke: /dev/mether");
		return 1;
	}
	map = mmap(NULL, METHER_CONSISTENT_SIZE, PROT_READ | PROT_WRITE,
		   MAP_SHARED, fd, 0);
	if (map == MAP_FAILED) {
		perror("mether-poke: mmap");
		return 1;
	}
	word = (volatile uint32_t *)((char *)mether_view_ptr(map + page * page_size,
							     view) + offset);
	if (write)
		*word = strtoul(argv[5], NULL, 0);
	else
		printf("%u\n", *word);
	return 0;
}
