// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite mether_wire: the packet parser against malformed input.
 */
#include <kunit/test.h>
#include <linux/mether.h>

#include "../../mether_wire.h"

#define CLUSTER	0x0c1u
#define SELF	2u
#define PAGES	64u
#define EPOCH	(77ULL << 32 | 0xabcd)
/* Every one of the counter's 48 bits in use. */
#define COUNTER	0xfedcba987654ULL

/* Unsealed: the seal itself has its own suite, mether_seal. */
static const struct mether_wire_limits limits = {
	.cluster = CLUSTER, .self = SELF, .epoch = EPOCH, .pages = PAGES,
	.seal = METHER_SEAL_NONE,
};

/* What a host does with a packet of an unsealed cluster. */
static int receive(const void *data, size_t len, struct mether_wire_msg *msg)
{
	int ret = mether_wire_frame(data, len, &limits);

	return ret ? ret : mether_wire_parse(data, len, &limits, msg);
}

struct packet {
	struct mether_wire_header hdr;
	u8 payload[METHER_WIRE_PAGE_SIZE];
};

/* A good PAGE packet from host 1 carrying @subset; returns its length. */
static size_t good_packet(struct packet *p, unsigned int subset)
{
	struct mether_wire_msg msg = {
		.type = METHER_MSG_PAGE, .subset = subset, .sender = 1,
		.seq = 7, .page = PAGES - 1, .version = 42,
		.epoch = 1ULL << 60, .counter = COUNTER,
	};

	memset(p->payload, 0x5a, sizeof(p->payload));
	mether_wire_build(&p->hdr, &limits, &msg);
	return sizeof(p->hdr) +
	       mether_wire_payload_bytes(METHER_MSG_PAGE, subset);
}

/*
 * Each test parses into a zeroed message of its own, never the one it
 * built from: a field the parser stopped decoding must read 0, not the
 * value the builder left there.
 */
static void mether_wire_round_trip(struct kunit *test)
{
	struct packet *p = kunit_kzalloc(test, sizeof(*p), GFP_KERNEL);
	struct mether_wire_msg msg = {};
	size_t len;

	KUNIT_ASSERT_NOT_NULL(test, p);
	len = good_packet(p, METHER_SUBSET_SHORT);
	KUNIT_EXPECT_EQ(test, len, sizeof(p->hdr) + 32);
	KUNIT_ASSERT_EQ(test, receive(p, len, &msg), 0);
	KUNIT_EXPECT_EQ(test, msg.type, METHER_MSG_PAGE);
	KUNIT_EXPECT_EQ(test, msg.subset, METHER_SUBSET_SHORT);
	KUNIT_EXPECT_EQ(test, msg.sender, 1u);
	KUNIT_EXPECT_EQ(test, msg.seq, 7u);
	KUNIT_EXPECT_EQ(test, msg.page, (u64)PAGES - 1);
	KUNIT_EXPECT_EQ(test, msg.version, 42ULL);
	KUNIT_EXPECT_EQ(test, msg.epoch, 1ULL << 60);
	KUNIT_EXPECT_EQ(test, msg.counter, COUNTER);
	KUNIT_EXPECT_EQ(test, msg.length, (size_t)32);
	KUNIT_EXPECT_PTR_EQ(test, msg.payload, (const void *)p->payload);

	len = good_packet(p, METHER_SUBSET_FULL);
	KUNIT_EXPECT_EQ(test, receive(p, len, &msg), 0);
	KUNIT_EXPECT_EQ(test, msg.length, (size_t)METHER_WIRE_PAGE_SIZE);
}

/* Every length short of the whole packet, and one byte more, is refused. */
static void mether_wire_every_truncation(struct kunit *test)
{
	struct packet *p = kunit_kzalloc(test, sizeof(*p), GFP_KERNEL);
	struct mether_wire_msg msg;
	size_t len, cut;

	KUNIT_ASSERT_NOT_NULL(test, p);
	len = good_packet(p, METHER_SUBSET_FULL);
	for (cut = 0; cut < len; cut++) {
		int want = cut < sizeof(p->hdr) ? -METHER_DROP_TRUNCATED :
						  -METHER_DROP_BAD_LENGTH;

		KUNIT_EXPECT_EQ_MSG(test,
				    receive(p, cut, &msg),
				    want, "length %zu", cut);
	}
	len = good_packet(p, METHER_SUBSET_SHORT);
	KUNIT_EXPECT_EQ(test, receive(p, len + 1, &msg),
			-METHER_DROP_BAD_LENGTH);
}

