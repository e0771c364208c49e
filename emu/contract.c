/* The per-delivery contract checks (contract.h). */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "contract.h"

/* A BSTR handed to the module and not yet freed, and who handed it out. */
struct handed {
	const void *bstr;
	char what[160]; /* "GetCertificateProperty(SerialNumber)" */
};

/* At most this many protocol lines per delivery; the rest are counted. */
#define MAX_PROTOCOL 16

struct xb_contract {
	pthread_mutex_t lock;
	struct handed *items;
	size_t n, cap;
	size_t calls;
	long servers_before;
	LONG context;                       /* the delivery's Notify context */
	char protocol[MAX_PROTOCOL][192];   /* calls that broke the documented protocol */
	size_t nprotocol;
	char injected[MAX_PROTOCOL][192];   /* faults injected into the module's calls */
	size_t ninjected;
};

/* The hook: a free of a BSTR we handed out settles it. */
static void on_free(void *ctx, xb_alloc_kind kind, const void *block, const char *tag)
{
	(void)tag;
	struct xb_contract *c = ctx;
	if (kind != XB_ALLOC_BSTR)
		return;
	pthread_mutex_lock(&c->lock);
	for (size_t i = c->n; i-- > 0;) {
		if (c->items[i].bstr == block) {
			c->items[i] = c->items[--c->n];
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
	pthread_mutex_destroy(&c->lock);
	free(c->items);
	free(c);
}

/*
 * A call the documented protocol does not allow: the server only answers
 * E_UNEXPECTED (no SetContext, a stale context, an enumeration not set up),
 * E_INVALIDARG (a wrong PropertyType, an unknown context, non-zero Flags)
 * and E_POINTER (a NULL out pointer) to misuse. SetContext with another
 * event's context is misuse too, though the server accepts it.
 */
static void check_protocol(struct xb_contract *c, const struct xb_server_call *call)
{
	const char *why = NULL;
	if (call->injected)
		return; /* the engine's doing, not the module's */
	char code[XB_HRESULT_BUFSIZE];
	if (call->hr == E_UNEXPECTED || call->hr == E_INVALIDARG || call->hr == E_POINTER)
		why = xb_hresult_format(call->hr, code);
	else if (!strcmp(call->method, "SetContext") && call->context && call->context != c->context)
		why = "not the context of the Notify being delivered";
	if (!why)
		return;
	if (c->nprotocol < MAX_PROTOCOL) {
		char *line = c->protocol[c->nprotocol];
		if (call->name)
			snprintf(line, 192, "%s(%s) broke the protocol: %s", call->method, call->name, why);
		else if (!strcmp(call->method, "SetContext"))
			snprintf(line, 192, "SetContext(%ld) broke the protocol: %s", (long)call->context, why);
		else
			snprintf(line, 192, "%s broke the protocol: %s", call->method, why);
	}
	c->nprotocol++;
}

void xb_contract_observe(struct xb_contract *c, const struct xb_server_call *call)
{
	pthread_mutex_lock(&c->lock);
	c->calls++;
	check_protocol(c, call);
	if (call->injected) {
		char code[XB_HRESULT_BUFSIZE];
		if (c->ninjected < MAX_PROTOCOL)
			snprintf(c->injected[c->ninjected], sizeof(c->injected[0]), "%s(%s): %s", call->method,
				 call->name ? call->name : "", xb_hresult_format(call->hr, code));
		c->ninjected++;
	}
	if (call->bstr) {
		if (c->n == c->cap) {
			size_t cap = c->cap ? 2 * c->cap : 16;
			struct handed *grown = realloc(c->items, cap * sizeof(*grown));
			if (grown) {
				c->items = grown;
				c->cap = cap;
			}
		}
		if (c->n < c->cap) {
			struct handed *h = &c->items[c->n++];
			h->bstr = call->bstr;
			snprintf(h->what, sizeof(h->what), "%s(%s)", call->method, call->name ? call->name : "");
		}
	}
	pthread_mutex_unlock(&c->lock);
}

void xb_contract_begin(struct xb_contract *c, struct xb_engine *engine, LONG context)
{
	pthread_mutex_lock(&c->lock);
	c->calls = 0;
	c->n = 0;
	c->nprotocol = 0;
	c->ninjected = 0;
	c->context = context;
	c->servers_before = xb_engine_live_servers(engine);
	pthread_mutex_unlock(&c->lock);
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

HRESULT xb_contract_end(struct xb_contract *c, struct xb_engine *engine, struct xb_notification *n)
{
	HRESULT hr = S_OK;
	pthread_mutex_lock(&c->lock);
	n->calls = c->calls;
	char ***lines = &n->violations;
	size_t *count = &n->nviolations;
	for (size_t i = 0; i < c->nprotocol && i < MAX_PROTOCOL && SUCCEEDED(hr); i++)
		hr = add_line(lines, count, "%s", c->protocol[i]);
	if (c->nprotocol > MAX_PROTOCOL && SUCCEEDED(hr))
		hr = add_line(lines, count, "%zu more calls broke the protocol", c->nprotocol - MAX_PROTOCOL);
	for (size_t i = 0; i < c->n && SUCCEEDED(hr); i++)
		hr = add_line(lines, count, "the BSTR returned by %s was not freed", c->items[i].what);
	c->n = 0;
	long alive = xb_engine_live_servers(engine) - c->servers_before;
	if (alive > 0 && SUCCEEDED(hr))
		hr = add_line(lines, count, "%ld ICertServerExit object%s created and not released", alive,
			      alive == 1 ? " was" : "s were");
	for (size_t i = 0; i < c->ninjected && i < MAX_PROTOCOL && SUCCEEDED(hr); i++)
		hr = add_line(&n->injected, &n->ninjected, "%s", c->injected[i]);
	if (c->ninjected > MAX_PROTOCOL && SUCCEEDED(hr))
		hr = add_line(&n->injected, &n->ninjected, "%zu more faults", c->ninjected - MAX_PROTOCOL);
	/* A module that handles an injected fault fails or goes on cleanly; anything else it did wrong is on it. */
	if (c->ninjected && n->nviolations && SUCCEEDED(hr))
		hr = add_line(lines, count, "the module did not handle the injected fault%s (%s%s)",
			      c->ninjected == 1 ? "" : "s", c->injected[0], c->ninjected > 1 ? ", ..." : "");
	pthread_mutex_unlock(&c->lock);
	return hr;
}
