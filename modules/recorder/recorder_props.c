/*
 * What the recorder asks the CA for. ICertServerExit cannot list a
 * request's properties, so the recorder asks for every name the reference
 * lists (shared/reference/adcs-exit-api.md §3.2-3.5; the wszPROP* names of
 * certsrv.h) with the type it gives there, and keeps what the CA has. The
 * table below is that list, in one place: a property the recorder should
 * record is a row here, nothing else.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "recorder.h"

#define L PROPTYPE_LONG
#define D PROPTYPE_DATE
#define B PROPTYPE_BINARY
#define S PROPTYPE_STRING
#define REQ REC_REQUEST
#define CERT REC_CERTIFICATE
#define BOTH (REC_REQUEST | REC_CERTIFICATE)

static const struct rec_property properties[] = {
	/* §3.2 request properties */
	{"RequestID", L, BOTH, REC_SINGLE}, /* also a certificate property (§3.4) */
	{"RawRequest", B, REQ, REC_SINGLE},
	{"RawArchivedKey", B, REQ, REC_SINGLE},
	{"KeyRecoveryHashes", S, REQ, REC_SINGLE},
	{"RawOldCertificate", B, REQ, REC_SINGLE},
	{"RequestAttributes", S, REQ, REC_SINGLE},
	{"RequestType", L, REQ, REC_SINGLE},
	{"RequestFlags", L, REQ, REC_SINGLE},
	{"StatusCode", L, REQ, REC_SINGLE},
	{"Disposition", L, REQ, REC_SINGLE},
	{"DispositionMessage", S, REQ, REC_SINGLE},
	{"SubmittedWhen", D, REQ, REC_SINGLE},
	{"ResolvedWhen", D, REQ, REC_SINGLE},
	{"RevokedWhen", D, REQ, REC_SINGLE},
	{"RevokedEffectiveWhen", D, REQ, REC_SINGLE},
	{"RevokedReason", L, REQ, REC_SINGLE},
	{"RequesterName", S, REQ, REC_SINGLE},
	{"CallerName", S, REQ, REC_SINGLE},
	{"SignerPolicies", S, REQ, REC_SINGLE},
	{"SignerApplicationPolicies", S, REQ, REC_SINGLE},
	{"Officer", S, REQ, REC_SINGLE}, /* type unconfirmed ("S?") */
	{"PublishExpiredCertInCRL", L, REQ, REC_SINGLE},
	{"RequesterNameFromOldCertificate", S, BOTH, REC_SINGLE}, /* the reference: "try both" */
	{"AttestationChallenge", B, REQ, REC_SINGLE},
	{"EndorsementKeyHash", S, REQ, REC_SINGLE},
	{"EndorsementCertificateHash", S, REQ, REC_SINGLE},
	{"RawPrecertificate", B, REQ, REC_SINGLE},
	{"CRLPartitionIndex", L, REQ, REC_SINGLE}, /* type unconfirmed ("L?") */
	{"RawCACertificate", B, REQ, REC_SINGLE}, /* the issuing CA's, as GetRequestProperty's page lists it */
	/* §3.3 the subject, on both sides (the Subject. prefix and the aliases name the same values) */
	{"DistinguishedName", S, BOTH, REC_SINGLE},
	{"RawName", B, BOTH, REC_SINGLE},
	{"CommonName", S, BOTH, REC_SINGLE},
	{"Country", S, BOTH, REC_SINGLE},
	{"DeviceSerialNumber", S, BOTH, REC_SINGLE},
	{"DomainComponent", S, BOTH, REC_SINGLE},
	{"EMail", S, BOTH, REC_SINGLE},
	{"GivenName", S, BOTH, REC_SINGLE},
	{"Initials", S, BOTH, REC_SINGLE},
	{"Locality", S, BOTH, REC_SINGLE},
	{"Organization", S, BOTH, REC_SINGLE},
	{"OrgUnit", S, BOTH, REC_SINGLE},
	{"State", S, BOTH, REC_SINGLE},
	{"StreetAddress", S, BOTH, REC_SINGLE},
	{"SurName", S, BOTH, REC_SINGLE},
	{"Title", S, BOTH, REC_SINGLE},
	{"UnstructuredAddress", S, BOTH, REC_SINGLE},
	{"UnstructuredName", S, BOTH, REC_SINGLE},
	/* §3.4 certificate properties (the obsolete CertificateType, RawSMIMECapabilities, NameType have no type) */
	{"RawCertificate", B, CERT, REC_SINGLE},
	{"CertificateHash", S, CERT, REC_SINGLE},
	{"CertificateTemplate", S, CERT, REC_SINGLE},
	{"EnrollmentFlags", L, CERT, REC_SINGLE},
	{"GeneralFlags", L, CERT, REC_SINGLE},
	{"PrivatekeyFlags", L, CERT, REC_SINGLE},
	{"SerialNumber", S, CERT, REC_SINGLE},
	{"NotBefore", D, CERT, REC_SINGLE},
	{"NotAfter", D, CERT, REC_SINGLE},
	{"SubjectKeyIdentifier", S, CERT, REC_SINGLE},
	{"RawPublicKey", B, CERT, REC_SINGLE},
	{"PublicKeyLength", L, CERT, REC_SINGLE},
	{"PublicKeyAlgorithm", S, CERT, REC_SINGLE},
	{"RawPublicKeyAlgorithmParameters", B, CERT, REC_SINGLE},
	{"UPN", S, CERT, REC_SINGLE},
	/* §3.5 the CA's properties (context 0); CertCount first, as it bounds the .# suffixes */
	{"CAType", L, REC_CA, REC_SINGLE},
	{"CertCount", L, REC_CA, REC_SINGLE},
	{"fDeltaCRLsDisabled", L, REC_CA, REC_SINGLE},
	{"fUseDS", L, REC_CA, REC_SINGLE},
	{"fServerUpgraded", L, REC_CA, REC_SINGLE},
	{"MachineDNSName", S, REC_CA, REC_SINGLE},
	{"ModuleRegistryLocation", S, REC_CA, REC_SINGLE},
	{"SanitizedCAName", S, REC_CA, REC_SINGLE},
	{"SanitizedShortName", S, REC_CA, REC_SINGLE},
	{"ConfigDN", S, REC_CA, REC_SINGLE},
	{"DomainDN", S, REC_CA, REC_SINGLE},
	{"LogLevel", L, REC_CA, REC_SINGLE},
	{"SessionCount", L, REC_CA, REC_SINGLE},
	{"TemplateChangeSequenceNumber", L, REC_CA, REC_SINGLE},
	{"VolatileMode", L, REC_CA, REC_SINGLE},
	{"RequesterCAAccess", L, REC_CA, REC_SINGLE},
	{"UserDN", S, REC_CA, REC_SINGLE},
	{"KeyArchived", L, REC_CA, REC_SINGLE}, /* type unconfirmed ("L?") */
	{"RawCACertificate", B, REC_CA, REC_PER_CERT},
	{"CertState", L, REC_CA, REC_PER_CERT},
	{"CertSuffix", S, REC_CA, REC_PER_CERT},
	{"CRLIndex", L, REC_CA, REC_PER_CERT},
	{"CRLState", L, REC_CA, REC_PER_CERT},
	{"CRLSuffix", S, REC_CA, REC_PER_CERT}, /* by CRL index, which never exceeds the certificate index */
	{"RawCRL", B, REC_CA, REC_PER_CERT},
	{"RawDeltaCRL", B, REC_CA, REC_PER_CERT},
	{"LocalizedTimePeriodUnits", S, REC_CA, REC_PER_PERIOD},
};