/* Overwrite a header field (big-endian, @size bytes) with @value. */
struct poke {
	size_t offset;
	size_t size;
	u64 value;
};

#define POKE(field, size, v) \
	{ offsetof(struct mether_wire_header, field), (size), (v) }

struct mutation {
	const char *what;
	struct poke poke[3];
	int want;
};

static const struct mutation mutations[] = {
	{ "magic", { POKE(magic, 1, 0x4e) }, -METHER_DROP_BAD_MAGIC },
	{ "magic 0", { POKE(magic, 1, 0) }, -METHER_DROP_BAD_MAGIC },
	{ "version 5", { POKE(version, 1, 5) }, -METHER_DROP_BAD_VERSION },
	{ "next version", { POKE(version, 1, METHER_WIRE_VERSION + 1) },
	  -METHER_DROP_BAD_VERSION },
	{ "version 2", { POKE(version, 1, 2) }, -METHER_DROP_BAD_VERSION },
	{ "version 1", { POKE(version, 1, 1) }, -METHER_DROP_BAD_VERSION },
	{ "sealed, to an unsealed host",
	  { POKE(flags, 1, METHER_WIRE_SEALED | METHER_WIRE_SHORT) },
	  -METHER_DROP_BAD_SEAL },
	{ "version 0", { POKE(version, 1, 0) }, -METHER_DROP_BAD_VERSION },
	{ "type 0", { POKE(type, 1, 0) }, -METHER_DROP_BAD_TYPE },
	{ "version 3", { POKE(version, 1, 3) }, -METHER_DROP_BAD_VERSION },
	{ "type 8", { POKE(type, 1, METHER_MSG_TYPES) }, -METHER_DROP_BAD_TYPE },
	{ "type 255", { POKE(type, 1, 255) }, -METHER_DROP_BAD_TYPE },
	{ "unknown flag", { POKE(flags, 1, 0x20 | METHER_WIRE_SHORT) },
	  -METHER_DROP_BAD_FLAGS },
	{ "cluster", { POKE(cluster, 4, CLUSTER + 1) },
	  -METHER_DROP_FOREIGN_CLUSTER },
	{ "sender 0", { POKE(sender, 4, 0) }, -METHER_DROP_BAD_SENDER },
	{ "own packet", { POKE(sender, 4, SELF) }, -METHER_DROP_OWN },
	/* The short page's length, said to be a full page. */
	{ "not short", { POKE(flags, 1, 0) }, -METHER_DROP_BAD_LENGTH },
	{ "page = pages", { POKE(page, 4, PAGES) }, -METHER_DROP_OUT_OF_RANGE },
	{ "page U32_MAX", { POKE(page, 4, U32_MAX) }, -METHER_DROP_OUT_OF_RANGE },
	{ "version 2^63", { POKE(page_version, 8, 1ULL << 63) },
	  -METHER_DROP_OUT_OF_RANGE },
	{ "version U64_MAX", { POKE(page_version, 8, U64_MAX) },
	  -METHER_DROP_OUT_OF_RANGE },
	{ "aimed at this host's last epoch", { POKE(target, 4, SELF),
					       POKE(target_epoch, 4, EPOCH - 1) },
	  -METHER_DROP_STALE_TARGET },
	{ "aimed at this host, no epoch", { POKE(target, 4, SELF) },
	  -METHER_DROP_STALE_TARGET },
	{ "challenge to everyone", { POKE(type, 1, METHER_MSG_HELLO),
				     POKE(flags, 1, METHER_WIRE_CHALLENGE) },
	  -METHER_DROP_BAD_FLAGS },
	{ "notice to everyone", { POKE(type, 1, METHER_MSG_RECLAIM),
				  POKE(flags, 1, METHER_WIRE_RECLAIM_NOTICE) },
	  -METHER_DROP_BAD_FLAGS },
	{ "notice with done", { POKE(type, 1, METHER_MSG_RECLAIM),
				POKE(flags, 1, METHER_WIRE_RECLAIM_NOTICE |
					       METHER_WIRE_RECLAIM_DONE),
				POKE(target, 4, SELF + 1) },
	  -METHER_DROP_BAD_FLAGS },
	/* Aimed, its flags pass: the short page is the wrong length. */
	{ "notice aimed elsewhere", { POKE(type, 1, METHER_MSG_RECLAIM),
				      POKE(flags, 1, METHER_WIRE_RECLAIM_NOTICE),
				      POKE(target, 4, SELF + 1) },
	  -METHER_DROP_BAD_LENGTH },
	{ "request with payload", { POKE(type, 1, METHER_MSG_REQUEST) },
	  -METHER_DROP_BAD_LENGTH },
	{ "ack with a flag", { POKE(type, 1, METHER_MSG_ACK),
			       POKE(flags, 1, METHER_WIRE_CONSISTENT) },
	  -METHER_DROP_BAD_FLAGS },
	{ "page with a flag past the type's", { POKE(flags, 1, 0x08) },
	  -METHER_DROP_BAD_FLAGS },
	{ "page with a request's flag", { POKE(flags, 1, METHER_WIRE_HAVE_TAIL) },
	  -METHER_DROP_BAD_FLAGS },
	{ "hello with payload", { POKE(type, 1, METHER_MSG_HELLO),
				  POKE(flags, 1, 0) },
	  -METHER_DROP_BAD_LENGTH },
	{ "reclaim with a short page", { POKE(type, 1, METHER_MSG_RECLAIM),
					 POKE(flags, 1, 0) },
	  -METHER_DROP_BAD_LENGTH },
	{ "offer with a short page", { POKE(type, 1, METHER_MSG_OFFER),
				       POKE(flags, 1, 0) },
	  -METHER_DROP_BAD_LENGTH },
	/* Only a PAGE and a REQUEST are about a subset: one spelling. */
	{ "short hello", { POKE(type, 1, METHER_MSG_HELLO) },
	  -METHER_DROP_BAD_FLAGS },
	{ "short ack", { POKE(type, 1, METHER_MSG_ACK) },
	  -METHER_DROP_BAD_FLAGS },
	{ "short reclaim", { POKE(type, 1, METHER_MSG_RECLAIM) },
	  -METHER_DROP_BAD_FLAGS },
	{ "short offer", { POKE(type, 1, METHER_MSG_OFFER) },
	  -METHER_DROP_BAD_FLAGS },
	{ "short grant", { POKE(type, 1, METHER_MSG_GRANT) },
	  -METHER_DROP_BAD_FLAGS },
	{ "grant with a flag", { POKE(type, 1, METHER_MSG_GRANT),
				 POKE(flags, 1, METHER_WIRE_HANDOFF) },
	  -METHER_DROP_BAD_FLAGS },
};

