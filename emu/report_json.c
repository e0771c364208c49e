/*
 * The JSON report (report.h): one object with the modules as loaded, every
 * result record and the summary. Its shape is documented in
 * docs/reports.md.
 */
#include <stdlib.h>

#include <jansson.h>

#include "report.h"

struct xb_report_json {
	json_t *root, *modules, *results, *skipped;
};

static json_t *lines(char **items, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, json_string(items[i]));
	return a;
}

static json_t *string_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

static void module_ready(void *ctx, size_t i, const struct xb_module_info *m)
{
	struct xb_report_json *r = ctx;
	char code[XB_HRESULT_BUFSIZE];
	json_t *manage = json_object();
	for (int p = 0; p < XB_MANAGE_PROP_COUNT; p++)
		json_object_set_new(manage, xb_manage_prop_name(p), string_or_null(m->manage[p]));
	json_array_append_new(
		r->modules,
		json_pack("{s:I, s:o, s:o, s:o, s:s, s:o, s:I, s:s, s:o, s:o}", "module", (json_int_t)(i + 1), "path",
			  string_or_null(m->path), "progid", string_or_null(m->progid), "clsid",
			  string_or_null(m->clsid), "interface", m->is_exit2 ? "ICertExit2" : "ICertExit",
			  "description", string_or_null(m->description), "mask", (json_int_t)(ULONG)m->mask,
			  "initialize", xb_hresult_format(m->init_result, code), "registry_location",
			  string_or_null(m->registry_location), "manage", manage));
}

static void notification(void *ctx, const struct xb_notification *n)
{
	struct xb_report_json *r = ctx;
	char kind[32], hex[16];
	snprintf(hex, sizeof(hex), "0x%08lX", (unsigned long)(ULONG)n->hr);
	json_t *o = json_pack("{s:I, s:s, s:I, s:I, s:o, s:I, s:s, s:o, s:f, s:I, s:o, s:o}", "module",
			      (json_int_t)(n->module + 1), "method", n->method, "event", (json_int_t)n->event, "line",
			      (json_int_t)n->line, "kind",
			      n->kind ? json_string(xb_report_kind_name(n->kind, kind)) : json_null(), "context",
			      (json_int_t)n->context, "hr", hex, "hr_name", string_or_null(xb_hresult_name(n->hr)), "ms",
			      n->seconds * 1e3, "calls", (json_int_t)n->calls, "violations",
			      lines(n->violations, n->nviolations), "warnings", lines(n->warnings, n->nwarnings));
	json_object_set_new(o, "injected", lines(n->injected, n->ninjected));
	if (n->nbacktrace)
		json_object_set_new(o, "backtrace", lines(n->backtrace, n->nbacktrace));
	json_array_append_new(r->results, o);
}

static void skipped(void *ctx, const xb_error *err)
{
	struct xb_report_json *r = ctx;
	json_array_append_new(r->skipped, json_pack("{s:s, s:i, s:i, s:s}", "file", err->source, "line", err->line,
						    "column", err->column, "message", err->text));
}

struct xb_report_json *xb_report_json_new(const char *trace, struct xb_replay_sink *sink)
{
	struct xb_report_json *r = calloc(1, sizeof(*r));
	if (!r)
		return NULL;
	r->modules = json_array();
	r->results = json_array();
	r->skipped = json_array();
	r->root = json_pack("{s:s, s:i, s:s}", "exitbench", xb_version(), "format", 1, "trace", trace);
	if (!r->root || !r->modules || !r->results || !r->skipped) {
		xb_report_json_finish(r, NULL, 0, NULL);
		return NULL;
	}
	sink->ctx = r;
	sink->module_ready = module_ready;
	sink->notification = notification;
	sink->skipped = skipped;
	return r;
}

static json_t *summary_json(const struct xb_replay_summary *s, int strict)
{
	char kind[32];
	json_t *by_kind = json_object();
	for (int i = 0; i < 10; i++)
		if (s->events_by_kind[i])
			json_object_set_new(by_kind, xb_report_kind_name((LONG)1 << i, kind),
					    json_integer((json_int_t)s->events_by_kind[i]));
	json_t *o = json_pack("{s:I, s:o, s:I, s:I, s:I, s:I, s:I, s:I, s:f, s:b, s:I}", "events",
			      (json_int_t)s->events, "events_by_kind", by_kind, "notifications",
			      (json_int_t)s->notifications, "failures", (json_int_t)s->failures, "violations",
			      (json_int_t)s->violations, "warnings", (json_int_t)s->warnings, "skipped",
			      (json_int_t)s->skipped, "blank_lines", (json_int_t)s->blank_lines, "seconds", s->seconds,
			      "passed", xb_report_passed(s, strict), "injected", (json_int_t)s->injected);
	/* The seed as a string: JSON numbers lose precision beyond 2^53. */
	char seed[24];
	snprintf(seed, sizeof(seed), "%llu", (unsigned long long)s->inject_seed);
	if (o && s->inject_random)
		json_object_set_new(o, "inject_seed", json_string(seed));
	if (o && s->not_delivered)
		json_object_set_new(o, "not_delivered", json_integer((json_int_t)s->not_delivered));
	return o;
}

int xb_report_json_finish(struct xb_report_json *r, const struct xb_replay_summary *s, int strict, FILE *out)
{
	int rc = 0;
	if (out && r->root) {
		json_object_set(r->root, "modules", r->modules);
		json_object_set(r->root, "results", r->results);
		json_object_set(r->root, "skipped", r->skipped);
		json_object_set_new(r->root, "summary", summary_json(s, strict));
		rc = json_dumpf(r->root, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		if (rc == 0)
			rc = fputc('\n', out) == EOF ? -1 : 0;
	}
	json_decref(r->root);
	json_decref(r->modules);
	json_decref(r->results);
	json_decref(r->skipped);
	free(r);
	return rc;
}
