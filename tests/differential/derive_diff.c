/*
 * derive_diff: the engine's certificate derivation (emu/cert_props.c over
 * emu/cert_parse.c) and PKCS#7 reader (emu/pkcs7_parse.c) against their
 * oracle, the OpenSSL-based code they replaced (oracle.c), on every file
 * given and on inputs made from it.
 *
 * Each file (PEM or DER) is taken whole, then cut short (half, all but the
 * last byte), then changed in -m N seeded ways (a byte set, a bit flipped,
 * a byte inserted or removed, a cut), half of them in its first 400 bytes
 * where the header fields are, and in -m N more ways that keep it DER (an
 * element inserted, removed, doubled, retagged, wrapped or moved, the
 * lengths around it recomputed); then all of that again with the file
 * put, as it is, in a signedData as a signer's certificate would be.
 * Every input goes through both comparisons:
 *
 * Certificates: both derivations refuse, or both derive the same
 * properties (name, type, value, in order) and extensions (OID, flags,
 * value, in order). A refusal of ours must name RawCertificate. Four
 * differences are explained, each checked against OpenSSL itself, and
 * counted apart:
 *   key-id   OpenSSL gave no SubjectKeyIdentifier because another extension
 *            was invalid to it (X509_check_purpose); ours is the extension's
 *            value as OpenSSL decodes it.
 *   upn      OpenSSL gave no UPN because it could not decode the whole
 *            subjectAltName (one name it rejects); ours is read from it.
 *   ber      OpenSSL read the input, which is not DER (non-minimal or
 *            indefinite lengths, strings in pieces, a SEQUENCE or SET in
 *            primitive form); ours refuses it.
 *   names    OpenSSL refused a Name's value (not a string, or a string it
 *            cannot convert to UTF-8: Windows prints those); ours reads it.
 *
 * PKCS#7: when our reader takes a signed content, OpenSSL's CMS reader
 * takes the same (type and bytes), but for the "names" difference (a
 * certificate or a signer's issuer OpenSSL refuses); when ours does not,
 * the request derivation asks OpenSSL as it did before, so there is
 * nothing to compare. The request derivation runs on every input too: a
 * refusal must name RawRequest.
 *
 * Anything else is a failure, printed with the input it came from.
 *
 * Usage: derive_diff [-v] [-m N] FILE...  Exit 0 when every input agrees
 * (or differs in an explained way), 1 otherwise, 2 for a file it cannot read.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cert_parse.h"
#include "cert_props.h"
#include "oracle.h"
#include "pem.h"
#include "pkcs7_parse.h"
#include "read_all.h"
#include "request_props.h"

static int verbose;
static unsigned long mutations_per_file;

static struct {
	unsigned long files, inputs, both_refused, both_derived, failures;
	unsigned long key_id, upn, ber, names;
	unsigned long pkcs7, pkcs7_alike, pkcs7_openssl, pkcs7_names;
} totals;

static void failure(const char *where, const char *fmt, ...)
{
	va_list ap;
	printf("%s: ", where);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	totals.failures++;
}

/* Strict DER throughout: every length minimal and definite, constructed only where DER allows. */
static int is_der(const unsigned char *p, size_t len)
{
	struct der_cursor c = {p, len};
	struct der_tlv tlv;
	size_t bad;
	while (c.left) {
		if (der_next(&c, &tlv, &bad) || tlv.tag == 0x10 || tlv.tag == 0x11)
			return 0; /* (a SEQUENCE or SET must be constructed) */
		if (!(tlv.tag & 0x20))
			continue;
		if (!(tlv.tag & 0xC0) && tlv.tag != 0x30 && tlv.tag != 0x31)
			return 0; /* a universal string in pieces */
		if (!is_der(tlv.value, tlv.length))
			return 0;
	}
	return 1;
}

static const char *text_of(const struct xb_props *p, const char *name)
{
	const struct xb_prop *prop = xb_props_find(p, name);
	return prop && prop->value.type == PROPTYPE_STRING ? prop->value.text : NULL;
}

