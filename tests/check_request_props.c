/*
 * The request side derived from a RawRequest (emu/request_props.c), with
 * the requests of tests/fixtures (made by make-fixtures.sh; every expected
 * value was read off them with `openssl asn1parse`, not with the code under
 * test), small requests built here byte by byte for the edges, and
 * garbage.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_suites.h"
#include "event.h"
#include "request_props.h"

#define INVALID_DATA HRESULT_FROM_WIN32(ERROR_INVALID_DATA)
#define NOT_SUPPORTED HRESULT_FROM_WIN32(ERROR_NOT_SUPPORTED)

/* What one derivation fills. */
struct side {
	struct xb_props request, attrs;
	struct xb_exts exts;
	xb_error err;
};

static void side_free(struct side *s)
{
	xb_props_free(&s->request);
	xb_props_free(&s->attrs);
	xb_exts_free(&s->exts);
}

static HRESULT derive(struct side *s, const unsigned char *der, size_t len, LONG ext_flags)
{
	xb_error_init(&s->err, "trace.jsonl");
	return xb_request_props_derive(der, len, &s->request, &s->attrs, &s->exts, ext_flags, XB_PUT_IF_ABSENT,
				       &s->err);
}

static HRESULT derive_fixture(struct side *s, const char *name, LONG ext_flags)
{
	size_t len;
	unsigned char *der = xb_read_fixture(name, &len);
	HRESULT hr = derive(s, der, len, ext_flags);
	free(der);
	return hr;
}

#define assert_string(p, name, expected) assert_string_at(p, name, expected, __LINE__)
static void assert_string_at(const struct xb_props *p, const char *name, const char *expected, int line)
{
	const struct xb_prop *prop = xb_props_find(p, name);
	ck_assert_msg(prop != NULL, "line %d: %s missing", line, name);
	ck_assert_msg(prop->value.type == PROPTYPE_STRING, "line %d: %s is not a string", line, name);
	ck_assert_msg(!strcmp(prop->value.text, expected), "line %d: %s is [%s], not [%s]", line, name,
		      prop->value.text, expected);
}

#define assert_ext(e, oid, flags, hex) assert_ext_at(e, oid, flags, hex, __LINE__)
static void assert_ext_at(const struct xb_exts *e, const char *oid, LONG flags, const char *hex, int line)
{
	const struct xb_ext *ext = xb_exts_find(e, oid);
	ck_assert_msg(ext != NULL, "line %d: extension %s missing", line, oid);
	ck_assert_msg(ext->flags == flags, "line %d: %s has flags 0x%x, not 0x%x", line, oid, (unsigned)ext->flags,
		      (unsigned)flags);
	ck_assert_msg(ext->len * 2 == strlen(hex), "line %d: %s has %zu bytes", line, oid, ext->len);
	for (size_t i = 0; i < ext->len; i++) {
		unsigned byte;
		sscanf(hex + 2 * i, "%2x", &byte);
		ck_assert_msg(ext->value[i] == byte, "line %d: %s differs at byte %zu", line, oid, i);
	}
}

static LONG long_of(const struct xb_props *p, const char *name)
{
	const struct xb_prop *prop = xb_props_find(p, name);
	ck_assert_msg(prop && prop->value.type == PROPTYPE_LONG, "%s missing or not a LONG", name);
	return prop->value.l;
}

