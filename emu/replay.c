/* The replay loop (replay.h). */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "contract.h"
#include "crash.h"
#include "deliver.h"
#include "engine.h"
#include "event.h"
#include "inject.h"
#include "isolate.h"
#include "ca_props.h"
#include "replay_private.h"
#include "trace.h"

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void observe(void *ctx, const struct xb_server_call *call)
{
	xb_contract_observe(ctx, call);
}

void xb_replay_count_event(struct run *r, LONG kind)
{
	r->summary->events++;
	for (int i = 0; i < 10; i++)
		if (kind == (LONG)1 << i)
			r->summary->events_by_kind[i]++;
}

static void free_lines(char **lines, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(lines[i]);
	free(lines);
}

void xb_replay_emit(struct run *r, struct xb_notification *n)
{
	if (!strcmp(n->method, "Notify"))
		r->summary->notifications++;
	if (FAILED(n->hr))
		r->summary->failures++;
	r->summary->violations += n->nviolations;
	r->summary->warnings += n->nwarnings;
	r->summary->injected += n->ninjected;
	if (r->sink && r->sink->notification)
		r->sink->notification(r->sink->ctx, n);
	free_lines(n->violations, n->nviolations);
	free_lines(n->warnings, n->nwarnings);
	free_lines(n->injected, n->ninjected);
	free_lines(n->backtrace, n->nbacktrace);
}

/* Keeps a record for later (a batch) or hands it on now (no batch). */
static void finish(struct run *r, struct xb_notification *n, struct batch *batch)
{
	if (!batch) {
		xb_replay_emit(r, n);
		return;
	}
	if (batch->n == batch->cap) {
		size_t cap = batch->cap ? 2 * batch->cap : 4;
		struct xb_notification *grown = realloc(batch->records, cap * sizeof(*grown));
		if (!grown) {
			xb_replay_emit(r, n); /* out of order rather than lost */
			return;
		}
		batch->records = grown;
		batch->cap = cap;
	}
	batch->records[batch->n++] = *n;
}

/* Module i as deliver.h addresses it. */
static struct xb_delivery delivery(struct run *r, size_t i)
{
	struct xb_delivery d = {r->engine, r->contract, r->modules[i].m, r->modules[i].location};
	return d;
}

/* Delivers one event to one module, with the contract checks around it. */
static void deliver(struct run *r, size_t i, const struct xb_event *ev, size_t ordinal, LONG context,
		    struct batch *batch)
{
	struct xb_notification n = {.module = i, .event = ordinal, .line = ev->line};
	struct xb_delivery d = delivery(r, i);
	xb_deliver_notify(&d, ev->kind, context, &n);
	finish(r, &n, batch);
}

/* Writes the module's --set values, then Initialize, GetDescription, GetManageModule. */
static HRESULT start_module(struct run *r, size_t i, const char *ca_name, const char *config, xb_error *err)
{
	const struct xb_replay_module *spec = &r->opts->modules[i];
	struct loaded *l = &r->modules[i];
	if (r->opts->only_module && r->opts->only_module != i + 1)
		return S_OK; /* another process's module (isolation) */
	xb_crash_enter(&(struct xb_call){.module = i, .path = spec->spec.path, .method = XB_CALL_LOAD});
	HRESULT hr = xb_module_load(&spec->spec, &l->m, err);
	xb_crash_leave();
	if (FAILED(hr))
		return hr;
	const char *name = xb_module_progid(l->m) ? xb_module_progid(l->m) : xb_module_clsid(l->m);
	l->location = spec->spec.registry_location ? strdup(spec->spec.registry_location)
						   : xb_module_registry_key(ca_name, name);
	if (!l->location)
		return E_OUTOFMEMORY;
	xb_module_set_registry_location(l->m, l->location);
	/* A DLL's calls are answered from this engine's snapshots, failed by its --inject rules. */
	hr = xb_module_set_engine(l->m, r->engine, err);
	if (SUCCEEDED(hr))
		hr = xb_settings_write(l->location, spec->settings, spec->nsettings, err);
	if (FAILED(hr))
		return hr;

	struct xb_notification n = {.module = i};
	struct xb_delivery d = delivery(r, i);
	xb_deliver_initialize(&d, config, &l->mask, &n);
	if (r->sink && r->sink->module_ready) {
		struct xb_module_info info;
		xb_module_get_info(l->m, &info);
		r->sink->module_ready(r->sink->ctx, i, &info);
	}
	xb_replay_emit(r, &n);
	return S_OK;
}

