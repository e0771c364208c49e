/*
 * The derivations as they were before emu/cert_parse.c and
 * emu/pkcs7_parse.c read certificates and PKCS#7 themselves: OpenSSL's
 * d2i_X509 and its accessors, and d2i_CMS_ContentInfo. Kept here, and only
 * here, as the oracle of derive_diff.c: their values are the ones the
 * product must go on giving.
 */
#ifndef XB_TESTS_DIFFERENTIAL_ORACLE_H
#define XB_TESTS_DIFFERENTIAL_ORACLE_H

#include "pkcs7_parse.h"
#include "props.h"

/* As xb_cert_props_derive did with XB_PUT_REPLACE: S_OK, E_OUTOFMEMORY or ERROR_INVALID_DATA. */
HRESULT oracle_cert_props_derive(const unsigned char *der, size_t len, struct xb_props *props, struct xb_exts *exts,
				 xb_error *err);

/* What OpenSSL says of a certificate the oracle read, for the differences derive_diff.c explains. */
struct oracle_facts {
	int decoded;            /* d2i_X509 read it (the whole input) */
	int extensions_valid;   /* OpenSSL's extension cache found no invalid extension (X509_check_purpose) */
	char *key_identifier;   /* the subjectKeyIdentifier extension as OpenSSL decodes it, spaced hex; new or NULL */
	int san_decodes;        /* the subjectAltName extension is absent or decodes (X509_get_ext_d2i) */
	int names_decode;       /* d2i_X509_NAME reads the Name at issuer and at subject (given by the caller) */
};

/* Fills facts (free with oracle_facts_free); issuer and subject are the Names' bytes, or NULL. */
void oracle_cert_facts(const unsigned char *der, size_t len, const unsigned char *issuer, size_t issuer_len,
		       const unsigned char *subject, size_t subject_len, struct oracle_facts *facts);
void oracle_facts_free(struct oracle_facts *facts);

/*
 * What the request derivation took from a PKCS#7: 0, *type and a copy of
 * the signed content (new) when OpenSSL reads the whole input as a
 * signedData over id-data or a PKIData with its content inside; else -1.
 */
int oracle_pkcs7_content(const unsigned char *der, size_t len, enum xb_pkcs7_content *type, unsigned char **content,
			 size_t *content_len);

/* d2i_X509 reads the whole input (1), or not (0). */
int oracle_x509_decodes(const unsigned char *der, size_t len);

/* d2i_X509_NAME reads the whole input (1), or not (0). */
int oracle_name_decodes(const unsigned char *der, size_t len);

#endif
