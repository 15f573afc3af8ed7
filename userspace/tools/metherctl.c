// SPDX-License-Identifier: GPL-2.0
/*
 * metherctl: look at and operate the Mether host of this network
 * namespace.
 *
 *	metherctl [-d DEVICE] status
 *	metherctl [-d DEVICE] up --id N --cluster N --port N --broadcast ADDR
 *				 [--addr ADDR] [--dev IFNAME] [--pages N] [--create]
 *				 [--key-file FILE | --unsealed]
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
 *
 * get prints the first word of a page's inconsistent copy (with --wait,
 * it drops this host's copy and waits for the next one to arrive); put
 * writes the first word of the consistent copy and PURGEs it, which
 * publishes the page. A page number is decimal or 0x hex digits and
 * nothing else, inside the space; put refuses page 0, libmether's
 * segment directory, unless --directory says so.
 *
 * key sets the cluster key from FILE, or standard input without one (or
 * with "-"): 64 hex digits, white space ignored. A key on the command line
 * would show in ps(1), so there is no such option. --next keeps the key to
 * open packets only, the first step of a rotation; --drop-old forgets the
 * key that is not current, the last. up needs a key set before, or given
 * with --key-file, unless the cluster runs --unsealed. segment init makes
 * an empty directory (a new generation: capabilities of any older one
 * stop working; --replace over one that is still valid); segment create
 * adds a name to the directory and prints a read-write capability for it;
 * segment grant prints a capability for an existing name.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <net/if.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../lib/libmether.h"
#include "tool_number.h"

static const char *device = "/dev/mether";

static const char *const packet_names[METHER_PACKET_TYPES] = {
	NULL, "page", "request", "ack", "hello", "reclaim", "offer", "grant",
};

/* Indexed by reason, so the names follow the uapi enum, not a list. */
#define DROP(reason, name) [METHER_DROP_##reason - 1] = name
static const char *const drop_names[METHER_DROP_REASONS] = {
	DROP(TRUNCATED, "truncated"),
	DROP(BAD_MAGIC, "bad_magic"),
	DROP(BAD_VERSION, "bad_version"),
	DROP(BAD_SEAL, "bad_seal"),
	DROP(BAD_TYPE, "bad_type"),
	DROP(BAD_FLAGS, "bad_flags"),
	DROP(FOREIGN_CLUSTER, "foreign_cluster"),
	DROP(BAD_SENDER, "bad_sender"),
	DROP(OWN, "own"),
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

static int usage(FILE *f)
{
	fprintf(f,
		"usage: metherctl [-d DEVICE] status\n"
		"       metherctl [-d DEVICE] up --id N --cluster N --port N --broadcast ADDR\n"
		"                                [--addr ADDR] [--dev IFNAME] [--pages N] [--create]\n"
		"                                [--key-file FILE | --unsealed]\n"
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
		"       metherctl [-d DEVICE] reclaim HOST [--timeout MS] [--epoch E]\n");
	return f == stderr ? 2 : 0;
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

	if (fd < 0) {
		fprintf(stderr, "metherctl: %s: %s%s\n", device, strerror(errno),
			errno == ENOENT ? " (is the mether module loaded?)" : "");
		exit(1);
	}
	return fd;
}

static unsigned long number(const char *s, const char *what)
{
	return tool_number("metherctl", s, what, ULONG_MAX);
}

/* A page number of @fd's space, strictly parsed and inside the space. */
static uint64_t page_number(int fd, const char *s)
{
	uint64_t n = tool_number("metherctl", s, "page", UINT64_MAX);
	struct mether_info info;

	if (ioctl(fd, METHER_IOC_INFO, &info) < 0)
		fail("METHER_IOC_INFO");
	if (n >= info.pages) {
		fprintf(stderr, "metherctl: page %llu is beyond the space (%llu pages)\n",
			(unsigned long long)n, (unsigned long long)info.pages);
		exit(2);
	}
	return n;
}

static uint32_t address(const char *s)
{
	struct in_addr a;

	if (inet_pton(AF_INET, s, &a) != 1) {
		fprintf(stderr, "metherctl: bad IPv4 address '%s'\n", s);
		exit(2);
	}
	return a.s_addr;
}

static int cmd_status(int fd)
{
	struct mether_stats stats;
	struct mether_info info;

	if (ioctl(fd, METHER_IOC_INFO, &info) < 0)
		fail("METHER_IOC_INFO");
	if (ioctl(fd, METHER_IOC_STATS, &stats) < 0)
		fail("METHER_IOC_STATS");
	if (info.api_version != METHER_API_VERSION)
		fprintf(stderr,
			"metherctl: module speaks API %u, metherctl API %u\n",
			info.api_version, METHER_API_VERSION);
	printf("device:      %s\n", device);
	printf("api version: %u\n", info.api_version);
	printf("network:     %s\n", stats.up ? "up" : "down (this host alone)");
	if (stats.up)
		printf("sealing:     %s\n", stats.sealed ?
		       "on (XChaCha20-Poly1305, cluster key)" :
		       "OFF: packets are neither authenticated nor private (--unsealed)");
	printf("pages:       %llu\n", (unsigned long long)info.pages);
	printf("page size:   %u bytes\n", info.page_size);
	printf("short page:  %u bytes\n", info.short_size);
	printf("view shift:  %u (views %u, space %llu bytes per view)\n",
	       info.view_shift, METHER_VIEWS,
	       (unsigned long long)1 << info.view_shift);
	return 0;
}

/* 64 hex digits from @path ("-": standard input), white space ignored. */
static void read_key(const char *path, struct mether_key *key)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "r") : stdin;
	unsigned int n = 0;
	int c, digit;

	if (!f) {
		fprintf(stderr, "metherctl: %s: %s\n", path, strerror(errno));
		exit(1);
	}
	while ((c = fgetc(f)) != EOF) {
		if (c == ' ' || c == '\t' || c == '\n' || c == '\r')
			continue;
		digit = c >= '0' && c <= '9' ? c - '0' :
			c >= 'a' && c <= 'f' ? c - 'a' + 10 :
			c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
		if (digit < 0 || n >= 2 * METHER_KEY_SIZE)
			break;
		key->key[n / 2] |= digit << (n % 2 ? 0 : 4);
		n++;
	}
	if (f != stdin)
		fclose(f);
	if (c != EOF || n != 2 * METHER_KEY_SIZE) {
		fprintf(stderr, "metherctl: %s: a key is %d hex digits\n",
			path, 2 * METHER_KEY_SIZE);
		exit(2);
	}
}

