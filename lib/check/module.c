/*
 * Modules under test (exitbench/check.h): loaded and delivered to through
 * the engine's loader and emu/deliver.c, exactly as `exitbench replay`
 * does, with one result per call into the module.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "checklib_private.h"
#include "event.h"

/* The result the test's thread is filling in, if it is calling into a module. */
static _Thread_local struct xb_check_result *recording;

/* The server calls a module reads a value with: the ones xb_check_result_read counts. */
static const char *const reading_methods[] = {
	"GetRequestProperty",
	"GetCertificateProperty",
	"GetRequestAttribute",
	"GetCertificateExtension",
};

static int is_read(const char *method)
{
	for (size_t i = 0; i < sizeof(reading_methods) / sizeof(reading_methods[0]); i++)
		if (!strcmp(method, reading_methods[i]))
			return 1;
	return 0;
}

/* One call into r's list; out of memory loses the line, never the delivery. */
static void record_call(struct xb_check_result *r, const struct xb_server_call *call)
{
	if (r->ncalls == r->cap) {
		size_t cap = r->cap ? 2 * r->cap : 8;
		struct call *grown = realloc(r->calls, cap * sizeof(*grown));
		if (!grown)
			return;
		r->calls = grown;
		r->cap = cap;
	}
	char code[XB_HRESULT_BUFSIZE];
	const char *hr = xb_hresult_format(call->hr, code);
	const char *injected = call->injected ? ", injected" : "";
	struct call *c = &r->calls[r->ncalls];
	if (call->name)
		c->text = xb_checklib_format("%s(%s): %s%s", call->method, call->name, hr, injected);
	else if (!strcmp(call->method, "SetContext"))
		c->text = xb_checklib_format("SetContext(%ld): %s%s", (long)call->context, hr, injected);
	else
		c->text = xb_checklib_format("%s: %s%s", call->method, hr, injected);
	c->name = call->name && is_read(call->method) ? strdup(call->name) : NULL;
	if (c->text)
		r->ncalls++;
	else
		free(c->name);
}

void xb_checklib_observe(void *ctx, const struct xb_server_call *call)
{
	struct xb_check_ca *ca = ctx;
	xb_contract_observe(ca->contract, call);
	/* The contract ignores calls from threads that are not delivering; so does the record. */
	if (recording)
		record_call(recording, call);
}

/* ---- results -------------------------------------------------------------- */

static void result_clear(struct xb_check_result *r)
{
	xb_notification_clear(&r->n);
	for (size_t i = 0; i < r->ncalls; i++) {
		free(r->calls[i].text);
		free(r->calls[i].name);
	}
	free(r->calls);
	memset(r, 0, sizeof(*r));
}

/* A new, empty result at the end of m's list; NULL when out of memory. */
static struct xb_check_result *new_result(struct xb_check_module *m)
{
	if (m->nresults == m->cap) {
		size_t cap = m->cap ? 2 * m->cap : 8;
		struct xb_check_result *grown = realloc(m->results, cap * sizeof(*grown));
		if (!grown)
			return NULL;
		m->results = grown;
		m->cap = cap;
	}
	struct xb_check_result *r = &m->results[m->nresults++];
	memset(r, 0, sizeof(*r));
	return r;
}

static struct xb_delivery delivery_of(const struct xb_check_module *m)
{
	struct xb_delivery d = {m->ca->engine, m->ca->contract, m->m, m->location};
	return d;
}

/* ---- loading ---------------------------------------------------------------- */

static struct xb_check_module *module_new(struct xb_check_ca *ca, const char *given)
{
	struct xb_check_module *m = calloc(1, sizeof(*m));
	if (!m || !(m->given = strdup(given))) {
		free(m);
		return NULL;
	}
	m->ca = ca;
	m->index = ca->nmodules++;
	m->status = E_PENDING;
	m->next = ca->modules;
	ca->modules = m;
	return m;
}

/* A failed load: the module stays, to say why. */
static xb_check_module *load_failed(struct xb_check_module *m, HRESULT hr, char *why)
{
	m->status = hr;
	xb_checklib_set_text(&m->error, why);
	return m;
}