#undef L
#undef D
#undef B
#undef S
#undef REQ
#undef CERT
#undef BOTH

#define PROPERTY_COUNT (sizeof(properties) / sizeof(properties[0]))

/* ENUM_PERIOD_SECONDS (0) .. ENUM_PERIOD_YEARS (6). */
#define PERIOD_COUNT 7
/* More CA certificates than a CA has renewals in practice (the engine stops at 64). */
#define MAX_CERT_COUNT 1024

void rec_values_free(struct rec_values *values)
{
	for (size_t i = 0; i < values->n; i++) {
		free(values->items[i].name);
		free(values->items[i].bytes);
	}
	free(values->items);
	memset(values, 0, sizeof(*values));
}

int rec_value_equal(const struct rec_value *a, const struct rec_value *b)
{
	if (a->type != b->type)
		return 0;
	switch (a->type) {
	case PROPTYPE_LONG:
		return a->l == b->l;
	case PROPTYPE_DATE:
		return !memcmp(&a->date, &b->date, sizeof(DATE));
	default:
		return a->len == b->len && (!a->len || !memcmp(a->bytes, b->bytes, a->len));
	}
}

const struct rec_value *rec_values_find(const struct rec_values *values, const char *name)
{
	for (size_t i = 0; i < values->n; i++)
		if (!strcmp(values->items[i].name, name))
			return &values->items[i];
	return NULL;
}