/* The request side of tests/fixtures/req.der, also inside PKCS#7. */
static void assert_bob(const struct side *s)
{
	assert_string(&s->request, "DistinguishedName", "CN=bob.jones, OU=Users + OU=Admins, O=Corp Ltd, DC=corp, DC=local");
	assert_string(&s->request, "CommonName", "bob.jones");
	assert_string(&s->request, "OrgUnit", "Users\nAdmins");
	assert_string(&s->request, "Organization", "Corp Ltd");
	assert_string(&s->request, "DomainComponent", "local\ncorp");
	ck_assert_ptr_null(xb_props_find(&s->request, "Country"));
	const struct xb_prop *raw = xb_props_find(&s->request, "RawName");
	ck_assert_ptr_nonnull(raw);
	ck_assert_uint_eq(raw->value.len, 117); /* the Name at offset 11, 2 + 115 bytes */
	ck_assert_int_eq(memcmp(raw->value.bytes, "\x30\x73\x31\x15\x30\x13\x06\x0a", 8), 0);

	assert_string(&s->attrs, "RequestOSVersion", "10.0.19045.2");
	assert_string(&s->attrs, "RequestCSPProvider", "Microsoft Enhanced RSA and AES Cryptographic Provider");
	assert_string(&s->attrs, "CertificateTemplate", "User");
	assert_string(&s->attrs, "rmd", "ws01.corp.local"); /* " rmd " / " ws01.corp.local " trimmed */
	ck_assert_uint_eq(s->attrs.n, 4);                  /* no client information, no challengePassword */

	assert_ext(&s->exts, "2.5.29.17", EXTENSION_ORIGIN_REQUEST,
		   "3030820e626f622e636f72702e6c6f63616ca01e060a2b060104018237140203a0100c0e626f6240636f72702e6c6f63616c");
	/* the extensionRequest's key usage, not the Microsoft attribute's later one */
	assert_ext(&s->exts, "2.5.29.15", EXTENSION_ORIGIN_REQUEST | EXTENSION_CRITICAL_FLAG, "030205a0");
	assert_ext(&s->exts, "2.5.29.37", EXTENSION_ORIGIN_REQUEST, "300a06082b06010505070302");
	assert_ext(&s->exts, "1.3.6.1.4.1.311.20.2", EXTENSION_ORIGIN_REQUEST, "1e080055007300650072");
	assert_ext(&s->exts, "1.3.6.1.4.1.311.21.10", EXTENSION_ORIGIN_REQUEST, "300c300a06082b06010505070302");
	ck_assert_uint_eq(s->exts.n, 5);
}

START_TEST(derive_pkcs10)
{
	struct side s = {0};
	ck_assert_int_eq(derive_fixture(&s, "req.der", 0), S_OK);
	assert_bob(&s);
	ck_assert_int_eq(long_of(&s.request, "RequestType"), CR_IN_PKCS10);
	const struct xb_prop *raw = xb_props_find(&s.request, "RawRequest");
	ck_assert_uint_eq(raw->value.len, 1270);
	side_free(&s);
}
END_TEST

START_TEST(derive_pkcs7)
{
	struct side s = {0};
	ck_assert_int_eq(derive_fixture(&s, "req-pkcs7.der", 0), S_OK);
	assert_bob(&s);
	ck_assert_int_eq(long_of(&s.request, "RequestType"), CR_IN_PKCS7);
	ck_assert_uint_eq(xb_props_find(&s.request, "RawRequest")->value.len, 2571);
	side_free(&s);
}
END_TEST

START_TEST(derive_cmc)
{
	struct side s = {0};
	ck_assert_int_eq(derive_fixture(&s, "req-cmc.der", 0), S_OK);
	ck_assert_int_eq(long_of(&s.request, "RequestType"), CR_IN_CMC);
	assert_string(&s.request, "DistinguishedName", "CN=ws01.corp.local");
	assert_string(&s.request, "CommonName", "ws01.corp.local");
	/* from Microsoft's add-attributes control */
	assert_string(&s.attrs, "CertificateTemplate", "Machine");
	assert_string(&s.attrs, "RequestOSVersion", "10.0.20348.2");
	ck_assert_uint_eq(s.attrs.n, 2);
	/* the inner request's, then the add-extensions control's (its key usage repeats: the request's wins) */
	assert_ext(&s.exts, "2.5.29.17", EXTENSION_ORIGIN_REQUEST, "3011820f777330312e636f72702e6c6f63616c");
	assert_ext(&s.exts, "2.5.29.15", EXTENSION_ORIGIN_REQUEST | EXTENSION_CRITICAL_FLAG, "03020780");
	assert_ext(&s.exts, "2.5.29.37", EXTENSION_ORIGIN_CMC, "300a06082b06010505070301");
	ck_assert_uint_eq(s.exts.n, 3);
	side_free(&s);
}
END_TEST

