/*
 * Events built in code (exitbench/check.h): the values a trace line would
 * hold, checked as they are set with the engine's own rules (event.h's
 * table of what each kind may carry, the certificate and request
 * derivations), so a mistake is reported at the line that made it.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cert_props.h"
#include "checklib_private.h"
#include "event.h"
#include "pem.h"
#include "request_props.h"

#define INVALID_DATA HRESULT_FROM_WIN32(ERROR_INVALID_DATA)

/* The first failure wins; returns hr so a setter can `return event_fail(...)`. */
static HRESULT event_fail(struct xb_check_event *ev, HRESULT hr, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static HRESULT event_fail(struct xb_check_event *ev, HRESULT hr, const char *fmt, ...)
{
	if (ev->error_hr != S_OK)
		return hr;
	va_list ap;
	va_start(ap, fmt);
	char text[512];
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	ev->error_hr = hr;
	ev->error = strdup(text);
	return hr;
}

static HRESULT event_fail_with(struct xb_check_event *ev, const xb_error *err)
{
	char *text = xb_checklib_error_text(err);
	HRESULT hr = event_fail(ev, err->code, "%s", text ? text : "out of memory");
	free(text);
	return hr;
}

/* After a value went in: is the event still one a CA could send? */
static HRESULT still_valid(struct xb_check_event *ev, HRESULT put)
{
	if (FAILED(put))
		return event_fail(ev, put, "cannot store the value: %s", xb_hresult_name(put) ? xb_hresult_name(put) : "?");
	xb_error err;
	xb_error_init(&err, NULL);
	HRESULT hr = xb_event_validate(&ev->given, NULL, &err);
	return FAILED(hr) ? event_fail_with(ev, &err) : S_OK;
}

XB_EXPORT xb_check_event *xb_check_event_new(LONG kind)
{
	if (!xb_event_kind_name(kind))
		return NULL;
	struct xb_check_event *ev = calloc(1, sizeof(*ev));
	if (ev)
		ev->given.kind = kind;
	return ev;
}

XB_EXPORT LONG xb_check_event_kind(const xb_check_event *ev)
{
	return ev ? ev->given.kind : 0;
}

XB_EXPORT void xb_check_event_free(xb_check_event *ev)
{
	if (!ev)
		return;
	xb_event_free(&ev->given);
	free(ev->error);
	free(ev);
}

XB_EXPORT const char *xb_check_event_error(const xb_check_event *ev)
{
	return ev && ev->error_hr != S_OK ? (ev->error ? ev->error : "out of memory") : NULL;
}

/* Whether text is UTF-8 a module could receive as a BSTR. */
static int valid_utf8(const char *text)
{
	OLECHAR *wide = NULL;
	HRESULT hr = xb_utf8_to_utf16(text, XB_NUL_TERMINATED, &wide, NULL, NULL);
	free(wide);
	return SUCCEEDED(hr);
}

/* The property set a side names, or NULL. */
static struct xb_props *side_props(struct xb_check_event *ev, xb_kit_side side)
{
	return side == XB_KIT_REQUEST ? &ev->given.request : side == XB_KIT_CERTIFICATE ? &ev->given.cert : NULL;
}

/* The common checks of the setters: E_INVALIDARG for what no CA could hold. */
static struct xb_props *target(struct xb_check_event *ev, xb_kit_side side, const char *name)
{
	struct xb_props *p = ev ? side_props(ev, side) : NULL;
	if (ev && !p)
		event_fail(ev, E_INVALIDARG, "side %d is neither XB_KIT_REQUEST nor XB_KIT_CERTIFICATE", (int)side);
	else if (ev && (!name || !*name))
		event_fail(ev, E_INVALIDARG, "a property needs a name");
	return p && name && *name ? p : NULL;
}

XB_EXPORT HRESULT xb_check_event_set_long(xb_check_event *ev, xb_kit_side side, const char *name, LONG value)
{
	struct xb_props *p = target(ev, side, name);
	return p ? still_valid(ev, xb_props_put_long(p, name, value, XB_PUT_REPLACE)) : E_INVALIDARG;
}

XB_EXPORT HRESULT xb_check_event_set_string(xb_check_event *ev, xb_kit_side side, const char *name,
					    const char *value)
{
	struct xb_props *p = target(ev, side, name);
	if (p && !value)
		return event_fail(ev, E_INVALIDARG, "%s: no value", name);
	if (p && !valid_utf8(value))
		return event_fail(ev, E_INVALIDARG, "%s: the value is not valid UTF-8", name);
	return p ? still_valid(ev, xb_props_put_string(p, name, value, XB_PUT_REPLACE)) : E_INVALIDARG;
}

XB_EXPORT HRESULT xb_check_event_set_date(xb_check_event *ev, xb_kit_side side, const char *name, DATE value)
{
	struct xb_props *p = target(ev, side, name);
	return p ? still_valid(ev, xb_props_put_date(p, name, value, XB_PUT_REPLACE)) : E_INVALIDARG;
}

XB_EXPORT HRESULT xb_check_event_set_binary(xb_check_event *ev, xb_kit_side side, const char *name,
					    const void *bytes, size_t len)
{
	struct xb_props *p = target(ev, side, name);
	if (p && !bytes && len)
		return event_fail(ev, E_INVALIDARG, "%s: no bytes", name);
	return p ? still_valid(ev, xb_props_put_binary(p, name, bytes ? bytes : "", len, XB_PUT_REPLACE))
		 : E_INVALIDARG;
}

XB_EXPORT HRESULT xb_check_event_attribute(xb_check_event *ev, const char *name, const char *value)
{
	if (!ev)
		return E_INVALIDARG;
	if (!name || !*name || !value)
		return event_fail(ev, E_INVALIDARG, "an attribute needs a name and a value");
	if (!valid_utf8(value))
		return event_fail(ev, E_INVALIDARG, "attribute %s: the value is not valid UTF-8", name);
	return still_valid(ev, xb_props_put_string(&ev->given.attrs, name, value, XB_PUT_REPLACE));
}

/* Dotted decimal with at least two arcs, as GetCertificateExtension takes it. */
static int is_oid(const char *oid)
{
	int arcs = 0, digits = 0;
	for (const char *c = oid; ; c++) {
		if (*c >= '0' && *c <= '9') {
			digits++;
		} else if (*c == '.' || !*c) {
			if (!digits)
				return 0;
			arcs++;
			digits = 0;
			if (!*c)
				return arcs >= 2;
		} else {
			return 0;
		}
	}
}

XB_EXPORT HRESULT xb_check_event_extension(xb_check_event *ev, const char *oid, LONG flags, const void *value,
					   size_t len)
{
	if (!ev)
		return E_INVALIDARG;
	if (!oid || !is_oid(oid) || strlen(oid) >= XB_OID_TEXT_SIZE)
		return event_fail(ev, E_INVALIDARG, "extension \"%s\": not a dotted OID", oid ? oid : "(null)");
	if (!value && len)
		return event_fail(ev, E_INVALIDARG, "extension %s: no bytes", oid);
	return still_valid(ev, xb_exts_put(&ev->given.exts, oid, flags, value ? value : "", len, XB_PUT_REPLACE));
}

/* ---- certificates and requests -------------------------------------------- */

/* What a Raw* value must be: its property, its side, and the check the engine would make of it. */
struct raw_kind {
	const char *property; /* RawCertificate, RawRequest */
	const char *what;     /* for messages */
	const char *label;    /* the PEM label it must have, or NULL for any */
	int certificate;      /* the certificate side */
};

static const struct raw_kind certificate = {"RawCertificate", "certificate", "CERTIFICATE", 1};
static const struct raw_kind request = {"RawRequest", "request", NULL, 0};

/* Derives into scratch sets, as the engine will at delivery: the bytes must be what they claim. */
static HRESULT check_der(const struct raw_kind *k, const unsigned char *der, size_t len, xb_error *err)
{
	struct xb_props props = {0}, attrs = {0};
	struct xb_exts exts = {0};
	HRESULT hr = k->certificate ? xb_cert_props_derive(der, len, &props, &exts, XB_PUT_REPLACE, err)
				    : xb_request_props_derive(der, len, &props, &attrs, &exts, 0, XB_PUT_REPLACE, err);
	xb_props_free(&props);
	xb_props_free(&attrs);
	xb_exts_free(&exts);
	return hr;
}

/* Stores DER or PEM text (n bytes) as k's value; source names it in messages. */
static HRESULT set_raw(struct xb_check_event *ev, const struct raw_kind *k, const char *text, size_t n,
		       const char *source)
{
	unsigned char *der = NULL;
	size_t len = n;
	xb_error err;
	xb_error_init(&err, source);
	HRESULT hr = S_OK;
	if (xb_pem_detect(text, n)) {
		char label[XB_PEM_LABEL_SIZE];
		hr = xb_pem_decode(text, n, label, &der, &len, &err);
		if (FAILED(hr))
			return event_fail_with(ev, &err);
		if (k->label && strcmp(label, k->label)) {
			free(der);
			return event_fail(ev, INVALID_DATA, "%s: the PEM block is \"%s\", not a %s", source, label, k->label);
		}
	}
	const unsigned char *bytes = der ? der : (const unsigned char *)text;
	hr = check_der(k, bytes, len, &err);
	if (FAILED(hr)) {
		free(der);
		xb_error_set_source(&err, source);
		return event_fail_with(ev, &err);
	}
	struct xb_props *p = k->certificate ? &ev->given.cert : &ev->given.request;
	hr = still_valid(ev, xb_props_put_binary(p, k->property, bytes, len, XB_PUT_REPLACE));
	free(der);
	return hr;
}

/* The whole file, NUL-terminated (free it). */
static HRESULT read_file(struct xb_check_event *ev, const char *path, char **out, size_t *n)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return event_fail(ev, HRESULT_FROM_WIN32(ERROR_FILE_NOT_FOUND), "%s: %s", path, strerror(errno));
	char *buf = NULL;
	size_t used = 0, cap = 0;
	for (;;) {
		if (cap - used < 4096) {
			char *grown = realloc(buf, cap + 65536);
			if (!grown) {
				free(buf);
				fclose(f);
				return event_fail(ev, E_OUTOFMEMORY, "%s: out of memory", path);
			}
			buf = grown;
			cap += 65536;
		}
		size_t got = fread(buf + used, 1, cap - used - 1, f);
		used += got;
		if (got == 0)
			break;
	}
	int bad = ferror(f);
	fclose(f);
	if (bad) {
		free(buf);
		return event_fail(ev, HRESULT_FROM_WIN32(ERROR_READ_FAULT), "%s: read error", path);
	}
	buf[used] = 0;
	*out = buf;
	*n = used;
	return S_OK;
}

