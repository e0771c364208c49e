/* A DER certificate read in place (cert_parse.h). */
#include <stdio.h>
#include <string.h>

#include "cert_parse.h"
#include "der_walk.h"

#define INVALID_DATA HRESULT_FROM_WIN32(ERROR_INVALID_DATA)

/* The tags of TBSCertificate's tagged fields. */
#define TAG_VERSION 0xA0            /* [0] EXPLICIT */
#define TAG_ISSUER_UID 0x81         /* [1] IMPLICIT BIT STRING */
#define TAG_SUBJECT_UID 0x82        /* [2] IMPLICIT BIT STRING */
#define TAG_EXTENSIONS 0xA3         /* [3] EXPLICIT */

/* The next element of c when it has that tag: S_OK and *out; S_FALSE (nothing read) when it has another or none. */
static HRESULT take_optional(const struct der_walk *w, struct der_cursor *c, unsigned tag, struct der_tlv *out,
			     const char *what)
{
	if (!c->left || c->p[0] != tag)
		return S_FALSE;
	return der_walk_take(w, c, tag, out, what);
}

static HRESULT check_integer(const struct der_walk *w, const struct der_tlv *tlv, const char *what)
{
	return der_integer_valid(tlv) ? der_walk_fail(w, INVALID_DATA, tlv->start, "%s is not a DER INTEGER", what)
				      : S_OK;
}

static HRESULT check_oid(const struct der_walk *w, const struct der_tlv *tlv, const char *what)
{
	return der_oid_valid(tlv->value, tlv->length)
		       ? der_walk_fail(w, INVALID_DATA, tlv->start, "%s is a malformed OID", what)
		       : S_OK;
}

/* A BIT STRING's content: the count of unused bits first, at most 7. */
static HRESULT check_bits(const struct der_walk *w, const struct der_tlv *tlv, const char *what)
{
	struct der_tlv as_bits = *tlv;
	const unsigned char *bits;
	size_t len;
	unsigned unused;
	as_bits.tag = DER_BIT_STRING; /* [1] and [2] are BIT STRINGs under an implicit tag */
	if (der_bit_string(&as_bits, &bits, &len, &unused))
		return der_walk_fail(w, INVALID_DATA, tlv->start, "%s is empty or counts more than 7 unused bits", what);
	return S_OK;
}

HRESULT xb_x509_take_algorithm(const struct der_walk *w, struct der_cursor *c, struct der_tlv *oid,
			       struct der_tlv *parameters, const char *what)
{
	struct der_tlv seq = {0};
	HRESULT hr = der_walk_take(w, c, DER_SEQUENCE, &seq, what);
	struct der_cursor inner = der_children(&seq);
	if (SUCCEEDED(hr))
		hr = der_walk_take(w, &inner, DER_OID, oid, "an algorithm's OID");
	if (SUCCEEDED(hr))
		hr = check_oid(w, oid, "an algorithm's OID");
	memset(parameters, 0, sizeof(*parameters));
	if (SUCCEEDED(hr) && inner.left) {
		hr = der_walk_take(w, &inner, 0, parameters, "an algorithm's parameters");
		if (SUCCEEDED(hr) && der_any_valid(parameters))
			hr = der_walk_fail(w, INVALID_DATA, parameters->start,
					   "an algorithm's parameters (tag 0x%02x) are not valid for their type",
					   parameters->tag);
	}
	if (SUCCEEDED(hr))
		hr = der_walk_end(w, &inner, "an algorithm's parameters");
	return hr;
}

/* A Name's content, each part called what its message needs. */
static HRESULT walk_name(const struct der_walk *w, const struct der_tlv *name, const char *const what[4])
{
	struct der_cursor rdns = der_children(name);
	struct der_tlv rdn = {0}, atv = {0}, type, value;
	HRESULT hr = S_OK;
	while (SUCCEEDED(hr) && rdns.left) {
		hr = der_walk_take(w, &rdns, DER_SET, &rdn, what[0]);
		for (struct der_cursor atvs = der_children(&rdn); SUCCEEDED(hr) && atvs.left;) {
			hr = der_walk_take(w, &atvs, DER_SEQUENCE, &atv, what[1]);
			struct der_cursor c = der_children(&atv);
			if (SUCCEEDED(hr))
				hr = der_walk_take(w, &c, DER_OID, &type, what[2]);
			if (SUCCEEDED(hr))
				hr = check_oid(w, &type, what[2]);
			if (SUCCEEDED(hr))
				hr = der_walk_take(w, &c, 0, &value, what[3]);
			if (SUCCEEDED(hr))
				hr = der_walk_end(w, &c, what[3]);
		}
	}
	return hr;
}

