/* Request properties, attributes and extensions from a RawRequest (request_props.h). */
#include <openssl/cms.h>
#include <openssl/objects.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "der.h"
#include "der_walk.h"
#include "name.h"
#include "name_props.h"
#include "pkcs7_parse.h"
#include "request_props.h"

#define INVALID_DATA HRESULT_FROM_WIN32(ERROR_INVALID_DATA)
#define NOT_SUPPORTED HRESULT_FROM_WIN32(ERROR_NOT_SUPPORTED)
/* PKCS#7 inside CMC inside PKCS#7...: real requests nest twice at most. */
#define MAX_NESTING 4

/* ---- attributes ----------------------------------------------------------- */

/* Puts under the spelling already there, so one attribute never appears twice. */
static HRESULT put_attribute(struct xb_props *attrs, const char *name, const char *value, enum xb_put how)
{
	const struct xb_prop *old = xb_attribute_find(attrs, name);
	if (old && how == XB_PUT_IF_ABSENT)
		return S_OK;
	return xb_props_put_string(attrs, old ? old->name : name, value, XB_PUT_REPLACE);
}

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

/* A trimmed copy of p[0..n), new; NULL when out of memory. */
static char *trimmed(const char *p, size_t n)
{
	while (n && is_space(*p))
		p++, n--;
	while (n && is_space(p[n - 1]))
		n--;
	return strndup(p, n);
}

/* One "name:value" pair with the reference's rules (trimmed; empty names and values dropped). */
static HRESULT put_pair(struct xb_props *attrs, const char *name, size_t name_len, const char *value,
			size_t value_len, enum xb_put how)
{
	char *n = trimmed(name, name_len), *v = trimmed(value, value_len);
	HRESULT hr = n && v ? S_OK : E_OUTOFMEMORY;
	if (SUCCEEDED(hr) && *n && *v)
		hr = put_attribute(attrs, n, v, how);
	free(n);
	free(v);
	return hr;
}

HRESULT xb_request_attributes_parse(const char *text, struct xb_props *attrs, enum xb_put how)
{
	/* Gathered apart first so that a later line replaces an earlier one but not the trace's value. */
	struct xb_props lines = {0};
	HRESULT hr = S_OK;
	while (*text && SUCCEEDED(hr)) {
		size_t n = strcspn(text, "\n");
		const char *colon = memchr(text, ':', n);
		if (colon)
			hr = put_pair(&lines, text, (size_t)(colon - text), colon + 1, n - (size_t)(colon - text) - 1,
				      XB_PUT_REPLACE);
		text += n + (text[n] == '\n');
	}
	for (size_t i = 0; i < lines.n && SUCCEEDED(hr); i++)
		hr = put_attribute(attrs, lines.items[i].name, lines.items[i].value.text, how);
	xb_props_free(&lines);
	return hr;
}

/* ---- walking the request ------------------------------------------------- */

/*
 * The outputs (scratch sets, so that a failure puts nothing and the first
 * occurrence of a value in the request wins), and what error messages need
 * to say where they are.
 */
struct walk {
	struct xb_props *request, *attrs;
	struct xb_exts *exts;
	LONG ext_flags;
	struct der_walk at; /* base: the request, or the wrapper's content being walked */
	int depth;
	LONG format;        /* CR_IN_* of the outermost wrapper */
};

static HRESULT fail(struct walk *w, HRESULT hr, const unsigned char *at, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	hr = der_walk_vfail(&w->at, hr, at, fmt, ap);
	va_end(ap);
	return hr;
}

/* Reads the next element, of the given tag unless tag is 0; what names it in an error. */
static HRESULT take(struct walk *w, struct der_cursor *c, unsigned tag, struct der_tlv *out, const char *what)
{
	return der_walk_take(&w->at, c, tag, out, what);
}

static HRESULT finished(struct walk *w, const struct der_cursor *c, const char *what)
{
	return der_walk_end(&w->at, c, what);
}

