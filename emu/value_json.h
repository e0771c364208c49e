/*
 * Values in the trace's typed JSON encoding (docs/trace-format.md): LONG
 * as an integer, STRING as a string, DATE as {"date": RFC 3339}, BINARY as
 * {"base64": ...}. Used by inspect --json and the JSON report; the trace
 * reader is the other direction.
 */
#ifndef XB_EMU_VALUE_JSON_H
#define XB_EMU_VALUE_JSON_H

#include <jansson.h>

#include "props.h"

/* New JSON for one value; NULL when out of memory. */
json_t *xb_value_to_json(const struct xb_value *v);
/* {NAME: VALUE, ...} in the set's order. */
json_t *xb_props_to_json(const struct xb_props *p);
/* [{"oid": ..., "flags": ..., "value": {"base64": ...}}, ...] */
json_t *xb_exts_to_json(const struct xb_exts *e);

#endif
