/*
 * Crash and hang isolation (exitbench replay --isolate, --timeout MS):
 * every module runs in a child process of its own, so that a segfault, an
 * abort or a call that never returns becomes a failed result record
 * instead of the end of the replay.
 *
 * Each child is forked once the options are parsed; it loads its module,
 * builds its own engine over the trace and replays it as xb_replay_run
 * does for that module alone (options.only_module), streaming every result
 * to the parent over a pipe, one JSON line each, and saying before each
 * call into the module which call it is starting. The parent merges the
 * children's results into the order a replay without isolation reports
 * (Initialize of each module in module order, then each event's records
 * in module order, then the end-of-trace shutdown, then the unloads) and
 * hands them to the sink.
 *
 * When a child dies, the call it was in gets a failed record:
 *   hr XB_E_MODULE_CRASHED, "the module crashed: signal 11 (Segmentation
 *   fault)" and the crashing thread's backtrace (record.backtrace);
 *   hr XB_E_MODULE_TIMEOUT, "the module did not return from Notify within
 *   N ms" and the hung thread's backtrace, when options.timeout_ms ran out.
 * The dead module gets no further event; the Notify calls it would have
 * had are counted in summary.not_delivered, and it has no Unload record.
 * docs/harness.md ("Crash and hang isolation") has the details.
 */
#ifndef XB_EMU_ISOLATE_H
#define XB_EMU_ISOLATE_H

#include "replay.h"

/* The hr of a call during which the module's process died (a crash, abort(), exit()). */
#define XB_E_MODULE_CRASHED HRESULT_FROM_WIN32(ERROR_PROCESS_ABORTED)
/* The hr of a call that did not return within options.timeout_ms. */
#define XB_E_MODULE_TIMEOUT HRESULT_FROM_WIN32(ERROR_TIMEOUT)

/*
 * xb_replay_run with every module in a process of its own; xb_replay_run
 * calls it when options.isolate or options.timeout_ms is set. Returns as
 * xb_replay_run does; also E_FAIL with err set when a process or pipe
 * cannot be made.
 */
HRESULT xb_isolate_run(const struct xb_replay_options *opts, const struct xb_replay_sink *sink,
		       struct xb_replay_summary *summary, xb_error *err);

#endif