static void poke(struct mether_wire_header *hdr, const struct poke *pk)
{
	u8 *field = (u8 *)hdr + pk->offset;
	size_t i;

	for (i = 0; i < pk->size; i++)
		field[i] = pk->value >> (8 * (pk->size - 1 - i));
}

static void mether_wire_every_field(struct kunit *test)
{
	struct packet *p = kunit_kzalloc(test, sizeof(*p), GFP_KERNEL);
	struct mether_wire_msg msg = { .page = 12345 };
	unsigned int i, j;
	size_t len;

	KUNIT_ASSERT_NOT_NULL(test, p);
	for (i = 0; i < ARRAY_SIZE(mutations); i++) {
		len = good_packet(p, METHER_SUBSET_SHORT);
		for (j = 0; j < ARRAY_SIZE(mutations[i].poke); j++)
			if (mutations[i].poke[j].size)
				poke(&p->hdr, &mutations[i].poke[j]);
		KUNIT_EXPECT_EQ_MSG(test,
				    receive(p, len, &msg),
				    mutations[i].want, "%s", mutations[i].what);
	}
	/* A refused packet leaves the message untouched. */
	KUNIT_EXPECT_EQ(test, msg.page, 12345ULL);
}

static void mether_wire_requests_and_acks(struct kunit *test)
{
	struct mether_wire_header hdr;
	struct mether_wire_msg msg = {
		.type = METHER_MSG_REQUEST, .subset = METHER_SUBSET_SHORT,
		.flags = METHER_WIRE_CONSISTENT | METHER_WIRE_HAVE_TAIL,
		.sender = 3, .page = 1, .version = 77,
	};
	struct mether_wire_msg got = {};

	mether_wire_build(&hdr, &limits, &msg);
	KUNIT_ASSERT_EQ(test, receive(&hdr, sizeof(hdr), &got), 0);
	KUNIT_EXPECT_EQ(test, got.type, METHER_MSG_REQUEST);
	KUNIT_EXPECT_EQ(test, got.sender, 3u);
	KUNIT_EXPECT_EQ(test, got.page, 1ULL);
	KUNIT_EXPECT_EQ(test, got.flags, (unsigned int)(METHER_WIRE_CONSISTENT |
							METHER_WIRE_HAVE_TAIL));
	KUNIT_EXPECT_EQ(test, got.subset, METHER_SUBSET_SHORT);
	KUNIT_EXPECT_EQ(test, got.version, 77ULL);
	KUNIT_EXPECT_EQ(test, got.length, (size_t)0);

	msg = (struct mether_wire_msg){ .type = METHER_MSG_ACK, .sender = 3,
					.flags = METHER_WIRE_NEED_FULL,
					.target = SELF, .target_epoch = EPOCH,
					.seq = 9, .page = 2 };
	got = (struct mether_wire_msg){};
	mether_wire_build(&hdr, &limits, &msg);
	KUNIT_ASSERT_EQ(test, receive(&hdr, sizeof(hdr), &got), 0);
	KUNIT_EXPECT_EQ(test, got.type, METHER_MSG_ACK);
	KUNIT_EXPECT_EQ(test, got.target, SELF);
	KUNIT_EXPECT_EQ(test, got.seq, 9u);
	KUNIT_EXPECT_EQ(test, got.page, 2ULL);
	KUNIT_EXPECT_EQ(test, got.flags, (unsigned int)METHER_WIRE_NEED_FULL);
}

