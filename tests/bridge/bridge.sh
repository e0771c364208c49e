#!/bin/sh
# The Wine bridge end to end (docs/bridge-protocol.md): exitbench replays the
# same traces against the same module built as a Linux .so and as a Windows
# DLL (run by exitbench-host.exe under Wine), and the JSON reports must say
# the same (every record: method, event, hr, server calls, violations,
# warnings; every module fact), apart from times and paths; the files the
# sample modules write must be the same bytes. Then what only a
# DLL can do: crash (reported, the replay goes on), hang (stopped after
# EXITBENCH_HOST_TIMEOUT), and the errors when Wine or the host is missing.
# Exits 77 without mingw-w64's DLLs and host, Wine, or python3, saying which.
set -eu

: "${top_srcdir:=.}"
: "${top_builddir:=.}"
build=$(cd "$top_builddir" && pwd)
src=$(cd "$top_srcdir" && pwd)
exitbench=$build/emu/exitbench
host=$build/emu/exitbench-host.exe
module_dll=$build/tests/bridge/bridge_module.dll
module_so=$build/tests/bridge/.libs/libxbbridgemod.so
hello_dll=$build/tests/bridge/hello.dll
hello_so=$build/modules/.libs/hello.so

for f in "$host" "$module_dll" "$hello_dll" "$build/tests/bridge/filepublish.dll" "$build/tests/bridge/recorder.dll"; do
	if [ ! -f "$f" ]; then
		echo "SKIP: $f is not built (configure found no x86_64-w64-mingw32-gcc)"
		exit 77
	fi
done
if ! command -v wine >/dev/null 2>&1 && ! command -v wine64 >/dev/null 2>&1; then
	echo "SKIP: Wine is not installed (Debian package wine)"
	exit 77
fi
if ! command -v python3 >/dev/null 2>&1; then
	echo "SKIP: python3 is not installed (it compares the JSON reports)"
	exit 77
fi

# A Wine prefix of the build's own, made once (seconds), and its wineserver stopped at the end.
export WINEPREFIX="$build/tests/bridge/wineprefix" WINEDEBUG=-all EXITBENCH_HOST="$host"
unset EXITBENCH_WINE EXITBENCH_HOST_TIMEOUT
tmp=$(mktemp -d)
trap 'wineserver -k >/dev/null 2>&1 || true; rm -rf "$tmp"' EXIT INT TERM
if [ ! -d "$WINEPREFIX" ]; then
	mkdir -p "$WINEPREFIX"
	timeout 300 wineboot --init >/dev/null 2>&1 || true
fi

failures=0
fail() {
	echo "FAIL: $*"
	failures=$((failures + 1))
}

# The host depends on nothing but Windows system DLLs: a CA server needs no runtime installed.
if command -v x86_64-w64-mingw32-objdump >/dev/null 2>&1; then
	for dll in $(x86_64-w64-mingw32-objdump -p "$host" | sed -n 's/^[[:space:]]*DLL Name: //p' | tr 'A-Z' 'a-z'); do
		case $dll in
		kernel32.dll | ole32.dll | oleaut32.dll | advapi32.dll | msvcrt.dll) ;;
		*) fail "exitbench-host.exe depends on $dll, which is not a system DLL" ;;
		esac
	done
fi

# run NAME ARGS...: exitbench replay with a JSON report in $tmp/NAME.json; the exit status in $tmp/NAME.status.
run() {
	name=$1
	shift
	status=0
	timeout 600 "$exitbench" replay --json "$tmp/$name.json" "$@" >"$tmp/$name.out" 2>&1 || status=$?
	echo "$status" >"$tmp/$name.status"
}

