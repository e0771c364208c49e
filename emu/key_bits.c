/* Public key sizes (key_bits.h). */
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <stdatomic.h>
#include <string.h>

#include "key_bits.h"

/* OID contents: the key algorithms read here, and the curves. */
#define OID(...) {(const unsigned char[]){__VA_ARGS__}, sizeof((const unsigned char[]){__VA_ARGS__})}
struct oid {
	const unsigned char *bytes;
	size_t len;
};

static const struct oid rsa = OID(0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x01); /* rsaEncryption */
static const struct oid ec = OID(0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x02, 0x01);             /* id-ecPublicKey */

/* RFC 8410 keys: no parameters, a key of fixed length, the size OpenSSL gives it. */
static const struct {
	struct oid oid;
	size_t key_len;
	long bits;
} fixed[] = {
	{OID(0x2B, 0x65, 0x6E), 32, 253}, /* X25519 */
	{OID(0x2B, 0x65, 0x6F), 56, 448}, /* X448 */
	{OID(0x2B, 0x65, 0x70), 32, 256}, /* Ed25519 */
	{OID(0x2B, 0x65, 0x71), 57, 456}, /* Ed448 */
};

/* Named prime curves; each group is made once, on first use, and kept. */
static struct curve {
	struct oid oid;
	int nid;
	_Atomic(EC_GROUP *) group;
} curves[] = {
	{OID(0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07), NID_X9_62_prime256v1, NULL},
	{OID(0x2B, 0x81, 0x04, 0x00, 0x22), NID_secp384r1, NULL},
	{OID(0x2B, 0x81, 0x04, 0x00, 0x23), NID_secp521r1, NULL},
	{OID(0x2B, 0x81, 0x04, 0x00, 0x21), NID_secp224r1, NULL},
	{OID(0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x01), NID_X9_62_prime192v1, NULL},
	{OID(0x2B, 0x81, 0x04, 0x00, 0x0A), NID_secp256k1, NULL},
	{OID(0x2B, 0x24, 0x03, 0x03, 0x02, 0x08, 0x01, 0x01, 0x07), NID_brainpoolP256r1, NULL},
	{OID(0x2B, 0x24, 0x03, 0x03, 0x02, 0x08, 0x01, 0x01, 0x0B), NID_brainpoolP384r1, NULL},
	{OID(0x2B, 0x24, 0x03, 0x03, 0x02, 0x08, 0x01, 0x01, 0x0D), NID_brainpoolP512r1, NULL},
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static int is(const struct der_tlv *tlv, const struct oid *oid)
{
	return tlv->tag == DER_OID && tlv->length == oid->len && !memcmp(tlv->value, oid->bytes, oid->len);
}

/* What OpenSSL says, from the SubjectPublicKeyInfo alone. */
static long openssl_bits(const struct xb_spki *spki)
{
	const unsigned char *p = spki->whole.start;
	EVP_PKEY *key = d2i_PUBKEY(NULL, &p, (long)spki->whole.total);
	long bits = key ? EVP_PKEY_get_bits(key) : -1;
	EVP_PKEY_free(key);
	return bits;
}

/*
 * RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER }, and nothing after it: the
 * modulus's magnitude (OpenSSL reads both as unsigned), or -1 for any other form.
 */
static long rsa_bits(const struct xb_spki *spki)
{
	struct der_cursor c = {spki->key, spki->key_len}, inner;
	struct der_tlv seq, n, e;
	size_t bad;
	if ((spki->parameters.total && (spki->parameters.tag != DER_NULL || spki->parameters.length)) ||
	    der_next(&c, &seq, &bad) || seq.tag != DER_SEQUENCE || c.left)
		return -1;
	inner = der_children(&seq);
	if (der_next(&inner, &n, &bad) || n.tag != DER_INTEGER || der_next(&inner, &e, &bad) || e.tag != DER_INTEGER ||
	    inner.left || !e.length)
		return -1;
	size_t i = 0;
	while (i < n.length && !n.value[i])
		i++;
	if (i == n.length)
		return -1; /* a zero modulus: let OpenSSL say */
	long bits = (long)(n.length - i - 1) * 8;
	for (unsigned top = n.value[i]; top; top >>= 1)
		bits++;
	return bits;
}

static const EC_GROUP *group_of(struct curve *c)
{
	EC_GROUP *g = atomic_load(&c->group);
	if (g)
		return g;
	EC_GROUP *made = EC_GROUP_new_by_curve_name(c->nid), *none = NULL;
	if (made && !atomic_compare_exchange_strong(&c->group, &none, made)) {
		EC_GROUP_free(made); /* another thread made it first */
		made = none;
	}
	return made;
}

/* A point on a named curve: the group order's size when OpenSSL's own check accepts the point, else -1. */
static long ec_bits(const struct xb_spki *spki)
{
	const struct der_tlv *named = &spki->parameters;
	for (size_t i = 0; i < COUNT(curves); i++) {
		if (!is(named, &curves[i].oid))
			continue;
		const EC_GROUP *group = group_of(&curves[i]);
		EC_POINT *point = group ? EC_POINT_new(group) : NULL;
		long bits = point && EC_POINT_oct2point(group, point, spki->key, spki->key_len, NULL)
				    ? EC_GROUP_order_bits(group)
				    : -1;
		EC_POINT_free(point);
		return bits;
	}
	return -1;
}

/* An RFC 8410 key's fixed size, or -1. */
static long fixed_bits(const struct xb_spki *spki)
{
	for (size_t i = 0; i < COUNT(fixed); i++)
		if (is(&spki->algorithm, &fixed[i].oid))
			return !spki->parameters.total && spki->key_len == fixed[i].key_len ? fixed[i].bits : -1;
	return -1;
}

long xb_public_key_bits(const struct xb_spki *spki)
{
	long bits = -1;
	/* With unused bits OpenSSL reads the key with them cleared: an unusual form, left to it. */
	if (!spki->unused_bits)
		bits = is(&spki->algorithm, &rsa) ? rsa_bits(spki)
		       : is(&spki->algorithm, &ec) ? ec_bits(spki)
						   : fixed_bits(spki);
	return bits < 0 ? openssl_bits(spki) : bits;
}
