#!/bin/sh
# The engine's own certificate and PKCS#7 readers (emu/cert_parse.c,
# emu/pkcs7_parse.c) against the OpenSSL-based derivation they replaced
# (tests/differential/oracle.c): tests/differential/derive_diff over the
# project's fixtures, then over every certificate and request of Debian's
# python3-cryptography-vectors (its x509 and pkcs7 folders), each file
# also cut short, changed in XB_DIFFERENTIAL_MUTATIONS seeded ways (default
# 20) and wrapped in a signedData. Every input must derive alike or be
# refused by both, but for the differences derive_diff.c explains.
#
# Exits 1 at a difference; 77, saying why, when the vectors are not
# installed (after the fixtures passed) or derive_diff is not built.
set -u
: "${top_srcdir:=.}" "${top_builddir:=.}"
diff=$top_builddir/tests/differential/derive_diff
mutations=${XB_DIFFERENTIAL_MUTATIONS:-20}

if [ ! -x "$diff" ]; then
	echo "SKIP: $diff was not built (the engine is built for Linux hosts only)"
	exit 77
fi
"$diff" -m "$mutations" "$top_srcdir"/tests/fixtures/*.der "$top_srcdir"/tests/fixtures/*.pem || exit 1

. "$top_srcdir/tests/robustness/find_vectors.sh"
echo "vectors: $vectors"
# What is neither a certificate nor a request stays out: PKITS' pairs,
# PKCS#12 and S/MIME files and OCSP messages (private keys go through: both refuse them).
list=$(mktemp)
trap 'rm -f "$list"' EXIT
find "$vectors" "$vectors/../pkcs7" -type f ! -path '*/PKITS_data/certpairs/*' ! -path '*/PKITS_data/pkcs12/*' \
	! -path '*/PKITS_data/smime/*' ! -path '*/ocsp/*' 2>/dev/null | LC_ALL=C sort >"$list"
[ -s "$list" ] || {
	echo "FAIL: no file found under $vectors"
	exit 1
}
# One process for all of them; the file names hold no newline.
tr '\n' '\0' <"$list" | xargs -0 "$diff" -m "$mutations" || exit 1
echo "PASS"
