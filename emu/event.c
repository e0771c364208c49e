/* Which event has what, and derivation (event.h). */
#include <stdio.h>
#include <string.h>

#include "cert_props.h"
#include "event.h"
#include "request_props.h"

int xb_event_has_request(LONG kind)
{
	return kind != EXITEVENT_CRLISSUED && kind != EXITEVENT_SHUTDOWN && kind != EXITEVENT_STARTUP;
}

int xb_event_has_certificate(const struct xb_event *ev)
{
	switch (ev->kind) {
	case EXITEVENT_CERTISSUED:
	case EXITEVENT_CERTREVOKED:
	case EXITEVENT_CERTIMPORTED:
		return 1;
	case EXITEVENT_CERTRETRIEVEPENDING:
		return ev->cert.n > 0;
	default:
		return 0;
	}
}

HRESULT xb_event_validate(const struct xb_event *ev, const char *source, xb_error *err)
{
	const char *name = xb_event_kind_name(ev->kind);
	const char *extra = NULL;
	if (!xb_event_has_request(ev->kind) && (ev->request.n || ev->cert.n || ev->attrs.n || ev->exts.n))
		extra = "request, certificate, attribute or extension values (it has no request context)";
	/* extensions are allowed: a pending or denied request has its requested ones (reference §4.3) */
	else if (!xb_event_has_certificate(ev) && ev->kind != EXITEVENT_CERTRETRIEVEPENDING && ev->cert.n)
		extra = "certificate values (a CA has none before the certificate is issued)";
	if (!extra)
		return S_OK;
	HRESULT hr = xb_error_set(err, HRESULT_FROM_WIN32(ERROR_INVALID_DATA), 0, "a %s event cannot carry %s",
				  name ? name : "?", extra);
	if (err && err->code == hr && !err->line) {
		err->line = (int)ev->line;
		xb_error_set_source(err, source);
	}
	return hr;
}

/*
 * The request side, after the certificate side so that the certificate's
 * extensions win: a requested extension the certificate lacks is recorded
 * as disabled, as a CA keeps one its policy module disabled
 * (docs/decisions.md, "Request side"). The RequestAttributes string goes
 * first: what the requester submitted wins over what the request carries.
 */
static HRESULT derive_request(struct xb_event *ev, xb_error *err)
{
	const struct xb_prop *text = xb_props_find(&ev->request, "RequestAttributes");
	HRESULT hr = S_OK;
	if (text && text->value.type == PROPTYPE_STRING)
		hr = xb_request_attributes_parse(text->value.text, &ev->attrs, XB_PUT_IF_ABSENT);
	const struct xb_prop *raw = xb_props_find(&ev->request, "RawRequest");
	if (SUCCEEDED(hr) && raw && raw->value.type == PROPTYPE_BINARY) {
		LONG disabled = xb_event_has_certificate(ev) ? EXTENSION_DISABLE_FLAG : 0;
		hr = xb_request_props_derive(raw->value.bytes, raw->value.len, &ev->request, &ev->attrs, &ev->exts,
					     disabled, XB_PUT_IF_ABSENT, err);
	}
	return hr;
}

HRESULT xb_event_derive(struct xb_event *ev, xb_error *err)
{
	if (ev->derived)
		return S_OK;
	const struct xb_prop *raw = xb_props_find(&ev->cert, "RawCertificate");
	HRESULT hr = S_OK;
	if (raw && raw->value.type == PROPTYPE_BINARY)
		hr = xb_cert_props_derive(raw->value.bytes, raw->value.len, &ev->cert, &ev->exts, XB_PUT_IF_ABSENT,
					  err);
	if (SUCCEEDED(hr))
		hr = derive_request(ev, err);
	if (SUCCEEDED(hr))
		ev->derived = 1;
	return hr;
}
