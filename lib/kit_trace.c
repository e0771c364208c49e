/*
 * Trace lines (kit_trace.h): JSON text built in one growing buffer, with
 * only what the trace format needs, so that a module DLL can write traces
 * without a JSON library. The writer keeps, per open container, where it
 * started and whether it is still empty: enough to place commas, to check
 * keys, and to drop an empty section again.
 */
#include <stdlib.h>
#include <string.h>

#include "exitbench.h"

#define NO_TRANSLATION HRESULT_FROM_WIN32(ERROR_NO_UNICODE_TRANSLATION)

struct level {
	size_t start;   /* length of the text before this container's separator and key */
	int array;      /* 1: array, 0: object */
	int empty;      /* nothing written in it yet */
	int was_empty;  /* the parent's "empty" before this container was opened */
};

struct xb_kit_trace_line {
	char *text;
	size_t len, cap;
	HRESULT status;     /* sticky: out of memory or misuse */
	int done;           /* the top-level value is complete */
	int finished;       /* finish has appended the newline */
	size_t depth;
	struct level levels[XB_KIT_TRACE_MAX_DEPTH];
};

static const struct {
	LONG event;
	const char *name;
} event_names[] = {
	/* the names the engine's reader (emu/trace_read.c) accepts */
	{EXITEVENT_CERTISSUED, "certissued"},
	{EXITEVENT_CERTPENDING, "certpending"},
	{EXITEVENT_CERTDENIED, "certdenied"},
	{EXITEVENT_CERTREVOKED, "certrevoked"},
	{EXITEVENT_CERTRETRIEVEPENDING, "certretrievepending"},
	{EXITEVENT_CRLISSUED, "crlissued"},
	{EXITEVENT_SHUTDOWN, "shutdown"},
	{EXITEVENT_STARTUP, "startup"},
	{EXITEVENT_CERTIMPORTED, "certimported"},
};

XB_EXPORT const char *xb_kit_trace_event_name(LONG event)
{
	for (size_t i = 0; i < sizeof(event_names) / sizeof(event_names[0]); i++)
		if (event_names[i].event == event)
			return event_names[i].name;
	return NULL;
}

XB_EXPORT HRESULT xb_kit_trace_line_new(xb_kit_trace_line **out)
{
	if (!out)
		return E_POINTER;
	*out = calloc(1, sizeof(**out));
	return *out ? S_OK : E_OUTOFMEMORY;
}

XB_EXPORT void xb_kit_trace_line_free(xb_kit_trace_line *line)
{
	if (!line)
		return;
	free(line->text);
	free(line);
}

XB_EXPORT void xb_kit_trace_reset(xb_kit_trace_line *line)
{
	if (!line)
		return;
	line->len = 0;
	if (line->text)
		line->text[0] = 0;
	line->status = S_OK;
	line->done = line->finished = 0;
	line->depth = 0;
}

/* Records a sticky error (the first one wins) and returns the line's status. */
static HRESULT fail(xb_kit_trace_line *line, HRESULT hr)
{
	if (SUCCEEDED(line->status))
		line->status = hr;
	return line->status;
}

/* Room for n more bytes and a NUL. */
static HRESULT reserve(xb_kit_trace_line *line, size_t n)
{
	if (n > ((size_t)-1) / 2 - line->len)
		return fail(line, E_OUTOFMEMORY);
	size_t need = line->len + n + 1;
	if (need <= line->cap)
		return S_OK;
	size_t cap = line->cap ? line->cap : 256;
	while (cap < need)
		cap *= 2;
	char *grown = realloc(line->text, cap);
	if (!grown)
		return fail(line, E_OUTOFMEMORY);
	line->text = grown;
	line->cap = cap;
	return S_OK;
}

static HRESULT append(xb_kit_trace_line *line, const char *p, size_t n)
{
	HRESULT hr = reserve(line, n);
	if (FAILED(hr))
		return hr;
	memcpy(line->text + line->len, p, n);
	line->len += n;
	line->text[line->len] = 0;
	return S_OK;
}

static HRESULT append_str(xb_kit_trace_line *line, const char *s)
{
	return append(line, s, strlen(s));
}

/* Whether p[0..n) is UTF-8 (the kit's strict decoder decides). */
static HRESULT check_utf8(const char *p, size_t n)
{
	OLECHAR *wide = NULL;
	HRESULT hr = n ? xb_utf8_to_utf16(p, n, &wide, NULL, NULL) : S_OK;
	free(wide);
	return hr == E_OUTOFMEMORY || SUCCEEDED(hr) ? hr : NO_TRANSLATION;
}

/*
 * A JSON string of UTF-8 already checked: '"', '\\' and the control
 * characters escaped (the short forms where JSON has them), everything else
 * as is, so that non-ASCII text stays readable in the trace.
 */