static HRESULT oid_of(struct walk *w, const struct der_tlv *oid, char *buf, size_t size)
{
	if (der_oid_text(oid->value, oid->length, buf, size))
		return fail(w, INVALID_DATA, oid->start, "an OID is malformed or longer than %zu characters", size - 1);
	return S_OK;
}

/* The text of a DER string element; what names it in an error. */
static HRESULT string_of(struct walk *w, const struct der_tlv *v, char **text, const char *what)
{
	int r = xb_der_string_text(v, text);
	if (r == -2)
		return E_OUTOFMEMORY;
	return r ? fail(w, INVALID_DATA, v->start, "%s is not a valid string", what) : S_OK;
}

/* ---- extensions ---------------------------------------------------------- */

static HRESULT take_extension(struct walk *w, struct der_cursor *list, LONG origin)
{
	struct der_tlv ext = {0}, id, next;
	char oid[sizeof(((struct xb_ext *)0)->oid)];
	HRESULT hr = take(w, list, DER_SEQUENCE, &ext, "an extension");
	struct der_cursor c = der_children(&ext);
	if (SUCCEEDED(hr))
		hr = take(w, &c, DER_OID, &id, "the extension OID");
	if (SUCCEEDED(hr))
		hr = oid_of(w, &id, oid, sizeof(oid));
	if (SUCCEEDED(hr))
		hr = take(w, &c, 0, &next, "the extension value");
	int critical = 0;
	if (SUCCEEDED(hr) && next.tag == DER_BOOLEAN) {
		/* DER omits a FALSE default, but an explicit FALSE is harmless: read it. */
		if (next.length != 1)
			return fail(w, INVALID_DATA, next.start, "the critical flag of %s is malformed", oid);
		critical = next.value[0] != 0;
		hr = take(w, &c, 0, &next, "the extension value");
	}
	if (SUCCEEDED(hr) && next.tag != DER_OCTET_STRING)
		hr = fail(w, INVALID_DATA, next.start, "the value of extension %s is not an OCTET STRING", oid);
	if (SUCCEEDED(hr))
		hr = finished(w, &c, "an extension");
	LONG flags = origin | w->ext_flags | (critical ? EXTENSION_CRITICAL_FLAG : 0);
	if (SUCCEEDED(hr))
		hr = xb_exts_put(w->exts, oid, flags, next.value, next.length, XB_PUT_IF_ABSENT);
	return hr;
}

/* Extensions ::= SEQUENCE OF Extension */
static HRESULT walk_extensions(struct walk *w, const struct der_tlv *seq, LONG origin)
{
	if (seq->tag != DER_SEQUENCE)
		return fail(w, INVALID_DATA, seq->start, "a list of extensions is not a SEQUENCE");
	struct der_cursor c = der_children(seq);
	HRESULT hr = S_OK;
	while (c.left && SUCCEEDED(hr))
		hr = take_extension(w, &c, origin);
	return hr;
}

/* ---- the attributes a CA reads (reference §3.6, MS-WCCE 2.2.2.7) --------- */

static HRESULT os_version(struct walk *w, const struct der_tlv *v)
{
	char *text = NULL;
	HRESULT hr = string_of(w, v, &text, "the OS version");
	if (SUCCEEDED(hr))
		hr = put_attribute(w->attrs, "RequestOSVersion", text, XB_PUT_IF_ABSENT);
	free(text);
	return hr;
}

/* CSPProvider ::= SEQUENCE { keySpec INTEGER, cspName BMPString, signature BIT STRING }: the CA keeps the name. */
static HRESULT csp_provider(struct walk *w, const struct der_tlv *v)
{
	struct der_cursor c = der_children(v);
	struct der_tlv spec, name, signature;
	char *text = NULL;
	HRESULT hr = v->tag == DER_SEQUENCE ? S_OK
					    : fail(w, INVALID_DATA, v->start, "the CSP information is not a SEQUENCE");
	if (SUCCEEDED(hr))
		hr = take(w, &c, DER_INTEGER, &spec, "the CSP key spec");
	if (SUCCEEDED(hr))
		hr = take(w, &c, 0, &name, "the CSP name");
	if (SUCCEEDED(hr))
		hr = take(w, &c, DER_BIT_STRING, &signature, "the CSP signature");
	if (SUCCEEDED(hr))
		hr = finished(w, &c, "the CSP information");
	if (SUCCEEDED(hr))
		hr = string_of(w, &name, &text, "the CSP name");
	if (SUCCEEDED(hr) && *text)
		hr = put_attribute(w->attrs, "RequestCSPProvider", text, XB_PUT_IF_ABSENT);
	free(text);
	return hr;
}