START_TEST(derive_keygen)
{
	struct side s = {0};
	ck_assert_int_eq(derive_fixture(&s, "req-keygen.der", 0), S_OK);
	ck_assert_int_eq(long_of(&s.request, "RequestType"), CR_IN_KEYGEN);
	ck_assert_uint_eq(xb_props_find(&s.request, "RawRequest")->value.len, 585);
	ck_assert_uint_eq(s.request.n, 2); /* no subject: no name properties at all */
	ck_assert_uint_eq(s.attrs.n, 0);
	ck_assert_uint_eq(s.exts.n, 0);
	side_free(&s);
}
END_TEST

START_TEST(extension_flags_added)
{
	struct side s = {0};
	ck_assert_int_eq(derive_fixture(&s, "req.der", EXTENSION_DISABLE_FLAG), S_OK);
	assert_ext(&s.exts, "2.5.29.15", EXTENSION_ORIGIN_REQUEST | EXTENSION_CRITICAL_FLAG | EXTENSION_DISABLE_FLAG,
		   "030205a0");
	side_free(&s);
}
END_TEST

START_TEST(explicit_values_win)
{
	struct side s = {0};
	xb_props_put_string(&s.request, "commonname", "from the trace", XB_PUT_REPLACE);
	xb_props_put_long(&s.request, "RequestType", CR_IN_CMC | CR_IN_FULLRESPONSE, XB_PUT_REPLACE);
	xb_props_put_string(&s.attrs, "requestosversion", "7.0", XB_PUT_REPLACE);
	xb_props_put_string(&s.attrs, "Certificate-Template", "Trace", XB_PUT_REPLACE);
	xb_exts_put(&s.exts, "2.5.29.17", EXTENSION_ORIGIN_ADMIN, "\x30\x00", 2, XB_PUT_REPLACE);
	ck_assert_int_eq(derive_fixture(&s, "req.der", 0), S_OK);
	assert_string(&s.request, "CommonName", "from the trace");
	ck_assert_int_eq(long_of(&s.request, "RequestType"), CR_IN_CMC | CR_IN_FULLRESPONSE);
	assert_string(&s.attrs, "RequestOSVersion", "7.0");
	/* the same attribute as the CA parses names: kept, and not added a second time */
	assert_string(&s.attrs, "Certificate-Template", "Trace");
	ck_assert_uint_eq(s.attrs.n, 4);
	assert_ext(&s.exts, "2.5.29.17", EXTENSION_ORIGIN_ADMIN, "3000");
	side_free(&s);
}
END_TEST

/* ---- requests built here -------------------------------------------------- */

struct der {
	unsigned char b[2048];
	size_t n;
};

/* Appends tag, length and the n bytes at p. */
static void add(struct der *d, unsigned tag, const void *p, size_t n)
{
	ck_assert(d->n + n + 4 <= sizeof(d->b));
	d->b[d->n++] = (unsigned char)tag;
	if (n >= 256) {
		d->b[d->n++] = 0x82;
		d->b[d->n++] = (unsigned char)(n >> 8);
	} else if (n >= 128) {
		d->b[d->n++] = 0x81;
	}
	d->b[d->n++] = (unsigned char)n;
	memcpy(d->b + d->n, p, n);
	d->n += n;
}

static void wrap(struct der *d, unsigned tag, const struct der *content)
{
	add(d, tag, content->b, content->n);
}

/* A PKCS#10 with an empty subject and the given attribute encodings (the key and signature are not read). */
static void request_with(struct der *out, const struct der *attributes)
{
	struct der info = {0}, req = {0};
	add(&info, 0x02, "\x00", 1);
	add(&info, 0x30, "", 0);
	add(&info, 0x30, "", 0);
	wrap(&info, 0xA0, attributes);
	wrap(&req, 0x30, &info);
	add(&req, 0x30, "", 0);
	add(&req, 0x03, "\x00", 1);
	out->n = 0;
	wrap(out, 0x30, &req);
}

/* One Attribute of the given OID (DER content) and value encodings. */
static void attribute(struct der *attrs, const char *oid, size_t oid_len, const struct der *values)
{
	struct der a = {0};
	add(&a, 0x06, oid, oid_len);
	wrap(&a, 0x31, values);
	wrap(attrs, 0x30, &a);
}

#define OS_VERSION_OID "\x2b\x06\x01\x04\x01\x82\x37\x0d\x02\x03", 10

