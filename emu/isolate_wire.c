/* The lines between an isolated module's process and the replay (isolate_private.h). */
#include <stdlib.h>
#include <string.h>

#include "isolate_private.h"

static json_t *string_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

static json_t *lines(char **items, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; a && i < n; i++)
		json_array_append_new(a, json_string(items[i]));
	return a;
}

/* HRESULTs, masks and kinds travel as their unsigned 32 bits. */
static json_t *bits(LONG v)
{
	return json_integer((json_int_t)(ULONG)v);
}

static LONG bits_of(json_t *o, const char *key)
{
	return (LONG)(ULONG)json_integer_value(json_object_get(o, key));
}

static size_t size_of(json_t *o, const char *key)
{
	json_int_t v = json_integer_value(json_object_get(o, key));
	return v > 0 ? (size_t)v : 0;
}

static const char *text_of(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key)); /* NULL for null or absent */
}

const char *xb_wire_method(const char *text)
{
	static const char *const methods[] = {XB_CALL_LOAD, XB_CALL_INITIALIZE, XB_CALL_NOTIFY, XB_CALL_UNLOAD};
	for (size_t i = 0; text && i < sizeof(methods) / sizeof(methods[0]); i++)
		if (!strcmp(text, methods[i]))
			return methods[i];
	return NULL;
}

json_t *xb_wire_call(unsigned long seq, const struct xb_call *call)
{
	return json_pack("{s:I, s:s, s:I, s:I, s:o, s:o}", "seq", (json_int_t)seq, "method", call->method, "event",
			 (json_int_t)call->event, "line", (json_int_t)call->line, "kind", bits(call->kind), "context",
			 bits(call->context));
}

json_t *xb_wire_info(const struct xb_module_info *m)
{
	json_t *manage = json_array();
	for (int p = 0; manage && p < XB_MANAGE_PROP_COUNT; p++)
		json_array_append_new(manage, string_or_null(m->manage[p]));
	json_t *warnings = json_array();
	for (size_t i = 0; warnings && i < m->nwarnings; i++)
		json_array_append_new(warnings, json_string(m->warnings[i]));
	return json_pack("{s:o, s:o, s:o, s:b, s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "path", string_or_null(m->path),
			 "progid", string_or_null(m->progid), "clsid", string_or_null(m->clsid), "exit2",
			 m->is_exit2, "description", string_or_null(m->description), "mask", bits(m->mask),
			 "undefined_mask", bits(m->undefined_mask), "init", bits(m->init_result), "location",
			 string_or_null(m->registry_location), "manage", manage, "warnings", warnings);
}

int xb_wire_info_read(json_t *o, struct xb_wire_info *out)
{
	memset(out, 0, sizeof(*out));
	if (!json_is_object(o))
		return -1;
	out->json = json_incref(o);
	struct xb_module_info *m = &out->info;
	m->path = text_of(o, "path");
	m->progid = text_of(o, "progid");
	m->clsid = text_of(o, "clsid");
	m->is_exit2 = json_is_true(json_object_get(o, "exit2"));
	m->description = text_of(o, "description");
	m->mask = bits_of(o, "mask");
	m->undefined_mask = bits_of(o, "undefined_mask");
	m->init_result = bits_of(o, "init");
	m->registry_location = text_of(o, "location");
	json_t *manage = json_object_get(o, "manage");
	for (int p = 0; p < XB_MANAGE_PROP_COUNT; p++)
		m->manage[p] = json_string_value(json_array_get(manage, (size_t)p));
	json_t *warnings = json_object_get(o, "warnings");
	size_t n = json_array_size(warnings);
	if (n && (out->warnings = calloc(n, sizeof(*out->warnings)))) {
		for (size_t i = 0; i < n; i++)
			if ((out->warnings[m->nwarnings] = json_string_value(json_array_get(warnings, i))))
				m->nwarnings++;
		m->warnings = out->warnings;
	}
	return 0;
}

void xb_wire_info_free(struct xb_wire_info *w)
{
	json_decref(w->json);
	free(w->warnings);
	memset(w, 0, sizeof(*w));
}

