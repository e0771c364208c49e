/*
 * A small strict DER reader: enough to walk a Name and its attribute values
 * exactly as encoded (OpenSSL's X509_NAME re-encodes and refuses values that
 * are not strings, and Windows prints those as #hex).
 */
#ifndef XB_EMU_DER_H
#define XB_EMU_DER_H

#include <stddef.h>
#include <stdint.h>

#include "exitbench/date.h"

/* One element: tag byte (low-tag-number form only), its header and value. */
struct der_tlv {
	unsigned tag;
	const unsigned char *start;  /* the tag byte */
	const unsigned char *value;
	size_t length;               /* of the value */
	size_t total;                /* header + value */
};

/* A cursor over a run of elements. */
struct der_cursor {
	const unsigned char *p;
	size_t left;
};

#define DER_SEQUENCE 0x30
#define DER_SET 0x31
#define DER_OID 0x06
#define DER_OCTET_STRING 0x04
#define DER_INTEGER 0x02
#define DER_UTC_TIME 0x17
#define DER_GENERALIZED_TIME 0x18

/*
 * Reads the next element and advances. Returns 0, or -1 at malformed or
 * truncated input (indefinite lengths, high tag numbers, non-minimal
 * lengths included), with *bad the offset of the problem from p's start
 * (0 after a success, so an error about a well-formed element of the wrong
 * type can use it too).
 */
int der_next(struct der_cursor *cur, struct der_tlv *out, size_t *bad);

/* The content of an element as a cursor over its children. */
struct der_cursor der_children(const struct der_tlv *tlv);

/* Dotted text of an OID's content ("2.5.4.3") into buf; -1 if malformed or too long. */
int der_oid_text(const unsigned char *content, size_t len, char *buf, size_t size);

/* A DER INTEGER's value into *out; -1 if it is not minimal or does not fit 32 bits. */
int der_integer_long(const struct der_tlv *tlv, int32_t *out);

/*
 * A UTCTime (YYMMDDHHMMSSZ, years 50-99 are 19xx as RFC 5280 says) or
 * GeneralizedTime (YYYYMMDDHHMMSS[.fff]Z) into *out; -1 for any other
 * form (DER requires the Z and seconds).
 */
int der_time_utc(const struct der_tlv *tlv, xb_utc *out);

#endif