/* The reclaim's packets: each type's payload, and what it carries. */
static void mether_wire_reclaim_packets(struct kunit *test)
{
	struct packet *p = kunit_kzalloc(test, sizeof(*p), GFP_KERNEL);
	static const struct {
		enum mether_wire_type type;
		unsigned int flags;
		size_t length;
	} kinds[] = {
		{ METHER_MSG_HELLO, 0, 0 },
		{ METHER_MSG_RECLAIM, 0, 16 },
		{ METHER_MSG_RECLAIM, METHER_WIRE_RECLAIM_DONE, 16 },
		{ METHER_MSG_OFFER, 0, METHER_WIRE_PAGE_SIZE },
		{ METHER_MSG_GRANT, 0, 0 },
		{ METHER_MSG_ACK, METHER_WIRE_GRANTED, 0 },
	};
	struct mether_wire_msg msg, got;
	unsigned int i;
	size_t len;

	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_EXPECT_EQ(test, METHER_OFFERS_PER_PACKET, 128u);
	for (i = 0; i < ARRAY_SIZE(kinds); i++) {
		msg = (struct mether_wire_msg){
			.type = kinds[i].type, .flags = kinds[i].flags,
			.sender = 4, .target = SELF, .target_epoch = EPOCH,
			.seq = 5, .page = 3, .version = 11, .epoch = 1,
			.counter = 1,
		};
		mether_wire_build(&p->hdr, &limits, &msg);
		len = sizeof(p->hdr) + kinds[i].length;
		got = (struct mether_wire_msg){};
		KUNIT_ASSERT_EQ_MSG(test, receive(p, len, &got), 0, "kind %u", i);
		KUNIT_EXPECT_EQ(test, got.type, kinds[i].type);
		KUNIT_EXPECT_EQ(test, got.length, kinds[i].length);
		KUNIT_EXPECT_EQ(test, got.flags, kinds[i].flags);
		KUNIT_EXPECT_EQ(test, got.sender, 4u);
		KUNIT_EXPECT_EQ(test, got.target, SELF);
		KUNIT_EXPECT_EQ(test, got.seq, 5u);
		KUNIT_EXPECT_EQ(test, got.page, 3ULL);
		KUNIT_EXPECT_EQ(test, got.version, 11ULL);
		KUNIT_EXPECT_EQ(test, got.epoch, 1ULL);
		KUNIT_EXPECT_EQ(test, got.counter, 1ULL);
		/* One byte more or less is refused. */
		KUNIT_EXPECT_EQ(test, receive(p, len + 1, &got),
				-METHER_DROP_BAD_LENGTH);
		if (kinds[i].length)
			KUNIT_EXPECT_EQ(test, receive(p, len - 1, &got),
					-METHER_DROP_BAD_LENGTH);
	}
}