static int cmd_key(int fd, unsigned int flags, const char *path)
{
	struct mether_key key = { .flags = flags };

	if (!(flags & METHER_KEY_DROP_OLD))
		read_key(path, &key);
	if (ioctl(fd, METHER_IOC_SET_KEY, &key) < 0)
		fail("METHER_IOC_SET_KEY");
	memset(&key, 0, sizeof(key));
	return 0;
}

/*
 * The options a config file gives (metherctl(8), "CONFIGURATION"): lines
 * "name = value", names as the long options of up, "#" comments. They
 * become "--name value" words put before the command line's, which then
 * win. Returns the new argc; *argv is replaced.
 */
static int read_config(const char *path, int argc, char ***argv)
{
	char line[256], name[64], value[160], *option;
	char **words = calloc(argc + 2 * 64 + 1, sizeof(*words));
	FILE *f = fopen(path, "r");
	int n = 1, lineno = 0, i;

	if (!f || !words) {
		fprintf(stderr, "metherctl: %s: %s\n", path, strerror(errno));
		exit(1);
	}
	words[0] = (*argv)[0];
	while (fgets(line, sizeof(line), f)) {
		lineno++;
		if (sscanf(line, " %63s", name) != 1 || name[0] == '#')
			continue;	/* a blank line or a comment */
		if (sscanf(line, " %63[a-z-] = %159s", name, value) != 2 ||
		    n >= 2 * 64) {
			fprintf(stderr, "metherctl: %s:%d: not \"name = value\"\n",
				path, lineno);
			exit(2);
		}
		option = malloc(strlen(name) + 3);
		if (!option)
			exit(1);
		sprintf(option, "--%s", name);
		if (strcmp(name, "create") && strcmp(name, "unsealed")) {
			words[n++] = option;
			words[n++] = strdup(value);
		} else if (!strcmp(value, "yes")) {
			words[n++] = option;
		} else if (strcmp(value, "no")) {
			fprintf(stderr, "metherctl: %s:%d: %s is yes or no\n",
				path, lineno, name);
			exit(2);
		}
	}
	fclose(f);
	for (i = 1; i < argc; i++)
		words[n++] = (*argv)[i];
	*argv = words;
	return n;
}