/* EnrollmentNameValuePair ::= SEQUENCE { name BMPString, value BMPString }: one attribute each. */
static HRESULT name_value_pair(struct walk *w, const struct der_tlv *v)
{
	struct der_cursor c = der_children(v);
	struct der_tlv name, value;
	char *n = NULL, *text = NULL;
	HRESULT hr = v->tag == DER_SEQUENCE ? S_OK
					    : fail(w, INVALID_DATA, v->start, "a name-value pair is not a SEQUENCE");
	if (SUCCEEDED(hr))
		hr = take(w, &c, 0, &name, "the name of a name-value pair");
	if (SUCCEEDED(hr))
		hr = take(w, &c, 0, &value, "the value of a name-value pair");
	if (SUCCEEDED(hr))
		hr = finished(w, &c, "a name-value pair");
	if (SUCCEEDED(hr))
		hr = string_of(w, &name, &n, "the name of a name-value pair");
	if (SUCCEEDED(hr))
		hr = string_of(w, &value, &text, "the value of a name-value pair");
	if (SUCCEEDED(hr))
		hr = put_pair(w->attrs, n, strlen(n), text, strlen(text), XB_PUT_IF_ABSENT);
	free(n);
	free(text);
	return hr;
}

/*
 * ClientId ::= SEQUENCE { clientId INTEGER, machine, user, process UTF8String OPTIONAL }.
 * Checked, not stored: the CA keeps no attribute for it (docs/decisions.md).
 */
static HRESULT client_info(struct walk *w, const struct der_tlv *v)
{
	struct der_cursor c = der_children(v);
	struct der_tlv id;
	if (v->tag != DER_SEQUENCE)
		return fail(w, INVALID_DATA, v->start, "the client information is not a SEQUENCE");
	return take(w, &c, DER_INTEGER, &id, "the client id");
}

static HRESULT request_extensions(struct walk *w, const struct der_tlv *v)
{
	return walk_extensions(w, v, EXTENSION_ORIGIN_REQUEST);
}

static const struct {
	const char *oid;
	const char *name;  /* for messages */
	int single_valued; /* MS-WCCE: more than one value is invalid data */
	HRESULT (*read)(struct walk *w, const struct der_tlv *value);
} attribute_table[] = {
	{"1.3.6.1.4.1.311.13.2.3", "the OS version attribute", 1, os_version},
	{"1.3.6.1.4.1.311.13.2.2", "the CSP attribute", 1, csp_provider},
	{"1.3.6.1.4.1.311.13.2.1", "the name-value pair attribute", 0, name_value_pair},
	{"1.3.6.1.4.1.311.21.20", "the client information attribute", 1, client_info},
	{"1.2.840.113549.1.9.14", "the extensionRequest attribute", 0, request_extensions},
	{"1.3.6.1.4.1.311.2.1.14", "the Microsoft extensions attribute", 0, request_extensions},
};

#define ATTRIBUTE_COUNT (sizeof(attribute_table) / sizeof(attribute_table[0]))

