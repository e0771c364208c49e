#!/bin/sh
# Registration under Wine, as a CA's administrator and exitbench-host.exe do
# it (issue 5's proof; docs/windows.md). For the sample DLLs: all of
# HKEY_CLASSES_ROOT is dumped (regdump.exe) before and after registering,
# and the keys added must be exactly reference §6.1's for the exit class
# and the manage class, plus the CurVer keys the kit adds (docs/kit.md),
# with their values and ThreadingModel, and nothing removed or changed;
# after regsvr32 /u the dump must equal the one before. While registered,
# versioninfo.exe holds the DLL's version resource to ICertManageModule
# through real COM, and the strings to known values. hello linked with a
# resource that differs from its declaration must answer the resource's
# strings; without a resource, the declaration's. windres must refuse a
# malformed version declaration with a clear message.
# Exits 77 without mingw-w64's DLLs and tools (this build's configure found
# no x86_64-w64-mingw32-gcc and -windres, or it is the --host build) or Wine.
set -eu

: "${top_srcdir:=.}"
: "${top_builddir:=.}"
build=$(cd "$top_builddir" && pwd)
src=$(cd "$top_srcdir" && pwd)
regdump=$build/tests/windows/regdump.exe
versioninfo=$build/tests/windows/versioninfo.exe
hello=$build/tests/bridge/hello.dll
filepublish=$build/tests/bridge/filepublish.dll
recorder=$build/tests/bridge/recorder.dll
otherver=$build/tests/windows/hello_otherver.dll
nover=$build/tests/windows/hello_nover.dll
exitbench=$build/emu/exitbench
host=$build/emu/exitbench-host.exe

for f in "$regdump" "$versioninfo" "$hello" "$filepublish" "$recorder" "$otherver" "$nover"; do
	if [ ! -f "$f" ]; then
		echo "SKIP: $f is not built (the Linux build makes it when configure finds x86_64-w64-mingw32-gcc and -windres)"
		exit 77
	fi
done

failures=0
fail() {
	echo "FAIL: $*"
	failures=$((failures + 1))
}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

# windres refuses a malformed version declaration, saying what is wrong (no Wine needed).
windres_refuses() {
	label=$1 message=$2
	shift 2
	printf '%s\n' "$@" '#include "exitbench/kit_version.rc"' >"$tmp/bad.rc"
	if x86_64-w64-mingw32-windres -I"$src/include" -I"$build/include" -i "$tmp/bad.rc" -o "$tmp/bad.o" \
		>"$tmp/windres.log" 2>&1; then
		fail "windres accepted $label"
	elif ! grep -q "$message" "$tmp/windres.log"; then
		fail "windres refused $label without saying \"$message\":"
		cat "$tmp/windres.log"
	fi
}
good='#define XB_MODULE_DISPLAY_NAME "n"
#define XB_MODULE_DESCRIPTION "d"'
windres_refuses "a version number above 65535" "XB_MODULE_FILE_VERSION: each of its four numbers must be 0 to 65535" \
	"$good" '#define XB_MODULE_COPYRIGHT "c"' '#define XB_MODULE_FILE_VERSION 1, 0, 0, 65536' \
	'#define XB_MODULE_PRODUCT_VERSION 1, 0, 0, 0'
windres_refuses "a negative product version" "XB_MODULE_PRODUCT_VERSION: each of its four numbers must be 0 to 65535" \
	"$good" '#define XB_MODULE_COPYRIGHT "c"' '#define XB_MODULE_FILE_VERSION 1, 0, 0, 0' \
	'#define XB_MODULE_PRODUCT_VERSION 1, -1, 0, 0'
windres_refuses "a missing copyright" "define XB_MODULE_DISPLAY_NAME, XB_MODULE_DESCRIPTION and XB_MODULE_COPYRIGHT" \
	"$good" '#define XB_MODULE_FILE_VERSION 1, 0, 0, 0' '#define XB_MODULE_PRODUCT_VERSION 1, 0, 0, 0'
windres_refuses "a version of three numbers" "requires 4 arguments" \
	"$good" '#define XB_MODULE_COPYRIGHT "c"' '#define XB_MODULE_FILE_VERSION 1, 0, 0' \
	'#define XB_MODULE_PRODUCT_VERSION 1, 0, 0, 0'
echo "windres refuses 4 malformed version declarations, saying why"

if ! command -v wine >/dev/null 2>&1; then
	echo "SKIP: Wine is not installed (Debian package wine)"
	exit 77
fi

# A Wine prefix of this test's own (another test's wineserver -k must not
# stop ours), made once; its wineserver kept running between the many short
# Wine processes below, and stopped at the end.
export WINEPREFIX="$build/tests/windows/wineprefix" WINEDEBUG=-all
unset EXITBENCH_WINE EXITBENCH_HOST_TIMEOUT
trap 'wineserver -k >/dev/null 2>&1 || true; rm -rf "$tmp"' EXIT INT TERM
if [ ! -d "$WINEPREFIX" ]; then
	mkdir -p "$WINEPREFIX"
	timeout 300 wineboot --init >/dev/null 2>&1 || true