/* The highest version taken, and the lowest refused, parsed afresh. */
static void mether_wire_versions(struct kunit *test)
{
	static const u64 versions[] = {
		0, 1, METHER_WIRE_VERSION_MAX - 1, METHER_WIRE_VERSION_MAX,
		METHER_WIRE_VERSION_MAX + 1, U64_MAX,
	};
	struct packet *p = kunit_kzalloc(test, sizeof(*p), GFP_KERNEL);
	struct mether_wire_msg sent, got;
	unsigned int i;
	size_t len;

	KUNIT_ASSERT_NOT_NULL(test, p);
	for (i = 0; i < ARRAY_SIZE(versions); i++) {
		sent = (struct mether_wire_msg){
			.type = METHER_MSG_PAGE, .subset = METHER_SUBSET_SHORT,
			.flags = METHER_WIRE_HANDOFF, .sender = 1,
			.target = SELF, .target_epoch = EPOCH, .page = 1,
			.version = versions[i], .epoch = 9, .counter = 1,
		};
		mether_wire_build(&p->hdr, &limits, &sent);
		len = sizeof(p->hdr) + 32;
		memset(&got, 0, sizeof(got));
		if (versions[i] < METHER_WIRE_VERSION_MAX) {
			KUNIT_EXPECT_EQ(test, receive(p, len, &got), 0);
			KUNIT_EXPECT_EQ(test, got.version, versions[i]);
		} else {
			KUNIT_EXPECT_EQ_MSG(test, receive(p, len, &got),
					    -METHER_DROP_OUT_OF_RANGE,
					    "version %llu", versions[i]);
			KUNIT_EXPECT_EQ(test, got.version, 0ULL);
		}
	}
}

/*
 * Above METHER_WIRE_VERSION_CEIL a version is taken only from a packet
 * aimed at this host; a HELLO's nonce is no version.
 */
