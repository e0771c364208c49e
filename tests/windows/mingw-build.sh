#!/bin/sh
# The Windows side builds: `configure --host=x86_64-w64-mingw32 && make` in
# a scratch directory, then a two-unit DLL that includes exitbench.h in both
# units links against the cross-built libexitbench.a with nothing but
# system DLLs. Exits 77 without mingw-w64, or when the source tree has been
# configured in place (automake then refuses a second, out-of-tree build).
set -eu

: "${top_srcdir:=.}"
host=x86_64-w64-mingw32
if ! command -v $host-gcc >/dev/null 2>&1; then
	echo "SKIP: $host-gcc is not installed (Debian package gcc-mingw-w64-x86-64)"
	exit 77
fi
src=$(cd "$top_srcdir" && pwd)
native_info=$(cd "${top_builddir:-.}" && pwd)/tests/xb-info
if [ -f "$src/config.status" ]; then
	echo "SKIP: $src is configured in place; build out of tree (mkdir build && cd build && ../configure) to run the cross build"
	exit 77
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
cd "$tmp"
# The suite exports the native compiler; the cross build must pick its own.
unset CC CFLAGS CPPFLAGS LDFLAGS LIBS MINGW_CC MAKEFLAGS MFLAGS
if ! "$src/configure" --host=$host --disable-silent-rules >configure.log 2>&1; then
	echo "FAIL: configure --host=$host"
	tail -30 configure.log
	exit 1
fi
if ! make -j2 >make.log 2>&1; then
	echo "FAIL: make for $host"
	grep -E 'error|Error' make.log | head -30
	exit 1
fi
if grep -E "\.[ch]:[0-9]+(:[0-9]+)?: warning:" make.log; then
	echo "FAIL: the $host build has warnings"
	exit 1
fi
lib=lib/.libs/libexitbench.a
[ -f "$lib" ] || { echo "FAIL: $lib was not built"; exit 1; }

# A module DLL made of two units that both include exitbench.h.
if ! $host-gcc -std=gnu11 -Wall -Wextra -Werror -shared -o two_units.dll \
	-I"$src/include" -Iinclude "$src/tests/windows/two_units_a.c" "$src/tests/windows/two_units_b.c" \
	"$lib" -loleaut32 -lole32 -luuid -lversion -static-libgcc >link.log 2>&1; then
	echo "FAIL: the two-unit DLL does not link"
	cat link.log
	exit 1
fi
deps=$($host-objdump -p two_units.dll | sed -n 's/^[[:space:]]*DLL Name: //p' | tr 'A-Z' 'a-z' | sort -u | paste -sd' ' -)
echo "two_units.dll imports: $deps"
for dll in $deps; do
	case $dll in
	kernel32.dll | ole32.dll | oleaut32.dll | advapi32.dll | user32.dll | msvcrt.dll | version.dll | api-ms-win-*) ;;
	*) echo "FAIL: depends on $dll, which is not a system DLL"; exit 1 ;;
	esac
done

# The hello module built by the kit: exactly the four COM exports, system DLLs only.
hello=modules/hello.dll
[ -f "$hello" ] || { echo "FAIL: $hello was not built"; exit 1; }
exports=$($host-objdump -p $hello | sed -n '/\[Ordinal\/Name Pointer\] Table/,/^$/s/^[[:space:]]*\[ *[0-9]*\] //p' |
	sort | paste -sd' ' -)
if [ "$exports" != "DllCanUnloadNow DllGetClassObject DllRegisterServer DllUnregisterServer" ]; then
	echo "FAIL: $hello exports: $exports"
	exit 1
fi
for dll in $($host-objdump -p $hello | sed -n 's/^[[:space:]]*DLL Name: //p' | tr 'A-Z' 'a-z'); do
	case $dll in
	kernel32.dll | ole32.dll | oleaut32.dll | advapi32.dll | msvcrt.dll | version.dll | api-ms-win-*) ;;
	*) echo "FAIL: $hello depends on $dll, which is not a system DLL"; exit 1 ;;
	esac
done