static int cmd_up(int fd, int argc, char **argv)
{
	static const struct option options[] = {
		{ "id", required_argument, NULL, 'i' },
		{ "cluster", required_argument, NULL, 'c' },
		{ "port", required_argument, NULL, 'p' },
		{ "broadcast", required_argument, NULL, 'b' },
		{ "addr", required_argument, NULL, 'a' },
		{ "dev", required_argument, NULL, 'D' },
		{ "pages", required_argument, NULL, 'n' },
		{ "create", no_argument, NULL, 'C' },
		{ "key-file", required_argument, NULL, 'k' },
		{ "unsealed", no_argument, NULL, 'U' },
		{}
	};
	struct mether_up up = { .pages = 256 };
	const char *key_file = NULL;
	int opt;

	if (argc >= 3 && !strcmp(argv[1], "--config")) {
		const char *path = argv[2];

		/* Drop "--config FILE": the file's options go first. */
		argv[2] = argv[0];
		argv += 2;
		argc = read_config(path, argc - 2, &argv);
	}
	optind = 1;
	while ((opt = getopt_long(argc, argv, "", options, NULL)) != -1) {
		switch (opt) {
		case 'i':
			up.host_id = number(optarg, "host id");
			break;
		case 'c':
			up.cluster = number(optarg, "cluster");
			break;
		case 'p':
			up.port = htons(number(optarg, "port"));
			break;
		case 'b':
			up.broadcast = address(optarg);
			break;
		case 'a':
			up.addr = address(optarg);
			break;
		case 'D':
			up.ifindex = if_nametoindex(optarg);
			if (!up.ifindex) {
				fprintf(stderr, "metherctl up: no interface '%s'\n",
					optarg);
				return 2;
			}
			break;
		case 'n':
			up.pages = number(optarg, "pages");
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
		default:
			return usage(stderr);
		}
	}
	if (key_file && (up.flags & METHER_UP_UNSEALED)) {
		fprintf(stderr, "metherctl up: --key-file or --unsealed, not both\n");
		return 2;
	}
	if (key_file)
		cmd_key(fd, 0, key_file);
	if (optind != argc || !up.host_id || !up.port || !up.broadcast) {
		fprintf(stderr, "metherctl up: --id, --port and --broadcast are required\n");
		return 2;
	}
	if (ioctl(fd, METHER_IOC_UP, &up) < 0) {
		if (errno == ENOKEY) {
			fprintf(stderr, "metherctl up: no cluster key: set one (metherctl key, or --key-file) or run --unsealed\n");
			exit(1);
		}
		if (errno == EFBIG) {
			fprintf(stderr, "metherctl up: %llu pages: more than a host in a user namespace may have (module parameter userns_max_pages)\n",
				(unsigned long long)up.pages);
			exit(1);
		}
		fail("up");
	}
	return 0;
}

