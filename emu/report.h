/*
 * Reporters: sinks for the replay's result records (replay.h). The text
 * reporter prints what a person reads at a terminal; the machine-readable
 * ones (JSON, TAP, JUnit) are in report_*.c. Several can listen to one
 * replay through xb_report_fanout.
 */
#ifndef XB_EMU_REPORT_H
#define XB_EMU_REPORT_H

#include <stdio.h>

#include "replay.h"

/* The text reporter: module lines, every failure and violation, then the summary. */
struct xb_report_text {
	FILE *out;
	FILE *progress;      /* a terminal to keep a progress line on, or NULL */
	int verbose;         /* print every notification, not only the bad ones */
	double last_progress;
	size_t seen;
};
void xb_report_text_sink(struct xb_report_text *t, struct xb_replay_sink *sink);
void xb_report_text_summary(struct xb_report_text *t, const struct xb_replay_summary *s, int strict);

/* Several sinks listening to one replay, in order. */
struct xb_report_fanout {
	const struct xb_replay_sink *sinks[4];
	size_t n;
};
void xb_report_fanout_sink(struct xb_report_fanout *f, struct xb_replay_sink *sink);

/*
 * The machine-readable reporters collect what they need while the replay
 * runs and write their file at the end (TAP streams). Each *_new returns
 * NULL when out of memory; *_finish writes (when out is not NULL) and
 * frees, returning 0 or -1 with errno on a write error.
 */
struct xb_report_json;
struct xb_report_json *xb_report_json_new(const char *trace, struct xb_replay_sink *sink);
int xb_report_json_finish(struct xb_report_json *r, const struct xb_replay_summary *s, int strict, FILE *out);

struct xb_report_junit;
struct xb_report_junit *xb_report_junit_new(const char *trace, int strict, struct xb_replay_sink *sink);
int xb_report_junit_finish(struct xb_report_junit *r, const struct xb_replay_summary *s, FILE *out);

/* TAP version 13 to out as results come, the plan last. */
struct xb_report_tap {
	FILE *out;
	size_t n;
	int strict;
};
void xb_report_tap_sink(struct xb_report_tap *t, struct xb_replay_sink *sink);
void xb_report_tap_finish(struct xb_report_tap *t, const struct xb_replay_summary *s);

/* A result's one-line name: "module 1 Notify certissued (event 2, line 3)". */
void xb_report_record_name(const struct xb_notification *n, char *buf, size_t size);
/* Whether a result is bad: a failure, a violation, or (strict) a warning. */
int xb_report_record_failed(const struct xb_notification *n, int strict);

/* The name of an EXITEVENT_* bit as the trace spells it, or "event 0x..." in buf. */
const char *xb_report_kind_name(LONG kind, char buf[32]);

/* Whether a replay's outcome passes: no failure, no violation (and no warning when strict). */
int xb_report_passed(const struct xb_replay_summary *s, int strict);

#endif