# filepublish.dll likewise: the four COM exports, system DLLs only.
filepublish=modules/filepublish.dll
[ -f "$filepublish" ] || { echo "FAIL: $filepublish was not built"; exit 1; }
exports=$($host-objdump -p $filepublish | sed -n '/\[Ordinal\/Name Pointer\] Table/,/^$/s/^[[:space:]]*\[ *[0-9]*\] //p' |
	sort | paste -sd' ' -)
if [ "$exports" != "DllCanUnloadNow DllGetClassObject DllRegisterServer DllUnregisterServer" ]; then
	echo "FAIL: $filepublish exports: $exports"
	exit 1
fi
for dll in $($host-objdump -p $filepublish | sed -n 's/^[[:space:]]*DLL Name: //p' | tr 'A-Z' 'a-z'); do
	case $dll in
	kernel32.dll | ole32.dll | oleaut32.dll | advapi32.dll | msvcrt.dll | version.dll | api-ms-win-*) ;;
	*) echo "FAIL: $filepublish depends on $dll, which is not a system DLL"; exit 1 ;;
	esac
done

# recorder.dll likewise: the four COM exports, system DLLs only.
recorder=modules/recorder.dll
[ -f "$recorder" ] || { echo "FAIL: $recorder was not built"; exit 1; }
exports=$($host-objdump -p $recorder | sed -n '/\[Ordinal\/Name Pointer\] Table/,/^$/s/^[[:space:]]*\[ *[0-9]*\] //p' |
	sort | paste -sd' ' -)
if [ "$exports" != "DllCanUnloadNow DllGetClassObject DllRegisterServer DllUnregisterServer" ]; then
	echo "FAIL: $recorder exports: $exports"
	exit 1
fi
for dll in $($host-objdump -p $recorder | sed -n 's/^[[:space:]]*DLL Name: //p' | tr 'A-Z' 'a-z'); do
	case $dll in
	kernel32.dll | ole32.dll | oleaut32.dll | advapi32.dll | msvcrt.dll | version.dll | api-ms-win-*) ;;
	*) echo "FAIL: $recorder depends on $dll, which is not a system DLL"; exit 1 ;;
	esac
done

# Under Wine, the Windows build must see the ABI the Linux build sees.
if command -v wine >/dev/null 2>&1 && [ -x "$native_info" ]; then
	WINEPREFIX="$tmp/wineprefix" WINEDEBUG=-all timeout 300 wine tests/xb-info.exe >wine-info.txt 2>wine.log || {
		echo "FAIL: tests/xb-info.exe does not run under Wine"
		cat wine.log
		exit 1
	}
	"$native_info" >native-info.txt
	if ! tr -d '\r' <wine-info.txt | diff -u native-info.txt -; then
		echo "FAIL: the Windows build (above, +) and the Linux build (-) disagree on the ABI"
		exit 1
	fi
	echo "xb-info.exe under Wine agrees with the Linux build:"
	sed 's/^/  /' native-info.txt

	# regsvr32 registers hello.dll; real COM activates it by ProgID, as certsrv does.
	wine_run() { WINEPREFIX="$tmp/wineprefix" WINEDEBUG=-all timeout 300 wine "$@"; }
	$host-gcc -std=gnu11 -Wall -Wextra -Werror -o kit_activate.exe -I"$src/include" -Iinclude \
		"$src/tests/windows/kit_activate.c" "$lib" -loleaut32 -lole32 -luuid -ladvapi32 -lversion -static-libgcc ||
		{ echo "FAIL: tests/windows/kit_activate.c does not build"; exit 1; }
	wine_run regsvr32 /s "$hello" 2>>wine.log || { echo "FAIL: regsvr32 $hello"; exit 1; }
	wine_run kit_activate.exe 2>>wine.log | tr -d '\r' >activate.txt || true
	version=$(sed -n 's/^#define XB_VERSION "\(.*\)"$/\1/p' include/exitbench/version.h)
	cat >activate-expected.txt <<EOF