/* The properties, in order, but for the explained extra ones; 0 after printing the first difference. */
static int same_props(const char *where, const struct xb_props *ours, const struct xb_props *oracle,
		      const char *skip1, const char *skip2)
{
	size_t i = 0, j = 0;
	for (;; i++, j++) {
		while (i < ours->n && ((skip1 && !strcmp(ours->items[i].name, skip1)) ||
				       (skip2 && !strcmp(ours->items[i].name, skip2))))
			i++;
		if (i == ours->n || j == oracle->n)
			break;
		if (strcmp(ours->items[i].name, oracle->items[j].name)) {
			failure(where, "property %zu is %s, the oracle's is %s", j + 1, ours->items[i].name,
				oracle->items[j].name);
			return 0;
		}
		if (!xb_value_equal(&ours->items[i].value, &oracle->items[j].value)) {
			failure(where, "%s differs from the oracle's", ours->items[i].name);
			return 0;
		}
	}
	if (i != ours->n || j != oracle->n) {
		failure(where, "%s has a property the other lacks: %s", i != ours->n ? "ours" : "the oracle",
			i != ours->n ? ours->items[i].name : oracle->items[j].name);
		return 0;
	}
	return 1;
}

static int same_exts(const char *where, const struct xb_exts *ours, const struct xb_exts *oracle)
{
	if (ours->n != oracle->n) {
		failure(where, "%zu extensions, the oracle %zu", ours->n, oracle->n);
		return 0;
	}
	for (size_t i = 0; i < ours->n; i++) {
		const struct xb_ext *a = &ours->items[i], *b = &oracle->items[i];
		if (strcmp(a->oid, b->oid) || a->flags != b->flags || a->len != b->len ||
		    (a->len && memcmp(a->value, b->value, a->len))) {
			failure(where, "extension %zu (%s) differs from the oracle's (%s)", i + 1, a->oid, b->oid);
			return 0;
		}
	}
	return 1;
}

/* Both derivations on one input; what agreed or was explained is counted. */
static void compare(const char *where, const unsigned char *der, size_t len)
{
	struct xb_props ours = {0}, oracle = {0};
	struct xb_exts our_exts = {0}, oracle_exts = {0};
	xb_error err, oracle_err;
	xb_error_init(&err, NULL);
	xb_error_init(&oracle_err, NULL);
	HRESULT hr = xb_cert_props_derive(der, len, &ours, &our_exts, XB_PUT_REPLACE, &err);
	HRESULT oracle_hr = oracle_cert_props_derive(der, len, &oracle, &oracle_exts, &oracle_err);
	struct xb_cert cert;
	int parsed = SUCCEEDED(xb_cert_parse(der, len, "RawCertificate", &cert, NULL));
	struct oracle_facts facts;
	oracle_cert_facts(der, len, parsed ? cert.issuer.start : NULL, parsed ? cert.issuer.total : 0,
			  parsed ? cert.subject.start : NULL, parsed ? cert.subject.total : 0, &facts);
	totals.inputs++;
	if (FAILED(hr) && (err.code != hr || strncmp(err.text, "RawCertificate", 14)))
		failure(where, "refused (0x%08lX) without a message naming RawCertificate: '%s'", (unsigned long)(ULONG)hr,
			err.text);
	if (FAILED(hr) && FAILED(oracle_hr)) {
		totals.both_refused++;
	} else if (FAILED(hr)) {
		if (!is_der(der, len))
			totals.ber++;
		else
			failure(where, "refused, the oracle derived it: %s", err.text);
	} else if (FAILED(oracle_hr)) {
		if (!facts.names_decode)
			totals.names++;
		else
			failure(where, "derived, the oracle refused it: %s", oracle_err.text);
	} else {
		const char *ski = text_of(&ours, "SubjectKeyIdentifier"), *upn = text_of(&ours, "UPN");
		int skip_ski = ski && !text_of(&oracle, "SubjectKeyIdentifier") && !facts.extensions_valid &&
			       facts.key_identifier && !strcmp(ski, facts.key_identifier);
		int skip_upn = upn && !text_of(&oracle, "UPN") && !facts.san_decodes;
		if (same_props(where, &ours, &oracle, skip_ski ? "SubjectKeyIdentifier" : NULL, skip_upn ? "UPN" : NULL) &&
		    same_exts(where, &our_exts, &oracle_exts)) {
			totals.both_derived++;
			totals.key_id += skip_ski;
			totals.upn += skip_upn;
		}
	}
	if (verbose)
		printf("%s: ours %s, oracle %s\n", where, SUCCEEDED(hr) ? "derived" : err.text,
		       SUCCEEDED(oracle_hr) ? "derived" : oracle_err.text);
	oracle_facts_free(&facts);
	xb_props_free(&ours);
	xb_props_free(&oracle);
	xb_exts_free(&our_exts);
	xb_exts_free(&oracle_exts);
}

