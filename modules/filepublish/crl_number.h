/*
 * The CRL Number of a DER CRL (RFC 5280 §5.2.3, extension 2.5.29.20), which
 * tells a newer CRL from an older one: filepublish replaces a CRL file only
 * with a CRL of a higher number.
 */
#ifndef XB_MODULES_FILEPUBLISH_CRL_NUMBER_H
#define XB_MODULES_FILEPUBLISH_CRL_NUMBER_H

#include <stddef.h>

#include "exitbench.h"

/*
 * Finds the CRL Number of the CRL in der[0..len): S_OK with *number
 * pointing into der (its big-endian magnitude, leading zero bytes removed;
 * *number_len 0 for the number zero); S_FALSE when the CRL has none;
 * HRESULT_FROM_WIN32(ERROR_INVALID_DATA) when der is not one DER CRL (up to
 * its TBSCertList and extensions) or the number is negative.
 */
HRESULT fp_crl_number(const unsigned char *der, size_t len, const unsigned char **number, size_t *number_len);

/* Compares two numbers as fp_crl_number gives them: <0, 0, >0. */
int fp_crl_number_cmp(const unsigned char *a, size_t a_len, const unsigned char *b, size_t b_len);

/* The number in hex ("0x1000"; "0x0" for zero), cut with "..." to fit size (at least 8). */
void fp_crl_number_text(const unsigned char *number, size_t len, char *buf, size_t size);

#endif
