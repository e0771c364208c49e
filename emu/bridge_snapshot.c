/* The engine's side of the event snapshot (bridge_snapshot.h). */
#include <stdlib.h>
#include <string.h>

#include "bridge_snapshot.h"
#include "event.h"

/* Whether two property sets hold the same names and values in the same order. */
static int props_equal(const struct xb_props *a, const struct xb_props *b)
{
	if (a->n != b->n)
		return 0;
	for (size_t i = 0; i < a->n; i++) {
		const struct xb_prop *x = &a->items[i], *y = &b->items[i];
		if (strcmp(x->name, y->name) || x->value.type != y->value.type)
			return 0;
		switch (x->value.type) {
		case PROPTYPE_LONG:
			if (x->value.l != y->value.l)
				return 0;
			break;
		case PROPTYPE_DATE:
			if (memcmp(&x->value.date, &y->value.date, sizeof(DATE)))
				return 0;
			break;
		case PROPTYPE_STRING:
			if (strcmp(x->value.text, y->value.text))
				return 0;
			break;
		default:
			if (x->value.len != y->value.len || memcmp(x->value.bytes, y->value.bytes, x->value.len))
				return 0;
		}
	}
	return 1;
}

/* Keeps s->ca equal to the engine's CA properties: they change only at some events, so mostly nothing is copied. */
static HRESULT refresh_ca(struct xb_snap_source *s)
{
	const struct xb_props *ca = xb_engine_lock_ca(s->engine);
	HRESULT hr = S_OK;
	if (!props_equal(&s->ca, ca)) {
		xb_props_free(&s->ca);
		hr = xb_props_copy(&s->ca, ca);
	}
	xb_engine_unlock(s->engine);
	return hr;
}

static HRESULT grow(void **items, size_t *cap, size_t need, size_t size)
{
	if (need <= *cap)
		return S_OK;
	size_t n = *cap ? *cap : 32;
	while (n < need)
		n *= 2;
	void *grown = realloc(*items, n * size);
	if (!grown)
		return E_OUTOFMEMORY;
	*items = grown;
	*cap = n;
	return S_OK;
}

/* Points set at props's items, stored from at on; items at index >= explicit came from derivation. */
static void fill_set(struct xb_snap_set *set, struct xb_snap_prop *at, const struct xb_props *props, size_t explicit)
{
	for (size_t i = 0; i < props->n; i++) {
		const struct xb_prop *p = &props->items[i];
		at[i] = (struct xb_snap_prop){p->name,
					      {p->value.type, p->value.l, p->value.date, p->value.text, p->value.bytes,
					       p->value.len},
					      i >= explicit};
	}
	set->items = at;
	set->n = props->n;
}

/* A copy of ev's values (not its CA updates) to derive on. */
static HRESULT copy_event(struct xb_event *to, const struct xb_event *from)
{
	memset(to, 0, sizeof(*to));
	to->kind = from->kind;
	to->line = from->line;
	HRESULT hr = xb_props_copy(&to->request, &from->request);
	if (SUCCEEDED(hr))
		hr = xb_props_copy(&to->cert, &from->cert);
	if (SUCCEEDED(hr))
		hr = xb_props_copy(&to->attrs, &from->attrs);
	for (size_t i = 0; i < from->exts.n && SUCCEEDED(hr); i++) {
		const struct xb_ext *e = &from->exts.items[i];
		hr = xb_exts_put(&to->exts, e->oid, e->flags, e->value, e->len, XB_PUT_REPLACE);
	}
	return hr;
}

static void swap_props(struct xb_props *a, struct xb_props *b)
{
	struct xb_props t = *a;
	*a = *b;
	*b = t;
}

/*
 * Derives ev on a copy (the engine lock held). Success: the derived sets
 * replace ev's, *use = ev, nothing is pending. Failure: *use = the copy and
 * counts holds how many of each list were there before derivation.
 */