static HRESULT take_attribute(struct walk *w, struct der_cursor *list)
{
	struct der_tlv attr = {0}, type, values, v;
	char oid[XB_OID_TEXT_SIZE];
	HRESULT hr = take(w, list, DER_SEQUENCE, &attr, "an attribute");
	struct der_cursor c = der_children(&attr);
	if (SUCCEEDED(hr))
		hr = take(w, &c, DER_OID, &type, "the attribute type");
	if (SUCCEEDED(hr))
		hr = take(w, &c, DER_SET, &values, "the attribute values");
	if (SUCCEEDED(hr))
		hr = finished(w, &c, "an attribute");
	if (SUCCEEDED(hr))
		hr = oid_of(w, &type, oid, sizeof(oid));
	size_t i = 0;
	while (SUCCEEDED(hr) && i < ATTRIBUTE_COUNT && strcmp(oid, attribute_table[i].oid))
		i++;
	if (FAILED(hr) || i == ATTRIBUTE_COUNT)
		return hr; /* a CA ignores attributes it does not know */
	size_t count = 0;
	for (c = der_children(&values); c.left && SUCCEEDED(hr); count++) {
		hr = take(w, &c, 0, &v, attribute_table[i].name);
		if (SUCCEEDED(hr) && attribute_table[i].single_valued && count)
			hr = fail(w, INVALID_DATA, v.start, "%s has more than one value", attribute_table[i].name);
		if (SUCCEEDED(hr))
			hr = attribute_table[i].read(w, &v);
	}
	return hr;
}

/* Attributes ::= SET OF Attribute (a SEQUENCE is read as well: CMC's add-attributes control). */
static HRESULT walk_attributes(struct walk *w, const struct der_tlv *set)
{
	struct der_cursor c = der_children(set);
	HRESULT hr = S_OK;
	while (c.left && SUCCEEDED(hr))
		hr = take_attribute(w, &c);
	return hr;
}

/* ---- the formats --------------------------------------------------------- */

static HRESULT put_subject(struct walk *w, const struct der_tlv *subject)
{
	xb_error inner;
	xb_error_init(&inner, NULL);
	HRESULT hr = xb_name_props_derive(subject->start, subject->total, w->request, XB_PUT_IF_ABSENT, &inner);
	if (hr != INVALID_DATA)
		return hr;
	/* the Name's message counts from the Name; say where that is in the request too */
	size_t pos = (size_t)(subject->start - w->at.base) + inner.position;
	return xb_error_set(w->at.err, hr, pos, "RawRequest: subject: %s (byte %zu%s)", inner.text, pos, w->at.part);
}

/*
 * CertificationRequest ::= SEQUENCE { CertificationRequestInfo ::= SEQUENCE {
 *   version INTEGER, subject Name, subjectPKInfo SEQUENCE, attributes [0] IMPLICIT SET OF Attribute },
 *   signatureAlgorithm SEQUENCE, signature BIT STRING }
 */
static HRESULT walk_pkcs10(struct walk *w, const struct der_tlv *req)
{
	struct der_cursor c = der_children(req), info_c;
	struct der_tlv info = {0}, part, subject, attributes = {0};
	HRESULT hr = take(w, &c, DER_SEQUENCE, &info, "the CertificationRequestInfo");
	if (SUCCEEDED(hr))
		hr = take(w, &c, DER_SEQUENCE, &part, "the signature algorithm");
	if (SUCCEEDED(hr))
		hr = take(w, &c, DER_BIT_STRING, &part, "the signature");
	if (SUCCEEDED(hr))
		hr = finished(w, &c, "the signature");
	info_c = der_children(&info);
	if (SUCCEEDED(hr))
		hr = take(w, &info_c, DER_INTEGER, &part, "the request version");
	if (SUCCEEDED(hr))
		hr = take(w, &info_c, DER_SEQUENCE, &subject, "the subject");
	if (SUCCEEDED(hr))
		hr = take(w, &info_c, DER_SEQUENCE, &part, "the public key");
	/* attributes are required, but a request without any may omit them: nothing is lost */
	if (SUCCEEDED(hr) && info_c.left)
		hr = take(w, &info_c, 0xA0, &attributes, "the attribute set");
	if (SUCCEEDED(hr))
		hr = finished(w, &info_c, "the attributes");
	if (SUCCEEDED(hr))
		hr = put_subject(w, &subject);
	if (SUCCEEDED(hr) && attributes.start)
		hr = walk_attributes(w, &attributes);
	return hr;
}