# same LABEL SO DLL: the two runs' statuses and reports agree but for times and paths.
same() {
	if [ "$(cat "$tmp/$2.status")" != "$(cat "$tmp/$3.status")" ]; then
		fail "$1: exit status $(cat "$tmp/$2.status") with the .so, $(cat "$tmp/$3.status") with the DLL"
		sed 's/^/  .dll: /' "$tmp/$3.out" | head -20
		return
	fi
	if ! python3 - "$tmp/$2.json" "$tmp/$3.json" <<'EOF'; then
import json, os, sys
so, dll = (json.load(open(p)) for p in sys.argv[1:3])
concurrent = os.environ.get("CONCURRENT") == "1"
def strip(report):
    for m in report["modules"]:
        m.pop("path", None)
    for r in report["results"]:
        r.pop("ms", None)
        if concurrent:  # contexts are handed out in the order threads take events
            r.pop("context", None)
        # The order of one record's lines is not a verdict (with --jobs it follows the threads).
        for key in ("violations", "warnings"):
            r[key] = sorted(r.get(key) or [])
    report["summary"].pop("seconds", None)
    report.pop("trace", None)
    return report
so, dll = strip(so), strip(dll)
if so == dll:
    sys.exit(0)
for key in ("modules", "summary", "skipped"):
    if so.get(key) != dll.get(key):
        print("  %s: .so %s" % (key, json.dumps(so.get(key))))
        print("  %s: dll %s" % (key, json.dumps(dll.get(key))))
for a, b in zip(so["results"], dll["results"]):
    if a != b:
        print("  .so: %s" % json.dumps(a))
        print("  dll: %s" % json.dumps(b))
        break
if len(so["results"]) != len(dll["results"]):
    print("  %d records with the .so, %d with the DLL" % (len(so["results"]), len(dll["results"])))
sys.exit(1)
EOF
		fail "$1: the .so and the DLL give different reports"
		return
	fi
	echo "ok: $1: the same $(python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(len(r["results"]), "records,", r["summary"]["violations"], "violations")' "$tmp/$2.json")"
}

traces="$src/emu/demo/demo.jsonl $src/tests/traces/valid/basic.jsonl $src/tests/traces/valid/pem.jsonl"

# hello, the sample module: .so and DLL agree on the demo trace and the others.
for trace in $traces; do
	t=$(basename "$trace" .jsonl)
	run "hello-$t-so" --module "$hello_so" "$trace"
	run "hello-$t-dll" --module "$hello_dll" "$trace"
	same "hello on $t" "hello-$t-so" "hello-$t-dll"
done

# The pipes alone (no shared memory) carry the same.
EXITBENCH_BRIDGE_SHM=0
export EXITBENCH_BRIDGE_SHM
run pipes-dll --module "$module_dll" --set Mode=keep "$src/emu/demo/demo.jsonl"
unset EXITBENCH_BRIDGE_SHM
run pipes-so --module "$module_so" --set Mode=keep "$src/emu/demo/demo.jsonl"
same "Mode=keep over the pipes only" pipes-so pipes-dll

# The test module's modes that a .so survives: the same verdicts, violations included.
for mode in enum leak keep objects misuse; do
	for trace in $traces; do
		t=$(basename "$trace" .jsonl)
		run "$mode-$t-so" --module "$module_so" --set "Mode=$mode" "$trace"
		run "$mode-$t-dll" --module "$module_dll" --set "Mode=$mode" "$trace"
		same "Mode=$mode on $t" "$mode-$t-so" "$mode-$t-dll"
	done
done
# The leak and the server object were caught (not merely agreed on).
grep -q 'BSTR returned by GetCertificateProperty(SerialNumber)[^"]* freed' "$tmp/leak-demo-dll.json" ||
	fail "the DLL's leaked BSTR is not reported"
# A BSTR kept in one Notify and freed in a later one: the free crosses calls, no leak.
if [ "$(cat "$tmp/keep-demo-dll.status")" != 0 ] || ! grep -q 'SerialNumber' "$tmp/keep-demo-dll.json"; then
	fail "a BSTR the DLL keeps and frees later is not followed"
fi
grep -q 'ICertServerExit object was created and not released' "$tmp/objects-demo-dll.json" ||
	fail "the DLL's unreleased server object is not reported"
grep -q 'GetRequestProperty(RequestID) broke the protocol' "$tmp/misuse-demo-dll.json" ||
	fail "the DLL's protocol misuse is not reported"
# Concurrent delivery: calls into the DLL are serialized, and the reports still agree.
run jobs-so --jobs 2 --module "$module_so" --set Mode=leak "$src/emu/demo/demo.jsonl"
run jobs-dll --jobs 2 --module "$module_dll" --set Mode=leak "$src/emu/demo/demo.jsonl"
CONCURRENT=1
export CONCURRENT
same "Mode=leak, --jobs 2" jobs-so jobs-dll
unset CONCURRENT

