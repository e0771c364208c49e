/*
 * The expectations behind the ck_assert_* macros (exitbench/check.h):
 * each says, when it does not hold, what a person needs to fix the module
 * — which module, which call, what the CA saw — in one line.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checklib_private.h"

static const char no_module[] = "no module: xb_check_module_load or xb_check_module_from_factory returned NULL";

/* A growing message. Out of memory leaves what fitted. */
struct text {
	char *s;
	size_t len, cap;
};

static void add(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add(struct text *t, const char *fmt, ...)
{
	va_list ap, again;
	va_start(ap, fmt);
	va_copy(again, ap);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n >= 0 && t->len + (size_t)n + 1 > t->cap) {
		size_t cap = 2 * t->cap + (size_t)n + 64;
		char *grown = realloc(t->s, cap);
		if (grown) {
			t->s = grown;
			t->cap = cap;
		}
	}
	if (n >= 0 && t->len + (size_t)n + 1 <= t->cap) {
		vsnprintf(t->s + t->len, t->cap - t->len, fmt, again);
		t->len += (size_t)n;
	}
	va_end(again);
}

/* Keeps the message on the module and returns it. */
static const char *answer(struct xb_check_module *m, struct text *t)
{
	xb_checklib_set_text(&m->why, t->s);
	return m->why ? m->why : "out of memory";
}

/* The module as the CA's event log names it: its description, then its ProgID (or CLSID, or file). */
static void add_module(struct text *t, const struct xb_check_module *m)
{
	const char *description = xb_check_module_description(m);
	if (description)
		add(t, "%s (%s)", description, xb_check_module_name(m));
	else
		add(t, "%s", xb_check_module_name(m));
}

/* "Notify certissued (context 1)", "Initialize", "Unload". */
static void add_call(struct text *t, const struct xb_check_result *r)
{
	if (!r)
		add(t, "the call"); /* its record was lost to a lack of memory */
	else if (r->n.kind)
		add(t, "%s %s (context %ld)", r->n.method, xb_event_kind_name(r->n.kind), (long)r->n.context);
	else
		add(t, "%s", r->n.method);
}

XB_EXPORT const char *xb_check_expect_initialize_ok(xb_check_module *m)
{
	if (!m)
		return no_module;
	struct text t = {0};
	char code[XB_HRESULT_BUFSIZE];
	if (!m->m) {
		add(&t, "%s: cannot load the module: %s", m->given, m->error ? m->error : xb_hresult_format(m->status, code));
		return answer(m, &t);
	}
	if (FAILED(m->status)) {
		add_module(&t, m);
		if (m->error)
			add(&t, ": %s", m->error);
		else
			add(&t, ": Initialize returned %s", xb_hresult_format(m->status, code));
		return answer(m, &t);
	}
	return NULL;
}

XB_EXPORT const char *xb_check_expect_notify_ok(xb_check_module *m, xb_check_event *ev)
{
	if (!m)
		return no_module;
	HRESULT hr = xb_check_notify(m, ev);
	struct text t = {0};
	add_module(&t, m);
	if (!ev) {
		add(&t, ": no event to deliver (NULL)");
		return answer(m, &t);
	}
	if (m->refusal) {
		add(&t, ": %s", m->refusal);
		if (!m->m && m->error)
			add(&t, " (%s)", m->error);
		return answer(m, &t);
	}
	if (FAILED(hr)) {
		char code[XB_HRESULT_BUFSIZE];
		add(&t, ": ");
		add_call(&t, xb_check_result_last(m));
		add(&t, " returned %s", xb_hresult_format(hr, code));
		return answer(m, &t);
	}
	free(t.s);
	return NULL;
}

XB_EXPORT const char *xb_check_expect_no_violations(xb_check_module *m)
{
	if (!m)
		return no_module;
	size_t total = 0;
	for (size_t i = 0; i < m->nresults; i++)
		total += m->results[i].n.nviolations;
	if (!total)
		return NULL;
	struct text t = {0};
	add_module(&t, m);
	add(&t, ": %zu contract violation%s:", total, total == 1 ? "" : "s");
	const char *sep = " ";
	for (size_t i = 0; i < m->nresults; i++) {
		const struct xb_check_result *r = &m->results[i];
		for (size_t v = 0; v < r->n.nviolations; v++) {
			add(&t, "%s", sep);
			add_call(&t, r);
			add(&t, ": %s", r->n.violations[v]);
			sep = "; ";
		}
	}
	return answer(m, &t);
}

XB_EXPORT const char *xb_check_expect_property_read(xb_check_module *m, const char *name)
{
	if (!m)
		return no_module;
	const struct xb_check_result *r = xb_check_result_last(m);
	if (r && name && xb_check_result_read(r, name))
		return NULL;
	struct text t = {0};
	add_module(&t, m);
	if (!name) {
		add(&t, ": no property name given (NULL)");
		return answer(m, &t);
	}
	if (!r) {
		add(&t, ": did not read %s: no call was made into the module", name);
		return answer(m, &t);
	}
	add(&t, " did not read %s during ", name);
	add_call(&t, r);
	if (!r->ncalls)
		add(&t, ": it made no ICertServerExit call");
	for (size_t i = 0; i < r->ncalls; i++)
		add(&t, "%s%s", i ? ", " : "; its calls: ", r->calls[i].text);
	return answer(m, &t);
}
