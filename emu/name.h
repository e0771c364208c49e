/*
 * X.501 Names as AD CS shows them: the DistinguishedName text Windows'
 * CertNameToStr builds (X.500 keys, ", " between RDNs, " + " inside one,
 * quoting, #hex for values that are not strings), and the values of one
 * attribute type for the name properties (CommonName, OrgUnit...).
 */
#ifndef XB_EMU_NAME_H
#define XB_EMU_NAME_H

#include <stddef.h>

#include "der.h"
#include "exitbench.h"

struct xb_name_attr {
	char oid[256];      /* dotted (XB_OID_TEXT_SIZE) */
	size_t rdn;         /* index of its RDN in encoded order */
	char *text;         /* UTF-8: the decoded string, or "#HEX" of a value that is not one */
	int is_string;      /* 0 for #hex values, which are never quoted */
};

struct xb_name {
	struct xb_name_attr *attrs; /* in encoded order */
	size_t n;
	size_t rdns;
};

/*
 * Parses a DER Name into out (free with xb_name_free). Returns S_OK,
 * E_OUTOFMEMORY, or HRESULT_FROM_WIN32(ERROR_INVALID_DATA) with err
 * (optional) saying what is wrong and at which byte offset.
 */
HRESULT xb_name_parse(const unsigned char *der, size_t len, struct xb_name *out, xb_error *err);
void xb_name_free(struct xb_name *name);

/*
 * The Windows text of the name, as new UTF-8 (free() it): RDNs most
 * specific first when reverse is set (how AD CS stores DistinguishedName),
 * in encoded order otherwise. "" for an empty name; NULL when out of memory.
 */
char *xb_name_format(const struct xb_name *name, int reverse);

/*
 * The values of every attribute of type oid, in encoded order, joined with
 * "\n" (the name properties' rule), as new UTF-8; NULL when there is none
 * (the property is empty) or out of memory (*oom set).
 */
char *xb_name_values(const struct xb_name *name, const char *oid, int *oom);

/*
 * The text of a DER string (UTF8String, PrintableString, IA5String,
 * BMPString, UniversalString...) as new UTF-8 in *out. 0, -1 when the
 * element is not a string or its encoding is invalid, -2 when out of memory.
 */
int xb_der_string_text(const struct der_tlv *v, char **out);

/* The X.500 key Windows prints for an OID ("CN", "S", "E"...), or NULL for OID.<dotted>. */
const char *xb_name_key(const char *oid);

#endif