/* Takes v (its name and bytes) into values. */
static HRESULT push(struct rec_values *values, struct rec_value *v)
{
	if (values->n == values->cap) {
		size_t cap = values->cap ? values->cap * 2 : 32;
		struct rec_value *grown = realloc(values->items, cap * sizeof(*grown));
		if (!grown)
			return E_OUTOFMEMORY;
		values->items = grown;
		values->cap = cap;
	}
	values->items[values->n++] = *v;
	return S_OK;
}

/* One Get*Property of type into v (bytes new); the kit's HRESULT. */
static HRESULT get_as(ICertServerExit *server, xb_kit_side side, const char *name, LONG type, struct rec_value *v)
{
	HRESULT hr;
	v->type = type;
	switch (type) {
	case PROPTYPE_LONG:
		return xb_kit_get_long(server, side, name, &v->l);
	case PROPTYPE_DATE:
		return xb_kit_get_date(server, side, name, &v->date);
	case PROPTYPE_STRING: {
		char *text = NULL;
		hr = xb_kit_get_string(server, side, name, &text);
		if (SUCCEEDED(hr)) {
			v->bytes = (unsigned char *)text;
			v->len = strlen(text); /* a NUL inside the BSTR ends the text: a trace string cannot hold one */
		}
		return hr;
	}
	default:
		return xb_kit_get_bytes(server, side, name, &v->bytes, &v->len);
	}
}

/* What a CA says for a property it does not have: nothing to record, nothing to report. */
static int absent(HRESULT hr)
{
	/* The SDK sample meets ERROR_FILE_NOT_FOUND for RawDeltaCRL.# when delta CRLs are disabled. */
	return hr == CERTSRV_E_PROPERTY_EMPTY || hr == HRESULT_FROM_WIN32(ERROR_FILE_NOT_FOUND);
}

/*
 * Reads one property (name, as asked) into values. Only the reference's
 * type is asked for, also where it marks the type unconfirmed: asking
 * with another type is a call the protocol does not allow (the engine
 * reports it), and a CA answering the mismatch is reported once instead.
 */
static HRESULT read_one(ICertServerExit *server, xb_kit_side side, const struct rec_property *p, const char *name,
			enum rec_where where, struct rec_values *values, rec_unreadable_fn unreadable, void *ctx)
{
	struct rec_value v = {0};
	HRESULT hr = get_as(server, side, name, p->type, &v);
	if (hr == E_OUTOFMEMORY)
		return hr;
	if (FAILED(hr)) {
		if (!absent(hr) && unreadable)
			unreadable(ctx, where, name, hr);
		return S_OK;
	}
	v.name = malloc(strlen(name) + 1);
	if (v.name)
		memcpy(v.name, name, strlen(name) + 1);
	hr = v.name ? push(values, &v) : E_OUTOFMEMORY;
	if (FAILED(hr)) {
		free(v.name);
		free(v.bytes);
	}
	return hr;
}