static HRESULT raw_file(struct xb_check_event *ev, const struct raw_kind *k, const char *path)
{
	if (!ev)
		return E_INVALIDARG;
	if (!path)
		return event_fail(ev, E_INVALIDARG, "no %s file given", k->what);
	char *text = NULL;
	size_t n = 0;
	HRESULT hr = read_file(ev, path, &text, &n);
	if (SUCCEEDED(hr))
		hr = set_raw(ev, k, text, n, path);
	free(text);
	return hr;
}

static HRESULT raw_pem(struct xb_check_event *ev, const struct raw_kind *k, const char *text)
{
	if (!ev)
		return E_INVALIDARG;
	if (!text)
		return event_fail(ev, E_INVALIDARG, "no %s PEM text given", k->what);
	if (!xb_pem_detect(text, strlen(text)))
		return event_fail(ev, INVALID_DATA, "the %s text has no \"-----BEGIN\" line", k->what);
	return set_raw(ev, k, text, strlen(text), k->property);
}

XB_EXPORT HRESULT xb_check_event_certificate_file(xb_check_event *ev, const char *path)
{
	return raw_file(ev, &certificate, path);
}

XB_EXPORT HRESULT xb_check_event_certificate_pem(xb_check_event *ev, const char *text)
{
	return raw_pem(ev, &certificate, text);
}

