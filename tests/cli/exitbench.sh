#!/bin/sh
# The exitbench command as a user runs it: exit codes, messages, reports,
# and inspect --json against openssl's own reading of the same certificate.
set -u
: "${top_srcdir:=.}" "${top_builddir:=.}"
bin=$top_builddir/emu/exitbench
hello=$top_builddir/modules/.libs/hello.so
raw=$top_builddir/tests/modules/.libs/libxbrawexit.so
traces=$top_srcdir/tests/traces
fixtures=$top_srcdir/tests/fixtures
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0
if [ ! -x "$bin" ]; then
	echo "SKIP: $bin was not built (the engine is built for Linux hosts only)"
	exit 77
fi

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
	grep -qF -- "$2" "$1" || fail "$3: '$2' not in $(basename "$1"): $(head -c 400 "$1")"
}

expect 0 "--version" "$bin" --version
contains "$tmp/out" "exitbench " "--version"
expect 0 "--help" "$bin" --help
contains "$tmp/out" "replay" "--help lists replay"
expect 2 "no verb" "$bin"
contains "$tmp/err" "Try 'exitbench --help'" "no verb"
expect 2 "unknown verb" "$bin" frobnicate
contains "$tmp/err" "unknown verb 'frobnicate'" "unknown verb"
expect 2 "bad option" "$bin" replay --bogus
contains "$tmp/err" "Try 'exitbench replay --help'" "bad option"
expect 2 "no module" "$bin" replay "$traces/valid/basic.jsonl"
contains "$tmp/err" "no module" "no module"
expect 2 "--set before --module" "$bin" replay --set A=b
contains "$tmp/err" "put it after --module" "--set before --module"

# The demo and a replay of a bundled trace: exit 0 and a PASS summary.
expect 0 "demo" "$bin" demo
contains "$tmp/out" "result: PASS" "demo"
contains "$tmp/out" "events: 7" "demo"
expect 0 "replay" "$bin" replay --module "$hello" --json "$tmp/r.json" --junit "$tmp/r.xml" \
	"$top_srcdir/emu/demo/demo.jsonl"
contains "$tmp/r.json" '"passed": true' "JSON report"
contains "$tmp/r.xml" 'tests="9" failures="0"' "JUnit report"
if command -v xmllint >/dev/null 2>&1; then
	xmllint --noout --schema "$top_srcdir/tests/cli/junit.xsd" "$tmp/r.xml" 2>"$tmp/xsd" ||
		fail "JUnit report does not validate: $(cat "$tmp/xsd")"
fi
expect 0 "replay --tap" "$bin" replay --module "$hello" --tap "$top_srcdir/emu/demo/demo.jsonl"
contains "$tmp/out" "TAP version 13" "TAP"
contains "$tmp/out" "1..9" "TAP plan"
grep -q "^not ok" "$tmp/out" && fail "TAP has a failure"

# A module that fails Notify: exit 1, the failure named.
expect 1 "failing module" "$bin" replay --module "$raw" --config "mask=0x1;notify-hr=0x80004005" \
	--junit "$tmp/f.xml" "$traces/valid/basic.jsonl"
contains "$tmp/out" "FAIL      module 1 Notify certissued (event 1, line 3): E_FAIL" "failing module"
contains "$tmp/out" "result: FAIL" "failing module"
contains "$tmp/f.xml" 'failures="1"' "failing module JUnit"
contains "$tmp/f.xml" 'message="Notify returned E_FAIL' "failing module JUnit"

# A malformed trace: exit 2 with FILE:LINE:COLUMN; --keep-going reports and skips it.
bad=$traces/invalid/value-float.jsonl
expect 2 "malformed trace" "$bin" replay --module "$raw" --config "mask=0x2FF" "$bad"
contains "$tmp/err" "value-float.jsonl:$(cut -d: -f1,2 "${bad%.jsonl}.expected"):" "malformed trace"
expect 2 "--keep-going" "$bin" replay --module "$raw" --config "mask=0x2FF" --keep-going "$bad"
contains "$tmp/out" "SKIPPED" "--keep-going"
contains "$tmp/out" "skipped malformed events: 1" "--keep-going"
expect 2 "missing trace" "$bin" replay --module "$raw" "$tmp/none.jsonl"
contains "$tmp/err" "none.jsonl" "missing trace"
expect 2 "missing module" "$bin" replay --module "$tmp/none.so" "$traces/valid/basic.jsonl"
contains "$tmp/err" "none.so" "missing module"

