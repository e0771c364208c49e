/* One call into one module, with the contract checks around it (deliver.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "crash.h"
#include "deliver.h"

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Appends a copy of text to a record's lines; out of memory loses the line, never the record. */
static void add_line(char ***lines, size_t *n, const char *text)
{
	char **grown = realloc(*lines, (*n + 1) * sizeof(*grown));
	if (!grown)
		return;
	*lines = grown;
	if ((grown[*n] = strdup(text)))
		(*n)++;
}

/*
 * Around every call: the module's key for the calling thread, the
 * contract watching, and the call described for a crash (and for
 * isolation's hooks). n->method is already the call's: XB_CALL_INITIALIZE,
 * _NOTIFY and _UNLOAD are the record's method names.
 */
static void begin(const struct xb_delivery *d, const struct xb_notification *n, LONG kind, LONG context)
{
	xb_engine_set_module_location(d->location);
	xb_engine_set_delivering(kind);
	xb_contract_begin(d->contract, d->engine, context);
	int initialize = !strcmp(n->method, XB_CALL_INITIALIZE);
	xb_crash_enter(&(struct xb_call){.module = n->module, .path = xb_module_path(d->module), .method = n->method,
					 .kind = kind, .event = n->event, .line = n->line, .context = context,
					 .loaded = initialize ? d->module : NULL});
}

/* After it: what the contract saw, and what went wrong outside it in a DLL (a crash, a hang, its host gone). */
static void end(const struct xb_delivery *d, struct xb_notification *n, double start)
{
	n->seconds = now() - start;
	xb_crash_leave();
	xb_contract_end(d->contract, d->engine, n);
	xb_module_take_faults(d->module, &n->violations, &n->nviolations);
	xb_engine_set_delivering(0);
	xb_engine_set_module_location(NULL);
}

HRESULT xb_deliver_initialize(const struct xb_delivery *d, const char *config, LONG *mask,
			      struct xb_notification *n)
{
	LONG got = 0;
	n->method = "Initialize";
	begin(d, n, 0, 0);
	double start = now();
	n->hr = xb_module_initialize(d->module, config, &got);
	end(d, n, start);
	if (FAILED(n->hr))
		got = 0;
	for (size_t w = 0; w < xb_module_warning_count(d->module); w++)
		add_line(&n->warnings, &n->nwarnings, xb_module_warning(d->module, w));
	if (mask)
		*mask = got;
	return n->hr;
}

void xb_deliver_notify(const struct xb_delivery *d, LONG kind, LONG context, struct xb_notification *n)
{
	n->method = "Notify";
	n->kind = kind;
	n->context = context;
	begin(d, n, kind, context);
	double start = now();
	HRESULT called = xb_module_notify(d->module, kind, context, &n->hr);
	end(d, n, start);
	if (FAILED(called))
		n->hr = called;
}

void xb_deliver_unload(const struct xb_delivery *d, struct xb_notification *n)
{
	n->method = "Unload";
	begin(d, n, 0, 0);
	double start = now();
	xb_module_unload(d->module);
	end(d, n, start);
	n->hr = S_OK;
	char text[160];
	ULONG left = xb_module_final_release(d->module);
	if (left != 0) {
		snprintf(text, sizeof(text), "the final Release of ICertExit left %lu reference%s", (unsigned long)left,
			 left == 1 ? "" : "s");
		add_line(&n->violations, &n->nviolations, text);
	}
	if (xb_module_can_unload(d->module) == S_FALSE)
		add_line(&n->violations, &n->nviolations, "DllCanUnloadNow said S_FALSE after the final Release");
}

static void free_lines(char ***lines, size_t *n)
{
	for (size_t i = 0; i < *n; i++)
		free((*lines)[i]);
	free(*lines);
	*lines = NULL;
	*n = 0;
}

void xb_notification_clear(struct xb_notification *n)
{
	free_lines(&n->violations, &n->nviolations);
	free_lines(&n->warnings, &n->nwarnings);
	free_lines(&n->injected, &n->ninjected);
}
