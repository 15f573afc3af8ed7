// SPDX-License-Identifier: GPL-2.0
/*
 * metherctl: look at and operate the Mether host of this network
 * namespace.
 *
 *	metherctl [-d DEVICE] status
 *	metherctl [-d DEVICE] up --id N --cluster N --port N
 *				 --broadcast ADDR | --group ADDR
 *				 [--addr ADDR] [--dev IFNAME] [--ttl N] [--pages N]
 *				 [--create] [--key-file FILE | --unsealed]
 *	metherctl [-d DEVICE] up --config FILE [OPTION...]
 *	metherctl [-d DEVICE] down
 *	metherctl [-d DEVICE] stats [--machine]
 *	metherctl [-d DEVICE] get [--wait] PAGE
 *	metherctl [-d DEVICE] put [--directory] PAGE VALUE
 *	metherctl [-d DEVICE] key [--next] [FILE]
 *	metherctl [-d DEVICE] key --drop-old
 *	metherctl [-d DEVICE] segment init [--replace]
 *	metherctl [-d DEVICE] segment create NAME PAGES
 *	metherctl [-d DEVICE] segment grant NAME r|rw
 *	metherctl [-d DEVICE] hosts [--machine]
 *	metherctl [-d DEVICE] reclaim HOST [--timeout MS] [--epoch E]
 *	metherctl genkey
 *	metherctl --version | --help
 *
 * Every command's arguments are checked before the device is opened: a
 * usage error (an unknown command or option, a missing or extra
 * argument, a number that is not one or out of range, a bad key file)
 * exits 2 and touches nothing; what the kernel refuses exits 1.
 * Numbers are tool_number.h's: decimal or 0x and hex digits, no sign, no
 * leading 0, in range.
 *
 * get prints the first word of a page's inconsistent copy (with --wait,
 * it drops this host's copy and waits for the next one to arrive); put
 * writes the first word of the consistent copy and PURGEs it, which
 * publishes the page. A page number is decimal or 0x hex digits and
 * nothing else, inside the space; put refuses page 0, libmether's
 * segment directory, unless --directory says so.
 *
 * key sets the cluster key from FILE, or standard input without one (or
 * with "-"): 64 hex digits, white space ignored; a key file others may
 * read or write is refused, and a terminal is prompted (without echo).
 * A key on the command line would show in ps(1), so there is no such
 * option; genkey prints a new random key in that format. --next keeps the key to
 * open packets only, the first step of a rotation; --drop-old forgets the
 * key that is not current, the last. up needs a key set before, or given
 * with --key-file, unless the cluster runs --unsealed. segment init makes
 * an empty directory (a new generation: capabilities of any older one
 * stop working; --replace over one that is still valid); segment create
 * adds a name to the directory and prints a read-write capability for it;
 * segment grant prints a capability for an existing name.
 *
 * up with --key-file reads and checks the key and every argument first,
 * and sets the key only when the host is down: a host that is up keeps
 * its key (EBUSY), which a key set before UP would have replaced.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <net/if.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include "../lib/libmether.h"
#include "tool_number.h"

static const char *device = "/dev/mether";
/*
 * Who a usage error is from: "metherctl", or "metherctl: FILE:LINE"
 * while a config file's setting is read (set_origin()).
 */
static const char *who = "metherctl";

static const char *const packet_names[METHER_PACKET_TYPES] = {
	NULL, "page", "request", "ack", "hello", "reclaim", "offer", "grant",
};

/* Indexed by reason, so the names follow the uapi enum, not a list. */
#define DROP(reason, name) [METHER_DROP_##reason - 1] = name
static const char *const drop_names[METHER_DROP_REASONS] = {
	DROP(TRUNCATED, "truncated"),
	DROP(BAD_MAGIC, "bad_magic"),
	DROP(BAD_VERSION, "bad_version"),
	DROP(OWN, "own"),
	DROP(BAD_SEAL, "bad_seal"),
	DROP(BAD_TYPE, "bad_type"),
	DROP(BAD_FLAGS, "bad_flags"),
	DROP(FOREIGN_CLUSTER, "foreign_cluster"),
	DROP(BAD_SENDER, "bad_sender"),
	DROP(BAD_SUBSET, "bad_subset"),
	DROP(OUT_OF_RANGE, "out_of_range"),
	DROP(BAD_LENGTH, "bad_length"),
	DROP(STALE_TARGET, "stale_target"),
	DROP(REPLAYED, "replayed"),
	DROP(OLD_EPOCH, "old_epoch"),
	DROP(TOO_MANY_PEERS, "too_many_peers"),
	DROP(RECLAIMED, "reclaimed"),
	DROP(RATE_LIMITED, "rate_limited"),
	DROP(UNVERIFIED, "unverified"),
};
#undef DROP

static void usage_text(FILE *f)
{
	fprintf(f,
		"usage: metherctl [-d DEVICE] status\n"
		"       metherctl [-d DEVICE] up --id N --cluster N --port N\n"
		"                                --broadcast ADDR | --group ADDR\n"
		"                                [--addr ADDR] [--dev IFNAME] [--ttl N] [--pages N]\n"
		"                                [--create] [--key-file FILE | --unsealed]\n"
		"       metherctl [-d DEVICE] up --config FILE [OPTION...]\n"
		"       metherctl [-d DEVICE] down\n"
		"       metherctl [-d DEVICE] stats [--machine]\n"
		"       metherctl [-d DEVICE] get [--wait] PAGE\n"
		"       metherctl [-d DEVICE] put [--directory] PAGE VALUE\n"
		"       metherctl [-d DEVICE] key [--next] [FILE]\n"
		"       metherctl [-d DEVICE] key --drop-old\n"
		"       metherctl [-d DEVICE] segment init [--replace]\n"
		"       metherctl [-d DEVICE] segment create NAME PAGES\n"
		"       metherctl [-d DEVICE] segment grant NAME r|rw\n"
		"       metherctl [-d DEVICE] hosts [--machine]\n"
		"       metherctl [-d DEVICE] reclaim HOST [--timeout MS] [--epoch E]\n"
		"       metherctl genkey\n"
		"       metherctl --version | --help\n"
		"numbers: decimal, or 0x and hex digits\n");
}

/* A usage error: say what and exit 2, before any device is opened. */
static void __attribute__((noreturn, format(printf, 1, 2)))
usage_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", who);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\n(metherctl --help lists the commands)\n", stderr);
	exit(2);
}

static void fail(const char *what)
{
	fprintf(stderr, "metherctl: %s: %s%s\n", what, strerror(errno),
		errno == EPERM ? " (needs CAP_NET_ADMIN)" : "");
	exit(1);
}

