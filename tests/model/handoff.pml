/*
 * The handoff of a page's consistent copy (mether_owner.c), in Promela,
 * for spin. One page, N hosts; host 0 holds the copy at the start. Each
 * host has an inbox (its socket's receive queue); the network loses a
 * packet when an inbox is full, and within budgets it also loses,
 * duplicates and reorders packets, which keeps the state space finite.
 *
 * Checked by tests/model/check.sh (make check):
 *   safety:   no two hosts ever hold the copy, versions only grow (the
 *             asserts), and the newest version always exists somewhere,
 *             held or being handed off (ltl safety);
 *   progress: when host 1 alone asks (-DONLY_ASKER=1), it gets the copy
 *             (ltl progress), under weak fairness, whatever the budgets
 *             lost. With several askers a schedule can keep one host's
 *             inbox full for ever; mether.ko's receive queue is far
 *             deeper than the model's, which is why the model's queue
 *             overflow is not a budgeted loss.
 *   restart:  with -DRESTART host 1 may restart once, losing what it held
 *             (its space is gone) under a new epoch, while packets for
 *             its last life are still on their way: never two holders
 *             (ltl holders; the newest copy may die with the host, which
 *             is for a reclaim to mend).
 * Four mutants show that each check can fail: with -DMUTANT the receiver
 * takes any copy it is handed, without mether_owner_arrived()'s version
 * check (spin must find two holders); with -DMUTANT_NO_RESEND a handoff
 * is never sent again (spin must find the copy stuck after one loss);
 * with -DMUTANT_ACK_UNTAKEN a receiver may ACK a newer copy it did not
 * take, so the giver forgets it (spin must find the newest version lost);
 * with -DRESTART -DMUTANT_NO_BIND packets carry no target epoch, and a
 * handoff to host 1's last life, retransmitted, makes its new life a
 * second holder.
 *
 * Each step names the function of mether_owner.c it stands for.
 */
#ifndef N
#define N		3
#endif
/*
 * Which hosts ask for the copy: all, or with -DONLY_ASKER=h just h; with
 * -DRESTART hosts 1 and 2 (host 0 starts with the copy), which keeps the
 * restarts' state space small.
 */
#ifdef ONLY_ASKER
#define ASKS(h)		((h) == ONLY_ASKER)
#elif defined(RESTART)
#define ASKS(h)		((h) != 0)
#else
#define ASKS(h)		1
#endif
#ifndef MAX_HANDOFFS
#define MAX_HANDOFFS	2	/* handoffs explored: enough for a stale copy */
#endif
#define LOSSES		1
#define DUPLICATES	1
#define REORDERS	1

mtype = { REQUEST, PAGE, ACK };

/*
 * Packets: type, sender, seq, version, epoch: for REQUEST and ACK the
 * sender's, for PAGE its target's (target_epoch, mether_wire.c).
 */
chan inbox[N] = [2] of { mtype, byte, byte, byte, byte };

bool holds[N];		/* consistent.present */
byte version[N];	/* consistent.version */
bool handing[N];	/* handoff_frame != NULL */
byte target[N];		/* handoff_target */
byte seq[N];		/* handoff_seq */
byte handed[N];		/* handoff_version */
byte tepoch[N];		/* handoff_target_epoch */
byte epoch[N];		/* the host's epoch: grows when it restarts */
bool restarted;		/* host 1 restarted (-DRESTART, once) */
byte latest;		/* the newest version any handoff carried */
byte handoffs, losses, duplicates, reorders;
bool started;		/* host 0 holds the copy */

/* mether_net_send_msg(): UDP, so a full receive queue loses it. */
inline send(kind, src, dst, sq, ver, ep)
{
	if
	:: nfull(inbox[dst]) -> inbox[dst] ! kind, src, sq, ver, ep
	:: full(inbox[dst]) -> skip
	:: losses < LOSSES -> losses++
	:: duplicates < DUPLICATES && empty(inbox[dst]) ->
		duplicates++;
		inbox[dst] ! kind, src, sq, ver, ep;
		inbox[dst] ! kind, src, sq, ver, ep
	fi
}

/*
 * mether_wire_parse(): a PAGE for another life of this host is dropped;
 * mether_owner_request() and _acked(): only the life a handoff went to
 * gets it again, or ends it.
 */
#ifdef MUTANT_NO_BIND
#define BOUND(me, ep)	1
#define SAME(a, b)	1
#else
#define BOUND(me, ep)	((ep) == epoch[me])
#define SAME(a, b)	((a) == (b))
#endif