static HRESULT append_quoted(xb_kit_trace_line *line, const char *p, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	HRESULT hr = append(line, "\"", 1);
	size_t run = 0; /* bytes of p waiting to be copied as they are */
	for (size_t i = 0; SUCCEEDED(hr) && i < n; i++) {
		unsigned char c = (unsigned char)p[i];
		char esc[7];
		const char *e = NULL;
		switch (c) {
		case '"':
			e = "\\\"";
			break;
		case '\\':
			e = "\\\\";
			break;
		case '\b':
			e = "\\b";
			break;
		case '\f':
			e = "\\f";
			break;
		case '\n':
			e = "\\n";
			break;
		case '\r':
			e = "\\r";
			break;
		case '\t':
			e = "\\t";
			break;
		default:
			if (c < 0x20) {
				memcpy(esc, "\\u00", 4);
				esc[4] = hex[c >> 4];
				esc[5] = hex[c & 15];
				esc[6] = 0;
				e = esc;
			}
			break;
		}
		if (!e) {
			run++;
			continue;
		}
		hr = append(line, p + i - run, run);
		run = 0;
		if (SUCCEEDED(hr))
			hr = append_str(line, e);
	}
	if (SUCCEEDED(hr))
		hr = append(line, p + n - run, run);
	if (SUCCEEDED(hr))
		hr = append(line, "\"", 1);
	return hr;
}

/*
 * Checks that a value may go here (a key inside an object, none elsewhere)
 * and writes the separator and the key. Called only once the value itself
 * is known to be writable, so a refused value leaves no trace.
 */
static HRESULT check_place(xb_kit_trace_line *line, const char *key)
{
	if (FAILED(line->status))
		return line->status;
	if (line->done || line->finished)
		return fail(line, E_UNEXPECTED); /* one value per line */
	int in_object = line->depth && !line->levels[line->depth - 1].array;
	if (in_object != (key != NULL))
		return fail(line, E_INVALIDARG);
	if (key) {
		HRESULT hr = check_utf8(key, strlen(key));
		if (FAILED(hr))
			return hr == E_OUTOFMEMORY ? fail(line, hr) : hr;
	}
	return S_OK;
}

static HRESULT put_prefix(xb_kit_trace_line *line, const char *key)
{
	HRESULT hr = S_OK;
	if (line->depth) {
		struct level *parent = &line->levels[line->depth - 1];
		if (!parent->empty)
			hr = append(line, ", ", 2);
		parent->empty = 0;
	}
	if (SUCCEEDED(hr) && key) {
		hr = append_quoted(line, key, strlen(key));
		if (SUCCEEDED(hr))
			hr = append(line, ": ", 2);
	}
	return hr;
}

/* After a complete value: at the top it completes the line. */
static void value_done(xb_kit_trace_line *line)
{
	if (!line->depth)
		line->done = 1;
}

static HRESULT begin(xb_kit_trace_line *line, const char *key, int array)
{
	if (!line)
		return E_POINTER;
	HRESULT hr = check_place(line, key);
	if (FAILED(hr))
		return hr;
	if (line->depth == XB_KIT_TRACE_MAX_DEPTH)
		return fail(line, E_UNEXPECTED);
	struct level l = {line->len, array, 1, line->depth ? line->levels[line->depth - 1].empty : 1};
	hr = put_prefix(line, key);
	if (SUCCEEDED(hr))
		hr = append(line, array ? "[" : "{", 1);
	if (FAILED(hr))
		return fail(line, hr);
	line->levels[line->depth++] = l;
	return S_OK;
}

XB_EXPORT HRESULT xb_kit_trace_begin_object(xb_kit_trace_line *line, const char *key)
{
	return begin(line, key, 0);
}

XB_EXPORT HRESULT xb_kit_trace_begin_array(xb_kit_trace_line *line, const char *key)
{
	return begin(line, key, 1);
}

static HRESULT end(xb_kit_trace_line *line, int drop_empty)
{
	if (!line)
		return E_POINTER;
	if (FAILED(line->status))
		return line->status;
	if (!line->depth || line->finished)
		return fail(line, E_UNEXPECTED);
	struct level *l = &line->levels[line->depth - 1];
	if (drop_empty && l->empty) {
		line->len = l->start;
		line->text[line->len] = 0;
		line->depth--;
		if (line->depth)
			line->levels[line->depth - 1].empty = l->was_empty;
		return S_OK; /* a dropped top-level value leaves the line empty, still open for one */
	}
	HRESULT hr = append(line, l->array ? "]" : "}", 1);
	if (FAILED(hr))
		return hr;
	line->depth--;
	value_done(line);
	return S_OK;
}

XB_EXPORT HRESULT xb_kit_trace_end(xb_kit_trace_line *line)
{
	return end(line, 0);
}

XB_EXPORT HRESULT xb_kit_trace_end_or_drop(xb_kit_trace_line *line)
{
	return end(line, 1);
}

/* Writes key and the already formatted JSON text of a value. */
static HRESULT put_formatted(xb_kit_trace_line *line, const char *key, const char *json)
{
	HRESULT hr = put_prefix(line, key);
	if (SUCCEEDED(hr))
		hr = append_str(line, json);
	if (FAILED(hr))
		return fail(line, hr);
	value_done(line);
	return S_OK;
}

