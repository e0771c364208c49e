#!/bin/sh
# docs/writing-a-module.md stays runnable: its files equal
# docs/examples/mymodule/, and its commands, run against exitbench
# installed in a scratch DESTDIR, build and test the example (with
# mingw-w64, the DLL too). Exits 77, saying why, when a tool is missing.
set -eu

: "${top_srcdir:=.}" "${top_builddir:=.}"
src=$(cd "$top_srcdir" && pwd)
build=$(cd "$top_builddir" && pwd)
guide=$src/docs/writing-a-module.md
example=$src/docs/examples/mymodule
extract="$src/tests/guide/extract.sh"
host=x86_64-w64-mingw32

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

# 1. The files the guide shows are the example's files, all of them.
sh "$extract" files "$guide" "$tmp/from-guide"
if ! diff -r "$tmp/from-guide" "$example" >"$tmp/guide.diff"; then
	cat "$tmp/guide.diff"
	echo "FAIL: the files in docs/writing-a-module.md (<) differ from docs/examples/mymodule (>)"
	exit 1
fi
echo "docs/writing-a-module.md shows $(ls "$example" | wc -l) files, each equal to docs/examples/mymodule/"

for tool in cc make pkg-config; do
	command -v $tool >/dev/null 2>&1 || { echo "SKIP: $tool is not installed"; exit 77; }
done
if [ ! -x "$build/emu/exitbench" ]; then
	echo "SKIP: $build/emu/exitbench was not built (the engine is built for Linux hosts only)"
	exit 77
fi
if ! pkg-config --exists check; then
	echo "SKIP: Check is not installed (Debian package check); the guide's test needs it"
	exit 77
fi

# The guide's commands run as a user's would: their own make, no flags of ours.
unset CC CFLAGS CPPFLAGS LDFLAGS LIBS MAKEFLAGS MFLAGS MAKELEVEL

# Installs what a module author needs, the headers and libexitbench (and
# the further install-* targets given), from build directory $1 into
# DESTDIR $2 with the tree's own install rules. Only libexitbench: to
# install the other libraries libtool would relink them in the build tree,
# under the feet of the tests running beside this one.
install_kit() {
	dir=$1 destdir=$2
	shift 2
	make -C "$dir" DESTDIR="$destdir" lib_LTLIBRARIES=lib/libexitbench.la install-libLTLIBRARIES \
		install-includeHEADERS install-xbincludeHEADERS install-nodist_xbincludeHEADERS "$@" \
		>"$tmp/install.log" 2>&1 || { cat "$tmp/install.log"; echo "FAIL: make install-... in $dir"; exit 1; }
}

# 2. exitbench installed for Linux in a scratch DESTDIR; its exitbench.pc
# moved there with it (absolute directories get the DESTDIR in front).
dest=$tmp/dest
install_kit "$build" "$dest" install-pkgconfigDATA
pc=$(find "$dest" -name exitbench.pc | head -1)
[ -n "$pc" ] || { echo "FAIL: make install-pkgconfigDATA installed no exitbench.pc"; exit 1; }
sed -E "s#^(prefix|exec_prefix|libdir|includedir)=/#\1=$dest/#" "$pc" >"$tmp/exitbench.pc"
cat "$tmp/exitbench.pc" >"$pc"
PKG_CONFIG_PATH=$(dirname "$pc")${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}
export PKG_CONFIG_PATH
case $(pkg-config --cflags exitbench) in
*"$dest"*) ;;
*) echo "FAIL: pkg-config does not find the exitbench.pc installed in $dest"; exit 1 ;;
esac

# The exitbench just built, as the guide's `exitbench` on PATH.
mkdir "$tmp/bin"
printf '#!/bin/sh\nexec "%s" "$@"\n' "$build/emu/exitbench" >"$tmp/bin/exitbench"
chmod +x "$tmp/bin/exitbench"
PATH=$tmp/bin:$PATH
export PATH

# Runs the commands of the guide's sessions tagged $1 in $tmp/work.
run_session() {
	sh "$extract" commands "$1" "$guide" >"$tmp/commands-$1"
	[ -s "$tmp/commands-$1" ] || { echo "FAIL: the guide has no commands in its $1 sessions"; exit 1; }
	while IFS= read -r command; do
		echo "\$ $command"
		if ! (cd "$tmp/work" && sh -c "$command") </dev/null >"$tmp/out" 2>&1; then
			cat "$tmp/out"
			echo "FAIL: the guide's command failed: $command"
			exit 1
		fi
		sed 's/^/  /' "$tmp/out"
		if grep -Eq '\.[ch]:[0-9]+(:[0-9]+)?: warning:' "$tmp/out"; then
			echo "FAIL: the guide's command warns: $command"
			exit 1
		fi
	done <"$tmp/commands-$1"
}

# 3. The guide's Linux commands in a copy of the example: build, replay, make check.
cp -R "$example" "$tmp/work"
chmod -R u+w "$tmp/work" # make distcheck's sources are read-only
run_session linux
[ -f "$tmp/work/issued.log" ] || { echo "FAIL: the guide's replay wrote no issued.log"; exit 1; }
echo "the guide's Linux commands build mymodule.so against the installed exitbench, replay the trace and pass make check"

