/*
 * The CA's context-0 properties that follow from others (reference §3.5):
 * what a trace would otherwise have to spell out for every CA certificate
 * index, derived from the RawCACertificate.# values and the CA name.
 */
#ifndef XB_EMU_CA_PROPS_H
#define XB_EMU_CA_PROPS_H

#include "props.h"

/* The highest .# index looked at: a CA renewed more often than this is not plausible. */
#define XB_CA_MAX_INDEX 64

/*
 * Checks that every RawCACertificate.# is a certificate and every RawCRL.#
 * and RawDeltaCRL.# a CRL, then puts, where absent (values given win):
 * SanitizedCAName (config sanitized as AD CS does), CertCount (highest
 * RawCACertificate index + 1) and for each CA certificate index i:
 * CertSuffix.i ("" or "(i)"), CertState.i (CA_DISP_VALID), CRLIndex.i (the
 * key index of its CA version extension, else i), CRLState.i
 * (CA_DISP_VALID when i is its own CRL index, else CA_DISP_ERROR: "handled
 * by another CA certificate"), and CRLSuffix.k for each CRL index k.
 * Returns S_OK, E_OUTOFMEMORY or HRESULT_FROM_WIN32(ERROR_INVALID_DATA)
 * with err naming the property.
 */
HRESULT xb_ca_props_derive(struct xb_props *ca, const char *config, xb_error *err);

/*
 * Only the check of xb_ca_props_derive: every RawCACertificate.# is one
 * DER certificate and every RawCRL.#/RawDeltaCRL.# one DER CRL.
 */
HRESULT xb_ca_props_check(const struct xb_props *ca, xb_error *err);

/* Whether a set of CA updates touches the CA certificates (and so what xb_ca_props_derive derives). */
int xb_ca_props_change_certificates(const struct xb_props *changes);

/* A CA name as AD CS sanitizes it ("#CA" -> "!0023CA"). New string, NULL when out of memory. */
char *xb_sanitize_ca_name(const char *name);

#endif