fi
wineserver -p >/dev/null 2>&1 || true

wine_run() { timeout 120 wine "$@" 2>>"$tmp/wine.log"; }
winpath() { printf 'Z:%s' "$1" | tr / '\\'; }
# dump FILE: all of HKCR, sorted.
dump() {
	wine_run "$regdump" >"$tmp/raw" || { cat "$tmp/wine.log"; fail "regdump.exe failed"; exit 1; }
	tr -d '\r' <"$tmp/raw" | LC_ALL=C sort >"$1"
}

# expected NAME CLSID MANAGE_CLSID DESCRIPTION DLL: reference §6.1's keys of
# both classes, plus CurVer, as regdump shows them (\ in data doubled), sorted.
expected() {
	name=$1 clsid=$2 mclsid=$3 desc=$4
	path=$(winpath "$5" | sed 's/\\/\\\\/g')
	for class in exit manage; do
		if [ $class = exit ]; then
			id=$clsid kind=Exit d=$desc
		else
			id=$mclsid kind=ExitManage d="$desc (ICertManageModule)"
		fi
		cat <<EOF
HKCR\\$name.$kind.1
HKCR\\$name.$kind.1 | @ | REG_SZ | $d
HKCR\\$name.$kind.1\\CLSID
HKCR\\$name.$kind.1\\CLSID | @ | REG_SZ | $id
HKCR\\$name.$kind
HKCR\\$name.$kind | @ | REG_SZ | $d
HKCR\\$name.$kind\\CLSID
HKCR\\$name.$kind\\CLSID | @ | REG_SZ | $id
HKCR\\$name.$kind\\CurVer
HKCR\\$name.$kind\\CurVer | @ | REG_SZ | $name.$kind.1
HKCR\\CLSID\\$id
HKCR\\CLSID\\$id | @ | REG_SZ | $d
HKCR\\CLSID\\$id\\ProgID
HKCR\\CLSID\\$id\\ProgID | @ | REG_SZ | $name.$kind.1
HKCR\\CLSID\\$id\\VersionIndependentProgID
HKCR\\CLSID\\$id\\VersionIndependentProgID | @ | REG_SZ | $name.$kind
HKCR\\CLSID\\$id\\InprocServer32
HKCR\\CLSID\\$id\\InprocServer32 | @ | REG_SZ | $path
HKCR\\CLSID\\$id\\InprocServer32 | ThreadingModel | REG_SZ | Both
EOF
	done | LC_ALL=C sort
}

# versions NAME DESCRIPTION FILE: the lines versioninfo.exe prints for a
# sample module (file version 1.0.0.0, exitbench's version as product version).
version=$(sed -n 's/^#define XB_VERSION "\(.*\)"$/\1/p' "$build/include/exitbench/version.h")
versions() {
	cat <<EOF
Name: $1
Description: $2
Copyright: Copyright (c) the exitbench authors
File Version: 1.0.0.0
Product Version: $version.0
FILEVERSION: 1.0.0.0
PRODUCTVERSION: $version.0
OriginalFilename: $3
EOF
}

# check_versions LABEL DLL NAME EXPECTED_FILE: versioninfo.exe's lines for a registered DLL.
check_versions() {
	wine_run "$versioninfo" "$(winpath "$2")" "$3" | tr -d '\r' >"$tmp/versions.txt" || true
	if ! diff -u "$4" "$tmp/versions.txt" >"$tmp/versions.diff"; then
		cat "$tmp/versions.diff"
		fail "$1: the version resource and ICertManageModule (+) are not as expected (-)"
	fi
}

# Each dump walks some 18,000 keys (most of this test's time), so one
# module's final dump is the next module's "before".
dump "$tmp/initial"
n_initial=$(wc -l <"$tmp/initial")
cp "$tmp/initial" "$tmp/before"

# module LABEL DLL NAME CLSID MANAGE_CLSID DESCRIPTION DISPLAY_NAME FILE HOW:
# registered (HOW: regsvr32, or host: exitbench replay through exitbench-host.exe),
# checked, unregistered with regsvr32 /u, checked.
module() {
	label=$1 dll=$2 name=$3 clsid=$4 mclsid=$5 desc=$6 display=$7 file=$8 road=$9
	failed_before=$failures
	if [ "$road" = host ]; then
		EXITBENCH_HOST=$host timeout 300 "$exitbench" replay --module "$dll" "$src/tests/traces/valid/basic.jsonl" \
			>"$tmp/replay.log" 2>&1 || { cat "$tmp/replay.log"; fail "$label: exitbench replay through the host"; }
	else
		wine_run regsvr32 /s "$(winpath "$dll")" || fail "$label: regsvr32 $(winpath "$dll")"
	fi
	dump "$tmp/after"
	LC_ALL=C comm -13 "$tmp/before" "$tmp/after" >"$tmp/added"
	LC_ALL=C comm -23 "$tmp/before" "$tmp/after" >"$tmp/removed"
	expected "$name" "$clsid" "$mclsid" "$desc" "$dll" >"$tmp/expected"
	if ! diff -u "$tmp/expected" "$tmp/added" >"$tmp/keys.diff"; then
		cat "$tmp/keys.diff"
		fail "$label: registration ($road) added other keys or values (+) than reference §6.1's plus CurVer (-)"
	fi
	if [ -s "$tmp/removed" ]; then
		sed 's/^/  removed: /' "$tmp/removed"
		fail "$label: registration ($road) removed or changed what was there"
	fi
	versions "$display" "$desc" "$file" >"$tmp/versions-expected"
	check_versions "$label" "$dll" "$name" "$tmp/versions-expected"
	wine_run regsvr32 /s /u "$(winpath "$dll")" || fail "$label: regsvr32 /u"
	dump "$tmp/final"
	if ! cmp -s "$tmp/before" "$tmp/final"; then
		LC_ALL=C comm -3 "$tmp/before" "$tmp/final" | sed 's/^/  left (indented: added, else removed): /'
		fail "$label: after regsvr32 /u the registry is not as before the registration"
		cp "$tmp/final" "$tmp/before"
	elif [ "$failures" -eq "$failed_before" ]; then
		echo "$label ($road): $(wc -l <"$tmp/added") lines of keys and values added, exactly reference §6.1's and CurVer;" \
			"version resource = GetProperty; regsvr32 /u: back to the $(wc -l <"$tmp/final") lines before"
	fi
}

