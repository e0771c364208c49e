#!/bin/sh
# Compares every constant exitbench's headers define with the value the
# mingw-w64 SDK headers give it: integers through _Static_assert in a probe
# compiled by the mingw compiler (so both sides are evaluated by the same
# compiler), strings by their preprocessed literal text. Constants mingw-w64
# lacks (newer SDKs) are counted and listed, not failed.
#
# Needs: $CC (the build compiler) and x86_64-w64-mingw32-gcc; exits 77 without the latter.
set -eu

: "${top_srcdir:=.}"
: "${top_builddir:=.}"
: "${CC:=cc}"
mingw=${MINGW_CC:-}
[ -n "$mingw" ] || mingw=x86_64-w64-mingw32-gcc
if ! command -v "$mingw" >/dev/null 2>&1; then
	echo "SKIP: $mingw is not installed (Debian package gcc-mingw-w64-x86-64), nothing to compare against"
	exit 77
fi

tmp=$(mktemp -d)
[ -n "${XB_KEEP_TMP:-}" ] || trap 'rm -rf "$tmp"' EXIT INT TERM
inc="-I$top_srcdir/include -I$top_builddir/include"

# The constant families of reference §2 and §3, and the COM/registry ones.
families='^(EXITEVENT|PROPTYPE|PROPCALLER|PROPFLAGS|ENUMEXT|EXTENSION|DB_DISP|CR_DISP|CA_DISP|CRL_REASON|CR_IN|CR_FLG|EXITPUB|CMM|VR|CERTSRV_E|S_OK|S_FALSE|E_[A-Z]|CLASS_E|DISP_E|REGDB_E|CO_E|SELFREG_E|STG_E|TYPE_E|RPC_E|RPC_S|ERROR|REG|KEY|RRF|CLSCTX|REGCLS|COINIT|DISPATCH|DISPID|VARIANT|LOCALE|FACILITY|SEVERITY)_|^(S_OK|S_FALSE|wsz[A-Za-z0-9_]+|szPROPASNTAG)$'

# 1. Our object-like macros of those families.
$CC -E -dM $inc "$top_srcdir/include/exitbench.h" |
	awk '$1 == "#define" && $2 !~ /\(/ { print $2 }' | grep -E "$families" | sort -u >"$tmp/names"

# 2. What each expands to with our headers (Linux side).
{
	echo '#include "exitbench.h"'
	sed 's/.*/XBVAL_& &/' "$tmp/names"
} >"$tmp/ours.c"
$CC -E -P $inc "$tmp/ours.c" | grep '^XBVAL_' | sed 's/^XBVAL_//' >"$tmp/ours"

# 3. The probe for mingw: integers asserted, strings printed.
{
	cat <<'HDR'
#define UNICODE
#define _UNICODE
#include <windows.h>
#include <ole2.h>
#include <oleauto.h>
#include <olectl.h>
#include <winreg.h>
#include <wincrypt.h>
#include <certsrv.h>
#include <certcli.h>
#include <certadm.h>
#include <certexit.h>
#include <certif.h>
HDR
	while read -r name value; do
		case $value in
		*\"*)
			printf '#ifdef %s\nstatic const void *XBSTR_%s = %s;\n#else\nextern int XBMISSING_%s;\n#endif\n' "$name" "$name" "$name" "$name" ;;
		*)
			case $name in
			CLSCTX_* | COINIT_* | REGCLS_*) # enumerators in the SDK, not macros
				printf 'extern int XBINT_%s;\n_Static_assert((long long)(%s) == (long long)(%s), "%s");\n' \
					"$name" "$name" "$value" "$name"
				continue ;;
			esac
			printf '#ifdef %s\nextern int XBINT_%s;\n_Static_assert((long long)(%s) == (long long)(%s), "%s");\n#else\nextern int XBMISSING_%s;\n#endif\n' \
				"$name" "$name" "$name" "$value" "$name" "$name" ;;
		esac
	done <"$tmp/ours"
	# Enumerations are not macros: compare the enumerators by name.
	sed -n 's/^[[:space:]]*\(VT_[A-Z0-9_]*\|ENUM_[A-Z_]*CA\) = \([0-9a-fx]*\),\{0,1\}$/\1 \2/p' \
		"$top_srcdir/include/exitbench/wintypes.h" "$top_srcdir/include/exitbench/certsrv.h" |
		while read -r name value; do
			printf 'extern int XBINT_%s;\n_Static_assert(%s == %s, "%s");\n' "$name" "$name" "$value" "$name"
		done
} >"$tmp/probe.c"