# The sample modules that write files: the same verdicts and, byte for byte, the same files.
# The DLL is given its directory as Windows names it (Z: is Wine's view of /).
winpath() { printf 'Z:%s' "$1" | tr / '\\'; }
fp_so="$build/modules/.libs/filepublish.so" fp_dll="$build/tests/bridge/filepublish.dll"
rec_so="$build/modules/.libs/recorder.so" rec_dll="$build/tests/bridge/recorder.dll"
for trace in "$src/tests/traces/valid/filepublish-crls.jsonl" "$src/tests/traces/valid/filepublish-hold.jsonl"; do
	t=$(basename "$trace" .jsonl)
	mkdir -p "$tmp/$t-so" "$tmp/$t-dll"
	run "fp-$t-so" --module "$fp_so" --set "Directory=$tmp/$t-so" "$trace"
	run "fp-$t-dll" --module "$fp_dll" --set "Directory=$(winpath "$tmp/$t-dll")" "$trace"
	same "filepublish on $t" "fp-$t-so" "fp-$t-dll"
	if ! diff -r "$tmp/$t-so" "$tmp/$t-dll" >/dev/null || [ -z "$(ls "$tmp/$t-dll")" ]; then
		fail "filepublish on $t: the DLL's files differ from the .so's"
		diff -r "$tmp/$t-so" "$tmp/$t-dll" | head
	fi
done
for trace in $traces; do
	t=$(basename "$trace" .jsonl)
	run "rec-$t-so" --module "$rec_so" --set "Output=$tmp/rec-$t-so.jsonl" "$trace"
	run "rec-$t-dll" --module "$rec_dll" --set "Output=$(winpath "$tmp/rec-$t-dll.jsonl")" "$trace"
	same "recorder on $t" "rec-$t-so" "rec-$t-dll"
	if ! cmp -s "$tmp/rec-$t-so.jsonl" "$tmp/rec-$t-dll.jsonl"; then
		fail "recorder on $t: the DLL recorded another trace than the .so"
	fi
done

# Fault injection (docs/harness.md): the host fails a DLL's server calls from the
# same --inject rules, so the same calls fail, with the same HRESULTs, and the
# same verdicts follow. By method, by name, by event, every=N, random= with a
# seed, several rules in one spec and several specs. Mode=objects leaves a
# server object unreleased on certissued, so where a fault was injected into
# that delivery, "did not handle" must follow too.
# injected NAME: the run's report has injected faults (else agreeing proves nothing).
injected() {
	python3 -c 'import json,sys; sys.exit(0 if json.load(open(sys.argv[1]))["summary"]["injected"] > 0 else 1)' \
		"$tmp/$1.json"
}
i=0
while IFS= read -r spec; do
	i=$((i + 1))
	for target in hello "mod-enum" "mod-objects"; do
		case $target in
		hello) so=$hello_so dll=$hello_dll set= ;;
		mod-*) so=$module_so dll=$module_dll set="--set Mode=${target#mod-}" ;;
		esac
		# shellcheck disable=SC2086 # $spec holds one or two --inject options; $set none or one --set
		run "inject$i-$target-so" --module "$so" $set $spec "$src/emu/demo/demo.jsonl" </dev/null
		# shellcheck disable=SC2086
		run "inject$i-$target-dll" --module "$dll" $set $spec "$src/emu/demo/demo.jsonl" </dev/null
		same "$spec on $target" "inject$i-$target-so" "inject$i-$target-dll"
		# The test module reads every kind of value, so every rule here must fire for it (hello reads few).
		if [ "$target" != hello ] && ! injected "inject$i-$target-dll"; then
			fail "$spec on $target: no fault was injected into the DLL"
		fi
	done
