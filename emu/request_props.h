/*
 * The request side of a CA event, derived from the submitted request the
 * way AD CS fills its database (reference §3.2, §3.3, §3.6, §4.5): the
 * requested subject's name properties, the request attributes the CA
 * extracts, and the requested extensions. docs/decisions.md ("Request
 * side") lists the choices made where Windows is not documented.
 */
#ifndef XB_EMU_REQUEST_PROPS_H
#define XB_EMU_REQUEST_PROPS_H

#include "props.h"

/*
 * Derives from a RawRequest: a PKCS#10 CertificationRequest, a PKCS#7
 * (CMS signedData) around one, a CMC request (signedData over a PKIData
 * holding a PKCS#10), or a KEYGEN SignedPublicKeyAndChallenge.
 *
 * Puts into request: RawRequest, RequestType (the CR_IN_* format only),
 * and from the subject RawName, DistinguishedName and every name property
 * (as xb_name_props_derive does; KEYGEN has no subject). Into attrs:
 * RequestOSVersion, RequestCSPProvider and each EnrollmentNameValuePair,
 * from the request's attributes and from CMC add-attributes controls. Into
 * exts: the extensionRequest and Microsoft extension attributes' extensions
 * with EXTENSION_ORIGIN_REQUEST (EXTENSION_ORIGIN_CMC for a CMC
 * add-extensions control), EXTENSION_CRITICAL_FLAG where critical, and
 * ext_flags OR'd in (EXTENSION_DISABLE_FLAG when the event's certificate
 * already gave its extensions, so the request's others are recorded but
 * not issued). The first occurrence of an extension or attribute in the
 * request wins; with XB_PUT_IF_ABSENT, values already present win too.
 *
 * Returns S_OK, E_OUTOFMEMORY, HRESULT_FROM_WIN32(ERROR_INVALID_DATA) for a
 * malformed request or HRESULT_FROM_WIN32(ERROR_NOT_SUPPORTED) for a
 * well-formed one of a kind not handled (CRMF inside CMC...), with err's
 * text beginning "RawRequest: " and saying what and at which byte. A
 * failure puts nothing.
 */
HRESULT xb_request_props_derive(const unsigned char *der, size_t len, struct xb_props *request,
				struct xb_props *attrs, struct xb_exts *exts, LONG ext_flags, enum xb_put how,
				xb_error *err);

/*
 * Puts the attributes of a RequestAttributes string (reference §5:
 * "name:value" lines separated by "\n") into attrs: name and value trimmed
 * of white space, the value being everything after the first colon; lines
 * without a colon, with an empty name or an empty value are skipped; of
 * two lines naming the same attribute the later wins. Returns S_OK or
 * E_OUTOFMEMORY.
 */
HRESULT xb_request_attributes_parse(const char *text, struct xb_props *attrs, enum xb_put how);

#endif