START_TEST(empty_subject_and_edges)
{
	struct der values = {0}, attrs = {0}, req;
	add(&values, 0x16, "6.2.9200.2", 10);
	attribute(&attrs, OS_VERSION_OID, &values);
	request_with(&req, &attrs);
	struct side s = {0};
	ck_assert_int_eq(derive(&s, req.b, req.n, 0), S_OK);
	/* an empty subject: RawName 30 00 and no DistinguishedName (reference §5) */
	const struct xb_prop *raw = xb_props_find(&s.request, "RawName");
	ck_assert_uint_eq(raw->value.len, 2);
	ck_assert_int_eq(memcmp(raw->value.bytes, "\x30\x00", 2), 0);
	ck_assert_ptr_null(xb_props_find(&s.request, "DistinguishedName"));
	assert_string(&s.attrs, "RequestOSVersion", "6.2.9200.2");
	side_free(&s);

	/* the OS version is single-valued (MS-WCCE): two values are invalid data */
	add(&values, 0x16, "6.3.9600.2", 10);
	attrs.n = 0;
	attribute(&attrs, OS_VERSION_OID, &values);
	request_with(&req, &attrs);
	ck_assert_int_eq(derive(&s, req.b, req.n, 0), INVALID_DATA);
	ck_assert_msg(strstr(s.err.text, "RawRequest: the OS version attribute has more than one value") == s.err.text,
		      "message: %s", s.err.text);
	side_free(&s);

	/* not a string */
	values.n = 0;
	add(&values, 0x02, "\x01", 1);
	attrs.n = 0;
	attribute(&attrs, OS_VERSION_OID, &values);
	request_with(&req, &attrs);
	ck_assert_int_eq(derive(&s, req.b, req.n, 0), INVALID_DATA);
	ck_assert_msg(strstr(s.err.text, "the OS version is not a valid string") != NULL, "message: %s", s.err.text);
	side_free(&s);
}
END_TEST

/* A CMS signedData (no signers: only the structure is read) around a PKIData. */
static void cmc_with(struct der *out, const struct der *pki_data)
{
	static const unsigned char signed_data_oid[] = {0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02};
	static const unsigned char pki_data_oid[] = {0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x0c, 0x02};
	struct der octets = {0}, explicit = {0}, encap = {0}, sd = {0}, sd_seq = {0}, ci = {0};
	wrap(&octets, 0x04, pki_data);
	wrap(&explicit, 0xA0, &octets);
	add(&encap, 0x06, pki_data_oid, sizeof(pki_data_oid));
	memcpy(encap.b + encap.n, explicit.b, explicit.n);
	encap.n += explicit.n;
	add(&sd, 0x02, "\x03", 1);
	add(&sd, 0x31, "", 0);
	wrap(&sd, 0x30, &encap);
	add(&sd, 0x31, "", 0);
	wrap(&sd_seq, 0x30, &sd);
	add(&ci, 0x06, signed_data_oid, sizeof(signed_data_oid));
	wrap(&ci, 0xA0, &sd_seq);
	out->n = 0;
	wrap(out, 0x30, &ci);
}

START_TEST(unsupported_formats)
{
	/* a CMC request holding a CRMF CertReqMsg ([1]) */
	struct der requests = {0}, pki = {0}, content = {0}, msg;
	add(&requests, 0xA1, "\x02\x01\x01", 3);
	add(&content, 0x30, "", 0);
	wrap(&content, 0x30, &requests);
	add(&content, 0x30, "", 0);
	add(&content, 0x30, "", 0);
	wrap(&pki, 0x30, &content);
	cmc_with(&msg, &pki);
	struct side s = {0};
	ck_assert_int_eq(derive(&s, msg.b, msg.n, 0), NOT_SUPPORTED);
	ck_assert_msg(strstr(s.err.text, "RawRequest: CMC with a CRMF request") == s.err.text &&
			      strstr(s.err.text, "of the CMC PKIData"),
		      "message: %s", s.err.text);
	side_free(&s);

	/* a CMC request without any request */
	content.n = 0;
	for (int i = 0; i < 4; i++)
		add(&content, 0x30, "", 0);
	pki.n = 0;
	wrap(&pki, 0x30, &content);
	cmc_with(&msg, &pki);
	ck_assert_int_eq(derive(&s, msg.b, msg.n, 0), INVALID_DATA);
	ck_assert_msg(strstr(s.err.text, "the CMC message holds no request") != NULL, "message: %s", s.err.text);
	side_free(&s);
}
END_TEST

