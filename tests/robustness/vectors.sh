#!/bin/sh
# Robustness: every certificate, request and CRL of Debian's
# python3-cryptography-vectors (its x509/ folder: PEM and DER, good and
# deliberately broken) through the engine's derivations.
#
# 1. `exitbench inspect FILE` on each file: exit 0 (derived, as the kind
#    its folder says) or 2 (refused, with one line on stderr that begins
#    with the file's name and says what is wrong); never a signal or a hang.
# 2. tests/robustness/derive_all over all of them in one process (each file
#    and two truncations through the certificate, request and CRL
#    derivations, their contracts checked), and `exitbench inspect` over all
#    of them in one process, both under Valgrind when it is installed: no
#    invalid access, no definite or indirect leak.
#
# Exits 77, saying why, when the package is not installed (CI installs it)
# or the engine is not built. XB_CRYPTOGRAPHY_VECTORS=DIR names another
# x509 folder; XB_ROBUSTNESS_VALGRIND=no skips Valgrind.
set -u
: "${top_srcdir:=.}" "${top_builddir:=.}"
bin=$top_builddir/emu/exitbench
derive_all=$top_builddir/tests/robustness/derive_all
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0

nl='
'

fail() {
	echo "FAIL: $*"
	failures=$((failures + 1))
}

count() { # VARIABLE: adds one
	eval "$1=\$(($1 + 1))"
}

if [ ! -x "$bin" ] || [ ! -x "$derive_all" ]; then
	echo "SKIP: $bin or $derive_all was not built (the engine is built for Linux hosts only)"
	exit 77
fi
. "$top_srcdir/tests/robustness/find_vectors.sh"
# The program behind libtool's wrapper script, whose start-up would take
# most of the time of 700 runs, and the library path the wrapper sets.
real_bin=$bin real_path=${LD_LIBRARY_PATH-}
if [ -x "$top_builddir/libtool" ] && resolved=$("$top_builddir/libtool" --mode=execute \
	sh -c 'printf "%s\n%s\n" "$0" "${LD_LIBRARY_PATH-}"' "$bin") && [ -n "$resolved" ]; then
	real_bin=$(printf '%s\n' "$resolved" | sed -n 1p)
	real_path=$(printf '%s\n' "$resolved" | sed -n 2p)
fi
inspect() { # FILE: exitbench inspect; a hang is a failure too, where coreutils' timeout exists
	if command -v timeout >/dev/null 2>&1; then
		timeout 60 env LD_LIBRARY_PATH="$real_path" "$real_bin" inspect "$1"
	else
		env LD_LIBRARY_PATH="$real_path" "$real_bin" inspect "$1"
	fi
}