/*
 * Whether OpenSSL refuses one of the Names or certificates of a signedData our reader accepted (so it is
 * well formed): a certificate d2i_X509 refuses, or a signer's issuer d2i_X509_NAME refuses.
 */
static int pkcs7_has_name_openssl_refuses(const unsigned char *der, size_t len)
{
	struct der_cursor c = {der, len};
	struct der_tlv t, set;
	size_t bad;
	der_next(&c, &t, &bad);               /* ContentInfo */
	c = der_children(&t);
	der_next(&c, &t, &bad);               /* contentType */
	der_next(&c, &t, &bad);               /* [0] */
	c = der_children(&t);
	der_next(&c, &t, &bad);               /* SignedData */
	c = der_children(&t);
	for (int i = 0; i < 3; i++)           /* version, digestAlgorithms, encapContentInfo */
		der_next(&c, &t, &bad);
	while (c.left && !der_next(&c, &set, &bad)) {
		struct der_cursor items = der_children(&set);
		while (items.left && !der_next(&items, &t, &bad)) {
			if (set.tag == 0xA0 && !oracle_x509_decodes(t.start, t.total))
				return 1;
			struct der_cursor info = der_children(&t);
			struct der_tlv sid;
			if (set.tag == DER_SET && !der_next(&info, &sid, &bad) && !der_next(&info, &sid, &bad) &&
			    sid.tag == DER_SEQUENCE) {
				struct der_cursor in = der_children(&sid);
				struct der_tlv name;
				if (!der_next(&in, &name, &bad) && !oracle_name_decodes(name.start, name.total))
					return 1;
			}
		}
	}
	return 0;
}

/* The PKCS#7 reader against OpenSSL's on one input; the request derivation runs on it too. */
static void compare_pkcs7(const char *where, const unsigned char *der, size_t len)
{
	enum xb_pkcs7_content type, oracle_type;
	const unsigned char *content;
	unsigned char *oracle_content = NULL;
	size_t content_len, oracle_len;
	int ours = xb_pkcs7_signed_content(der, len, &type, &content, &content_len);
	int oracle = oracle_pkcs7_content(der, len, &oracle_type, &oracle_content, &oracle_len);
	totals.pkcs7++;
	if (ours) {
		totals.pkcs7_openssl++; /* the derivation asks OpenSSL, as before */
	} else if (oracle) {
		if (pkcs7_has_name_openssl_refuses(der, len))
			totals.pkcs7_names++;
		else
			failure(where, "our PKCS#7 reader took a content OpenSSL does not");
	} else if (type != oracle_type || content_len != oracle_len || memcmp(content, oracle_content, content_len)) {
		failure(where, "our PKCS#7 reader took another content than OpenSSL");
	} else {
		totals.pkcs7_alike++;
	}
	free(oracle_content);
	struct xb_props request = {0}, attrs = {0};
	struct xb_exts exts = {0};
	xb_error err;
	xb_error_init(&err, NULL);
	HRESULT hr = xb_request_props_derive(der, len, &request, &attrs, &exts, 0, XB_PUT_REPLACE, &err);
	if (FAILED(hr) && (err.code != hr || strncmp(err.text, "RawRequest: ", 12)))
		failure(where, "request refused without a message naming RawRequest: '%s'", err.text);
	xb_props_free(&request);
	xb_props_free(&attrs);
	xb_exts_free(&exts);
}