START_TEST(malformed_requests)
{
	size_t len;
	unsigned char *der = xb_read_fixture("req.der", &len);
	struct side s = {0};

	ck_assert_int_eq(derive(&s, der, len - 1, 0), INVALID_DATA);
	ck_assert_msg(!strcmp(s.err.text, "RawRequest: the request is malformed or truncated at byte 1 of the request"),
		      "message: %s", s.err.text);
	side_free(&s);

	der = realloc(der, len + 1);
	der[len] = 0;
	ck_assert_int_eq(derive(&s, der, len + 1, 0), INVALID_DATA);
	ck_assert_msg(!strcmp(s.err.text, "RawRequest: unexpected data after the request at byte 1270 of the request"),
		      "message: %s", s.err.text);
	side_free(&s);

	/* a bad byte inside the subject: the Name's message, and where that is in the request */
	der[17] = 0x05; /* the first RDN's attribute type is no longer an OID */
	ck_assert_int_eq(derive(&s, der, len, 0), INVALID_DATA);
	ck_assert_msg(strstr(s.err.text, "RawRequest: subject: malformed Name") == s.err.text &&
			      strstr(s.err.text, "(byte 17 of the request)"),
		      "message: %s", s.err.text);
	ck_assert_uint_eq(s.err.position, 17);
	side_free(&s);
	free(der);

	/* an error after the subject was read (a CMC name-value pair that is no string): nothing is put */
	der = xb_read_fixture("req-cmc.der", &len);
	der[120] ^= 0xff;
	ck_assert_int_eq(derive(&s, der, len, 0), INVALID_DATA);
	ck_assert_msg(!strcmp(s.err.text,
			      "RawRequest: the name of a name-value pair is not a valid string at byte 57 of the CMC PKIData"),
		      "message: %s", s.err.text);
	ck_assert_uint_eq(s.request.n + s.attrs.n + s.exts.n, 0);
	side_free(&s);

	ck_assert_int_eq(derive(&s, (const unsigned char *)"\x02\x01\x00", 3, 0), INVALID_DATA);
	ck_assert_int_eq(derive(&s, (const unsigned char *)"", 0, 0), INVALID_DATA);
	ck_assert_msg(!strcmp(s.err.text, "RawRequest: the request is missing at byte 0 of the request"), "message: %s",
		      s.err.text);
	side_free(&s);
	free(der);
}
END_TEST

static const char *const garbage_fixtures[] = {"req.der", "req-pkcs7.der", "req-cmc.der", "req-keygen.der"};
#define NGARBAGE (sizeof(garbage_fixtures) / sizeof(garbage_fixtures[0]))

/*
 * Every truncation and every one-byte change of one fixture (the loop
 * index): a result, never a crash (valgrind checks the rest). One fixture
 * per run keeps each under the default timeout on a loaded machine.
 */
START_TEST(garbage_never_crashes)
{
	const char *const *names = garbage_fixtures;
	for (size_t f = (size_t)_i; f == (size_t)_i; f++) {
		size_t len;
		unsigned char *der = xb_read_fixture(names[f], &len);
		for (size_t n = 0; n < len; n++) {
			struct side s = {0};
			HRESULT hr = derive(&s, der, n, 0);
			ck_assert_msg(hr == INVALID_DATA || hr == NOT_SUPPORTED, "%s cut to %zu bytes gave 0x%08x", names[f],
				      n, (unsigned)hr);
			ck_assert_msg(!strncmp(s.err.text, "RawRequest: ", 12), "message: %s", s.err.text);
			side_free(&s);
		}
		unsigned seed = 1;
		for (size_t i = 0; i < len; i++) {
			unsigned char saved = der[i];
			seed = seed * 1103515245u + 12345u;
			der[i] ^= (unsigned char)(1u << (seed >> 16) % 8);
			struct side s = {0};
			HRESULT hr = derive(&s, der, len, 0);
			ck_assert_msg(hr == S_OK || hr == INVALID_DATA || hr == NOT_SUPPORTED,
				      "%s with byte %zu changed gave 0x%08x", names[f], i, (unsigned)hr);
			side_free(&s);
			der[i] = saved;
		}
		free(der);
	}
}
END_TEST