static HRESULT walk_request(struct walk *w, const unsigned char *der, size_t len);

/* Walks content embedded in a wrapper: offsets in messages then count from its start. */
static HRESULT walk_embedded(struct walk *w, const unsigned char *der, size_t len, const char *part,
			     HRESULT (*walker)(struct walk *, const unsigned char *, size_t))
{
	struct walk inner = *w;
	inner.at.base = der;
	inner.at.part = part;
	inner.depth++;
	if (inner.depth > MAX_NESTING)
		return fail(w, NOT_SUPPORTED, w->at.base, "requests nested more than %d deep", MAX_NESTING);
	HRESULT hr = walker(&inner, der, len);
	w->format = inner.format;
	return hr;
}

/* TaggedRequest ::= CHOICE { tcr [0] TaggedCertificationRequest, crm [1] CertReqMsg, orm [2] ... } */
static HRESULT take_tagged_request(struct walk *w, struct der_cursor *list, struct der_tlv *pkcs10)
{
	struct der_tlv tagged = {0}, id;
	HRESULT hr = take(w, list, 0, &tagged, "a CMC request");
	if (SUCCEEDED(hr) && tagged.tag == 0xA1)
		return fail(w, NOT_SUPPORTED, tagged.start, "CMC with a CRMF request (CertReqMsg) is not supported");
	if (SUCCEEDED(hr) && tagged.tag != 0xA0)
		return fail(w, NOT_SUPPORTED, tagged.start, "CMC request of tag 0x%02x is not supported", tagged.tag);
	struct der_cursor c = der_children(&tagged);
	if (SUCCEEDED(hr))
		hr = take(w, &c, DER_INTEGER, &id, "the CMC body part id");
	if (SUCCEEDED(hr))
		hr = take(w, &c, DER_SEQUENCE, pkcs10, "the CMC PKCS#10 request");
	if (SUCCEEDED(hr))
		hr = finished(w, &c, "the CMC PKCS#10 request");
	return hr;
}

/* TaggedContentInfo ::= SEQUENCE { bodyPartID INTEGER, contentInfo ContentInfo }: a nested request. */
static HRESULT take_tagged_content(struct walk *w, struct der_cursor *list, struct der_tlv *content)
{
	struct der_tlv tagged = {0}, id;
	HRESULT hr = take(w, list, DER_SEQUENCE, &tagged, "a CMC content");
	struct der_cursor c = der_children(&tagged);
	if (SUCCEEDED(hr))
		hr = take(w, &c, DER_INTEGER, &id, "the CMC body part id");
	if (SUCCEEDED(hr))
		hr = take(w, &c, DER_SEQUENCE, content, "the CMC content");
	if (SUCCEEDED(hr))
		hr = finished(w, &c, "the CMC content");
	return hr;
}

/* The one request of a PKIData: a PKCS#10 in reqSequence, else a signed request in cmsSequence. */
static HRESULT walk_cmc_request(struct walk *w, const struct der_tlv *requests, const struct der_tlv *contents)
{
	struct der_cursor c = der_children(requests);
	struct der_tlv found;
	HRESULT hr = S_OK;
	if (c.left) {
		hr = take_tagged_request(w, &c, &found);
		if (SUCCEEDED(hr) && c.left)
			hr = fail(w, NOT_SUPPORTED, c.p, "CMC with more than one request is not supported");
		return SUCCEEDED(hr) ? walk_pkcs10(w, &found) : hr;
	}
	c = der_children(contents);
	if (!c.left)
		return fail(w, INVALID_DATA, contents->start, "the CMC message holds no request");
	hr = take_tagged_content(w, &c, &found);
	if (SUCCEEDED(hr) && c.left)
		hr = fail(w, NOT_SUPPORTED, c.p, "CMC with more than one nested content is not supported");
	return SUCCEEDED(hr) ? walk_request(w, found.start, found.total) : hr;
}

