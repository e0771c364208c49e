/* Strict base64 (RFC 4648, with padding), as traces carry binary values. */
#ifndef XB_EMU_BASE64_H
#define XB_EMU_BASE64_H

#include <stddef.h>

/*
 * Decodes text into a new buffer (*out, free() it; *len its size). Returns
 * 0, or -1 with *bad the offset of the first character that is not valid
 * base64 (a wrong length or padding is reported at the end).
 */
int xb_base64_decode(const char *text, size_t n, unsigned char **out, size_t *len, size_t *bad);
/* Encodes bytes as new NUL-terminated text, or NULL when out of memory. */
char *xb_base64_encode(const unsigned char *p, size_t n);

#endif