status=0
if ! "$mingw" -std=gnu11 -fsyntax-only -w "$tmp/probe.c" 2>"$tmp/errors"; then
	if grep -q 'static assertion failed' "$tmp/errors"; then
		echo "FAIL: values differ from mingw-w64's:"
		sed -n 's/.*static assertion failed: "\([^"]*\)".*/  \1/p' "$tmp/errors" | sort -u | while read -r n; do
			printf '  %s: ours %s\n' "$n" "$(awk -v n="$n" '$1 == n { $1 = ""; print }' "$tmp/ours")"
		done
	else
		echo "FAIL: the probe does not compile with $mingw:"
		head -20 "$tmp/errors"
	fi
	status=1
fi

# Strings: join adjacent literals, drop the L/u prefixes, compare the text.
norm() { sed 's/[uL]"/"/g; s/"[[:space:]]*"//g; s/^[[:space:]]*//; s/[[:space:]]*$//'; }
"$mingw" -std=gnu11 -E -P -w "$tmp/probe.c" >"$tmp/theirs.i"
sed -n 's/^static const void \*XBSTR_\([A-Za-z0-9_]*\) = \(.*\);$/\1 \2/p' "$tmp/theirs.i" | while read -r name value; do
	theirs=$(printf '%s\n' "$value" | norm)
	ours=$(awk -v n="$name" '$1 == n { $1 = ""; print }' "$tmp/ours" | norm)
	[ "$theirs" = "$ours" ] || printf '%s: mingw %s, ours %s\n' "$name" "$theirs" "$ours"
done >"$tmp/string-mismatches"
# mingw's certmod.h has the wszCMM_PROP_* names as arrays, not macros.
certmod=$(echo '#include <certmod.h>' | "$mingw" -E -x c - 2>/dev/null | grep -o 'wszCMM_PROP_[A-Z_]*\[\] = L"[^"]*"' || true)
printf '%s\n' "$certmod" | sed -n 's/^\(wszCMM_PROP_[A-Z_]*\)\[\] = L\(".*"\)$/\1 \2/p' | while read -r name value; do
	ours=$(awk -v n="$name" '$1 == n { $1 = ""; print }' "$tmp/ours" | norm)
	[ "$value" = "$ours" ] || printf '%s: mingw %s, ours %s\n' "$name" "$value" "$ours"
done >>"$tmp/string-mismatches"
if [ -s "$tmp/string-mismatches" ]; then
	echo "FAIL: strings differ from mingw-w64's:"
	sed 's/^/  /' "$tmp/string-mismatches"
	status=1
fi

ints=$(grep -c '^extern int XBINT_' "$tmp/theirs.i" || true)
strings=$(grep -c '^static const void \*XBSTR_' "$tmp/theirs.i" || true)
cmm=$(printf '%s\n' "$certmod" | grep -c wszCMM_PROP_ || true)
missing=$(sed -n 's/^extern int XBMISSING_\([A-Za-z0-9_]*\);$/\1/p' "$tmp/theirs.i" | grep -v '^wszCMM_PROP_' || true)
nmissing=$(printf '%s' "$missing" | grep -c . || true)
echo "compared with mingw-w64: $ints integer constants, $((strings + cmm)) strings"
echo "defined by exitbench only (absent from mingw-w64's SDK snapshot): $nmissing"
printf '%s\n' "$missing" | paste -sd' ' - | fold -s -w 100 | sed 's/^/  /'
[ "$ints" -gt 300 ] || { echo "FAIL: only $ints integer constants compared; the name filter is broken"; status=1; }
exit $status