static void mether_wire_version_ceiling(struct kunit *test)
{
	static const struct {
		u8 type, subset, flags;
		u32 target;
		size_t length;
	} kinds[] = {
		/* A published copy, a handoff to another, a REQUEST, an ACK. */
		{ METHER_MSG_PAGE, METHER_SUBSET_SHORT, 0, 0, 32 },
		{ METHER_MSG_PAGE, METHER_SUBSET_SHORT, METHER_WIRE_HANDOFF,
		  SELF + 1, 32 },
		{ METHER_MSG_REQUEST, METHER_SUBSET_SHORT,
		  METHER_WIRE_CONSISTENT | METHER_WIRE_HAVE_TAIL, 0, 0 },
		{ METHER_MSG_ACK, METHER_SUBSET_FULL, 0, SELF + 1, 0 },
		{ METHER_MSG_GRANT, METHER_SUBSET_FULL, 0, SELF + 1, 0 },
	};
	static const u64 above[] = {
		METHER_WIRE_VERSION_CEIL + 1, METHER_WIRE_VERSION_MAX - 1,
	};
	struct packet *p = kunit_kzalloc(test, sizeof(*p), GFP_KERNEL);
	struct mether_wire_msg sent, got;
	unsigned int i, j;

	KUNIT_ASSERT_NOT_NULL(test, p);
	for (i = 0; i < ARRAY_SIZE(kinds); i++) {
		sent = (struct mether_wire_msg){
			.type = kinds[i].type, .subset = kinds[i].subset,
			.flags = kinds[i].flags, .sender = 1,
			.target = kinds[i].target,
			.target_epoch = kinds[i].target ? 5 : 0, .page = 1,
			.version = METHER_WIRE_VERSION_CEIL,
			.epoch = 9, .counter = 1,
		};
		mether_wire_build(&p->hdr, &limits, &sent);
		KUNIT_EXPECT_EQ_MSG(test, receive(p, sizeof(p->hdr) +
						  kinds[i].length, &got), 0,
				    "kind %u at the ceiling", i);
		for (j = 0; j < ARRAY_SIZE(above); j++) {
			sent.version = above[j];
			sent.target = kinds[i].target;
			sent.target_epoch = kinds[i].target ? 5 : 0;
			mether_wire_build(&p->hdr, &limits, &sent);
			KUNIT_EXPECT_EQ_MSG(test,
					    receive(p, sizeof(p->hdr) +
						    kinds[i].length, &got),
					    -METHER_DROP_OUT_OF_RANGE,
					    "kind %u, version %llu", i,
					    above[j]);
			/* Aimed at this host: taken. */
			sent.target = SELF;
			sent.target_epoch = EPOCH;
			mether_wire_build(&p->hdr, &limits, &sent);
			memset(&got, 0, sizeof(got));
			KUNIT_EXPECT_EQ_MSG(test,
					    receive(p, sizeof(p->hdr) +
						    kinds[i].length, &got), 0,
					    "kind %u to us, version %llu", i,
					    above[j]);
			KUNIT_EXPECT_EQ(test, got.version, above[j]);
		}
	}
	/* A CHALLENGE to another host: its nonce has 63 bits. */
	sent = (struct mether_wire_msg){
		.type = METHER_MSG_HELLO, .flags = METHER_WIRE_CHALLENGE,
		.sender = 1, .target = SELF + 1, .target_epoch = 5,
		.version = METHER_WIRE_VERSION_MAX - 1, .epoch = 9,
		.counter = 1,
	};
	mether_wire_build(&p->hdr, &limits, &sent);
	KUNIT_EXPECT_EQ(test, receive(p, sizeof(p->hdr), &got), 0);
}

/*
 * Packets aimed at one host are bound to its epoch: every targeted kind
 * is taken in this host's epoch alone, and snooped whatever the epoch
 * when aimed at another host. Parsed into a zeroed message.
 */
