/*
 * What the replay loop's parts share (replay.c: one event at a time;
 * replay_parallel.c: --jobs N). Not for use outside emu/replay*.c.
 */
#ifndef XB_EMU_REPLAY_PRIVATE_H
#define XB_EMU_REPLAY_PRIVATE_H

#include "contract.h"
#include "engine.h"
#include "inject.h"
#include "replay.h"
#include "trace.h"

/* A loaded module and what the replay keeps for it. */
struct loaded {
	struct xb_module *m;
	char *location; /* its ModuleRegistryLocation */
	LONG mask;      /* 0 when Initialize failed: it gets no events */
};

struct run {
	const struct xb_replay_options *opts;
	const struct xb_replay_sink *sink;
	struct xb_replay_summary *summary;
	struct xb_engine *engine;
	struct xb_contract *contract;
	struct xb_injector *injector;
	struct loaded *modules;
	int saw_shutdown;
};

/* Records of one event, kept until it is that event's turn to be reported. */
struct batch {
	struct xb_notification *records;
	size_t n, cap;
};

/*
 * Delivers one event (ordinal: its 1-based place among the trace's events)
 * to every module whose mask has it, one module after another. Records go
 * to batch, or straight to the sink when batch is NULL. A failure (the
 * event is not what a CA would have; a value it could not derive) comes
 * with err naming the trace line. Thread-safe for different events.
 */
HRESULT xb_replay_dispatch(struct run *r, struct xb_event *ev, size_t ordinal, xb_error *err, struct batch *batch);

/* Hands a finished record to the sink, counts it, frees its lines. Not thread-safe: one reporting thread. */
void xb_replay_emit(struct run *r, struct xb_notification *n);

/* Counts an event delivered, by kind. */
void xb_replay_count_event(struct run *r, LONG kind);

/*
 * What a failed event means for the run: 0 to go on (it succeeded, or
 * keep_going skipped and reported it), -1 to stop with *err set from
 * line_err.
 */
int xb_replay_settle(struct run *r, HRESULT hr, const xb_error *line_err, xb_error *err);

/* run_events for --jobs N > 1 (replay_parallel.c). */
HRESULT xb_replay_events_parallel(struct run *r, struct xb_trace *t, xb_error *err);

#endif