static int cmd_stats(int fd, int machine)
{
	struct mether_stats st;
	int t, r;

	if (ioctl(fd, METHER_IOC_STATS, &st) < 0)
		fail("METHER_IOC_STATS");
	if (machine) {
		printf("up %u\nsnooped %llu\nownership_transfers %llu\n"
		       "retransmits %llu\nsocket_drops %llu\n"
		       "reclaims_ignored %llu\n", st.up,
		       (unsigned long long)st.snooped,
		       (unsigned long long)st.ownership_transfers,
		       (unsigned long long)st.retransmits,
		       (unsigned long long)st.socket_drops,
		       (unsigned long long)st.reclaims_ignored);
		for (t = 1; t < METHER_PACKET_TYPES; t++)
			printf("tx_%s_packets %llu\ntx_%s_bytes %llu\n"
			       "rx_%s_packets %llu\nrx_%s_bytes %llu\n",
			       packet_names[t], (unsigned long long)st.tx_packets[t],
			       packet_names[t], (unsigned long long)st.tx_bytes[t],
			       packet_names[t], (unsigned long long)st.rx_packets[t],
			       packet_names[t], (unsigned long long)st.rx_bytes[t]);
		for (r = 0; r < METHER_DROP_REASONS; r++)
			printf("drop_%s %llu\n", drop_names[r],
			       (unsigned long long)st.drops[r]);
		for (t = 0; t < (int)METHER_VIEWS; t++)
			printf("consistent_faults_view%d %llu\n"
			       "inconsistent_faults_view%d %llu\n", t,
			       (unsigned long long)st.consistent_faults[t], t,
			       (unsigned long long)st.inconsistent_faults[t]);
		printf("purges %llu\nwriteable_purges %llu\n",
		       (unsigned long long)st.purges,
		       (unsigned long long)st.writeable_purges);
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

static int cmd_hosts(int fd, int machine)
{
	struct mether_peers peers;
	unsigned int i;

	if (ioctl(fd, METHER_IOC_PEERS, &peers) < 0)
		fail("METHER_IOC_PEERS");
	if (!machine)
		printf("%-8s %-9s %12s %-20s %s\n", "host", "state",
		       "quiet (ms)", "epoch", "reclaimed up to epoch");
	for (i = 0; i < peers.count; i++) {
		const struct mether_peer_info *p = &peers.peer[i];
		const char *state = p->flags & METHER_PEER_SILENT ?
				    "silent" : "alive";

		if (p->flags & METHER_PEER_SILENT &&
		    p->flags & METHER_PEER_RECLAIMED)
			state = "reclaimed";
		if (machine)
			printf("%u %s %llu %llu %llu\n", p->host_id, state,
			       (unsigned long long)p->silent_ms,
			       (unsigned long long)p->epoch,
			       (unsigned long long)p->reclaimed_epoch);
		else
			printf("%-8u %-9s %12llu %-20llu %llu\n", p->host_id,
			       state, (unsigned long long)p->silent_ms,
			       (unsigned long long)p->epoch,
			       (unsigned long long)p->reclaimed_epoch);
	}
	if (!machine)
		printf("(silent: not heard for %u ms)\n",
		       peers.host_timeout_ms);
	return 0;
}

static int cmd_reclaim(int fd, int argc, char **argv)
{
	struct mether_reclaim rc = { 0 };
	struct mether_reclaimed *out;
	struct mether_info info;
	unsigned int i;
	int ret, a;

	if (argc < 2 || argc % 2)
		return usage(stderr);
	for (a = 2; a < argc; a += 2) {
		if (!strcmp(argv[a], "--timeout"))
			rc.timeout_ms = number(argv[a + 1], "timeout");
		else if (!strcmp(argv[a], "--epoch"))
			rc.epoch = number(argv[a + 1], "epoch");
		else
			return usage(stderr);
	}
	rc.host_id = number(argv[1], "host");
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

static int cmd_get(int fd, unsigned long page, int wait)
{
	char *ro = map(fd, PROT_READ) + page * sysconf(_SC_PAGESIZE);
	struct mether_range r = { (unsigned long)ro, sysconf(_SC_PAGESIZE) };

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

static int cmd_put(int fd, unsigned long page, uint32_t value)
{
	char *rw = map(fd, PROT_READ | PROT_WRITE) +
		   page * sysconf(_SC_PAGESIZE);
	struct mether_range r = { (unsigned long)rw, sysconf(_SC_PAGESIZE) };

	rw = mether_view_ptr(rw, METHER_VIEW_SHORT_DEMAND);
	*(volatile uint32_t *)rw = value;
	r.addr = (unsigned long)rw;
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

static int cmd_segment(int argc, char **argv)
{
	char cap[METHER_CAPABILITY_LEN];
	unsigned int rights = METHER_SEGMENT_READ | METHER_SEGMENT_WRITE;
	struct mether *m;

	if (argc >= 1 && !strcmp(argv[0], "init") &&
	    (argc == 1 || (argc == 2 && !strcmp(argv[1], "--replace")))) {
		m = mether_open(device);
		if (!m)
			fail(device);
		if (mether_segment_init(m, argc == 2))
			segment_fail("init", "");
		mether_close(m);
		return 0;
	}
	if (argc != 3 || (strcmp(argv[0], "create") && strcmp(argv[0], "grant")))
		return usage(stderr);
	m = mether_open(device);
	if (!m)
		fail(device);
	if (!strcmp(argv[0], "create") &&
	    mether_segment_create(m, argv[1], number(argv[2], "pages")))
		segment_fail("create", argv[1]);
	if (!strcmp(argv[0], "grant")) {
		if (!strcmp(argv[2], "r"))
			rights = METHER_SEGMENT_READ;
		else if (strcmp(argv[2], "rw"))
			return usage(stderr);
	}
	if (mether_segment_grant(m, argv[1], rights, cap, sizeof(cap)))
		segment_fail("grant", argv[1]);
	printf("%s\n", cap);
	mether_close(m);
	return 0;
}

int main(int argc, char **argv)
{
	const char *cmd;
	int fd;

	if (argc > 2 && !strcmp(argv[1], "-d")) {
		device = argv[2];
		argc -= 2;
		argv += 2;
	}
	if (argc < 2)
		return usage(stderr);
	cmd = argv[1];
	if (!strcmp(cmd, "-h") || !strcmp(cmd, "--help"))
		return usage(stdout);

	fd = open_device();
	if (!strcmp(cmd, "status") && argc == 2)
		return cmd_status(fd);
	if (!strcmp(cmd, "up"))
		return cmd_up(fd, argc - 1, argv + 1);
	if (!strcmp(cmd, "down") && argc == 2) {
		if (ioctl(fd, METHER_IOC_DOWN) < 0)
			fail("down");
		return 0;
	}
	if (!strcmp(cmd, "stats") && argc <= 3)
		return cmd_stats(fd, argc == 3 && !strcmp(argv[2], "--machine"));
	if (!strcmp(cmd, "get") && argc == 4 && !strcmp(argv[2], "--wait"))
		return cmd_get(fd, page_number(fd, argv[3]), 1);
	if (!strcmp(cmd, "get") && argc == 3)
		return cmd_get(fd, page_number(fd, argv[2]), 0);
	if (!strcmp(cmd, "put") && argc == 5 && !strcmp(argv[2], "--directory"))
		return cmd_put(fd, page_number(fd, argv[3]),
			       number(argv[4], "value"));
	if (!strcmp(cmd, "put") && argc == 4) {
		if (page_number(fd, argv[2]) == METHER_DIRECTORY_PAGE) {
			fprintf(stderr, "metherctl: page %d holds the segment directory: 'put --directory %d VALUE' overwrites it on purpose\n",
				METHER_DIRECTORY_PAGE, METHER_DIRECTORY_PAGE);
			return 2;
		}
		return cmd_put(fd, page_number(fd, argv[2]),
			       number(argv[3], "value"));
	}
	if (!strcmp(cmd, "key") && argc == 3 && !strcmp(argv[2], "--drop-old"))
		return cmd_key(fd, METHER_KEY_DROP_OLD, NULL);
	if (!strcmp(cmd, "key") && argc >= 3 && !strcmp(argv[2], "--next") &&
	    argc <= 4)
		return cmd_key(fd, METHER_KEY_NEXT, argc == 4 ? argv[3] : "-");
	if (!strcmp(cmd, "key") && argc <= 3)
		return cmd_key(fd, 0, argc == 3 ? argv[2] : "-");
	if (!strcmp(cmd, "segment"))
		return cmd_segment(argc - 2, argv + 2);
	if (!strcmp(cmd, "hosts") && argc <= 3)
		return cmd_hosts(fd, argc == 3 && !strcmp(argv[2], "--machine"));
	if (!strcmp(cmd, "reclaim"))
		return cmd_reclaim(fd, argc - 1, argv + 1);
	fprintf(stderr, "metherctl: unknown command or arguments: %s\n", cmd);
	return usage(stderr);
}
