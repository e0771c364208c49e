/*
 * What a CA has for each kind of event (reference §4.3), in one table, and
 * the once-per-event derivation of the values a trace leaves implicit.
 */
#ifndef XB_EMU_EVENT_H
#define XB_EMU_EVENT_H

#include "trace.h"

/*
 * Whether the certificate side (GetCertificateProperty with the event's
 * context, GetCertificateExtension) exists for an event: yes for issued,
 * revoked and imported; for retrievepending only when the trace gives the
 * certificate (the request may or may not have been issued); never for
 * pending and denied ("only after ... the certificate is issued").
 */
int xb_event_has_certificate(const struct xb_event *ev);

/* Whether the event carries a request context (all but crlissued, shutdown, startup). */
int xb_event_has_request(LONG kind);

/*
 * Checks that an event holds nothing a CA would not have for it
 * (certificate values on a pending request...). S_OK or
 * HRESULT_FROM_WIN32(ERROR_INVALID_DATA) with err naming line and section.
 */
HRESULT xb_event_validate(const struct xb_event *ev, const char *source, xb_error *err);

/*
 * Derives, once, the certificate properties and extensions from
 * RawCertificate, then the request side (name properties, attributes,
 * requested extensions) from RawRequest and the RequestAttributes string
 * (values the trace gives win; certificate extensions win over requested
 * ones). Not thread-safe: the caller serialises (the engine does so
 * under its lock).
 */
HRESULT xb_event_derive(struct xb_event *ev, xb_error *err);

#endif
