/*
 * PublicKeyLength: a public key's size in bits, as OpenSSL's
 * EVP_PKEY_get_bits gives it for the key a certificate holds.
 */
#ifndef XB_EMU_KEY_BITS_H
#define XB_EMU_KEY_BITS_H

#include "cert_parse.h"

/*
 * The key's size in bits, or -1 when OpenSSL cannot decode the key (a CA
 * certificate's PublicKeyLength is then absent). Read from the key itself
 * where its form is simple and checked the way OpenSSL checks it: RSA (the
 * modulus), EC on the named prime curves (the group order; the point must
 * be on the curve), Ed25519, Ed448, X25519 and X448. Any other key, or one
 * of these in an unusual form, is decoded by OpenSSL from the
 * SubjectPublicKeyInfo alone (d2i_PUBKEY), so the result is always the one
 * OpenSSL gives.
 */
long xb_public_key_bits(const struct xb_spki *spki);

#endif
