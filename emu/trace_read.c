/*
 * The trace reader (trace.h): one line at a time with getline, each parsed
 * by jansson and turned into typed properties. Unknown keys are errors, so
 * a misspelt section or value form never silently drops data.
 */
#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base64.h"
#include "pem.h"
#include "trace.h"

#define INVALID_DATA HRESULT_FROM_WIN32(ERROR_INVALID_DATA)

struct xb_trace {
	FILE *in;
	int owns_stream;
	char source[XB_ERROR_SOURCE_LENGTH];
	char *line;
	size_t line_cap;
	size_t lines, blank;
	char *config;
	struct xb_props ca;
};

void xb_event_free(struct xb_event *ev)
{
	xb_props_free(&ev->request);
	xb_props_free(&ev->cert);
	xb_props_free(&ev->attrs);
	xb_exts_free(&ev->exts);
	xb_props_free(&ev->ca);
	memset(ev, 0, sizeof(*ev));
}

/* Where a key stands in the raw line: 1-based column of its opening quote, or 0. */
static int column_of_key(const char *line, const char *key)
{
	size_t klen = strlen(key);
	for (const char *p = strchr(line, '"'); p; p = strchr(p + 1, '"')) {
		if (strncmp(p + 1, key, klen) || p[1 + klen] != '"')
			continue;
		const char *q = p + 2 + klen;
		while (*q == ' ' || *q == '\t')
			q++;
		if (*q == ':')
			return (int)(p - line) + 1;
	}
	return 0;
}

/* Records an error at the current line, at the column of key (when given). */
static HRESULT line_error(struct xb_trace *t, xb_error *err, const char *key, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 4, 5)))
#endif
	;

static HRESULT line_error(struct xb_trace *t, xb_error *err, const char *key, const char *fmt, ...)
{
	char text[XB_ERROR_TEXT_LENGTH];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	if (!err || err->code != S_OK)
		return INVALID_DATA;
	int column = key ? column_of_key(t->line, key) : 0;
	xb_error_set(err, INVALID_DATA, 0, "%s", text);
	err->line = (int)t->lines;
	err->column = column;
	xb_error_set_source(err, t->source);
	return INVALID_DATA;
}

/* Whether text is an OID in dotted decimal: two arcs at least, digits only, no empty arc. */
static int dotted_oid(const char *text)
{
	int arcs = 0;
	for (const char *p = text;; p++) {
		const char *start = p;
		while (*p >= '0' && *p <= '9')
			p++;
		if (p == start)
			return 0;
		arcs++;
		if (*p == '\0')
			return arcs >= 2;
		if (*p != '.')
			return 0;
	}
}

/* A {"pem": ...} value: the DER of its first block (certificates, requests, CRLs). */
static HRESULT put_pem(struct xb_trace *t, struct xb_props *props, const char *section, const char *name,
		       json_t *pem, xb_error *err)
{
	char label[XB_PEM_LABEL_SIZE];
	unsigned char *der;
	size_t len;
	xb_error perr;
	xb_error_init(&perr, NULL);
	HRESULT hr = xb_pem_decode(json_string_value(pem), json_string_length(pem), label, &der, &len, &perr);
	if (hr == E_OUTOFMEMORY)
		return hr;
	if (FAILED(hr))
		return line_error(t, err, name, "%s property %s: bad PEM: %s", section, name, perr.text);
	hr = xb_props_put_binary(props, name, der, len, XB_PUT_REPLACE);
	free(der);
	return hr;
}

