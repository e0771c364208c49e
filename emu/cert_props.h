/*
 * The certificate properties a CA serves for an issued certificate
 * (reference §3.4), derived from its DER (read with cert_parse.h) in the
 * formats AD CS stores (reference §5).
 */
#ifndef XB_EMU_CERT_PROPS_H
#define XB_EMU_CERT_PROPS_H

#include "props.h"

/*
 * Puts into props: RawCertificate, SerialNumber, CertificateHash,
 * NotBefore, NotAfter, RawName, DistinguishedName and the name properties,
 * RawPublicKey, PublicKeyAlgorithm, RawPublicKeyAlgorithmParameters,
 * PublicKeyLength, and, where the certificate has them,
 * SubjectKeyIdentifier, UPN and CertificateTemplate; and every extension
 * into exts with EXTENSION_CRITICAL_FLAG and a default origin (see
 * xb_default_extension_origin). With XB_PUT_IF_ABSENT, values already
 * present (given explicitly by a trace) are kept. Returns S_OK,
 * E_OUTOFMEMORY, or HRESULT_FROM_WIN32(ERROR_INVALID_DATA) with err saying
 * what is wrong.
 */
HRESULT xb_cert_props_derive(const unsigned char *der, size_t len, struct xb_props *props, struct xb_exts *exts,
			     enum xb_put how, xb_error *err);

/*
 * The origin a CA gives an extension it put into a certificate, when the
 * trace does not say: EXTENSION_ORIGIN_SERVER for what the CA engine adds
 * itself (CRL distribution points, authority information access, authority
 * key identifier, CA version), EXTENSION_ORIGIN_POLICY for the rest, as in
 * the reference's certutil dumps (§2.4). Unconfirmed for other OIDs.
 */
LONG xb_default_extension_origin(const char *oid);

/*
 * CertificateTemplate from the extensions already in exts: the template
 * OID of the v2 extension (1.3.6.1.4.1.311.21.7, SEQUENCE { OID, major,
 * minor }) when present, else the name in the v1 extension
 * (1.3.6.1.4.1.311.20.2, a BMPString); nothing when neither reads.
 * S_OK or E_OUTOFMEMORY.
 */
HRESULT xb_cert_template_put(struct xb_props *props, const struct xb_exts *exts, enum xb_put how);

/* Bytes as AD CS writes hashes and key identifiers: lowercase pairs, single spaces. New string. */
char *xb_spaced_hex(const unsigned char *p, size_t n);

#endif