static xb_check_module *load_failed_with(struct xb_check_module *m, const xb_error *err)
{
	char code[XB_HRESULT_BUFSIZE];
	char *text = xb_checklib_error_text(err);
	char *why = xb_checklib_format("%s (%s)", text ? text : "?", xb_hresult_format(err->code, code));
	free(text);
	return load_failed(m, err->code, why);
}

/*
 * The module is activated: the engine it reads (a DLL's calls are answered
 * in its host from this CA's events, with its fault injection), its key,
 * its configuration, then Initialize under the contract checks.
 */
static xb_check_module *initialize(struct xb_check_module *m)
{
	struct xb_check_ca *ca = m->ca;
	const char *name = xb_check_module_name(m);
	char *key_name = xb_checklib_ca_key_name(ca);
	m->location = key_name ? xb_module_registry_key(key_name, name) : NULL;
	free(key_name);
	if (!m->location)
		return load_failed(m, E_OUTOFMEMORY, NULL);
	xb_error err;
	xb_error_init(&err, m->given);
	HRESULT hr = xb_module_set_engine(m->m, ca->engine, &err);
	if (FAILED(hr))
		return load_failed_with(m, &err);
	hr = xb_module_set_registry_location(m->m, m->location);
	if (SUCCEEDED(hr))
		hr = xb_checklib_ca_write_config(ca, name, m->location);
	if (FAILED(hr))
		return load_failed(m, hr, xb_checklib_format("cannot write the module's configuration: %s",
							     ca->error ? ca->error : "out of memory"));
	struct xb_check_result scratch = {0}, *r = new_result(m);
	struct xb_delivery d = delivery_of(m);
	recording = r ? r : &scratch;
	recording->n.module = m->index;
	hr = xb_deliver_initialize(&d, ca->name, &m->mask, &recording->n);
	recording = NULL;
	result_clear(&scratch);
	m->status = SUCCEEDED(hr) ? S_OK : hr;
	return m;
}

XB_EXPORT xb_check_module *xb_check_module_load(xb_check_ca *ca, const char *path, const char *progid)
{
	if (!ca || !path)
		return NULL;
	struct xb_check_module *m = module_new(ca, path);
	if (!m)
		return NULL;
	HRESULT hr = xb_checklib_ca_start(ca);
	if (FAILED(hr))
		return load_failed(m, hr, xb_checklib_format("the CA cannot start: %s", ca->error ? ca->error : "?"));
	struct xb_module_spec spec = {.path = path, .progid = progid};
	xb_error err;
	xb_error_init(&err, NULL);
	hr = xb_module_load(&spec, &m->m, &err);
	return FAILED(hr) ? load_failed_with(m, &err) : initialize(m);
}

XB_EXPORT xb_check_module *xb_check_module_from_factory(xb_check_ca *ca, IClassFactory *factory,
							const CLSID *clsid)
{
	if (!ca || !factory || !clsid)
		return NULL;
	OLECHAR wide[40];
	char text[40];
	StringFromGUID2(clsid, wide, 40);
	for (int i = 0; i < 40; i++)
		text[i] = (char)wide[i]; /* braced GUID text is ASCII */
	struct xb_check_module *m = module_new(ca, text);
	if (!m)
		return NULL;
	HRESULT hr = xb_checklib_ca_start(ca);
	if (FAILED(hr))
		return load_failed(m, hr, xb_checklib_format("the CA cannot start: %s", ca->error ? ca->error : "?"));
	hr = CoRegisterClassObject(clsid, (IUnknown *)factory, CLSCTX_INPROC_SERVER, REGCLS_MULTIPLEUSE, &m->cookie);
	if (FAILED(hr))
		return load_failed(m, hr, xb_checklib_format("CoRegisterClassObject(%s) failed", text));
	m->registered = 1;
	xb_error err;
	xb_error_init(&err, text);
	hr = xb_module_activate_class(clsid, NULL, &m->m, &err);
	return FAILED(hr) ? load_failed_with(m, &err) : initialize(m);
}