# A trace on standard input.
"$bin" replay --module "$hello" - <"$top_srcdir/emu/demo/demo.jsonl" >"$tmp/out" 2>&1 ||
	fail "replay from standard input"

# --jobs: events that publish CRLs are barriers, so concurrent delivery
# publishes exactly what one-at-a-time delivery does (filepublish's files).
filepublish=$top_builddir/modules/.libs/filepublish.so
if [ -f "$filepublish" ]; then
	mkdir -p "$tmp/fp1"
	expect 0 "filepublish -j 1" "$bin" replay -j 1 -m "$filepublish" --set "Directory=$tmp/fp1" \
		"$traces/valid/filepublish-crls.jsonl"
	for round in 1 2 3; do
		rm -rf "$tmp/fp4" && mkdir -p "$tmp/fp4"
		expect 0 "filepublish -j 4" "$bin" replay -j 4 -m "$filepublish" --set "Directory=$tmp/fp4" \
			"$traces/valid/filepublish-crls.jsonl"
		diff -r "$tmp/fp1" "$tmp/fp4" >"$tmp/diff" || fail "filepublish -j 4 (round $round) published other files: $(head -c 400 "$tmp/diff")"
	done
fi

# The sample modules under injected faults (isolated, so a crash is a
# record): they may fail calls, which is how a module handles a fault, but
# never leak, misuse the server or crash.
for name in hello filepublish recorder; do
	module=$top_builddir/modules/.libs/$name.so
	[ -f "$module" ] || continue
	for seed in 1 2 3; do
		rm -rf "$tmp/inj" && mkdir -p "$tmp/inj"
		"$bin" replay --isolate --module "$module" --set "Directory=$tmp/inj" --set "Output=$tmp/inj/rec.jsonl" \
			--inject "error=E_OUTOFMEMORY,random=0.2,seed=$seed;error=CERTSRV_E_PROPERTY_EMPTY,random=0.2,seed=$seed" \
			"$top_srcdir/emu/demo/demo.jsonl" >"$tmp/out" 2>"$tmp/err"
		status=$?
		[ $status -le 1 ] || fail "$name under injected faults (seed $seed): exit $status: $(tail -c 300 "$tmp/err")"
		contains "$tmp/out" "violations: 0," "$name under injected faults (seed $seed)"
		grep -q "crashed\|did not return" "$tmp/out" && fail "$name under injected faults (seed $seed) crashed or hung"
	done
done

# inspect --json agrees with openssl on serial, hash, validity and subject.
expect 0 "inspect --json" "$bin" inspect --json "$fixtures/leaf.pem"
serial=$(openssl x509 -in "$fixtures/leaf.pem" -noout -serial | sed 's/^serial=//' | tr 'A-F' 'a-f')
contains "$tmp/out" "\"SerialNumber\": \"$serial\"" "inspect serial"
hash=$(openssl x509 -in "$fixtures/leaf.pem" -noout -fingerprint -sha1 | sed 's/^.*=//; s/:/ /g' | tr 'A-F' 'a-f')
contains "$tmp/out" "\"CertificateHash\": \"$hash\"" "inspect hash"
for field in startdate:NotBefore enddate:NotAfter; do
	text=$(openssl x509 -in "$fixtures/leaf.pem" -noout -"${field%%:*}" | sed 's/^[^=]*=//')
	when=$(date -u -d "$text" +%Y-%m-%dT%H:%M:%SZ)
	grep -A1 "\"${field#*:}\"" "$tmp/out" | grep -qF "\"date\": \"$when\"" ||
		fail "inspect ${field#*:}: $when not found"
done
subject=$(openssl x509 -in "$fixtures/leaf.pem" -noout -subject -nameopt RFC2253 | sed 's/^subject=//')
# RFC 2253 is the reverse order with "," and emailAddress; AD CS writes E= and ", ".
expected=$(printf '%s' "$subject" | sed 's/emailAddress=/E=/; s/,/, /g')
contains "$tmp/out" "\"DistinguishedName\": \"$expected\"" "inspect subject"
expect 2 "inspect garbage" "$bin" inspect /etc/hostname
contains "$tmp/err" "neither a certificate, a request nor a CRL" "inspect garbage"

if [ $failures -gt 0 ]; then
	echo "$failures failure(s)"
	exit 1
fi
echo "exitbench CLI: all checks passed"
