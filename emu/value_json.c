/* Values as trace JSON (value_json.h). */
#include <stdlib.h>

#include "base64.h"
#include "value_json.h"

static json_t *binary(const unsigned char *p, size_t n)
{
	char *text = xb_base64_encode(p, n);
	json_t *o = text ? json_pack("{s:s}", "base64", text) : NULL;
	free(text);
	return o;
}

json_t *xb_value_to_json(const struct xb_value *v)
{
	char date[XB_RFC3339_BUFSIZE];
	switch (v->type) {
	case PROPTYPE_LONG:
		return json_integer(v->l);
	case PROPTYPE_STRING:
		return json_string(v->text);
	case PROPTYPE_DATE:
		/* A DATE outside the range RFC 3339 can show cannot come from a trace or a certificate. */
		if (FAILED(xb_date_to_rfc3339(v->date, date)))
			return json_pack("{s:f}", "date", v->date);
		return json_pack("{s:s}", "date", date);
	default:
		return binary(v->bytes, v->len);
	}
}

json_t *xb_props_to_json(const struct xb_props *p)
{
	json_t *o = json_object();
	for (size_t i = 0; o && i < p->n; i++)
		json_object_set_new(o, p->items[i].name, xb_value_to_json(&p->items[i].value));
	return o;
}

json_t *xb_exts_to_json(const struct xb_exts *e)
{
	json_t *a = json_array();
	for (size_t i = 0; a && i < e->n; i++) {
		const struct xb_ext *x = &e->items[i];
		json_array_append_new(a, json_pack("{s:s, s:I, s:o}", "oid", x->oid, "flags",
						   (json_int_t)(ULONG)x->flags, "value", binary(x->value, x->len)));
	}
	return a;
}
