/* The engine's CA state and its CCertServerExit class (engine.h). */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "ca_props.h"
#include "engine.h"
#include "inject.h"
#include "event.h"

struct flight {
	LONG context;
	struct xb_event *ev;
};

struct xb_engine {
	struct xb_server_factory factory; /* the CCertServerExit class object */
	atomic_long refs;
	pthread_mutex_t lock;
	char *config;
	struct xb_props ca;
	struct flight *flights;
	size_t nflights, cap;
	LONG next_context;
	DWORD cookie;
	xb_error error;
	xb_server_observer observer;
	void *observer_ctx;
	struct xb_injector *injector;
	unsigned long injector_generation;
	atomic_long live_servers;
};

void xb_engine_ref(struct xb_engine *engine)
{
	atomic_fetch_add(&engine->refs, 1);
}

void xb_engine_unref(struct xb_engine *engine)
{
	if (atomic_fetch_sub(&engine->refs, 1) != 1)
		return;
	pthread_mutex_destroy(&engine->lock);
	free(engine->config);
	xb_props_free(&engine->ca);
	free(engine->flights);
	free(engine);
}

HRESULT xb_engine_new(const char *config, const struct xb_props *ca, struct xb_engine **out, xb_error *err)
{
	*out = NULL;
	struct xb_engine *e = calloc(1, sizeof(*e));
	if (!e)
		return E_OUTOFMEMORY;
	xb_server_factory_init(&e->factory, &xb_engine_server_ops, e);
	atomic_init(&e->refs, 1);
	pthread_mutex_init(&e->lock, NULL);
	e->next_context = 1;
	xb_error_init(&e->error, NULL);
	e->config = strdup(config ? config : "");
	HRESULT hr = e->config ? S_OK : E_OUTOFMEMORY;
	if (SUCCEEDED(hr) && ca)
		hr = xb_props_copy(&e->ca, ca);
	if (SUCCEEDED(hr))
		hr = xb_ca_props_derive(&e->ca, e->config, err);
	if (SUCCEEDED(hr))
		hr = CoRegisterClassObject(&CLSID_CCertServerExit, (IUnknown *)&e->factory.IClassFactory_iface,
					   CLSCTX_INPROC_SERVER, REGCLS_MULTIPLEUSE, &e->cookie);
	if (FAILED(hr)) {
		xb_engine_unref(e);
		return hr;
	}
	*out = e;
	return S_OK;
}

void xb_engine_free(struct xb_engine *engine)
{
	if (!engine)
		return;
	CoRevokeClassObject(engine->cookie);
	pthread_mutex_lock(&engine->lock);
	engine->nflights = 0;
	pthread_mutex_unlock(&engine->lock);
	xb_engine_unref(engine);
}

/* An event's CA updates, checked and completed like the header's. Called with the lock held. */
static HRESULT update_ca(struct xb_engine *engine, const struct xb_event *ev, xb_error *err)
{
	if (!ev->ca.n)
		return S_OK;
	/* Only what changed is checked; the derived values move only with the CA certificates. */
	HRESULT hr = xb_ca_props_check(&ev->ca, err);
	if (SUCCEEDED(hr))
		hr = xb_props_copy(&engine->ca, &ev->ca);
	if (SUCCEEDED(hr) && xb_ca_props_change_certificates(&ev->ca))
		hr = xb_ca_props_derive(&engine->ca, engine->config, err);
	return hr;
}

HRESULT xb_engine_begin_event(struct xb_engine *engine, struct xb_event *ev, LONG *context, xb_error *err)
{
	HRESULT hr = S_OK;
	pthread_mutex_lock(&engine->lock);
	if (!xb_event_has_request(ev->kind)) {
		/* crlissued, shutdown, startup: Notify gets context 0, the CA's (reference §4.3). */
		hr = update_ca(engine, ev, err);
		*context = 0;
		pthread_mutex_unlock(&engine->lock);
		return hr;
	}
	if (engine->nflights == engine->cap) {
		size_t cap = engine->cap ? 2 * engine->cap : 8;
		struct flight *grown = realloc(engine->flights, cap * sizeof(*grown));
		if (grown) {
			engine->flights = grown;
			engine->cap = cap;
		} else {
			hr = E_OUTOFMEMORY;
		}
	}
	if (SUCCEEDED(hr))
		hr = update_ca(engine, ev, err);
	if (SUCCEEDED(hr)) {
		/* Contexts are opaque to modules: never 0, never reused within a run. */
		*context = engine->next_context++;
		if (engine->next_context <= 0)
			engine->next_context = 1;
		engine->flights[engine->nflights].context = *context;
		engine->flights[engine->nflights].ev = ev;
		engine->nflights++;
	}
	pthread_mutex_unlock(&engine->lock);
	return hr;
}

