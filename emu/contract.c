/* The per-delivery contract checks (contract.h). */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "contract.h"
#include "trace.h"

/* A BSTR handed to the module and not yet freed, and who handed it out. */
struct handed {
	const void *bstr;
	char what[160]; /* "GetCertificateProperty(SerialNumber)" */
};

/* At most this many protocol lines per delivery; the rest are counted. */
#define MAX_PROTOCOL 16

/*
 * One call into a module in progress, on one thread. Deliveries on several
 * threads (concurrent replay) each have their own; server calls find theirs
 * through the calling thread, frees of a BSTR search them all (a module may
 * free on another thread what it got on one).
 */
struct delivery {
	struct delivery *next;              /* in the contract's list of active ones */
	struct handed *items;
	size_t n, cap;
	size_t calls;
	long servers_before;                /* this thread's live server objects at the start */
	LONG context;                       /* the delivery's Notify context */
	char protocol[MAX_PROTOCOL][192];   /* calls that broke the documented protocol */
	size_t nprotocol;
	char injected[MAX_PROTOCOL][192];   /* faults injected into the module's calls */
	size_t ninjected;
};

/*
 * A BSTR a module kept after the call that received it returned. Keeping
 * one is allowed (an ATL module holds it in a CComBSTR member): a warning
 * then, a leak only if it is still not freed when the module is unloaded.
 */
struct retained {
	struct retained *next;
	size_t module;
	const void *bstr;
	char what[160];  /* "GetCertificateProperty(SerialNumber)" */
	char where[96];  /* "Notify certissued (event 2)" */
};

struct xb_contract {
	pthread_mutex_t lock;
	struct delivery *active;
	struct retained *retained;
};

/* The calling thread's delivery, if it is delivering. */
static _Thread_local struct delivery current;
static _Thread_local int delivering;

/* The hook: a free of a BSTR we handed out settles it, whichever delivery handed it out. */
static void on_free(void *ctx, xb_alloc_kind kind, const void *block, const char *tag)
{
	(void)tag;
	struct xb_contract *c = ctx;
	if (kind != XB_ALLOC_BSTR)
		return;
	pthread_mutex_lock(&c->lock);
	for (struct delivery *d = c->active; d; d = d->next) {
		for (size_t i = d->n; i-- > 0;) {
			if (d->items[i].bstr == block) {
				d->items[i] = d->items[--d->n];
				pthread_mutex_unlock(&c->lock);
				return;
			}
		}
	}
	for (struct retained **r = &c->retained; *r; r = &(*r)->next) {
		if ((*r)->bstr == block) {
			struct retained *gone = *r;
			*r = gone->next;
			free(gone);
			break;
		}
	}
	pthread_mutex_unlock(&c->lock);
}

HRESULT xb_contract_new(struct xb_contract **out)
{
	struct xb_contract *c = calloc(1, sizeof(*c));
	if (!c)
		return E_OUTOFMEMORY;
	pthread_mutex_init(&c->lock, NULL);
	xb_alloc_hooks hooks = {NULL, on_free, c};
	xb_alloc_set_hooks(&hooks);
	*out = c;
	return S_OK;
}

void xb_contract_free(struct xb_contract *c)
{
	if (!c)
		return;
	xb_alloc_set_hooks(NULL);
	while (c->retained) {
		struct retained *next = c->retained->next;
		free(c->retained);
		c->retained = next;
	}
	pthread_mutex_destroy(&c->lock);
	free(c);
}

/*
 * A call the documented protocol does not allow: the server only answers
 * E_UNEXPECTED (no SetContext, a stale context, an enumeration not set up),
 * E_INVALIDARG (a wrong PropertyType, an unknown context, non-zero Flags)
 * and E_POINTER (a NULL out pointer) to misuse. SetContext with another
 * event's context is misuse too, though the server accepts it.
 */