/* The rows of one index kind, each with ".i" for i in [0, count). */
static HRESULT read_indexed(ICertServerExit *server, enum rec_index index, LONG count, struct rec_values *out,
			    rec_unreadable_fn unreadable, void *ctx)
{
	HRESULT hr = S_OK;
	for (LONG i = 0; SUCCEEDED(hr) && i < count; i++) {
		for (size_t k = 0; SUCCEEDED(hr) && k < PROPERTY_COUNT; k++) {
			const struct rec_property *p = &properties[k];
			char name[96];
			if (!(p->where & REC_CA) || p->index != index)
				continue;
			snprintf(name, sizeof(name), "%s.%ld", p->name, (long)i);
			hr = read_one(server, XB_KIT_CERTIFICATE, p, name, REC_CA, out, unreadable, ctx);
		}
	}
	return hr;
}

HRESULT rec_read_properties(ICertServerExit *server, enum rec_where where, struct rec_values *out,
			    rec_unreadable_fn unreadable, void *ctx)
{
	xb_kit_side side = where == REC_REQUEST ? XB_KIT_REQUEST : XB_KIT_CERTIFICATE;
	HRESULT hr = S_OK;
	for (size_t k = 0; SUCCEEDED(hr) && k < PROPERTY_COUNT; k++) {
		const struct rec_property *p = &properties[k];
		if ((p->where & where) && p->index == REC_SINGLE)
			hr = read_one(server, side, p, p->name, where, out, unreadable, ctx);
	}
	if (FAILED(hr) || where != REC_CA)
		return hr;
	const struct rec_value *count = rec_values_find(out, "CertCount");
	LONG certs = count && count->type == PROPTYPE_LONG && count->l > 0 ? count->l : 0;
	if (certs > MAX_CERT_COUNT) {
		xb_kit_log(XB_KIT_LOG_WARNING, "CertCount is %ld: only the first %d CA certificates are recorded",
			   (long)certs, MAX_CERT_COUNT);
		certs = MAX_CERT_COUNT;
	}
	hr = read_indexed(server, REC_PER_CERT, certs, out, unreadable, ctx);
	if (SUCCEEDED(hr))
		hr = read_indexed(server, REC_PER_PERIOD, PERIOD_COUNT, out, unreadable, ctx);
	return hr;
}

HRESULT rec_write_values(xb_kit_trace_line *line, const char *key, const struct rec_values *values,
			 const struct rec_values *changed_from)
{
	HRESULT hr = xb_kit_trace_begin_object(line, key);
	for (size_t i = 0; SUCCEEDED(hr) && i < values->n; i++) {
		const struct rec_value *v = &values->items[i];
		const struct rec_value *before = changed_from ? rec_values_find(changed_from, v->name) : NULL;
		if (before && rec_value_equal(before, v))
			continue;
		switch (v->type) {
		case PROPTYPE_LONG:
			hr = xb_kit_trace_put_long(line, v->name, v->l);
			break;
		case PROPTYPE_DATE:
			hr = xb_kit_trace_put_date(line, v->name, v->date);
			break;
		case PROPTYPE_STRING:
			hr = xb_kit_trace_put_string(line, v->name, (const char *)v->bytes, v->len);
			break;
		default:
			hr = xb_kit_trace_put_binary(line, v->name, v->bytes, v->len);
			break;
		}
		if (FAILED(hr) && hr != E_OUTOFMEMORY) {
			/* a DATE the trace format cannot hold (outside 0100..9999) */
			char buf[XB_HRESULT_BUFSIZE];
			xb_kit_log(XB_KIT_LOG_WARNING, "%s %s: not recorded: %s", key, v->name, xb_hresult_format(hr, buf));
			hr = S_OK;
		}
	}
	if (SUCCEEDED(hr))
		hr = xb_kit_trace_end_or_drop(line);
	return hr;
}