/* ---- RequestAttributes and attribute names ------------------------------ */

START_TEST(attributes_string)
{
	struct xb_props a = {0};
	const char *text = "\ncdc:DC01.corp.local\nrmd:PKI-SRV01.corp.local\n\nccm:PKI-SRV01.corp.local\r\n"
			   " Certificate Template :\tUser \n"
			   "no colon here\n:no name\nempty:\n   \n"
			   "san:dns=www.corp.local&url=http://x/\n"
			   "Dup:1\ndup:2";
	ck_assert_int_eq(xb_request_attributes_parse(text, &a, XB_PUT_IF_ABSENT), S_OK);
	assert_string(&a, "cdc", "DC01.corp.local");
	assert_string(&a, "rmd", "PKI-SRV01.corp.local");
	assert_string(&a, "ccm", "PKI-SRV01.corp.local");
	assert_string(&a, "Certificate Template", "User");
	assert_string(&a, "san", "dns=www.corp.local&url=http://x/");
	assert_string(&a, "Dup", "2"); /* the later line wins, under the first spelling */
	ck_assert_uint_eq(a.n, 6);
	xb_props_free(&a);

	/* a value the trace gives wins, whatever its spelling */
	xb_props_put_string(&a, "CertificateTemplate", "Trace", XB_PUT_REPLACE);
	ck_assert_int_eq(xb_request_attributes_parse("certificate-template:User\nccm:x", &a, XB_PUT_IF_ABSENT), S_OK);
	assert_string(&a, "CertificateTemplate", "Trace");
	ck_assert_uint_eq(a.n, 2);
	ck_assert_int_eq(xb_request_attributes_parse("Certificate Template:New", &a, XB_PUT_REPLACE), S_OK);
	assert_string(&a, "CertificateTemplate", "New");
	ck_assert_uint_eq(a.n, 2);
	ck_assert_int_eq(xb_request_attributes_parse("", &a, XB_PUT_IF_ABSENT), S_OK);
	ck_assert_uint_eq(a.n, 2);
	xb_props_free(&a);
}
END_TEST

START_TEST(attribute_names)
{
	struct xb_props a = {0};
	xb_props_put_string(&a, "CertificateTemplate", "User", XB_PUT_REPLACE);
	static const char *const same[] = {"CertificateTemplate", "certificate template", "CERTIFICATE-TEMPLATE",
					   " Certificate - Template "};
	for (size_t i = 0; i < sizeof(same) / sizeof(same[0]); i++)
		ck_assert_msg(xb_attribute_find(&a, same[i]) == &a.items[0], "%s not found", same[i]);
	ck_assert_ptr_null(xb_attribute_find(&a, "Certificate"));
	ck_assert_ptr_null(xb_attribute_find(&a, "CertificateTemplates"));
	ck_assert_ptr_null(xb_attribute_find(&a, ""));
	xb_props_free(&a);
}
END_TEST

/* ---- wired into the event ------------------------------------------------ */

static void event_with(struct xb_event *ev, LONG kind, const char *cert_fixture)
{
	size_t len;
	memset(ev, 0, sizeof(*ev));
	ev->kind = kind;
	unsigned char *der = xb_read_fixture("req.der", &len);
	xb_props_put_binary(&ev->request, "RawRequest", der, len, XB_PUT_REPLACE);
	free(der);
	xb_props_put_string(&ev->request, "RequestAttributes", "CertificateTemplate:WebServer\nccm:ws01", XB_PUT_REPLACE);
	if (cert_fixture) {
		der = xb_read_fixture(cert_fixture, &len);
		xb_props_put_binary(&ev->cert, "RawCertificate", der, len, XB_PUT_REPLACE);
		free(der);
	}
}

