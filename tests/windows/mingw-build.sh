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
	"$lib" -loleaut32 -lole32 -luuid -static-libgcc >link.log 2>&1; then
	echo "FAIL: the two-unit DLL does not link"
	cat link.log
	exit 1
fi
deps=$($host-objdump -p two_units.dll | sed -n 's/^[[:space:]]*DLL Name: //p' | tr 'A-Z' 'a-z' | sort -u | paste -sd' ' -)
echo "two_units.dll imports: $deps"
for dll in $deps; do
	case $dll in
	kernel32.dll | ole32.dll | oleaut32.dll | advapi32.dll | user32.dll | msvcrt.dll | api-ms-win-*) ;;
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
	kernel32.dll | ole32.dll | oleaut32.dll | advapi32.dll | msvcrt.dll | api-ms-win-*) ;;
	*) echo "FAIL: $hello depends on $dll, which is not a system DLL"; exit 1 ;;
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
		"$src/tests/windows/kit_activate.c" "$lib" -loleaut32 -lole32 -luuid -ladvapi32 -static-libgcc ||
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
File Version: 0x00000000 1.0
Product Version: 0x00000000 $version
HWND: 0x00000001
Release(manage): 0
Release(exit): 0
EOF
	if ! diff -u activate-expected.txt activate.txt; then
		echo "FAIL: hello.dll activated through COM under Wine answers differently (above, +)"
		exit 1
	fi
	wine_run regsvr32 /s /u "$hello" 2>>wine.log || { echo "FAIL: regsvr32 /u $hello"; exit 1; }
	if wine_run reg query 'HKCR\Hello.Exit' >/dev/null 2>&1; then
		echo "FAIL: DllUnregisterServer left HKCR\\Hello.Exit behind"
		exit 1
	fi
	echo "hello.dll: regsvr32, activation by ProgID through COM, regsvr32 /u: as on Windows"
else
	echo "note: wine not installed, xb-info.exe not run"
fi
echo "PASS: configure --host=$host && make, a two-unit module DLL links, hello.dll is a COM server"
