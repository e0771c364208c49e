# Sourced by the tests that read python3-cryptography-vectors: sets vectors
# to its x509 folder (XB_CRYPTOGRAPHY_VECTORS=DIR names another), or exits
# 77 saying why there is none.
vectors=${XB_CRYPTOGRAPHY_VECTORS:-}
if [ -n "$vectors" ] && [ ! -d "$vectors" ]; then
	echo "SKIP: XB_CRYPTOGRAPHY_VECTORS=$vectors is not a directory"
	exit 77
fi
if [ -z "$vectors" ] && command -v dpkg >/dev/null 2>&1; then
	vectors=$(dpkg -L python3-cryptography-vectors 2>/dev/null | grep '/cryptography_vectors/x509$' | head -n 1)
fi
if [ -z "$vectors" ] || [ ! -d "$vectors" ]; then
	echo "SKIP: python3-cryptography-vectors is not installed (apt-get install python3-cryptography-vectors)"
	exit 77
fi