START_TEST(event_pending)
{
	struct xb_event ev;
	event_with(&ev, EXITEVENT_CERTPENDING, NULL);
	xb_error err;
	xb_error_init(&err, "trace.jsonl");
	ck_assert_int_eq(xb_event_derive(&ev, &err), S_OK);
	assert_string(&ev.request, "CommonName", "bob.jones");
	assert_string(&ev.attrs, "CertificateTemplate", "WebServer"); /* the submitted string wins over the request */
	assert_string(&ev.attrs, "ccm", "ws01");
	assert_string(&ev.attrs, "RequestCSPProvider", "Microsoft Enhanced RSA and AES Cryptographic Provider");
	assert_ext(&ev.exts, "2.5.29.15", EXTENSION_ORIGIN_REQUEST | EXTENSION_CRITICAL_FLAG, "030205a0");
	ck_assert_uint_eq(ev.exts.n, 5);
	ck_assert_uint_eq(ev.cert.n, 0);
	/* requested extensions are what a pending request has: valid */
	ck_assert_int_eq(xb_event_validate(&ev, "trace.jsonl", &err), S_OK);
	xb_props_put_string(&ev.cert, "SerialNumber", "01", XB_PUT_REPLACE);
	ck_assert_int_eq(xb_event_validate(&ev, "trace.jsonl", &err), INVALID_DATA);
	xb_event_free(&ev);
}
END_TEST

START_TEST(event_issued)
{
	struct xb_event ev;
	event_with(&ev, EXITEVENT_CERTISSUED, "leaf.der");
	xb_error err;
	xb_error_init(&err, "trace.jsonl");
	ck_assert_int_eq(xb_event_derive(&ev, &err), S_OK);
	/* each side has its own subject */
	assert_string(&ev.request, "CommonName", "bob.jones");
	assert_string(&ev.cert, "CommonName", "alice.smith");
	/* the certificate's extensions win; the requested one it lacks is kept, disabled */
	ck_assert_int_eq(xb_exts_find(&ev.exts, "2.5.29.15")->flags, EXTENSION_ORIGIN_POLICY | EXTENSION_CRITICAL_FLAG);
	ck_assert_int_eq(xb_exts_find(&ev.exts, "2.5.29.17")->flags, EXTENSION_ORIGIN_POLICY);
	assert_ext(&ev.exts, "1.3.6.1.4.1.311.21.10", EXTENSION_ORIGIN_REQUEST | EXTENSION_DISABLE_FLAG,
		   "300c300a06082b06010505070302");
	ck_assert_uint_eq(ev.exts.n, 8); /* the certificate's 7 and that one */
	xb_event_free(&ev);
}
END_TEST

START_TEST(event_bad_request)
{
	struct xb_event ev;
	memset(&ev, 0, sizeof(ev));
	ev.kind = EXITEVENT_CERTDENIED;
	xb_props_put_binary(&ev.request, "RawRequest", "\x30\x03\x02\x01\x00", 5, XB_PUT_REPLACE);
	xb_error err;
	xb_error_init(&err, "trace.jsonl");
	ck_assert_int_eq(xb_event_derive(&ev, &err), INVALID_DATA);
	ck_assert_msg(strstr(err.text, "RawRequest: not a PKCS#10, PKCS#7, CMC or KEYGEN request at byte 2") == err.text,
		      "message: %s", err.text);
	xb_event_free(&ev);
}
END_TEST

Suite *suite_request_props(void)
{
	Suite *s = suite_create("request_props");
	const struct xb_test_case cases[] = {
		{"xb_request_props_derive", derive_pkcs10},
		{"xb_request_props_derive_pkcs7", derive_pkcs7},
		{"xb_request_props_derive_cmc", derive_cmc},
		{"xb_request_props_derive_keygen", derive_keygen},
		{"xb_request_props_derive_ext_flags", extension_flags_added},
		{"xb_request_props_derive_explicit", explicit_values_win},
		{"xb_request_props_derive_edges", empty_subject_and_edges},
		{"xb_request_props_derive_unsupported", unsupported_formats},
		{"xb_request_props_derive_malformed", malformed_requests},
		{"xb_request_attributes_parse", attributes_string},
		{"xb_attribute_find", attribute_names},
		{"xb_event_derive_pending", event_pending},
		{"xb_event_derive_issued", event_issued},
		{"xb_event_derive_bad_request", event_bad_request},
	};
	XB_ADD_CASES(s, cases, NULL, NULL);
	TCase *garbage = tcase_create("xb_request_props_derive_garbage");
	tcase_add_loop_test(garbage, garbage_never_crashes, 0, (int)NGARBAGE);
	suite_add_tcase(s, garbage);
	return s;
}