static int open_device(void)
{
	int fd = open(device, O_RDWR | O_CLOEXEC);
	struct mether_info info;

	if (fd < 0) {
		fprintf(stderr, "metherctl: %s: %s%s\n", device, strerror(errno),
			errno == ENOENT ? " (is the mether module loaded?)" : "");
		exit(1);
	}
	/*
	 * An ioctl's number changes when its struct's size does: a module
	 * of another version may answer ENOTTY. (Not always: API 10 took
	 * a reserved byte of UP for the TTL, which API 9 refuses as
	 * EINVAL; up says so.)
	 */
	if (ioctl(fd, METHER_IOC_INFO, &info) < 0 && errno == ENOTTY) {
		fprintf(stderr, "metherctl: %s: the loaded mether module speaks another API than this metherctl's (%d): reload the module, or use its tools\n",
			device, METHER_API_VERSION);
		exit(1);
	}
	return fd;
}

static unsigned long long number(const char *s, const char *what,
				 unsigned long long min, unsigned long long max)
{
	return tool_range(who, s, what, min, max);
}

/* The most pages a space can have here (its kernel's page size). */
static uint64_t max_pages(void)
{
	return METHER_MAX_PAGES(sysconf(_SC_PAGESIZE));
}

/* A page number as text: one that no space can have is refused here. */
static uint64_t page_arg(const char *s)
{
	return number(s, "page", 0, max_pages() - 1);
}

/* ... and once the device is open, one beyond @fd's space. */
static void page_in_space(int fd, uint64_t page)
{
	struct mether_info info;

	if (ioctl(fd, METHER_IOC_INFO, &info) < 0)
		fail("METHER_IOC_INFO");
	if (page >= info.pages) {
		fprintf(stderr, "metherctl: page %llu is beyond the space (%llu pages)\n",
			(unsigned long long)page, (unsigned long long)info.pages);
		exit(2);
	}
}

static uint32_t address(const char *s, const char *what)
{
	struct in_addr a;

	if (inet_pton(AF_INET, s, &a) != 1)
		usage_error("bad %s '%s': not an IPv4 address", what, s);
	return a.s_addr;
}

/*
 * A command's operands (the words that are not options), in order, and
 * what each one is, for messages.
 */
struct operands {
	const char *const *names;
	int min, max, n;
	const char *word[2];
};

static void add_operand(char **argv, struct operands *ops, const char *w)
{
	if (ops->n == ops->max)
		usage_error("%s: unexpected argument '%s'", argv[0], w);
	ops->word[ops->n++] = w;
}

/*
 * getopt_long() over a command's words (@argv[0] is the command), with
 * messages of our own: an unknown option, a missing value or operand,
 * or one too many, is a usage error. The operands are collected into
 * @ops in order ("-": getopt hands them over as they come), so that a
 * negative number, which getopt takes for an option, is named for the
 * operand it stands in for. Returns the option, or -1 at the end.
 */
static int next_option(int argc, char **argv, const struct option *longs,
		       struct operands *ops)
{
	const char *word;
	int opt, at, index;

	for (;;) {
		/*
		 * The word getopt looks at: it returns everything in order
		 * ("-") and we have no short options, so optind moves one
		 * word at a time (0 means it starts again, from 1).
		 */
		at = optind ? optind : 1;
		index = -1;
		opt = getopt_long(argc, argv, "-:", longs, &index);
		if (opt != 1)
			break;
		add_operand(argv, ops, optarg);
	}
	if (opt == -1) {
		/* After "--": operands, whatever they look like. */
		while (optind < argc)
			add_operand(argv, ops, argv[optind++]);
		if (ops->n < ops->min)
			usage_error("%s: %s is missing", argv[0],
				    ops->names[ops->n]);
		return -1;
	}
	word = argv[at];
	/* getopt takes "--d" for --directory: an option is spelled out. */
	if (opt != '?' && opt != ':' && index >= 0 &&
	    (strncmp(word, "--", 2) ||
	     strcspn(word + 2, "=") != strlen(longs[index].name)))
		usage_error("%s: '%s': give the option in full, --%s",
			    argv[0], word, longs[index].name);
	if (opt != '?' && opt != ':')
		return opt;
	if (opt == ':')
		usage_error("%s: %s needs a value", argv[0], word);
	if (word[0] == '-' && word[1] >= '0' && word[1] <= '9' &&
	    ops->n < ops->max)
		usage_error("bad %s '%s': a number has no sign",
			    ops->names[ops->n], word);
	usage_error("%s: unknown option '%s'", argv[0], word);
}

/* Before a command's next_option() calls. */
static void start_options(void)
{
	optind = 0;	/* glibc: start again, from argv[1] */
	opterr = 0;
}

/* Commands of no options and no operands: down, genkey. */
static void no_options(int argc, char **argv)
{
	const struct option longs[] = { {} };
	struct operands none = { 0 };

	start_options();
	while (next_option(argc, argv, longs, &none) != -1)
		;
}

/* How status, stats and hosts print: for people, NAME VALUE lines, JSON. */
enum output { OUTPUT_TEXT, OUTPUT_MACHINE, OUTPUT_JSON };

static enum output output_format(int argc, char **argv)
{
	const struct option longs[] = {
		{ "machine", no_argument, NULL, 'm' },
		{ "json", no_argument, NULL, 'j' },
		{}
	};
	struct operands none = { 0 };
	enum output out = OUTPUT_TEXT, want;
	int opt;

	start_options();
	while ((opt = next_option(argc, argv, longs, &none)) != -1) {
		want = opt == 'j' ? OUTPUT_JSON : OUTPUT_MACHINE;
		if (out != OUTPUT_TEXT && out != want)
			usage_error("%s: --machine or --json, not both",
				    argv[0]);
		out = want;
	}
	return out;
}

/*
 * One record of named values: NAME VALUE lines (--machine), or the
 * members of one JSON object (--json), the same names either way.
 */
struct record {
	enum output format;
	unsigned int fields;
};

static void record_begin(struct record *r, enum output format)
{
	r->format = format;
	r->fields = 0;
	if (format == OUTPUT_JSON)
		putchar('{');
}

static void record_name(struct record *r, const char *name)
{
	if (r->format == OUTPUT_JSON)
		printf("%s\"%s\": ", r->fields++ ? ", " : "", name);
	else
		printf("%s ", name);
}

static void record_number(struct record *r, const char *name,
			  unsigned long long value)
{
	record_name(r, name);
	printf(r->format == OUTPUT_JSON ? "%llu" : "%llu\n", value);
}

/* A JSON string, escaped; for --machine a word ("-" when empty). */
static void record_string(struct record *r, const char *name,
			  const char *value)
{
	const unsigned char *c = (const unsigned char *)value;

	record_name(r, name);
	if (r->format != OUTPUT_JSON) {
		printf("%s\n", *value ? value : "-");
		return;
	}
	putchar('"');
	for (; *c; c++) {
		if (*c == '"' || *c == '\\')
			printf("\\%c", *c);
		/* Bytes past ASCII read as Latin-1: valid JSON whatever they are. */
		else if (*c < 0x20 || *c >= 0x7f)
			printf("\\u%04x", *c);
		else
			putchar(*c);
	}
	putchar('"');
}

