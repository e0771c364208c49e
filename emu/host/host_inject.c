/*
 * Fault injection in exitbench-host.exe (host.h): the engine's --inject
 * rules, shipped by INJECT, decide the module's server calls here, with
 * the engine's own code (emu/inject.c), so a DLL's calls fail exactly as
 * a .so's would. The host is a process of the module's own: its every=
 * counters and random= generator are the module's alone, as with
 * exitbench replay --isolate, drawing from the seed the engine sent.
 */
#include <stdio.h>

#include "host.h"
#include "inject.h"

/*
 * The rules, and the call into the module in progress: the module's own
 * threads may make server calls at any time, so the rules are swapped
 * under the lock (exclusive) and consulted under it (shared).
 */
static SRWLOCK lock = SRWLOCK_INIT;
static struct xb_injector *rules;
static struct {
	int active;
	DWORD thread; /* the thread in the call */
	LONG kind;    /* the EXITEVENT_* it delivers (0 outside Notify) */
	LONG context; /* its request context, 0 when none */
} call;

void xb_host_inject(const struct xb_bridge_request *q, struct xb_bridge_response *r)
{
	/* Static: the response is sent after this returns. */
	static xb_error err;
	xb_error_init(&err, NULL);
	struct xb_injector *fresh = NULL;
	HRESULT hr = q->nspecs ? xb_injector_new(q->specs, q->nspecs, &fresh, &err) : S_OK;
	if (fresh)
		xb_injector_set_seed(fresh, q->seed);
	/* A refused specification leaves no rule at all rather than the previous ones. */
	AcquireSRWLockExclusive(&lock);
	struct xb_injector *old = rules;
	rules = fresh;
	ReleaseSRWLockExclusive(&lock);
	xb_injector_free(old);
	*r = (struct xb_bridge_response){.type = XB_MSG_INJECT_READY, .hr = hr};
	if (FAILED(hr))
		r->error = err.text[0] ? err.text : "out of memory";
}

void xb_host_inject_begin(LONG kind, LONG context)
{
	AcquireSRWLockExclusive(&lock);
	call.active = 1;
	call.thread = GetCurrentThreadId();
	call.kind = kind;
	call.context = context;
	ReleaseSRWLockExclusive(&lock);
}

void xb_host_inject_end(void)
{
	AcquireSRWLockExclusive(&lock);
	call.active = 0;
	ReleaseSRWLockExclusive(&lock);
}

HRESULT xb_host_fault(void *ctx, const char *method, const char *name, LONG context)
{
	(void)ctx;
	AcquireSRWLockShared(&lock);
	/*
	 * The event kind event= rules match, as xb_engine_fault finds it: the
	 * event of the context the call runs in when that is in flight, else
	 * the one the calling thread is delivering (none for another thread).
	 */
	LONG kind = call.active && (GetCurrentThreadId() == call.thread || (context && context == call.context))
			    ? call.kind
			    : 0;
	HRESULT hr = rules ? xb_injector_decide(rules, method, name, kind) : S_OK;
	ReleaseSRWLockShared(&lock);
	return hr;
}
