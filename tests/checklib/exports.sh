#!/bin/sh
# libexitbench-check exports exactly the functions exitbench/check.h
# declares: the engine it links (libxbemu's objects) stays hidden. Skips
# (77) where the library is not built (no Check, or not Linux) or nm is
# missing.
top_srcdir=${top_srcdir:-.}
top_builddir=${top_builddir:-.}
so=$top_builddir/lib/check/.libs/libexitbench-check.so
header=$top_srcdir/include/exitbench/check.h

if [ ! -f "$so" ]; then
	echo "exports.sh: $so not built (needs Check, Linux): skipped"
	exit 77
fi
if ! command -v nm >/dev/null 2>&1; then
	echo "exports.sh: nm not found: skipped"
	exit 77
fi

tmp=${TMPDIR:-/tmp}/xb-exports.$$
trap 'rm -f "$tmp".declared "$tmp".exported' EXIT
sed -n 's/^XB_EXPORT .*[ *]\(xb_check_[a-z0-9_]*\)(.*/\1/p' "$header" | sort -u >"$tmp".declared
nm -D --defined-only "$so" | awk 'NF == 3 && $2 != "A" { print $3 }' | sort -u >"$tmp".exported

if [ "$(wc -l <"$tmp".declared)" -lt 40 ]; then
	echo "exports.sh: found only $(wc -l <"$tmp".declared) declarations in $header: the pattern is stale"
	exit 1
fi
if ! diff -u "$tmp".declared "$tmp".exported; then
	echo "exports.sh: the exports of $so differ from what $header declares (- declared only, + exported only)"
	exit 1
fi
echo "exports.sh: $(wc -l <"$tmp".exported) symbols exported, all declared in exitbench/check.h"