static void mether_wire_target_epoch(struct kunit *test)
{
	static const struct {
		enum mether_wire_type type;
		unsigned int flags;
		size_t length;
	} kinds[] = {
		{ METHER_MSG_PAGE, METHER_WIRE_HANDOFF, 32 },
		{ METHER_MSG_ACK, 0, 0 },
		{ METHER_MSG_ACK, METHER_WIRE_GRANTED, 0 },
		{ METHER_MSG_GRANT, 0, 0 },
		{ METHER_MSG_OFFER, 0, METHER_WIRE_PAGE_SIZE },
		{ METHER_MSG_HELLO, METHER_WIRE_CHALLENGE, 0 },
		{ METHER_MSG_HELLO, METHER_WIRE_ANSWER, 0 },
	};
	static const u64 epochs[] = {
		0, 1, EPOCH - 1, EPOCH + 1, EPOCH ^ (1ULL << 31), U64_MAX,
	};
	struct packet *p = kunit_kzalloc(test, sizeof(*p), GFP_KERNEL);
	struct mether_wire_msg sent, got;
	unsigned int i, j;
	size_t len;

	KUNIT_ASSERT_NOT_NULL(test, p);
	for (i = 0; i < ARRAY_SIZE(kinds); i++) {
		sent = (struct mether_wire_msg){
			.type = kinds[i].type, .flags = kinds[i].flags,
			.subset = kinds[i].length == 32 ? METHER_SUBSET_SHORT :
							  METHER_SUBSET_FULL,
			.sender = 4, .target = SELF, .target_epoch = EPOCH,
			.page = 2, .version = 3, .epoch = 5, .counter = 6,
		};
		len = sizeof(p->hdr) + kinds[i].length;
		mether_wire_build(&p->hdr, &limits, &sent);
		memset(&got, 0, sizeof(got));
		KUNIT_EXPECT_EQ_MSG(test, receive(p, len, &got), 0, "kind %u", i);
		KUNIT_EXPECT_EQ(test, got.target_epoch, EPOCH & U32_MAX);
		KUNIT_EXPECT_EQ(test, got.target, SELF);
		/*
		 * Only the epoch's random half travels: a life of another
		 * second that drew the same is taken for this one (once in
		 * 2^32 restarts).
		 */
		sent.target_epoch = EPOCH + (1ULL << 32);
		mether_wire_build(&p->hdr, &limits, &sent);
		KUNIT_EXPECT_EQ_MSG(test, receive(p, len, &got), 0, "kind %u", i);
		for (j = 0; j < ARRAY_SIZE(epochs); j++) {
			sent.target = SELF;
			sent.target_epoch = epochs[j];
			mether_wire_build(&p->hdr, &limits, &sent);
			memset(&got, 0, sizeof(got));
			KUNIT_EXPECT_EQ_MSG(test, receive(p, len, &got),
					    -METHER_DROP_STALE_TARGET,
					    "kind %u, epoch %u", i, j);
			KUNIT_EXPECT_EQ(test, got.type, 0);
			/* Passing by to another host: not this one's call. */
			sent.target = SELF + 1;
			mether_wire_build(&p->hdr, &limits, &sent);
			KUNIT_EXPECT_EQ_MSG(test, receive(p, len, &got), 0,
					    "kind %u, epoch %u", i, j);
			KUNIT_EXPECT_EQ(test, got.target_epoch,
					epochs[j] & U32_MAX);
		}
	}
	/* A CHALLENGE that also answers is neither. */
	sent = (struct mether_wire_msg){
		.type = METHER_MSG_HELLO,
		.flags = METHER_WIRE_CHALLENGE | METHER_WIRE_ANSWER,
		.sender = 4, .target = SELF, .target_epoch = EPOCH,
		.epoch = 5, .counter = 6,
	};
	mether_wire_build(&p->hdr, &limits, &sent);
	KUNIT_EXPECT_EQ(test, receive(p, sizeof(p->hdr), &got),
			-METHER_DROP_BAD_FLAGS);
}

/*
 * A packet that names this host as its sender is dropped before it is
 * opened: the frame check alone names it, whatever follows the header.
 * One of another cluster that uses this host's id is not its own.
 */
static void mether_wire_own_unopened(struct kunit *test)
{
	struct packet *p = kunit_kzalloc(test, sizeof(*p), GFP_KERNEL);
	struct mether_wire_limits sealed = limits;
	size_t len;

	KUNIT_ASSERT_NOT_NULL(test, p);
	len = good_packet(p, METHER_SUBSET_FULL);
	p->hdr.sender = cpu_to_be32(SELF);
	KUNIT_EXPECT_EQ(test, mether_wire_frame(p, len, &limits),
			-METHER_DROP_OWN);
	/* Sealed, its tag garbage: still own, never a bad seal. */
	sealed.seal = METHER_SEAL_XCHACHA;
	p->hdr.flags |= METHER_WIRE_SEALED;
	KUNIT_EXPECT_EQ(test, mether_wire_frame(p, len, &sealed),
			-METHER_DROP_OWN);
	/* Own is decided before the seal flag is: not bad_seal either. */
	KUNIT_EXPECT_EQ(test, mether_wire_frame(p, len, &limits),
			-METHER_DROP_OWN);
	p->hdr.flags &= ~METHER_WIRE_SEALED;
	p->hdr.cluster = cpu_to_be32(CLUSTER + 1);
	KUNIT_EXPECT_EQ(test, mether_wire_frame(p, len, &limits), 0);
}

/*
 * Another pair's proof of this cluster is dropped unopened; this host's,
 * another cluster's, and a plain HELLO are not. A proof is no HELLO to
 * bystanders, so it never stands for one (mether_net_send()).
 */