/* Both comparisons on one input. */
static void compare_all(const char *where, const unsigned char *der, size_t len)
{
	compare(where, der, len);
	compare_pkcs7(where, der, len);
}

/* xorshift64*: the same inputs on every run. */
static uint64_t next_random(uint64_t *state)
{
	*state ^= *state >> 12;
	*state ^= *state << 25;
	*state ^= *state >> 27;
	return *state * UINT64_C(2685821657736338717);
}

/* One changed copy of der (new, n bytes); what says how. */
static unsigned char *mutate(const unsigned char *der, size_t len, uint64_t *rng, size_t *n, char *what, size_t size)
{
	unsigned char *out = malloc(len + 1);
	if (!out || !len)
		return free(out), NULL;
	memcpy(out, der, len);
	*n = len;
	size_t span = next_random(rng) & 1 && len > 400 ? 400 : len;
	size_t at = (size_t)(next_random(rng) % span);
	unsigned char byte = (unsigned char)next_random(rng);
	switch (next_random(rng) % 5) {
	case 0:
		out[at] = byte;
		snprintf(what, size, "byte %zu set to 0x%02x", at, byte);
		break;
	case 1:
		out[at] ^= (unsigned char)(1u << (byte & 7));
		snprintf(what, size, "bit %u of byte %zu flipped", byte & 7, at);
		break;
	case 2:
		memmove(out + at + 1, out + at, len - at);
		out[at] = byte;
		*n = len + 1;
		snprintf(what, size, "0x%02x inserted at %zu", byte, at);
		break;
	case 3:
		memmove(out + at, out + at + 1, len - at - 1);
		*n = len - 1;
		snprintf(what, size, "byte %zu removed", at);
		break;
	default:
		*n = at;
		snprintf(what, size, "cut at %zu", at);
		break;
	}
	return out;
}

/* A growing DER encoding. */
struct out {
	unsigned char *p;
	size_t len, cap;
};

static void put(struct out *o, const void *bytes, size_t n)
{
	if (!n)
		return;
	if (o->len + n > o->cap) {
		o->cap = (o->len + n) * 2;
		unsigned char *grown = realloc(o->p, o->cap);
		if (!grown)
			abort();
		o->p = grown;
	}
	memcpy(o->p + o->len, bytes, n);
	o->len += n;
}

/* One element around content (which is freed). */
static void put_tlv(struct out *o, unsigned tag, struct out *content)
{
	unsigned char header[6] = {(unsigned char)tag};
	size_t n = content->len, h = 2;
	if (n < 0x80) {
		header[1] = (unsigned char)n;
	} else {
		size_t bytes = n > 0xFFFF ? 3 : n > 0xFF ? 2 : 1;
		header[1] = (unsigned char)(0x80 | bytes);
		for (size_t i = 0; i < bytes; i++)
			header[2 + i] = (unsigned char)(n >> (8 * (bytes - 1 - i)));
		h += bytes;
	}
	put(o, header, h);
	put(o, content->p, n);
	free(content->p);
	memset(content, 0, sizeof(*content));
}

/*
 * A signedData over content holding cert as it is, signed (in name only: nothing checks a signature here)
 * by CN=signer, serial 1: what a request signed with a certificate looks like. New, *len bytes.
 */
