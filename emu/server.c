/*
 * The engine as the backend of CCertServerExit (server_core.h): the event
 * data belongs to the engine and is read under its lock; derivation is the
 * engine's lazy one, whose errors the engine records for the replay.
 */
#include <stdint.h>

#include "engine.h"
#include "event.h"

static void engine_ref(void *be)
{
	xb_engine_ref(be);
}

static void engine_unref(void *be)
{
	xb_engine_unref(be);
}

static void engine_born(void *be)
{
	xb_engine_server_born(be);
}

static void engine_gone(void *be)
{
	xb_engine_server_gone(be);
}

static HRESULT engine_fault(void *be, const char *method, const char *name, LONG context)
{
	return xb_engine_fault(be, method, name, context);
}

static void engine_observe(void *be, const struct xb_server_call *call)
{
	xb_engine_observe(be, call);
}

static int engine_lock_event(void *be, LONG context, struct xb_server_event *out)
{
	struct xb_event *ev = xb_engine_lock_event(be, context);
	if (!ev)
		return 0;
	out->ev = ev;
	out->has_request = xb_event_has_request(ev->kind);
	out->has_certificate = xb_event_has_certificate(ev);
	return 1;
}

static void engine_lock_ca(void *be)
{
	xb_engine_lock_ca(be);
}

static void engine_unlock(void *be)
{
	xb_engine_unlock(be);
}

static void engine_derive(void *be, void *ev)
{
	xb_engine_derive_locked(be, ev);
}

static void view(const struct xb_value *v, struct xb_server_value *out)
{
	*out = (struct xb_server_value){v->type, v->l, v->date, v->text, v->bytes, v->len};
}

/* Runs under the lock: the CA's properties are the engine's until xb_engine_unlock. */
static int engine_find(void *be, void *ev, enum xb_server_side side, const char *name, struct xb_server_value *out)
{
	struct xb_event *e = ev;
	const struct xb_props *set = side == XB_SIDE_REQUEST ? &e->request
				   : side == XB_SIDE_CERTIFICATE ? &e->cert
								 : xb_engine_locked_ca(be);
	const struct xb_prop *p = xb_props_find(set, name);
	if (p)
		view(&p->value, out);
	return p != NULL;
}

static int engine_attribute(void *be, void *ev, size_t i, const char **name, const char **value)
{
	(void)be;
	const struct xb_props *attrs = &((struct xb_event *)ev)->attrs;
	if (i >= attrs->n)
		return 0;
	*name = attrs->items[i].name;
	*value = attrs->items[i].value.text;
	return 1;
}

static int engine_extension(void *be, void *ev, size_t i, struct xb_server_ext *out)
{
	(void)be;
	const struct xb_exts *exts = &((struct xb_event *)ev)->exts;
	if (i >= exts->n)
		return 0;
	const struct xb_ext *e = &exts->items[i];
	*out = (struct xb_server_ext){e->oid, e->flags, e->value, e->len};
	return 1;
}

static const char *engine_module_location(void *be)
{
	(void)be;
	return xb_engine_module_location();
}

const struct xb_server_ops xb_engine_server_ops = {
	.ref = engine_ref,
	.unref = engine_unref,
	.born = engine_born,
	.gone = engine_gone,
	.fault = engine_fault,
	.observe = engine_observe,
	.lock_event = engine_lock_event,
	.lock_ca = engine_lock_ca,
	.unlock = engine_unlock,
	.derive = engine_derive,
	.find = engine_find,
	.attribute = engine_attribute,
	.extension = engine_extension,
	.module_location = engine_module_location,
};

HRESULT xb_server_create(struct xb_engine *engine, REFIID riid, void **ppv)
{
	return xb_server_core_create(&xb_engine_server_ops, engine, riid, ppv);
}