static void mether_wire_elsewhere_proofs(struct kunit *test)
{
	struct mether_wire_header hdr = {
		.type = METHER_MSG_HELLO,
		.flags = METHER_WIRE_CHALLENGE,
		.cluster = cpu_to_be32(CLUSTER),
		.target = cpu_to_be32(SELF + 1),
	};

	KUNIT_EXPECT_TRUE(test, mether_wire_elsewhere(&hdr, &limits));
	KUNIT_EXPECT_TRUE(test, mether_wire_proof(hdr.type, hdr.flags));
	hdr.flags = METHER_WIRE_ANSWER | METHER_WIRE_SEALED;
	KUNIT_EXPECT_TRUE(test, mether_wire_elsewhere(&hdr, &limits));
	KUNIT_EXPECT_TRUE(test, mether_wire_proof(hdr.type, hdr.flags));
	hdr.cluster = cpu_to_be32(CLUSTER + 1);
	KUNIT_EXPECT_FALSE(test, mether_wire_elsewhere(&hdr, &limits));
	hdr.cluster = cpu_to_be32(CLUSTER);
	hdr.target = cpu_to_be32(SELF);
	KUNIT_EXPECT_FALSE(test, mether_wire_elsewhere(&hdr, &limits));
	hdr.target = cpu_to_be32(SELF + 1);
	hdr.flags = METHER_WIRE_SEALED;	/* a plain HELLO: liveness for all */
	KUNIT_EXPECT_FALSE(test, mether_wire_elsewhere(&hdr, &limits));
	KUNIT_EXPECT_FALSE(test, mether_wire_proof(hdr.type, hdr.flags));
	/* A handoff or ACK to another host is snooped and heard: kept. */
	hdr.type = METHER_MSG_PAGE;
	hdr.flags = METHER_WIRE_HANDOFF;
	KUNIT_EXPECT_FALSE(test, mether_wire_elsewhere(&hdr, &limits));
	KUNIT_EXPECT_FALSE(test, mether_wire_proof(hdr.type, hdr.flags));
	hdr.type = METHER_MSG_ACK;
	hdr.flags = 0x01;
	KUNIT_EXPECT_FALSE(test, mether_wire_elsewhere(&hdr, &limits));
	KUNIT_EXPECT_FALSE(test, mether_wire_proof(hdr.type, hdr.flags));
}

/*
 * The last number of an epoch is sent once; after it the counter stays
 * put and nothing is numbered, so no nonce is used twice.
 */
static void mether_wire_counter_cap(struct kunit *test)
{
	u64 last = 0;

	KUNIT_EXPECT_EQ(test, mether_wire_next_counter(&last), 1ULL);
	KUNIT_EXPECT_FALSE(test, mether_wire_counter_spent(last));
	last = METHER_WIRE_COUNTER_MAX - 1;
	KUNIT_EXPECT_EQ(test, mether_wire_next_counter(&last),
			METHER_WIRE_COUNTER_MAX);
	KUNIT_EXPECT_TRUE(test, mether_wire_counter_spent(last));
	KUNIT_EXPECT_EQ(test, mether_wire_next_counter(&last), 0ULL);
	KUNIT_EXPECT_EQ(test, mether_wire_next_counter(&last), 0ULL);
	KUNIT_EXPECT_EQ(test, last, METHER_WIRE_COUNTER_MAX);
}

static struct kunit_case mether_wire_cases[] = {
	KUNIT_CASE(mether_wire_round_trip),
	KUNIT_CASE(mether_wire_every_truncation),
	KUNIT_CASE(mether_wire_every_field),
	KUNIT_CASE(mether_wire_requests_and_acks),
	KUNIT_CASE(mether_wire_reclaim_packets),
	KUNIT_CASE(mether_wire_versions),
	KUNIT_CASE(mether_wire_version_ceiling),
	KUNIT_CASE(mether_wire_target_epoch),
	KUNIT_CASE(mether_wire_own_unopened),
	KUNIT_CASE(mether_wire_elsewhere_proofs),
	KUNIT_CASE(mether_wire_counter_cap),
	{}
};

static struct kunit_suite mether_wire_suite = {
	.name = "mether_wire",
	.test_cases = mether_wire_cases,
};

kunit_test_suite(mether_wire_suite);
