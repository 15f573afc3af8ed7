// SPDX-License-Identifier: GPL-2.0
/*
 * mether-jacobi: the kind of program the paper built Mether for (its
 * sparse solver): Jacobi iterations for Laplace's equation on a ROWS x
 * COLS grid, the five-point stencil being a sparse matrix, split into
 * strips of rows, one process per host. Neighbouring strips swap their
 * edge rows every iteration with libmether's csend/crecv (and sweep the
 * rows that need no halo while they travel), over a pipe
 * each with a window of WINDOW pages (default 2; 1 is the paper's pipe):
 * the pipe between ranks r and r + 1 spans mether_pipe_pages(WINDOW)
 * pages from FIRST + r * mether_pipe_pages(WINDOW).
 *
 *	mether-jacobi [-n PROCS] [-i RANK] [-r ROWS] [-c COLS] [-t ITERS]
 *		      [-b FIRST] [-w WINDOW] [-s]
 *
 * With -s it also solves the whole grid in one process and compares its
 * strip with that, bit for bit: Jacobi does the same arithmetic in the
 * same order either way, so any difference is a lost or stale message.
 * Prints one line: rank=R procs=P rows= cols= iters= wall_s= (the
 * parallel solve alone) checksum= (its strip) [serial_s= same=yes|no].
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../lib/libmether.h"
#include "../tools/tool_number.h"

struct strip {
	unsigned int rows, cols;	/* rows owned, not counting halos */
	double *cur, *next;		/* (rows + 2) x cols, halos at 0, rows + 1 */
};

static void die(const char *what)
{
	fprintf(stderr, "mether-jacobi: %s: %s\n", what, strerror(errno));
	exit(2);
}

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + t.tv_nsec / 1e9;
}

static double *row(const struct strip *s, double *g, unsigned int r)
{
	return g + (size_t)r * s->cols;
}

/*
 * The start: a pattern all over the grid, so that every strip has work
 * and wrong halos show, and a hot top edge. Side columns and the top and
 * bottom edges stay as they start.
 */
static double start_value(unsigned int r, unsigned int c)
{
	return ((r * 31 + c * 17) % 101) / 100.0;
}

/* Rows [first, first + rows) of the grid, with the rows either side. */
static void strip_init(struct strip *s, unsigned int first, unsigned int rows,
		       unsigned int cols)
{
	size_t n = (size_t)(rows + 2) * cols;
	unsigned int r, c;

	s->rows = rows;
	s->cols = cols;
	s->cur = malloc(n * sizeof(double));
	s->next = malloc(n * sizeof(double));
	if (!s->cur || !s->next)
		die("malloc");
	/* Row r of the strip is row first + r - 1 of the grid. */
	for (r = 0; r < rows + 2; r++) {
		for (c = 0; c < cols; c++) {
			double v = first + r ? start_value(first + r - 1, c) :
					       1.0;

			row(s, s->cur, r)[c] = row(s, s->next, r)[c] = v;
		}
	}
}

/* Rows @from to @to of the next sweep, but the grid's side columns. */
static void sweep_rows(struct strip *s, unsigned int from, unsigned int to)
{
	for (unsigned int r = from; r <= to; r++) {
		const double *up = row(s, s->cur, r - 1);
		const double *mid = row(s, s->cur, r);
		const double *down = row(s, s->cur, r + 1);
		double *out = row(s, s->next, r);

		for (unsigned int c = 1; c + 1 < s->cols; c++)
			out[c] = 0.25 * (up[c] + down[c] + mid[c - 1] + mid[c + 1]);
	}
}

/* The sweep is done: its result is the grid. */
static void sweep_done(struct strip *s)
{
	double *t = s->cur;

	s->cur = s->next;
	s->next = t;
}

/* One sweep of a strip that needs no neighbour. */
static void sweep(struct strip *s)
{
	sweep_rows(s, 1, s->rows);
	sweep_done(s);
}

static void send_edge(struct mether_pipe *p, const double *edge,
		      unsigned int cols)
{
	/* Out now: the neighbour waits for it while we compute. */
	if (mether_csend(p, edge, cols * sizeof(double)) ||
	    mether_pipe_flush(p))
		die("csend");
}

static void take_halo(struct mether_pipe *p, double *halo, unsigned int cols)
{
	size_t len = cols * sizeof(double);

	if (mether_crecv(p, halo, len) != (ssize_t)len)
		die("crecv");
}

static double checksum(const struct strip *s)
{
	double sum = 0;

	for (unsigned int r = 1; r <= s->rows; r++)
		for (unsigned int c = 0; c < s->cols; c++)
			sum += row(s, s->cur, r)[c] * (1 + (r + c) % 7);
	return sum;
}