/* The values of a control: CMCAddAttributes / AddExtensions ::= SEQUENCE { reference, SEQUENCE OF id, list } */
static HRESULT walk_control_values(struct walk *w, const struct der_tlv *values, int extensions)
{
	struct der_cursor c = der_children(values);
	HRESULT hr = S_OK;
	while (c.left && SUCCEEDED(hr)) {
		struct der_tlv value = {0}, part, list;
		hr = take(w, &c, DER_SEQUENCE, &value, "a CMC control value");
		struct der_cursor inner = der_children(&value);
		if (SUCCEEDED(hr))
			hr = take(w, &inner, DER_INTEGER, &part, "the CMC data reference");
		if (SUCCEEDED(hr))
			hr = take(w, &inner, DER_SEQUENCE, &part, "the CMC certificate references");
		if (SUCCEEDED(hr))
			hr = take(w, &inner, 0, &list, extensions ? "the CMC extensions" : "the CMC attributes");
		if (SUCCEEDED(hr) && list.tag != DER_SET && list.tag != DER_SEQUENCE)
			hr = fail(w, INVALID_DATA, list.start, "a CMC control's list is neither a SET nor a SEQUENCE");
		if (SUCCEEDED(hr))
			hr = finished(w, &inner, "a CMC control value");
		if (SUCCEEDED(hr))
			hr = extensions ? walk_extensions(w, &list, EXTENSION_ORIGIN_CMC) : walk_attributes(w, &list);
	}
	return hr;
}

/* TaggedAttribute ::= SEQUENCE { bodyPartID, attrType OID, attrValues SET }: two controls carry request data. */
static HRESULT walk_cmc_controls(struct walk *w, const struct der_tlv *controls)
{
	struct der_cursor c = der_children(controls);
	HRESULT hr = S_OK;
	while (c.left && SUCCEEDED(hr)) {
		struct der_tlv control = {0}, id, type, values;
		char oid[XB_OID_TEXT_SIZE];
		hr = take(w, &c, DER_SEQUENCE, &control, "a CMC control");
		struct der_cursor inner = der_children(&control);
		if (SUCCEEDED(hr))
			hr = take(w, &inner, DER_INTEGER, &id, "the CMC body part id");
		if (SUCCEEDED(hr))
			hr = take(w, &inner, DER_OID, &type, "the CMC control type");
		if (SUCCEEDED(hr))
			hr = take(w, &inner, DER_SET, &values, "the CMC control values");
		if (SUCCEEDED(hr))
			hr = finished(w, &inner, "a CMC control");
		if (SUCCEEDED(hr))
			hr = oid_of(w, &type, oid, sizeof(oid));
		if (SUCCEEDED(hr) && !strcmp(oid, "1.3.6.1.4.1.311.10.10.1")) /* szOID_CMC_ADD_ATTRIBUTES */
			hr = walk_control_values(w, &values, 0);
		else if (SUCCEEDED(hr) && !strcmp(oid, "1.3.6.1.5.5.7.7.8")) /* id-cmc-addExtensions */
			hr = walk_control_values(w, &values, 1);
	}
	return hr;
}

/* PKIData ::= SEQUENCE { controlSequence, reqSequence, cmsSequence, otherMsgSequence } (RFC 5272) */
static HRESULT walk_pki_data(struct walk *w, const unsigned char *der, size_t len)
{
	struct der_cursor top = {der, len}, c;
	struct der_tlv pki = {0}, controls, requests, contents, other;
	HRESULT hr = take(w, &top, DER_SEQUENCE, &pki, "the CMC PKIData");
	if (SUCCEEDED(hr))
		hr = finished(w, &top, "the CMC PKIData");
	c = der_children(&pki);
	if (SUCCEEDED(hr))
		hr = take(w, &c, DER_SEQUENCE, &controls, "the CMC control sequence");
	if (SUCCEEDED(hr))
		hr = take(w, &c, DER_SEQUENCE, &requests, "the CMC request sequence");
	if (SUCCEEDED(hr))
		hr = take(w, &c, DER_SEQUENCE, &contents, "the CMC content sequence");
	if (SUCCEEDED(hr))
		hr = take(w, &c, DER_SEQUENCE, &other, "the CMC other-message sequence");
	if (SUCCEEDED(hr))
		hr = finished(w, &c, "the CMC PKIData");
	/* the request first, so that with XB_PUT_IF_ABSENT its own values win over the controls' */
	if (SUCCEEDED(hr))
		hr = walk_cmc_request(w, &requests, &contents);
	if (SUCCEEDED(hr))
		hr = walk_cmc_controls(w, &controls);
	return hr;
}