static void check_protocol(struct delivery *d, const struct xb_server_call *call)
{
	const char *why = NULL;
	if (call->injected)
		return; /* the engine's doing, not the module's */
	char code[XB_HRESULT_BUFSIZE];
	if (call->hr == E_UNEXPECTED || call->hr == E_INVALIDARG || call->hr == E_POINTER)
		why = xb_hresult_format(call->hr, code);
	else if (!strcmp(call->method, "SetContext") && call->context && call->context != d->context)
		why = "not the context of the Notify being delivered";
	if (!why)
		return;
	if (d->nprotocol < MAX_PROTOCOL) {
		char *line = d->protocol[d->nprotocol];
		if (call->name)
			snprintf(line, 192, "%s(%s) broke the protocol: %s", call->method, call->name, why);
		else if (!strcmp(call->method, "SetContext"))
			snprintf(line, 192, "SetContext(%ld) broke the protocol: %s", (long)call->context, why);
		else
			snprintf(line, 192, "%s broke the protocol: %s", call->method, why);
	}
	d->nprotocol++;
}

/* Remembers a BSTR handed out; the list is the delivery's, but frees come under the contract lock. */
static void hand_out(struct xb_contract *c, struct delivery *d, const struct xb_server_call *call)
{
	pthread_mutex_lock(&c->lock);
	if (d->n == d->cap) {
		size_t cap = d->cap ? 2 * d->cap : 16;
		struct handed *grown = realloc(d->items, cap * sizeof(*grown));
		if (grown) {
			d->items = grown;
			d->cap = cap;
		}
	}
	if (d->n < d->cap) {
		struct handed *h = &d->items[d->n++];
		h->bstr = call->bstr;
		snprintf(h->what, sizeof(h->what), "%s(%s)", call->method, call->name ? call->name : "");
	}
	pthread_mutex_unlock(&c->lock);
}

void xb_contract_observe(struct xb_contract *c, const struct xb_server_call *call)
{
	/* A call from a thread that is not delivering (a module's own thread) has no delivery to charge. */
	if (!delivering)
		return;
	struct delivery *d = &current;
	d->calls++;
	check_protocol(d, call);
	if (call->injected) {
		char code[XB_HRESULT_BUFSIZE];
		if (d->ninjected < MAX_PROTOCOL)
			snprintf(d->injected[d->ninjected], sizeof(d->injected[0]), "%s(%s): %s", call->method,
				 call->name ? call->name : "", xb_hresult_format(call->hr, code));
		d->ninjected++;
	}
	if (call->bstr)
		hand_out(c, d, call);
}

void xb_contract_begin(struct xb_contract *c, struct xb_engine *engine, LONG context)
{
	(void)engine;
	struct delivery *d = &current;
	struct handed *items = d->items;
	size_t cap = d->cap;
	memset(d, 0, sizeof(*d));
	d->items = items; /* kept from this thread's previous delivery */
	d->cap = cap;
	d->context = context;
	d->servers_before = xb_engine_thread_servers();
	pthread_mutex_lock(&c->lock);
	d->next = c->active;
	c->active = d;
	pthread_mutex_unlock(&c->lock);
	delivering = 1;
}