done <<'EOF'
--inject method=GetCertificateProperty,error=CERTSRV_E_PROPERTY_EMPTY
--inject name=SerialNumber
--inject method=SetContext,event=certissued,error=RPC
--inject method=GetRequestProperty,every=3
--inject error=E_OUTOFMEMORY,random=0.3,seed=1234
--inject name=RequestID,every=2;method=EnumerateExtensions,random=0.5,seed=99 --inject event=crlissued,error=E_UNEXPECTED
EOF
grep -q 'the module did not handle the injected fault (GetCertificateProperty(SerialNumber)' \
	"$tmp/inject2-mod-objects-dll.json" ||
	fail "the DLL's unhandled injected fault is not reported"
# Each DLL has a host process of its own, so its every= counts are its own: two DLLs
# count as two .so modules do under --isolate, not as two .so in one process, which
# share the count (and so get other faults: else this would prove nothing).
pair=name=RequestID,every=2
run counts-isolated-so --isolate -m "$hello_so" -m "$module_so" --inject "$pair" "$src/emu/demo/demo.jsonl"
run counts-shared-so -m "$hello_so" -m "$module_so" --inject "$pair" "$src/emu/demo/demo.jsonl"
run counts-dll -m "$hello_dll" -m "$module_dll" --inject "$pair" "$src/emu/demo/demo.jsonl"
same "every= per module process: two DLLs as two .so with --isolate" counts-isolated-so counts-dll
if python3 -c 'import json,sys; f=lambda p: [r["injected"] for r in json.load(open(p))["results"]]; sys.exit(f(sys.argv[1]) != f(sys.argv[2]))' \
	"$tmp/counts-shared-so.json" "$tmp/counts-isolated-so.json"; then
	fail "$pair injects the same faults into two .so modules whether they share a process or not"
fi
# Without seed=, the DLL's host draws from the seed the engine chose and the report prints
# (certissued only: Initialize's calls must not fail, so that every draw is compared).
run inject-seed-dll --module "$module_dll" --inject event=certissued,random=0.5 "$src/emu/demo/demo.jsonl"
seed=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["summary"]["inject_seed"])' "$tmp/inject-seed-dll.json")
run inject-seed-so --module "$module_so" --inject "event=certissued,random=0.5,seed=$seed" "$src/emu/demo/demo.jsonl"
same "random= with the engine's own seed ($seed)" inject-seed-so inject-seed-dll
# A specification the host cannot parse (here: a "Wine" that runs the real one but rewrites the
# rules the engine sends) stops the replay before it starts, with the host's reason.
cat >"$tmp/rewriting-wine" <<'EOF'
#!/usr/bin/env python3
import os, struct, subprocess, sys
host = subprocess.Popen([os.environ["REAL_WINE"], sys.argv[1]], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
def frame(f):
    head = f.read(4)
    return f.read(struct.unpack("<I", head)[0]) if len(head) == 4 else None
while True:
    body = frame(sys.stdin.buffer)
    if body is None:
        break
    if body[0] == 0x0C:  # INJECT: list<str> specifications, u64 seed
        bad = b"method=Bogus"
        body = bytes([0x0C]) + struct.pack("<II", 1, len(bad)) + bad + body[-8:]
    host.stdin.write(struct.pack("<I", len(body)) + body)
    host.stdin.flush()
    if body[0] == 0x0A:  # BYE: no answer
        break
    answer = frame(host.stdout)
    if answer is None:
        break
    sys.stdout.buffer.write(struct.pack("<I", len(answer)) + answer)
    sys.stdout.buffer.flush()
host.stdin.close()
host.wait()
EOF
chmod +x "$tmp/rewriting-wine"
REAL_WINE=$(command -v wine || command -v wine64)
EXITBENCH_WINE=$tmp/rewriting-wine EXITBENCH_BRIDGE_SHM=0
export REAL_WINE EXITBENCH_WINE EXITBENCH_BRIDGE_SHM
run inject-refused --module "$hello_dll" --inject name=SerialNumber "$src/emu/demo/demo.jsonl"
unset REAL_WINE EXITBENCH_WINE EXITBENCH_BRIDGE_SHM
if [ "$(cat "$tmp/inject-refused.status")" != 2 ] ||
	! grep -q 'exitbench-host.exe cannot apply --inject: --inject method=Bogus: "Bogus" is not an ICertServerExit method' \
		"$tmp/inject-refused.out"; then
	fail "a specification the host refuses is not reported clearly (status $(cat "$tmp/inject-refused.status"))"
	cat "$tmp/inject-refused.out"
else
	echo "ok: a specification the host refuses: $(head -1 "$tmp/inject-refused.out")"
fi

# A crash is a result: the crashing Notify fails with the exception, the replay goes on.
run crash --module "$module_dll" --set Mode=crash "$src/emu/demo/demo.jsonl"
if [ "$(cat "$tmp/crash.status")" != 1 ]; then
	fail "a crashing DLL: exit status $(cat "$tmp/crash.status"), not 1"
	cat "$tmp/crash.out"
elif ! python3 - "$tmp/crash.json" <<'EOF'; then
import json, sys
r = json.load(open(sys.argv[1]))
notify = [x for x in r["results"] if x["method"] == "Notify"]
crashed = [x for x in notify if any("the module crashed in Notify: EXCEPTION_ACCESS_VIOLATION" in v for v in x["violations"])]
assert len(crashed) == 2, "two certissued events crash: %s" % json.dumps(notify)
assert all(x["kind"] == "certissued" and x["hr"] == "0x8007042B" for x in crashed), json.dumps(crashed)
others = [x for x in notify if x not in crashed]
assert others and all(x["hr"] == "0x00000000" and not x["violations"] for x in others), json.dumps(others)
EOF
	fail "a crashing DLL is not reported as expected"
	grep -i crash "$tmp/crash.out" | head
else
	echo "ok: a crashing DLL: $(grep -o 'the module crashed[^"]*' "$tmp/crash.json" | head -1)"