/* A signed request's content: a CMC PKIData or, in plain PKCS#7, a request. */
static HRESULT walk_econtent(struct walk *w, enum xb_pkcs7_content type, const unsigned char *data, size_t len)
{
	if (type == XB_PKCS7_PKIDATA) {
		if (!w->format)
			w->format = CR_IN_CMC;
		return walk_embedded(w, data, len, " of the CMC PKIData", walk_pki_data);
	}
	if (!w->format)
		w->format = CR_IN_PKCS7;
	return walk_embedded(w, data, len, " of the PKCS#7 content", walk_request);
}

/* The signed content of a PKCS#7/CMS signedData as OpenSSL unwraps it (BER included), or why it cannot. */
static HRESULT walk_signed_content(struct walk *w, CMS_ContentInfo *cms, const unsigned char *der)
{
	char type[80] = "?";
	OBJ_obj2txt(type, sizeof(type), CMS_get0_type(cms), 1);
	if (OBJ_obj2nid(CMS_get0_type(cms)) != NID_pkcs7_signed)
		return fail(w, INVALID_DATA, der, "a PKCS#7 message of type %s is not a request", type);
	ASN1_OCTET_STRING **content = CMS_get0_content(cms);
	if (!content || !*content)
		return fail(w, INVALID_DATA, der, "the PKCS#7 signed content is absent (detached)");
	const unsigned char *data = ASN1_STRING_get0_data(*content);
	size_t len = (size_t)ASN1_STRING_length(*content);
	int nid = OBJ_obj2nid(CMS_get0_eContentType(cms));
	if (nid == NID_id_cct_PKIData || nid == NID_pkcs7_data)
		return walk_econtent(w, nid == NID_pkcs7_data ? XB_PKCS7_DATA : XB_PKCS7_PKIDATA, data, len);
	OBJ_obj2txt(type, sizeof(type), CMS_get0_eContentType(cms), 1);
	return fail(w, NOT_SUPPORTED, der, "PKCS#7 signed content of type %s is not supported", type);
}

/*
 * A DER signedData over a request or a PKIData is read in place; anything else (BER, other types,
 * malformed parts) is left to OpenSSL's CMS reader, which also says what is wrong.
 */
static HRESULT walk_signed(struct walk *w, const unsigned char *der, size_t len)
{
	enum xb_pkcs7_content type;
	const unsigned char *data;
	size_t data_len;
	if (!xb_pkcs7_signed_content(der, len, &type, &data, &data_len))
		return walk_econtent(w, type, data, data_len);
	const unsigned char *p = der;
	CMS_ContentInfo *cms = d2i_CMS_ContentInfo(NULL, &p, (long)len);
	HRESULT hr;
	if (!cms)
		hr = fail(w, INVALID_DATA, der, "not a PKCS#7/CMS message OpenSSL can read");
	else if (p != der + len)
		hr = fail(w, INVALID_DATA, p, "unexpected data after the PKCS#7 message");
	else
		hr = walk_signed_content(w, cms, der);
	CMS_ContentInfo_free(cms);
	return hr;
}

/* SignedPublicKeyAndChallenge: no subject, attributes or extensions to derive. */
static HRESULT walk_keygen(struct walk *w)
{
	if (!w->format)
		w->format = CR_IN_KEYGEN;
	return S_OK;
}

/*
 * Tells the formats apart by their first elements: a PKCS#10 starts
 * SEQUENCE { SEQUENCE { INTEGER, a KEYGEN request SEQUENCE { SEQUENCE {
 * SEQUENCE, a ContentInfo (PKCS#7, CMC) SEQUENCE { OID.
 */
