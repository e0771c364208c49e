/*
 * The signed content of a PKCS#7/CMS signedData read in place with der.h,
 * for the requests that wrap a PKCS#10 or a CMC PKIData in one. OpenSSL's
 * d2i_CMS_ContentInfo decodes every certificate inside, public key
 * included; this reads them with cert_parse.h.
 */
#ifndef XB_EMU_PKCS7_PARSE_H
#define XB_EMU_PKCS7_PARSE_H

#include <stddef.h>

enum xb_pkcs7_content {
	XB_PKCS7_DATA,    /* id-data: a request */
	XB_PKCS7_PKIDATA, /* id-cct-PKIData: a CMC request */
};

/*
 * The eContent of a DER ContentInfo holding a signedData (RFC 5652 §5):
 * 0, *type and *content (a view into der), when the whole input is one
 * with its content inside, of one of those two types, checked part by
 * part as OpenSSL's reader checks it (certificates as xb_cert_parse does).
 * -1 for anything else: another type, detached content, CRLs or
 * certificates other than X.509 ones, BER, anything malformed. The caller
 * then asks OpenSSL, which reads those or says what is wrong with them.
 */
int xb_pkcs7_signed_content(const unsigned char *der, size_t len, enum xb_pkcs7_content *type,
			    const unsigned char **content, size_t *content_len);

#endif
