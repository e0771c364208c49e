/*
 * The snapshot as the backend of CCertServerExit (server_core.h): the
 * values are the snapshot the engine shipped with the call being made;
 * "in flight" is that call's context; derivation only makes visible the
 * values the engine derived beforehand, and notes that the module needed
 * it. The object's semantics are the engine's own code (server_core.c);
 * tests/check_bridge.c still holds the two backends to the same answers,
 * call by call.
 */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "server_core.h"
#include "snapshot_server.h"

struct xb_snap_host {
	struct xb_server_factory factory; /* the CCertServerExit class object */
	atomic_long refs;                 /* the host's own, plus one per server object and factory reference */
	struct xb_snap_hooks hooks;
	const struct xb_snapshot *snap;
	int in_call;   /* snap->context is in flight */
	int derived;   /* the values derivation adds are visible (derivation done or triggered) */
	int triggered; /* a call needed derivation that the engine could not do */
	atomic_long created, released, live;
};

/* ---- the host ------------------------------------------------------------ */

void xb_snap_host_begin(struct xb_snap_host *h, const struct xb_snapshot *snap)
{
	h->snap = snap;
	h->in_call = 1;
	h->derived = !snap->derive_pending;
	h->triggered = 0;
	atomic_store(&h->created, 0);
	atomic_store(&h->released, 0);
}

void xb_snap_host_end(struct xb_snap_host *h)
{
	h->in_call = 0;
}

uint32_t xb_snap_host_created(const struct xb_snap_host *h)
{
	return (uint32_t)atomic_load(&h->created);
}

uint32_t xb_snap_host_released(const struct xb_snap_host *h)
{
	return (uint32_t)atomic_load(&h->released);
}

int xb_snap_host_derive_triggered(const struct xb_snap_host *h)
{
	return h->triggered;
}

long xb_snap_host_live(const struct xb_snap_host *h)
{
	return atomic_load(&h->live);
}

/* ---- the backend ---------------------------------------------------------- */

static void host_ref(void *be)
{
	struct xb_snap_host *h = be;
	atomic_fetch_add(&h->refs, 1);
}

static void host_unref(void *be)
{
	struct xb_snap_host *h = be;
	if (atomic_fetch_sub(&h->refs, 1) == 1)
		free(h);
}

static void host_born(void *be)
{
	struct xb_snap_host *h = be;
	atomic_fetch_add(&h->created, 1);
	atomic_fetch_add(&h->live, 1);
}

static void host_gone(void *be)
{
	struct xb_snap_host *h = be;
	atomic_fetch_add(&h->released, 1);
	atomic_fetch_sub(&h->live, 1);
}

static HRESULT host_fault(void *be, const char *method, const char *name, LONG context)
{
	struct xb_snap_host *h = be;
	return h->hooks.fault ? h->hooks.fault(h->hooks.ctx, method, name, context) : S_OK;
}

/* The call as the protocol logs it (bridge_proto.h), with the BSTR handed out. */
static void host_observe(void *be, const struct xb_server_call *call)
{
	struct xb_snap_host *h = be;
	if (!h->hooks.call)
		return;
	struct xb_call_record record = {.method = (unsigned)xb_bridge_method_index(call->method),
					.context = call->context,
					.name = call->name,
					.type = call->type,
					.hr = call->hr,
					.handed = call->bstr != NULL,
					.injected = call->injected};
	h->hooks.call(h->hooks.ctx, &record, (BSTR)(uintptr_t)call->bstr);
}

/* Only the context of the Notify being made is in flight, and it always has a request. */
static int host_lock_event(void *be, LONG context, struct xb_server_event *out)
{
	struct xb_snap_host *h = be;
	if (!context || !h->in_call || !h->snap || context != h->snap->context)
		return 0;
	out->ev = (void *)(uintptr_t)h->snap;
	out->has_request = 1;
	out->has_certificate = h->snap->has_certificate;
	return 1;
}

/* One thread calls into the module at a time: nothing to lock. */
static void host_lock_ca(void *be)
{
	(void)be;
}

static void host_unlock(void *be)
{
	(void)be;
}

/* The engine derived beforehand: derivation makes its values visible and tells the engine it was needed. */
static void host_derive(void *be, void *ev)
{
	(void)ev;
	struct xb_snap_host *h = be;
	if (h->derived)
		return;
	h->derived = 1;
	h->triggered = 1;
}

static int visible(const struct xb_snap_host *h, int derived)
{
	return h->derived || !derived;
}

static int host_find(void *be, void *ev, enum xb_server_side side, const char *name, struct xb_server_value *out)
{
	(void)ev;
	struct xb_snap_host *h = be;
	if (!h->snap) /* nothing ever shipped: no CA properties either */
		return 0;
	const struct xb_snap_set *set = side == XB_SIDE_REQUEST ? &h->snap->request
				      : side == XB_SIDE_CERTIFICATE ? &h->snap->cert
								    : &h->snap->ca;
	for (size_t i = 0; i < set->n; i++) {
		const struct xb_snap_prop *p = &set->items[i];
		if (visible(h, p->derived) && !strcasecmp(p->name, name)) {
			*out = p->value;
			return 1;
		}
	}
	return 0;
}

/*
 * The i-th visible item. Derived items are appended after the trace's, so
 * before derivation the visible ones are a prefix, and after it all are.
 */
static int host_attribute(void *be, void *ev, size_t i, const char **name, const char **value)
{
	const struct xb_snapshot *snap = ev;
	if (i >= snap->nattrs || !visible(be, snap->attrs[i].derived))
		return 0;
	*name = snap->attrs[i].name;
	*value = snap->attrs[i].value;
	return 1;
}

static int host_extension(void *be, void *ev, size_t i, struct xb_server_ext *out)
{
	const struct xb_snapshot *snap = ev;
	if (i >= snap->nexts || !visible(be, snap->exts[i].derived))
		return 0;
	const struct xb_snap_ext *e = &snap->exts[i];
	*out = (struct xb_server_ext){e->oid, e->flags, e->value, e->len};
	return 1;
}

static const char *host_module_location(void *be)
{
	struct xb_snap_host *h = be;
	return h->snap ? h->snap->module_location : NULL;
}

static const struct xb_server_ops host_ops = {
	.ref = host_ref,
	.unref = host_unref,
	.born = host_born,
	.gone = host_gone,
	.fault = host_fault,
	.observe = host_observe,
	.lock_event = host_lock_event,
	.lock_ca = host_lock_ca,
	.unlock = host_unlock,
	.derive = host_derive,
	.find = host_find,
	.attribute = host_attribute,
	.extension = host_extension,
	.module_location = host_module_location,
};

HRESULT xb_snap_server_create(struct xb_snap_host *h, REFIID riid, void **ppv)
{
	return xb_server_core_create(&host_ops, h, riid, ppv);
}

struct xb_snap_host *xb_snap_host_new(const struct xb_snap_hooks *hooks)
{
	struct xb_snap_host *h = calloc(1, sizeof(*h));
	if (!h)
		return NULL;
	xb_server_factory_init(&h->factory, &host_ops, h);
	atomic_init(&h->refs, 1);
	if (hooks)
		h->hooks = *hooks;
	return h;
}

void xb_snap_host_free(struct xb_snap_host *h)
{
	if (!h)
		return;
	h->snap = NULL;
	h->in_call = 0;
	memset(&h->hooks, 0, sizeof(h->hooks));
	host_unref(h);
}

IClassFactory *xb_snap_host_factory(struct xb_snap_host *h)
{
	return &h->factory.IClassFactory_iface;
}