/* One property value: integer, string, {"date": ...}, {"base64": ...} or {"pem": ...}. */
static HRESULT put_value(struct xb_trace *t, struct xb_props *props, const char *section, const char *name,
			 json_t *v, xb_error *err)
{
	if (json_is_integer(v)) {
		json_int_t i = json_integer_value(v);
		/* Flags such as CR_FLG_PUBLISHERROR are written unsigned: both ranges are LONGs. */
		if (i < INT32_MIN || i > (json_int_t)UINT32_MAX)
			return line_error(t, err, name, "%s property %s: %" JSON_INTEGER_FORMAT " does not fit a LONG",
					  section, name, i);
		return xb_props_put_long(props, name, (LONG)(uint32_t)(int64_t)i, XB_PUT_REPLACE);
	}
	if (json_is_string(v))
		return xb_props_put_string(props, name, json_string_value(v), XB_PUT_REPLACE);
	if (json_is_object(v) && json_object_size(v) == 1) {
		json_t *d = json_object_get(v, "date"), *b = json_object_get(v, "base64"), *pem = json_object_get(v, "pem");
		if (json_is_string(pem))
			return put_pem(t, props, section, name, pem, err);
		if (json_is_string(d)) {
			DATE date;
			xb_error derr;
			xb_error_init(&derr, NULL);
			if (FAILED(xb_date_from_rfc3339(json_string_value(d), json_string_length(d), &date, &derr)))
				return line_error(t, err, name, "%s property %s: bad date: %s", section, name, derr.text);
			return xb_props_put_date(props, name, date, XB_PUT_REPLACE);
		}
		if (json_is_string(b)) {
			unsigned char *bytes;
			size_t len, bad;
			if (xb_base64_decode(json_string_value(b), json_string_length(b), &bytes, &len, &bad))
				return line_error(t, err, name, "%s property %s: bad base64 at character %zu", section, name,
						  bad + 1);
			HRESULT hr = xb_props_put_binary(props, name, bytes, len, XB_PUT_REPLACE);
			free(bytes);
			return hr;
		}
	}
	return line_error(t, err, name,
			  "%s property %s: a value is an integer, a string, {\"date\": \"<RFC 3339>\"}, "
			  "{\"base64\": \"...\"} or {\"pem\": \"-----BEGIN ...\"}",
			  section, name);
}

static HRESULT read_props(struct xb_trace *t, json_t *obj, const char *section, struct xb_props *props,
			  int strings_only, xb_error *err)
{
	if (!json_is_object(obj))
		return line_error(t, err, section, "\"%s\" must be an object of properties", section);
	const char *name;
	json_t *v;
	json_object_foreach(obj, name, v) {
		if (!*name)
			return line_error(t, err, section, "%s: a property without a name", section);
		if (strings_only && !json_is_string(v))
			return line_error(t, err, name, "%s %s: attribute values are strings", section, name);
		HRESULT hr = put_value(t, props, section, name, v, err);
		if (FAILED(hr))
			return hr;
	}
	return S_OK;
}

static HRESULT read_extensions(struct xb_trace *t, json_t *arr, struct xb_exts *exts, xb_error *err)
{
	if (!json_is_array(arr))
		return line_error(t, err, "extensions", "\"extensions\" must be an array");
	size_t i;
	json_t *e;
	json_array_foreach(arr, i, e) {
		json_t *oid = json_object_get(e, "oid"), *flags = json_object_get(e, "flags"),
		       *value = json_object_get(e, "value");
		json_t *b64 = json_is_object(value) ? json_object_get(value, "base64") : NULL;
		if (!json_is_object(e) || !json_is_string(oid) || !json_is_integer(flags) || !json_is_string(b64) ||
		    json_object_size(e) != 3 || json_object_size(value) != 1)
			return line_error(t, err, "extensions",
					  "extension %zu: expected {\"oid\": \"1.2.3\", \"flags\": <integer>, "
					  "\"value\": {\"base64\": \"...\"}}",
					  i + 1);
		if (!dotted_oid(json_string_value(oid)))
			return line_error(t, err, "extensions", "extension %zu: \"%s\" is not a dotted OID (\"2.5.29.15\")",
					  i + 1, json_string_value(oid));
		json_int_t f = json_integer_value(flags);
		if (f < INT32_MIN || f > (json_int_t)UINT32_MAX)
			return line_error(t, err, "extensions", "extension %s: flags do not fit a LONG",
					  json_string_value(oid));
		unsigned char *bytes;
		size_t len, bad;
		if (xb_base64_decode(json_string_value(b64), json_string_length(b64), &bytes, &len, &bad))
			return line_error(t, err, "extensions", "extension %s: bad base64 at character %zu",
					  json_string_value(oid), bad + 1);
		HRESULT hr = xb_exts_put(exts, json_string_value(oid), (LONG)(uint32_t)(int64_t)f, bytes, len,
					 XB_PUT_REPLACE);
		free(bytes);
		if (hr == E_INVALIDARG)
			return line_error(t, err, "extensions", "extension %s: OID too long", json_string_value(oid));
		if (FAILED(hr))
			return hr;
	}
	return S_OK;
}