HRESULT xb_x509_check_name(const struct der_walk *w, const struct der_tlv *name, const char *what)
{
	/* Read without messages first: they are only worth making for a Name that is wrong. */
	static const char *const none[4] = {"", "", "", ""};
	const struct der_walk quiet = {w->base, w->label, w->part, NULL};
	HRESULT hr = walk_name(&quiet, name, none);
	if (SUCCEEDED(hr) || !w->err)
		return hr;
	char rdn[80], atv[80], type[80], value[80];
	snprintf(rdn, sizeof(rdn), "an RDN of %s", what);
	snprintf(atv, sizeof(atv), "an attribute of %s", what);
	snprintf(type, sizeof(type), "an attribute type of %s", what);
	snprintf(value, sizeof(value), "an attribute value of %s", what);
	return walk_name(w, name, (const char *const[4]){rdn, atv, type, value});
}

/* Extension ::= SEQUENCE { extnID OID, critical BOOLEAN DEFAULT FALSE, extnValue OCTET STRING } */
static HRESULT check_extension(const struct der_walk *w, struct der_cursor *list)
{
	struct der_tlv ext = {0}, oid, next;
	HRESULT hr = der_walk_take(w, list, DER_SEQUENCE, &ext, "an extension");
	struct der_cursor c = der_children(&ext);
	if (SUCCEEDED(hr))
		hr = der_walk_take(w, &c, DER_OID, &oid, "an extension's OID");
	if (SUCCEEDED(hr))
		hr = check_oid(w, &oid, "an extension's OID");
	if (SUCCEEDED(hr))
		hr = der_walk_take(w, &c, 0, &next, "an extension's value");
	/* An explicit FALSE is not DER, but harmless: read as OpenSSL reads it. */
	if (SUCCEEDED(hr) && next.tag == DER_BOOLEAN) {
		if (next.length != 1)
			return der_walk_fail(w, INVALID_DATA, next.start, "an extension's critical flag is not one byte");
		hr = der_walk_take(w, &c, 0, &next, "an extension's value");
	}
	if (SUCCEEDED(hr) && next.tag != DER_OCTET_STRING)
		hr = der_walk_fail(w, INVALID_DATA, next.start, "an extension's value has tag 0x%02x, not 0x%02x", next.tag,
				   DER_OCTET_STRING);
	if (SUCCEEDED(hr))
		hr = der_walk_end(w, &c, "an extension's value");
	return hr;
}

/* [3] EXPLICIT Extensions ::= SEQUENCE OF Extension */
static HRESULT take_extensions(const struct der_walk *w, const struct der_tlv *tagged, struct der_cursor *out)
{
	struct der_cursor c = der_children(tagged);
	struct der_tlv list;
	HRESULT hr = der_walk_take(w, &c, DER_SEQUENCE, &list, "the extensions");
	if (SUCCEEDED(hr))
		hr = der_walk_end(w, &c, "the extensions");
	if (FAILED(hr))
		return hr;
	*out = der_children(&list);
	for (c = *out; c.left && SUCCEEDED(hr);)
		hr = check_extension(w, &c);
	return hr;
}

/* SubjectPublicKeyInfo ::= SEQUENCE { algorithm AlgorithmIdentifier, subjectPublicKey BIT STRING } */
static HRESULT take_public_key(const struct der_walk *w, struct der_cursor *c, struct xb_spki *out)
{
	struct der_tlv bits;
	HRESULT hr = der_walk_take(w, c, DER_SEQUENCE, &out->whole, "the public key");
	struct der_cursor inner = der_children(&out->whole);
	if (SUCCEEDED(hr))
		hr = xb_x509_take_algorithm(w, &inner, &out->algorithm, &out->parameters, "the public key's algorithm");
	if (SUCCEEDED(hr))
		hr = der_walk_take(w, &inner, DER_BIT_STRING, &bits, "the public key's bits");
	if (SUCCEEDED(hr) && der_bit_string(&bits, &out->key, &out->key_len, &out->unused_bits))
		hr = der_walk_fail(w, INVALID_DATA, bits.start, "the public key's BIT STRING is empty or counts more "
								"than 7 unused bits");
	if (SUCCEEDED(hr))
		hr = der_walk_end(w, &inner, "the public key's bits");
	return hr;
}

/*
 * TBSCertificate ::= SEQUENCE { version [0] EXPLICIT INTEGER DEFAULT v1, serialNumber INTEGER, signature
 * AlgorithmIdentifier, issuer Name, validity SEQUENCE { Time, Time }, subject Name, subjectPublicKeyInfo,
 * issuerUniqueID [1], subjectUniqueID [2], extensions [3] }
 */