static HRESULT derive_aside(struct xb_snap_source *s, struct xb_event *ev, const struct xb_event **use, size_t counts[4],
			    int *pending)
{
	xb_event_free(&s->copy);
	HRESULT hr = copy_event(&s->copy, ev);
	if (FAILED(hr))
		return hr;
	counts[0] = ev->request.n, counts[1] = ev->cert.n, counts[2] = ev->attrs.n, counts[3] = ev->exts.n;
	if (SUCCEEDED(xb_event_derive(&s->copy, NULL))) {
		swap_props(&ev->request, &s->copy.request);
		swap_props(&ev->cert, &s->copy.cert);
		swap_props(&ev->attrs, &s->copy.attrs);
		struct xb_exts t = ev->exts;
		ev->exts = s->copy.exts;
		s->copy.exts = t;
		ev->derived = 1;
		xb_event_free(&s->copy);
		*use = ev;
		counts[0] = ev->request.n, counts[1] = ev->cert.n, counts[2] = ev->attrs.n, counts[3] = ev->exts.n;
		return S_OK;
	}
	*use = &s->copy;
	*pending = 1;
	return S_OK;
}

/* The event's lists into the snapshot (the engine lock held). */
static HRESULT add_event(struct xb_snap_source *s, struct xb_event *ev)
{
	const struct xb_event *use = ev;
	size_t counts[4] = {ev->request.n, ev->cert.n, ev->attrs.n, ev->exts.n};
	int pending = 0;
	HRESULT hr = ev->derived ? S_OK : derive_aside(s, ev, &use, counts, &pending);
	if (FAILED(hr))
		return hr;
	size_t nprops = s->ca.n + use->request.n + use->cert.n;
	if (FAILED(grow((void **)&s->props, &s->props_cap, nprops, sizeof(*s->props))) ||
	    FAILED(grow((void **)&s->attrs, &s->attrs_cap, use->attrs.n, sizeof(*s->attrs))) ||
	    FAILED(grow((void **)&s->exts, &s->exts_cap, use->exts.n, sizeof(*s->exts))))
		return E_OUTOFMEMORY;
	fill_set(&s->snap.ca, s->props, &s->ca, s->ca.n);
	fill_set(&s->snap.request, s->props + s->ca.n, &use->request, counts[0]);
	fill_set(&s->snap.cert, s->props + s->ca.n + use->request.n, &use->cert, counts[1]);
	for (size_t i = 0; i < use->attrs.n; i++)
		s->attrs[i] = (struct xb_snap_attr){use->attrs.items[i].name, use->attrs.items[i].value.text, i >= counts[2]};
	for (size_t i = 0; i < use->exts.n; i++) {
		const struct xb_ext *e = &use->exts.items[i];
		s->exts[i] = (struct xb_snap_ext){e->oid, e->flags, e->value, e->len, i >= counts[3]};
	}
	s->snap.attrs = s->attrs;
	s->snap.nattrs = use->attrs.n;
	s->snap.exts = s->exts;
	s->snap.nexts = use->exts.n;
	s->snap.has_certificate = xb_event_has_certificate(ev);
	s->snap.derive_pending = pending;
	return S_OK;
}

HRESULT xb_snap_source_build(struct xb_snap_source *s, struct xb_engine *engine, LONG kind, LONG context)
{
	memset(&s->snap, 0, sizeof(s->snap));
	s->engine = engine;
	s->context = 0;
	s->snap.kind = kind;
	s->snap.module_location = xb_engine_module_location();
	if (!engine)
		return S_OK;
	HRESULT hr = refresh_ca(s);
	if (FAILED(hr))
		return hr;
	struct xb_event *ev = context ? xb_engine_lock_event(engine, context) : NULL;
	if (ev && xb_event_has_request(ev->kind)) {
		s->snap.context = s->context = context;
		hr = add_event(s, ev);
	} else if (SUCCEEDED(hr = grow((void **)&s->props, &s->props_cap, s->ca.n, sizeof(*s->props)))) {
		fill_set(&s->snap.ca, s->props, &s->ca, s->ca.n);
	}
	if (ev)
		xb_engine_unlock(engine);
	return hr;
}

void xb_snap_source_after(struct xb_snap_source *s, int derive_triggered)
{
	if (!s->snap.derive_pending || !derive_triggered || !s->engine)
		return;
	struct xb_event *ev = xb_engine_lock_event(s->engine, s->context);
	if (ev) {
		xb_engine_derive_locked(s->engine, ev); /* fails again, and is recorded as in-process */
		xb_engine_unlock(s->engine);
	}
}

void xb_snap_source_free(struct xb_snap_source *s)
{
	xb_props_free(&s->ca);
	xb_event_free(&s->copy);
	free(s->props);
	free(s->attrs);
	free(s->exts);
	memset(s, 0, sizeof(*s));
}