# What each file is, from where the package keeps it. OCSP messages, PKITS
# cross-certificate pairs, S/MIME messages and PKCS#12 files are none of
# the three; private keys kept beside the certificates are skipped too.
find "$vectors" -type f | LC_ALL=C sort >"$tmp/found"
: >"$tmp/walk"
others=0 keys=0
while IFS= read -r f; do
	case $f in
	*/requests/*) kind=request ;;
	*/PKITS_data/crls/* | */crl_* | *_crl.pem | *_crl.der) kind=CRL ;;
	*/PKITS_data/certs/*) kind=certificate ;;
	*/PKITS_data/* | */ocsp/*) kind= ;;
	*) kind=certificate ;;
	esac
	if [ -z "$kind" ]; then
		others=$((others + 1))
	elif grep -q -- '-----BEGIN ' "$f" && ! grep -- '-----BEGIN ' "$f" | grep -qv 'KEY-----'; then
		keys=$((keys + 1))
	else
		printf '%s\t%s\n' "$kind" "$f" >>"$tmp/walk"
	fi
done <"$tmp/found"

# 1. One process per file: status, kind and message.
files=0 derived=0 refused=0
certificate_files=0 certificate_derived=0 certificate_refused=0
request_files=0 request_derived=0 request_refused=0
CRL_files=0 CRL_derived=0 CRL_refused=0
: >"$tmp/refusals"
while IFS="$(printf '\t')" read -r kind f; do
	count files
	count "${kind}_files"
	inspect "$f" >"$tmp/out" 2>"$tmp/err"
	status=$?
	case $status in
	0)
		got=$(head -n 1 "$tmp/out")
		if [ "$got" != "$f: $kind" ]; then
			fail "$f: derived as \"${got#"$f: "}\", expected $kind"
			continue
		fi
		count derived
		count "${kind}_derived"
		;;
	2)
		count refused
		count "${kind}_refused"
		message=$(cat "$tmp/err")
		lines=$(wc -l <"$tmp/err")
		case $message in
		"$f: "?*) ;;
		*)
			fail "$f: refused without a message beginning with its name: '$message'"
			continue
			;;
		esac
		[ "$lines" -eq 1 ] || fail "$f: refused with $lines lines on stderr, not one: '$message'"
		printf '  %s\n' "$message" >>"$tmp/refusals"
		;;
	124) fail "$f: inspect did not finish in 60 s" ;;
	*)
		if [ "$status" -gt 128 ]; then
			fail "$f: inspect killed by signal $((status - 128)); stderr: $(head -c 400 "$tmp/err")"
		else
			fail "$f: inspect exited $status (0 or 2 expected); stderr: $(head -c 400 "$tmp/err")"
		fi
		;;
	esac
done <"$tmp/walk"

echo "vectors: $vectors"
echo "walked $files files: $derived derived, $refused refused; not walked: $others (OCSP, PKITS pairs, S/MIME, PKCS#12, LDIF), $keys private keys"
echo "  certificates: $certificate_files files, $certificate_derived derived, $certificate_refused refused"
echo "  requests:     $request_files files, $request_derived derived, $request_refused refused"
echo "  CRLs:         $CRL_files files, $CRL_derived derived, $CRL_refused refused"
if [ -s "$tmp/refusals" ]; then
	echo "refused (each should be a file that is not what it claims, or is broken):"
	cat "$tmp/refusals"
fi
# Most of the package is well-formed: a kind with nothing derived is a regression.
[ "$certificate_derived" -gt 0 ] || fail "no certificate was derived"
[ "$request_derived" -gt 0 ] || fail "no request was derived"
[ "$CRL_derived" -gt 0 ] || fail "no CRL was derived"

# 2. All files in one process each, under Valgrind where there is one.
cut -f 2 "$tmp/walk" >"$tmp/list"
set --
while IFS= read -r f; do
	set -- "$@" "$f"
done <"$tmp/list"
if [ "${XB_ROBUSTNESS_VALGRIND:-yes}" != no ] && command -v valgrind >/dev/null 2>&1; then
	memcheck="$top_builddir/libtool --mode=execute valgrind -q --error-exitcode=99 --leak-check=full
		--errors-for-leak-kinds=definite,indirect --show-leak-kinds=definite,indirect"
	echo "leak check: Valgrind's memcheck over derive_all and inspect, $# files each"
else
	memcheck=
	echo "leak check: skipped (valgrind is not installed, or XB_ROBUSTNESS_VALGRIND=no); derive_all runs plain"
fi
$memcheck "$derive_all" "$@" >"$tmp/out" 2>"$tmp/err"
status=$?
tail -n 1 "$tmp/out"
case $status in
0) ;;
1) fail "derive_all: contract violations:$nl$(sed '$d' "$tmp/out")" ;;
99) fail "derive_all: memcheck errors:$nl$(head -c 4000 "$tmp/err")" ;;
*) fail "derive_all exited $status: $(head -c 4000 "$tmp/err")" ;;
esac
if [ -n "$memcheck" ]; then
	$memcheck "$bin" inspect "$@" >/dev/null 2>"$tmp/err"
	status=$?
	case $status in
	0 | 2) ;;
	99) fail "inspect: memcheck errors:$nl$(grep '^==' "$tmp/err" | head -c 4000)" ;;
	*) fail "inspect over all files exited $status: $(grep '^==' "$tmp/err" | head -c 4000)" ;;
	esac
fi

[ "$failures" -eq 0 ] || {
	echo "$failures failure(s)"
	exit 1
}
echo "PASS"