static unsigned char *pkcs7_around(const unsigned char *cert, size_t cert_len, size_t *len)
{
	static const unsigned char sha256[] = {0x30, 0x0B, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01};
	static const unsigned char rsa[] = {0x30, 0x0D, 0x06, 0x09, 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01,
					    0x01, 0x05, 0x00};
	static const unsigned char version[] = {0x02, 0x01, 0x01};
	static const unsigned char signer_id[] = {0x30, 0x16, 0x30, 0x11, 0x31, 0x0F, 0x30, 0x0D, 0x06, 0x03, 0x55,
						  0x04, 0x03, 0x0C, 0x06, 's', 'i', 'g', 'n', 'e', 'r', 0x02, 0x01, 0x01};
	static const unsigned char signature[] = {0x04, 0x04, 0xDE, 0xAD, 0xBE, 0xEF};
	static const unsigned char oid_data[] = {0x06, 0x09, 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x07, 0x01};
	static const unsigned char oid_signed[] = {0x06, 0x09, 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x07, 0x02};
	static const unsigned char request[] = {0x04, 0x09, 'a', ' ', 'r', 'e', 'q', 'u', 'e', 's', 't'};
	struct out a = {0}, b = {0}, c = {0}, sd = {0};
	put(&sd, version, sizeof(version));
	put(&a, sha256, sizeof(sha256));
	put_tlv(&sd, 0x31, &a);
	put(&a, request, sizeof(request));
	put(&b, oid_data, sizeof(oid_data));
	put_tlv(&b, 0xA0, &a);
	put_tlv(&sd, 0x30, &b);
	put(&a, cert, cert_len);
	put_tlv(&sd, 0xA0, &a);
	put(&a, version, sizeof(version));
	put(&a, signer_id, sizeof(signer_id));
	put(&a, sha256, sizeof(sha256));
	put(&a, rsa, sizeof(rsa));
	put(&a, signature, sizeof(signature));
	put_tlv(&b, 0x30, &a);
	put_tlv(&sd, 0x31, &b);
	put_tlv(&a, 0x30, &sd);
	put(&b, oid_signed, sizeof(oid_signed));
	put_tlv(&b, 0xA0, &a);
	put_tlv(&c, 0x30, &b);
	*len = c.len;
	return c.p;
}

/*
 * Changes to the structure, which byte changes seldom make with the lengths right: the input as a tree of
 * elements, written back with one element inserted, removed, doubled, retagged, wrapped in a SEQUENCE or
 * swapped with the next, every enclosing length recomputed.
 */
struct node {
	unsigned tag;
	const unsigned char *content;
	size_t len;
	long child, next; /* -1: none */
};

struct tree {
	struct node *nodes;
	size_t n, cap;
};

enum change_op { CHANGE_INSERT, CHANGE_REMOVE, CHANGE_DOUBLE, CHANGE_RETAG, CHANGE_WRAP, CHANGE_SWAP, CHANGE_OPS };

struct change {
	enum change_op op;
	long target;
	unsigned tag;                 /* CHANGE_RETAG */
	const unsigned char *element; /* CHANGE_INSERT */
	size_t element_len;
};

/* The elements of p[0..len) and theirs, as nodes: the first's index, -1 for none, -2 when not DER. */
static long grow(struct tree *t, const unsigned char *p, size_t len)
{
	struct der_cursor c = {p, len};
	struct der_tlv tlv;
	size_t bad;
	long first = -1, prev = -1;
	while (c.left) {
		if (der_next(&c, &tlv, &bad))
			return -2;
		if (t->n == t->cap) {
			t->cap = t->cap ? 2 * t->cap : 64;
			struct node *grown = realloc(t->nodes, t->cap * sizeof(*grown));
			if (!grown)
				abort();
			t->nodes = grown;
		}
		long i = (long)t->n++;
		t->nodes[i] = (struct node){tlv.tag, tlv.value, tlv.length, -1, -1};
		if (tlv.tag & 0x20) {
			long child = grow(t, tlv.value, tlv.length);
			if (child == -2)
				return -2;
			t->nodes[i].child = child;
		}
		if (prev >= 0)
			t->nodes[prev].next = i;
		else
			first = i;
		prev = i;
	}
	return first;
}

static void emit_list(const struct tree *t, long i, const struct change *ch, struct out *o);