/* Appends a formatted line to *lines. */
static HRESULT add_line(char ***lines, size_t *n, const char *fmt, ...)
{
	char text[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	char **grown = realloc(*lines, (*n + 1) * sizeof(**lines));
	if (!grown)
		return E_OUTOFMEMORY;
	*lines = grown;
	if (!(grown[*n] = strdup(text)))
		return E_OUTOFMEMORY;
	(*n)++;
	return S_OK;
}

/* Where a record's call stands, for a retained BSTR's message: "Notify certissued (event 2)". */
static void describe_call(const struct xb_notification *n, char *buf, size_t size)
{
	const char *kind = n->kind ? xb_event_kind_name(n->kind) : NULL;
	if (kind && n->event)
		snprintf(buf, size, "%s %s (event %zu)", n->method, kind, n->event);
	else if (kind)
		snprintf(buf, size, "%s %s", n->method, kind);
	else
		snprintf(buf, size, "%s", n->method);
}

/*
 * The BSTRs a call left unfreed: kept (a warning) after Initialize or
 * Notify, a leak after the final Release, when the module's BSTRs kept
 * from earlier calls that are still not freed are leaks too.
 */
static HRESULT settle_bstrs(struct xb_contract *c, struct delivery *d, struct xb_notification *n)
{
	HRESULT hr = S_OK;
	int unload = !strcmp(n->method, "Unload");
	char where[96];
	describe_call(n, where, sizeof(where));
	pthread_mutex_lock(&c->lock);
	for (size_t i = 0; i < d->n && SUCCEEDED(hr); i++) {
		if (unload) {
			hr = add_line(&n->violations, &n->nviolations, "the BSTR returned by %s was not freed",
				      d->items[i].what);
			continue;
		}
		struct retained *r = calloc(1, sizeof(*r));
		if (!r) {
			hr = E_OUTOFMEMORY;
			break;
		}
		r->module = n->module;
		r->bstr = d->items[i].bstr;
		snprintf(r->what, sizeof(r->what), "%s", d->items[i].what);
		snprintf(r->where, sizeof(r->where), "%s", where);
		r->next = c->retained;
		c->retained = r;
		hr = add_line(&n->warnings, &n->nwarnings,
			      "the BSTR returned by %s was kept after %s returned (a leak unless freed before unload)",
			      r->what, n->method);
	}
	for (struct retained **r = &c->retained; unload && *r && SUCCEEDED(hr);) {
		if ((*r)->module != n->module) {
			r = &(*r)->next;
			continue;
		}
		struct retained *gone = *r;
		hr = add_line(&n->violations, &n->nviolations, "the BSTR returned by %s in %s was never freed", gone->what,
			      gone->where);
		*r = gone->next;
		free(gone);
	}
	pthread_mutex_unlock(&c->lock);
	return hr;
}

/* Takes d out of the active list (the BSTRs it still holds can no longer be settled). */
static void retire(struct xb_contract *c, struct delivery *d)
{
	pthread_mutex_lock(&c->lock);
	for (struct delivery **p = &c->active; *p; p = &(*p)->next) {
		if (*p == d) {
			*p = d->next;
			break;
		}
	}
	pthread_mutex_unlock(&c->lock);
	delivering = 0;
}

HRESULT xb_contract_end(struct xb_contract *c, struct xb_engine *engine, struct xb_notification *n)
{
	(void)engine;
	struct delivery *d = &current;
	retire(c, d);
	HRESULT hr = S_OK;
	n->calls = d->calls;
	char ***lines = &n->violations;
	size_t *count = &n->nviolations;
	for (size_t i = 0; i < d->nprotocol && i < MAX_PROTOCOL && SUCCEEDED(hr); i++)
		hr = add_line(lines, count, "%s", d->protocol[i]);
	if (d->nprotocol > MAX_PROTOCOL && SUCCEEDED(hr))
		hr = add_line(lines, count, "%zu more calls broke the protocol", d->nprotocol - MAX_PROTOCOL);
	hr = settle_bstrs(c, d, n);
	long alive = xb_engine_thread_servers() - d->servers_before;
	if (alive > 0 && SUCCEEDED(hr))
		hr = add_line(lines, count, "%ld ICertServerExit object%s created and not released", alive,
			      alive == 1 ? " was" : "s were");
	for (size_t i = 0; i < d->ninjected && i < MAX_PROTOCOL && SUCCEEDED(hr); i++)
		hr = add_line(&n->injected, &n->ninjected, "%s", d->injected[i]);
	if (d->ninjected > MAX_PROTOCOL && SUCCEEDED(hr))
		hr = add_line(&n->injected, &n->ninjected, "%zu more faults", d->ninjected - MAX_PROTOCOL);
	/* A module that handles an injected fault fails or goes on cleanly; anything else it did wrong is on it. */
	if (d->ninjected && n->nviolations && SUCCEEDED(hr))
		hr = add_line(lines, count, "the module did not handle the injected fault%s (%s%s)",
			      d->ninjected == 1 ? "" : "s", d->injected[0], d->ninjected > 1 ? ", ..." : "");
	d->n = 0;
	return hr;
}

void xb_contract_thread_exit(void)
{
	free(current.items);
	current.items = NULL;
	current.cap = current.n = 0;
}
