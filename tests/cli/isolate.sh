#!/bin/sh
# Crash and hang isolation as a user meets it (docs/harness.md): without
# --isolate a crashing module still names the call it was in, then the
# replay dies by the module's signal; with --isolate (or --timeout) the
# crash or hang is a failed result and the other module gets all its events.
# XB_TEST_VALGRIND=1 also runs the clean paths under valgrind (slow).
set -u
: "${top_srcdir:=.}" "${top_builddir:=.}"
bin=$top_builddir/emu/exitbench
hello=$top_builddir/modules/.libs/hello.so
raw=$top_builddir/tests/modules/.libs/libxbrawexit.so
trace=$top_srcdir/tests/traces/valid/basic.jsonl
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0
if [ ! -x "$bin" ]; then
	echo "SKIP: $bin was not built (the engine is built for Linux hosts only)"
	exit 77
fi
ulimit -c 0 2>/dev/null # the crashes below are on purpose: no core files

fail() {
	echo "FAIL: $*"
	failures=$((failures + 1))
}

# expect STATUS NAME COMMAND...: runs it, output in $tmp/out and $tmp/err
expect() {
	want=$1 name=$2
	shift 2
	"$@" >"$tmp/out" 2>"$tmp/err"
	got=$?
	[ "$got" = "$want" ] || fail "$name: exit $got, expected $want; stderr: $(head -c 400 "$tmp/err")"
}

contains() { # FILE TEXT NAME
	grep -qF -- "$2" "$1" || fail "$3: '$2' not in $(basename "$1"): $(head -c 600 "$1")"
}

lacks() { # FILE TEXT NAME
	grep -qF -- "$2" "$1" && fail "$3: '$2' in $(basename "$1")"
}

# Without isolation: the message names module, method, event and line, and the process dies by the signal.
expect 139 "crash" "$bin" replay -m "$raw" -m "$hello" --config "mask=0x2FF;crash=0x2" "$trace"
contains "$tmp/err" "exitbench: module 1 ($(cd "$(dirname "$raw")" && pwd -P)/libxbrawexit.so) crashed with signal 11 (Segmentation fault) in Notify while delivering certpending (event 2, trace line 4)" "crash"
contains "$tmp/err" "backtrace:" "crash"
contains "$tmp/err" "libxbrawexit.so(" "crash backtrace"
expect 134 "abort" "$bin" replay -m "$raw" --config "mask=0x2FF;abort=0x1" "$trace"
contains "$tmp/err" "crashed with signal 6 (Aborted) in Notify while delivering certissued (event 1, trace line 3)" "abort"
expect 139 "crash in Initialize" "$bin" replay -m "$raw" --config "mask=0x2FF;crash-init" "$trace"
contains "$tmp/err" "crashed with signal 11 (Segmentation fault) in Initialize" "crash in Initialize"
expect 139 "crash at the end" "$bin" replay -m "$raw" --config "mask=0x2FF;crash-unload" "$trace"
contains "$tmp/err" "crashed with signal 11 (Segmentation fault) in the final Release" "crash at the end"

# With isolation: a failed record naming the signal, hello gets every event, exit 1.
expect 1 "--isolate crash" "$bin" replay --isolate -v -m "$raw" -m "$hello" --config "mask=0x2FF;crash=0x2" \
	--json "$tmp/c.json" --junit "$tmp/c.xml" "$trace"
contains "$tmp/out" "FAIL      module 1 Notify certpending (event 2, line 4): HRESULT_FROM_WIN32(ERROR_PROCESS_ABORTED) (0x8007042B)" "--isolate crash"
contains "$tmp/out" "violation: the module crashed: signal 11 (Segmentation fault)" "--isolate crash"
contains "$tmp/out" "backtrace: " "--isolate crash"
for ev in "certissued (event 1, line 3)" "certpending (event 2, line 4)" "crlissued (event 3, line 5)" "shutdown (event 4, line 6)"; do
	contains "$tmp/out" "ok        module 2 Notify $ev" "--isolate crash: hello gets $ev"