/* ---- delivering --------------------------------------------------------------- */

/* Notify was not called: why, for the expectation; returns hr. */
static HRESULT refuse(struct xb_check_module *m, HRESULT hr, char *why)
{
	xb_checklib_set_text(&m->refusal, why ? why : strdup("out of memory"));
	return hr;
}

static char *error_line(const char *what, const xb_error *err)
{
	char *text = xb_checklib_error_text(err);
	char *line = xb_checklib_format("%s: %s", what, text ? text : "?");
	free(text);
	return line;
}

XB_EXPORT HRESULT xb_check_notify(xb_check_module *m, xb_check_event *ev)
{
	if (!m || !ev)
		return E_INVALIDARG;
	xb_checklib_set_text(&m->refusal, NULL);
	struct xb_check_ca *ca = m->ca;
	LONG kind = ev->given.kind;
	const char *kind_name = xb_event_kind_name(kind);
	if (m->unloaded)
		return refuse(m, E_UNEXPECTED, xb_checklib_format("the module was unloaded: Notify was not called"));
	if (!m->m || FAILED(m->status))
		return refuse(m, E_UNEXPECTED, xb_checklib_format("the module did not load or initialize: Notify was not called"));
	if (ev->error_hr != S_OK)
		return refuse(m, ev->error_hr, xb_checklib_format("the event cannot be delivered: %s", xb_check_event_error(ev)));
	if (!(m->mask & kind))
		return refuse(m, S_FALSE, xb_checklib_format("the event mask 0x%X does not select %s: Notify was not called",
							     (unsigned)m->mask, kind_name));
	struct xb_event fresh;
	xb_error err;
	xb_error_init(&err, NULL);
	HRESULT hr = xb_checklib_event_copy(ev, &fresh);
	if (FAILED(hr))
		return refuse(m, hr, NULL);
	/* Derived now, on a copy: the engine then serves it as is, and the test's event stays as set. */
	hr = xb_event_validate(&fresh, NULL, &err);
	if (SUCCEEDED(hr))
		hr = xb_event_derive(&fresh, &err);
	if (FAILED(hr)) {
		xb_event_free(&fresh);
		return refuse(m, hr, error_line("the event's values cannot be derived", &err));
	}
	LONG context = 0;
	hr = xb_checklib_ca_take_pending(ca, &fresh);
	if (SUCCEEDED(hr))
		hr = xb_engine_begin_event(ca->engine, &fresh, &context, &err);
	if (FAILED(hr)) {
		xb_event_free(&fresh);
		return refuse(m, hr, error_line("the CA cannot take the event", &err));
	}
	struct xb_check_result scratch = {0}, *r = new_result(m);
	struct xb_delivery d = delivery_of(m);
	recording = r ? r : &scratch;
	recording->n.module = m->index;
	recording->n.event = ++ca->deliveries;
	xb_deliver_notify(&d, kind, context, &recording->n);
	hr = recording->n.hr;
	recording = NULL;
	result_clear(&scratch);
	xb_engine_end_event(ca->engine, context);
	xb_engine_take_error(ca->engine, NULL); /* derived beforehand: nothing can be left to fail */
	xb_event_free(&fresh);
	return hr;
}

XB_EXPORT void xb_check_module_unload(xb_check_module *m)
{
	if (!m || m->unloaded)
		return;
	m->unloaded = 1;
	if (m->m) {
		struct xb_check_result scratch = {0}, *r = new_result(m);
		struct xb_delivery d = delivery_of(m);
		recording = r ? r : &scratch;
		recording->n.module = m->index;
		xb_deliver_unload(&d, &recording->n);
		recording = NULL;
		result_clear(&scratch);
	}
	if (m->registered)
		CoRevokeClassObject(m->cookie);
	m->registered = 0;
}