XB_EXPORT HRESULT xb_check_event_request_file(xb_check_event *ev, const char *path)
{
	return raw_file(ev, &request, path);
}

XB_EXPORT HRESULT xb_check_event_request_pem(xb_check_event *ev, const char *text)
{
	return raw_pem(ev, &request, text);
}

/* ---- for delivery ---------------------------------------------------------- */

static HRESULT copy_exts(struct xb_exts *to, const struct xb_exts *from)
{
	HRESULT hr = S_OK;
	for (size_t i = 0; i < from->n && SUCCEEDED(hr); i++)
		hr = xb_exts_put(to, from->items[i].oid, from->items[i].flags, from->items[i].value, from->items[i].len,
				 XB_PUT_REPLACE);
	return hr;
}

HRESULT xb_checklib_event_copy(const struct xb_check_event *ev, struct xb_event *out)
{
	memset(out, 0, sizeof(*out));
	out->kind = ev->given.kind;
	HRESULT hr = xb_props_copy(&out->request, &ev->given.request);
	if (SUCCEEDED(hr))
		hr = xb_props_copy(&out->cert, &ev->given.cert);
	if (SUCCEEDED(hr))
		hr = xb_props_copy(&out->attrs, &ev->given.attrs);
	if (SUCCEEDED(hr))
		hr = copy_exts(&out->exts, &ev->given.exts);
	if (FAILED(hr))
		xb_event_free(out);
	return hr;
}
