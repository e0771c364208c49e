/*
 * A small strict DER reader: enough to walk a Name and its attribute values
 * exactly as encoded (OpenSSL's X509_NAME re-encodes and refuses values that
 * are not strings, and Windows prints those as #hex), and a certificate or a
 * request without decoding its public key (cert_parse.h).
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
#define DER_BOOLEAN 0x01
#define DER_INTEGER 0x02
#define DER_BIT_STRING 0x03
#define DER_OCTET_STRING 0x04
#define DER_NULL 0x05
#define DER_OID 0x06
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

/* Dotted text of an OID's content ("2.5.4.3") into buf; -1 if malformed, too long or an arc is beyond 64 bits. */
int der_oid_text(const unsigned char *content, size_t len, char *buf, size_t size);

/* The same, arcs of any size included (2.25.<UUID>), as OpenSSL's OBJ_obj2txt writes them. */
int der_oid_text_any(const unsigned char *content, size_t len, char *buf, size_t size);

/* 0 when an OID's content is well formed (not empty, no arc padded with 0x80, the last arc ended), else -1. */
int der_oid_valid(const unsigned char *content, size_t len);

/* 0 when an INTEGER's content is DER (not empty, no redundant leading 00 or FF), else -1. */
int der_integer_valid(const struct der_tlv *tlv);

/*
 * A BIT STRING's bits: *bits and *len the content after the count of
 * unused bits, *unused that count. -1 when tlv is not a BIT STRING, is
 * empty or counts more than 7 unused bits.
 */
int der_bit_string(const struct der_tlv *tlv, const unsigned char **bits, size_t *len, unsigned *unused);

/*
 * 0 when an element that may be of any type (an AlgorithmIdentifier's
 * parameters, an otherName's value) is valid for its universal type:
 * NULL empty, BOOLEAN one byte, INTEGER and ENUMERATED DER, OID well
 * formed, BIT STRING as der_bit_string, BMPString an even and
 * UniversalString a multiple of 4 bytes, SEQUENCE and SET constructed,
 * no other type constructed, no end-of-contents (00 00). Other classes
 * are not looked into. Else -1.
 */
int der_any_valid(const struct der_tlv *tlv);

/* A DER INTEGER's value into *out; -1 if it is not minimal or does not fit 32 bits. */
int der_integer_long(const struct der_tlv *tlv, int32_t *out);

/*
 * A UTCTime (YYMMDDHHMMSSZ, years 50-99 are 19xx as RFC 5280 says) or
 * GeneralizedTime (YYYYMMDDHHMMSS[.fff]Z) into *out; -1 for any other
 * form (DER requires the Z and seconds).
 */
int der_time_utc(const struct der_tlv *tlv, xb_utc *out);

/*
 * A certificate's Time as certificates are read in practice (OpenSSL's
 * ASN1_TIME_to_tm, which the derivation used before it read certificates
 * itself): RFC 5280's forms, and also without seconds, with fractional
 * seconds (dropped) in a GeneralizedTime, or with a +hhmm/-hhmm offset
 * (applied; the result must fall in years 1900-9999). Each field in its
 * range, the day in its month. *out has no milliseconds; its year may be
 * below 100 (a DATE cannot hold it: the caller says so). -1 otherwise.
 */
int der_time_x509(const struct der_tlv *tlv, xb_utc *out);

#endif