# 4. The DLL: libexitbench cross-built and installed for Windows in a
# scratch directory, then the guide's mingw-w64 commands.
if ! command -v $host-gcc >/dev/null 2>&1; then
	echo "note: $host-gcc is not installed (Debian package gcc-mingw-w64-x86-64); the DLL step was skipped"
	echo "PASS: the guide's files and Linux commands"
	exit 0
fi
if [ -f "$src/config.status" ]; then
	echo "note: $src is configured in place, so it cannot be cross-built out of tree; the DLL step was skipped"
	echo "PASS: the guide's files and Linux commands"
	exit 0
fi
mkdir "$tmp/cross"
(cd "$tmp/cross" && "$src/configure" --host=$host --prefix=/xb >configure.log 2>&1) ||
	{ tail -30 "$tmp/cross/configure.log"; echo "FAIL: configure --host=$host"; exit 1; }
make -C "$tmp/cross" -j2 lib/libexitbench.la >"$tmp/cross/make.log" 2>&1 ||
	{ grep -E 'error|Error' "$tmp/cross/make.log" | head -30; echo "FAIL: make lib/libexitbench.la for $host"; exit 1; }
install_kit "$tmp/cross" "$tmp/win"
[ -f "$tmp/win/xb/lib/libexitbench.a" ] || { echo "FAIL: no libexitbench.a installed for $host"; exit 1; }
# MAKEFLAGS carries the variable as if on make's command line, overriding the Makefile's XB_WIN.
MAKEFLAGS="XB_WIN=$tmp/win/xb"
export MAKEFLAGS
run_session mingw
unset MAKEFLAGS
dll=$tmp/work/mymodule.dll
exports=$($host-objdump -p "$dll" | sed -n '/\[Ordinal\/Name Pointer\] Table/,/^$/s/^[[:space:]]*\[ *[0-9]*\] //p' |
	sort | paste -sd' ' -)
if [ "$exports" != "DllCanUnloadNow DllGetClassObject DllRegisterServer DllUnregisterServer" ]; then
	echo "FAIL: mymodule.dll exports: $exports"
	exit 1
fi
for name in $($host-objdump -p "$dll" | sed -n 's/^[[:space:]]*DLL Name: //p' | tr 'A-Z' 'a-z'); do
	case $name in
	kernel32.dll | ole32.dll | oleaut32.dll | advapi32.dll | msvcrt.dll | version.dll | api-ms-win-*) ;;
	*) echo "FAIL: mymodule.dll depends on $name, which is not a system DLL"; exit 1 ;;
	esac
done
# Its version resource holds mymodule_version.h's strings (windres reads it back).
$host-windres -i "$dll" -O rc >"$tmp/mymodule-version.rc" 2>&1 ||
	{ cat "$tmp/mymodule-version.rc"; echo "FAIL: mymodule.dll has no resources windres can read"; exit 1; }
for line in 'FILEVERSION 1, 0, 0, 0' 'VALUE "ProductName", "MyModule Exit Module"' \
	'VALUE "FileDescription", "Issued-certificate log (exitbench example)"' \
	'VALUE "LegalCopyright", "Copyright (c) the mymodule authors"' 'VALUE "FileVersion", "1.0.0.0"' \
	'VALUE "ProductVersion", "1.0.0.0"' 'VALUE "OriginalFilename", "mymodule.dll"'; do
	grep -qF "$line" "$tmp/mymodule-version.rc" ||
		{ cat "$tmp/mymodule-version.rc"; echo "FAIL: mymodule.dll's version resource lacks: $line"; exit 1; }
done
echo "mymodule.dll: the four COM exports, system DLLs only, the version resource of mymodule_version.h"

# 5. Under Wine, the guide's regsvr32 step: the keys appear, and go again with /u.
if ! command -v wine >/dev/null 2>&1; then
	echo "note: wine is not installed; regsvr32 mymodule.dll was not tried"
	echo "PASS: the guide's files, its Linux commands and its DLL"
	exit 0
fi
wine_run() { WINEPREFIX="$tmp/wineprefix" WINEDEBUG=-all timeout 300 wine "$@" 2>>"$tmp/wine.log"; }
(cd "$tmp/work" && wine_run regsvr32 /s mymodule.dll) || { cat "$tmp/wine.log"; echo "FAIL: regsvr32 mymodule.dll"; exit 1; }
wine_run reg query 'HKCR\MyModule.Exit\CLSID' | grep -q '{9B79CC5E-FB2C-40DC-BAD5-0FC214FF441C}' ||
	{ echo "FAIL: regsvr32 mymodule.dll did not register MyModule.Exit"; exit 1; }
(cd "$tmp/work" && wine_run regsvr32 /s /u mymodule.dll) || { echo "FAIL: regsvr32 /u mymodule.dll"; exit 1; }
if wine_run reg query 'HKCR\MyModule.Exit' >/dev/null; then
	echo "FAIL: regsvr32 /u mymodule.dll left HKCR\\MyModule.Exit behind"
	exit 1
fi
echo "mymodule.dll under Wine: regsvr32 registers MyModule.Exit, regsvr32 /u removes it"
echo "PASS: the guide's files, its Linux commands, its DLL and its registration"