/*
 * Reads the next non-blank line and parses it; S_FALSE at the end of the
 * input. *json is new.
 */
static HRESULT next_json(struct xb_trace *t, json_t **json, xb_error *err)
{
	for (;;) {
		errno = 0;
		ssize_t n = getline(&t->line, &t->line_cap, t->in);
		if (n < 0) {
			if (ferror(t->in)) {
				xb_error_set(err, HRESULT_FROM_WIN32(ERROR_READ_FAULT), 0, "%s: read error after line %zu",
					     t->source, t->lines);
				return HRESULT_FROM_WIN32(ERROR_READ_FAULT);
			}
			return S_FALSE;
		}
		t->lines++;
		while (n && (t->line[n - 1] == '\n' || t->line[n - 1] == '\r'))
			t->line[--n] = 0;
		size_t i = 0;
		while (t->line[i] == ' ' || t->line[i] == '\t')
			i++;
		if (!t->line[i]) {
			t->blank++;
			continue;
		}
		if (strlen(t->line) != (size_t)n)
			return line_error(t, err, NULL, "a NUL byte in the line");
		json_error_t jerr;
		*json = json_loadb(t->line, (size_t)n, JSON_REJECT_DUPLICATES, &jerr);
		if (!*json) {
			line_error(t, err, NULL, "%s", jerr.text);
			if (err)
				err->column = jerr.column > 0 ? jerr.column : 0;
			return INVALID_DATA;
		}
		if (!json_is_object(*json)) {
			json_decref(*json);
			return line_error(t, err, NULL, "each line is a JSON object");
		}
		return S_OK;
	}
}

static HRESULT read_header(struct xb_trace *t, xb_error *err)
{
	json_t *h = NULL;
	HRESULT hr = next_json(t, &h, err);
	if (hr == S_FALSE)
		return line_error(t, err, NULL, "empty trace: the first line must be the header");
	if (FAILED(hr))
		return hr;
	const char *key;
	json_t *v;
	json_object_foreach(h, key, v) {
		if (!strcmp(key, "format")) {
			if (!json_is_string(v) || strcmp(json_string_value(v), XB_TRACE_FORMAT))
				hr = line_error(t, err, key, "\"format\" must be \"%s\"", XB_TRACE_FORMAT);
		} else if (!strcmp(key, "version")) {
			if (!json_is_integer(v) || json_integer_value(v) < 1 ||
			    json_integer_value(v) > XB_TRACE_VERSION)
				hr = line_error(t, err, key, "unsupported trace version (this reader knows 1 to %d)",
						XB_TRACE_VERSION);
		} else if (!strcmp(key, "config")) {
			if (!json_is_string(v))
				hr = line_error(t, err, key, "\"config\" (the CA name given to Initialize) must be a string");
			else if (!(t->config = strdup(json_string_value(v))))
				hr = E_OUTOFMEMORY;
		} else if (!strcmp(key, "ca")) {
			hr = read_props(t, v, "ca", &t->ca, 0, err);
		} else {
			hr = line_error(t, err, key, "unknown header key \"%s\"", key);
		}
		if (FAILED(hr))
			break;
	}
	if (SUCCEEDED(hr) && (!json_object_get(h, "format") || !json_object_get(h, "version")))
		hr = line_error(t, err, NULL, "the header needs \"format\": \"%s\" and \"version\"", XB_TRACE_FORMAT);
	if (SUCCEEDED(hr) && !t->config && !(t->config = strdup("")))
		hr = E_OUTOFMEMORY;
	json_decref(h);
	return hr;
}