/* Closes a JSON object; the caller ends the line. */
static void record_end(struct record *r)
{
	if (r->format == OUTPUT_JSON)
		putchar('}');
}

static const char *ipv4_text(__be32 addr, char buf[INET_ADDRSTRLEN])
{
	struct in_addr in = { .s_addr = addr };

	return inet_ntop(AF_INET, &in, buf, INET_ADDRSTRLEN);
}

/* @ifindex's name ("" for none, "#N" when it is gone). */
static void interface_name(unsigned int ifindex, char name[IF_NAMESIZE])
{
	*name = 0;
	if (ifindex && !if_indextoname(ifindex, name))
		snprintf(name, IF_NAMESIZE, "#%u", ifindex);
}

/* What METHER_IOC_INFO says: every module has it. */
static void show_geometry_text(const struct mether_info *info)
{
	printf("pages:       %llu\n", (unsigned long long)info->pages);
	printf("page size:   %u bytes\n", info->page_size);
	printf("short page:  %u bytes\n", info->short_size);
	printf("view shift:  %u (views %u, space %llu bytes per view)\n",
	       info->view_shift, METHER_VIEWS,
	       (unsigned long long)1 << info->view_shift);
}

/* @st: NULL from a module before METHER_IOC_STATUS (API 9). */
static void show_status_text(const struct mether_info *info,
			     const struct mether_status *st)
{
	char addr[INET_ADDRSTRLEN], broadcast[INET_ADDRSTRLEN];
	char ifname[IF_NAMESIZE] = "";

	printf("device:      %s\n", device);
	printf("api version: %u\n", info->api_version);
	if (!st) {
		printf("network:     not reported by this module (it has no METHER_IOC_STATUS, which came in API 9): 'metherctl hosts' lists the hosts it hears\n");
		show_geometry_text(info);
		return;
	}
	interface_name(st->up.ifindex, ifname);
	printf("network:     %s\n", st->flags & METHER_STATUS_UP ?
	       "up" : "down (this host alone)");
	if (st->flags & METHER_STATUS_UP) {
		printf("host:        %u of cluster %u, epoch %llu%s\n",
		       st->up.host_id, st->up.cluster,
		       (unsigned long long)st->epoch,
		       st->up.flags & METHER_UP_CREATE ?
		       " (it made the space)" : "");
		printf("socket:      %s port %u, to %s%s%s, %u bytes unread at most\n",
		       ipv4_text(st->up.addr, addr), ntohs(st->up.port),
		       ipv4_text(st->up.broadcast, broadcast),
		       *ifname ? " on " : "", ifname, st->socket_buffer);
		if (st->up.ttl)
			printf("ttl:         %u (routers may carry the group %u hops)\n",
			       st->up.ttl, st->up.ttl - 1);
		printf("sealing:     %s\n", st->flags & METHER_STATUS_SEALED ?
		       "on (XChaCha20-Poly1305, cluster key)" :
		       "OFF: packets are neither authenticated nor private (--unsealed)");
	}
	if (st->flags & METHER_STATUS_RECLAIMED)
		printf("RECLAIMED:   the cluster reclaimed this host's pages (epoch %llu); its copies are no longer the cluster's: 'metherctl down', then up\n",
		       (unsigned long long)st->epoch);
	if (st->flags & METHER_STATUS_SPENT)
		printf("SPENT:       this host sent the last packet number of its epoch and sends nothing more: 'metherctl down', then up\n");
	show_geometry_text(info);
	printf("timeouts:    host %u ms, request %u ms, data-driven ",
	       st->host_timeout_ms, st->request_timeout_ms);
	if (st->data_driven_timeout_ms)
		printf("%u ms\n", st->data_driven_timeout_ms);
	else
		printf("none (waits for ever)\n");
}

/*
 * status --machine and --json: the same names, documented in metherctl(8).
 * @st: NULL from a module before METHER_IOC_STATUS: only INFO's names.
 */
static void show_status_record(enum output format,
			       const struct mether_info *info,
			       const struct mether_status *st)
{
	char addr[INET_ADDRSTRLEN], ifname[IF_NAMESIZE] = "";
	struct record r;

	record_begin(&r, format);
	record_string(&r, "device", device);
	record_number(&r, "api_version", info->api_version);
	if (st) {
		interface_name(st->up.ifindex, ifname);
		record_number(&r, "up", !!(st->flags & METHER_STATUS_UP));
		record_number(&r, "sealed",
			      !!(st->flags & METHER_STATUS_SEALED));
		record_number(&r, "reclaimed",
			      !!(st->flags & METHER_STATUS_RECLAIMED));
		record_number(&r, "spent",
			      !!(st->flags & METHER_STATUS_SPENT));
		record_number(&r, "host_id", st->up.host_id);
		record_number(&r, "cluster", st->up.cluster);
		record_number(&r, "epoch", st->epoch);
		record_number(&r, "create",
			      !!(st->up.flags & METHER_UP_CREATE));
		record_string(&r, "address", st->up.addr ?
			      ipv4_text(st->up.addr, addr) : "");
		record_string(&r, "broadcast", st->up.broadcast ?
			      ipv4_text(st->up.broadcast, addr) : "");
		record_number(&r, "port", ntohs(st->up.port));
		record_number(&r, "ttl", st->up.ttl);
		record_string(&r, "interface", ifname);
		record_number(&r, "socket_buffer", st->socket_buffer);
	}
	record_number(&r, "pages", info->pages);
	record_number(&r, "page_size", info->page_size);
	record_number(&r, "short_size", info->short_size);
	record_number(&r, "view_shift", info->view_shift);
	if (st) {
		record_number(&r, "host_timeout_ms", st->host_timeout_ms);
		record_number(&r, "request_timeout_ms",
			      st->request_timeout_ms);
		record_number(&r, "data_driven_timeout_ms",
			      st->data_driven_timeout_ms);
	}
	record_end(&r);
	if (format == OUTPUT_JSON)
		putchar('\n');
}

static int cmd_status(int argc, char **argv)
{
	enum output format = output_format(argc, argv);
	struct mether_status st, *got = &st;
	struct mether_info info;
	int fd;

	fd = open_device();
	if (ioctl(fd, METHER_IOC_INFO, &info) < 0)
		fail("METHER_IOC_INFO");
	if (info.api_version != METHER_API_VERSION)
		fprintf(stderr,
			"metherctl: module speaks API %u, metherctl API %u\n",
			info.api_version, METHER_API_VERSION);
	/* An older module: what INFO says, and that the rest is unknown. */
	if (ioctl(fd, METHER_IOC_STATUS, &st) < 0) {
		if (errno != ENOTTY)
			fail("METHER_IOC_STATUS");
		got = NULL;
	}
	if (format == OUTPUT_TEXT)
		show_status_text(&info, got);
	else
		show_status_record(format, &info, got);
	return 0;
}