CLSIDFromProgID: 0x00000000
CoCreateInstance: 0x00000000
GetDescription: 0x00000000 Hello exit module (logs each event)
Initialize: 0x00000000 mask 0x2ff
Notify(shutdown): 0x00000000
Notify(certissued): 0x80040154
GetManageModule: 0x00000000
Name: 0x00000000 Hello Exit Module
Description: 0x00000000 Hello exit module (logs each event)
Copyright: 0x00000000 Copyright (c) the exitbench authors
File Version: 0x00000000 1.0.0.0
Product Version: 0x00000000 $version.0
HWND: 0x00000001
Release(manage): 0
Release(exit): 0
EOF
	if ! diff -u activate-expected.txt activate.txt; then
		echo "FAIL: hello.dll activated through COM under Wine answers differently (above, +)"
		exit 1
	fi
	# The version resource windres put into the --host build's hello.dll, as Explorer reads it,
	# is what ICertManageModule answers through COM (tests/windows/versioninfo.c).
	$host-gcc -std=gnu11 -Wall -Wextra -Werror -municode -o versioninfo.exe -I"$src/include" -Iinclude \
		"$src/tests/windows/versioninfo.c" "$lib" -loleaut32 -lole32 -luuid -ladvapi32 -lversion -static-libgcc ||
		{ echo "FAIL: tests/windows/versioninfo.c does not build"; exit 1; }
	wine_run versioninfo.exe "$hello" Hello 2>>wine.log | tr -d '\r' >versioninfo.txt || true
	cat >versioninfo-expected.txt <<EOF
Name: Hello Exit Module
Description: Hello exit module (logs each event)
Copyright: Copyright (c) the exitbench authors
File Version: 1.0.0.0
Product Version: $version.0
FILEVERSION: 1.0.0.0
PRODUCTVERSION: $version.0
OriginalFilename: hello.dll
EOF
	if ! diff -u versioninfo-expected.txt versioninfo.txt; then
		echo "FAIL: hello.dll's version resource and ICertManageModule under Wine (above, +)"
		exit 1
	fi
	wine_run regsvr32 /s /u "$hello" 2>>wine.log || { echo "FAIL: regsvr32 /u $hello"; exit 1; }
	if wine_run reg query 'HKCR\Hello.Exit' >/dev/null 2>&1; then
		echo "FAIL: DllUnregisterServer left HKCR\\Hello.Exit behind"
		exit 1
	fi
	echo "hello.dll: regsvr32, activation by ProgID through COM, its version resource = ICertManageModule, regsvr32 /u"

	# filepublish's Windows file layer where it runs (modules/filepublish/atomic_file_test.c),
	# and its registration.
	fp_src="$src/modules/filepublish"
	$host-gcc -std=gnu11 -Wall -Wextra -Werror -o atomic_file_test.exe -I"$src/include" -Iinclude \
		"$fp_src/atomic_file_test.c" "$fp_src/atomic_file_win32.c" "$fp_src/publish.c" "$fp_src/names.c" \
		"$lib" -loleaut32 -lole32 -luuid -ladvapi32 -lversion -static-libgcc ||
		{ echo "FAIL: modules/filepublish/atomic_file_test.c does not build"; exit 1; }
	mkdir fp-run
	if ! (cd fp-run && wine_run ../atomic_file_test.exe 2>>../wine.log | tr -d '\r' >../atomic-file.txt) ||
		! grep -q '^PASS' atomic-file.txt; then
		grep -v '^ok' atomic-file.txt
		echo "FAIL: filepublish's Windows file layer under Wine"
		exit 1
	fi
	wine_run regsvr32 /s "$filepublish" 2>>wine.log || { echo "FAIL: regsvr32 $filepublish"; exit 1; }
	wine_run reg query 'HKCR\FilePublish.Exit\CLSID' 2>>wine.log | grep -q '{1FA90DA8-2779-496F-9095-8196AF53E306}' ||
		{ echo "FAIL: regsvr32 $filepublish did not register FilePublish.Exit"; exit 1; }
	wine_run regsvr32 /s /u "$filepublish" 2>>wine.log || { echo "FAIL: regsvr32 /u $filepublish"; exit 1; }
	echo "filepublish.dll: its file layer under Wine ($(grep -c '^ok' atomic-file.txt) checks), regsvr32, regsvr32 /u"

	# recorder.dll records through real COM, with a fake CA in the process
	# (modules/recorder/dll_check.c); the Linux build reads and replays its trace.
	$host-gcc -std=gnu11 -Wall -Wextra -Werror -o recorder_check.exe -I"$src/include" -Iinclude \
		"$src/modules/recorder/dll_check.c" "$lib" -loleaut32 -lole32 -luuid -ladvapi32 -lversion -static-libgcc ||
		{ echo "FAIL: modules/recorder/dll_check.c does not build"; exit 1; }
	winpath() { printf 'Z:%s' "$1" | tr / '\\'; }
	wine_run regsvr32 /s "$recorder" 2>>wine.log || { echo "FAIL: regsvr32 $recorder"; exit 1; }
	wine_run recorder_check.exe "$(winpath "$tmp/recorded.jsonl")" "$(winpath "$tmp/missing/recorded.jsonl")" \
		"$(winpath "$src/tests/fixtures/leaf.der")" "$(winpath "$src/tests/fixtures/demo-crl.der")" \
		2>>wine.log | tr -d '\r' >recorder.txt || true
	cat >recorder-expected.txt <<EOF