HRESULT xb_trace_next(struct xb_trace *t, struct xb_event *ev, xb_error *err)
{
	memset(ev, 0, sizeof(*ev));
	json_t *e = NULL;
	HRESULT hr = next_json(t, &e, err);
	if (hr != S_OK)
		return hr;
	ev->line = t->lines;
	const char *key;
	json_t *v;
	json_object_foreach(e, key, v) {
		if (!strcmp(key, "event")) {
			if (json_is_string(v))
				ev->kind = xb_event_kind_from_name(json_string_value(v));
			if (!ev->kind)
				hr = line_error(t, err, key,
						"\"event\" must be one of certissued, certpending, certdenied, certrevoked, "
						"certretrievepending, crlissued, shutdown, startup, certimported");
		} else if (!strcmp(key, "request")) {
			hr = read_props(t, v, "request", &ev->request, 0, err);
		} else if (!strcmp(key, "certificate")) {
			hr = read_props(t, v, "certificate", &ev->cert, 0, err);
		} else if (!strcmp(key, "attributes")) {
			hr = read_props(t, v, "attributes", &ev->attrs, 1, err);
		} else if (!strcmp(key, "extensions")) {
			hr = read_extensions(t, v, &ev->exts, err);
		} else if (!strcmp(key, "ca")) {
			hr = read_props(t, v, "ca", &ev->ca, 0, err);
		} else {
			hr = line_error(t, err, key, "unknown event key \"%s\"", key);
		}
		if (FAILED(hr))
			break;
	}
	if (SUCCEEDED(hr) && !ev->kind)
		hr = line_error(t, err, NULL, "the event has no \"event\" kind");
	json_decref(e);
	if (FAILED(hr))
		xb_event_free(ev);
	return FAILED(hr) ? hr : S_OK;
}

HRESULT xb_trace_open_stream(FILE *in, const char *source, struct xb_trace **out, xb_error *err)
{
	*out = NULL;
	struct xb_trace *t = calloc(1, sizeof(*t));
	if (!t)
		return E_OUTOFMEMORY;
	t->in = in;
	snprintf(t->source, sizeof(t->source), "%s", source);
	HRESULT hr = read_header(t, err);
	if (FAILED(hr)) {
		xb_trace_close(t);
		return hr;
	}
	*out = t;
	return S_OK;
}

HRESULT xb_trace_open(const char *path, struct xb_trace **out, xb_error *err)
{
	*out = NULL;
	if (!strcmp(path, "-"))
		return xb_trace_open_stream(stdin, "<stdin>", out, err);
	FILE *in = fopen(path, "r");
	if (!in) {
		int e = errno;
		HRESULT hr = HRESULT_FROM_WIN32(e == ENOENT ? ERROR_FILE_NOT_FOUND
					       : e == EACCES ? ERROR_ACCESS_DENIED : ERROR_READ_FAULT);
		xb_error_set(err, hr, 0, "%s: %s", path, strerror(e));
		return hr;
	}
	HRESULT hr = xb_trace_open_stream(in, path, out, err);
	if (FAILED(hr))
		fclose(in);
	else
		(*out)->owns_stream = 1;
	return hr;
}

const char *xb_trace_config(const struct xb_trace *t)
{
	return t->config;
}

const struct xb_props *xb_trace_ca(const struct xb_trace *t)
{
	return &t->ca;
}

size_t xb_trace_lines(const struct xb_trace *t)
{
	return t->lines;
}

size_t xb_trace_blank_lines(const struct xb_trace *t)
{
	return t->blank;
}

void xb_trace_close(struct xb_trace *t)
{
	if (!t)
		return;
	if (t->owns_stream)
		fclose(t->in);
	free(t->line);
	free(t->config);
	xb_props_free(&t->ca);
	free(t);
}