void xb_engine_end_event(struct xb_engine *engine, LONG context)
{
	pthread_mutex_lock(&engine->lock);
	for (size_t i = 0; i < engine->nflights; i++) {
		if (engine->flights[i].context == context) {
			engine->flights[i] = engine->flights[--engine->nflights];
			break;
		}
	}
	pthread_mutex_unlock(&engine->lock);
}

const char *xb_engine_config(const struct xb_engine *engine)
{
	return engine->config;
}

struct xb_event *xb_engine_lock_event(struct xb_engine *engine, LONG context)
{
	pthread_mutex_lock(&engine->lock);
	for (size_t i = 0; i < engine->nflights; i++)
		if (engine->flights[i].context == context)
			return engine->flights[i].ev;
	pthread_mutex_unlock(&engine->lock);
	return NULL;
}

void xb_engine_derive_locked(struct xb_engine *engine, struct xb_event *ev)
{
	if (ev->derived)
		return;
	xb_error err;
	xb_error_init(&err, NULL);
	if (FAILED(xb_event_derive(ev, &err)) && engine->error.code == S_OK) {
		engine->error = err;
		engine->error.line = (int)ev->line;
	}
	/* Once, even when it failed: the error is recorded, and a retry would fail the same way. */
	ev->derived = 1;
}

const struct xb_props *xb_engine_lock_ca(struct xb_engine *engine)
{
	pthread_mutex_lock(&engine->lock);
	return &engine->ca;
}

const struct xb_props *xb_engine_locked_ca(struct xb_engine *engine)
{
	return &engine->ca;
}

void xb_engine_unlock(struct xb_engine *engine)
{
	pthread_mutex_unlock(&engine->lock);
}

HRESULT xb_engine_take_error(struct xb_engine *engine, xb_error *copy)
{
	pthread_mutex_lock(&engine->lock);
	HRESULT hr = engine->error.code;
	if (copy)
		*copy = engine->error;
	xb_error_init(&engine->error, NULL);
	pthread_mutex_unlock(&engine->lock);
	return hr;
}

void xb_engine_set_observer(struct xb_engine *engine, xb_server_observer fn, void *ctx)
{
	pthread_mutex_lock(&engine->lock);
	engine->observer = fn;
	engine->observer_ctx = ctx;
	pthread_mutex_unlock(&engine->lock);
}

void xb_engine_observe(struct xb_engine *engine, const struct xb_server_call *call)
{
	pthread_mutex_lock(&engine->lock);
	xb_server_observer fn = engine->observer;
	void *ctx = engine->observer_ctx;
	pthread_mutex_unlock(&engine->lock);
	if (fn)
		fn(ctx, call);
}

long xb_engine_live_servers(struct xb_engine *engine)
{
	return atomic_load(&engine->live_servers);
}

/* Server objects created minus released on this thread: what one delivery's module did, under concurrency too. */
static _Thread_local long thread_servers;

long xb_engine_thread_servers(void)
{
	return thread_servers;
}

void xb_engine_server_born(struct xb_engine *engine)
{
	atomic_fetch_add(&engine->live_servers, 1);
	thread_servers++;
}

void xb_engine_server_gone(struct xb_engine *engine)
{
	atomic_fetch_sub(&engine->live_servers, 1);
	thread_servers--;
}

static _Thread_local const char *module_location;
static _Thread_local LONG delivering_kind;

void xb_engine_set_delivering(LONG kind)
{
	delivering_kind = kind;
}

void xb_engine_set_module_location(const char *location)
{
	module_location = location;
}

const char *xb_engine_module_location(void)
{
	return module_location;
}

void xb_engine_set_injector(struct xb_engine *engine, struct xb_injector *injector)
{
	/* Across engines, so that a bridge moved to another engine sees a change too. */
	static atomic_ulong generations;
	pthread_mutex_lock(&engine->lock);
	engine->injector = injector;
	engine->injector_generation = atomic_fetch_add(&generations, 1) + 1;
	pthread_mutex_unlock(&engine->lock);
}

struct xb_injector *xb_engine_injector(struct xb_engine *engine, unsigned long *generation)
{
	pthread_mutex_lock(&engine->lock);
	struct xb_injector *injector = engine->injector;
	*generation = engine->injector_generation;
	pthread_mutex_unlock(&engine->lock);
	return injector;
}

HRESULT xb_engine_fault(struct xb_engine *engine, const char *method, const char *name, LONG context)
{
	pthread_mutex_lock(&engine->lock);
	struct xb_injector *injector = engine->injector;
	LONG kind = delivering_kind; /* context 0 (crlissued...): the event being delivered on this thread */
	for (size_t i = 0; injector && context && i < engine->nflights; i++)
		if (engine->flights[i].context == context)
			kind = engine->flights[i].ev->kind;
	pthread_mutex_unlock(&engine->lock);
	return injector ? xb_injector_decide(injector, method, name, kind) : S_OK;
}