CoRegisterClassObject(CCertServerExit): 0x00000000
Output: 0
recording: CoCreateInstance: 0x00000000
recording: Initialize: 0x00000000 mask 0x2ff
Notify(certissued): 0x00000000
Notify(crlissued): 0x00000000
Notify(certissued) from 4 threads x 25: 0 failures
Notify(shutdown): 0x00000000
Release: 0
Output: 0
unwritable: CoCreateInstance: 0x00000000
unwritable: Initialize: 0x00000000 mask 0x2ff
Notify(certissued): 0x80070003
Release: 0
EOF
	if ! diff -u recorder-expected.txt recorder.txt; then
		echo "FAIL: recorder.dll under Wine answers differently (above, +)"
		exit 1
	fi
	# The header, and the request as the fake CA gives it (U+00FC and U+1F600 from UTF-16 to UTF-8).
	printf '%s\n' '{"format": "exitbench-trace", "version": 1, "config": "Corp CA", "ca": {"CAType": 0, "CertCount": 1, "ModuleRegistryLocation": "SOFTWARE\\exitbench-check\\Recorder.Exit", "CRLState.0": 3}}' >recorded-expected.txt
	printf '{"event": "certissued", "request": {"RequestID": 42, "SubmittedWhen": {"date": "2026-11-24T06:00:00Z"}, "RequesterName": "CORP\\\\\303\274\360\237\230\200\\""}, "certificate": {"RequestID": 42, \n' >>recorded-expected.txt
	{ sed -n 1p "$tmp/recorded.jsonl"; sed -n 2p "$tmp/recorded.jsonl" | cut -c1-$(($(sed -n 2p recorded-expected.txt | wc -c) - 1)); } >recorded-head.txt
	if ! diff -u recorded-expected.txt recorded-head.txt ||
		[ "$(grep -c '^{"event": "certissued", ' "$tmp/recorded.jsonl")" != 101 ] ||
		[ "$(wc -l <"$tmp/recorded.jsonl")" -ne 104 ]; then
		echo "FAIL: the trace recorder.dll wrote is not the one expected"
		exit 1
	fi
	native_exitbench=$(cd "${top_builddir:-.}" && pwd)/emu/exitbench
	native_recorder=$(cd "${top_builddir:-.}" && pwd)/modules/.libs/recorder.so
	if [ -x "$native_exitbench" ] && [ -f "$native_recorder" ]; then
		"$native_exitbench" replay -m "$native_recorder" --set Output="$tmp/replayed.jsonl" "$tmp/recorded.jsonl" \
			>replay.log 2>&1 || { cat replay.log; echo "FAIL: the trace recorder.dll wrote does not replay on Linux"; exit 1; }
	fi
	wine_run regsvr32 /s /u "$recorder" 2>>wine.log || { echo "FAIL: regsvr32 /u $recorder"; exit 1; }
	echo "recorder.dll: regsvr32, a recording through COM from 5 threads, replayed on Linux, an unwritable trace, regsvr32 /u"
else
	echo "note: wine not installed, xb-info.exe not run"
fi
echo "PASS: configure --host=$host && make, a two-unit module DLL links, hello.dll is a COM server, recorder.dll records"