json_t *xb_wire_record(const struct xb_notification *n)
{
	json_t *o = json_pack("{s:I, s:s, s:I, s:I, s:o, s:o, s:o, s:f, s:I}", "module", (json_int_t)n->module,
			      "method", n->method, "event", (json_int_t)n->event, "line", (json_int_t)n->line, "kind",
			      bits(n->kind), "context", bits(n->context), "hr", bits(n->hr), "seconds", n->seconds,
			      "calls", (json_int_t)n->calls);
	if (o) {
		json_object_set_new(o, "violations", lines(n->violations, n->nviolations));
		json_object_set_new(o, "warnings", lines(n->warnings, n->nwarnings));
		json_object_set_new(o, "injected", lines(n->injected, n->ninjected));
		json_object_set_new(o, "backtrace", lines(n->backtrace, n->nbacktrace));
	}
	return o;
}

/* A record's lines back into malloc'd strings; what does not fit in memory is lost, not the record. */
static void read_lines(json_t *a, char ***items, size_t *n)
{
	*items = NULL;
	*n = 0;
	size_t count = json_array_size(a);
	if (!count || !(*items = calloc(count, sizeof(**items))))
		return;
	for (size_t i = 0; i < count; i++) {
		const char *s = json_string_value(json_array_get(a, i));
		if (s && ((*items)[*n] = strdup(s)))
			(*n)++;
	}
}

int xb_wire_record_read(json_t *o, struct xb_notification *n)
{
	memset(n, 0, sizeof(*n));
	const char *method = xb_wire_method(text_of(o, "method"));
	if (!method)
		return -1;
	n->module = size_of(o, "module");
	n->method = method;
	n->event = size_of(o, "event");
	n->line = size_of(o, "line");
	n->kind = bits_of(o, "kind");
	n->context = bits_of(o, "context");
	n->hr = bits_of(o, "hr");
	n->seconds = json_number_value(json_object_get(o, "seconds"));
	n->calls = size_of(o, "calls");
	read_lines(json_object_get(o, "violations"), &n->violations, &n->nviolations);
	read_lines(json_object_get(o, "warnings"), &n->warnings, &n->nwarnings);
	read_lines(json_object_get(o, "injected"), &n->injected, &n->ninjected);
	read_lines(json_object_get(o, "backtrace"), &n->backtrace, &n->nbacktrace);
	return 0;
}

json_t *xb_wire_error(HRESULT hr, const xb_error *err)
{
	return json_pack("{s:o, s:o, s:i, s:i, s:I, s:s, s:s}", "hr", bits(hr), "code", bits(err->code), "line",
			 err->line, "column", err->column, "position", (json_int_t)err->position, "source",
			 err->source, "text", err->text);
}

HRESULT xb_wire_error_read(json_t *o, xb_error *err)
{
	xb_error_init(err, text_of(o, "source"));
	err->code = bits_of(o, "code");
	err->line = (int)json_integer_value(json_object_get(o, "line"));
	err->column = (int)json_integer_value(json_object_get(o, "column"));
	err->position = size_of(o, "position");
	snprintf(err->text, sizeof(err->text), "%s", text_of(o, "text") ? text_of(o, "text") : "");
	return bits_of(o, "hr");
}

json_t *xb_wire_summary(const struct xb_replay_summary *s)
{
	json_t *by_kind = json_array();
	for (int i = 0; by_kind && i < 10; i++)
		json_array_append_new(by_kind, json_integer((json_int_t)s->events_by_kind[i]));
	return json_pack("{s:I, s:o, s:I, s:I}", "events", (json_int_t)s->events, "by_kind", by_kind, "skipped",
			 (json_int_t)s->skipped, "blank_lines", (json_int_t)s->blank_lines);
}

void xb_wire_summary_read(json_t *o, struct xb_replay_summary *s)
{
	s->events = size_of(o, "events");
	json_t *by_kind = json_object_get(o, "by_kind");
	for (int i = 0; i < 10; i++) {
		json_int_t v = json_integer_value(json_array_get(by_kind, (size_t)i));
		s->events_by_kind[i] = v > 0 ? (size_t)v : 0;
	}
	s->skipped = size_of(o, "skipped");
	s->blank_lines = size_of(o, "blank_lines");
}