/* The longest key file read: the key, with room for white space. */
#define KEY_TEXT_MAX	1024

/*
 * 64 hex digits from @path ("-": standard input), white space ignored.
 * A regular file that group or others may read or write is refused: the
 * key is the cluster's only secret. A terminal is prompted and not
 * echoed to, and one line is read from it. The text is read with read(2)
 * into a buffer wiped afterwards, not through stdio, whose buffer would
 * keep a copy.
 */
static void read_key(const char *path, struct mether_key *key)
{
	int fd = strcmp(path, "-") ? open(path, O_RDONLY | O_CLOEXEC) : 0;
	struct termios old, quiet;
	char text[KEY_TEXT_MAX];
	size_t len = 0, i;
	int tty, echo_off = 0;
	unsigned int n = 0;
	struct stat st;
	ssize_t got = 0;
	int c, digit;

	if (fd < 0 || fstat(fd, &st) < 0) {
		fprintf(stderr, "metherctl: %s: %s\n", path, strerror(errno));
		exit(1);
	}
	if (S_ISREG(st.st_mode) && (st.st_mode & (S_IRWXG | S_IRWXO))) {
		fprintf(stderr, "metherctl: %s: mode %04o: group or others may read or change the cluster key; 'chmod 600 %s' first\n",
			path, (unsigned int)(st.st_mode & 07777), path);
		exit(2);
	}
	tty = isatty(fd);
	if (tty) {
		/* Echo off first: a key typed after the prompt is not shown. */
		if (!tcgetattr(fd, &old)) {
			quiet = old;
			quiet.c_lflag &= ~ECHO;
			echo_off = !tcsetattr(fd, TCSAFLUSH, &quiet);
		}
		fprintf(stderr, "metherctl: cluster key (%d hex digits): ",
			2 * METHER_KEY_SIZE);
	}
	while (len < sizeof(text)) {
		got = read(fd, text + len, sizeof(text) - len);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			break;
		len += got;
		if (tty && memchr(text + len - got, '\n', got))
			break;
	}
	if (echo_off)
		tcsetattr(fd, TCSAFLUSH, &old);
	if (tty)
		fputc('\n', stderr);
	if (got < 0) {
		explicit_bzero(text, sizeof(text));
		fprintf(stderr, "metherctl: %s: %s\n", path, strerror(errno));
		exit(1);
	}
	if (fd)
		close(fd);
	for (i = 0; i < len && n <= 2 * METHER_KEY_SIZE; i++) {
		c = text[i];
		if (c == ' ' || c == '\t' || c == '\n' || c == '\r')
			continue;
		digit = c >= '0' && c <= '9' ? c - '0' :
			c >= 'a' && c <= 'f' ? c - 'a' + 10 :
			c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
		if (digit < 0 || n == 2 * METHER_KEY_SIZE) {
			n = 0;	/* not a key */
			break;
		}
		key->key[n / 2] |= digit << (n % 2 ? 0 : 4);
		n++;
	}
	explicit_bzero(text, sizeof(text));
	if (len == sizeof(text) || n != 2 * METHER_KEY_SIZE) {
		explicit_bzero(key->key, sizeof(key->key));
		fprintf(stderr, "metherctl: %s: a key is %d hex digits\n",
			path, 2 * METHER_KEY_SIZE);
		exit(2);
	}
	for (i = 0; i < METHER_KEY_SIZE && !key->key[i]; i++)
		;
	if (i == METHER_KEY_SIZE) {
		/* The kernel refuses it too (EINVAL): say why here. */
		fprintf(stderr, "metherctl: %s: a key of zeros is refused: anyone could guess it; 'metherctl genkey' makes one\n",
			path);
		exit(2);
	}
}

static void set_key(int fd, struct mether_key *key)
{
	int ret = ioctl(fd, METHER_IOC_SET_KEY, key);

	explicit_bzero(key, sizeof(*key));
	if (ret < 0)
		fail("METHER_IOC_SET_KEY");
}

static int cmd_key(int argc, char **argv)
{
	static const struct option longs[] = {
		{ "next", no_argument, NULL, 'n' },
		{ "drop-old", no_argument, NULL, 'o' },
		{}
	};
	static const char *const names[] = { "file" };
	struct operands ops = { .names = names, .min = 0, .max = 1 };
	struct mether_key key = { 0 };
	int opt;

	start_options();
	while ((opt = next_option(argc, argv, longs, &ops)) != -1)
		key.flags |= opt == 'n' ? METHER_KEY_NEXT : METHER_KEY_DROP_OLD;
	if (key.flags == (METHER_KEY_NEXT | METHER_KEY_DROP_OLD))
		usage_error("key: --next or --drop-old, not both");
	if (key.flags & METHER_KEY_DROP_OLD && ops.n)
		usage_error("key: unexpected argument '%s'", ops.word[0]);
	if (!(key.flags & METHER_KEY_DROP_OLD))
		read_key(ops.n ? ops.word[0] : "-", &key);
	set_key(open_device(), &key);
	return 0;
}

/* A new random key, as key and up --key-file read it (wg genkey's way). */
static int cmd_genkey(int argc, char **argv)
{
	unsigned char key[METHER_KEY_SIZE];
	char text[2 * METHER_KEY_SIZE + 1];
	struct stat st;
	ssize_t done;
	int i;

	no_options(argc, argv);
	if (!fstat(1, &st) && S_ISREG(st.st_mode) &&
	    (st.st_mode & (S_IRWXG | S_IRWXO)))
		fprintf(stderr, "metherctl genkey: warning: group or others may read the file the key goes to, and --key-file will refuse it: set 'umask 077' first\n");
	if (getrandom(key, sizeof(key), 0) != sizeof(key))
		fail("getrandom");
	for (i = 0; i < METHER_KEY_SIZE; i++) {
		text[2 * i] = "0123456789abcdef"[key[i] >> 4];
		text[2 * i + 1] = "0123456789abcdef"[key[i] & 0xf];
	}
	text[2 * METHER_KEY_SIZE] = '\n';
	explicit_bzero(key, sizeof(key));
	done = write(1, text, sizeof(text));
	explicit_bzero(text, sizeof(text));
	if (done != sizeof(text)) {
		if (done >= 0)
			errno = EIO;
		fail("genkey: standard output");
	}
	return 0;
}