/* mether_owner_request(), holder side: give the copy up, then send it. */
inline give_up(self, asker, ep)
{
	holds[self] = false;
	handing[self] = true;
	target[self] = asker;
	tepoch[self] = ep;
	seq[self]++;
	handed[self] = version[self] + 1;
	version[self] = handed[self];
	assert(handed[self] > latest);	/* versions only grow */
	latest = handed[self];
	handoffs++
}

/* mether_owner_arrived(): take it only if newer than any held; ACK all. */
inline took_copy(self, giver, sq, ver)
{
	if
#ifdef MUTANT
	:: !holds[self] ->
#else
	:: !holds[self] && ver > version[self] ->
#endif
		holds[self] = true;
		version[self] = ver;
		assert(holds[0] + holds[1] + holds[2] <= 1)
#ifdef MUTANT_ACK_UNTAKEN
	:: !holds[self] && ver > version[self] -> skip
#endif
	:: else -> skip
	fi;
	send(ACK, self, giver, sq, ver, epoch[self])
}

proctype host(byte me)
{
	mtype kind;
	byte from, s, v, e, other;

	do
	/*
	 * mether_owner_ask(): a fault needs the copy and asks (again). Like
	 * the retransmission below, it runs on a timer: only when nothing
	 * waits in the inbox, so that fairness delivers what arrived.
	 */
	:: empty(inbox[me]) && ASKS(me) && !holds[me] &&
	   handoffs < MAX_HANDOFFS ->
		atomic {
			/* A broadcast: every other host gets it, or loses it. */
			for (other : 0 .. N - 1) {
				if
				:: other != me ->
					send(REQUEST, me, other, 0, 0, epoch[me])
				:: else -> skip
				fi
			}
			other = 0
		}
#ifndef MUTANT_NO_RESEND
	/* mether_owner_retransmit_work() */
	:: empty(inbox[me]) && handing[me] ->
		atomic {
			send(PAGE, me, target[me], seq[me], handed[me],
			     tepoch[me])
		}
#endif
#ifdef RESTART
	/* metherctl down, up: the space and its copies are gone. */
	:: me == 1 && !restarted ->
		atomic {
			restarted = true;
			holds[me] = false;
			version[me] = 0;
			handing[me] = false;
			epoch[me]++
		}
#endif
	:: inbox[me] ? kind, from, s, v, e ->
		atomic {
			if
			/* mether_owner_request() */
#ifndef MUTANT_NO_RESEND
			:: kind == REQUEST && handing[me] && target[me] == from &&
			   SAME(e, tepoch[me]) ->
				send(PAGE, me, from, seq[me], handed[me],
				     tepoch[me])
#endif
			:: kind == REQUEST && !handing[me] && holds[me] &&
			   handoffs < MAX_HANDOFFS ->
				give_up(me, from, e);
				send(PAGE, me, from, seq[me], handed[me], e)
			/* mether_owner_arrived() */
			:: kind == PAGE && BOUND(me, e) ->
				took_copy(me, from, s, v)
			/* mether_owner_acked() */
			:: kind == ACK && handing[me] && seq[me] == s &&
			   target[me] == from && SAME(e, tepoch[me]) ->
				handing[me] = false
			:: else -> skip
			fi;
			kind = 0; from = 0; s = 0; v = 0; e = 0
		}
	od
}

/* Reordering: a packet goes to the back of its inbox. */
active proctype network()
{
	mtype kind;
	byte i, from, s, v, e;

	do
	:: reorders < REORDERS ->
		atomic {
			select(i : 0 .. N - 1);
			if
			:: nempty(inbox[i]) ->
				inbox[i] ? kind, from, s, v, e;
				inbox[i] ! kind, from, s, v, e;
				reorders++
			:: empty(inbox[i]) -> skip
			fi;
			i = 0; kind = 0; from = 0; s = 0; v = 0; e = 0
		}
	od
}

init
{
	byte i;

	atomic {
		holds[0] = true;
		started = true;
		for (i : 0 .. N - 1) {
			run host(i)
		}
	}
}

/* The newest version is held, or still being handed off: never lost. */
#define latest_exists (!started || \
	(holds[0] && version[0] == latest) || \
	(holds[1] && version[1] == latest) || \
	(holds[2] && version[2] == latest) || \
	(handing[0] && handed[0] == latest) || \
	(handing[1] && handed[1] == latest) || \
	(handing[2] && handed[2] == latest))

ltl safety { [] latest_exists }
ltl holders { [] (holds[0] + holds[1] + holds[2] <= 1) }
ltl progress { <> holds[1] }