how=regsvr32
if [ -x "$exitbench" ] && [ -f "$host" ]; then
	how=host # the engine's road: exitbench-host.exe calls the DLL's DllRegisterServer
fi
module hello.dll "$hello" Hello "{9BA14DF9-5F2C-4EA9-AAB5-891895863759}" "{AA2A102E-2668-46F0-819D-1E7D4E05579A}" \
	"Hello exit module (logs each event)" "Hello Exit Module" hello.dll $how
module filepublish.dll "$filepublish" FilePublish "{1FA90DA8-2779-496F-9095-8196AF53E306}" \
	"{B46E825A-A9D0-4FDB-A6F4-CFC811DE5EDF}" "File publishing exit module (certificates, CRLs, revocations)" \
	"File Publish Exit Module" filepublish.dll regsvr32
module recorder.dll "$recorder" Recorder "{DD8C8966-BD32-4BBC-9BDC-32D9801CDD8B}" \
	"{0D597822-416C-43A3-B26D-D932B5B82DDF}" "Recorder exit module (writes each event to an exitbench trace)" \
	"exitbench Recorder Exit Module" recorder.dll regsvr32

# On Windows the resource wins over the declaration (what Explorer shows is what the console shows) ...
failed_before=$failures
wine_run regsvr32 /s "$(winpath "$otherver")" || fail "regsvr32 hello_otherver.dll"
cat >"$tmp/otherver-expected" <<EOF
Name: Resource Name ü
Description: Described by the resource
Copyright: © the resource
File Version: 2.3.4.5
Product Version: 6.7.8.65535
FILEVERSION: 2.3.4.5
PRODUCTVERSION: 6.7.8.65535
OriginalFilename: hello_otherver.dll
EOF
check_versions "hello with another resource" "$otherver" Hello "$tmp/otherver-expected"
wine_run regsvr32 /s /u "$(winpath "$otherver")" || fail "regsvr32 /u hello_otherver.dll"
# ... and without a resource the declaration answers.
wine_run regsvr32 /s "$(winpath "$nover")" || fail "regsvr32 hello_nover.dll"
cat >"$tmp/nover-expected" <<EOF
version resource: none
Name: Hello Exit Module
Description: Hello exit module (logs each event)
Copyright: Copyright (c) the exitbench authors
File Version: 1.0.0.0
Product Version: $version.0
EOF
check_versions "hello without a resource" "$nover" Hello "$tmp/nover-expected"
wine_run regsvr32 /s /u "$(winpath "$nover")" || fail "regsvr32 /u hello_nover.dll"
[ "$failures" -ne "$failed_before" ] ||
	echo "hello with a resource unlike its declaration answers the resource's strings; without one, the declaration's"

dump "$tmp/last"
if ! cmp -s "$tmp/initial" "$tmp/last"; then
	LC_ALL=C comm -3 "$tmp/initial" "$tmp/last" | head -20
	fail "HKCR at the end differs from HKCR at the start ($n_initial lines)"
fi

# The DLLs import Windows system DLLs only (version.dll: the kit reads the resource).
for dll in "$hello" "$filepublish" "$recorder"; do
	for name in $(x86_64-w64-mingw32-objdump -p "$dll" | sed -n 's/^[[:space:]]*DLL Name: //p' | tr 'A-Z' 'a-z'); do
		case $name in
		kernel32.dll | ole32.dll | oleaut32.dll | advapi32.dll | msvcrt.dll | version.dll) ;;
		*) fail "$(basename "$dll") depends on $name, which is not a Windows system DLL" ;;
		esac
	done
done

if [ "$failures" -ne 0 ]; then
	echo "FAIL: $failures check(s) failed"
	exit 1
fi
echo "PASS: hello ($how), filepublish and recorder register exactly reference §6.1's keys plus CurVer and unregister" \
	"without a trace; their version resources are what ICertManageModule says"