done
contains "$tmp/out" "ok        module 2 Unload" "--isolate crash"
lacks "$tmp/out" "module 1 Notify crlissued" "--isolate crash: no event after the crash"
contains "$tmp/out" "not delivered: 2 notifications" "--isolate crash"
contains "$tmp/out" "result: FAIL" "--isolate crash"
lacks "$tmp/err" "exitbench: module 1" "--isolate crash: no crash message"
contains "$tmp/c.json" '"hr_name": "HRESULT_FROM_WIN32(ERROR_PROCESS_ABORTED)"' "--isolate crash JSON"
contains "$tmp/c.json" '"backtrace": [' "--isolate crash JSON"
contains "$tmp/c.json" '"not_delivered": 2' "--isolate crash JSON"
contains "$tmp/c.xml" 'message="Notify returned HRESULT_FROM_WIN32(ERROR_PROCESS_ABORTED) (0x8007042B)"' "--isolate crash JUnit"
if command -v xmllint >/dev/null 2>&1; then
	xmllint --noout --schema "$top_srcdir/tests/cli/junit.xsd" "$tmp/c.xml" 2>"$tmp/xsd" ||
		fail "JUnit report of a crash does not validate: $(cat "$tmp/xsd")"
fi

# A hang, bounded by --timeout (which implies --isolate), within a bounded time.
start=$(date +%s)
expect 1 "--timeout" "$bin" replay --timeout 500 -m "$raw" -m "$hello" --config "mask=0x2FF;hang=0x1" "$trace"
took=$(($(date +%s) - start))
[ "$took" -le 4 ] || fail "--timeout 500 took $took s"
contains "$tmp/out" "FAIL      module 1 Notify certissued (event 1, line 3): HRESULT_FROM_WIN32(ERROR_TIMEOUT) (0x800705B4)" "--timeout"
contains "$tmp/out" "violation: the module did not return from Notify within 500 ms" "--timeout"
contains "$tmp/out" "not delivered: 3 notifications" "--timeout"

# abort() and a crash in Initialize, isolated; a trace on standard input.
expect 1 "--isolate abort" "$bin" replay --isolate -m "$raw" -m "$hello" --config "mask=0x2FF;abort=0x20" - <"$trace"
contains "$tmp/out" "FAIL      module 1 Notify crlissued (event 3, line 5)" "--isolate abort"
contains "$tmp/out" "violation: the module crashed: signal 6 (Aborted)" "--isolate abort"
expect 1 "--isolate crash-init" "$bin" replay --isolate -m "$raw" -m "$hello" --config "mask=0x2FF;crash-init" "$trace"
contains "$tmp/out" "FAIL      module 1 Initialize: HRESULT_FROM_WIN32(ERROR_PROCESS_ABORTED)" "--isolate crash-init"
contains "$tmp/out" "notifications: 4," "--isolate crash-init: hello's four"

# A clean replay reports the same, isolated or not, and --jobs goes with --isolate.
expect 0 "plain" "$bin" replay -v -m "$raw" -m "$hello" --config "mask=0x2FF;read" "$trace"
sed 's/, [0-9.]* ms$//; /^time:/d' "$tmp/out" >"$tmp/plain"
expect 0 "--isolate --jobs 2" "$bin" replay --isolate --jobs 2 -v -m "$raw" -m "$hello" --config "mask=0x2FF;read" "$trace"
sed 's/, [0-9.]* ms$//; /^time:/d' "$tmp/out" >"$tmp/isolated"
cmp -s "$tmp/plain" "$tmp/isolated" || fail "--isolate reports differently: $(diff "$tmp/plain" "$tmp/isolated" | head -20)"

expect 2 "--timeout 0" "$bin" replay --timeout 0 -m "$raw" "$trace"
contains "$tmp/err" "--timeout 0: milliseconds" "--timeout 0"

if [ "${XB_TEST_VALGRIND:-0}" = 1 ] && command -v valgrind >/dev/null 2>&1; then
	vg="$top_builddir/libtool --mode=execute valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite"
	for opts in "" "--isolate" "--timeout 5000 --jobs 2"; do
		# shellcheck disable=SC2086
		$vg "$bin" replay $opts -m "$raw" -m "$hello" --config "mask=0x2FF;read" --json "$tmp/v.json" \
			--junit "$tmp/v.xml" "$trace" >"$tmp/out" 2>"$tmp/err" ||
			fail "valgrind replay $opts: $(grep -v '^Hello' "$tmp/err" | head -c 600)"
	done
fi

if [ $failures -gt 0 ]; then
	echo "$failures failure(s)"
	exit 1
fi
echo "exitbench isolation: all checks passed"