fi

# A hang is stopped: EXITBENCH_HOST_TIMEOUT seconds, then the host is gone and later calls are not made.
EXITBENCH_HOST_TIMEOUT=2
export EXITBENCH_HOST_TIMEOUT
run hang --module "$module_dll" --set Mode=hang "$src/emu/demo/demo.jsonl"
unset EXITBENCH_HOST_TIMEOUT
if [ "$(cat "$tmp/hang.status")" != 1 ] ||
	! grep -q 'the module did not return from Notify within 2000 ms' "$tmp/hang.json" ||
	! grep -q 'Notify was not called: exitbench-host.exe was stopped' "$tmp/hang.json"; then
	fail "a hanging DLL is not reported as expected (status $(cat "$tmp/hang.status"))"
	head -30 "$tmp/hang.out"
else
	echo "ok: a hanging DLL is stopped after 2 s and reported"
fi

# The registration is the module's own DllRegisterServer, in the Wine registry, as regsvr32 leaves it.
if ! wine reg query 'HKCR\XbBridgeTest.Exit\CLSID' 2>/dev/null | tr -d '\r' | grep -q '{0C6A45D1-62B7-4C2B-9E0F-3A6D1B8E7F21}'; then
	fail "HKCR\\XbBridgeTest.Exit\\CLSID is not in the Wine registry"
fi

# What is missing is said, and the replay does not start (exit status 2).
EXITBENCH_WINE=/nonexistent/wine
export EXITBENCH_WINE
run nowine --module "$hello_dll" "$src/emu/demo/demo.jsonl"
unset EXITBENCH_WINE
if [ "$(cat "$tmp/nowine.status")" != 2 ] || ! grep -q 'EXITBENCH_WINE=/nonexistent/wine is not an executable' "$tmp/nowine.out"; then
	fail "a missing Wine is not reported clearly"
	cat "$tmp/nowine.out"
fi
EXITBENCH_HOST=/nonexistent/exitbench-host.exe
run nohost --module "$hello_dll" "$src/emu/demo/demo.jsonl"
EXITBENCH_HOST="$host"
if [ "$(cat "$tmp/nohost.status")" != 2 ] || ! grep -q 'EXITBENCH_HOST=/nonexistent/exitbench-host.exe is not a file' "$tmp/nohost.out"; then
	fail "a missing host is not reported clearly"
	cat "$tmp/nohost.out"
fi

if [ "$failures" -gt 0 ]; then
	echo "FAIL: $failures check(s) of the Wine bridge"
	exit 1
fi
echo "PASS: the Wine bridge: DLLs and .so agree, crashes and hangs are results"
