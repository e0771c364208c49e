/*
 * A DER X.509 certificate (RFC 5280 §4.1) read in place with der.h: the
 * parts the CA's certificate properties come from, without decoding the
 * public key (OpenSSL's d2i_X509 decodes it through its provider decoders,
 * which is most of its time).
 */
#ifndef XB_EMU_CERT_PARSE_H
#define XB_EMU_CERT_PARSE_H

#include "der.h"
#include "der_walk.h"
#include "exitbench.h"

/* A SubjectPublicKeyInfo's parts. */
struct xb_spki {
	struct der_tlv whole;
	struct der_tlv algorithm;  /* the algorithm's OID */
	struct der_tlv parameters; /* the parameters after it; total 0 when absent */
	const unsigned char *key;  /* subjectPublicKey's bits, as encoded */
	size_t key_len;
	unsigned unused_bits;      /* 0-7: the last byte's low bits are not part of the key */
};

/* Views into the certificate's bytes: borrowed, valid while they are. */
struct xb_cert {
	struct der_tlv serial;                /* INTEGER, DER */
	struct der_tlv issuer;                /* the Name, its structure checked (xb_x509_check_name) */
	struct der_tlv not_before, not_after; /* UTCTime or GeneralizedTime; the content is not checked */
	struct der_tlv subject;               /* the Name, whose attributes are not looked into */
	struct xb_spki public_key;
	struct der_cursor extensions;         /* over each Extension, all checked; empty when none */
};

/* One extension, as xb_cert_next_extension gives it. */
struct xb_cert_ext {
	struct der_tlv oid;
	int critical;
	const unsigned char *value; /* extnValue's content */
	size_t len;
};

/*
 * Reads a DER certificate: the whole input, checking the structure and
 * every primitive OpenSSL's reader checks (INTEGERs, OIDs, BOOLEANs, BIT
 * STRINGs, each algorithm's parameters with der_any_valid) and the
 * issuer's structure, but not the subject's attributes, the times' content
 * or any extension's value. Returns S_OK,
 * or HRESULT_FROM_WIN32(ERROR_INVALID_DATA) with err (optional) saying
 * "<label>: <what> at byte N".
 */
HRESULT xb_cert_parse(const unsigned char *der, size_t len, const char *label, struct xb_cert *out, xb_error *err);

/*
 * Two parts X.509 shares with PKCS#7, read with w's messages (what names
 * the part): AlgorithmIdentifier ::= SEQUENCE { algorithm OID, parameters
 * ANY OPTIONAL } from *c (the parameters checked with der_any_valid; tag 0
 * and total 0 when absent), and the content of a Name the caller read as
 * a SEQUENCE (SEQUENCE OF SET OF SEQUENCE { OID, value }; an empty SET is
 * let through, as OpenSSL reads one; the values are not looked into).
 * S_OK or ERROR_INVALID_DATA.
 */
HRESULT xb_x509_take_algorithm(const struct der_walk *w, struct der_cursor *c, struct der_tlv *oid,
			       struct der_tlv *parameters, const char *what);
HRESULT xb_x509_check_name(const struct der_walk *w, const struct der_tlv *name, const char *what);

/* The next extension of *c (a copy of cert->extensions): 1, or 0 after the last. */
int xb_cert_next_extension(struct der_cursor *c, struct xb_cert_ext *ext);

#endif
