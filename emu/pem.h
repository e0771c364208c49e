/* PEM (RFC 7468): the first "-----BEGIN LABEL-----" block of a text, as DER. */
#ifndef XB_EMU_PEM_H
#define XB_EMU_PEM_H

#include <stddef.h>

#include "exitbench.h"

#define XB_PEM_LABEL_SIZE 64

/*
 * Decodes the first PEM block of text (anything before it is ignored, as
 * OpenSSL does) into a new buffer (*der, free() it). label receives what
 * follows BEGIN ("CERTIFICATE", "CERTIFICATE REQUEST", "X509 CRL"...).
 * Returns S_OK, or HRESULT_FROM_WIN32(ERROR_INVALID_DATA) with err's
 * position and text saying what is wrong (no block, no END line or one
 * with another label, bad base64 at a byte offset of text), or
 * E_OUTOFMEMORY.
 */
HRESULT xb_pem_decode(const char *text, size_t n, char label[XB_PEM_LABEL_SIZE], unsigned char **der, size_t *len,
		      xb_error *err);

/* Whether text holds a PEM BEGIN line (anywhere: openssl -text output has the block last). */
int xb_pem_detect(const char *text, size_t n);

#endif