int main(int argc, char **argv)
{
	unsigned int procs = 1, rank = 0, rows = 2000, cols = 500, iters = 50;
	unsigned long first_page = 40, window = 2, span;
	size_t exchange;
	struct mether_pipe *up = NULL, *down = NULL;
	struct mether *m = NULL;
	unsigned int my_first, my_rows, t;
	struct strip s, whole;
	int opt, serial = 0, same = 1;
	double start, wall;
	unsigned long n;

	while ((opt = getopt(argc, argv, "n:i:r:c:t:b:w:s")) != -1) {
		if (opt == 's') {
			serial = 1;
			continue;
		}
		if (opt == '?')
			goto usage;
		n = tool_number("mether-jacobi", optarg,
				opt == 'n' ? "processes" : opt == 'i' ? "rank" :
				opt == 'r' ? "rows" : opt == 'c' ? "columns" :
				opt == 't' ? "iterations" :
				opt == 'w' ? "window" : "page", UINT_MAX);
		if (opt == 'n')
			procs = n;
		else if (opt == 'i')
			rank = n;
		else if (opt == 'r')
			rows = n;
		else if (opt == 'c')
			cols = n;
		else if (opt == 't')
			iters = n;
		else if (opt == 'w')
			window = n;
		else
			first_page = n;
	}
	span = mether_pipe_pages(window);
	if (optind != argc || !procs || rank >= procs || rows < procs ||
	    cols < 3 || !span)
		goto usage;
	my_first = rows / procs * rank;
	my_rows = rank == procs - 1 ? rows - my_first : rows / procs;
	strip_init(&s, my_first, my_rows, cols);

	if (procs > 1) {
		m = mether_open(NULL);
		if (!m)
			die("/dev/mether");
		if (rank > 0 &&
		    !(up = mether_pipe_open_window(m, first_page +
						   span * (rank - 1), 1,
						   window)))
			die("pipe to the rank above");
		if (rank + 1 < procs &&
		    !(down = mether_pipe_open_window(m, first_page + span * rank,
						     0, window)))
			die("pipe to the rank below");
		/*
		 * Both neighbours csend() before either crecv()s: an edge
		 * row must fit in what a pipe takes unread (mether_csend(3)).
		 */
		exchange = mether_pipe_max_message(up ? up : down);
		exchange = window == 1 ? exchange - 1 : exchange * window;
		if ((size_t)cols * sizeof(double) > exchange) {
			fprintf(stderr,
				"mether-jacobi: %u columns are more than a window of %lu exchanges (at most %zu)\n",
				cols, window, exchange / sizeof(double));
			return 2;
		}
	}

	start = now();
	/*
	 * Each iteration sends its edge rows, sweeps the rows that need no
	 * halo while the neighbours' rows are on their way, then takes the
	 * halos and sweeps its edge rows: the same arithmetic, in another
	 * order, so the result is the one-process solve's bit for bit.
	 */
	for (t = 0; t < iters; t++) {
		if (up)
			send_edge(up, row(&s, s.cur, 1), cols);
		if (down)
			send_edge(down, row(&s, s.cur, my_rows), cols);
		if (my_rows > 2)
			sweep_rows(&s, 2, my_rows - 1);
		if (up)
			take_halo(up, row(&s, s.cur, 0), cols);
		if (down)
			take_halo(down, row(&s, s.cur, my_rows + 1), cols);
		sweep_rows(&s, 1, 1);
		if (my_rows > 1)
			sweep_rows(&s, my_rows, my_rows);
		sweep_done(&s);
	}
	wall = now() - start;
	printf("rank=%u procs=%u rows=%u cols=%u iters=%u wall_s=%.3f checksum=%.9e",
	       rank, procs, rows, cols, iters, wall, checksum(&s));
	fflush(stdout);

	if (serial) {
		start = now();
		strip_init(&whole, 0, rows, cols);
		for (t = 0; t < iters; t++)
			sweep(&whole);
		same = !memcmp(row(&s, s.cur, 1),
			       row(&whole, whole.cur, my_first + 1),
			       (size_t)my_rows * cols * sizeof(double));
		printf(" serial_s=%.3f same=%s", now() - start,
		       same ? "yes" : "no");
	}
	printf("\n");
	if (up)
		mether_pipe_close(up);
	if (down)
		mether_pipe_close(down);
	mether_close(m);
	return same ? 0 : 1;
usage:
	fprintf(stderr, "usage: mether-jacobi [-n PROCS] [-i RANK] [-r ROWS] [-c COLS] [-t ITERS] [-b FIRST] [-w WINDOW] [-s]\n");
	return 2;
}