/* up's options; a config file gives the same, spelled out. */
static const struct option up_options[] = {
	{ "id", required_argument, NULL, 'i' },
	{ "cluster", required_argument, NULL, 'c' },
	{ "port", required_argument, NULL, 'p' },
	{ "broadcast", required_argument, NULL, 'b' },
	{ "group", required_argument, NULL, 'g' },
	{ "addr", required_argument, NULL, 'a' },
	{ "dev", required_argument, NULL, 'D' },
	{ "ttl", required_argument, NULL, 't' },
	{ "pages", required_argument, NULL, 'n' },
	{ "create", no_argument, NULL, 'C' },
	{ "key-file", required_argument, NULL, 'k' },
	{ "unsealed", no_argument, NULL, 'U' },
	{}
};
#define UP_OPTIONS	(sizeof(up_options) / sizeof(up_options[0]) - 1)

/* "metherctl: FILE:LINE", what a mistake in a config file begins with. */
static const char *config_origin(const char *path, int lineno)
{
	static char origin[PATH_MAX + 32];

	snprintf(origin, sizeof(origin), "metherctl: %s:%d", path, lineno);
	return origin;
}

static void __attribute__((format(printf, 3, 4), noreturn))
config_error(const char *path, int lineno, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", config_origin(path, lineno));
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

/*
 * The config file read_config() read, and the line each of its words
 * came from (by index in the argv it made).
 */
static const char *config_path;
static int *config_lines;

/* The word at @index of up's argv: a mistake in it names its origin. */
static void set_origin(int index, int file_words)
{
	who = "metherctl";
	if (index >= 1 && index <= file_words)
		who = config_origin(config_path, config_lines[index]);
}

/* The index of @name in up_options, or the error of its line. */
static unsigned int config_name(const char *path, int lineno,
				const char *name)
{
	unsigned int i;

	for (i = 0; i < UP_OPTIONS; i++)
		if (!strcmp(name, up_options[i].name))
			return i;
	config_error(path, lineno, "unknown setting '%s'", name);
}

/*
 * The options a config file gives (metherctl(8), "CONFIGURATION"): lines
 * "name = value" of any length, names as the long options of up, each
 * at most once, "#" comments. They become "--name value" words put
 * before the command line's, which then win. Returns the new argc;
 * *argv is replaced. Every mistake names the file and the line, and
 * exits 2 before the device is opened.
 */
static int read_config(const char *path, int argc, char ***argv)
{
	char **words = calloc(argc + 2 * UP_OPTIONS + 1, sizeof(*words));
	int *lines = calloc(argc + 2 * UP_OPTIONS + 1, sizeof(*lines));
	int seen[UP_OPTIONS] = { 0 };
	char *line = NULL, *name, *value, *end, *option;
	FILE *f = fopen(path, "r");
	int n = 1, lineno = 0, i;
	unsigned int which;
	size_t size = 0;

	if (!f || !words || !lines) {
		fprintf(stderr, "metherctl: %s: %s\n", path, strerror(errno));
		exit(1);
	}
	words[0] = (*argv)[0];
	while (getline(&line, &size, f) != -1) {
		lineno++;
		name = line + strspn(line, " \t");
		if (!*name || *name == '\n' || *name == '#')
			continue;	/* a blank line or a comment */
		end = name + strcspn(name, " \t=\n");
		value = end + strspn(end, " \t");
		if (end == name || *value != '=')
			config_error(path, lineno, "not \"name = value\"");
		*end = '\0';
		value++;
		value += strspn(value, " \t");
		value[strcspn(value, "\n")] = '\0';
		for (end = value + strlen(value);
		     end > value && strchr(" \t", end[-1]); end--)
			end[-1] = '\0';
		which = config_name(path, lineno, name);
		if (!*value || strpbrk(value, " \t"))
			config_error(path, lineno,
				     "%s takes one value, with no spaces", name);
		if (seen[which])
			config_error(path, lineno, "%s set again (first on line %d)",
				     name, seen[which]);
		seen[which] = lineno;
		option = malloc(strlen(name) + 3);
		if (!option)
			exit(1);
		sprintf(option, "--%s", name);
		if (up_options[which].has_arg != no_argument) {
			lines[n] = lineno;
			words[n++] = option;
			lines[n] = lineno;
			words[n++] = strdup(value);
		} else if (!strcmp(value, "yes")) {
			lines[n] = lineno;
			words[n++] = option;
		} else if (strcmp(value, "no")) {
			config_error(path, lineno, "%s is yes or no", name);
		}
	}
	free(line);
	fclose(f);
	for (i = 1; i < argc; i++)
		words[n++] = (*argv)[i];
	*argv = words;
	config_path = path;
	config_lines = lines;
	return n;
}

/* UP found the host up: it keeps its key. */
static void up_busy(void)
{
	fprintf(stderr, "metherctl up: %s: the host is up; 'metherctl down' first (its key is unchanged)\n",
		strerror(EBUSY));
	exit(1);
}

/* Does the module take a TTL in UP (API 10)? An older one refuses it. */
static int module_has_ttl(int fd)
{
	struct mether_info info;

	return !ioctl(fd, METHER_IOC_INFO, &info) && info.api_version >= 10;
}

static int cmd_up(int argc, char **argv)
{
	struct mether_up_keyed keyed = { 0 };
	struct mether_up up = { .pages = 256 };
	struct mether_key key = { 0 };
	const char *key_file = NULL;
	struct operands none = { 0 };
	int opt, fd, ret, file_words = 0;
	int dest_kind = 0, dest_from_file = 0, here_from_file;

	if (argc >= 3 && !strcmp(argv[1], "--config")) {
		const char *path = argv[2];

		/* Drop "--config FILE": the file's options go first. */
		argv[2] = argv[0];
		argv += 2;
		file_words = -(argc - 2);
		argc = read_config(path, argc - 2, &argv);
		file_words += argc;
	}
	start_options();
	while ((opt = next_option(argc, argv, up_options, &none)) != -1) {
		/* optind is past the option's last word. */
		set_origin(optind - 1, file_words);
		switch (opt) {
		case 'i':
			up.host_id = number(optarg, "host id", 1, UINT32_MAX);
			break;
		case 'c':
			up.cluster = number(optarg, "cluster", 0, UINT32_MAX);
			break;
		case 'p':
			up.port = htons(number(optarg, "port", 1, UINT16_MAX));
			break;
		case 'b':
		case 'g':
			/*
			 * The command line overrides a file's, of either
			 * kind; given together, they are a mistake.
			 */
			here_from_file = optind - 1 <= file_words;
			if (dest_kind && dest_kind != opt &&
			    (!dest_from_file || here_from_file))
				usage_error("up: --broadcast or --group, not both");
			dest_kind = opt;
			dest_from_file = here_from_file;
			up.broadcast = address(optarg, opt == 'b' ?
					       "broadcast address" : "group");
			if (opt == 'g' && !IN_MULTICAST(ntohl(up.broadcast)))
				usage_error("up: --group takes an IPv4 multicast address, not '%s'",
					    optarg);
			break;
		case 'a':
			up.addr = address(optarg, "address");
			break;
		case 'D':
			up.ifindex = if_nametoindex(optarg);
			if (!up.ifindex)
				usage_error("up: no interface '%s'", optarg);
			break;
		case 'n':
			up.pages = number(optarg, "pages", 1, max_pages());
			break;
		case 't':
			up.ttl = number(optarg, "ttl", 1, 255);
			break;
		case 'C':
			up.flags |= METHER_UP_CREATE;
			break;
		case 'k':
			key_file = optarg;
			break;
		case 'U':
			up.flags |= METHER_UP_UNSEALED;
			break;
		}
	}
	/* What is left concerns the options together, not a line. */
	who = "metherctl";
	if (key_file && (up.flags & METHER_UP_UNSEALED))
		usage_error("up: --key-file or --unsealed, not both");
	if (!up.host_id || !up.port || !up.broadcast)
		usage_error("up: --id, --port and --broadcast (or --group) are required");
	if (up.ttl && (!IN_MULTICAST(ntohl(up.broadcast)) ||
		       (ntohl(up.broadcast) & 0xffffff00) == 0xe0000000))
		usage_error("up: --ttl is for a multicast group outside 224.0.0.0/24: no router forwards a broadcast or a link-local group");
	/* A TTL carries the cluster past the segment the man page trusts. */
	if (up.ttl && (up.flags & METHER_UP_UNSEALED))
		usage_error("up: --ttl and --unsealed, not both: unsealed packets stay on a trusted segment");
	if (key_file)
		read_key(key_file, &key);

	/*
	 * Everything is checked: now the host. The key rides in the UP, as
	 * the host's only key (a host brought up with a new key after a
	 * compromise must not keep the old one): one call, so another UP
	 * racing this one cannot leave the host up under the other's key,
	 * and a host that is up keeps the key the cluster runs under.
	 */
	fd = open_device();
	if (up.ttl && !module_has_ttl(fd)) {
		fprintf(stderr, "metherctl up: --ttl needs a module of API 10 or later\n");
		return 1;
	}
	if (key_file) {
		keyed.up = up;
		memcpy(keyed.key, key.key, sizeof(keyed.key));
		explicit_bzero(&key, sizeof(key));
		ret = ioctl(fd, METHER_IOC_UP_KEYED, &keyed);
		explicit_bzero(&keyed, sizeof(keyed));
	} else {
		ret = ioctl(fd, METHER_IOC_UP, &up);
	}
	if (ret < 0) {
		if (errno == ENOKEY) {
			fprintf(stderr, "metherctl up: no cluster key: set one (metherctl key, or --key-file) or run --unsealed\n");
			exit(1);
		}
		if (errno == EFBIG) {
			fprintf(stderr, "metherctl up: %llu pages: more than a host in a user namespace may have (module parameter userns_max_pages)\n",
				(unsigned long long)up.pages);
			exit(1);
		}
		if (errno == EBUSY)
			up_busy();
		if (errno == ENOTTY && key_file) {
			/* INFO answered: a module of API 7 or older. */
			fprintf(stderr, "metherctl up: the loaded mether module cannot take a key with UP (METHER_IOC_UP_KEYED, API 8 and later): load the module this metherctl came with\n");
			exit(1);
		}
		fail("up");
	}
	return 0;
}

static int cmd_down(int argc, char **argv)
{
	no_options(argc, argv);
	if (ioctl(open_device(), METHER_IOC_DOWN) < 0)
		fail("down");
	return 0;
}

/* stats --machine and --json: the names metherctl(8) lists. */
static void show_stats_record(enum output format, const struct mether_stats *st)
{
	char name[64];
	struct record r;
	int t;

	record_begin(&r, format);
	record_number(&r, "up", st->up);
	record_number(&r, "snooped", st->snooped);
	record_number(&r, "ownership_transfers", st->ownership_transfers);
	record_number(&r, "retransmits", st->retransmits);
	record_number(&r, "socket_drops", st->socket_drops);
	record_number(&r, "reclaims_ignored", st->reclaims_ignored);
	record_number(&r, "reclaimed_epoch", st->reclaimed_epoch);
	record_number(&r, "elsewhere", st->elsewhere);
	for (t = 1; t < METHER_PACKET_TYPES; t++) {
		snprintf(name, sizeof(name), "tx_%s_packets", packet_names[t]);
		record_number(&r, name, st->tx_packets[t]);
		snprintf(name, sizeof(name), "tx_%s_bytes", packet_names[t]);
		record_number(&r, name, st->tx_bytes[t]);
		snprintf(name, sizeof(name), "rx_%s_packets", packet_names[t]);
		record_number(&r, name, st->rx_packets[t]);
		snprintf(name, sizeof(name), "rx_%s_bytes", packet_names[t]);
		record_number(&r, name, st->rx_bytes[t]);
	}
	for (t = 0; t < METHER_DROP_REASONS; t++) {
		snprintf(name, sizeof(name), "drop_%s", drop_names[t]);
		record_number(&r, name, st->drops[t]);
	}
	for (t = 0; t < (int)METHER_VIEWS; t++) {
		snprintf(name, sizeof(name), "consistent_faults_view%d", t);
		record_number(&r, name, st->consistent_faults[t]);
		snprintf(name, sizeof(name), "inconsistent_faults_view%d", t);
		record_number(&r, name, st->inconsistent_faults[t]);
	}
	record_number(&r, "purges", st->purges);
	record_number(&r, "writeable_purges", st->writeable_purges);
	record_end(&r);
	if (format == OUTPUT_JSON)
		putchar('\n');
}

static int show_stats(int fd, enum output format)
{
	struct mether_stats st;
	int t, r;

	if (ioctl(fd, METHER_IOC_STATS, &st) < 0)
		fail("METHER_IOC_STATS");
	if (format != OUTPUT_TEXT) {
		show_stats_record(format, &st);
		return 0;
	}
	printf("network %s, %llu copies refreshed by snooping, %llu consistent copies received, %llu handoffs retransmitted\n",
	       st.up ? "up" : "down", (unsigned long long)st.snooped,
	       (unsigned long long)st.ownership_transfers,
	       (unsigned long long)st.retransmits);
	printf("%-8s %10s %12s %10s %12s\n", "type", "tx packets", "tx bytes",
	       "rx packets", "rx bytes");
	for (t = 1; t < METHER_PACKET_TYPES; t++)
		printf("%-8s %10llu %12llu %10llu %12llu\n", packet_names[t],
		       (unsigned long long)st.tx_packets[t],
		       (unsigned long long)st.tx_bytes[t],
		       (unsigned long long)st.rx_packets[t],
		       (unsigned long long)st.rx_bytes[t]);
	for (r = 0; r < METHER_DROP_REASONS; r++)
		if (st.drops[r])
			printf("dropped %-16s %llu\n", drop_names[r],
			       (unsigned long long)st.drops[r]);
	if (st.socket_drops)
		printf("dropped unread (socket queue full) %llu\n",
		       (unsigned long long)st.socket_drops);
	if (st.elsewhere)
		printf("other hosts' proofs, unopened %llu\n",
		       (unsigned long long)st.elsewhere);
	printf("faults by view (full, short, -, -, full data, short data, -, -):\n");
	printf("  writeable:");
	for (t = 0; t < (int)METHER_VIEWS; t++)
		printf(" %llu", (unsigned long long)st.consistent_faults[t]);
	printf("\n  read-only:");
	for (t = 0; t < (int)METHER_VIEWS; t++)
		printf(" %llu", (unsigned long long)st.inconsistent_faults[t]);
	printf("\npurges: %llu read-only, %llu writeable\n",
	       (unsigned long long)st.purges,
	       (unsigned long long)st.writeable_purges);
	if (st.reclaims_ignored)
		printf("reclaims ignored: %llu\n",
		       (unsigned long long)st.reclaims_ignored);
	return 0;
}

static int cmd_stats(int argc, char **argv)
{
	enum output format = output_format(argc, argv);

	return show_stats(open_device(), format);
}

/* What metherctl hosts calls a host: alive, silent or reclaimed. */
static const char *peer_state(const struct mether_peer_info *p)
{
	if (!(p->flags & METHER_PEER_SILENT))
		return "alive";
	return p->flags & METHER_PEER_RECLAIMED ? "reclaimed" : "silent";
}

/* hosts --json: one object, its hosts an array (metherctl(8)). */
static void show_hosts_json(const struct mether_peers *peers)
{
	struct record r;
	unsigned int i;

	printf("{\"host_timeout_ms\": %u, \"hosts\": [", peers->host_timeout_ms);
	for (i = 0; i < peers->count; i++) {
		const struct mether_peer_info *p = &peers->peer[i];

		if (i)
			printf(", ");
		record_begin(&r, OUTPUT_JSON);
		record_number(&r, "host", p->host_id);
		record_string(&r, "state", peer_state(p));
		record_number(&r, "quiet_ms", p->silent_ms);
		record_number(&r, "epoch", p->epoch);
		record_number(&r, "reclaimed_epoch", p->reclaimed_epoch);
		record_end(&r);
	}
	printf("]}\n");
}

static int show_hosts(int fd, enum output format)
{
	struct mether_peers peers;
	unsigned int i;

	if (ioctl(fd, METHER_IOC_PEERS, &peers) < 0)
		fail("METHER_IOC_PEERS");
	if (format == OUTPUT_JSON) {
		show_hosts_json(&peers);
		return 0;
	}
	if (format == OUTPUT_TEXT)
		printf("%-8s %-9s %12s %-20s %s\n", "host", "state",
		       "quiet (ms)", "epoch", "reclaimed up to epoch");
	for (i = 0; i < peers.count; i++) {
		const struct mether_peer_info *p = &peers.peer[i];

		if (format == OUTPUT_MACHINE)
			printf("%u %s %llu %llu %llu\n", p->host_id,
			       peer_state(p), (unsigned long long)p->silent_ms,
			       (unsigned long long)p->epoch,
			       (unsigned long long)p->reclaimed_epoch);
		else
			printf("%-8u %-9s %12llu %-20llu %llu\n", p->host_id,
			       peer_state(p), (unsigned long long)p->silent_ms,
			       (unsigned long long)p->epoch,
			       (unsigned long long)p->reclaimed_epoch);
	}
	if (format == OUTPUT_TEXT)
		printf("(silent: not heard for %u ms)\n",
		       peers.host_timeout_ms);
	return 0;
}

static int cmd_hosts(int argc, char **argv)
{
	enum output format = output_format(argc, argv);

	return show_hosts(open_device(), format);
}

static int cmd_reclaim(int argc, char **argv)
{
	static const struct option longs[] = {
		{ "timeout", required_argument, NULL, 't' },
		{ "epoch", required_argument, NULL, 'e' },
		{}
	};
	static const char *const names[] = { "host" };
	struct operands ops = { .names = names, .min = 1, .max = 1 };
	struct mether_reclaim rc = { 0 };
	struct mether_reclaimed *out;
	struct mether_info info;
	unsigned int i;
	int ret, opt, fd;

	start_options();
	while ((opt = next_option(argc, argv, longs, &ops)) != -1) {
		if (opt == 't')
			rc.timeout_ms = number(optarg, "timeout", 0, UINT32_MAX);
		else
			rc.epoch = number(optarg, "epoch", 0, UINT64_MAX);
	}
	rc.host_id = number(ops.word[0], "host", 1, UINT32_MAX);
	fd = open_device();
	if (ioctl(fd, METHER_IOC_INFO, &info) < 0)
		fail("METHER_IOC_INFO");
	out = calloc(info.pages, sizeof(*out));
	if (!out)
		fail("calloc");
	rc.pages = info.pages;
	rc.result = (unsigned long)out;
	ret = ioctl(fd, METHER_IOC_RECLAIM, &rc);
	if (ret < 0 && errno != ETIMEDOUT) {
		if (errno == EBUSY)
			fprintf(stderr, "metherctl: host %u was heard within the host timeout%s: not reclaimed\n",
				rc.host_id, rc.epoch ? " under that epoch" : "");
		else if (errno == ENOENT)
			fprintf(stderr, "metherctl: host %u was never heard%s: nothing to reclaim\n",
				rc.host_id, rc.epoch ? " under that epoch" : "");
		else
			fail("reclaim");
		return 1;
	}
	for (i = 0; i < rc.pages && i < info.pages; i++)
		printf("page %llu: version %llu, %llu version%s behind, now held by host %u\n",
		       (unsigned long long)out[i].page,
		       (unsigned long long)out[i].version,
		       (unsigned long long)out[i].behind,
		       out[i].behind == 1 ? "" : "s", out[i].owner);
	printf("%u page%s reclaimed from host %u, epoch %llu\n", rc.pages,
	       rc.pages == 1 ? "" : "s", rc.host_id,
	       (unsigned long long)rc.epoch);
	free(out);
	if (ret < 0) {
		fprintf(stderr, "metherctl: reclaim: a survivor did not answer in time; run it again\n");
		return 1;
	}
	return 0;
}

static char *map(int fd, int prot)
{
	char *p = mmap(NULL, prot & PROT_WRITE ? METHER_CONSISTENT_SIZE :
			     METHER_SPACE_SIZE, prot, MAP_SHARED, fd, 0);

	if (p == MAP_FAILED)
		fail("mmap");
	return p;
}

static int cmd_get(int argc, char **argv)
{
	static const struct option longs[] = {
		{ "wait", no_argument, NULL, 'w' },
		{}
	};
	static const char *const names[] = { "page" };
	struct operands ops = { .names = names, .min = 1, .max = 1 };
	struct mether_range r;
	int wait = 0, fd;
	uint64_t page;
	char *ro;

	start_options();
	while (next_option(argc, argv, longs, &ops) != -1)
		wait = 1;
	page = page_arg(ops.word[0]);
	fd = open_device();
	page_in_space(fd, page);
	ro = map(fd, PROT_READ) + page * sysconf(_SC_PAGESIZE);
	r.addr = (unsigned long)ro;
	r.len = sysconf(_SC_PAGESIZE);
	if (wait) {
		if (ioctl(fd, METHER_IOC_PURGE, &r) < 0)
			fail("PURGE");
		ro = mether_view_ptr(ro, METHER_VIEW_SHORT_DATA);
	} else {
		ro = mether_view_ptr(ro, METHER_VIEW_SHORT_DEMAND);
	}
	printf("%u\n", *(volatile uint32_t *)ro);
	return 0;
}

static int cmd_put(int argc, char **argv)
{
	static const struct option longs[] = {
		{ "directory", no_argument, NULL, 'D' },
		{}
	};
	static const char *const names[] = { "page", "value" };
	struct operands ops = { .names = names, .min = 2, .max = 2 };
	int directory = 0, fd;
	struct mether_range r;
	uint32_t value;
	uint64_t page;
	char *rw;

	start_options();
	while (next_option(argc, argv, longs, &ops) != -1)
		directory = 1;
	page = page_arg(ops.word[0]);
	value = number(ops.word[1], "value", 0, UINT32_MAX);
	if (page == METHER_DIRECTORY_PAGE && !directory) {
		fprintf(stderr, "metherctl: page %d holds the segment directory: 'put --directory %d VALUE' overwrites it on purpose\n",
			METHER_DIRECTORY_PAGE, METHER_DIRECTORY_PAGE);
		return 2;
	}
	fd = open_device();
	page_in_space(fd, page);
	rw = map(fd, PROT_READ | PROT_WRITE) + page * sysconf(_SC_PAGESIZE);
	rw = mether_view_ptr(rw, METHER_VIEW_SHORT_DEMAND);
	*(volatile uint32_t *)rw = value;
	r.addr = (unsigned long)rw;
	r.len = sysconf(_SC_PAGESIZE);
	if (ioctl(fd, METHER_IOC_PURGE, &r) < 0)
		fail("PURGE");
	return 0;
}

static void segment_fail(const char *what, const char *name)
{
	const char *why = errno == ENOKEY ? " (set a key first)" :
			  errno == EPERM ? " (needs CAP_SYS_ADMIN)" :
			  errno == ENODATA ? " (page 0 holds no segment directory: it was lost or never made; 'metherctl segment init' makes a new one, and capabilities of any old one stop working)" :
			  errno == EPROTO ? " (the segment directory is of another version: 'metherctl segment init --replace')" :
			  errno == EEXIST && !strcmp(what, "init") ? " (a directory is there: --replace forgets its segments)" :
			  errno == ESTALE ? " (this host's copy of the directory changed meanwhile: try again)" :
			  "";

	fprintf(stderr, "metherctl: segment %s %s: %s%s\n", what, name,
		strerror(errno), why);
	exit(1);
}

static const char *segment_name(const char *name)
{
	if (!*name || strlen(name) >= METHER_SEGMENT_NAME_SIZE)
		usage_error("segment: bad name '%s': 1 to %d bytes", name,
			    METHER_SEGMENT_NAME_SIZE - 1);
	return name;
}

static int cmd_segment(int argc, char **argv)
{
	static const struct option longs[] = {
		{ "replace", no_argument, NULL, 'r' },
		{}
	};
	unsigned int rights = METHER_SEGMENT_READ | METHER_SEGMENT_WRITE;
	char cap[METHER_CAPABILITY_LEN];
	static const char *const create_names[] = { "name", "pages" };
	static const char *const grant_names[] = { "name", "rights" };
	struct operands ops = { .names = create_names, .min = 2, .max = 2 };
	const char *what, *name;
	static char label[32];
	int replace = 0;
	uint64_t pages = 0;
	struct mether *m;

	/* "segment WHAT ...": WHAT's words, WHAT first. */
	if (argc < 2)
		usage_error("segment: init, create or grant?");
	what = argv[1];
	argc--;
	argv++;
	/* For messages: "segment init: unknown option ..." */
	snprintf(label, sizeof(label), "segment %.16s", what);
	argv[0] = label;
	start_options();
	if (!strcmp(what, "init")) {
		ops.min = ops.max = 0;
		while (next_option(argc, argv, longs, &ops) != -1)
			replace = 1;
		m = mether_open(device);
		if (!m)
			fail(device);
		if (mether_segment_init(m, replace))
			segment_fail("init", "");
		mether_close(m);
		return 0;
	}
	if (strcmp(what, "create") && strcmp(what, "grant"))
		usage_error("segment: unknown command '%s'", what);
	if (!strcmp(what, "grant"))
		ops.names = grant_names;
	while (next_option(argc, argv, longs + 1, &ops) != -1)
		;
	name = segment_name(ops.word[0]);
	if (!strcmp(what, "create"))
		pages = number(ops.word[1], "pages", 1, max_pages() - 1);
	else if (!strcmp(ops.word[1], "r"))
		rights = METHER_SEGMENT_READ;
	else if (strcmp(ops.word[1], "rw"))
		usage_error("segment grant: bad rights '%s': r or rw",
			    ops.word[1]);
	m = mether_open(device);
	if (!m)
		fail(device);
	if (pages && mether_segment_create(m, name, pages))
		segment_fail("create", name);
	if (mether_segment_grant(m, name, rights, cap, sizeof(cap)))
		segment_fail("grant", name);
	printf("%s\n", cap);
	mether_close(m);
	return 0;
}

static const struct command {
	const char *name;
	int (*run)(int argc, char **argv);
} commands[] = {
	{ "status", cmd_status },
	{ "up", cmd_up },
	{ "down", cmd_down },
	{ "stats", cmd_stats },
	{ "get", cmd_get },
	{ "put", cmd_put },
	{ "key", cmd_key },
	{ "genkey", cmd_genkey },
	{ "segment", cmd_segment },
	{ "hosts", cmd_hosts },
	{ "reclaim", cmd_reclaim },
};

int main(int argc, char **argv)
{
	static const struct option longs[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{}
	};
	size_t i;
	int opt;

	/* "+": the options before the command; its own are its own. */
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "+:d:h", longs, NULL)) != -1) {
		switch (opt) {
		case 'd':
			device = optarg;
			break;
		case 'h':
			usage_text(stdout);
			return 0;
		case 'V':
			printf("metherctl %s (API %d)\n", METHER_VERSION,
			       METHER_API_VERSION);
			return 0;
		case ':':
			usage_error("%s needs a value", argv[optind - 1]);
		default:
			usage_error("unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind == argc)
		usage_error("a command is missing");
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(argv[optind], commands[i].name))
			return commands[i].run(argc - optind, argv + optind);
	usage_error("unknown command '%s'", argv[optind]);
}
