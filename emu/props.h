/*
 * A set of typed properties as the CA stores them (one event's request
 * properties, certificate properties, attributes, or the CA's context-0
 * properties). Names match ignoring ASCII case, as the CA's do
 * (reference §3.1, unconfirmed; see docs/decisions.md).
 */
#ifndef XB_EMU_PROPS_H
#define XB_EMU_PROPS_H

#include <stddef.h>

#include "exitbench.h"

struct xb_value {
	LONG type;            /* PROPTYPE_LONG, _DATE, _BINARY or _STRING */
	LONG l;               /* LONG */
	DATE date;            /* DATE */
	char *text;           /* STRING, UTF-8 */
	unsigned char *bytes; /* BINARY */
	size_t len;           /* BINARY */
};

struct xb_prop {
	char *name;
	struct xb_value value;
};

struct xb_props {
	struct xb_prop *items; /* in the order first set */
	size_t n, cap;
};

/* How a put treats a name already present. */
enum xb_put { XB_PUT_REPLACE, XB_PUT_IF_ABSENT };

/* Each returns S_OK (also when IF_ABSENT kept the old value) or E_OUTOFMEMORY; values are copied. */
HRESULT xb_props_put_long(struct xb_props *p, const char *name, LONG v, enum xb_put how);
HRESULT xb_props_put_date(struct xb_props *p, const char *name, DATE v, enum xb_put how);
HRESULT xb_props_put_string(struct xb_props *p, const char *name, const char *utf8, enum xb_put how);
HRESULT xb_props_put_binary(struct xb_props *p, const char *name, const void *bytes, size_t len,
			    enum xb_put how);

/* Puts a copy of every property of from into to (replacing same names). S_OK or E_OUTOFMEMORY. */
HRESULT xb_props_copy(struct xb_props *to, const struct xb_props *from);

/* Whether two values have the same type and value (a DATE's bits, a string's bytes). */
int xb_value_equal(const struct xb_value *a, const struct xb_value *b);

/* The property of that name (ASCII case ignored), or NULL. Borrowed. */
const struct xb_prop *xb_props_find(const struct xb_props *p, const char *name);
void xb_props_free(struct xb_props *p);

/*
 * Request attribute names compare as the CA parses them: ignoring ASCII
 * case, spaces and hyphens (reference §3.6). xb_attribute_find gives the
 * attribute a name stands for, or NULL. Borrowed.
 */
int xb_attribute_name_equal(const char *a, const char *b);
const struct xb_prop *xb_attribute_find(const struct xb_props *attrs, const char *name);

/* Room for an OID's dotted text: longer ones are refused, never cut. */
#define XB_OID_TEXT_SIZE 256

/* One certificate (or request) extension with its CA flags (EXTENSION_*). */
struct xb_ext {
	char oid[XB_OID_TEXT_SIZE];
	LONG flags;
	unsigned char *value; /* the extnValue contents */
	size_t len;
};

struct xb_exts {
	struct xb_ext *items;
	size_t n, cap;
};

/* Adds or (same OID) replaces an extension; the value is copied. */
HRESULT xb_exts_put(struct xb_exts *e, const char *oid, LONG flags, const void *value, size_t len,
		    enum xb_put how);
const struct xb_ext *xb_exts_find(const struct xb_exts *e, const char *oid);
void xb_exts_free(struct xb_exts *e);

#endif