static HRESULT take_tbs(const struct der_walk *w, const struct der_tlv *tbs, struct xb_cert *out)
{
	struct der_cursor c = der_children(tbs), inner;
	struct der_tlv part, validity = {0}, alg, params;
	HRESULT hr = take_optional(w, &c, TAG_VERSION, &part, "the version");
	if (hr == S_OK) {
		struct der_tlv version;
		inner = der_children(&part);
		hr = der_walk_take(w, &inner, DER_INTEGER, &version, "the version");
		if (SUCCEEDED(hr))
			hr = check_integer(w, &version, "the version");
		if (SUCCEEDED(hr))
			hr = der_walk_end(w, &inner, "the version");
	}
	if (SUCCEEDED(hr))
		hr = der_walk_take(w, &c, DER_INTEGER, &out->serial, "the serial number");
	if (SUCCEEDED(hr))
		hr = check_integer(w, &out->serial, "the serial number");
	if (SUCCEEDED(hr))
		hr = xb_x509_take_algorithm(w, &c, &alg, &params, "the signature algorithm");
	if (SUCCEEDED(hr))
		hr = der_walk_take(w, &c, DER_SEQUENCE, &out->issuer, "the issuer");
	if (SUCCEEDED(hr))
		hr = xb_x509_check_name(w, &out->issuer, "the issuer");
	if (SUCCEEDED(hr))
		hr = der_walk_take(w, &c, DER_SEQUENCE, &validity, "the validity");
	inner = der_children(&validity);
	if (SUCCEEDED(hr))
		hr = der_walk_take(w, &inner, 0, &out->not_before, "NotBefore");
	if (SUCCEEDED(hr))
		hr = der_walk_take(w, &inner, 0, &out->not_after, "NotAfter");
	if (SUCCEEDED(hr))
		hr = der_walk_end(w, &inner, "the validity");
	if (SUCCEEDED(hr))
		hr = der_walk_take(w, &c, DER_SEQUENCE, &out->subject, "the subject");
	if (SUCCEEDED(hr))
		hr = take_public_key(w, &c, &out->public_key);
	if (SUCCEEDED(hr) && (hr = take_optional(w, &c, TAG_ISSUER_UID, &part, "the issuer's unique id")) == S_OK)
		hr = check_bits(w, &part, "the issuer's unique id");
	if (SUCCEEDED(hr) && (hr = take_optional(w, &c, TAG_SUBJECT_UID, &part, "the subject's unique id")) == S_OK)
		hr = check_bits(w, &part, "the subject's unique id");
	if (SUCCEEDED(hr) && (hr = take_optional(w, &c, TAG_EXTENSIONS, &part, "the extensions")) == S_OK)
		hr = take_extensions(w, &part, &out->extensions);
	if (SUCCEEDED(hr))
		hr = der_walk_end(w, &c, "the certificate's fields");
	return FAILED(hr) ? hr : S_OK;
}

static HRESULT check_time_tag(const struct der_walk *w, const struct der_tlv *t, const char *what)
{
	if (t->tag == DER_UTC_TIME || t->tag == DER_GENERALIZED_TIME)
		return S_OK;
	return der_walk_fail(w, INVALID_DATA, t->start, "%s has tag 0x%02x, not a UTCTime or GeneralizedTime", what,
			     t->tag);
}

HRESULT xb_cert_parse(const unsigned char *der, size_t len, const char *label, struct xb_cert *out, xb_error *err)
{
	const struct der_walk w = {der, label, " of the certificate", err};
	struct der_cursor top = {der, len}, c;
	struct der_tlv cert = {0}, tbs, alg, params, signature;
	memset(out, 0, sizeof(*out));
	HRESULT hr = der_walk_take(&w, &top, DER_SEQUENCE, &cert, "the certificate");
	if (SUCCEEDED(hr))
		hr = der_walk_end(&w, &top, "the certificate (trailing data)");
	c = der_children(&cert);
	if (SUCCEEDED(hr))
		hr = der_walk_take(&w, &c, DER_SEQUENCE, &tbs, "the certificate's fields (TBSCertificate)");
	if (SUCCEEDED(hr))
		hr = take_tbs(&w, &tbs, out);
	if (SUCCEEDED(hr))
		hr = check_time_tag(&w, &out->not_before, "NotBefore");
	if (SUCCEEDED(hr))
		hr = check_time_tag(&w, &out->not_after, "NotAfter");
	if (SUCCEEDED(hr))
		hr = xb_x509_take_algorithm(&w, &c, &alg, &params, "the certificate's signature algorithm");
	if (SUCCEEDED(hr))
		hr = der_walk_take(&w, &c, DER_BIT_STRING, &signature, "the signature");
	if (SUCCEEDED(hr))
		hr = check_bits(&w, &signature, "the signature");
	if (SUCCEEDED(hr))
		hr = der_walk_end(&w, &c, "the signature");
	return hr;
}

int xb_cert_next_extension(struct der_cursor *c, struct xb_cert_ext *ext)
{
	struct der_tlv seq, next;
	size_t bad;
	if (!c->left || der_next(c, &seq, &bad))
		return 0;
	struct der_cursor inner = der_children(&seq);
	der_next(&inner, &ext->oid, &bad);
	der_next(&inner, &next, &bad);
	ext->critical = 0;
	if (next.tag == DER_BOOLEAN) {
		ext->critical = next.value[0] != 0;
		der_next(&inner, &next, &bad);
	}
	ext->value = next.value;
	ext->len = next.length;
	return 1;
}