static void emit_one(const struct tree *t, long i, const struct change *ch, struct out *o)
{
	const struct node *nd = &t->nodes[i];
	struct out content = {0}, one = {0};
	if (nd->tag & 0x20)
		emit_list(t, nd->child, ch, &content);
	else
		put(&content, nd->content, nd->len);
	put_tlv(&one, i == ch->target && ch->op == CHANGE_RETAG ? ch->tag : nd->tag, &content);
	if (i == ch->target && ch->op == CHANGE_WRAP) {
		put_tlv(o, 0x30, &one);
		return;
	}
	put(o, one.p, one.len);
	if (i == ch->target && ch->op == CHANGE_DOUBLE)
		put(o, one.p, one.len);
	free(one.p);
}

static void emit_list(const struct tree *t, long i, const struct change *ch, struct out *o)
{
	for (; i >= 0; i = t->nodes[i].next) {
		if (i != ch->target) {
			emit_one(t, i, ch, o);
		} else if (ch->op == CHANGE_INSERT) {
			put(o, ch->element, ch->element_len);
			emit_one(t, i, ch, o);
		} else if (ch->op == CHANGE_SWAP && t->nodes[i].next >= 0) {
			emit_one(t, t->nodes[i].next, ch, o);
			emit_one(t, i, ch, o);
			i = t->nodes[i].next;
		} else if (ch->op != CHANGE_REMOVE) {
			emit_one(t, i, ch, o);
		}
	}
}

/* One structural change of der (new, *n bytes), or NULL when der is not DER throughout. */
static unsigned char *restructure(const unsigned char *der, size_t len, uint64_t *rng, size_t *n, char *what,
				  size_t size)
{
	/* What an insertion puts in: empty, odd and wrong values of the types X.509 uses. */
	static const struct {
		unsigned char bytes[16];
		size_t len;
	} elements[] = {
		{{0x31, 0x00}, 2}, {{0x30, 0x00}, 2}, {{0x05, 0x00}, 2}, {{0x01, 0x01, 0x00}, 3}, {{0x01, 0x01, 0xFF}, 3},
		{{0x02, 0x01, 0x00}, 3}, {{0x02, 0x02, 0x00, 0x01}, 4}, {{0x04, 0x00}, 2}, {{0x03, 0x01, 0x00}, 3},
		{{0x03, 0x02, 0x07, 0x80}, 4}, {{0x0C, 0x01, 'a'}, 3}, {{0x1E, 0x01, 0x41}, 3}, {{0xA0, 0x00}, 2},
		{{0x80, 0x00}, 2}, {{0x06, 0x03, 0x55, 0x04, 0x03}, 5}, {{0x00, 0x00}, 2}, {{0x06, 0x01, 0x80}, 3},
		{{0x30, 0x03, 0x02, 0x01, 0x01}, 5}, {{0x17, 0x0B, '2', '6', '0', '1', '0', '1', '0', '0', '0', '0', 'Z'}, 13},
	};
	static const unsigned char tags[] = {0x30, 0x31, 0x10, 0x04, 0x24, 0x0C, 0x13, 0x16, 0x1E, 0x1C, 0x02, 0x05,
					     0x06, 0x01, 0x03, 0x17, 0x18, 0x80, 0xA0, 0xA3, 0xA4, 0x81, 0x00, 0x0A};
	static const char *const names[CHANGE_OPS] = {"inserted before", "removed", "doubled", "retagged", "wrapped",
						      "swapped with the next"};
	struct tree t = {0};
	if (grow(&t, der, len) != 0 || !t.n) {
		free(t.nodes);
		return NULL;
	}
	struct change ch = {(enum change_op)(next_random(rng) % CHANGE_OPS), (long)(next_random(rng) % t.n), 0, NULL, 0};
	size_t pick = (size_t)next_random(rng);
	ch.tag = tags[pick % sizeof(tags)];
	ch.element = elements[pick % (sizeof(elements) / sizeof(elements[0]))].bytes;
	ch.element_len = elements[pick % (sizeof(elements) / sizeof(elements[0]))].len;
	struct out o = {0};
	emit_list(&t, 0, &ch, &o);
	snprintf(what, size, "element %ld (tag 0x%02x) %s", ch.target, t.nodes[ch.target].tag, names[ch.op]);
	if (ch.op == CHANGE_RETAG)
		snprintf(what + strlen(what), size - strlen(what), " 0x%02x", ch.tag);
	free(t.nodes);
	*n = o.len;
	return o.p ? o.p : calloc(1, 1);
}

