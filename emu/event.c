/* Which event has what, and derivation (event.h). */
#include <stdio.h>
#include <string.h>

#include "cert_props.h"
#include "event.h"

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
	else if (!xb_event_has_certificate(ev) && ev->kind != EXITEVENT_CERTRETRIEVEPENDING &&
		 (ev->cert.n || ev->exts.n))
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
		ev->derived = 1;
	return hr;
}