XB_EXPORT HRESULT xb_kit_trace_put_long(xb_kit_trace_line *line, const char *key, LONG value)
{
	if (!line)
		return E_POINTER;
	HRESULT hr = check_place(line, key);
	if (FAILED(hr))
		return hr;
	char digits[16], *p = digits + sizeof(digits);
	/* By hand: LONG is long on Windows and int32_t on Linux, and msvcrt's printf is not C99. */
	unsigned long magnitude = value < 0 ? 0UL - (unsigned long)value : (unsigned long)value;
	*--p = 0;
	do {
		*--p = (char)('0' + magnitude % 10);
		magnitude /= 10;
	} while (magnitude);
	if (value < 0)
		*--p = '-';
	return put_formatted(line, key, p);
}

XB_EXPORT HRESULT xb_kit_trace_put_string(xb_kit_trace_line *line, const char *key, const char *utf8, size_t len)
{
	if (!line)
		return E_POINTER;
	if (!utf8 && len && len != XB_NUL_TERMINATED)
		return E_INVALIDARG;
	if (!utf8)
		utf8 = "", len = 0;
	if (len == XB_NUL_TERMINATED)
		len = strlen(utf8);
	HRESULT hr = check_place(line, key);
	if (FAILED(hr))
		return hr;
	hr = check_utf8(utf8, len);
	if (FAILED(hr))
		return hr == E_OUTOFMEMORY ? fail(line, hr) : hr;
	hr = put_prefix(line, key);
	if (SUCCEEDED(hr))
		hr = append_quoted(line, utf8, len);
	if (FAILED(hr))
		return fail(line, hr);
	value_done(line);
	return S_OK;
}

XB_EXPORT HRESULT xb_kit_trace_put_date(xb_kit_trace_line *line, const char *key, DATE value)
{
	if (!line)
		return E_POINTER;
	HRESULT hr = check_place(line, key);
	if (FAILED(hr))
		return hr;
	char date[XB_RFC3339_BUFSIZE], json[XB_RFC3339_BUFSIZE + 16];
	hr = xb_date_to_rfc3339(value, date);
	if (FAILED(hr))
		return hr;
	memcpy(json, "{\"date\": \"", 10);
	size_t n = strlen(date);
	memcpy(json + 10, date, n);
	memcpy(json + 10 + n, "\"}", 3);
	return put_formatted(line, key, json);
}

XB_EXPORT HRESULT xb_kit_trace_put_binary(xb_kit_trace_line *line, const char *key, const void *bytes, size_t len)
{
	static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	if (!line)
		return E_POINTER;
	if (!bytes && len)
		return E_INVALIDARG;
	HRESULT hr = check_place(line, key);
	if (FAILED(hr))
		return hr;
	if (len / 3 > ((size_t)-1) / 8)
		return fail(line, E_OUTOFMEMORY);
	hr = put_prefix(line, key);
	if (SUCCEEDED(hr))
		hr = append_str(line, "{\"base64\": \"");
	if (SUCCEEDED(hr))
		hr = reserve(line, (len + 2) / 3 * 4 + 2);
	if (FAILED(hr))
		return fail(line, hr);
	const unsigned char *p = bytes;
	char *out = line->text + line->len;
	size_t i = 0;
	for (; i + 3 <= len; i += 3) {
		unsigned long v = (unsigned long)p[i] << 16 | (unsigned long)p[i + 1] << 8 | p[i + 2];
		*out++ = alphabet[v >> 18 & 63];
		*out++ = alphabet[v >> 12 & 63];
		*out++ = alphabet[v >> 6 & 63];
		*out++ = alphabet[v & 63];
	}
	if (i < len) {
		unsigned long v = (unsigned long)p[i] << 16 | (i + 1 < len ? (unsigned long)p[i + 1] << 8 : 0);
		*out++ = alphabet[v >> 18 & 63];
		*out++ = alphabet[v >> 12 & 63];
		*out++ = i + 1 < len ? alphabet[v >> 6 & 63] : '=';
		*out++ = '=';
	}
	*out++ = '"';
	*out++ = '}';
	*out = 0;
	line->len = (size_t)(out - line->text);
	value_done(line);
	return S_OK;
}

XB_EXPORT HRESULT xb_kit_trace_finish(xb_kit_trace_line *line, const char **text, size_t *len)
{
	if (!line || !text || !len)
		return E_POINTER;
	*text = NULL;
	*len = 0;
	if (FAILED(line->status))
		return line->status;
	if (!line->finished) {
		if (!line->done || line->depth)
			return E_UNEXPECTED;
		HRESULT hr = append(line, "\n", 1);
		if (FAILED(hr))
			return hr;
		line->finished = 1;
	}
	*text = line->text;
	*len = line->len;
	return S_OK;
}