/* The input, two cuts of it and its mutations, each through compare_all. */
static void diff_input(const char *name, const unsigned char *der, size_t len, uint64_t seed)
{
	char where[FILENAME_MAX + 128];
	compare_all(name, der, len);
	size_t cuts[] = {len / 2, len ? len - 1 : 0};
	for (size_t i = 0; i < 2; i++) {
		snprintf(where, sizeof(where), "%s (first %zu of %zu bytes)", name, cuts[i], len);
		compare_all(where, der, cuts[i]);
	}
	uint64_t rng = seed * UINT64_C(0x9E3779B97F4A7C15) + 1;
	for (unsigned long m = 0; m < mutations_per_file; m++) {
		char what[64];
		size_t n;
		unsigned char *changed = mutate(der, len, &rng, &n, what, sizeof(what));
		if (!changed)
			break;
		snprintf(where, sizeof(where), "%s (%s)", name, what);
		compare_all(where, changed, n);
		free(changed);
		if (!(changed = restructure(der, len, &rng, &n, what, sizeof(what))))
			continue;
		snprintf(where, sizeof(where), "%s (%s)", name, what);
		compare_all(where, changed, n);
		free(changed);
	}
}

static int diff_file(const char *file, uint64_t seed)
{
	size_t len;
	unsigned char *data = read_all(file, &len), *der = data;
	if (!data) {
		fprintf(stderr, "%s: cannot read\n", file);
		return 2;
	}
	if (xb_pem_detect((const char *)data, len)) {
		char label[XB_PEM_LABEL_SIZE];
		size_t n;
		if (FAILED(xb_pem_decode((const char *)data, len, label, &der, &n, NULL))) {
			free(data);
			return 0; /* not ours to compare: the PEM layer refuses it before either derivation */
		}
		len = n;
	}
	totals.files++;
	diff_input(file, der, len, seed);
	/* Each file also goes inside a signedData, as a signer's certificate would. */
	size_t wrapped_len;
	unsigned char *wrapped = pkcs7_around(der, len, &wrapped_len);
	char name[FILENAME_MAX + 32];
	snprintf(name, sizeof(name), "%s in a PKCS#7", file);
	diff_input(name, wrapped, wrapped_len, ~seed);
	free(wrapped);
	if (der != data)
		free(der);
	free(data);
	return 0;
}

int main(int argc, char **argv)
{
	int i = 1, status = 0;
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "-v"))
			verbose = 1;
		else if (!strcmp(argv[i], "-m") && i + 1 < argc)
			mutations_per_file = strtoul(argv[++i], NULL, 10);
		else
			break;
	}
	if (i >= argc) {
		fputs("Usage: derive_diff [-v] [-m N] FILE...\n", stderr);
		return 2;
	}
	for (int first = i; i < argc; i++)
		if (diff_file(argv[i], (uint64_t)(i - first)))
			status = 2;
	printf("derive_diff: %lu files, %lu inputs; certificates: %lu derived alike, %lu refused by both, explained: "
	       "%lu key-id, %lu upn, %lu ber, %lu names; PKCS#7: %lu content alike, %lu left to OpenSSL, explained: "
	       "%lu names; %lu failures\n",
	       totals.files, totals.inputs, totals.both_derived, totals.both_refused, totals.key_id, totals.upn,
	       totals.ber, totals.names, totals.pkcs7_alike, totals.pkcs7_openssl, totals.pkcs7_names, totals.failures);
	return totals.failures ? 1 : status;
}