/* The final Release: a module whose object or library is still held has broken the contract. */
static void stop_module(struct run *r, size_t i)
{
	struct xb_notification n = {.module = i};
	struct xb_delivery d = delivery(r, i);
	xb_deliver_unload(&d, &n);
	xb_replay_emit(r, &n);
}

HRESULT xb_replay_dispatch(struct run *r, struct xb_event *ev, size_t ordinal, xb_error *err, struct batch *batch)
{
	HRESULT hr = xb_event_validate(ev, r->opts->trace, err);
	if (FAILED(hr))
		return hr;
	LONG context;
	hr = xb_engine_begin_event(r->engine, ev, &context, err);
	if (FAILED(hr)) {
		if (err && err->code == hr && !err->line) {
			err->line = (int)ev->line;
			xb_error_set_source(err, r->opts->trace);
		}
		return hr;
	}
	for (size_t i = 0; i < r->opts->nmodules; i++)
		if (r->modules[i].mask & ev->kind)
			deliver(r, i, ev, ordinal, context, batch);
	xb_engine_end_event(r->engine, context);
	/* A value the engine could not derive when a module asked (lazily) is the trace's fault. */
	xb_error derive;
	hr = xb_engine_take_error(r->engine, &derive);
	if (FAILED(hr) && err && err->code == S_OK) {
		*err = derive;
		xb_error_set_source(err, r->opts->trace);
	}
	return hr;
}

int xb_replay_settle(struct run *r, HRESULT hr, const xb_error *line_err, xb_error *err)
{
	if (SUCCEEDED(hr))
		return 0;
	if (r->opts->keep_going && hr == HRESULT_FROM_WIN32(ERROR_INVALID_DATA)) {
		r->summary->skipped++;
		if (r->sink && r->sink->skipped)
			r->sink->skipped(r->sink->ctx, line_err);
		return 0;
	}
	if (err && err->code == S_OK)
		*err = *line_err;
	return -1;
}

/* Reads and dispatches every event, one at a time; under keep_going a malformed one is reported and skipped. */
static HRESULT run_events(struct run *r, struct xb_trace *t, xb_error *err)
{
	if (r->opts->jobs > 1)
		return xb_replay_events_parallel(r, t, err);
	for (size_t ordinal = 1;; ordinal++) {
		struct xb_event ev;
		xb_error line_err;
		xb_error_init(&line_err, r->opts->trace);
		HRESULT hr = xb_trace_next(t, &ev, &line_err);
		if (hr == S_FALSE)
			return S_OK;
		if (hr == S_OK) {
			r->saw_shutdown |= ev.kind == EXITEVENT_SHUTDOWN;
			hr = xb_replay_dispatch(r, &ev, ordinal, &line_err, NULL);
			if (SUCCEEDED(hr))
				xb_replay_count_event(r, ev.kind);
		}
		xb_event_free(&ev);
		if (xb_replay_settle(r, hr, &line_err, err))
			return hr;
	}
}

/*
 * The CA name the module keys are under: the trace's SanitizedCAName, else
 * the config sanitized as the engine derives SanitizedCAName (ca_props.c),
 * so a recorded trace, which states it, replays under the same key. New string.
 */
static char *ca_name_of(const struct xb_props *ca, const char *config)
{
	const struct xb_prop *p = xb_props_find(ca, "SanitizedCAName");
	if (p && p->value.type == PROPTYPE_STRING && p->value.text[0])
		return strdup(p->value.text);
	return xb_sanitize_ca_name(config);
}

