/* The CA's derived context-0 properties (ca_props.h). */
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ca_props.h"
#include "der.h"

#define INVALID_DATA HRESULT_FROM_WIN32(ERROR_INVALID_DATA)
#define CA_DISP_ERROR_STATE 1
#define CA_DISP_VALID_STATE 3

/* The characters AD CS replaces with !xxxx (reference §5), besides non-printing and non-ASCII ones. */
static const char sanitized[] = "&'*\\{}[]^:,=!`><#()%|+?\";/";

char *xb_sanitize_ca_name(const char *name)
{
	OLECHAR *wide;
	size_t n;
	if (FAILED(xb_utf8_to_utf16(name, strlen(name), &wide, &n, NULL)))
		return NULL;
	char *out = malloc(5 * n + 1), *p = out;
	for (size_t i = 0; out && i < n; i++) {
		OLECHAR c = wide[i];
		if (c >= 0x20 && c < 0x7F && !strchr(sanitized, (char)c))
			*p++ = (char)c;
		else
			p += sprintf(p, "!%04x", (unsigned)c);
	}
	if (out)
		*p = 0;
	free(wide);
	return out;
}

static const struct xb_prop *indexed(const struct xb_props *ca, const char *name, int i)
{
	char key[64];
	snprintf(key, sizeof(key), "%s.%d", name, i);
	return xb_props_find(ca, key);
}

static HRESULT put_indexed_long(struct xb_props *ca, const char *name, int i, LONG v)
{
	char key[64];
	snprintf(key, sizeof(key), "%s.%d", name, i);
	return xb_props_put_long(ca, key, v, XB_PUT_IF_ABSENT);
}

static HRESULT put_suffix(struct xb_props *ca, const char *name, int i)
{
	char key[64], suffix[16] = "";
	snprintf(key, sizeof(key), "%s.%d", name, i);
	if (i)
		snprintf(suffix, sizeof(suffix), "(%d)", i);
	return xb_props_put_string(ca, key, suffix, XB_PUT_IF_ABSENT);
}

/*
 * The key index of a CA certificate: the high 16 bits of its CA version
 * extension (1.3.6.1.4.1.311.21.1, an INTEGER), or -1 without one.
 */
static int key_index(X509 *cert)
{
	ASN1_OBJECT *oid = OBJ_txt2obj("1.3.6.1.4.1.311.21.1", 1);
	int at = oid ? X509_get_ext_by_OBJ(cert, oid, -1) : -1;
	ASN1_OBJECT_free(oid);
	if (at < 0)
		return -1;
	ASN1_OCTET_STRING *value = X509_EXTENSION_get_data(X509_get_ext(cert, at));
	struct der_cursor c = {ASN1_STRING_get0_data(value), (size_t)ASN1_STRING_length(value)};
	struct der_tlv t;
	size_t bad;
	int32_t v;
	if (der_next(&c, &t, &bad) || c.left || der_integer_long(&t, &v))
		return -1;
	return (int)(((uint32_t)v >> 16) & 0xFFFF);
}

/* The CA certificate at index i, parsed, or NULL with err set (absent: NULL, S_OK). */
static HRESULT ca_certificate(const struct xb_props *ca, int i, X509 **out, xb_error *err)
{
	*out = NULL;
	const struct xb_prop *p = indexed(ca, "RawCACertificate", i);
	if (!p)
		return S_OK;
	const unsigned char *der = p->value.bytes;
	if (p->value.type != PROPTYPE_BINARY ||
	    !(*out = d2i_X509(NULL, &der, (long)p->value.len)) || der != p->value.bytes + p->value.len) {
		X509_free(*out);
		*out = NULL;
		return xb_error_set(err, INVALID_DATA, 0, "ca property %s: not a DER certificate", p->name);
	}
	return S_OK;
}

/* Whether a binary value is exactly one DER certificate (crl = 0) or CRL (crl = 1). */
static int is_der(const struct xb_value *v, int crl)
{
	if (v->type != PROPTYPE_BINARY)
		return 0;
	const unsigned char *der = v->bytes;
	void *parsed = crl ? (void *)d2i_X509_CRL(NULL, &der, (long)v->len) : (void *)d2i_X509(NULL, &der, (long)v->len);
	int ok = parsed && der == v->bytes + v->len;
	if (crl)
		X509_CRL_free(parsed);
	else
		X509_free(parsed);
	return ok;
}

HRESULT xb_ca_props_check(const struct xb_props *ca, xb_error *err)
{
	for (size_t i = 0; i < ca->n; i++) {
		const struct xb_prop *p = &ca->items[i];
		if (!strncasecmp(p->name, "RawCRL.", 7) || !strncasecmp(p->name, "RawDeltaCRL.", 12)) {
			if (!is_der(&p->value, 1))
				return xb_error_set(err, INVALID_DATA, 0, "ca property %s: not a DER CRL", p->name);
		} else if (!strncasecmp(p->name, "RawCACertificate.", 17) && !is_der(&p->value, 0)) {
			return xb_error_set(err, INVALID_DATA, 0, "ca property %s: not a DER certificate", p->name);
		}
	}
	return S_OK;
}

int xb_ca_props_change_certificates(const struct xb_props *changes)
{
	for (size_t i = 0; i < changes->n; i++)
		if (!strncasecmp(changes->items[i].name, "RawCACertificate", 16) ||
		    !strcasecmp(changes->items[i].name, "CertCount"))
			return 1;
	return 0;
}

/* The per-index properties of CA certificate i (whose key index is k). */
static HRESULT put_certificate_index(struct xb_props *ca, int i, int k)
{
	HRESULT hr = put_suffix(ca, "CertSuffix", i);
	if (SUCCEEDED(hr))
		hr = put_indexed_long(ca, "CertState", i, CA_DISP_VALID_STATE);
	if (SUCCEEDED(hr))
		hr = put_indexed_long(ca, "CRLIndex", i, k);
	if (SUCCEEDED(hr))
		hr = put_indexed_long(ca, "CRLState", i, k == i ? CA_DISP_VALID_STATE : CA_DISP_ERROR_STATE);
	if (SUCCEEDED(hr))
		hr = put_suffix(ca, "CRLSuffix", k);
	return hr;
}

HRESULT xb_ca_props_derive(struct xb_props *ca, const char *config, xb_error *err)
{
	HRESULT hr = xb_ca_props_check(ca, err);
	if (SUCCEEDED(hr) && config && *config) {
		char *name = xb_sanitize_ca_name(config);
		hr = name ? xb_props_put_string(ca, "SanitizedCAName", name, XB_PUT_IF_ABSENT) : E_OUTOFMEMORY;
		free(name);
	}
	int highest = -1;
	for (int i = 0; SUCCEEDED(hr) && i < XB_CA_MAX_INDEX; i++) {
		X509 *cert;
		hr = ca_certificate(ca, i, &cert, err);
		if (FAILED(hr) || !cert)
			continue;
		int k = key_index(cert);
		X509_free(cert);
		highest = i;
		/* A key index beyond the certificate's own cannot be: fall back to the certificate's. */
		hr = put_certificate_index(ca, i, k >= 0 && k <= i ? k : i);
	}
	if (SUCCEEDED(hr) && highest >= 0)
		hr = xb_props_put_long(ca, "CertCount", highest + 1, XB_PUT_IF_ABSENT);
	return hr;
}