XB_EXPORT void xb_check_module_free(xb_check_module *m)
{
	if (!m)
		return;
	xb_check_module_unload(m);
	for (struct xb_check_module **p = &m->ca->modules; *p; p = &(*p)->next) {
		if (*p == m) {
			*p = m->next;
			break;
		}
	}
	xb_module_free(m->m);
	for (size_t i = 0; i < m->nresults; i++)
		result_clear(&m->results[i]);
	free(m->results);
	free(m->given);
	free(m->error);
	free(m->location);
	free(m->refusal);
	free(m->why);
	free(m);
}

/* ---- what the module is ------------------------------------------------------- */

XB_EXPORT HRESULT xb_check_module_status(const xb_check_module *m)
{
	if (!m)
		return E_INVALIDARG;
	return m->unloaded ? E_UNEXPECTED : m->status;
}

XB_EXPORT const char *xb_check_module_error(const xb_check_module *m)
{
	return m ? m->error : NULL;
}

XB_EXPORT const char *xb_check_module_name(const xb_check_module *m)
{
	if (!m)
		return NULL;
	if (m->m)
		return xb_module_progid(m->m) ? xb_module_progid(m->m) : xb_module_clsid(m->m);
	return m->given;
}

XB_EXPORT const char *xb_check_module_description(const xb_check_module *m)
{
	return m && m->m ? xb_module_description(m->m) : NULL;
}

XB_EXPORT LONG xb_check_module_mask(const xb_check_module *m)
{
	return m ? m->mask : 0;
}

/* ---- results ---------------------------------------------------------------- */

XB_EXPORT size_t xb_check_result_count(const xb_check_module *m)
{
	return m ? m->nresults : 0;
}

XB_EXPORT const xb_check_result *xb_check_result_at(const xb_check_module *m, size_t i)
{
	return m && i < m->nresults ? &m->results[i] : NULL;
}

XB_EXPORT const xb_check_result *xb_check_result_last(const xb_check_module *m)
{
	return m && m->nresults ? &m->results[m->nresults - 1] : NULL;
}

XB_EXPORT const char *xb_check_result_method(const xb_check_result *r)
{
	return r ? r->n.method : NULL;
}

XB_EXPORT LONG xb_check_result_event(const xb_check_result *r)
{
	return r ? r->n.kind : 0;
}

XB_EXPORT LONG xb_check_result_context(const xb_check_result *r)
{
	return r ? r->n.context : 0;
}

XB_EXPORT HRESULT xb_check_result_hr(const xb_check_result *r)
{
	return r ? r->n.hr : E_INVALIDARG;
}

XB_EXPORT double xb_check_result_seconds(const xb_check_result *r)
{
	return r ? r->n.seconds : 0;
}

XB_EXPORT size_t xb_check_result_call_count(const xb_check_result *r)
{
	return r ? r->ncalls : 0;
}

XB_EXPORT const char *xb_check_result_call(const xb_check_result *r, size_t i)
{
	return r && i < r->ncalls ? r->calls[i].text : NULL;
}

XB_EXPORT int xb_check_result_read(const xb_check_result *r, const char *name)
{
	for (size_t i = 0; r && name && i < r->ncalls; i++)
		if (r->calls[i].name && !strcasecmp(r->calls[i].name, name))
			return 1;
	return 0;
}

XB_EXPORT size_t xb_check_result_violation_count(const xb_check_result *r)
{
	return r ? r->n.nviolations : 0;
}

XB_EXPORT const char *xb_check_result_violation(const xb_check_result *r, size_t i)
{
	return r && i < r->n.nviolations ? r->n.violations[i] : NULL;
}

XB_EXPORT size_t xb_check_result_warning_count(const xb_check_result *r)
{
	return r ? r->n.nwarnings : 0;
}

XB_EXPORT const char *xb_check_result_warning(const xb_check_result *r, size_t i)
{
	return r && i < r->n.nwarnings ? r->n.warnings[i] : NULL;
}

XB_EXPORT size_t xb_check_result_injected_count(const xb_check_result *r)
{
	return r ? r->n.ninjected : 0;
}

XB_EXPORT const char *xb_check_result_injected(const xb_check_result *r, size_t i)
{
	return r && i < r->n.ninjected ? r->n.injected[i] : NULL;
}