static HRESULT run_modules(struct run *r, struct xb_trace *t, xb_error *err)
{
	const char *config = r->opts->config ? r->opts->config : xb_trace_config(t);
	char *ca_name = ca_name_of(xb_trace_ca(t), config);
	HRESULT hr = ca_name ? S_OK : E_OUTOFMEMORY;
	size_t started = 0;
	for (; started < r->opts->nmodules && SUCCEEDED(hr); started++)
		hr = start_module(r, started, ca_name, config, err);
	if (SUCCEEDED(hr))
		hr = run_events(r, t, err);
	/* As at a CA service stop: shutdown to those who asked, unless the trace had one. */
	if (SUCCEEDED(hr) && !r->saw_shutdown) {
		struct xb_event shutdown = {.kind = EXITEVENT_SHUTDOWN};
		for (size_t i = 0; i < r->opts->nmodules; i++)
			if (r->modules[i].mask & EXITEVENT_SHUTDOWN)
				deliver(r, i, &shutdown, 0, 0, NULL);
	}
	for (size_t i = 0; i < started; i++)
		if (r->modules[i].m && SUCCEEDED(hr))
			stop_module(r, i);
	free(ca_name);
	return hr;
}

/* The engine, with the header's CA properties; an error in them is the header line's. */
static HRESULT new_engine(struct run *r, struct xb_trace *t, xb_error *err)
{
	const char *config = r->opts->config ? r->opts->config : xb_trace_config(t);
	HRESULT hr = xb_engine_new(config, xb_trace_ca(t), &r->engine, err);
	if (FAILED(hr) && err && err->code == hr && !err->line) {
		err->line = 1;
		xb_error_set_source(err, r->opts->trace);
	}
	return hr;
}

HRESULT xb_replay_run(const struct xb_replay_options *opts, const struct xb_replay_sink *sink,
		      struct xb_replay_summary *summary, xb_error *err)
{
	if (opts->isolate || opts->timeout_ms)
		return xb_isolate_run(opts, sink, summary, err);
	memset(summary, 0, sizeof(*summary));
	double start = now();
	struct run r = {.opts = opts, .sink = sink, .summary = summary};
	struct xb_trace *t = NULL;
	HRESULT hr = xb_trace_open(opts->trace, &t, err);
	if (SUCCEEDED(hr))
		hr = (r.modules = calloc(opts->nmodules + 1, sizeof(*r.modules))) ? S_OK : E_OUTOFMEMORY;
	if (SUCCEEDED(hr))
		hr = new_engine(&r, t, err);
	if (SUCCEEDED(hr))
		hr = xb_contract_new(&r.contract);
	if (SUCCEEDED(hr) && opts->ninject) {
		hr = xb_injector_new(opts->inject, opts->ninject, &r.injector, err);
		if (SUCCEEDED(hr)) {
			if (opts->inject_seeded)
				xb_injector_set_seed(r.injector, opts->inject_seed);
			summary->inject_random = xb_injector_random(r.injector);
			summary->inject_seed = xb_injector_seed(r.injector);
			xb_engine_set_injector(r.engine, r.injector);
		}
	}
	if (SUCCEEDED(hr)) {
		xb_engine_set_observer(r.engine, observe, r.contract);
		hr = run_modules(&r, t, err);
		xb_engine_set_observer(r.engine, NULL, NULL);
	}
	if (t)
		summary->blank_lines = xb_trace_blank_lines(t);
	for (size_t i = 0; r.modules && i < opts->nmodules; i++) {
		int unloads = r.modules[i].m && xb_module_can_unload(r.modules[i].m) == E_PENDING; /* a run cut short */
		if (unloads)
			xb_crash_enter(&(struct xb_call){.module = i, .path = xb_module_path(r.modules[i].m),
							 .method = XB_CALL_UNLOAD});
		xb_module_free(r.modules[i].m);
		if (unloads)
			xb_crash_leave();
		free(r.modules[i].location);
	}
	free(r.modules);
	xb_contract_free(r.contract);
	xb_contract_thread_exit();
	if (r.engine)
		xb_engine_set_injector(r.engine, NULL);
	xb_injector_free(r.injector);
	xb_engine_free(r.engine);
	xb_trace_close(t);
	summary->seconds = now() - start;
	return hr;
}
