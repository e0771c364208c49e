#!/bin/sh
# Prints one closing line for the whole suite of a build directory:
# "exitbench: N passed, N failed, N skipped", counting each Check test and
# each script test once. Usage: tests/summary.sh BUILDDIR
set -eu
build=${1:-.}
passed=0 failed=0 skipped=0
for trs in $(find "$build/tests" -name '*.trs' | sort); do
	log=${trs%.trs}.log
	checks=$(sed -n 's/^[0-9]*%: Checks: \([0-9]*\), Failures: \([0-9]*\), Errors: \([0-9]*\)$/\1 \2 \3/p' "$log" | tail -n 1)
	if [ -n "$checks" ]; then
		set -- $checks
		passed=$((passed + $1 - $2 - $3))
		failed=$((failed + $2 + $3))
		continue
	fi
	case $(sed -n 's/^:test-result: //p' "$trs" | head -n 1) in
	PASS | XFAIL) passed=$((passed + 1)) ;;
	SKIP) skipped=$((skipped + 1)) ;;
	*) failed=$((failed + 1)) ;;
	esac
done
echo "exitbench: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
