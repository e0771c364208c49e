/* PKCS#7 signed content read in place (pkcs7_parse.h). */
#include <string.h>

#include "cert_parse.h"
#include "pkcs7_parse.h"

static const unsigned char oid_signed_data[] = {0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x07, 0x02};
static const unsigned char oid_data[] = {0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x07, 0x01};
static const unsigned char oid_pki_data[] = {0x2B, 0x06, 0x01, 0x05, 0x05, 0x07, 0x0C, 0x02};

/* The next element of c, of that tag unless 0: 1, or 0. No message: a failure only sends the input to OpenSSL. */
static int take(const struct der_walk *w, struct der_cursor *c, unsigned tag, struct der_tlv *out)
{
	return der_walk_take(w, c, tag, out, "") == S_OK;
}

static int is(const struct der_tlv *oid, const unsigned char *bytes, size_t len)
{
	return oid->tag == DER_OID && oid->length == len && !memcmp(oid->value, bytes, len);
}

/* An explicitly tagged element: exactly one inside. */
static int explicit_one(const struct der_walk *w, const struct der_tlv *tagged, unsigned tag, struct der_tlv *out)
{
	struct der_cursor c = der_children(tagged);
	return take(w, &c, tag, out) && !c.left;
}

/* CMSVersion, which OpenSSL reads as a 32-bit integer. */
static int version(const struct der_walk *w, struct der_cursor *c)
{
	struct der_tlv v;
	int32_t value;
	return take(w, c, DER_INTEGER, &v) && !der_integer_long(&v, &value);
}

/* SET OF AlgorithmIdentifier */
static int algorithms(const struct der_walk *w, struct der_cursor *c)
{
	struct der_tlv set, oid, params;
	if (!take(w, c, DER_SET, &set))
		return 0;
	for (struct der_cursor inner = der_children(&set); inner.left;)
		if (FAILED(xb_x509_take_algorithm(w, &inner, &oid, &params, "")))
			return 0;
	return 1;
}

/* EncapsulatedContentInfo ::= SEQUENCE { eContentType OID, eContent [0] EXPLICIT OCTET STRING OPTIONAL } */
static int encapsulated(const struct der_walk *w, struct der_cursor *c, enum xb_pkcs7_content *type,
			struct der_tlv *content)
{
	struct der_tlv seq, oid, tagged;
	if (!take(w, c, DER_SEQUENCE, &seq))
		return 0;
	struct der_cursor inner = der_children(&seq);
	if (!take(w, &inner, DER_OID, &oid) || !take(w, &inner, 0xA0, &tagged) || inner.left ||
	    !explicit_one(w, &tagged, DER_OCTET_STRING, content))
		return 0;
	if (is(&oid, oid_data, sizeof(oid_data)))
		*type = XB_PKCS7_DATA;
	else if (is(&oid, oid_pki_data, sizeof(oid_pki_data)))
		*type = XB_PKCS7_PKIDATA;
	else
		return 0;
	return 1;
}

/* certificates [0] IMPLICIT SET OF CertificateChoices: X.509 certificates only. */
static int certificates(const struct der_walk *w, const struct der_tlv *set)
{
	struct der_tlv cert;
	struct xb_cert parsed;
	for (struct der_cursor c = der_children(set); c.left;)
		if (!take(w, &c, DER_SEQUENCE, &cert) || FAILED(xb_cert_parse(cert.start, cert.total, "", &parsed, NULL)))
			return 0;
	return 1;
}

/* [n] IMPLICIT SET OF Attribute, Attribute ::= SEQUENCE { attrType OID, attrValues SET OF ANY } */
static int attributes(const struct der_walk *w, const struct der_tlv *set)
{
	struct der_tlv attr, oid, values, value;
	for (struct der_cursor c = der_children(set); c.left;) {
		if (!take(w, &c, DER_SEQUENCE, &attr))
			return 0;
		struct der_cursor inner = der_children(&attr);
		if (!take(w, &inner, DER_OID, &oid) || der_oid_valid(oid.value, oid.length) ||
		    !take(w, &inner, DER_SET, &values) || inner.left)
			return 0;
		for (struct der_cursor v = der_children(&values); v.left;)
			if (!take(w, &v, 0, &value) || der_any_valid(&value))
				return 0;
	}
	return 1;
}