static HRESULT walk_request(struct walk *w, const unsigned char *der, size_t len)
{
	/* An indefinite length (BER) can only be a PKCS#7 here: OpenSSL reads those, our DER reader does not. */
	if (len > 2 && der[0] == DER_SEQUENCE && der[1] == 0x80)
		return walk_signed(w, der, len);
	struct der_cursor c = {der, len}, inner;
	struct der_tlv outer = {0}, first, second;
	size_t bad;
	HRESULT hr = take(w, &c, DER_SEQUENCE, &outer, "the request");
	if (SUCCEEDED(hr))
		hr = finished(w, &c, "the request");
	inner = der_children(&outer);
	if (SUCCEEDED(hr) && der_next(&inner, &first, &bad))
		hr = fail(w, INVALID_DATA, inner.p + bad, "the request is empty or malformed");
	if (FAILED(hr))
		return hr;
	if (first.tag == DER_OID)
		return walk_signed(w, der, len);
	inner = der_children(&first);
	if (first.tag != DER_SEQUENCE || der_next(&inner, &second, &bad))
		return fail(w, INVALID_DATA, first.start, "not a PKCS#10, PKCS#7, CMC or KEYGEN request");
	if (second.tag == DER_SEQUENCE)
		return walk_keygen(w);
	if (!w->format)
		w->format = CR_IN_PKCS10;
	return walk_pkcs10(w, &outer);
}

/* ---- the result ---------------------------------------------------------- */

static HRESULT merge_props(struct xb_props *to, const struct xb_props *from, enum xb_put how)
{
	HRESULT hr = S_OK;
	for (size_t i = 0; i < from->n && SUCCEEDED(hr); i++) {
		const char *name = from->items[i].name;
		const struct xb_value *v = &from->items[i].value;
		switch (v->type) {
		case PROPTYPE_LONG:
			hr = xb_props_put_long(to, name, v->l, how);
			break;
		case PROPTYPE_BINARY:
			hr = xb_props_put_binary(to, name, v->bytes, v->len, how);
			break;
		default: /* the walk puts no dates */
			hr = xb_props_put_string(to, name, v->text, how);
			break;
		}
	}
	return hr;
}

static HRESULT merge(struct xb_props *request, struct xb_props *attrs, struct xb_exts *exts, const struct walk *w,
		     enum xb_put how)
{
	HRESULT hr = merge_props(request, w->request, how);
	for (size_t i = 0; i < w->attrs->n && SUCCEEDED(hr); i++)
		hr = put_attribute(attrs, w->attrs->items[i].name, w->attrs->items[i].value.text, how);
	for (size_t i = 0; i < w->exts->n && SUCCEEDED(hr); i++) {
		const struct xb_ext *e = &w->exts->items[i];
		hr = xb_exts_put(exts, e->oid, e->flags, e->value, e->len, how);
	}
	return hr;
}

HRESULT xb_request_props_derive(const unsigned char *der, size_t len, struct xb_props *request,
				struct xb_props *attrs, struct xb_exts *exts, LONG ext_flags, enum xb_put how,
				xb_error *err)
{
	struct xb_props scratch_request = {0}, scratch_attrs = {0};
	struct xb_exts scratch_exts = {0};
	struct walk w = {&scratch_request, &scratch_attrs, &scratch_exts, ext_flags, {der, "RawRequest", " of the request", err},
			 0, 0};
	HRESULT hr = walk_request(&w, der, len);
	if (SUCCEEDED(hr))
		hr = xb_props_put_binary(w.request, "RawRequest", der, len, XB_PUT_IF_ABSENT);
	if (SUCCEEDED(hr))
		hr = xb_props_put_long(w.request, "RequestType", w.format, XB_PUT_IF_ABSENT);
	if (SUCCEEDED(hr))
		hr = merge(request, attrs, exts, &w, how);
	xb_props_free(&scratch_request);
	xb_props_free(&scratch_attrs);
	xb_exts_free(&scratch_exts);
	return hr;
}
