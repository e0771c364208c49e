/* Typed property sets and extension lists (props.h). */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "props.h"

static void value_free(struct xb_value *v)
{
	free(v->text);
	free(v->bytes);
	memset(v, 0, sizeof(*v));
}

const struct xb_prop *xb_props_find(const struct xb_props *p, const char *name)
{
	for (size_t i = 0; i < p->n; i++)
		if (!strcasecmp(p->items[i].name, name))
			return &p->items[i];
	return NULL;
}

/* Stores v (whose buffers it takes over) under name. */
static HRESULT put(struct xb_props *p, const char *name, struct xb_value *v, enum xb_put how)
{
	struct xb_prop *slot = (struct xb_prop *)xb_props_find(p, name);
	if (slot && how == XB_PUT_IF_ABSENT) {
		value_free(v);
		return S_OK;
	}
	if (!slot) {
		if (p->n == p->cap) {
			size_t cap = p->cap ? 2 * p->cap : 16;
			struct xb_prop *grown = realloc(p->items, cap * sizeof(*grown));
			if (!grown) {
				value_free(v);
				return E_OUTOFMEMORY;
			}
			p->items = grown;
			p->cap = cap;
		}
		char *copy = strdup(name);
		if (!copy) {
			value_free(v);
			return E_OUTOFMEMORY;
		}
		slot = &p->items[p->n++];
		slot->name = copy;
	} else {
		value_free(&slot->value);
	}
	slot->value = *v;
	return S_OK;
}

HRESULT xb_props_put_long(struct xb_props *p, const char *name, LONG v, enum xb_put how)
{
	struct xb_value val = {.type = PROPTYPE_LONG, .l = v};
	return put(p, name, &val, how);
}

HRESULT xb_props_put_date(struct xb_props *p, const char *name, DATE v, enum xb_put how)
{
	struct xb_value val = {.type = PROPTYPE_DATE, .date = v};
	return put(p, name, &val, how);
}

HRESULT xb_props_put_string(struct xb_props *p, const char *name, const char *utf8, enum xb_put how)
{
	struct xb_value val = {.type = PROPTYPE_STRING, .text = strdup(utf8)};
	if (!val.text)
		return E_OUTOFMEMORY;
	return put(p, name, &val, how);
}

HRESULT xb_props_put_binary(struct xb_props *p, const char *name, const void *bytes, size_t len,
			    enum xb_put how)
{
	struct xb_value val = {.type = PROPTYPE_BINARY, .bytes = malloc(len ? len : 1), .len = len};
	if (!val.bytes)
		return E_OUTOFMEMORY;
	if (len)
		memcpy(val.bytes, bytes, len);
	return put(p, name, &val, how);
}

void xb_props_free(struct xb_props *p)
{
	for (size_t i = 0; i < p->n; i++) {
		free(p->items[i].name);
		value_free(&p->items[i].value);
	}
	free(p->items);
	memset(p, 0, sizeof(*p));
}

const struct xb_ext *xb_exts_find(const struct xb_exts *e, const char *oid)
{
	for (size_t i = 0; i < e->n; i++)
		if (!strcmp(e->items[i].oid, oid))
			return &e->items[i];
	return NULL;
}

HRESULT xb_exts_put(struct xb_exts *e, const char *oid, LONG flags, const void *value, size_t len,
		    enum xb_put how)
{
	if (strlen(oid) >= sizeof(e->items[0].oid))
		return E_INVALIDARG;
	struct xb_ext *slot = (struct xb_ext *)xb_exts_find(e, oid);
	if (slot && how == XB_PUT_IF_ABSENT)
		return S_OK;
	unsigned char *copy = malloc(len ? len : 1);
	if (!copy)
		return E_OUTOFMEMORY;
	if (len)
		memcpy(copy, value, len);
	if (!slot) {
		if (e->n == e->cap) {
			size_t cap = e->cap ? 2 * e->cap : 8;
			struct xb_ext *grown = realloc(e->items, cap * sizeof(*grown));
			if (!grown) {
				free(copy);
				return E_OUTOFMEMORY;
			}
			e->items = grown;
			e->cap = cap;
		}
		slot = &e->items[e->n++];
		strcpy(slot->oid, oid);
	} else {
		free(slot->value);
	}
	slot->flags = flags;
	slot->value = copy;
	slot->len = len;
	return S_OK;
}

void xb_exts_free(struct xb_exts *e)
{
	for (size_t i = 0; i < e->n; i++)
		free(e->items[i].value);
	free(e->items);
	memset(e, 0, sizeof(*e));
}

HRESULT xb_props_copy(struct xb_props *to, const struct xb_props *from)
{
	HRESULT hr = S_OK;
	for (size_t i = 0; i < from->n && SUCCEEDED(hr); i++) {
		const struct xb_prop *p = &from->items[i];
		switch (p->value.type) {
		case PROPTYPE_LONG:
			hr = xb_props_put_long(to, p->name, p->value.l, XB_PUT_REPLACE);
			break;
		case PROPTYPE_DATE:
			hr = xb_props_put_date(to, p->name, p->value.date, XB_PUT_REPLACE);
			break;
		case PROPTYPE_STRING:
			hr = xb_props_put_string(to, p->name, p->value.text, XB_PUT_REPLACE);
			break;
		default:
			hr = xb_props_put_binary(to, p->name, p->value.bytes, p->value.len, XB_PUT_REPLACE);
			break;
		}
	}
	return hr;
}

int xb_value_equal(const struct xb_value *a, const struct xb_value *b)
{
	if (a->type != b->type)
		return 0;
	switch (a->type) {
	case PROPTYPE_LONG:
		return a->l == b->l;
	case PROPTYPE_DATE:
		return !memcmp(&a->date, &b->date, sizeof(a->date));
	case PROPTYPE_STRING:
		return !strcmp(a->text, b->text);
	default:
		return a->len == b->len && (!a->len || !memcmp(a->bytes, b->bytes, a->len));
	}
}

/* Request attribute names (reference §3.6): ASCII case, spaces and hyphens do not count. */
static const char *skip_ignored(const char *s)
{
	while (*s == ' ' || *s == '-')
		s++;
	return s;
}

int xb_attribute_name_equal(const char *a, const char *b)
{
	for (;;) {
		a = skip_ignored(a);
		b = skip_ignored(b);
		if (!*a || !*b)
			return *a == *b;
		char x = (*a >= 'A' && *a <= 'Z') ? (char)(*a + 32) : *a;
		char y = (*b >= 'A' && *b <= 'Z') ? (char)(*b + 32) : *b;
		if (x != y)
			return 0;
		a++, b++;
	}
}

const struct xb_prop *xb_attribute_find(const struct xb_props *attrs, const char *name)
{
	for (size_t i = 0; i < attrs->n; i++)
		if (xb_attribute_name_equal(attrs->items[i].name, name))
			return &attrs->items[i];
	return NULL;
}