/*
 * SignerInfo ::= SEQUENCE { version, sid CHOICE { issuerAndSerialNumber SEQUENCE { Name, INTEGER },
 * subjectKeyIdentifier [0] IMPLICIT OCTET STRING }, digestAlgorithm, signedAttrs [0] IMPLICIT OPTIONAL,
 * signatureAlgorithm, signature OCTET STRING, unsignedAttrs [1] IMPLICIT OPTIONAL }
 */
static int signer(const struct der_walk *w, struct der_cursor *list)
{
	struct der_tlv info, sid, name, serial, oid, params, part;
	if (!take(w, list, DER_SEQUENCE, &info))
		return 0;
	struct der_cursor c = der_children(&info), inner;
	if (!version(w, &c) || !take(w, &c, 0, &sid))
		return 0;
	if (sid.tag == DER_SEQUENCE) {
		inner = der_children(&sid);
		if (!take(w, &inner, DER_SEQUENCE, &name) || FAILED(xb_x509_check_name(w, &name, "")) ||
		    !take(w, &inner, DER_INTEGER, &serial) || der_integer_valid(&serial) || inner.left)
			return 0;
	} else if (sid.tag != 0x80) {
		return 0;
	}
	if (FAILED(xb_x509_take_algorithm(w, &c, &oid, &params, "")))
		return 0;
	if (c.left && c.p[0] == 0xA0 && (!take(w, &c, 0xA0, &part) || !attributes(w, &part)))
		return 0;
	if (FAILED(xb_x509_take_algorithm(w, &c, &oid, &params, "")) || !take(w, &c, DER_OCTET_STRING, &part))
		return 0;
	if (c.left && c.p[0] == 0xA1 && (!take(w, &c, 0xA1, &part) || !attributes(w, &part)))
		return 0;
	return !c.left;
}

/*
 * ContentInfo ::= SEQUENCE { contentType id-signedData, content [0] EXPLICIT SignedData ::= SEQUENCE {
 * version, digestAlgorithms, encapContentInfo, certificates [0] OPTIONAL, crls [1] OPTIONAL, signerInfos } }
 */
int xb_pkcs7_signed_content(const unsigned char *der, size_t len, enum xb_pkcs7_content *type,
			    const unsigned char **content, size_t *content_len)
{
	const struct der_walk at = {der, "", "", NULL}, *w = &at;
	struct der_cursor top = {der, len}, c;
	struct der_tlv info, oid, tagged, signed_data, econtent, part, signers;
	if (!take(w, &top, DER_SEQUENCE, &info) || top.left)
		return -1;
	c = der_children(&info);
	if (!take(w, &c, DER_OID, &oid) || !is(&oid, oid_signed_data, sizeof(oid_signed_data)) ||
	    !take(w, &c, 0xA0, &tagged) || c.left || !explicit_one(w, &tagged, DER_SEQUENCE, &signed_data))
		return -1;
	c = der_children(&signed_data);
	if (!version(w, &c) || !algorithms(w, &c) || !encapsulated(w, &c, type, &econtent))
		return -1;
	if (c.left && c.p[0] == 0xA0 && (!take(w, &c, 0xA0, &part) || !certificates(w, &part)))
		return -1;
	if (c.left && c.p[0] == 0xA1)
		return -1; /* CRLs: OpenSSL's to read */
	if (!take(w, &c, DER_SET, &signers) || c.left)
		return -1;
	for (struct der_cursor list = der_children(&signers); list.left;)
		if (!signer(w, &list))
			return -1;
	*content = econtent.value;
	*content_len = econtent.length;
	return 0;
}
